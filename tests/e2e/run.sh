#!/usr/bin/env bash
# Runs every browser end-to-end spec (tests/e2e/*.spec.mjs) one file at a time; exits non-zero on any failure.
#
#   tests/e2e/run.sh [extra node --test options, e.g. --test-name-pattern=retained]
#
# Honours DECK_BROKER_BASE, DECK_DIST, DECK_CHROMIUM, DECK_KEEP_BROKER_DIR (see harness.mjs).
set -euo pipefail
cd "$(dirname "$0")"

[ -d node_modules/playwright-core ] || { echo "run.sh: tests/e2e/node_modules missing: run scripts/setup.sh (npm ci)" >&2; exit 1; }

shopt -s nullglob
specs=(*.spec.mjs)
# An empty glob would make node --test hunt for its default patterns and "pass" on nothing.
((${#specs[@]})) || { echo "run.sh: no *.spec.mjs in tests/e2e" >&2; exit 1; }

# Concurrency 1: every spec file starts the same broker ports, so files must not overlap.
exec node --test --test-concurrency=1 "$@" "${specs[@]}"
