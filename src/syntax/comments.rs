//! Comments, which the grammar skips, found by a scan of their own: the formatter puts them
//! back where they were, and lint attributes (`# allow(C0001): reason`) are read from them.

use super::ast::Span;

/// One `#` comment: its byte span (to the end of the line, newline excluded) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    /// The text from `#` on, trailing spaces removed.
    pub text: String,
}

/// Every comment of a source, in order. A `#` inside a quoted text is not a comment.
pub fn comments(source: &str) -> Vec<Comment> {
    let mut found = Vec::new();
    let (mut in_string, mut escaped) = (false, false);
    let mut start: Option<usize> = None;
    for (at, c) in source.char_indices() {
        if let Some(s) = start {
            if c == '\n' {
                push(&mut found, source, s, at);
                start = None;
            }
            continue;
        }
        if in_string {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => in_string = false,
                '\n' => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '#' => start = Some(at),
            '"' => in_string = true,
            _ => {}
        }
    }
    if let Some(s) = start {
        push(&mut found, source, s, source.len());
    }
    found
}

fn push(found: &mut Vec<Comment>, source: &str, start: usize, end: usize) {
    // A CRLF file: the `\r` belongs to the line break, not to the comment.
    let text = source.get(start..end).unwrap_or("").trim_end();
    found.push(Comment { span: Span::new(start, start + text.len()), text: text.to_string() });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_outside_strings() {
        let src = "a # one\n\"x # not\" # two\r\n# three";
        let texts: Vec<String> = comments(src).into_iter().map(|c| c.text).collect();
        assert_eq!(texts, ["# one", "# two", "# three"]);
    }
}
