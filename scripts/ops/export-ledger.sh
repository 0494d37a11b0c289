#!/usr/bin/env bash
# Export the service ledger (台账) as CSV for filing (staff).
#   export-ledger.sh [FROM] [TO] > ledger.csv        times in RFC 3339, e.g. 2026-01-01T00:00:00Z
. "$(dirname "$0")/common.sh"
need_token
[ $# -le 2 ] || die "usage: export-ledger.sh [FROM] [TO] > ledger.csv"
api GET "/api/v1/service-records/export?format=csv${1:+&from=$1}${2:+&to=$2}"
