//! `commission run`: statements for every payee and month of a range.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use commission::diagnostics::Error;
use commission::eval::{compute, RunOptions};
use commission::report;

use super::inputs::{bind, load_policy, range};

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Args)]
pub struct RunArgs {
    /// The policy file
    policy: PathBuf,
    /// Bind a declared input to a CSV file: NAME=PATH (repeat for each input)
    #[arg(long, value_name = "NAME=PATH")]
    data: Vec<String>,
    /// One period: a month (2026-03), a quarter (2026-Q1) or a year (2026)
    #[arg(long, conflicts_with_all = ["from", "to"])]
    period: Option<String>,
    /// First month of the range (with --to); without a range, the months the ledgers span
    #[arg(long, requires = "to")]
    from: Option<String>,
    /// Last month of the range (with --from)
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Write to this file (atomically) instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(args: RunArgs) -> Result<(), Error> {
    let (plan, warnings) = load_policy(&args.policy)?;
    let files = bind(&plan, &args.data)?;
    let options = RunOptions { range: range(args.period.as_deref(), args.from.as_deref(), args.to.as_deref())? };
    super::print_warnings(&warnings);
    let result = compute(&plan, &files, &options)?;
    let text = match args.format {
        Format::Table => report::table::render(&plan, &result),
        Format::Json => report::json::render(&plan, &result),
        Format::Csv => report::csv::render(&plan, &result),
    };
    super::emit(&text, args.output.as_deref())
}
