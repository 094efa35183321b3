//! C0009: a name mixing Latin letters with letters of another script that Unicode lists as
//! confusable with Latin (`rаte`, Cyrillic `а`). rustc's `mixed_script_confusables` in
//! spirit, per name: a name in one script (`сумма`, `销售额`) or Chinese with Latin
//! (`销售_amount`) is fine. Found on the names as written (`syntax::names`).

use std::collections::HashSet;

use unicode_script::{Script, UnicodeScript};
use unicode_security::mixed_script::{is_potential_mixed_script_confusable_char, AugmentedScriptSet};
use unicode_security::MixedScript;

use crate::diagnostics::lints::LintKind;
use crate::diagnostics::Problem;
use crate::source::Span;

/// One warning per such name, at its first use.
pub fn check(names: &[(Span, &str)]) -> Vec<Problem> {
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    for &(span, name) in names {
        if name.is_ascii() || !seen.insert(name) || name.is_single_script() {
            continue;
        }
        let latin = name.chars().any(|c| c.script() == Script::Latin);
        let chars: Vec<char> = name
            .chars()
            .filter(|&c| {
                let set = AugmentedScriptSet::for_char(c);
                c.script() != Script::Latin && !set.is_all() && is_potential_mixed_script_confusable_char(c)
            })
            .collect();
        if latin && !chars.is_empty() {
            found.push(Problem::new(LintKind::MixedScriptName { name: name.to_string(), chars }, [span]));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warned(words: &[&str]) -> Vec<String> {
        let names: Vec<(Span, &str)> = words.iter().map(|w| (Span::new(0, 1), *w)).collect();
        check(&names).iter().map(|p| p.message.clone()).collect()
    }

    #[test]
    fn latin_with_look_alikes_only() {
        // `rаte` with U+0430 CYRILLIC SMALL LETTER A, listed by Unicode as confusable with `a`.
        assert_eq!(
            warned(&["r\u{430}te", "r\u{430}te"]),
            ["the name `r\\u{430}te` mixes Latin letters with look-alikes from another script"]
        );
        // One script each, or Chinese with Latin: nothing.
        assert_eq!(warned(&["rate", "сумма", "销售额", "销售_amount", "東京"]), Vec::<String>::new());
    }
}
