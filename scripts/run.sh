#!/usr/bin/env bash
# One command from a fresh machine to a running Ceping: installs what is missing, builds,
# and serves on http://127.0.0.1:3000 with the database data/ceping.db (the seed plan is
# imported on the first start). Extra arguments go to `ceping serve`, e.g. --addr 0.0.0.0:3000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec target/release/ceping serve "$@"
