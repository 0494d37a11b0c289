#!/usr/bin/env bash
# Sign in as staff and print `export CANGLONG_TOKEN=...` for the other scripts.
#   eval "$(scripts/ops/sign-in.sh USERNAME)"      password from CANGLONG_PASSWORD or asked
. "$(dirname "$0")/common.sh"
[ $# -eq 1 ] || die "usage: sign-in.sh USERNAME   (password from CANGLONG_PASSWORD or a prompt)"
if [ -z "${CANGLONG_PASSWORD:-}" ]; then
  read -r -s -p "password for $1: " CANGLONG_PASSWORD; echo >&2
fi
body=$(python3 -c 'import json,sys; print(json.dumps({"username": sys.argv[1], "password": sys.argv[2]}))' "$1" "$CANGLONG_PASSWORD")
token=$(CANGLONG_TOKEN= api POST /api/v1/auth/login "$body" | json_field access_token)
echo "export CANGLONG_TOKEN=$token"
