//! Tier tables: brackets by inclusive lower bound, strictly ascending, with an explicit mode.
//!
//! Takes the base already checked (by `expr`) and checks only the brackets; it reads no
//! declarations and calls nothing else in `check`.

use rust_decimal::Decimal;

use super::checker::Checker;
use crate::diagnostics::check::CheckKind;
use crate::diagnostics::lints::LintKind;
use crate::diagnostics::Problem;
use crate::plan::*;
use crate::source::Span;
use crate::syntax::ast::{self, BracketPay};

/// Checks the brackets even when the base failed, so that every problem shows at once.
/// `scale`: the figure relative bounds are shares of (`from 50% of target`), already checked.
pub fn check(
    checker: &mut Checker,
    tiers: &ast::Tiers,
    base: Option<Expr>,
    scale: Option<Expr>,
    span: Span,
) -> Option<Expr> {
    if let Some(base) = base.as_ref().filter(|b| !matches!(b.ty, Ty::Money | Ty::Number | Ty::Percent)) {
        checker.error(Problem::new(CheckKind::TierBase { found: base.ty.name() }, [base.span]));
    }
    if !bounds_readable(checker, tiers, base.as_ref(), scale.as_ref()) {
        return None;
    }
    if tiers.brackets.is_empty() {
        checker.error(Problem::new(CheckKind::NoBrackets, [span]));
        return None;
    }
    let mut ok = true;
    let mut brackets: Vec<TierBracket> = Vec::new();
    for b in &tiers.brackets {
        if let Some(prev) = brackets.last() {
            if b.from.value == prev.from {
                let kind = CheckKind::BracketRepeated { bound: checker.text(b.from.span) };
                checker.error(Problem::new(kind, [b.from.span, prev.span]));
                ok = false;
            } else if b.from.value < prev.from {
                let kind = CheckKind::BracketDescending { bound: checker.text(b.from.span) };
                checker.error(Problem::new(kind, [b.from.span, prev.span]));
                ok = false;
            }
        }
        let (pays, pays_ok) = bracket_pay(checker, b.pays, base.as_ref());
        ok &= pays_ok;
        brackets.push(TierBracket { from: b.from.value, pays, span: b.span });
    }
    let base = base.filter(|b| matches!(b.ty, Ty::Money | Ty::Number | Ty::Percent))?;
    if !ok {
        return None;
    }
    Some(Expr {
        node: Node::Tiers(Box::new(TierTable { mode: tiers.mode.value, base, scale, brackets })),
        ty: Ty::Money,
        span,
    })
}

/// Bounds are numbers in the base's unit, percents on a percent base, or shares of one
/// figure in the base's unit (`from 50% of target`); `from 0` fits every table.
fn bounds_readable(checker: &mut Checker, tiers: &ast::Tiers, base: Option<&Expr>, scale: Option<&Expr>) -> bool {
    let first_of = tiers.brackets.iter().find_map(|b| b.of.as_ref());
    let mut ok = true;
    let mut refuse = |checker: &mut Checker, detail: String, span: Span| {
        checker.error(Problem::new(CheckKind::RelativeBound { detail }, [span]));
        ok = false;
    };
    if let (Some(scale), Some(base)) = (scale, base) {
        if scale.ty != base.ty || !matches!(scale.ty, Ty::Money | Ty::Number) {
            let detail = format!("a share of {} cannot bound a base of {}", scale.ty.name(), base.ty.name());
            refuse(checker, detail, scale.span);
        }
    }
    for b in &tiers.brackets {
        let at = b.of.as_ref().map_or(b.from.span, |of| b.from.span.to(of.span));
        match (&b.of, first_of) {
            (Some(of), Some(first)) if of.name != first.name => {
                refuse(checker, format!("one table's bounds are shares of one figure, `{}`", first.name), at);
            }
            (Some(_), _) if !b.percent => {
                refuse(checker, "a share is a percent: write `50% of target`".to_string(), at);
            }
            (None, Some(first)) if b.from.value != Decimal::ZERO => {
                refuse(checker, format!("the other bounds are shares of `{}`", first.name), at);
            }
            (None, _) => {
                let percent_base = base.is_some_and(|x| x.ty == Ty::Percent);
                if b.percent != percent_base && b.from.value != Decimal::ZERO {
                    let detail = if percent_base {
                        "the base is a percent, so its bounds are percents".to_string()
                    } else {
                        "a percent bound needs `of` and the figure it is a share of".to_string()
                    };
                    refuse(checker, detail, at);
                }
            }
            _ => {}
        }
    }
    ok
}

/// What a bracket pays; `false` when it is an error (a rate of a count, a negative rate).
fn bracket_pay(checker: &mut Checker, pays: BracketPay, base: Option<&Expr>) -> (TierPay, bool) {
    let r = match pays {
        BracketPay::Rate(r) => r,
        BracketPay::Fixed(f) => return (TierPay::Fixed(f.value), true),
    };
    let mut ok = true;
    if let Some(base) = base.filter(|b| matches!(b.ty, Ty::Number | Ty::Percent)) {
        checker.error(Problem::new(CheckKind::RateOfCount { base: base.ty.name() }, [r.span, base.span]));
        ok = false;
    }
    if r.value > Decimal::ONE {
        checker.problems.push(Problem::new(LintKind::BracketRateAbove100, [r.span]));
    }
    if r.value < Decimal::ZERO {
        checker.error(Problem::new(CheckKind::NegativeRate, [r.span]));
        ok = false;
    }
    (TierPay::Rate(r.value), ok)
}
