//! The checks made on a policy's text before pest sees it: the file's size, the operators of
//! one expression (every one: in components and metrics, whatever names it uses; see
//! [`check_operators`]), and the brackets (nested not too deep, each closed by its own kind). A
//! hostile or generated policy gets a diagnostic instead of a stack overflow: parsing,
//! checking and evaluating are recursive over the expression tree, whose depth is bounded by
//! the bracket nesting ([`MAX_NESTING`]) plus the operators of one expression
//! ([`MAX_OPERATORS`]); a long chain `a + b + c ...` is as deep as it is long, because `+`
//! nests to the left. Matching brackets here also names a missing `}` and where it opened,
//! where pest would stop far from the cause ("unexpected `component`, expected ...").

use super::comments::{classify, Class};
use super::names::is_word_char;
use crate::diagnostics::syntax::SyntaxKind;
use crate::diagnostics::Problem;
use crate::source::Span;

/// Policies are small documents; a larger file is almost certainly not a policy.
pub const MAX_SOURCE_BYTES: usize = 1 << 20;
/// Operators (`+ - * / = < > and or not if default in tiers`) in one `let`, `when`, `pay`,
/// `cap`, `floor` or `metric`. A readable expression has a handful; a longer one is split
/// with `let`s.
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
    check_bidi(source)?;
    check_operators(source)?;
    check_brackets(source)
}

/// The characters with Unicode's Bidi_Control property, with their names: they reorder how
/// the text around them is displayed, so a reviewer could read another plan than the one run.
const BIDI_CONTROLS: [(char, &str); 12] = [
    ('\u{061C}', "ARABIC LETTER MARK"),
    ('\u{200E}', "LEFT-TO-RIGHT MARK"),
    ('\u{200F}', "RIGHT-TO-LEFT MARK"),
    ('\u{202A}', "LEFT-TO-RIGHT EMBEDDING"),
    ('\u{202B}', "RIGHT-TO-LEFT EMBEDDING"),
    ('\u{202C}', "POP DIRECTIONAL FORMATTING"),
    ('\u{202D}', "LEFT-TO-RIGHT OVERRIDE"),
    ('\u{202E}', "RIGHT-TO-LEFT OVERRIDE"),
    ('\u{2066}', "LEFT-TO-RIGHT ISOLATE"),
    ('\u{2067}', "RIGHT-TO-LEFT ISOLATE"),
    ('\u{2068}', "FIRST STRONG ISOLATE"),
    ('\u{2069}', "POP DIRECTIONAL ISOLATE"),
];

/// Refuses a bidi control character anywhere (code, texts, comments, test rows), as rustc
/// does in Rust source (`text_direction_codepoint_in_literal` and `..._in_comment`).
fn check_bidi(source: &str) -> Result<(), Problem> {
    for (at, c) in source.char_indices() {
        if let Some(&(c, name)) = BIDI_CONTROLS.iter().find(|(b, _)| *b == c) {
            return Err(Problem::new(SyntaxKind::BidiControl { c, name }, [Span::new(at, at + c.len_utf8())]));
        }
    }
    Ok(())
}

/// Where a count of operators may start again, decided on words and symbols alone (no
/// grammar), so that no identifier can stop or restart the count in the middle of an
/// expression:
///
/// - `let`, `when`, `pay`, `cap` and `floor` are reserved: each starts a statement, so the
///   count starts again at 0.
/// - A declaration word (`component`, `metric`, `input`, `table`, `payee`, `test`, `policy`,
///   `rounding`) outside every bracket ends what came before only when that could be whole
///   (it ended with a name, a number, a quoted text, `%` or a closing bracket): after an
///   operator, `then`, `else`, `flat` ... the word is a name inside an expression
///   (`x + table`) and the count goes on. A declaration word in a place where it could
///   neither go on an expression nor start a declaration makes pest stop right there.
/// - `component` and `metric` hold expressions, so the count goes on in them; `input`,
///   `table`, `payee`, `test`, `policy` and `rounding` hold none (their text, test rows
///   included, is not counted).
///
/// Counted: `+ - * × / = < > !` (`<=` and the like once) and the words `and or not if
/// default in tiers` (each `if` and `tiers` nests the grammar one level).
fn check_operators(source: &str) -> Result<(), Problem> {
    // Counting from the first character: text before any declaration is counted too.
    let mut scan = Scan { counting: true, count: 0, depth: 0, whole: true };
    let mut word: Option<usize> = None;
    let mut previous = ' ';
    for (at, c, class) in classify(source).chain(std::iter::once((source.len(), ' ', Class::Code))) {
        let word_char = class == Class::Code && is_word_char(c);
        if let Some(start) = word.filter(|_| !word_char) {
            scan.word(source.get(start..at).unwrap_or(""), Span::new(start, at))?;
            word = None;
        }
        match class {
            Class::Comment => continue,
            // A quoted text is whole, like a name.
            Class::Text => scan.whole = true,
            Class::Code if word_char => {
                if word.is_none() {
                    word = Some(at);
                }
            }
            Class::Code if c.is_whitespace() => {}
            Class::Code => scan.symbol(c, previous, Span::new(at, at + c.len_utf8()))?,
        }
        previous = c;
    }
    Ok(())
}

struct Scan {
    /// In a component or a metric (else: a declaration that holds no expression).
    counting: bool,
    count: usize,
    /// Brackets open.
    depth: usize,
    /// What came last could end an expression (a name, number, quoted text, `%`, `)`).
    whole: bool,
}

impl Scan {
    fn word(&mut self, word: &str, span: Span) -> Result<(), Problem> {
        match word {
            "let" | "when" | "pay" | "cap" | "floor" => {
                self.count = 0;
                self.whole = false;
            }
            "component" | "metric" | "input" | "table" | "payee" | "test" | "policy" | "rounding" => {
                if self.depth == 0 && self.whole {
                    self.counting = matches!(word, "component" | "metric");
                    self.count = 0;
                    self.whole = false;
                } else {
                    // A name, as in `x + table`.
                    self.whole = true;
                }
            }
            "and" | "or" | "not" | "if" | "default" | "in" | "tiers" => {
                self.whole = false;
                return self.one_more(span);
            }
            "then" | "else" | "where" | "flat" | "marginal" | "from" | "rate" | "fixed" => self.whole = false,
            _ => self.whole = true,
        }
        Ok(())
    }

    fn symbol(&mut self, c: char, previous: char, span: Span) -> Result<(), Problem> {
        self.whole = false;
        match c {
            '(' | '[' | '{' => self.depth += 1,
            ')' | ']' | '}' => {
                self.depth = self.depth.saturating_sub(1);
                self.whole = true;
            }
            '%' => self.whole = true,
            // `<=`, `>=`, `!=`, `==` are one operator: count the first character only.
            '+' | '-' | '*' | '×' | '/' | '=' | '<' | '>' | '!' if !matches!(previous, '<' | '>' | '!' | '=') => {
                return self.one_more(span);
            }
            _ => {}
        }
        Ok(())
    }

    fn one_more(&mut self, span: Span) -> Result<(), Problem> {
        if self.counting {
            self.count += 1;
            if self.count > MAX_OPERATORS {
                return Err(too_many(span));
            }
        }
        Ok(())
    }
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
    /// The three ways around the count that overflowed the stack, and where it must start again.
    fn no_word_or_line_end_escapes_the_count() {
        let over = |text: String| check(&text).err().map(|p| p.code);
        let ops = MAX_OPERATORS + 1;
        // A metric's expression is counted (no statement word before it).
        assert_eq!(over(format!("metric m monthly = 1{}\n", " + 1".repeat(ops))), Some("E0007"));
        // A declaration word used as a name goes on the count, in a block and outside.
        assert_eq!(over(format!("component c monthly {{ pay 1{} }}", " + table".repeat(ops))), Some("E0007"));
        assert_eq!(over(format!("metric m monthly = 1{}\n", " + input".repeat(ops))), Some("E0007"));
        // `metric table`: the name `table` follows a declaration word, not something whole.
        assert_eq!(over(format!("metric table monthly = 1{}\n", " + 1".repeat(ops))), Some("E0007"));
        // A lone CR ends a comment: what follows is counted.
        assert_eq!(over(format!("pay 1 # note\r{}\n", " + 1".repeat(ops))), Some("E0007"));
        // Each declaration after something whole starts again: two metrics at the limit each
        // pass, and so do a table's rows (`->`, `-5%`: no expression there) of any number.
        // (The `=` of a metric counts, as a `let`'s does: 127 `+` and it make 128.)
        let metric = format!("metric m monthly = 1{}\n", " + 1".repeat(MAX_OPERATORS - 1));
        assert_eq!(over(format!("{metric}{metric}")), None);
        let rows = "  \"a\" -> -5%\n".repeat(ops);
        assert_eq!(over(format!("{metric}table t(k) {{\n{rows}}}\n{metric}")), None);
        // Test rows are not counted, even holding statement words and dates.
        let test_rows = "T1, 2026-01-05, pay, 1\n".repeat(ops);
        assert_eq!(over(format!("test \"t\" {{ sales {{\nid,date,m,a\n{test_rows}}} }}")), None);
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
        // Trojan Source: an RLO in a comment, an LRI in a text, an RLM between two words.
        assert_eq!(code("pay 1 # \u{202E} }\n"), Some("E0009"));
        assert_eq!(code("pay \"a\u{2066}\"\n"), Some("E0009"));
        assert_eq!(code("pay a\u{200F} b\n"), Some("E0009"));
        let problem = check("pay 1 # x\u{202E}").unwrap_err();
        // `pay 1 # x` is 9 bytes; U+202E takes 3 in UTF-8.
        assert_eq!(problem.labels.first().map(|(s, _)| *s), Some(Span::new(9, 12)));
        // A `}` while a `(` is open: the `}` is labelled first, then where the `(` opened.
        let problem = check("{ pay (1 }").unwrap_err();
        let labels: Vec<(Span, &str)> = problem.labels.iter().map(|(s, l)| (*s, l.as_str())).collect();
        assert_eq!(labels, [(Span::new(9, 10), "expected `)` before this"), (Span::new(6, 7), "`(` opened here")]);
    }
}
