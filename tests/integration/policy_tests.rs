//! `commission test`: the shipped policies' tests pass; a wrong figure fails with the policy
//! line, expected, got and the difference; JUnit output is XML; `--accept` rewrites only
//! figures; coverage names what the tests never reached; tests never change `run`.

use std::fs;
use std::path::PathBuf;

use crate::harness::Test;
use crate::SALES_POLICY;
use crate::{run, run_ok};

const SEED: &str = "policies/telecom-account-manager.policy";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed policy's text, edited by `edit`.
fn seed_edited(edit: impl Fn(String) -> String) -> String {
    edit(fs::read_to_string(root().join(SEED)).unwrap())
}

/// A copy of the seed policy edited by `edit`, as `{policy}` of a test.
fn seed_copy(edit: impl Fn(String) -> String) -> Test {
    Test::new().policy(seed_edited(edit))
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn every_shipped_policy_passes_its_tests() {
    let out = run_ok(["test", "policies/"]);
    assert!(out.ends_with(" passed, 0 failed\n"), "{out}");
    assert!(!out.contains("(no tests)"), "every policy ships with tests:\n{out}");
    assert!(!out.contains("FAIL"), "{out}");
}

#[test]
fn a_wrong_figure_fails_with_the_line_expected_got_and_difference() {
    let wrong = "expect M1 sales_performance = 5001.00";
    let text = seed_edited(|s| s.replace("expect M1 sales_performance = 5000.00", wrong));
    let shown = "{dir}/policy.policy";
    // 100,000.00 × 5% = 5,000.00 was computed; 5,001.00 was expected: 1.00 short.
    let want = format!(
        "  FAIL  exactly 100,000.00 reaches the 5% bracket  ({shown}:{})\n        {shown}:{}: {wrong}\n        sales_performance of M1: expected 5,001.00, got 5,000.00, difference -1.00\n",
        line_of(&text, "test \"exactly 100,000.00"),
        line_of(&text, wrong)
    );
    let ran = Test::new().policy(&text).args(["test", "{policy}"]).redact_dir().status(1).stdout_contains(want).run();
    assert!(ran.stdout.ends_with("7 passed, 1 failed\n"), "{}", ran.stdout);
}

#[test]
fn junit_output_is_xml_naming_the_failure() {
    let ran = seed_copy(|s| s.replace("expect M2 sales_performance = 370.37", "expect M2 sales_performance = 370.36"))
        .args(["test", "--format", "junit", "{policy}"])
        .status(1)
        .run();
    let doc = roxmltree::Document::parse(&ran.stdout).unwrap_or_else(|e| panic!("{e}\n{}", ran.stdout));
    let suites = doc.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    assert_eq!(suites.attribute("tests"), Some("8"));
    assert_eq!(suites.attribute("failures"), Some("1"));
    let failures: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("failure")).collect();
    assert_eq!(failures.len(), 1);
    // 12,345.50 × 3% = 370.365, half-up 370.37; 370.36 was expected.
    assert_eq!(
        failures[0].attribute("message"),
        Some("sales_performance of M2: expected 370.36, got 370.37, difference 0.01")
    );
    assert_eq!(failures[0].parent().unwrap().attribute("name"), Some("amounts round half-up to the fen"));
}

#[test]
fn accept_rewrites_only_the_failing_figure() {
    // One folder for the three runs: the second reads what the first rewrote.
    let dir = tempfile::tempdir().unwrap();
    let before = seed_edited(|s| s.replace("expect M1 retention = 400.01", "expect M1 retention = 1.5"));
    // The run that accepts still reports the failure.
    Test::in_dir(dir.path()).policy(&before).args(["test", "--accept", "{policy}"]).status(1).run();
    let after = fs::read_to_string(dir.path().join("policy.policy")).unwrap();
    assert_eq!(after, before.replace("expect M1 retention = 1.5", "expect M1 retention = 400.01"));
    assert_eq!(after, fs::read_to_string(root().join(SEED)).unwrap());
    Test::in_dir(dir.path()).args(["test", "{policy}"]).run();
}

#[test]
fn a_declared_tolerance_is_honoured_and_nothing_else_is() {
    seed_copy(|s| {
        s.replace("expect M2 sales_performance = 370.37", "expect M2 sales_performance = 370.36 within 0.01")
    })
    .args(["test", "{policy}"])
    .run();
    seed_copy(|s| {
        s.replace("expect M2 sales_performance = 370.37", "expect M2 sales_performance = 370.35 within 0.01")
    })
    .args(["test", "{policy}"])
    .status(1)
    .run();
}

#[test]
fn seed_tests_cover_every_bracket_and_gate() {
    let out = run_ok(["test", "--coverage", "--fail-under", "100", SEED]);
    assert!(out.contains("5 of 5 covered (100%)"), "{out}");
    assert!(!out.contains("NOT covered"), "{out}");
}

/// Without the 300,000.00 test nothing reaches the 8% bracket, and coverage says so.
#[test]
fn removing_a_test_names_the_uncovered_bracket() {
    let text = seed_edited(|s| {
        let start = s.find("test \"exactly 300,000.00").unwrap();
        let end = start + s[start..].find("\n}\n").unwrap() + 3;
        format!("{}{}", &s[..start], &s[end..])
    });
    let line = line_of(&text, "from 300_000  rate 8%");
    Test::new()
        .policy(&text)
        .args(["test", "--coverage", "--fail-under", "100", "{policy}"])
        .redact_dir()
        .status(1)
        .stdout_contains(format!(
            "  NOT covered  {{dir}}/policy.policy:{line}  sales_performance: bracket `from 300_000 rate 8%`\n"
        ))
        .stdout_contains("4 of 5 covered (80%)")
        .stdout_contains("below --fail-under 100")
        .run();
}

#[test]
fn run_reports_coverage_of_a_real_ledger() {
    let ran = run([
        "run",
        SEED,
        "--data",
        "sales=tests/fixtures/seed/sales.csv",
        "--data",
        "surveys=tests/fixtures/seed/surveys.csv",
        "--coverage",
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    // The seed ledger has months in every bracket (99,999.99, 100,000.00, 300,000.00) and
    // surveys on both sides of 80% (see seed_plan.rs).
    assert!(ran.stderr.contains("5 of 5 covered (100%)"), "{}", ran.stderr);
    assert!(!ran.stdout.contains("covered"), "statements and coverage stay apart");
}

/// Test blocks are for `commission test`: without them `run` computes the same figures.
#[test]
fn test_blocks_do_not_change_what_run_computes() {
    let without_tests = seed_edited(|s| {
        s[..s.find("# ---------------------------------------------------------------- tests").unwrap()].to_string()
    });
    assert!(!without_tests.contains("test \""));
    let args = |policy: &str| {
        [
            "run",
            policy,
            "--data",
            "sales=tests/fixtures/seed/sales.csv",
            "--data",
            "surveys=tests/fixtures/seed/surveys.csv",
            "--format",
            "csv",
        ]
        .map(String::from)
    };
    let with_tests = run_ok(args(SEED));
    Test::new().current_dir_repo().policy(without_tests).args(args("{policy}")).stdout(with_tests).run();
}

#[test]
fn check_checks_test_blocks() {
    seed_copy(|s| {
        s.replace("expect M1 retention = 0.00", "expect M9 retention = 0.00")
            .replace("expect M2 sales_performance = 370.37", "expect M2 sales_perfomance = 370.37")
            .replace(
                "T2, 2026-06-04, M2,      C2,       new,     mobile",
                "T2, 2026-06-04, M2,      C2,       neww,    mobile",
            )
    })
    .args(["check", "{policy}"])
    .status(1)
    .code("E0510")
    .stderr_contains("`M9`")
    .code("E0509")
    .stderr_contains("`sales_performance`")
    .code("E0507")
    .stderr_contains("`neww`")
    .run();
}

/// A failing `expect` is quoted as written, without the comment after it (on its line or the
/// next): pest's span of an `expect` ran over the comments skipped after it, and the
/// failure quoted them. 5% of 1,000.00 is 50.00, so `= 51.00` fails.
#[test]
fn a_failing_expect_is_quoted_without_the_comment_after_it() {
    for comment in [" # wrong on purpose\n", "\n  # wrong on purpose\n"] {
        let policy = format!(
            "{SALES_POLICY}component c monthly {{
  pay 5% * sum(sales.amount)
}}
test \"t\" {{
  period 2026-01
  sales {{
    id, date, manager, amount
    S1, 2026-01-05, M1, 1000.00
  }}
  expect M1 c = 51.00{comment}}}
"
        );
        let ran = crate::harness::Test::new()
            .policy(policy)
            .args(["test", "{policy}"])
            .status(1)
            .stdout_contains("policy.policy:18: expect M1 c = 51.00\n")
            .run();
        assert!(!ran.stdout.contains("on purpose"), "{}", ran.stdout);
    }
}
