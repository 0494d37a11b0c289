#!/usr/bin/env bash
# The value chain's hot paths against their raw-database anchors (bench/anchor/README.md), each
# pair alternating the anchor and the project over HTTP (wrk), PAIRS pairs, the median ratio:
#   redemptions  200 residents × 20 community offers, a fresh Idempotency-Key each, 32 clients
#                ÷ redeem.sql (100,000 accounts, 100 offers) | ÷ bench_sqlite.py write (SQLite)
#   credits      the admin crediting the 200 residents' accounts, 32 clients
#                ÷ bench/credit.sql over the same accounts | ÷ bench/ledger_sqlite.py (SQLite)
#   list         GET /api/v1/needs?status=open&limit=20 as staff, 8 clients ÷ list_keyset.sql
# and then reconciliation and the chain audit must be clean. Release build, durable PostgreSQL.
#   scripts/bench-ledger.sh [SECONDS] [PAIRS]        (12 and 3 by default)
#   CANGLONG_BIN=/other/target/release scripts/bench-ledger.sh   (another build's binaries)
#   OPS="redeem list" DBS=postgres scripts/bench-ledger.sh   (some of: redeem credit list; sqlite postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-12}"; pairs="${2:-3}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
if [ -z "${CANGLONG_BIN:-}" ]; then
  cargo build --release -q --bin canglong --bin mini-program-mock
  CANGLONG_BIN=$PWD/target/release
fi
work=$(mktemp -d /tmp/canglong-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port=$(free_port); wport=$(free_port)
export OPS="${OPS:-redeem credit list}"
want() { [[ " $OPS " == *" $1 "* ]]; }
export -f want
export BIN="$CANGLONG_BIN" PORT="$port" SECS="$secs" PAIRS="$pairs" WORK="$work" ROOT="$PWD"
export CANGLONG_ENV=dev CANGLONG_JWT_SECRET=bench-secret-bench-secret-bench-secret CANGLONG_LOG=warn
export CANGLONG_BIND="127.0.0.1:$port" CANGLONG_AUTH_RATE_LIMIT=100000 CANGLONG_ACCOUNT_RATE_LIMIT=100000
export CANGLONG_WECHAT_API_BASE="http://127.0.0.1:$wport" CANGLONG_WECHAT_APPID=wx-bench CANGLONG_WECHAT_SECRET=wx-bench
"$BIN/mini-program-mock" fake-wechat --bind "127.0.0.1:$wport" >/dev/null &

# wrk's requests per second; fails the run on any answer but the expected one.
subject() { # $1 clients, then wrk's arguments after the URL
  local c=$1; shift
  local out; out=$(wrk -t2 -c"$c" -d"${SECS}s" --latency "$@" 2>"$WORK/wrk.err")
  if grep -q "Non-2xx" <<<"$out" || grep -q "unexpected" "$WORK/wrk.err"; then
    echo "$out" >&2; head -3 "$WORK/wrk.err" >&2; return 1
  fi
  awk '/^Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {print rps, p99}' <<<"$out"
}
export -f subject

# Alternates `anchor` and `subject` commands PAIRS times; prints each pair and the median ratio.
pairs() { # $1 label, $2 anchor command, $3 subject command
  local ratios=()
  for i in $(seq "$PAIRS"); do
    local a; a=$(eval "$2")
    local s p99; read -r s p99 < <(eval "$3")
    local r; r=$(python3 -c "print(f'{$s / $a:.2f}')")
    ratios+=("$r")
    printf '%-34s pair %d: anchor %8.0f /s   HTTP %8.0f /s (p99 %s)   ratio %s\n' "$1" "$i" "$a" "$s" "$p99" "$r"
  done
  printf '%-34s median ratio %s\n' "$1" "$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "$(( (PAIRS + 1) / 2 ))p")"
}
export -f pairs

# Starts the server on $1 with the demo and makes the cast; leaves its pid in $WORK/server.
serve_cast() {
  CANGLONG_DATABASE_URL="$1" "$BIN/canglong" seed-demo >/dev/null
  CANGLONG_DATABASE_URL="$1" "$BIN/canglong" serve & echo $! > "$WORK/server"
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  "$BIN/mini-program-mock" bench-cast --base "http://127.0.0.1:$PORT" --out "$WORK"
}
export -f serve_cast

# Reconciliation and the chain audit, as the community admin, must be clean.
audit() {
  local t; t=$(curl -fs -H 'Content-Type: application/json' \
    -d '{"username":"admin","password":"canglong-demo-2026"}' "http://127.0.0.1:$PORT/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -fs -H "Authorization: Bearer $t" "http://127.0.0.1:$PORT/api/v1/points/reconciliation" | python3 -c '
import json, sys
r = json.load(sys.stdin)
broken = [c["check"] for c in r["chain"] if c["ids"]] or "none"
clean = r["postings_sum"] == 0 and not r["mismatches"] and not r["unbalanced_transactions"] and broken == "none"
print("reconciliation: %d transactions, postings sum %d, %d mismatches, chain breaks %s: %s" % (
    r["transactions"], r["postings_sum"], len(r["mismatches"]), broken, "clean" if clean else "NOT CLEAN"))
sys.exit(0 if clean else 1)'
}
export -f audit
URL="http://127.0.0.1:$port"; export URL

DBS="${DBS:-sqlite postgres}"
if [[ " $DBS " == *" sqlite "* ]]; then
echo "== SQLite (WAL, synchronous=NORMAL)"
serve_cast "sqlite://$work/bench.db"
python3 bench/anchor/bench_sqlite.py setup "$work/anchor.db" >/dev/null
want redeem && pairs "redemptions, 32 clients" \
  'python3 bench/anchor/bench_sqlite.py write "$WORK/anchor.db" NORMAL "$SECS" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"tps\"])"' \
  'subject 32 -s scripts/wrk/post.lua "$URL" -- redeem "$WORK"'
want credit && pairs "credits, 32 clients" \
  'python3 bench/ledger_sqlite.py credit "$WORK/bench.db" "$SECS"' \
  'subject 32 -s scripts/wrk/post.lua "$URL" -- credit "$WORK"'
audit
kill "$(cat "$work/server")"; wait "$(cat "$work/server")" 2>/dev/null || true

fi

[[ " $DBS " == *" postgres "* ]] || exit 0
echo "== PostgreSQL $(ls /usr/lib/postgresql | tail -1) (fsync on)"
CANGLONG_PG_DURABLE=1 scripts/test-postgres.sh bash -c '
  set -euo pipefail
  psql -qc "CREATE DATABASE bench" -c "CREATE DATABASE anchor"
  base="${TEST_DATABASE_URL%%/postgres\?*}"; query="${TEST_DATABASE_URL#*\?}"
  serve_cast "$base/bench?$query"
  export PGOPTIONS="-c client_min_messages=warning"
  psql -q -d anchor -v offers=100 -f bench/anchor/redeem_schema.sql >/dev/null
  psql -q -d anchor -f bench/anchor/needs_schema.sql >/dev/null
  q() { psql -d bench -tAc "$1"; }
  psql -q -d bench -c "CREATE TABLE bench_accounts AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM accounts WHERE kind = '"'"'resident'"'"'"
  export POOL=$(q "SELECT id FROM accounts WHERE kind = '"'"'community'"'"'")
  export COMMUNITY=$(q "SELECT community_id FROM accounts LIMIT 1") ACCOUNTS=$(q "SELECT count(*) FROM bench_accounts")
  tps() { awk "/^tps/ {print \$3}"; }
  export -f tps
  want redeem && pairs "redemptions, 32 clients" \
    "pgbench -d anchor -n -M prepared -D offers=100 -f bench/anchor/redeem.sql -c 32 -j 2 -T \$SECS 2>/dev/null | tps" \
    "subject 32 -s scripts/wrk/post.lua \"\$URL\" -- redeem \"\$WORK\""
  want credit && pairs "credits, 32 clients" \
    "pgbench -d bench -n -M prepared -D pool=\$POOL -D community=\$COMMUNITY -D accounts=\$ACCOUNTS -f bench/credit.sql -c 32 -j 2 -T \$SECS 2>/dev/null | tps" \
    "subject 32 -s scripts/wrk/post.lua \"\$URL\" -- credit \"\$WORK\""
  want list && pairs "list open needs, 8 clients" \
    "pgbench -d anchor -n -M prepared -f bench/anchor/list_keyset.sql -c 8 -j 2 -T \$SECS 2>/dev/null | tps" \
    "subject 8 -H \"Authorization: Bearer \$(cat \$WORK/staff.token)\" \"\$URL/api/v1/needs?status=open&limit=20\""
  audit
  kill "$(cat "$WORK/server")"; wait "$(cat "$WORK/server")" 2>/dev/null || true
'
