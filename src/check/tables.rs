//! Rate-table declarations (`table rate_by_kind(kind) { "new" -> 5% ... else -> 3% }`): one
//! key per parameter in every row, no row written twice, and one kind of value throughout.
//!
//! Adds to the plan's tables; reads no other declaration. Lookups into a table are checked
//! where they are written, in `calls`.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::checker::{literal_value, Checker};
use crate::diagnostics::check::CheckKind;
use crate::diagnostics::lints::LintKind;
use crate::diagnostics::Problem;
use crate::plan::{Table, TableRow, Ty};
use crate::source::Span;
use crate::syntax::ast::{self, Literal};
use crate::value::Value;

impl Checker {
    pub fn table(&mut self, decl: &ast::TableDecl) {
        if self.tables.iter().any(|t| t.name == decl.name.name) {
            self.error(Problem::new(CheckKind::TableTwice { table: decl.name.name.clone() }, [decl.name.span]));
            return;
        }
        // The kind of value the table gives: that of its first value.
        let mut ty: Option<Ty> = None;
        let rows = self.table_rows(decl, &mut ty);
        let otherwise = decl.otherwise.as_ref().map(|o| (self.table_value(decl, o, &mut ty), o.span));
        if rows.is_empty() && otherwise.is_none() {
            self.error(Problem::new(CheckKind::EmptyTable { table: decl.name.name.clone() }, [decl.span]));
        }
        self.tables.push(Table {
            name: decl.name.name.clone(),
            params: decl.params.iter().map(|p| p.name.clone()).collect(),
            rows,
            otherwise,
            ty: ty.unwrap_or(Ty::Percent),
            span: decl.name.span,
        });
    }

    /// The rows with one key per parameter, each combination of keys once.
    fn table_rows(&mut self, decl: &ast::TableDecl, ty: &mut Option<Ty>) -> Vec<TableRow> {
        let mut rows: Vec<TableRow> = Vec::new();
        // Each combination of keys with its row's span: one lookup per row (a walk over the
        // rows before made many rows quadratic).
        let mut seen: HashMap<Vec<Option<Value>>, Span> = HashMap::new();
        for row in &decl.rows {
            if row.keys.len() != decl.params.len() {
                let kind = CheckKind::RowKeyCount {
                    table: decl.name.name.clone(),
                    keys: row.keys.len(),
                    params: decl.params.len(),
                };
                self.error(Problem::new(kind, [row.span]));
                continue;
            }
            let keys: Vec<Option<Value>> =
                row.keys.iter().map(|k| k.value.as_ref().map(|l| literal_value(l).0)).collect();
            if let Some(&first) = seen.get(&keys) {
                self.error(Problem::new(CheckKind::RowTwice { table: decl.name.name.clone() }, [row.span, first]));
                continue;
            }
            seen.insert(keys.clone(), row.span);
            let value = self.table_value(decl, &row.value, ty);
            rows.push(TableRow { keys, value, span: row.span });
        }
        rows
    }

    /// A value the table gives: in the policy's currency, of the same kind as the first
    /// (money and plain numbers mix), and a warning for a rate above 100%.
    fn table_value(&mut self, decl: &ast::TableDecl, lit: &ast::Spanned<Literal>, ty: &mut Option<Ty>) -> Value {
        let (v, t) = literal_value(&lit.value);
        self.check_currency(&lit.value, lit.span);
        match *ty {
            None => *ty = Some(t),
            Some(prev)
                if prev != t && !(prev == Ty::Money && t == Ty::Number) && !(prev == Ty::Number && t == Ty::Money) =>
            {
                let kind = CheckKind::TableMixes { table: decl.name.name.clone(), first: prev.name(), other: t.name() };
                self.error(Problem::new(kind, [lit.span]));
            }
            _ => {}
        }
        if t == Ty::Percent {
            if let Value::Number(n) = v {
                if n > Decimal::ONE {
                    self.problems.push(Problem::new(LintKind::TableRateAbove100, [lit.span]));
                }
            }
        }
        v
    }
}
