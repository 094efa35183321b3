//! Ids (payee and key values): which text an id may be, and when two ids look alike.
//!
//! An id is compared byte for byte everywhere else (the fold, lookups, keys), so text that
//! looks the same must be the same bytes: an id holding an invisible character, or written
//! with decomposed characters, is refused ([`check_id`]); two distinct ids that look alike
//! ([`skeleton`]: full-width folded, then Unicode's confusable skeleton, UTS #39) are found
//! by [`LookAlikes`], which computes the skeleton once per distinct id.
//!
//! A leaf: uses nothing of ours.

use rustc_hash::FxHashMap;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory};

/// Why an id is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdProblem {
    /// A control character, an invisible format character (Cf: zero-width space, byte-order
    /// mark, bidi controls) or a line or paragraph separator: the first one.
    Hidden(char),
    /// Not in NFC; the composed form.
    NotComposed(String),
}

/// Checks one id: nothing hidden, composed (NFC). Printable ASCII is accepted at once (the
/// common case costs one scan of the bytes).
#[inline]
pub fn check_id(id: &str) -> Result<(), IdProblem> {
    // Inlined where it is called (the chunked fold calls it on a counted text every row); the
    // rest is not.
    match printable_ascii(id.as_bytes()) {
        true => Ok(()),
        false => check_unicode_id(id),
    }
}

/// `check_id` of an id that is not all printable ASCII.
#[inline(never)]
fn check_unicode_id(id: &str) -> Result<(), IdProblem> {
    let hidden = id
        .chars()
        .find(|c| matches!(c.general_category(), G::Control | G::Format | G::LineSeparator | G::ParagraphSeparator));
    if let Some(c) = hidden {
        return Err(IdProblem::Hidden(c));
    }
    if is_nfc_quick(id.chars()) == IsNormalized::Yes {
        return Ok(());
    }
    let composed: String = id.nfc().collect();
    if composed == id {
        Ok(())
    } else {
        Err(IdProblem::NotComposed(composed))
    }
}

/// Whether every byte is printable ASCII (0x20 to 0x7e), eight bytes a step: a byte is below
/// 0x20 when subtracting 0x20 borrows into its top bit, 0x7f when it equals it, and above
/// when its top bit is set (the usual word-at-a-time tests, exact for every byte value). The
/// bytes past the last whole word are tested in one more word, the last eight bytes (or, for
/// an id of four to seven bytes, its first and last four: bytes tested twice are the same).
#[inline]
fn printable_ascii(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each lane of `w` whose byte is not printable.
    let unprintable = |w: u64| {
        // With no top bit set, `w - 0x20` per byte borrows only from bytes below 0x20, and
        // `w ^ 0x7f` has a zero byte only where a byte is 0x7f.
        let below = w.wrapping_sub(ONES * 0x20) & !w;
        let del = w ^ (ONES * 0x7f);
        let zero = del.wrapping_sub(ONES) & !del;
        (w | below | zero) & HIGH
    };
    let word = |at: usize| bytes.get(at..at + 8).and_then(|b| <[u8; 8]>::try_from(b).ok()).map(u64::from_le_bytes);
    let half = |at: usize| bytes.get(at..at + 4).and_then(|b| <[u8; 4]>::try_from(b).ok()).map(u32::from_le_bytes);
    let len = bytes.len();
    match len {
        8.. => {
            let whole = (0..len / 8).all(|i| word(8 * i).is_some_and(|w| unprintable(w) == 0));
            whole && (len.is_multiple_of(8) || word(len - 8).is_some_and(|w| unprintable(w) == 0))
        }
        4..=7 => match (half(0), half(len - 4)) {
            // Both halves side by side in one word.
            (Some(a), Some(b)) => unprintable(u64::from(a) | u64::from(b) << 32) == 0,
            _ => false,
        },
        _ => bytes.iter().all(|&b| b.wrapping_sub(0x20) < 0x5f),
    }
}

/// The form in which two ids look alike: full-width and other compatibility forms folded
/// (NFKC: `Ｍ001` is `M001`), then Unicode's confusable skeleton (a Cyrillic `А` is a Latin
/// `A`).
pub fn skeleton(id: &str) -> String {
    let folded: String = id.nfkc().collect();
    unicode_security::skeleton(&folded).collect()
}

/// Distinct ids seen so far, by skeleton, each with where it was first seen.
#[derive(Debug, Clone)]
pub struct LookAlikes<L> {
    by_skeleton: FxHashMap<String, (Box<str>, L)>,
    /// While every id added is ASCII, the ids in the order they came, not by skeleton: two
    /// ASCII ids are never compared, so the skeletons (a few thousand instructions an id) are
    /// worked out only once an id that is not ASCII comes, and a ledger of ASCII ids needs
    /// none (`None` once one has come).
    ascii: Option<Vec<(Box<str>, L)>>,
}

impl<L> Default for LookAlikes<L> {
    fn default() -> Self {
        LookAlikes { by_skeleton: FxHashMap::default(), ascii: Some(Vec::new()) }
    }
}

impl<L: Clone> LookAlikes<L> {
    /// Adds an id not added before. Returns an earlier, different id that looks like it, and
    /// where that one was seen. Two ids written only in ASCII are not compared: `O1` and `01`
    /// are typed, and anyone reading them tells them apart; what this catches comes from
    /// pasting (full-width forms, letters of another script).
    pub fn add(&mut self, id: &str, at: impl FnOnce() -> L) -> Option<(String, L)> {
        if let Some(ascii) = self.ascii.as_mut() {
            if id.is_ascii() {
                ascii.push((id.into(), at()));
                return None;
            }
            // The first id that is not ASCII: the ASCII ids before it by skeleton, in the
            // order they came (the first of a skeleton is the one named).
            for (other, other_at) in self.ascii.take().into_iter().flatten() {
                self.by_skeleton.entry(skeleton(&other)).or_insert((other, other_at));
            }
        }
        let key = skeleton(id);
        match self.by_skeleton.get(&key) {
            Some((other, other_at)) => {
                if &**other != id && !(other.is_ascii() && id.is_ascii()) {
                    return Some((other.to_string(), other_at.clone()));
                }
                None
            }
            None => {
                self.by_skeleton.insert(key, (id.into(), at()));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word-at-a-time test says what a byte-by-byte one says: every byte value at every
    /// place of a word, among printable neighbours, and every pair of values side by side.
    #[test]
    fn printable_ascii_is_the_byte_by_byte_test() {
        let reference = |b: &[u8]| b.iter().all(|x| (0x20..0x7f).contains(x));
        for len in 0..=17 {
            for at in 0..len {
                for v in 0..=255u8 {
                    let mut bytes = vec![b'A'; len];
                    bytes[at] = v;
                    assert_eq!(printable_ascii(&bytes), reference(&bytes), "{v:#x} at {at} of {len}");
                }
            }
        }
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let bytes = [b'0', a, b, b'~', b' ', b'x', b'y', b'z', a];
                assert_eq!(printable_ascii(&bytes), reference(&bytes), "{a:#x} {b:#x}");
            }
        }
    }

    #[test]
    fn ids_with_hidden_characters_are_refused() {
        assert_eq!(check_id("M001"), Ok(()));
        assert_eq!(check_id("王芳"), Ok(()));
        assert_eq!(check_id("王芳\u{200b}"), Err(IdProblem::Hidden('\u{200b}')));
        assert_eq!(check_id("\u{feff}M1"), Err(IdProblem::Hidden('\u{feff}')));
        assert_eq!(check_id("M\u{202e}1"), Err(IdProblem::Hidden('\u{202e}')));
        assert_eq!(check_id("M\t1"), Err(IdProblem::Hidden('\t')));
        assert_eq!(check_id("M\u{1b}1"), Err(IdProblem::Hidden('\u{1b}')));
    }

    #[test]
    fn decomposed_ids_are_refused_with_their_composed_form() {
        assert_eq!(check_id("Jos\u{e9}"), Ok(()));
        assert_eq!(check_id("Jose\u{301}"), Err(IdProblem::NotComposed("Jos\u{e9}".into())));
    }

    #[test]
    fn look_alikes_are_found_once_per_distinct_id() {
        let mut seen = LookAlikes::default();
        assert_eq!(seen.add("M001", || 2), None);
        // Full-width M, then Cyrillic А against Latin A.
        assert_eq!(seen.add("Ｍ001", || 3), Some(("M001".to_string(), 2)));
        assert_eq!(seen.add("A001", || 4), None);
        assert_eq!(seen.add("\u{410}001", || 5), Some(("A001".to_string(), 4)));
        // Two ASCII ids are not compared, even when their skeletons agree (0 and O).
        assert_eq!(seen.add("MOO1", || 6), None);
        assert_eq!(seen.add("王芳", || 7), None);
        assert_eq!(seen.add("王明", || 8), None);
    }

    /// ASCII ids kept aside until an id that is not ASCII comes are then compared as if
    /// they had been by skeleton all along: the first of a skeleton is the one named.
    #[test]
    fn ascii_ids_kept_aside_are_compared_once_another_comes() {
        let mut seen = LookAlikes::default();
        assert_eq!(seen.add("MOO1", || 1), None);
        // The same skeleton as MOO1 (0 and O), ASCII: not compared, and not the one named.
        assert_eq!(seen.add("M001", || 2), None);
        assert_eq!(seen.add("B7", || 3), None);
        // Full-width Ｍ, then Cyrillic В: each named with the first ASCII id of its skeleton.
        assert_eq!(seen.add("Ｍ001", || 4), Some(("MOO1".to_string(), 1)));
        assert_eq!(seen.add("\u{412}7", || 5), Some(("B7".to_string(), 3)));
        assert_eq!(seen.add("B8", || 6), None);
        assert_eq!(seen.add("\u{412}8", || 7), Some(("B8".to_string(), 6)));
    }
}
