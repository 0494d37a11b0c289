#!/usr/bin/env bash
# Contract checking by an outside client: starts the server on the demo (SQLite) and runs
# schemathesis (from PyPI) against the served OpenAPI document with every check and every phase
# (examples, coverage, fuzzing, and the stateful walk along the document's links), signed in as
# each kind of user and as nobody. contract/schemathesis.toml says why a 422 is an expected
# answer to schema-valid data.
#   scripts/schemathesis.sh            SCHEMATHESIS_SEED=random for a new exploration
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${SCHEMATHESIS_VENV:-$PWD/target/schemathesis-venv}"
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==4.32.5"
fi
work=$(mktemp -d /tmp/canglong-schemathesis.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
# shellcheck source=scripts/demo-server.sh
source scripts/demo-server.sh

seed=${SCHEMATHESIS_SEED:-2026}
seed_arg=(--seed "$seed"); [ "$seed" = random ] && seed_arg=()
token() {
  curl -fs "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"canglong-demo-2026\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
# One worker: with two, hypothesis describes its filters by parsing source from two threads at
# once, and CPython 3.11 before 3.11.8 can fail that with "AST constructor recursion depth
# mismatch" (gh-106905) — the tool crashing, not the server answering wrong.
run() { # $1 = label, rest = extra schemathesis arguments
  local label=$1; shift
  echo "== schemathesis as $label"
  "$venv/bin/st" --config-file contract/schemathesis.toml run "$base/api-docs/openapi.json" \
    --checks all --phases "${PHASES:-examples,coverage,fuzzing,stateful}" \
    --workers 1 --max-examples "${SCHEMATHESIS_EXAMPLES:-5}" "${seed_arg[@]}" --warnings off "$@" \
    >"$work/st.log" 2>&1 || { cat "$work/st.log"; return 1; }
  grep -E "generated|passed in|failures? in" "$work/st.log"
}
# A resident of the demo community, new each time (signed in through the fake WeChat).
resident_token() {
  curl -fs "$base/api/v1/auth/wechat" -H 'content-type: application/json' \
    -d "{\"code\":\"$1\",\"community_id\":\"01939a2e-4b7c-7d3e-9f00-000000000001\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
# Erasing one's account ends the caller's session for the rest of the run: every caller but
# the last leaves it alone, and a resident made for it tries it at the end.
for user in admin sw_li wang_ayi xiaowu merchant; do
  run "$user" -H "Authorization: Bearer $(token "$user")" --exclude-operation-id erase_me
done
# (one operation and no links: the stateful phase has nothing to walk)
PHASES=examples,coverage,fuzzing run "a resident erasing their account" --include-operation-id erase_me \
  -H "Authorization: Bearer $(resident_token "schemathesis-$RANDOM")"
run "nobody"
if grep -q "panicked" "$work/server.log"; then
  echo "the server panicked:"; grep -A3 panicked "$work/server.log"; exit 1
fi
echo "schemathesis: every check passed, as every kind of caller"
