//! The rows of a `test` block (`sales { id,amount ... }`): CSV lines inside a policy, split
//! into fields the way the formatter lays them out and the ledger reader reads them. They
//! are only split here; `data/` reads them as a ledger when the test runs.

use super::ast::Spanned;
use crate::source::Span;

/// The rows of an inline block, one per non-blank line, each tidied to `a,b,c` (fields
/// trimmed, quotes kept as written, comments removed), with the span of the line's text.
pub fn lines(raw: &str, base: usize) -> Vec<Spanned<Vec<String>>> {
    let mut rows = Vec::new();
    let mut at = base;
    for line in raw.split_inclusive('\n') {
        let code = without_comment(line);
        let trimmed = code.trim();
        if !trimmed.is_empty() {
            let offset = code.find(trimmed).unwrap_or(0);
            rows.push(Spanned {
                value: split_fields(trimmed),
                span: Span::new(at + offset, at + offset + trimmed.len()),
            });
        }
        at += line.len();
    }
    rows
}

/// The part of a CSV line before a `#` comment (a `#` inside a quoted field is kept).
fn without_comment(line: &str) -> &str {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return line.get(..i).unwrap_or(line),
            _ => {}
        }
    }
    line
}

/// A CSV line's fields, trimmed, quotes kept as written.
fn split_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut quoted = false;
    let mut current = String::new();
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => fields.push(std::mem::take(&mut current).trim().to_string()),
            _ => current.push(c),
        }
    }
    fields.push(current.trim().to_string());
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lines_and_fields() {
        let rows = lines(" id, amount\n\n  T1 , \"a, # b\" # note\n", 10);
        let fields: Vec<Vec<String>> = rows.iter().map(|r| r.value.clone()).collect();
        assert_eq!(fields, [vec!["id", "amount"], vec!["T1", "\"a, # b\""]]);
        assert_eq!(rows[0].span, Span::new(11, 21));
    }
}
