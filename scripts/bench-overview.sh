#!/usr/bin/env bash
# The overview benchmark: GET /api/v1/stats/overview for one year over a generated community at
# the case study's scale (23,000 residents, 600 volunteers, ~20,000 service records and ~100,000
# ledger postings a year), then at ten times that, on SQLite and on PostgreSQL. The review
# meeting's report (GET /api/v1/stats/report: the overview, the year before and every table) is
# timed in the same run, beside the overview as its anchor; its goal is under a second at x1.
#   scripts/bench-overview.sh [RUNS]        FACTORS="1 10" by default
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
cargo build --release -q --bin canglong
work=$(mktemp -d /tmp/canglong-overview.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
export CANGLONG_ENV=dev CANGLONG_JWT_SECRET=bench-secret-bench-secret-bench-secret CANGLONG_LOG=warn
export CANGLONG_BIND="127.0.0.1:$port" CANGLONG_PASSWORD=bench-password-2026
export BIN="$PWD/target/release/canglong" PORT="$port" RUNS="$runs" FACTORS="${FACTORS:-1 10}"

# $1 = database URL: for each factor, load a community, then time the overview RUNS times.
overview_bench() {
  for f in $FACTORS; do
    local t0 t1 cid server token
    t0=$(date +%s.%N)
    cid=$(CANGLONG_DATABASE_URL="$1" "$BIN" synthetic --factor "$f" --seed "$f")
    t1=$(date +%s.%N)
    echo "x$f loaded in $(python3 -c "print(round($t1-$t0,1))") s"
    CANGLONG_DATABASE_URL="$1" "$BIN" user create --username "admin-x$f" --role community_admin --community "$cid" >/dev/null
    CANGLONG_DATABASE_URL="$1" "$BIN" serve --no-migrate & server=$!
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
    token=$(curl -fs "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
      -d "{\"username\":\"admin-x$f\",\"password\":\"$CANGLONG_PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
    local period="from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z"
    local times=() report=()
    for _ in $(seq "$RUNS"); do
      times+=("$(curl -fs -o "$PORT.json" -w '%{time_total}' -H "authorization: Bearer $token" \
        "http://127.0.0.1:$PORT/api/v1/stats/overview?$period")")
      report+=("$(curl -fs -o "$PORT.html" -w '%{time_total}' -H "authorization: Bearer $token" \
        "http://127.0.0.1:$PORT/api/v1/stats/report?$period")")
    done
    python3 - "$PORT.json" "$PORT.html" "${times[*]}" "${report[*]}" <<'PY'
import json, re, statistics, sys
o = json.load(open(sys.argv[1]))["figures"]
html = open(sys.argv[2], encoding="utf-8").read()
t = sorted(float(x) * 1000 for x in sys.argv[3].split())
r = sorted(float(x) * 1000 for x in sys.argv[4].split())
m, mr = statistics.median(t), statistics.median(r)
print(f"  overview: median {m:.0f} ms, min {t[0]:.0f} ms, max {t[-1]:.0f} ms over {len(t)} calls")
print(f"  report:   median {mr:.0f} ms, min {r[0]:.0f} ms, max {r[-1]:.0f} ms ({mr / m:.1f}x the overview), "
      f"{len(html) // 1024} KiB, {html.count('<rect')} bars")
print(f"  residents {o['participation_rate']['denominator']:.0f}, hours {o['volunteer_hours']['value']:.0f}, "
      f"active volunteers {o['active_volunteers']['value']:.0f}, points issued {o['points_issued']['value']:.0f}")
# The report's figures are the overview's: a benchmark of a page that disagrees is no benchmark.
shown = dict(re.findall(r'data-figure="([a-z_]+)" data-value="([-0-9.e]+)"', html))
wrong = [k for k, v in shown.items() if abs(float(v) - o[k]["value"]) > 1e-9]
assert shown and not wrong, f"report figures differ from the overview: {wrong}"
PY
    rm -f "$PORT.json" "$PORT.html"
    ps -o rss= -p "$server" | awk '{printf "  server RSS after: %.0f MB\n", $1/1024}'
    kill "$server"; wait "$server" 2>/dev/null || true
  done
}
export -f overview_bench

echo "== SQLite"
overview_bench "sqlite://$work/overview.db"
echo "== PostgreSQL $(ls /usr/lib/postgresql | tail -1)"
scripts/test-postgres.sh bash -c '
  set -euo pipefail
  psql -qc "CREATE DATABASE overview"
  overview_bench "${TEST_DATABASE_URL%%/postgres\?*}/overview?${TEST_DATABASE_URL#*\?}"
'
