#!/usr/bin/env bash
# Runs every test: formatting and lints, unit + integration + HTTP tests (cargo test), then the
# release build and the Playwright tests in Debian's Chromium at a phone viewport, with
# JavaScript on and off. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== module layers (no cycle, imports point down, SQL only in repositories)"
python3 scripts/check-layers.py

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (ssr, hydrate; the sealed-ballot crate; the tellers' bundle, native and wasm32)"
cargo clippy --workspace --all-targets --no-default-features --features ssr -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings
cargo clippy -p ceping-teller --lib --target wasm32-unknown-unknown -- -D warnings

echo "== cargo test (unit, integration on SQLite, HTTP through the router; crates/seal, crates/teller)"
cargo test --workspace --no-default-features --features ssr

echo "== release build"
scripts/build.sh

echo "== Playwright (end2end/)"
cd end2end
npx playwright test
cd ..

echo "== crash safety (SIGKILL in the middle of a hall voting)"
scripts/crash-test.sh 3000 100 300
