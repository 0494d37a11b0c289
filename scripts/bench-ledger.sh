#!/usr/bin/env bash
# The ledger benchmark: credits per second through the HTTP API at 1, 8 and 32 clients, on
# SQLite and on PostgreSQL, each next to the raw SQL of the same crediting transaction on the
# same database (pgbench / python sqlite3), so our stack's overhead reads as a ratio.
#   scripts/bench-ledger.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
cargo build --release -q --bin canglong --bin mini-program-mock
bin=target/release
work=$(mktemp -d /tmp/canglong-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
export CANGLONG_ENV=dev CANGLONG_JWT_SECRET=bench-secret-bench-secret-bench-secret CANGLONG_LOG=warn
export CANGLONG_BIND="127.0.0.1:$port" CANGLONG_AUTH_RATE_LIMIT=1000

serve() { # $1 = database URL
  CANGLONG_DATABASE_URL="$1" $bin/canglong seed-demo >/dev/null
  CANGLONG_DATABASE_URL="$1" $bin/canglong serve &
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && return; sleep 0.2; done
  echo "server did not start" >&2; exit 1
}

echo "== SQLite (WAL, synchronous=NORMAL)"
serve "sqlite://$work/bench.db"
$bin/mini-program-mock bench-ledger --base "http://127.0.0.1:$port" --seconds "$secs"
kill %1; wait %1 2>/dev/null || true
python3 bench/credit_sqlite.py "$work/bench.db" "$secs"

echo "== PostgreSQL $(ls /usr/lib/postgresql | tail -1) (fsync on)"
CANGLONG_PG_DURABLE=1 scripts/test-postgres.sh bash -c '
  set -euo pipefail
  psql -qc "CREATE DATABASE bench"
  url="${TEST_DATABASE_URL%%/postgres\?*}/bench?${TEST_DATABASE_URL#*\?}"
  CANGLONG_DATABASE_URL="$url" '"$bin"'/canglong seed-demo >/dev/null
  CANGLONG_DATABASE_URL="$url" '"$bin"'/canglong serve & server=$!
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:'"$port"'/readyz" >/dev/null && break; sleep 0.2; done
  '"$bin"'/mini-program-mock bench-ledger --base "http://127.0.0.1:'"$port"'" --seconds '"$secs"'
  kill $server; wait $server 2>/dev/null || true
  ids=$(psql -d bench -tAc "SELECT (SELECT id FROM accounts WHERE kind = '"'"'community'"'"'), (SELECT id FROM accounts WHERE kind = '"'"'resident'"'"' ORDER BY balance DESC LIMIT 1), (SELECT community_id FROM accounts LIMIT 1)" | tr "|" " ")
  set -- $ids
  for c in 1 8 32; do
    tps=$(pgbench -d bench -n -M prepared -f bench/credit.sql -D pool=$1 -D acct=$2 -D community=$3 -c $c -j 2 -T '"$secs"' 2>/dev/null | awk "/^tps/ {print \$3}")
    echo "raw pgbench clients $c credits/s $tps"
  done
'
