//! The names of a policy as written, for the checks that compare how names look (Unicode
//! confusables, mixed scripts): every word of code outside quoted texts, comments and `test`
//! blocks (whose rows and payee ids are ledger values, not names), keywords included, so
//! that a name that looks like a keyword (`pаy` with a Cyrillic `а`) is found too.

use super::ast::{Item, Policy};
use super::comments::{classify, Class};
use crate::source::Span;

/// A character of a word: anything but spaces and the language's symbols (an identifier
/// may hold combining marks, which are not alphanumeric).
pub fn is_word_char(c: char) -> bool {
    !(c.is_whitespace() || c.is_ascii_punctuation() || c == '×')
}

/// Every word that starts with a letter or `_` (numbers are not names), with its span, in
/// source order.
pub fn names<'s>(source: &'s str, policy: &Policy) -> Vec<(Span, &'s str)> {
    let tests: Vec<Span> = policy
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Test(t) => Some(t.span),
            _ => None,
        })
        .collect();
    let in_test = |at: usize| tests.iter().any(|t| at >= t.start && at < t.end);
    let mut found = Vec::new();
    let mut start: Option<usize> = None;
    for (at, c, class) in classify(source).chain(std::iter::once((source.len(), ' ', Class::Code))) {
        let word_char = class == Class::Code && is_word_char(c);
        match (start, word_char) {
            (None, true) => start = Some(at),
            (Some(s), false) => {
                let word = source.get(s..at).unwrap_or("");
                if word.starts_with(|c: char| c.is_alphabetic() || c == '_') && !in_test(s) {
                    found.push((Span::new(s, at), word));
                }
                start = None;
            }
            _ => {}
        }
    }
    found
}
