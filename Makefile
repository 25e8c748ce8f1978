# Control Layer: the two commands of the quick start, and a few more.
#
#   make run     build (release) and run the gateway on http://127.0.0.1:3000, in demo mode
#   make test    the whole test suite: formatting, lints, unit, integration, browser
#
# Both install what they need first (scripts/setup.sh), and skip what is already there.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/.tools/node_modules/.bin:$(PATH)

# Extra flags for the gateway, e.g. `make run ARGS="--listen 0.0.0.0:3000"`.
ARGS ?=

.PHONY: run test lint unit e2e build bench bench-catalog bench-usage

run:
	scripts/setup.sh release
	cargo leptos build --release
	target/release/control-layer --demo $(ARGS)

test: lint unit e2e

lint:
	scripts/setup.sh build
	cargo fmt --all -- --check
	cargo clippy --all-targets --features ssr -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

unit:
	scripts/setup.sh clients
	cargo test --features ssr

e2e: build
	scripts/setup.sh test
	cd end2end && npx playwright test

build:
	scripts/setup.sh build
	cargo leptos build

# How long authenticating a request takes with 100,000 keys loaded, and catalog rebuild times.
bench-catalog:
	cargo run --release --example bench_catalog --features ssr

# Gateway overhead under open-loop load: straight to the mock, through nginx, through the
# gateway; bodies, streaming, 100,000 keys. Installs nginx (Debian) if it is missing.
bench:
	scripts/setup.sh bench
	cargo build --release --features ssr --bin control-layer
	cargo run --release --example bench_proxy --features ssr

# The Usage page's queries at 10 million records, and the usage writer's throughput.
bench-usage:
	cargo run --release --example bench_usage --features ssr
