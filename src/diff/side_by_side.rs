//! One payee's figures under two plans, side by side: for each component and each period in
//! which it pays, the amount on each side and the aggregate and lookup values it was computed
//! from, taken from the same trace as `explain` (which adds rows, tiers and policy lines).

use std::sync::Arc;

use rust_decimal::Decimal;

use super::{component_name, Comparison, Pairing};
use crate::diagnostics::io::IoKind;
use crate::diagnostics::DataError;
use crate::eval::compute::due_period;
use crate::eval::passes::Evaluated;
use crate::eval::trace::{explain_folded, Fact};
use crate::period::Period;
use crate::plan::Plan;
use crate::plan::{Component, Ty};
use crate::suggest;
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
        // An argument that names no payee of the comparison: an argument's kind, found here
        // because only the comparison knows who is paid.
        return Err(DataError::of(
            format!("--explain {payee}"),
            IoKind::NotAPayeeOfEitherPlan {
                payee: payee.to_string(),
                suggestion: suggest::help(payee, "payee", known.iter().copied()),
            },
        ));
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
    due_period(month, component)
}

/// A component's figure for a period and the aggregates and lookups behind it, taken from
/// the same trace `explain` prints (values evaluated for this statement, in policy order).
fn figure(plan: &Plan, run: &Evaluated, payee: &str, index: usize, comp: &Component, period: Period) -> Option<Figure> {
    let month = period.last_month();
    if due(comp, month) != Some(period) {
        return None;
    }
    let statement = run.statements().iter().find(|s| &*s.payee == payee && s.period == month)?;
    let amount = statement.amounts.get(index).copied()?;
    let explanation = explain_folded(plan, &[], &run.folded, payee, month).ok()?;
    let mut behind: Vec<Behind> = Vec::new();
    for fact in explanation.components.get(index)?.steps.iter().flat_map(|s| &s.facts) {
        let (label, value, ty) = match fact {
            Fact::Aggregate { text, value, ty, .. } | Fact::Lookup { text, value, ty, .. } => (text, value, ty),
            _ => continue,
        };
        if !behind.iter().any(|b| b.label == *label) {
            behind.push(Behind { label: label.clone(), value: value.clone(), ty: *ty });
        }
    }
    Some(Figure { amount, behind })
}
