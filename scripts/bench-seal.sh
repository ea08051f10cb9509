#!/usr/bin/env bash
# Times sealed ballots with the release build (examples/seal.rs): sealing one ballot on the
# server, and the count of BALLOTS stored sealed ballots by 2 of 3 tellers (summing every
# ciphertext, each teller's decryption shares with proofs, the server's check of them, opening
# the counts), checked against a plaintext recount. Prints, does not assert.
# Usage: scripts/bench-seal.sh [BALLOTS=100000] [ITEMS=44] [LEVELS=4]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --no-default-features --features ssr --example seal -q
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
target/release/examples/seal "${1:-100000}" "${2:-44}" "${3:-4}"
