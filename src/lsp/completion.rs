//! Completion: after `input.` (or `payee.`) that input's columns; elsewhere the inputs,
//! components, metrics, tables, the `let`s of the component the cursor is in, the
//! functions and the keywords. The names come from the last version of the policy that
//! parsed, since a policy being typed rarely parses.

use lsp_types::{CompletionItem, CompletionItemKind};

use super::symbols::{Symbols, AGGREGATES};
use crate::syntax::ast::Clause;

/// The words of the language: the grammar's keywords and declaration words.
const KEYWORDS: &[&str] = &[
    "policy",
    "version",
    "currency",
    "rounding",
    "input",
    "payee",
    "table",
    "component",
    "metric",
    "test",
    "let",
    "when",
    "pay",
    "cap",
    "floor",
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "in",
    "where",
    "default",
    "tiers",
    "flat",
    "marginal",
    "from",
    "rate",
    "fixed",
    "key",
    "period",
    "expect",
    "within",
    "start",
    "end",
    "credit",
    "by",
    "to",
    "for",
    "reports",
    "of",
    "effective",
    "employed",
    "subtotal",
    "total",
    "monthly",
    "quarterly",
    "yearly",
    "true",
    "false",
    "half_up",
    "half_even",
    "down",
    "up",
    "text",
    "integer",
    "decimal",
    "money",
    "percent",
    "date",
    "month",
    "quarter",
    "bool",
];

const FUNCTIONS: &[&str] = &[
    "abs",
    "round",
    "days_between",
    "months_since",
    "in_month_of",
    "this_month",
    "quarter_to_date",
    "year_to_date",
    "earlier_this_quarter",
    "earlier_this_year",
];

/// The completions at byte `offset` of `text`, with the names of `symbols`.
pub fn complete(symbols: &Symbols<'_>, text: &str, offset: usize, currency: &str) -> Vec<CompletionItem> {
    let before = text.get(..offset).unwrap_or("");
    let word_start = before.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_').len();
    let head = before.get(..word_start).unwrap_or("");
    if let Some(owner) = head.strip_suffix('.') {
        let name_start = owner.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_').len();
        let name = owner.get(name_start..).unwrap_or("");
        let input = if name == "payee" { symbols.payee_input } else { symbols.input(name) };
        let Some(input) = input.and_then(|i| symbols.inputs.get(i)) else { return Vec::new() };
        return input
            .columns
            .iter()
            .map(|c| {
                let ty = if c.ty.name == "money" { format!("money ({currency})") } else { c.ty.name.clone() };
                item(&c.name.name, CompletionItemKind::FIELD, &ty)
            })
            .collect();
    }
    let mut items = Vec::new();
    for input in &symbols.inputs {
        items.push(item(&input.name.name, CompletionItemKind::MODULE, "input"));
    }
    items.push(item("payee", CompletionItemKind::MODULE, "the payee (payee.column reads the roster)"));
    for component in &symbols.components {
        items.push(item(&component.name.name, CompletionItemKind::CLASS, "component"));
        // The `let`s of the component the cursor is in.
        if component.span.start <= offset && offset <= component.span.end {
            for clause in &component.body {
                if let Clause::Let { name, .. } = clause {
                    items.push(item(&name.name, CompletionItemKind::VARIABLE, "let"));
                }
            }
        }
    }
    for metric in &symbols.metrics {
        items.push(item(&metric.name.name, CompletionItemKind::VARIABLE, "metric"));
    }
    for table in &symbols.tables {
        items.push(item(&table.name.name, CompletionItemKind::FUNCTION, "table"));
    }
    for function in AGGREGATES.iter().chain(FUNCTIONS) {
        items.push(item(function, CompletionItemKind::FUNCTION, "function"));
    }
    for keyword in KEYWORDS {
        items.push(item(keyword, CompletionItemKind::KEYWORD, "keyword"));
    }
    items
}

fn item(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail.to_string()),
        ..CompletionItem::default()
    }
}
