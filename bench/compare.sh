#!/usr/bin/env bash
# commission against DuckDB on the seed plan, in the same run: for each ledger size (default
# 1,000,000 and 10,000,000 rows, generated once by bench/gen_ledger.py outside the repository),
# `commission run` (all cores, then `COMMISSION_THREADS=1`) and DuckDB (running the query
# `commission sql --dialect duckdb` compiles, over read_csv views, 2 threads and 1 thread)
# alternate three times each (`RUNS=1 bash bench/compare.sh 30000000` for one run each). Every run's
# statements are checked against commission's, byte for byte. Prints each run's wall time
# and peak memory (GNU time, the whole process: DuckDB's includes Python's start and
# `import duckdb`, about 0.2 s), the medians, and the ratio of the medians.
#   bash bench/compare.sh [ROWS ...]
# `PAYEES=100000 bash bench/compare.sh 1000000`: the same with 100,000 managers, not 500 (a
# ledger of its own, /tmp/commission-bench-1000000-payees-100000): 1.2M statements.
# Needs DuckDB for Python: installs it in .venv (tests/run.sh's pinned version) when missing.
set -euo pipefail
. "$(dirname "$0")/duckdb_venv.sh"
echo "nproc: $(nproc); commission $(git rev-parse --short HEAD); $("$python" -c 'import duckdb; print("duckdb", duckdb.__version__)')"
cargo build --release --quiet
policy=policies/telecom-account-manager.policy

. bench/medians.sh

for rows in "${@:-1000000 10000000}"; do
  for n in $rows; do
    payees=${PAYEES:-500}
    dir=/tmp/commission-bench-$n
    [ "$payees" = 500 ] || dir=$dir-payees-$payees
    [ -f "$dir/sales.csv" ] || python3 bench/gen_ledger.py "$n" "$dir" "$payees"
    cat "$dir/sales.csv" > /dev/null
    target/release/commission sql "$policy" --dialect duckdb --output "$dir/query.duckdb.sql.new"
    mv "$dir/query.duckdb.sql.new" "$dir/query.duckdb.sql"
    echo "== $n rows, $payees payees ($(du -h "$dir/sales.csv" | cut -f1))"
    : > "$dir/times"
    for i in $(seq 1 "${RUNS:-3}"); do
      rm -f "$dir/run.csv"
      timed "$dir/times" commission target/release/commission run "$policy" \
        --data sales="$dir/sales.csv" --data surveys="$dir/surveys.csv" --format csv --output "$dir/run.csv" 2>/dev/null
      tail -n +2 "$dir/run.csv" > "$dir/run.lines"
      rm -f "$dir/run1.csv"
      COMMISSION_THREADS=1 timed "$dir/times" commission-1 target/release/commission run "$policy" \
        --data sales="$dir/sales.csv" --data surveys="$dir/surveys.csv" --format csv --output "$dir/run1.csv" 2>/dev/null
      cmp -s "$dir/run.csv" "$dir/run1.csv" || { echo "commission on one thread gives other statements" >&2; exit 1; }
      for threads in 2 1; do
        timed "$dir/times" "duckdb-$threads" "$python" bench/duckdb_run.py "$dir" "$threads" "$dir/duckdb.lines"
        cmp -s "$dir/run.lines" "$dir/duckdb.lines" || { echo "DuckDB ($threads threads) gives other statements than commission" >&2; exit 1; }
      done
      tail -4 "$dir/times" | awk '{printf "  run %s: %-12s %7.3f s wall %8.1f MB peak\n", i, $1, $2, $4/1024}' i="$i"
    done
    echo "  $(wc -l < "$dir/run.lines") statements, the same from all four every time"
    for who in commission commission-1 duckdb-2 duckdb-1; do
      wall=$(median_of "$dir/times" "$who" 2)
      peak=$(median_of "$dir/times" "$who" 4)
      echo "  median $who: $wall s wall, $(awk -v p="$peak" 'BEGIN {printf "%.1f", p/1024}') MB peak"
    done
    c=$(median_of "$dir/times" commission 2)
    c1=$(median_of "$dir/times" commission-1 2)
    d2=$(median_of "$dir/times" duckdb-2 2)
    d1=$(median_of "$dir/times" duckdb-1 2)
    awk -v c="$c" -v c1="$c1" -v d2="$d2" -v d1="$d1" 'BEGIN {printf "  commission (all cores) / DuckDB (2 threads): %.2fx; both on one thread: %.2fx\n", c/d2, c1/d1}'
  done
done
