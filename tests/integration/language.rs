//! The policy language as an analyst writes it: inputs that ignore the columns they do not
//! declare, a cap on the whole statement, the natural mistakes that get a hint, unit mistakes
//! reported where they start, and display labels for columns and values.

use crate::harness::Test;

/// `SALES_POLICY` with `ignoring other columns` on its input, and a 10% component.
const IGNORING: &str = "policy \"p\" version \"1\" currency CNY
input sales ignoring other columns {
  key id: text
  period date: date
  payee manager: text
  amount: money
}
payee sales.manager
component c monthly {
  pay 10% * sum(sales.amount)
}
";

#[test]
fn an_input_ignoring_other_columns_reads_a_wider_export() {
    // `region`, an unnamed column and `note` are not declared; the declared columns are read
    // wherever they stand. M1: (100.00 + 50.00) x 10% = 15.00.
    Test::new()
        .policy(IGNORING)
        .ledger(
            "sales",
            "id,region,date,manager,,amount,note\nS1,north,2026-01-05,M1,,100.00,x\nS2,south,2026-01-09,M1,zz,50.00,\n",
        )
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,c,total\nM1,2026-01,15.00,15.00\n")
        .run();
}

#[test]
fn without_ignoring_an_undeclared_column_is_refused_as_before() {
    Test::new()
        .policy(IGNORING.replace(" ignoring other columns", ""))
        .ledger("sales", "id,region,date,manager,amount\nS1,north,2026-01-05,M1,100.00\n")
        .args(["run", "{policy}", "--format", "csv"])
        .status(2)
        .code("E0209")
        .stderr_contains("`region`")
        .run();
}

#[test]
fn every_missing_column_is_named_in_one_diagnostic() {
    // `date` and `amount` are both missing (the export calls them `day` and `amt`): one
    // E0207 names both, each with its nearest file column; ignoring other columns does not
    // excuse a declared column that is missing.
    let ran = Test::new()
        .policy(IGNORING)
        .ledger("sales", "id,day,manager,amt\nS1,2026-01-05,M1,100.00\n")
        .args(["run", "{policy}", "--message-format", "plain"])
        .status(2)
        .code("E0207")
        .stderr_contains("missing columns `date`, `amount` of input `sales`")
        .run();
    assert_eq!(crate::codes(&ran.stderr), ["E0207"], "{}", ran.stderr);
}

#[test]
fn check_does_not_ask_for_columns_the_plan_ignores() {
    // The plan reads every column it declares, so there is no C0003; C0007 (a refund could
    // make the pay negative) is the one warning.
    let ran = Test::new().policy(IGNORING).args(["check", "{policy}"]).run();
    assert_eq!(crate::codes(&ran.stderr), ["C0007"], "{}", ran.stderr);
}
