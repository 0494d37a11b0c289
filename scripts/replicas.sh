#!/usr/bin/env bash
# Beyond one machine, on this one: a PostgreSQL primary and a streaming standby made with
# pg_basebackup, three API processes on the primary with the analytics on the standby
# (CANGLONG_READ_DATABASE_URL), the mini-program's mix spread over the three
# (`mini-program-mock load --base a,b,c`), and a staff member reading the overview meanwhile.
# A fifth of the way in one API process is killed (-9); then the standby is stopped for 5 s.
# Then it checks: reconciliation and the value chain clean; every write a server acknowledged
# stored once; every WeChat message the outbox marked sent accepted by WeChat once; the
# analytics answered from the replica, from the primary while the standby was down, and from
# the replica again; the standby caught up.
#   scripts/replicas.sh [SECONDS] [CLIENTS]          (CI: a short run on a debug build)
#   BUILD=release PROCESSES="1 2 3" MEASURE_SECONDS=60 scripts/replicas.sh 180 32
#                                  also measures the mix over 1, 2 and 3 processes first
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
clients="${2:-24}"
build="${BUILD:-debug}"
if [ "$build" = release ]; then
  cargo build --release -q --bin canglong --bin mini-program-mock
else
  cargo build -q --bin canglong --bin mini-program-mock
fi
bin="$PWD/target/$build"
pgbin=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_basebackup" ] && pgbin="$d"; done
[ -n "$pgbin" ] || { echo "replicas: no PostgreSQL binaries"; exit 1; }

work=$(mktemp -d /tmp/canglong-replicas.XXXXXX)
run_as=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$work"
  run_as=(runuser -u postgres --)
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
pport=$(free_port)
sport=$(free_port)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  "${run_as[@]}" "$pgbin/pg_ctl" -D "$work/standby" -m immediate stop >/dev/null 2>&1 || true
  "${run_as[@]}" "$pgbin/pg_ctl" -D "$work/primary" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
opts="-c listen_addresses='' -c unix_socket_directories='$work' -c max_connections=300"
opts="$opts -c wal_level=replica -c max_wal_senders=4 -c hot_standby=on -c fsync=off"
psql_on() { "$pgbin/psql" -h "$work" -p "$1" -U postgres -d canglong -Atq "${@:2}"; }

"${run_as[@]}" "$pgbin/initdb" -D "$work/primary" -U postgres -A trust -E UTF8 --no-locale >/dev/null
"${run_as[@]}" "$pgbin/pg_ctl" -D "$work/primary" -l "$work/primary.log" -w -o "$opts -p $pport" start >/dev/null
"$pgbin/psql" -h "$work" -p "$pport" -U postgres -qc "CREATE DATABASE canglong"
# The standby: a base backup of the running primary, streaming from it (-R: standby.signal and
# primary_conninfo written for it).
"${run_as[@]}" "$pgbin/pg_basebackup" -h "$work" -p "$pport" -U postgres -D "$work/standby" -R -X stream --checkpoint=fast
"${run_as[@]}" "$pgbin/pg_ctl" -D "$work/standby" -l "$work/standby.log" -w -o "$opts -p $sport" start >/dev/null
echo "primary on $pport, standby on $sport (in recovery: $(psql_on "$sport" -c 'SELECT pg_is_in_recovery()'))"

wport=$(free_port)
"$bin/mini-program-mock" fake-wechat --bind "127.0.0.1:$wport" >/dev/null &
export CANGLONG_ENV=dev CANGLONG_JWT_SECRET=replicas-secret-replicas-secret-replicas CANGLONG_LOG=warn
export CANGLONG_AUTH_RATE_LIMIT=1000000 CANGLONG_ACCOUNT_RATE_LIMIT=1000000
export CANGLONG_WECHAT_API_BASE="http://127.0.0.1:$wport" CANGLONG_WECHAT_APPID=wx-r CANGLONG_WECHAT_SECRET=wx-r
export CANGLONG_WECHAT_TEMPLATES="need_claimed=T-CLAIM,need_completed=T-DONE,need_confirmed=T-OK,service_verified=T-VERIFIED"
export CANGLONG_SWEEP_SECONDS=1 CANGLONG_OUTBOX_BACKOFF_SECS=1 CANGLONG_POOL_SIZE=12
export CANGLONG_DATABASE_URL="postgres://postgres@/canglong?host=$work&port=$pport"
export CANGLONG_READ_DATABASE_URL="postgres://postgres@/canglong?host=$work&port=$sport"
export CANGLONG_READ_MAX_LAG_SECS=5
ports=() pids=() bases=()
start_api() { # $1 = index, rest = serve's flags
  local i=$1 port
  port=$(free_port)
  CANGLONG_BIND="127.0.0.1:$port" "$bin/canglong" serve "${@:2}" >"$work/api$i.log" 2>&1 &
  pids[$i]=$!
  ports[$i]=$port
  bases[$i]="http://127.0.0.1:$port"
  for _ in $(seq 150); do curl -fs "${bases[$i]}/readyz" >/dev/null && return; sleep 0.2; done
  cat "$work/api$i.log"; exit 1
}
start_api 0 --demo
start_api 1 --no-migrate
start_api 2 --no-migrate
token=$(curl -fs "${bases[0]}/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"admin","password":"canglong-demo-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
joined() { local IFS=,; echo "${bases[*]:0:$1}"; }

for n in ${PROCESSES:-}; do
  m="${MEASURE_SECONDS:-$secs}"
  echo "== the mix over $n process(es), $clients clients, $m s"
  "$bin/mini-program-mock" load --base "$(joined "$n")" --clients "$clients" --seconds "$m" | grep -E "^(TOTAL|endpoint|[0-9]+ clients)"
done

echo "== the run: $clients clients over 3 processes for $secs s; kill one, restart the standby"
"$bin/mini-program-mock" load --base "$(joined 3)" --clients "$clients" --seconds "$secs" \
  --journal "$work/journal" >"$work/load.log" 2>&1 &
load=$!
# A staff member reads the overview meanwhile, from the two processes that stay up.
(
  i=0
  while kill -0 "$load" 2>/dev/null; do
    base=${bases[$((i % 2 * 2))]}; i=$((i + 1))
    curl -s -o /dev/null -D - -H "authorization: Bearer $token" \
      "$base/api/v1/stats/overview" | tr -d '\r' | awk -v t="$(date +%s.%N)" \
      'tolower($1)=="canglong-data-source:" {print t, $2}' >>"$work/analytics"
    sleep 0.2
  done
) &
sleep "$(python3 -c "print($secs * 0.2)")"
kill -9 "${pids[1]}"
echo "$(date +%T) API process 2 killed (-9)"
sleep "$(python3 -c "print($secs * 0.1)")"
"${run_as[@]}" "$pgbin/pg_ctl" -D "$work/standby" -m fast stop >/dev/null
echo "$(date +%T) standby stopped"
sleep 5
"${run_as[@]}" "$pgbin/pg_ctl" -D "$work/standby" -l "$work/standby.log" -w -o "$opts -p $sport" start >/dev/null
echo "$(date +%T) standby started again"
wait "$load" || { cat "$work/load.log"; echo "the load generator failed"; exit 1; }
grep -E "^(TOTAL|endpoint|[0-9]+ clients|clients moved)" "$work/load.log"

# The outbox drains (the live processes' passes), and the standby catches up.
for _ in $(seq 60); do
  [ "$(psql_on "$pport" -c "SELECT count(*) FROM outbox WHERE status = 'pending'")" = 0 ] && break
  sleep 0.5
done
for _ in $(seq 60); do
  [ "$(psql_on "$sport" -c 'SELECT count(*) FROM needs')" = "$(psql_on "$pport" -c 'SELECT count(*) FROM needs')" ] && break
  sleep 0.5
done

echo "== checks"
fail=0
check() { # $1 = what, $2 = 0 when it holds
  if [ "$2" = 0 ]; then echo "ok: $1"; else echo "FAILED: $1 ($2)"; fail=1; fi
}
r=$(curl -fs -H "authorization: Bearer $token" "${bases[0]}/api/v1/points/reconciliation")
check "reconciliation: the books balance, every account, every record credited" "$(echo "$r" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(abs(r["postings_sum"]) + len(r["mismatches"]) + len(r["unbalanced_transactions"]) + len(r["uncredited_records"]))')"
check "the value chain: every invariant holds" "$(echo "$r" | python3 -c '
import json, sys
print(sum(len(c["ids"]) for c in json.load(sys.stdin)["chain"]))')"
acknowledged=$(wc -l <"$work/journal")
missing=$(psql_on "$pport" <<SQL
CREATE TEMP TABLE journal (kind text, id uuid);
\copy journal FROM '$work/journal' WITH (DELIMITER ' ')
SELECT count(*) FROM journal j WHERE NOT CASE j.kind
  WHEN 'need' THEN EXISTS (SELECT 1 FROM needs WHERE id = j.id)
  WHEN 'claim' THEN EXISTS (SELECT 1 FROM need_claims WHERE id = j.id)
  WHEN 'record' THEN EXISTS (SELECT 1 FROM service_records WHERE id = j.id)
  WHEN 'verified' THEN EXISTS (SELECT 1 FROM service_records WHERE id = j.id AND status = 'verified')
  WHEN 'voucher' THEN EXISTS (SELECT 1 FROM vouchers WHERE id = j.id)
  ELSE false END;
SQL
)
check "every acknowledged write stored ($acknowledged acknowledged)" "$missing"
check "every write once: no idempotency key behind two transactions" "$(psql_on "$pport" -c \
  "SELECT count(*) FROM (SELECT idempotency_key FROM ledger_transactions GROUP BY community_id, idempotency_key HAVING count(*) > 1) d")"
sent=$(psql_on "$pport" -c "SELECT count(*) FROM outbox WHERE status = 'sent'")
accepted=$(curl -fs "http://127.0.0.1:$wport/fake/accepted" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accepted"])')
echo "outbox: $sent sent, WeChat accepted $accepted, $(psql_on "$pport" -c "SELECT count(*) FROM outbox WHERE status <> 'sent'") not sent"
# A process killed between WeChat's answer and marking the message sent leaves it to be sent
# again when its lease ends: at most one such message per process killed mid-send.
check "every outbox message sent once (at most one resend per killed process)" \
  "$([ "$sent" -gt 0 ] && [ "$accepted" -ge "$sent" ] && [ "$accepted" -le $((sent + 1)) ] && echo 0 || echo "$sent vs $accepted")"
replica=0 fallbacks=0
for i in 0 2; do
  m=$(curl -fs "${bases[$i]}/metrics")
  replica=$((replica + $(echo "$m" | awk '/^canglong_analytics_reads_total\{source="replica"\}/ {print $2}')))
  fallbacks=$((fallbacks + $(echo "$m" | awk '/^canglong_analytics_fallbacks_total/ {print $2}')))
done
echo "analytics: $replica read from the replica, $fallbacks from the primary as a fallback (live processes)"
check "the analytics read the replica" "$([ "$replica" -gt 0 ] && echo 0 || echo none)"
check "the analytics fell back to the primary while the standby was down" "$([ "$fallbacks" -gt 0 ] && echo 0 || echo none)"
check "the analytics returned to the replica after its restart" "$(tail -n 3 "$work/analytics" | grep -c primary || true)"
check "the standby caught up (needs counted alike)" "$([ "$(psql_on "$sport" -c 'SELECT count(*) FROM needs')" = "$(psql_on "$pport" -c 'SELECT count(*) FROM needs')" ] && echo 0 || echo behind)"
[ "$fail" = 0 ] || { tail -n 20 "$work"/api*.log; exit 1; }
echo "replicas: every check holds"
