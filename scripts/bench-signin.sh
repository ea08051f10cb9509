#!/usr/bin/env bash
# Abuse of the staff side with the release build (issue 12's measurements): a fresh database
# with the seed plan, an office account and an open round with one code; then, against
# `ceping serve` (end2end/bench/storm.mjs, Node):
# - the ballot page's latency idle;
# - 500 wrong sign-ins at once, each on another login and address (nothing to throttle: only
#   the bound on password checks holds them), then 500 on one account (the throttle), with
#   the server's peak memory and the ballot page's p50/p99 while they run;
# - 1000 slow clients that send half a request and reconnect whenever they are cut off, for
#   20 s, with the server's open files (connections held) and the ballot page's latency.
# Prints JSON lines, does not assert. Usage: scripts/bench-signin.sh [attempts=500] [slow=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
attempts=${1:-500}
slow=${2:-1000}
port=3195
bin=target/release/ceping
[ -x "$bin" ] || scripts/build.sh
command -v node >/dev/null || scripts/setup.sh
tmp=$(mktemp -d)
export CEPING_DB="$tmp/ceping.db"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$bin" plan import seed/wuhan-2020-proposal-3.txt >/dev/null 2>&1
echo "office-bench-password" | "$bin" user add --role office --login bench-office >/dev/null
"$bin" round create --name "2020年度满意度测评" >/dev/null
"$bin" tellers keygen --round 1 --solo --out-dir "$tmp/keys" >/dev/null
"$bin" invite --round 1 --count 1 --out "$tmp/codes.csv" --base-url "http://127.0.0.1:$port" >/dev/null
"$bin" round open 1 >/dev/null
code=$(sed -n 2p "$tmp/codes.csv" | cut -d, -f1 | tr -d '\r')
RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$port" --site-root target/site &
pid=$!
base="http://127.0.0.1:$port"
until curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; do sleep 0.05; done
echo "server: $(nproc) cores; $(grep -m1 VmRSS /proc/$pid/status | tr -s ' ')"
# Each slow client holds a socket here too.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
node end2end/bench/storm.mjs "$base" "/v/$code" "$pid" "$attempts" "$slow" 20
