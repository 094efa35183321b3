//! Snapshots of `run` (table and JSON) for every policy in `policies/`, on the example data
//! named in the policy's `# run:` line. Figures for the seed plan are pinned independently
//! in `seed_plan.rs`; these snapshots pin the layout and catch unintended changes.

use crate::{example_args, run_ok};

/// The policy's SHA-256 changes with every comment edit; `cli::json_names_the_policy`
/// checks it against the file, so snapshots hide it.
fn redact_sha(text: &str) -> String {
    text.lines()
        .map(|l| match l.split_once("\"sha256\": \"") {
            Some((indent, rest)) => {
                format!("{indent}\"sha256\": \"[sha256]\"{}", if rest.ends_with(',') { "," } else { "" })
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

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
