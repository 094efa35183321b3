//! The checks made on a policy's text before pest sees it: the file's size, the operators of
//! one expression, and the brackets (nested not too deep, each closed by its own kind). A
//! hostile or generated policy gets a diagnostic instead of a stack overflow: parsing,
//! checking and evaluating are recursive over the expression tree, whose depth is bounded by
//! the bracket nesting ([`MAX_NESTING`]) plus the operators of one expression
//! ([`MAX_OPERATORS`]); a long chain `a + b + c ...` is as deep as it is long, because `+`
//! nests to the left. Matching brackets here also names a missing `}` and where it opened,
//! where pest would stop far from the cause ("unexpected `component`, expected ...").

use super::comments::{classify, Class};
use crate::diagnostics::syntax::SyntaxKind;
use crate::diagnostics::Problem;
use crate::source::Span;

/// Policies are small documents; a larger file is almost certainly not a policy.
pub const MAX_SOURCE_BYTES: usize = 1 << 20;
/// Operators (`+ - * / = < > and or not if default in`) in one `let`, `when`, `pay`, `cap`
/// or `floor`. A readable expression has a handful; a longer one is split with `let`s.
pub const MAX_OPERATORS: usize = 128;
/// Deeper nesting than this is refused: a policy is read by people, and refusing early keeps
/// recursion (parse, check, evaluate) far from the stack's limit.
pub const MAX_NESTING: usize = 64;

/// The first problem of the text, in this order: its size, its operators, its brackets.
pub fn check(source: &str) -> Result<(), Problem> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(Problem::new(
            SyntaxKind::FileTooLarge { bytes: source.len(), max: MAX_SOURCE_BYTES },
            [Span::new(0, 0)],
        ));
    }
    check_operators(source)?;
    check_brackets(source)
}

/// Counts operators from each statement word (`let`, `when`, `pay`, `cap`, `floor`) to the
/// next word that starts a statement or declaration, skipping strings and comments.
fn check_operators(source: &str) -> Result<(), Problem> {
    let mut counting = false;
    let mut count = 0usize;
    let mut word_start: Option<usize> = None;
    let mut previous = ' ';
    for (at, c, class) in classify(source).chain(std::iter::once((source.len(), ' ', Class::Code))) {
        let word_char = class == Class::Code && (c.is_alphanumeric() || c == '_');
        if let Some(start) = word_start.filter(|_| !word_char) {
            let word = source.get(start..at).unwrap_or("");
            match word {
                "let" | "when" | "pay" | "cap" | "floor" => (counting, count) = (true, 0),
                "component" | "input" | "table" | "payee" | "rounding" | "policy" => counting = false,
                "and" | "or" | "not" | "if" | "default" | "in" if counting => count += 1,
                _ => {}
            }
            word_start = None;
            if count > MAX_OPERATORS {
                return Err(too_many(Span::new(start, at)));
            }
        }
        if class != Class::Code {
            // Strings and comments hold no operators.
        } else if word_char {
            if word_start.is_none() && !(previous.is_alphanumeric() || previous == '_') {
                word_start = Some(at);
            }
        } else {
            match c {
                '+' | '-' | '*' | '×' | '/' | '=' | '<' | '>' | '!' if counting => {
                    // `<=`, `>=`, `!=`, `==` are one operator: count the first character only.
                    if !matches!(previous, '<' | '>' | '!' | '=') {
                        count += 1;
                    }
                    if count > MAX_OPERATORS {
                        return Err(too_many(Span::new(at, at + c.len_utf8())));
                    }
                }
                _ => {}
            }
        }
        previous = c;
    }
    Ok(())
}

fn too_many(span: Span) -> Problem {
    Problem::new(SyntaxKind::TooManyOperators { max: MAX_OPERATORS }, [span])
}

/// Matches brackets, outside quoted texts and comments, and bounds their nesting.
fn check_brackets(source: &str) -> Result<(), Problem> {
    let mut open: Vec<(char, usize)> = Vec::new();
    for (at, c, class) in classify(source) {
        if class != Class::Code {
            continue;
        }
        match c {
            '(' | '[' | '{' => {
                open.push((c, at));
                if open.len() > MAX_NESTING {
                    return Err(Problem::new(SyntaxKind::NestedTooDeep { max: MAX_NESTING }, [Span::new(at, at + 1)]));
                }
            }
            ')' | ']' | '}' => {
                let want = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                match open.pop() {
                    Some((o, _)) if o == want => {}
                    Some((o, opened)) => {
                        return Err(Problem::new(
                            SyntaxKind::NotClosedBefore { open: o, close: closer(o), found: c },
                            [Span::new(at, at + 1), Span::new(opened, opened + 1)],
                        ));
                    }
                    None => {
                        return Err(Problem::new(
                            SyntaxKind::ClosesNothing { close: c, open: want },
                            [Span::new(at, at + 1)],
                        ))
                    }
                }
            }
            _ => {}
        }
    }
    match open.pop() {
        Some((o, opened)) => {
            Err(Problem::new(SyntaxKind::NeverClosed { open: o, close: closer(o) }, [Span::new(opened, opened + 1)]))
        }
        None => Ok(()),
    }
}

fn closer(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_operators_per_statement() {
        let chain = |n: usize| format!("pay 1{}\n", " + 1".repeat(n));
        assert!(check(&chain(MAX_OPERATORS)).is_ok());
        assert!(check(&chain(MAX_OPERATORS + 1)).is_err());
        // Two statements of the limit each are fine: the count starts again.
        assert!(check(&format!("{}{}", chain(MAX_OPERATORS), chain(MAX_OPERATORS))).is_ok());
        assert!(check(&format!("when {}true\n", "not ".repeat(MAX_OPERATORS + 1))).is_err());
        assert!(check(&format!("pay {}1\n", "- ".repeat(MAX_OPERATORS + 1))).is_err());
        assert!(check(&format!("pay {}1\n", "if c then 1 else ".repeat(MAX_OPERATORS + 1))).is_err());
        // `>=` is one operator; strings, comments and words containing `in` do not count.
        assert!(check(&format!("when {}x\n", "x >= ".repeat(MAX_OPERATORS))).is_ok());
        assert!(check(&format!("pay \"{}\" # {}\n", "+".repeat(999), "-".repeat(999))).is_ok());
        assert!(check(&format!("pay {}x\n", "input_inner + ".repeat(MAX_OPERATORS))).is_ok());
    }

    #[test]
    fn brackets_are_matched_and_bounded() {
        let code = |text: &str| check(text).err().map(|p| p.code);
        assert_eq!(code("pay (1 + 2) # )\n"), None);
        assert_eq!(code("pay \"(\" + [1]\n"), None);
        assert_eq!(code("pay (1 + 2\n"), Some("E0002"));
        assert_eq!(code("pay 1 + 2)\n"), Some("E0003"));
        assert_eq!(code(&"(".repeat(MAX_NESTING + 1)), Some("E0008"));
        assert_eq!(code(&" ".repeat(MAX_SOURCE_BYTES + 1)), Some("E0006"));
        // A `}` while a `(` is open: the `}` is labelled first, then where the `(` opened.
        let problem = check("{ pay (1 }").unwrap_err();
        let labels: Vec<(Span, &str)> = problem.labels.iter().map(|(s, l)| (*s, l.as_str())).collect();
        assert_eq!(labels, [(Span::new(9, 10), "expected `)` before this"), (Span::new(6, 7), "`(` opened here")]);
    }
}
