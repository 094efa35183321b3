//! Ledgers as they come out of CRM exports and Excel: every accepted form gives the same
//! statements, and every bad ledger in `tests/fixtures/ledgers/bad/` is a diagnostic naming
//! the file, the line (or cell), the value and a hint.

use std::fs;

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

#[test]
fn gbk_is_read_only_when_asked_and_never_guessed() {
    let binding = format!("sales={GOOD}/gbk.csv");
    let ran = run(["run", POLICY, "--data", &binding]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("GBK") && ran.stderr.contains("`--encoding gbk`"), "{}", ran.stderr);
    assert!(ran.stdout.is_empty());
    // The other way round: a UTF-8 file read as GBK would garble the names, so it stops.
    let binding = format!("sales={GOOD}/plain.csv");
    let ran = run(["run", POLICY, "--data", &binding, "--encoding", "gbk"]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("the file is UTF-8, but `--encoding gbk` was given"), "{}", ran.stderr);
    let ran = run(["run", POLICY, "--data", &binding, "--encoding", "latin1"]);
    assert!(ran.code == 2 && ran.stderr.contains("unknown encoding `latin1`"), "{}", ran.stderr);
}

#[test]
fn a_missing_sheet_lists_the_sheets() {
    let binding = format!("sales={GOOD}/book.xlsx#Cpy");
    let ran = run(["run", POLICY, "--data", &binding]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("no sheet `Cpy`") && ran.stderr.contains("did you mean `Copy`?"), "{}", ran.stderr);
}

/// `--max-errors` lists several bad rows; the run still fails and writes nothing.
#[test]
fn max_errors_lists_rejected_rows_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("sales.csv");
    fs::write(
        &ledger,
        "id,date,manager,customer,kind,amount,units
S1,2026-01-05,M1,c,new,100.00,1
S2,2026-01-06,M1,c,neww,100.00,1
S3,2026-01-07,M1,c,new,(5.00),1
S4,2026-01-08,M1,c,new,100.00,1
S5,2026-02-30,M1,c,new,100.00,1
",
    )
    .unwrap();
    let out = dir.path().join("out.csv");
    let binding = format!("sales={}", ledger.display());
    let args = ["run", POLICY, "--data", &binding, "--output", out.to_str().unwrap()];
    let first = run(args);
    assert_eq!(first.code, 2);
    assert_eq!(first.stderr.matches("  × ").count(), 1, "{}", first.stderr);
    assert!(first.stderr.contains("sales.csv:3:5") && first.stderr.contains("`--max-errors N`"), "{}", first.stderr);

    let all = run(args.iter().chain(&["--max-errors", "10"]));
    assert_eq!(all.code, 2);
    assert_eq!(all.stderr.matches("  × ").count(), 3, "{}", all.stderr);
    for at in ["sales.csv:3:5", "sales.csv:4:6", "sales.csv:6:2"] {
        assert!(all.stderr.contains(at), "{at}: {}", all.stderr);
    }
    // 5 rows read, 3 rejected: reading went to the end.
    assert!(all.stderr.contains("3 rejected rows of 5 read; no statements were produced"), "{}", all.stderr);

    let two = run(args.iter().chain(&["--max-errors", "2"]));
    assert!(two.stderr.contains("stopped at 2 rejected rows (after 3 rows read)"), "{}", two.stderr);
    assert!(!out.exists(), "a failed run writes no output");
    assert_eq!(run(args.iter().chain(&["--max-errors", "0"])).code, 2);
}

/// A refund is a negative amount dated when it was booked: it lowers that month's sales,
/// and so can lower that month's bracket; the month of the original sale is not reopened.
#[test]
fn a_refund_counts_in_its_own_month_and_can_lower_its_bracket() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("tiers.policy");
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
    fs::write(&policy, text).unwrap();
    let ledger = dir.path().join("sales.csv");
    fs::write(
        &ledger,
        "id,date,manager,amount
S1,2026-01-10,M1,120000.00
S2,2026-02-03,M1,100000.00
R1,2026-02-20,M1,-30000.00
",
    )
    .unwrap();
    let binding = format!("sales={}", ledger.display());
    let out = run_ok(["run", policy.to_str().unwrap(), "--data", &binding, "--format", "csv"]);
    // January: 120,000.00 reaches 5%: 6,000.00, untouched by February's refund.
    // February: 100,000.00 - 30,000.00 = 70,000.00, below 100,000: 3% = 2,100.00 (without
    // the refund it would have been 5% of 100,000.00 = 5,000.00).
    assert_eq!(out, "payee,period,sales_commission,total\nM1,2026-01,6000.00,6000.00\nM1,2026-02,2100.00,2100.00\n");

    // A ledger that may not hold refunds says so in its schema, and the refund stops the run.
    fs::write(&policy, text.replace("amount: money", "amount: money >= 0")).unwrap();
    let ran = run(["run", policy.to_str().unwrap(), "--data", &binding]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("sales.csv:4:4") && ran.stderr.contains("`-30000.00`, below its declared least value 0"),
        "{}",
        ran.stderr
    );
    // `>=` is for number columns only.
    fs::write(&policy, text.replace("manager: text", "manager: text >= 0")).unwrap();
    let ran = run(["check", policy.to_str().unwrap()]);
    assert!(ran.code == 1 && ran.stderr.contains("only number columns can have a least value"), "{}", ran.stderr);
}

#[test]
fn bad_ledgers_are_explained() {
    insta::glob!("../..", "tests/fixtures/ledgers/bad/*.*", |path| {
        let relative = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string();
        let ran = run(["run", POLICY, "--data", &format!("sales={relative}")]);
        assert_eq!(ran.code, 2, "{}", ran.stderr);
        assert!(ran.stdout.is_empty());
        assert!(ran.stderr.contains(&relative), "names the file:\n{}", ran.stderr);
        assert!(ran.stderr.contains("help:"), "has a hint:\n{}", ran.stderr);
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
