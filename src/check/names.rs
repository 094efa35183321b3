//! What a name means: a bare name is a `let` (or, inside an aggregate, a column of the row);
//! `input.column` is a column of the row, or outside an aggregate a lookup of the payee's one
//! row for the period; `payee.x` is the payee's id or a roster column.
//!
//! Resolves names against the declarations already checked and registers lookups; it never
//! checks a sub-expression, so it calls nothing else in `check`
//! ("did you mean" comes from [`crate::suggest`]).

use super::checker::{Checker, Scope};
use crate::diagnostics::check::CheckKind;
use crate::diagnostics::Problem;
use crate::lang::Cadence;
use crate::period::Granularity;
use crate::plan::{ColumnType, Expr, Lookup, Node, PayeeSource, Ty};
use crate::source::Span;
use crate::suggest;
use crate::syntax::ast;

impl Checker {
    /// A bare name: a `let` in a statement, a column in a row.
    pub fn name(&mut self, ident: &ast::Ident, scope: &Scope) -> Option<Expr> {
        let span = ident.span;
        match scope {
            Scope::Clause { lets, broken, component, .. } => {
                if broken.contains(&ident.name) {
                    return None;
                }
                if let Some(i) = lets.iter().position(|l| l.name == ident.name) {
                    let ty = lets.get(i).map_or(Ty::Number, |l| l.value.ty);
                    return Some(Expr { node: Node::Let(i), ty, span });
                }
                if let Some(e) = self.statement_name(ident, *component) {
                    return e;
                }
                if let Some(input) = self.inputs.iter().find(|i| i.name == ident.name) {
                    let example = input
                        .columns
                        .iter()
                        .find(|c| c.ty.ty().is_numeric())
                        .map_or("amount".to_string(), |c| c.name.clone());
                    let kind = CheckKind::InputAsValue { input: input.name.clone(), example };
                    self.error(Problem::new(kind, [span]));
                    return None;
                }
                let names: Vec<&str> = lets.iter().map(|l| l.name.as_str()).collect();
                let suggestion = (!names.is_empty()).then(|| suggest::help(&ident.name, "name", names.iter().copied()));
                self.error(Problem::new(CheckKind::UnknownName { name: ident.name.clone(), suggestion }, [span]));
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
                let suggestion = suggest::help(&ident.name, "column", names.iter().map(String::as_str));
                let kind =
                    CheckKind::UnknownRowColumn { input: schema.name.clone(), column: ident.name.clone(), suggestion };
                self.error(Problem::new(kind, [span]));
                None
            }
        }
    }

    /// The names a statement gives (`period`, `employed`, `subtotal`, a component's amount);
    /// `None` when the name is none of them. `component`: the place of the component being
    /// checked, `None` in a metric.
    fn statement_name(&mut self, ident: &ast::Ident, component: Option<usize>) -> Option<Option<Expr>> {
        let span = ident.span;
        let only_in_components = |checker: &mut Checker| {
            checker.error(Problem::new(CheckKind::OnlyInComponents { name: ident.name.clone() }, [span]));
            None
        };
        Some(match ident.name.as_str() {
            "period" => Some(Expr { node: Node::Period, ty: Ty::Period, span }),
            "employed" => {
                let start = match self.payee {
                    Some(PayeeSource::Roster { input, .. }) => self.inputs.get(input).and_then(|s| s.start),
                    _ => None,
                };
                if start.is_none() {
                    self.error(Problem::new(CheckKind::NoStartColumn { name: ident.name.clone() }, [span]));
                    return Some(None);
                }
                Some(Expr { node: Node::Employed, ty: Ty::Percent, span })
            }
            "subtotal" if component.is_none() => only_in_components(self),
            "subtotal" => Some(Expr { node: Node::StatementSoFar, ty: Ty::Money, span }),
            "total" => {
                let function = "earlier_this_year".to_string();
                self.error(Problem::new(CheckKind::NotYetComputed { component: "total".into(), function }, [span]));
                None
            }
            name => {
                let at = self.component_names.iter().position(|c| c == name)?;
                match component {
                    None => only_in_components(self),
                    Some(current) if at >= current => {
                        let function = "earlier_this_year".to_string();
                        let kind = CheckKind::NotYetComputed { component: name.to_string(), function };
                        self.error(Problem::new(kind, [span]));
                        None
                    }
                    Some(_) => Some(Expr { node: Node::ComponentAmount(at), ty: Ty::Money, span }),
                }
            }
        })
    }

    /// `input.column` (or `payee.column`).
    pub fn field(&mut self, input: &ast::Ident, column: &ast::Ident, scope: &Scope, span: Span) -> Option<Expr> {
        if input.name == "payee" {
            return self.payee_field(column, span);
        }
        // `sale.date` in a row of cancellations: a column of the sale the row names.
        if let Scope::Row { input: row_input } = scope {
            let schema = self.inputs.get(*row_input);
            let reference = schema.and_then(|s| s.column_index(&input.name));
            let target = reference.and_then(|r| schema?.columns.get(r)?.refers_to);
            if let (Some(reference), Some(target)) = (reference, target) {
                let target_schema = self.inputs.get(target)?;
                let Some(col) = target_schema.column_index(&column.name) else {
                    let names: Vec<String> = target_schema.columns.iter().map(|c| c.name.clone()).collect();
                    let suggestion = suggest::help(&column.name, "column", names.iter().map(String::as_str));
                    let kind = CheckKind::UnknownColumn {
                        input: target_schema.name.clone(),
                        column: column.name.clone(),
                        suggestion,
                    };
                    self.error(Problem::new(kind, [column.span]));
                    return None;
                };
                let ty = target_schema.columns.get(col).map_or(Ty::Text, |c| c.ty.ty());
                return Some(Expr { node: Node::Joined(reference, col), ty, span });
            }
        }
        let Some(index) = self.inputs.iter().position(|i| i.name == input.name) else {
            let names: Vec<String> = self.inputs.iter().map(|i| i.name.clone()).chain(["payee".to_string()]).collect();
            let suggestion = suggest::help(&input.name, "input", names.iter().map(String::as_str));
            self.error(Problem::new(CheckKind::UnknownInput { input: input.name.clone(), suggestion }, [input.span]));
            return None;
        };
        let schema = self.inputs.get(index)?;
        if self.broken_columns.iter().any(|(i, c)| *i == index && *c == column.name) {
            return None;
        }
        let Some(col) = schema.column_index(&column.name) else {
            let names: Vec<String> = schema.columns.iter().map(|c| c.name.clone()).collect();
            let suggestion = suggest::help(&column.name, "column", names.iter().map(String::as_str));
            let kind = CheckKind::UnknownColumn { input: input.name.clone(), column: column.name.clone(), suggestion };
            self.error(Problem::new(kind, [column.span]));
            return None;
        };
        let ty = schema.columns.get(col).map_or(Ty::Text, |c| c.ty.ty());
        match scope {
            Scope::Row { input: agg_input } if *agg_input == index => Some(Expr { node: Node::Column(col), ty, span }),
            Scope::Row { input: agg_input } => {
                let agg_name = self.inputs.get(*agg_input).map_or(String::new(), |i| i.name.clone());
                let kind = CheckKind::AggregateReadsOtherInput { aggregated: agg_name, input: input.name.clone() };
                self.error(Problem::new(kind, [span]));
                None
            }
            Scope::Clause { cadence, .. } => self.lookup(index, col, *cadence, span, ty),
        }
    }

    /// `surveys.satisfaction` outside an aggregate: the value of the payee's one row for the
    /// component's period.
    fn lookup(&mut self, input: usize, column: usize, cadence: Cadence, span: Span, ty: Ty) -> Option<Expr> {
        let schema = self.inputs.get(input)?;
        let name = schema.name.clone();
        let col_name = schema.columns.get(column).map_or(String::new(), |c| c.name.clone());
        if schema.payee.is_none() {
            self.error(Problem::new(CheckKind::LookupWithoutPayee { input: name }, [span]));
            return None;
        }
        let Some(bucket) = schema.bucket() else {
            self.error(Problem::new(CheckKind::LookupWithoutPeriod { input: name }, [span]));
            return None;
        };
        let date_based = schema.period.and_then(|p| schema.columns.get(p)).is_some_and(|c| c.ty == ColumnType::Date);
        if date_based || bucket < Granularity::from(cadence) {
            let kind = CheckKind::NotOneValue { input: name, column: col_name, cadence: cadence_word(cadence) };
            self.error(Problem::new(kind, [span]));
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

    /// `payee.id`, or a column of the roster.
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
                let suggestion = suggest::help(&column.name, "column", names.iter().map(String::as_str));
                let kind = CheckKind::UnknownPayeeColumn { column: column.name.clone(), suggestion };
                self.error(Problem::new(kind, [column.span]));
                None
            }
            _ => {
                self.error(Problem::new(CheckKind::NoRosterAttribute { name: column.name.clone() }, [column.span]));
                None
            }
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
