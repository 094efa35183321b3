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
    /// Bind a declared input to a ledger: NAME=PATH (repeat for each input). PATH is a CSV
    /// file, or an .xlsx workbook (its first sheet, or PATH#SHEET)
    #[arg(long, value_name = "NAME=PATH")]
    data: Vec<String>,
    /// Encoding of the CSV ledgers: utf-8 (default) or gbk (GB18030, as Excel saves CSV on a
    /// Chinese Windows); NAME=ENCODING for one input. Repeatable
    #[arg(long, value_name = "[NAME=]ENCODING")]
    encoding: Vec<String>,
    /// List up to N rejected ledger rows before stopping (default 1: the first bad row stops
    /// the run). A run with any rejected row produces no statements
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    max_errors: u32,
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
    let files = bind(&plan, &args.data, &args.encoding)?;
    let options = RunOptions {
        range: range(args.period.as_deref(), args.from.as_deref(), args.to.as_deref())?,
        max_errors: usize::try_from(args.max_errors).unwrap_or(usize::MAX),
    };
    super::print_warnings(&warnings);
    let result = compute(&plan, &files, &options)?;
    let text = match args.format {
        Format::Table => report::table::render(&plan, &result),
        Format::Json => report::json::render(&plan, &result),
        Format::Csv => report::csv::render(&plan, &result),
    };
    super::emit(&text, args.output.as_deref())?;
    // CSV has one row per statement and no room for a summary: the row accounting goes to
    // standard error, where a person running the command still sees it.
    if matches!(args.format, Format::Csv) {
        let _ = std::io::Write::write_all(&mut std::io::stderr(), report::row_counts(&plan, &result).as_bytes());
    }
    Ok(())
}
