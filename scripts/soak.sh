#!/usr/bin/env bash
#! Runs the full soak (bench/soak.mjs): QoS 1 and 2 both ways across cuts, stalls and broker restarts; prints the counts and rewrites RELIABILITY.md's Soak section.
#
#   scripts/soak.sh                          10,000 per QoS per direction, 20 cuts, stalls and freezes, 2 restarts
#   DECK_SOAK_N=500 scripts/soak.sh          a quick run (prints only)
#
# Environment: DECK_SOAK_BASE (ports BASE..BASE+2 for the broker, BASE+11 for the fault proxy;
# default 18880), DECK_BENCH_SKIP_BUILD=1 (reuse dist/ as it is), and the DECK_SOAK_* knobs of
# bench/soak.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="$PWD/tests/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if [ "${DECK_BENCH_SKIP_BUILD:-}" != 1 ]; then
  echo "== building dist/ (trunk build --release)"
  trunk build --release
fi

echo "== running bench/soak.mjs"
DECK_BROKER_BASE=${DECK_SOAK_BASE:-18880} node bench/soak.mjs
