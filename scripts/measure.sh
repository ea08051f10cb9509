#!/usr/bin/env bash
# Measures what the foundation promises, on this machine, and prints it (no pass/fail):
# - time from `ceping serve` to the first answered request (first start with seed import, and a
#   later start);
# - the idle server's memory;
# - each page's HTML size, raw and as transferred (brotli), and the whole first visit of a page:
#   HTML + CSS + JS + WASM as a browser fetches them with Accept-Encoding: br, gzip.
# Needs a release build (scripts/build.sh). Usage: scripts/measure.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
port=3199
bin=target/release/ceping
[ -x "$bin" ] || { echo "no $bin: run scripts/build.sh first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
url="http://127.0.0.1:$port"

ms() { python3 -c "import sys; print(f'{(float(sys.argv[2])-float(sys.argv[1]))*1000:.0f}')" "$1" "$2"; }

start_and_time() { # $1 = db path; sets $pid and $elapsed (ms until /healthz answers)
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" serve --addr "127.0.0.1:$port" --db "$1" --site-root target/site >/dev/null 2>&1 &
  pid=$!
  until curl -fsS -o /dev/null "$url/healthz" 2>/dev/null; do sleep 0.002; done
  t1=$(date +%s.%N)
  elapsed=$(ms "$t0" "$t1")
}

echo "## Start-up (ms until the first answered request; $runs runs each)"
first=() later=()
for i in $(seq "$runs"); do
  rm -rf "$tmp/db"
  start_and_time "$tmp/db/ceping.db"
  first+=("$elapsed")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  start_and_time "$tmp/db/ceping.db"
  later+=("$elapsed")
  if [ "$i" -lt "$runs" ]; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
done
echo "first start (creates the database, imports the seed plan): ${first[*]}"
echo "later start (database exists):                             ${later[*]}"
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "@ ready_first_ms $(median "${first[@]}")"
echo "@ ready_later_ms $(median "${later[@]}")"

# The server from the last run stays up for the rest.
curl -fsS -o /dev/null "$url/"
echo
echo "## Idle server memory"
grep -E 'VmRSS|VmHWM' "/proc/$pid/status"
echo "@ idle_rss_kb $(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")"

size() { # $1 = path, $2 = encoding → bytes transferred
  curl -fsS -o /dev/null -w '%{size_download}' -H "Accept-Encoding: $2" "$url$1"
}
echo
echo "## Transfer sizes (bytes)"
printf '%-22s %10s %10s %10s\n' path raw gzip br
for p in / /plans/1/tasks /tasks/1 /plans/1/units /units/5 /plans/1/group /pkg/ceping.css /pkg/ceping.js /pkg/ceping_bg.wasm; do
  printf '%-22s %10s %10s %10s\n' "$p" "$(size "$p" identity)" "$(size "$p" gzip)" "$(size "$p" br)"
done

first_visit() { # $1 = page; sums the page and every asset it references
  local total html assets a
  html=$(curl -fsS "$url$1")
  total=$(size "$1" "br, gzip")
  assets=$(grep -oE '/pkg/[A-Za-z0-9_.-]+\.(css|js|wasm)' <<<"$html" | sort -u)
  for a in $assets; do total=$((total + $(size "$a" "br, gzip"))); done
  echo "$1: $total bytes ($(tr '\n' ' ' <<<"$assets"))"
}
echo
echo "## First visit, compressed (HTML + everything it loads)"
first_visit /
first_visit /plans/1/units
