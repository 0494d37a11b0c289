#!/usr/bin/env bash
# The ledger benchmarks: credits (admin adjustments) and redemptions per second through the HTTP
# API, on SQLite and on PostgreSQL, each next to the raw SQL of the same transaction on the same
# database (pgbench / python sqlite3), so our stack's overhead reads as a ratio.
#   scripts/bench-ledger.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
cargo build --release -q --bin canglong --bin mini-program-mock
bin=$PWD/target/release
work=$(mktemp -d /tmp/canglong-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
export CANGLONG_ENV=dev CANGLONG_JWT_SECRET=bench-secret-bench-secret-bench-secret CANGLONG_LOG=warn
export CANGLONG_BIND="127.0.0.1:$port" CANGLONG_AUTH_RATE_LIMIT=1000
export BIN="$bin" PORT="$port" SECS="$secs"

# $1 = database URL; runs both HTTP benchmarks against a fresh demo on it.
http_bench() {
  CANGLONG_DATABASE_URL="$1" "$BIN/canglong" seed-demo >/dev/null
  CANGLONG_DATABASE_URL="$1" "$BIN/canglong" serve & local server=$!
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  echo "-- credits through HTTP"
  "$BIN/mini-program-mock" bench-ledger --base "http://127.0.0.1:$PORT" --seconds "$SECS" --op credit --clients 1,8,32
  echo "-- redemptions through HTTP"
  "$BIN/mini-program-mock" bench-ledger --base "http://127.0.0.1:$PORT" --seconds "$SECS" --op redeem --clients 8,32
  kill "$server"; wait "$server" 2>/dev/null || true
}
export -f http_bench

echo "== SQLite (WAL, synchronous=NORMAL)"
http_bench "sqlite://$work/bench.db"
python3 bench/ledger_sqlite.py credit "$work/bench.db" "$secs"
python3 bench/ledger_sqlite.py redeem "$work/bench.db" "$secs"

echo "== PostgreSQL $(ls /usr/lib/postgresql | tail -1) (fsync on)"
CANGLONG_PG_DURABLE=1 scripts/test-postgres.sh bash -c '
  set -euo pipefail
  psql -qc "CREATE DATABASE bench"
  http_bench "${TEST_DATABASE_URL%%/postgres\?*}/bench?${TEST_DATABASE_URL#*\?}"
  q() { psql -d bench -tAc "$1"; }
  pool=$(q "SELECT id FROM accounts WHERE kind = '"'"'community'"'"'")
  read -r acct holder < <(q "SELECT id, owner_id FROM accounts WHERE kind = '"'"'resident'"'"' ORDER BY balance DESC LIMIT 1" | tr "|" " ")
  community=$(q "SELECT community_id FROM accounts LIMIT 1")
  offer=$(q "SELECT id FROM offers WHERE title = '"'"'bench'"'"'")
  raw() { pgbench -d bench -n -M prepared -f "$1" -D pool="$pool" -D acct="$acct" -D holder="$holder" \
            -D community="$community" -D offer="$offer" -c "$2" -j 2 -T "$SECS" 2>/dev/null | awk "/^tps/ {print \$3}"; }
  for c in 1 8 32; do echo "raw pgbench credit clients $c: $(raw bench/credit.sql $c) /s"; done
  for c in 8 32; do echo "raw pgbench redeem clients $c: $(raw bench/redeem.sql $c) /s"; done
'
