#!/usr/bin/env bash
# The review-meeting report in headless Chromium (Debian's package, installed if missing): the
# demo community's last year, read by its community admin, and a generated community-year at the
# case study's scale (`canglong synthetic`), read by a subdistrict admin for that one community.
# Chromium loads each page from the server itself; scripts/report_browser.py checks it loads
# alone and without errors, that its figures equal the overview's, and that it prints on A4.
# Screenshots and PDFs go to REPORT_OUT (target/report by default).
# Under scripts/test-postgres.sh the demo runs on the throwaway PostgreSQL cluster instead.
set -euo pipefail
cd "$(dirname "$0")/.."
# Chromium, and a small CJK font so the screenshots are legible (the page names no font of its own).
command -v chromium >/dev/null \
  || { apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei; }
venv="${CONTRACT_TOOLS:-$PWD/target/contract-tools}/browser-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import websocket' 2>/dev/null || "$venv/bin/pip" install -q websocket-client==1.8.0
out="${REPORT_OUT:-$PWD/target/report}"
work=$(mktemp -d /tmp/canglong-report.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export DEMO_DATABASE_URL="${TEST_DATABASE_URL:-}"
[ -n "$DEMO_DATABASE_URL" ] || unset DEMO_DATABASE_URL
# shellcheck source=scripts/demo-server.sh
source scripts/demo-server.sh
db="${DEMO_DATABASE_URL:-sqlite://$work/demo.db}"
# A generated community-year beside the demo, in a subdistrict of its own, with its admin.
generated=$(CANGLONG_DATABASE_URL="$db" target/debug/canglong synthetic --factor 1 --seed 19 2>/dev/null)
password=report-password-2026
CANGLONG_PASSWORD=$password CANGLONG_DATABASE_URL="$db" target/debug/canglong user create \
  --username street-generated --role subdistrict_admin --community "$generated" >/dev/null
year_ago=$(date -u -d '-365 days' +%Y-%m-%dT00:00:00Z)
tomorrow=$(date -u -d '+1 day' +%Y-%m-%dT00:00:00Z)
"$venv/bin/python" scripts/report_browser.py "$base" "$out" \
  demo admin canglong-demo-2026 "$year_ago" "$tomorrow" - \
  generated street-generated "$password" 2025-01-01T00:00:00Z 2026-01-01T00:00:00Z "$generated"
echo "report: screenshots and PDFs in $out"
