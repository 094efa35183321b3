//! Command-line parsing, then one module per subcommand. Arguments are turned into validated
//! settings before any work starts; errors become exit codes here and nowhere else.

mod budget;
mod check;
mod diff;
mod generate;
mod inputs;
mod revision;
mod run;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use commission::diagnostics::Error;

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
}

#[derive(Subcommand)]
enum Command {
    /// Compute every payee's statement for each month of a range
    #[command(after_help = EXIT_CODES)]
    Run(run::RunArgs),
    /// Check policies for errors and warnings without reading any ledger
    #[command(after_help = EXIT_CODES)]
    Check(check::CheckArgs),
    /// Compare two plans (files or git revisions) on the same ledgers: who gains, who loses
    #[command(after_help = EXIT_CODES)]
    Diff(diff::DiffArgs),
    /// What a plan costs on a ledger: by component, month, role, business; marginal cost
    #[command(after_help = EXIT_CODES)]
    Budget(budget::BudgetArgs),
    /// Write synthetic ledgers (sales, surveys, roster) to try a plan on
    #[command(after_help = EXIT_CODES)]
    Generate(generate::GenerateArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args).map(|()| 0),
        Command::Check(args) => check::check(args),
        Command::Diff(args) => diff::diff(args).map(|()| 0),
        Command::Budget(args) => budget::run(args).map(|()| 0),
        Command::Generate(args) => generate::run(args).map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            let _ = std::io::stderr().write_all(error.render().as_bytes());
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
        }
    }
}

/// Prints warnings to stderr; they never stop a command.
fn print_warnings(report: &commission::diagnostics::PolicyReport) {
    if !report.problems.is_empty() {
        let _ = std::io::stderr().write_all(report.render().as_bytes());
    }
}

/// Writes `text` to `path` atomically (a temporary file in the same folder, then a rename),
/// so a failed run never leaves a partial file; or to stdout without a path.
fn emit(text: &str, path: Option<&std::path::Path>) -> Result<(), Error> {
    use commission::diagnostics::DataError;
    let Some(path) = path else {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(text.as_bytes())
            .map_err(|e| DataError::new("stdout", format!("cannot write: {e}")).into());
    };
    let shown = path.display().to_string();
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| {
        DataError::new(&shown, format!("cannot write output: {e}"))
            .with_help("check that the folder exists and is writable")
    })?;
    tmp.write_all(text.as_bytes()).map_err(|e| DataError::new(&shown, format!("cannot write output: {e}")))?;
    tmp.persist(path).map_err(|e| DataError::new(&shown, format!("cannot write output: {}", e.error)))?;
    Ok(())
}
