//! `commission fmt`: one canonical layout for every policy.
//!
//! The policy is parsed, then printed again from its AST: two-space indentation, one space
//! around operators, input columns, rate tables, tier brackets and inline test rows aligned
//! in columns, one blank line between declarations, at most one blank line kept inside a
//! block. Declarations, statements and rows stay in the order written; numbers, texts and
//! percentages are printed as written (`100_000` stays `100_000`). Redundant parentheses are
//! dropped: the printer puts back exactly those the precedence rules need, so a formatted
//! policy parses to the same tree. Comments, which the grammar skips, are re-attached by
//! position (see [`lines`]).
//!
//! May use: `syntax` (the AST and comments), `lang`, `source`, `diagnostics`. Never `check`
//! or anything after it: formatting works on any policy that parses.

mod decls;
mod expr;
mod lines;

use crate::diagnostics::Problem;

/// The canonical form of a policy source, or the problems that stop it from parsing.
pub fn format(source: &str) -> Result<String, Vec<Problem>> {
    let policy = crate::syntax::parse(source)?;
    let comments = crate::syntax::comments(source);
    let mut out = lines::Out::new(source);
    decls::policy(&mut out, &policy);
    Ok(out.finish(&comments))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(src: &str) -> String {
        match format(src) {
            Ok(s) => s,
            Err(p) => panic!("{p:?}"),
        }
    }

    #[test]
    fn lays_out_a_small_policy() {
        let src = "# head\npolicy \"P\" version \"1\" currency CNY\ninput s { key id : text\n period d: date payee m: text amount: money } payee s.m\ncomponent a monthly { let x=sum(s.amount)   # total\n pay tiers flat x { from 0 rate 3% from 100_000 rate 5% } }";
        let want = "# head\npolicy \"P\" version \"1\" currency CNY\n\ninput s {\n  key    id:     text\n  period d:      date\n  payee  m:      text\n         amount: money\n}\n\npayee s.m\n\ncomponent a monthly {\n  let x = sum(s.amount)  # total\n  pay tiers flat x {\n    from 0        rate 3%\n    from 100_000  rate 5%\n  }\n}\n";
        assert_eq!(fmt(src), want);
        assert_eq!(fmt(want), want);
    }

    #[test]
    /// `*` and `-` group to the left, so parentheses on their right side are needed.
    fn keeps_needed_parentheses_only() {
        let src = "policy \"P\" version \"1\" currency CNY\ncomponent a monthly { pay ((1 + 2)) * (3 * 4) - (5 - 6) + (if x then 1 else 2) }";
        assert!(fmt(src).contains("pay (1 + 2) * (3 * 4) - (5 - 6) + (if x then 1 else 2)\n"), "{}", fmt(src));
    }

    #[test]
    /// A lone CR ends a line (and a comment) for the formatter as it does for the grammar and
    /// the prescan: a policy saved with CR line ends formats as its LF copy does. Before, the
    /// `{` after `# note\r` was taken for comment and the block's brace was looked for in the
    /// wrong place.
    fn a_lone_cr_is_a_line_end() {
        let lf = "policy \"P\" version \"1\" currency CNY\ncomponent a monthly # note\n{ pay 1 # two\n}\n\n# last\n";
        let want =
            "policy \"P\" version \"1\" currency CNY\n\n# note\ncomponent a monthly {\n  pay 1  # two\n}\n\n# last\n";
        assert_eq!(fmt(lf), want);
        assert_eq!(fmt(&lf.replace('\n', "\r")), want);
        assert_eq!(fmt(&lf.replace('\n', "\r\n")), want);
    }
}
