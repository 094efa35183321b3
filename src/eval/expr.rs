//! Evaluates a checked expression against an environment: a ledger row (inside aggregates)
//! or a statement (payee x period). Missing values propagate; `default` replaces them.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::tiers;
use super::EvalError;
use crate::diagnostics::eval::EvalKind;
use crate::lang::{BinaryOp, UnaryOp};
use crate::plan::{Expr, Node, Plan};
use crate::source::Span;
use crate::value::Value;

/// What an expression can read. Rows answer `column`; statements answer the rest.
pub trait Env {
    fn column(&self, index: usize) -> Value;
    fn let_value(&self, index: usize) -> Value;
    fn aggregate(&self, index: usize) -> Result<Value, EvalError>;
    fn lookup(&self, index: usize) -> Value;
    fn payee_id(&self) -> Value;
    fn payee_attr(&self, index: usize) -> Value;
}

/// Receives every value an expression takes while it is evaluated. `run` uses [`NoTrace`],
/// which compiles to nothing; `explain` records values to show the derivation.
pub trait Tracer {
    fn record(&mut self, e: &Expr, value: &Value);
    /// A component's `when` gate was decided (`explain` sees it through `record` too).
    fn gate(&mut self, _gate: &Expr, _holds: bool) {}
}

/// The tracer of a normal run: records nothing.
pub struct NoTrace;

impl Tracer for NoTrace {
    #[inline(always)]
    fn record(&mut self, _: &Expr, _: &Value) {}
}

pub fn eval(plan: &Plan, e: &Expr, env: &dyn Env) -> Result<Value, EvalError> {
    eval_traced(plan, e, env, &mut NoTrace)
}

pub fn eval_traced<T: Tracer>(plan: &Plan, e: &Expr, env: &dyn Env, tr: &mut T) -> Result<Value, EvalError> {
    let value = eval_node(plan, e, env, tr)?;
    tr.record(e, &value);
    Ok(value)
}

fn eval_node<T: Tracer>(plan: &Plan, e: &Expr, env: &dyn Env, tr: &mut T) -> Result<Value, EvalError> {
    let overflow = || EvalError::new(EvalKind::ResultTooLarge, e.span);
    Ok(match &e.node {
        Node::Const(v) => v.clone(),
        Node::Column(i) => env.column(*i),
        Node::Let(i) => env.let_value(*i),
        Node::Aggregate(i) => env.aggregate(*i)?,
        Node::Lookup(i) => env.lookup(*i),
        Node::PayeeId => env.payee_id(),
        Node::PayeeAttr(i) => env.payee_attr(*i),
        Node::Unary(op, x) => match (op, eval_traced(plan, x, env, tr)?) {
            (_, Value::Missing) => Value::Missing,
            (UnaryOp::Neg, Value::Number(n)) => Value::Number(-n),
            (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
            _ => Value::Missing,
        },
        Node::Binary(op, l, r) => {
            let lv = eval_traced(plan, l, env, tr)?;
            // `and` / `or` short-circuit, and a known side decides even if the other is missing.
            match (op, &lv) {
                (BinaryOp::And, Value::Bool(false)) => return Ok(Value::Bool(false)),
                (BinaryOp::Or, Value::Bool(true)) => return Ok(Value::Bool(true)),
                _ => {}
            }
            let rv = eval_traced(plan, r, env, tr)?;
            binary(*op, lv, rv).map_err(|kind| match kind {
                ArithError::DivisionByZero => {
                    EvalError::new(EvalKind::DivisionByZero { expr: excerpt(plan, e) }, r.span)
                }
                ArithError::Overflow => overflow(),
            })?
        }
        Node::In(x, list) => {
            let v = eval_traced(plan, x, env, tr)?;
            if v == Value::Missing {
                return Ok(Value::Missing);
            }
            for item in list {
                if eval_traced(plan, item, env, tr)? == v {
                    return Ok(Value::Bool(true));
                }
            }
            Value::Bool(false)
        }
        Node::If(c, t, o) => match eval_traced(plan, c, env, tr)? {
            Value::Bool(true) => eval_traced(plan, t, env, tr)?,
            Value::Bool(false) => eval_traced(plan, o, env, tr)?,
            _ => Value::Missing,
        },
        Node::Min(xs) | Node::Max(xs) => {
            let want = if matches!(e.node, Node::Min(_)) { Ordering::Less } else { Ordering::Greater };
            let mut best: Option<Value> = None;
            for x in xs {
                let v = eval_traced(plan, x, env, tr)?;
                if v == Value::Missing {
                    return Ok(Value::Missing);
                }
                best = match best {
                    Some(b) if compare(&v, &b) != Some(want) => Some(b),
                    _ => Some(v),
                };
            }
            best.unwrap_or(Value::Missing)
        }
        Node::Abs(x) => match eval_traced(plan, x, env, tr)? {
            Value::Number(n) => Value::Number(n.abs()),
            other => other,
        },
        Node::Round(x, rounding) => match eval_traced(plan, x, env, tr)? {
            Value::Number(n) => Value::Number(rounding.apply(n).ok_or_else(overflow)?),
            other => other,
        },
        Node::Table(t, args) => {
            let mut keys = Vec::with_capacity(args.len());
            for a in args {
                keys.push(eval_traced(plan, a, env, tr)?);
            }
            table_lookup(plan, *t, &keys).ok_or_else(|| {
                let table = plan.tables.get(*t);
                let shown: Vec<String> = keys.iter().map(ToString::to_string).collect();
                EvalError::new(
                    EvalKind::NoTableRow {
                        table: table.map_or(String::new(), |t| t.name.clone()),
                        keys: shown.join(", "),
                    },
                    e.span,
                )
            })?
        }
        Node::Default(x, fallback) => match eval_traced(plan, x, env, tr)? {
            Value::Missing => eval_traced(plan, fallback, env, tr)?,
            v => v,
        },
        Node::Tiers(t) => match eval_traced(plan, &t.base, env, tr)? {
            Value::Number(base) => Value::Number(tiers::apply(t.mode, &t.brackets, base).ok_or_else(overflow)?.0),
            _ => Value::Missing,
        },
    })
}

pub enum ArithError {
    DivisionByZero,
    Overflow,
}

pub fn binary(op: BinaryOp, l: Value, r: Value) -> Result<Value, ArithError> {
    if l == Value::Missing || r == Value::Missing {
        return Ok(Value::Missing);
    }
    let num = |f: fn(Decimal, Decimal) -> Option<Decimal>| match (&l, &r) {
        (Value::Number(a), Value::Number(b)) => f(*a, *b).map(Value::Number).ok_or(ArithError::Overflow),
        _ => Ok(Value::Missing),
    };
    let cmp = compare(&l, &r);
    Ok(match op {
        BinaryOp::Add => num(Decimal::checked_add)?,
        BinaryOp::Sub => num(Decimal::checked_sub)?,
        BinaryOp::Mul => num(Decimal::checked_mul)?,
        BinaryOp::Div => {
            if r == Value::Number(Decimal::ZERO) {
                return Err(ArithError::DivisionByZero);
            }
            num(Decimal::checked_div)?
        }
        BinaryOp::Eq => Value::Bool(l == r),
        BinaryOp::Ne => Value::Bool(l != r),
        BinaryOp::Lt => Value::Bool(cmp == Some(Ordering::Less)),
        BinaryOp::Le => Value::Bool(matches!(cmp, Some(Ordering::Less | Ordering::Equal))),
        BinaryOp::Gt => Value::Bool(cmp == Some(Ordering::Greater)),
        BinaryOp::Ge => Value::Bool(matches!(cmp, Some(Ordering::Greater | Ordering::Equal))),
        BinaryOp::And => match (l, r) {
            (Value::Bool(a), Value::Bool(b)) => Value::Bool(a && b),
            _ => Value::Missing,
        },
        BinaryOp::Or => match (l, r) {
            (Value::Bool(a), Value::Bool(b)) => Value::Bool(a || b),
            _ => Value::Missing,
        },
    })
}

/// Orders values of the same kind; decimals compare by value (`1.0 = 1`).
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Period(x), Value::Period(y)) => Some(x.cmp(y)),
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// The value of the first row matching `keys`, else the `else` row; `None` if neither.
pub fn table_lookup(plan: &Plan, table: usize, keys: &[Value]) -> Option<Value> {
    matching_row(plan, table, keys).map(|(value, _)| value.clone())
}

/// Where the row that matches `keys` is written (for explanations).
pub fn table_lookup_row(plan: &Plan, table: usize, keys: &[Value]) -> Option<Span> {
    matching_row(plan, table, keys).map(|(_, span)| span)
}

/// Rows are tried top to bottom; `_` matches anything; then `else`.
fn matching_row<'p>(plan: &'p Plan, table: usize, keys: &[Value]) -> Option<(&'p Value, Span)> {
    let table = plan.tables.get(table)?;
    for row in &table.rows {
        let hit = row.keys.iter().zip(keys).all(|(k, v)| match k {
            None => true,
            Some(k) => compare(k, v) == Some(Ordering::Equal) || k == v,
        });
        if hit {
            return Some((&row.value, row.span));
        }
    }
    table.otherwise.as_ref().map(|(v, span)| (v, *span))
}

/// The policy text of an expression, for messages.
pub fn excerpt(plan: &Plan, e: &Expr) -> String {
    plan.source.text.get(e.span.start..e.span.end).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}
