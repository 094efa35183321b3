//! "Did you mean": the closest known name to a misspelt one.
//!
//! Plain string matching over the names a stage knows: the checker (inputs, columns, names,
//! functions), the ledger reader (columns, sheets, values), evaluation (payees), the tools and
//! the command line. A leaf: it uses nothing of ours.
//!
//! A leaf: uses nothing of ours.

/// The candidate closest to `name`, if it is close enough to be a plausible typo.
/// Jaro-Winkler finds typos in longer Latin names; for short names (two-character Chinese
/// names such as `王方` for `王芳`) one edit is also a plausible typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = name.chars().count();
    candidates
        .into_iter()
        .map(|c| {
            let score = strsim::jaro_winkler(name, c);
            // One edit scores 0.8, which only matters below it; it needs lengths one apart
            // at most (an edit distance is at least the difference of the lengths).
            let one_edit = || length >= 2 && within_one_edit(name, length, c);
            (if score < 0.8 && one_edit() { 0.8 } else { score }, c)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Whether one edit (a character inserted, removed or replaced) or none turns `a`, of
/// `length` characters, into `b`: the lengths at most one apart, and the characters they start
/// with in common and those they end with in common (counted apart, they may overlap) all of
/// the longer but one.
fn within_one_edit(a: &str, length: usize, b: &str) -> bool {
    let other = b.chars().count();
    if other.abs_diff(length) > 1 {
        return false;
    }
    let start = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let end = a.chars().rev().zip(b.chars().rev()).take_while(|(x, y)| x == y).count();
    start + end + 1 >= other.max(length)
}

/// A help line: "did you mean `x`?" or the list of what exists.
pub fn help<'a>(name: &str, what: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> String {
    match closest(name, candidates.clone()) {
        Some(c) => format!("did you mean `{c}`?"),
        None => {
            let all: Vec<String> = candidates.into_iter().map(|c| format!("`{c}`")).collect();
            if all.is_empty() {
                format!("no {what} is declared")
            } else {
                format!("the {what}s are {}", all.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// One edit or none, as the edit distance says, over short words of a few letters
        /// (so that near words are common), Chinese among them.
        #[test]
        fn one_edit_is_an_edit_distance_of_one(a in "[ab王芳]{0,6}", b in "[ab王芳]{0,6}") {
            proptest::prop_assert_eq!(within_one_edit(&a, a.chars().count(), &b), strsim::levenshtein(&a, &b) <= 1);
        }
    }

    #[test]
    fn finds_typos() {
        assert_eq!(closest("amout", ["amount", "date", "kind"]), Some("amount"));
        assert_eq!(closest("sale", ["sales", "surveys"]), Some("sales"));
        assert_eq!(closest("zzz", ["amount", "date"]), None);
        assert_eq!(closest("王方", ["张伟", "王芳", "李娜"]), Some("王芳"));
        assert_eq!(closest("赵六", ["张伟", "王芳"]), None);
    }
}
