//! Enumerated text columns (`kind: text in ["new", "renewal"]`): a comparison with a value
//! the column cannot take, a table row keyed by one, and a rate table that misses a
//! combination of values.
//!
//! Reads the declared inputs, lookups and payee; takes typed plan expressions and never
//! checks an AST expression itself, so it calls nothing else in `check`
//! ("did you mean" comes from [`crate::suggest`]).

use super::checker::{Checker, Scope};
use crate::diagnostics::check::CheckKind;
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
            let suggestion = suggest::help(text, "value", values.iter().map(String::as_str));
            self.error(Problem::new(CheckKind::NotAnEnumValue { value: text.to_string(), suggestion }, [literal.span]));
        }
    }

    /// A table row keyed by `key` where the looked-up column only takes `values`: the row can
    /// never match.
    pub fn check_enum_key(&mut self, key: &str, values: &[String], row: Span, arg: Span) {
        if !values.iter().any(|v| v.as_str() == key) {
            let suggestion = suggest::help(key, "value", values.iter().map(String::as_str));
            self.error(Problem::new(CheckKind::EnumKeyNotValue { key: key.to_string(), suggestion }, [row, arg]));
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
            let kind = CheckKind::TableMissingRow { table: table.name.clone(), missing };
            self.error(Problem::new(kind, [table.span, span]));
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
            return Some(keys.iter().map(|k| k.to_string()).collect());
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
