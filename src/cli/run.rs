//! `commission run`: statements for every payee and month of a range.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use commission::diagnostics::io::IoKind;
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
    /// Output format (default: the one `--output`'s extension names, `.csv`, `.json`, `.xlsx`;
    /// else table)
    #[arg(long, value_enum)]
    format: Option<Format>,
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

impl RunArgs {
    /// `--format`, else the one the output file's extension names, else table.
    fn format(&self) -> Format {
        super::format_or_extension(self.format, self.output.as_deref(), Format::Table)
    }
}

pub fn run(args: RunArgs) -> Result<u8, Error> {
    super::xlsx_needs_file(matches!(args.format(), Format::Xlsx), args.output.as_deref())?;
    let (plan, warnings) = load_policy_spec(&args.policy)?;
    let options = RunOptions {
        range: args.range.range()?,
        max_errors: usize::try_from(args.max_errors).unwrap_or(usize::MAX),
        coverage: (args.coverage || args.fail_under.is_some()).then(Coverage::default),
    };
    super::print_warnings(&warnings);
    if args.then.is_empty() && options.coverage.is_none() && matches!(args.format(), Format::Csv | Format::Json) {
        return run_in_batches(&args, &plan, &options);
    }
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
    show_warnings(&result.warnings);
    // JSON and CSV are written statement by statement as they are rendered; the table is for
    // a person reading a terminal and is laid out whole (its column widths need every row).
    // A workbook is laid out whole too (in memory, as the zip it is written as).
    match args.format() {
        Format::Xlsx => super::emit_xlsx(&report::xlsx::run_sheets(&plan, &result), &args.output)?,
        _ => super::emit_with(args.output.as_deref(), super::output::Target::New, |out| match args.format() {
            Format::Table => report::table::write(&plan, &result, out),
            Format::Json => report::json::write(&plan, &result, out),
            // (A workbook is written by the arm above.)
            Format::Csv | Format::Xlsx => report::csv::write(&plan, &result, out),
        })?,
    }
    // CSV has one row per statement and no room for a summary: the row accounting goes to
    // standard error, where a person running the command still sees it (and for a workbook,
    // which has it on a sheet of its own, tells what was written).
    if matches!(args.format(), Format::Csv | Format::Xlsx) {
        super::note(&report::row_counts(&plan, &result.counts));
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

/// Warnings about the ledgers (rows for nobody) go to standard error in every format, in the
/// message format asked for; JSON output also carries them in its `warnings`.
fn show_warnings(warnings: &[DataError]) {
    let shown: String =
        warnings.iter().map(|w| commission::diagnostics::render_diagnostic_as(w, super::message_format())).collect();
    let _ = std::io::Write::write_all(&mut std::io::stderr(), shown.as_bytes());
}

/// One plan's run written as CSV or JSON batch by batch as its statements are computed
/// (`Batches`): memory holds a batch of statements, not the run. A statement that cannot be
/// computed stops the writing and leaves no output (the file is written through a temporary
/// one; standard output gets the text once the run is done).
fn run_in_batches(args: &RunArgs, plan: &commission::plan::Plan, options: &RunOptions) -> Result<u8, Error> {
    let files = args.ledgers.bind(plan)?;
    let (folded, months) = commission::eval::read_ledgers(plan, &files, options)?;
    let warnings = commission::eval::run::data_warnings(plan, &folded, &files, options.range);
    let mut batches = commission::eval::compute::Batches::new(plan, &folded, &months)?;
    super::progress::finish();
    show_warnings(&warnings);
    let mut failed = None;
    let head = report::json::Head { months: &months, counts: &folded.counts, warnings: &warnings };
    let mut write = |out: &mut dyn std::io::Write| match args.format() {
        Format::Json => report::json::write_batches(plan, &head, &mut batches, &mut failed, out),
        _ => report::csv::write_batches(plan, &mut batches, &mut failed, out),
    };
    let written = match args.output.as_deref().filter(|p| *p != std::path::Path::new("-")) {
        Some(path) => super::emit_with(Some(path), super::output::Target::New, write),
        // Standard output gets nothing of a run that fails.
        None => {
            let mut text = Vec::new();
            match write(&mut text) {
                Ok(()) => super::emit_with(None, super::output::Target::New, |out| out.write_all(&text)),
                Err(e) => Err(DataError::of("stdout", IoKind::CannotWriteStdout { error: e.to_string() }).into()),
            }
        }
    };
    if let Some(e) = failed {
        return Err(e);
    }
    written?;
    // CSV has no room for the row accounting: it goes to standard error (see `run`).
    if matches!(args.format(), Format::Csv) {
        super::note(&report::row_counts(plan, &folded.counts));
    }
    commission::eval::aggregate::let_go(batches);
    commission::eval::aggregate::let_go(folded);
    Ok(0)
}
