//! Phase one: one streaming pass over each ledger, folding every row into the plan's
//! aggregates per (payee, bucket) — a GROUP BY with filtered aggregates. Per row the work is
//! the aggregates' own small expressions, never a walk of the whole policy.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rust_decimal::Decimal;

use super::expr::{compare, eval, Env};
use super::EvalError;
use crate::check::plan::{AggFunc, PayeeSource, Plan};
use crate::check::suggest_help;
use crate::data::{read_input, InputFile, Reading, Refusal, RowCounts};
use crate::diagnostics::{DataError, Error, PolicyReport, RejectedRows};
use crate::period::{Granularity, Period};
use crate::value::Value;

/// A payee and, with a roster, their roster row.
#[derive(Debug, Clone)]
pub struct Payee {
    pub id: Arc<str>,
    pub attrs: Vec<Value>,
}

/// The running state of one aggregate for one (payee, bucket).
#[derive(Debug, Clone)]
pub enum AggState {
    Sum(Decimal),
    Count(u64),
    Distinct(HashSet<Value>),
    Avg(Decimal, u64),
    Min(Option<Value>),
    Max(Option<Value>),
}

impl AggState {
    pub fn new(func: AggFunc) -> AggState {
        match func {
            AggFunc::Sum => AggState::Sum(Decimal::ZERO),
            AggFunc::Count => AggState::Count(0),
            AggFunc::CountDistinct => AggState::Distinct(HashSet::new()),
            AggFunc::Avg => AggState::Avg(Decimal::ZERO, 0),
            AggFunc::Min => AggState::Min(None),
            AggFunc::Max => AggState::Max(None),
        }
    }

    /// Adds one row's value. `None` on overflow.
    fn add(&mut self, value: Value) -> Option<()> {
        match self {
            AggState::Count(n) => *n += 1,
            _ if value == Value::Missing => {}
            AggState::Sum(s) => *s = s.checked_add(value.as_number().unwrap_or_default())?,
            AggState::Avg(s, n) => {
                *s = s.checked_add(value.as_number().unwrap_or_default())?;
                *n += 1;
            }
            AggState::Distinct(set) => {
                set.insert(normalize(value));
            }
            AggState::Min(m) => {
                if m.as_ref().is_none_or(|cur| compare(&value, cur) == Some(std::cmp::Ordering::Less)) {
                    *m = Some(value);
                }
            }
            AggState::Max(m) => {
                if m.as_ref().is_none_or(|cur| compare(&value, cur) == Some(std::cmp::Ordering::Greater)) {
                    *m = Some(value);
                }
            }
        }
        Some(())
    }

    /// Combines two buckets (the months of a quarter). `None` on overflow.
    pub fn merge(&mut self, other: &AggState) -> Option<()> {
        match (self, other) {
            (AggState::Sum(a), AggState::Sum(b)) => *a = a.checked_add(*b)?,
            (AggState::Count(a), AggState::Count(b)) => *a += b,
            (AggState::Avg(s, n), AggState::Avg(s2, n2)) => {
                *s = s.checked_add(*s2)?;
                *n += n2;
            }
            (AggState::Distinct(a), AggState::Distinct(b)) => a.extend(b.iter().cloned()),
            (me @ AggState::Min(_), AggState::Min(Some(v))) | (me @ AggState::Max(_), AggState::Max(Some(v))) => {
                me.add(v.clone())?;
            }
            _ => {}
        }
        Some(())
    }

    /// The aggregate's value; `None` on overflow.
    pub fn finish(&self) -> Option<Value> {
        Some(match self {
            AggState::Sum(s) => Value::Number(*s),
            AggState::Count(n) => Value::Number(Decimal::from(*n)),
            AggState::Distinct(set) => Value::Number(Decimal::from(set.len())),
            AggState::Avg(_, 0) => Value::Missing,
            AggState::Avg(s, n) => Value::Number(s.checked_div(Decimal::from(*n))?),
            AggState::Min(v) | AggState::Max(v) => v.clone().unwrap_or(Value::Missing),
        })
    }
}

/// `1.0` and `1.00` are the same value when counting distinct ones.
fn normalize(v: Value) -> Value {
    match v {
        Value::Number(n) => Value::Number(n.normalize()),
        other => other,
    }
}

/// Per (payee, bucket): one state per aggregate of an input.
pub type Buckets = HashMap<(Arc<str>, Period), Vec<AggState>>;
/// Per (payee, bucket): the one row lookups read.
pub type LookupRows = HashMap<(Arc<str>, Period), Vec<Value>>;

/// Everything the statements need from the ledgers.
#[derive(Debug, Default)]
pub struct Folded {
    /// Sorted by id, byte order (locale-independent).
    pub payees: Vec<Payee>,
    /// Per input: (payee, bucket) -> one state per aggregate of the plan over that input.
    pub buckets: Vec<Buckets>,
    /// Per input: (payee, bucket) -> the row, for inputs read by lookups.
    pub rows: Vec<LookupRows>,
    /// Per input, in declaration order.
    pub counts: Vec<RowCounts>,
    /// First and last month seen in inputs dated by day or month.
    pub span: Option<(Period, Period)>,
    /// Where the first and the last month of `span` were seen (`sales.csv:12:2`, the value).
    pub span_rows: Option<(SeenAt, SeenAt)>,
}

/// A field of a ledger row, for messages: where it is and what it says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeenAt {
    pub at: String,
    pub value: String,
}

/// Which buckets the run needs; `None` means all of them (no range was given).
pub type Needed = Option<HashSet<Period>>;

/// Reads every bound input once, in an order that knows the payees before they are needed:
/// the roster (or the ledger that defines the payees) first, then the rest. A ledger with
/// rejected rows stops the run before the next one is read, so that one bad file is not
/// reported again as problems in the others (a rejected roster row would make its payee's
/// sales "not in the roster").
pub fn fold_inputs(plan: &Plan, files: &[InputFile], needed: &Needed, max_errors: usize) -> Result<Folded, Error> {
    let n = plan.inputs.len();
    let mut folded = Folded {
        buckets: vec![HashMap::new(); n],
        rows: vec![HashMap::new(); n],
        counts: vec![RowCounts::default(); n],
        ..Folded::default()
    };
    let (first, payee_from_roster) = match plan.payee {
        PayeeSource::Roster { input, .. } => (input, true),
        PayeeSource::Ledger { input, .. } => (input, false),
    };
    let mut order: Vec<usize> = vec![first];
    order.extend((0..n).filter(|i| *i != first));

    let mut payees: BTreeMap<Arc<str>, Vec<Value>> = BTreeMap::new();
    for input in order {
        let Some(file) = files.iter().find(|f| f.input == input) else {
            continue;
        };
        let (reading, counts) = if payee_from_roster && input == first {
            fold_roster(plan, file, &mut payees, max_errors)?
        } else {
            fold_ledger(plan, file, needed, input == first, &mut payees, &mut folded, max_errors)?
        };
        if let Some(c) = folded.counts.get_mut(input) {
            *c = counts;
        }
        if !reading.problems.is_empty() {
            return Err(Error::Rejected(RejectedRows::new(file.source.shown(), reading, max_errors)));
        }
    }
    folded.payees = payees.into_iter().map(|(id, attrs)| Payee { id, attrs }).collect();
    Ok(folded)
}

fn fold_roster(
    plan: &Plan,
    file: &InputFile,
    payees: &mut BTreeMap<Arc<str>, Vec<Value>>,
    max_errors: usize,
) -> Result<(Reading, RowCounts), Error> {
    let Some(schema) = plan.inputs.get(file.input) else {
        return Ok((Reading::default(), RowCounts::default()));
    };
    let key = schema.key.unwrap_or(0);
    let reading = read_input(schema, file, plan.money_format(), max_errors, |row| {
        if let Some(Value::Text(id)) = row.values.get(key) {
            payees.insert(id.clone(), row.values.to_vec());
        }
        Ok(())
    })?;
    let counts = RowCounts {
        read: reading.read,
        used: reading.read - reading.rejected,
        rejected: reading.rejected,
        ..RowCounts::default()
    };
    Ok((reading, counts))
}

struct RowEnv<'a> {
    row: &'a [Value],
    payee: Option<&'a [Value]>,
    payee_id: &'a Arc<str>,
}

impl Env for RowEnv<'_> {
    fn column(&self, index: usize) -> Value {
        self.row.get(index).cloned().unwrap_or(Value::Missing)
    }
    fn let_value(&self, _: usize) -> Value {
        Value::Missing
    }
    fn aggregate(&self, _: usize) -> Result<Value, EvalError> {
        Ok(Value::Missing)
    }
    fn lookup(&self, _: usize) -> Value {
        Value::Missing
    }
    fn payee_id(&self) -> Value {
        Value::Text(self.payee_id.clone())
    }
    fn payee_attr(&self, index: usize) -> Value {
        self.payee.and_then(|p| p.get(index)).cloned().unwrap_or(Value::Missing)
    }
}

fn fold_ledger(
    plan: &Plan,
    file: &InputFile,
    needed: &Needed,
    defines_payees: bool,
    payees: &mut BTreeMap<Arc<str>, Vec<Value>>,
    folded: &mut Folded,
    max_errors: usize,
) -> Result<(Reading, RowCounts), Error> {
    let input = file.input;
    let Some(schema) = plan.inputs.get(input) else {
        return Ok((Reading::default(), RowCounts::default()));
    };
    let (Some(payee_col), Some(period_col), Some(bucket_gran)) = (schema.payee, schema.period, schema.bucket()) else {
        // Not aggregated per payee and period: validate it, count it, use nothing of it.
        let reading = read_input(schema, file, plan.money_format(), max_errors, |_| Ok(()))?;
        let counts = RowCounts {
            read: reading.read,
            outside_range: reading.read - reading.rejected,
            rejected: reading.rejected,
            ..RowCounts::default()
        };
        return Ok((reading, counts));
    };
    let aggs: Vec<usize> =
        plan.aggregates.iter().enumerate().filter(|(_, a)| a.input == input).map(|(i, _)| i).collect();
    let keeps_rows = plan.lookups.iter().any(|l| l.input == input);
    let mut counts = RowCounts::default();
    let mut span = folded.span;
    let mut span_rows = folded.span_rows.take();
    let mut eval_error: Option<(EvalError, String)> = None;
    let buckets = folded.buckets.get_mut(input);
    let rows = folded.rows.get_mut(input);
    let (Some(buckets), Some(rows)) = (buckets, rows) else {
        return Ok((Reading::default(), counts));
    };
    let roster_mode = matches!(plan.payee, PayeeSource::Roster { .. });

    let reading = read_input(schema, file, plan.money_format(), max_errors, |row| {
        let payee: Arc<str> = match row.values.get(payee_col) {
            Some(Value::Text(t)) => t.clone(),
            Some(Value::Number(n)) => Arc::from(n.to_string()),
            _ => Arc::from(""),
        };
        let bucket = match row.values.get(period_col) {
            Some(Value::Date(d)) => Period::month(chrono::Datelike::year(d), chrono::Datelike::month(d)),
            Some(Value::Period(p)) => *p,
            // The period column's type guarantees a date or a period; count it all the same.
            _ => {
                counts.outside_range += 1;
                return Ok(());
            }
        };
        let bucket = bucket.coarsen(bucket_gran).unwrap_or(bucket);
        if !defines_payees && !payees.contains_key(&payee) {
            if roster_mode {
                let known: Vec<&str> = payees.keys().map(|k| &**k).collect();
                let column = schema.columns.get(payee_col).map_or("", |c| c.name.as_str());
                return Err(Refusal::Reject(
                    DataError::new(
                        row.at_column(payee_col),
                        format!("`{column}` is `{payee}`, who is not in the roster"),
                    )
                    .with_help(format!(
                        "{}; add them to the roster, or correct the id",
                        suggest_help(&payee, "payee", known.iter().copied())
                    )),
                ));
            }
            counts.no_payee += 1;
            return Ok(());
        }
        let key = (payee.clone(), bucket);
        if keeps_rows && rows.contains_key(&key) {
            return Err(Refusal::Reject(
                DataError::new(row.at(), format!("a second row for payee `{payee}` in {bucket}")).with_help(format!(
                    "`{}` must have one row per payee and period, because the policy reads single values from it",
                    schema.name
                )),
            ));
        }
        if bucket_gran == Granularity::Month {
            let seen = || SeenAt {
                at: row.at_column(period_col),
                value: row.values.get(period_col).map(ToString::to_string).unwrap_or_default(),
            };
            // Only a row that widens the span is remembered, so this costs nothing per row.
            match (span, &mut span_rows) {
                (Some((lo, hi)), Some((lo_at, hi_at))) => {
                    if bucket < lo {
                        *lo_at = seen();
                    }
                    if bucket > hi {
                        *hi_at = seen();
                    }
                }
                _ => span_rows = Some((seen(), seen())),
            }
            span = Some(match span {
                None => (bucket, bucket),
                Some((lo, hi)) => (lo.min(bucket), hi.max(bucket)),
            });
        }
        if defines_payees {
            payees.entry(payee.clone()).or_default();
        }
        if needed.as_ref().is_some_and(|n| !n.contains(&bucket)) {
            counts.outside_range += 1;
            return Ok(());
        }
        counts.used += 1;
        let attrs = if roster_mode { payees.get(&payee).map(Vec::as_slice) } else { None };
        let env = RowEnv { row: row.values, payee: attrs, payee_id: &payee };
        if !aggs.is_empty() {
            let states = buckets.entry(key.clone()).or_insert_with(|| {
                aggs.iter().filter_map(|a| plan.aggregates.get(*a)).map(|a| AggState::new(a.func)).collect()
            });
            for (slot, agg_index) in aggs.iter().enumerate() {
                let Some(agg) = plan.aggregates.get(*agg_index) else { continue };
                let result = (|| -> Result<(), EvalError> {
                    if let Some(filter) = &agg.filter {
                        if eval(plan, filter, &env)? != Value::Bool(true) {
                            return Ok(());
                        }
                    }
                    let value = match &agg.arg {
                        Some(arg) => eval(plan, arg, &env)?,
                        None => Value::Bool(true),
                    };
                    if let Some(state) = states.get_mut(slot) {
                        state
                            .add(value)
                            .ok_or_else(|| EvalError::new("the total is too large to compute exactly", agg.span))?;
                    }
                    Ok(())
                })();
                if let Err(e) = result {
                    eval_error = Some((e, row.at()));
                    return Err(Refusal::Stop);
                }
            }
        }
        if keeps_rows {
            rows.insert(key, row.values.to_vec());
        }
        Ok(())
    })?;
    if let Some((err, at)) = eval_error.take() {
        return Err(Error::Policy(PolicyReport {
            source: plan.source.clone(),
            problems: vec![err.into_problem(&format!("row at {at}"))],
        }));
    }
    counts.read = reading.read;
    counts.rejected = reading.rejected;
    folded.span = span;
    folded.span_rows = span_rows;
    Ok((reading, counts))
}
