//! Names that look alike (E0160): two different names of the policy with the same Unicode
//! confusable skeleton (UTS #39, from the `unicode-security` crate), at least one of them not
//! plain ASCII. This is rustc's `confusable_idents`, made an error: see the code's
//! explanation. NFC against NFD spellings of one name have one skeleton too.

use std::collections::HashMap;

use unicode_security::confusable_detection::skeleton;

use crate::diagnostics::check::CheckKind;
use crate::diagnostics::Problem;
use crate::source::Span;

/// One problem per pair of look-alike names, at the later name's first use, in source order.
/// Linear in the names: one skeleton per distinct name.
pub fn check(names: &[(Span, &str)]) -> Vec<Problem> {
    let mut first_use: HashMap<&str, Span> = HashMap::new();
    let mut distinct: Vec<(Span, &str)> = Vec::new();
    for &(span, name) in names {
        first_use.entry(name).or_insert_with(|| {
            distinct.push((span, name));
            span
        });
    }
    let mut by_skeleton: HashMap<String, (Span, &str)> = HashMap::new();
    let mut problems = Vec::new();
    for (span, name) in distinct {
        let key: String = skeleton(name).collect();
        match by_skeleton.get(&key) {
            Some(&(first, like)) if !(name.is_ascii() && like.is_ascii()) => problems.push(Problem::new(
                CheckKind::ConfusableNames { name: name.to_string(), like: like.to_string() },
                [span, first],
            )),
            Some(_) => {}
            None => {
                by_skeleton.insert(key, (span, name));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(words: &[&str]) -> Vec<String> {
        let names: Vec<(Span, &str)> = words.iter().enumerate().map(|(i, w)| (Span::new(i, i + 1), *w)).collect();
        check(&names).iter().map(|p| p.message.clone()).collect()
    }

    #[test]
    fn look_alikes_are_found_and_plain_names_are_not() {
        // Cyrillic а (U+0430) in `rate`, used twice: one problem, at its first use.
        assert_eq!(
            pairs(&["rate", "r\u{430}te", "r\u{430}te"]),
            ["the names `r\\u{430}te` and `rate` look alike but are different"]
        );
        // Full-width Ｍ (U+FF2D) against M; é precomposed (NFC) against e + U+0301 (NFD).
        assert_eq!(pairs(&["M001", "\u{ff2d}001"]).len(), 1);
        assert_eq!(pairs(&["caf\u{e9}", "cafe\u{301}"]).len(), 1);
        // Two ASCII names are never reported (as rustc: `rn` and `m` share a skeleton), nor
        // different Chinese names, nor one name repeated.
        assert_eq!(pairs(&["burn", "bum", "销售额", "提成", "销售额"]), Vec::<String>::new());
    }
}
