//! Integration tests: one binary, driving the real `commission` executable from the
//! repository root, plus library-level property tests.

// Test helpers may fail loudly: a panic here is a failed test, not a crash in the field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod accounting;
mod architecture;
mod browser;
mod budget;
mod check_codes;
mod cli;
mod conventions;
mod curves;
mod determinism;
mod diagnostics;
mod diff;
mod exact_arithmetic;
mod explain;
mod formatting;
mod generate;
mod harness;
mod help;
mod identities;
mod init;
mod ledger_reading;
mod ledgers;
mod limits;
mod lints;
mod lsp;
mod message_formats;
mod output_safety;
mod parallel_fold;
mod pipes;
mod plans_over_time;
mod policy_tests;
mod policy_text;
mod project;
mod properties;
mod random_policies;
mod report;
mod seed_plan;
mod snapshots;
mod streaming;
mod syntax_codes;
mod worked_examples;
mod xlsx_output;

use std::process::Output;

/// The `commission` executable, run from the repository root.
pub fn commission() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("commission").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    // Records of ledgers read with no problem (`data::checked`) go to the build's own
    // temporary folder, not the developer's cache; tests about them set their own.
    cmd.env("COMMISSION_CHECKED", concat!(env!("CARGO_TARGET_TMPDIR"), "/checked"));
    cmd
}

/// A finished run: exit code, stdout and stderr as text.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Ran {
    fn from(o: Output) -> Self {
        Ran {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Runs `commission` with these arguments.
pub fn run<I, S>(args: I) -> Ran
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    commission().args(args).output().unwrap().into()
}

/// Runs and expects success; returns stdout.
pub fn run_ok<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let ran = run(args);
    assert_eq!(ran.code, 0, "expected success, stderr:\n{}", ran.stderr);
    ran.stdout
}

/// The `--data` arguments of the by-business example (`policies/telecom-by-business.policy`).
pub const BY_BUSINESS_DATA: [&str; 6] = [
    "--data",
    "roster=examples/by-business/roster.csv",
    "--data",
    "sales=examples/by-business/sales.csv",
    "--data",
    "surveys=examples/by-business/surveys.csv",
];

/// The head of the smallest useful policy, for tests that write one component after it: one
/// `sales` input (id, date, manager, amount) whose `manager` is paid.
pub const SALES_POLICY: &str = "policy \"p\" version \"1\" currency CNY
input sales {
  key id: text
  period date: date
  payee manager: text
  amount: money
}
payee sales.manager
";

/// The diagnostic codes in human or plain output, in order: miette prints each on a line of
/// its own above the message (human) or as `diagnostic code: E0119` (plain).
pub fn codes(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(|l| l.trim().trim_start_matches("diagnostic code: "))
        .filter(|l| {
            l.len() == 5 && (l.starts_with('E') || l.starts_with('C')) && l.bytes().skip(1).all(|b| b.is_ascii_digit())
        })
        .map(str::to_string)
        .collect()
}

/// Asserts that a run's stderr shows `code`.
#[track_caller]
pub fn assert_code(ran: &Ran, code: &str) {
    let shown = codes(&ran.stderr);
    assert!(shown.iter().any(|c| c == code), "expected {code}, stderr shows {shown:?}:\n{}", ran.stderr);
}

/// The `# run:` line of a policy's comment header: the command that runs it on its example
/// data, without the leading `commission`.
pub fn example_args(policy: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(policy).unwrap();
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("# run: "))
        .unwrap_or_else(|| panic!("{} has no `# run:` line", policy.display()));
    let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    assert_eq!(words.first().map(String::as_str), Some("commission"), "`# run:` starts with `commission run`");
    assert_eq!(words.get(1).map(String::as_str), Some("run"));
    let named = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(words.get(2).unwrap());
    assert_eq!(named, policy, "the `# run:` line runs its own policy");
    words[1..].to_vec()
}

/// The policy's SHA-256 changes with every comment edit; `cli::json_names_the_policy` checks
/// it, so snapshots hide it (JSON field and the short form in the text heading).
pub fn redact_sha(text: &str) -> String {
    text.lines()
        .map(|l| match l.split_once(", sha256 ") {
            Some((head, rest)) if rest.len() >= 13 => {
                format!("{head}, sha256 [sha256]{}", rest.get(12..).unwrap_or(""))
            }
            _ => l.to_string(),
        })
        .map(|l| match l.split_once("\"sha256\": \"") {
            Some((indent, rest)) => {
                format!("{indent}\"sha256\": \"[sha256]\"{}", if rest.ends_with(',') { "," } else { "" })
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks `policy` and runs it in-process on CSV ledgers given as text, one per declared
/// input in declaration order.
pub fn run_in_memory(
    policy: &str,
    ledgers: &[&str],
    options: &commission::eval::RunOptions,
) -> Result<commission::eval::RunResult, commission::diagnostics::Error> {
    use commission::data::{InputFile, LedgerSource};
    let plan = commission::check::compile(commission::source::SourceFile::new("test.policy", policy))?.plan;
    let files: Vec<InputFile> = ledgers
        .iter()
        .enumerate()
        .map(|(input, text)| InputFile {
            input,
            source: LedgerSource::CsvBytes {
                name: format!("input{input}.csv"),
                bytes: text.as_bytes().into(),
                lines: None,
            },
        })
        .collect();
    commission::eval::compute(&plan, &files, options)
}
mod language;
mod sql;
