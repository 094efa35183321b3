#!/usr/bin/env bash
# A plan of thirty components (bench/thirty.policy) against the seed plan, on the same ledger
# (default 1,000,000 and 10,000,000 rows, generated once by bench/gen_ledger.py outside the
# repository, as bench/compare.sh makes them): the issue's goal is a 30-component policy
# under 2x the seed plan. The two plans' runs alternate three times each (`RUNS=1` for one
# each); the thirty-component plan's statements are checked once per ledger against DuckDB
# running the query `commission sql --dialect duckdb` compiles from it (2 threads: a second
# implementation of the plan, to the fen; that one run timed too, as a peer, with Python's
# start). Prints each run's wall time, user time and peak memory, the medians and their ratio.
#   bash bench/thirty.sh [ROWS ...]
# `PAYEES=100000 bash bench/thirty.sh 1000000`: over 100,000 managers (1.2M statements of 30
# components), the ledger `bench/compare.sh` makes with the same PAYEES.
# Needs DuckDB for Python: installs it in .venv (tests/run.sh's pinned version) when missing.
set -euo pipefail
. "$(dirname "$0")/duckdb_venv.sh"
echo "nproc: $(nproc); commission $(git rev-parse --short HEAD)"
cargo build --release --quiet
seed=policies/telecom-account-manager.policy
thirty=bench/thirty.policy

. bench/medians.sh

for n in ${@:-1000000 10000000}; do
  dir=/tmp/commission-bench-$n
  [ "${PAYEES:-500}" = 500 ] || dir=$dir-payees-$PAYEES
  [ -f "$dir/sales.csv" ] || python3 bench/gen_ledger.py "$n" "$dir" "${PAYEES:-500}"
  cat "$dir/sales.csv" > /dev/null
  data=(--data sales="$dir/sales.csv" --data surveys="$dir/surveys.csv")
  echo "== $n rows ($(du -h "$dir/sales.csv" | cut -f1))"
  target/release/commission sql "$thirty" --dialect duckdb --output "$dir/thirty.duckdb.sql.new"
  mv "$dir/thirty.duckdb.sql.new" "$dir/thirty.duckdb.sql"
  : > "$dir/thirty.times"
  for i in $(seq 1 "${RUNS:-3}"); do
    rm -f "$dir/seed.csv" "$dir/thirty.csv"
    timed "$dir/thirty.times" seed target/release/commission run "$seed" "${data[@]}" \
      --format csv --output "$dir/seed.csv" 2>/dev/null
    timed "$dir/thirty.times" thirty target/release/commission run "$thirty" "${data[@]}" \
      --format csv --output "$dir/thirty.csv" 2>/dev/null
    tail -2 "$dir/thirty.times" | awk '{printf "  run %s: %-7s %7.3f s wall %6.2f s user %8.1f MB peak\n", i, $1, $2, $3, $4/1024}' i="$i"
  done
  tail -n +2 "$dir/thirty.csv" > "$dir/thirty.lines"
  timed "$dir/thirty.times" duckdb-thirty "$python" bench/duckdb_run.py "$dir" 2 "$dir/thirty-duckdb.lines" "$dir/thirty.duckdb.sql"
  cmp -s "$dir/thirty.lines" "$dir/thirty-duckdb.lines" || { echo "DuckDB gives other statements than commission for $thirty" >&2; exit 1; }
  echo "  $(wc -l < "$dir/thirty.lines") statements of $(head -1 "$dir/thirty.csv" | tr ',' '\n' | grep -vc '^payee$\|^period$\|^total$') components, the same from DuckDB"
  for who in seed thirty; do
    wall=$(median_of "$dir/thirty.times" "$who" 2)
    user=$(median_of "$dir/thirty.times" "$who" 3)
    peak=$(median_of "$dir/thirty.times" "$who" 4)
    echo "  median $who: $wall s wall, $user s user, $(awk -v p="$peak" 'BEGIN {printf "%.1f", p/1024}') MB peak"
  done
  s=$(median_of "$dir/thirty.times" seed 2)
  t=$(median_of "$dir/thirty.times" thirty 2)
  awk -v s="$s" -v t="$t" 'BEGIN {printf "  thirty components / the seed plan: %.2fx\n", t/s}'
  awk -v t="$t" '$1=="duckdb-thirty" {printf "  DuckDB (2 threads, once, the check): %.2f s wall, %.1f MB peak; commission / DuckDB: %.2fx\n", $2, $4/1024, t/$2}' "$dir/thirty.times"
done
