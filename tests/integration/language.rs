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

/// Two components, 10% and 5% of the month's sales, under a statement cap of 1,000.
fn capped(limits: &str) -> String {
    format!(
        "{}{limits}\ncomponent a monthly {{\n  pay 10% * sum(sales.amount)\n}}\ncomponent b monthly {{\n  pay 5% * sum(sales.amount)\n}}\n",
        crate::SALES_POLICY
    )
}

/// M1 sells 8,000.00 in January, M2 2,000.00.
const CAP_SALES: &str = "id,date,manager,amount\nS1,2026-01-05,M1,8000.00\nS2,2026-01-09,M2,2000.00\n";

#[test]
fn a_statement_cap_is_a_line_of_its_own_and_the_total_is_the_sum_of_the_lines() {
    // M1: a = 8,000.00 x 10% = 800.00, b = 8,000.00 x 5% = 400.00, together 1,200.00: the cap
    // of 1,000.00 takes off 200.00. M2: 200.00 + 100.00 = 300.00, under the cap: 0.00.
    Test::new()
        .policy(capped("statement cap 1_000 per month"))
        .ledger("sales", CAP_SALES)
        .args(["run", "{policy}", "--format", "csv"])
        .stdout(
            "payee,period,a,b,statement_cap,total\nM1,2026-01,800.00,400.00,-200.00,1000.00\nM2,2026-01,200.00,100.00,0.00,300.00\n",
        )
        .run();
    Test::new()
        .policy(capped("statement cap 1_000 CNY per month"))
        .ledger("sales", CAP_SALES)
        .args(["run", "{policy}", "--format", "json"])
        .stdout_contains("\"statement_cap\": \"-200.00\"")
        .run();
    Test::new()
        .policy(capped("statement cap 1_000 per month"))
        .ledger("sales", CAP_SALES)
        .args(["run", "{policy}"])
        .stdout_contains("statement_cap")
        .stdout_contains("-200.00")
        .run();
}

#[test]
fn explain_shows_what_the_statement_cap_took_off() {
    Test::new()
        .policy(capped("statement cap 1_000 per month"))
        .ledger("sales", CAP_SALES)
        .args(["explain", "{policy}", "--payee", "M1", "--period", "2026-01"])
        .stdout_contains("statement_cap · monthly, 2026-01")
        .stdout_contains("subtotal (the components above) = 1,200.00")
        .stdout_contains("= -200.00")
        .stdout_contains("total = 800.00 + 400.00 + -200.00 = 1,000.00 CNY")
        .run();
}

#[test]
fn a_statement_floor_tops_up_and_tests_can_expect_the_line() {
    // Floor 500.00: M2's 300.00 gets 200.00 added; M1's 1,200.00 is over the cap of 1,000.00.
    let policy = capped("statement cap 1_000 per month\nstatement floor 500 per month")
        + "test \"limits\" {\n  period 2026-01\n  sales {\n    id, date, manager, amount\n    S1, 2026-01-05, M1, 8000.00\n    S2, 2026-01-09, M2, 2000.00\n  }\n  expect M1 statement_limit = -200.00\n  expect M1 total = 1000.00\n  expect M2 statement_limit = 200.00\n  expect M2 total = 500.00\n}\n";
    Test::new().policy(&policy).args(["test", "{policy}"]).run();
    Test::new()
        .policy(&policy)
        .ledger("sales", CAP_SALES)
        .args(["run", "{policy}", "--format", "csv"])
        .stdout(
            "payee,period,a,b,statement_limit,total\nM1,2026-01,800.00,400.00,-200.00,1000.00\nM2,2026-01,200.00,100.00,200.00,500.00\n",
        )
        .run();
}

#[test]
fn diff_and_budget_count_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.policy"), capped("")).unwrap();
    // Adding the cap saves M1's 200.00: 1,500.00 -> 1,300.00.
    Test::in_dir(dir.path())
        .policy(capped("statement cap 1_000 per month"))
        .ledger("sales", CAP_SALES)
        .args(["diff", "{dir}/old.policy", "{policy}"])
        .stdout_contains("-200.00")
        .stdout_contains("1,300.00")
        .run();
    // The marginal cost counts only M2, under the cap: M2 has 2,000 / 10,000 of the sales, so
    // 10,000.00 more sales give M2 2,000.00 x 15% = 300.00 more; M1's extra is cut.
    Test::new()
        .policy(capped("statement cap 1_000 per month"))
        .ledger("sales", CAP_SALES)
        .args(["budget", "{policy}"])
        .stdout_contains("1,300.00")
        .stdout_contains("300.00 (3.00%)")
        .run();
}

#[test]
fn statement_limit_mistakes_are_named() {
    Test::new()
        .policy(capped("statement cap 1_000 per month\nstatement cap 2_000 per month"))
        .args(["check", "{policy}"])
        .status(1)
        .code("E0161")
        .run();
    Test::new()
        .policy(capped("statement cap 1_000 per month") + "metric statement_cap monthly = sum(sales.amount)\n")
        .args(["check", "{policy}"])
        .status(1)
        .code("E0162")
        .run();
    Test::new()
        .policy(capped("statement cap 1_000 USD per month"))
        .args(["check", "{policy}"])
        .status(1)
        .code("E0103")
        .run();
    Test::new()
        .policy(capped("statement cap 1_000 per month\nstatement floor 2_000 per month"))
        .args(["check", "{policy}"])
        .status(1)
        .code("E0134")
        .run();
    // Only a month: statements are monthly.
    Test::new()
        .policy(capped("statement cap 1_000 per quarter"))
        .args(["check", "{policy}"])
        .status(1)
        .code("E0001")
        .stderr_contains("`month`")
        .run();
}

/// `SALES_POLICY` with one component whose body is `body`, checked with plain messages.
fn mistake(body: &str) -> Test {
    Test::new()
        .policy(format!("{}component a monthly {{\n  {body}\n}}\n", crate::SALES_POLICY))
        .args(["check", "{policy}", "--message-format", "plain"])
        .status(1)
}

#[test]
fn a_thousands_comma_says_how_to_group_digits() {
    mistake("pay 20,000")
        .code("E0010")
        .stderr_contains("diagnostic help: write `20_000` or `20000`")
        .stderr_contains("label at line 10, columns 7 to 12")
        .run();
    // Inside a call the comma would parse, as three values (x, 10 and 000): refused too,
    // once for the whole number.
    let ran = mistake("pay min(sum(sales.amount), 10,000,000)")
        .code("E0010")
        .stderr_contains("write `10_000_000` or `10000000`")
        .run();
    assert_eq!(crate::codes(&ran.stderr), ["E0010"], "{}", ran.stderr);
}

#[test]
fn double_ampersand_and_bars_say_and_and_or() {
    mistake("when sum(sales.amount) > 0 && sum(sales.amount) < 5\n  pay 1")
        .code("E0011")
        .stderr_contains("`&&` is not an operator")
        .stderr_contains("diagnostic help: conditions are combined with the words `and`, `or` and `not`: write `and`")
        .run();
    mistake("when sum(sales.amount) > 0 || sum(sales.amount) < 5\n  pay 1")
        .code("E0011")
        .stderr_contains(": write `or`")
        .run();
}

#[test]
fn percent_of_says_to_multiply() {
    mistake("pay 4% of sum(sales.amount)")
        .code("E0012")
        .stderr_contains("diagnostic help: multiply: `4% * sum(sales.amount)`")
        .run();
}

#[test]
fn a_space_before_percent_says_to_remove_it() {
    mistake("pay 4 % * sum(sales.amount)")
        .code("E0013")
        .stderr_contains("diagnostic help: write `4%`, with no space")
        .run();
}

#[test]
fn a_currency_sign_says_the_currency_is_declared_once() {
    for body in ["pay 500 元", "pay ¥500", "pay 500元"] {
        mistake(body)
            .code("E0014")
            .stderr_contains("diagnostic help: the currency is declared once, in the header (`currency CNY`): write the number alone (`500`)")
            .run();
    }
}

#[test]
fn a_let_without_its_unit_is_reported_at_the_let() {
    // Line 10 is the `let`; `500` is at columns 43 to 45; the use is on line 11.
    mistake("let x = if sum(sales.amount) > 100 then 500 else 0\n  pay sum(sales.amount) * 2% + x")
        .code("E0163")
        .stderr_contains("`x` is a plain number, but it is used as money")
        .stderr_contains("label at line 10, columns 43 to 45: `500` has no unit: write `500 CNY`")
        .stderr_contains("label at line 11, column 32: used as money here")
        .run();
    // `pay x` alone, and a `let` read through another: the literal's own `let` is named.
    mistake("let y = 300\n  let x = max(y, 1)\n  pay x")
        .code("E0163")
        .stderr_contains("`y` is a plain number")
        .stderr_contains("label at line 10, columns 11 to 13")
        .stderr_contains("label at line 12, column 7: used as money here")
        .run();
    // With the unit written, the same plan checks.
    Test::new()
        .policy(format!(
            "{}component a monthly {{\n  let x = if sum(sales.amount) > 100 then 500 CNY else 0 CNY\n  pay sum(sales.amount) * 2% + x\n  floor 0\n}}\n",
            crate::SALES_POLICY
        ))
        .args(["check", "{policy}"])
        .run();
}

/// A roster whose `role` column and values have Chinese labels; `team` has none.
const LABELLED: &str = "policy \"p\" version \"1\" currency CNY
input roster {
  key id: text
  role \"角色\": text in [\"account_manager\" as \"客户经理\", \"sales_rep\" as \"销售代表\"]
  team: text
}
input sales {
  key id: text
  period date: date
  payee manager: text
  amount: money
}
payee roster.id
component a \"提成\" monthly {
  pay 10% * sum(sales.amount)
  floor 0
}
";

fn labelled() -> Test {
    // M1: 100.00 x 10% = 10.00; M2: 50.00 x 10% = 5.00.
    Test::new()
        .policy(LABELLED)
        .ledger("roster", "id,role,team\nM1,account_manager,north\nM2,sales_rep,south\n")
        .ledger("sales", "id,date,manager,amount\nS1,2026-01-05,M1,100.00\nS2,2026-01-09,M2,50.00\n")
}

#[test]
fn the_table_shows_labels_and_csv_keeps_the_codes() {
    let ran = labelled().args(["run", "{policy}"]).stdout_contains("角色").stdout_contains("team").run();
    let m1 = ran.stdout.lines().find(|l| l.contains("M1")).unwrap();
    assert!(m1.contains("客户经理") && m1.contains("north") && m1.contains("10.00"), "{}", ran.stdout);
    assert!(!ran.stdout.contains("account_manager"), "{}", ran.stdout);
    labelled()
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,role,team,period,a,total\nM1,account_manager,north,2026-01,10.00,10.00\nM2,sales_rep,south,2026-01,5.00,5.00\n")
        .run();
}

#[test]
fn reports_show_labels_for_roster_headers_and_values() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_arg = out.display().to_string();
    labelled().args(["report", "{policy}", "--period", "2026-01", "--format", "md", "-o", &out_arg]).run();
    let team = std::fs::read_to_string(out.join("2026-01-team.md")).unwrap();
    assert!(team.contains("| 角色 | team |"), "{team}");
    assert!(team.contains("| M1 | 客户经理 | north | 10.00 | 10.00 |"), "{team}");
    assert!(team.contains("| M2 | 销售代表 | south | 5.00 | 5.00 |"), "{team}");
    let m1 = std::fs::read_to_string(out.join("2026-01-M1.md")).unwrap();
    assert!(m1.contains("(客户经理, north)"), "{m1}");
    labelled().args(["report", "{policy}", "--period", "2026-01", "-o", &out_arg]).run();
    let html = std::fs::read_to_string(out.join("2026-01-team.html")).unwrap();
    assert!(html.contains("角色") && html.contains("销售代表") && !html.contains("sales_rep"), "{html}");
}

#[test]
fn two_values_with_one_label_are_refused() {
    Test::new()
        .policy(LABELLED.replace("\"sales_rep\" as \"销售代表\"", "\"sales_rep\" as \"客户经理\""))
        .args(["check", "{policy}"])
        .status(1)
        .code("E0164")
        .stderr_contains("two values have the label `客户经理`")
        .run();
}

#[test]
fn doc_names_labels_and_ignored_columns() {
    Test::new()
        .policy(LABELLED.replace("input sales {", "input sales ignoring other columns {"))
        .args(["doc", "{policy}", "--lang", "en"])
        .stdout_contains("| `role` (角色) | text | one of account_manager (客户经理), sales_rep (销售代表) |")
        .stdout_contains("The file may have other columns; they are not read.")
        .run();
    // A plan with Chinese labels is documented in Chinese by default.
    Test::new()
        .policy(LABELLED.replace("input sales {", "input sales ignoring other columns {"))
        .args(["doc", "{policy}"])
        .stdout_contains("| `role` (角色) | 文本 | 取值为 account_manager (客户经理)、sales_rep (销售代表) 之一 |")
        .stdout_contains("文件中的其他列不读取。")
        .run();
}

#[test]
fn a_cap_among_the_declarations_points_to_the_statement_cap() {
    Test::new()
        .policy(capped("cap 20_000"))
        .args(["check", "{policy}", "--message-format", "plain"])
        .status(1)
        .code("E0015")
        .stderr_contains("reads `statement cap 20_000 per month`")
        .run();
    // `per month` forgotten: the help shows the whole line.
    Test::new()
        .policy(capped("statement cap 20_000"))
        .args(["check", "{policy}", "--message-format", "plain"])
        .status(1)
        .code("E0001")
        .stderr_contains("diagnostic help: a limit on the whole statement reads `statement cap 20_000 per month`")
        .run();
}

/// `explain` names the payee's roster values with their labels beside the codes.
#[test]
fn explain_shows_a_labelled_roster_value_with_its_label() {
    labelled()
        .args(["explain", "{policy}", "--payee", "M1", "--period", "2026-01"])
        .stdout_contains("Statement of M1 (role account_manager (客户经理), team north) for 2026-01")
        .run();
}
