#!/usr/bin/env bash
# Starts a release gateway on 127.0.0.1:PORT in front of UPSTREAM_URL (an OpenAI-compatible
# base URL, e.g. http://127.0.0.1:8001/v1), sets it up through its server functions as an
# operator would — the upstream as a provider, a model "bench" (upstream name UPSTREAM_MODEL,
# default mock-chat) granted to everyone, a key with a rate limit high enough not to trigger —
# and prints the key on stdout. Usage and "last used" are recorded, as in production. The
# gateway runs, with a throw-away data directory, until this script is stopped (Ctrl-C).
#
# usage: scripts/gateway-for-load.sh PORT UPSTREAM_URL [UPSTREAM_MODEL]
# then:  curl http://127.0.0.1:PORT/ai/v1/chat/completions -H "authorization: Bearer $KEY" \
#          -H 'content-type: application/json' -d '{"model":"bench","messages":[...]}'
set -euo pipefail

port=${1:?usage: $0 PORT UPSTREAM_URL [UPSTREAM_MODEL]}
upstream=${2:?usage: $0 PORT UPSTREAM_URL [UPSTREAM_MODEL]}
upstream_model=${3:-mock-chat}
binary=target/release/control-layer
base=http://127.0.0.1:$port

cd "$(dirname "$0")/.."
if [ ! -x "$binary" ]; then
  echo "==> building the release gateway" >&2
  cargo build --release --features ssr --bin control-layer >&2
fi

data=$(mktemp -d)
password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
CONTROL_LAYER_DATA_DIR=$data CONTROL_LAYER_ADMIN_PASSWORD=$password \
  "$binary" --listen "127.0.0.1:$port" --log warn --metrics-listen off >&2 &
gateway=$!
trap 'kill $gateway 2>/dev/null || true; wait $gateway 2>/dev/null || true; rm -rf "$data"' EXIT
trap 'exit 0' INT TERM

for _ in $(seq 100); do
  curl -sf "$base/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

jar=$data/cookies
curl -sf -c "$jar" --data-urlencode "email=admin@localhost" --data-urlencode "password=$password" \
  "$base/api/sign_in" >/dev/null
call() { curl -sf -b "$jar" -H 'content-type: application/json' -d "$2" "$base/api/$1"; }
field() { python3 -c "import json, sys; v = json.load(sys.stdin); print(v$1)"; }

provider=$(call admin_save_provider \
  "{\"provider\": {\"name\": \"upstream\", \"base_url\": \"$upstream\"}}" | field "['id']")
model=$(call admin_save_model \
  "{\"model\": {\"name\": \"bench\", \"provider_id\": \"$provider\", \"upstream_name\": \"$upstream_model\"}}" \
  | field "")
call admin_set_group_model \
  "{\"group_id\": \"everyone\", \"model_id\": \"$model\", \"granted\": true}" >/dev/null
call create_api_key \
  '{"key": {"name": "load", "requests_per_second": 10000, "burst_size": 50000}}' | field "['secret']"

echo "gateway: $base/ai/v1, model \"bench\"; Ctrl-C stops it" >&2
wait $gateway
