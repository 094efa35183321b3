//! `commission report`: the monthly performance report per payee, and the team overview.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use commission::diagnostics::eval::EvalKind;
use commission::diagnostics::io::IoKind;
use commission::diagnostics::{DataError, Error};
use commission::eval::{read_ledgers, statements, RunOptions};
use commission::performance::{build, Lang};
use commission::performance::{html as performance_html, markdown as performance_md};
use commission::period::Period;

use super::inputs::{load_policy, LedgerArgs};

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Html,
    Md,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    /// Chinese when the policy's labels are Chinese, else English
    Auto,
    En,
    Zh,
}

#[derive(Args)]
pub struct ReportArgs {
    /// The policy file
    policy: PathBuf,
    #[command(flatten)]
    ledgers: LedgerArgs,
    /// The report's month (2026-03)
    #[arg(long)]
    period: String,
    /// First month of the trend (default: January of the report's year)
    #[arg(long)]
    from: Option<String>,
    /// Only this payee's report (no team page)
    #[arg(long)]
    payee: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "html")]
    format: Format,
    /// Folder to write the reports into (created if missing)
    #[arg(long, short)]
    output: PathBuf,
    /// One file with the team overview and every payee, instead of one file each
    #[arg(long)]
    one_file: bool,
    /// Language of the report's own words (labels always come from the policy)
    #[arg(long, value_enum, default_value = "auto")]
    lang: LangArg,
}

fn month(flag: &str, text: &str) -> Result<Period, Error> {
    match Period::parse(text) {
        Some(p @ Period::Month { .. }) => Ok(p),
        _ => Err(DataError::of(format!("{flag} {text}"), IoKind::NotAMonth).into()),
    }
}

/// A payee id as a file name: letters, digits (any script), `-` and `_` kept.
fn file_stem(payee: &str) -> String {
    payee.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

pub fn run(args: ReportArgs) -> Result<(), Error> {
    let (plan, warnings) = load_policy(&args.policy)?;
    let files = args.ledgers.bind(&plan)?;
    let to = month("--period", &args.period)?;
    let from = match &args.from {
        Some(f) => month("--from", f)?,
        None => Period::month(to.year(), 1),
    };
    if from > to {
        return Err(DataError::of(format!("--from {from}"), IoKind::TrendStartsAfter).into());
    }
    super::print_warnings(&warnings);
    let (folded, months) =
        read_ledgers(&plan, &files, &RunOptions { range: Some((from, to)), ..RunOptions::default() })?;
    let result = statements(&plan, &folded, &months)?;
    let lang = match args.lang {
        LangArg::Auto => Lang::for_plan(&plan),
        LangArg::En => Lang::En,
        LangArg::Zh => Lang::Zh,
    };
    let reports = build(&plan, &files, &folded, &result, to, args.payee.as_deref(), lang)?;
    if let (Some(p), true) = (&args.payee, reports.payees.is_empty()) {
        let known: Vec<&str> = reports.team.rows.iter().map(|r| &*r.payee).collect();
        // The words and the problem of `explain --payee` (E0309): a payee asked for that the
        // run does not have. The report's run, not its arguments, knows who is paid.
        return Err(DataError::of(
            format!("--payee {p}"),
            EvalKind::UnknownPayee {
                payee: p.clone(),
                suggestion: commission::suggest::help(p, "payee", known.iter().copied()),
            },
        )
        .into());
    }
    let ext = match args.format {
        Format::Html => "html",
        Format::Md => "md",
    };
    // Everything is rendered before anything is written.
    let mut outputs: Vec<(PathBuf, String)> = Vec::new();
    let name = |stem: &str| args.output.join(format!("{to}-{stem}.{ext}"));
    if args.one_file {
        let text = match args.format {
            Format::Html => performance_html::single_file(&reports),
            Format::Md => {
                let mut text = performance_md::team(&reports);
                for p in &reports.payees {
                    text.push_str("\n---\n\n");
                    text.push_str(&performance_md::payee(&reports, p));
                }
                text
            }
        };
        outputs.push((name("report"), text));
    } else {
        for p in &reports.payees {
            let text = match args.format {
                Format::Html => performance_html::payee_page(&reports, p),
                Format::Md => performance_md::payee(&reports, p),
            };
            outputs.push((name(&file_stem(&p.payee)), text));
        }
        if args.payee.is_none() {
            let link = |payee: &str| Some(format!("{to}-{}.{ext}", file_stem(payee)));
            let text = match args.format {
                Format::Html => performance_html::team_page(&reports, &link),
                Format::Md => performance_md::team(&reports),
            };
            outputs.push((name("team"), text));
        }
    }
    std::fs::create_dir_all(&args.output).map_err(|e| {
        DataError::of(args.output.display().to_string(), IoKind::CannotCreateFolder { error: e.to_string() })
    })?;
    for (path, text) in &outputs {
        super::emit(text, Some(path))?;
    }
    let listing: Vec<String> = outputs.iter().map(|(p, _)| p.display().to_string()).collect();
    eprintln!("wrote {} file{}: {}", outputs.len(), if outputs.len() == 1 { "" } else { "s" }, listing.join(", "));
    Ok(())
}
