//! Small policies on small ledgers, written with `harness::Test`, whose figures are worked
//! out by hand in the comments (never copied from the program's output).

use crate::harness::Test;

/// A policy on one sales ledger whose one monthly component, `commission`, pays `pay`.
fn policy(pay: &str) -> String {
    format!(
        "policy \"Worked example\" version \"1\" currency CNY
input sales {{
  key id: text
  period date: date
  payee manager: text
  amount: money
}}
payee sales.manager
component commission monthly {{
  pay {pay}
}}
"
    )
}

/// 3% of the month's sales, or 5% from 100,000.00: of all of them (`flat`) or of the part
/// above 100,000.00 (`marginal`).
fn brackets(mode: &str) -> String {
    policy(&format!("tiers {mode} sum(sales.amount) {{\n    from 0        rate 3%\n    from 100_000  rate 5%\n  }}"))
}

/// Two sales per payee, all in January 2026.
const TWO_SALES_EACH: &str = "id,date,manager,amount
S1,2026-01-05,M1,60000.00
S2,2026-01-25,M1,40000.00
S3,2026-01-07,M2,59999.99
S4,2026-01-21,M2,40000.00
S5,2026-01-09,M3,90000.00
S6,2026-01-28,M3,60000.00
";

/// Flat brackets apply to the month's sum, not to each sale:
///   M1: 60,000.00 + 40,000.00 = 100,000.00, which reaches the 5% bracket (its lower bound is
///       inclusive): 100,000.00 × 5% = 5,000.00. Sale by sale it would have been 3% of each,
///       1,800.00 + 1,200.00 = 3,000.00.
///   M2: 59,999.99 + 40,000.00 = 99,999.99, one fen short: 99,999.99 × 3% = 2,999.9997,
///       rounded to the fen: 3,000.00.
///   M3: 90,000.00 + 60,000.00 = 150,000.00: 150,000.00 × 5% = 7,500.00.
/// All six rows are in January, so all six are used.
#[test]
fn flat_brackets_pay_the_months_sum_across_the_boundary() {
    Test::new()
        .policy(brackets("flat"))
        .ledger("sales", TWO_SALES_EACH)
        .args(["run", "{policy}", "--format", "csv"])
        .stdout(
            "payee,period,commission,total
M1,2026-01,5000.00,5000.00
M2,2026-01,3000.00,3000.00
M3,2026-01,7500.00,7500.00
",
        )
        .stderr_contains("rows of sales: 6 read, 6 used, 0 outside the range, 0 rejected")
        .run();
}

/// Marginal brackets pay each slice of the same sums at its own rate:
///   M1: 100,000.00 × 3% = 3,000.00, plus (100,000.00 - 100,000.00) × 5% = 0.00: 3,000.00.
///   M2: 99,999.99 never leaves the first bracket: 2,999.9997 -> 3,000.00, as under flat.
///   M3: 3,000.00 + (150,000.00 - 100,000.00) × 5% = 3,000.00 + 2,500.00 = 5,500.00.
/// Total 3,000.00 + 3,000.00 + 5,500.00 = 11,500.00.
#[test]
fn marginal_brackets_pay_each_slice_at_its_rate() {
    let ran = Test::new()
        .policy(brackets("marginal"))
        .ledger("sales", TWO_SALES_EACH)
        .args(["run", "{policy}", "--format", "csv"])
        .stdout(
            "payee,period,commission,total
M1,2026-01,3000.00,3000.00
M2,2026-01,3000.00,3000.00
M3,2026-01,5500.00,5500.00
",
        )
        .run();
    let total: rust_decimal::Decimal = ran
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    assert_eq!(total, rust_decimal_macros::dec!(11500.00));
}

/// 5% of each month's sales. A refund of part of January's sale is booked on 17 February:
///   January:  10,000.00 × 5% = 500.00, not reopened.
///   February: 8,000.10 - 2,500.00 = 5,500.10; × 5% = 275.005, half-up to the fen: 275.01
///             (without the refund, 8,000.10 × 5% = 400.005 -> 400.01).
/// For February alone: 3 rows read, the January one outside the range, 2 used; the total
/// is February's 275.01.
#[test]
fn a_refund_reduces_the_sum_of_the_month_it_is_booked_in() {
    let policy = policy("5% * sum(sales.amount)");
    let ledger = "id,date,manager,amount
S1,2026-01-12,M1,10000.00
S2,2026-02-03,M1,8000.10
R1,2026-02-17,M1,-2500.00
";
    Test::new()
        .policy(&policy)
        .ledger("sales", ledger)
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,commission,total\nM1,2026-01,500.00,500.00\nM1,2026-02,275.01,275.01\n")
        .run();
    let ran = Test::new()
        .policy(&policy)
        .ledger("sales", ledger)
        .args(["run", "{policy}", "--period", "2026-02", "--format", "json"])
        .run();
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(json["total"], "275.01");
    assert_eq!(
        json["rows"]["sales"],
        serde_json::json!({"read": 3, "used": 2, "outside_range": 1, "no_payee": 0, "rejected": 0})
    );
}

/// An amount with three decimals in a CNY ledger is a ledger error: exit code 2, nothing on
/// stdout (not even the good first row's statement) and no output file. The bad value is
/// on line 3 (the header is line 1, S1 line 2) in column 4 (id, date, manager, amount).
#[test]
fn a_bad_ledger_value_stops_the_run_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    Test::in_dir(dir.path())
        .policy(brackets("flat"))
        .ledger("sales", "id,date,manager,amount\nS1,2026-01-05,M1,100.00\nS2,2026-01-06,M1,12.345\n")
        .args(["run", "{policy}", "--format", "csv"])
        .redact_dir()
        .status(2)
        .stdout("")
        .code("E0218")
        .stderr_contains("{dir}/sales.csv:3:4")
        .stderr_contains("12.345")
        .run();
    // The same with an output file: it is never created.
    Test::in_dir(dir.path())
        .args(["run", "{policy}", "--data", "sales={dir}/sales.csv", "--output", "{dir}/out.csv"])
        .status(2)
        .stdout("")
        .run();
    assert!(!dir.path().join("out.csv").exists());
}
