//! Expressions: the dispatcher over every kind of AST expression, and the forms that only
//! combine checked operands (literals, `-`/`not`, binary operators, `in`, `if`, `default`).
//!
//! Names go to `names`, calls to `calls` (and on to `aggregates`), tiers to `tiers`; the unit
//! of an operator comes from `units` and enumerated values are checked by `enums`. Nothing
//! here reads or adds declarations.

use super::checker::{literal_value, Checker, Scope};
use super::tiers;
use super::units::{coerce_literal, unify};
use crate::diagnostics::check::CheckKind;
use crate::diagnostics::Problem;
use crate::lang::{BinaryOp, UnaryOp};
use crate::plan::{Expr, Node, Ty};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, Literal};
use crate::value::Value;

impl Checker {
    pub fn expr(&mut self, e: &ast::Expr, scope: &Scope) -> Option<Expr> {
        let span = e.span;
        match &e.kind {
            ExprKind::Literal(lit) => Some(self.literal(lit, span)),
            ExprKind::Name(ident) => self.name(ident, scope),
            ExprKind::Field { input, column } => self.field(input, column, scope, span),
            ExprKind::Unary { op, operand } => self.unary(*op, operand, scope, span),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, scope, span),
            ExprKind::In { value, list } => self.in_list(value, list, scope, span),
            ExprKind::If { condition, then, otherwise } => self.if_else(condition, then, otherwise, scope, span),
            ExprKind::Default { value, fallback } => self.with_default(value, fallback, scope, span),
            ExprKind::Call { function, args, filter, reports } => {
                self.call(function, args, filter.as_deref(), *reports, scope, span)
            }
            ExprKind::Between { value, low, high } => self.between(value, low, high, scope, span),
            ExprKind::Tiers(t) => {
                let base = self.expr(&t.base, scope);
                let of = t.brackets.iter().find_map(|b| b.of.as_ref());
                let scale = match of {
                    Some(name) => Some(self.name(name, scope)?),
                    None => None,
                };
                tiers::check(self, t, base, scale, span)
            }
        }
    }

    fn literal(&mut self, lit: &Literal, span: Span) -> Expr {
        self.check_currency(lit, span);
        let (v, ty) = literal_value(lit);
        Expr { node: Node::Const(v), ty, span }
    }

    fn unary(&mut self, op: UnaryOp, operand: &ast::Expr, scope: &Scope, span: Span) -> Option<Expr> {
        let inner = self.expr(operand, scope)?;
        match op {
            UnaryOp::Neg if inner.ty.is_numeric() => {
                if let Node::Const(Value::Number(n)) = inner.node {
                    return Some(Expr { node: Node::Const(Value::Number(-n)), ty: inner.ty, span });
                }
                let ty = inner.ty;
                Some(Expr { node: Node::Unary(UnaryOp::Neg, Box::new(inner)), ty, span })
            }
            UnaryOp::Not if inner.ty == Ty::Bool => {
                Some(Expr { node: Node::Unary(UnaryOp::Not, Box::new(inner)), ty: Ty::Bool, span })
            }
            _ => {
                let found = inner.ty.name();
                let kind = match op {
                    UnaryOp::Neg => CheckKind::NegateNonNumber { found },
                    UnaryOp::Not => CheckKind::NotOfNonCondition { found },
                };
                self.error(Problem::new(kind, [inner.span]));
                None
            }
        }
    }

    fn binary(&mut self, op: BinaryOp, lhs: &ast::Expr, rhs: &ast::Expr, scope: &Scope, span: Span) -> Option<Expr> {
        let l = self.expr(lhs, scope);
        let r = self.expr(rhs, scope);
        let (mut l, mut r) = (l?, r?);
        // A literal takes its neighbour's unit only where units must match: `sales >=
        // 100_000` compares money; in `500 * count(...)` the 500 stays a number.
        if !matches!(op, BinaryOp::Mul | BinaryOp::Div | BinaryOp::And | BinaryOp::Or) {
            unify(&mut l, &mut r);
        }
        // Money next to a `let` of plain numbers: the mistake is in the `let`.
        if let Scope::Clause { lets, .. } = scope {
            let units_match = !matches!(op, BinaryOp::Mul | BinaryOp::Div | BinaryOp::And | BinaryOp::Or);
            for (number, money) in [(&l, &r), (&r, &l)] {
                if units_match
                    && money.ty == Ty::Money
                    && number.ty == Ty::Number
                    && self.let_without_unit(number, lets, number.span)
                {
                    return None;
                }
            }
        }
        let ty = self.binary_type(op, &l, &r, span)?;
        self.check_enum_comparison(&l, &r, scope);
        self.check_enum_comparison(&r, &l, scope);
        Some(Expr { node: Node::Binary(op, Box::new(l), Box::new(r)), ty, span })
    }

    fn in_list(&mut self, value: &ast::Expr, list: &[ast::Expr], scope: &Scope, span: Span) -> Option<Expr> {
        let v = self.expr(value, scope)?;
        let mut items = Vec::new();
        for item in list {
            let mut it = self.expr(item, scope)?;
            coerce_literal(&mut it, v.ty);
            if it.ty != v.ty {
                let kind = CheckKind::InListMixes { value: v.ty.name(), item: it.ty.name() };
                self.error(Problem::new(kind, [it.span, v.span]));
                return None;
            }
            self.check_enum_comparison(&v, &it, scope);
            items.push(it);
        }
        Some(Expr { node: Node::In(Box::new(v), items), ty: Ty::Bool, span })
    }

    /// `x in low to high`: three values of one kind that can be ordered.
    fn between(
        &mut self,
        value: &ast::Expr,
        low: &ast::Expr,
        high: &ast::Expr,
        scope: &Scope,
        span: Span,
    ) -> Option<Expr> {
        let v = self.expr(value, scope);
        let l = self.expr(low, scope);
        let h = self.expr(high, scope);
        let (v, mut l, mut h) = (v?, l?, h?);
        for bound in [&mut l, &mut h] {
            coerce_literal(bound, v.ty);
            if bound.ty != v.ty || matches!(v.ty, Ty::Bool | Ty::Text) {
                let kind = CheckKind::InListMixes { value: v.ty.name(), item: bound.ty.name() };
                self.error(Problem::new(kind, [bound.span, v.span]));
                return None;
            }
        }
        Some(Expr { node: Node::Between(Box::new(v), Box::new(l), Box::new(h)), ty: Ty::Bool, span })
    }

    fn if_else(
        &mut self,
        condition: &ast::Expr,
        then: &ast::Expr,
        otherwise: &ast::Expr,
        scope: &Scope,
        span: Span,
    ) -> Option<Expr> {
        let c = self.expr(condition, scope);
        let t = self.expr(then, scope);
        let o = self.expr(otherwise, scope);
        let (c, mut t, mut o) = (c?, t?, o?);
        if c.ty != Ty::Bool {
            self.error(Problem::new(CheckKind::IfNotBool { found: c.ty.name() }, [c.span]));
            return None;
        }
        unify(&mut t, &mut o);
        if t.ty != o.ty {
            let kind = CheckKind::IfBranches { then: t.ty.name(), otherwise: o.ty.name() };
            self.error(Problem::new(kind, [o.span, t.span]));
            return None;
        }
        let ty = t.ty;
        Some(Expr { node: Node::If(Box::new(c), Box::new(t), Box::new(o)), ty, span })
    }

    fn with_default(&mut self, value: &ast::Expr, fallback: &ast::Expr, scope: &Scope, span: Span) -> Option<Expr> {
        let v = self.expr(value, scope);
        let f = self.expr(fallback, scope);
        let (mut v, mut f) = (v?, f?);
        unify(&mut v, &mut f);
        if v.ty != f.ty {
            let kind = CheckKind::DefaultKind { value: v.ty.name(), fallback: f.ty.name() };
            self.error(Problem::new(kind, [f.span, v.span]));
            return None;
        }
        let ty = v.ty;
        Some(Expr { node: Node::Default(Box::new(v), Box::new(f)), ty, span })
    }
}
