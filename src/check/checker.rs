//! The checker's state: what has been declared so far, the problems found, and the scope an
//! expression is read in; with the few helpers every other step shares (the text of a span,
//! recording a problem, a literal's value, the currency of an amount).
//!
//! A leaf: nothing here calls the other files of `check`. They add `impl Checker` blocks of
//! their own and read or fill these fields.

use crate::diagnostics::check::CheckKind;
use crate::diagnostics::Problem;
use crate::lang::Cadence;
use crate::plan::{Aggregate, InputSchema, Let, Lookup, PayeeSource, Table, Ty};
use crate::source::{SourceFile, Span};
use crate::syntax::ast::Literal;
use crate::value::Value;

pub struct Checker {
    pub problems: Vec<Problem>,
    pub inputs: Vec<InputSchema>,
    pub payee: Option<PayeeSource>,
    pub tables: Vec<Table>,
    pub aggregates: Vec<Aggregate>,
    pub lookups: Vec<Lookup>,
    /// The policy's currency: money literals must be written in it.
    pub currency: String,
    /// Columns whose declaration failed (input index, name): uses of them report nothing
    /// more, so one mistake gives one error.
    pub broken_columns: Vec<(usize, String)>,
    pub source: Option<SourceFile>,
    /// The components' names in the policy's order (a statement computes them in this order).
    pub component_names: Vec<String>,
    /// `credit sales by credits.share`, once checked.
    pub credit: Option<crate::plan::Credit>,
    /// Every input's name in the policy, known before any is checked: a column's type may
    /// name an input declared further down.
    pub input_names: Vec<String>,
}

/// Where an expression is read.
///
/// In a *statement* scope (a component's `let`, `when`, `pay`, or a metric) names are
/// `let`s, `input.column` is a lookup of the payee's one row for the period, and aggregates
/// range over rows. Inside an aggregate the scope is a *row* of one input: names are its
/// columns. A row expression never reads a `let`, which keeps the streaming pass
/// independent of the statement computation.
pub enum Scope<'a> {
    /// In a clause of a component (`let`, `when`, `pay`, ...): the `let`s before it and the
    /// component's cadence. `broken` names `let`s that failed to check: using them reports
    /// nothing more.
    /// `component`: the component's place in the policy (`None` in a metric): it may read the
    /// amounts of the components before it.
    Clause { lets: &'a [Let], broken: &'a [String], cadence: Cadence, component: Option<usize> },
    /// Inside an aggregate over an input: its columns, row by row.
    Row { input: usize },
}

impl Checker {
    pub fn new() -> Self {
        Checker {
            problems: Vec::new(),
            inputs: Vec::new(),
            payee: None,
            tables: Vec::new(),
            aggregates: Vec::new(),
            lookups: Vec::new(),
            currency: String::new(),
            broken_columns: Vec::new(),
            source: None,
            component_names: Vec::new(),
            credit: None,
            input_names: Vec::new(),
        }
    }

    /// The policy text of a span, as the analyst wrote it (`100_000`, not `100000`).
    pub fn text(&self, span: Span) -> String {
        self.source.as_ref().and_then(|s| s.text.get(span.start..span.end)).unwrap_or("").to_string()
    }

    pub fn error(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// `500 USD` in a CNY policy is an error: amounts are in the policy's currency.
    pub fn check_currency(&mut self, lit: &Literal, span: Span) {
        if let Literal::Money { currency, .. } = lit {
            if *currency != self.currency {
                let kind = CheckKind::OtherCurrency { currency: currency.clone(), policy: self.currency.clone() };
                self.error(Problem::new(kind, [span]));
            }
        }
    }
}

/// A literal's run-time value and static type.
pub fn literal_value(lit: &Literal) -> (Value, Ty) {
    match lit {
        Literal::Number(n) => (Value::Number(*n), Ty::Number),
        Literal::Money { amount, .. } => (Value::Number(*amount), Ty::Money),
        Literal::Percent(p) => (Value::Number(*p), Ty::Percent),
        Literal::Text(t) => (Value::text(t), Ty::Text),
        Literal::Bool(b) => (Value::Bool(*b), Ty::Bool),
        Literal::Date(d) => (Value::Date(*d), Ty::Date),
        Literal::Period(p) => (Value::Period(*p), Ty::Period),
    }
}
