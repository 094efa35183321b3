//! Snapshots of `run` (table and JSON) for every policy in `policies/`, on the example data
//! named in the policy's `# run:` line. Figures for the seed plan are pinned independently
//! in `seed_plan.rs`; these snapshots pin the layout and catch unintended changes.

use crate::{example_args, redact_sha, run_ok};

#[test]
fn run_every_policy_on_its_example_data() {
    insta::glob!("../..", "policies/*.policy", |path| {
        let mut args = example_args(path);
        let table = run_ok(&args);
        insta::assert_snapshot!("table", table);
        args.extend(["--format".into(), "json".into()]);
        let json = run_ok(&args);
        insta::assert_snapshot!("json", redact_sha(&json));
    });
}

/// The plan document of every policy. Its worked examples are checked by hand for the seed
/// plan in `doc_worked_examples_are_the_seed_figures`.
#[test]
fn doc_every_policy() {
    insta::glob!("../..", "policies/*.policy", |path| {
        let relative = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string();
        let md = run_ok(["doc", &relative, "--lang", "en"]);
        let without_sha: Vec<&str> = md.lines().map(|l| l.split(" (SHA-256").next().unwrap_or(l)).collect();
        insta::assert_snapshot!("doc", without_sha.join("\n"));
        // Every policy here has Chinese labels, so the document's own words are Chinese by
        // default, as the report's are.
        let md = run_ok(["doc", &relative]);
        let without_sha: Vec<&str> = md.lines().map(|l| l.split("（SHA-256").next().unwrap_or(l)).collect();
        insta::assert_snapshot!("doc_zh", without_sha.join("\n"));
        let html = run_ok(["doc", &relative, "--format", "html"]);
        assert!(html.starts_with("<!DOCTYPE html>") && !html.contains("<script"));
        assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("<h2>发放对象</h2>"), "{html}");
    });
}

/// Seed brackets (3% / 5% from 100,000 / 8% from 300,000), by hand:
/// flat 99,999.99 x 3% = 2,999.9997 -> 3,000.00; 100,000.00 x 5% = 5,000.00;
/// marginal at 299,999.99 = 3,000 + 199,999.99 x 5% = 12,999.9995 -> 13,000.00;
/// at 450,000.00: flat 36,000.00, marginal 3,000 + 10,000 + 150,000 x 8% = 25,000.00.
#[test]
fn doc_worked_examples_are_the_seed_figures() {
    let md = run_ok(["doc", "policies/telecom-account-manager.policy"]);
    for row in [
        "| 99,999.99 | 3,000.00 (2,999.9997) | 3,000.00 (2,999.9997) |",
        "| 100,000.00 | 5,000.00 | 3,000.00 |",
        "| 299,999.99 | 15,000.00 (14,999.9995) | 13,000.00 (12,999.9995) |",
        "| 450,000.00 | 36,000.00 | 25,000.00 |",
    ] {
        assert!(md.contains(row), "missing `{row}` in\n{md}");
    }
}

/// The layout of `diff` and `budget` on the hand-checked seed ledger; their figures are
/// pinned independently in `diff.rs` and `budget.rs`.
#[test]
fn diff_and_budget_reports() {
    let data = ["--data", "sales=tests/fixtures/seed/sales.csv", "--data", "surveys=tests/fixtures/seed/surveys.csv"];
    let flat = "policies/telecom-account-manager.policy";
    let marginal = "policies/telecom-marginal.policy";
    let diff: Vec<&str> = ["diff", flat, marginal].iter().chain(&data).copied().collect();
    insta::assert_snapshot!("diff_table", run_ok(&diff));
    insta::assert_snapshot!("diff_md", run_ok(diff.iter().chain(&["--format", "md", "--top", "2"])));
    insta::assert_snapshot!("diff_explain", run_ok(diff.iter().chain(&["--explain", "李娜", "--period", "2026-Q2"])));
    let budget: Vec<&str> = ["budget", flat].iter().chain(&data).copied().collect();
    insta::assert_snapshot!("budget_table", run_ok(budget.iter().chain(&["--by", "component", "--by", "segment"])));
}
