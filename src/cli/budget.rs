//! `commission budget`: what a plan costs on a ledger, broken down.

use std::path::PathBuf;

use clap::Args;
use commission::budget::{budget, grouping, measure};
use commission::diagnostics::Error;

use super::diff::Format;
use super::inputs::{load_policy_spec, LedgerArgs, RangeArgs};

#[derive(Args)]
pub struct BudgetArgs {
    /// The policy: a file, or a git revision of one (HEAD~1:policies/x.policy)
    policy: String,
    #[command(flatten)]
    ledgers: LedgerArgs,
    #[command(flatten)]
    range: RangeArgs,
    /// Group the payout by: component, month, payee, a roster column (role, team) or a
    /// sales column (business, segment, kind); repeat for several. Default: component, month
    #[arg(long, value_name = "GROUPING")]
    by: Vec<String>,
    /// The sales amount ratios are taken against, INPUT.COLUMN (default: the one money
    /// column of a dated ledger with a payee, e.g. sales.amount)
    #[arg(long, value_name = "INPUT.COLUMN")]
    sales: Option<String>,
    /// Output format (csv: every grouping in long form; xlsx: a sheet per grouping, needs -o;
    /// default: the one `--output`'s extension names, else table)
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write to this file (atomically) instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
}

impl BudgetArgs {
    /// `--format`, else the one the output file's extension names, else table.
    fn format(&self) -> Format {
        super::format_or_extension(self.format, self.output.as_deref(), Format::Table)
    }
}

pub fn run(args: BudgetArgs) -> Result<(), Error> {
    let format = args.format();
    super::xlsx_needs_file(matches!(format, Format::Xlsx), args.output.as_deref())?;
    let (plan, warnings) = load_policy_spec(&args.policy)?;
    let files = args.ledgers.bind(&plan)?;
    let range = args.range.range()?;
    let measure = measure(&plan, args.sales.as_deref())?;
    let names = if args.by.is_empty() { vec!["component".to_string(), "month".to_string()] } else { args.by };
    let groupings = names.iter().map(|n| grouping(&plan, measure, n)).collect::<Result<Vec<_>, _>>()?;
    super::print_warnings(&warnings);
    let b = budget(&plan, &files, range, measure, groupings)?;
    let written = match format {
        Format::Table => super::emit(&commission::budget::render::table(&b), args.output.as_deref()),
        Format::Json => super::emit(&commission::budget::render::json(&b), args.output.as_deref()),
        Format::Csv => super::emit(&commission::budget::render::csv(&b), args.output.as_deref()),
        Format::Md => super::emit(&commission::budget::render::markdown(&b), args.output.as_deref()),
        Format::Xlsx => super::emit_xlsx(&commission::budget::render::xlsx(&b), &args.output),
    };
    // The four runs' folds and the statements: left to the process's end.
    commission::eval::aggregate::let_go(b);
    written
}
