#!/usr/bin/env bash
# Times the count as tellers run it with a checking period, with the release build: a fresh
# database with the seed plan, a round of 44 items whose three tellers (any two count) are
# named with a checking period of M minutes, N generated sealed ballots (examples/fill.rs),
# then the round closes and two tellers start `ceping round count` at once, each with their own
# key file. Each sums every stored ballot itself while the period runs, then waits for its end
# and posts. Prints when each finished summing, and how long after the period's end the count
# was open; then the public record's download through the server (time, size, server peak
# memory). Prints, does not assert.
# Usage: scripts/bench-count.sh [N=100000] [M=5]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
minutes=${2:-5}
port=3198
bin=target/release/ceping
[ -x "$bin" ] || scripts/build.sh
cargo build --release --no-default-features --features ssr --example fill -q
tmp=$(mktemp -d)
export CEPING_DB="$tmp/ceping.db"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$bin" plan import seed/wuhan-2020-proposal-3.txt 2>/dev/null
"$bin" round create --name "计票测试" >/dev/null
"$bin" tellers set --round 1 --names 甲,乙,丙 --check-minutes "$minutes" >/dev/null
# One person makes the three tellers' keys here (in the throw-away folder); the named tellers
# and their checking period are kept.
"$bin" tellers keygen --round 1 --solo --out-dir "$tmp/keys" >/dev/null
"$bin" round open 1 >/dev/null
target/release/examples/fill --db "$CEPING_DB" --round 1 --ballots "$n" --evaluators 0
"$bin" round close 1 >/dev/null
closed=$(date +%s%N)
echo "database: $(du -h "$CEPING_DB" | cut -f1); closed; checking period: $minutes min"
# Two tellers, each with their own file, at once (as on their own terminals).
for k in 1 2; do
  ( "$bin" round count 1 --key "$tmp/keys/teller-$k.json" > "$tmp/teller-$k.log" 2>&1 || true
    echo "$(date +%s%N)" > "$tmp/teller-$k.done" ) &
done
wait
end_of_period=$(( closed + minutes * 60 * 1000000000 ))
for k in 1 2; do
  echo "teller $k: $(head -1 "$tmp/teller-$k.log" | cut -c1-160)"
  echo "         $(tail -1 "$tmp/teller-$k.log" | cut -c1-160)"
done
last=$(cat "$tmp"/teller-*.done | sort -n | tail -1)
after=$(( (last - end_of_period) / 1000000 ))
echo "count open $after ms after the checking period ended ($(( (last - closed) / 1000000 )) ms after closing)"
echo "@ count_after_period_ms $n $minutes $after"
"$bin" round verify 1 | tail -1

RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$port" --site-root target/site --seal-ahead 0 &
pid=$!
base="http://127.0.0.1:$port"
until curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; do sleep 0.05; done
echo "server memory after start: $(grep VmRSS /proc/$pid/status | awk '{print $2, $3}')"
curl -fsS -o "$tmp/record.json" -w "%{time_total} %{size_download}\n" "$base/results/1/record.json" > "$tmp/took"
read -r took size < "$tmp/took"
peak=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
echo "record.json: $took s, $size bytes; server peak memory: $peak kB"
echo "@ record $n $took $size $peak"
"$bin" round verify --record "$tmp/record.json" | tail -1
