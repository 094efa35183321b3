//! Lints in `commission check`: each code on a fixture made to trigger it (snapshots), the
//! seed plan's cliff with its figures, none on the marginal variant, and `explain-code`.

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

#[test]
fn every_code_is_explained() {
    let list = run_ok(["explain-code"]);
    for n in 1..=8 {
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
