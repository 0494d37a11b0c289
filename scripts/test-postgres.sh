#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster:
#   scripts/test-postgres.sh cargo test --workspace
# initdb into a temp dir, a free port, the socket in that dir (nothing else on the machine is
# touched), TEST_DATABASE_URL exported, and the cluster stopped and removed afterwards, also when
# the command fails. As root, the server runs as the `postgres` system user.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

bindir=""
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/initdb" ] && bindir="$d"
done
if [ -z "$bindir" ]; then
  echo "test-postgres: no PostgreSQL binaries under /usr/lib/postgresql/*/bin" >&2
  exit 1
fi

dir=$(mktemp -d /tmp/canglong-pg.XXXXXX)
run_as=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  run_as=(runuser -u postgres --)
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

"${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# Tests do not need durability; benchmarks ask for it with CANGLONG_PG_DURABLE=1.
opts="-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c max_connections=400"
if [ "${CANGLONG_PG_DURABLE:-0}" != "1" ]; then
  opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
"${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$opts" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

export TEST_DATABASE_URL="postgres://postgres@/postgres?host=$dir&port=$port"
export PGHOST="$dir" PGPORT="$port" PGUSER=postgres
echo "test-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at $dir port $port"
set +e
"$@"
status=$?
set -e
exit $status
