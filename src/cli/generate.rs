//! `commission generate`: synthetic ledgers for trying a plan before real data exists.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use commission::diagnostics::io::IoKind;
use commission::diagnostics::tools::ToolKind;
use commission::diagnostics::{DataError, Error};
use commission::generate::{generate, Layout, Model};
use commission::money::format_grouped;
use commission::period::Period;
use rust_decimal::Decimal;

#[derive(Clone, Copy, ValueEnum)]
pub enum LayoutArg {
    /// sales.csv and surveys.csv with a `manager` column (policies/telecom-*.policy)
    Seed,
    /// roster.csv, and sales.csv and surveys.csv with an `employee` column
    /// (policies/telecom-by-business.policy)
    Roster,
}

#[derive(Args)]
pub struct GenerateArgs {
    /// How many payees (account managers, or roster employees)
    #[arg(long, default_value_t = 200, alias = "payees")]
    managers: usize,
    /// The months: 2026-01..2026-12, or one period (2026, 2026-Q1, 2026-03)
    #[arg(long, default_value = "2026-01..2026-12")]
    months: String,
    /// Company sales per month, in the currency's units
    #[arg(long, default_value = "5000000")]
    monthly_sales: String,
    /// The part of it sold by the payees, written to the ledger (50% or 0.5)
    #[arg(long, default_value = "50%")]
    share: String,
    /// Seed of the random draws: the same seed writes the same files, byte for byte
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Sigma of the payees' log-normal sales levels: 0 makes everyone equal, 1 very uneven
    #[arg(long, default_value_t = 0.8)]
    spread: f64,
    /// Sigma of each payee's month-to-month log-normal wobble
    #[arg(long, default_value_t = 0.25)]
    wobble: f64,
    /// Average size of one sale
    #[arg(long, default_value = "25000")]
    average_sale: String,
    /// Which columns the ledgers have
    #[arg(long, value_enum, default_value = "seed")]
    layout: LayoutArg,
    /// The folder to write into (created if needed)
    #[arg(long, short)]
    output: PathBuf,
    /// Replace files of the names it writes that the folder already holds (without it, an
    /// existing `sales.csv`, `surveys.csv` or `roster.csv` is refused)
    #[arg(long)]
    force: bool,
}

fn decimal(flag: &str, text: &str) -> Result<Decimal, Error> {
    text.trim()
        .replace('_', "")
        .parse::<Decimal>()
        .map_err(|_| DataError::of(format!("{flag} {text}"), IoKind::NotANumber).into())
}

pub fn run(args: GenerateArgs) -> Result<(), Error> {
    let (from, to) = match args.months.split_once("..") {
        Some((a, b)) => (Period::parse(a), Period::parse(b)),
        None => (Period::parse(&args.months), Period::parse(&args.months)),
    };
    let (Some(from), Some(to)) = (from.map(Period::first_month), to.map(Period::last_month)) else {
        return Err(DataError::of(format!("--months {}", args.months), IoKind::NotARangeOfMonths).into());
    };
    if from > to {
        return Err(DataError::of(format!("--months {}", args.months), IoKind::RangeBackwards).into());
    }
    let share = match args.share.trim().strip_suffix('%') {
        Some(p) => decimal("--share", p)? / Decimal::ONE_HUNDRED,
        None => decimal("--share", &args.share)?,
    };
    if share <= Decimal::ZERO || share > Decimal::ONE {
        return Err(DataError::of(format!("--share {}", args.share), IoKind::ShareOutOfRange).into());
    }
    let monthly_sales = decimal("--monthly-sales", &args.monthly_sales)?;
    let average_sale = decimal("--average-sale", &args.average_sale)?;
    if monthly_sales <= Decimal::ZERO || average_sale <= Decimal::ZERO || args.managers == 0 {
        return Err(DataError::of("", IoKind::NotPositive).into());
    }
    if !(0.0..=3.0).contains(&args.spread) || !(0.0..=3.0).contains(&args.wobble) {
        return Err(DataError::of("", IoKind::SpreadOutOfRange).into());
    }
    let model = Model {
        payees: args.managers,
        from,
        to,
        monthly_sales,
        share,
        seed: args.seed,
        spread: args.spread,
        wobble: args.wobble,
        average_sale,
        layout: match args.layout {
            LayoutArg::Seed => Layout::Seed,
            LayoutArg::Roster => Layout::Roster,
        },
    };
    commission::generate::check(&model).map_err(|kind| DataError::of("", kind))?;
    if args.output == std::path::Path::new("-") {
        return Err(DataError::of("-o -", IoKind::FolderToStdout { command: "generate", hint: "" }).into());
    }
    if !args.force {
        for name in commission::generate::file_names(model.layout) {
            let path = args.output.join(name);
            if std::fs::symlink_metadata(&path).is_ok() {
                let file = path.display().to_string();
                return Err(DataError::of(file.clone(), ToolKind::OutputExists { file }).into());
            }
        }
    }
    let generated = generate(&model);
    std::fs::create_dir_all(&args.output).map_err(|e| {
        DataError::of(args.output.display().to_string(), IoKind::CannotCreateFolder { error: e.to_string() })
    })?;
    for file in &generated.files {
        super::emit(&file.text, Some(&args.output.join(file.name)))?;
    }
    let months = Period::months_between(from, to).len();
    let total = Decimal::new(i64::try_from(generated.total_fen).unwrap_or(i64::MAX), 2);
    let names: Vec<&str> = generated.files.iter().map(|f| f.name).collect();
    super::note(&format!(
        "wrote {} in {}: {} sales over {months} months totalling {} ({} a month), {} payees, seed {}",
        names.join(", "),
        args.output.display(),
        commission::diagnostics::grouped(u64::try_from(generated.sales_rows).unwrap_or(u64::MAX)),
        format_grouped(total, 2),
        format_grouped(commission::money::round_display(total / Decimal::from(months.max(1)), 2), 2),
        args.managers,
        args.seed
    ));
    Ok(())
}
