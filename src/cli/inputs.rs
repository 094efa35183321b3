//! Shared argument handling: loading a policy file, binding `--data NAME=PATH` to inputs,
//! and the month range.

use std::path::PathBuf;

use commission::check;
use commission::data::{InputFile, LedgerSource, TextEncoding};
use commission::diagnostics::io::IoKind;
use commission::diagnostics::{DataError, Error, PolicyProblems};
use commission::period::Period;
use commission::plan::Plan;
use commission::project::Project;
use commission::source::SourceFile;
use commission::suggest;

/// The ledgers a command reads, shared by `run`, `explain`, `report`, `diff` and `budget`.
#[derive(clap::Args)]
pub struct LedgerArgs {
    /// Bind a declared input to a ledger: NAME=PATH (repeat for each input). PATH is a CSV
    /// file, an .xlsx workbook (its first visible sheet, or PATH#SHEET), or `-` for CSV on
    /// standard input (one input at most). Overrides the project file's binding
    #[arg(long, value_name = "NAME=PATH")]
    pub data: Vec<String>,
    /// Encoding of the CSV ledgers: utf-8 (default) or gbk (GB18030, as Excel saves CSV on a
    /// Chinese Windows); NAME=ENCODING for one input. Repeatable
    #[arg(long, value_name = "[NAME=]ENCODING")]
    pub encoding: Vec<String>,
}

impl LedgerArgs {
    /// The plan's inputs bound to files: `--data` first, then the project file.
    pub fn bind(&self, plan: &Plan) -> Result<Vec<InputFile>, Error> {
        Ok(self.bind_shared(&[plan])?.into_iter().next().unwrap_or_default())
    }

    pub fn bind_shared(&self, plans: &[&Plan]) -> Result<Vec<Vec<InputFile>>, Error> {
        bind_shared(plans, &self.data, &self.encoding, super::project()?)
    }
}

/// The months a command covers, shared by `run`, `diff` and `budget`.
#[derive(clap::Args)]
pub struct RangeArgs {
    /// One period: a month (2026-03), a quarter (2026-Q1) or a year (2026)
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub period: Option<String>,
    /// First month of the range (with --to); without a range, the months the ledgers span
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// Last month of the range (with --from)
    #[arg(long, requires = "from")]
    pub to: Option<String>,
}

impl RangeArgs {
    /// The flags' range, else the project file's, else none (the ledgers' span).
    pub fn range(&self) -> Result<Option<(Period, Period)>, Error> {
        match range(self.period.as_deref(), self.from.as_deref(), self.to.as_deref())? {
            Some(given) => Ok(Some(given)),
            None => Ok(super::project()?.and_then(Project::range)),
        }
    }
}

/// A policy file's text. A UTF-8 byte-order mark at its start (Windows Notepad writes one) is
/// not part of the text: it is dropped, so lines and columns are the ones an editor shows.
pub fn read_policy(path: &std::path::Path) -> std::io::Result<String> {
    std::fs::read_to_string(path).map(without_bom)
}

/// `text` without a leading byte-order mark.
pub fn without_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// Reads and checks a policy; warnings come back with the plan.
pub fn load_policy(path: &std::path::Path) -> Result<(Plan, PolicyProblems), Error> {
    let shown = path.display().to_string();
    super::output::note_input(path);
    let text =
        read_policy(path).map_err(|e| DataError::of(&shown, IoKind::CannotReadPolicy { error: e.to_string() }))?;
    check_source(SourceFile::new(shown, text))
}

/// Like [`load_policy`], but `spec` may also be a git revision of a file
/// (`HEAD~1:policies/x.policy`).
pub fn load_policy_spec(spec: &str) -> Result<(Plan, PolicyProblems), Error> {
    let text = super::revision::read(spec)?;
    check_source(SourceFile::new(spec, text))
}

fn check_source(source: SourceFile) -> Result<(Plan, PolicyProblems), Error> {
    let check::Compilation { plan, warnings, .. } = check::compile(source.clone())?;
    Ok((plan, PolicyProblems { source, problems: warnings }))
}

/// The encoding `--encoding` gives every input (if any), and those given one input each.
type Encodings = (Option<TextEncoding>, Vec<(String, TextEncoding)>);

/// `--encoding gbk` (every input) and `--encoding sales=gbk` (one input): the encoding for
/// all inputs, and the inputs that differ.
pub fn encodings(names: &[&str], flags: &[String]) -> Result<Encodings, Error> {
    let parse = |flag: &str, label: &str| {
        TextEncoding::parse(label).ok_or_else(|| {
            Error::from(DataError::of(
                format!("--encoding {flag}"),
                IoKind::UnknownEncoding { label: label.to_string() },
            ))
        })
    };
    let mut all = None;
    let mut each = Vec::new();
    for flag in flags {
        match flag.split_once('=') {
            None => all = Some(parse(flag, flag)?),
            Some((name, label)) => {
                if !names.contains(&name) {
                    return Err(DataError::of(
                        format!("--encoding {flag}"),
                        IoKind::UnknownInput {
                            name: name.to_string(),
                            several_policies: false,
                            suggestion: suggest::help(name, "input", names.iter().copied()),
                        },
                    )
                    .into());
                }
                each.push((name.to_string(), parse(flag, label)?));
            }
        }
    }
    Ok((all, each))
}

/// Binds one `--data` list to the inputs of several plans (a comparison). A name must be an
/// input of at least one plan, and every plan must have each of its inputs bound, by
/// `--data` or by the project file (whose other inputs, for other policies, are left alone).
///
/// A file's encoding: `--encoding NAME=...`, else `--encoding ...`, else (for the project's
/// own file of that input) the project's `encoding`, else UTF-8.
pub fn bind_shared(
    plans: &[&Plan],
    data: &[String],
    encoding: &[String],
    project: Option<&Project>,
) -> Result<Vec<Vec<InputFile>>, Error> {
    // (input, path, the project's encoding for it)
    let mut bindings: Vec<(&str, String, Option<TextEncoding>)> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for plan in plans {
        for input in &plan.inputs {
            if !names.contains(&input.name.as_str()) {
                names.push(input.name.as_str());
            }
        }
    }
    let (all, each) = encodings(&names, encoding)?;
    for binding in data {
        let Some((name, path)) = binding.split_once('=') else {
            return Err(DataError::of(
                format!("--data {binding}"),
                IoKind::NotNameEqualsPath { example: names.first().unwrap_or(&"sales").to_string() },
            )
            .into());
        };
        if !names.contains(&name) {
            return Err(DataError::of(
                format!("--data {binding}"),
                IoKind::UnknownInput {
                    name: name.to_string(),
                    several_policies: plans.len() > 1,
                    suggestion: suggest::help(name, "input", names.iter().copied()),
                },
            )
            .into());
        }
        if bindings.iter().any(|(n, _, _)| *n == name) {
            return Err(
                DataError::of(format!("--data {binding}"), IoKind::BoundTwice { name: name.to_string() }).into()
            );
        }
        bindings.push((name, path.to_string(), None));
    }
    if let Some(project) = project {
        for binding in project.bindings() {
            if names.contains(&binding.name.as_str()) && !bindings.iter().any(|(n, _, _)| *n == binding.name) {
                bindings.push((binding.name.as_str(), shorter(&binding.path), binding.encoding));
            }
        }
    }
    // `-` is standard input, which can be read once: one input at most.
    let piped: Vec<&str> = bindings.iter().filter(|(_, path, _)| path == "-").map(|(name, _, _)| *name).collect();
    let stdin = match piped.as_slice() {
        [] => None,
        [_] => Some(read_stdin()?),
        [first, second, ..] => {
            return Err(DataError::of(
                format!("--data {second}=-"),
                IoKind::StdinTwice { first: first.to_string(), second: second.to_string() },
            )
            .into())
        }
    };
    for (_, path, _) in bindings.iter().filter(|(_, path, _)| path != "-") {
        // `PATH#SHEET` reads PATH: either way, no output may replace the file.
        super::output::note_input(std::path::Path::new(path));
        if let Some((file, _)) = path.rsplit_once('#') {
            super::output::note_input(std::path::Path::new(file));
        }
    }
    let mut out = Vec::with_capacity(plans.len());
    for plan in plans {
        let files: Vec<InputFile> = plan
            .inputs
            .iter()
            .enumerate()
            .filter_map(|(input, schema)| {
                bindings.iter().find(|(n, _, _)| *n == schema.name).map(|(name, path, own)| {
                    let encoding = each
                        .iter()
                        .rev()
                        .find(|(n, _)| n == name)
                        .map(|(_, e)| *e)
                        .or(all)
                        .or(*own)
                        .unwrap_or(TextEncoding::Utf8);
                    let source = match &stdin {
                        Some(bytes) if path == "-" => LedgerSource::Stdin { bytes: bytes.clone(), encoding },
                        _ => LedgerSource::from_spec(path, encoding),
                    };
                    InputFile { input, source }
                })
            })
            .collect();
        let missing: Vec<String> = plan
            .inputs
            .iter()
            .enumerate()
            .filter(|(i, _)| !files.iter().any(|f| f.input == *i))
            .map(|(_, s)| s.name.clone())
            .collect();
        if !missing.is_empty() {
            let location = if plans.len() > 1 { plan.source.name.clone() } else { String::new() };
            return Err(DataError::of(location, IoKind::NoFileForInput { inputs: missing }).into());
        }
        out.push(files);
    }
    Ok(out)
}

/// Standard input, read whole (a command may read a ledger more than once).
fn read_stdin() -> Result<std::sync::Arc<[u8]>, Error> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map_err(|e| {
        DataError::of(commission::data::source::STDIN, IoKind::CannotReadStdin { error: e.to_string() })
    })?;
    Ok(bytes.into())
}

/// A project's ledger path as messages show it: from the current folder when the file is
/// under it (the project was found upward, so its paths are absolute).
fn shorter(path: &str) -> String {
    let here = std::env::current_dir().ok();
    match here.as_deref().and_then(|here| std::path::Path::new(path).strip_prefix(here).ok()) {
        Some(rest) if !rest.as_os_str().is_empty() => rest.display().to_string(),
        _ => path.to_string(),
    }
}

/// `--period`, or `--from` and `--to`, as a range of months. Quarters and years expand to
/// their months (`--period 2026-Q1` is January to March).
pub fn range(period: Option<&str>, from: Option<&str>, to: Option<&str>) -> Result<Option<(Period, Period)>, Error> {
    let parse = |flag: &str, text: &str| {
        Period::parse(text).ok_or_else(|| Error::from(DataError::of(format!("{flag} {text}"), IoKind::NotAPeriod)))
    };
    match (period, from, to) {
        (Some(p), None, None) => {
            let p = parse("--period", p)?;
            Ok(Some((p.first_month(), p.last_month())))
        }
        (None, Some(f), Some(t)) => {
            let (f, t) = (parse("--from", f)?.first_month(), parse("--to", t)?.last_month());
            if f > t {
                return Err(DataError::of(format!("--from {f} --to {t}"), IoKind::RangeBackwards).into());
            }
            Ok(Some((f, t)))
        }
        (None, None, None) => Ok(None),
        (Some(_), _, _) => Err(DataError::of("--period", IoKind::PeriodAndRange).into()),
        _ => Err(DataError::of("--from/--to", IoKind::HalfARange).into()),
    }
}

/// Files as given, and the `.policy` files under each folder given (sorted, so that output
/// is the same on every machine).
pub fn policy_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut stack = vec![path.clone()];
            let mut here = Vec::new();
            while let Some(dir) = stack.pop() {
                let entries = std::fs::read_dir(&dir).map_err(|e| {
                    DataError::of(dir.display().to_string(), IoKind::CannotReadFolder { error: e.to_string() })
                })?;
                for entry in entries.flatten() {
                    let p = entry.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|x| x == "policy") {
                        here.push(p);
                    }
                }
            }
            here.sort();
            found.extend(here);
        } else if path.exists() {
            found.push(path.clone());
        } else {
            return Err(DataError::of(path.display().to_string(), IoKind::NoSuchPath).into());
        }
    }
    Ok(found)
}
