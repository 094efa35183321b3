//! `commission report`: the monthly performance report per payee, and the team overview.

use std::collections::HashMap;
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

impl LangArg {
    /// The language of the fixed words of `report` and `doc`.
    pub fn resolve(self, plan: &commission::plan::Plan) -> Lang {
        match self {
            LangArg::Auto => Lang::for_plan(plan),
            LangArg::En => Lang::En,
            LangArg::Zh => Lang::Zh,
        }
    }
}

#[derive(Args)]
pub struct ReportArgs {
    /// The policy file
    policy: PathBuf,
    #[command(flatten)]
    ledgers: LedgerArgs,
    /// The report's month (2026-03); default: the last month of the project file's range
    #[arg(long)]
    period: Option<String>,
    /// First month of the trend (default: January of the report's year)
    #[arg(long)]
    from: Option<String>,
    /// Only this payee's report (no team page)
    #[arg(long)]
    payee: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "html")]
    format: Format,
    /// Folder to write the reports into (created if missing); `-` writes the page of
    /// `--one-file` to standard output
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

/// The stems of the report's own pages, which no payee's page may take.
const RESERVED_STEMS: [&str; 2] = ["team", "report"];

/// The longest part of a payee id kept in a file name (file systems allow 255 bytes).
const MAX_STEM_CHARS: usize = 64;

/// Each payee's file stem, unique and safe for every id: the id itself when it is only
/// letters, digits (any script) and `-`, not too long and not a page of the report's own;
/// else the id with every other character made `_`, cut to 64 characters, then `~` and the
/// first 8 hex digits of the SHA-256 of the id (a `~` never appears in a kept id, so a
/// hashed stem never equals a kept one). Ids that differ only in case (`M1`, `m1`: one file
/// on Windows and macOS) are both hashed, and so are ids whose hashed stems would meet.
fn file_stems<'a>(payees: impl Iterator<Item = &'a str>) -> HashMap<&'a str, String> {
    use sha2::{Digest, Sha256};
    let hashed = |id: &str, hex_digits: usize| {
        let slug: String =
            id.chars().take(MAX_STEM_CHARS).map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect();
        let digest: String = Sha256::digest(id.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        format!("{slug}~{}", digest.get(..hex_digits).unwrap_or(&digest))
    };
    let kept = |id: &str| {
        !id.is_empty()
            && id.chars().count() <= MAX_STEM_CHARS
            && id.chars().all(|c| c.is_alphanumeric() || c == '-')
            && !RESERVED_STEMS.iter().any(|r| r.eq_ignore_ascii_case(id))
    };
    let ids: Vec<&str> = payees.collect();
    let mut stems: HashMap<&str, String> =
        ids.iter().map(|id| (*id, if kept(id) { (*id).to_string() } else { hashed(id, 8) })).collect();
    // Case-insensitive file systems: stems equal but for case are all hashed, with the whole
    // digest if even that is not enough.
    for hex_digits in [8, 64] {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for stem in stems.values() {
            *seen.entry(stem.to_lowercase()).or_default() += 1;
        }
        let clashing: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| stems.get(id).is_some_and(|s| seen.get(&s.to_lowercase()) > Some(&1)))
            .collect();
        if clashing.is_empty() {
            break;
        }
        for id in clashing {
            stems.insert(id, hashed(id, if hex_digits == 8 && kept(id) { 8 } else { 64 }));
        }
    }
    stems
}

pub fn run(args: ReportArgs) -> Result<(), Error> {
    let (plan, warnings) = load_policy(&args.policy)?;
    let files = args.ledgers.bind(&plan)?;
    let to = match &args.period {
        Some(period) => month("--period", period)?,
        None => match super::project()?.and_then(commission::project::Project::range) {
            Some((_, last)) => last,
            None => return Err(DataError::of("--period", IoKind::NoReportMonth).into()),
        },
    };
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
    let lang = args.lang.resolve(&plan);
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
    let mut outputs: Vec<(String, String)> = Vec::new();
    let name = |stem: &str| format!("{to}-{stem}.{ext}");
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
        let stems =
            file_stems(reports.payees.iter().map(|p| &*p.payee).chain(reports.team.rows.iter().map(|r| &*r.payee)));
        let stem = |payee: &str| stems.get(payee).cloned().unwrap_or_default();
        for p in &reports.payees {
            let text = match args.format {
                Format::Html => performance_html::payee_page(&reports, p),
                Format::Md => performance_md::payee(&reports, p),
            };
            outputs.push((name(&stem(&p.payee)), text));
        }
        if args.payee.is_none() {
            let link = |payee: &str| Some(name(&stem(payee)));
            let text = match args.format {
                Format::Html => performance_html::team_page(&reports, &link),
                Format::Md => performance_md::team(&reports),
            };
            outputs.push((name("team"), text));
        }
    }
    if args.output == std::path::Path::new("-") {
        // `-o -`: standard output, which holds one page only.
        return match outputs.as_slice() {
            [(_, text)] if args.one_file => super::emit(text, None),
            _ => Err(DataError::of("-o -", IoKind::FolderToStdout { command: "report", hint: "--one-file" }).into()),
        };
    }
    super::output::write_folder(&args.output, &outputs)?;
    // The folder, and the first few pages by name (a team of hundreds is not listed page by
    // page on the terminal).
    const LISTED: usize = 4;
    let names: Vec<&str> = outputs.iter().map(|(n, _)| n.as_str()).collect();
    let listing = match names.len() {
        n if n <= LISTED => names.join(", "),
        n => format!("{} and {} more", names.get(..LISTED - 1).unwrap_or_default().join(", "), n - (LISTED - 1)),
    };
    super::note(&format!(
        "wrote {} file{} in {}: {listing}",
        outputs.len(),
        if outputs.len() == 1 { "" } else { "s" },
        args.output.display()
    ));
    Ok(())
}
