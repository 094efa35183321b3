#!/usr/bin/env python3
"""Runs the seed plan's query compiled by `commission sql --dialect duckdb` on DuckDB over the
generated ledger in DIR, with THREADS threads, and writes the statements to OUT as CSV lines
(`payee,period,amounts...,total`, the form of `commission run --format csv` without its
header). bench/compare.sh times this whole process, as it times `commission run`.

    python bench/duckdb_run.py DIR THREADS OUT
"""
import os
import sys

import duckdb

d, threads, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sales, surveys = os.path.join(d, "sales.csv"), os.path.join(d, "surveys.csv")


def quoted(path):
    return "'" + path.replace("'", "''") + "'"


con = duckdb.connect()
con.execute(f"SET threads TO {threads}")
con.execute(
    f"CREATE VIEW sales AS SELECT * FROM read_csv({quoted(sales)}, header = true, columns = {{'id': 'VARCHAR', "
    "'date': 'DATE', 'manager': 'VARCHAR', 'customer': 'VARCHAR', 'kind': 'VARCHAR', "
    "'business': 'VARCHAR', 'segment': 'VARCHAR', 'amount': 'DECIMAL(38,2)'})"
)
# A percentage is written `91.5%` in the survey file: the view makes it a fraction.
con.execute(
    "CREATE VIEW surveys AS SELECT manager, quarter, "
    "CAST(CAST(replace(satisfaction, '%', '') AS DECIMAL(38,8)) * 0.01 AS DECIMAL(38,10)) AS satisfaction "
    f"FROM read_csv({quoted(surveys)}, header = true, "
    "columns = {'manager': 'VARCHAR', 'quarter': 'VARCHAR', 'satisfaction': 'VARCHAR'})"
)
query = open(os.path.join(d, "query.duckdb.sql"), encoding="utf-8").read()
rows = con.execute(query).fetchall()
with open(out, "w", encoding="utf-8") as f:
    for r in rows:
        f.write(",".join(str(v) for v in r) + "\n")
