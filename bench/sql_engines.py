#!/usr/bin/env python3
"""Runs the seed plan's compiled queries on DuckDB and on a local Spark over the generated
ledger in DIR (bench/sql.sh), prints each engine's wall time, and checks that the
statements equal `commission run`'s (DIR/run.csv), byte for byte.

    python bench/sql_engines.py DIR
"""
import csv
import os
import sys
import time

d = sys.argv[1]
sales, surveys = os.path.join(d, "sales.csv"), os.path.join(d, "surveys.csv")
with open(os.path.join(d, "run.csv"), encoding="utf-8") as f:
    expected = [",".join(r) for r in list(csv.reader(f))[1:]]


def lines(rows):
    return [",".join(str(v) for v in r) for r in rows]


def report(engine, wall, rows, extra=""):
    same = "same statements as run" if lines(rows) == expected else "STATEMENTS DIFFER FROM RUN"
    print(f"{engine}: {wall:.1f} s wall{extra}, {len(rows)} statements, {same}")


# DuckDB: views over the CSV files with the declared types (bench/duckdb_run.py).
from duckdb_run import statements

start = time.time()
rows = statements(d, 2)
report("DuckDB (2 threads)", time.time() - start, rows)

# Spark: one local session, two cores.
from pyspark.sql import SparkSession

query = open(os.path.join(d, "query.spark.sql"), encoding="utf-8").read()
start = time.time()
spark = (
    SparkSession.builder.master("local[2]")
    .config("spark.ui.enabled", "false")
    .config("spark.ui.showConsoleProgress", "false")
    .config("spark.sql.ansi.enabled", "true")
    .config("spark.sql.decimalOperations.allowPrecisionLoss", "false")
    .config("spark.sql.shuffle.partitions", "4")
    .config("spark.driver.memory", "2g")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
started = time.time()
spark.read.csv(
    sales, header=True,
    schema="id STRING, date DATE, manager STRING, customer STRING, kind STRING, business STRING, segment STRING, amount DECIMAL(38,2)",
).createOrReplaceTempView("sales")
spark.read.csv(surveys, header=True, schema="manager STRING, quarter STRING, satisfaction STRING").createOrReplaceTempView("surveys_raw")
spark.sql(
    "CREATE OR REPLACE TEMPORARY VIEW surveys AS SELECT manager, quarter, "
    "CAST(CAST(replace(satisfaction, '%', '') AS DECIMAL(38,8)) * 0.01 AS DECIMAL(38,10)) AS satisfaction FROM surveys_raw"
)
rows = [tuple(r) for r in spark.sql(query).collect()]
end = time.time()
report("Spark local[2]", end - start, rows, f" ({started - start:.1f} s of it starting the session)")
spark.stop()
