#!/usr/bin/env bash
# Times the commands that read a whole ledger against one `commission run` of the seed plan,
# on a generated ledger (default 1,000,000 rows): `diff` of the flat and marginal seed plans
# (one read, both plans), `budget` (one read, the plan and its three reruns on scaled sales),
# and `explain` of one payee-month, three times: after the run, trusting its record that the
# ledgers were read with no problem (`explain`: other payees' rows passed over); with no
# record (`explain-all`: every row checked, as on a first explain, which leaves a record of
# the months it folded); and of another payee and month that record covers (`explain-next`:
# AM0100's February, trusting the first explain's record, no run needed); and `explain
# --quick` with no record at all (`explain-quick`: only the payee's rows checked, the others
# passed over unchecked; its explanation must be explain-all's, with its note below). The seven alternate
# three times; prints each time, then the medians (wall, user CPU, peak memory) and each
# command's ratio to `run` (the issue's goals: `diff` under 1.3x a run, `explain` 5x faster). Wall time is noisy on a shared machine;
# only ratios within one invocation compare.
#   bash bench/commands.sh [ROWS]
# `PAYEES=100000 bash bench/commands.sh 1000000`: the same over 100,000 managers (1.2M
# statements a plan), the ledger `bench/compare.sh` makes with the same PAYEES.
set -euo pipefail
. "$(dirname "$0")/prepare.sh"
. bench/medians.sh
policy=policies/telecom-account-manager.policy
data=(--data sales="$dir/sales.csv" --data surveys="$dir/surveys.csv")
times="$dir/commands.times"
# The run's records go to the bench's own folder (emptied first), not the user's cache.
export COMMISSION_CHECKED="$dir/checked"
rm -rf "$COMMISSION_CHECKED"
: > "$times"
echo "nproc: $(nproc); commission $(git rev-parse --short HEAD); $(wc -l < "$dir/sales.csv") lines"
for i in 1 2 3; do
  timed "$times" run target/release/commission run "$policy" "${data[@]}" --format csv --output "$dir/run.csv" 2>/dev/null
  timed "$times" diff target/release/commission diff "$policy" policies/telecom-marginal.policy "${data[@]}" --format json --output "$dir/diff.json"
  timed "$times" budget target/release/commission budget "$policy" "${data[@]}" --by business --format json --output "$dir/budget.json"
  timed "$times" explain target/release/commission explain "$policy" "${data[@]}" --payee AM0379 --period 2026-03 > "$dir/explain.txt"
  rm -rf "$dir/checked-explain"
  COMMISSION_CHECKED="$dir/checked-explain" timed "$times" explain-all target/release/commission explain "$policy" "${data[@]}" --payee AM0379 --period 2026-03 > "$dir/explain-all.txt"
  cmp -s "$dir/explain.txt" "$dir/explain-all.txt" || { echo "explain after a run differs from explain checking every row" >&2; exit 1; }
  COMMISSION_CHECKED="$dir/checked-explain" timed "$times" explain-next target/release/commission explain "$policy" "${data[@]}" --payee AM0100 --period 2026-02 > "$dir/explain-next.txt"
  if [ "$i" = 1 ]; then
    COMMISSION_CHECKED=off target/release/commission explain "$policy" "${data[@]}" --payee AM0100 --period 2026-02 > "$dir/explain-next-all.txt"
    cmp -s "$dir/explain-next.txt" "$dir/explain-next-all.txt" || { echo "explain trusting an explain's record differs from explain checking every row" >&2; exit 1; }
  fi
  COMMISSION_CHECKED=off timed "$times" explain-quick target/release/commission explain "$policy" "${data[@]}" --payee AM0379 --period 2026-03 --quick > "$dir/explain-quick.txt"
  head -n -2 "$dir/explain-quick.txt" | cmp -s - "$dir/explain-all.txt" || { echo "explain --quick differs from explain checking every row" >&2; exit 1; }
  tail -7 "$times" | awk '{printf "  %s: %-13s %7.3f s wall %6.2f s user %8.1f MB peak\n", i, $1, $2, $3, $4/1024}' i="$i"
done
for who in run diff budget explain explain-all explain-next explain-quick; do
  wall=$(median_of "$times" "$who" 2)
  user=$(median_of "$times" "$who" 3)
  peak=$(median_of "$times" "$who" 4)
  run_wall=$(median_of "$times" run 2)
  run_user=$(median_of "$times" run 3)
  awk -v w="$who" -v a="$wall" -v u="$user" -v p="$peak" -v rw="$run_wall" -v ru="$run_user" \
    'BEGIN {printf "  median %-13s %7.3f s wall (%.2fx run) %6.2f s user (%.2fx run) %8.1f MB peak\n", w, a, a/rw, u, u/ru, p/1024}'
done
