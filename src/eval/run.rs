//! A run, start to end: read the ledgers once (the fold), settle the months the run covers,
//! then compute every statement. This file orchestrates; it computes nothing itself.

use super::aggregate::{fold_inputs, Folded};
use super::compute::{statements, statements_traced, RunResult};
use super::coverage::{Coverage, CoverageTracer};
use super::expr::{NoTrace, Tracer};
use super::passes::needed_for;
use crate::data::InputFile;
use crate::diagnostics::eval::EvalKind;
use crate::diagnostics::ledger::DataWarning;
use crate::diagnostics::{DataError, Error};
use std::collections::BTreeSet;

use crate::period::Period;
use crate::plan::{PayeeSource, Plan};
use crate::suggest;

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// First and last month of the run; `None` uses the months the ledgers span.
    pub range: Option<(Period, Period)>,
    /// Records what the run exercises (`--coverage`); `None` records nothing.
    pub coverage: Option<Coverage>,
    /// How many rejected rows to list before stopping (at least 1: the first stops the run).
    pub max_errors: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { range: None, coverage: None, max_errors: 1 }
    }
}

/// Reads the ledgers once: the folded aggregates and the months the run covers.
pub fn read_ledgers(plan: &Plan, files: &[InputFile], options: &RunOptions) -> Result<(Folded, Vec<Period>), Error> {
    match &options.coverage {
        Some(coverage) => read_ledgers_traced(plan, files, options, &mut CoverageTracer::new(plan, coverage)),
        None => read_ledgers_traced(plan, files, options, &mut NoTrace),
    }
}

fn read_ledgers_traced<T: Tracer>(
    plan: &Plan,
    files: &[InputFile],
    options: &RunOptions,
    tracer: &mut T,
) -> Result<(Folded, Vec<Period>), Error> {
    let folded = fold_inputs(plan, files, &needed_for(plan, options.range), options.max_errors, tracer)?;
    let months = months_of(plan, &folded, files, options.range)?;
    Ok((folded, months))
}

/// The months of a run: the range, or the months the ledgers span. A fold with no payees is
/// an error: an empty run would look like "nobody earned anything", and far more often the
/// wrong file was given. `files` names the payee ledger in that message.
pub fn months_of(
    plan: &Plan,
    folded: &Folded,
    files: &[InputFile],
    range: Option<(Period, Period)>,
) -> Result<Vec<Period>, Error> {
    if folded.payees.is_empty() {
        let (input, column) = match plan.payee {
            PayeeSource::Ledger { input, column } | PayeeSource::Roster { input, column } => (input, column),
        };
        let schema = plan.inputs.get(input);
        let name = schema.map_or("", |s| s.name.as_str());
        let column = schema.and_then(|s| s.columns.get(column)).map_or("", |c| c.name.as_str());
        let file = files.iter().find(|f| f.input == input).map(|f| f.source.shown()).unwrap_or_default();
        return Err(DataError::of(
            format!("{file}:1"),
            EvalKind::NoPayees { input: name.to_string(), column: column.to_string() },
        )
        .into());
    }
    if let Some((from, to)) = range {
        if let Some(error) = range_matches_no_row(plan, folded, files, (from, to)) {
            return Err(error.into());
        }
    }
    let months = match range.or(folded.span) {
        Some((from, to)) => Period::months_between(from, to),
        None => Vec::new(),
    };
    if range.is_none() && months.len() > MAX_UNASKED_MONTHS {
        return Err(span_too_long(folded, months.len()).into());
    }
    Ok(months)
}

/// Whether the months a ledger's rows span (its first row's month or quarter to its last
/// row's) overlap a range of months. `None` when the ledger has no row for a payee.
fn spans_into(periods: &BTreeSet<Period>, (from, to): (Period, Period)) -> Option<bool> {
    let (first, last) = (periods.first()?, periods.last()?);
    Some(last.last_month() >= from && first.first_month() <= to)
}

/// `2026-01` or `2026-01 to 2026-03`.
fn shown_range(first: Period, last: Period) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first} to {last}")
    }
}

/// A range is refused when it lies wholly outside the months the ledgers the plan sums over
/// (the dated inputs read by `sum`, `count`, `avg`...) span: the run would pay everyone
/// zero, and the range is far more likely mistyped. A month without rows inside the span is
/// a month without sales, and is run. An input that is only looked up (a survey) does not
/// make a run on its own; a plan that only looks up counts all its dated inputs. The message
/// names the months each dated ledger spans.
fn range_matches_no_row(
    plan: &Plan,
    folded: &Folded,
    files: &[InputFile],
    range: (Period, Period),
) -> Option<DataError> {
    let dated: Vec<usize> =
        (0..plan.inputs.len()).filter(|i| plan.inputs.get(*i).is_some_and(|s| s.period.is_some())).collect();
    if dated.is_empty() {
        return None;
    }
    let periods = |i: usize| folded.periods.get(i);
    let summed: Vec<usize> = dated.iter().copied().filter(|i| plan.aggregates.iter().any(|a| a.input == *i)).collect();
    let counted = if summed.is_empty() { &dated } else { &summed };
    if counted.iter().any(|i| periods(*i).and_then(|p| spans_into(p, range)) == Some(true)) {
        return None;
    }
    let file = |i: usize| files.iter().find(|f| f.input == i).map(|f| f.source.shown()).unwrap_or_default();
    let spans = dated
        .iter()
        .map(|i| match periods(*i).and_then(|p| Some((*p.first()?, *p.last()?))) {
            Some((first, last)) => format!("{} {}", file(*i), shown_range(first, last)),
            None => format!("{} has no row for a payee", file(*i)),
        })
        .collect();
    let (from, to) = range;
    let location = dated.first().map(|i| file(*i)).unwrap_or_default();
    Some(DataError::of(location, EvalKind::RangeMatchesNoRow { range: shown_range(from, to), spans }))
}

/// What a run says about its ledgers without stopping: rows for ids that are no payee of
/// the run (C0101, at most [`MAX_NOBODY_LISTED`] ids per input, then one line for the rest),
/// and, with a range, each dated input whose rows span months wholly outside it while others
/// are in it (C0102).
pub fn data_warnings(
    plan: &Plan,
    folded: &Folded,
    files: &[InputFile],
    range: Option<(Period, Period)>,
) -> Vec<DataError> {
    let mut warnings = Vec::new();
    let payee_ids: Vec<&str> = folded.payees.iter().map(|p| &*p.id).collect();
    for (i, ids) in folded.nobody.iter().enumerate() {
        let input = plan.inputs.get(i).map_or(String::new(), |s| s.name.clone());
        // Each id's closest payee on all cores: every payee is a candidate (over 100,000
        // payees, 0.12 s for ten ids on one core).
        let listed = ids.get(..MAX_NOBODY_LISTED.min(ids.len())).unwrap_or_default();
        let suggestions: Vec<Option<&str>> = super::chunked::on_all_cores(|| {
            use rayon::prelude::*;
            listed.par_iter().map(|entry| suggest::closest(&entry.payee, payee_ids.iter().copied())).collect()
        });
        for (entry, suggestion) in listed.iter().zip(suggestions) {
            warnings.push(DataError::of(
                &entry.first_at,
                DataWarning::RowsForNobody {
                    input: input.clone(),
                    payee: entry.payee.to_string(),
                    rows: entry.rows,
                    suggestion: match suggestion {
                        Some(id) => format!("did you mean `{id}`?"),
                        None => "no payee of the run has a similar id".to_string(),
                    },
                },
            ));
        }
        let rest = ids.get(MAX_NOBODY_LISTED..).unwrap_or_default();
        if let Some(first) = rest.first() {
            let rows = rest.iter().map(|e| e.rows).sum();
            warnings.push(DataError::of(
                &first.first_at,
                DataWarning::MoreRowsForNobody { input: input.clone(), ids: rest.len(), rows },
            ));
        }
    }
    if let Some(range) = range {
        for (i, periods) in folded.periods.iter().enumerate() {
            let (Some(first), Some(last)) = (periods.first(), periods.last()) else { continue };
            if spans_into(periods, range) == Some(false) {
                let input = plan.inputs.get(i).map_or(String::new(), |s| s.name.clone());
                let file = files.iter().find(|f| f.input == i).map(|f| f.source.shown()).unwrap_or_default();
                warnings.push(DataError::of(
                    file,
                    DataWarning::NoRowInRange {
                        input,
                        span: shown_range(*first, *last),
                        range: shown_range(range.0, range.1),
                    },
                ));
            }
        }
    }
    warnings
}

/// How many ids with rows for nobody are named one by one per input.
pub const MAX_NOBODY_LISTED: usize = 10;

/// Without `--period` or `--from`/`--to` a run covers the months its ledgers span. A date
/// with a mistyped year (2062 for 2026) would silently add decades of empty statements, so
/// a span longer than this must be asked for.
pub const MAX_UNASKED_MONTHS: usize = 24;

fn span_too_long(folded: &Folded, months: usize) -> DataError {
    let (first, last) = folded.span_rows.clone().unwrap_or_default();
    DataError::of(
        &last.at,
        EvalKind::SpanTooLong {
            first: first.value,
            first_at: first.at,
            last: last.value,
            months,
            max: MAX_UNASKED_MONTHS,
        },
    )
}

/// Reads the ledgers and computes every statement.
pub fn compute(plan: &Plan, files: &[InputFile], options: &RunOptions) -> Result<RunResult, Error> {
    let (folded, months) = read_ledgers(plan, files, options)?;
    let mut result = match &options.coverage {
        Some(coverage) => statements_traced(plan, &folded, &months, &mut CoverageTracer::new(plan, coverage)),
        None => statements(plan, &folded, &months),
    }?;
    result.warnings = data_warnings(plan, &folded, files, options.range);
    super::aggregate::let_go(folded);
    Ok(result)
}
