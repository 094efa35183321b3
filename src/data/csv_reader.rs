//! Streams a CSV ledger row by row, validating every field against the declared schema.
//! Rows are handed to a callback and never collected: memory stays bounded by the plan's
//! aggregates, not by the ledger.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use super::parse_value::parse_value;
use crate::check::plan::InputSchema;
use crate::check::suggest_help;
use crate::diagnostics::DataError;
use crate::value::Value;

/// A declared input bound to a file on the command line, or to rows written in a policy test.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub input: usize,
    /// The file; for inline rows, the policy file they are written in (named in messages).
    pub path: PathBuf,
    pub inline: Option<InlineRows>,
}

/// CSV text written inside a policy (a `test` block), read like a file.
#[derive(Debug, Clone)]
pub struct InlineRows {
    pub text: Arc<str>,
    /// The policy line of each CSV line, so that a bad value is reported where it is written.
    pub lines: Vec<u64>,
}

impl InputFile {
    pub fn new(input: usize, path: impl Into<PathBuf>) -> Self {
        InputFile { input, path: path.into(), inline: None }
    }

    /// The line to name in messages for a line of the CSV text.
    fn line(&self, csv_line: u64) -> u64 {
        match &self.inline {
            Some(rows) => {
                usize::try_from(csv_line.saturating_sub(1)).ok().and_then(|i| rows.lines.get(i)).copied().unwrap_or(0)
            }
            None => csv_line,
        }
    }
}

/// What happened to the rows of one input. `read = used + outside_range + no_payee`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    pub read: u64,
    pub used: u64,
    pub outside_range: u64,
    /// Rows whose payee is not paid by this plan (e.g. a survey for someone with no sales).
    pub no_payee: u64,
    /// Rows refused as invalid. A run stops at the first one, so this is 0 in any output.
    pub rejected: u64,
}

/// One validated row: values in the schema's column order, and its line in the file.
pub struct Row<'a> {
    pub values: &'a [Value],
    pub line: u64,
}

/// Reads `file` against `schema`, calling `each` for every row. Stops at the first problem.
pub fn read_input(
    schema: &InputSchema,
    file: &InputFile,
    money_scale: u32,
    mut each: impl FnMut(Row<'_>) -> Result<(), DataError>,
) -> Result<u64, DataError> {
    let shown = file.path.display().to_string();
    let handle: Box<dyn Read> = match &file.inline {
        Some(rows) => Box::new(std::io::Cursor::new(rows.text.as_bytes().to_vec())),
        None => Box::new(File::open(&file.path).map_err(|e| {
            DataError::new(&shown, format!("cannot open input `{}`: {e}", schema.name))
                .with_help("check the path given with `--data`")
        })?),
    };
    let header_line = file.line(1);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::BufReader::with_capacity(1 << 16, handle));
    let mut record = csv::ByteRecord::new();

    // The header maps file columns to declared columns; order is free, names must match.
    let has_header = reader.read_byte_record(&mut record).map_err(|e| csv_error(&shown, &e))?;
    if !has_header {
        let names: Vec<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
        return Err(DataError::new(
            &shown,
            format!("the file is empty; expected a header line for input `{}`", schema.name),
        )
        .with_help(format!("the first line names the columns: {}", names.join(","))));
    }
    let header: Vec<String> = (0..record.len())
        .map(|i| {
            field_text(&record, i, &shown, header_line).map(|s| s.trim().trim_start_matches('\u{feff}').to_string())
        })
        .collect::<Result<_, _>>()?;
    let mut position: Vec<usize> = Vec::with_capacity(schema.columns.len());
    for column in &schema.columns {
        match header.iter().position(|h| *h == column.name) {
            Some(p) => position.push(p),
            None => {
                let help = suggest_help(&column.name, "column in the file", header.iter().map(String::as_str));
                return Err(DataError::new(
                    format!("{shown}:{header_line}"),
                    format!("missing column `{}` of input `{}`", column.name, schema.name),
                )
                .with_help(help));
            }
        }
    }
    let mut seen_names = HashSet::new();
    for (i, name) in header.iter().enumerate() {
        if !seen_names.insert(name.as_str()) {
            return Err(DataError::new(
                format!("{shown}:{header_line}:{}", i + 1),
                format!("column `{name}` appears twice in the header"),
            ));
        }
        if schema.column_index(name).is_none() {
            let declared: Vec<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
            return Err(DataError::new(
                format!("{shown}:{header_line}:{}", i + 1),
                format!("column `{name}` is not declared in input `{}`", schema.name),
            )
            .with_help(format!(
                "{}; declare it in the policy (`{name}: text`) or remove it from the file",
                suggest_help(name, "declared column", declared.iter().copied())
            )));
        }
    }

    let mut keys: HashSet<Box<str>> = HashSet::new();
    let mut values: Vec<Value> = Vec::with_capacity(schema.columns.len());
    let mut read = 0u64;
    let enum_sets: Vec<Option<HashMap<&str, ()>>> = schema
        .columns
        .iter()
        .map(|c| c.values.as_ref().map(|v| v.iter().map(|s| (s.as_str(), ())).collect()))
        .collect();
    loop {
        let more = reader.read_byte_record(&mut record).map_err(|e| csv_error(&shown, &e))?;
        if !more {
            break;
        }
        let line = file.line(record.position().map_or(0, |p| p.line()));
        if record.len() == 1 && record.get(0).is_some_and(|f| f.iter().all(u8::is_ascii_whitespace)) {
            // A blank line (often trailing) is not a row.
            continue;
        }
        if record.len() != header.len() {
            return Err(DataError::new(
                format!("{shown}:{line}"),
                format!("row has {} fields, the header has {}", record.len(), header.len()),
            )
            .with_help("a field containing a comma must be quoted: \"...\""));
        }
        values.clear();
        for (c, column) in schema.columns.iter().enumerate() {
            let at = position.get(c).copied().unwrap_or(0);
            let raw = field_text(&record, at, &shown, line)?;
            let value = parse_value(column.ty, raw, money_scale).map_err(|r| {
                let err = DataError::new(
                    format!("{shown}:{line}:{}", at + 1),
                    format!("`{}` is `{}`, expected {}", column.name, raw.trim(), r.expected),
                );
                match r.help {
                    Some(h) => err.with_help(h),
                    None => err,
                }
            })?;
            if let (Some(Some(allowed)), Value::Text(t)) = (enum_sets.get(c), &value) {
                if !allowed.contains_key(&**t) {
                    let list = column.values.as_deref().unwrap_or(&[]);
                    return Err(DataError::new(
                        format!("{shown}:{line}:{}", at + 1),
                        format!("`{}` is `{t}`, which is not one of its declared values", column.name),
                    )
                    .with_help(suggest_help(t, "allowed value", list.iter().map(String::as_str))));
                }
            }
            if (schema.key == Some(c) || schema.payee == Some(c)) && matches!(&value, Value::Text(t) if t.is_empty()) {
                return Err(DataError::new(
                    format!("{shown}:{line}:{}", at + 1),
                    format!("`{}` is empty", column.name),
                )
                .with_help("every row must name its payee and key"));
            }
            if schema.key == Some(c) && !keys.insert(raw.trim().into()) {
                return Err(DataError::new(
                    format!("{shown}:{line}:{}", at + 1),
                    format!("`{}` `{}` appears twice; it is the key of `{}`", column.name, raw.trim(), schema.name),
                )
                .with_help("each row of a keyed input must have its own key; remove the duplicate row"));
            }
            values.push(value);
        }
        read += 1;
        each(Row { values: &values, line }).map_err(|e| {
            if e.location.is_empty() {
                DataError { location: format!("{shown}:{line}"), ..e }
            } else {
                e
            }
        })?;
    }
    Ok(read)
}

fn field_text<'r>(record: &'r csv::ByteRecord, i: usize, shown: &str, line: u64) -> Result<&'r str, DataError> {
    let bytes = record.get(i).unwrap_or(b"");
    std::str::from_utf8(bytes).map_err(|_| {
        DataError::new(format!("{shown}:{line}:{}", i + 1), "the file is not valid UTF-8")
            .with_help("save the ledger as UTF-8 (Excel: \"CSV UTF-8\"); files saved as GBK/GB18030 are not read yet")
    })
}

fn csv_error(shown: &str, e: &csv::Error) -> DataError {
    let line = e.position().map_or(String::new(), |p| format!(":{}", p.line()));
    DataError::new(format!("{shown}{line}"), format!("cannot read CSV: {e}"))
}
