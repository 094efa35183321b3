//! The keys seen in a ledger, to refuse a repeated one, in memory that does not grow with rows
//! when keys are numbered in order.
//!
//! Exports number their rows: `S000000001`, `S000000002`, ... on consecutive lines. Such a key
//! is split once into a prefix that does not end in a digit, the width of its trailing digits
//! and their number (`S000000002` is `S`, 9 digits, 2). Keys of one prefix and width that
//! follow each other (number and file line both one more than the last) extend a *run*, kept
//! as three integers; a key out of order starts a run of its own. Every other key (no trailing
//! digits, more than 19 of them, or not ASCII) is kept whole in a hash map. The split is
//! one-to-one (the prefix never ends in a digit, and the width keeps leading zeros), so two
//! keys are equal exactly when their parts are: the check is exact, never a fingerprint.
//!
//! A leaf: uses nothing of ours.

use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Unbounded};

/// Numbered keys in runs, and the other keys whole; each with the file line it was seen on.
/// Every key is kept in exactly one place.
#[derive(Debug, Default)]
pub struct KeySet {
    /// A class's name (its prefix followed by its width in digits: a prefix never ends in a
    /// digit, so the name is one-to-one) to its index in `classes`.
    class_index: FxHashMap<Box<str>, usize>,
    classes: Vec<Class>,
    /// The class of the last numbered key, so a key in order costs no hash lookup.
    last_class: Option<usize>,
    /// The last key, when it was numbered and kept in `others`: a key that follows it starts a
    /// class.
    previous: Option<Previous>,
    /// A reused buffer for a class name.
    name: String,
    /// Keys of no class: not numbered, or numbered but not (yet) in a run.
    others: FxHashMap<Box<str>, u64>,
}

/// Keys of one prefix and width, in runs.
#[derive(Debug)]
struct Class {
    prefix: Box<str>,
    width: usize,
    /// Runs by their first number: numbers `start..start + len` seen on lines
    /// `line..line + len`.
    runs: BTreeMap<u64, Run>,
    /// The first number of the run the last key of this class extended or started.
    last_run: u64,
    /// `others` may still hold keys of this class (seen before the class began, when `others`
    /// was too large to search): every key of the class is then looked up there too.
    also_in_others: bool,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    len: u64,
    line: u64,
}

#[derive(Debug)]
struct Previous {
    key: String,
    prefix_len: usize,
    n: u64,
    line: u64,
}

/// When a class begins, `others` is searched for its earlier keys only when it is this small,
/// so that beginning many classes never costs a search of many keys each.
const SEARCH_OTHERS_UP_TO: usize = 64;

/// Splits a key into prefix (not ending in a digit), number of trailing digits, and their value;
/// `None` when it has no trailing digits, more than 19, or is not ASCII.
pub(crate) fn split(key: &str) -> Option<(&str, usize, u64)> {
    if !key.is_ascii() {
        return None;
    }
    let digits = key.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 19 {
        return None;
    }
    let (prefix, number) = key.split_at(key.len() - digits);
    Some((prefix, digits, number.parse().ok()?))
}

fn class_name(name: &mut String, prefix: &str, width: usize) {
    name.clear();
    name.push_str(prefix);
    name.push_str(&width.to_string());
}

impl KeySet {
    /// Records `key`, seen on `line`. When it was seen before, returns the line it was first
    /// seen on, and records nothing.
    pub fn insert(&mut self, key: &str, line: u64) -> Result<(), u64> {
        let previous = self.previous.take();
        let Some((prefix, width, n)) = split(key) else {
            return self.insert_other(key, line);
        };
        let class = self.class_of(prefix, width).and_then(|index| Some((index, self.classes.get_mut(index)?)));
        if let Some((index, class)) = class {
            self.last_class = Some(index);
            if class.also_in_others {
                if let Some(&first) = self.others.get(key) {
                    return Err(first);
                }
            }
            return class.insert(n, line);
        }
        if let Some(&first) = self.others.get(key) {
            return Err(first);
        }
        let follows = previous.as_ref().is_some_and(|p| {
            p.n.checked_add(1) == Some(n)
                && p.line.checked_add(1) == Some(line)
                && p.key.len() == key.len()
                && p.key.get(..p.prefix_len) == Some(prefix)
        });
        match previous {
            Some(p) if follows => {
                self.begin_class(prefix, width, &p);
                self.insert(key, line)
            }
            _ => {
                self.others.insert(key.into(), line);
                self.previous = Some(Previous { key: key.to_string(), prefix_len: prefix.len(), n, line });
                Ok(())
            }
        }
    }

    fn insert_other(&mut self, key: &str, line: u64) -> Result<(), u64> {
        match self.others.get(key) {
            Some(&first) => Err(first),
            None => {
                self.others.insert(key.into(), line);
                Ok(())
            }
        }
    }

    /// The index of the class of `prefix` and `width`, if it has begun.
    fn class_of(&mut self, prefix: &str, width: usize) -> Option<usize> {
        if let Some(last) = self.last_class {
            if self.classes.get(last).is_some_and(|c| c.width == width && &*c.prefix == prefix) {
                return Some(last);
            }
        }
        class_name(&mut self.name, prefix, width);
        self.class_index.get(self.name.as_str()).copied()
    }

    /// Begins the class of `previous`'s key, moving that key (and, when `others` is small,
    /// every other key of the class) out of `others` into runs.
    fn begin_class(&mut self, prefix: &str, width: usize, previous: &Previous) {
        let mut class = Class {
            prefix: prefix.into(),
            width,
            runs: BTreeMap::new(),
            last_run: 0,
            also_in_others: self.others.len() > SEARCH_OTHERS_UP_TO,
        };
        if class.also_in_others {
            self.others.remove(previous.key.as_str());
            let _ = class.insert(previous.n, previous.line);
        } else {
            let mut mine: Vec<(u64, u64)> = Vec::new();
            self.others.retain(|k, &mut line| match split(k) {
                Some((p, w, n)) if p == prefix && w == width => {
                    mine.push((n, line));
                    false
                }
                _ => true,
            });
            mine.sort_unstable();
            for (n, line) in mine {
                let _ = class.insert(n, line);
            }
            // The run the next key extends.
            class.last_run = class.runs.range(..=previous.n).next_back().map_or(previous.n, |(&s, _)| s);
        }
        class_name(&mut self.name, prefix, width);
        self.class_index.insert(self.name.as_str().into(), self.classes.len());
        self.classes.push(class);
    }

    /// The line `key` was first seen on, if it was; records nothing.
    pub fn seen(&self, key: &str) -> Option<u64> {
        if let Some((prefix, width, n)) = split(key) {
            let mut name = String::new();
            class_name(&mut name, prefix, width);
            if let Some(class) = self.class_index.get(name.as_str()).and_then(|&i| self.classes.get(i)) {
                let found = class.runs.range(..=n).next_back().filter(|(&s, run)| n - s < run.len);
                if let Some((&start, run)) = found {
                    return Some(run.line + (n - start));
                }
                if !class.also_in_others {
                    return None;
                }
            }
        }
        self.others.get(key).copied()
    }

    /// Every key recorded, with its line (numbered keys first, by class and number).
    pub fn iter(&self) -> impl Iterator<Item = (String, u64)> + '_ {
        let numbered = self.classes.iter().flat_map(|class| {
            class.runs.iter().flat_map(move |(&start, run)| {
                (0..run.len)
                    .map(move |i| (format!("{}{:0width$}", class.prefix, start + i, width = class.width), run.line + i))
            })
        });
        numbered.chain(self.others.iter().map(|(k, &line)| (k.to_string(), line)))
    }
}

impl Class {
    fn insert(&mut self, n: u64, line: u64) -> Result<(), u64> {
        // In order: one more than the last key of the run, on the next line, and not the first
        // number of a later run.
        if let Some(run) = self.runs.get(&self.last_run).copied() {
            let next = self.last_run + run.len;
            if n == next && line == run.line + run.len {
                if let Some((&start, later)) = self.runs.range((Excluded(self.last_run), Unbounded)).next() {
                    if start == n {
                        return Err(later.line);
                    }
                }
                if let Some(run) = self.runs.get_mut(&self.last_run) {
                    run.len += 1;
                }
                return Ok(());
            }
        }
        if let Some((&start, run)) = self.runs.range(..=n).next_back() {
            if n - start < run.len {
                return Err(run.line + (n - start));
            }
        }
        self.runs.insert(n, Run { len: 1, line });
        self.last_run = n;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn keys_are_split_one_to_one() {
        assert_eq!(split("S000000002"), Some(("S", 9, 2)));
        assert_eq!(split("S2"), Some(("S", 1, 2)));
        assert_eq!(split("12"), Some(("", 2, 12)));
        assert_eq!(split("A1B07"), Some(("A1B", 2, 7)));
        assert_eq!(split("AB"), None);
        assert_eq!(split("王1"), None);
        assert_eq!(split("A12345678901234567890"), None);
        assert_eq!(split("A1234567890123456789"), Some(("A", 19, 1_234_567_890_123_456_789)));
    }

    #[test]
    fn a_run_in_order_is_three_numbers_and_repeats_are_found_with_their_first_line() {
        let mut keys = KeySet::default();
        for i in 1..=1000u64 {
            assert_eq!(keys.insert(&format!("S{i:09}"), i + 1), Ok(()));
        }
        assert_eq!(keys.classes.len(), 1);
        assert_eq!(keys.classes.first().map(|c| c.runs.len()), Some(1));
        assert!(keys.others.is_empty());
        // S000000500 was on line 501.
        assert_eq!(keys.insert("S000000500", 2000), Err(501));
        // The same number with another width is another key.
        assert_eq!(keys.insert("S00000500", 2001), Ok(()));
        assert_eq!(keys.insert("S500", 2002), Ok(()));
        assert_eq!(keys.insert("S500", 2003), Err(2002));
    }

    #[test]
    fn extending_a_run_into_the_start_of_a_later_one_is_a_repeat() {
        let mut keys = KeySet::default();
        assert_eq!(keys.insert("K5", 10), Ok(()));
        assert_eq!(keys.insert("K6", 11), Ok(()));
        assert_eq!(keys.insert("K3", 12), Ok(()));
        assert_eq!(keys.insert("K4", 13), Ok(()));
        // K5 would extend the run K3..K4 (next number, next line) but was seen on line 10.
        assert_eq!(keys.insert("K5", 14), Err(10));
    }

    #[test]
    fn keys_seen_before_their_class_began_are_still_found_when_others_is_large() {
        let mut keys = KeySet::default();
        let mut line = 1;
        for i in 0..100 {
            line += 1;
            assert_eq!(keys.insert(&format!("U{i}X"), line), Ok(()));
        }
        assert_eq!(keys.insert("A7", 200), Ok(()));
        // Beginning A's class now does not search the 101 keys of `others`.
        assert_eq!(keys.insert("A1", 300), Ok(()));
        assert_eq!(keys.insert("A2", 301), Ok(()));
        assert!(keys.classes.first().is_some_and(|c| c.also_in_others));
        assert_eq!(keys.seen("A7"), Some(200));
        assert_eq!(keys.insert("A7", 302), Err(200));
        assert_eq!(keys.seen("A1"), Some(300));
        assert_eq!(keys.seen("A3"), None);
    }

    proptest! {
        /// The key set answers exactly as a map of every key seen, whatever the order, the
        /// lines, the prefixes and the widths.
        #[test]
        fn agrees_with_a_map_of_every_key(
            ops in proptest::collection::vec((0usize..6, 0u64..40, 0u64..3), 0..400)
        ) {
            let prefixes = ["", "S", "S0", "A-", "王", "X"];
            let mut keys = KeySet::default();
            let mut reference: HashMap<String, u64> = HashMap::new();
            let mut line = 1;
            for (p, n, gap) in ops {
                line += gap;
                let prefix = prefixes.get(p).copied().unwrap_or("");
                let key = match p {
                    5 => format!("{prefix}{}", "Y".repeat(n as usize % 3)),
                    1 => format!("{prefix}{n:03}"),
                    _ => format!("{prefix}{n}"),
                };
                let expected = match reference.get(&key) {
                    Some(&first) => Err(first),
                    None => {
                        reference.insert(key.clone(), line);
                        Ok(())
                    }
                };
                prop_assert_eq!(keys.seen(&key), expected.err(), "seen {}", key);
                prop_assert_eq!(keys.insert(&key, line), expected, "key {}", key);
            }
            let mut all: Vec<(String, u64)> = keys.iter().collect();
            all.sort();
            let mut want: Vec<(String, u64)> = reference.into_iter().collect();
            want.sort();
            prop_assert_eq!(all, want);
        }
    }
}
