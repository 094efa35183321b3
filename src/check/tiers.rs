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
pub fn check(checker: &mut Checker, tiers: &ast::Tiers, base: Option<Expr>, span: Span) -> Option<Expr> {
    if let Some(base) = base.as_ref().filter(|b| !matches!(b.ty, Ty::Money | Ty::Number)) {
        checker.error(Problem::new(CheckKind::TierBase { found: base.ty.name() }, [base.span]));
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
    let base = base.filter(|b| matches!(b.ty, Ty::Money | Ty::Number))?;
    if !ok {
        return None;
    }
    Some(Expr {
        node: Node::Tiers(Box::new(TierTable { mode: tiers.mode.value, base, brackets })),
        ty: Ty::Money,
        span,
    })
}

/// What a bracket pays; `false` when it is an error (a rate of a count, a negative rate).
fn bracket_pay(checker: &mut Checker, pays: BracketPay, base: Option<&Expr>) -> (TierPay, bool) {
    let r = match pays {
        BracketPay::Rate(r) => r,
        BracketPay::Fixed(f) => return (TierPay::Fixed(f.value), true),
    };
    let mut ok = true;
    if let Some(base) = base.filter(|b| b.ty == Ty::Number) {
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
