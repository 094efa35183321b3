//! Phase two: one statement per payee and month. A component pays in the last month of its
//! cadence's period, over the whole period's data (a quarterly bonus is computed in March
//! over January to March, even when the report starts in February).

use std::sync::Arc;

use rust_decimal::Decimal;

use super::aggregate::{AggState, Folded, Payee};
use super::expr::{eval_exact_traced, excerpt, Env, NoTrace, Tracer, Val};
use super::EvalError;
use crate::data::RowCounts;
use crate::diagnostics::eval::EvalKind;
use crate::diagnostics::{Error, PolicyProblems};
use crate::period::{Granularity, Period};
use crate::plan::{AggFunc, Component, Metric, PayeeSource, Plan};
use crate::value::{exact_sum, Exact, Value};

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
    /// What the run says about its ledgers without stopping (`C01xx`: rows for nobody).
    pub warnings: Vec<crate::diagnostics::DataError>,
}

/// Every payee's statement for each of `months`, from ledgers already read.
pub fn statements(plan: &Plan, folded: &Folded, months: &[Period]) -> Result<RunResult, Error> {
    statements_traced(plan, folded, months, &mut NoTrace)
}

pub(super) fn statements_traced<T: Tracer>(
    plan: &Plan,
    folded: &Folded,
    months: &[Period],
    tracer: &mut T,
) -> Result<RunResult, Error> {
    let mut statements = Vec::with_capacity(folded.payees.len() * months.len());
    let mut component_totals = vec![Decimal::ZERO; plan.components.len()];
    let mut total = Decimal::ZERO;
    let overflow = |what: &'static str| {
        policy_error(plan, EvalError::new(EvalKind::TooLarge { what }, crate::source::Span::default()), "")
    };
    for payee in &folded.payees {
        for month in months {
            let mut amounts = Vec::with_capacity(plan.components.len());
            let mut statement_total = Decimal::ZERO;
            for (c, component) in plan.components.iter().enumerate() {
                let amount = component_amount(plan, folded, payee, *month, component, statement_total, tracer)?;
                statement_total = exact_sum(statement_total, amount).ok_or_else(|| overflow("statement total"))?;
                if let Some(t) = component_totals.get_mut(c) {
                    *t = exact_sum(*t, amount).ok_or_else(|| overflow("component total"))?;
                }
                amounts.push(amount);
            }
            total = exact_sum(total, statement_total).ok_or_else(|| overflow("grand total"))?;
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
    Ok(RunResult {
        months: months.to_vec(),
        statements,
        component_totals,
        total,
        counts: folded.counts.clone(),
        warnings: Vec::new(),
    })
}

pub fn policy_error(plan: &Plan, error: EvalError, context: &str) -> Error {
    Error::Policy(PolicyProblems { source: plan.source.clone(), problems: vec![error.into_problem(context)] })
}

/// The rounded amount a component pays a payee in a month (zero when it is not due).
fn component_amount<T: Tracer>(
    plan: &Plan,
    folded: &Folded,
    payee: &Payee,
    month: Period,
    component: &Component,
    earlier: Decimal,
    tracer: &mut T,
) -> Result<Decimal, Error> {
    let Some(period) = due_period(month, component) else {
        return Ok(Decimal::ZERO);
    };
    let context = format!("payee `{}`, {period}", payee.id);
    evaluate_component(plan, folded, payee, period, component, earlier, tracer)
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
    eval_exact_traced(plan, &metric.value, &env, &mut NoTrace)
        .map(|v| v.shown())
        .map_err(|e| policy_error(plan, e, &format!("payee `{}`, {period}", payee.id)))
}

/// The period a component pays for in `month`, if `month` is that period's last month.
pub fn due_period(month: Period, component: &Component) -> Option<Period> {
    month.coarsen(component.cadence.into()).filter(|p| p.last_month() == month)
}

/// How a component's amount came about, step by step. `paid` and `limited` are shown: exact
/// unless a fraction, which is cut short for display (the amount is rounded from the exact
/// value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payout {
    /// The gate that did not hold, if one stopped the component.
    pub failed_gate: Option<usize>,
    /// What `pay` gave, before cap and floor.
    pub paid: Option<Decimal>,
    /// After cap and floor, before rounding.
    pub limited: Option<Decimal>,
    /// Whether `paid` and `limited` are the exact figures (false: a fraction, cut short).
    pub exact: bool,
    /// The rounded amount on the statement.
    pub amount: Decimal,
}

/// Lets in order, then gates, then pay, cap, floor and rounding. The tracer sees every value.
/// `earlier`: the sum of the statement's components before this one (only the statement
/// limits' component reads it).
pub fn evaluate_component<T: Tracer>(
    plan: &Plan,
    folded: &Folded,
    payee: &Payee,
    period: Period,
    component: &Component,
    earlier: Decimal,
    tracer: &mut T,
) -> Result<Payout, EvalError> {
    let mut env = StatementEnv { plan, folded, payee, period, lets: Vec::with_capacity(component.lets.len()), earlier };
    for l in &component.lets {
        let v = eval_exact_traced(plan, &l.value, &env, tracer)?;
        env.lets.push(v);
    }
    for (i, gate) in component.gates.iter().enumerate() {
        // A gate that cannot be decided (no survey row) is not met.
        let holds = eval_exact_traced(plan, gate, &env, tracer)? == Val::Other(Value::Bool(true));
        tracer.gate(gate, holds);
        if !holds {
            return Ok(Payout { failed_gate: Some(i), paid: None, limited: None, exact: true, amount: Decimal::ZERO });
        }
    }
    let paid = money(plan, &component.pay, &env, "pays", tracer)?;
    let mut amount = paid.clone();
    if let Some(cap) = &component.cap {
        amount = amount.min(money(plan, cap, &env, "caps", tracer)?);
    }
    if let Some(floor) = &component.floor {
        amount = amount.max(money(plan, floor, &env, "floors", tracer)?);
    }
    // The one rounding of the component's arithmetic, from the exact value.
    let too_large = || EvalError::new(EvalKind::TooLargeToRound, component.pay.span);
    let rounded = component.rounding.apply_exact(&amount).ok_or_else(too_large)?;
    Ok(Payout {
        failed_gate: None,
        exact: paid.decimal().is_some() && amount.decimal().is_some(),
        paid: Some(paid.shown().ok_or_else(too_large)?),
        limited: Some(amount.shown().ok_or_else(too_large)?),
        amount: rounded,
    })
}

/// What a component pays before rounding (after cap and floor; 0 when a gate does not hold).
/// The budget's marginal cost differentiates this, since rounding to the fen would swamp a
/// small change. `earlier`: as for [`evaluate_component`].
pub fn unrounded_component(
    plan: &Plan,
    folded: &Folded,
    payee: &Payee,
    period: Period,
    component: &Component,
    earlier: Decimal,
) -> Result<Decimal, EvalError> {
    evaluate_component(plan, folded, payee, period, component, earlier, &mut NoTrace)
        .map(|o| o.limited.unwrap_or(Decimal::ZERO))
}

fn money<T: Tracer>(
    plan: &Plan,
    e: &crate::plan::Expr,
    env: &StatementEnv<'_>,
    what: &'static str,
    tracer: &mut T,
) -> Result<Exact, EvalError> {
    match eval_exact_traced(plan, e, env, tracer)? {
        Val::Num(n) => Ok(n),
        _ => Err(EvalError::new(EvalKind::NoValue { expr: excerpt(plan, e), what }, e.span)),
    }
}

/// What a statement's expressions read: the payee's aggregates and lookups for a period.
struct StatementEnv<'a> {
    plan: &'a Plan,
    folded: &'a Folded,
    payee: &'a Payee,
    period: Period,
    lets: Vec<Val>,
    /// The sum of the statement's components before the one evaluated.
    earlier: Decimal,
}

impl<'a> StatementEnv<'a> {
    /// An environment with no `let`s evaluated: enough to read aggregates and lookups.
    fn new(plan: &'a Plan, folded: &'a Folded, payee: &'a Payee, period: Period) -> Self {
        StatementEnv { plan, folded, payee, period, lets: Vec::new(), earlier: Decimal::ZERO }
    }
}

impl Env for StatementEnv<'_> {
    fn column(&self, _: usize) -> Value {
        Value::Missing
    }
    fn let_value(&self, index: usize) -> Val {
        self.lets.get(index).cloned().unwrap_or(Val::MISSING)
    }
    fn aggregate(&self, index: usize) -> Result<Val, EvalError> {
        let Some(agg) = self.plan.aggregates.get(index) else {
            return Ok(Val::MISSING);
        };
        let overflow = || EvalError::new(EvalKind::TooLarge { what: "total" }, agg.span);
        let gran = self.plan.inputs.get(agg.input).and_then(|i| i.bucket()).unwrap_or(Granularity::Month);
        let buckets = self.period.split(gran);
        // A period of one bucket (a monthly component over a monthly input) reads the folded
        // state as it is: no copy of a distinct set per statement.
        if let ([only], false) = (buckets.as_slice(), matches!(agg.func, AggFunc::Avg)) {
            return match self.folded.state(index, &self.payee.id, *only) {
                Some(state) => state.finish().map(Val::from_value).ok_or_else(overflow),
                None => AggState::new(agg.func).finish().map(Val::from_value).ok_or_else(overflow),
            };
        }
        let mut state = AggState::new(agg.func);
        for bucket in buckets {
            if let Some(s) = self.folded.state(index, &self.payee.id, bucket) {
                state.merge(s).ok_or_else(overflow)?;
            }
        }
        // An average is the exact quotient of the sum and the count (a fraction when it is one).
        if let AggState::Avg(sum, n) = state {
            if n == 0 {
                return Ok(Val::MISSING);
            }
            let too_precise = |_| {
                EvalError::new(EvalKind::TooPrecise { expr: "avg".into(), bits: crate::value::EXACT_BITS }, agg.span)
            };
            return Exact::Dec(sum).checked_div(&Exact::Dec(Decimal::from(n))).map(Val::Num).map_err(too_precise);
        }
        state.finish().map(Val::from_value).ok_or_else(overflow)
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
    fn statement_so_far(&self) -> Val {
        Val::Num(Exact::Dec(self.earlier))
    }
    fn payee_attr(&self, index: usize) -> Value {
        match self.plan.payee {
            PayeeSource::Roster { .. } => self.payee.attrs.get(index).cloned().unwrap_or(Value::Missing),
            PayeeSource::Ledger { .. } => Value::Missing,
        }
    }
}
