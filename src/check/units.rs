//! The unit rules: which operators combine which kinds of value (`money * percent` is money,
//! `money + percent` is an error), and when a bare number literal takes its neighbour's unit.
//!
//! Works on typed plan expressions only: it reads no declarations and checks no AST, so it
//! calls nothing else in `check`.

use super::checker::Checker;
use crate::diagnostics::Problem;
use crate::lang::BinaryOp;
use crate::plan::{Expr, Node, Ty};
use crate::source::Span;
use crate::value::Value;

/// A numeric literal takes the unit its neighbour needs: in `monthly_sales >= 100_000` the
/// literal is money. Only literals are coerced; a computed number never silently becomes money.
pub fn coerce_literal(e: &mut Expr, to: Ty) {
    if e.ty == Ty::Number && to == Ty::Money && matches!(e.node, Node::Const(Value::Number(_))) {
        e.ty = Ty::Money;
    }
}

/// Each side's literal takes the other side's unit.
pub fn unify(a: &mut Expr, b: &mut Expr) {
    coerce_literal(a, b.ty);
    coerce_literal(b, a.ty);
}

impl Checker {
    /// The type of `l op r`, or an error naming both units.
    pub fn binary_type(&mut self, op: BinaryOp, l: &Expr, r: &Expr, span: Span) -> Option<Ty> {
        use Ty::*;
        let (a, b) = (l.ty, r.ty);
        let ty = match op {
            BinaryOp::And | BinaryOp::Or => (a == Bool && b == Bool).then_some(Bool),
            BinaryOp::Eq | BinaryOp::Ne => (a == b).then_some(Bool),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                (a == b && matches!(a, Money | Percent | Number | Date | Period)).then_some(Bool)
            }
            BinaryOp::Add | BinaryOp::Sub => (a == b && a.is_numeric()).then_some(a),
            BinaryOp::Mul => match (a, b) {
                (Money, Percent) | (Percent, Money) | (Money, Number) | (Number, Money) => Some(Money),
                (Percent, Percent) | (Percent, Number) | (Number, Percent) => Some(Percent),
                (Number, Number) => Some(Number),
                _ => None,
            },
            BinaryOp::Div => match (a, b) {
                (Money, Money) | (Percent, Percent) | (Number, Number) => Some(Number),
                (Money, Number) | (Money, Percent) => Some(Money),
                (Percent, Number) => Some(Percent),
                _ => None,
            },
        };
        if ty.is_none() {
            let help = match (op, a, b) {
                (BinaryOp::Add | BinaryOp::Sub, Money, Percent) | (BinaryOp::Add | BinaryOp::Sub, Percent, Money) => {
                    "a percentage is a share of something: multiply it by an amount, e.g. `5% * sum(sales.amount)`"
                        .to_string()
                }
                (BinaryOp::Mul, Money, Money) => {
                    "money times money has no meaning; one side should be a rate or a number".to_string()
                }
                (_, Bool, _) | (_, _, Bool) if matches!(op, BinaryOp::And | BinaryOp::Or) => {
                    "`and` and `or` join conditions, e.g. `a >= 1 and b < 2`".to_string()
                }
                _ => format!("both sides of `{}` must be the same kind of value", op.symbol()),
            };
            self.error(
                Problem::error(
                    format!("cannot apply `{}` to {} and {}", op.symbol(), a.name(), b.name()),
                    span,
                    format!("{} {} {}", a.name(), op.symbol(), b.name()),
                )
                .with_label(l.span, a.name())
                .with_label(r.span, b.name())
                .with_help(help),
            );
        }
        ty
    }

    /// The one numeric unit all of `min(...)` / `max(...)`'s values share.
    pub fn same_numeric(&mut self, args: &mut [Expr], name: &str) -> Option<Ty> {
        let target = args.iter().map(|a| a.ty).find(|t| *t != Ty::Number).unwrap_or(Ty::Number);
        for a in args.iter_mut() {
            coerce_literal(a, target);
            if a.ty != target || !a.ty.is_numeric() {
                self.error(
                    Problem::error(
                        format!("`{name}` compares values of the same kind"),
                        a.span,
                        format!("this is {}", a.ty.name()),
                    )
                    .with_help(format!("all values of `{name}` must be {}", target.name())),
                );
                return None;
            }
        }
        Some(target)
    }
}
