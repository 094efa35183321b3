//! Comments, which the grammar skips, found by a scan of their own: the formatter puts them
//! back where they were, and lint attributes (`# allow(C0001): reason`) are read from them.

use crate::source::Span;

/// One `#` comment: its byte span (to the end of the line, newline excluded) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    /// The text from `#` on, trailing spaces removed.
    pub text: String,
}

/// What a character of a policy is, for the scans that run before pest (comments for the
/// formatter, bracket matching, the operator limit). One place knows where quoted texts and
/// comments end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Code,
    /// Inside a quoted text, quotes included.
    Text,
    /// From `#` to the end of the line (the newline itself is code). A line ends where the
    /// grammar's NEWLINE says: at LF, CRLF or a lone CR.
    Comment,
}

/// Every character with its byte offset and class.
pub fn classify(source: &str) -> impl Iterator<Item = (usize, char, Class)> + '_ {
    let (mut in_string, mut in_comment, mut escaped) = (false, false, false);
    source.char_indices().map(move |(at, c)| {
        if in_comment {
            // Like the grammar's NEWLINE, a lone CR ends the line (and so the comment).
            in_comment = !matches!(c, '\n' | '\r');
            return (at, c, if in_comment { Class::Comment } else { Class::Code });
        }
        if in_string {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => in_string = false,
                '\n' | '\r' => (in_string, escaped) = (false, false),
                _ => escaped = false,
            }
            return (at, c, Class::Text);
        }
        match c {
            '#' => {
                in_comment = true;
                (at, c, Class::Comment)
            }
            '"' => {
                in_string = true;
                (at, c, Class::Text)
            }
            _ => (at, c, Class::Code),
        }
    })
}

/// How many line breaks a text holds, as the grammar's NEWLINE counts them: LF, CRLF and a
/// lone CR are one each.
pub fn line_breaks(text: &str) -> usize {
    text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count()
}

/// Every comment of a source, in order. A `#` inside a quoted text is not a comment.
pub fn comments(source: &str) -> Vec<Comment> {
    let mut found = Vec::new();
    let mut start: Option<usize> = None;
    for (at, _, class) in classify(source) {
        match (class, start) {
            (Class::Comment, None) => start = Some(at),
            (Class::Comment, Some(_)) => {}
            (_, Some(s)) => {
                push(&mut found, source, s, at);
                start = None;
            }
            (_, None) => {}
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

    #[test]
    fn a_lone_cr_ends_a_comment_as_it_does_for_the_grammar() {
        // After `\r` the text is code again: pest's NEWLINE is LF, CRLF or a lone CR.
        let src = "# one\rpay 1 # two\r\n\"a\rb\"";
        let texts: Vec<String> = comments(src).into_iter().map(|c| c.text).collect();
        assert_eq!(texts, ["# one", "# two"]);
        let code: String = classify(src).filter(|&(_, _, k)| k == Class::Code).map(|(_, c, _)| c).collect();
        // The `"a` text ends at (and takes) the lone CR; `b` is code again and its `"` opens
        // a text.
        assert_eq!(code, "\rpay 1 \r\nb");
        assert_eq!(line_breaks("a\rb\r\nc\nd"), 3);
    }
}
