# Sourced by the ops scripts: the base URL and token from the environment, and one `api` call
# that fails clearly on any HTTP error.
#   CANGLONG_URL    the server, e.g. https://canglong.example.org (default http://127.0.0.1:8080)
#   CANGLONG_TOKEN  an access token (from sign-in.sh); not needed by sign-in.sh itself
set -euo pipefail
CANGLONG_URL="${CANGLONG_URL:-http://127.0.0.1:8080}"
CANGLONG_URL="${CANGLONG_URL%/}"

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

need_token() {
  [ -n "${CANGLONG_TOKEN:-}" ] || die "set CANGLONG_TOKEN (eval \"\$(scripts/ops/sign-in.sh USER)\")"
}

# A fresh Idempotency-Key, so a retried script never moves points twice for one run.
new_key() { python3 -c 'import uuid; print(uuid.uuid4())'; }

# api METHOD PATH [JSON] [extra curl args...]: prints the response body; on an HTTP error prints
# the status and the problem (code and detail) to stderr and exits 1.
api() {
  local method=$1 path=$2 body=${3:-} out status
  shift $(( $# < 3 ? $# : 3 ))
  out=$(mktemp)
  local args=(-sS -o "$out" -w '%{http_code}' -X "$method" "$CANGLONG_URL$path")
  [ -n "${CANGLONG_TOKEN:-}" ] && args+=(-H "authorization: Bearer $CANGLONG_TOKEN")
  [ -n "$body" ] && args+=(-H 'content-type: application/json' --data-binary "$body")
  status=$(curl "${args[@]}" "$@") || { rm -f "$out"; die "cannot reach $CANGLONG_URL"; }
  if [ "$status" -ge 400 ]; then
    python3 - "$out" "$status" "$method $path" >&2 <<'PY' || true
import json, sys
path, status, what = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    p = json.load(open(path))
    print(f"{what}: HTTP {status} {p.get('code', '')}: {p.get('detail', '')}")
    for e in p.get("errors") or []:
        print(f"  {e.get('field')}: {e.get('message')}")
except Exception:
    print(f"{what}: HTTP {status}")
PY
    rm -f "$out"
    exit 1
  fi
  cat "$out"
  rm -f "$out"
}

# json_field FIELD: reads JSON on stdin and prints one top-level field.
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
