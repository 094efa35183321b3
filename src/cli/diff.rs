//! `commission diff`: two plans (files or git revisions) on the same ledgers.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use commission::diagnostics::Error;
use commission::diff::compare;
use commission::diff::side_by_side::side_by_side;

use super::inputs::{load_policy_spec, LedgerArgs, RangeArgs};

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Md,
    /// An Excel workbook (needs `-o FILE`)
    Xlsx,
}

#[derive(Args)]
pub struct DiffArgs {
    /// The old policy: a file, or a git revision of one (HEAD~1:policies/x.policy)
    old: String,
    /// The new policy: a file, or a git revision of one (v2026.1:policies/x.policy)
    new: String,
    #[command(flatten)]
    ledgers: LedgerArgs,
    #[command(flatten)]
    range: RangeArgs,
    /// Output format (csv: one row per payee; xlsx: every statement old and new, needs -o;
    /// default: the one `--output`'s extension names, else table)
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Show one payee's figures under both plans side by side, with the values behind them
    #[arg(long, value_name = "PAYEE")]
    explain: Option<String>,
    /// How many payees the largest gains and losses list
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// Write to this file (atomically) instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
}

impl DiffArgs {
    /// `--format`, else the one the output file's extension names, else table.
    fn format(&self) -> Format {
        super::format_or_extension(self.format, self.output.as_deref(), Format::Table)
    }
}

pub fn diff(args: DiffArgs) -> Result<(), Error> {
    super::xlsx_needs_file(matches!(args.format(), Format::Xlsx), args.output.as_deref())?;
    let (old, old_warnings) = load_policy_spec(&args.old)?;
    let (new, new_warnings) = load_policy_spec(&args.new)?;
    let files = args.ledgers.bind_shared(&[&old, &new])?;
    let range = args.range.range()?;
    super::print_warnings(&old_warnings);
    super::print_warnings(&new_warnings);
    let (old_files, new_files) = match files.as_slice() {
        [a, b] => (a.as_slice(), b.as_slice()),
        _ => (&[][..], &[][..]),
    };
    // Every statement is kept only for what shows them: the workbook, one payee's side by side.
    let statements = args.explain.is_some() || matches!(args.format(), Format::Xlsx);
    let cmp = compare(&old, old_files, &new, new_files, range, statements)?;
    for note in &cmp.evaluation.notes {
        super::note(&format!("note: {note}"));
    }
    let written = write(&cmp, &args);
    // Both plans' folds and statements: left to the process's end.
    commission::eval::aggregate::let_go(cmp);
    written
}

fn write(cmp: &commission::diff::Comparison<'_>, args: &DiffArgs) -> Result<(), Error> {
    let text = match &args.explain {
        Some(payee) => {
            let sbs = side_by_side(cmp, payee)?;
            match args.format() {
                Format::Table => commission::diff::render_side_by_side::table(cmp, &sbs),
                Format::Json => commission::diff::render_side_by_side::json(cmp, &sbs),
                Format::Csv => commission::diff::render_side_by_side::csv(cmp, &sbs),
                Format::Md => commission::diff::render_side_by_side::markdown(cmp, &sbs),
                Format::Xlsx => {
                    return super::emit_xlsx(&commission::diff::render_side_by_side::xlsx(cmp, &sbs), &args.output)
                }
            }
        }
        None => match args.format() {
            Format::Table => commission::diff::render::table(cmp, args.top),
            Format::Json => commission::diff::render::json(cmp, args.top),
            Format::Csv => commission::diff::render::csv(cmp),
            Format::Md => commission::diff::render::markdown(cmp, args.top),
            Format::Xlsx => return super::emit_xlsx(&commission::diff::render::xlsx(cmp), &args.output),
        },
    };
    super::emit(&text, args.output.as_deref())
}
