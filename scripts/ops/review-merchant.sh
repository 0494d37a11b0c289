#!/usr/bin/env bash
# The alliance's admission steps: the community admin reviews an application, the subdistrict
# admin files (备案) it.
#   review-merchant.sh review MERCHANT_ID approve|reject [REASON]     (community admin)
#   review-merchant.sh file   MERCHANT_ID approve|return [REASON]     (subdistrict admin)
#   review-merchant.sh list   [STATUS]                                e.g. applied, community_approved
. "$(dirname "$0")/common.sh"
need_token
usage="usage: review-merchant.sh review|file MERCHANT_ID approve|reject|return [REASON] | list [STATUS]"
case "${1:-}" in
  list) api GET "/api/v1/merchants?limit=100${2:+&status=$2}"; exit ;;
  review) step=review ;;
  file) step=filing ;;
  *) die "$usage" ;;
esac
[ $# -ge 3 ] || die "$usage"
case "$3" in
  approve) approve=true ;;
  reject|return) approve=false; [ -n "${4:-}" ] || die "say why (REASON)" ;;
  *) die "$usage" ;;
esac
body=$(python3 -c 'import json,sys; print(json.dumps({"approve": sys.argv[1] == "true", "reason": sys.argv[2] or None}))' "$approve" "${4:-}")
api POST "/api/v1/merchants/$2/$step" "$body"
