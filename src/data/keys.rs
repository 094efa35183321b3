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
//! [`KeyIndex`] numbers a fixed set of keys (the rows one ledger names in another) by the same
//! split, so that looking a key up costs a few integer operations; [`KeyBits`] holds a set of
//! numbered keys as a bit per number, to test a key against with no ranking at all.
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
///
/// Called once or twice per row of a large ledger (a key, a customer to count), so the usual
/// key is split without a loop: its last eight bytes (or all, when fewer) are one word, its
/// digits found by one comparison of all eight lanes and their value worked out in three
/// steps, each adding pairs of lanes. A key whose last eight bytes are all digits goes
/// byte by byte ([`split_bytewise`]).
#[inline]
pub(crate) fn split(key: &str) -> Option<(&str, usize, u64)> {
    let bytes = key.as_bytes();
    let len = bytes.len();
    // The last eight bytes, the last byte in the highest lane (lanes before a short key: 0).
    let word = match len {
        8.. => u64::from_le_bytes(<[u8; 8]>::try_from(bytes.get(len - 8..)?).ok()?),
        1..=7 => short_word(bytes)? << (8 * (8 - len)),
        0 => return None,
    };
    // Digits become 0..=9; any other byte a value above 9, whose lane's high bit is then set.
    let values = word ^ 0x3030_3030_3030_3030;
    let others = (((values & 0x7F7F_7F7F_7F7F_7F7F) + 0x7676_7676_7676_7676) | values) & 0x8080_8080_8080_8080;
    // Digits at the end: the lanes above the highest that is not one.
    let digits = others.leading_zeros() as usize / 8;
    if digits == 8 && len > 8 {
        return split_bytewise(key);
    }
    if digits == 0 {
        return None;
    }
    // The digits' values, the lanes below them 0 (leading zeros); the first digit is the
    // lowest lane and the most significant.
    let mut n = match digits {
        8 => values,
        d => values & !((1u64 << (8 * (8 - d))) - 1),
    };
    n = (n.wrapping_mul(10) + (n >> 8)) & 0x00FF_00FF_00FF_00FF;
    n = (n.wrapping_mul(100) + (n >> 16)) & 0x0000_FFFF_0000_FFFF;
    n = (n.wrapping_mul(10000) + (n >> 32)) & 0x0000_0000_FFFF_FFFF;
    // ASCII: the word's bytes (digits, the prefix's last bytes, zeros) and any before it.
    if word & 0x8080_8080_8080_8080 != 0 || (len > 8 && !bytes.get(..len - 8)?.is_ascii()) {
        return None;
    }
    Some((key.get(..len - digits)?, digits, n))
}

/// [`split`], byte by byte from the last digit: for keys ending in more than eight digits.
fn split_bytewise(key: &str) -> Option<(&str, usize, u64)> {
    let bytes = key.as_bytes();
    let (mut at, mut n, mut scale) = (bytes.len(), 0u64, 1u64);
    while let Some(&b) = at.checked_sub(1).and_then(|i| bytes.get(i)) {
        if !b.is_ascii_digit() {
            break;
        }
        if bytes.len() - at == 19 {
            // A twentieth digit.
            return None;
        }
        // At most 19 digits: below 2^64, and so is 10^19.
        n += u64::from(b - b'0') * scale;
        scale = scale.wrapping_mul(10);
        at -= 1;
    }
    let digits = bytes.len() - at;
    let prefix = bytes.get(..at)?;
    if digits == 0 || !prefix.is_ascii() {
        return None;
    }
    Some((key.get(..at)?, digits, n))
}

/// One to eight bytes as one number, a byte a lane (the first lowest, the lanes past the end
/// nothing), from two loads that overlap where they hold the same bytes; `None` when empty
/// or longer (an id or a short value looked up by its bytes, without a loop over them).
pub(crate) fn short_word(bytes: &[u8]) -> Option<u64> {
    let u16_at = |at: usize| bytes.get(at..at + 2).and_then(|b| <[u8; 2]>::try_from(b).ok()).map(u16::from_le_bytes);
    let u32_at = |at: usize| bytes.get(at..at + 4).and_then(|b| <[u8; 4]>::try_from(b).ok()).map(u32::from_le_bytes);
    let n = bytes.len();
    Some(match n {
        8 => u64::from_le_bytes(<[u8; 8]>::try_from(bytes).ok()?),
        4..=7 => u64::from(u32_at(0)?) | u64::from(u32_at(n - 4)?) << (8 * (n - 4)),
        2..=3 => u64::from(u16_at(0)?) | u64::from(u16_at(n - 2)?) << (8 * (n - 2)),
        1 => u64::from(*bytes.first()?),
        _ => return None,
    })
}

/// Whether two short byte strings are equal, in line: up to sixteen bytes as two words (or
/// halves, or quarters) from each end, other lengths byte by byte (a prefix, an id or a
/// listed value is a word or two: a call to `memcmp` per candidate costs more than the
/// comparison, and so does a loop over the three bytes of `E01` or the one of a key's `S`).
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    // One to sixteen bytes (a key, a listed value): two loads from each end, which overlap
    // where they cover the same bytes.
    let word =
        |s: &[u8], at: usize| s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_le_bytes);
    let half =
        |s: &[u8], at: usize| s.get(at..at + 4).and_then(|w| <[u8; 4]>::try_from(w).ok()).map(u32::from_le_bytes);
    let quarter =
        |s: &[u8], at: usize| s.get(at..at + 2).and_then(|w| <[u8; 2]>::try_from(w).ok()).map(u16::from_le_bytes);
    match n {
        0 => true,
        1 => a.first() == b.first(),
        2..=3 => quarter(a, 0) == quarter(b, 0) && quarter(a, n - 2) == quarter(b, n - 2),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        _ => {
            let mut same = true;
            for (x, y) in a.iter().zip(b) {
                same &= x == y;
            }
            same
        }
    }
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

/// A fixed set of keys, each with a dense index in `0..len()`: the keys rows of one ledger name
/// in another (the sales that credits split, the sales that cancellations name), looked up once
/// per row of the named ledger. Numbered keys are found by their class (prefix and width, as
/// [`split`] cuts them) and number, never by hashing or comparing text: a class is a bitmap of
/// its numbers with a count of the keys before each word (a key's index is its rank), or, when
/// its numbers are too sparse for a bitmap, its numbers sorted. Every other key is in a hash map.
#[derive(Debug, Default, Clone)]
pub struct KeyIndex {
    classes: Vec<IndexClass>,
    others: FxHashMap<Box<str>, usize>,
    len: usize,
}

/// Where [`KeyIndex::new`] places a key while indexing: its class and number, or (class
/// [`OTHER`]) its index among the other keys. Sixteen bytes (millions of keys, a share's each).
type Placed = (u32, u64);

/// The class of a key that is not numbered.
const OTHER: u32 = u32::MAX;

#[derive(Debug, Clone)]
struct IndexClass {
    prefix: Box<str>,
    width: usize,
    /// The index of the class's first key.
    base: usize,
    numbers: Numbers,
}

#[derive(Debug, Clone)]
enum Numbers {
    /// Bit `n` is set for number `n`; `before[w]` numbers are below word `w`'s.
    Bits { bits: Vec<u64>, before: Vec<usize> },
    /// The numbers, sorted, each once.
    Sorted(Vec<u64>),
}

/// A class's numbers as slices: what a lookup reads of them.
#[derive(Debug, Clone, Copy)]
enum NumbersRef<'a> {
    Bits { bits: &'a [u64], before: &'a [usize] },
    Sorted(&'a [u64]),
}

impl Numbers {
    fn as_ref(&self) -> NumbersRef<'_> {
        match self {
            Numbers::Bits { bits, before } => NumbersRef::Bits { bits, before },
            Numbers::Sorted(numbers) => NumbersRef::Sorted(numbers),
        }
    }
}

impl NumbersRef<'_> {
    /// How many numbers are below `n`, and whether `n` is one of them.
    fn rank(self, n: u64) -> (usize, bool) {
        match self {
            NumbersRef::Bits { bits, before } => {
                let w = usize::try_from(n / 64).unwrap_or(usize::MAX);
                let Some(&word) = bits.get(w) else { return (before.last().copied().unwrap_or(0), false) };
                let bit = 1u64 << (n % 64);
                let below = before.get(w).copied().unwrap_or(0) + (word & (bit - 1)).count_ones() as usize;
                (below, word & bit != 0)
            }
            NumbersRef::Sorted(numbers) => {
                let below = numbers.partition_point(|&m| m < n);
                (below, numbers.get(below) == Some(&n))
            }
        }
    }
}

impl KeyIndex {
    /// At most this many classes; keys of further classes go in the hash map.
    const CLASSES: usize = 16;
    /// A class is a bitmap when that takes at most this many bytes a key.
    const BITMAP_BYTES_PER_KEY: u64 = 16;

    /// The index of `keys` (a repeated key is one key), and each key's index, in the order
    /// given.
    pub fn new<'k>(keys: impl Iterator<Item = &'k str>) -> (KeyIndex, Vec<usize>) {
        let mut index = KeyIndex::default();
        let mut numbers: Vec<Vec<u64>> = Vec::new();
        // Per key: its class and number, or its index among the other keys.
        let mut at: Vec<Placed> = Vec::with_capacity(keys.size_hint().0);
        // The key before, and where it was placed: a key given again at once (the shares of one
        // sale, one after another) is placed as it was, not split and counted again.
        let mut previous: Option<(&str, Placed)> = None;
        for key in keys {
            if let Some((before, placed)) = previous {
                if same_bytes(before.as_bytes(), key.as_bytes()) {
                    at.push(placed);
                    continue;
                }
            }
            let class = split(key).and_then(|(prefix, width, n)| {
                let c = match index.classes.iter().position(|c| c.width == width && *c.prefix == *prefix) {
                    Some(c) => c,
                    None if index.classes.len() < Self::CLASSES => {
                        index.classes.push(IndexClass {
                            prefix: prefix.into(),
                            width,
                            base: 0,
                            numbers: Numbers::Sorted(Vec::new()),
                        });
                        numbers.push(Vec::new());
                        index.classes.len() - 1
                    }
                    None => return None,
                };
                numbers.get_mut(c)?.push(n);
                Some((c, n))
            });
            let placed = match class {
                Some((c, n)) => (c as u32, n),
                None => match index.others.get(key) {
                    Some(&i) => (OTHER, i as u64),
                    None => {
                        let i = index.others.len();
                        index.others.insert(key.into(), i);
                        (OTHER, i as u64)
                    }
                },
            };
            at.push(placed);
            previous = Some((key, placed));
        }
        let mut next = 0;
        for (class, mut numbers) in index.classes.iter_mut().zip(numbers) {
            numbers.sort_unstable();
            numbers.dedup();
            class.base = next;
            next += numbers.len();
            let words = numbers.last().map_or(0, |n| n / 64 + 1);
            class.numbers = match usize::try_from(words) {
                Ok(words) if words as u64 * 8 <= Self::BITMAP_BYTES_PER_KEY * numbers.len() as u64 => {
                    let mut bits = vec![0u64; words];
                    for n in &numbers {
                        if let Some(word) = usize::try_from(n / 64).ok().and_then(|w| bits.get_mut(w)) {
                            *word |= 1 << (n % 64);
                        }
                    }
                    let mut before = Vec::with_capacity(bits.len());
                    let mut count = 0;
                    for word in &bits {
                        before.push(count);
                        count += word.count_ones() as usize;
                    }
                    Numbers::Bits { bits, before }
                }
                _ => Numbers::Sorted(numbers),
            };
        }
        for i in index.others.values_mut() {
            *i += next;
        }
        index.len = next + index.others.len();
        let indexes = at
            .into_iter()
            .map(|(c, n)| match c {
                OTHER => next + n as usize,
                c => index.classes.get(c as usize).map_or(0, |class| class.base + class.numbers.as_ref().rank(n).0),
            })
            .collect();
        (index, indexes)
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The index of `key`, if it is in the set.
    pub fn get(&self, key: &str) -> Option<usize> {
        self.get_split(key, split(key))
    }

    /// The index of `key`, split as [`split`] splits it (a caller looking one key up in several
    /// indexes splits it once).
    pub fn get_split(&self, key: &str, parts: Option<(&str, usize, u64)>) -> Option<usize> {
        let classes = self.classes.iter().map(|c| (&*c.prefix, c.width, c.base, c.numbers.as_ref()));
        find_split(classes, &self.others, key, parts)
    }

    /// A view of the index for one thread that looks keys up on every row: its own copy of
    /// the classes (prefixes, widths, bases and where their numbers are), the numbers and
    /// the other keys borrowed. What a lookup reads first then lies in memory that thread
    /// made, never beside what another thread writes as it reads (which takes the cache line
    /// from it again and again).
    pub fn view(&self) -> KeyView<'_> {
        KeyView {
            classes: self.classes.iter().map(|c| (c.prefix.clone(), c.width, c.base, c.numbers.as_ref())).collect(),
            others: &self.others,
        }
    }
}

/// A [`KeyIndex`] as one thread looks it up ([`KeyIndex::view`]).
#[derive(Debug, Clone)]
pub struct KeyView<'a> {
    classes: Vec<(Box<str>, usize, usize, NumbersRef<'a>)>,
    others: &'a FxHashMap<Box<str>, usize>,
}

impl KeyView<'_> {
    /// [`KeyIndex::get_split`] (on every row of a ledger read in blocks: in line).
    #[inline]
    pub fn get_split(&self, key: &str, parts: Option<(&str, usize, u64)>) -> Option<usize> {
        let classes = self.classes.iter().map(|(prefix, width, base, numbers)| (&**prefix, *width, *base, *numbers));
        find_split(classes, self.others, key, parts)
    }
}

/// The index of `key` among keys in `classes` (prefix, width, the index of its first key, its
/// numbers) and `others`, `key` split as [`split`] splits it.
fn find_split<'c>(
    mut classes: impl Iterator<Item = (&'c str, usize, usize, NumbersRef<'c>)>,
    others: &FxHashMap<Box<str>, usize>,
    key: &str,
    parts: Option<(&str, usize, u64)>,
) -> Option<usize> {
    let class = parts.and_then(|(prefix, width, n)| {
        let found = classes.find(|c| c.1 == width && same_bytes(c.0.as_bytes(), prefix.as_bytes()))?;
        Some((found, n))
    });
    match class {
        Some(((_, _, base, numbers), n)) => match numbers.rank(n) {
            (below, true) => Some(base + below),
            (_, false) => None,
        },
        None => others.get(key).copied(),
    }
}

/// Keys numbered like `S000123`, as a bit per number per class (a prefix and a width, as
/// [`split`] cuts a key): a set to test a key against with a few integer operations, no
/// hashing or ranking, built key by key (each thread its own, then united). It holds numbers
/// up to [`KeyBits::LARGEST`], of at most [`KeyBits::CLASSES`] classes, in [`KeyBits::WORDS`]
/// words of 64 bits at most (a hostile file's many classes, or large numbers, cost no more
/// time or memory): a key it cannot hold (not numbered, past them) is refused, and it
/// remembers that one was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyBits {
    classes: Vec<(Box<str>, usize, Vec<u64>)>,
    /// Words held, over all classes.
    words: usize,
    /// A key was refused.
    refused: bool,
}

impl KeyBits {
    /// The largest number held.
    pub const LARGEST: u64 = 1 << 27;
    /// Words held at most (32 MB), over all classes.
    pub const WORDS: usize = 1 << 22;
    /// Classes added to at most (a class is found by a look at each).
    pub const CLASSES: usize = 64;

    /// The set of `keys`, refusing those it cannot hold.
    pub fn of<'k>(keys: impl Iterator<Item = &'k str>) -> KeyBits {
        let mut bits = KeyBits::default();
        for key in keys {
            bits.insert(split(key));
        }
        bits
    }

    /// Adds the key split as `parts` (`None`: not numbered); `false` when it is refused.
    #[inline]
    pub fn insert(&mut self, parts: Option<(&str, usize, u64)>) -> bool {
        let Some((prefix, width, n)) = parts.filter(|&(_, _, n)| n <= Self::LARGEST) else {
            self.refused = true;
            return false;
        };
        let word = (n / 64) as usize;
        let class = match self.class(prefix, width) {
            Some(c) => c,
            None if self.classes.len() >= Self::CLASSES => {
                self.refused = true;
                return false;
            }
            None => {
                self.classes.push((prefix.into(), width, Vec::new()));
                self.classes.len() - 1
            }
        };
        let Some((_, _, bits)) = self.classes.get_mut(class) else { return false };
        if word >= bits.len() {
            let more = word + 1 - bits.len();
            if self.words + more > Self::WORDS {
                self.refused = true;
                return false;
            }
            bits.resize(word + 1, 0);
            self.words += more;
        }
        match bits.get_mut(word) {
            Some(w) => {
                *w |= 1 << (n % 64);
                true
            }
            None => false,
        }
    }

    fn class(&self, prefix: &str, width: usize) -> Option<usize> {
        self.classes.iter().position(|c| c.1 == width && same_bytes(c.0.as_bytes(), prefix.as_bytes()))
    }

    /// Whether the key split as `parts` was added.
    #[inline]
    pub fn has(&self, parts: Option<(&str, usize, u64)>) -> bool {
        let Some((prefix, width, n)) = parts else { return false };
        let Some((_, _, bits)) =
            self.classes.iter().find(|c| c.1 == width && same_bytes(c.0.as_bytes(), prefix.as_bytes()))
        else {
            return false;
        };
        usize::try_from(n / 64).ok().and_then(|w| bits.get(w)).is_some_and(|w| w & (1 << (n % 64)) != 0)
    }

    /// No key was refused: a key not in the set was not offered.
    pub fn complete(&self) -> bool {
        !self.refused
    }

    /// No key was added.
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    /// Adds `other`'s keys (and its refusals). United sets may hold more words and classes
    /// than one (none is dropped).
    pub fn unite(&mut self, other: KeyBits) {
        self.refused |= other.refused;
        for (prefix, width, bits) in other.classes {
            match self.class(&prefix, width).and_then(|c| self.classes.get_mut(c)) {
                Some((_, _, mine)) => {
                    if mine.len() < bits.len() {
                        self.words += bits.len() - mine.len();
                        mine.resize(bits.len(), 0);
                    }
                    for (m, b) in mine.iter_mut().zip(&bits) {
                        *m |= b;
                    }
                }
                None => {
                    self.words += bits.len();
                    self.classes.push((prefix, width, bits));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        /// A key is in the bits exactly when it was added and could be held (numbered, up to
        /// the largest number); the bits say they are complete exactly when every key added
        /// could be; united bits hold both sets' keys. Keys of a few classes, numbered and
        /// not, some numbered past the bits' reach.
        #[test]
        fn key_bits_hold_exactly_the_keys_added(
            a in proptest::collection::vec("(S|SX|K)?[0-9]{1,4}|S9999999999|AB|[0-9]{10}", 0..12),
            b in proptest::collection::vec("(S|SX|K)?[0-9]{1,4}|S134217728|S134217729|BA", 0..12),
            probes in proptest::collection::vec("(S|SX|K)?[0-9]{1,4}|S9999999999|AB|BA|[0-9]{10}", 0..24),
        ) {
            // Worked out from the text: numbered (by `split`, tested on its own) and the
            // number at most 2^27.
            let holds = |k: &str| split(k).is_some_and(|(_, _, n)| n <= 1 << 27);
            let mut x = KeyBits::default();
            for k in &a {
                prop_assert_eq!(x.insert(split(k)), holds(k), "{}", k);
            }
            let y = KeyBits::of(b.iter().map(String::as_str));
            prop_assert_eq!(x.complete(), a.iter().all(|k| holds(k)));
            prop_assert_eq!(y.complete(), b.iter().all(|k| holds(k)));
            let mut u = x.clone();
            u.unite(y.clone());
            for p in probes.iter().chain(&a).chain(&b) {
                prop_assert_eq!(x.has(split(p)), a.contains(p) && holds(p), "{}", p);
                prop_assert_eq!(u.has(split(p)), (a.contains(p) || b.contains(p)) && holds(p), "{}", p);
            }
            prop_assert_eq!(u.complete(), x.complete() && y.complete());
        }
    }

    /// Bits of many classes of large numbers hold no more than their words: past them a key
    /// is refused (and the bits incomplete), while the keys held stay held.
    #[test]
    fn key_bits_refuse_keys_past_their_words() {
        let mut bits = KeyBits::default();
        // 2^27 in class A: 2^21 + 1 words.
        assert!(bits.insert(split("A134217728")));
        assert!(bits.complete());
        // Another 2^21 + 1 would pass the 2^22.
        assert!(!bits.insert(split("B134217728")));
        assert!(!bits.complete());
        // One more word does not.
        assert!(bits.insert(split("C1")));
        assert!(bits.has(split("A134217728")));
        assert!(!bits.has(split("B134217728")));
        assert!(bits.has(split("C1")));
        assert!(!bits.has(split("C2")));
    }

    /// Keys of more classes than the bits hold (a hostile file's keys of as many prefixes as
    /// rows): those of classes past the 64th are refused, the others held; united, none is
    /// lost.
    #[test]
    fn key_bits_refuse_keys_of_classes_past_the_64th() {
        let key = |c: usize, n: u32| format!("{}{n}", "K".repeat(c + 1));
        let mut bits = KeyBits::default();
        for c in 0..100 {
            assert_eq!(bits.insert(split(&key(c, 7))), c < 64, "class {c}");
            assert_eq!(bits.complete(), c < 64);
        }
        // A new number of a class held is still held.
        assert!(bits.insert(split(&key(3, 9))));
        // Sixty classes, 60 to 119, held by another set: united, 120 classes.
        let mut other = KeyBits::default();
        for c in 60..120 {
            assert!(other.insert(split(&key(c, 8))), "class {c}");
        }
        bits.unite(other);
        for c in 0..120 {
            assert_eq!(bits.has(split(&key(c, 7))), c < 64, "class {c}");
            assert_eq!(bits.has(split(&key(c, 8))), c >= 60, "class {c}");
        }
        assert!(bits.has(split(&key(3, 9))));
    }

    #[test]
    fn short_words_are_the_bytes_in_lanes() {
        let by_bytes = |b: &[u8]| b.iter().rev().fold(0u64, |k, &x| k << 8 | u64::from(x));
        for len in 0..=10usize {
            for v in [0u8, 1, 0x7f, 0x80, 0xff] {
                for at in 0..len.max(1) {
                    let mut b: Vec<u8> = (0..len).map(|i| 0x31 + i as u8).collect();
                    if let Some(x) = b.get_mut(at) {
                        *x = v;
                    }
                    let expected = (1..=8).contains(&len).then(|| by_bytes(&b));
                    assert_eq!(short_word(&b), expected, "{b:?}");
                }
            }
        }
    }

    #[test]
    fn same_bytes_is_equality() {
        // Every length to 20, a difference at every place, of every bit.
        for len in 0..=20usize {
            let a: Vec<u8> = (0..len).map(|i| b'A' + i as u8).collect();
            assert!(same_bytes(&a, &a.clone()), "{len}");
            for at in 0..len {
                for bit in 0..8 {
                    let mut b = a.clone();
                    b[at] ^= 1 << bit;
                    assert!(!same_bytes(&a, &b), "{len} {at} {bit}");
                    assert!(!same_bytes(&b, &a), "{len} {at} {bit}");
                }
            }
            let mut longer = a.clone();
            longer.push(b'A');
            assert!(!same_bytes(&a, &longer), "{len}");
        }
    }

    proptest! {
        /// The split in one word is the split byte by byte, for keys of digits and of the
        /// bytes around them (ASCII and not, up to 24 bytes).
        #[test]
        fn split_is_the_bytewise_split(key in "[S0-9/:A\\x00\\x7f\u{80}王]{0,24}") {
            prop_assert_eq!(split(&key), split_bytewise(&key));
        }
    }

    #[test]
    fn split_in_one_word_agrees_at_every_length() {
        // Every length to 24, digits from none to all, each digit value at each place.
        for len in 0..=24usize {
            for digits in 0..=len {
                for d in b'0'..=b'9' {
                    for at in 0..len {
                        let mut key: Vec<u8> =
                            (0..len).map(|i| if i < len - digits { b'K' } else { b'0' + (i % 10) as u8 }).collect();
                        if at >= len - digits {
                            key[at] = d;
                        }
                        let key = String::from_utf8(key).unwrap();
                        assert_eq!(split(&key), split_bytewise(&key), "{key}");
                    }
                }
            }
        }
    }

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
        assert_eq!(split("a9999999999999999999"), Some(("a", 19, 9_999_999_999_999_999_999)));
        assert_eq!(split("AB-12-0099"), Some(("AB-12-", 4, 99)));
        assert_eq!(split(""), None);
        assert_eq!(split("0"), Some(("", 1, 0)));
    }

    /// Keys given again at once (a sale's shares, one after another) are placed as the first
    /// time, numbered keys and others alike, and a key met again later too.
    #[test]
    fn a_key_index_places_keys_given_again_at_once_as_the_first_time() {
        let once = ["S000013", "S000014", "plain", "S000002", "x-1a", "S000013"];
        let runs: Vec<&str> =
            once.iter().zip([3, 1, 2, 4, 2, 1]).flat_map(|(k, n)| std::iter::repeat_n(*k, n)).collect();
        let (index, of) = KeyIndex::new(runs.iter().copied());
        let (alone, of_alone) = KeyIndex::new(once.iter().copied());
        assert_eq!(index.len(), 5);
        assert_eq!(alone.len(), 5);
        let expected: Vec<usize> =
            of_alone.iter().zip([3, 1, 2, 4, 2, 1]).flat_map(|(i, n)| std::iter::repeat_n(*i, n)).collect();
        assert_eq!(of, expected);
        for key in once {
            assert_eq!(index.get(key), alone.get(key), "{key}");
        }
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

    #[test]
    fn a_key_index_numbers_dense_and_sparse_classes_and_other_keys() {
        // S: dense (a bitmap); T: sparse (sorted numbers); the rest in the map.
        let keys = ["S0003", "T0000000001", "S0001", "x", "T9000000000", "S0003", "S0064", "王7", "S3"];
        let (index, of) = KeyIndex::new(keys.iter().copied());
        assert_eq!(index.len(), 8);
        assert!(matches!(index.classes.first().map(|c| &c.numbers), Some(Numbers::Bits { .. })));
        assert!(matches!(index.classes.get(1).map(|c| &c.numbers), Some(Numbers::Sorted(_))));
        // S0001, S0003, S0064 (ranks 0, 1, 2), then T0000000001, T9000000000, then S3 (a class
        // of its own: one digit), then the others as they came: `x`, 王7 (not ASCII).
        assert_eq!(of, vec![1, 3, 0, 6, 4, 1, 2, 7, 5]);
        for (key, i) in keys.iter().zip(&of) {
            assert_eq!(index.get(key), Some(*i), "{key}");
        }
        for absent in ["S0002", "S0065", "S00003", "T0000000002", "T1", "y", "S", "", "王8"] {
            assert_eq!(index.get(absent), None, "{absent}");
        }
    }

    #[test]
    fn a_key_index_finds_no_key_outside_its_set() {
        let set = ["S0000007", "S0000064", "S0000000", "S0001000"];
        let (index, _) = KeyIndex::new(set.iter().copied());
        for key in set {
            assert!(index.get(key).is_some(), "{key}");
        }
        // Other numbers (below, between and above the set's), another width, another prefix,
        // no digits: none of them is in the set.
        for key in ["S0000008", "S0000063", "S0000065", "S0009999", "S000007", "X0000007", "S", "", "S00000070"] {
            assert_eq!(index.get(key), None, "{key}");
        }
        // Keys of several classes, more classes than it keeps apart, large numbers, no digits.
        let mut mixed: Vec<String> =
            ["S999999", "S1000000", "X0000007", "S000007", "S999999999", "ABC"].iter().map(|k| k.to_string()).collect();
        mixed.extend((0..20).map(|c| format!("K{c}x0001")));
        let (index, of) = KeyIndex::new(mixed.iter().map(String::as_str));
        assert_eq!(index.len(), mixed.len());
        for (key, i) in mixed.iter().zip(&of) {
            assert_eq!(index.get(key), Some(*i), "{key}");
        }
        for key in ["S999998", "S1000001", "X0000008", "S0000007", "X000007", "S0999999", "ABD", "K0x0002", "K20x0001"]
        {
            assert_eq!(index.get(key), None, "{key}");
        }
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

        /// The split agrees with one written from its definition: trailing ASCII digits (one
        /// to nineteen) and their value, and the rest an ASCII prefix.
        #[test]
        fn keys_split_as_defined(key in "[A-Z0-9王-]{0,4}[0-9]{0,22}") {
            let digits = key.chars().rev().take_while(char::is_ascii_digit).count();
            let (prefix, number) = key.split_at(key.len() - digits);
            let expected = match (digits, prefix.is_ascii()) {
                (1..=19, true) => Some((prefix, digits, number.parse::<u64>().unwrap_or(u64::MAX))),
                _ => None,
            };
            prop_assert_eq!(split(&key), expected);
        }

        /// A key index is one-to-one from the distinct keys onto `0..len`, and finds no other
        /// key, whatever the classes (more than it keeps apart), widths and sparseness.
        #[test]
        fn a_key_index_numbers_each_distinct_key_once(
            keys in proptest::collection::vec((0usize..20, 0u64..200, 0u64..3), 0..300),
            probes in proptest::collection::vec((0usize..20, 0u64..200, 0u64..3), 0..50)
        ) {
            let text = |(p, n, spread): (usize, u64, u64)| {
                let n = n * 10u64.pow(spread as u32 * 4);
                match p {
                    0 => format!("{n}"),
                    1 => format!("S{n:06}"),
                    2 => "plain".to_string(),
                    p => format!("P{p}-{n}"),
                }
            };
            let keys: Vec<String> = keys.into_iter().map(text).collect();
            let (index, of) = KeyIndex::new(keys.iter().map(String::as_str));
            let mut first: HashMap<&str, usize> = HashMap::new();
            for (key, i) in keys.iter().zip(&of) {
                prop_assert_eq!(*first.entry(key).or_insert(*i), *i, "{}", key);
                prop_assert_eq!(index.get(key), Some(*i));
            }
            prop_assert_eq!(index.len(), first.len());
            let mut all: Vec<usize> = first.values().copied().collect();
            all.sort_unstable();
            prop_assert_eq!(all, (0..first.len()).collect::<Vec<usize>>());
            for probe in probes.into_iter().map(text) {
                prop_assert_eq!(index.get(&probe), first.get(probe.as_str()).copied(), "{}", probe);
            }
        }
    }
}
