#!/usr/bin/env bash
# Approve (or, with --reject, reject) a volunteer application.
#   approve-volunteer.sh VOLUNTEER_ID [--reject REASON]
#   approve-volunteer.sh --pending        list the applications waiting
. "$(dirname "$0")/common.sh"
need_token
case "${1:-}" in
  --pending) api GET "/api/v1/volunteers?status=pending&limit=100"; exit ;;
  ""|-h|--help) die "usage: approve-volunteer.sh VOLUNTEER_ID [--reject REASON] | --pending" ;;
esac
id=$1
if [ "${2:-}" = "--reject" ]; then
  [ -n "${3:-}" ] || die "a rejection needs a reason"
  body=$(python3 -c 'import json,sys; print(json.dumps({"approve": False, "reason": sys.argv[1]}))' "$3")
else
  body='{"approve": true}'
fi
api POST "/api/v1/volunteers/$id/decision" "$body"
