//! Who is who: ids that look alike but differ (an invisible character, decomposed letters,
//! full-width forms, a letter of another script) are refused naming both rows; rows for
//! nobody are named with a did-you-mean; a range that matches no row is refused.

use crate::harness::Test;

/// Sales summed per manager, and a survey looked up per quarter. 10% of sales; a bonus of
/// 1% of sales with a satisfaction of 80% or more.
const POLICY: &str = "policy \"ids\" version \"1\" currency CNY
input sales {
  key    id:      text
  period date:    date
  payee  manager: text
         amount:  money
}
input surveys {
  payee  manager:      text
  period quarter:      quarter
         satisfaction: percent
}
payee sales.manager
component base monthly {
  pay 10% * sum(sales.amount)
}
component bonus monthly {
  when (surveys.satisfaction default 0%) >= 80%
  pay 1% * sum(sales.amount)
}
";

const SURVEYS: &str = "manager,quarter,satisfaction\n";

/// The policy on these sales (and surveys), run with `args`.
fn run_on(sales: &str, surveys: &str) -> Test {
    Test::new().policy(POLICY).ledger("sales", sales).ledger("surveys", surveys).args(["run", "{policy}"])
}

#[test]
fn an_id_with_a_zero_width_space_is_refused_with_its_line_and_escaped() {
    // Line 1 is the header; the second row (line 3) has 王芳 followed by U+200B. The manager
    // is the third field, so column 3.
    let sales = "id,date,manager,amount\nS1,2026-01-05,王芳,100.00\nS2,2026-01-06,王芳\u{200b},100.00\n";
    run_on(sales, SURVEYS)
        .status(2)
        .code("E0230")
        .stderr_contains("sales.csv:3:3")
        .stderr_contains("王芳\\u{200b}")
        .stderr_contains("U+200B")
        .stdout("")
        .run();
    // A byte-order mark inside a key, and a bidi override in a survey's payee, are refused too.
    let sales = "id,date,manager,amount\nS1\u{feff},2026-01-05,M1,100.00\n";
    run_on(sales, SURVEYS).status(2).code("E0230").stderr_contains("sales.csv:2:1").run();
    let surveys = "manager,quarter,satisfaction\nM\u{202e}1,2026-Q1,90%\n";
    let sales = "id,date,manager,amount\nS1,2026-01-05,M1,100.00\n";
    run_on(sales, surveys).status(2).code("E0230").stderr_contains("surveys.csv:2:1").run();
}

#[test]
fn a_counted_text_value_with_a_hidden_character_is_refused_and_an_unread_note_is_not() {
    // 10 CNY per distinct customer: C1 and C1 + U+200B (line 3) would be two customers, 20.00
    // instead of 10.00. The note is never read by the plan, so its tab is no one's business.
    let policy = "policy \"c\" version \"1\" currency CNY
input sales {
  key    id:       text
  period date:     date
  payee  manager:  text
         customer: text
         note:     text
}
payee sales.manager
component visits monthly {
  pay 10 CNY * count_distinct(sales.customer)
}
";
    let test =
        |sales: &str| Test::new().policy(policy).ledger("sales", sales).args(["run", "{policy}", "--format", "csv"]);
    test("id,date,manager,customer,note\nS1,2026-01-05,M1,C1,\nS2,2026-01-06,M1,C1\u{200b},\n")
        .status(2)
        .code("E0230")
        .stderr_contains("sales.csv:3:4")
        .stderr_contains("C1\\u{200b}")
        .run();
    test("id,date,manager,customer,note\nS1,2026-01-05,M1,C1,\"a\tb\"\nS2,2026-01-06,M1,C1,\n")
        .stdout_contains("M1,2026-01,10.00,10.00")
        .run();
}

#[test]
fn a_roster_value_the_policy_compares_is_checked_too() {
    // `when payee.team = "East"`: a team written `East` + U+200B would fail the gate and pay
    // M1 nothing (instead of 10% of 1,000.00 = 100.00) without a word; it is refused at the
    // roster's line 2, column 2.
    let policy = "policy \"t\" version \"1\" currency CNY
input roster {
  key id:   text
      team: text
}
input sales {
  key    id:      text
  period date:    date
  payee  manager: text
         amount:  money
}
payee roster.id
component east monthly {
  when payee.team = \"East\"
  pay 10% * sum(sales.amount)
}
";
    let test = |roster: &str| {
        Test::new()
            .policy(policy)
            .ledger("roster", roster)
            .ledger("sales", "id,date,manager,amount\nS1,2026-01-05,M1,1000.00\n")
            .args(["run", "{policy}", "--format", "csv"])
    };
    test("id,team\nM1,East\u{200b}\n").status(2).code("E0230").stderr_contains("roster.csv:2:2").run();
    test("id,team\nM1,East\n").stdout_contains("M1,East,2026-01,100.00,100.00").run();
}

#[test]
fn a_decomposed_id_is_refused_and_its_composed_form_shown() {
    // `José` composed (U+00E9) on line 2, decomposed (e + U+0301) on line 3.
    let sales = "id,date,manager,amount\nS1,2026-01-05,Jos\u{e9},100.00\nS2,2026-01-06,Jose\u{301},100.00\n";
    run_on(sales, SURVEYS)
        .status(2)
        .code("E0231")
        .stderr_contains("sales.csv:3:3")
        .stderr_contains("Jose\\u{301}")
        .stderr_contains("composed it is `Jos\u{e9}`")
        .run();
}

#[test]
fn a_full_width_id_and_its_half_width_twin_are_refused_naming_both_rows() {
    // Ｍ (U+FF2D, full-width) on line 3 looks like M001 on line 2.
    let sales = "id,date,manager,amount\nS1,2026-01-05,M001,100.00\nS2,2026-01-06,\u{ff2d}001,100.00\n";
    run_on(sales, SURVEYS)
        .status(2)
        .code("E0232")
        .stderr_contains("sales.csv:3:3")
        .stderr_contains("`M001` at ")
        .stderr_contains("sales.csv:2:3")
        .run();
    // Keys too: S1 and Ｓ1 would be one sale exported twice under two keys.
    let sales = "id,date,manager,amount\nS1,2026-01-05,M1,100.00\n\u{ff33}1,2026-01-05,M1,100.00\n";
    run_on(sales, SURVEYS)
        .status(2)
        .code("E0232")
        .stderr_contains("sales.csv:3:1")
        .stderr_contains("`S1` at ")
        .stderr_contains("sales.csv:2:1")
        .run();
}

#[test]
fn a_cyrillic_letter_in_a_latin_id_is_refused_across_files_naming_both_rows() {
    // Sales name A001 with a Latin A (line 2); the survey names А001 with a Cyrillic А
    // (U+0410) on its line 2: without the check the survey would be a row for nobody and
    // A001's bonus lost.
    let sales = "id,date,manager,amount\nS1,2026-01-05,A001,100.00\n";
    let surveys = "manager,quarter,satisfaction\n\u{410}001,2026-Q1,90%\n";
    run_on(sales, surveys)
        .status(2)
        .code("E0232")
        .stderr_contains("surveys.csv:2:1")
        .stderr_contains("sales.csv:2:3")
        .run();
    // Two ASCII ids are never look-alikes: M0 and MO are two payees.
    let sales = "id,date,manager,amount\nS1,2026-01-05,M0,100.00\nS2,2026-01-05,MO,200.00\n";
    run_on(sales, SURVEYS)
        .args(["--format", "csv"])
        .stdout_contains("M0,2026-01,10.00")
        .stdout_contains("MO,2026-01,20.00")
        .run();
}

#[test]
fn a_survey_row_for_nobody_is_a_warning_with_did_you_mean_in_every_format() {
    // M1 sold 1,000.00 in January: base 10% = 100.00; the survey for M1 is missing and the
    // one typed `M9` (line 2) is for nobody, so no bonus: the statement is 100.00.
    let sales = "id,date,manager,amount\nS1,2026-01-05,M1,1000.00\n";
    let surveys = "manager,quarter,satisfaction\nM9,2026-Q1,90%\n";
    let table = run_on(sales, surveys)
        .args(["--data", "sales=sales.csv", "--data", "surveys=surveys.csv"])
        .code("C0101")
        .stderr_contains("surveys.csv:2:1")
        .stderr_contains("`M9`")
        .stderr_contains("did you mean `M1`?")
        .run();
    assert!(table.stdout.contains("100.00"), "{}", table.stdout);
    insta::assert_snapshot!("a_row_for_nobody", table.stderr);
    run_on(sales, surveys)
        .args(["--format", "csv"])
        .code("C0101")
        .stdout_contains("M1,2026-01,100.00,0.00,100.00")
        .run();
    let json = run_on(sales, surveys).args(["--format", "json"]).code("C0101").run();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["warnings"][0]["code"], "C0101", "{}", json.stdout);
    assert_eq!(doc["warnings"][0]["help"], "did you mean `M1`?");
    assert_eq!(doc["rows"]["surveys"]["no_payee"], 1);
    // With `--message-format json`, the warning is a JSON message on standard error.
    let messages = run_on(sales, surveys).args(["--message-format", "json"]).run();
    let message: serde_json::Value = serde_json::from_str(messages.stderr.lines().next().unwrap()).unwrap();
    assert_eq!((message["code"].as_str(), message["severity"].as_str()), (Some("C0101"), Some("warning")));
}

#[test]
fn rows_for_many_nobodies_name_ten_ids_and_count_the_rest() {
    // Twelve survey rows for N01..N12, none of them a payee: ten are named one by one (in id
    // order), the last two (N11, N12) are counted in one more warning.
    let sales = "id,date,manager,amount\nS1,2026-01-05,M1,1000.00\n";
    let mut surveys = String::from("manager,quarter,satisfaction\n");
    for n in 1..=12 {
        surveys.push_str(&format!("N{n:02},2026-Q1,90%\n"));
    }
    let ran = run_on(sales, &surveys).args(["--message-format", "json"]).run();
    let messages: Vec<serde_json::Value> = ran.stderr.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert_eq!(messages.len(), 11, "{}", ran.stderr);
    assert!(messages.iter().all(|m| m["code"] == "C0101"));
    assert!(messages[9]["message"].as_str().unwrap().contains("`N10`"));
    assert!(messages[10]["message"].as_str().unwrap().contains("2 rows for 2 other ids"), "{}", messages[10]);
}

#[test]
fn with_a_roster_a_survey_row_for_nobody_is_an_error() {
    let policy = "policy \"r\" version \"1\" currency CNY
input roster {
  key id: text
}
input sales {
  key    id:      text
  period date:    date
  payee  manager: text
         amount:  money
}
input surveys {
  payee  manager:      text
  period quarter:      quarter
         satisfaction: percent
}
payee roster.id
component base monthly {
  pay 10% * sum(sales.amount)
}
metric satisfaction \"满意度\" quarterly = surveys.satisfaction
";
    Test::new()
        .policy(policy)
        .ledger("roster", "id\nM1\n")
        .ledger("sales", "id,date,manager,amount\nS1,2026-01-05,M1,1000.00\n")
        .ledger("surveys", "manager,quarter,satisfaction\nM1,2026-Q1,90%\nM9,2026-Q1,90%\n")
        .args(["run", "{policy}"])
        .status(2)
        .code("E0305")
        .stderr_contains("surveys.csv:3:1")
        .stderr_contains("did you mean `M1`?")
        .run();
}

#[test]
fn a_range_that_matches_no_row_is_refused_naming_the_months_of_the_ledgers() {
    // Sales in January and February 2026, a survey in 2026-Q1; 2025-Q1 holds none of them.
    let sales = "id,date,manager,amount\nS1,2026-01-05,M1,100.00\nS2,2026-02-10,M1,100.00\n";
    let surveys = "manager,quarter,satisfaction\nM1,2026-Q1,90%\n";
    let refused = run_on(sales, surveys)
        .args(["--data", "sales=sales.csv", "--data", "surveys=surveys.csv"])
        .args(["--period", "2025-Q1"])
        .status(2)
        .code("E0320")
        .stdout("")
        .run();
    insta::assert_snapshot!("a_range_outside_the_ledgers", refused.stderr);
    // The same as one JSON message, unwrapped: the range, and the months of each ledger.
    let json = run_on(sales, surveys).args(["--message-format", "json", "--period", "2025-Q1"]).status(2).run();
    let message: serde_json::Value = serde_json::from_str(json.stderr.lines().next().unwrap()).unwrap();
    let text = message["message"].as_str().unwrap();
    assert!(text.contains("the range 2025-01 to 2025-03 is outside the months"), "{text}");
    assert!(text.contains("sales.csv 2026-01 to 2026-02;") && text.ends_with("surveys.csv 2026-Q1"), "{text}");
    // A survey alone in the range does not make a run: April 2026 is in no sales row, and a
    // survey for 2026-Q2 does not change that (sales are what the plan sums).
    let surveys_q2 = "manager,quarter,satisfaction\nM1,2026-Q2,90%\n";
    run_on(sales, surveys_q2).args(["--period", "2026-04"]).status(2).code("E0320").run();
    // Sales in the range, no survey in it: a run (M1: 10% of 100.00 = 10.00, no bonus), with
    // a warning that the surveys have no row in it.
    // A month without rows inside the months the sales span is a quiet month, run and paid
    // as such: sales in January and March, February pays M1 nothing.
    let sales_jan_mar = "id,date,manager,amount\nS1,2026-01-05,M1,100.00\nS2,2026-03-10,M1,100.00\n";
    run_on(sales_jan_mar, surveys)
        .args(["--period", "2026-02", "--format", "csv"])
        .stdout_contains("M1,2026-02,0.00,0.00,0.00")
        .run();
    let sales_april = "id,date,manager,amount\nS1,2026-04-05,M1,100.00\n";
    let warned = run_on(sales_april, surveys)
        .args(["--data", "sales=sales.csv", "--data", "surveys=surveys.csv"])
        .args(["--period", "2026-04", "--format", "csv"])
        .code("C0102")
        .stdout_contains("M1,2026-04,10.00,0.00,10.00")
        .run();
    insta::assert_snapshot!("an_input_with_no_row_in_the_range", warned.stderr);
}
