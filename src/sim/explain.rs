//! One payee's figures under two plans, side by side: for each component and each period in
//! which it pays, the amount on each side and the aggregate and lookup values it was computed
//! from. Deliberately simple; a full trace (rows, tiers, policy lines) belongs to `explain`.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::diff::{component_name, Comparison, Pairing};
use super::evaluate::Evaluated;
use crate::check::plan::{Component, Expr, Node, Ty};
use crate::check::{suggest_help, Plan};
use crate::diagnostics::DataError;
use crate::eval::compute::StatementEnv;
use crate::eval::expr::Env;
use crate::period::Period;
use crate::value::Value;

/// A value a component's figure depends on, as written in the policy.
#[derive(Debug, Clone)]
pub struct Behind {
    pub label: String,
    pub value: Value,
    pub ty: Ty,
}

#[derive(Debug, Clone)]
pub struct Figure {
    pub amount: Decimal,
    pub behind: Vec<Behind>,
}

#[derive(Debug, Clone)]
pub struct Line {
    /// `name`, or `old -> new` for a renamed component.
    pub component: String,
    pub pairing: Pairing,
    pub period: Period,
    /// `None` when that side has no such component or does not pay the payee at all.
    pub old: Option<Figure>,
    pub new: Option<Figure>,
}

impl Line {
    pub fn change(&self) -> Decimal {
        self.new.as_ref().map_or(Decimal::ZERO, |f| f.amount) - self.old.as_ref().map_or(Decimal::ZERO, |f| f.amount)
    }
}

#[derive(Debug, Clone)]
pub struct SideBySide {
    pub payee: Arc<str>,
    pub lines: Vec<Line>,
}

/// The side-by-side figures of `payee`, or a message naming the payees there are.
pub fn side_by_side(cmp: &Comparison<'_>, payee: &str) -> Result<SideBySide, DataError> {
    let Some(change) = cmp.payees.iter().find(|p| &*p.payee == payee) else {
        let known: Vec<&str> = cmp.payees.iter().map(|p| &*p.payee).collect();
        return Err(DataError::new(format!("--explain {payee}"), format!("`{payee}` is not a payee of either plan"))
            .with_help(suggest_help(payee, "payee", known.iter().copied())));
    };
    let (Some(old_run), Some(new_run)) = (cmp.evaluation.runs.first(), cmp.evaluation.runs.get(1)) else {
        return Ok(SideBySide { payee: change.payee.clone(), lines: Vec::new() });
    };
    let mut lines = Vec::new();
    for c in &cmp.components {
        let old = c.old.and_then(|i| cmp.old_plan.components.get(i).map(|comp| (i, comp)));
        let new = c.new.and_then(|i| cmp.new_plan.components.get(i).map(|comp| (i, comp)));
        let mut periods: Vec<Period> = Vec::new();
        for month in cmp.months() {
            for (_, comp) in old.iter().chain(new.iter()) {
                if let Some(p) = due(comp, *month) {
                    if !periods.contains(&p) {
                        periods.push(p);
                    }
                }
            }
        }
        periods.sort();
        for period in periods {
            lines.push(Line {
                component: component_name(c, cmp.old_plan, cmp.new_plan),
                pairing: c.pairing,
                period,
                old: old.and_then(|(i, comp)| figure(cmp.old_plan, old_run, &change.payee, i, comp, period)),
                new: new.and_then(|(i, comp)| figure(cmp.new_plan, new_run, &change.payee, i, comp, period)),
            });
        }
    }
    Ok(SideBySide { payee: change.payee.clone(), lines })
}

/// The period a component pays for in `month`, if it pays then.
fn due(component: &Component, month: Period) -> Option<Period> {
    let period = month.coarsen(component.cadence.into())?;
    (period.last_month() == month).then_some(period)
}

fn figure(plan: &Plan, run: &Evaluated, payee: &str, index: usize, comp: &Component, period: Period) -> Option<Figure> {
    if due(comp, period.last_month()) != Some(period) {
        return None;
    }
    let statement = run.result.statements.iter().find(|s| &*s.payee == payee && s.period == period.last_month())?;
    let amount = statement.amounts.get(index).copied()?;
    let who = run.folded.payees.iter().find(|p| &*p.id == payee)?;
    let env = StatementEnv::new(plan, &run.folded, who, period);
    let mut refs = Vec::new();
    for e in comp
        .lets
        .iter()
        .map(|l| &l.value)
        .chain(&comp.gates)
        .chain(std::iter::once(&comp.pay))
        .chain(comp.cap.iter())
        .chain(comp.floor.iter())
    {
        collect(e, &mut refs);
    }
    let behind = refs
        .into_iter()
        .filter_map(|r| match r {
            Ref::Aggregate(i) => {
                let agg = plan.aggregates.get(i)?;
                let label = plan.source.text.get(agg.span.start..agg.span.end).unwrap_or("").split_whitespace();
                Some(Behind {
                    label: label.collect::<Vec<_>>().join(" "),
                    value: env.aggregate(i).unwrap_or(Value::Missing),
                    ty: agg.ty,
                })
            }
            Ref::Lookup(i) => {
                let lookup = plan.lookups.get(i)?;
                let input = plan.inputs.get(lookup.input)?;
                let column = input.columns.get(lookup.column)?;
                Some(Behind {
                    label: format!("{}.{}", input.name, column.name),
                    value: env.lookup(i),
                    ty: column.ty.ty(),
                })
            }
        })
        .collect();
    Some(Figure { amount, behind })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ref {
    Aggregate(usize),
    Lookup(usize),
}

/// The aggregates and lookups an expression reads, in order of first appearance.
fn collect(e: &Expr, out: &mut Vec<Ref>) {
    let mut push = |r: Ref| {
        if !out.contains(&r) {
            out.push(r);
        }
    };
    match &e.node {
        Node::Aggregate(i) => push(Ref::Aggregate(*i)),
        Node::Lookup(i) => push(Ref::Lookup(*i)),
        Node::Const(_) | Node::Column(_) | Node::Let(_) | Node::PayeeId | Node::PayeeAttr(_) => {}
        Node::Unary(_, x) | Node::Abs(x) | Node::Round(x, _) => collect(x, out),
        Node::Binary(_, a, b) | Node::Default(a, b) => {
            collect(a, out);
            collect(b, out);
        }
        Node::If(a, b, c) => {
            collect(a, out);
            collect(b, out);
            collect(c, out);
        }
        Node::In(x, xs) => {
            collect(x, out);
            xs.iter().for_each(|x| collect(x, out));
        }
        Node::Min(xs) | Node::Max(xs) | Node::Table(_, xs) => xs.iter().for_each(|x| collect(x, out)),
        Node::Tiers(t) => collect(&t.base, out),
    }
}
