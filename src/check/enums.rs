//! Enumerated text columns (`kind: text in ["new", "renewal"]`): a comparison with a value
//! the column cannot take, a table row keyed by one, and a rate table that misses a
//! combination of values.
//!
//! Reads the declared inputs, lookups and payee; takes typed plan expressions and never
//! checks an AST expression itself, so it calls nothing else in `check`
//! ("did you mean" comes from [`crate::suggest`]).

use std::collections::HashSet;

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

/// The first combination of enumerated key values that no row of the table matches, in the
/// order an odometer counts them (the first column turning fastest), or `None`.
///
/// Splits on one column at a time, the last first: for each of its values, the rows that
/// can still match (that value or `_`) decide the other columns. The values no row names
/// (only `_` rows reach them) are alike, so they are looked at once, not once each; a value
/// no row reaches is missing at once. The work is rows x columns for each combination of
/// *named* values explored, not the product of every column's values: a table of 8 columns
/// of 10 values is settled in a few hundred steps where every combination was tried (10^8).
/// Deciding coverage is hard in general (rows of `_` and values can make it a puzzle), but
/// only for tables nobody writes. The walk keeps its own stack: no recursion, however many
/// columns.
fn first_uncovered(table: &Table, values: &[Vec<String>]) -> Option<Vec<String>> {
    if values.iter().any(Vec::is_empty) {
        return None;
    }
    let key = |row: usize, col: usize| table.rows.get(row).and_then(|r| r.keys.get(col));
    let matches = |row: usize, col: usize, value: &str| match key(row, col) {
        Some(None) => true,
        Some(Some(Value::Text(t))) => &**t == value,
        _ => false,
    };
    let value = |col: usize, i: usize| values.get(col).and_then(|vs| vs.get(i)).map_or("", String::as_str);
    let split = |rows: Vec<usize>, col: usize| {
        let named: HashSet<&str> = rows
            .iter()
            .filter_map(|&r| match key(r, col) {
                Some(Some(Value::Text(t))) => Some(&**t),
                _ => None,
            })
            .collect();
        Frame { col, rows, named, next: 0, chosen: 0, others_covered: false }
    };
    let last = values.len().checked_sub(1)?;
    let mut stack = vec![split((0..table.rows.len()).collect(), last)];
    loop {
        let frame = stack.last_mut()?;
        let count = values.get(frame.col).map_or(0, Vec::len);
        // The next value to look at: a named one, or the first unnamed one while those are
        // not yet known to be covered.
        let next = (frame.next..count).find(|&i| frame.named.contains(value(frame.col, i)) || !frame.others_covered);
        let Some(i) = next else {
            // Every value of this column is covered under the parent's choice.
            stack.pop();
            covered(&mut stack, value);
            continue;
        };
        (frame.next, frame.chosen) = (i + 1, i);
        let v = value(frame.col, i);
        let rows: Vec<usize> = frame.rows.iter().copied().filter(|&r| matches(r, frame.col, v)).collect();
        let col = frame.col;
        if rows.is_empty() {
            // Missing: the values chosen down the stack, and the first value of each column
            // not yet split.
            let mut missing: Vec<String> = (0..col).map(|c| value(c, 0).to_string()).collect();
            missing.extend(stack.iter().rev().map(|f| value(f.col, f.chosen).to_string()));
            return Some(missing);
        }
        match col.checked_sub(1) {
            Some(below) => stack.push(split(rows, below)),
            // The first column, and a row matches: this combination is covered.
            None => covered(&mut stack, value),
        }
    }
}

/// The top frame's chosen value is covered: when no row names it, neither are the others
/// no row names.
fn covered<'a>(stack: &mut [Frame<'a>], value: impl Fn(usize, usize) -> &'a str) {
    if let Some(frame) = stack.last_mut() {
        if !frame.named.contains(value(frame.col, frame.chosen)) {
            frame.others_covered = true;
        }
    }
}

/// One column being split, under the values chosen for the columns after it.
struct Frame<'a> {
    col: usize,
    /// The rows that match every value chosen so far (by name or `_`).
    rows: Vec<usize>,
    /// The values of `col` some row of `rows` names.
    named: HashSet<&'a str>,
    next: usize,
    chosen: usize,
    /// A value no row names is covered, so all such values are.
    others_covered: bool,
}
