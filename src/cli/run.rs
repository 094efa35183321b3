//! `commission run`: statements for every payee and month of a range.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use commission::diagnostics::tools::ToolKind;
use commission::diagnostics::{DataError, Error};
use commission::eval::coverage::Coverage;
use commission::eval::{compute, RunOptions};
use commission::report;

use super::inputs::{load_policy_spec, LedgerArgs, RangeArgs};

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    /// An Excel workbook (needs `-o FILE`)
    Xlsx,
}

#[derive(Args)]
pub struct RunArgs {
    /// The policy: a file, or a git revision of one (HEAD~1:policies/x.policy)
    policy: String,
    /// A later version of the policy (a file or a git revision), paying from the month its
    /// header names (`effective 2027-07`); repeat for more. Each statement says its version
    #[arg(long = "then", value_name = "POLICY")]
    then: Vec<String>,
    #[command(flatten)]
    ledgers: LedgerArgs,
    #[command(flatten)]
    range: RangeArgs,
    /// List up to N rejected ledger rows before stopping (default 1: the first bad row stops
    /// the run). A run with any rejected row produces no statements
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    max_errors: u32,
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
    super::xlsx_needs_file(matches!(args.format, Format::Xlsx), args.output.as_deref())?;
    let (plan, warnings) = load_policy_spec(&args.policy)?;
    let options = RunOptions {
        range: args.range.range()?,
        max_errors: usize::try_from(args.max_errors).unwrap_or(usize::MAX),
        coverage: (args.coverage || args.fail_under.is_some()).then(Coverage::default),
    };
    super::print_warnings(&warnings);
    let (plan, result) = if args.then.is_empty() {
        let files = args.ledgers.bind(&plan)?;
        let result = compute(&plan, &files, &options)?;
        (plan, result)
    } else {
        if options.coverage.is_some() {
            let detail = "`--coverage` covers one version at a time: run it on each".to_string();
            return Err(DataError::of("--then", ToolKind::VersionsDoNotChain { detail }).into());
        }
        let mut versions = vec![plan];
        for spec in &args.then {
            let (next, warnings) = load_policy_spec(spec)?;
            super::print_warnings(&warnings);
            versions.push(next);
        }
        let refs: Vec<&commission::plan::Plan> = versions.iter().collect();
        let files = args.ledgers.bind_shared(&refs)?;
        commission::eval::versions::compute_versions(&versions, &files, &options)?
    };
    super::progress::finish();
    // Warnings about the ledgers (rows for nobody) go to standard error in every format, in
    // the message format asked for; JSON output also carries them in its `warnings`.
    let warnings: String = result
        .warnings
        .iter()
        .map(|w| commission::diagnostics::render_diagnostic_as(w, super::message_format()))
        .collect();
    let _ = std::io::Write::write_all(&mut std::io::stderr(), warnings.as_bytes());
    // JSON and CSV are written statement by statement as they are rendered; the table is for
    // a person reading a terminal and is laid out whole (its column widths need every row).
    // A workbook is laid out whole too (in memory, as the zip it is written as).
    match args.format {
        Format::Xlsx => super::emit_xlsx(&report::xlsx::run_sheets(&plan, &result), &args.output)?,
        _ => super::emit_with(args.output.as_deref(), super::output::Target::New, |out| match args.format {
            Format::Table => out.write_all(report::table::render(&plan, &result).as_bytes()),
            Format::Json => report::json::write(&plan, &result, out),
            // (A workbook is written by the arm above.)
            Format::Csv | Format::Xlsx => report::csv::write(&plan, &result, out),
        })?,
    }
    // CSV has one row per statement and no room for a summary: the row accounting goes to
    // standard error, where a person running the command still sees it (and for a workbook,
    // which has it on a sheet of its own, tells what was written).
    if matches!(args.format, Format::Csv | Format::Xlsx) {
        super::note(&report::row_counts(&plan, &result));
    }
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
        super::note(&out);
    }
    commission::eval::aggregate::let_go(result);
    Ok(code)
}
