//! Ledgers as they come out of CRM exports and Excel: every accepted form gives the same
//! statements, and every bad ledger in `tests/fixtures/ledgers/bad/` is a diagnostic naming
//! the file, the line (or cell), the value and a hint.

use crate::harness::Test;
use crate::{run, run_ok};

const POLICY: &str = "tests/fixtures/ledgers/sales.policy";
const GOOD: &str = "tests/fixtures/ledgers/good";

/// What the plan pays on the good ledger, worked out by hand in `make_fixtures.py`:
/// 王芳 1,234.56 × 5% = 61.728 -> 61.73 in January, a refund of -234.56 × 5% = -11.728 ->
/// -11.73 in February; 李娜 20,000.00 × 5% = 1,000.00 and 1,000 × 5% = 50.00. Payees in
/// code-point order: 李 (U+674E) before 王 (U+738B).
const EXPECTED: &str = "payee,period,commission,total
李娜,2026-01,1000.00,1000.00
李娜,2026-02,50.00,50.00
王芳,2026-01,61.73,61.73
王芳,2026-02,-11.73,-11.73
";

fn statements(data: &str, extra: &[&str]) -> String {
    let binding = format!("sales={data}");
    let mut args = vec!["run", POLICY, "--data", &binding, "--format", "csv"];
    args.extend(extra);
    run_ok(args)
}

#[test]
fn every_accepted_form_gives_the_same_statements() {
    let cases: [(&str, &[&str]); 7] = [
        ("plain.csv", &[]),
        ("bom-crlf.csv", &[]),
        ("spaces-and-blank-lines.csv", &[]),
        ("columns-reordered.csv", &[]),
        ("grouped-amounts.csv", &[]),
        ("gbk.csv", &["--encoding", "gbk"]),
        ("book.xlsx", &[]),
    ];
    for (file, extra) in cases {
        assert_eq!(statements(&format!("{GOOD}/{file}"), extra), EXPECTED, "{file}");
    }
    // The second sheet has the columns in another order, all as text cells.
    assert_eq!(statements(&format!("{GOOD}/book.xlsx#Copy"), &[]), EXPECTED);
    // `--encoding NAME=ENCODING` names one input.
    assert_eq!(statements(&format!("{GOOD}/gbk.csv"), &["--encoding", "sales=gb18030"]), EXPECTED);
}

#[test]
fn every_row_of_the_good_ledger_is_accounted_for() {
    // Four data rows; the blank line and the line of commas are not rows.
    let binding = format!("sales={GOOD}/spaces-and-blank-lines.csv");
    let table = run_ok(["run", POLICY, "--data", &binding, "--period", "2026-01"]);
    let line = "rows of sales: 4 read, 2 used, 2 outside the range, 0 rejected";
    assert!(table.contains(line), "{table}");
    // CSV has no room for it: the same line goes to standard error.
    let csv = run(["run", POLICY, "--data", &binding, "--period", "2026-01", "--format", "csv"]);
    assert!(csv.code == 0 && csv.stderr.contains(line) && !csv.stdout.contains("rows of"), "{}", csv.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(["run", POLICY, "--data", &binding, "--period", "2026-01", "--format", "json"]))
            .unwrap();
    assert_eq!(
        json["rows"]["sales"],
        serde_json::json!({"read": 4, "used": 2, "outside_range": 2, "no_payee": 0, "rejected": 0})
    );
}

/// The ledger fixtures' policy, run from the repository root on `sales` bound to `data`.
fn in_repo(data: &str) -> Test {
    Test::new().current_dir_repo().args(["run", POLICY, "--data", &format!("sales={data}")])
}

#[test]
fn gbk_is_read_only_when_asked_and_never_guessed() {
    in_repo(&format!("{GOOD}/gbk.csv")).status(2).code("E0203").stderr_contains("`--encoding gbk`").stdout("").run();
    // The other way round: a UTF-8 file read as GBK would garble the names, so it stops.
    in_repo(&format!("{GOOD}/plain.csv")).args(["--encoding", "gbk"]).status(2).code("E0205").run();
    in_repo(&format!("{GOOD}/plain.csv"))
        .args(["--encoding", "latin1"])
        .status(2)
        .code("E0411")
        .stderr_contains("`latin1`")
        .run();
}

#[test]
fn a_missing_sheet_lists_the_sheets() {
    in_repo(&format!("{GOOD}/book.xlsx#Cpy"))
        .status(2)
        .code("E0202")
        .stderr_contains("`Cpy`")
        .stderr_contains("`Copy`")
        .run();
}

/// `--max-errors` lists several bad rows; the run still fails and writes nothing.
#[test]
fn max_errors_lists_rejected_rows_and_writes_nothing() {
    // One folder for all the runs, to see that the failed ones leave no `out.csv`.
    let dir = tempfile::tempdir().unwrap();
    let test = || {
        Test::in_dir(dir.path())
            .current_dir_repo()
            .ledger(
                "sales",
                "id,date,manager,customer,kind,amount,units
S1,2026-01-05,M1,c,new,100.00,1
S2,2026-01-06,M1,c,neww,100.00,1
S3,2026-01-07,M1,c,new,(5.00),1
S4,2026-01-08,M1,c,new,100.00,1
S5,2026-02-30,M1,c,new,100.00,1
",
            )
            .args(["run", POLICY, "--output", "{dir}/out.csv"])
            .status(2)
    };
    let first = test().stderr_contains("sales.csv:3:5").stderr_contains("`--max-errors N`").run();
    assert_eq!(first.stderr.matches("  × ").count(), 1, "{}", first.stderr);

    let all = test()
        .args(["--max-errors", "10"])
        .stderr_contains("sales.csv:3:5")
        .stderr_contains("sales.csv:4:6")
        .stderr_contains("sales.csv:6:2")
        // 5 rows read, 3 rejected: reading went to the end.
        .stderr_contains("3 rejected rows of 5 read; no statements were produced")
        .run();
    assert_eq!(all.stderr.matches("  × ").count(), 3, "{}", all.stderr);

    test().args(["--max-errors", "2"]).stderr_contains("stopped at 2 rejected rows (after 3 rows read)").run();
    assert!(!dir.path().join("out.csv").exists(), "a failed run writes no output");
    test().args(["--max-errors", "0"]).run();
}

/// A refund is a negative amount dated when it was booked: it lowers that month's sales,
/// and so can lower that month's bracket; the month of the original sale is not reopened.
#[test]
fn a_refund_counts_in_its_own_month_and_can_lower_its_bracket() {
    let text = "policy \"t\" version \"1\" currency CNY
input sales {
  key id: text
  period date: date
  payee manager: text
  amount: money
}
payee sales.manager
component sales_commission monthly {
  pay tiers flat sum(sales.amount) {
    from 0        rate 3%
    from 100_000  rate 5%
  }
}
";
    let ledger = "id,date,manager,amount
S1,2026-01-10,M1,120000.00
S2,2026-02-03,M1,100000.00
R1,2026-02-20,M1,-30000.00
";
    // January: 120,000.00 reaches 5%: 6,000.00, untouched by February's refund.
    // February: 100,000.00 - 30,000.00 = 70,000.00, below 100,000: 3% = 2,100.00 (without
    // the refund it would have been 5% of 100,000.00 = 5,000.00).
    Test::new()
        .policy(text)
        .ledger("sales", ledger)
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,sales_commission,total\nM1,2026-01,6000.00,6000.00\nM1,2026-02,2100.00,2100.00\n")
        .run();

    // A ledger that may not hold refunds says so in its schema, and the refund stops the run.
    Test::new()
        .policy(text.replace("amount: money", "amount: money >= 0"))
        .ledger("sales", ledger)
        .args(["run", "{policy}"])
        .status(2)
        .code("E0220")
        .stderr_contains("sales.csv:4:4")
        .stderr_contains("`-30000.00`")
        .run();
    // `>=` is for number columns only.
    Test::new()
        .policy(text.replace("manager: text", "manager: text >= 0"))
        .args(["check", "{policy}"])
        .status(1)
        .code("E0111")
        .run();
}

#[test]
fn bad_ledgers_are_explained() {
    insta::glob!("../..", "tests/fixtures/ledgers/bad/*.*", |path| {
        let relative = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string();
        // Names the file and has a hint.
        let ran = in_repo(&relative).status(2).stdout("").stderr_contains(&relative).stderr_contains("help:").run();
        let located = ran.stderr.contains(&format!("{relative}:")) || ran.stderr.contains(&format!("{relative}#"));
        assert!(located || relative.ends_with("09-empty-file.csv"), "names the line:\n{}", ran.stderr);
        // Every error carries a code (miette prints it, then a blank line, above the `×`
        // line), and `explain-code` explains it.
        let lines: Vec<&str> = ran.stderr.lines().collect();
        let errors: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].starts_with("  × ")).collect();
        assert!(!errors.is_empty(), "an error:\n{}", ran.stderr);
        for i in errors {
            let code = if i >= 2 && lines[i - 1].is_empty() { lines[i - 2] } else { "" };
            let is_code = code.len() == 5 && code.starts_with('E') && code[1..].bytes().all(|b| b.is_ascii_digit());
            assert!(is_code, "a code above the error:\n{}", ran.stderr);
            let explained = run(["explain-code", code]);
            assert_eq!(explained.code, 0, "{code}: {}", explained.stderr);
            assert!(explained.stdout.starts_with(&format!("{code}: ")), "{}", explained.stdout);
        }
        insta::assert_snapshot!(format!("exit code: {}\n{}", ran.code, ran.stderr));
    });
}
