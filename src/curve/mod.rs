//! Payout curves (`commission curve`): what a component pays, and its effective rate, as its
//! base varies, with cliffs and falling segments marked, for the plan review meeting.
//!
//! The base is the component's tier base (`monthly_sales` in the seed plan), or, for a
//! component without tiers, the first amount it aggregates (`sum(sales.amount where ...)`).
//! Every other aggregate and lookup has no value on a curve, and the component's `when`
//! conditions are taken to hold: the curve shows what the formula pays, not who qualifies.
//! Each point is computed by the evaluator, with the component's cap, floor and rounding.
//!
//! May use: `plan`, `eval`, `lint` (the cliff finder), `money`, `value`, `diagnostics`.
//! Never `cli`.

pub mod svg;
pub mod text;

use rust_decimal::Decimal;

use crate::diagnostics::io::IoKind;
use crate::diagnostics::tools::ToolKind;
use crate::eval::EvalError;
use crate::money::format_grouped;
use crate::plan::{Component, Expr, Node, Plan, TierTable, Ty};

/// One sampled point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    pub base: Decimal,
    pub payout: Decimal,
    /// payout / base, as a fraction; `None` at a base of zero or below.
    pub rate: Option<Decimal>,
    /// The payout is lower than at the previous point (a falling segment).
    pub falls: bool,
}

/// A jump or a drop at a bracket bound: the figures one step below and at the bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jump {
    pub below: Decimal,
    pub at: Decimal,
    pub pay_below: Decimal,
    pub pay_at: Decimal,
}

/// A component's curve over a range of its base.
#[derive(Debug, Clone)]
pub struct Curve {
    pub policy: String,
    pub component: String,
    pub label: Option<String>,
    /// The base as written in the policy (`monthly_sales`).
    pub base: String,
    pub currency: String,
    /// Decimals of money and of the base.
    pub scale: u32,
    pub base_scale: u32,
    pub points: Vec<Point>,
    pub jumps: Vec<Jump>,
    /// Bracket lower bounds inside the range, for shading.
    pub bounds: Vec<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurveError {
    UnknownComponent(Vec<String>),
    NoBase,
    Eval(EvalError),
    /// The range or step makes no curve (empty, reversed, too many points). A problem with
    /// `--base` and `--step`, found here because only the curve counts its points: an
    /// argument's kind.
    BadRange(IoKind),
    /// A base or a payout too large to chart exactly (E0523, E0524).
    TooLarge(ToolKind),
}

/// The largest base, and payout, a curve charts (in size): 10^15. Within it, every point,
/// step, difference, effective rate and scale of the chart is exact; beyond it, a sum of a
/// base and a step could overflow.
pub const MAX_VALUE: i64 = 1_000_000_000_000_000;

/// At most this many points: a curve is read by people, and each point is one evaluation.
pub const MAX_POINTS: usize = 20_000;

/// The base of a component: its tier table's base, or its first aggregate of money.
fn find_base(component: &Component, plan: &Plan) -> Option<(Expr, Option<TierTable>)> {
    let mut exprs: Vec<&Expr> = component.lets.iter().map(|l| &l.value).collect();
    exprs.push(&component.pay);
    let mut tiers: Option<TierTable> = None;
    let mut aggregate: Option<Expr> = None;
    for e in &exprs {
        crate::plan::visit::visit(e, &mut |x| match &x.node {
            Node::Tiers(t) if tiers.is_none() => tiers = Some((**t).clone()),
            Node::Aggregate(a) if aggregate.is_none() && x.ty == Ty::Money && plan.aggregates.get(*a).is_some() => {
                aggregate = Some(x.clone());
            }
            _ => {}
        });
    }
    match tiers {
        Some(t) => Some((t.base.clone(), Some(t))),
        None => aggregate.map(|a| (a, None)),
    }
}

/// The curve of `component` for bases from `from` to `to` every `step`, plus the points one
/// step below and at every bracket bound in the range (so that a cliff shows as a cliff).
/// `extra` adds points (another curve's, when two are compared on one chart).
pub fn curve(
    plan: &Plan,
    component: &str,
    (from, to): (Decimal, Decimal),
    step: Decimal,
    extra: &[Decimal],
) -> Result<Curve, CurveError> {
    let Some(c) = plan.components.iter().find(|c| c.name == component) else {
        return Err(CurveError::UnknownComponent(plan.components.iter().map(|c| c.name.clone()).collect()));
    };
    if step <= Decimal::ZERO || to <= from {
        return Err(CurveError::BadRange(IoKind::RangeNotUpwards));
    }
    let max = Decimal::from(MAX_VALUE);
    if from.abs() > max || to.abs() > max {
        return Err(CurveError::TooLarge(ToolKind::CurveBaseOutOfRange { max: format_grouped(max, 0) }));
    }
    let count = (to - from).checked_div(step).unwrap_or(Decimal::MAX);
    if count > Decimal::from(MAX_POINTS) {
        return Err(CurveError::BadRange(IoKind::TooManyPoints { count: count.to_string(), max: MAX_POINTS }));
    }
    let (base, tiers) = find_base(c, plan).ok_or(CurveError::NoBase)?;
    let (scale, base_scale) = (plan.currency.decimals, if base.ty == Ty::Money { plan.currency.decimals } else { 0 });
    let smallest = crate::lint::cliff::step(plan, &base);
    let mut xs: Vec<Decimal> = Vec::new();
    let mut x = from;
    while x <= to {
        xs.push(x);
        x += step;
    }
    let mut bounds = Vec::new();
    if let Some(t) = &tiers {
        for b in t.brackets.iter().skip(1).filter(|b| b.from > from && b.from <= to) {
            bounds.push(b.from);
            xs.push(b.from - smallest);
            xs.push(b.from);
        }
    }
    xs.extend(extra.iter().filter(|x| **x >= from && **x <= to));
    xs.sort();
    xs.dedup();
    let mut points: Vec<Point> = Vec::with_capacity(xs.len());
    let payout = crate::lint::cliff::Payout::new(plan, c, &base);
    for x in xs {
        let p = payout.at(x).map_err(CurveError::Eval)?;
        if p.abs() > max {
            let (base, max) = (format_grouped(x, x.scale()), format_grouped(max, 0));
            return Err(CurveError::TooLarge(ToolKind::CurvePayoutTooLarge { base, max }));
        }
        // A rate of more than 1,000,000 (100,000,000%) is no rate to chart: a tiny base
        // (0.000001) paid a fixed amount. It is shown as none.
        let rate =
            if x > Decimal::ZERO { p.checked_div(x).filter(|r| r.abs() <= Decimal::from(1_000_000)) } else { None };
        let falls = points.last().is_some_and(|prev| p < prev.payout);
        points.push(Point { base: x, payout: p, rate, falls });
    }
    let jumps = match &tiers {
        Some(t) => crate::lint::cliff::cliffs(plan, c, t)
            .into_iter()
            .filter(|j| j.at > from && j.at <= to)
            .map(|j| Jump { below: j.below, at: j.at, pay_below: j.pay_below, pay_at: j.pay_at })
            .collect(),
        None => Vec::new(),
    };
    Ok(Curve {
        policy: plan.source.name.clone(),
        component: c.name.clone(),
        label: c.label.clone(),
        base: plan.source.text.get(base.span.start..base.span.end).unwrap_or("base").to_string(),
        currency: plan.currency.code.clone(),
        scale,
        base_scale,
        points,
        jumps,
        bounds,
    })
}

/// `0..500000` -> (0, 500000).
pub fn parse_range(text: &str) -> Option<(Decimal, Decimal)> {
    let (a, b) = text.split_once("..")?;
    let clean = |s: &str| s.trim().replace('_', "").parse::<Decimal>().ok();
    Some((clean(a)?, clean(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("0..500000"), Some((dec!(0), dec!(500000))));
        assert_eq!(parse_range("1_000..2_000.5"), Some((dec!(1000), dec!(2000.5))));
        assert_eq!(parse_range("0-5"), None);
    }
}
