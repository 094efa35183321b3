//! C0001: a cliff in a tier table. The payout of each tier is computed one step below each
//! bracket bound and at the bound, rounded as the component rounds; a difference of more
//! than one unit of the currency is a cliff (or a drop), reported with the figures.

use rust_decimal::Decimal;

use crate::diagnostics::lints::LintKind;
use crate::diagnostics::Problem;
use crate::eval::tiers::apply;
use crate::money::format_grouped;
use crate::plan::visit::visit;
use crate::plan::{Component, Expr, Node, Plan, TierTable, Ty};

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

/// Every cliff of one tier table, with the component's rounding applied to both figures.
pub fn cliffs(plan: &Plan, component: &Component, table: &TierTable) -> Vec<Cliff> {
    let step = step(plan, &table.base);
    let pay = |base: Decimal| apply(table.mode, &table.brackets, base).and_then(|(p, _)| component.rounding.apply(p));
    let mut found = Vec::new();
    for (i, b) in table.brackets.iter().enumerate().skip(1) {
        let below = b.from - step;
        let (Some(pay_below), Some(pay_at)) = (pay(below), pay(b.from)) else { continue };
        if (pay_at - pay_below).abs() > THRESHOLD {
            found.push(Cliff { bracket: i, below, at: b.from, pay_below, pay_at });
        }
    }
    found
}

pub fn check(plan: &Plan) -> Vec<Problem> {
    let scale = plan.currency.decimals;
    let mut problems = Vec::new();
    for component in &plan.components {
        let mut exprs: Vec<&Expr> = component.lets.iter().map(|l| &l.value).collect();
        exprs.push(&component.pay);
        for e in exprs {
            visit(e, &mut |x| {
                let Node::Tiers(table) = &x.node else { return };
                let base_text = plan.source.text.get(table.base.span.start..table.base.span.end).unwrap_or("the base");
                let base_scale = if table.base.ty == Ty::Money { scale } else { 0 };
                for c in cliffs(plan, component, table) {
                    let Some(bracket) = table.brackets.get(c.bracket) else { continue };
                    let jump = c.pay_at - c.pay_below;
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
