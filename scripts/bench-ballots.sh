#!/usr/bin/env bash
# Measures the ballot write path with the release build: a fresh database with the seed plan,
# an open round of 44 items (14 tasks + 30 units), N invitation codes, the server, and the hall
# load generator (examples/hall.rs) with C concurrent phones. Prints, does not assert.
# Usage: scripts/bench-ballots.sh [N=4000] [C=200]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-4000}
c=${2:-200}
port=3198
bin=target/release/ceping
[ -x "$bin" ] || scripts/build.sh
cargo build --release --no-default-features --features ssr --example hall -q
tmp=$(mktemp -d)
export CEPING_DB="$tmp/ceping.db"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$bin" plan import seed/wuhan-2020-proposal-3.txt 2>/dev/null
"$bin" round create --name "压力测试" >/dev/null
"$bin" round open 1 >/dev/null
"$bin" invite --round 1 --count "$n" --out "$tmp/codes.csv" >/dev/null
RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$port" --site-root target/site &
pid=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do sleep 0.05; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
target/release/examples/hall --base "http://127.0.0.1:$port" --codes "$tmp/codes.csv" \
  --concurrency "$c" --db "$CEPING_DB" --round 1
echo "server peak memory: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
