//! Size limits checked on the text before pest sees it, so that a hostile or generated
//! policy gets a diagnostic instead of a stack overflow. Parsing, checking and evaluating
//! are recursive over the expression tree; its depth is bounded by the bracket nesting
//! (`MAX_NESTING` in `parse.rs`) plus the operators of one expression, limited here. A
//! long chain `a + b + c ...` is as deep as it is long, because `+` nests to the left.

use super::comments::{classify, Class};
use crate::diagnostics::Problem;
use crate::source::Span;

/// Policies are small documents; a larger file is almost certainly not a policy.
pub const MAX_SOURCE_BYTES: usize = 1 << 20;
/// Operators (`+ - * / = < > and or not if default in`) in one `let`, `when`, `pay`, `cap`
/// or `floor`. A readable expression has a handful; a longer one is split with `let`s.
pub const MAX_OPERATORS: usize = 128;

pub fn check(source: &str) -> Result<(), Problem> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(Problem::error(
            format!("policy is {} bytes, more than the limit of {MAX_SOURCE_BYTES}", source.len()),
            Span::new(0, 0),
            "file starts here",
        )
        .with_help("split the plan, or check that this is the policy file you meant"));
    }
    check_operators(source)
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
    Problem::error(format!("expression has more than {MAX_OPERATORS} operators"), span, "one too many")
        .with_help("split it into named parts with `let`, e.g. `let base = ...`")
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
}
