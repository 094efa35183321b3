//! Command-line parsing, then one module per subcommand. Arguments are turned into validated
//! settings before any work starts; errors become exit codes here and nowhere else.

mod budget;
mod check;
mod curve;
mod diff;
mod doc;
mod explain;
mod explain_code;
mod fmt;
mod generate;
mod inputs;
pub(crate) mod output;
mod performance;
mod revision;
mod run;
mod sql;
mod test;

use std::io::Write;
use std::process::ExitCode;

use std::sync::OnceLock;

use clap::{Parser, Subcommand, ValueEnum};
use commission::diagnostics::{Error, MessageFormat};
pub(crate) use output::{emit, emit_in_place, emit_with};

const EXIT_CODES: &str = "\
Exit codes:
  0  success (warnings allowed)
  1  the policy has errors (syntax, names, types, or a computation that failed)
  2  a ledger, an argument or a file is wrong";

#[derive(Parser)]
#[command(name = "commission", version, about = "Run sales-commission plans written as plain-text policy files", after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How errors and warnings are written: human (drawn with the policy lines), plain (for
    /// screen readers and logs) or json (one object per line, for editors and programs)
    #[arg(long, global = true, value_enum, default_value = "human")]
    message_format: MessageFormatArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum MessageFormatArg {
    Human,
    Plain,
    Json,
}

/// The `--message-format` of this run, set once before any command starts.
static MESSAGE_FORMAT: OnceLock<MessageFormat> = OnceLock::new();

fn message_format() -> MessageFormat {
    MESSAGE_FORMAT.get().copied().unwrap_or_default()
}

/// An error as text, in the chosen message format.
fn render_error(error: &Error) -> String {
    error.render_as(message_format())
}

#[derive(Subcommand)]
enum Command {
    /// Compute every payee's statement for each month of a range
    #[command(after_help = EXIT_CODES)]
    Run(run::RunArgs),
    /// Show how one payee's statement for one month was reached, down to ledger rows
    #[command(after_help = EXIT_CODES)]
    Explain(explain::ExplainArgs),
    /// Write the monthly performance report per payee and a team overview (HTML or Markdown)
    #[command(after_help = EXIT_CODES)]
    Report(performance::ReportArgs),
    /// Render the policy as a plain-language plan document, with worked examples
    #[command(after_help = EXIT_CODES)]
    Doc(doc::DocArgs),
    /// Check policies for errors and warnings without reading any ledger
    #[command(after_help = EXIT_CODES)]
    Check(check::CheckArgs),
    /// Rewrite policies in the one canonical layout (or check that they are in it)
    #[command(after_help = EXIT_CODES)]
    Fmt(fmt::FmtArgs),
    /// Run the `test` blocks of policies and compare the figures they expect
    #[command(after_help = EXIT_CODES)]
    Test(test::TestArgs),
    /// Chart a component's payout and effective rate as its base varies
    #[command(after_help = EXIT_CODES)]
    Curve(curve::CurveArgs),
    /// Explain a warning code (C0001 ...) of `commission check`
    ExplainCode(explain_code::ExplainCodeArgs),
    /// Compare two plans (files or git revisions) on the same ledgers: who gains, who loses
    #[command(after_help = EXIT_CODES)]
    Diff(diff::DiffArgs),
    /// What a plan costs on a ledger: by component, month, role, business; marginal cost
    #[command(after_help = EXIT_CODES)]
    Budget(budget::BudgetArgs),
    /// Write synthetic ledgers (sales, surveys, roster) to try a plan on
    #[command(after_help = EXIT_CODES)]
    Generate(generate::GenerateArgs),
    /// Compile the policy to one SQL query (DuckDB, Spark) that computes the statements
    #[command(after_help = EXIT_CODES)]
    Sql(sql::SqlArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ = MESSAGE_FORMAT.set(match cli.message_format {
        MessageFormatArg::Human => MessageFormat::Human,
        MessageFormatArg::Plain => MessageFormat::Plain,
        MessageFormatArg::Json => MessageFormat::Json,
    });
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Check(args) => check::check(args),
        Command::Explain(args) => explain::run(args).map(|()| 0),
        Command::Report(args) => performance::run(args).map(|()| 0),
        Command::Doc(args) => doc::run(args).map(|()| 0),
        Command::Fmt(args) => fmt::fmt(args),
        Command::Test(args) => test::test(args),
        Command::ExplainCode(args) => explain_code::explain_code(args),
        Command::Curve(args) => curve::curve(args),
        Command::Diff(args) => diff::diff(args).map(|()| 0),
        Command::Budget(args) => budget::run(args).map(|()| 0),
        Command::Generate(args) => generate::run(args).map(|()| 0),
        Command::Sql(args) => sql::run(args).map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            let _ = std::io::stderr().write_all(render_error(&error).as_bytes());
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
        }
    }
}

/// A policy's problems as text, in the chosen message format.
fn render_report(report: &commission::diagnostics::PolicyProblems) -> String {
    report.render_as(message_format())
}

/// Prints warnings to stderr; they never stop a command.
fn print_warnings(report: &commission::diagnostics::PolicyProblems) {
    if !report.problems.is_empty() {
        let _ = std::io::stderr().write_all(render_report(report).as_bytes());
    }
}

/// Lines for a person on standard error (what was written, row counts, coverage): as they are,
/// or with `--message-format json` one JSON object per line (`severity` "info", `message`), so
/// that every line on standard error is JSON in that format. Unseen characters are escaped.
fn note(text: &str) {
    let mut out = String::new();
    for line in text.lines() {
        let line = commission::diagnostics::shown(line, false);
        if message_format() == MessageFormat::Json {
            if !line.trim().is_empty() {
                out.push_str(&serde_json::json!({"severity": "info", "message": line}).to_string());
                out.push('\n');
            }
        } else {
            out.push_str(&line);
            out.push('\n');
        }
    }
    let _ = std::io::stderr().write_all(out.as_bytes());
}
