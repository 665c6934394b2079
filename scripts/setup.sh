#!/usr/bin/env bash
#! Installs what MQTT Deck's build, run and tests need; skips what is already at the right version.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130

need_apt=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need_apt+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need_apt+=(mosquitto-clients)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
command -v zopfli >/dev/null 2>&1 || need_apt+=(zopfli)
# openssl makes the wss specs' throwaway certificates.
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
# RabbitMQ with its Web MQTT plugin: one of the interop specs' brokers.
[ -x /usr/sbin/rabbitmq-server ] || need_apt+=(rabbitmq-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
  # The packages enable system brokers; our scripts run their own on other ports.
  $SUDO systemctl disable --now mosquitto >/dev/null 2>&1 || true
  $SUDO systemctl disable --now rabbitmq-server >/dev/null 2>&1 || true
fi

# amqtt (PyPI): a 3.1.1-only broker with a websockets listener, for the interop specs.
command -v amqtt >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check amqtt==0.12.1

rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
  echo "setup: building trunk $TRUNK_VERSION (takes a while once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  echo "setup: building wasm-bindgen-cli $WASM_BINDGEN_VERSION (takes a while once)"
  # Not --locked: its lockfile names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ ! -x tests/e2e/node_modules/.bin/wasm-opt ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.stamp ]; then
  echo "setup: npm install (playwright-core, binaryen, mqtt, aedes, ws)"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.stamp)
fi
echo "setup: ready"
