#!/usr/bin/env bash
# Installs what building, running and testing Control Layer needs, skipping whatever is
# already there, so that a second run takes seconds.
#
#   scripts/setup.sh build     the wasm target, cargo-leptos, wasm-bindgen-cli
#   scripts/setup.sh release   build, plus wasm-opt (npm binaryen) for release builds
#   scripts/setup.sh clients   the Python and Node.js openai packages for the API tests
#   scripts/setup.sh test      build, plus Chromium and the Playwright package
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.10
BINARYEN_VERSION=132.0.0
CHROMIUM=/usr/lib/chromium/chromium
PYTHON_OPENAI_VERSION=1.109.1

say() { printf '==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

cargo_leptos() {
  if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 10 minutes, once per machine)"
    # no_downloads: use the tools on PATH instead of fetching binaries; --debug builds 4x faster.
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked \
      --features no_downloads --debug
  fi
}

wasm_bindgen() {
  local wanted
  wanted=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wanted"; then
    say "installing wasm-bindgen-cli $wanted (about 4 minutes, once per machine)"
    # Not --locked: its lockfile pins a crate release the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$wanted" --force
  fi
}

wasm_opt() {
  if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    say "installing wasm-opt (npm binaryen $BINARYEN_VERSION)"
    mkdir -p .tools
    npm install --prefix .tools --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
}

chromium() {
  if [ ! -x "$CHROMIUM" ]; then
    say "installing Chromium from Debian's packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
}

nginx_server() {
  if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    say "installing nginx from Debian's packages (the benchmark's reference proxy)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
    # Only the binary is wanted; the packaged service must not hold port 80.
    as_root service nginx stop >/dev/null 2>&1 || true
  fi
}

playwright() {
  if [ ! -d end2end/node_modules/@playwright/test ] \
    || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing the Playwright test runner (npm ci)"
    (cd end2end && npm ci --no-audit --no-fund --silent)
  fi
}

client_libraries() {
  if ! python3 -c "import openai, sys; sys.exit(openai.__version__ != '$PYTHON_OPENAI_VERSION')" 2>/dev/null; then
    say "installing the Python openai package $PYTHON_OPENAI_VERSION"
    python3 -m pip install --quiet --disable-pip-version-check "openai==$PYTHON_OPENAI_VERSION"
  fi
  if [ ! -d tests/clients/node_modules/openai ] \
    || [ tests/clients/package-lock.json -nt tests/clients/node_modules/.package-lock.json ]; then
    say "installing the Node.js openai package (npm ci)"
    (cd tests/clients && npm ci --no-audit --no-fund --silent)
  fi
}

case "${1:-build}" in
  build) wasm_target; cargo_leptos; wasm_bindgen ;;
  release) wasm_target; cargo_leptos; wasm_bindgen; wasm_opt ;;
  clients) client_libraries ;;
  test) wasm_target; cargo_leptos; wasm_bindgen; chromium; playwright ;;
  bench) nginx_server ;;
  *) echo "usage: $0 [build|release|clients|test|bench]" >&2; exit 2 ;;
esac
