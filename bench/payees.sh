#!/usr/bin/env bash
# Times `commission report` and `commission budget` as the number of payees doubles (4,000,
# 8,000, 16,000; three months, one sale per payee and month). Both used to be quadratic in
# payees (16,000 payees: 11.5 s); near-linear, each doubling should about double the time.
# Wall time is noisy on a shared machine; user CPU time is the steadier measure.
#   bash bench/payees.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/p.policy" <<'POLICY'
policy "payees" version "1" currency CNY

input sales {
  key    id:     text
  period date:   date
  payee  payee:  text
         amount: money
}

payee sales.payee

component commission monthly {
  pay sum(sales.amount) * 10%
}
POLICY
fmt="%e s wall, %U s user, %M KB peak"
for n in 4000 8000 16000; do
  python3 - "$n" > "$dir/sales-$n.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("id,date,payee,amount")
for p in range(n):
    for m in (1, 2, 3):
        print(f"S{p}-{m},2026-0{m}-15,P{p:05},{100 + p % 997}.00")
PY
  /usr/bin/time -f "report $n payees: $fmt" target/release/commission report "$dir/p.policy" \
    --data sales="$dir/sales-$n.csv" --period 2026-03 --format md --output "$dir/report-$n" 2>&1 | grep -v '^wrote'
  /usr/bin/time -f "budget $n payees: $fmt" target/release/commission budget "$dir/p.policy" \
    --data sales="$dir/sales-$n.csv" --output "$dir/budget-$n.txt"
done
