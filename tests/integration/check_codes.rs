//! Codes of the broken policies (`tests/fixtures/policies/bad/`): every error `check` reports
//! (syntax, check and test-block errors alike) carries the code its fixture is about, in JSON
//! as in the snapshots of `diagnostics.rs`, and `commission explain-code` explains each one.

use std::collections::BTreeSet;

use crate::{run, run_ok};

/// The codes of each fixture's errors, in the order `check` reports them (source order); a
/// fixture without errors (warnings only) expects none. Worked out by reading the fixture.
const EXPECTED: &[(&str, &[&str])] = &[
    ("01-unknown-input.policy", &["E0118"]),
    ("02-unknown-column.policy", &["E0119"]),
    ("03-unknown-let-name.policy", &["E0120"]),
    ("04-unknown-function.policy", &["E0138"]),
    ("05-money-plus-percent.policy", &["E0136"]),
    ("06-money-times-money.policy", &["E0136"]),
    ("07-when-not-a-condition.policy", &["E0135"]),
    ("08-tiers-not-ascending.policy", &["E0149"]),
    ("09-duplicate-tier-bound.policy", &["E0149"]),
    ("10-missing-tier-mode.policy", &["E0001"]),
    ("11-sum-of-text-column.policy", &["E0146"]),
    // A rate of 800%: a warning (C0006), so the policy checks.
    ("12-rate-over-100-percent.policy", &[]),
    ("13-duplicate-component-name.policy", &["E0107"]),
    ("14-component-without-pay.policy", &["E0131"]),
    ("15-no-payee.policy", &["E0115"]),
    ("16-no-components.policy", &["E0104"]),
    ("17-enum-value-typo.policy", &["E0129"]),
    ("18-incomplete-rate-table.policy", &["E0130"]),
    ("19-missing-closing-brace.policy", &["E0002"]),
    ("20-unknown-column-type.policy", &["E0110"]),
    // txt, manger, summ, 300_000 before 100_000, sum of text, upsel, when of a percentage,
    // retention twice, amout.
    ("21-several-errors.policy", &["E0110", "E0119", "E0138", "E0149", "E0146", "E0129", "E0135", "E0107", "E0119"]),
    ("22-unknown-function-with-where.policy", &["E0138"]),
    ("23-unknown-input-in-condition.policy", &["E0118"]),
    ("24-pay-is-a-rate.policy", &["E0133"]),
    ("25-cadence-typo.policy", &["E0001"]),
    ("26-missing-closing-paren.policy", &["E0002"]),
    ("27-missing-brace-at-end-of-file.policy", &["E0002"]),
    // Mistakes in test blocks, found while checking: the tools' codes.
    ("28-test-block-mistakes.policy", &["E0504", "E0507", "E0502"]),
    ("29-thousands-comma.policy", &["E0010"]),
    ("30-let-without-unit.policy", &["E0163"]),
    ("31-statement-cap-twice.policy", &["E0161"]),
];

#[test]
fn every_check_error_has_its_code_and_explain_code_explains_it() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policies/bad");
    let mut fixtures: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".policy"))
        .collect();
    fixtures.sort();
    let listed: Vec<String> = EXPECTED.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(fixtures, listed, "every bad policy has its expected codes in EXPECTED, in order");

    let mut seen = BTreeSet::new();
    for (name, want) in EXPECTED {
        let path = format!("tests/fixtures/policies/bad/{name}");
        let ran = run(["check", &path, "--message-format", "json"]);
        let errors: Vec<serde_json::Value> = ran
            .stderr
            .lines()
            .filter(|l| l.starts_with('{'))
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: {e}: {l}")))
            .filter(|v: &serde_json::Value| v["severity"] == "error")
            .collect();
        assert_eq!(ran.code, if want.is_empty() { 0 } else { 1 }, "{name}: {}", ran.stderr);
        assert_eq!(errors.len(), want.len(), "{name}: one error per expected code:\n{}", ran.stderr);
        for (error, want) in errors.iter().zip(want.iter()) {
            let code = error["code"].as_str().unwrap_or_else(|| panic!("{name}: no code in {error}"));
            assert_eq!(code, *want, "{name}: {error}");
            seen.insert(code.to_string());
        }
    }

    for code in &seen {
        let explained = run_ok(["explain-code", code]);
        assert!(explained.starts_with(&format!("{code}: ")), "{explained}");
        assert!(explained.contains("What to do:"), "{code}: {explained}");
    }
}

/// Every check code is explained, and the list `explain-code` prints names each one once,
/// in order, from E0101 up without a gap to E0151; issue 14's codes start again at E0160.
#[test]
fn explain_code_explains_every_check_code() {
    let listed = run_ok(["explain-code"]);
    let codes: Vec<&str> =
        listed.lines().filter_map(|l| l.split_whitespace().next()).filter(|c| c.starts_with("E01")).collect();
    assert!(!codes.is_empty(), "{listed}");
    let first: Vec<&str> = codes.iter().copied().filter(|c| *c < "E0160").collect();
    let expected: Vec<String> = (1..=first.len()).map(|n| format!("E01{n:02}")).collect();
    assert_eq!(first, expected, "check codes run from E0101 without a gap");
    let later: Vec<&str> = codes.iter().copied().filter(|c| *c >= "E0160").collect();
    let expected: Vec<String> = (0..later.len()).map(|n| format!("E01{:02}", 60 + n)).collect();
    assert_eq!(later, expected, "and again from E0160");
    for code in codes {
        let explained = run_ok(["explain-code", code]);
        assert!(explained.starts_with(&format!("{code}: ")), "{explained}");
        assert!(explained.contains("What to do:"), "{code}: {explained}");
    }
}
