//! Aggregates (`sum`, `count`, `count_distinct`, `avg`, `min`, `max`, with `where`): which
//! input one ranges over, whether that input can be aggregated per payee and period, the
//! kind of value it gives, and folding the same aggregate written twice into one.
//!
//! Checks the argument and filter through `expr` in the input's row scope and adds to the
//! plan's aggregates; reads the declared inputs and changes no other declaration.

use super::checker::{Checker, Scope};
use crate::diagnostics::check::CheckKind;
use crate::diagnostics::Problem;
use crate::lang::Cadence;
use crate::period::Granularity;
use crate::plan::{AggFunc, Aggregate, Expr, Node, Ty};
use crate::source::Span;
use crate::suggest;
use crate::syntax::ast::{self, ExprKind};

impl Checker {
    #[allow(clippy::too_many_arguments)]
    pub fn aggregate(
        &mut self,
        func: AggFunc,
        function: &ast::Ident,
        args: &[ast::Expr],
        filter: Option<&ast::Expr>,
        reports: Option<Span>,
        scope: &Scope,
        span: Span,
    ) -> Option<Expr> {
        let fname = func.name();
        if let (Some(at), None) = (reports, self.manager_column()) {
            self.error(Problem::new(CheckKind::NoManagerColumn, [at]));
            return None;
        }
        let Scope::Clause { cadence, .. } = scope else {
            self.error(Problem::new(CheckKind::NestedAggregate { function: fname }, [span]));
            return None;
        };
        let [arg] = args else {
            self.error(Problem::new(CheckKind::AggregateArity { function: fname }, [span]));
            return None;
        };
        let input = self.ranged_input(fname, function, arg, filter, span)?;
        let input_name = self.aggregatable(input, *cadence, span)?;
        let row = Scope::Row { input };
        let is_input_name = matches!(&arg.kind, ExprKind::Name(n) if n.name == input_name);
        let arg_expr = if is_input_name { None } else { Some(self.expr(arg, &row)?) };
        let filter_expr = self.where_filter(filter, &row)?;
        let ty = self.aggregate_type(func, arg, arg_expr.as_ref(), &input_name)?;
        let reports = reports.is_some();
        Some(self.fold_aggregate(Aggregate { input, func, arg: arg_expr, filter: filter_expr, ty, reports, span }))
    }

    /// The input an aggregate ranges over, or an error: an unknown input, or none named.
    fn ranged_input(
        &mut self,
        fname: &'static str,
        function: &ast::Ident,
        arg: &ast::Expr,
        filter: Option<&ast::Expr>,
        span: Span,
    ) -> Option<usize> {
        if let Some(input) = self.aggregate_input(arg, filter) {
            return Some(input);
        }
        if let Some(unknown) = self.unknown_input_in(arg, filter) {
            let names: Vec<String> = self.inputs.iter().map(|i| i.name.clone()).collect();
            let suggestion = suggest::help(&unknown.name, "input", names.iter().map(String::as_str));
            self.error(Problem::new(CheckKind::UnknownInput { input: unknown.name, suggestion }, [unknown.span]));
            return None;
        }
        self.error(Problem::new(CheckKind::NoRangedInput { function: fname }, [function.span.to(span)]));
        None
    }

    /// An input with a payee and a period column no finer than the cadence; its name.
    fn aggregatable(&mut self, input: usize, cadence: Cadence, span: Span) -> Option<String> {
        let schema = self.inputs.get(input)?;
        let input_name = schema.name.clone();
        let payee_via_reference = schema.columns.iter().any(|c| {
            c.refers_to.and_then(|r| self.inputs.get(r)).is_some_and(|t| t.payee.is_some() && t.key.is_some())
        });
        if (schema.payee.is_none() && !payee_via_reference) || schema.bucket().is_none() {
            let missing = if schema.payee.is_none() { "payee" } else { "period" };
            self.error(Problem::new(CheckKind::NotAggregatable { input: input_name, missing }, [span]));
            return None;
        }
        if schema.bucket().is_some_and(|b| b > Granularity::from(cadence)) {
            let kind = CheckKind::FinerThanInput { input: input_name, per: granularity_word(schema.bucket()) };
            self.error(Problem::new(kind, [span]));
            return None;
        }
        Some(input_name)
    }

    /// `where ...`, checked per row; it must be true or false.
    fn where_filter(&mut self, filter: Option<&ast::Expr>, row: &Scope) -> Option<Option<Expr>> {
        let Some(f) = filter else {
            return Some(None);
        };
        let f = self.expr(f, row)?;
        if f.ty != Ty::Bool {
            self.error(Problem::new(CheckKind::WhereNotBool { found: f.ty.name() }, [f.span]));
            return None;
        }
        Some(Some(f))
    }

    /// What an aggregate gives: a count is a number; the others take their column's unit.
    fn aggregate_type(
        &mut self,
        func: AggFunc,
        arg: &ast::Expr,
        arg_expr: Option<&Expr>,
        input_name: &str,
    ) -> Option<Ty> {
        let fname = func.name();
        match (func, arg_expr) {
            (AggFunc::Count | AggFunc::CountDistinct, _) => Some(Ty::Number),
            (_, None) => {
                let kind = CheckKind::WholeInput { function: fname, input: input_name.to_string() };
                self.error(Problem::new(kind, [arg.span]));
                None
            }
            (AggFunc::Min | AggFunc::Max, Some(a)) if a.ty.is_numeric() || a.ty == Ty::Date => Some(a.ty),
            (_, Some(a)) if a.ty.is_numeric() => Some(a.ty),
            (_, Some(a)) => {
                self.error(Problem::new(
                    CheckKind::AggregateOfNonNumbers { function: fname, found: a.ty.name() },
                    [a.span],
                ));
                None
            }
        }
    }

    /// The same aggregate written twice (`sum(sales.amount)` in a component and in a metric)
    /// is folded once per row: both uses read the first one.
    fn fold_aggregate(&mut self, aggregate: Aggregate) -> Expr {
        let same = |a: &Option<Expr>, b: &Option<Expr>| match (a, b) {
            (Some(x), Some(y)) => x.same(y),
            (None, None) => true,
            _ => false,
        };
        let (ty, span) = (aggregate.ty, aggregate.span);
        if let Some(existing) = self.aggregates.iter().position(|a| {
            a.input == aggregate.input
                && a.func == aggregate.func
                && a.reports == aggregate.reports
                && same(&a.arg, &aggregate.arg)
                && same(&a.filter, &aggregate.filter)
        }) {
            return Expr { node: Node::Aggregate(existing), ty, span };
        }
        self.aggregates.push(aggregate);
        Expr { node: Node::Aggregate(self.aggregates.len() - 1), ty, span }
    }

    /// The roster's manager column (`manager: roster`), if it has one.
    pub fn manager_column(&self) -> Option<usize> {
        let Some(crate::plan::PayeeSource::Roster { input, .. }) = self.payee else { return None };
        self.inputs.get(input)?.columns.iter().position(|c| c.refers_to == Some(input))
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
        ExprKind::Between { value, low, high } => {
            walk(value, f);
            walk(low, f);
            walk(high, f);
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

fn granularity_word(g: Option<Granularity>) -> &'static str {
    match g {
        Some(Granularity::Month) | None => "month",
        Some(Granularity::Quarter) => "quarter",
        Some(Granularity::Year) => "year",
    }
}
