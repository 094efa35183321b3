#!/usr/bin/env python3
"""Runs the seed plan's query compiled by `commission sql --dialect duckdb` on DuckDB over the
generated ledger in DIR, with THREADS threads, and writes the statements to OUT as CSV lines
(`payee,period,amounts...,total`, the form of `commission run --format csv` without its
header). bench/compare.sh times this whole process, as it times `commission run`;
bench/sql_engines.py uses `statements`.

    python bench/duckdb_run.py DIR THREADS OUT [QUERY]

QUERY: another compiled query over the same ledgers (default DIR/query.duckdb.sql; bench/thirty.sh
passes the thirty-component plan's).
"""
import os
import sys

import duckdb


def quoted(path):
    return "'" + path.replace("'", "''") + "'"


def statements(d, threads, query_path=None):
    """The rows of DIR/query.duckdb.sql (or QUERY_PATH's), over views of DIR's ledgers with the
    declared types."""
    sales, surveys = os.path.join(d, "sales.csv"), os.path.join(d, "surveys.csv")
    con = duckdb.connect()
    con.execute(f"SET threads TO {int(threads)}")
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
    query = open(query_path or os.path.join(d, "query.duckdb.sql"), encoding="utf-8").read()
    return con.execute(query).fetchall()


if __name__ == "__main__":
    d, threads, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    query_path = sys.argv[4] if len(sys.argv) > 4 else None
    with open(out, "w", encoding="utf-8") as f:
        for r in statements(d, threads, query_path):
            f.write(",".join(str(v) for v in r) + "\n")
