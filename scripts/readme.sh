#!/usr/bin/env bash
# The README's "First calls" block, run as written against a fresh `serve --demo` (with the fake
# WeChat), so a change that breaks the README fails CI. The block must end with the voucher used.
# Under scripts/test-postgres.sh the demo runs on the throwaway PostgreSQL cluster instead.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/canglong-readme.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export DEMO_DATABASE_URL="${TEST_DATABASE_URL:-}"
[ -n "$DEMO_DATABASE_URL" ] || unset DEMO_DATABASE_URL
# shellcheck source=scripts/demo-server.sh
source scripts/demo-server.sh
# The first ```sh block after "## First calls", pointed at this server.
awk '/^## First calls/{on=1} on&&/^```sh/{inb=1; next} inb&&/^```/{exit} inb' README.md \
  | sed "s#http://127.0.0.1:8080#$base#" >"$work/first-calls.sh"
echo "demo on ${DEMO_DATABASE_URL:+PostgreSQL}${DEMO_DATABASE_URL:-SQLite}" | sed 's/PostgreSQLpostgres.*/PostgreSQL/'
grep -q "vouchers/use" "$work/first-calls.sh" || { echo "no First calls block found"; exit 1; }
out=$(bash -euo pipefail "$work/first-calls.sh") || { echo "$out"; echo "the README's first calls fail"; exit 1; }
echo "$out"
[ "$(echo "$out" | tail -n 1)" = "used" ] || { echo "the walkthrough should end with the voucher used"; exit 1; }
echo "README: the first calls run as written"

# "The mini-program's side": its own servers on the ports it names, on a fresh database; then
# whatever it left running is stopped.
[ -n "${DEMO_DATABASE_URL:-}" ] && exit 0
awk "/^## The mini-program's side/{on=1} on&&/^\`\`\`sh/{inb=1; next} inb&&/^\`\`\`/{exit} inb" README.md \
  >"$work/mini-program.sh"
grep -q "scenario" "$work/mini-program.sh" || { echo "no mini-program block found"; exit 1; }
stop() { pkill -f "canglong serve --demo" || true; pkill -f "mini-program-mock fake-wechat --bind 127.0.0.1:9911" || true; }
(CANGLONG_DATABASE_URL="sqlite://$work/mini.db" timeout 600 bash -euo pipefail "$work/mini-program.sh" \
  >"$work/mini.log" 2>&1) || { stop; tail -n 40 "$work/mini.log"; echo "the README's mini-program block fails"; exit 1; }
stop
grep -E "invariants|p99|clients" "$work/mini.log" | head -n 5
echo "README: the mini-program block runs as written"
