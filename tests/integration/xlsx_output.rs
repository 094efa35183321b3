//! `--format xlsx` of `run`, `diff` and `budget`: the workbook is read back (calamine) and
//! its figures compared with figures worked out by hand (the seed plan's, whose arithmetic is
//! in `seed_plan.rs`, and a small plan below) and with `--format csv` of the same run.

use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use calamine::{open_workbook, Data, Reader, Xlsx};
use rust_decimal::Decimal;

use crate::harness::Test;
use crate::{run, run_ok};

const FLAT: &str = "policies/telecom-account-manager.policy";
const MARGINAL: &str = "policies/telecom-marginal.policy";
const SALES: &str = "sales=tests/fixtures/seed/sales.csv";
const SURVEYS: &str = "surveys=tests/fixtures/seed/surveys.csv";

/// A sheet's cells: numbers as exact decimals (from the float's shortest text), text as it is.
#[derive(Debug, Clone, PartialEq)]
enum C {
    N(Decimal),
    T(String),
    E,
}

fn cell(d: &Data) -> C {
    match d {
        Data::Float(f) => C::N(Decimal::from_str(&f.to_string()).unwrap()),
        Data::Int(i) => C::N(Decimal::from(*i)),
        Data::String(s) => C::T(s.clone()),
        Data::Empty => C::E,
        other => panic!("unexpected cell {other:?}"),
    }
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<C>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(name).unwrap_or_else(|e| panic!("no sheet {name}: {e}"));
    range.rows().map(|r| r.iter().map(cell).collect()).collect()
}

fn sheet_names(path: &Path) -> Vec<String> {
    let book: Xlsx<_> = open_workbook(path).unwrap();
    book.sheet_names()
}

/// One part of the workbook's zip, as text.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

fn n(text: &str) -> C {
    C::N(Decimal::from_str(text).unwrap())
}

fn t(text: &str) -> C {
    C::T(text.to_string())
}

/// The row whose first cells are `key`.
fn row<'a>(rows: &'a [Vec<C>], key: &[&str]) -> &'a [C] {
    rows.iter()
        .find(|r| key.iter().enumerate().all(|(i, k)| r.get(i) == Some(&t(k))))
        .unwrap_or_else(|| panic!("no row {key:?} in {rows:?}"))
}

fn seed_run(out: &Path, format: &str) -> String {
    run_ok([
        "run",
        FLAT,
        "--data",
        SALES,
        "--data",
        SURVEYS,
        "--from",
        "2026-01",
        "--to",
        "2026-06",
        "--format",
        format,
        "-o",
        out.to_str().unwrap(),
    ])
}

#[test]
fn run_writes_the_seed_statements_as_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("seed.xlsx");
    seed_run(&book, "xlsx");
    assert_eq!(sheet_names(&book), ["statements", "rows", "about"]);
    let rows = sheet(&book, "statements");
    // The header as the terminal table shows it: name, then the Chinese label under it.
    assert_eq!(
        rows[0],
        [
            t("payee"),
            t("period"),
            t("sales_performance\n销售业绩提成"),
            t("retention\n客户维护提成"),
            t("satisfaction_bonus\n客户满意度奖励"),
            t("total\nCNY")
        ]
    );
    // 4 payees x 6 months, then the totals line.
    assert_eq!(rows.len(), 1 + 24 + 1);
    // Worked in seed_plan.rs: 王芳 2026-03 sells 300,000.00 (8% bracket) = 24,000.00;
    // retention 50,000.00 x 5% = 2,500.00; Q1 bonus 699,999.99 x 2% = 14,000.00.
    assert_eq!(row(&rows, &["王芳", "2026-03"])[2..], [n("24000"), n("2500"), n("14000"), n("40500")]);
    // 张伟 2026-01: 50,001.25 x 3% = 1,500.0375 -> 1,500.04; 10,001.25 x 5% = 500.0625 -> 500.06.
    assert_eq!(row(&rows, &["张伟", "2026-01"])[2..], [n("1500.04"), n("500.06"), n("0"), n("2000.10")]);
    // 王芳 2026-06 retention: 8,000.10 x 5% = 400.005 -> half-up 400.01.
    assert_eq!(row(&rows, &["王芳", "2026-06"])[3], n("400.01"));
    // The H1 grand total worked out in seed_plan.rs (H1_FLAT_TOTAL).
    assert_eq!(rows.last().unwrap()[0], t("total"));
    assert_eq!(rows.last().unwrap()[1], t("2026-01..2026-06"));
    assert_eq!(rows.last().unwrap()[5], n("137759.40"));

    // Every row of rows: the 30 sales rows and 7 surveys of the seed ledgers, all used.
    let counts = sheet(&book, "rows");
    assert_eq!(
        counts[0][..6],
        [t("input"), t("read"), t("used"), t("outside the range"), t("for no payee"), t("rejected")]
    );
    assert_eq!(row(&counts, &["sales"])[1..6], [n("30"), n("30"), n("0"), n("0"), n("0")]);
    assert_eq!(row(&counts, &["surveys"])[1..6], [n("7"), n("7"), n("0"), n("0"), n("0")]);
}

#[test]
fn run_xlsx_holds_the_same_figures_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (book, csv) = (dir.path().join("seed.xlsx"), dir.path().join("seed.csv"));
    seed_run(&book, "xlsx");
    seed_run(&csv, "csv");
    let rows = sheet(&book, "statements");
    let csv = std::fs::read_to_string(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    // The same statements in the same order; the workbook adds the totals line.
    assert_eq!(lines.len() + 1, rows.len());
    for (line, cells) in lines.iter().skip(1).zip(rows.iter().skip(1)) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[..2], [t(fields[0]), t(fields[1])], "{line}");
        for (field, cell) in fields[2..].iter().zip(&cells[2..]) {
            assert_eq!(*cell, n(field), "{line}");
        }
    }
}

#[test]
fn amounts_carry_their_decimals_and_the_header_stays_in_view() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("seed.xlsx");
    seed_run(&book, "xlsx");
    let styles = part(&book, "xl/styles.xml");
    assert!(styles.contains(r##"formatCode="#,##0.00""##), "{styles}");
    let statements = part(&book, "xl/worksheets/sheet1.xml");
    assert!(statements.contains(r#"ySplit="1""#) && statements.contains(r#"state="frozen""#), "{statements}");
    // Columns are widened to their text: none is left at Excel's default.
    assert!(statements.contains("<cols>"), "{statements}");
    // The same run gives the same bytes (no time of writing in the file).
    let again = dir.path().join("again.xlsx");
    seed_run(&again, "xlsx");
    assert_eq!(std::fs::read(&book).unwrap(), std::fs::read(&again).unwrap());
}

/// A plan rounding to 0.001, whose roster names look like formulas.
const SMALL: &str = "policy \"p\" version \"1\" currency CNY
rounding half_up 0.001
input roster {
  key id: text
      name: text
}
input sales {
  key id: text
  period date: date
  payee manager: text
  amount: money
}
payee roster.id
component bonus \"奖金\" monthly {
  pay 1.5% * sum(sales.amount)
}
";

#[test]
fn formulas_in_ledgers_stay_text_and_amounts_keep_three_decimals() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("out.xlsx");
    let ran = Test::in_dir(dir.path())
        .policy(SMALL)
        .ledger("roster", "id,name\nM1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\nM2,@SUM(A1)\nM3,-2+3\n")
        .ledger(
            "sales",
            "id,date,manager,amount\nS1,2026-03-05,M1,1000.00\nS2,2026-03-20,M1,234.50\nS3,2026-03-10,M2,333.33\n",
        )
        .args(["run", "{policy}", "--format", "xlsx", "-o", "{dir}/out.xlsx"])
        .run();
    assert!(ran.stdout.is_empty(), "nothing on standard output: {}", ran.stdout);
    let rows = sheet(&book, "statements");
    assert_eq!(rows[0], [t("payee"), t("name"), t("period"), t("bonus\n奖金"), t("total\nCNY")]);
    // M1: (1,000.00 + 234.50) x 1.5% = 18.5175 -> half-up to 0.001: 18.518.
    assert_eq!(rows[1], [t("M1"), t("=HYPERLINK(\"http://x\",\"y\")"), t("2026-03"), n("18.518"), n("18.518")]);
    // M2: 333.33 x 1.5% = 4.99995 -> 5.000.
    assert_eq!(rows[2], [t("M2"), t("@SUM(A1)"), t("2026-03"), n("5"), n("5")]);
    // M3 sold nothing.
    assert_eq!(rows[3], [t("M3"), t("-2+3"), t("2026-03"), n("0"), n("0")]);
    // 18.518 + 5.000 + 0 = 23.518.
    assert_eq!(rows[4][3..], [n("23.518"), n("23.518")]);
    // No cell of the workbook is a formula, and amounts show three decimals.
    let xml = part(&book, "xl/worksheets/sheet1.xml");
    assert!(!xml.contains("<f>") && !xml.contains("<f "), "{xml}");
    assert!(part(&book, "xl/styles.xml").contains(r##"formatCode="#,##0.000""##));
}

#[test]
fn a_workbook_needs_a_file() {
    let ran = run(["run", FLAT, "--data", SALES, "--data", SURVEYS, "--format", "xlsx"]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    crate::assert_code(&ran, "E0450");
    assert!(ran.stdout.is_empty());
    for args in [
        vec!["diff", FLAT, MARGINAL, "--data", SALES, "--data", SURVEYS, "--format", "xlsx"],
        vec!["budget", FLAT, "--data", SALES, "--data", SURVEYS, "--format", "xlsx"],
    ] {
        let ran = run(&args);
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        crate::assert_code(&ran, "E0450");
        assert!(ran.stdout.is_empty());
    }
}

#[test]
fn a_workbook_excel_cannot_open_whole_is_not_written() {
    // A roster name of 33,000 characters: Excel holds 32,767 in a cell.
    let long = "x".repeat(33_000);
    let dir = tempfile::tempdir().unwrap();
    let ran = Test::in_dir(dir.path())
        .policy(SMALL)
        .ledger("roster", format!("id,name\nM1,{long}\n"))
        .ledger("sales", "id,date,manager,amount\nS1,2026-03-05,M1,1000.00\n")
        .args(["run", "{policy}", "--format", "xlsx", "-o", "{dir}/out.xlsx"])
        .status(2)
        .code("E0451")
        .stderr_contains("holds 33000")
        .run();
    assert!(ran.stdout.is_empty());
    assert!(!dir.path().join("out.xlsx").exists());
}

#[test]
fn diff_gives_old_new_and_change_per_statement() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("diff.xlsx");
    run_ok([
        "diff",
        FLAT,
        MARGINAL,
        "--data",
        SALES,
        "--data",
        SURVEYS,
        "--from",
        "2026-01",
        "--to",
        "2026-06",
        "--format",
        "xlsx",
        "-o",
        book.to_str().unwrap(),
    ]);
    assert_eq!(sheet_names(&book), ["statements", "components", "payees", "distribution", "rows", "about"]);
    let rows = sheet(&book, "statements");
    assert_eq!(rows[0][..5], [t("payee"), t("period"), t("old"), t("new"), t("change")]);
    // seed_plan.rs: 王芳 2026-03 pays 40,500.00 flat; marginal 100,000 x 3% + 200,000 x 5%
    // = 13,000.00 instead of 24,000.00, so 29,500.00: a change of -11,000.00.
    assert_eq!(row(&rows, &["王芳", "2026-03"])[2..5], [n("40500"), n("29500"), n("-11000")]);
    // A statement neither bracket style changes: 王芳 2026-04 sold nothing.
    assert_eq!(row(&rows, &["王芳", "2026-04"])[2..5], [n("0"), n("0"), n("0")]);
    // The totals: H1_FLAT_TOTAL and H1_MARGINAL_TOTAL of seed_plan.rs, 30,000.00 apart.
    assert_eq!(rows.last().unwrap()[2..5], [n("137759.40"), n("107759.40"), n("-30000")]);
    let components = sheet(&book, "components");
    // Only sales_performance differs: the whole 30,000.00, -30,000 / 137,759.40 of the total.
    let perf = row(&components, &["sales_performance 销售业绩提成"]);
    assert_eq!(perf[3], n("-30000"));
    // Retention is the same under both: 0.00 change, 0.00%.
    assert_eq!(row(&components, &["retention 客户维护提成"])[3..5], [n("0"), n("0")]);
    // 王芳 over H1 (seed_plan.rs): flat 6,500.00 + 20,000.00 + 40,500.00 + 0 + 1,350.00 +
    // 1,700.01 = 70,050.01; marginal 2,000.00 + 2,000.00 + 11,000.00 less = 55,050.01; the
    // change, -15,000.00, is -21.41% of 70,050.01 (-21.4133...), a percentage cell: -0.2141.
    let payees = sheet(&book, "payees");
    assert_eq!(row(&payees, &["王芳"])[1..5], [n("70050.01"), n("55050.01"), n("-15000"), n("-0.2141")]);
    // `--format csv` keeps each payee's total, not the statements (the workbook keeps them
    // to list them): the same payees, in the same order, with the same figures.
    let csv = run_ok([
        "diff", FLAT, MARGINAL, "--data", SALES, "--data", SURVEYS, "--from", "2026-01", "--to", "2026-06", "--format",
        "csv",
    ]);
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert!(lines.contains(&"王芳,70050.01,55050.01,-15000.00,-21.41,"), "{csv}");
    assert_eq!(lines.len(), payees.len() - 1, "{csv}");
    for (line, sheet_row) in lines.iter().zip(payees.iter().skip(1)) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(sheet_row[0], t(fields[0]), "{line}");
        assert_eq!(sheet_row[1..4], [n(fields[1]), n(fields[2]), n(fields[3])], "{line}");
    }
    let counts = sheet(&book, "rows");
    assert_eq!(row(&counts, &["old", "sales"])[2], n("30"));
    assert_eq!(row(&counts, &["new", "surveys"])[2], n("7"));
}

#[test]
fn budget_gives_its_table_as_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("budget.xlsx");
    run_ok([
        "budget",
        FLAT,
        "--data",
        SALES,
        "--data",
        SURVEYS,
        "--from",
        "2026-01",
        "--to",
        "2026-06",
        "--format",
        "xlsx",
        "-o",
        book.to_str().unwrap(),
    ]);
    assert_eq!(sheet_names(&book), ["summary", "by component", "by month", "rows", "about"]);
    let summary = sheet(&book, "summary");
    // H1_FLAT_TOTAL; 137,759.40 over 6 months = 22,959.90 a month.
    assert_eq!(row(&summary, &["total payout"])[1], n("137759.40"));
    assert_eq!(row(&summary, &["payout per month (average)"])[1], n("22959.90"));
    assert_eq!(row(&summary, &["payees"])[1], n("4"));
    let months = sheet(&book, "by month");
    // MARCH_FLAT_TOTAL of seed_plan.rs.
    assert_eq!(row(&months, &["2026-03"])[1], n("43250.03"));
    assert_eq!(row(&months, &["total"])[1], n("137759.40"));
}
