//! Enumerated text columns (`kind: text in ["new", "renewal"]`): a comparison with a value
//! the column cannot take, a table row keyed by one, and a rate table that misses a
//! combination of values.
//!
//! Reads the declared inputs, lookups and payee; takes typed plan expressions and never
//! checks an AST expression itself, so it calls nothing else in `check`
//! ("did you mean" comes from [`crate::suggest`]).

use super::checker::{Checker, Scope};
use crate::diagnostics::Problem;
use crate::plan::{Expr, Node, PayeeSource, Table};
use crate::source::Span;
use crate::suggest;
use crate::value::Value;

impl Checker {
    /// The enumerated values an expression can take, when it reads an enumerated column.
    pub fn enum_values(&self, e: &Expr, scope: &Scope) -> Option<Vec<String>> {
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
    pub fn check_enum_comparison(&mut self, column: &Expr, literal: &Expr, scope: &Scope) {
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

    /// A table row keyed by `key` where the looked-up column only takes `values`: the row can
    /// never match.
    pub fn check_enum_key(&mut self, key: &str, values: &[String], row: Span, arg: Span) {
        if !values.iter().any(|v| v.as_str() == key) {
            self.error(
                Problem::error(format!("`{key}` is not a value of this column"), row, "this row can never match")
                    .with_label(arg, "looked up with this")
                    .with_help(suggest::help(key, "value", values.iter().map(String::as_str))),
            );
        }
    }

    /// A table without `else` looked up with enumerated keys only: every combination of their
    /// values needs a row. `enums` holds each key's values (`None`: not enumerated).
    pub fn check_table_coverage(&mut self, table: &Table, enums: &[Option<Vec<String>>], span: Span) -> Option<()> {
        if table.otherwise.is_some() || enums.is_empty() {
            return Some(());
        }
        let Some(all) = enums.iter().cloned().collect::<Option<Vec<Vec<String>>>>() else {
            return Some(());
        };
        if let Some(missing) = first_uncovered(table, &all) {
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
        Some(())
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
