//! Reads one ledger against its declared schema, row by row: the header is matched to the
//! declared columns, every field is checked against its type, keys must be unique. Valid
//! rows are handed to a callback and never collected; what grows with the ledger is the set
//! of keys seen (for uniqueness), nothing else.
//!
//! A rejected row is counted and its problem kept; reading goes on until `max_errors`
//! problems are known (1 by default: the first bad row stops the run). Problems with the file
//! as a whole (header, encoding) stop it at once.

use std::collections::HashSet;

use serde::Serialize;

use super::ids::{check_id, IdProblem, LookAlikes};
use super::keys::KeySet;
use super::parse_value::parse_value;
use super::source::InputFile;
use super::text_rows::{open, ReadProblem, RowReader};
use crate::diagnostics::ledger::LedgerKind;
use crate::diagnostics::DataError;
use crate::money::Currency;
use crate::plan::InputSchema;
use crate::suggest;
use crate::value::Value;

/// What happened to the rows of one input: `read = used + outside_range + no_payee + rejected`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    pub read: u64,
    pub used: u64,
    pub outside_range: u64,
    /// Rows whose payee is not paid by this plan (e.g. a survey for someone with no sales).
    pub no_payee: u64,
    /// Rows refused as invalid. A run with any fails, so this is 0 in every output; it is
    /// counted for the failure report.
    pub rejected: u64,
}

/// One validated row: values in the schema's column order, and where it is.
pub struct Row<'a> {
    pub values: &'a [Value],
    pub line: u64,
    /// File column of each declared column (0-based), for messages.
    positions: &'a [usize],
    reader: &'a dyn RowReader,
}

impl Row<'_> {
    /// Where the row is: `sales.csv:12`.
    pub fn at(&self) -> String {
        self.reader.at_line(self.line)
    }
    /// Where one of its declared columns is: `sales.csv:12:3`.
    pub fn at_column(&self, column: usize) -> String {
        match self.positions.get(column) {
            Some(p) => self.reader.at_field(self.line, *p),
            None => self.at(),
        }
    }
    /// How its file names rows and fields, and the file column of each declared column: to
    /// name the row later (`RowPlaces`), not as it is read.
    pub fn places(&self) -> RowPlaces {
        RowPlaces { places: self.reader.places().clone(), positions: self.positions.to_vec() }
    }
    /// Whether the row is of the file `places` names.
    pub fn is_of(&self, places: &RowPlaces) -> bool {
        self.reader.places().same_file(&places.places)
    }
}

/// How a file names its rows and its declared columns, kept to name a row read earlier.
#[derive(Debug, Clone)]
pub struct RowPlaces {
    places: super::text_rows::Places,
    positions: Vec<usize>,
}

impl RowPlaces {
    /// How a file names rows, and the file column of each declared column.
    pub fn new(places: super::text_rows::Places, positions: Vec<usize>) -> RowPlaces {
        RowPlaces { places, positions }
    }
    /// Where line `line` is: `sales.csv:12`.
    pub fn at(&self, line: u64) -> String {
        self.places.at_line(line)
    }
    /// Where declared column `column` of line `line` is: `sales.csv:12:3`.
    pub fn at_column(&self, line: u64, column: usize) -> String {
        match self.positions.get(column) {
            Some(p) => self.places.at_field(line, *p),
            None => self.at(line),
        }
    }
}

/// What the callback says about a valid row it cannot use.
pub enum Refusal {
    /// The row is wrong in a way the schema cannot see (a payee not in the roster): reject it.
    Reject(DataError),
    /// Stop reading: the caller has met a problem of its own (in the policy) and kept it.
    Stop,
}

/// How reading ended.
#[derive(Debug, Default)]
pub struct Reading {
    /// Data rows read, valid or not (blank lines are not rows).
    pub read: u64,
    pub rejected: u64,
    /// The problems of the rejected rows, in file order, at most `max_errors`.
    pub problems: Vec<DataError>,
    /// The callback asked to stop.
    pub stopped: bool,
}

/// Reads `file` against `schema`, calling `each` for every valid row.
pub fn read_input(
    schema: &InputSchema,
    file: &InputFile,
    money: &Currency,
    max_errors: usize,
    mut each: impl FnMut(Row<'_>) -> Result<(), Refusal>,
) -> Result<Reading, DataError> {
    let max_errors = max_errors.max(1);
    let mut reader = open(&file.source)?;
    let shown = file.source.shown();
    let mut fields = csv::StringRecord::new();

    let header_line = match reader.next_row(&mut fields) {
        Ok(Some(line)) => line,
        Ok(None) => {
            return Err(DataError::of(
                &shown,
                LedgerKind::EmptyFile {
                    input: schema.name.clone(),
                    columns: schema.columns.iter().map(|c| c.name.clone()).collect(),
                },
            ));
        }
        Err(ReadProblem::Fatal(e) | ReadProblem::Row(e)) => return Err(e),
    };
    let header: Vec<String> = fields.iter().map(|h| h.trim().to_string()).collect();
    let positions = match_header(schema, &header, &*reader, header_line)?;

    let mut reading = Reading::default();
    let mut values: Vec<Value> = Vec::with_capacity(schema.columns.len());
    let mut rules = RowRules {
        schema,
        // Header columns with no name: allowed (Excel leaves them after the table), if empty;
        // an input that ignores other columns ignores these too.
        unnamed: match schema.ignores_others {
            true => Vec::new(),
            false => header.iter().enumerate().filter(|(_, h)| h.is_empty()).map(|(i, _)| i).collect(),
        },
        header,
        positions,
        enum_sets: schema
            .columns
            .iter()
            .map(|c| c.values.as_ref().map(|v| v.iter().map(String::as_str).collect()))
            .collect(),
        money,
        keys: KeySet::default(),
        key_look_alikes: None,
    };
    loop {
        let line = match reader.next_row(&mut fields) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(ReadProblem::Fatal(e)) => return Err(e),
            Err(ReadProblem::Row(e)) => {
                reading.read += 1;
                if reject(&mut reading, e, max_errors) {
                    break;
                }
                continue;
            }
        };
        if fields.iter().all(|f| f.trim().is_empty()) {
            // A blank line, or a line of empty fields (`,,,,` as Excel writes after a
            // table), is not a row.
            continue;
        }
        reading.read += 1;
        let checked = rules.check(&fields, line, &*reader, &mut values);
        let outcome = match checked {
            Err(problem) => Err(Refusal::Reject(problem)),
            Ok(()) => each(Row { values: &values, line, positions: &rules.positions, reader: &*reader }),
        };
        match outcome {
            Ok(()) => {}
            Err(Refusal::Stop) => {
                reading.stopped = true;
                return Ok(reading);
            }
            Err(Refusal::Reject(problem)) => {
                let problem = if problem.location.is_empty() {
                    DataError { location: reader.at_line(line), ..problem }
                } else {
                    problem
                };
                if reject(&mut reading, problem, max_errors) {
                    break;
                }
            }
        }
    }
    if reading.problems.len() < max_errors {
        reader.finish()?;
    }
    Ok(reading)
}

/// Counts a rejected row; true when enough problems are known to stop.
fn reject(reading: &mut Reading, problem: DataError, max_errors: usize) -> bool {
    reading.rejected += 1;
    reading.problems.push(problem);
    reading.problems.len() >= max_errors
}

/// The file column of each declared column. Order is free; every declared column must be
/// there, once, and no undeclared one may be (unless the input ignores other columns: then
/// they are skipped). Every missing column is named at once, not the first only.
fn match_header(
    schema: &InputSchema,
    header: &[String],
    reader: &dyn RowReader,
    line: u64,
) -> Result<Vec<usize>, DataError> {
    let mut positions: Vec<usize> = Vec::with_capacity(schema.columns.len());
    let mut missing = Vec::new();
    for column in &schema.columns {
        match header.iter().position(|h| *h == column.name) {
            Some(p) => positions.push(p),
            None => missing.push((
                column.name.clone(),
                suggest::help(&column.name, "file column", header.iter().map(String::as_str)),
            )),
        }
    }
    if !missing.is_empty() {
        return Err(DataError::of(
            reader.at_line(line),
            LedgerKind::MissingColumn { columns: missing, input: schema.name.clone() },
        ));
    }
    let mut seen_names = HashSet::new();
    for (i, name) in header.iter().enumerate() {
        let declared = schema.column_index(name).is_some();
        if name.is_empty() || (schema.ignores_others && !declared) {
            continue;
        }
        if !seen_names.insert(name.as_str()) {
            return Err(DataError::of(reader.at_field(line, i), LedgerKind::DuplicateColumn { column: name.clone() }));
        }
        if !declared {
            let declared: Vec<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
            return Err(DataError::of(
                reader.at_field(line, i),
                LedgerKind::UndeclaredColumn {
                    column: name.clone(),
                    input: schema.name.clone(),
                    suggestion: suggest::help(name, "declared column", declared.iter().copied()),
                },
            ));
        }
    }
    Ok(positions)
}

/// What a row must satisfy: the schema, as matched to this file's header.
struct RowRules<'s> {
    schema: &'s InputSchema,
    header: Vec<String>,
    /// File column of each declared column.
    positions: Vec<usize>,
    /// Enumerated values per declared column, for fast membership tests.
    enum_sets: Vec<Option<HashSet<&'s str>>>,
    unnamed: Vec<usize>,
    money: &'s Currency,
    /// Every key seen and its line, to refuse a repeated one (keys numbered in order cost
    /// no memory per row: see `keys.rs`).
    keys: KeySet,
    /// The keys by look-alike skeleton (with their lines), made when the first key that is
    /// not ASCII comes: two ASCII keys are never look-alikes, so an ASCII ledger pays nothing
    /// for the check.
    key_look_alikes: Option<LookAlikes<u64>>,
}

impl RowRules<'_> {
    /// Checks one row's fields into `values`, or says what is wrong with it.
    fn check(
        &mut self,
        fields: &csv::StringRecord,
        line: u64,
        reader: &dyn RowReader,
        values: &mut Vec<Value>,
    ) -> Result<(), DataError> {
        let (schema, header, positions, money) = (self.schema, &self.header, &self.positions, self.money);
        let (enum_sets, unnamed, keys) = (&self.enum_sets, &self.unnamed, &mut self.keys);
        if fields.len() != header.len() {
            return Err(DataError::of(
                reader.at_line(line),
                LedgerKind::FieldCount {
                    fields: fields.len(),
                    header: header.len(),
                    row: fields.iter().collect::<Vec<_>>().join(","),
                },
            ));
        }
        for &at in unnamed {
            let text = fields.get(at).unwrap_or_default().trim();
            if !text.is_empty() {
                return Err(DataError::of(
                    reader.at_field(line, at),
                    LedgerKind::ValueWithoutColumn { text: text.to_string() },
                ));
            }
        }
        values.clear();
        for (c, column) in schema.columns.iter().enumerate() {
            let at = positions.get(c).copied().unwrap_or(0);
            let raw = fields.get(at).unwrap_or_default();
            let here = || reader.at_field(line, at);
            // A leaving date (`end`) is empty while the payee is employed.
            if schema.end == Some(c) && raw.trim().is_empty() {
                values.push(Value::Missing);
                continue;
            }
            let value = parse_value(column.ty, raw, money).map_err(|rejection| {
                DataError::of(
                    here(),
                    LedgerKind::Unparsed { column: column.name.clone(), raw: raw.trim().to_string(), rejection },
                )
            })?;
            if let (Some(least), Value::Number(n)) = (column.at_least, &value) {
                if *n < least {
                    return Err(DataError::of(
                        here(),
                        LedgerKind::BelowLeast {
                            column: column.name.clone(),
                            raw: raw.trim().to_string(),
                            least: least.to_string(),
                            ty: column.ty.name(),
                        },
                    ));
                }
            }
            if let (Some(Some(allowed)), Value::Text(t)) = (enum_sets.get(c), &value) {
                if !allowed.contains(&**t) {
                    let list = column.values.as_deref().unwrap_or(&[]);
                    return Err(DataError::of(
                        here(),
                        LedgerKind::NotDeclaredValue {
                            column: column.name.clone(),
                            value: t.to_string(),
                            suggestion: suggest::help(t, "allowed value", list.iter().map(String::as_str)),
                        },
                    ));
                }
            }
            let is_id = schema.key == Some(c) || schema.payee == Some(c);
            if let (true, Value::Text(t)) = (is_id, &value) {
                if t.is_empty() {
                    return Err(DataError::of(here(), LedgerKind::EmptyPayeeOrKey { column: column.name.clone() }));
                }
                check_id(t).map_err(|problem| {
                    let (column, value) = (column.name.clone(), t.to_string());
                    DataError::of(
                        here(),
                        match problem {
                            IdProblem::Hidden(ch) => LedgerKind::HiddenCharInId { column, value, ch },
                            IdProblem::NotComposed(composed) => LedgerKind::NotComposed { column, value, composed },
                        },
                    )
                })?;
            }
            if schema.key == Some(c) {
                let key = raw.trim();
                // Two ASCII keys are never look-alikes: the skeletons are worked out only once
                // a key that is not ASCII comes, from the keys seen so far.
                if self.key_look_alikes.is_none() && !key.is_ascii() {
                    let mut all = LookAlikes::default();
                    for (k, l) in keys.iter() {
                        all.add(&k, || l);
                    }
                    self.key_look_alikes = Some(all);
                }
                // A row refused for a look-alike key leaves no trace, so look-alikes are looked
                // for before the key is recorded.
                let repeated = match self.key_look_alikes {
                    None => keys.insert(key, line).is_err(),
                    Some(_) => keys.seen(key).is_some(),
                };
                if repeated {
                    return Err(DataError::of(
                        here(),
                        LedgerKind::DuplicateKey {
                            column: column.name.clone(),
                            key: key.to_string(),
                            input: schema.name.clone(),
                        },
                    ));
                }
                let look_alike = self.key_look_alikes.as_mut().and_then(|l| l.add(key, || line));
                if let Some((other, other_line)) = look_alike {
                    return Err(DataError::of(
                        here(),
                        LedgerKind::LookAlikeIds {
                            column: column.name.clone(),
                            value: key.to_string(),
                            other,
                            other_at: reader.at_field(other_line, at),
                        },
                    ));
                }
                if self.key_look_alikes.is_some() {
                    // Not seen before (asked above), so this records it.
                    let _ = keys.insert(key, line);
                }
            }
            values.push(value);
        }
        Ok(())
    }
}
