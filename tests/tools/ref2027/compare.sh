#!/usr/bin/env bash
# Runs policies/telecom-2027.policy and the independent reference (reference.py) on the five
# CSVs of a folder and prints how many statement figures differ (0 when they agree).
#   bash tests/tools/ref2027/compare.sh DIR [FROM]      (FROM: first month, default 2027-01)
# COMMISSION: the binary to run (default target/release/commission).
set -euo pipefail
D=$1; FROM=${2:-2027-01}
BIN=${COMMISSION:-target/release/commission}
args=()
for n in roster sales credits targets cancellations; do args+=(--data "$n=$D/$n.csv"); done
python3 tests/tools/ref2027/reference.py --roster "$D/roster.csv" --sales "$D/sales.csv" --credits "$D/credits.csv" \
  --targets "$D/targets.csv" --cancellations "$D/cancellations.csv" --from "$FROM" --to 2027-12 > "$D/reference.csv"
"$BIN" run policies/telecom-2027.policy "${args[@]}" --from "$FROM" --to 2027-12 --format csv -o "$D/commission.csv" --quiet
python3 - "$D" <<'PY'
import csv, sys
d = sys.argv[1]
ref = list(csv.DictReader(open(d + '/reference.csv', encoding='utf-8')))
ours = {(r['payee'], r['period']): r for r in csv.DictReader(open(d + '/commission.csv', encoding='utf-8'))}
cols = "advance,clawback,true_up,override,spiff,draw,annual_cap,total".split(',')
diffs = 0
for r in ref:
    o = ours.get((r['payee'], r['month']))
    for c in cols:
        if o is None or o[c] != r[c]:
            diffs += 1
            if diffs <= 10:
                print(r['payee'], r['month'], c, 'reference', r[c], 'commission', None if o is None else o[c])
print(f"{len(ref)} statements, {len(ours)} from commission, {diffs} figures differ")
sys.exit(1 if diffs or len(ref) != len(ours) else 0)
PY
