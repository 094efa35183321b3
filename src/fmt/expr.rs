//! Expressions on one line, with the parentheses precedence needs and no others.

use super::decls::brackets;
use super::lines::Out;
use crate::lang::{BinaryOp, UnaryOp};
use crate::source::Span;
use crate::syntax::ast::{Expr, ExprKind};

/// Binding strength, loosest first, as the Pratt parser in `syntax/parse.rs` sets it.
/// `if` counts as loosest: its `else` branch would swallow an operator written after it.
fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary { op, .. } => binary_precedence(*op),
        ExprKind::Unary { op: UnaryOp::Not, .. } => 3,
        ExprKind::In { .. } | ExprKind::Between { .. } => 4,
        ExprKind::Unary { op: UnaryOp::Neg, .. } => 7,
        ExprKind::Default { .. } => 8,
        ExprKind::If { .. } => 0,
        _ => 9,
    }
}

fn binary_precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => 1,
        BinaryOp::And => 2,
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => 4,
        BinaryOp::Add | BinaryOp::Sub => 5,
        BinaryOp::Mul | BinaryOp::Div => 6,
    }
}

/// Prints `e`, in parentheses if it binds less tightly than `min`.
pub fn expr(out: &mut Out<'_>, e: &Expr, min: u8) {
    let parens = precedence(e) < min;
    if parens {
        out.text("(");
    }
    match &e.kind {
        ExprKind::Literal(_) => {
            // As written, with `500   CNY` tidied to `500 CNY`.
            let text = out.source(e.span).split_whitespace().collect::<Vec<_>>().join(" ");
            out.tok(&text, e.span);
        }
        ExprKind::Name(n) => out.tok(&n.name, n.span),
        ExprKind::Field { input, column } => {
            out.tok(&input.name, input.span);
            out.text(".");
            out.tok(&column.name, column.span);
        }
        ExprKind::Unary { op, operand } => {
            match op {
                UnaryOp::Neg => out.tok("-", Span::new(e.span.start, e.span.start + 1)),
                UnaryOp::Not => out.tok("not ", Span::new(e.span.start, e.span.start + 3)),
            }
            expr(out, operand, precedence(e));
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let p = binary_precedence(*op);
            expr(out, lhs, p);
            out.text(&format!(" {} ", op.symbol()));
            expr(out, rhs, p + 1);
        }
        ExprKind::In { value, list } => {
            expr(out, value, 5);
            out.text(" in [");
            for (i, item) in list.iter().enumerate() {
                if i > 0 {
                    out.text(", ");
                }
                expr(out, item, 0);
            }
            out.text("]");
        }
        ExprKind::If { condition, then, otherwise } => {
            out.tok("if ", Span::new(e.span.start, e.span.start + 2));
            expr(out, condition, 0);
            out.text(" then ");
            expr(out, then, 0);
            out.text(" else ");
            expr(out, otherwise, 0);
        }
        ExprKind::Between { value, low, high } => {
            expr(out, value, 5);
            out.text(" in ");
            expr(out, low, 7);
            out.text(" to ");
            expr(out, high, 7);
        }
        ExprKind::Call { function, args, filter, reports } => {
            out.tok(&function.name, function.span);
            out.text("(");
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.text(", ");
                }
                expr(out, a, 0);
            }
            if let Some(f) = filter {
                out.text(if args.is_empty() { "where " } else { " where " });
                expr(out, f, 0);
            }
            if let Some(span) = reports {
                out.text(if args.is_empty() && filter.is_none() { "" } else { " " });
                out.tok("for reports", *span);
            }
            out.tok(")", Span::new(e.span.end.saturating_sub(1), e.span.end));
        }
        ExprKind::Default { value, fallback } => {
            expr(out, value, 9);
            out.text(" default ");
            expr(out, fallback, 9);
        }
        ExprKind::Tiers(t) => {
            out.tok("tiers ", Span::new(e.span.start, e.span.start + 5));
            out.tok(out.source(t.mode.span), t.mode.span);
            out.text(" ");
            expr(out, &t.base, 0);
            let open = out.find(t.base.span.end, '{');
            out.tok(" {", Span::new(open, open + 1));
            out.indent += 1;
            brackets(out, &t.brackets);
            out.indent -= 1;
            out.close(e.span.end.saturating_sub(1));
        }
    }
    if parens {
        out.text(")");
    }
}
