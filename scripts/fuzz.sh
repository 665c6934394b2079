#!/usr/bin/env bash
# Coverage-guided fuzzing of the framer and the session with cargo-fuzz (libFuzzer).
#
#   scripts/fuzz.sh [framer|session|all] [runs] [libFuzzer flags...]
#
# Default: both targets, 10000000 runs each; flags such as -max_len=128 go to libFuzzer.
#
# Each target starts from the committed corpus (fuzz/corpus/<target>) and every input that
# once broke it (fuzz/regressions/<target>), copied to a scratch directory so that the
# repository's corpus does not grow. A crashing input lands in fuzz/artifacts/<target>/
# (ignored by git): fix the core, add a regression test named for what broke, and keep the
# input in fuzz/regressions/<target>/ (`cargo fuzz run -O -a -s none <target> <input>` from
# fuzz/ replays it with its panic message). Too slow for scripts/test.sh; CI replays the corpus
# and the regressions with `cargo test --test fuzz_corpus` instead. Results: RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

which="${1:-all}"
runs="${2:-10000000}"
shift $(( $# < 2 ? $# : 2 ))
case "$which" in
  all) targets=(framer session) ;;
  framer | session) targets=("$which") ;;
  *) echo "usage: $0 [framer|session|all] [runs] [libFuzzer flags...]" >&2; exit 2 ;;
esac

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# cargo-fuzz instruments the build with -Z flags (sanitizer coverage), which only a nightly
# compiler takes. The pinned toolchain is stable; RUSTC_BOOTSTRAP=1 makes it accept them.
export RUSTC_BOOTSTRAP=1
# No sanitizer: the code under test is safe Rust, so AddressSanitizer would only slow each
# run. -O -a: optimised, with debug assertions and overflow checks, which are bugs here too.
build=(-O -a -s none)

for target in "${targets[@]}"; do
  scratch="$(mktemp -d)"
  cp fuzz/corpus/"$target"/* "$scratch"/
  if compgen -G "fuzz/regressions/$target/*" >/dev/null; then
    cp fuzz/regressions/"$target"/* "$scratch"/
  fi
  mkdir -p fuzz/artifacts/"$target"
  log="$scratch.log"
  echo "fuzzing $target for $runs runs (log: $log)"
  start=$(date +%s)
  status=0
  # -close_fd_mask=2 closes the target's stderr (libFuzzer keeps its own): mqttbytes 0.6's
  # v5 UNSUBSCRIBE reader prints every packet id with dbg!, which would flood the log and
  # slow every run. A crash's message shows when its input is replayed (see above).
  (cd fuzz && cargo fuzz run "${build[@]}" "$target" "$scratch" -- \
    -runs="$runs" -print_final_stats=1 -close_fd_mask=2 -artifact_prefix="artifacts/$target/" "$@") >"$log" 2>&1 || status=$?
  seconds=$(( $(date +%s) - start ))
  # libFuzzer's last status line ("#N DONE cov: .. ft: .. corp: ..") and its final stats.
  grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$log" || true
  echo "$target: ${seconds}s, exit status $status"
  if [ "$status" -ne 0 ]; then
    tail -40 "$log"
    echo "$target found a failure: see fuzz/artifacts/$target/" >&2
    exit "$status"
  fi
  rm -rf "$scratch"
done
