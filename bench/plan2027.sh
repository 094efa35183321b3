#!/usr/bin/env bash
# The 2027 reference plan (credited sales, cancellations, targets, a roster with hire dates and
# managers) against the seed plan, each on ledgers of the same number of sales rows (default
# 1,000,000): the issue's goal is the 2027 plan within 2x the seed plan's time. Also times
# `explain` of a manager's month under the 2027 plan (E01, 2027-03: split sales, cancellations
# and reports' sales, read in blocks, after the run: trusting its record, `explain` passes over
# the sales that count for neither E01 nor their reports; `explain27`), as a ratio to the 2027
# run; the same with no record (`explain27-first`: every row checked, which leaves a record of
# the months it folded), and E05's February after it (`explain27-next`: trusting that record,
# no run needed); and `explain --quick` of E01's March with no record at all
# (`explain27-quick`: only the rows that count for E01 and their reports checked; its
# explanation must be explain27-first's, with its note below). The seed
# ledger comes from gen_ledger.py (500 managers), the 2027 year from
# tests/tools/ref2027/generate.py (--seed 1, 500 payees; about 25,000 sales a second and 1 GB
# of memory per million sales, so 10M takes some 10 minutes and 10 GB, once). The two
# alternate three times; prints each time, the medians (wall, user CPU, peak memory) and the
# ratio. Wall time is noisy on a shared machine; only ratios within one invocation compare.
# Each run's system time is shown too: on a virtual machine, a run that takes many fresh
# pages may spend seconds in the kernel for the same work.
#   bash bench/plan2027.sh [ROWS]
set -euo pipefail
. "$(dirname "$0")/prepare.sh"
. bench/medians.sh
year=${BENCH_DIR_2027:-/tmp/commission-bench-2027-$rows}
[ -f "$year/sales.csv" ] || python3 tests/tools/ref2027/generate.py --seed 1 --sales "$rows" --payees 500 --out "$year"
cat "$year"/*.csv > /dev/null
seed=(policies/telecom-account-manager.policy --data sales="$dir/sales.csv" --data surveys="$dir/surveys.csv")
plan=(policies/telecom-2027.policy)
for input in roster sales credits targets cancellations; do plan+=(--data "$input=$year/$input.csv"); done
times="$year/plan2027.times"
: > "$times"
# The records go to the bench's own folders (emptied first), not the user's cache.
export COMMISSION_CHECKED="$year/checked"
rm -rf "$COMMISSION_CHECKED"
echo "nproc: $(nproc); commission $(git rev-parse --short HEAD); sales lines: seed $(wc -l < "$dir/sales.csv"), 2027 $(wc -l < "$year/sales.csv") (credits $(wc -l < "$year/credits.csv"), cancellations $(wc -l < "$year/cancellations.csv"))"
for i in 1 2 3; do
  timed "$times" seed target/release/commission run "${seed[@]}" --format csv --output "$year/seed.csv"
  timed "$times" 2027 target/release/commission run "${plan[@]}" --format csv --output "$year/2027.csv"
  timed "$times" explain27 target/release/commission explain "${plan[@]}" --payee E01 --period 2027-03 > "$year/explain27.txt"
  rm -rf "$year/checked-explain"
  COMMISSION_CHECKED="$year/checked-explain" timed "$times" explain27-first target/release/commission explain "${plan[@]}" --payee E01 --period 2027-03 > "$year/explain27-first.txt"
  cmp -s "$year/explain27.txt" "$year/explain27-first.txt" || { echo "explain after a run differs from explain checking every row" >&2; exit 1; }
  COMMISSION_CHECKED="$year/checked-explain" timed "$times" explain27-next target/release/commission explain "${plan[@]}" --payee E05 --period 2027-02 > "$year/explain27-next.txt"
  if [ "$i" = 1 ]; then
    COMMISSION_CHECKED=off target/release/commission explain "${plan[@]}" --payee E05 --period 2027-02 > "$year/explain27-next-all.txt"
    cmp -s "$year/explain27-next.txt" "$year/explain27-next-all.txt" || { echo "explain trusting an explain's record differs from explain checking every row" >&2; exit 1; }
  fi
  COMMISSION_CHECKED=off timed "$times" explain27-quick target/release/commission explain "${plan[@]}" --payee E01 --period 2027-03 --quick > "$year/explain27-quick.txt"
  head -n -2 "$year/explain27-quick.txt" | cmp -s - "$year/explain27-first.txt" || { echo "explain --quick differs from explain checking every row" >&2; exit 1; }
  tail -6 "$times" | awk '{printf "  %s: %-15s %7.3f s wall %6.2f s user %5.2f s system %8.1f MB peak\n", i, $1, $2, $3, $5, $4/1024}' i="$i"
done
for who in seed 2027 explain27 explain27-first explain27-next explain27-quick; do
  wall=$(median_of "$times" "$who" 2)
  user=$(median_of "$times" "$who" 3)
  peak=$(median_of "$times" "$who" 4)
  seed_wall=$(median_of "$times" seed 2)
  run_wall=$(median_of "$times" 2027 2)
  awk -v w="$who" -v a="$wall" -v u="$user" -v p="$peak" -v s="$seed_wall" -v r="$run_wall" \
    'BEGIN {if (w ~ /^explain27/) printf "  median %-15s %7.3f s wall (%.2fx the 2027 run) %6.2f s user %8.1f MB peak\n", w, a, a/r, u, p/1024;
            else printf "  median %-15s %7.3f s wall (%.2fx the seed plan) %6.2f s user %8.1f MB peak\n", w, a, a/s, u, p/1024}'
done
