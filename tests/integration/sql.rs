//! `commission sql`: the compiled query, run by DuckDB, by a local Spark and by PostgreSQL
//! (Debian's server, started by the driver on a local port), gives the
//! statements `commission run` gives, byte for byte (differential: every policy of
//! `policies/` and every fixture that passes `check`, on the example ledgers, on ledgers
//! `commission generate` writes, and on edge ledgers written here: bracket boundaries,
//! half-cent ties, refunds, missing surveys; `tests/fixtures/sql/every-construct.policy` uses
//! every construct of the language once); and each construct SQL cannot compute exactly
//! is refused with its code, pointing at its line.
//!
//! The engines run in `tests/tools/sql_peer.py`, with the Python of `COMMISSION_TEST_PYTHON`
//! (set by `tests/run.sh`, which installs DuckDB and PySpark in `.venv`). Without it the
//! test fails and says so: it is never skipped.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use commission::plan::{ColumnType, PayeeSource, Plan};
use serde_json::{json, Value as Json};

use crate::harness::Test;
use crate::{run, SALES_POLICY};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn plan_of(policy: &Path) -> Plan {
    let text = std::fs::read_to_string(policy).unwrap();
    let source = commission::source::SourceFile::new(policy.display().to_string(), text);
    commission::check::compile(source).unwrap().plan
}

/// One policy on one set of ledgers, over a range (or the months the ledgers span).
struct Case {
    name: String,
    policy: PathBuf,
    data: Vec<(String, PathBuf)>,
    range: Option<(&'static str, &'static str)>,
}

impl Case {
    fn range_args(&self) -> Vec<String> {
        match self.range {
            Some((from, to)) => vec!["--from".into(), from.into(), "--to".into(), to.into()],
            None => Vec::new(),
        }
    }

    /// `run`'s statements in the driver's canonical form: `payee,period,amount...,total`.
    fn run_lines(&self) -> Vec<String> {
        let mut args: Vec<String> = vec!["run".into(), self.policy.display().to_string()];
        for (name, path) in &self.data {
            args.push("--data".into());
            args.push(format!("{name}={}", path.display()));
        }
        args.extend(self.range_args());
        args.extend(["--format".into(), "json".into()]);
        let ran = run(&args);
        assert_eq!(ran.code, 0, "{}: run failed:\n{}", self.name, ran.stderr);
        let json: Json = serde_json::from_str(&ran.stdout).unwrap();
        let plan = plan_of(&self.policy);
        json["statements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let mut cells =
                    vec![s["payee"].as_str().unwrap().to_string(), s["period"].as_str().unwrap().to_string()];
                for c in &plan.components {
                    cells.push(s["components"][&c.name].as_str().unwrap().to_string());
                }
                cells.push(s["total"].as_str().unwrap().to_string());
                cells.join(",")
            })
            .collect()
    }

    fn sql(&self, dialect: &str) -> String {
        let mut args: Vec<String> =
            vec!["sql".into(), self.policy.display().to_string(), "--dialect".into(), dialect.into()];
        args.extend(self.range_args());
        let ran = run(&args);
        assert_eq!(ran.code, 0, "{}: sql --dialect {dialect} failed:\n{}", self.name, ran.stderr);
        ran.stdout
    }

    fn job(&self) -> Json {
        let plan = plan_of(&self.policy);
        let tables: Vec<Json> = self
            .data
            .iter()
            .map(|(name, path)| {
                let input = plan.inputs.iter().find(|i| &i.name == name).unwrap();
                let columns: Vec<Json> = input
                    .columns
                    .iter()
                    .map(|c| match c.ty {
                        ColumnType::Money => json!([c.name, "money", plan.currency.decimals]),
                        t => json!([c.name, t.name()]),
                    })
                    .collect();
                json!({"name": name, "path": path, "columns": columns})
            })
            .collect();
        let mut scales: Vec<u32> = plan.components.iter().map(|c| c.rounding.scale()).collect();
        scales.push(commission::report::total_scale(&plan));
        json!({
            "name": self.name, "tables": tables, "scales": scales,
            "duckdb": self.sql("duckdb"), "spark": self.sql("spark"), "postgres": self.sql("postgres"),
        })
    }
}

/// The Python with DuckDB and PySpark, from `tests/run.sh`; a clear failure without it.
fn peer_python() -> String {
    let python = std::env::var("COMMISSION_TEST_PYTHON").unwrap_or_else(|_| {
        panic!("COMMISSION_TEST_PYTHON is not set: run the tests with tests/run.sh, which installs DuckDB and PySpark")
    });
    let check = std::process::Command::new(&python).args(["-c", "import duckdb, pyspark"]).output();
    match check {
        Ok(o) if o.status.success() => python,
        _ => panic!("{python} cannot import duckdb and pyspark: run tests/run.sh, which installs them in .venv"),
    }
}

/// The cases of the `# run:` line of each policy in `policies/`: the example ledgers, over
/// the months they span (no range: the span is computed by the query too).
/// The 2027 plan reads earlier statements, splits credit and pays on reports: the SQL compiler
/// refuses it (E0568, checked below), so it is no case of the comparison.
fn refused_by_sql(policy: &std::path::Path) -> bool {
    policy.ends_with("policies/telecom-2027.policy")
}

#[test]
fn plans_over_time_are_refused_not_miscompiled() {
    let ran = crate::run(["sql", "policies/telecom-2027.policy", "--dialect", "duckdb"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    crate::assert_code(&ran, "E0568");
    assert!(ran.stdout.is_empty(), "no query is printed");
}

fn example_cases() -> Vec<Case> {
    let mut out = Vec::new();
    let mut policies: Vec<PathBuf> = std::fs::read_dir(repo().join("policies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .filter(|p| !refused_by_sql(p))
        .collect();
    policies.sort();
    for policy in policies {
        let args = crate::example_args(&policy);
        let data = args
            .windows(2)
            .filter(|w| w[0] == "--data")
            .map(|w| {
                let (name, path) = w[1].split_once('=').unwrap();
                (name.to_string(), repo().join(path))
            })
            .collect();
        let name = format!("{} on its examples", policy.file_name().unwrap().to_string_lossy());
        out.push(Case { name, policy, data, range: None });
    }
    out
}

/// Ledgers `commission generate` writes (seed layout for the `manager` policies, roster
/// layout for the by-business one), six months.
fn generated_cases(dir: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    for (layout, policies) in [
        ("seed", vec!["policies/telecom-account-manager.policy", "policies/telecom-marginal.policy"]),
        ("roster", vec!["policies/telecom-by-business.policy"]),
    ] {
        let folder = dir.join(format!("generated-{layout}"));
        let ran = run([
            "generate",
            "--layout",
            layout,
            "--managers",
            "9",
            "--months",
            "2026-01..2026-06",
            "--monthly-sales",
            "1500000",
            "--seed",
            "11",
            "-o",
            folder.to_str().unwrap(),
        ]);
        assert_eq!(ran.code, 0, "generate: {}", ran.stderr);
        for policy in policies {
            let policy = repo().join(policy);
            let plan = plan_of(&policy);
            let data = plan.inputs.iter().map(|i| (i.name.clone(), folder.join(format!("{}.csv", i.name)))).collect();
            let name = format!("{} on generated ledgers", policy.file_name().unwrap().to_string_lossy());
            out.push(Case { name, policy, data, range: Some(("2026-01", "2026-06")) });
        }
    }
    out
}

/// Amounts that sit on the edges `run` and an engine could disagree on, each chosen by hand:
/// bracket bounds of the example plans (99,999.99 / 100,000.00 / 299,999.99 / 300,000.00,
/// 199,999.99 / 200,000.00 / 399,999.99 / 400,000.00), half-cent ties (12,345.50 × 3% =
/// 370.365; 0.10 × 5% = 0.005; 0.25 × 2% = 0.005), refunds (negative amounts, which make a
/// month's total negative for P3 in March: -500.00 + 0.10), and small amounts.
const AMOUNTS: [&[&str]; 12] = [
    &["100000.00"],
    &["99999.99"],
    &["0.10", "-500.00"],
    &["299999.99"],
    &["300000.00"],
    &["12345.50"],
    &["199999.99", "0.25"],
    &["200000.00"],
    &["399999.99"],
    &["400000.00", "-0.01"],
    &[],
    &["33.35", "66.65", "1000000.00"],
];

/// An edge ledger for each input of a plan: five payees over six months; lookup inputs with
/// one row per payee and period, and none for the first payee (a missing survey).
fn edge_ledgers(plan: &Plan, dir: &Path) -> Vec<(String, PathBuf)> {
    let payees = ["P1", "P2", "P3", "P4", "P5"];
    let looked_up: Vec<usize> = plan.lookups.iter().map(|l| l.input).collect();
    let roster = match plan.payee {
        PayeeSource::Roster { input, .. } => Some(input),
        PayeeSource::Ledger { .. } => None,
    };
    let mut out = Vec::new();
    for (index, input) in plan.inputs.iter().enumerate() {
        let mut text = input.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(",");
        text.push('\n');
        // (payee, month 1-6, amount, row number)
        let mut rows: Vec<(usize, u32, String)> = Vec::new();
        if Some(index) == roster || (input.payee.is_none() && input.period.is_none()) {
            rows.extend((0..payees.len()).map(|p| (p, 1, "1.00".to_string())));
        } else if looked_up.contains(&index) || input.period.is_none() {
            let quarterly = input.bucket() == Some(commission::period::Granularity::Quarter);
            for p in 1..payees.len() {
                for m in if quarterly { vec![1, 4] } else { (1..=6).collect() } {
                    rows.push((p, m, "1.00".to_string()));
                }
            }
        } else {
            for p in 0..payees.len() {
                for m in 1..=6u32 {
                    for amount in AMOUNTS[(p * 5 + m as usize * 7) % AMOUNTS.len()] {
                        rows.push((p, m, (*amount).to_string()));
                    }
                }
            }
        }
        for (n, (p, m, amount)) in rows.iter().enumerate() {
            let cells: Vec<String> = input
                .columns
                .iter()
                .enumerate()
                .map(|(c, col)| {
                    if Some(c) == input.payee || (Some(index) == roster && Some(c) == input.key) {
                        return payees[*p].to_string();
                    }
                    if Some(c) == input.key {
                        return format!("R{n}");
                    }
                    let floor_zero = col.at_least.is_some_and(|a| a >= rust_decimal::Decimal::ZERO);
                    match col.ty {
                        ColumnType::Text => match &col.values {
                            Some(values) => values[(n + c) % values.len()].clone(),
                            None => format!("C{}", n % 4),
                        },
                        ColumnType::Money if floor_zero => amount.trim_start_matches('-').to_string(),
                        ColumnType::Money => amount.clone(),
                        ColumnType::Integer => format!("{}", n % 5),
                        ColumnType::Decimal => format!("{}.5", n % 3),
                        // 80% on the bound, 79.99% below it, 91.5%, and a fraction 0.8.
                        ColumnType::Percent => ["80%", "79.99%", "91.5%", "0.8"][(n + p) % 4].to_string(),
                        ColumnType::Date => format!("2026-{m:02}-{:02}", 1 + n % 28),
                        ColumnType::Month => format!("2026-{m:02}"),
                        ColumnType::Quarter => format!("2026-Q{}", (m - 1) / 3 + 1),
                        ColumnType::Bool => if n % 2 == 0 { "true" } else { "false" }.to_string(),
                    }
                })
                .collect();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
        let path = dir.join(format!("{}.csv", input.name));
        std::fs::write(&path, text).unwrap();
        out.push((input.name.clone(), path));
    }
    out
}

/// The policies and fixtures that pass `check`, on the edge ledgers, January to June.
fn edge_cases(dir: &Path) -> Vec<Case> {
    let mut policies: Vec<PathBuf> = Vec::new();
    for folder in ["policies", "tests/fixtures/policies/lints", "tests/fixtures/policies/unformatted"] {
        for entry in std::fs::read_dir(repo().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "policy") && !refused_by_sql(&path) {
                policies.push(path);
            }
        }
    }
    policies.push(repo().join("tests/fixtures/ledgers/sales.policy"));
    policies.push(repo().join("tests/fixtures/sql/every-construct.policy"));
    policies.sort();
    let mut out = Vec::new();
    for (i, policy) in policies.into_iter().enumerate() {
        let checked = run(["check", policy.to_str().unwrap()]);
        if checked.code != 0 {
            continue;
        }
        let folder = dir.join(format!("edge-{i}"));
        std::fs::create_dir_all(&folder).unwrap();
        let data = edge_ledgers(&plan_of(&policy), &folder);
        let name = format!("{} on edge ledgers", policy.strip_prefix(repo()).unwrap().display());
        // The rows are in January to June; a yearly component is paid in December.
        let yearly = plan_of(&policy).components.iter().any(|c| c.cadence == commission::lang::Cadence::Yearly);
        let range = if yearly { ("2026-01", "2026-12") } else { ("2026-01", "2026-06") };
        out.push(Case { name, policy, data, range: Some(range) });
    }
    out
}

#[test]
fn duckdb_spark_and_postgres_give_the_statements_run_gives() {
    let dir = tempfile::tempdir().unwrap();
    let mut cases = example_cases();
    cases.extend(generated_cases(dir.path()));
    cases.extend(edge_cases(dir.path()));
    // The broken fixtures (tests/fixtures/policies/bad) fail `check`: none is a case. The
    // lint and unformatted fixtures and the policies all pass it.
    // 3 policies on their examples, 3 on generated ledgers, and on edge ledgers the 3
    // policies, 6 lint fixtures, 1 unformatted, the ledger fixtures' policy and every-construct.
    assert!(cases.len() >= 18, "{} cases", cases.len());
    let expected: Vec<Vec<String>> = cases.iter().map(Case::run_lines).collect();
    // The case with every construct exercises each: every component pays something, in
    // some statement, on its edge ledgers (so no comparison is of zeros only).
    let (tour, lines) = cases.iter().zip(&expected).find(|(c, _)| c.name.contains("every-construct")).unwrap();
    let components = plan_of(&tour.policy).components.len();
    for column in 2..2 + components {
        let pays = lines
            .iter()
            .any(|l| l.split(',').nth(column).is_some_and(|a| !a.trim_start_matches(['0', '.', '-']).is_empty()));
        assert!(pays, "{}: component {} pays 0 in every statement:\n{}", tour.name, column - 2, lines.join("\n"));
    }
    // The statement's cap and floor (tests/fixtures/policies/unformatted/language.policy:
    // `statement cap 20_000`, `statement floor 3_000`) take off or top up in some statement,
    // so the line computed one layer out in the query is compared with figures, not zeros.
    let limited: Vec<_> = cases
        .iter()
        .zip(&expected)
        .filter(|(c, _)| plan_of(&c.policy).components.iter().any(|k| k.limits_statement))
        .collect();
    assert!(!limited.is_empty(), "no case has a statement cap or floor");
    for (case, lines) in limited {
        let column = 1 + plan_of(&case.policy).components.len();
        let pays = lines
            .iter()
            .any(|l| l.split(',').nth(column).is_some_and(|a| !a.trim_start_matches(['0', '.', '-']).is_empty()));
        assert!(pays, "{}: the statement limit line is 0 in every statement:\n{}", case.name, lines.join("\n"));
    }
    let python = peer_python();
    let job =
        json!({"engines": ["duckdb", "spark", "postgres"], "cases": cases.iter().map(Case::job).collect::<Vec<_>>()});
    let mut child = std::process::Command::new(&python)
        .arg(repo().join("tests/tools/sql_peer.py"))
        .current_dir(repo())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = job.to_string();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, input.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "the SQL peer failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let results: Json = serde_json::from_slice(&output.stdout).unwrap();
    let mut failures = String::new();
    for (case, (want, got)) in cases.iter().zip(expected.iter().zip(results["cases"].as_array().unwrap())) {
        assert!(!want.is_empty(), "{}: run gave no statement", case.name);
        for engine in ["duckdb", "spark", "postgres"] {
            let lines: Option<Vec<String>> =
                got[engine].as_array().map(|a| a.iter().map(|l| l.as_str().unwrap().to_string()).collect());
            match lines {
                Some(lines) if &lines == want => {}
                Some(lines) => {
                    let _ = writeln!(
                        failures,
                        "{} on {engine}: {} statements, run has {}",
                        case.name,
                        lines.len(),
                        want.len()
                    );
                    for (a, b) in want.iter().zip(&lines).filter(|(a, b)| a != b).take(5) {
                        let _ = writeln!(failures, "  run: {a}\n  {engine}: {b}");
                    }
                }
                None => {
                    let _ = writeln!(failures, "{} on {engine}: {}", case.name, got[engine]);
                }
            }
        }
    }
    assert!(failures.is_empty(), "statements differ from run:\n{failures}");
}

/// Each construct without an exact SQL form is refused, with its code, at its line; no
/// query is written.
#[test]
fn constructs_sql_cannot_compute_exactly_are_refused() {
    // SALES_POLICY is 8 lines: the component opens on line 9, its `pay` is line 10.
    let targets =
        "input targets {\n  payee manager: text\n  period month: month\n  since: quarter\n  target: money\n}\n";
    let cases: [(&str, String, &str); 6] = [
        // a third does not end as a decimal
        ("E0560", "component c monthly {\n  pay sum(sales.amount) / 3\n}\n".into(), "line 10"),
        // nor does 100 over a count
        ("E0560", "component c monthly {\n  let n = count(sales)\n  pay 100 CNY / n\n}\n".into(), "line 11"),
        ("E0561", "component c monthly {\n  pay avg(sales.amount)\n}\n".into(), "line 10"),
        // 2 places of money + 24 of the rate = 26 > 24
        ("E0562", "component c monthly {\n  pay sum(sales.amount) * 0.000000000000000000000001\n}\n".into(), "line 10"),
        // rounding to steps of 3 yuan: 1/3 does not end
        ("E0563", "component c monthly {\n  pay sum(sales.amount)\n  rounding half_up 3\n}\n".into(), "line 10"),
        // a month and a quarter order differently as text (lines 9-14 are the input)
        (
            "E0564",
            format!("{targets}component c monthly {{\n  pay sum(targets.target where month > since)\n}}\n"),
            "line 16",
        ),
    ];
    for (code, component, at) in cases {
        for dialect in ["duckdb", "spark", "postgres"] {
            let ran = Test::new()
                .policy(format!("{SALES_POLICY}{component}"))
                .args(["--message-format", "plain", "sql", "{policy}", "--dialect", dialect])
                .status(1)
                .code(code)
                .stderr_contains(format!("label at {at}"))
                .run();
            assert!(ran.stdout.is_empty(), "no query is written:\n{}", ran.stdout);
        }
    }
}

/// A payee column that is not text is refused (E0565); `--table` arguments are checked.
#[test]
fn payee_ids_and_table_arguments() {
    let policy = SALES_POLICY.replace("payee manager: text", "payee manager: integer");
    Test::new()
        .policy(format!("{policy}component c monthly {{\n  pay sum(sales.amount)\n}}\n"))
        .args(["--message-format", "plain", "sql", "{policy}", "--dialect", "duckdb"])
        .status(1)
        .code("E0565")
        .stderr_contains("label at line 5")
        .run();
    let ok = format!("{SALES_POLICY}component c monthly {{\n  pay sum(sales.amount)\n}}\n");
    Test::new()
        .policy(&ok)
        .args(["sql", "{policy}", "--dialect", "duckdb", "--table", "sale=warehouse.sales"])
        .status(2)
        .code("E0566")
        .stderr_contains("did you mean `sales`?")
        .run();
    Test::new()
        .policy(&ok)
        .args(["sql", "{policy}", "--dialect", "spark", "--table", "sales"])
        .status(2)
        .code("E0567")
        .run();
    // A mapped input is read from its table, quoted part by part.
    Test::new()
        .policy(&ok)
        .args(["sql", "{policy}", "--dialect", "spark", "--table", "sales=warehouse.sales_2026", "--period", "2026-01"])
        .stdout_contains("FROM `warehouse`.`sales_2026` t")
        .run();
}
