//! `commission diff`: per-payee changes add up to the difference of two `run`s, components
//! are paired (same, renamed, added, removed), payees on one side only are named, policies
//! can come from git revisions, and each ledger is read once for both plans.

use crate::assert_code;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::harness::Test;
use crate::{commission, run, run_ok, Ran};

const FLAT: &str = "policies/telecom-account-manager.policy";
const MARGINAL: &str = "policies/telecom-marginal.policy";
const FIXTURE: [&str; 4] =
    ["--data", "sales=tests/fixtures/seed/sales.csv", "--data", "surveys=tests/fixtures/seed/surveys.csv"];

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap_or_else(|| panic!("not an amount: {v}")).parse().unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `run --format json` total of a policy on some data.
fn run_total(policy: &str, data: &[String], extra: &[&str]) -> Decimal {
    let mut args: Vec<String> = vec!["run".into(), policy.into()];
    args.extend(data.iter().cloned());
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(["--format".into(), "json".into()]);
    dec(&json(&run_ok(&args))["total"])
}

fn diff_json(old: &str, new: &str, data: &[String], extra: &[&str]) -> Value {
    let mut args: Vec<String> = vec!["diff".into(), old.into(), new.into()];
    args.extend(data.iter().cloned());
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(["--format".into(), "json".into()]);
    json(&run_ok(&args))
}

/// Acceptance 1: on every example ledger set, the per-payee changes add up to the total
/// change, which equals the difference between the two plans' `run` totals.
fn assert_changes_add_up(old: &str, new: &str, data: &[String]) {
    let d = diff_json(old, new, data, &[]);
    let (old_run, new_run) = (run_total(old, data, &[]), run_total(new, data, &[]));
    assert_eq!(dec(&d["total"]["old"]), old_run, "{old} on {data:?}");
    assert_eq!(dec(&d["total"]["new"]), new_run, "{new} on {data:?}");
    assert_eq!(dec(&d["total"]["change"]), new_run - old_run);
    let per_payee: Decimal = d["per_payee"].as_array().unwrap().iter().map(|p| dec(&p["change"])).sum();
    assert_eq!(per_payee, new_run - old_run, "{old} -> {new} on {data:?}");
    let components: Decimal = d["components"].as_array().unwrap().iter().map(|c| dec(&c["change"])).sum();
    assert_eq!(components, new_run - old_run);
    // One pass per ledger for both plans.
    for read in d["reads"].as_array().unwrap() {
        assert_eq!(read["passes"], 1, "{read}");
    }
}

fn data(pairs: &[(&str, &str)]) -> Vec<String> {
    pairs.iter().flat_map(|(n, p)| ["--data".to_string(), format!("{n}={p}")]).collect()
}

#[test]
fn changes_add_up_on_every_example_ledger() {
    let telecom = data(&[("sales", "examples/telecom/sales.csv"), ("surveys", "examples/telecom/surveys.csv")]);
    let budget = data(&[("sales", "examples/budget/sales.csv"), ("surveys", "examples/budget/surveys.csv")]);
    let fixture = data(&[("sales", "tests/fixtures/seed/sales.csv"), ("surveys", "tests/fixtures/seed/surveys.csv")]);
    for set in [&telecom, &budget, &fixture] {
        assert_changes_add_up(FLAT, MARGINAL, set);
        assert_changes_add_up(MARGINAL, FLAT, set);
    }
    // The roster-based plan against a copy with a lower cap and a richer volume bonus.
    let dir = tempfile::tempdir().unwrap();
    let by_business = fs::read_to_string(root().join("policies/telecom-by-business.policy")).unwrap();
    let changed = by_business.replace("cap 50_000", "cap 20_000").replace("fixed 5_000", "fixed 8_000");
    assert_ne!(changed, by_business);
    let copy = dir.path().join("by-business-v2.policy");
    fs::write(&copy, changed).unwrap();
    let roster = data(&[
        ("roster", "examples/by-business/roster.csv"),
        ("sales", "examples/by-business/sales.csv"),
        ("surveys", "examples/by-business/surveys.csv"),
    ]);
    assert_changes_add_up("policies/telecom-by-business.policy", copy.to_str().unwrap(), &roster);
}

/// Flat against marginal brackets on the hand-checked seed ledger (see `seed_plan.rs` for
/// the ledger). Only `sales_performance` differs. A month in the 5% bracket pays 2,000.00
/// less under marginal brackets (3% x 100,000 + 5% x (S - 100,000) = 5% x S - 2,000), a month
/// in the 8% bracket 11,000.00 less (3,000 + 10,000 + 8% x (S - 300,000) = 8% x S - 11,000):
///   王芳  Jan 100,000.00 (5%), Feb 299,999.99 (5%), Mar 300,000.00 (8%): -2,000 -2,000 -11,000 = -15,000.00
///         (Feb: 15,000.00 flat, 3,000 + 9,999.9995 = 12,999.9995 -> 13,000.00 marginal)
///   李娜  Apr 300,000.01 (8%): 24,000.00 flat, 13,000.0008 -> 13,000.00 marginal: -11,000.00
///   张伟  May 150,000.00 (5%): 7,500.00 -> 5,500.00: -2,000.00
///   陈静  Apr 132,222.22 (5%): 6,611.11 -> 4,611.11: -2,000.00
/// Total -30,000.00; nobody gains. Sorted by change, largest first: 张伟 and 陈静 (-2,000.00,
/// tie broken by id, 张 U+5F20 before 陈 U+9648), 李娜, 王芳.
/// Quantiles of (-15,000, -11,000, -2,000, -2,000) at position 3p: median 1.5 -> -11,000 +
/// 0.5 x 9,000 = -6,500; p25 0.75 -> -15,000 + 0.75 x 4,000 = -12,000; p10 0.3 -> -13,800.
#[test]
fn flat_against_marginal_on_the_seed_ledger() {
    let fixture: Vec<String> = FIXTURE.iter().map(|s| s.to_string()).collect();
    let d = diff_json(FLAT, MARGINAL, &fixture, &["--top", "2"]);
    assert_eq!(d["total"]["change"], "-30000.00");
    let order: Vec<(&str, &str)> = d["per_payee"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["payee"].as_str().unwrap(), p["change"].as_str().unwrap()))
        .collect();
    assert_eq!(order, [("张伟", "-2000.00"), ("陈静", "-2000.00"), ("李娜", "-11000.00"), ("王芳", "-15000.00")]);
    assert_eq!(d["payees"]["gain"], 0);
    assert_eq!(d["payees"]["lose"], 4);
    assert_eq!(d["payees"]["equal"], 0);
    assert_eq!(d["largest_gains"].as_array().unwrap().len(), 0);
    let losers: Vec<&str> =
        d["largest_losses"].as_array().unwrap().iter().map(|p| p["payee"].as_str().unwrap()).collect();
    assert_eq!(losers, ["王芳", "李娜"]);
    let q = &d["distribution"];
    assert_eq!((&q["min"], &q["p10"], &q["p25"]), (&"-15000.00".into(), &"-13800.00".into(), &"-12000.00".into()));
    assert_eq!((&q["median"], &q["p75"], &q["max"]), (&"-6500.00".into(), &"-2000.00".into(), &"-2000.00".into()));
    let components: Vec<(&str, &str)> = d["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["new_name"].as_str().unwrap(), c["change"].as_str().unwrap()))
        .collect();
    assert_eq!(components, [("sales_performance", "-30000.00"), ("retention", "0.00"), ("satisfaction_bonus", "0.00")]);
}

/// Each payee's total over a `run`'s JSON statements.
fn payee_totals(statements: &Value) -> std::collections::BTreeMap<String, Decimal> {
    let mut out = std::collections::BTreeMap::new();
    for s in statements["statements"].as_array().unwrap() {
        *out.entry(s["payee"].as_str().unwrap().to_string()).or_insert(Decimal::ZERO) += dec(&s["total"]);
    }
    out
}

/// A diff's old and new totals, payee by payee.
fn diff_sides(d: &Value) -> (std::collections::BTreeMap<String, Decimal>, std::collections::BTreeMap<String, Decimal>) {
    let side = |key: &str| {
        d["per_payee"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["payee"].as_str().unwrap().to_string(), dec(&p[key])))
            .collect()
    };
    (side("old"), side("new"))
}

/// The second plan's figures that are the first's (the same expressions over the same
/// ledgers: against the marginal seed plan, the retention and satisfaction bonus and all four
/// metrics) are taken from the first plan's statements, not computed again (`eval::reuse`):
/// each side of the diff is still, payee by payee, what that plan's own `run` pays. A rate
/// changed in the table a component's aggregate reads, the component's text unchanged (the
/// by-business plan with iot at 7%, not 5%), is computed again: that component changes,
/// no other does, and each side is again its own run's.
#[test]
fn figures_alike_are_taken_from_the_first_plan_and_each_side_is_its_runs() {
    let telecom = ["--data", "sales=examples/telecom/sales.csv", "--data", "surveys=examples/telecom/surveys.csv"];
    let data: Vec<String> = telecom.iter().map(|s| s.to_string()).collect();
    let (old, new) = diff_sides(&diff_json(FLAT, MARGINAL, &data, &[]));
    let run_json = |policy: &str| {
        let mut args = vec!["run", policy];
        args.extend(telecom);
        args.extend(["--format", "json"]);
        json(&run_ok(&args))
    };
    assert_eq!(old, payee_totals(&run_json(FLAT)));
    assert_eq!(new, payee_totals(&run_json(MARGINAL)));
    assert!(old.len() >= 10 && old != new);

    let by_business = "policies/telecom-by-business.policy";
    let text = fs::read_to_string(root().join(by_business)).unwrap();
    let iot = r#""iot",       _            -> 5%"#;
    assert!(text.contains(iot));
    let v2 = text.replace(iot, r#""iot",       _            -> 7%"#);
    let files = crate::BY_BUSINESS_DATA;
    let d = json(
        &Test::new()
            .current_dir_repo()
            .policy(&v2)
            .args(["diff", by_business, "{policy}"])
            .args(files)
            .args(["--format", "json"])
            .run()
            .stdout,
    );
    let v2_run = json(
        &Test::new()
            .current_dir_repo()
            .policy(&v2)
            .args(["run", "{policy}"])
            .args(files)
            .args(["--format", "json"])
            .run()
            .stdout,
    );
    let mut args = vec!["run", by_business];
    args.extend(files);
    args.extend(["--format", "json"]);
    let (old, new) = diff_sides(&d);
    assert_eq!(old, payee_totals(&json(&run_ok(&args))));
    assert_eq!(new, payee_totals(&v2_run));
    let changed: Vec<&str> = d["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] != "0.00")
        .map(|c| c["new_name"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["sales_commission"]);
}

/// A new plan that takes the old plan's fold and some of its figures (the marginal plan)
/// but fails in a figure of its own (a retention too large to round, for the first payee and
/// month) fails the diff as it fails its own `run`: the same message, the same exit code, no
/// output file.
#[test]
fn a_new_plan_that_fails_fails_the_diff_as_its_run() {
    let marginal = fs::read_to_string(root().join(MARGINAL)).unwrap();
    let retention = r#"pay 5% * sum(sales.amount where kind in ["renewal", "upsell"])"#;
    assert!(marginal.contains(retention));
    let bad = marginal.replace(retention, &format!("{retention} * 100_000_000_000_000_000_000_000_000"));
    let telecom = ["--data", "sales=examples/telecom/sales.csv", "--data", "surveys=examples/telecom/surveys.csv"];
    // The policy's folder shown as `{dir}`: each command writes the policy in its own.
    let ran = |args: &[&str]| {
        Test::new()
            .current_dir_repo()
            .policy(&bad)
            .args(args.iter().copied())
            .args(telecom)
            .status(1)
            .redact_dir()
            .run()
    };
    let run = ran(&["run", "{policy}"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("too large to round (payee `AM001`, 2026-01)"), "{}", run.stderr);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("diff.json");
    let out_text = out.to_str().unwrap();
    let d = ran(&["diff", FLAT, "{policy}", "--format", "json", "--output", out_text]);
    assert_eq!((d.code, &d.stderr), (run.code, &run.stderr));
    assert!(!out.exists());
}

/// A component renamed (same label), one removed, one added: shown as such, not an error.
/// The added `new_logo` pays 100.00 per `new` sale: the fixture has 19 of them in H1
/// (`grep -c ,new, tests/fixtures/seed/sales.csv`), so 1,900.00.
#[test]
fn renamed_added_and_removed_components_are_shown() {
    let seed = fs::read_to_string(root().join(FLAT)).unwrap();
    let start = seed.find("component satisfaction_bonus").unwrap();
    let mut v2 = seed[..start].replace("component retention ", "component customer_retention ");
    v2.push_str("component new_logo \"新客户奖励\" monthly {\n  pay 100 CNY * count(sales where kind = \"new\")\n}\n");
    let against_v2 = || Test::new().current_dir_repo().policy(&v2).args(["diff", FLAT, "{policy}"]).args(FIXTURE);
    let d = json(&against_v2().args(["--format", "json"]).run().stdout);
    let rows: Vec<(Value, Value, &str)> = d["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["old_name"].clone(), c["new_name"].clone(), c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [
            ("sales_performance".into(), "sales_performance".into(), "same"),
            ("retention".into(), "customer_retention".into(), "renamed"),
            ("satisfaction_bonus".into(), Value::Null, "removed"),
            (Value::Null, "new_logo".into(), "added"),
        ]
    );
    let added = d["components"].as_array().unwrap().iter().find(|c| c["status"] == "added").unwrap();
    assert_eq!(added["new"], "1900.00");
    assert_eq!(added["change_pct"], Value::Null);
    against_v2()
        .stdout_contains("retention -> customer_retention")
        .stdout_contains("removed")
        .stdout_contains("added")
        .run();
}

/// Payees of one side only are named; files whose role differs between the plans are read
/// once per plan, and stderr says why.
///   sales: A 10,000.00 new (Jan), B 20,000.00 renewal (Jan); surveys: B 90% and C 85% (Q1).
///   old (payees from sales): A 3% x 10,000 = 300.00; B 600.00 + 1,000.00 retention + 400.00
///       Q1 bonus (2% x 20,000) = 2,000.00; total 2,300.00
///   new (payees from surveys): B 2,000.00; C has no sales: 0.00; total 2,000.00
///   changes: A -300.00 (old only), B 0.00, C 0.00 (new only); sum -300.00
#[test]
fn payees_on_one_side_only_are_named() {
    let seed = fs::read_to_string(root().join(FLAT)).unwrap();
    let ran = Test::new()
        .current_dir_repo()
        .policy(seed.replace("payee sales.manager", "payee surveys.manager"))
        .ledger(
            "sales",
            "id,date,manager,customer,kind,business,segment,amount\nS1,2026-01-05,A,C1,new,mobile,sme,10000.00\nS2,2026-01-06,B,C2,renewal,cloud,sme,20000.00\n",
        )
        .ledger("surveys", "manager,quarter,satisfaction\nB,2026-Q1,90%\nC,2026-Q1,85%\n")
        .args(["diff", FLAT, "{policy}", "--from", "2026-01", "--to", "2026-03", "--format", "json"])
        .stderr_contains("cannot share one pass")
        .run();
    let d = json(&ran.stdout);
    assert_eq!(d["total"]["old"], "2300.00");
    assert_eq!(d["total"]["new"], "2000.00");
    assert_eq!(d["payees"]["only_old"], serde_json::json!(["A"]));
    assert_eq!(d["payees"]["only_new"], serde_json::json!(["C"]));
    assert_eq!((&d["payees"]["lose"], &d["payees"]["equal"]), (&1.into(), &2.into()));
    let a = d["per_payee"].as_array().unwrap().iter().find(|p| p["payee"] == "A").unwrap();
    assert_eq!((&a["old"], &a["new"], &a["change"]), (&"300.00".into(), &Value::Null, &"-300.00".into()));
    for read in d["reads"].as_array().unwrap() {
        assert_eq!(read["passes"], 2, "{read}");
    }
}

/// `--explain`: the figures and the values behind them, per component and period.
#[test]
fn explain_shows_one_payee_side_by_side() {
    let mut args: Vec<&str> = vec!["diff", FLAT, MARGINAL];
    args.extend(FIXTURE);
    args.extend(["--period", "2026-Q1", "--explain", "王芳", "--format", "json"]);
    let d = json(&run_ok(&args));
    assert_eq!(d["payee"], "王芳");
    // Q1 under flat (figures of `seed_plan.rs`): 5,000.00 + 15,000.00 + 24,000.00 sales
    // commission, 1,500.00 + 5,000.00 + 2,500.00 retention, 14,000.00 bonus = 67,000.00.
    // Marginal brackets change only the sales commission: -2,000 -2,000 -11,000 = -15,000.00.
    assert_eq!((&d["total"]["old"], &d["total"]["change"]), (&"67000.00".into(), &"-15000.00".into()));
    let lines = d["lines"].as_array().unwrap();
    let feb = lines.iter().find(|l| l["component"] == "sales_performance" && l["period"] == "2026-02").unwrap();
    assert_eq!(feb["old"]["amount"], "15000.00");
    assert_eq!(feb["new"]["amount"], "13000.00");
    assert_eq!(feb["old"]["computed_from"]["sum(sales.amount)"], "299999.99");
    let bonus = lines.iter().find(|l| l["component"] == "satisfaction_bonus").unwrap();
    assert_eq!(bonus["period"], "2026-Q1");
    assert_eq!(bonus["old"]["computed_from"]["surveys.satisfaction"], "0.8");
    assert_eq!(bonus["old"]["computed_from"]["sum(sales.amount)"], "699999.99");
    // 3 months of two monthly components, one quarter of the bonus.
    assert_eq!(lines.len(), 7);

    let mut args: Vec<&str> = vec!["diff", FLAT, MARGINAL];
    args.extend(FIXTURE);
    args.extend(["--explain", "王方"]);
    let ran = run(&args);
    assert_eq!(ran.code, 2);
    assert_code(&ran, "E0416");
    assert!(ran.stderr.contains("`王芳`"), "the nearest payee is suggested: {}", ran.stderr);
}

#[test]
fn markdown_and_csv_formats() {
    let mut args: Vec<&str> = vec!["diff", FLAT, MARGINAL];
    args.extend(FIXTURE);
    let md = run_ok(args.iter().chain(&["--format", "md"]));
    assert!(md.starts_with("# Comparison"), "{md}");
    assert!(md.contains("## Cost by component") && md.contains("| -30,000.00 |"), "{md}");
    let csv = run_ok(args.iter().chain(&["--format", "csv"]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "payee,old,new,change,change_pct,note");
    assert_eq!(lines.len(), 5);
    assert!(lines[4].starts_with("王芳,") && lines[4].contains(",-15000.00,"), "{csv}");
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

fn diff_in(dir: &Path, old: &str, new: &str, extra: &[&str]) -> Ran {
    let sales = format!("sales={}", root().join("tests/fixtures/seed/sales.csv").display());
    let surveys = format!("surveys={}", root().join("tests/fixtures/seed/surveys.csv").display());
    commission()
        .current_dir(dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .args(["diff", old, new, "--data", &sales, "--data", &surveys])
        .args(extra)
        .output()
        .unwrap()
        .into()
}

/// Two commits of one policy: the 5% bracket raised to 6%. Only months in the 5% bracket
/// change, by 1% of their sales (see `seed_plan.rs` for the ledger):
///   王芳 Jan 100,000.00: +1,000.00; Feb 299,999.99: 17,999.9994 -> 18,000.00 vs 15,000.00: +3,000.00
///   张伟 May 150,000.00: +1,500.00
///   陈静 Apr 132,222.22: 7,933.3332 -> 7,933.33 vs 6,611.11: +1,322.22
///   李娜 has no month in the 5% bracket: 0.00
/// Total +6,822.22; three gain, one is equal.
#[test]
fn git_revisions_of_a_policy() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    fs::create_dir(dir.join("policies")).unwrap();
    let policy = dir.join("policies/plan.policy");
    let seed = fs::read_to_string(root().join(FLAT)).unwrap();
    fs::write(&policy, &seed).unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "v1"]);
    git(dir, &["tag", "v2026.1"]);
    fs::write(&policy, seed.replace("from 100_000  rate 5%", "from 100_000  rate 6%")).unwrap();
    git(dir, &["commit", "-qam", "v2"]);

    for (old, new) in [
        ("HEAD~1:policies/plan.policy", "HEAD:policies/plan.policy"),
        ("v2026.1:policies/plan.policy", "policies/plan.policy"),
    ] {
        let ran = diff_in(dir, old, new, &["--format", "json"]);
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        let d = json(&ran.stdout);
        assert_eq!(d["old"]["source"], old);
        assert_eq!(d["total"]["change"], "6822.22");
        let changes: Vec<(&str, &str)> = d["per_payee"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["payee"].as_str().unwrap(), p["change"].as_str().unwrap()))
            .collect();
        assert_eq!(changes, [("王芳", "4000.00"), ("张伟", "1500.00"), ("陈静", "1322.22"), ("李娜", "0.00")]);
        assert_eq!((&d["payees"]["gain"], &d["payees"]["equal"]), (&3.into(), &1.into()));
    }

    let ran = diff_in(dir, "v9:policies/plan.policy", "HEAD:policies/plan.policy", &[]);
    assert_eq!(ran.code, 2);
    assert_code(&ran, "E0405");
    assert!(ran.stderr.contains("`v9`"), "{}", ran.stderr);
    let ran = diff_in(dir, "HEAD:policies/nope.policy", "HEAD:policies/plan.policy", &[]);
    assert_eq!(ran.code, 2);
    assert_code(&ran, "E0406");
    assert!(ran.stderr.contains("`policies/nope.policy`"), "{}", ran.stderr);

    let outside = tempfile::tempdir().unwrap();
    let ran = diff_in(outside.path(), "HEAD~1:policies/plan.policy", "HEAD:policies/plan.policy", &[]);
    assert_eq!(ran.code, 2);
    assert_code(&ran, "E0404");
}
