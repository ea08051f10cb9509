#!/usr/bin/env bash
# Measures results at scale with the release build: a fresh database with the seed plan, a
# round of 44 items filled with N generated ballots (sealed, through the ballot box), counted by two tellers
# and E evaluators' submitted sheets (examples/fill.rs), then the server. Times the results page,
# each chart, an item page and the big screen (p50 and p90 of R requests each, one at a time),
# and prints the server's memory. Prints, does not assert.
# Usage: scripts/bench-results.sh [N=100000] [E=7] [R=30]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
evaluators=${2:-7}
reps=${3:-30}
port=3197
bin=target/release/ceping
[ -x "$bin" ] || scripts/build.sh
cargo build --release --features ssr --example fill -q
tmp=$(mktemp -d)
export CEPING_DB="$tmp/ceping.db"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$bin" plan import seed/wuhan-2020-proposal-3.txt 2>/dev/null
"$bin" round create --name "2020年度满意度测评" >/dev/null
# A trial round: one person holds every teller's key (made here, in the throw-away folder).
"$bin" tellers keygen --round 1 --solo --out-dir "$tmp/keys" >/dev/null
"$bin" round open 1 >/dev/null
target/release/examples/fill --db "$CEPING_DB" --round 1 --ballots "$n" --evaluators "$evaluators"
"$bin" round close 1 >/dev/null
echo "database: $(du -h "$CEPING_DB" | cut -f1)"
start=$(date +%s%N)
"$bin" round check 1 | tail -1
echo "check of all stored ballots (ceping round check): $(( ($(date +%s%N) - start) / 1000000 )) ms"
# The count by two of the three tellers, end to end: each sums every sealed ballot itself and
# posts its decryption shares; the second's post opens the count.
start=$(date +%s%N)
"$bin" round count 1 --key "$tmp/keys/teller-1.json" | tail -1
t1=$(( ($(date +%s%N) - start) / 1000000 ))
start=$(date +%s%N)
"$bin" round count 1 --key "$tmp/keys/teller-2.json" | tail -1
t2=$(( ($(date +%s%N) - start) / 1000000 ))
echo "count by 2 of 3 tellers (ceping round count, one after the other): teller 1 ${t1} ms, teller 2 and the opening ${t2} ms"
echo "@ count_ms $n $t1 $t2"
start=$(date +%s%N)
"$bin" round verify 1 | tail -1
echo "verify the count (ceping round verify): $(( ($(date +%s%N) - start) / 1000000 )) ms"
start=$(date +%s%N)
unit=$("$bin" round results 1 | awk '$1 ~ /^u/ { print substr($1, 2); exit }')
echo "results from the command line (ceping round results): $(( ($(date +%s%N) - start) / 1000000 )) ms"
echo "evaluator-bench" | "$bin" user add --role office --login bench-office >/dev/null

RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$port" --site-root target/site &
pid=$!
base="http://127.0.0.1:$port"
until curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; do sleep 0.05; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "server memory after start: $(grep VmRSS /proc/$pid/status | awk '{print $2, $3}')"
jar="$tmp/cookies"
# An office account must set up its second factor before anything else: as its holder would,
# from the enrolment page's secret, with the code an authenticator app would show (RFC 6238).
. scripts/lib/sign-in.sh
sign_in_with_totp "$jar" "$base" bench-office evaluator-bench

# p50 and p90 of R timed requests of one URL (after one warm-up request).
time_url() {
  local path=$1
  curl -fsS -o /dev/null -b "$jar" "$base$path"
  local bytes
  bytes=$(curl -fsS -b "$jar" "$base$path" | wc -c)
  for _ in $(seq "$reps"); do
    curl -fsS -o /dev/null -b "$jar" -w '%{time_total}\n' "$base$path"
  done | sort -n | awk -v p="$path" -v b="$bytes" '{ t[NR] = $1 } END {
    printf "%-42s p50 %6.1f ms   p90 %6.1f ms   %7d bytes\n", p, t[int(NR*0.5)+1]*1000, t[int(NR*0.9)]*1000, b
    printf "@ p50_ms %s %.1f\n", p, t[int(NR*0.5)+1]*1000 }'
}
echo "requests, ${reps} each, with ${n} ballots and ${evaluators} evaluators stored:"
time_url /results/1
for chart in turnout tasks-levels units-levels tasks-ranked units-ranked task-indicators; do
  time_url "/results/1/charts/$chart.svg"
done
time_url /results/1/tasks/1
time_url "/results/1/units/$unit"
time_url /screen/1
echo "server memory now: $(grep VmRSS /proc/$pid/status | awk '{print $2, $3}'), peak: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
echo "exports through the server (one at a time), with the server's peak memory after each:"
for name in export.xlsx comments.csv export.csv; do
  curl -fsS -b "$jar" -o "$tmp/$name" -w "%{time_total} %{size_download}\n" "$base/desk/rounds/1/$name" |
    tee "$tmp/took" | awk -v n="$name" '{ printf "%-14s %6.2f s  %10d bytes", n, $1, $2 }'
  peak=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
  echo "   server peak: $peak kB"
  echo "@ export $name $(cut -d' ' -f1 "$tmp/took") $peak"
done
# The public record (every sealed ballot with its tracking code), streamed a page at a time:
# the server's peak memory should not grow with the round.
curl -fsS -o "$tmp/record.json" -w "%{time_total} %{size_download}\n" "$base/results/1/record.json" |
  tee "$tmp/took" | awk '{ printf "%-14s %6.2f s  %10d bytes", "record.json", $1, $2 }'
peak=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
echo "   server peak: $peak kB"
echo "@ record $(cut -d' ' -f1 "$tmp/took") $(cut -d' ' -f2 "$tmp/took") $peak"
kill "$pid"; wait "$pid" 2>/dev/null || true
echo "exports from the command line (ceping export):"
"$bin" export --round 1 --format xlsx --out "$tmp/cli.xlsx"
"$bin" export --round 1 --format csv --table comments --out "$tmp/cli.csv"
