#!/usr/bin/env bash
# Crash safety: kills the release server with SIGKILL in the middle of a hall of deputies
# voting, restarts it on the same database, and proves that every acknowledged ballot is there
# (its code answers "already used"), that no ballot is half-stored, that the tallies, the
# turnout counter and the used codes equal a recount, and that PRAGMA integrity_check is clean.
# Exits non-zero on any failure. Usage: scripts/crash-test.sh [N=3000] [C=100] [KILL_AT=300]
# (the server is killed once KILL_AT ballots are stored, while the rest are still arriving).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3000}
c=${2:-100}
kill_at=${3:-300}
port=3196
bin=target/release/ceping
[ -x "$bin" ] || scripts/build.sh
cargo build --release --features ssr --example hall -q
tmp=$(mktemp -d)
export CEPING_DB="$tmp/ceping.db"
trap 'kill -9 "${pid:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
base="http://127.0.0.1:$port"
"$bin" plan import seed/wuhan-2020-proposal-3.txt 2>/dev/null
"$bin" round create --name "断电测试" >/dev/null
# A trial round: one person holds every teller's key (made here, in the throw-away folder).
"$bin" tellers keygen --round 1 --solo --out-dir "$tmp/keys" >/dev/null
"$bin" invite --round 1 --count "$n" --out "$tmp/codes.csv" --base-url http://127.0.0.1:3000 >/dev/null
"$bin" round open 1 >/dev/null

start() {
  RUST_LOG=error "$bin" serve --addr "127.0.0.1:$port" --site-root target/site &
  pid=$!
  until curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; do sleep 0.05; done
}

start
target/release/examples/hall --base "$base" --codes "$tmp/codes.csv" --concurrency "$c" \
  --acked "$tmp/acked.txt" >"$tmp/hall.log" 2>&1 &
hall=$!
for _ in $(seq 600); do
  stored=$("$bin" round list --json | grep -o '"ballots": *[0-9]*' | grep -o '[0-9]*$' || echo 0)
  [ "${stored:-0}" -ge "$kill_at" ] && break
  sleep 0.05
done
kill -9 "$pid"
echo "server killed (SIGKILL) with ${stored:-0}+ ballots stored, the rest still arriving"
wait "$hall" || true
acked=$(grep -c . "$tmp/acked.txt" || true)
echo "acknowledged before the kill: $acked of $n"

start
echo "server restarted on the same database"
missing=0
while read -r code; do
  [ -z "$code" ] && continue
  status=$(curl -s -o /dev/null -w '%{http_code}' "$base/v/$code")
  if [ "$status" != "409" ]; then
    missing=$((missing + 1))
    echo "acknowledged ballot not found: code answers $status"
  fi
done <"$tmp/acked.txt"
echo "acknowledged ballots missing after the restart: $missing"
"$bin" round check 1
# Every stored ballot is whole: the tellers' count reads each one, and verifies.
"$bin" round close 1 >/dev/null
"$bin" round count 1 --key "$tmp/keys/teller-1.json" --key "$tmp/keys/teller-2.json"
"$bin" round verify 1 | tail -1
[ "$acked" -gt 0 ] || { echo "FAIL: nothing was acknowledged before the kill"; exit 1; }
[ "$acked" -lt "$n" ] || { echo "FAIL: the kill came after the last ballot; lower KILL_AT"; exit 1; }
[ "$missing" -eq 0 ] || { echo "FAIL: acknowledged ballots were lost"; exit 1; }
echo "crash test passed: nothing acknowledged was lost, nothing half-stored, the count opens and verifies"
