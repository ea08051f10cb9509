#!/usr/bin/env bash
# Measures the year of handling's uploads on a real server: a liaison's 20 MB evidence file
# filed with a month's report (time, and the server's memory before and after: the file is
# streamed to a temporary file, hashed, then stored with the report in one transaction), its
# download, and the spreadsheet templates (download, upload back). Prints numbers; asserts
# nothing about time (shared machines are noisy).
#   scripts/bench-uploads.sh [MB]     (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-20}
port=3197
bin=target/release/ceping
[ -x "$bin" ] || scripts/build.sh
tmp=$(mktemp -d)
export CEPING_DB="$tmp/ceping.db"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$bin" plan import seed/wuhan-2020-proposal-3.txt 2>/dev/null
"$bin" handling settings --first 2020-01 --last 2020-12 >/dev/null
echo "uploads-bench" | "$bin" user add --role office --login bench-office >/dev/null
echo "uploads-bench" | "$bin" user add --role liaison --unit 市科技局 --login bench-liaison >/dev/null

RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$port" --site-root target/site &
pid=$!
base="http://127.0.0.1:$port"
until curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; do sleep 0.05; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
rss() { echo "$(grep VmRSS /proc/$pid/status | awk '{print $2}') kB now, $(grep VmHWM /proc/$pid/status | awk '{print $2}') kB peak"; }
ms() { awk '{ printf "%.0f", $1 * 1000 }'; }

office="$tmp/office" liaison="$tmp/liaison"
. scripts/lib/sign-in.sh
sign_in_with_totp "$office" "$base" bench-office uploads-bench
curl -fsS -o /dev/null -c "$liaison" -H "Origin: $base" \
  --data "login=bench-liaison&password=uploads-bench&next=/desk" "$base/login"

# The sub-plan: one indicator on the unit's first task, submitted; the office approves it.
task=$(curl -fsS -b "$liaison" "$base/desk/unit/subplan" | grep -o 'name="i0_task"><option value="[0-9]*"' | grep -o '[0-9]*"$' | tr -d '"')
curl -fsS -o /dev/null -b "$liaison" -H "Origin: $base" --data "action=submit&measures=x&i0_task=$task&i0_name=n&i0_unit=u&i0_baseline=0&i0_target=10&i0_direction=higher&i0_starts=2020-05-01&i0_due=2020-12-31" "$base/desk/unit/subplan"
plan=$(curl -fsS -b "$office" "$base/desk/handling" | grep -o '/desk/handling/subplans/[0-9]*' | head -1)
curl -fsS -o /dev/null -b "$office" -H "Origin: $base" --data "decision=approve" "$base$plan/decide"

t=$(curl -fsS -o "$tmp/subplan.xlsx" -b "$liaison" -w '%{time_total}' "$base/desk/unit/subplan/template.xlsx" | ms)
echo "sub-plan template: downloaded in $t ms, $(wc -c <"$tmp/subplan.xlsx") bytes"
t=$(curl -fsS -o /dev/null -b "$liaison" -H "Origin: $base" -F action=save -F "sheet=@$tmp/subplan.xlsx" -w '%{time_total}' "$base/desk/unit/subplan" | ms)
echo "sub-plan template uploaded back (read and stored as a draft): $t ms"
echo "@ sheet_upload_ms $t"
t=$(curl -fsS -o "$tmp/june.xlsx" -b "$liaison" -w '%{time_total}' "$base/desk/unit/reports/2020-06/template.xlsx" | ms)
echo "June's report template: downloaded in $t ms, $(wc -c <"$tmp/june.xlsx") bytes"

# A ${mb} MB evidence file (a PDF header, then noise) with June's report.
{ printf '%%PDF-1.4\n'; head -c $((mb * 1024 * 1024 - 9)) /dev/urandom; } >"$tmp/evidence.pdf"
form=$(curl -fsS -b "$liaison" "$base/desk/unit/reports/2020-06")
fields=()
for v in $(grep -o 'name="v[0-9]*"' <<<"$form" | grep -o 'v[0-9]*'); do fields+=(-F "$v=5"); done
for s in $(grep -o 'name="s[0-9]*"' <<<"$form" | grep -o 's[0-9]*' | sort -u); do fields+=(-F "$s=on_track"); done
hwm() { grep VmHWM /proc/$pid/status | awk '{print $2}'; }
echo "server memory before the upload: $(rss)"
peak_before=$(hwm)
out=$(curl -sS -o /dev/null -b "$liaison" -H "Origin: $base" "${fields[@]}" \
  -F "evidence=@$tmp/evidence.pdf;filename=台账.pdf" -w '%{http_code} %{time_total}' \
  "$base/desk/unit/reports/2020-06")
echo "June's report with one ${mb} MB file: HTTP ${out% *}, $(echo "${out#* }" | ms) ms on loopback"
echo "@ upload_ms ${mb} $(echo "${out#* }" | ms)"
echo "server memory after: $(rss)"
echo "@ upload_peak_rise_kb ${mb} $(( $(hwm) - peak_before ))"
report=$(curl -fsS -b "$office" "$base/desk/handling" | grep -o '/desk/handling/reports/[0-9]*' | head -1)
file=$(curl -fsS -b "$office" "$base$report" | grep -o '/desk/evidence/[0-9]*' | head -1)
t=$(curl -fsS -o "$tmp/back.pdf" -b "$office" -w '%{time_total}' "$base$file" | ms)
same=$(cmp -s "$tmp/evidence.pdf" "$tmp/back.pdf" && echo "byte for byte" || echo "DIFFERENT")
echo "the file downloaded by the office: $t ms, $same"
echo "@ download_ms ${mb} $t"
echo "server memory after the download: $(rss)"
echo "database: $(du -k "$CEPING_DB" | cut -f1) kB"
