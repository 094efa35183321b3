"""Runs queries compiled by `commission sql` on DuckDB, on one local Spark session and on a
PostgreSQL server it starts (Debian's, on a local port).

Reads a JSON job on standard input:

    {"engines": ["duckdb", "spark"],
     "cases": [{"name": "...",
                "tables": [{"name": "sales", "path": "examples/telecom/sales.csv",
                            "columns": [["id", "text"], ["amount", "money", 2], ...]}],
                "scales": [2, 2, 2],          # each component's decimals, then the total's
                "duckdb": "WITH ...", "spark": "WITH ...", "postgres": "WITH ..."}]}

loads each ledger (CSV) as a table with the declared types (the mapping of the README's
chapter "Running where the data is"), runs the case's query on each engine, and writes on
standard output one JSON object: {"cases": [{"name": ..., "duckdb": [lines] or {"error": ..},
"spark": ...}]}. A line is one statement in canonical form: `payee,period,amount,...,total`,
each amount with exactly its decimals (as `commission run --format json` writes them).

Spark starts once for every case (local[2]: start-up is the slow part), in ANSI mode and
with `spark.sql.decimalOperations.allowPrecisionLoss=false`, as the README says to run it.
"""

import csv
import datetime
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from decimal import Decimal, localcontext

SIGNS = ["US$", "HK$", "¥", "￥", "$", "€", "£"]


def parse(kind, raw):
    """One ledger field as the declared type, as the ledger reader reads it (for the forms
    the example and generated ledgers use); anything else stops the driver."""
    text = raw.strip()
    if kind == "text":
        return text
    if text == "":
        return None
    if kind in ("month", "quarter"):
        return text
    if kind == "bool":
        return text.lower() == "true"
    if kind == "date":
        return datetime.date.fromisoformat(text)
    if kind == "integer":
        return int(text)
    if kind == "money":
        negative = text.startswith("-")
        body = text.lstrip("-")
        for sign in SIGNS:
            if body.startswith(sign):
                body = body[len(sign):]
                break
        if body.startswith("-"):
            negative, body = True, body[1:]
        value = Decimal(body.replace(",", ""))
        return -value if negative else value
    if kind == "percent":
        with localcontext() as ctx:
            ctx.prec = 60
            if text.endswith("%"):
                return Decimal(text[:-1]) / 100
            return Decimal(text)
    if kind == "decimal":
        return Decimal(text)
    raise ValueError(f"unknown column type {kind}")


def sql_type(column, dialect):
    kind = column[1]
    if kind in ("text", "month", "quarter"):
        return "STRING" if dialect == "spark" else "VARCHAR"
    if kind == "integer":
        return "BIGINT"
    if kind == "date":
        return "DATE"
    if kind == "bool":
        return "BOOLEAN"
    if kind == "money":
        return f"DECIMAL(38,{column[2]})"
    return "DECIMAL(38,10)"


def read_rows(table):
    with open(table["path"], encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)]
        order = [header.index(c[0]) for c in table["columns"]]
        rows = []
        for record in reader:
            if not record or all(not field.strip() for field in record):
                continue
            rows.append(tuple(parse(c[1], record[i]) for c, i in zip(table["columns"], order)))
    return rows


def canonical(rows, scales):
    lines = []
    for row in rows:
        payee, period, amounts = row[0], row[1], row[2:]
        cells = [str(payee), str(period)]
        for value, scale in zip(amounts, scales):
            if value is None:
                cells.append("NULL")
                continue
            value = Decimal(value).quantize(Decimal(1).scaleb(-scale))
            if value == 0:
                value = abs(value)
            cells.append(str(value))
        lines.append(",".join(cells))
    return lines


def write_normalised(path, columns, rows):
    """The rows as plain CSV: ISO dates, plain decimals, `\\N` for no value."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([c[0] for c in columns])
        for row in rows:
            w.writerow(["\\N" if v is None else v for v in row])


def run_duckdb(case, tables):
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    with tempfile.TemporaryDirectory() as tmp:
        for table in case["tables"]:
            columns = table["columns"]
            path = os.path.join(tmp, table["name"] + ".csv")
            write_normalised(path, columns, tables[table["name"]])
            types = ", ".join(f"'{c[0]}': '{sql_type(c, 'duckdb')}'" for c in columns)
            con.execute(
                f'CREATE TABLE "{table["name"]}" AS SELECT * FROM read_csv(?, header = true, '
                f"columns = {{{types}}}, nullstr = '\\N', quote = '\"', escape = '\"', auto_detect = false)",
                [path],
            )
        return canonical(con.execute(case["duckdb"]).fetchall(), case["scales"])


def spark_session():
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName("commission-sql-peer")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.sql.decimalOperations.allowPrecisionLoss", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )


def run_spark(spark, case, tables, tmp):
    # Read by the JVM from a normalised CSV (no Python worker per stage), and cached: the
    # query reads each table several times.
    for table in case["tables"]:
        columns = table["columns"]
        path = os.path.join(tmp, case["name"].replace("/", "_") + "." + table["name"] + ".csv")
        write_normalised(path, columns, tables[table["name"]])
        schema = ", ".join(f"`{c[0]}` {sql_type(c, 'spark')}" for c in columns)
        frame = spark.read.csv(path, schema=schema, header=True, nullValue="\\N", emptyValue="", mode="FAILFAST")
        frame.cache().createOrReplaceTempView(table["name"])
    rows = [tuple(r) for r in spark.sql(case["spark"]).collect()]
    return canonical(rows, case["scales"])


class Postgres:
    """Debian's PostgreSQL server, started once on a local socket and port in a temporary
    folder (database in the C locale: text ordered by its bytes, as `run` orders it)."""

    def __init__(self):
        found = shutil.which("initdb") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))), None)
        if found is None:
            raise RuntimeError("PostgreSQL's initdb not found: run tests/run.sh, which installs it")
        bindir = os.path.dirname(os.path.realpath(found))
        self.dir = tempfile.mkdtemp(prefix="commission-pg-")
        os.chmod(self.dir, 0o777)
        # initdb refuses to run as root: run the server as the postgres user then.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        data = os.path.join(self.dir, "data")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = str(s.getsockname()[1])
        self.ctl = os.path.join(bindir, "pg_ctl")
        self.data = data
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
        subprocess.run(self.as_owner + [os.path.join(bindir, "initdb"), "-D", data, "--locale=C", "--encoding=UTF8",
                                        "-A", "trust", "-U", "postgres"], **quiet)
        subprocess.run(self.as_owner + [self.ctl, "-D", data, "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=''",
                                        "-l", os.path.join(self.dir, "log"), "-w", "start"], **quiet)
        self.psql = shutil.which("psql") or os.path.join(bindir, "psql")

    def run(self, case, tables, tmp):
        script = ["DROP SCHEMA IF EXISTS peer CASCADE;", "CREATE SCHEMA peer;", "SET search_path TO peer;"]
        for table in case["tables"]:
            columns = table["columns"]
            path = os.path.join(tmp, "pg." + table["name"] + ".csv")
            write_normalised(path, columns, tables[table["name"]])
            cols = ", ".join(f'"{c[0]}" {sql_type(c, "postgres")}' for c in columns)
            script.append(f'CREATE TABLE "{table["name"]}" ({cols});')
            script.append(f"\\copy \"{table['name']}\" FROM '{path}' WITH (FORMAT csv, HEADER true, NULL '\\N')")
        script.append(case["postgres"].rstrip().rstrip(";") + ";")
        out = subprocess.run(
            [self.psql, "-X", "-q", "-At", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", "-h", self.dir, "-p", self.port,
             "-U", "postgres", "-d", "postgres"],
            input="\n".join(script), capture_output=True, text=True,
        )
        if out.returncode != 0:
            raise RuntimeError(out.stderr.strip())
        rows = []
        for line in out.stdout.splitlines():
            cells = line.split("\x1f")
            rows.append(tuple(cells[:2]) + tuple(None if c == "" else Decimal(c) for c in cells[2:]))
        return canonical(rows, case["scales"])

    def stop(self):
        subprocess.run(self.as_owner + [self.ctl, "-D", self.data, "-m", "fast", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    job = json.load(sys.stdin)
    engines = job.get("engines", ["duckdb", "spark"])
    spark = spark_session() if "spark" in engines else None
    if spark is not None:
        spark.sparkContext.setLogLevel("ERROR")
    postgres = Postgres() if "postgres" in engines else None
    out = []
    tmp = tempfile.mkdtemp()
    for case in job["cases"]:
        result = {"name": case["name"]}
        tables = {t["name"]: read_rows(t) for t in case["tables"]}
        for engine in engines:
            try:
                if engine == "duckdb":
                    result[engine] = run_duckdb(case, tables)
                elif engine == "postgres":
                    result[engine] = postgres.run(case, tables, tmp)
                else:
                    result[engine] = run_spark(spark, case, tables, tmp)
            except Exception as e:  # reported per case and engine; the Rust test fails on it
                result[engine] = {"error": f"{type(e).__name__}: {e}"[:4000]}
        out.append(result)
    json.dump({"cases": out}, sys.stdout, ensure_ascii=False)
    if spark is not None:
        spark.stop()
    if postgres is not None:
        postgres.stop()


if __name__ == "__main__":
    main()
