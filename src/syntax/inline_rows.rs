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
    for line in split_lines(raw) {
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

/// The lines of `raw`, each with its line end: a line feed, CR LF or a lone CR, as the
/// grammar's `NEWLINE` (and the prescan and `fmt`) read them.
fn split_lines(raw: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = raw.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let end = match (b, bytes.get(i + 1)) {
            (b'\r', Some(b'\n')) => Some(i + 2),
            (b'\r', _) | (b'\n', _) => Some(i + 1),
            _ => None,
        };
        match end {
            Some(end) => {
                lines.push(raw.get(start..end).unwrap_or(""));
                start = end;
                i = end;
            }
            None => i += 1,
        }
    }
    if start < raw.len() {
        lines.push(raw.get(start..).unwrap_or(""));
    }
    lines
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

    /// A lone CR ends a row as it ends a line for the grammar: three rows, whatever the line
    /// ends, at the same places (the spans count the line ends' bytes: 1 for LF and CR, 2 for
    /// CR LF).
    #[test]
    fn every_line_end_splits_rows() {
        for end in ["\n", "\r\n", "\r"] {
            let raw = ["id,amount", "T1,10.00", "T2,20.00", ""].join(end);
            let rows = lines(&raw, 0);
            let fields: Vec<Vec<String>> = rows.iter().map(|r| r.value.clone()).collect();
            assert_eq!(fields, [vec!["id", "amount"], vec!["T1", "10.00"], vec!["T2", "20.00"]], "{end:?}");
            // The second row starts after "id,amount" (9 bytes) and one line end.
            assert_eq!(rows[1].span.start, 9 + end.len(), "{end:?}");
            assert_eq!(&raw[rows[2].span.start..rows[2].span.end], "T2,20.00", "{end:?}");
        }
    }
}
