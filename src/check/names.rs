//! What a name means: a bare name is a `let` (or, inside an aggregate, a column of the row);
//! `input.column` is a column of the row, or outside an aggregate a lookup of the payee's one
//! row for the period; `payee.x` is the payee's id or a roster column.
//!
//! Resolves names against the declarations already checked and registers lookups; it never
//! checks a sub-expression, so it calls nothing else in `check`
//! ("did you mean" comes from [`crate::suggest`]).

use super::checker::{Checker, Scope};
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

    /// `input.column` (or `payee.column`).
    pub fn field(&mut self, input: &ast::Ident, column: &ast::Ident, scope: &Scope, span: Span) -> Option<Expr> {
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
}

fn cadence_word(c: Cadence) -> &'static str {
    match c {
        Cadence::Monthly => "monthly",
        Cadence::Quarterly => "quarterly",
        Cadence::Yearly => "yearly",
    }
}
