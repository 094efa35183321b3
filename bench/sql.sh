#!/usr/bin/env bash
# Times the seed plan on a generated ledger (default 1,000,000 rows) three ways, one run each:
# `commission run`; DuckDB running `commission sql --dialect duckdb` over read_csv views; and
# a local Spark (local[2], ANSI mode, no decimal precision loss) running `--dialect spark`
# over CSV views. The engines' statements are checked against run's, byte for byte.
#   bash bench/sql.sh [ROWS]        # 10000000 for the issue's figure
# Needs DuckDB and PySpark: tests/run.sh installs them in .venv (or set COMMISSION_TEST_PYTHON).
set -euo pipefail
. "$(dirname "$0")/prepare.sh"
python=${COMMISSION_TEST_PYTHON:-$PWD/.venv/bin/python}
policy=policies/telecom-account-manager.policy
target/release/commission sql "$policy" --dialect duckdb --output "$dir/query.duckdb.sql"
target/release/commission sql "$policy" --dialect spark --output "$dir/query.spark.sql"
ls -l "$dir/sales.csv"
/usr/bin/time -f "commission run: %e s wall, %M KB peak" target/release/commission run "$policy" \
  --data sales="$dir/sales.csv" --data surveys="$dir/surveys.csv" --format csv --output "$dir/run.csv" 2>&1 \
  | grep -v '^rows of'
"$python" bench/sql_engines.py "$dir"
