//! A run, start to end: read the ledgers once (the fold), settle the months the run covers,
//! then compute every statement. This file orchestrates; it computes nothing itself.

use super::aggregate::{fold_inputs, Folded};
use super::compute::{statements, statements_traced, RunResult};
use super::coverage::{Coverage, CoverageTracer};
use super::expr::{NoTrace, Tracer};
use super::passes::needed_for;
use crate::data::InputFile;
use crate::diagnostics::eval::EvalKind;
use crate::diagnostics::{DataError, Error};
use crate::period::Period;
use crate::plan::{PayeeSource, Plan};

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
    let months = match range.or(folded.span) {
        Some((from, to)) => Period::months_between(from, to),
        None => Vec::new(),
    };
    if range.is_none() && months.len() > MAX_UNASKED_MONTHS {
        return Err(span_too_long(folded, months.len()).into());
    }
    Ok(months)
}

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
    match &options.coverage {
        Some(coverage) => statements_traced(plan, &folded, &months, &mut CoverageTracer::new(plan, coverage)),
        None => statements(plan, &folded, &months),
    }
}
