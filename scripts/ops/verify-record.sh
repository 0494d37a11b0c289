#!/usr/bin/env bash
# Verify a service record (社区验收): approve minutes, pass or fail with a note.
#   verify-record.sh RECORD_ID MINUTES [pass|fail] [NOTE]
#   verify-record.sh --pending        list the records waiting
. "$(dirname "$0")/common.sh"
need_token
case "${1:-}" in
  --pending) api GET "/api/v1/service-records?status=pending&limit=100"; exit ;;
  ""|-h|--help) die "usage: verify-record.sh RECORD_ID MINUTES [pass|fail] [NOTE] | --pending" ;;
esac
[ $# -ge 2 ] || die "usage: verify-record.sh RECORD_ID MINUTES [pass|fail] [NOTE]"
quality=${3:-pass}
case "$quality" in pass|fail) ;; *) die "quality is pass or fail" ;; esac
body=$(python3 -c 'import json,sys; print(json.dumps({"approved_minutes": int(sys.argv[1]), "quality": sys.argv[2], "note": sys.argv[3] or None}))' "$2" "$quality" "${4:-}")
api POST "/api/v1/service-records/$1/verification" "$body" -H "Idempotency-Key: ${IDEMPOTENCY_KEY:-$(new_key)}"
