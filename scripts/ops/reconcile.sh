#!/usr/bin/env bash
# Run the ledger reconciliation (community admin). Prints the report; exits 2 if anything does
# not reconcile, so a cron job can alert on it.
#   reconcile.sh
. "$(dirname "$0")/common.sh"
need_token
[ $# -eq 0 ] || die "usage: reconcile.sh"
report=$(api GET /api/v1/points/reconciliation)
echo "$report"
python3 - "$report" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
problems = {
    "postings not summing to zero": r.get("postings_sum") != 0,
    "balance mismatches": len(r.get("mismatches") or []),
    "unbalanced transactions": len(r.get("unbalanced_transactions") or []),
    "verified records without credit": len(r.get("uncredited_records") or []),
}
for c in r.get("chain") or []:
    problems[f"chain {c['check']}"] = len(c.get("ids") or [])
found = {k: v for k, v in problems.items() if v}
if found:
    print("reconcile: " + "; ".join(f"{k}: {v}" for k, v in found.items()), file=sys.stderr)
    sys.exit(2)
print("reconcile: clean", file=sys.stderr)
PY
