//! `commission init --from FILE`: prints (or writes) an input block guessed from a ledger.

use std::path::PathBuf;

use clap::Args;
use commission::data::{LedgerSource, TextEncoding};
use commission::diagnostics::tools::ToolKind;
use commission::diagnostics::{DataError, Error};
use commission::money::Currency;

#[derive(Args)]
pub struct InitArgs {
    /// The ledger: a CSV file, an Excel workbook (`book.xlsx`: its first visible sheet) or
    /// one sheet of it (`book.xlsx#Sales`)
    #[arg(long, value_name = "FILE")]
    from: String,
    /// The input's name (default: the file's name, `sales` for `sales.csv`)
    #[arg(long, value_name = "INPUT")]
    name: Option<String>,
    /// The CSV file's encoding: `utf-8` (the default) or `gbk` (what Excel on a Chinese
    /// Windows saves as CSV)
    #[arg(long, value_name = "ENCODING", default_value = "utf-8")]
    encoding: String,
    /// The currency money columns are read in (its decimals and signs: `¥1,200.00` for CNY)
    #[arg(long, value_name = "CODE", default_value = "CNY")]
    currency: String,
    /// How many rows the types are guessed from before every row is checked
    #[arg(long, value_name = "ROWS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    sample: u64,
    /// Write to this file (atomically) instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(args: InitArgs) -> Result<(), Error> {
    let encoding = TextEncoding::parse(&args.encoding).ok_or_else(|| {
        DataError::of(
            "--encoding",
            commission::diagnostics::io::IoKind::UnknownEncoding { label: args.encoding.clone() },
        )
    })?;
    let source = LedgerSource::from_spec(&args.from, encoding);
    let file = match &source {
        LedgerSource::Csv { path, .. } | LedgerSource::Xlsx { path, .. } => path.clone(),
        LedgerSource::CsvBytes { name, .. } => PathBuf::from(name),
        LedgerSource::Stdin { .. } => PathBuf::from("stdin"),
    };
    super::output::note_input(&file);
    let name = match args.name {
        Some(name) if commission::init::is_name(&name) => name,
        Some(name) => return Err(DataError::of("--name", ToolKind::InitInputNotAName { name }).into()),
        None => commission::init::to_name(&file.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default()),
    };
    let guess = commission::init::guess(&source, &name, &Currency::new(&args.currency), args.sample)?;
    super::emit(&commission::init::render(&guess), args.output.as_deref())
}
