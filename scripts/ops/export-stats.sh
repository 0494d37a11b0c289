#!/usr/bin/env bash
# Export a review-meeting table as CSV, or the headline figures as JSON (staff).
#   export-stats.sh TABLE [GROUP_BY] [FROM] [TO] > table.csv
#     TABLE: volunteers, needs, served, points, merchants, projects, suggestions
#   export-stats.sh overview [FROM] [TO]
. "$(dirname "$0")/common.sh"
need_token
[ $# -ge 1 ] || die "usage: export-stats.sh TABLE [GROUP_BY] [FROM] [TO] | overview [FROM] [TO]"
if [ "$1" = overview ]; then
  qs=()
  [ -n "${2:-}" ] && qs+=("from=$2")
  [ -n "${3:-}" ] && qs+=("to=$3")
  api GET "/api/v1/stats/overview?$(IFS='&'; echo "${qs[*]:-}")"
  exit
fi
api GET "/api/v1/stats/$1?format=csv${2:+&group_by=$2}${3:+&from=$3}${4:+&to=$4}"
