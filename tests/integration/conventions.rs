//! Command-line conventions shared with other tools: `check` takes folders, `run` takes a git
//! revision of a policy, and long row counts are grouped.

use std::path::Path;
use std::process::Command;

use crate::harness::Test;
use crate::SALES_POLICY;

/// `pay` at `rate` of each month's sales.
fn policy(rate: &str) -> String {
    format!("{SALES_POLICY}component c monthly {{\n  pay sum(sales.amount) * {rate}\n}}\n")
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn check_takes_folders() {
    // The shipped plans: one `ok` line each, in file-name order.
    let ran = Test::new().current_dir_repo().args(["check", "policies"]).run();
    let ok: Vec<&str> = ran.stdout.lines().map(|l| l.split(": ok").next().unwrap()).collect();
    assert_eq!(
        ok,
        [
            "policies/telecom-2027.policy",
            "policies/telecom-account-manager.policy",
            "policies/telecom-by-business.policy",
            "policies/telecom-marginal.policy"
        ]
    );
    // A folder with a good and a bad policy (in a subfolder): the good one is checked, the
    // bad one's error is shown, and the exit code is the worst met.
    Test::new()
        .file("plans/good.policy", policy("10%"))
        .file("plans/old/bad.policy", policy("10%").replace("sum(sales.amount)", "sum(sales.amuont)"))
        .args(["check", "plans"])
        .status(1)
        .stdout_contains("plans/good.policy: ok")
        .code("E0119") // the unknown column `amuont`
        .run();
}

#[test]
fn run_takes_a_git_revision_of_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.policy"), policy("10%")).unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "10%"]);
    let sales = "id,date,manager,amount\nS1,2026-01-05,M1,1000.00\n";
    // The file now pays 20%: 200.00 of 1,000.00; the committed version pays 10%: 100.00.
    let run = |spec: &str, expected: &str| {
        Test::in_dir(dir.path())
            .policy(policy("20%"))
            .ledger("sales", sales)
            .args(["run", spec, "--format", "csv"])
            .stdout(format!("payee,period,c,total\nM1,2026-01,{expected},{expected}\n"))
            .run()
    };
    run("policy.policy", "200.00");
    run("HEAD:policy.policy", "100.00");
    Test::in_dir(dir.path()).ledger("sales", sales).args(["run", "nope:policy.policy"]).status(2).code("E0405").run();
}

#[test]
fn long_row_counts_are_grouped_by_thousands() {
    // 1,200 sales in January and 34 in February; the run covers January.
    let mut sales = String::from("id,date,manager,amount\n");
    for i in 0..1234 {
        let date = if i < 1200 { "2026-01-05" } else { "2026-02-05" };
        sales.push_str(&format!("S{i},{date},M1,1.00\n"));
    }
    Test::new()
        .policy(policy("10%"))
        .ledger("sales", &sales)
        .args(["run", "{policy}", "--period", "2026-01"])
        .stdout_contains("rows of sales: 1,234 read, 1,200 used, 34 outside the range, 0 rejected")
        .run();
    // A bad row after 1,234 good ones: the summary of the rejected rows groups its counts too.
    sales.push_str("S9999,2026-01-05,M1,lots\n");
    Test::new()
        .policy(policy("10%"))
        .ledger("sales", &sales)
        .args(["run", "{policy}", "--max-errors", "5"])
        .status(2)
        .stderr_contains("1 rejected row of 1,235 read")
        .run();
}

/// The tool's own messages in colour: `--color always` colours human messages (even with
/// `NO_COLOR` set: the flag is explicit), `--color never` and a non-terminal (as here) do
/// not, and machine formats never do.
#[test]
fn colour_is_asked_for_or_left_out() {
    const ESC: &str = "\u{1b}[";
    let bad = policy("10%").replace("sum(sales.amount)", "sum(sales.amuont)");
    let ran = |args: &[&str], no_color: bool| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.policy"), &bad).unwrap();
        let mut cmd = crate::commission();
        cmd.current_dir(dir.path()).arg("check").arg("bad.policy").args(args).env_remove("NO_COLOR");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let ran: crate::Ran = cmd.output().unwrap().into();
        assert_eq!(ran.code, 1, "{}", ran.stderr);
        assert!(ran.stderr.contains("E0119"), "{}", ran.stderr);
        ran.stderr
    };
    assert!(ran(&["--color", "always"], false).contains(ESC));
    assert!(ran(&["--color", "always"], true).contains(ESC));
    assert!(!ran(&["--color", "never"], false).contains(ESC));
    // Standard error is a pipe here: `auto` leaves colour out.
    assert!(!ran(&[], false).contains(ESC));
    assert!(!ran(&["--color", "always", "--message-format", "plain"], false).contains(ESC));
    assert!(!ran(&["--color", "always", "--message-format", "json"], false).contains(ESC));
}

/// On a real terminal (a pseudo-terminal made by util-linux's `script`, part of every Debian
/// system), `auto` colours human messages, and `NO_COLOR` turns that off.
#[test]
fn on_a_terminal_auto_colours_unless_no_color() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.policy"), "x").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("commission");
    let on_terminal = |no_color: bool| {
        let mut cmd = Command::new("script");
        cmd.current_dir(dir.path())
            .args(["-qec", &format!("'{}' check bad.policy", bin.display()), "/dev/null"])
            .env_remove("NO_COLOR");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd.output().unwrap_or_else(|e| {
            panic!("cannot run `script` (util-linux) to make a terminal: {e}; run tests/run.sh, or install util-linux")
        });
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(text.contains("E0001"), "{text}");
        text
    };
    assert!(on_terminal(false).contains("\u{1b}["));
    assert!(!on_terminal(true).contains("\u{1b}["));
}

/// `generate` says how many sales it wrote with the digits grouped too.
#[test]
fn generate_groups_the_count_of_sales() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ledgers");
    // 50 payees x 12 months x about 20 sales each (5,000,000 a month at 5,000 a sale over
    // 50 payees): well over a thousand sales.
    let ran = crate::run([
        "generate",
        "--managers",
        "50",
        "--monthly-sales",
        "5000000",
        "--average-sale",
        "5000",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let count = ran.stderr.split(": ").nth(1).and_then(|rest| rest.split(" sales over").next()).unwrap();
    let groups: Vec<&str> = count.split(',').collect();
    assert!(groups.len() >= 2, "{count} is not grouped: {}", ran.stderr);
    assert!(groups[1..].iter().all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit())), "{count}");
}

/// A progress bar is drawn on a terminal while ledgers are read (here at once instead of after
/// two seconds, through `COMMISSION_PROGRESS_AFTER_MS`), never with `--quiet` and never when
/// standard error is not a terminal; the statements are printed in full either way. Asked for
/// at once, the bar looks every millisecond until the reading starts; the ledger has 200,000
/// rows, so that its reading (tens of milliseconds even in a release build on all cores)
/// outlasts that.
#[test]
fn a_progress_bar_on_a_terminal_only_and_not_with_quiet() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.policy"), policy("1%")).unwrap();
    let mut ledger = String::from("id,date,manager,amount\n");
    for i in 0..200_000 {
        ledger.push_str(&format!("S{i:07},2026-01-{:02},M{},100.00\n", 1 + i % 28, i % 10));
    }
    std::fs::write(dir.path().join("sales.csv"), ledger).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("commission");
    let command = format!("'{}' run p.policy --data sales=sales.csv --format csv", bin.display());
    let on_terminal = |extra: &str| {
        let out = Command::new("script")
            .current_dir(dir.path())
            .args(["-qec", &format!("{command}{extra}"), "/dev/null"])
            .env("COMMISSION_PROGRESS_AFTER_MS", "0")
            .output()
            .unwrap_or_else(|e| panic!("cannot run `script` (util-linux) to make a terminal: {e}; run tests/run.sh"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // 20,000 rows of 100.00 for each of M0..M9: 2,000,000.00 at 1% is 20,000.00.
    let shown = on_terminal("");
    assert!(shown.contains("reading ledgers"), "{shown}");
    assert!(shown.contains("M9,2026-01,20000.00,20000.00"), "{shown}");
    let quiet = on_terminal(" --quiet");
    assert!(!quiet.contains("reading ledgers"), "{quiet}");
    assert!(quiet.contains("M9,2026-01,20000.00,20000.00"), "{quiet}");
    let piped = Command::new(&bin)
        .current_dir(dir.path())
        .args(["run", "p.policy", "--data", "sales=sales.csv", "--format", "csv"])
        .env("COMMISSION_PROGRESS_AFTER_MS", "0")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("reading ledgers"));
}
