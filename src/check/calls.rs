//! Calls: `name(args)` is an aggregate (handed to `aggregates`), a scalar function (`min`,
//! `max`, `abs`, `round`) or a lookup in a declared rate table; each with its arity and the
//! kinds of value its arguments must be.
//!
//! Checks arguments through `expr`, their units through `units` and the enumerated keys of a
//! table through `enums`. Reads the declared tables; declares nothing.

use rust_decimal::Decimal;

use super::checker::{Checker, Scope};
use crate::diagnostics::check::CheckKind;
use crate::diagnostics::Problem;
use crate::money::Rounding;
use crate::plan::{AggFunc, Earlier, Expr, Node, Table, Ty, Window};
use crate::source::Span;
use crate::suggest;
use crate::syntax::ast;
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
const DATE_FUNCTIONS: [&str; 3] = ["days_between", "months_since", "in_month_of"];
const HISTORY_FUNCTIONS: [(&str, Window, bool); 5] = [
    ("this_month", Window::Month, true),
    ("quarter_to_date", Window::Quarter, true),
    ("year_to_date", Window::Year, true),
    ("earlier_this_quarter", Window::Quarter, false),
    ("earlier_this_year", Window::Year, false),
];

impl Checker {
    pub fn call(
        &mut self,
        function: &ast::Ident,
        args: &[ast::Expr],
        filter: Option<&ast::Expr>,
        reports: Option<Span>,
        scope: &Scope,
        span: Span,
    ) -> Option<Expr> {
        let name = function.name.as_str();
        self.known_function(function)?;
        let agg = AGGREGATES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f);
        let scalar_minmax = matches!(name, "min" | "max") && args.len() >= 2;
        if let (Some(func), false) = (agg, scalar_minmax) {
            return self.aggregate(func, function, args, filter, reports, scope, span);
        }
        if let Some((_, window, current)) = HISTORY_FUNCTIONS.iter().find(|(n, _, _)| *n == name) {
            if filter.is_some() {
                self.error(Problem::new(CheckKind::WhereWithoutAggregate { function: name.to_string() }, [span]));
                return None;
            }
            if let (Some(at), None) = (reports, self.manager_column()) {
                self.error(Problem::new(CheckKind::NoManagerColumn, [at]));
                return None;
            }
            return self.history(name, *window, *current, args, reports.is_some(), scope, span);
        }
        if let Some(at) = reports {
            self.error(Problem::new(CheckKind::NoManagerColumn, [at]));
            return None;
        }
        if filter.is_some() {
            self.error(Problem::new(CheckKind::WhereWithoutAggregate { function: name.to_string() }, [span]));
            return None;
        }
        if let Some(t) = self.tables.iter().position(|t| t.name == name) {
            return self.table_call(t, args, scope, span);
        }
        if name == "in_month_of" {
            return self.in_month_of(args, scope, span);
        }
        self.scalar_call(name, args, scope, span)
    }

    /// An aggregate, a scalar function or a table; else an error listing them.
    fn known_function(&mut self, function: &ast::Ident) -> Option<()> {
        let name = function.name.as_str();
        let is_table = self.tables.iter().any(|t| t.name == name);
        let builtin = SCALAR_FUNCTIONS.contains(&name)
            || DATE_FUNCTIONS.contains(&name)
            || HISTORY_FUNCTIONS.iter().any(|(n, _, _)| *n == name);
        if is_table || builtin || AGGREGATES.iter().any(|(n, _)| *n == name) {
            return Some(());
        }
        let known: Vec<String> = AGGREGATES
            .iter()
            .map(|(n, _)| n.to_string())
            .chain(SCALAR_FUNCTIONS.iter().chain(&DATE_FUNCTIONS).map(|s| s.to_string()))
            .chain(HISTORY_FUNCTIONS.iter().map(|(n, _, _)| n.to_string()))
            .chain(self.tables.iter().map(|t| t.name.clone()))
            .collect();
        let suggestion = suggest::help(name, "function", known.iter().map(String::as_str));
        self.error(Problem::new(
            CheckKind::UnknownFunction { function: name.to_string(), suggestion },
            [function.span],
        ));
        None
    }

    /// `min(a, b, ...)`, `max(a, b, ...)`, `abs(x)`, `round(x, step)`.
    fn scalar_call(&mut self, name: &str, args: &[ast::Expr], scope: &Scope, span: Span) -> Option<Expr> {
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
            "abs" => self.abs_call(checked, span),
            "round" => self.round_call(checked, span),
            "days_between" | "months_since" => self.date_call(name, checked, scope, span),
            _ => None,
        }
    }

    /// `days_between(a, b)`: days from `a` to `b`; `months_since(d)`: whole months from `d`'s
    /// month to the statement's.
    fn date_call(&mut self, name: &str, checked: Vec<Expr>, scope: &Scope, span: Span) -> Option<Expr> {
        for a in &checked {
            if a.ty != Ty::Date {
                let kind = CheckKind::NotADate { function: name.to_string(), found: a.ty.name() };
                self.error(Problem::new(kind, [a.span]));
                return None;
            }
        }
        let node = match (name, <[Expr; 2]>::try_from(checked)) {
            ("days_between", Ok([a, b])) => Node::DaysBetween(Box::new(a), Box::new(b)),
            ("months_since", Err(v)) if v.len() == 1 && matches!(scope, Scope::Clause { .. }) => {
                Node::MonthsSince(Box::new(v.into_iter().next()?))
            }
            _ => {
                let kind = CheckKind::NotADate { function: name.to_string(), found: "the wrong number of values" };
                self.error(Problem::new(kind, [span]));
                return None;
            }
        };
        Some(Expr { node, ty: Ty::Number, span })
    }

    /// `in_month_of(sale.date, figure)`: in a row that names a row of another ledger (a
    /// cancellation), a figure of that ledger for the row's payee in the month of a date (the
    /// bracket rate of the sale's month). Such rows are folded after the ledgers they read.
    fn in_month_of(&mut self, args: &[ast::Expr], scope: &Scope, span: Span) -> Option<Expr> {
        let refuse = |checker: &mut Checker, detail: &str| {
            checker.error(Problem::new(CheckKind::InMonthOfPlace { detail: detail.to_string() }, [span]));
            None
        };
        let Scope::Row { input } = scope else {
            return refuse(self, "it is read inside a `sum(...)` over rows that name rows of another ledger");
        };
        let roster = match self.payee {
            Some(crate::plan::PayeeSource::Roster { input, .. }) => Some(input),
            _ => None,
        };
        let names_rows = |checker: &Checker, i: usize| {
            checker
                .inputs
                .get(i)
                .is_some_and(|s| s.columns.iter().any(|c| c.refers_to.is_some_and(|t| Some(t) != roster && t != i)))
        };
        if !names_rows(self, *input) {
            return refuse(
                self,
                "its rows must name rows of another ledger (`sale: sales`), so that they are folded after it",
            );
        }
        let [date, figure] = args else {
            return refuse(self, "it takes a date and a figure: `in_month_of(sale.date, sum(sales.amount))`");
        };
        let date = self.expr(date, scope)?;
        if date.ty != Ty::Date {
            let kind = CheckKind::NotADate { function: "in_month_of".into(), found: date.ty.name() };
            self.error(Problem::new(kind, [date.span]));
            return None;
        }
        let month = Scope::Clause { lets: &[], broken: &[], cadence: crate::lang::Cadence::Monthly, component: None };
        let value = self.expr(figure, &month)?;
        let mut reads_kept = false;
        crate::plan::visit::visit(&value, &mut |x| {
            if let Node::Aggregate(a) = x.node {
                reads_kept |=
                    self.aggregates.get(a).is_some_and(|agg| agg.input == *input || names_rows(self, agg.input));
            }
        });
        if reads_kept {
            return refuse(
                self,
                "the figure reads ledgers that are folded before these rows (`sales`), not rows that name others",
            );
        }
        let ty = value.ty;
        Some(Expr { node: Node::InMonthOf(Box::new(date), Box::new(value)), ty, span })
    }

    /// `quarter_to_date(x)` and the rest: `x` a component (its rounded amounts), `total`
    /// (statement totals, earlier months only), or an expression of aggregates. With `for
    /// reports` (`this_month(total for reports)`), the direct reports' amounts: theirs are
    /// computed first, so this month's count too.
    #[allow(clippy::too_many_arguments)]
    fn history(
        &mut self,
        function: &str,
        window: Window,
        current: bool,
        args: &[ast::Expr],
        reports: bool,
        scope: &Scope,
        span: Span,
    ) -> Option<Expr> {
        let Scope::Clause { lets, component, .. } = scope else {
            self.error(Problem::new(CheckKind::HistoryArgument { function: function.to_string() }, [span]));
            return None;
        };
        let [arg] = args else {
            self.error(Problem::new(CheckKind::HistoryArgument { function: function.to_string() }, [span]));
            return None;
        };
        if let ast::ExprKind::Name(n) = &arg.kind {
            let is_let = lets.iter().any(|l| l.name == n.name);
            let of = match n.name.as_str() {
                "total" if !is_let => Some(Earlier::Total),
                name if !is_let => self.component_names.iter().position(|c| c == name).map(Earlier::Component),
                _ => None,
            };
            if let Some(of) = of {
                let Some(current_place) = component else {
                    self.error(Problem::new(CheckKind::OnlyInComponents { name: n.name.clone() }, [n.span]));
                    return None;
                };
                let readable = reports
                    || match of {
                        Earlier::Total => !current,
                        Earlier::Component(at) => !current || at < *current_place,
                    };
                if !readable {
                    let kind = CheckKind::NotYetComputed {
                        component: n.name.clone(),
                        function: window.function(false).to_string(),
                    };
                    self.error(Problem::new(kind, [n.span]));
                    return None;
                }
                return Some(Expr { node: Node::History { of, window, current, reports }, ty: Ty::Money, span });
            }
        }
        if reports || window == Window::Month {
            // Reports' figures of the ledgers are `sum(... for reports)`; this month's are the
            // aggregate itself.
            self.error(Problem::new(CheckKind::HistoryArgument { function: function.to_string() }, [arg.span]));
            return None;
        }
        let value = self.expr(arg, scope)?;
        let mut ledger_only = true;
        let mut has_aggregate = false;
        crate::plan::visit::visit(&value, &mut |e| match e.node {
            Node::Aggregate(_) => has_aggregate = true,
            Node::Const(_)
            | Node::Unary(..)
            | Node::Binary(..)
            | Node::If(..)
            | Node::Min(_)
            | Node::Max(_)
            | Node::Abs(_)
            | Node::Round(..)
            | Node::Default(..)
            | Node::In(..)
            | Node::Between(..) => {}
            _ => ledger_only = false,
        });
        if !ledger_only || !has_aggregate {
            self.error(Problem::new(CheckKind::HistoryArgument { function: function.to_string() }, [arg.span]));
            return None;
        }
        let ty = value.ty;
        Some(Expr { node: Node::ToDate { window, current, value: Box::new(value) }, ty, span })
    }

    fn abs_call(&mut self, checked: Vec<Expr>, span: Span) -> Option<Expr> {
        let [x] = <[Expr; 1]>::try_from(checked).ok().or_else(|| self.arity(CheckKind::AbsArity, span))?;
        if !x.ty.is_numeric() {
            self.error(Problem::new(CheckKind::AbsOfNonNumber { found: x.ty.name() }, [x.span]));
            return None;
        }
        let ty = x.ty;
        Some(Expr { node: Node::Abs(Box::new(x)), ty, span })
    }

    fn round_call(&mut self, checked: Vec<Expr>, span: Span) -> Option<Expr> {
        let [x, step] = <[Expr; 2]>::try_from(checked).ok().or_else(|| self.arity(CheckKind::RoundArity, span))?;
        let Node::Const(Value::Number(step_value)) = step.node else {
            self.error(Problem::new(CheckKind::RoundStepNotWritten, [step.span]));
            return None;
        };
        if step_value <= Decimal::ZERO || !x.ty.is_numeric() {
            self.error(Problem::new(CheckKind::RoundArguments, [span]));
            return None;
        }
        let ty = x.ty;
        let rounding = Rounding { step: step_value, ..Rounding::default() };
        Some(Expr { node: Node::Round(Box::new(x), rounding), ty, span })
    }

    /// A function called with the wrong number of arguments (`kind` says which).
    fn arity<T>(&mut self, kind: CheckKind, span: Span) -> Option<T> {
        self.error(Problem::new(kind, [span]));
        None
    }

    /// `rate_by_kind(sales.kind)`: one key per parameter, each of the kind its rows are keyed
    /// by; with enumerated keys, every row can match and (without `else`) every value has one.
    fn table_call(&mut self, t: usize, args: &[ast::Expr], scope: &Scope, span: Span) -> Option<Expr> {
        let table = self.tables.get(t)?.clone();
        if args.len() != table.params.len() {
            let kind =
                CheckKind::TableKeyCount { table: table.name.clone(), params: table.params.clone(), args: args.len() };
            self.error(Problem::new(kind, [span, table.span]));
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
            self.table_key(&table, pos, arg, values.as_deref())?;
            enums.push(values);
        }
        self.check_table_coverage(&table, &enums, span)?;
        Some(Expr { node: Node::Table(t, checked), ty: table.ty, span })
    }

    /// The key at `pos` of every row against the argument looking it up: the same kind of
    /// value, and for an enumerated argument one of its values.
    fn table_key(&mut self, table: &Table, pos: usize, arg: &Expr, values: Option<&[String]>) -> Option<()> {
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
                let kind =
                    CheckKind::TableKeyType { table: table.name.clone(), key: key_ty.name(), found: arg.ty.name() };
                self.error(Problem::new(kind, [arg.span, row.span]));
                return None;
            }
            if let (Some(values), Value::Text(k)) = (values, key) {
                self.check_enum_key(k, values, row.span, arg.span);
            }
        }
        Some(())
    }
}
