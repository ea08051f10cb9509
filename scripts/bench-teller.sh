#!/usr/bin/env bash
# The teller's page with the release build: a round of 44 items filled with N sealed ballots
# (examples/fill.rs; a trial round, so one folder holds the tellers' key files), closed; then
# - the page's first-visit weight as a browser fetches it (Accept-Encoding: br, gzip): the HTML,
#   its CSS, the page's script, the tellers' WASM bundle and its glue;
# - Debian's Chromium (end2end/bench/teller.mjs): teller 1 opens their link, loads their key
#   file and counts: the download of every sealed ballot, the sum and the decryption shares in
#   the browser, and the post, timed from the click until the page says the shares are in;
# - teller 2 by `ceping round count`, which opens the count, and `ceping round verify`.
# Prints, does not assert. Usage: scripts/bench-teller.sh [N=500] [runs=1]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-500}
port=3194
bin=target/release/ceping
[ -x "$bin" ] && [ -f target/site/pkg/teller/ceping_teller_bg.wasm ] || scripts/build.sh
[ -x /usr/bin/chromium ] && [ -d end2end/node_modules/@playwright/test ] || scripts/setup.sh
cargo build --release --features ssr --example fill -q
tmp=$(mktemp -d)
export CEPING_DB="$tmp/ceping.db"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$bin" plan import seed/wuhan-2020-proposal-3.txt >/dev/null 2>&1
"$bin" round create --name "2020年度满意度测评" >/dev/null
"$bin" tellers keygen --round 1 --solo --out-dir "$tmp/keys" >/dev/null
"$bin" round open 1 >/dev/null
target/release/examples/fill --db "$CEPING_DB" --round 1 --ballots "$n" --evaluators 0
"$bin" round close 1 >/dev/null
link=$("$bin" tellers status --round 1 | grep -oE 'page: /teller/1/1#[0-9A-Z]+' | cut -d' ' -f2)
RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$port" --site-root target/site &
pid=$!
base="http://127.0.0.1:$port"
until curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; do sleep 0.05; done

size() { curl -fsS -o /dev/null -w '%{size_download}' -H "Accept-Encoding: br, gzip" "$base$1"; }
html=$(size /teller/1/1)
css=$(size /pkg/ceping.css)
script=$(size /pkg/teller/teller.js)
glue=$(size /pkg/teller/ceping_teller.js)
wasm=$(size /pkg/teller/ceping_teller_bg.wasm)
total=$((html + css + script + glue + wasm))
echo "teller page /teller/1/1, compressed: HTML $html, CSS $css, page script $script, WASM glue $glue, WASM $wasm bytes; first visit $total bytes"
echo "@ teller_first_visit_bytes $total"
echo "@ teller_wasm_bytes $wasm"
node end2end/bench/teller.mjs "$base$link" "$tmp/keys/teller-1.json" "$n"
start=$(date +%s%N)
"$bin" round count 1 --key "$tmp/keys/teller-2.json" | tail -1
echo "teller 2 by the command line, with the opening: $(( ($(date +%s%N) - start) / 1000000 )) ms"
"$bin" round verify 1 | tail -1
