#!/usr/bin/env bash
# Builds the browser bundle (WASM, size-optimised) into target/site and the release server
# binary target/release/ceping. The same steps as `cargo leptos build --release`, without
# needing cargo-leptos (whose install takes 10 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$PATH"

site=target/site
pkg="$site/pkg"
wasm_in=target/wasm32-unknown-unknown/wasm-release/ceping.wasm

echo "build: browser bundle (hydrate, wasm-release profile)"
cargo build --lib --target wasm32-unknown-unknown --no-default-features --features hydrate \
  --profile wasm-release
mkdir -p "$pkg"
wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name ceping "$wasm_in"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$pkg/ceping_bg.wasm" -o "$pkg/ceping_bg.wasm"
cp style/main.css "$pkg/ceping.css"
cp style/report.css "$pkg/report.css"
cp style/handling.css "$pkg/handling.css"

echo "build: the tellers' bundle (crates/teller, wasm-release profile)"
cargo build -p ceping-teller --lib --target wasm32-unknown-unknown --profile wasm-release
mkdir -p "$pkg/teller"
wasm-bindgen --target web --no-typescript --out-dir "$pkg/teller" --out-name ceping_teller \
  target/wasm32-unknown-unknown/wasm-release/ceping_teller.wasm
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$pkg/teller/ceping_teller_bg.wasm" -o "$pkg/teller/ceping_teller_bg.wasm"
cp crates/teller/page/teller.js "$pkg/teller/teller.js"
cp -r public/. "$site/"

# Precompressed copies, served as they are (Content-Encoding br or gzip).
for f in "$pkg"/ceping.js "$pkg"/ceping_bg.wasm "$pkg"/ceping.css "$pkg"/report.css "$pkg"/handling.css "$pkg"/teller/*.js \
  "$pkg"/teller/ceping_teller_bg.wasm; do
  gzip -9 -k -f "$f"
  brotli -q 11 -f "$f"
done

echo "build: server (ssr, release)"
cargo build --release --no-default-features --features ssr --bin ceping
echo "build: done — target/release/ceping, assets in $site"
ls -l "$pkg"
