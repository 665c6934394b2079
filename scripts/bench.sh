#!/usr/bin/env bash
#! Runs MQTT Deck's benchmark suite: installs what is missing, builds, starts a private broker, prints the table and rewrites BENCHMARKS.md.
#
#   scripts/bench.sh                        full run (the figures BENCHMARKS.md reports; a few minutes)
#   DECK_BENCH_N=20000 scripts/bench.sh     quick run while developing (prints only)
#   DECK_BENCH_ONLY=profile scripts/bench.sh  where the full app's time goes in a burst (prints only)
#   DECK_BENCH_ONLY=soak scripts/bench.sh     only the soak (scripts/soak.sh), which a full run ends with
#   DECK_BENCH_ONLY=background scripts/bench.sh  only the background-tab check (tests/e2e/background.mjs,
#                                           about 8 minutes), which a full run runs after the soak
#
# Environment: DECK_BENCH_BASE (broker ports BASE..BASE+2, default 18850), DECK_BACKGROUND_BASE (the
# background check's broker ports BASE..BASE+2 and Chromium's DevTools port BASE+5, default 18900), DECK_BENCH_SKIP_BUILD=1
# (reuse dist/ and target/bench-dist/ as they are), and the DECK_BENCH_* knobs of bench/run.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# trunk must find the pinned wasm-opt from the e2e tests' node_modules.
export PATH="$PWD/tests/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export DECK_BENCH_BASE=${DECK_BENCH_BASE:-18850}

if [ "${DECK_BENCH_SKIP_BUILD:-}" != 1 ]; then
  echo "== building dist/ (trunk build --release)"
  trunk build --release
  echo "== building the core-only page (target/bench-dist/)"
  trunk build --release=true --dist target/bench-dist bench/core.html
  if [[ ",${DECK_BENCH_ONLY:-}," == *,profile,* ]]; then
    echo "== building the app with wasm function names (target/profile-dist/)"
    trunk build --release=true --dist target/profile-dist bench/profile.html
  fi
fi

broker_dir=$(mktemp -d -t mqtt-deck-bench-broker.XXXXXX)
chmod 755 "$broker_dir"
trap 'scripts/broker.sh stop "$broker_dir" >/dev/null 2>&1 || true; rm -rf "$broker_dir"' EXIT
scripts/broker.sh start "$broker_dir" "$DECK_BENCH_BASE"

# The soak and the background check are their own scripts with their own brokers; the other
# sections go to bench/run.mjs.
only=${DECK_BENCH_ONLY:-}
table_only=$(tr ',' '\n' <<<"$only" | grep -vx ' *\(soak\|background\) *' | paste -sd, -) || true
if [ -z "$only" ] || [ -n "$table_only" ]; then
  echo "== running bench/run.mjs"
  DECK_BENCH_ONLY=$table_only DECK_BENCH_BROKER_DIR=$broker_dir node bench/run.mjs
fi
if [ -z "$only" ] || [[ ",$only," == *,soak,* ]]; then
  echo "== running the soak (scripts/soak.sh)"
  DECK_BENCH_SKIP_BUILD=1 scripts/soak.sh
fi
if [ -z "$only" ] || [[ ",$only," == *,background,* ]]; then
  echo "== running the background-tab check (tests/e2e/background.mjs, about 8 minutes)"
  DECK_BROKER_BASE=${DECK_BACKGROUND_BASE:-18900} node tests/e2e/background.mjs
fi
