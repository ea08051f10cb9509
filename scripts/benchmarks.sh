#!/usr/bin/env bash
# Runs every benchmark against the release build and writes BENCHMARKS.md: the machine, a table
# of the targets with what was measured, and each benchmark's own output. Measures, does not
# assert: these machines are shared and noisy, so read the numbers, and rerun to compare.
#
# Usage: scripts/benchmarks.sh [OUT=BENCHMARKS.md]
#   BALLOTS=20000   deputies per hall run (closed and open loop)
#   RESULTS=100000  ballots stored for the results and export benchmark
# Takes about 35 minutes on a 2-core machine. Installs what is missing (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-BENCHMARKS.md}
ballots=${BALLOTS:-20000}
results=${RESULTS:-100000}
scripts/setup.sh >/dev/null
scripts/build.sh >/dev/null
cargo build --release --no-default-features --features ssr --example hall --example fill -q

# Kept after the run, so that the report can be written again from them.
log=target/bench-logs
rm -rf "$log"
mkdir -p "$log"
run() { # $1 = name, rest = command; output to $log/$1.txt and the terminal
  local name=$1
  shift
  echo "== $name: $*"
  # A benchmark that fails (a lost ballot, say) is reported, not hidden: its output goes into
  # the report as it is, with the failure marked, and the other benchmarks still run.
  if ! "$@" 2>&1 | tee "$log/$name.txt"; then
    echo "@ failed $name" | tee -a "$log/$name.txt"
  fi
}
started=$(date -u +%Y-%m-%dT%H:%MZ)
echo "$(git rev-parse --short HEAD)$([ -n "$(git status --porcelain --untracked-files=no)" ] && echo ' (with uncommitted changes)')" >"$log/commit.txt"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run measure scripts/measure.sh 5
run phone scripts/bench-phone.sh 3
BENCH_JSON="$log/hall.jsonl" run hall-closed scripts/bench-ballots.sh "$ballots" 500
BENCH_JSON="$log/hall.jsonl" run hall-open scripts/bench-ballots.sh "$ballots" 500 500
# A hall whose ballots were all sealed ahead (the store as big as the hall), closed and open loop.
CEPING_SEAL_AHEAD=3000 BENCH_JSON="$log/hall-ahead.jsonl" run hall-ahead scripts/bench-ballots.sh 3000 500
BENCH_JSON="$log/hall-ahead.jsonl" run hall-ahead-open scripts/bench-ballots.sh 1000 500 500
run results scripts/bench-results.sh "$results" 7 30
run seal scripts/bench-seal.sh "$results"
run teller scripts/bench-teller.sh 500
run handling scripts/bench-handling.sh 30
run uploads scripts/bench-uploads.sh 20

python3 scripts/benchmarks_report.py "$log" "$out" "$started" "$load_before" "$ballots" "$results"
