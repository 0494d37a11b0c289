#!/usr/bin/env bash
# Correct a points account (community admin): a positive or negative amount, always with a reason.
# Retrying with the same IDEMPOTENCY_KEY never adjusts twice.
#   adjust-points.sh ACCOUNT_ID AMOUNT "REASON"
. "$(dirname "$0")/common.sh"
need_token
[ $# -eq 3 ] || die 'usage: adjust-points.sh ACCOUNT_ID AMOUNT "REASON"'
[[ "$2" =~ ^-?[0-9]+$ ]] || die "AMOUNT must be a whole number of points"
body=$(python3 -c 'import json,sys; print(json.dumps({"account_id": sys.argv[1], "amount": int(sys.argv[2]), "reason": sys.argv[3]}))' "$1" "$2" "$3")
api POST /api/v1/points/adjustments "$body" -H "Idempotency-Key: ${IDEMPOTENCY_KEY:-$(new_key)}"
