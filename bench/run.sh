#!/usr/bin/env bash
# Times `commission run` on the seed plan over a generated ledger (default 1,000,000 rows).
# Same command each time: release build, one warm-up read of the file, then three runs,
# each with its wall time and peak memory (GNU time).
#   bash bench/run.sh [ROWS]
set -euo pipefail
. "$(dirname "$0")/prepare.sh"
ls -l "$dir/sales.csv"
for i in 1 2 3; do
  /usr/bin/time -f "run $i: %e s wall, %M KB peak" target/release/commission run policies/telecom-account-manager.policy \
    --data sales="$dir/sales.csv" --data surveys="$dir/surveys.csv" --format csv --output "$dir/out.csv"
done
