#!/usr/bin/env bash
# The sign-in flood benchmark: 128 concurrent wrong-password sign-ins (half at a real account,
# half at made-up ones, from "many addresses": the per-address limit is lifted) while staff read
# GET /needs; prints the reads' p50/p95 with and without the flood and the server's memory, on
# SQLite and on PostgreSQL. The per-account limit stays on (10/min), as in production.
#   scripts/bench-flood.sh [SECONDS] [CONCURRENCY]
# CANGLONG_BIN=path/to/canglong measures another build (e.g. an earlier release) with the same
# load generator.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"; flood="${2:-128}"
cargo build --release -q --bin canglong --bin mini-program-mock
work=$(mktemp -d /tmp/canglong-flood.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
export BIN="$PWD/target/release" SERVER="${CANGLONG_BIN:-$PWD/target/release/canglong}" PORT="$port" SECS="$secs" FLOOD="$flood"
export CANGLONG_ENV=dev CANGLONG_JWT_SECRET=bench-secret-bench-secret-bench-secret CANGLONG_LOG=error
export CANGLONG_BIND="127.0.0.1:$port" CANGLONG_AUTH_RATE_LIMIT=100000000

flood_bench() {
  CANGLONG_DATABASE_URL="$1" "$SERVER" serve --demo >/dev/null & local server=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  "$BIN/mini-program-mock" flood --base "http://127.0.0.1:$PORT" --concurrency "$FLOOD" \
    --seconds "$SECS" --server-pid "$server"
  kill "$server"; wait "$server" 2>/dev/null || true
}
export -f flood_bench

echo "== SQLite"
flood_bench "sqlite://$work/flood.db"
echo "== PostgreSQL $(ls /usr/lib/postgresql | tail -1) (fsync on)"
CANGLONG_PG_DURABLE=1 scripts/test-postgres.sh bash -c '
  set -euo pipefail
  psql -qc "CREATE DATABASE flood"
  flood_bench "${TEST_DATABASE_URL%%/postgres\?*}/flood?${TEST_DATABASE_URL#*\?}"
'
