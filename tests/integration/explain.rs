//! `explain` must add up to `run`, on every statement of every example ledger, and its
//! printed arithmetic must hold on its own (rows sum to the aggregate, slices to the tier,
//! rounding to the amount).

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::{example_args, redact_sha, run_ok};

fn dec(v: &Json) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or_else(|| panic!("not a decimal string: {v}"))).unwrap()
}

/// Checks the derivation's own arithmetic.
fn check_arithmetic(explanation: &Json) {
    let mut total = Decimal::ZERO;
    for c in explanation["components"].as_array().unwrap() {
        let amount = dec(&c["amount"]);
        total += amount;
        for step in c["steps"].as_array().unwrap() {
            for fact in step["facts"].as_array().unwrap() {
                match fact["kind"].as_str().unwrap() {
                    // With --all-rows every row is listed: a sum is the sum of its rows.
                    "aggregate" if fact["text"].as_str().unwrap().starts_with("sum(") => {
                        let rows = fact["rows"].as_array().unwrap();
                        assert_eq!(rows.len() as u64, fact["row_count"].as_u64().unwrap());
                        let sum: Decimal = rows.iter().map(|r| dec(&r["value"])).sum();
                        assert_eq!(sum, dec(&fact["value"]), "{}", fact["text"]);
                    }
                    "tiers" => {
                        let slices = fact["slices"].as_array().unwrap();
                        let sum: Decimal = slices.iter().map(|s| dec(&s["payout"])).sum();
                        assert_eq!(sum, dec(&fact["result"]));
                    }
                    _ => {}
                }
            }
        }
        if c["due"] == true && c["failed_gate"].is_null() {
            // rounding half-up to the step, here always 0.01 (every shipped policy)
            let limited = dec(&c["after_cap_floor"]);
            assert_eq!(c["rounding"]["step"], "0.01");
            assert_eq!(limited.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero), amount);
        } else {
            assert_eq!(amount, Decimal::ZERO);
        }
    }
    assert_eq!(total, dec(&explanation["total"]));
}

#[test]
fn explain_adds_up_to_run_on_every_statement_of_every_example() {
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/policies")).unwrap() {
        let policy = entry.unwrap().path();
        let mut args = example_args(&policy);
        args.extend(["--format".into(), "json".into()]);
        let run: Json = serde_json::from_str(&run_ok(&args)).unwrap();
        let statements = run["statements"].as_array().unwrap();
        assert!(!statements.is_empty());
        for s in statements {
            let mut explain_args = args.clone();
            explain_args[0] = "explain".into();
            explain_args.extend([
                "--payee".into(),
                s["payee"].as_str().unwrap().into(),
                "--period".into(),
                s["period"].as_str().unwrap().into(),
                "--all-rows".into(),
            ]);
            let explanation: Json = serde_json::from_str(&run_ok(&explain_args)).unwrap();
            for c in explanation["components"].as_array().unwrap() {
                let name = c["name"].as_str().unwrap();
                assert_eq!(c["amount"], s["components"][name], "{} {} {name}", s["payee"], s["period"]);
            }
            assert_eq!(explanation["total"], s["total"]);
            check_arithmetic(&explanation);
        }
    }
}

const SEED: &str = "policies/telecom-account-manager.policy";
const MARGINAL: &str = "policies/telecom-marginal.policy";
const SALES: &str = "sales=tests/fixtures/seed/sales.csv";
const SURVEYS: &str = "surveys=tests/fixtures/seed/surveys.csv";

/// 王芳, March, on the hand-checked ledger (see seed_plan.rs): 300,000.00 of sales -> 8%
/// bracket, 24,000.00; retention 50,000.00 x 5% = 2,500.00; survey exactly 80% -> bonus
/// 2% x 699,999.99 (Q1) = 13,999.9998 -> 14,000.00; total 40,500.00.
#[test]
fn explain_text_and_json_snapshots() {
    let text = run_ok(["explain", SEED, "--data", SALES, "--data", SURVEYS, "--payee", "王芳", "--period", "2026-03"]);
    assert!(text.contains("300,000.00 in [300,000.00, ∞) -> 8% × 300,000.00 = 24,000.00"), "{text}");
    assert!(text.contains("13,999.9998 -> 14,000.00"), "{text}");
    assert!(text.contains("total = 24,000.00 + 2,500.00 + 14,000.00 = 40,500.00 CNY"), "{text}");
    insta::assert_snapshot!("explain_seed_wang_fang_march_text", redact_sha(&text));
    let json = run_ok([
        "explain", SEED, "--data", SALES, "--data", SURVEYS, "--payee", "王芳", "--period", "2026-03", "--format",
        "json",
    ]);
    insta::assert_snapshot!("explain_seed_wang_fang_march_json", redact_sha(&json));
}

/// 李娜, April, marginal: 300,000.01 = 100,000 x 3% + 200,000 x 5% + 0.01 x 8%
/// = 3,000 + 10,000 + 0.0008 = 13,000.0008 -> 13,000.00.
#[test]
fn explain_shows_one_line_per_marginal_slice() {
    let text =
        run_ok(["explain", MARGINAL, "--data", SALES, "--data", SURVEYS, "--payee", "李娜", "--period", "2026-04"]);
    assert!(text.contains("[0.00, 100,000.00): 100,000.00 × 3% = 3,000.00"), "{text}");
    assert!(text.contains("[100,000.00, 300,000.00): 200,000.00 × 5% = 10,000.00"), "{text}");
    assert!(text.contains("[300,000.00, ∞): 0.01 × 8% = 0.0008"), "{text}");
    assert!(text.contains("13,000.0008 -> 13,000.00"), "{text}");
    insta::assert_snapshot!("explain_marginal_li_na_april_text", redact_sha(&text));
}

/// 李娜's Q1 survey is 0.7999: the gate is shown with its value and is not met.
/// 陈静 has no Q2 survey: the explanation says there is no row.
#[test]
fn explain_shows_gates_and_missing_rows() {
    let text = run_ok(["explain", SEED, "--data", SALES, "--data", SURVEYS, "--payee", "李娜", "--period", "2026-03"]);
    assert!(text.contains("surveys.satisfaction = 79.99% (tests/fixtures/seed/surveys.csv:4)"), "{text}");
    assert!(text.contains("-> false: not met"), "{text}");
    let text = run_ok(["explain", SEED, "--data", SALES, "--data", SURVEYS, "--payee", "陈静", "--period", "2026-06"]);
    assert!(text.contains("no `surveys` row for this payee and period"), "{text}");
    let text = run_ok(["explain", SEED, "--data", SALES, "--data", SURVEYS, "--payee", "陈静", "--period", "2026-05"]);
    assert!(text.contains("not due this month: it pays in 2026-06"), "{text}");
}

#[test]
fn explain_refuses_an_unknown_payee_with_a_suggestion() {
    let ran = crate::run(["explain", SEED, "--data", SALES, "--data", SURVEYS, "--payee", "王", "--period", "2026-03"]);
    assert_eq!(ran.code, 2);
    crate::assert_code(&ran, "E0309");
    assert!(ran.stderr.contains("`王`"), "{}", ran.stderr);
}

/// More than 20 rows: the first 20 and a count.
#[test]
fn explain_lists_twenty_rows_then_counts() {
    let text = run_ok([
        "explain",
        SEED,
        "--data",
        "sales=examples/telecom/sales.csv",
        "--data",
        "surveys=examples/telecom/surveys.csv",
        "--payee",
        "王芳",
        "--period",
        "2026-03",
    ]);
    // Q1 has 39 rows for 王芳 in the example ledger (the sum over the quarter), 20 shown.
    assert!(text.contains("from 39 rows of sales"), "{text}");
    assert!(text.contains("… and 19 more (--all-rows lists every one)"), "{text}");
}
