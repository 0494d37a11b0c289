#!/usr/bin/env bash
# The load benchmark: `mini-program-mock load` (the mini-program's mix, a person per client) at
# 8, 64 and 256 concurrent clients, then the HTTP layer alone (GET /healthz) in the same run, on
# SQLite and on PostgreSQL; the server's peak RSS is sampled while each runs.
#   scripts/bench-load.sh [SECONDS]            CLIENTS="8,64,256" by default
#   CANGLONG_BIN=/other/target/release scripts/bench-load.sh   (another build's binaries)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-20}"
if [ -z "${CANGLONG_BIN:-}" ]; then
  cargo build --release -q --bin canglong --bin mini-program-mock
  CANGLONG_BIN=$PWD/target/release
fi
work=$(mktemp -d /tmp/canglong-load.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port=$(free_port); wport=$(free_port)
export BIN="$CANGLONG_BIN" PORT="$port" SECS="$secs" CLIENTS="${CLIENTS:-8,64,256}" WORK="$work"
export CANGLONG_ENV=dev CANGLONG_JWT_SECRET=bench-secret-bench-secret-bench-secret CANGLONG_LOG=warn
export CANGLONG_BIND="127.0.0.1:$port" CANGLONG_AUTH_RATE_LIMIT=100000
export CANGLONG_WECHAT_API_BASE="http://127.0.0.1:$wport" CANGLONG_WECHAT_APPID=wx-bench CANGLONG_WECHAT_SECRET=wx-bench
"$BIN/mini-program-mock" fake-wechat --bind "127.0.0.1:$wport" >/dev/null &

# $1 = database URL: a fresh demo, the mix at each concurrency, then /healthz; peak RSS of each.
load_bench() {
  CANGLONG_DATABASE_URL="$1" "$BIN/canglong" serve --demo >/dev/null & local server=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  echo "idle RSS: $(ps -o rss= -p "$server" | awk '{printf "%.0f MB", $1/1024}')"
  for mix in realistic healthz; do
    ( peak=0; while kill -0 "$server" 2>/dev/null; do
        r=$(ps -o rss= -p "$server" || echo 0); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" > "$WORK/peak"
        sleep 0.5; done ) & local sampler=$!
    echo 0 > "$WORK/peak"
    "$BIN/mini-program-mock" load --base "http://127.0.0.1:$PORT" --clients "$CLIENTS" --seconds "$SECS" --mix "$mix"
    kill "$sampler" 2>/dev/null || true
    echo "peak RSS during the $mix runs: $(awk '{printf "%.0f MB", $1/1024}' "$WORK/peak")"
    echo
  done
  kill "$server"; wait "$server" 2>/dev/null || true
}
export -f load_bench

echo "== SQLite (WAL, synchronous=NORMAL)"
load_bench "sqlite://$work/load.db"
echo "== PostgreSQL $(ls /usr/lib/postgresql | tail -1) (fsync on)"
CANGLONG_PG_DURABLE=1 scripts/test-postgres.sh bash -c '
  set -euo pipefail
  psql -qc "CREATE DATABASE load"
  load_bench "${TEST_DATABASE_URL%%/postgres\?*}/load?${TEST_DATABASE_URL#*\?}"
'
