//! The one walk over checked expressions. Lints, coverage, curves, the plan document and the
//! trace all go through [`children`] (or [`visit`], which applies it pre-order), so a new
//! kind of expression node is taught to every tool in one place.

use super::{Expr, Node, TierTable};

/// The expressions directly inside `e`, in source order (a tier table's base is its only
/// child: its brackets are constants).
pub fn children(e: &Expr) -> Vec<&Expr> {
    match &e.node {
        Node::Const(_)
        | Node::Column(_)
        | Node::Let(_)
        | Node::Aggregate(_)
        | Node::Lookup(_)
        | Node::PayeeId
        | Node::PayeeAttr(_)
        | Node::StatementSoFar
        | Node::Joined(..)
        | Node::Period
        | Node::Employed
        | Node::ComponentAmount(_)
        | Node::History { .. } => Vec::new(),
        Node::Unary(_, x) | Node::Abs(x) | Node::Round(x, _) | Node::MonthsSince(x) => vec![x],
        Node::ToDate { value, .. } => vec![value],
        Node::Binary(_, a, b) | Node::Default(a, b) | Node::DaysBetween(a, b) | Node::InMonthOf(a, b) => vec![a, b],
        Node::Between(x, lo, hi) => vec![x, lo, hi],
        Node::In(x, list) => std::iter::once(&**x).chain(list).collect(),
        Node::If(c, t, o) => vec![c, t, o],
        Node::Min(xs) | Node::Max(xs) | Node::Table(_, xs) => xs.iter().collect(),
        Node::Tiers(t) => std::iter::once(&t.base).chain(t.scale.iter()).collect(),
    }
}

/// Visits an expression and every expression inside it, parents before children.
pub fn visit<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    f(e);
    for child in children(e) {
        visit(child, f);
    }
}

/// The same expression with each direct child replaced by `f(child)`; the node, its type and
/// its span are kept.
pub fn map_children(e: &Expr, f: &mut dyn FnMut(&Expr) -> Expr) -> Expr {
    let mut one = |x: &Expr| Box::new(f(x));
    let node = match &e.node {
        Node::Unary(op, x) => Node::Unary(*op, one(x)),
        Node::Abs(x) => Node::Abs(one(x)),
        Node::MonthsSince(x) => Node::MonthsSince(one(x)),
        Node::ToDate { window, current, value } => {
            Node::ToDate { window: *window, current: *current, value: one(value) }
        }
        Node::DaysBetween(a, b) => {
            let a = one(a);
            Node::DaysBetween(a, one(b))
        }
        Node::InMonthOf(a, b) => {
            let a = one(a);
            Node::InMonthOf(a, one(b))
        }
        Node::Between(x, lo, hi) => {
            let (x, lo) = (one(x), one(lo));
            Node::Between(x, lo, one(hi))
        }
        Node::Round(x, r) => Node::Round(one(x), *r),
        Node::Binary(op, a, b) => {
            let a = one(a);
            Node::Binary(*op, a, one(b))
        }
        Node::Default(a, b) => {
            let a = one(a);
            Node::Default(a, one(b))
        }
        Node::In(x, list) => {
            let x = one(x);
            Node::In(x, list.iter().map(&mut *f).collect())
        }
        Node::If(c, t, o) => {
            let (c, t) = (one(c), one(t));
            Node::If(c, t, one(o))
        }
        Node::Min(xs) => Node::Min(xs.iter().map(&mut *f).collect()),
        Node::Max(xs) => Node::Max(xs.iter().map(&mut *f).collect()),
        Node::Table(t, xs) => Node::Table(*t, xs.iter().map(&mut *f).collect()),
        Node::Tiers(t) => {
            let base = f(&t.base);
            let scale = t.scale.as_ref().map(&mut *f);
            Node::Tiers(Box::new(TierTable { mode: t.mode, base, scale, brackets: t.brackets.clone() }))
        }
        leaf => leaf.clone(),
    };
    Expr { node, ty: e.ty, span: e.span }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::BinaryOp;
    use crate::plan::Ty;
    use crate::source::Span;
    use crate::value::Value;
    use rust_decimal::Decimal;

    fn num(n: i64, at: usize) -> Expr {
        Expr { node: Node::Const(Value::Number(Decimal::from(n))), ty: Ty::Number, span: Span::new(at, at + 1) }
    }

    #[test]
    fn visit_goes_parents_first_in_source_order() {
        // 1 + (2 * 3), spans 0..1, 4..5, 8..9
        let mul = Expr {
            node: Node::Binary(BinaryOp::Mul, Box::new(num(2, 4)), Box::new(num(3, 8))),
            ty: Ty::Number,
            span: Span::new(4, 9),
        };
        let add = Expr {
            node: Node::Binary(BinaryOp::Add, Box::new(num(1, 0)), Box::new(mul)),
            ty: Ty::Number,
            span: Span::new(0, 9),
        };
        let mut starts = Vec::new();
        visit(&add, &mut |e| starts.push((e.span.start, e.span.end)));
        assert_eq!(starts, vec![(0, 9), (0, 1), (4, 9), (4, 5), (8, 9)]);
    }

    #[test]
    fn map_children_rebuilds_the_same_shape() {
        let add = Expr {
            node: Node::Binary(BinaryOp::Add, Box::new(num(1, 0)), Box::new(num(2, 4))),
            ty: Ty::Number,
            span: Span::new(0, 5),
        };
        let doubled = map_children(&add, &mut |x| match &x.node {
            Node::Const(Value::Number(n)) => Expr { node: Node::Const(Value::Number(n * Decimal::TWO)), ..x.clone() },
            _ => x.clone(),
        });
        let Node::Binary(BinaryOp::Add, a, b) = &doubled.node else { panic!("shape changed: {doubled:?}") };
        assert!(matches!(&a.node, Node::Const(Value::Number(n)) if *n == Decimal::TWO), "{a:?}");
        assert!(matches!(&b.node, Node::Const(Value::Number(n)) if *n == Decimal::from(4)), "{b:?}");
        assert_eq!(doubled.span, add.span);
    }
}
