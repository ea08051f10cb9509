#!/usr/bin/env bash
# Measures the ballot write path with the release build: a fresh database with the seed plan,
# an open round of 44 items (14 tasks + 30 units), N invitation codes, the server, and the hall
# load generator (examples/hall.rs) with C concurrent phones: a closed loop (each phone votes
# again as soon as it is answered), or with RATE an open loop (deputies arrive at RATE per
# second, at most C at once). Prints, does not assert; also prints the CPU time the server and
# the load generator used, since both share this machine's cores.
# With BENCH_JSON=FILE set, the load generator appends its figures to FILE as a JSON line.
# The server seals ballots ahead while it is idle (`--seal-ahead`, CEPING_SEAL_AHEAD, default
# 1000 per open round): the hall starts once that store is full, as it is in a hall where the
# round has been open a while. CEPING_SEAL_AHEAD=0 measures every ballot sealed as it arrives.
# Usage: scripts/bench-ballots.sh [N=4000] [C=200] [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-4000}
c=${2:-200}
rate=${3:-}
port=3198
bin=target/release/ceping
[ -x "$bin" ] || scripts/build.sh
cargo build --release --no-default-features --features ssr --example hall -q
tmp=$(mktemp -d)
export CEPING_DB="$tmp/ceping.db"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$bin" plan import seed/wuhan-2020-proposal-3.txt 2>/dev/null
"$bin" round create --name "压力测试" >/dev/null
# A trial round: one person holds every teller's key (made here, in the throw-away folder).
"$bin" tellers keygen --round 1 --solo --out-dir "$tmp/keys" >/dev/null
"$bin" invite --round 1 --count "$n" --out "$tmp/codes.csv" --base-url http://127.0.0.1:3000 >/dev/null
"$bin" round open 1 >/dev/null
ahead=${CEPING_SEAL_AHEAD:-1000}
RUST_LOG=warn,ceping::server::service::sealing=info NO_COLOR=1 "$bin" serve \
  --addr "127.0.0.1:$port" --site-root target/site --seal-ahead "$ahead" >"$tmp/server.log" 2>&1 &
pid=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do sleep 0.05; done
if [ "$ahead" -gt 0 ]; then
  waited=$(date +%s.%N)
  for _ in $(seq 1200); do
    grep -q "ballots sealed ahead: ready" "$tmp/server.log" && break
    sleep 0.25
  done
  if grep -q "ballots sealed ahead: ready" "$tmp/server.log"; then
    echo "sealed ahead: $ahead ballots ready $(python3 -c "import time; print(f'{time.time() - $waited:.1f}')") s after the server started"
  else
    echo "sealed ahead: NOT ready after 300 s; the hall starts anyway"
  fi
else
  echo "sealed ahead: none (every ballot sealed as it arrives)"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
cpu() { awk '{ printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"' }' "/proc/$1/stat"; }
server_cpu0=$(cpu "$pid")
extra=()
[ -n "$rate" ] && extra+=(--rate "$rate")
[ -n "${BENCH_JSON:-}" ] && extra+=(--json "$BENCH_JSON")
# CPU seconds of this shell's finished children (bash's `times`, second line: user, system).
# (`times` runs in this shell, not in a $(…) subshell, which has no children of its own.)
times_file="$tmp/times"
children_cpu() { tail -1 "$times_file" | sed 's/[ms]/ /g' | awk '{ printf "%.2f", $1 * 60 + $2 + $3 * 60 + $4 }'; }
times >"$times_file"
hall_cpu0=$(children_cpu)
target/release/examples/hall \
  --base "http://127.0.0.1:$port" --codes "$tmp/codes.csv" \
  --concurrency "$c" --db "$CEPING_DB" --round 1 "${extra[@]}"
server_cpu=$(python3 -c "print(f'{$(cpu "$pid") - $server_cpu0:.2f}')")
times >"$times_file"
hall_cpu=$(python3 -c "print(f'{$(children_cpu) - $hall_cpu0:.2f}')")
echo "cpu time         server ${server_cpu} s, load generator ${hall_cpu} s (2 cores share both)"
echo "server peak memory: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
# What the server warned of during the run (slow statements, say), as it would have shown them.
grep -v "ballots sealed ahead: ready" "$tmp/server.log" || true
