#!/usr/bin/env bash
#! Installs what is missing, then runs every test layer: native, browser (wasm-bindgen-test), end-to-end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/tests/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export DECK_BROKER_BASE=${DECK_BROKER_BASE:-18830}

echo "== 1/3 native tests (protocol core, app model)"
cargo test --workspace --locked

broker_dir=$(mktemp -d -t mqtt-deck-broker.XXXXXX)
chmod 755 "$broker_dir"
trap 'scripts/broker.sh stop "$broker_dir" >/dev/null 2>&1 || true' EXIT
scripts/broker.sh start "$broker_dir" "$DECK_BROKER_BASE"

echo "== 2/3 browser tests (transport and driver in headless Chromium against Mosquitto)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120} \
  cargo test --locked --target wasm32-unknown-unknown --test web_driver
# The end-to-end specs start their own broker on the same ports.
scripts/broker.sh stop "$broker_dir"

echo "== building dist/ (trunk build --release) and the simulated home"
trunk build --release
node tests/e2e/budget.mjs
cargo build --locked -p mqtt-deck-sim

echo "== 3/3 end-to-end tests (built dist/ in headless Chromium against Mosquitto)"
tests/e2e/run.sh
echo "== all tests passed"
