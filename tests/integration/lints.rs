//! Lints in `commission check`: each code on a fixture made to trigger it (snapshots), the
//! seed plan's cliff with its figures, none on the marginal variant, and `explain-code`.

use crate::SALES_POLICY;
use crate::{run, run_ok};

#[test]
fn each_lint_fires_on_its_fixture() {
    insta::glob!("../..", "tests/fixtures/policies/lints/*.policy", |path| {
        let relative = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
        let ran = run(["check", &relative.display().to_string()]);
        assert_eq!(ran.code, 0, "warnings never fail `check`:\n{}", ran.stderr);
        insta::assert_snapshot!(ran.stderr);
    });
}

/// The example: 99,999.99 × 3% = 2,999.9997 → 3,000.00; 100,000.00 × 5% = 5,000.00;
/// one fen more earns 2,000.00. And 299,999.99 × 5% = 14,999.9995 → 15,000.00 against
/// 300,000.00 × 8% = 24,000.00: 9,000.00.
#[test]
fn the_seed_plans_cliffs_are_named_with_their_figures() {
    let ran = run(["check", "policies/telecom-account-manager.policy"]);
    assert_eq!(ran.code, 0);
    let flat: String = ran.stderr.replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("cliff in `sales_performance`: it pays 3,000.00 at 99,999.99 but 5,000.00 at 100,000.00, a jump of 2,000.00 CNY for 0.01 more"),
        "{}",
        ran.stderr
    );
    assert!(
        flat.contains(
            "it pays 15,000.00 at 299,999.99 but 24,000.00 at 300,000.00, a jump of 9,000.00 CNY for 0.01 more"
        ),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stderr.matches("⚠ cliff").count(), 2, "{}", ran.stderr);
}

#[test]
fn marginal_brackets_have_no_cliff() {
    let ran = run(["check", "policies/telecom-marginal.policy"]);
    assert_eq!(ran.code, 0);
    assert!(!ran.stderr.contains("C0001"), "{}", ran.stderr);
    assert!(!ran.stderr.contains("cliff"), "{}", ran.stderr);
}

#[test]
fn an_allow_attribute_with_a_reason_silences_one_component() {
    let ran = run(["check", "tests/fixtures/policies/lints/c0008-allow-attributes.policy"]);
    assert!(ran.stderr.contains("cliff in `no_reason`"), "{}", ran.stderr);
    assert!(!ran.stderr.contains("cliff in `allowed`"), "{}", ran.stderr);
}

/// An attribute directly above a component, after a `metric`: pest's span of the metric's
/// expression ran over the comment, so the attribute was taken for the metric's and the
/// component's cliff (3% to 5% at 100,000: 3,000.00 against 5,000.00) was still reported.
#[test]
fn an_allow_attribute_after_a_metric_covers_the_component() {
    let policy = "policy \"p\" version \"1\" currency CNY
input sales {
  key id: text
  period date: date
  payee manager: text
  amount: money
}
payee sales.manager
metric total monthly = sum(sales.amount)
# allow(C0001): the plan means it
component c monthly {
  pay tiers flat sum(sales.amount) {
    from 0 rate 3%
    from 100000 rate 5%
  }
}
";
    let ran = crate::harness::Test::new().policy(policy).args(["check", "{policy}"]).status(0).run();
    assert!(!ran.stderr.contains("C0001"), "{}", ran.stderr);
    // Without the attribute the cliff is there: the test above is not vacuous.
    let without = policy.replace("# allow(C0001): the plan means it\n", "");
    crate::harness::Test::new().policy(without).args(["check", "{policy}"]).status(0).code("C0001").run();
}

/// `gross - quick_deduction` as two tables on one base: 3% below 100,000, 5% less a quick
/// deduction of 2,000 from it. Each table alone jumps at 100,000 (by 2,000.00), which was
/// reported twice; the component does not: 99,999.99 x 3% = 2,999.9997 -> 3,000.00, and
/// 100,000.00 x 5% - 2,000 = 3,000.00. With a deduction of 1,000 instead, the component does
/// jump, 3,000.00 to 4,000.00, and that is reported once, with those figures.
#[test]
fn the_cliff_lint_judges_what_the_component_pays() {
    let policy = |deduction: &str| {
        format!(
            "{SALES_POLICY}component c monthly {{
  let gross = tiers flat sum(sales.amount) {{
    from 0       rate 3%
    from 100_000 rate 5%
  }}
  let quick_deduction = tiers flat sum(sales.amount) {{
    from 0       fixed 0
    from 100_000 fixed {deduction}
  }}
  pay gross - quick_deduction
  floor 0
}}
"
        )
    };
    let ran = crate::harness::Test::new().policy(policy("2_000")).args(["check", "{policy}"]).status(0).run();
    assert!(!ran.stderr.contains("C0001"), "{}", ran.stderr);
    crate::harness::Test::new()
        .policy(policy("2_000"))
        .args(["curve", "{policy}", "c", "--base", "0..200000", "--step", "100000"])
        .status(0)
        .stdout_contains("100,000.00  3,000.00")
        .run();
    let ran = crate::harness::Test::new()
        .policy(policy("1_000"))
        .args(["check", "{policy}", "--message-format", "json"])
        .status(0)
        .run();
    let cliffs: Vec<&str> = ran.stderr.lines().filter(|l| l.contains("\"C0001\"")).collect();
    assert_eq!(cliffs.len(), 1, "{}", ran.stderr);
    assert!(cliffs[0].contains("it pays 3,000.00 at 99,999.99 but 4,000.00 at 100,000.00"), "{}", ran.stderr);
}

#[test]
fn every_code_is_explained() {
    let list = run_ok(["explain-code"]);
    for n in 1..=9 {
        let code = format!("C{n:04}");
        assert!(list.contains(&code), "{list}");
        let text = run_ok(["explain-code", &code]);
        assert!(text.starts_with(&format!("{code}: ")), "{text}");
        assert!(text.len() > 200, "{code} deserves an explanation: {text}");
    }
    assert!(run_ok(["explain-code", "c0001"]).contains("99,999.99"));
    let ran = run(["--message-format", "json", "explain-code", "C0099"]);
    assert_eq!(ran.code, 2);
    let message: serde_json::Value = serde_json::from_str(ran.stderr.trim()).unwrap();
    assert_eq!(message["code"], "E0401", "{}", ran.stderr);
}

/// 20,000 brackets: every bound is judged, each figure from the table's running totals, not
/// by walking the brackets again (before: 20,000 x 20,000 steps, 109 s for `check` in a test
/// build; now under a second). Flat brackets every 10.00 at 1%, at 2% from 100,000: the one
/// cliff is there, 99,999.99 x 1% = 999.9999 -> 1,000.00 against 100,000.00 x 2% = 2,000.00.
#[test]
fn many_brackets_are_judged_in_one_pass() {
    let brackets: String =
        (0..20_000).map(|i| format!("    from {} rate {}%\n", i * 10, if i * 10 >= 100_000 { 2 } else { 1 })).collect();
    let policy = format!(
        "{SALES_POLICY}component c monthly {{
  pay tiers flat sum(sales.amount) {{
{brackets}  }}
  floor 0
}}
"
    );
    let ran = crate::harness::Test::new()
        .policy(policy)
        .args(["check", "{policy}", "--message-format", "json"])
        .status(0)
        .run();
    let cliffs: Vec<&str> = ran.stderr.lines().filter(|l| l.contains("\"C0001\"")).collect();
    assert_eq!(cliffs.len(), 1, "{}", ran.stderr);
    assert!(cliffs[0].contains("it pays 1,000.00 at 99,999.99 but 2,000.00 at 100,000.00"), "{}", ran.stderr);
}

/// 20,000 rows in a rate table: a row written twice (E0127) and a row an earlier `_` row
/// always matches first (C0005) are each found in one pass over the rows (before: every row
/// compared with every earlier one, twice; 30 s for `check` in a test build).
#[test]
fn many_table_rows_are_checked_in_one_pass() {
    let policy = |last: &str| {
        let rows: String = (0..20_000).map(|i| format!("  \"a\", \"k{i}\" -> 1%\n")).collect();
        format!(
            "policy \"p\" version \"1\" currency CNY
input sales {{
  key id: text
  period date: date
  payee manager: text
  kind: text
  amount: money
}}
payee sales.manager
table t(kind, id) {{
  \"b\", _ -> 2%
{rows}{last}  else -> 1%
}}
component c monthly {{
  pay sum(sales.amount * t(sales.kind, sales.id))
}}
"
        )
    };
    // ("b", "k7") is always matched first by ("b", _), the first row.
    let ran = crate::harness::Test::new()
        .policy(policy("  \"b\", \"k7\" -> 3%\n"))
        .args(["check", "{policy}", "--message-format", "json"])
        .status(0)
        .run();
    assert_eq!(ran.stderr.lines().filter(|l| l.contains("\"C0005\"")).count(), 1, "{}", ran.stderr);
    // ("a", "k7") is the eighth of the 20,000 rows again.
    crate::harness::Test::new()
        .policy(policy("  \"a\", \"k7\" -> 3%\n"))
        .args(["check", "{policy}", "--message-format", "plain"])
        .status(1)
        .code("E0127")
        .run();
}

/// 3,000 components, each warned about (C0007: `1% * sum(...)` is negative on refunds): each
/// message is drawn from the lines around it, not by reading the file from its start (31 s
/// for this `check` in a test build before; under a second now), and still names the
/// file's line: the head is 8 lines, each component 3, so component i's `pay` is on line
/// 10 + 3i, 9,007 for the last (i = 2,999); `1% * sum(sales.amount)` is 22 characters from
/// column 7, so to column 28.
#[test]
fn many_warnings_are_drawn_each_from_its_own_lines() {
    let head = "policy \"p\" version \"1\" currency CNY
input sales {
  key id: text
  period date: date
  payee manager: text
  amount: money
}
payee sales.manager
";
    let components: String =
        (0..3_000).map(|i| format!("component c{i} monthly {{\n  pay 1% * sum(sales.amount)\n}}\n")).collect();
    let ran = crate::harness::Test::new()
        .policy(format!("{head}{components}"))
        .args(["check", "{policy}", "--message-format", "plain"])
        .status(0)
        .stderr_contains("label at line 9007, columns 7 to 28")
        .stderr_contains("label at line 10, columns 7 to 28")
        .run();
    assert_eq!(ran.stderr.matches("diagnostic code: C0007").count(), 3_000);
}
