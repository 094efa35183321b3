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
use crate::eval::expr::{eval_exact, Env, Val};
use crate::eval::EvalError;
use crate::lang::TierMode;
use crate::money::format_grouped;
use crate::plan::visit::visit;
use crate::plan::{Component, Expr, Node, Plan, TierPay, TierTable, Ty};
use crate::source::Span;
use crate::value::{Exact, Value};

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
/// component's rounding applied to both figures. Linear in the brackets (each figure is a
/// lookup in the tables' running totals, see [`Tally`]), not quadratic.
pub fn cliffs(plan: &Plan, component: &Component, table: &TierTable) -> Vec<Cliff> {
    let step = step(plan, &table.base);
    let own = Tally::new(table);
    let alone = |base: Decimal| own.pays(base).and_then(|p| component.rounding.apply(p));
    let payout = Payout::new(plan, component, &table.base);
    let whole = |base: Decimal| payout.at(base).ok();
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

/// A tier table ready to be read at any base in a binary search: its bounds, and for
/// marginal brackets what every bracket below pays in full (summed in the order
/// [`crate::eval::tiers::apply`] sums, so the figures are the same to the last digit). `None` where a running
/// total overflowed, as `apply` gives `None` there.
pub struct Tally<'t> {
    table: &'t TierTable,
    /// Marginal: the payout of brackets `0..i` in full, for each `i`.
    before: Vec<Option<Decimal>>,
}

impl<'t> Tally<'t> {
    pub fn new(table: &'t TierTable) -> Self {
        let mut before = Vec::with_capacity(table.brackets.len());
        let mut total = Some(Decimal::ZERO);
        for (i, b) in table.brackets.iter().enumerate() {
            before.push(total);
            let top = table.brackets.get(i + 1).map(|n| n.from);
            let slice = top.and_then(|t| t.checked_sub(b.from)).and_then(|amount| pays(b.pays, amount));
            total = total.zip(slice).and_then(|(t, s)| t.checked_add(s));
        }
        Tally { table, before }
    }

    /// What the table pays at `base`, as [`crate::eval::tiers::apply`] computes it.
    pub fn pays(&self, base: Decimal) -> Option<Decimal> {
        let reached = self.table.brackets.partition_point(|b| b.from <= base);
        let Some(i) = reached.checked_sub(1) else { return Some(Decimal::ZERO) };
        let bracket = self.table.brackets.get(i)?;
        match self.table.mode {
            TierMode::Flat => pays(bracket.pays, base),
            TierMode::Marginal => {
                let slice = pays(bracket.pays, base.checked_sub(bracket.from)?)?;
                self.before.get(i).copied().flatten()?.checked_add(slice)
            }
        }
    }
}

/// What one bracket pays on an amount.
fn pays(pays: TierPay, amount: Decimal) -> Option<Decimal> {
    match pays {
        TierPay::Rate(r) => amount.checked_mul(r),
        TierPay::Fixed(a) => Some(a),
    }
}

/// Is `e` a reading of the quantity `base` is: the expression written (matched by its span),
/// the same aggregate (which the checker numbers once) or the same `let`?
fn same_quantity(e: &Expr, base: &Expr) -> bool {
    match (&e.node, &base.node) {
        (Node::Aggregate(a), Node::Aggregate(b)) | (Node::Let(a), Node::Let(b)) => a == b,
        _ => e.span == base.span && std::mem::discriminant(&e.node) == std::mem::discriminant(&base.node),
    }
}

/// Replaces the base with a constant, every reading of it, so that two tables on one base
/// move together; a tier table on the base becomes the constant it pays (from its
/// [`Tally`], found by span), without copying its brackets.
fn substitute(e: &Expr, base: &Expr, value: Decimal, tallies: &[(Span, Tally<'_>)]) -> Expr {
    if same_quantity(e, base) {
        return Expr { node: Node::Const(Value::Number(value)), ty: e.ty, span: e.span };
    }
    if let Node::Tiers(t) = &e.node {
        let paid = tallies.iter().find(|(s, _)| *s == e.span).and_then(|(_, tally)| tally.pays(value));
        if let Some(paid) = paid.filter(|_| same_quantity(&t.base, base)) {
            return Expr { node: Node::Const(Value::Number(paid)), ty: e.ty, span: e.span };
        }
    }
    crate::plan::visit::map_children(e, &mut |x| substitute(x, base, value, tallies))
}

/// Statement environment for a payout from the base alone: lets as computed, nothing else
/// has a value.
struct BaseOnly {
    lets: Vec<Val>,
}

impl Env for BaseOnly {
    fn column(&self, _: usize) -> Value {
        Value::Missing
    }
    fn let_value(&self, index: usize) -> Val {
        self.lets.get(index).cloned().unwrap_or(Val::MISSING)
    }
    fn aggregate(&self, _: usize) -> Result<Val, EvalError> {
        Ok(Val::MISSING)
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

/// What a component pays as its base varies (conditions assumed to hold), with its cap,
/// floor and rounding: for this lint and for `commission curve`. Its tier tables are
/// tallied once, so each payout costs the component's expressions, not its brackets.
pub struct Payout<'p> {
    plan: &'p Plan,
    component: &'p Component,
    base: &'p Expr,
    tallies: Vec<(Span, Tally<'p>)>,
}

impl<'p> Payout<'p> {
    pub fn new(plan: &'p Plan, component: &'p Component, base: &'p Expr) -> Self {
        let mut tallies = Vec::new();
        for e in component
            .lets
            .iter()
            .map(|l| &l.value)
            .chain([&component.pay])
            .chain(&component.cap)
            .chain(&component.floor)
        {
            visit(e, &mut |x| {
                if let Node::Tiers(t) = &x.node {
                    tallies.push((x.span, Tally::new(t)));
                }
            });
        }
        Payout { plan, component, base, tallies }
    }

    /// The payout at base `x`. An error when it needs more than the base (E0310) or cannot
    /// be computed.
    pub fn at(&self, x: Decimal) -> Result<Decimal, EvalError> {
        let (plan, component, base) = (self.plan, self.component, self.base);
        let mut env = BaseOnly { lets: Vec::with_capacity(component.lets.len()) };
        let base_let = match base.node {
            Node::Let(i) => Some(i),
            _ => None,
        };
        let substituted = |e: &Expr| substitute(e, base, x, &self.tallies);
        for (i, l) in component.lets.iter().enumerate() {
            let v = if base_let == Some(i) {
                Val::Num(Exact::Dec(x))
            } else {
                eval_exact(plan, &substituted(&l.value), &env)?
            };
            env.lets.push(v);
        }
        // Exact as in a run, rounded once by the component's rule.
        let number = |e: &Expr, env: &BaseOnly| -> Result<Option<Exact>, EvalError> {
            Ok(eval_exact(plan, &substituted(e), env)?.number().cloned())
        };
        let mut amount = number(&component.pay, &env)?
            .ok_or_else(|| EvalError::new(EvalKind::NotOnlyTheBase, component.pay.span))?;
        if let Some(cap) = component.cap.as_ref().map(|c| number(c, &env)).transpose()?.flatten() {
            amount = amount.min(cap);
        }
        if let Some(floor) = component.floor.as_ref().map(|f| number(f, &env)).transpose()?.flatten() {
            amount = amount.max(floor);
        }
        component
            .rounding
            .apply_exact(&amount)
            .ok_or_else(|| EvalError::new(EvalKind::TooLargeToRound, component.pay.span))
    }
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::eval::tiers::apply;
    use crate::plan::TierBracket;

    fn table(mode: TierMode, brackets: Vec<(i64, bool, i64)>) -> TierTable {
        let mut from = 0i64;
        let brackets = brackets
            .into_iter()
            .map(|(gap, fixed, n)| {
                from += gap;
                let pays = if fixed { TierPay::Fixed(Decimal::new(n, 2)) } else { TierPay::Rate(Decimal::new(n, 4)) };
                TierBracket { from: Decimal::new(from, 2), pays, span: Span::new(0, 0) }
            })
            .collect();
        let base = Expr { node: Node::Const(Value::Number(Decimal::ZERO)), ty: Ty::Money, span: Span::new(0, 0) };
        TierTable { mode, base, scale: None, brackets }
    }

    proptest! {
        /// The running totals give what `apply` gives, at every base (at the bounds, one fen
        /// either side, and anywhere).
        #[test]
        fn tally_pays_what_apply_pays(
            marginal: bool,
            brackets in proptest::collection::vec((1i64..1_000_000, any::<bool>(), 0i64..100_000), 1..20),
            bases in proptest::collection::vec(-1_000i64..25_000_000, 1..20),
        ) {
            let mode = if marginal { TierMode::Marginal } else { TierMode::Flat };
            let t = table(mode, brackets);
            let tally = Tally::new(&t);
            let bounds = t.brackets.iter().flat_map(|b| [b.from - Decimal::new(1, 2), b.from, b.from + Decimal::new(1, 2)]);
            for base in bases.into_iter().map(|b| Decimal::new(b, 2)).chain(bounds) {
                prop_assert_eq!(tally.pays(base), apply(mode, &t.brackets, base).map(|(p, _)| p), "at {}", base);
            }
        }
    }
}
