//! `commission explain`: how one payee's statement for one month was reached.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use commission::diagnostics::io::IoKind;
use commission::diagnostics::{DataError, Error};
use commission::eval::trace::explain;
use commission::period::Period;

use super::inputs::{load_policy, LedgerArgs};

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Args)]
pub struct ExplainArgs {
    /// The policy file
    policy: PathBuf,
    #[command(flatten)]
    ledgers: LedgerArgs,
    /// The payee whose statement to explain
    #[arg(long)]
    payee: String,
    /// The statement's month (2026-03)
    #[arg(long)]
    period: String,
    /// Output format (default: json for an `--output` file ending `.json`, else text)
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// List every ledger row behind each figure (by default the first 20)
    #[arg(long)]
    all_rows: bool,
    /// Check only this payee's rows when no earlier run vouches for the ledgers: other
    /// payees' rows are passed over unchecked (the explanation says how many)
    #[arg(long)]
    quick: bool,
    /// Write to this file (atomically) instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
}

impl ExplainArgs {
    /// `--format`, else the one the output file's extension names, else text.
    fn format(&self) -> Format {
        super::format_or_extension(self.format, self.output.as_deref(), Format::Text)
    }
}

/// Rows listed per aggregate unless `--all-rows`.
const ROW_LIMIT: usize = 20;

pub fn run(args: ExplainArgs) -> Result<(), Error> {
    let (plan, warnings) = load_policy(&args.policy)?;
    let files = args.ledgers.bind(&plan)?;
    let month = match Period::parse(&args.period) {
        Some(p @ Period::Month { .. }) => p,
        _ => return Err(DataError::of(format!("--period {}", args.period), IoKind::NotAStatementMonth).into()),
    };
    super::print_warnings(&warnings);
    let explanation = explain(&plan, &files, &args.payee, month, (!args.all_rows).then_some(ROW_LIMIT), args.quick)?;
    let text = match args.format() {
        Format::Text => commission::explain::render_text(&plan, &explanation),
        Format::Json => commission::explain::render_json(&plan, &explanation),
    };
    super::emit(&text, args.output.as_deref())
}
