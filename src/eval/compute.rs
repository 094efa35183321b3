//! Phase two: one statement per payee and month. A component pays in the last month of its
//! cadence's period, over the whole period's data (a quarterly bonus is computed in March
//! over January to March, even when the report starts in February).

use std::collections::HashSet;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::aggregate::{fold_inputs, AggState, Folded, Needed, Payee};
use super::coverage::{Coverage, CoverageTracer};
use super::expr::{eval_traced, excerpt, Env, NoTrace, Tracer};
use super::EvalError;
use crate::data::{InputFile, RowCounts};
use crate::diagnostics::{DataError, Error, PolicyReport};
use crate::period::{Granularity, Period};
use crate::plan::{Component, Metric, PayeeSource, Plan};
use crate::value::Value;

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

/// One payee's statement for one month.
#[derive(Debug, Clone)]
pub struct Statement {
    pub payee: Arc<str>,
    /// Roster columns of the payee (empty without a roster).
    pub attrs: Vec<Value>,
    pub period: Period,
    /// One rounded amount per component, in the policy's order (0 when not due this month).
    pub amounts: Vec<Decimal>,
    pub total: Decimal,
    /// One value per metric of the plan, for the metric's period containing this month.
    pub metrics: Vec<Value>,
}

#[derive(Debug, Clone)]
pub struct RunResult {
    pub months: Vec<Period>,
    pub statements: Vec<Statement>,
    pub component_totals: Vec<Decimal>,
    pub total: Decimal,
    /// Per input, in declaration order.
    pub counts: Vec<RowCounts>,
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

/// The buckets a run over `range` reads; `None` (every bucket) without a range.
pub fn needed_for(plan: &Plan, range: Option<(Period, Period)>) -> Needed {
    range.map(|(from, to)| needed_buckets(plan, &Period::months_between(from, to)))
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
        return Err(DataError::new(
            format!("{file}:1"),
            format!("no payees: input `{name}` has no rows, so there is no `{column}` to pay"),
        )
        .with_help("check that this is the ledger you meant; it has a header line but no data")
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
    DataError::new(
        &last.at,
        format!(
            "the ledgers run from `{}` ({}) to `{}`, {months} months, and no range was given",
            first.value, first.at, last.value
        ),
    )
    .with_help(format!(
        "a date may have a mistyped year; to run more than {MAX_UNASKED_MONTHS} months, give the range with `--from` and `--to`"
    ))
}

/// Reads the ledgers and computes every statement.
pub fn compute(plan: &Plan, files: &[InputFile], options: &RunOptions) -> Result<RunResult, Error> {
    let (folded, months) = read_ledgers(plan, files, options)?;
    match &options.coverage {
        Some(coverage) => statements_traced(plan, &folded, &months, &mut CoverageTracer::new(plan, coverage)),
        None => statements(plan, &folded, &months),
    }
}

/// Every payee's statement for each of `months`, from ledgers already read.
pub fn statements(plan: &Plan, folded: &Folded, months: &[Period]) -> Result<RunResult, Error> {
    statements_traced(plan, folded, months, &mut NoTrace)
}

fn statements_traced<T: Tracer>(
    plan: &Plan,
    folded: &Folded,
    months: &[Period],
    tracer: &mut T,
) -> Result<RunResult, Error> {
    let mut statements = Vec::with_capacity(folded.payees.len() * months.len());
    let mut component_totals = vec![Decimal::ZERO; plan.components.len()];
    let mut total = Decimal::ZERO;
    let overflow = |what: &str| {
        policy_error(
            plan,
            EvalError::new(format!("the {what} is too large to compute exactly"), crate::source::Span::default()),
            "",
        )
    };
    for payee in &folded.payees {
        for month in months {
            let mut amounts = Vec::with_capacity(plan.components.len());
            let mut statement_total = Decimal::ZERO;
            for (c, component) in plan.components.iter().enumerate() {
                let amount = component_amount(plan, folded, payee, *month, component, tracer)?;
                statement_total = statement_total.checked_add(amount).ok_or_else(|| overflow("statement total"))?;
                if let Some(t) = component_totals.get_mut(c) {
                    *t = t.checked_add(amount).ok_or_else(|| overflow("component total"))?;
                }
                amounts.push(amount);
            }
            total = total.checked_add(statement_total).ok_or_else(|| overflow("grand total"))?;
            let mut metrics = Vec::with_capacity(plan.metrics.len());
            for metric in &plan.metrics {
                metrics.push(evaluate_metric(plan, folded, payee, *month, metric)?);
            }
            statements.push(Statement {
                payee: payee.id.clone(),
                attrs: payee.attrs.clone(),
                period: *month,
                amounts,
                total: statement_total,
                metrics,
            });
        }
    }
    Ok(RunResult { months: months.to_vec(), statements, component_totals, total, counts: folded.counts.clone() })
}

/// Buckets (months, quarters, years) whose rows some statement in `months` uses.
fn needed_buckets(plan: &Plan, months: &[Period]) -> HashSet<Period> {
    let mut needed = HashSet::new();
    for month in months {
        needed.insert(*month);
        for component in &plan.components {
            let Some(period) = month.coarsen(component.cadence.into()) else {
                continue;
            };
            if period.last_month() != *month {
                continue;
            }
            for g in [Granularity::Month, Granularity::Quarter, Granularity::Year] {
                needed.extend(period.split(g));
                needed.extend(period.coarsen(g));
            }
        }
        for g in [Granularity::Quarter, Granularity::Year] {
            needed.extend(month.coarsen(g));
        }
        // Metrics show their whole period (the quarter containing the month).
        for metric in &plan.metrics {
            if let Some(period) = month.coarsen(metric.cadence.into()) {
                needed.extend(period.split(Granularity::Month));
                needed.extend(period.split(Granularity::Quarter));
            }
        }
    }
    needed
}

pub fn policy_error(plan: &Plan, error: EvalError, context: &str) -> Error {
    Error::Policy(PolicyReport { source: plan.source.clone(), problems: vec![error.into_problem(context)] })
}

/// The rounded amount a component pays a payee in a month (zero when it is not due).
fn component_amount<T: Tracer>(
    plan: &Plan,
    folded: &Folded,
    payee: &Payee,
    month: Period,
    component: &Component,
    tracer: &mut T,
) -> Result<Decimal, Error> {
    let Some(period) = due_period(month, component) else {
        return Ok(Decimal::ZERO);
    };
    let context = format!("payee `{}`, {period}", payee.id);
    evaluate_component(plan, folded, payee, period, component, tracer)
        .map(|o| o.amount)
        .map_err(|e| policy_error(plan, e, &context))
}

/// A metric's value for the period of its cadence that contains `month`.
pub fn evaluate_metric(
    plan: &Plan,
    folded: &Folded,
    payee: &Payee,
    month: Period,
    metric: &Metric,
) -> Result<Value, Error> {
    let period = month.coarsen(metric.cadence.into()).unwrap_or(month);
    let env = StatementEnv::new(plan, folded, payee, period);
    eval_traced(plan, &metric.value, &env, &mut NoTrace)
        .map_err(|e| policy_error(plan, e, &format!("payee `{}`, {period}", payee.id)))
}

/// The period a component pays for in `month`, if `month` is that period's last month.
pub fn due_period(month: Period, component: &Component) -> Option<Period> {
    month.coarsen(component.cadence.into()).filter(|p| p.last_month() == month)
}

/// How a component's amount came about, step by step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The gate that did not hold, if one stopped the component.
    pub failed_gate: Option<usize>,
    /// What `pay` gave, before cap and floor.
    pub paid: Option<Decimal>,
    /// After cap and floor, before rounding.
    pub limited: Option<Decimal>,
    /// The rounded amount on the statement.
    pub amount: Decimal,
}

/// Lets in order, then gates, then pay, cap, floor and rounding. The tracer sees every value.
pub fn evaluate_component<T: Tracer>(
    plan: &Plan,
    folded: &Folded,
    payee: &Payee,
    period: Period,
    component: &Component,
    tracer: &mut T,
) -> Result<Outcome, EvalError> {
    let mut env = StatementEnv { plan, folded, payee, period, lets: Vec::with_capacity(component.lets.len()) };
    for l in &component.lets {
        let v = eval_traced(plan, &l.value, &env, tracer)?;
        env.lets.push(v);
    }
    for (i, gate) in component.gates.iter().enumerate() {
        // A gate that cannot be decided (no survey row) is not met.
        let holds = eval_traced(plan, gate, &env, tracer)? == Value::Bool(true);
        tracer.gate(gate, holds);
        if !holds {
            return Ok(Outcome { failed_gate: Some(i), paid: None, limited: None, amount: Decimal::ZERO });
        }
    }
    let paid = money(plan, &component.pay, &env, "pays", tracer)?;
    let mut amount = paid;
    if let Some(cap) = &component.cap {
        amount = amount.min(money(plan, cap, &env, "caps", tracer)?);
    }
    if let Some(floor) = &component.floor {
        amount = amount.max(money(plan, floor, &env, "floors", tracer)?);
    }
    let rounded = component
        .rounding
        .apply(amount)
        .ok_or_else(|| EvalError::new("the amount is too large to round", component.pay.span))?;
    Ok(Outcome { failed_gate: None, paid: Some(paid), limited: Some(amount), amount: rounded })
}

/// What a component pays before rounding (after cap and floor; 0 when a gate does not hold).
/// The budget's marginal cost differentiates this, since rounding to the fen would swamp a
/// small change.
pub fn unrounded_component(
    plan: &Plan,
    folded: &Folded,
    payee: &Payee,
    period: Period,
    component: &Component,
) -> Result<Decimal, EvalError> {
    evaluate_component(plan, folded, payee, period, component, &mut NoTrace).map(|o| o.limited.unwrap_or(Decimal::ZERO))
}

fn money<T: Tracer>(
    plan: &Plan,
    e: &crate::plan::Expr,
    env: &StatementEnv<'_>,
    what: &str,
    tracer: &mut T,
) -> Result<Decimal, EvalError> {
    match eval_traced(plan, e, env, tracer)? {
        Value::Number(n) => Ok(n),
        _ => Err(EvalError::new(format!("`{}` has no value, so the component cannot say what it {what}", excerpt(plan, e)), e.span)
            .with_help("a value is missing (no matching row, or an average of no rows); give a fallback with `default`, e.g. `... default 0`")),
    }
}

/// What a statement's expressions read: the payee's aggregates and lookups for a period.
struct StatementEnv<'a> {
    plan: &'a Plan,
    folded: &'a Folded,
    payee: &'a Payee,
    period: Period,
    lets: Vec<Value>,
}

impl<'a> StatementEnv<'a> {
    /// An environment with no `let`s evaluated: enough to read aggregates and lookups.
    fn new(plan: &'a Plan, folded: &'a Folded, payee: &'a Payee, period: Period) -> Self {
        StatementEnv { plan, folded, payee, period, lets: Vec::new() }
    }
}

impl Env for StatementEnv<'_> {
    fn column(&self, _: usize) -> Value {
        Value::Missing
    }
    fn let_value(&self, index: usize) -> Value {
        self.lets.get(index).cloned().unwrap_or(Value::Missing)
    }
    fn aggregate(&self, index: usize) -> Result<Value, EvalError> {
        let Some(agg) = self.plan.aggregates.get(index) else {
            return Ok(Value::Missing);
        };
        let overflow = || EvalError::new("the total is too large to compute exactly", agg.span);
        let slot = self.plan.aggregates.iter().take(index).filter(|a| a.input == agg.input).count();
        let gran = self.plan.inputs.get(agg.input).and_then(|i| i.bucket()).unwrap_or(Granularity::Month);
        let mut state = AggState::new(agg.func);
        if let Some(buckets) = self.folded.buckets.get(agg.input) {
            for bucket in self.period.split(gran) {
                if let Some(s) = buckets.get(&(self.payee.id.clone(), bucket)).and_then(|states| states.get(slot)) {
                    state.merge(s).ok_or_else(overflow)?;
                }
            }
        }
        state.finish().ok_or_else(overflow)
    }
    fn lookup(&self, index: usize) -> Value {
        let Some(lookup) = self.plan.lookups.get(index) else {
            return Value::Missing;
        };
        let gran = self.plan.inputs.get(lookup.input).and_then(|i| i.bucket()).unwrap_or(Granularity::Month);
        let Some(bucket) = self.period.coarsen(gran) else {
            return Value::Missing;
        };
        self.folded
            .rows
            .get(lookup.input)
            .and_then(|rows| rows.get(&(self.payee.id.clone(), bucket)))
            .and_then(|row| row.values.get(lookup.column))
            .cloned()
            .unwrap_or(Value::Missing)
    }
    fn payee_id(&self) -> Value {
        Value::Text(self.payee.id.clone())
    }
    fn payee_attr(&self, index: usize) -> Value {
        match self.plan.payee {
            PayeeSource::Roster { .. } => self.payee.attrs.get(index).cloned().unwrap_or(Value::Missing),
            PayeeSource::Ledger { .. } => Value::Missing,
        }
    }
}
