//! Shared argument handling: loading a policy file, binding `--data NAME=PATH` to inputs,
//! and the month range.

use commission::check::{self, suggest_help, Plan};
use commission::data::{InputFile, LedgerSource, TextEncoding};
use commission::diagnostics::{DataError, Error, PolicyReport, SourceFile};
use commission::period::Period;

/// Reads and checks a policy; warnings come back with the plan.
pub fn load_policy(path: &std::path::Path) -> Result<(Plan, PolicyReport), Error> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        DataError::new(&shown, format!("cannot read policy: {e}"))
            .with_help("give the path of a `.policy` file, e.g. `policies/telecom-account-manager.policy`")
    })?;
    let source = SourceFile::new(shown, text);
    let (plan, warnings) = check::load(source.clone())?;
    Ok((plan, PolicyReport { source, problems: warnings }))
}

/// `--encoding gbk` (every CSV input) or `--encoding sales=gbk` (one input), repeatable.
/// Returns the encoding for all inputs and the per-input ones.
pub fn encodings(plan: &Plan, flags: &[String]) -> Result<(TextEncoding, Vec<(usize, TextEncoding)>), Error> {
    let parse = |flag: &str, label: &str| {
        TextEncoding::parse(label).ok_or_else(|| {
            Error::from(DataError::new(format!("--encoding {flag}"), format!("unknown encoding `{label}`")).with_help(
                "the encodings read are `utf-8` (the default) and `gbk` (also called gb18030, gb2312, cp936)",
            ))
        })
    };
    let mut all = TextEncoding::Utf8;
    let mut each = Vec::new();
    for flag in flags {
        match flag.split_once('=') {
            None => all = parse(flag, flag)?,
            Some((name, label)) => {
                let Some(input) = plan.inputs.iter().position(|i| i.name == name) else {
                    let names = plan.inputs.iter().map(|i| i.name.as_str());
                    return Err(DataError::new(
                        format!("--encoding {flag}"),
                        format!("the policy has no input `{name}`"),
                    )
                    .with_help(suggest_help(name, "input", names))
                    .into());
                };
                each.push((input, parse(flag, label)?));
            }
        }
    }
    Ok((all, each))
}

/// `sales=path/to/sales.csv` -> the input it binds.
pub fn bind(plan: &Plan, data: &[String], encoding: &[String]) -> Result<Vec<InputFile>, Error> {
    let (all, each) = encodings(plan, encoding)?;
    let mut files: Vec<InputFile> = Vec::new();
    let names: Vec<&str> = plan.inputs.iter().map(|i| i.name.as_str()).collect();
    for binding in data {
        let Some((name, path)) = binding.split_once('=') else {
            return Err(DataError::new(format!("--data {binding}"), "expected NAME=PATH")
                .with_help(format!(
                    "bind each input to a file, e.g. `--data {}=ledger.csv`",
                    names.first().unwrap_or(&"sales")
                ))
                .into());
        };
        let Some(input) = plan.inputs.iter().position(|i| i.name == name) else {
            return Err(DataError::new(format!("--data {binding}"), format!("the policy has no input `{name}`"))
                .with_help(suggest_help(name, "input", names.iter().copied()))
                .into());
        };
        if files.iter().any(|f| f.input == input) {
            return Err(DataError::new(format!("--data {binding}"), format!("input `{name}` is bound twice")).into());
        }
        let encoding = each.iter().rev().find(|(i, _)| *i == input).map_or(all, |(_, e)| *e);
        files.push(InputFile { input, source: LedgerSource::from_spec(path, encoding) });
    }
    let missing: Vec<&str> = plan
        .inputs
        .iter()
        .enumerate()
        .filter(|(i, _)| !files.iter().any(|f| f.input == *i))
        .map(|(_, s)| s.name.as_str())
        .collect();
    if !missing.is_empty() {
        let example: Vec<String> = missing.iter().map(|m| format!("--data {m}={m}.csv")).collect();
        return Err(DataError::new(
            "",
            format!(
                "no file given for input {}",
                missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            ),
        )
        .with_help(format!("bind every declared input: {}", example.join(" ")))
        .into());
    }
    Ok(files)
}

/// `--period`, or `--from` and `--to`, as a range of months. Quarters and years expand to
/// their months (`--period 2026-Q1` is January to March).
pub fn range(period: Option<&str>, from: Option<&str>, to: Option<&str>) -> Result<Option<(Period, Period)>, Error> {
    let parse = |flag: &str, text: &str| {
        Period::parse(text).ok_or_else(|| {
            Error::from(
                DataError::new(format!("{flag} {text}"), "not a period")
                    .with_help("write a month `2026-03`, a quarter `2026-Q1` or a year `2026`"),
            )
        })
    };
    match (period, from, to) {
        (Some(p), None, None) => {
            let p = parse("--period", p)?;
            Ok(Some((p.first_month(), p.last_month())))
        }
        (None, Some(f), Some(t)) => {
            let (f, t) = (parse("--from", f)?.first_month(), parse("--to", t)?.last_month());
            if f > t {
                return Err(DataError::new(format!("--from {f} --to {t}"), "the range ends before it starts").into());
            }
            Ok(Some((f, t)))
        }
        (None, None, None) => Ok(None),
        (Some(_), _, _) => Err(DataError::new("--period", "give either --period or --from and --to, not both").into()),
        _ => Err(DataError::new("--from/--to", "give both --from and --to")
            .with_help("e.g. `--from 2026-01 --to 2026-06`")
            .into()),
    }
}
