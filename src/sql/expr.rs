//! Plan expressions as SQL, with the exactness `run` has: every number is a
//! `DECIMAL(38, s)` whose scale `s` is worked out here (a sum keeps the larger scale, a
//! product the sum of both), and every operation is cast back to exactly that scale, so no
//! engine rounds, truncates or widens behind our back. Missing values are SQL's NULL; where
//! SQL's three-valued logic differs from `run` (`and`, `or`, `in`, `min`), it is spelt out.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::dialect::Dialect;
use super::inputs::column_ty;
use crate::diagnostics::tools::SqlKind;
use crate::diagnostics::Problem;
use crate::lang::{BinaryOp, Cadence, UnaryOp};
use crate::period::Granularity;
use crate::plan::{AggFunc, Expr, Node, PayeeSource, Plan, Ty};
use crate::source::Span;
use crate::value::{Exact, Value};

/// The most decimal places a figure may need: 38 digits leave 14 for the whole part.
pub const MAX_SCALE: u32 = 24;

/// The SQL type of a compiled expression. Periods are text (`2026-03`, `2026-Q1`), of a
/// granularity when it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlTy {
    Num(u32),
    Bool,
    Text,
    Date,
    Period(Option<Granularity>),
}

#[derive(Debug, Clone)]
pub struct Sql {
    pub text: String,
    pub ty: SqlTy,
}

impl Sql {
    pub fn scale(&self) -> u32 {
        match self.ty {
            SqlTy::Num(s) => s,
            _ => 0,
        }
    }
}

/// Where an expression is evaluated: on a ledger row (inside an aggregate), or on a
/// statement (payee × the component's period), with the component's `let`s so far.
pub enum At<'a> {
    Row { input: usize },
    Statement { cadence: Cadence, lets: &'a [Sql] },
}

/// An aggregate's per-row parts, compiled once.
#[derive(Debug, Clone)]
pub struct AggSql {
    pub func: AggFunc,
    pub arg: Option<Sql>,
    pub filter: Option<Sql>,
}

pub struct Compiler<'p> {
    pub plan: &'p Plan,
    pub dialect: Dialect,
    pub problems: Vec<Problem>,
    /// (aggregate, the cadence of the statement reading it).
    pub aggregates_used: BTreeSet<(usize, Cadence)>,
    /// Inputs whose rows statements look up.
    pub lookups_used: BTreeSet<usize>,
    agg_sql: Vec<Option<AggSql>>,
}

/// The sum of a statement's lines other than its cap or floor, once rounded: the columns of
/// the layer that computes the limit line (`mod.rs`).
fn so_far(plan: &Plan) -> String {
    let others: Vec<String> = plan
        .components
        .iter()
        .enumerate()
        .filter(|(_, k)| !k.limits_statement)
        .map(|(j, _)| format!("__c{j}"))
        .collect();
    if others.is_empty() {
        "0".to_string()
    } else {
        format!("({})", others.join(" + "))
    }
}

/// `x` as `DECIMAL(38, scale)`.
pub fn num(text: impl AsRef<str>, scale: u32) -> Sql {
    Sql { text: format!("CAST({} AS DECIMAL(38,{scale}))", text.as_ref()), ty: SqlTy::Num(scale) }
}

/// A decimal constant, exactly (through text, which both engines cast without loss).
pub fn decimal(d: Decimal) -> Sql {
    num(format!("'{d}'"), d.scale())
}

/// `x` with at least `scale` places (the same value).
pub fn widen(x: &Sql, scale: u32) -> Sql {
    match x.ty {
        SqlTy::Num(s) if s < scale => num(&x.text, scale),
        _ => x.clone(),
    }
}

/// Two numbers at the same scale (other values as they are). DuckDB gives a `CASE` over
/// `DECIMAL(38,0)` and `DECIMAL(38,2)` the type `DECIMAL(38,0)` and truncates the other
/// branch, so every branch, side and argument is brought to one scale before they meet.
pub fn same_scale(a: &Sql, b: &Sql) -> (Sql, Sql) {
    let s = a.scale().max(b.scale());
    (widen(a, s), widen(b, s))
}

/// The finest scale of several numbers.
pub fn max_scale<'a>(xs: impl IntoIterator<Item = &'a Sql>) -> u32 {
    xs.into_iter().map(Sql::scale).max().unwrap_or(0)
}

/// The granularity of the bucket rows of an input fall in (month or quarter), if it has a
/// payee and a period: otherwise no row is ever folded (an aggregate over it is empty).
pub fn bucket_of(plan: &Plan, input: usize) -> Option<Granularity> {
    let schema = plan.inputs.get(input)?;
    schema.payee?;
    schema.bucket()
}

impl<'p> Compiler<'p> {
    pub fn new(plan: &'p Plan, dialect: Dialect) -> Self {
        Compiler {
            plan,
            dialect,
            problems: Vec::new(),
            aggregates_used: BTreeSet::new(),
            lookups_used: BTreeSet::new(),
            agg_sql: vec![None; plan.aggregates.len()],
        }
    }

    pub fn refuse(&mut self, kind: SqlKind, span: Span) {
        self.problems.push(Problem::new(kind, [span]));
    }

    /// A typed NULL.
    pub fn null(&self, ty: SqlTy) -> Sql {
        let t = match ty {
            SqlTy::Num(s) => format!("DECIMAL(38,{s})"),
            SqlTy::Bool => "BOOLEAN".into(),
            SqlTy::Text | SqlTy::Period(_) => self.dialect.text_type().into(),
            SqlTy::Date => "DATE".into(),
        };
        Sql { text: format!("CAST(NULL AS {t})"), ty }
    }

    fn ty_of(ty: Ty) -> SqlTy {
        match ty {
            Ty::Money | Ty::Percent | Ty::Number => SqlTy::Num(0),
            Ty::Bool => SqlTy::Bool,
            Ty::Text => SqlTy::Text,
            Ty::Date => SqlTy::Date,
            Ty::Period => SqlTy::Period(None),
        }
    }

    /// A number needing more places than SQL leaves is refused (the text is kept, so the
    /// compiler goes on and reports every problem at once).
    fn scaled(&mut self, text: String, scale: u32, span: Span) -> Sql {
        if scale > MAX_SCALE {
            self.refuse(SqlKind::TooManyDecimals { places: scale, max: MAX_SCALE }, span);
        }
        num(text, scale)
    }

    pub fn constant(&mut self, v: &Value, ty: Ty, span: Span) -> Sql {
        match v {
            Value::Number(d) => {
                if d.scale() > MAX_SCALE {
                    self.refuse(SqlKind::TooManyDecimals { places: d.scale(), max: MAX_SCALE }, span);
                }
                decimal(*d)
            }
            Value::Text(t) => Sql { text: self.dialect.string(t), ty: SqlTy::Text },
            Value::Bool(b) => Sql { text: if *b { "TRUE".into() } else { "FALSE".into() }, ty: SqlTy::Bool },
            Value::Date(d) => Sql { text: format!("DATE '{}'", d.format("%Y-%m-%d")), ty: SqlTy::Date },
            Value::Period(p) => {
                Sql { text: self.dialect.string(&p.to_string()), ty: SqlTy::Period(Some(p.granularity())) }
            }
            Value::Missing => self.null(Self::ty_of(ty)),
        }
    }

    /// The compiled parts of aggregate `index`, over its input's rows.
    pub fn aggregate_sql(&mut self, index: usize) -> Option<AggSql> {
        if let Some(Some(done)) = self.agg_sql.get(index) {
            return Some(done.clone());
        }
        let agg = self.plan.aggregates.get(index)?;
        let at = At::Row { input: agg.input };
        let arg = agg.arg.as_ref().map(|a| self.expr(a, &at));
        let filter = agg.filter.as_ref().map(|f| self.expr(f, &at));
        let out = AggSql { func: agg.func, arg, filter };
        if let Some(slot) = self.agg_sql.get_mut(index) {
            *slot = Some(out.clone());
        }
        Some(out)
    }

    pub fn expr(&mut self, e: &Expr, at: &At<'_>) -> Sql {
        let d = self.dialect;
        match &e.node {
            Node::Joined(..)
            | Node::Period
            | Node::Employed
            | Node::MonthsSince(_)
            | Node::DaysBetween(..)
            | Node::InMonthOf(..)
            | Node::Between(..)
            | Node::ComponentAmount(_)
            | Node::History { .. }
            | Node::ToDate { .. } => {
                let construct = format!(
                    "`{}`",
                    self.plan
                        .source
                        .text
                        .get(e.span.start..e.span.end)
                        .unwrap_or("")
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                );
                self.refuse(SqlKind::OverTime { construct }, e.span);
                self.null(Self::ty_of(e.ty))
            }
            Node::Tiers(t) if t.scale.is_some() => {
                self.refuse(SqlKind::OverTime { construct: "a tier bound relative to a figure".into() }, e.span);
                self.null(Self::ty_of(e.ty))
            }
            Node::Const(v) => self.constant(v, e.ty, e.span),
            // The sum of the statement's other (rounded) lines, at their largest scale.
            Node::StatementSoFar => {
                let scale = self.plan.components.iter().map(|k| k.rounding.scale()).max().unwrap_or(0);
                num(so_far(self.plan), scale)
            }
            Node::Column(i) => match at {
                At::Row { input } => {
                    let column = self.plan.inputs.get(*input).and_then(|s| s.columns.get(*i));
                    match column {
                        Some(c) => {
                            let ty = column_ty(self.plan, c.ty);
                            let text = format!("r.{}", d.ident(&c.name));
                            match ty {
                                SqlTy::Num(s) => num(text, s),
                                _ => Sql { text, ty },
                            }
                        }
                        None => self.null(Self::ty_of(e.ty)),
                    }
                }
                At::Statement { .. } => self.null(Self::ty_of(e.ty)),
            },
            Node::Let(i) => match at {
                At::Statement { lets, .. } => lets.get(*i).cloned().unwrap_or_else(|| self.null(Self::ty_of(e.ty))),
                At::Row { .. } => self.null(Self::ty_of(e.ty)),
            },
            Node::Aggregate(i) => match at {
                At::Statement { cadence, .. } => self.aggregate_value(*i, *cadence, e),
                At::Row { .. } => self.null(Self::ty_of(e.ty)),
            },
            Node::Lookup(i) => match at {
                At::Statement { cadence, .. } => self.lookup_value(*i, *cadence, e),
                At::Row { .. } => self.null(Self::ty_of(e.ty)),
            },
            Node::PayeeId => Sql {
                text: match at {
                    At::Row { .. } => "r.__payee".into(),
                    At::Statement { .. } => "g.payee".into(),
                },
                ty: SqlTy::Text,
            },
            Node::PayeeAttr(i) => {
                let column = match self.plan.payee {
                    PayeeSource::Roster { input, .. } => {
                        self.plan.inputs.get(input).and_then(|s| s.columns.get(*i)).map(|c| c.ty)
                    }
                    PayeeSource::Ledger { .. } => None,
                };
                match column {
                    Some(ct) => {
                        let text = match at {
                            At::Row { .. } => format!("r.__p{i}"),
                            At::Statement { .. } => format!("g.__p{i}"),
                        };
                        match column_ty(self.plan, ct) {
                            SqlTy::Num(s) => num(text, s),
                            ty => Sql { text, ty },
                        }
                    }
                    None => self.null(Self::ty_of(e.ty)),
                }
            }
            Node::Unary(op, x) => {
                let x = self.expr(x, at);
                match op {
                    UnaryOp::Neg => num(format!("-({})", x.text), x.scale()),
                    UnaryOp::Not => Sql { text: format!("(NOT {})", x.text), ty: SqlTy::Bool },
                }
            }
            Node::Binary(op, l, r) => self.binary(*op, l, r, e, at),
            Node::In(x, list) => {
                let x = self.expr(x, at);
                let mut text = format!("(CASE WHEN {} IS NULL THEN CAST(NULL AS BOOLEAN)", x.text);
                for item in list {
                    let item = self.expr(item, at);
                    let (x, item) = same_scale(&x, &item);
                    text.push_str(&format!(" WHEN {} = {} THEN TRUE", x.text, item.text));
                }
                text.push_str(" ELSE FALSE END)");
                Sql { text, ty: SqlTy::Bool }
            }
            Node::If(c, t, o) => {
                let c = self.expr(c, at);
                let (t, o) = (self.expr(t, at), self.expr(o, at));
                let s = max_scale([&t, &o]);
                let (t, o) = (widen(&t, s), widen(&o, s));
                Sql {
                    text: format!(
                        "(CASE WHEN {c} THEN {t} WHEN NOT {c} THEN {o} END)",
                        c = c.text,
                        t = t.text,
                        o = o.text
                    ),
                    ty: t.ty,
                }
            }
            Node::Min(xs) | Node::Max(xs) => {
                let xs: Vec<Sql> = xs.iter().map(|x| self.expr(x, at)).collect();
                let s = max_scale(&xs);
                let xs: Vec<Sql> = xs.iter().map(|x| widen(x, s)).collect();
                let any_null = xs.iter().map(|x| format!("{} IS NULL", x.text)).collect::<Vec<_>>().join(" OR ");
                let f = if matches!(e.node, Node::Min(_)) { "LEAST" } else { "GREATEST" };
                let all = xs.iter().map(|x| x.text.as_str()).collect::<Vec<_>>().join(", ");
                let ty = xs.first().map_or(SqlTy::Num(0), |x| x.ty);
                let null = self.null(ty);
                let text = format!("(CASE WHEN {any_null} THEN {} ELSE {f}({all}) END)", null.text);
                match ty {
                    SqlTy::Num(s) => num(text, s),
                    _ => Sql { text, ty },
                }
            }
            Node::Abs(x) => {
                let x = self.expr(x, at);
                num(format!("ABS({})", x.text), x.scale())
            }
            Node::Round(x, rounding) => {
                let x = self.expr(x, at);
                super::statements::round(self, &x, *rounding, e.span)
            }
            Node::Table(t, args) => {
                let args: Vec<Sql> = args.iter().map(|a| self.expr(a, at)).collect();
                self.table(*t, &args, e)
            }
            Node::Default(x, fallback) => {
                let (x, f) = (self.expr(x, at), self.expr(fallback, at));
                let s = max_scale([&x, &f]);
                let (x, f) = (widen(&x, s), widen(&f, s));
                Sql { text: format!("COALESCE({}, {})", x.text, f.text), ty: x.ty }
            }
            Node::Tiers(t) => {
                let base = self.expr(&t.base, at);
                super::tiers::tiers(self, t, &base, e.span)
            }
        }
    }

    fn binary(&mut self, op: BinaryOp, l: &Expr, r: &Expr, e: &Expr, at: &At<'_>) -> Sql {
        let a = self.expr(l, at);
        match op {
            BinaryOp::Div => {
                // Only a constant whose inverse is a decimal: `x / 4` is `x * 0.25`, exactly.
                let inverse = match &r.node {
                    Node::Const(Value::Number(d)) if !d.is_zero() => {
                        match Exact::Dec(Decimal::ONE).checked_div(&Exact::Dec(*d)) {
                            Ok(Exact::Dec(inv)) => Some(inv.normalize()),
                            _ => None,
                        }
                    }
                    _ => None,
                };
                match inverse {
                    Some(inv) => {
                        let s = a.scale() + inv.scale();
                        let text = format!("{} * {}", a.text, decimal(inv).text);
                        self.scaled(text, s, e.span)
                    }
                    None => {
                        let divisor = excerpt(self.plan, r);
                        self.refuse(SqlKind::Division { divisor }, e.span);
                        self.null(SqlTy::Num(0))
                    }
                }
            }
            _ => {
                let b = self.expr(r, at);
                self.binary_sql(op, &a, &b, e)
            }
        }
    }

    fn binary_sql(&mut self, op: BinaryOp, a: &Sql, b: &Sql, e: &Expr) -> Sql {
        let bool = |text: String| Sql { text, ty: SqlTy::Bool };
        let (a, b) = same_scale(a, b);
        let (x, y) = (&a.text, &b.text);
        match op {
            BinaryOp::Add | BinaryOp::Sub => {
                let s = a.scale().max(b.scale());
                num(format!("{x} {} {y}", op.symbol()), s)
            }
            BinaryOp::Mul => {
                let s = a.scale() + b.scale();
                self.scaled(format!("{x} * {y}"), s, e.span)
            }
            BinaryOp::Div => self.null(SqlTy::Num(0)),
            BinaryOp::Eq => bool(format!("({x} = {y})")),
            BinaryOp::Ne => bool(format!("({x} <> {y})")),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                // As text, months order as months and quarters as quarters; a month against a
                // quarter (or a period of unknown kind) orders otherwise than in `run`.
                let period = |t: SqlTy| matches!(t, SqlTy::Period(_));
                if (period(a.ty) || period(b.ty)) && (a.ty != b.ty || a.ty == SqlTy::Period(None)) {
                    self.refuse(SqlKind::PeriodOrder, e.span);
                }
                bool(format!("({x} {} {y})", op.symbol()))
            }
            // `run`: a missing left side gives missing whatever the right; false (true) on the
            // left decides `and` (`or`). SQL's `NULL AND FALSE` is FALSE, so spell it out.
            BinaryOp::And => {
                bool(format!("(CASE WHEN {x} IS NULL THEN CAST(NULL AS BOOLEAN) WHEN NOT {x} THEN FALSE ELSE {y} END)"))
            }
            BinaryOp::Or => {
                bool(format!("(CASE WHEN {x} IS NULL THEN CAST(NULL AS BOOLEAN) WHEN {x} THEN TRUE ELSE {y} END)"))
            }
        }
    }

    /// An aggregate read by a statement of `cadence`: its value over the period's rows. With
    /// no rows a sum or count is 0 and a min or max is missing, as in `run`.
    fn aggregate_value(&mut self, index: usize, cadence: Cadence, e: &Expr) -> Sql {
        let Some(agg) = self.plan.aggregates.get(index) else { return self.null(Self::ty_of(e.ty)) };
        let (input, func) = (agg.input, agg.func);
        if func == AggFunc::Avg {
            self.refuse(SqlKind::Average, agg.span);
            return self.null(SqlTy::Num(0));
        }
        let Some(parts) = self.aggregate_sql(index) else { return self.null(Self::ty_of(e.ty)) };
        let arg_ty = parts.arg.as_ref().map_or(SqlTy::Num(0), |a| a.ty);
        let ty = match func {
            AggFunc::Count | AggFunc::CountDistinct => SqlTy::Num(0),
            _ => arg_ty,
        };
        // A period finer than the input's buckets (a monthly statement over a quarterly
        // input) holds none of its buckets: the aggregate is over no rows.
        let readable = bucket_of(self.plan, input).is_some_and(|g| g <= Granularity::from(cadence));
        let column = if readable {
            self.aggregates_used.insert((index, cadence));
            format!("{}.a{index}", agg_alias(input, cadence))
        } else {
            self.null(ty).text
        };
        match (func, ty) {
            (AggFunc::Sum | AggFunc::Count | AggFunc::CountDistinct, SqlTy::Num(s)) => {
                num(format!("COALESCE({column}, {})", num("0", s).text), s)
            }
            (_, SqlTy::Num(s)) => num(column, s),
            (_, ty) => Sql { text: column, ty },
        }
    }

    /// A column of the one row of an input for the payee and the bucket holding the period.
    fn lookup_value(&mut self, index: usize, cadence: Cadence, e: &Expr) -> Sql {
        let Some(lookup) = self.plan.lookups.get(index).copied() else { return self.null(Self::ty_of(e.ty)) };
        let Some(column) = self.plan.inputs.get(lookup.input).and_then(|s| s.columns.get(lookup.column)) else {
            return self.null(Self::ty_of(e.ty));
        };
        let ty = column_ty(self.plan, column.ty);
        // `run` coarsens the period to the input's buckets; a quarter has no month to read.
        let readable = bucket_of(self.plan, lookup.input).is_some_and(|g| g >= Granularity::from(cadence));
        if !readable {
            return self.null(ty);
        }
        self.lookups_used.insert(lookup.input);
        let text = format!("{}.{}", look_alias(lookup.input), self.dialect.ident(&column.name));
        match ty {
            SqlTy::Num(s) => num(text, s),
            _ => Sql { text, ty },
        }
    }

    /// A rate table: rows tried top to bottom (`_` matches anything), then `else`; with
    /// neither, the query stops, as `run` does.
    fn table(&mut self, index: usize, args: &[Sql], e: &Expr) -> Sql {
        let Some(table) = self.plan.tables.get(index) else { return self.null(Self::ty_of(e.ty)) };
        let mut values: Vec<Sql> = table.rows.iter().map(|r| self.constant(&r.value, table.ty, r.span)).collect();
        let otherwise = table.otherwise.as_ref().map(|(v, span)| self.constant(v, table.ty, *span));
        let s = max_scale(values.iter().chain(otherwise.iter()));
        values = values.iter().map(|v| widen(v, s)).collect();
        let mut text = String::from("(CASE");
        for (row, value) in table.rows.iter().zip(&values) {
            let mut conditions = Vec::new();
            for (key, arg) in row.keys.iter().zip(args) {
                if let Some(key) = key {
                    let key = self.constant(key, table.ty, row.span);
                    let (arg, key) = same_scale(arg, &key);
                    conditions.push(format!("{} = {}", arg.text, key.text));
                }
            }
            let condition = if conditions.is_empty() { "TRUE".to_string() } else { conditions.join(" AND ") };
            text.push_str(&format!(" WHEN {condition} THEN {}", value.text));
        }
        let fallback = match &otherwise {
            Some(v) => widen(v, s).text,
            None => self.dialect.raise(&format!("no row of table {} matches", table.name)),
        };
        text.push_str(&format!(" ELSE {fallback} END)"));
        let ty = values.first().or(otherwise.as_ref()).map_or(SqlTy::Num(s), |v| v.ty);
        match ty {
            SqlTy::Num(s) => num(text, s),
            _ => Sql { text, ty },
        }
    }
}

pub fn cadence_key(cadence: Cadence) -> &'static str {
    match cadence {
        Cadence::Monthly => "m",
        Cadence::Quarterly => "q",
        Cadence::Yearly => "y",
    }
}

/// The name of the per-(payee, period) aggregates of an input at a cadence.
pub fn agg_alias(input: usize, cadence: Cadence) -> String {
    format!("agg_{input}_{}", cadence_key(cadence))
}

/// The name of an input's rows as statements look them up.
pub fn look_alias(input: usize) -> String {
    format!("look_{input}")
}

/// The policy text of an expression, for messages.
fn excerpt(plan: &Plan, e: &Expr) -> String {
    plan.source.text.get(e.span.start..e.span.end).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}
