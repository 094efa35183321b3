//! C0004: a `when` condition that its types alone decide (always or never true).

use rust_decimal::Decimal;

use crate::diagnostics::lints::LintKind;
use crate::diagnostics::Problem;
use crate::lang::{BinaryOp, UnaryOp};
use crate::plan::{AggFunc, Expr, Node, PayeeSource, Plan};
use crate::value::Value;

pub fn check(plan: &Plan) -> Vec<Problem> {
    let mut problems = Vec::new();
    for c in &plan.components {
        for gate in &c.gates {
            let Some(value) = truth(plan, gate) else { continue };
            let text = plan.source.text.get(gate.span.start..gate.span.end).unwrap_or("");
            let condition = text.to_string();
            let kind = if value {
                LintKind::AlwaysTrue { condition }
            } else {
                LintKind::NeverTrue { condition, component: c.name.clone() }
            };
            problems.push(Problem::new(kind, [gate.span]));
        }
    }
    problems
}

/// Lower and upper bounds an expression's value is known to stay within (`None`: unbounded).
fn range(plan: &Plan, e: &Expr) -> (Option<Decimal>, Option<Decimal>) {
    match &e.node {
        Node::Const(Value::Number(n)) => (Some(*n), Some(*n)),
        Node::Aggregate(a) => match plan.aggregates.get(*a).map(|a| a.func) {
            Some(AggFunc::Count | AggFunc::CountDistinct) => (Some(Decimal::ZERO), None),
            _ => (None, None),
        },
        Node::Abs(_) => (Some(Decimal::ZERO), None),
        _ => (None, None),
    }
}

fn enum_values<'a>(plan: &'a Plan, e: &Expr) -> Option<&'a Vec<String>> {
    let column = match &e.node {
        Node::Lookup(l) => {
            let l = plan.lookups.get(*l)?;
            plan.inputs.get(l.input)?.columns.get(l.column)?
        }
        Node::PayeeAttr(c) => match plan.payee {
            PayeeSource::Roster { input, .. } => plan.inputs.get(input)?.columns.get(*c)?,
            PayeeSource::Ledger { .. } => return None,
        },
        _ => return None,
    };
    column.values.as_ref()
}

/// `Some(b)` when the condition is `b` whatever the ledgers hold.
fn truth(plan: &Plan, e: &Expr) -> Option<bool> {
    match &e.node {
        Node::Const(Value::Bool(b)) => Some(*b),
        Node::Unary(UnaryOp::Not, x) => truth(plan, x).map(|b| !b),
        Node::Binary(BinaryOp::And, a, b) => match (truth(plan, a), truth(plan, b)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        Node::Binary(BinaryOp::Or, a, b) => match (truth(plan, a), truth(plan, b)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        Node::Binary(op, a, b) => {
            let ((alo, ahi), (blo, bhi)) = (range(plan, a), range(plan, b));
            let lt = |x: Option<Decimal>, y: Option<Decimal>| matches!((x, y), (Some(x), Some(y)) if x < y);
            let le = |x: Option<Decimal>, y: Option<Decimal>| matches!((x, y), (Some(x), Some(y)) if x <= y);
            match op {
                BinaryOp::Lt if lt(ahi, blo) => Some(true),
                BinaryOp::Lt if le(bhi, alo) => Some(false),
                BinaryOp::Le if le(ahi, blo) => Some(true),
                BinaryOp::Le if lt(bhi, alo) => Some(false),
                BinaryOp::Gt if lt(bhi, alo) => Some(true),
                BinaryOp::Gt if le(ahi, blo) => Some(false),
                BinaryOp::Ge if le(bhi, alo) => Some(true),
                BinaryOp::Ge if lt(ahi, blo) => Some(false),
                BinaryOp::Eq if lt(ahi, blo) || lt(bhi, alo) => Some(false),
                BinaryOp::Ne if lt(ahi, blo) || lt(bhi, alo) => Some(true),
                _ => None,
            }
        }
        Node::In(x, list) => {
            let values = enum_values(plan, x)?;
            let listed: Vec<&str> = list
                .iter()
                .filter_map(|i| match &i.node {
                    Node::Const(Value::Text(t)) => Some(&**t),
                    _ => None,
                })
                .collect();
            values.iter().all(|v| listed.contains(&v.as_str())).then_some(true)
        }
        _ => None,
    }
}
