//! `commission run`: statements for every payee and month of a range.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use commission::diagnostics::Error;
use commission::eval::coverage::Coverage;
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
    /// Report (on standard error) which brackets, gates, table rows and `else` branches the
    /// ledgers exercised
    #[arg(long)]
    coverage: bool,
    /// Fail (exit 1) when coverage is below this percentage (implies --coverage)
    #[arg(long, value_name = "PERCENT")]
    fail_under: Option<rust_decimal::Decimal>,
}

pub fn run(args: RunArgs) -> Result<u8, Error> {
    let (plan, warnings) = load_policy(&args.policy)?;
    let files = bind(&plan, &args.data)?;
    let options = RunOptions {
        range: range(args.period.as_deref(), args.from.as_deref(), args.to.as_deref())?,
        coverage: (args.coverage || args.fail_under.is_some()).then(Coverage::default),
    };
    super::print_warnings(&warnings);
    let result = compute(&plan, &files, &options)?;
    let text = match args.format {
        Format::Table => report::table::render(&plan, &result),
        Format::Json => report::json::render(&plan, &result),
        Format::Csv => report::csv::render(&plan, &result),
    };
    super::emit(&text, args.output.as_deref())?;
    let mut code = 0;
    if let Some(coverage) = &options.coverage {
        let mut out = report::coverage::render(&plan, coverage);
        let (covered, total) = report::coverage::counts(&plan, coverage);
        let percent = report::coverage::percent(covered, total);
        if let Some(min) = args.fail_under.filter(|min| percent < *min) {
            out.push_str(&format!("coverage {percent}% is below --fail-under {min}\n"));
            code = 1;
        }
        // Standard output holds the statements (maybe JSON); coverage goes beside it.
        let _ = std::io::Write::write_all(&mut std::io::stderr(), out.as_bytes());
    }
    Ok(code)
}
