//! Command-line parsing, then one module per subcommand. Arguments are turned into validated
//! settings before any work starts; errors become exit codes here and nowhere else.

mod budget;
mod check;
mod completions;
mod curve;
mod diff;
mod doc;
mod explain;
mod explain_code;
mod fmt;
mod generate;
mod init;
mod inputs;
mod lsp;
pub(crate) mod output;
mod performance;
mod progress;
mod revision;
mod run;
mod sql;
mod test;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

use clap::{Parser, Subcommand, ValueEnum};
use commission::diagnostics::{DataError, Error, MessageFormat};
use commission::project::Project;
pub(crate) use output::{emit, emit_in_place, emit_with};

/// The exit codes, under every command's help.
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0  success (warnings allowed)
  1  the policy has errors (syntax, names, types, or a computation that failed)
  2  a ledger, an argument or a file is wrong"
    };
}
/// The exit codes alone, for a command whose examples are still to be written (the help
/// test asks every command for examples, so this is a stopgap).
#[allow(dead_code)]
const EXIT_CODES: &str = exit_codes!();

/// A command's help ends with examples that work from the repository's root on the shipped
/// plans and ledgers (a test runs every one), then the exit codes.
macro_rules! examples {
    ($($line:literal),+ $(,)?) => {
        concat!("Examples (from the repository's root):\n", $("  ", $line, "\n",)+ "\n", exit_codes!())
    };
}

#[derive(Parser)]
#[command(
    name = "commission",
    version,
    about = "Run sales-commission plans written as plain-text policy files",
    after_help = examples!(
        "commission check policies",
        "commission run policies/telecom-account-manager.policy --project examples/telecom/commission.toml",
        "commission explain policies/telecom-account-manager.policy --project examples/telecom/commission.toml --payee 王芳 --period 2026-03"
    )
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How errors and warnings are written: human (drawn with the policy lines), plain (for
    /// screen readers and logs) or json (one object per line, for editors and programs)
    #[arg(long, global = true, value_enum, default_value = "human")]
    message_format: MessageFormatArg,
    /// The project file binding inputs to ledgers and giving the default range (default: a
    /// `commission.toml` in the current folder or the nearest folder above it, up to the top
    /// of the git repository)
    #[arg(long, global = true, value_name = "FILE")]
    project: Option<PathBuf>,
    /// Colour in human messages: auto (on a terminal, unless the NO_COLOR environment
    /// variable is set), always or never
    #[arg(long, global = true, value_enum, default_value = "auto", value_name = "WHEN")]
    color: ColorArg,
    /// No progress bar (one is drawn on a terminal while ledgers are read for more than two
    /// seconds)
    #[arg(long, short, global = true)]
    quiet: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Whether human messages are coloured: `--color always` and `never` say so; `auto` colours
/// standard error when it is a terminal and `NO_COLOR` is not set to something (see
/// no-color.org: an explicit flag wins over the variable).
fn colour(choice: ColorArg, no_color: Option<&std::ffi::OsStr>, terminal: bool) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum MessageFormatArg {
    Human,
    Plain,
    Json,
}

/// The `--message-format` of this run, set once before any command starts.
static MESSAGE_FORMAT: OnceLock<MessageFormat> = OnceLock::new();

/// The `--project` of this run, set once before any command starts.
static PROJECT_FLAG: OnceLock<Option<PathBuf>> = OnceLock::new();

/// The project file, read the first time a command needs it (commands that read no ledger
/// never read it, so a broken one does not stop `fmt` or `check`).
static PROJECT: OnceLock<Result<Option<Project>, DataError>> = OnceLock::new();

/// The project file of this run: the one `--project` names, else the one found upward from
/// the current folder, else none.
fn project() -> Result<Option<&'static Project>, Error> {
    let loaded = PROJECT.get_or_init(|| match PROJECT_FLAG.get().and_then(Option::as_ref) {
        Some(path) => {
            output::note_input(path);
            Project::load(path).map(Some)
        }
        None => {
            let here = std::env::current_dir().unwrap_or_default();
            let Some(found) = Project::locate(&here) else {
                return Ok(None);
            };
            output::note_input(&found);
            // Shown from the current folder when it is here (`commission.toml:3:1`).
            let shown = found.strip_prefix(&here).map_or(found.as_path(), |p| p);
            Project::load(shown).map(Some)
        }
    });
    match loaded {
        Ok(project) => Ok(project.as_ref()),
        Err(error) => Err(error.clone().into()),
    }
}

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
    #[command(after_help = examples!("commission run policies/telecom-account-manager.policy --data sales=examples/telecom/sales.csv --data surveys=examples/telecom/surveys.csv --period 2026-03", "commission run policies/telecom-account-manager.policy --project examples/telecom/commission.toml --format csv", "commission run HEAD:policies/telecom-marginal.policy --project examples/telecom/commission.toml --period 2026-Q1"))]
    Run(run::RunArgs),
    /// Show how one payee's statement for one month was reached, down to ledger rows
    #[command(after_help = examples!("commission explain policies/telecom-account-manager.policy --project examples/telecom/commission.toml --payee 王芳 --period 2026-03"))]
    Explain(explain::ExplainArgs),
    /// Write the monthly performance report per payee and a team overview (HTML or Markdown)
    #[command(after_help = examples!("commission report policies/telecom-account-manager.policy --project examples/telecom/commission.toml --period 2026-03 --output /tmp/commission-reports"))]
    Report(performance::ReportArgs),
    /// Render the policy as a plain-language plan document, with worked examples
    #[command(after_help = examples!("commission doc policies/telecom-account-manager.policy", "commission doc policies/telecom-by-business.policy --format html --output /tmp/commission-plan.html"))]
    Doc(doc::DocArgs),
    /// Check policies for errors and warnings without reading any ledger
    #[command(after_help = examples!("commission check policies", "commission check policies/telecom-account-manager.policy --message-format json"))]
    Check(check::CheckArgs),
    /// Rewrite policies in the one canonical layout (or check that they are in it)
    #[command(after_help = examples!("commission fmt --check policies", "commission fmt --diff policies/telecom-marginal.policy"))]
    Fmt(fmt::FmtArgs),
    /// Run the `test` blocks of policies and compare the figures they expect
    #[command(after_help = examples!("commission test policies", "commission test policies/telecom-account-manager.policy --coverage"))]
    Test(test::TestArgs),
    /// Chart a component's payout and effective rate as its base varies
    #[command(after_help = examples!("commission curve policies/telecom-account-manager.policy sales_performance --base 0..500000 --step 50000", "commission curve policies/telecom-account-manager.policy sales_performance --base 0..500000 --step 50000 --vs policies/telecom-marginal.policy"))]
    Curve(curve::CurveArgs),
    /// Explain a warning code (C0001 ...) of `commission check`
    #[command(after_help = examples!("commission explain-code", "commission explain-code E0410"))]
    ExplainCode(explain_code::ExplainCodeArgs),
    /// Compare two plans (files or git revisions) on the same ledgers: who gains, who loses
    #[command(after_help = examples!("commission diff policies/telecom-account-manager.policy policies/telecom-marginal.policy --project examples/telecom/commission.toml", "commission diff policies/telecom-account-manager.policy policies/telecom-marginal.policy --project examples/telecom/commission.toml --explain 王芳"))]
    Diff(diff::DiffArgs),
    /// What a plan costs on a ledger: by component, month, role, business; marginal cost
    #[command(after_help = examples!("commission budget policies/telecom-account-manager.policy --project examples/telecom/commission.toml", "commission budget policies/telecom-by-business.policy --data roster=examples/by-business/roster.csv --data sales=examples/by-business/sales.csv --data surveys=examples/by-business/surveys.csv --by role"))]
    Budget(budget::BudgetArgs),
    /// Write a shell's completion script to standard output (bash, zsh, fish, powershell, elvish)
    #[command(after_help = examples!("commission completions bash", "commission completions zsh"))]
    Completions(completions::CompletionsArgs),
    /// Write the manual page (roff) of commission, or of one of its commands
    #[command(after_help = examples!("commission man", "commission man run"))]
    Man(completions::ManArgs),
    /// Write synthetic ledgers (sales, surveys, roster) to try a plan on
    #[command(after_help = examples!("commission generate --managers 20 --months 2026-01..2026-03 --output /tmp/commission-generated --force"))]
    Generate(generate::GenerateArgs),
    /// Print an input block for a ledger (CSV or xlsx): its columns' types guessed, then checked
    #[command(after_help = examples!("commission init --from examples/telecom/sales.csv", "commission init --from examples/telecom/surveys.csv --name surveys"))]
    Init(init::InitArgs),
    /// Serve editors as a language server over standard input and output (diagnostics, hover,
    /// go to definition, completion, formatting, a code lens that runs the tests)
    #[command(after_help = examples!("commission lsp", "commission lsp --project examples/telecom/commission.toml"))]
    Lsp(lsp::LspArgs),
    /// Compile the policy to one SQL query (DuckDB, Spark, PostgreSQL) that computes the statements
    #[command(after_help = examples!("commission sql policies/telecom-account-manager.policy --dialect duckdb --period 2026-Q1", "commission sql policies/telecom-by-business.policy --dialect spark --from 2026-01 --to 2026-06"))]
    Sql(sql::SqlArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let in_colour = || {
        use std::io::IsTerminal;
        colour(cli.color, std::env::var_os("NO_COLOR").as_deref(), std::io::stderr().is_terminal())
    };
    let _ = MESSAGE_FORMAT.set(match cli.message_format {
        MessageFormatArg::Human if in_colour() => MessageFormat::HumanColour,
        MessageFormatArg::Human => MessageFormat::Human,
        MessageFormatArg::Plain => MessageFormat::Plain,
        MessageFormatArg::Json => MessageFormat::Json,
    });
    let _ = PROJECT_FLAG.set(cli.project);
    // Only the commands that read ledgers; never the language server, whose standard error
    // is the editor's log.
    let reads_ledgers = matches!(
        cli.command,
        Command::Run(_)
            | Command::Explain(_)
            | Command::Report(_)
            | Command::Diff(_)
            | Command::Budget(_)
            | Command::Init(_)
    );
    if reads_ledgers {
        progress::start(cli.quiet);
        // The process ends with the command: what the folds no longer need is left to it.
        commission::eval::aggregate::leave_to_exit();
    }
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
        Command::Init(args) => init::run(args).map(|()| 0),
        Command::Lsp(args) => lsp::run(args).map(|()| 0),
        Command::Completions(args) => completions::completions(args).map(|()| 0),
        Command::Man(args) => completions::man(args).map(|()| 0),
        Command::Sql(args) => sql::run(args).map(|()| 0),
    };
    progress::finish();
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

/// The format asked for with `--format`, else the one the `--output` file's extension names
/// (`-o march.csv` is CSV, `-o march.XLSX` a workbook: any of the command's formats, in any
/// case), else `default`. An extension that names none of them (`.txt`) gives `default`.
fn format_or_extension<F: clap::ValueEnum>(asked: Option<F>, output: Option<&std::path::Path>, default: F) -> F {
    asked
        .or_else(|| {
            let extension = output?.extension()?.to_str()?;
            F::from_str(extension, true).ok()
        })
        .unwrap_or(default)
}

/// `--format xlsx` writes a workbook, a zip archive: only to a file named with `-o`, never
/// onto a terminal, which would show bytes that can upset it (`-o -`, standard output, is
/// refused when that is a terminal; into a pipe it is the caller's choice).
fn xlsx_needs_file(xlsx: bool, output: Option<&std::path::Path>) -> Result<(), Error> {
    use std::io::IsTerminal;
    let to_terminal = output.is_some_and(|o| o.as_os_str() == "-") && std::io::stdout().is_terminal();
    if xlsx && (output.is_none() || to_terminal) {
        return Err(commission::diagnostics::DataError::of(
            "--format xlsx",
            commission::diagnostics::io::IoKind::XlsxNeedsFile,
        )
        .into());
    }
    Ok(())
}

/// Writes a workbook's sheets to the file `-o` names (checked by [`xlsx_needs_file`]), after
/// checking that Excel opens them whole.
fn emit_xlsx(sheets: &[commission::report::xlsx::Sheet], output: &Option<std::path::PathBuf>) -> Result<(), Error> {
    commission::report::xlsx::check_fits(sheets)?;
    emit_with(output.as_deref(), output::Target::New, |out| commission::report::xlsx::write(sheets, out))
}

#[cfg(test)]
mod tests {
    use super::{colour, ColorArg};
    use std::ffi::OsStr;

    #[test]
    fn colour_follows_the_flag_then_the_terminal_and_no_color() {
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        // (flag, NO_COLOR, terminal) -> colour
        let cases = [
            (ColorArg::Auto, None, true, true),
            (ColorArg::Auto, None, false, false),
            (ColorArg::Auto, set, true, false),
            // An empty NO_COLOR is as if unset (no-color.org).
            (ColorArg::Auto, empty, true, true),
            (ColorArg::Always, set, false, true),
            (ColorArg::Never, None, true, false),
        ];
        for (flag, no_color, terminal, expected) in cases {
            assert_eq!(colour(flag, no_color, terminal), expected);
        }
    }
}
