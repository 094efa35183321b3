//! Expressions: name resolution, aggregates, lookups and the unit rules.
//!
//! The scopes an expression is read in (a statement, or a row inside an aggregate) are
//! described at `Scope`, in `checker`.

use rust_decimal::Decimal;

use super::checker::{literal_value, Checker, Scope};
use super::suggest;
use super::tiers;
use crate::diagnostics::Problem;
use crate::lang::{BinaryOp, Cadence, UnaryOp};
use crate::money::Rounding;
use crate::period::Granularity;
use crate::plan::*;
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind};
use crate::value::Value;

const AGGREGATES: [(&str, AggFunc); 6] = [
    ("sum", AggFunc::Sum),
    ("count", AggFunc::Count),
    ("count_distinct", AggFunc::CountDistinct),
    ("avg", AggFunc::Avg),
    ("min", AggFunc::Min),
    ("max", AggFunc::Max),
];
const SCALAR_FUNCTIONS: [&str; 4] = ["min", "max", "abs", "round"];

/// A numeric literal takes the unit its neighbour needs: in `monthly_sales >= 100_000` the
/// literal is money. Only literals are coerced; a computed number never silently becomes money.
pub fn coerce_literal(e: &mut Expr, to: Ty) {
    if e.ty == Ty::Number && to == Ty::Money && matches!(e.node, Node::Const(Value::Number(_))) {
        e.ty = Ty::Money;
    }
}

fn unify(a: &mut Expr, b: &mut Expr) {
    coerce_literal(a, b.ty);
    coerce_literal(b, a.ty);
}

impl Checker {
    pub fn expr(&mut self, e: &ast::Expr, scope: &Scope) -> Option<Expr> {
        let span = e.span;
        let typed = |node: Node, ty: Ty| Some(Expr { node, ty, span });
        match &e.kind {
            ExprKind::Literal(lit) => {
                self.check_currency(lit, span);
                let (v, ty) = literal_value(lit);
                typed(Node::Const(v), ty)
            }
            ExprKind::Name(ident) => self.name(ident, scope),
            ExprKind::Field { input, column } => self.field(input, column, scope, span),
            ExprKind::Unary { op, operand } => {
                let inner = self.expr(operand, scope)?;
                match op {
                    UnaryOp::Neg if inner.ty.is_numeric() => {
                        if let Node::Const(Value::Number(n)) = inner.node {
                            return typed(Node::Const(Value::Number(-n)), inner.ty);
                        }
                        let ty = inner.ty;
                        typed(Node::Unary(UnaryOp::Neg, Box::new(inner)), ty)
                    }
                    UnaryOp::Not if inner.ty == Ty::Bool => typed(Node::Unary(UnaryOp::Not, Box::new(inner)), Ty::Bool),
                    _ => {
                        let want = if *op == UnaryOp::Neg { "a number" } else { "true/false" };
                        self.error(Problem::error(
                            format!("expected {want}, found {}", inner.ty.name()),
                            inner.span,
                            format!("this is {}", inner.ty.name()),
                        ));
                        None
                    }
                }
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.expr(lhs, scope);
                let r = self.expr(rhs, scope);
                let (mut l, mut r) = (l?, r?);
                // A literal takes its neighbour's unit only where units must match: `sales >=
                // 100_000` compares money; in `500 * count(...)` the 500 stays a number.
                if !matches!(op, BinaryOp::Mul | BinaryOp::Div | BinaryOp::And | BinaryOp::Or) {
                    unify(&mut l, &mut r);
                }
                let ty = self.binary_type(*op, &l, &r, span)?;
                self.check_enum_comparison(&l, &r, scope);
                self.check_enum_comparison(&r, &l, scope);
                typed(Node::Binary(*op, Box::new(l), Box::new(r)), ty)
            }
            ExprKind::In { value, list } => {
                let v = self.expr(value, scope)?;
                let mut items = Vec::new();
                for item in list {
                    let mut it = self.expr(item, scope)?;
                    coerce_literal(&mut it, v.ty);
                    if it.ty != v.ty {
                        self.error(
                            Problem::error(
                                format!("`in` list mixes {} with {}", v.ty.name(), it.ty.name()),
                                it.span,
                                format!("this is {}", it.ty.name()),
                            )
                            .with_label(v.span, format!("this is {}", v.ty.name())),
                        );
                        return None;
                    }
                    self.check_enum_comparison(&v, &it, scope);
                    items.push(it);
                }
                typed(Node::In(Box::new(v), items), Ty::Bool)
            }
            ExprKind::If { condition, then, otherwise } => {
                let c = self.expr(condition, scope);
                let t = self.expr(then, scope);
                let o = self.expr(otherwise, scope);
                let (c, mut t, mut o) = (c?, t?, o?);
                if c.ty != Ty::Bool {
                    self.error(Problem::error(
                        "an `if` condition must be true or false",
                        c.span,
                        format!("this is {}", c.ty.name()),
                    ));
                    return None;
                }
                unify(&mut t, &mut o);
                if t.ty != o.ty {
                    self.error(
                        Problem::error(
                            "the two branches of `if` give different kinds of value",
                            o.span,
                            format!("this is {}", o.ty.name()),
                        )
                        .with_label(t.span, format!("this is {}", t.ty.name()))
                        .with_help("both branches must be money, or both percentages, and so on"),
                    );
                    return None;
                }
                let ty = t.ty;
                typed(Node::If(Box::new(c), Box::new(t), Box::new(o)), ty)
            }
            ExprKind::Default { value, fallback } => {
                let v = self.expr(value, scope);
                let f = self.expr(fallback, scope);
                let (mut v, mut f) = (v?, f?);
                unify(&mut v, &mut f);
                if v.ty != f.ty {
                    self.error(
                        Problem::error(
                            "a `default` must be the same kind of value",
                            f.span,
                            format!("this is {}", f.ty.name()),
                        )
                        .with_label(v.span, format!("this is {}", v.ty.name())),
                    );
                    return None;
                }
                let ty = v.ty;
                typed(Node::Default(Box::new(v), Box::new(f)), ty)
            }
            ExprKind::Call { function, args, filter } => self.call(function, args, filter.as_deref(), scope, span),
            ExprKind::Tiers(t) => {
                let base = self.expr(&t.base, scope);
                tiers::check(self, t, base, span)
            }
        }
    }

    fn name(&mut self, ident: &ast::Ident, scope: &Scope) -> Option<Expr> {
        let span = ident.span;
        match scope {
            Scope::Statement { lets, broken, .. } => {
                if broken.contains(&ident.name) {
                    return None;
                }
                if let Some(i) = lets.iter().position(|l| l.name == ident.name) {
                    let ty = lets.get(i).map_or(Ty::Number, |l| l.value.ty);
                    return Some(Expr { node: Node::Let(i), ty, span });
                }
                if let Some(input) = self.inputs.iter().find(|i| i.name == ident.name) {
                    let example = input
                        .columns
                        .iter()
                        .find(|c| c.ty.ty().is_numeric())
                        .map_or("amount".to_string(), |c| c.name.clone());
                    let help = format!(
                        "an input is many rows; aggregate it, e.g. `sum({}.{example})` or `count({})`",
                        input.name, input.name
                    );
                    self.error(
                        Problem::error(format!("`{}` is an input, not a value", ident.name), span, "an input")
                            .with_help(help),
                    );
                    return None;
                }
                let names: Vec<&str> = lets.iter().map(|l| l.name.as_str()).collect();
                let help = if names.is_empty() {
                    "no `let` is defined before this line in this component; columns are written `input.column`"
                        .to_string()
                } else {
                    suggest::help(&ident.name, "name", names.iter().copied())
                };
                self.error(
                    Problem::error(format!("unknown name `{}`", ident.name), span, "not defined").with_help(help),
                );
                None
            }
            Scope::Row { input } => {
                if self.broken_columns.iter().any(|(i, c)| i == input && *c == ident.name) {
                    return None;
                }
                let schema = self.inputs.get(*input)?;
                if let Some(c) = schema.column_index(&ident.name) {
                    let ty = schema.columns.get(c).map_or(Ty::Text, |col| col.ty.ty());
                    return Some(Expr { node: Node::Column(c), ty, span });
                }
                let names: Vec<String> = schema.columns.iter().map(|c| c.name.clone()).collect();
                let input_name = schema.name.clone();
                let help = suggest::help(&ident.name, "column", names.iter().map(String::as_str));
                self.error(
                    Problem::error(format!("input `{input_name}` has no column `{}`", ident.name), span, "not a column")
                        .with_help(format!("{help} (inside an aggregate, names are columns of `{input_name}`; a `let` cannot be used per row)")),
                );
                None
            }
        }
    }

    fn field(&mut self, input: &ast::Ident, column: &ast::Ident, scope: &Scope, span: Span) -> Option<Expr> {
        if input.name == "payee" {
            return self.payee_field(column, span);
        }
        let Some(index) = self.inputs.iter().position(|i| i.name == input.name) else {
            let names: Vec<String> = self.inputs.iter().map(|i| i.name.clone()).chain(["payee".to_string()]).collect();
            self.error(
                Problem::error(format!("unknown input `{}`", input.name), input.span, "not declared")
                    .with_help(suggest::help(&input.name, "input", names.iter().map(String::as_str))),
            );
            return None;
        };
        let schema = self.inputs.get(index)?;
        if self.broken_columns.iter().any(|(i, c)| *i == index && *c == column.name) {
            return None;
        }
        let Some(col) = schema.column_index(&column.name) else {
            let names: Vec<String> = schema.columns.iter().map(|c| c.name.clone()).collect();
            self.error(
                Problem::error(
                    format!("input `{}` has no column `{}`", input.name, column.name),
                    column.span,
                    "no such column",
                )
                .with_help(suggest::help(&column.name, "column", names.iter().map(String::as_str))),
            );
            return None;
        };
        let ty = schema.columns.get(col).map_or(Ty::Text, |c| c.ty.ty());
        match scope {
            Scope::Row { input: agg_input } if *agg_input == index => Some(Expr { node: Node::Column(col), ty, span }),
            Scope::Row { input: agg_input } => {
                let agg_name = self.inputs.get(*agg_input).map_or(String::new(), |i| i.name.clone());
                self.error(
                    Problem::error(
                        format!("an aggregate over `{agg_name}` cannot read `{}`", input.name),
                        span,
                        format!("a column of `{}`", input.name),
                    )
                    .with_help(
                        "each aggregate ranges over the rows of one input; aggregate the other input separately",
                    ),
                );
                None
            }
            Scope::Statement { cadence, .. } => self.lookup(index, col, *cadence, span, ty),
        }
    }

    /// `surveys.satisfaction` outside an aggregate: the value of the payee's one row for the
    /// component's period.
    fn lookup(&mut self, input: usize, column: usize, cadence: Cadence, span: Span, ty: Ty) -> Option<Expr> {
        let schema = self.inputs.get(input)?;
        let name = schema.name.clone();
        let col_name = schema.columns.get(column).map_or(String::new(), |c| c.name.clone());
        if schema.payee.is_none() {
            self.error(Problem::error(format!("input `{name}` has no payee column"), span, "read here").with_help(
                format!("mark the column that names the payee, e.g. `payee manager: text` in `input {name}`"),
            ));
            return None;
        }
        let Some(bucket) = schema.bucket() else {
            self.error(
                Problem::error(format!("input `{name}` has no period column"), span, "read here")
                    .with_help(format!("mark the column that says which period a row is for, e.g. `period quarter: quarter` in `input {name}`")),
            );
            return None;
        };
        let date_based = schema.period.and_then(|p| schema.columns.get(p)).is_some_and(|c| c.ty == ColumnType::Date);
        if date_based || bucket < Granularity::from(cadence) {
            let help = format!(
                "`{name}` can have several rows per payee in a {} period; aggregate them, e.g. `sum({name}.{col_name})` or `max({name}.{col_name})`",
                cadence_word(cadence)
            );
            self.error(
                Problem::error(
                    format!("`{name}.{col_name}` is not one value per payee and period"),
                    span,
                    "several rows may match",
                )
                .with_help(help),
            );
            return None;
        }
        let lookup = Lookup { input, column };
        let index = match self.lookups.iter().position(|l| *l == lookup) {
            Some(i) => i,
            None => {
                self.lookups.push(lookup);
                self.lookups.len() - 1
            }
        };
        Some(Expr { node: Node::Lookup(index), ty, span })
    }

    fn payee_field(&mut self, column: &ast::Ident, span: Span) -> Option<Expr> {
        if column.name == "id" {
            return Some(Expr { node: Node::PayeeId, ty: Ty::Text, span });
        }
        match self.payee {
            Some(PayeeSource::Roster { input, .. }) => {
                let schema = self.inputs.get(input)?;
                if let Some(c) = schema.column_index(&column.name) {
                    let ty = schema.columns.get(c).map_or(Ty::Text, |col| col.ty.ty());
                    return Some(Expr { node: Node::PayeeAttr(c), ty, span });
                }
                let names: Vec<String> =
                    std::iter::once("id".to_string()).chain(schema.columns.iter().map(|c| c.name.clone())).collect();
                self.error(
                    Problem::error(
                        format!("the roster has no column `{}`", column.name),
                        column.span,
                        "not a roster column",
                    )
                    .with_help(suggest::help(
                        &column.name,
                        "column",
                        names.iter().map(String::as_str),
                    )),
                );
                None
            }
            _ => {
                self.error(
                    Problem::error(format!("payees have no `{}`", column.name), column.span, "unknown payee attribute")
                        .with_help("without a roster a payee only has `payee.id`; declare a roster input and `payee roster.id` to use its columns"),
                );
                None
            }
        }
    }

    fn call(
        &mut self,
        function: &ast::Ident,
        args: &[ast::Expr],
        filter: Option<&ast::Expr>,
        scope: &Scope,
        span: Span,
    ) -> Option<Expr> {
        let name = function.name.as_str();
        let is_table = self.tables.iter().any(|t| t.name == name);
        if !is_table && !SCALAR_FUNCTIONS.contains(&name) && !AGGREGATES.iter().any(|(n, _)| *n == name) {
            let known: Vec<String> = AGGREGATES
                .iter()
                .map(|(n, _)| n.to_string())
                .chain(SCALAR_FUNCTIONS.iter().map(|s| s.to_string()))
                .chain(self.tables.iter().map(|t| t.name.clone()))
                .collect();
            self.error(
                Problem::error(format!("unknown function `{name}`"), function.span, "not a function or table")
                    .with_help(suggest::help(name, "function", known.iter().map(String::as_str))),
            );
            return None;
        }
        let agg = AGGREGATES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f);
        let scalar_minmax = matches!(name, "min" | "max") && args.len() >= 2;
        if let (Some(func), false) = (agg, scalar_minmax) {
            return self.aggregate(func, function, args, filter, scope, span);
        }
        if filter.is_some() {
            self.error(
                Problem::error(format!("`{name}` does not take `where`"), span, "here")
                    .with_help("`where` filters the rows of an aggregate such as `sum(...)`"),
            );
            return None;
        }
        if let Some(t) = self.tables.iter().position(|t| t.name == name) {
            return self.table_call(t, args, scope, span);
        }
        let mut checked = Vec::new();
        for a in args {
            checked.push(self.expr(a, scope));
        }
        let mut checked: Vec<Expr> = checked.into_iter().collect::<Option<_>>()?;
        match name {
            "min" | "max" => {
                let ty = self.same_numeric(&mut checked, name)?;
                let node = if name == "min" { Node::Min(checked) } else { Node::Max(checked) };
                Some(Expr { node, ty, span })
            }
            "abs" => {
                let [x] = <[Expr; 1]>::try_from(checked).ok().or_else(|| self.arity(name, "one value", span))?;
                if !x.ty.is_numeric() {
                    self.error(Problem::error(
                        format!("`abs` needs a number, found {}", x.ty.name()),
                        x.span,
                        "not a number",
                    ));
                    return None;
                }
                let ty = x.ty;
                Some(Expr { node: Node::Abs(Box::new(x)), ty, span })
            }
            "round" => {
                let [x, step] = <[Expr; 2]>::try_from(checked)
                    .ok()
                    .or_else(|| self.arity(name, "a value and a step, e.g. `round(x, 0.01)`", span))?;
                let Node::Const(Value::Number(step_value)) = step.node else {
                    self.error(
                        Problem::error("the rounding step must be a number written out", step.span, "not a literal")
                            .with_help("e.g. `round(x, 0.01)`"),
                    );
                    return None;
                };
                if step_value <= Decimal::ZERO || !x.ty.is_numeric() {
                    self.error(
                        Problem::error("`round` takes a number and a positive step", span, "here")
                            .with_help("e.g. `round(x, 0.01)` rounds half-up to the fen"),
                    );
                    return None;
                }
                let ty = x.ty;
                let rounding = Rounding { step: step_value, ..Rounding::default() };
                Some(Expr { node: Node::Round(Box::new(x), rounding), ty, span })
            }
            _ => None,
        }
    }

    fn arity<T>(&mut self, name: &str, expected: &str, span: Span) -> Option<T> {
        self.error(Problem::error(format!("`{name}` takes {expected}"), span, "wrong number of arguments"));
        None
    }

    fn same_numeric(&mut self, args: &mut [Expr], name: &str) -> Option<Ty> {
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

    fn aggregate(
        &mut self,
        func: AggFunc,
        function: &ast::Ident,
        args: &[ast::Expr],
        filter: Option<&ast::Expr>,
        scope: &Scope,
        span: Span,
    ) -> Option<Expr> {
        let fname = func.name();
        let Scope::Statement { cadence, .. } = scope else {
            self.error(
                Problem::error(format!("`{fname}` cannot be used inside another aggregate"), span, "nested aggregate")
                    .with_help("compute the inner aggregate with `let` and combine the results"),
            );
            return None;
        };
        let cadence = *cadence;
        let [arg] = args else {
            self.error(
                Problem::error(format!("`{fname}` takes one argument"), span, "wrong number of arguments")
                    .with_help(format!("e.g. `{fname}(sales.amount where kind = \"new\")`")),
            );
            return None;
        };
        let Some(input) = self.aggregate_input(arg, filter) else {
            if let Some(unknown) = self.unknown_input_in(arg, filter) {
                let names: Vec<String> = self.inputs.iter().map(|i| i.name.clone()).collect();
                self.error(
                    Problem::error(format!("unknown input `{}`", unknown.name), unknown.span, "not declared")
                        .with_help(suggest::help(&unknown.name, "input", names.iter().map(String::as_str))),
                );
                return None;
            }
            self.error(
                Problem::error(
                    format!("cannot tell which input `{fname}` ranges over"),
                    function.span.to(span),
                    "no `input.column` inside",
                )
                .with_help("name a column with its input, e.g. `sum(sales.amount)` or `count(sales)`"),
            );
            return None;
        };
        let schema = self.inputs.get(input)?;
        let input_name = schema.name.clone();
        if schema.payee.is_none() || schema.bucket().is_none() {
            let missing = if schema.payee.is_none() { "payee" } else { "period" };
            self.error(
                Problem::error(
                    format!(
                        "input `{input_name}` has no {missing} column, so it cannot be aggregated per payee and period"
                    ),
                    span,
                    "aggregated here",
                )
                .with_help(format!(
                    "mark its {missing} column in `input {input_name}`, e.g. `{missing} <column>: ...`"
                )),
            );
            return None;
        }
        if schema.bucket().is_some_and(|b| b > Granularity::from(cadence)) {
            self.error(
                Problem::error(format!("`{input_name}` has one row per {}, finer periods cannot be summed from it", granularity_word(schema.bucket())), span, "aggregated here")
                    .with_help(format!("read it in a component at least as long as its period, or read the value with `{input_name}.<column>`")),
            );
            return None;
        }
        let row = Scope::Row { input };
        let is_input_name = matches!(&arg.kind, ExprKind::Name(n) if n.name == input_name);
        let arg_expr = if is_input_name { None } else { Some(self.expr(arg, &row)?) };
        let filter_expr = match filter {
            Some(f) => {
                let f = self.expr(f, &row)?;
                if f.ty != Ty::Bool {
                    self.error(
                        Problem::error(
                            "a `where` filter must be true or false",
                            f.span,
                            format!("this is {}", f.ty.name()),
                        )
                        .with_help("e.g. `where kind in [\"renewal\", \"upsell\"]`"),
                    );
                    return None;
                }
                Some(f)
            }
            None => None,
        };
        let ty = match (func, &arg_expr) {
            (AggFunc::Count | AggFunc::CountDistinct, _) => Ty::Number,
            (_, None) => {
                self.error(
                    Problem::error(format!("`{fname}` needs a column to {fname}"), arg.span, "a whole input")
                        .with_help(format!("e.g. `{fname}({input_name}.amount)`")),
                );
                return None;
            }
            (AggFunc::Min | AggFunc::Max, Some(a)) if a.ty.is_numeric() || a.ty == Ty::Date => a.ty,
            (_, Some(a)) if a.ty.is_numeric() => a.ty,
            (_, Some(a)) => {
                self.error(
                    Problem::error(format!("cannot {fname} {} values", a.ty.name()), a.span, format!("this is {}", a.ty.name()))
                        .with_help("aggregate a numeric column (money, percent, integer, decimal), or use `count` / `count_distinct`"),
                );
                return None;
            }
        };
        // The same aggregate written twice (`sum(sales.amount)` in a component and in a
        // metric) is folded once per row.
        let same = |a: &Option<Expr>, b: &Option<Expr>| match (a, b) {
            (Some(x), Some(y)) => x.same(y),
            (None, None) => true,
            _ => false,
        };
        if let Some(existing) = self.aggregates.iter().position(|a| {
            a.input == input && a.func == func && same(&a.arg, &arg_expr) && same(&a.filter, &filter_expr)
        }) {
            return Some(Expr { node: Node::Aggregate(existing), ty, span });
        }
        self.aggregates.push(Aggregate { input, func, arg: arg_expr, filter: filter_expr, ty, span });
        Some(Expr { node: Node::Aggregate(self.aggregates.len() - 1), ty, span })
    }

    /// The input an aggregate ranges over: the first `input.column` (or bare input name) in it.
    fn aggregate_input(&self, arg: &ast::Expr, filter: Option<&ast::Expr>) -> Option<usize> {
        let mut found = None;
        let mut visit = |e: &ast::Expr| {
            walk(e, &mut |node| {
                if found.is_some() {
                    return;
                }
                let name = match &node.kind {
                    ExprKind::Field { input, .. } => Some(&input.name),
                    ExprKind::Name(n) => Some(&n.name),
                    _ => None,
                };
                if let Some(name) = name {
                    found = self.inputs.iter().position(|i| &i.name == name);
                }
            })
        };
        visit(arg);
        if let Some(f) = filter {
            visit(f);
        }
        found
    }

    /// The first `x.column` in an aggregate whose `x` is not a declared input (a typo).
    fn unknown_input_in(&self, arg: &ast::Expr, filter: Option<&ast::Expr>) -> Option<ast::Ident> {
        let mut found = None;
        let mut visit = |e: &ast::Expr| {
            walk(e, &mut |node| {
                if let ExprKind::Field { input, .. } = &node.kind {
                    if found.is_none() && input.name != "payee" && !self.inputs.iter().any(|i| i.name == input.name) {
                        found = Some(input.clone());
                    }
                }
            })
        };
        visit(arg);
        if let Some(f) = filter {
            visit(f);
        }
        found
    }

    fn table_call(&mut self, t: usize, args: &[ast::Expr], scope: &Scope, span: Span) -> Option<Expr> {
        let table = self.tables.get(t)?.clone();
        if args.len() != table.params.len() {
            self.error(
                Problem::error(
                    format!(
                        "table `{}` takes {} keys ({}), not {}",
                        table.name,
                        table.params.len(),
                        table.params.join(", "),
                        args.len()
                    ),
                    span,
                    "wrong number of keys",
                )
                .with_label(table.span, "declared here"),
            );
            return None;
        }
        let mut checked = Vec::new();
        for a in args {
            checked.push(self.expr(a, scope));
        }
        let checked: Vec<Expr> = checked.into_iter().collect::<Option<_>>()?;
        let mut enums: Vec<Option<Vec<String>>> = Vec::new();
        for (pos, arg) in checked.iter().enumerate() {
            let values = self.enum_values(arg, scope);
            for row in &table.rows {
                let Some(Some(key)) = row.keys.get(pos) else {
                    continue;
                };
                let key_ty = match key {
                    Value::Number(_) => Ty::Number,
                    Value::Text(_) => Ty::Text,
                    Value::Bool(_) => Ty::Bool,
                    _ => Ty::Period,
                };
                let numeric = key_ty == Ty::Number && arg.ty.is_numeric();
                if key_ty != arg.ty && !numeric {
                    self.error(
                        Problem::error(
                            format!(
                                "table `{}` is keyed by {} here, but gets {}",
                                table.name,
                                key_ty.name(),
                                arg.ty.name()
                            ),
                            arg.span,
                            format!("this is {}", arg.ty.name()),
                        )
                        .with_label(row.span, "row"),
                    );
                    return None;
                }
                if let (Some(values), Value::Text(k)) = (&values, key) {
                    if !values.iter().any(|v| v.as_str() == &**k) {
                        self.error(
                            Problem::error(
                                format!("`{k}` is not a value of this column"),
                                row.span,
                                "this row can never match",
                            )
                            .with_label(arg.span, "looked up with this")
                            .with_help(suggest::help(
                                k,
                                "value",
                                values.iter().map(String::as_str),
                            )),
                        );
                    }
                }
            }
            enums.push(values);
        }
        if table.otherwise.is_none() && !enums.is_empty() {
            if let Some(all) = enums.iter().cloned().collect::<Option<Vec<Vec<String>>>>() {
                if let Some(missing) = first_uncovered(&table, &all) {
                    self.error(
                        Problem::error(
                            format!("table `{}` has no row for ({})", table.name, missing.join(", ")),
                            table.span,
                            "incomplete table",
                        )
                        .with_label(span, "looked up here")
                        .with_help("add a row for it, or an `else -> ...` row for everything not listed"),
                    );
                    return None;
                }
            }
        }
        Some(Expr { node: Node::Table(t, checked), ty: table.ty, span })
    }

    /// The enumerated values an expression can take, when it reads an enumerated column.
    fn enum_values(&self, e: &Expr, scope: &Scope) -> Option<Vec<String>> {
        let column = match (&e.node, scope) {
            (Node::Column(c), Scope::Row { input }) => self.inputs.get(*input)?.columns.get(*c)?,
            (Node::Lookup(l), _) => {
                let l = self.lookups.get(*l)?;
                self.inputs.get(l.input)?.columns.get(l.column)?
            }
            (Node::PayeeAttr(c), _) => match self.payee {
                Some(PayeeSource::Roster { input, .. }) => self.inputs.get(input)?.columns.get(*c)?,
                _ => return None,
            },
            _ => return None,
        };
        column.values.clone()
    }

    /// `kind = "renewl"` where `kind` is enumerated: the literal can never match.
    fn check_enum_comparison(&mut self, column: &Expr, literal: &Expr, scope: &Scope) {
        let Node::Const(Value::Text(text)) = &literal.node else {
            return;
        };
        let Some(values) = self.enum_values(column, scope) else {
            return;
        };
        if !values.iter().any(|v| v.as_str() == &**text) {
            self.error(
                Problem::error(
                    format!("`{text}` is not one of the values this column can take"),
                    literal.span,
                    "never matches",
                )
                .with_help(suggest::help(text, "value", values.iter().map(String::as_str))),
            );
        }
    }

    fn binary_type(&mut self, op: BinaryOp, l: &Expr, r: &Expr, span: Span) -> Option<Ty> {
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
}

/// Visits every node of an AST expression.
fn walk(e: &ast::Expr, f: &mut dyn FnMut(&ast::Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Name(_) | ExprKind::Field { .. } => {}
        ExprKind::Unary { operand, .. } => walk(operand, f),
        ExprKind::Binary { lhs, rhs, .. } => {
            walk(lhs, f);
            walk(rhs, f);
        }
        ExprKind::In { value, list } => {
            walk(value, f);
            list.iter().for_each(|x| walk(x, f));
        }
        ExprKind::If { condition, then, otherwise } => {
            walk(condition, f);
            walk(then, f);
            walk(otherwise, f);
        }
        ExprKind::Call { args, filter, .. } => {
            args.iter().for_each(|x| walk(x, f));
            if let Some(x) = filter {
                walk(x, f);
            }
        }
        ExprKind::Default { value, fallback } => {
            walk(value, f);
            walk(fallback, f);
        }
        ExprKind::Tiers(t) => walk(&t.base, f),
    }
}

/// The first combination of enumerated key values that no row of the table matches.
fn first_uncovered(table: &Table, values: &[Vec<String>]) -> Option<Vec<String>> {
    let mut combo: Vec<usize> = vec![0; values.len()];
    if values.iter().any(Vec::is_empty) {
        return None;
    }
    loop {
        let keys: Vec<&str> = combo.iter().zip(values).filter_map(|(i, vs)| vs.get(*i).map(String::as_str)).collect();
        let covered = table.rows.iter().any(|row| {
            row.keys.iter().zip(&keys).all(|(k, v)| match k {
                None => true,
                Some(Value::Text(t)) => &**t == *v,
                Some(_) => false,
            })
        });
        if !covered {
            return Some(keys.iter().map(|k| format!("\"{k}\"")).collect());
        }
        // Next combination, odometer style.
        let mut pos = 0;
        loop {
            let slot = combo.get_mut(pos)?;
            *slot += 1;
            if *slot < values.get(pos).map_or(0, Vec::len) {
                break;
            }
            *slot = 0;
            pos += 1;
        }
    }
}

fn cadence_word(c: Cadence) -> &'static str {
    match c {
        Cadence::Monthly => "monthly",
        Cadence::Quarterly => "quarterly",
        Cadence::Yearly => "yearly",
    }
}

fn granularity_word(g: Option<Granularity>) -> &'static str {
    match g {
        Some(Granularity::Month) | None => "month",
        Some(Granularity::Quarter) => "quarter",
        Some(Granularity::Year) => "year",
    }
}
