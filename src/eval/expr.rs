//! Evaluates a checked expression against an environment: a ledger row (inside aggregates)
//! or a statement (payee x period). Missing values propagate; `default` replaces them.

use std::cmp::Ordering;

use super::tiers;
use super::EvalError;
use crate::diagnostics::eval::EvalKind;
use crate::lang::{BinaryOp, UnaryOp};
use chrono::Datelike;
use rust_decimal::Decimal;

use crate::period::Period;
use crate::plan::{Earlier, Expr, Node, Plan, TierTable, Window};
use crate::source::Span;
use crate::value::{ArithError, Exact, Value};

/// A value while a statement is computed: a number held exactly, or any other value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Num(Exact),
    Other(Value),
}

impl Val {
    pub const MISSING: Val = Val::Other(Value::Missing);

    pub fn from_value(v: Value) -> Val {
        match v {
            Value::Number(d) => Val::Num(Exact::Dec(d)),
            other => Val::Other(other),
        }
    }

    /// The value to show: a fraction rounded for display (never paid), see [`Exact::shown`].
    pub fn shown(&self) -> Value {
        match self {
            Val::Num(n) => n.shown().map_or(Value::Missing, Value::Number),
            Val::Other(v) => v.clone(),
        }
    }

    /// The value when it holds exactly as a [`Value`]: `None` for a fraction.
    pub fn exact_value(&self) -> Option<Value> {
        match self {
            Val::Num(n) => n.decimal().map(Value::Number),
            Val::Other(v) => Some(v.clone()),
        }
    }

    pub fn number(&self) -> Option<&Exact> {
        match self {
            Val::Num(n) => Some(n),
            Val::Other(_) => None,
        }
    }

    pub fn is_missing(&self) -> bool {
        *self == Val::MISSING
    }
}

/// What an expression can read. Rows answer `column`; statements answer the rest.
pub trait Env {
    fn column(&self, index: usize) -> Value;
    fn let_value(&self, index: usize) -> Val;
    fn aggregate(&self, index: usize) -> Result<Val, EvalError>;
    fn lookup(&self, index: usize) -> Value;
    fn payee_id(&self) -> Value;
    fn payee_attr(&self, index: usize) -> Value;
    /// The sum of the statement's earlier components (for the statement's limits); none
    /// outside a statement.
    fn statement_so_far(&self) -> Val {
        Val::MISSING
    }
    /// A column of the row a reference column of this row names (`sale.date`).
    fn joined(&self, _reference: usize, _column: usize) -> Value {
        Value::Missing
    }
    /// The statement's period (the component's).
    fn period(&self) -> Option<Period> {
        None
    }
    /// The share of the period the payee was employed.
    fn employed(&self) -> Result<Val, EvalError> {
        Ok(Val::MISSING)
    }
    /// This statement's rounded amount of an earlier component.
    fn component_amount(&self, _component: usize) -> Val {
        Val::MISSING
    }
    /// Rounded amounts of earlier statements in a window.
    fn history(&self, _of: Earlier, _window: Window, _current: bool, _reports: bool) -> Result<Val, EvalError> {
        Ok(Val::MISSING)
    }
    /// `in_month_of(date, figure)` in a row: the figure, worked out before the row is folded.
    fn in_month_of(&self, _e: &Expr) -> Val {
        Val::MISSING
    }
    /// The same statement, its aggregates taken over a window's months.
    fn windowed(&self, _window: Window, _current: bool) -> Option<Box<dyn Env + '_>> {
        None
    }
}

/// Receives every value an expression takes while it is evaluated. `run` uses [`NoTrace`],
/// which compiles to nothing; `explain` records values to show the derivation. Numbers are
/// recorded as shown ([`Val::shown`]): a fraction rounded for display.
pub trait Tracer {
    /// Whether `record` wants values at all (a run's tracer does not).
    const RECORDS: bool = true;
    fn record(&mut self, e: &Expr, value: &Value);
    /// A component's `when` gate was decided (`explain` sees it through `record` too).
    fn gate(&mut self, _gate: &Expr, _holds: bool) {}
    /// The exact base of a bracket table (`record` sees it as shown), so that an explanation's
    /// slices are the run's own.
    fn tier_base(&mut self, _table: &TierTable, _base: &Exact, _scale: Option<&Exact>) {}
}

/// The tracer of a normal run: records nothing.
pub struct NoTrace;

impl Tracer for NoTrace {
    const RECORDS: bool = false;
    #[inline(always)]
    fn record(&mut self, _: &Expr, _: &Value) {}
}

/// A row's expression (inside an aggregate): its value must be a decimal, since rows are added
/// up in decimals; a fraction is refused (E0311).
pub fn eval(plan: &Plan, e: &Expr, env: &dyn Env) -> Result<Value, EvalError> {
    eval_traced(plan, e, env, &mut NoTrace)
}

pub fn eval_traced<T: Tracer>(plan: &Plan, e: &Expr, env: &dyn Env, tr: &mut T) -> Result<Value, EvalError> {
    let value = eval_exact_traced(plan, e, env, tr)?;
    value.exact_value().ok_or_else(|| {
        let shown = value.number().map_or_else(|| value.shown().to_string(), ToString::to_string);
        EvalError::new(EvalKind::NotADecimalInRow { expr: excerpt(plan, e), shown }, e.span)
    })
}

/// A statement's expression, exactly: nothing is rounded unless the policy says so.
pub fn eval_exact(plan: &Plan, e: &Expr, env: &dyn Env) -> Result<Val, EvalError> {
    eval_exact_traced(plan, e, env, &mut NoTrace)
}

/// A constant, an aggregate or a `let` is read where it is asked for, when nothing records
/// it: no call of the whole walk for a leaf (a third of a statement's nodes).
#[inline]
pub fn eval_exact_traced<T: Tracer>(plan: &Plan, e: &Expr, env: &dyn Env, tr: &mut T) -> Result<Val, EvalError> {
    if !T::RECORDS {
        match &e.node {
            Node::Const(v) => return Ok(Val::from_value(v.clone())),
            Node::Aggregate(i) => return env.aggregate(*i),
            Node::Let(i) => return Ok(env.let_value(*i)),
            _ => {}
        }
    }
    eval_walk(plan, e, env, tr)
}

/// Any node, recorded when the tracer records: the walk the leaves above skip.
#[inline(never)]
fn eval_walk<T: Tracer>(plan: &Plan, e: &Expr, env: &dyn Env, tr: &mut T) -> Result<Val, EvalError> {
    let value = eval_node(plan, e, env, tr)?;
    if T::RECORDS {
        tr.record(e, &value.shown());
    }
    Ok(value)
}

fn eval_node<T: Tracer>(plan: &Plan, e: &Expr, env: &dyn Env, tr: &mut T) -> Result<Val, EvalError> {
    let overflow = || EvalError::new(EvalKind::ResultTooLarge, e.span);
    let arith = |kind: ArithError, divisor: Span| match kind {
        ArithError::DivisionByZero => EvalError::new(EvalKind::DivisionByZero { expr: excerpt(plan, e) }, divisor),
        ArithError::TooWide => {
            EvalError::new(EvalKind::TooPrecise { expr: excerpt(plan, e), bits: crate::value::EXACT_BITS }, e.span)
        }
    };
    let sub = |x: &Expr, tr: &mut T| eval_exact_traced(plan, x, env, tr);
    Ok(match &e.node {
        Node::Const(v) => Val::from_value(v.clone()),
        Node::Column(i) => Val::from_value(env.column(*i)),
        Node::Let(i) => env.let_value(*i),
        Node::Aggregate(i) => env.aggregate(*i)?,
        Node::Lookup(i) => Val::from_value(env.lookup(*i)),
        Node::PayeeId => Val::from_value(env.payee_id()),
        Node::PayeeAttr(i) => Val::from_value(env.payee_attr(*i)),
        Node::StatementSoFar => env.statement_so_far(),
        Node::Joined(r, c) => Val::from_value(env.joined(*r, *c)),
        Node::Period => env.period().map_or(Val::MISSING, |p| Val::Other(Value::Period(p))),
        Node::Employed => env.employed()?,
        Node::ComponentAmount(c) => env.component_amount(*c),
        Node::History { of, window, current, reports } => env.history(*of, *window, *current, *reports)?,
        Node::ToDate { window, current, value } => match env.windowed(*window, *current) {
            Some(inner) => eval_exact_traced(plan, value, &*inner, tr)?,
            None => Val::MISSING,
        },
        Node::MonthsSince(d) => match (sub(d, tr)?, env.period()) {
            (Val::Other(Value::Date(d)), Some(p)) => {
                let Period::Month { year, month } = p.last_month() else { return Ok(Val::MISSING) };
                let months = i64::from(year - d.year()) * 12 + i64::from(month) - i64::from(d.month());
                Val::Num(Exact::Dec(Decimal::from(months)))
            }
            _ => Val::MISSING,
        },
        Node::DaysBetween(a, b) => match (sub(a, tr)?, sub(b, tr)?) {
            (Val::Other(Value::Date(a)), Val::Other(Value::Date(b))) => {
                Val::Num(Exact::Dec(Decimal::from((b - a).num_days())))
            }
            _ => Val::MISSING,
        },
        Node::InMonthOf(..) => env.in_month_of(e),
        Node::Between(x, lo, hi) => {
            let (v, l, h) = (sub(x, tr)?, sub(lo, tr)?, sub(hi, tr)?);
            match (compare_exact(&v, &l), compare_exact(&v, &h)) {
                (Some(a), Some(b)) => Val::Other(Value::Bool(a != Ordering::Less && b != Ordering::Greater)),
                _ => Val::MISSING,
            }
        }
        Node::Unary(op, x) => match (op, sub(x, tr)?) {
            (UnaryOp::Neg, Val::Num(n)) => Val::Num(n.negated()),
            (UnaryOp::Not, Val::Other(Value::Bool(b))) => Val::Other(Value::Bool(!b)),
            _ => Val::MISSING,
        },
        Node::Binary(op, l, r) => {
            let lv = sub(l, tr)?;
            // `and` / `or` short-circuit, and a known side decides even if the other is missing.
            match (op, &lv) {
                (BinaryOp::And, Val::Other(Value::Bool(false))) => return Ok(Val::Other(Value::Bool(false))),
                (BinaryOp::Or, Val::Other(Value::Bool(true))) => return Ok(Val::Other(Value::Bool(true))),
                _ => {}
            }
            let rv = sub(r, tr)?;
            binary(*op, lv, rv).map_err(|kind| arith(kind, r.span))?
        }
        Node::In(x, list) => {
            let v = sub(x, tr)?;
            if v.is_missing() {
                return Ok(Val::MISSING);
            }
            for item in list {
                if sub(item, tr)? == v {
                    return Ok(Val::Other(Value::Bool(true)));
                }
            }
            Val::Other(Value::Bool(false))
        }
        Node::If(c, t, o) => match sub(c, tr)? {
            Val::Other(Value::Bool(true)) => sub(t, tr)?,
            Val::Other(Value::Bool(false)) => sub(o, tr)?,
            _ => Val::MISSING,
        },
        Node::Min(xs) | Node::Max(xs) => {
            let want = if matches!(e.node, Node::Min(_)) { Ordering::Less } else { Ordering::Greater };
            let mut best: Option<Val> = None;
            for x in xs {
                let v = sub(x, tr)?;
                if v.is_missing() {
                    return Ok(Val::MISSING);
                }
                best = match best {
                    Some(b) if compare_exact(&v, &b) != Some(want) => Some(b),
                    _ => Some(v),
                };
            }
            best.unwrap_or(Val::MISSING)
        }
        Node::Abs(x) => match sub(x, tr)? {
            Val::Num(n) => Val::Num(n.abs()),
            other => other,
        },
        Node::Round(x, rounding) => match sub(x, tr)? {
            Val::Num(n) => Val::Num(Exact::Dec(rounding.apply_exact(&n).ok_or_else(overflow)?)),
            other => other,
        },
        Node::Table(t, args) => {
            let mut keys = Vec::with_capacity(args.len());
            for a in args {
                keys.push(sub(a, tr)?);
            }
            let lookup = |keys: &[Val]| {
                // A fraction equals no key written in a row (keys are decimals): it matches
                // only `_` and `else`, as a value equal to no key does.
                let exact: Vec<Value> = keys.iter().map(|k| k.exact_value().unwrap_or(Value::Missing)).collect();
                table_lookup(plan, *t, &exact)
            };
            Val::from_value(lookup(&keys).ok_or_else(|| {
                let table = plan.tables.get(*t);
                let shown: Vec<String> = keys.iter().map(|k| k.shown().to_string()).collect();
                EvalError::new(
                    EvalKind::NoTableRow {
                        table: table.map_or(String::new(), |t| t.name.clone()),
                        keys: shown.join(", "),
                    },
                    e.span,
                )
            })?)
        }
        Node::Default(x, fallback) => match sub(x, tr)? {
            Val::Other(Value::Missing) => sub(fallback, tr)?,
            v => v,
        },
        Node::Tiers(t) => {
            let scale = match &t.scale {
                Some(s) => match sub(s, tr)? {
                    Val::Num(n) => Some(n),
                    _ => return Ok(Val::MISSING),
                },
                None => None,
            };
            match sub(&t.base, tr)? {
                Val::Num(base) => {
                    if T::RECORDS {
                        tr.tier_base(t, &base, scale.as_ref());
                    }
                    let paid = tiers::apply_exact(t.mode, &t.brackets, &base, scale.as_ref());
                    Val::Num(paid.map_err(|k| arith(k, e.span))?)
                }
                _ => Val::MISSING,
            }
        }
    })
}

/// One operator over exact values; a missing side gives a missing result.
pub fn binary(op: BinaryOp, l: Val, r: Val) -> Result<Val, ArithError> {
    if l.is_missing() || r.is_missing() {
        return Ok(Val::MISSING);
    }
    let num = |f: fn(&Exact, &Exact) -> Result<Exact, ArithError>| match (&l, &r) {
        (Val::Num(a), Val::Num(b)) => f(a, b).map(Val::Num),
        _ => Ok(Val::MISSING),
    };
    let cmp = || compare_exact(&l, &r);
    let truth = |b: bool| Val::Other(Value::Bool(b));
    Ok(match op {
        BinaryOp::Add => num(Exact::checked_add)?,
        BinaryOp::Sub => num(Exact::checked_sub)?,
        BinaryOp::Mul => num(Exact::checked_mul)?,
        BinaryOp::Div => num(Exact::checked_div)?,
        BinaryOp::Eq => truth(l == r),
        BinaryOp::Ne => truth(l != r),
        BinaryOp::Lt => truth(cmp() == Some(Ordering::Less)),
        BinaryOp::Le => truth(matches!(cmp(), Some(Ordering::Less | Ordering::Equal))),
        BinaryOp::Gt => truth(cmp() == Some(Ordering::Greater)),
        BinaryOp::Ge => truth(matches!(cmp(), Some(Ordering::Greater | Ordering::Equal))),
        BinaryOp::And => match (l, r) {
            (Val::Other(Value::Bool(a)), Val::Other(Value::Bool(b))) => truth(a && b),
            _ => Val::MISSING,
        },
        BinaryOp::Or => match (l, r) {
            (Val::Other(Value::Bool(a)), Val::Other(Value::Bool(b))) => truth(a || b),
            _ => Val::MISSING,
        },
    })
}

/// Orders exact values: numbers by value (`1/3 * 3 = 1`), the rest as [`compare`] does.
pub fn compare_exact(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => Some(x.cmp(y)),
        (Val::Other(x), Val::Other(y)) => compare(x, y),
        _ => None,
    }
}

/// Orders values of the same kind; decimals compare by value (`1.0 = 1`).
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        // Periods compare by their first month: 2027-Q3 >= 2027-07.
        (Value::Period(x), Value::Period(y)) => Some(x.first_month().cmp(&y.first_month())),
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
