#!/usr/bin/env bash
#! Installs what is missing, starts a local Mosquitto and serves MQTT Deck prefilled to connect to it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/tests/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
base=${DECK_BROKER_BASE:-18870}
port=${DECK_PORT:-8080}

broker_dir=$(mktemp -d -t mqtt-deck-broker.XXXXXX)
chmod 755 "$broker_dir"
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  scripts/broker.sh stop "$broker_dir" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
scripts/broker.sh start "$broker_dir" "$base"

# The simulated home: devices announce themselves, so the Panel fills at once.
cargo build --release --locked -p mqtt-deck-sim
target/release/mqtt-deck-sim --port "$base" &
sim_pid=$!

ws="ws://127.0.0.1:$((base + 1))"
echo
echo "MQTT Deck: http://127.0.0.1:$port/?url=$ws&sub=%23&connect=1"
echo "Broker:    MQTT on 127.0.0.1:$base, websockets on $ws (anonymous) and ws://127.0.0.1:$((base + 2)) (deck / secret)"
echo "Try:       mosquitto_pub -p $base -t demo/hello -m 'hi there'"
echo
trunk serve --release --address 127.0.0.1 --port "$port"
