//! C0005: a rate-table row that an earlier row always matches first.
//!
//! The earlier rows are kept in a trie, one level per key, a `_` as a key of its own; a row
//! is shadowed when a path of earlier keys each equal to its key or `_` reaches a whole
//! row. From each node a row follows at most two branches (its value and `_`): a table
//! without `_` keys is checked in rows x columns steps, where comparing each row with every
//! earlier one took rows^2; `_` rows add only the branches they open.

use std::collections::HashMap;

use crate::diagnostics::lints::LintKind;
use crate::diagnostics::Problem;
use crate::plan::Plan;
use crate::source::Span;
use crate::value::Value;

pub fn check(plan: &Plan) -> Vec<Problem> {
    let mut problems = Vec::new();
    for table in &plan.tables {
        let mut trie = Trie::default();
        for row in &table.rows {
            if let Some(earlier) = trie.first_match(&row.keys) {
                problems.push(Problem::new(LintKind::ShadowedRow { table: table.name.clone() }, [row.span, earlier]));
            }
            trie.insert(&row.keys, row.span);
        }
    }
    problems
}

/// Earlier rows by their keys: node 0 is the root; a leaf holds the first row to end there.
#[derive(Default)]
struct Trie<'a> {
    children: HashMap<(usize, Option<&'a Value>), usize>,
    rows: HashMap<usize, Span>,
    nodes: usize,
}

impl<'a> Trie<'a> {
    fn insert(&mut self, keys: &'a [Option<Value>], span: Span) {
        let mut node = 0;
        for key in keys {
            let next = self.nodes + 1;
            node = *self.children.entry((node, key.as_ref())).or_insert(next);
            self.nodes = self.nodes.max(node);
        }
        self.rows.entry(node).or_insert(span);
    }

    /// The earliest row that matches every key of `keys` (equal, or `_`).
    fn first_match(&self, keys: &[Option<Value>]) -> Option<Span> {
        let mut frontier = vec![0usize];
        for key in keys {
            let mut next = Vec::new();
            for node in frontier {
                // An earlier `_` matches anything; an earlier value matches only itself (a
                // `_` in this row is matched only by an earlier `_`).
                next.extend(self.children.get(&(node, None)));
                if let Some(k) = key {
                    next.extend(self.children.get(&(node, Some(k))));
                }
            }
            if next.is_empty() {
                return None;
            }
            frontier = next;
        }
        frontier.iter().filter_map(|n| self.rows.get(n)).min_by_key(|s| s.start).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of two keys; `None` is `_`. Each case: the earlier rows, the row, and which
    /// earlier row (by index) matches it first, worked out by the rule "each earlier key is
    /// `_` or equal".
    #[test]
    fn the_first_earlier_row_that_always_matches() {
        let k = |s: &str| if s == "_" { None } else { Some(Value::text(s)) };
        let rows: Vec<Vec<Option<Value>>> =
            [["a", "x"], ["_", "y"], ["a", "_"], ["_", "_"]].iter().map(|r| r.iter().map(|s| k(s)).collect()).collect();
        let mut trie = Trie::default();
        for (i, r) in rows.iter().enumerate() {
            trie.insert(r, Span::new(i, i + 1));
        }
        let first = |a: &str, b: &str| trie.first_match(&[k(a), k(b)]).map(|s| s.start);
        assert_eq!(first("a", "x"), Some(0));
        // ("a", "y"): ("_", "y") is row 1, ("a", "_") row 2: the earlier wins.
        assert_eq!(first("a", "y"), Some(1));
        assert_eq!(first("b", "z"), Some(3));
        // ("a", _) is matched by ("a", "_") and ("_", "_"), not by ("a", "x").
        assert_eq!(first("a", "_"), Some(2));
        let mut only_values = Trie::default();
        only_values.insert(&rows[0], Span::new(0, 1));
        assert_eq!(only_values.first_match(&[k("_"), k("x")]), None);
    }
}
