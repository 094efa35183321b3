//! C0007: a component whose amount can be negative. Ledger amounts can be (refunds are
//! negative), and so can a subtraction, a negative literal, a fixed bracket or a table value.
//! A floor of zero or more keeps the amount non-negative.

use rust_decimal::Decimal;

use crate::diagnostics::lints::LintKind;
use crate::diagnostics::Problem;
use crate::plan::{AggFunc, Component, Expr, Node, Plan, TierPay};
use crate::value::Value;

pub fn check(plan: &Plan) -> Vec<Problem> {
    let mut problems = Vec::new();
    // The statement cap's line is negative by design: it is the cut.
    for c in plan.components.iter().filter(|c| !c.limits_statement) {
        let floored = c.floor.as_ref().is_some_and(|f| !can_be_negative(plan, c, f));
        if floored || !can_be_negative(plan, c, &c.pay) {
            continue;
        }
        problems.push(Problem::new(LintKind::NegativePay { component: c.name.clone() }, [c.pay.span]));
    }
    problems
}

fn can_be_negative(plan: &Plan, c: &Component, e: &Expr) -> bool {
    let neg = |x: &Expr| can_be_negative(plan, c, x);
    match &e.node {
        Node::Const(Value::Number(n)) => *n < Decimal::ZERO,
        Node::Const(_) | Node::PayeeId => false,
        // Only the statement's limits read it; they are never reported (see `check`).
        Node::StatementSoFar => false,
        // Earlier statements' amounts can be negative (a clawback, a recovered draw).
        Node::ComponentAmount(_) | Node::History { .. } | Node::ToDate { .. } => true,
        Node::Employed | Node::Period | Node::Between(..) => false,
        Node::Joined(..) => e.ty.is_numeric(),
        Node::MonthsSince(_) | Node::DaysBetween(..) | Node::InMonthOf(..) => true,
        // A ledger value of a numeric column can be negative (a refund, a correction).
        Node::Column(_) | Node::Lookup(_) | Node::PayeeAttr(_) => e.ty.is_numeric(),
        Node::Let(i) => c.lets.get(*i).is_some_and(|l| neg(&l.value)),
        Node::Aggregate(a) => match plan.aggregates.get(*a) {
            Some(agg) if matches!(agg.func, AggFunc::Count | AggFunc::CountDistinct) => false,
            Some(agg) => agg.arg.as_ref().is_some_and(&neg),
            None => false,
        },
        Node::Unary(_, x) => {
            e.ty.is_numeric() && !matches!(&x.node, Node::Const(Value::Number(n)) if *n < Decimal::ZERO)
        }
        Node::Binary(op, a, b) => match op {
            crate::lang::BinaryOp::Add => neg(a) || neg(b),
            crate::lang::BinaryOp::Sub => true,
            crate::lang::BinaryOp::Mul | crate::lang::BinaryOp::Div => neg(a) || neg(b),
            _ => false,
        },
        Node::If(_, t, o) => neg(t) || neg(o),
        Node::Default(x, f) => neg(x) || neg(f),
        Node::Min(xs) => xs.iter().any(neg),
        Node::Max(xs) => xs.iter().all(neg),
        Node::Abs(_) => false,
        Node::Round(x, _) => neg(x),
        Node::In(..) => false,
        Node::Table(t, _) => plan.tables.get(*t).is_some_and(|t| {
            t.rows
                .iter()
                .map(|r| &r.value)
                .chain(t.otherwise.as_ref().map(|(v, _)| v))
                .any(|v| matches!(v, Value::Number(n) if *n < Decimal::ZERO))
        }),
        // Below the first bracket a tier pays nothing; it is negative only through its own figures.
        Node::Tiers(t) => t.brackets.iter().any(|b| match b.pays {
            TierPay::Fixed(f) => f < Decimal::ZERO,
            TierPay::Rate(_) => b.from < Decimal::ZERO,
        }),
    }
}
