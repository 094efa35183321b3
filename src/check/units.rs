//! The unit rules: which operators combine which kinds of value (`money * percent` is money,
//! `money + percent` is an error), and when a bare number literal takes its neighbour's unit.
//!
//! Works on typed plan expressions only: it reads no declarations and checks no AST, so it
//! calls nothing else in `check`.

use super::checker::Checker;
use crate::diagnostics::check::CheckKind;
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

/// Where a plain number that should have been money comes from: the first number literal
/// of a `let` it reads (through `if` branches, `min`/`max`, `+`/`-`, `default` and other
/// `let`s), with the `let`'s name. `500` in `let bonus = if ... then 500 else 0` takes no
/// unit, since nothing next to it is money; used as money later, the mistake is there.
pub fn number_origin<'e>(e: &'e Expr, lets: &'e [crate::plan::Let]) -> Option<(&'e str, Span)> {
    let Node::Let(_) = e.node else { return None };
    first_literal(e, lets, "")
}

/// The first number literal `e` reads, with the name of the `let` it is written in.
fn first_literal<'e>(e: &'e Expr, lets: &'e [crate::plan::Let], within: &'e str) -> Option<(&'e str, Span)> {
    if e.ty != Ty::Number {
        return None;
    }
    let find = |x: &'e Expr| first_literal(x, lets, within);
    match &e.node {
        Node::Const(Value::Number(_)) => Some((within, e.span)),
        Node::Let(i) => lets.get(*i).and_then(|l| first_literal(&l.value, lets, &l.name)),
        Node::If(_, t, o) => find(t).or_else(|| find(o)),
        Node::Binary(BinaryOp::Add | BinaryOp::Sub, a, b) | Node::Default(a, b) => find(a).or_else(|| find(b)),
        Node::Min(xs) | Node::Max(xs) => xs.iter().find_map(find),
        Node::Unary(_, x) | Node::Abs(x) | Node::Round(x, _) => find(x),
        _ => None,
    }
}

/// Each side's literal takes the other side's unit.
pub fn unify(a: &mut Expr, b: &mut Expr) {
    coerce_literal(a, b.ty);
    coerce_literal(b, a.ty);
}

impl Checker {
    /// A `let` holding a plain number (`500`) used where money is needed: reported at the
    /// literal in the `let`, with the use as a second label. True when reported.
    pub fn let_without_unit(&mut self, number: &Expr, lets: &[crate::plan::Let], use_span: Span) -> bool {
        let Some((name, literal)) = number_origin(number, lets) else { return false };
        let kind = CheckKind::LetWithoutUnit {
            name: name.to_string(),
            literal: self.text(literal),
            currency: self.currency.clone(),
        };
        self.error(Problem::new(kind, [literal, use_span]));
        true
    }

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
            let kind = CheckKind::Operator { op: op.symbol(), left: a.name(), right: b.name() };
            self.error(Problem::new(kind, [span, l.span, r.span]));
        }
        ty
    }

    /// The one numeric unit all of `min(...)` / `max(...)`'s values share.
    pub fn same_numeric(&mut self, args: &mut [Expr], name: &str) -> Option<Ty> {
        let target = args.iter().map(|a| a.ty).find(|t| *t != Ty::Number).unwrap_or(Ty::Number);
        for a in args.iter_mut() {
            coerce_literal(a, target);
            if a.ty != target || !a.ty.is_numeric() {
                let kind =
                    CheckKind::MinMaxKinds { function: name.to_string(), found: a.ty.name(), expected: target.name() };
                self.error(Problem::new(kind, [a.span]));
                return None;
            }
        }
        Some(target)
    }
}
