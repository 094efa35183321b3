//! Pipes: `--data NAME=-` reads standard input, `-o -` writes standard output, and a reader
//! that closes the pipe early (`| head -1`) ends the command quietly with exit code 0.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::{assert_code, commission, Ran, SALES_POLICY};

/// 10% of each month's sales.
fn policy() -> String {
    format!("{SALES_POLICY}component c monthly {{\n  pay sum(sales.amount) * 10%\n}}\n")
}

/// A folder with the policy written in it.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.policy"), policy()).unwrap();
    dir
}

#[test]
fn a_ledger_on_standard_input() {
    let dir = folder();
    // M1: 1,000.00 in January (pays 100.00) and 2,000.00 in February (pays 200.00).
    let sales = "id,date,manager,amount\nS1,2026-01-05,M1,1000.00\nS2,2026-02-07,M1,2000.00\n";
    let ran: Ran = commission()
        .current_dir(dir.path())
        .args(["run", "policy.policy", "--data", "sales=-", "--format", "csv", "-o", "-"])
        .write_stdin(sales)
        .output()
        .unwrap()
        .into();
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout, "payee,period,c,total\nM1,2026-01,100.00,100.00\nM1,2026-02,200.00,200.00\n");
    // `-o -` is standard output, not a file named `-`.
    assert!(!dir.path().join("-").exists());
    // A bad value on standard input is located there: line 3, column 4 (the amount).
    let ran: Ran = commission()
        .current_dir(dir.path())
        .args(["run", "policy.policy", "--data", "sales=-"])
        .write_stdin("id,date,manager,amount\nS1,2026-01-05,M1,1000.00\nS2,2026-02-07,M1,lots\n")
        .output()
        .unwrap()
        .into();
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("stdin:3:4"), "{}", ran.stderr);
}

#[test]
fn standard_input_is_read_by_one_input_only() {
    let ran: Ran = commission()
        .args(["run", "policies/telecom-account-manager.policy", "--data", "sales=-", "--data", "surveys=-"])
        .write_stdin("")
        .output()
        .unwrap()
        .into();
    assert_eq!(ran.code, 2);
    assert_code(&ran, "E0435");
}

/// `commission run ... | head -1`: the reader takes one line and closes the pipe while the
/// program still has much to write. The program stops there, with exit code 0 and nothing
/// on standard error (no "broken pipe" message).
#[test]
fn a_pipe_closed_early_ends_quietly() {
    let dir = folder();
    // 10,000 payees: about 280 KB of CSV, far more than a pipe holds (64 KB on Linux), so
    // the program is still writing when the reader goes.
    let mut sales = String::from("id,date,manager,amount\n");
    for i in 0..10_000 {
        sales.push_str(&format!("S{i},2026-01-05,M{i:05},1000.00\n"));
    }
    std::fs::write(dir.path().join("sales.csv"), sales).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("commission"))
        .current_dir(dir.path())
        .args(["run", "policy.policy", "--data", "sales=sales.csv", "--format", "csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    // The reader (and with it the pipe's only read end) is dropped here: the pipe is closed.
    assert_eq!(first, "payee,period,c,total\n");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// `-o -` for the commands that write a folder: `report --one-file` has one page, which goes
/// to standard output; several pages cannot.
#[test]
fn a_report_of_one_page_goes_to_standard_output() {
    let report = ["report", "policies/telecom-account-manager.policy", "--project", "examples/telecom/commission.toml"];
    let page = crate::run_ok(report.iter().chain(&["--period", "2026-03", "--one-file", "-o", "-", "--format", "md"]));
    // The team overview comes first and names 王芳, a payee of the example.
    assert!(page.contains("王芳"), "{page}");
    assert!(!std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("-").exists());
    let ran = crate::run(report.iter().chain(&["--period", "2026-03", "-o", "-"]));
    assert_eq!(ran.code, 2);
    assert_code(&ran, "E0439");
    let ran = crate::run(["generate", "--managers", "3", "-o", "-"]);
    assert_eq!(ran.code, 2);
    assert_code(&ran, "E0439");
}
