#!/usr/bin/env bash
# Times `commission diff` of the flat and marginal seed plans against two `commission run`s
# on a generated ledger (default 1,000,000 rows). diff reads each ledger once for both plans,
# so it should cost about one run plus the second plan's per-row folding, not two runs.
# Wall time is noisy on a shared machine; user CPU time is the steadier measure.
#   bash bench/diff.sh [ROWS]
set -euo pipefail
. "$(dirname "$0")/prepare.sh"
data=(--data sales="$dir/sales.csv" --data surveys="$dir/surveys.csv")
fmt="%e s wall, %U s user, %M KB peak"
for i in 1 2 3; do
  /usr/bin/time -f "run flat $i: $fmt" target/release/commission run policies/telecom-account-manager.policy "${data[@]}" --format csv --output "$dir/flat.csv"
  /usr/bin/time -f "run marginal $i: $fmt" target/release/commission run policies/telecom-marginal.policy "${data[@]}" --format csv --output "$dir/marginal.csv"
  /usr/bin/time -f "diff $i: $fmt" target/release/commission diff policies/telecom-account-manager.policy policies/telecom-marginal.policy "${data[@]}" --format json --output "$dir/diff.json"
done
grep -A8 '"reads"' "$dir/diff.json"
