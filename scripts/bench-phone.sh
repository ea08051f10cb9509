#!/usr/bin/env bash
# The ballot page on a deputy's phone, with the release build: a fresh database with the seed
# plan, an open round of 44 items and one invitation code, then
# - the page's weight as a browser fetches it (Accept-Encoding: br, gzip): the HTML, the HTML
#   with its CSS (all a deputy needs to rate and submit), and the whole first visit (HTML, CSS,
#   JS and WASM);
# - Debian's Chromium at 360×740 with Chromium's network emulation (400 kbit/s, 400 ms) and an
#   empty cache, JavaScript on and off (end2end/bench/phone.mjs): when the first rating button
#   is on screen, when a tap has checked it, when the islands are awake, and the bytes.
# Prints, does not assert. Usage: scripts/bench-phone.sh [runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
port=3195
bin=target/release/ceping
[ -x "$bin" ] || scripts/build.sh
# Chromium and the npm packages come from scripts/setup.sh (installs only what is missing).
[ -x /usr/bin/chromium ] && [ -d end2end/node_modules/@playwright/test ] || scripts/setup.sh
tmp=$(mktemp -d)
export CEPING_DB="$tmp/ceping.db"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$bin" plan import seed/wuhan-2020-proposal-3.txt >/dev/null 2>&1
"$bin" round create --name "2020年度满意度测评" >/dev/null
# A trial round: one person holds every teller's key (made here, in the throw-away folder).
"$bin" tellers keygen --round 1 --solo --out-dir "$tmp/keys" >/dev/null
"$bin" invite --round 1 --count 1 --out "$tmp/codes.csv" --base-url http://127.0.0.1:3000 >/dev/null
"$bin" round open 1 >/dev/null
code=$(sed -n 2p "$tmp/codes.csv" | cut -d, -f1 | tr -d '\r')
RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$port" --site-root target/site &
pid=$!
base="http://127.0.0.1:$port"
until curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; do sleep 0.05; done

size() { curl -fsS -o /dev/null -w '%{size_download}' -H "Accept-Encoding: br, gzip" "$base$1"; }
html=$(curl -fsS "$base/v/$code")
page=$(size "/v/$code")
raw=$(printf '%s' "$html" | wc -c)
css=0 rest=0
for a in $(grep -oE '/pkg/[A-Za-z0-9_.-]+\.(css|js|wasm)' <<<"$html" | sort -u); do
  case $a in
    *.css) css=$((css + $(size "$a"))) ;;
    *) rest=$((rest + $(size "$a"))) ;;
  esac
done
# The island loader script names the bundle only by its output names (no preload links, so
# that a JavaScript-off phone fetches neither); with JavaScript it fetches both.
if grep -q '"ceping_bg"' <<<"$html"; then
  rest=$((rest + $(size /pkg/ceping.js) + $(size /pkg/ceping_bg.wasm)))
fi
echo "ballot page /v/CODE (44 items): HTML ${raw} bytes raw, ${page} compressed"
echo "HTML + CSS, compressed (enough to rate and submit): $((page + css)) bytes"
echo "whole first visit, compressed (HTML + CSS + JS + WASM): $((page + css + rest)) bytes"
echo "@ ballot_html_css_bytes $((page + css))"
echo "@ ballot_first_visit_bytes $((page + css + rest))"
echo "Chromium 360×740, 400 kbit/s each way, 400 ms latency, empty cache, ${runs} runs each:"
node end2end/bench/phone.mjs "$base/v/$code" "$runs" | tee "$tmp/phone.jsonl"
python3 - "$tmp/phone.jsonl" <<'PY'
import json, sys, statistics
rows = [json.loads(l) for l in open(sys.argv[1])]
for js in (True, False):
    r = [x for x in rows if x["javascript"] == js]
    med = lambda k: statistics.median(x[k] for x in r if x[k] is not None) if any(x[k] is not None for x in r) else None
    label = "JavaScript on " if js else "JavaScript off"
    hyd = med("hydrated_ms")
    print(f"{label}: rateable {med('rateable_ms'):.0f} ms, tapped {med('tapped_ms'):.0f} ms, "
          + (f"islands awake {hyd:.0f} ms, " if hyd else "")
          + f"load {med('load_ms'):.0f} ms, {statistics.median(x['bytes']['total'] for x in r):.0f} bytes (median)")
    key = "js" if js else "nojs"
    print(f"@ phone_rateable_ms_{key} {med('rateable_ms'):.0f}")
    print(f"@ phone_bytes_{key} {statistics.median(x['bytes']['total'] for x in r):.0f}")
    if hyd:
        print(f"@ phone_hydrated_ms_{key} {hyd:.0f}")
PY
