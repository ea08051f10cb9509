#!/usr/bin/env bash
# Measures the year of handling with the release build: a fresh database with the seed plan,
# twelve reporting months (January to December) and a full sample year of 5 indicators per
# unit and task (`ceping handling sample --per-task 5`: 30 units, 14 tasks, every month's
# report, some late, a few missing or returned), then the server. Times the public board, a
# task's and a unit's record, the office's review list and the ballot page that carries every
# item's one-line year (p50 and p90 of R requests each, one at a time), and prints the ballot's
# HTML + CSS compressed. Prints, does not assert.
# Usage: scripts/bench-handling.sh [R=30]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-30}
port=3196
bin=target/release/ceping
[ -x "$bin" ] || scripts/build.sh
tmp=$(mktemp -d)
export CEPING_DB="$tmp/ceping.db"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$bin" plan import seed/wuhan-2020-proposal-3.txt 2>/dev/null
"$bin" handling settings --first 2020-01 --last 2020-12
start=$(date +%s%N)
"$bin" handling sample --per-task 5
echo "loading the full sample year: $(( ($(date +%s%N) - start) / 1000000 )) ms"
sqlite_count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$CEPING_DB" "$1"; }
echo "stored: $(sqlite_count 'SELECT COUNT(*) FROM subplan') sub-plans, $(sqlite_count 'SELECT COUNT(*) FROM subplan_indicator') indicators, $(sqlite_count 'SELECT COUNT(*) FROM progress_report') reports, $(sqlite_count 'SELECT COUNT(*) FROM report_value') reported values"
start=$(date +%s%N)
"$bin" handling board >/dev/null
echo "the board from the command line (ceping handling board): $(( ($(date +%s%N) - start) / 1000000 )) ms"
"$bin" round create --name "2020年度满意度测评" >/dev/null
"$bin" tellers keygen --round 1 --solo --out-dir "$tmp/keys" >/dev/null
"$bin" invite --round 1 --count 1 --out "$tmp/codes.csv" --base-url "http://127.0.0.1:$port" >/dev/null
"$bin" round open 1 >/dev/null
code=$(sed -n '2p' "$tmp/codes.csv" | cut -d, -f1)
echo "handling-bench" | "$bin" user add --role office --login bench-office >/dev/null

RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$port" --site-root target/site &
pid=$!
base="http://127.0.0.1:$port"
until curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; do sleep 0.05; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
jar="$tmp/cookies"
. scripts/lib/sign-in.sh
sign_in_with_totp "$jar" "$base" bench-office handling-bench

time_url() {
  local path=$1
  curl -fsS -o /dev/null -b "$jar" "$base$path"
  local bytes
  bytes=$(curl -fsS -b "$jar" "$base$path" | wc -c)
  for _ in $(seq "$reps"); do
    curl -fsS -o /dev/null -b "$jar" -w '%{time_total}\n' "$base$path"
  done | sort -n | awk -v p="$path" -v b="$bytes" '{ t[NR] = $1 } END {
    printf "%-36s p50 %6.1f ms   p90 %6.1f ms   %7d bytes\n", p, t[int(NR*0.5)+1]*1000, t[int(NR*0.9)]*1000, b
    printf "@ handling_p50_ms %s %.1f\n", p, t[int(NR*0.5)+1]*1000 }'
}
unit=$(curl -fsS "$base/progress" | grep -o 'href="/progress/units/[0-9]*"' | head -1 | grep -o '[0-9]*')
echo "requests, ${reps} each, on a full year:"
time_url /progress
time_url /progress/tasks/1
time_url "/progress/units/$unit"
time_url /desk/handling
echo "server memory now: $(grep VmRSS /proc/$pid/status | awk '{print $2, $3}'), peak: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
# The ballot with every item's year: HTML and its stylesheet, as a phone fetches them.
html=$(curl -fsS -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: br, gzip' "$base/v/$code")
css=$(curl -fsS -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: br, gzip' "$base/pkg/ceping.css")
lines=$(curl -fsS "$base/v/$code" | grep -o 'class="year rag-' | wc -l)
echo "ballot page with ${lines} one-line years: HTML ${html} bytes + CSS ${css} bytes compressed = $(( (html + css) / 1024 )).$(( (html + css) % 1024 * 10 / 1024 )) KB"
echo "@ ballot_with_years_bytes $((html + css)) $lines"
