//! Input declarations (`input sales { key id: text  period date: date ... }`) and the payee
//! declaration (`payee sales.manager`): column types, allowed values and least values, the
//! key, payee and period roles, and where the payees of a run come from.
//!
//! Adds to the plan's inputs and sets its payee source; reads no other declaration and checks
//! no expression.

use super::checker::Checker;
use crate::diagnostics::check::CheckKind;
use crate::diagnostics::Problem;
use crate::plan::{Column, ColumnType, InputSchema, PayeeSource};
use crate::suggest;
use crate::syntax::ast::{self, ColumnRole, Item};

impl Checker {
    pub fn input(&mut self, decl: &ast::InputDecl) {
        if let Some(first) = self.inputs.iter().find(|i| i.name == decl.name.name) {
            let first = first.span;
            self.error(Problem::new(CheckKind::InputTwice { input: decl.name.name.clone() }, [decl.name.span, first]));
            return;
        }
        if decl.name.name == "payee" {
            self.error(Problem::new(CheckKind::InputCalledPayee, [decl.name.span]));
        }
        let mut schema = InputSchema {
            name: decl.name.name.clone(),
            columns: Vec::new(),
            key: None,
            payee: None,
            period: None,
            start: None,
            end: None,
            ignores_others: decl.ignores_others.is_some(),
            span: decl.name.span,
        };
        if decl.columns.is_empty() {
            self.error(Problem::new(CheckKind::InputWithoutColumns { input: decl.name.name.clone() }, [decl.span]));
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
            let kind = CheckKind::ColumnTwice { column: col.name.name.clone(), input: decl.name.name.clone() };
            self.error(Problem::new(kind, [col.name.span, first]));
            return;
        }
        // A column whose type names an input holds that input's keys (resolved once every
        // input is declared).
        let reference = self.input_names.contains(&col.ty.name);
        let found = ColumnType::ALL.iter().find(|(n, _)| *n == col.ty.name).map(|(_, t)| *t);
        let Some(ty) = found.or(reference.then_some(ColumnType::Text)) else {
            self.broken_columns.push((self.inputs.len(), col.name.name.clone()));
            let types = ColumnType::ALL.iter().map(|(n, _)| *n).chain(self.input_names.iter().map(String::as_str));
            let suggestion = suggest::help(&col.ty.name, "column type", types);
            self.error(Problem::new(
                CheckKind::UnknownColumnType { ty: col.ty.name.clone(), suggestion },
                [col.ty.span],
            ));
            return;
        };
        if let Some(values) = &col.values {
            self.column_values(col, values, ty);
        }
        if let Some(least) = &col.at_least {
            let numeric =
                matches!(ty, ColumnType::Money | ColumnType::Integer | ColumnType::Decimal | ColumnType::Percent);
            if !numeric {
                let kind = CheckKind::LeastOnNonNumber { column: col.name.name.clone(), ty: ty.name() };
                self.error(Problem::new(kind, [least.span]));
            }
        }
        for role in &col.roles {
            self.column_role(decl, col, ty, role, schema);
        }
        schema.columns.push(Column {
            name: col.name.name.clone(),
            ty,
            values: col.values.as_ref().map(|v| v.iter().map(|s| s.value.clone()).collect()),
            label: col.label.as_ref().map(|l| l.value.clone()),
            value_labels: col
                .values
                .iter()
                .flatten()
                .zip(&col.value_labels)
                .filter_map(|(v, l)| l.as_ref().map(|l| (v.value.clone(), l.value.clone())))
                .collect(),
            at_least: col.at_least.as_ref().map(|l| l.value),
            refers_to: None,
            within: None,
            span: col.name.span,
        });
    }

    /// Reference columns (`sale: sales`) get the input they name, and `within sale.amount`
    /// its columns, once every input is declared.
    pub fn resolve_references(&mut self, policy: &ast::Policy) {
        for decl in policy.items.iter().filter_map(|i| if let Item::Input(d) = i { Some(d) } else { None }) {
            let Some(input) = self.inputs.iter().position(|i| i.name == decl.name.name && i.span == decl.name.span)
            else {
                continue;
            };
            for col in &decl.columns {
                let target = self.inputs.iter().position(|i| i.name == col.ty.name);
                let Some(c) = self.inputs.get(input).and_then(|s| s.column_index(&col.name.name)) else { continue };
                if let Some(target) = target {
                    if self.inputs.get(target).is_some_and(|t| t.key.is_none()) {
                        let kind = CheckKind::ReferenceWithoutKey {
                            column: col.name.name.clone(),
                            input: col.ty.name.clone(),
                        };
                        self.error(Problem::new(kind, [col.ty.span]));
                    }
                    if let Some(column) = self.inputs.get_mut(input).and_then(|s| s.columns.get_mut(c)) {
                        column.refers_to = Some(target);
                    }
                }
                if let Some((via, of)) = &col.within {
                    let schema = self.inputs.get(input);
                    let via_index = schema.and_then(|s| s.column_index(&via.name));
                    let referenced = via_index.and_then(|v| schema?.columns.get(v)?.refers_to);
                    let of_index = referenced.and_then(|r| self.inputs.get(r)?.column_index(&of.name));
                    let numeric = |i: usize, c: usize| {
                        self.inputs.get(i).and_then(|s| s.columns.get(c)).is_some_and(|c| c.ty.ty().is_numeric())
                    };
                    match (via_index, referenced, of_index) {
                        (Some(v), Some(r), Some(o)) if numeric(r, o) && numeric(input, c) => {
                            if let Some(column) = self.inputs.get_mut(input).and_then(|s| s.columns.get_mut(c)) {
                                column.within = Some((v, o));
                            }
                        }
                        _ => {
                            let kind = CheckKind::WithinNotReference {
                                column: col.name.name.clone(),
                                via: via.name.clone(),
                                of: of.name.clone(),
                            };
                            self.error(Problem::new(kind, [via.span.to(of.span)]));
                        }
                    }
                }
            }
        }
    }

    /// `credit sales by credits.share`: `sales` has a key and a payee; `credits` names a row
    /// of `sales` in a reference column, has a payee column, and `share` is a percent.
    pub fn credit_decl(&mut self, policy: &ast::Policy) {
        let decls: Vec<&ast::CreditDecl> =
            policy.items.iter().filter_map(|i| if let Item::Credit(c) = i { Some(c) } else { None }).collect();
        for extra in decls.iter().skip(1) {
            let kind = CheckKind::CreditProblem {
                detail: "a policy credits one ledger: this is a second `credit` line".into(),
            };
            self.error(Problem::new(kind, [extra.span]));
        }
        let Some(decl) = decls.first() else { return };
        let input = self.inputs.iter().position(|i| i.name == decl.input.name);
        let by = self.inputs.iter().position(|i| i.name == decl.by.name);
        let problem = |detail: String| CheckKind::CreditProblem { detail };
        let (Some(input), Some(by)) = (input, by) else {
            let unknown = if input.is_none() { &decl.input } else { &decl.by };
            let names: Vec<&str> = self.inputs.iter().map(|i| i.name.as_str()).collect();
            let suggestion = suggest::help(&unknown.name, "input", names.iter().copied());
            self.error(Problem::new(
                CheckKind::UnknownInput { input: unknown.name.clone(), suggestion },
                [unknown.span],
            ));
            return;
        };
        let (Some(credited), Some(crediting)) = (self.inputs.get(input), self.inputs.get(by)) else { return };
        let reference = crediting.columns.iter().position(|c| c.refers_to == Some(input));
        let share = crediting.column_index(&decl.share.name);
        let detail = if credited.key.is_none() || credited.payee.is_none() {
            Some(format!("`{}` needs a `key` column and a `payee` column to be credited", credited.name))
        } else if reference.is_none() {
            Some(format!("`{}` has no column of type `{}` naming the row it credits", crediting.name, credited.name))
        } else if crediting.payee.is_none() {
            Some(format!("`{}` has no `payee` column saying whom a row credits", crediting.name))
        } else if share.and_then(|s| crediting.columns.get(s)).map(|c| c.ty) != Some(crate::plan::ColumnType::Percent) {
            Some(format!("`{}.{}` is not a percent column of `{}`", crediting.name, decl.share.name, crediting.name))
        } else {
            None
        };
        match (detail, reference, share) {
            (None, Some(reference), Some(share)) => {
                self.credit = Some(crate::plan::Credit { input, by, reference, share });
            }
            (detail, _, _) => {
                let detail = detail.unwrap_or_default();
                self.error(Problem::new(problem(detail), [decl.span]));
            }
        }
    }

    /// `in [...]`: only on a text column, each value once.
    fn column_values(&mut self, col: &ast::ColumnDecl, values: &[ast::Spanned<String>], ty: ColumnType) {
        if ty != ColumnType::Text {
            let kind = CheckKind::ValuesOnNonText { column: col.name.name.clone(), ty: ty.name() };
            self.error(Problem::new(kind, [col.span]));
        }
        let mut seen: Vec<&str> = Vec::new();
        for v in values {
            if seen.contains(&v.value.as_str()) {
                self.error(Problem::new(CheckKind::ValueListedTwice { value: v.value.clone() }, [v.span]));
            }
            seen.push(&v.value);
        }
        // Two values shown alike would read as one in every report.
        let mut labels: Vec<&ast::Spanned<String>> = Vec::new();
        for label in col.value_labels.iter().flatten() {
            if let Some(first) = labels.iter().find(|l| l.value == label.value) {
                let kind = CheckKind::ValueLabelTwice { label: label.value.clone() };
                self.error(Problem::new(kind, [label.span, first.span]));
            }
            labels.push(label);
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
            ColumnRole::Start => (&mut schema.start, "start"),
            ColumnRole::End => (&mut schema.end, "end"),
        };
        if slot.is_some() {
            let kind = CheckKind::SecondRoleColumn { input: decl.name.name.clone(), role: what };
            self.problems.push(Problem::new(kind, [role.span]));
        }
        *slot = Some(index);
        let ok = match role.value {
            ColumnRole::Key | ColumnRole::Payee => ty == ColumnType::Text || ty == ColumnType::Integer,
            ColumnRole::Period => ty.bucket().is_some(),
            ColumnRole::Start | ColumnRole::End => ty == ColumnType::Date,
        };
        if !ok {
            let kind = CheckKind::RoleType { column: col.name.name.clone(), role: what, ty: ty.name() };
            self.problems.push(Problem::new(kind, [col.ty.span]));
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
            self.error(Problem::new(CheckKind::NoPayee { example }, [span]));
            return;
        };
        for extra in decls.iter().skip(1) {
            self.error(Problem::new(CheckKind::PayeeTwice, [extra.span, decl.span]));
        }
        if let Some((input, column)) = self.payee_column(decl) {
            self.payee_source(decl, input, column);
        }
    }

    /// The (input, column) a payee declaration names, or an error with a did-you-mean.
    fn payee_column(&mut self, decl: &ast::PayeeDecl) -> Option<(usize, usize)> {
        let Some(input) = self.inputs.iter().position(|i| i.name == decl.input.name) else {
            let names: Vec<&str> = self.inputs.iter().map(|i| i.name.as_str()).collect();
            let suggestion = suggest::help(&decl.input.name, "input", names.iter().copied());
            let kind = CheckKind::UnknownInput { input: decl.input.name.clone(), suggestion };
            self.error(Problem::new(kind, [decl.input.span]));
            return None;
        };
        let schema = self.inputs.get(input);
        let Some(column) = schema.and_then(|s| s.column_index(&decl.column.name)) else {
            let names: Vec<String> =
                schema.map(|s| s.columns.iter().map(|c| c.name.clone()).collect()).unwrap_or_default();
            let suggestion = suggest::help(&decl.column.name, "column", names.iter().map(String::as_str));
            let kind = CheckKind::UnknownColumn {
                input: decl.input.name.clone(),
                column: decl.column.name.clone(),
                suggestion,
            };
            self.error(Problem::new(kind, [decl.column.span]));
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
            let kind = CheckKind::PayeeNotText { column: decl.column.name.clone() };
            self.problems.push(Problem::new(kind, [decl.column.span]));
        }
        if schema.key == Some(column) && schema.period.is_none() {
            self.payee = Some(PayeeSource::Roster { input, column });
            // The roster's own key is its payee column, so `payee.<column>` reads it.
            schema.payee = Some(column);
        } else {
            match schema.payee {
                Some(other) if other != column => {
                    let kind = CheckKind::PayeeColumnMismatch {
                        input: decl.input.name.clone(),
                        column: decl.column.name.clone(),
                    };
                    self.problems.push(Problem::new(kind, [decl.span]));
                }
                _ => schema.payee = Some(column),
            }
            if schema.period.is_none() {
                let kind = CheckKind::PayeesWithoutPeriod { input: decl.input.name.clone() };
                self.problems.push(Problem::new(kind, [decl.input.span]));
            }
            self.payee = Some(PayeeSource::Ledger { input, column });
        }
    }
}
