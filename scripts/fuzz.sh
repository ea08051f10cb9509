#!/usr/bin/env bash
# Fuzzes the pure parsers with cargo-fuzz (libFuzzer) for a bounded time, one target after the
# other, each on a single core.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET=60] [TARGET...]
#   targets: plan_import (parse_plan), ballot_decode (decode_ballot),
#            invite_code (InviteCode::parse, Receipt::parse); default all three.
#
# Each run starts from a fresh corpus (fuzz/corpus/<target>/, a copy of fuzz/seeds/<target>/)
# and also replays fuzz/regressions/<target>/; fuzz/dicts/<target>.dict, when there is one, gives
# the fuzzer the words the parser looks for. A crash is written to fuzz/artifacts/<target>/;
# the full libFuzzer output is in fuzz/logs/<target>.log. Exits 1 when any target crashed
# (or timed out, or ran out of memory), 2 when the tools are missing.
#
# Environment: CARGO_BUILD_JOBS (default 1), FUZZ_SANITIZER (default none: the code is safe
# Rust, and without AddressSanitizer the fuzzer runs faster; set it to address for the
# cargo-fuzz default), FUZZ_TIMEOUT (seconds one input may take, default 30).
#
# A crash: minimise it with
#   cd fuzz && cargo +nightly fuzz tmin -O -a -s none <target> artifacts/<target>/crash-…
# copy it to fuzz/regressions/<target>/<short-name>; tests/fuzz_regressions.rs replays it.
set -euo pipefail

cd "$(dirname "$0")/../fuzz"

ALL_TARGETS=(plan_import ballot_decode invite_code)

max_len_of() {
  case "$1" in
    plan_import) echo 65536 ;;
    ballot_decode) echo 16384 ;;
    invite_code) echo 512 ;;
  esac
}

seconds="${1:-60}"
if [[ $# -gt 0 ]]; then
  shift
fi
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET=60] [TARGET...]" >&2
  echo "SECONDS_PER_TARGET must be a positive whole number, not '$seconds'" >&2
  exit 2
fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=("${ALL_TARGETS[@]}")
fi
for t in "${targets[@]}"; do
  if [[ -z "$(max_len_of "$t")" ]]; then
    echo "unknown fuzz target '$t'; the targets are: ${ALL_TARGETS[*]}" >&2
    exit 2
  fi
done

sanitizer="${FUZZ_SANITIZER:-none}"
timeout_s="${FUZZ_TIMEOUT:-30}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
export PATH="$HOME/.cargo/bin:$PATH"

# Tools: cargo-fuzz (installed when missing) and a nightly toolchain (never installed here).
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "cargo-fuzz needs a nightly Rust toolchain (it builds with the nightly-only" >&2
  echo "-Z sanitizer and coverage flags), and none is installed." >&2
  echo "Install one with: rustup toolchain install nightly" >&2
  exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz 0.13.2"
  cargo install cargo-fuzz --version 0.13.2 --locked
fi

echo "== building the fuzz targets (cargo +nightly fuzz build -O -a -s $sanitizer)"
# -O: optimised; -a: keep debug assertions and overflow checks, as in the tests.
cargo +nightly fuzz build -O -a -s "$sanitizer"
bin_dir="target/x86_64-unknown-linux-gnu/release"

mkdir -p logs
summary=()
failed=0
for t in "${targets[@]}"; do
  corpus="corpus/$t"
  rm -rf "$corpus"
  mkdir -p "$corpus" "artifacts/$t" "regressions/$t"
  cp seeds/"$t"/* "$corpus"/
  log="logs/$t.log"
  dict=()
  if [[ -f "dicts/$t.dict" ]]; then
    dict=(-dict="dicts/$t.dict")
  fi
  echo "== $t: ${seconds}s, max_len $(max_len_of "$t"), log in fuzz/$log"
  status=0
  "$bin_dir/$t" \
    -max_total_time="$seconds" \
    -rss_limit_mb=2048 \
    -max_len="$(max_len_of "$t")" \
    -timeout="$timeout_s" \
    -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" \
    ${dict[@]+"${dict[@]}"} \
    "$corpus" "regressions/$t" >"$log" 2>&1 || status=$?

  # The last status line, e.g. "#1234567	pulse  cov: 1907 ft: 7311 corp: 512/90Kb ...".
  last="$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -n 1 || true)"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  if [[ -z "$runs" ]]; then
    runs="$(sed -E -n 's/^#([0-9]+).*/\1/p' <<<"$last")"
  fi
  per_sec="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
  cov="$(sed -E -n 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")"
  ft="$(sed -E -n 's/.*ft: ([0-9]+).*/\1/p' <<<"$last")"
  corp="$(sed -E -n 's/.*corp: ([^ ]+).*/\1/p' <<<"$last")"
  artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
  if [[ -n "$artifact" ]]; then
    failed=1
    result="CRASH (exit $status): fuzz/$artifact"
  elif [[ $status -ne 0 ]]; then
    failed=1
    result="FAILED (exit $status, no crash input written): see fuzz/$log"
  else
    result="no crash"
  fi
  summary+=("$(printf '%-14s %6ss  execs %-11s exec/s %-7s cov %-6s ft %-7s corpus %-12s %s' \
    "$t" "$seconds" "${runs:-?}" "${per_sec:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result")")
done

echo
echo "== fuzzing summary"
printf '%s\n' "${summary[@]}"
if [[ $failed -ne 0 ]]; then
  echo
  echo "Minimise a crash: cd fuzz && cargo +nightly fuzz tmin -O -a -s $sanitizer <target> <crash file>;"
  echo "then keep it as fuzz/regressions/<target>/<short-name> (tests/fuzz_regressions.rs replays it)."
fi
exit "$failed"
