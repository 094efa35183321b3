//! The monthly performance report: Markdown snapshots on the hand-checked ledger, and the
//! HTML is one self-contained file per payee plus a team page.

use std::fs;

use crate::harness::Test;
use crate::{run, run_ok};

const SEED: &str = "policies/telecom-account-manager.policy";
const SALES: &str = "sales=tests/fixtures/seed/sales.csv";
const SURVEYS: &str = "surveys=tests/fixtures/seed/surveys.csv";

fn report(extra: &[&str]) -> (tempfile::TempDir, Vec<String>) {
    let (dir, names, _) = report_saying(extra);
    (dir, names)
}

/// [`report`], and what the command said on standard error.
fn report_saying(extra: &[&str]) -> (tempfile::TempDir, Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap().to_string();
    let mut args = vec!["report", SEED, "--data", SALES, "--data", SURVEYS, "--output", &out];
    args.extend(extra);
    let ran = run(&args);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let mut names: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    (dir, names, ran.stderr)
}

/// 王芳, March, hand-checked (seed_plan.rs): sales 300,000.00 (S015 180,000 + S017 70,000 +
/// S018 50,000), 3 distinct customers (金桥银行, 远航航运, 华星科技), renewals 50,000.00 of
/// 300,000.00 = 16.7% (0.1666.. rounded to 0.001), satisfaction 80%; pay 24,000.00 +
/// 2,500.00 + 14,000.00 = 40,500.00; top bracket reached; trend: Jan 100,000.00 x 5% +
/// 30,000.00 x 5% = 6,500.00; Feb 299,999.99 x 5% = 14,999.9995 -> 15,000.00 plus
/// 100,000.00 x 5% = 5,000.00, so 20,000.00; Mar 40,500.00.
#[test]
fn markdown_report_for_one_payee() {
    let (dir, names) = report(&["--period", "2026-03", "--payee", "王芳", "--format", "md"]);
    assert_eq!(names, vec!["2026-03-王芳.md"]);
    let text = fs::read_to_string(dir.path().join("2026-03-王芳.md")).unwrap();
    for expected in [
        "| 销售额 | 300,000.00 |",
        "| 客户数 | 3 |",
        "| 续约与增购占比 | 16.7% |",
        "| 客户满意度 | 80% |",
        "| **合计** | **40,500.00** |",
        "已达最高档",
        "| 2026-01 | 6,500.00 |",
        "| 2026-02 | 20,000.00 |",
        "| 2026-03 | 40,500.00 |",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in\n{text}");
    }
    insta::assert_snapshot!("report_md_wang_fang_march", text);
}

/// 李娜, January: 99,999.99 of sales -> 3% bracket; 0.01 more reaches 5%, where the flat
/// tier pays 100,000.00 x 5% = 5,000.00 instead of 2,999.9997.
#[test]
fn report_says_how_far_the_next_bracket_is() {
    let (dir, _) = report(&["--period", "2026-01", "--payee", "李娜", "--format", "md", "--lang", "en"]);
    let text = fs::read_to_string(dir.path().join("2026-01-李娜.md")).unwrap();
    assert!(
        text.contains("0.01 CNY more this month reaches the 5% bracket (it would pay 5,000.00 instead of 3,000.00)"),
        "{text}"
    );
}

#[test]
fn html_reports_are_self_contained_pages_per_payee_and_team() {
    let (dir, names) = report(&["--period", "2026-03"]);
    assert_eq!(
        names,
        vec!["2026-03-team.html", "2026-03-张伟.html", "2026-03-李娜.html", "2026-03-王芳.html", "2026-03-陈静.html"]
    );
    for name in &names {
        let html = fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("name=\"viewport\"") && html.contains("@page{size:A4"));
        assert!(
            !html.contains("<script") && !html.contains("http://") && !html.contains("https://")
                || html.contains("xmlns=\"http://www.w3.org/2000/svg\"")
        );
        assert!(!html.contains("<script") && !html.contains("<link"), "{name} loads nothing from outside");
        // Labels come from the policy: a Chinese plan gives a Chinese report.
        assert!(html.contains("销售业绩提成") && html.contains("lang=\"zh-CN\""));
    }
    let team = fs::read_to_string(dir.path().join("2026-03-team.html")).unwrap();
    // March totals (seed_plan.rs): 王芳 40,500.00, 李娜 0.00, 张伟 1,000.03, 陈静 1,750.00 + bonus.
    assert!(team.contains("href=\"2026-03-王芳.html\""), "{team}");
    assert!(team.contains("40,500.00"));
}

/// What was written is said by folder, and by name up to four pages: the seed ledger's four
/// payees and the team page of March are five, so three are named (payees in id order: 张
/// U+5F20, 李 U+674E, 王 U+738B, 陈 U+9648) and two counted; one payee's page is named.
#[test]
fn the_report_says_where_it_wrote_and_names_a_few_pages() {
    for (extra, said) in [
        (
            &["--period", "2026-03"][..],
            "wrote 5 files in {dir}: 2026-03-张伟.html, 2026-03-李娜.html, 2026-03-王芳.html and 2 more",
        ),
        (&["--period", "2026-03", "--payee", "王芳", "--format", "md"][..], "wrote 1 file in {dir}: 2026-03-王芳.md"),
    ] {
        let (dir, _, stderr) = report_saying(extra);
        let said = said.replace("{dir}", dir.path().to_str().unwrap());
        assert!(stderr.contains(&said), "no `{said}` in {stderr}");
    }
}

#[test]
fn one_file_holds_the_team_and_every_payee() {
    let (dir, names) = report(&["--period", "2026-03", "--one-file"]);
    assert_eq!(names, vec!["2026-03-report.html"]);
    let html = fs::read_to_string(dir.path().join("2026-03-report.html")).unwrap();
    assert_eq!(html.matches("<section class=\"page\"").count(), 5);
}

#[test]
fn unknown_payee_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    Test::in_dir(dir.path())
        .current_dir_repo()
        .args(["report", SEED, "--data", SALES, "--data", SURVEYS, "--period", "2026-03", "--payee", "王方"])
        .args(["--output", "{dir}/reports"])
        .status(2)
        .code("E0309")
        .stderr_contains("`王芳`")
        .run();
    assert!(!dir.path().join("reports").exists());
    let _ = run_ok(["check", SEED]);
}

/// Every figure says why, from the statement's explanation. 李娜's Q1 satisfaction is 0.7999
/// (surveys.csv), under the gate's 80%: the bonus is 0.00 and the page names both figures.
/// 王芳, March: 180,000.00 + 70,000.00 + 50,000.00 = 300,000.00 reaches the 8% bracket
/// (from 300,000): 300,000.00 x 8% = 24,000.00; her renewals (S018, 50,000.00) x 5% =
/// 2,500.00; her Q1 satisfaction is 80%, which meets `>= 80%`; the bonus is 2% of Q1 sales
/// 100,000.00 + 299,999.99 + 300,000.00 = 699,999.99, which is 13,999.9998, rounded half-up
/// to 14,000.00.
#[test]
fn every_figure_says_why() {
    let (dir, _) = report(&["--period", "2026-03", "--format", "md", "--lang", "en"]);
    let li = fs::read_to_string(dir.path().join("2026-03-李娜.md")).unwrap();
    assert!(
        li.contains("客户满意度奖励: 客户满意度 2026-Q1 is 79.99%, the threshold is ≥ 80%: not met, so it pays 0.00"),
        "{li}"
    );
    let wang = fs::read_to_string(dir.path().join("2026-03-王芳.md")).unwrap();
    for expected in [
        "销售业绩提成: basis 300,000.00 reaches the bracket 300,000.00 and above at 8%: 300,000.00 × 8% = 24,000.00",
        "× rate 5% = 2,500.00",
        "客户满意度 2026-Q1 is 80%, the threshold is ≥ 80%: met",
        "basis 销售额 2026-Q1 699,999.99 × rate 2% = 13,999.9998",
        "rounded (half_up 0.01): 13,999.9998 becomes 14,000.00",
    ] {
        assert!(wang.contains(expected), "missing `{expected}` in\n{wang}");
    }
    // 陈静 has no survey row for Q2 (surveys.csv): no figure to compare, so no bonus in June.
    let (dir, _) = report(&["--period", "2026-06", "--payee", "陈静", "--format", "md", "--lang", "en"]);
    let chen = fs::read_to_string(dir.path().join("2026-06-陈静.md")).unwrap();
    assert!(
        chen.contains(
            "客户满意度奖励: 客户满意度 2026-Q2 has no data, the threshold is ≥ 80%: not met, so it pays 0.00"
        ),
        "{chen}"
    );
    // The HTML page says the same under each line.
    let (dir, _) = report(&["--period", "2026-03", "--payee", "李娜"]);
    let html = fs::read_to_string(dir.path().join("2026-03-李娜.html")).unwrap();
    assert!(
        html.contains("<span class=\"why\">客户满意度 2026-Q1：79.99%，门槛 ≥ 80%：未达到，本项为 0.00</span>"),
        "{html}"
    );
}

/// The team page ranks by total, shows the sales (the money metric the pay rests on) and bins
/// the totals on round edges. March (seed_plan.rs): 王芳 40,500.00 on sales 300,000.00; 陈静
/// 450.00 + 1,300.00 = 1,750.00 on 15,000.15; 张伟 1,000.03 on no March sales; 李娜 0.00.
/// Sales in all: 315,000.15. Totals span 40,500.00; over about 6 bins that is 6,750.00 a
/// bin, and the next nice width is 10,000: edges 0, 10,000, ... 50,000.
#[test]
fn team_page_ranks_shows_sales_and_bins_on_round_edges() {
    let (dir, _) = report(&["--period", "2026-03", "--format", "md"]);
    let team = fs::read_to_string(dir.path().join("2026-03-team.md")).unwrap();
    for expected in [
        "| 排名 | 人员 | 销售额 | 销售业绩提成 | 客户维护提成 | 客户满意度奖励 | 合计 |",
        "| 1 | 王芳 | 300,000.00 | 24,000.00 | 2,500.00 | 14,000.00 | 40,500.00 |",
        "| 2 | 陈静 | 15,000.15 | 450.00 | 0.00 | 1,300.00 | 1,750.00 |",
        "| 3 | 张伟 | 0.00 | 0.00 | 0.00 | 1,000.03 | 1,000.03 |",
        "| 4 | 李娜 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 |",
        "| | **合计** | **315,000.15** |",
        // 0.00, 1,000.03 and 1,750.00 in the first bin, 40,500.00 in the fifth.
        "提成分布 (人): 0–10,000: 3 · 10,000–20,000: 0 · 20,000–30,000: 0 · 30,000–40,000: 0 · 40,000–50,000: 1",
    ] {
        assert!(team.contains(expected), "missing `{expected}` in\n{team}");
    }
    let (dir, _) = report(&["--period", "2026-03"]);
    let html = fs::read_to_string(dir.path().join("2026-03-team.html")).unwrap();
    let ticks: Vec<&str> = html.split("fill=\"#555\">").skip(1).map(|t| t.split('<').next().unwrap()).collect();
    assert_eq!(ticks, vec!["0", "10,000", "20,000", "30,000", "40,000", "50,000"], "{html}");
    assert!(!html.contains('≥'), "no odd edges: {html}");
}
