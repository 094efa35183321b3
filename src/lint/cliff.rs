//! C0001: a cliff in a tier table. What the component pays is computed one step below each
//! bracket bound and at the bound, by the evaluator, with its cap, floor and rounding and
//! its conditions taken to hold; a difference of more than one unit of the currency is a
//! cliff (or a drop), reported with the figures. The component is judged, not the table
//! alone: `gross - quick_deduction` written as two tables on one base (a flat rate less a
//! deduction that grows at the same bounds) is continuous, whatever each table does. When
//! the payout depends on more than the base (another aggregate, a lookup), it cannot be
//! computed from the base alone, and the table is judged by itself, rounded as the
//! component rounds.

use rust_decimal::Decimal;

use crate::diagnostics::eval::EvalKind;
use crate::diagnostics::lints::LintKind;
use crate::diagnostics::Problem;
use crate::eval::expr::{eval, Env};
use crate::eval::tiers::apply;
use crate::eval::EvalError;
use crate::money::format_grouped;
use crate::plan::visit::visit;
use crate::plan::{Component, Expr, Node, Plan, TierTable, Ty};
use crate::value::Value;

/// The smallest jump reported: one unit of the currency (1.00 CNY). One step of the base at
/// any sane rate moves the payout by a fen at most, so anything larger is a cliff.
const THRESHOLD: Decimal = Decimal::ONE;

/// One cliff: the figures just below and at a bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cliff {
    pub bracket: usize,
    pub below: Decimal,
    pub at: Decimal,
    pub pay_below: Decimal,
    pub pay_at: Decimal,
}

/// The smallest step of a tier's base: one minor unit of money, or one of a count.
pub fn step(plan: &Plan, base: &Expr) -> Decimal {
    match base.ty {
        Ty::Money => Decimal::new(1, plan.currency.decimals),
        _ => Decimal::ONE,
    }
}

/// Every cliff of one tier table: what the component pays one step below each bound and at
/// it, or, when that cannot be computed from the base alone, what the table pays, with the
/// component's rounding applied to both figures.
pub fn cliffs(plan: &Plan, component: &Component, table: &TierTable) -> Vec<Cliff> {
    let step = step(plan, &table.base);
    let alone = |base: Decimal| apply(table.mode, &table.brackets, base).and_then(|(p, _)| component.rounding.apply(p));
    let whole = |base: Decimal| payout(plan, component, &table.base, base).ok();
    let mut found = Vec::new();
    for (i, b) in table.brackets.iter().enumerate().skip(1) {
        let Some(below) = b.from.checked_sub(step) else { continue };
        let figures = match (whole(below), whole(b.from)) {
            (Some(pay_below), Some(pay_at)) => Some((pay_below, pay_at)),
            _ => alone(below).zip(alone(b.from)),
        };
        let Some((pay_below, pay_at)) = figures else { continue };
        if pay_at.checked_sub(pay_below).is_some_and(|jump| jump.abs() > THRESHOLD) {
            found.push(Cliff { bracket: i, below, at: b.from, pay_below, pay_at });
        }
    }
    found
}

/// Replaces the base with a constant: the expression written (matched by its span), and
/// every other reading of the same quantity (the same aggregate, which the checker numbers
/// once, or the same `let`), so that two tables on one base move together.
fn substitute(e: &Expr, base: &Expr, value: Decimal) -> Expr {
    let same = match (&e.node, &base.node) {
        (Node::Aggregate(a), Node::Aggregate(b)) | (Node::Let(a), Node::Let(b)) => a == b,
        _ => e.span == base.span && std::mem::discriminant(&e.node) == std::mem::discriminant(&base.node),
    };
    if same {
        return Expr { node: Node::Const(Value::Number(value)), ty: e.ty, span: e.span };
    }
    crate::plan::visit::map_children(e, &mut |x| substitute(x, base, value))
}

/// Statement environment for a payout from the base alone: lets as computed, nothing else
/// has a value.
struct BaseOnly {
    lets: Vec<Value>,
}

impl Env for BaseOnly {
    fn column(&self, _: usize) -> Value {
        Value::Missing
    }
    fn let_value(&self, index: usize) -> Value {
        self.lets.get(index).cloned().unwrap_or(Value::Missing)
    }
    fn aggregate(&self, _: usize) -> Result<Value, EvalError> {
        Ok(Value::Missing)
    }
    fn lookup(&self, _: usize) -> Value {
        Value::Missing
    }
    fn payee_id(&self) -> Value {
        Value::Missing
    }
    fn payee_attr(&self, _: usize) -> Value {
        Value::Missing
    }
}

/// What the component pays at one value of its base (conditions assumed to hold), with its
/// cap, floor and rounding: for this lint and for `commission curve`. An error when the
/// payout needs more than the base (E0310) or cannot be computed.
pub fn payout(plan: &Plan, component: &Component, base: &Expr, x: Decimal) -> Result<Decimal, EvalError> {
    let mut env = BaseOnly { lets: Vec::with_capacity(component.lets.len()) };
    let base_let = match base.node {
        Node::Let(i) => Some(i),
        _ => None,
    };
    for (i, l) in component.lets.iter().enumerate() {
        let v = if base_let == Some(i) { Value::Number(x) } else { eval(plan, &substitute(&l.value, base, x), &env)? };
        env.lets.push(v);
    }
    let number = |e: &Expr, env: &BaseOnly| -> Result<Option<Decimal>, EvalError> {
        Ok(eval(plan, &substitute(e, base, x), env)?.as_number())
    };
    let mut amount =
        number(&component.pay, &env)?.ok_or_else(|| EvalError::new(EvalKind::NotOnlyTheBase, component.pay.span))?;
    if let Some(cap) = component.cap.as_ref().map(|c| number(c, &env)).transpose()?.flatten() {
        amount = amount.min(cap);
    }
    if let Some(floor) = component.floor.as_ref().map(|f| number(f, &env)).transpose()?.flatten() {
        amount = amount.max(floor);
    }
    component.rounding.apply(amount).ok_or_else(|| EvalError::new(EvalKind::TooLargeToRound, component.pay.span))
}

pub fn check(plan: &Plan) -> Vec<Problem> {
    let scale = plan.currency.decimals;
    let mut problems = Vec::new();
    for component in &plan.components {
        // Two tables with a bound in common give the component's one jump there once.
        let mut reported: Vec<(Decimal, Decimal, Decimal)> = Vec::new();
        let mut exprs: Vec<&Expr> = component.lets.iter().map(|l| &l.value).collect();
        exprs.push(&component.pay);
        for e in exprs {
            visit(e, &mut |x| {
                let Node::Tiers(table) = &x.node else { return };
                let base_text = plan.source.text.get(table.base.span.start..table.base.span.end).unwrap_or("the base");
                let base_scale = if table.base.ty == Ty::Money { scale } else { 0 };
                for c in cliffs(plan, component, table) {
                    let Some(bracket) = table.brackets.get(c.bracket) else { continue };
                    let Some(jump) = c.pay_at.checked_sub(c.pay_below) else { continue };
                    if reported.contains(&(c.at, c.pay_below, c.pay_at)) {
                        continue;
                    }
                    reported.push((c.at, c.pay_below, c.pay_at));
                    let kind = LintKind::Cliff {
                        component: component.name.clone(),
                        pay_below: format_grouped(c.pay_below, scale),
                        below: format_grouped(c.below, base_scale),
                        pay_at: format_grouped(c.pay_at, scale),
                        at: format_grouped(c.at, base_scale),
                        jump: format_grouped(jump.abs(), scale),
                        rises: jump > Decimal::ZERO,
                        currency: plan.currency.to_string(),
                        step: format_grouped(step(plan, &table.base), base_scale),
                        base: base_text.to_string(),
                    };
                    problems.push(Problem::new(kind, [bracket.span]));
                }
            });
        }
    }
    problems
}
