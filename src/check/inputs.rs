//! Input declarations (`input sales { key id: text  period date: date ... }`) and the payee
//! declaration (`payee sales.manager`): column types, allowed values and least values, the
//! key, payee and period roles, and where the payees of a run come from.
//!
//! Adds to the plan's inputs and sets its payee source; reads no other declaration and checks
//! no expression.

use super::checker::Checker;
use crate::diagnostics::Problem;
use crate::plan::{Column, ColumnType, InputSchema, PayeeSource};
use crate::suggest;
use crate::syntax::ast::{self, ColumnRole, Item};

impl Checker {
    pub fn input(&mut self, decl: &ast::InputDecl) {
        if let Some(first) = self.inputs.iter().find(|i| i.name == decl.name.name) {
            let first = first.span;
            self.error(
                Problem::error(
                    format!("input `{}` is declared twice", decl.name.name),
                    decl.name.span,
                    "second declaration",
                )
                .with_label(first, "first declared here"),
            );
            return;
        }
        if decl.name.name == "payee" {
            self.error(
                Problem::error("an input cannot be called `payee`", decl.name.span, "reserved name")
                    .with_help("`payee.<column>` refers to the payee's roster columns; choose another name"),
            );
        }
        let mut schema = InputSchema {
            name: decl.name.name.clone(),
            columns: Vec::new(),
            key: None,
            payee: None,
            period: None,
            span: decl.name.span,
        };
        if decl.columns.is_empty() {
            self.error(
                Problem::error(format!("input `{}` has no columns", decl.name.name), decl.span, "empty input")
                    .with_help("declare its columns, e.g. `amount: money`"),
            );
        }
        for col in &decl.columns {
            self.column(decl, col, &mut schema);
        }
        self.inputs.push(schema);
    }

    /// One column of the input being declared (`schema`, not yet among the inputs).
    fn column(&mut self, decl: &ast::InputDecl, col: &ast::ColumnDecl, schema: &mut InputSchema) {
        if let Some(first) = schema.columns.iter().find(|c| c.name == col.name.name) {
            let first = first.span;
            self.error(
                Problem::error(
                    format!("column `{}` is declared twice in `{}`", col.name.name, decl.name.name),
                    col.name.span,
                    "second declaration",
                )
                .with_label(first, "first declared here"),
            );
            return;
        }
        let Some(ty) = ColumnType::ALL.iter().find(|(n, _)| *n == col.ty.name).map(|(_, t)| *t) else {
            self.broken_columns.push((self.inputs.len(), col.name.name.clone()));
            self.error(
                Problem::error(format!("unknown column type `{}`", col.ty.name), col.ty.span, "unknown type")
                    .with_help(suggest::help(&col.ty.name, "column type", ColumnType::ALL.iter().map(|(n, _)| *n))),
            );
            return;
        };
        if let Some(values) = &col.values {
            self.column_values(col, values, ty);
        }
        if let Some(least) = &col.at_least {
            let numeric =
                matches!(ty, ColumnType::Money | ColumnType::Integer | ColumnType::Decimal | ColumnType::Percent);
            if !numeric {
                self.error(
                    Problem::error(
                        "only number columns can have a least value",
                        least.span,
                        format!("`{}` is {}", col.name.name, ty.name()),
                    )
                    .with_help("remove `>= ...`, or make the column `money`, `integer`, `decimal` or `percent`"),
                );
            }
        }
        for role in &col.roles {
            self.column_role(decl, col, ty, role, schema);
        }
        schema.columns.push(Column {
            name: col.name.name.clone(),
            ty,
            values: col.values.as_ref().map(|v| v.iter().map(|s| s.value.clone()).collect()),
            at_least: col.at_least.as_ref().map(|l| l.value),
            span: col.name.span,
        });
    }

    /// `in [...]`: only on a text column, each value once.
    fn column_values(&mut self, col: &ast::ColumnDecl, values: &[ast::Spanned<String>], ty: ColumnType) {
        if ty != ColumnType::Text {
            self.error(
                Problem::error(
                    "only text columns can list their values",
                    col.span,
                    format!("`{}` is {}", col.name.name, ty.name()),
                )
                .with_help("remove `in [...]`, or make the column `text`"),
            );
        }
        let mut seen: Vec<&str> = Vec::new();
        for v in values {
            if seen.contains(&v.value.as_str()) {
                self.error(Problem::error(format!("value `{}` is listed twice", v.value), v.span, "repeated"));
            }
            seen.push(&v.value);
        }
    }

    /// `key`, `payee` or `period`: one column each, of a type that can play the role. The
    /// column is the next one of `schema`.
    fn column_role(
        &mut self,
        decl: &ast::InputDecl,
        col: &ast::ColumnDecl,
        ty: ColumnType,
        role: &ast::Spanned<ColumnRole>,
        schema: &mut InputSchema,
    ) {
        let index = schema.columns.len();
        let (slot, what) = match role.value {
            ColumnRole::Key => (&mut schema.key, "key"),
            ColumnRole::Payee => (&mut schema.payee, "payee"),
            ColumnRole::Period => (&mut schema.period, "period"),
        };
        if slot.is_some() {
            self.problems.push(
                Problem::error(
                    format!("input `{}` has more than one {what} column", decl.name.name),
                    role.span,
                    format!("second {what} column"),
                )
                .with_help(format!("mark exactly one column as `{what}`")),
            );
        }
        *slot = Some(index);
        let ok = match role.value {
            ColumnRole::Key | ColumnRole::Payee => ty == ColumnType::Text || ty == ColumnType::Integer,
            ColumnRole::Period => ty.bucket().is_some(),
        };
        if !ok {
            let help = match role.value {
                ColumnRole::Period => "a period column is a `date`, `month` or `quarter`",
                _ => "a key or payee column is `text` (or `integer`)",
            };
            self.problems.push(
                Problem::error(
                    format!("column `{}` cannot be the {what} column", col.name.name),
                    col.ty.span,
                    format!("`{}` here", ty.name()),
                )
                .with_help(help),
            );
        }
    }

    /// `payee input.column`: declared once, naming a declared column.
    pub fn payee_decl(&mut self, policy: &ast::Policy) {
        let decls: Vec<&ast::PayeeDecl> =
            policy.items.iter().filter_map(|i| if let Item::Payee(p) = i { Some(p) } else { None }).collect();
        let Some(decl) = decls.first() else {
            let span = policy.header.span;
            let example = self
                .inputs
                .iter()
                .find_map(|i| {
                    i.payee.or(i.key).and_then(|c| i.columns.get(c)).map(|c| format!("{}.{}", i.name, c.name))
                })
                .unwrap_or_else(|| "sales.manager".to_string());
            self.error(
                Problem::error("the policy does not say who is paid", span, "no `payee` declaration")
                    .with_help(format!("add `payee {example}`: the distinct values of a ledger column, or the key column of a roster input")),
            );
            return;
        };
        for extra in decls.iter().skip(1) {
            self.error(
                Problem::error("`payee` is declared twice", extra.span, "second declaration")
                    .with_label(decl.span, "first declared here"),
            );
        }
        if let Some((input, column)) = self.payee_column(decl) {
            self.payee_source(decl, input, column);
        }
    }

    /// The (input, column) a payee declaration names, or an error with a did-you-mean.
    fn payee_column(&mut self, decl: &ast::PayeeDecl) -> Option<(usize, usize)> {
        let Some(input) = self.inputs.iter().position(|i| i.name == decl.input.name) else {
            let names: Vec<&str> = self.inputs.iter().map(|i| i.name.as_str()).collect();
            let help = suggest::help(&decl.input.name, "input", names.iter().copied());
            self.error(
                Problem::error(format!("unknown input `{}`", decl.input.name), decl.input.span, "not declared")
                    .with_help(help),
            );
            return None;
        };
        let schema = self.inputs.get(input);
        let Some(column) = schema.and_then(|s| s.column_index(&decl.column.name)) else {
            let names: Vec<String> =
                schema.map(|s| s.columns.iter().map(|c| c.name.clone()).collect()).unwrap_or_default();
            let help = suggest::help(&decl.column.name, "column", names.iter().map(String::as_str));
            self.error(
                Problem::error(
                    format!("input `{}` has no column `{}`", decl.input.name, decl.column.name),
                    decl.column.span,
                    "no such column",
                )
                .with_help(help),
            );
            return None;
        };
        Some((input, column))
    }

    /// A roster (the payee column is the key of an input without periods) or a ledger (the
    /// distinct values of a column of an input with periods).
    fn payee_source(&mut self, decl: &ast::PayeeDecl, input: usize, column: usize) {
        let Some(schema) = self.inputs.get_mut(input) else {
            return;
        };
        let col_ty = schema.columns.get(column).map(|c| c.ty);
        if !matches!(col_ty, Some(ColumnType::Text) | Some(ColumnType::Integer)) {
            self.problems.push(
                Problem::error(
                    "payees are identified by a text column",
                    decl.column.span,
                    format!("`{}` is not text", decl.column.name),
                )
                .with_help("point `payee` at a column holding ids or names"),
            );
        }
        if schema.key == Some(column) && schema.period.is_none() {
            self.payee = Some(PayeeSource::Roster { input, column });
            // The roster's own key is its payee column, so `payee.<column>` reads it.
            schema.payee = Some(column);
        } else {
            match schema.payee {
                Some(other) if other != column => {
                    self.problems.push(
                        Problem::error(
                            format!(
                                "`payee {}.{}` names a different column than the one marked `payee`",
                                decl.input.name, decl.column.name
                            ),
                            decl.span,
                            "here",
                        )
                        .with_help("mark the same column, or remove the `payee` mark from the input"),
                    );
                }
                _ => schema.payee = Some(column),
            }
            if schema.period.is_none() {
                self.problems.push(
                    Problem::error(format!("input `{}` has no period column", decl.input.name), decl.input.span, "payees come from here")
                        .with_help("mark the date column, e.g. `period date: date`, or make this input a roster: `key id: text` and `payee roster.id`"),
                );
            }
            self.payee = Some(PayeeSource::Ledger { input, column });
        }
    }
}
