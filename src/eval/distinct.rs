//! The distinct values of one bucket (`count_distinct`), as numbers: the fold numbers each
//! value once (`aggregate::Interner`, or `chunked.rs`'s codes), and a bucket keeps the set of
//! its numbers. Both readers keep their sets in this one type.
//!
//! A set is kept in one of two forms, whichever is smaller:
//! - **packed**: the numbers sorted, each stored as its gap from the one before in as few
//!   bytes as it needs (seven bits a byte). Two thousand customers out of a hundred thousand
//!   take about one byte each, against four as plain numbers;
//! - a **bitmap**: a bit per number up to the largest, when the numbers are dense.
//!
//! Numbers arrive in any order and with repeats. They wait in a short unsorted list and are
//! merged into the packed form when that list has grown to the set's size (or 128), so a set
//! holds about 5 bytes per distinct value at most while it is being added to, and about one
//! once complete. (Half the set was tried: 5 MB less at 10M rows, 6% slower, every settling
//! decoding and encoding the whole set again.)

/// Numbers may wait unsorted up to this many however small the set (four bytes each).
const FEWEST_WAITING: usize = 128;
/// Room for numbers to wait made at least (sixteen bytes): over 100,000 payees a bucket gets a
/// number or two a block, and room made for one, then two, then four moved the list each time
/// (a fifth of the fold at 10M rows; the same peak memory).
const FEWEST_ROOM: usize = 4;

/// Sorted distinct numbers, each as its gap from the one before minus one (the first as
/// itself), seven bits a byte, the high bit set on every byte but a number's last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Packed {
    bytes: Vec<u8>,
    len: usize,
    last: u32,
}

impl Packed {
    /// Appends `n`, which is larger than every number already in (the caller's promise; a
    /// number not larger is skipped, so the set stays sorted and distinct).
    #[inline]
    fn push(&mut self, n: u32) {
        let gap = match self.len {
            0 => n,
            _ if n <= self.last => return,
            _ => n - self.last - 1,
        };
        self.len += 1;
        self.last = n;
        if gap < 0x80 {
            self.bytes.push(gap as u8);
            return;
        }
        let (bytes, len) = varint(gap);
        self.bytes.extend_from_slice(bytes.get(..len).unwrap_or_default());
    }

    fn iter(&self) -> Unpacked<'_> {
        Unpacked { bytes: &self.bytes, at: 0, previous: None }
    }

    /// The union of this set and `sorted` (sorted and distinct), in one pass over both.
    fn union(&self, sorted: impl Iterator<Item = u32>, count: usize) -> Packed {
        // About as many bytes a number as the set takes now.
        let per = self.bytes.len().checked_div(self.len).unwrap_or(1).max(1);
        let mut out = Packed { bytes: Vec::with_capacity(self.bytes.len() + count * per + 8), len: 0, last: 0 };
        let mut theirs = sorted;
        // Their next number not yet written (a plain loop: `Peekable::next_if` was not inlined).
        let mut next = theirs.next();
        for a in self.iter() {
            while let Some(b) = next {
                if b > a {
                    break;
                }
                if b < a {
                    out.push(b);
                }
                next = theirs.next();
            }
            out.push(a);
        }
        while let Some(b) = next {
            out.push(b);
            next = theirs.next();
        }
        out
    }

    /// The number of bytes of the first number.
    fn first_width(&self) -> usize {
        self.bytes.iter().position(|&b| b < 0x80).map_or(self.bytes.len(), |w| w + 1)
    }
}

/// `n` as a packed set writes a gap (and its first number): seven bits a byte, low bits
/// first, the high bit set on every byte but the last; the bytes and how many there are.
fn varint(mut n: u32) -> ([u8; 5], usize) {
    let mut out = [0u8; 5];
    let mut len = 0;
    for byte in out.iter_mut() {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        len += 1;
        if n == 0 {
            *byte = low;
            break;
        }
        *byte = low | 0x80;
    }
    (out, len)
}

/// The numbers of a [`Packed`] set, in order.
struct Unpacked<'a> {
    bytes: &'a [u8],
    at: usize,
    previous: Option<u32>,
}

impl Iterator for Unpacked<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        let first = *self.bytes.get(self.at)?;
        if first < 0x80 {
            // A gap of one byte, the common case.
            self.at += 1;
            let n = match self.previous {
                None => u32::from(first),
                Some(p) => p.checked_add(u32::from(first))?.checked_add(1)?,
            };
            self.previous = Some(n);
            return Some(n);
        }
        let mut gap = 0u32;
        let mut shift = 0u32;
        loop {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            gap |= u32::from(byte & 0x7f).checked_shl(shift)?;
            if byte < 0x80 {
                break;
            }
            shift += 7;
        }
        let n = match self.previous {
            None => gap,
            Some(p) => p.checked_add(gap)?.checked_add(1)?,
        };
        self.previous = Some(n);
        Some(n)
    }
}

/// The distinct values of one bucket, as numbers (see the module's comment).
#[derive(Debug, Clone, Default)]
pub struct DistinctValues {
    packed: Packed,
    /// Numbers added since the last settling, unsorted, maybe repeated.
    pending: Vec<u32>,
    /// Bit `n` set when number `n` was seen (and then `packed` is empty).
    bits: Option<Vec<u64>>,
}

impl DistinctValues {
    pub(crate) fn add(&mut self, n: u32) {
        if let Some(bits) = &mut self.bits {
            set_bit(bits, n);
            return;
        }
        self.pending.push(n);
        self.settle_if_grown();
    }

    /// Adds numbers, settling when the unsorted ones have grown to the set's size.
    pub(crate) fn extend(&mut self, numbers: &[u32]) {
        match &mut self.bits {
            Some(bits) => numbers.iter().for_each(|&n| set_bit(bits, n)),
            None => {
                let wanted = self.pending.len() + numbers.len();
                if wanted > self.pending.capacity() {
                    // Doubling as a vector grows, but never past the next settling: a set of a
                    // few numbers keeps room for a few (10,000 payees' 120,000 payee-months
                    // each kept room for 128, 61 MB a thread, most of a run's memory).
                    let room =
                        wanted.max(2 * self.pending.capacity()).max(FEWEST_ROOM).min(self.threshold()).max(wanted);
                    self.pending.reserve_exact(room - self.pending.len());
                }
                self.pending.extend_from_slice(numbers);
                self.settle_if_grown();
            }
        }
    }

    /// Adds a vector of numbers; into a set with nothing pending, the vector itself is kept.
    pub(crate) fn extend_vec(&mut self, numbers: Vec<u32>) {
        if self.bits.is_none() && self.pending.is_empty() {
            self.pending = numbers;
            self.settle_if_grown();
        } else {
            self.extend(&numbers);
        }
    }

    /// How many numbers may wait unsorted: as many as the set has, or [`FEWEST_WAITING`].
    fn threshold(&self) -> usize {
        self.packed.len.max(FEWEST_WAITING)
    }

    fn settle_if_grown(&mut self) {
        if self.pending.len() >= self.threshold() {
            self.settle();
        }
    }

    /// Sorts the pending numbers and merges them into the set, which becomes a bitmap when
    /// that is smaller.
    pub(crate) fn settle(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        if let Some(bits) = &mut self.bits {
            for &n in &self.pending {
                set_bit(bits, n);
            }
            self.pending.clear();
            return;
        }
        self.pending.sort_unstable();
        self.pending.dedup();
        self.packed = self.packed.union(self.pending.iter().copied(), self.pending.len());
        self.pending.clear();
        if self.pending.capacity() > 2 * self.threshold() {
            // A large vector taken whole (`extend_vec`): not kept as room.
            self.pending = Vec::new();
        }
        self.bits_if_smaller();
    }

    /// Becomes a bitmap when that is smaller than the packed bytes (a bit per number up to
    /// the largest).
    fn bits_if_smaller(&mut self) {
        let largest = self.packed.last as usize;
        if self.bits.is_none() && self.packed.bytes.len() > largest / 8 + 8 {
            let mut bits = vec![0u64; largest / 64 + 1];
            self.packed.iter().for_each(|n| set_bit(&mut bits, n));
            self.packed = Packed::default();
            self.pending = Vec::new();
            self.bits = Some(bits);
        }
    }

    /// Settles the set and lets go of the room kept for numbers to come (a set that is
    /// complete).
    pub(crate) fn finish(&mut self) {
        self.settle();
        self.pending = Vec::new();
    }

    /// Every number of the set, in order.
    pub(crate) fn into_numbers(mut self) -> Vec<u32> {
        self.settle();
        match &self.bits {
            Some(bits) => (0u32..)
                .step_by(64)
                .zip(bits)
                .flat_map(|(base, &w)| (0..64u32).filter(move |b| w >> b & 1 == 1).map(move |b| base + b))
                .collect(),
            None => self.packed.iter().collect(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.packed.len == 0 && self.pending.is_empty() && self.bits.as_ref().is_none_or(|b| b.iter().all(|w| *w == 0))
    }

    /// The smallest number of the set (none when empty; a bitmap's numbers waiting unsorted
    /// are not looked at: a bitmap has none once settled).
    pub(crate) fn first(&self) -> Option<u32> {
        match &self.bits {
            Some(bits) => {
                (0u32..).step_by(64).zip(bits).find(|(_, w)| **w != 0).map(|(base, w)| base + w.trailing_zeros())
            }
            None => self.packed.iter().next().into_iter().chain(self.pending.iter().copied()).min(),
        }
    }

    /// The largest number of a packed set, its waiting numbers too (none when empty).
    fn last(&self) -> Option<u32> {
        let packed = (self.packed.len > 0).then_some(self.packed.last);
        packed.into_iter().chain(self.pending.iter().copied()).max()
    }

    /// Sorts the numbers waiting to be merged, each once, and leaves them waiting: a thread's
    /// sets are merged with the other threads' in one pass at the end (`merge`), not each into
    /// its own packed numbers first. A bitmap takes its numbers at once.
    pub(crate) fn sort_pending(&mut self) {
        if self.bits.is_some() {
            self.settle();
            return;
        }
        self.pending.sort_unstable();
        self.pending.dedup();
    }

    /// The set with every number `n` made `n - from.start() + to`, when the set is packed
    /// (with numbers waiting or not) and all of its numbers lie in `from` (the gaps between
    /// packed numbers do not change, so only the first is written anew; waiting numbers are
    /// moved one by one); the set as it was otherwise.
    pub(crate) fn shifted(
        mut self,
        from: std::ops::RangeInclusive<u32>,
        to: u32,
    ) -> Result<DistinctValues, DistinctValues> {
        let (Some(first), Some(last), None) = (self.first(), self.last(), &self.bits) else {
            return Err(self);
        };
        if !from.contains(&first) || !from.contains(&last) {
            return Err(self);
        }
        // Every number moves below 2^32 when the largest does.
        if (last - from.start()).checked_add(to).is_none() {
            return Err(self);
        }
        for n in &mut self.pending {
            *n = n.wrapping_sub(*from.start()).wrapping_add(to);
        }
        if let Some(packed_first) = self.packed.iter().next() {
            self.packed.last = self.packed.last.wrapping_sub(*from.start()).wrapping_add(to);
            // The first number written anew in place (its bytes replaced, the rest moved):
            // a new list for each of a merge's sets cost the merge 10%.
            let (head, width) =
                (varint(packed_first.wrapping_sub(*from.start()).wrapping_add(to)), self.packed.first_width());
            self.packed.bytes.splice(..width, head.0.into_iter().take(head.1));
        }
        Ok(self)
    }

    /// Adds every number of another set, taking it whole when this one is empty.
    pub(crate) fn union_with(&mut self, other: DistinctValues) {
        match self.is_empty() {
            true => *self = other,
            false => self.merge(&other),
        }
    }

    /// Adds every number of another set: two packed sets, with their waiting numbers (sorted
    /// here), in one pass over all four lists; with a bitmap on either side, as bits.
    pub(crate) fn merge(&mut self, other: &DistinctValues) {
        if let (None, None) = (&self.bits, &other.bits) {
            // Both packed, each maybe with numbers waiting: the four sorted lists in one pass.
            self.pending.sort_unstable();
            let mut theirs = other.pending.clone();
            theirs.sort_unstable();
            let count = self.pending.len() + other.packed.len + theirs.len();
            let rest =
                Merge::new(Merge::new(self.pending.iter().copied(), other.packed.iter()), theirs.iter().copied());
            self.packed = self.packed.union(rest, count);
            self.pending.clear();
            self.bits_if_smaller();
            return;
        }
        self.settle();
        match (&self.bits, &other.bits) {
            (None, None) => {
                self.packed = self.packed.union(other.packed.iter(), other.packed.len);
                self.bits_if_smaller();
            }
            _ => {
                // This set becomes a bitmap too (if it is not one): its packed numbers go to
                // the bits, and so do the other's.
                let mut bits = self.bits.take().unwrap_or_default();
                self.packed.iter().chain(other.packed.iter()).for_each(|n| set_bit(&mut bits, n));
                if let Some(theirs) = &other.bits {
                    if bits.len() < theirs.len() {
                        bits.resize(theirs.len(), 0);
                    }
                    for (a, b) in bits.iter_mut().zip(theirs) {
                        *a |= b;
                    }
                }
                self.packed = Packed::default();
                self.bits = Some(bits);
            }
        }
        self.pending.extend_from_slice(&other.pending);
        self.settle();
    }

    /// How many distinct values (the fold settles every set when it ends; an unsettled set is
    /// counted on a settled copy).
    pub fn count(&self) -> usize {
        if !self.pending.is_empty() {
            let mut settled = self.clone();
            settled.settle();
            return settled.count();
        }
        match &self.bits {
            Some(bits) => bits.iter().map(|w| w.count_ones() as usize).sum(),
            None => self.packed.len,
        }
    }
}

/// Two sorted lists of numbers as one, sorted (repeats kept: a packed set skips them).
struct Merge<A: Iterator<Item = u32>, B: Iterator<Item = u32>> {
    a: A,
    b: B,
    x: Option<u32>,
    y: Option<u32>,
}

impl<A: Iterator<Item = u32>, B: Iterator<Item = u32>> Merge<A, B> {
    fn new(mut a: A, mut b: B) -> Merge<A, B> {
        let (x, y) = (a.next(), b.next());
        Merge { a, b, x, y }
    }
}

impl<A: Iterator<Item = u32>, B: Iterator<Item = u32>> Iterator for Merge<A, B> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        match (self.x, self.y) {
            (Some(p), Some(q)) if p <= q => {
                self.x = self.a.next();
                Some(p)
            }
            (_, Some(q)) => {
                self.y = self.b.next();
                Some(q)
            }
            (Some(p), None) => {
                self.x = self.a.next();
                Some(p)
            }
            (None, None) => None,
        }
    }
}

fn set_bit(bits: &mut Vec<u64>, n: u32) {
    let (word, bit) = (n as usize / 64, n % 64);
    if bits.len() <= word {
        bits.resize(word + 1, 0);
    }
    if let Some(w) = bits.get_mut(word) {
        *w |= 1 << bit;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The set, worked out with a `BTreeSet`, against the packed set's numbers.
    fn expected(numbers: &[u32]) -> Vec<u32> {
        numbers.iter().copied().collect::<BTreeSet<u32>>().into_iter().collect()
    }

    /// Gaps of every byte length (0, 127, 128, 16,383, 16,384, ... up to the largest u32)
    /// pack and unpack to the same numbers.
    #[test]
    fn packed_numbers_come_back_as_they_went_in() {
        let numbers = [0u32, 1, 129, 130, 16_515, 32_900, 2_130_000, 300_000_000, u32::MAX - 1, u32::MAX];
        let mut packed = Packed::default();
        numbers.iter().for_each(|&n| packed.push(n));
        assert_eq!(packed.iter().collect::<Vec<_>>(), numbers);
        assert_eq!(packed.len, numbers.len());
        // 0: one byte; 1 (gap 0), 129 (gap 127): one each; 130 (gap 0): one; 16,515 (gap
        // 16,384): three; 32,900 (gap 16,384): three; 2,130,000 (gap 2,097,099): three;
        // 300,000,000 (gap 297,869,999): five; u32::MAX - 1 (gap > 2^28): five; u32::MAX (gap 0): one.
        assert_eq!(packed.bytes.len(), 1 + 1 + 1 + 1 + 3 + 3 + 3 + 5 + 5 + 1);
        // A number not above the last is not added twice.
        packed.push(7);
        assert_eq!(packed.len, numbers.len());
    }

    /// A set of a few numbers keeps room for a few, added a few at a time (many payees'
    /// months each hold a few customers), and the room grows by doubling up to the next
    /// settling, not past it.
    #[test]
    fn a_set_keeps_room_for_what_it_is_given_up_to_its_next_settling() {
        let mut set = DistinctValues::default();
        set.extend(&[5, 3]);
        set.extend(&[9]);
        assert!(set.pending.capacity() <= 4, "room for {}", set.pending.capacity());
        for n in 10..100 {
            set.extend(&[n]);
        }
        assert!(set.pending.capacity() <= FEWEST_WAITING, "room for {}", set.pending.capacity());
        for n in 100..1_000 {
            set.extend(&[n]);
        }
        // 903 numbers, settled when as many wait as the set has: room for at most as many.
        assert!(set.pending.capacity() <= set.threshold().max(FEWEST_WAITING), "room for {}", set.pending.capacity());
        assert_eq!(set.into_numbers(), expected(&[&[3, 5, 9][..], &(10..1_000).collect::<Vec<_>>()].concat()));
    }

    /// Counting through settlings: 1,000 rows of 300 values (each value seen at rows i, i + 300,
    /// ...), so the set settles many times; 300 distinct, unsettled or settled, and merged
    /// with a second bucket of values 200..400 (times 1,000) gives 400.
    #[test]
    fn distinct_values_settle_without_losing_or_doubling_any() {
        // Numbers far apart (multiples of 1,000), so the set stays packed.
        let mut a = DistinctValues::default();
        for i in 0..1000u32 {
            a.add(i % 300 * 1000);
        }
        assert_eq!(a.count(), 300);
        a.settle();
        assert_eq!((a.count(), a.packed.len, a.pending.len(), a.bits.is_none()), (300, 300, 0, true));
        let mut b = DistinctValues::default();
        for i in 200..400u32 {
            b.add(i * 1000);
        }
        a.merge(&b);
        assert_eq!(a.count(), 400);
        assert_eq!(a.into_numbers(), (0..400u32).map(|i| i * 1000).collect::<Vec<_>>());
    }

    /// A set of many numbers up to a small largest one becomes a bitmap and counts the same:
    /// 0..1000 seen three times each is 1,000 distinct; merged with a set 900..1100 (not a
    /// bitmap: 200 numbers, 1 byte each against 138 bytes of bits, is... a bitmap too, so the
    /// second is made of numbers 10 apart) it is 1,100; a bitmap merged into a packed set too.
    #[test]
    fn dense_distinct_values_become_a_bitmap_and_count_the_same() {
        let mut a = DistinctValues::default();
        for i in 0..3000u32 {
            a.add(i % 1000);
        }
        a.settle();
        assert!(a.bits.is_some() && a.packed.len == 0);
        assert_eq!(a.count(), 1000);
        // 100 numbers 10 apart from 1,000: 100 bytes of gaps, against 1,990 / 8 + 8 = 256
        // bytes of bits: packed.
        let mut b = DistinctValues::default();
        for i in 100..200u32 {
            b.add(i * 10);
        }
        b.settle();
        assert!(b.bits.is_none() && b.packed.len == 100);
        let mut c = b.clone();
        a.merge(&b);
        // 0..1000, and 1,000..1,990 every 10: 1,000 + 100.
        assert_eq!(a.count(), 1100);
        c.merge(&a);
        assert_eq!(c.count(), 1100);
        assert_eq!(
            c.clone().into_numbers(),
            expected(&(0..1000).chain((100..200).map(|i| i * 10)).collect::<Vec<_>>())
        );
        // Pending numbers after a bitmap are counted too.
        let mut d = a.clone();
        d.add(5000);
        assert_eq!(d.count(), 1101);
    }

    /// Numbers in chunks of every size, with repeats within and across chunks: the set is the
    /// numbers' set, and while numbers come it never holds more than its packed bytes and half
    /// as many again, four bytes a distinct number for those waiting, and room for one chunk;
    /// once finished, no room for more. (The numbers are 9 apart on average, 50,000 of them up to 450,000: a
    /// byte each packed, and 56 KB as bits, so the set stays packed.)
    #[test]
    fn sets_keep_every_number_once_however_they_arrive() {
        for chunk in [1usize, 3, 17, 64, 200] {
            let all: Vec<u32> = (0..50_000u32).map(|i| (i * 7919) % 150_000 * 3).collect();
            let mut set = DistinctValues::default();
            for numbers in all.chunks(chunk) {
                set.extend(numbers);
                // Packed: its bytes, and room for half as many more; waiting: four bytes a
                // number, up to the set's size (or FEWEST_WAITING) and one chunk.
                let held = set.packed.bytes.capacity() + set.pending.capacity() * 4;
                let bound = 2 * set.packed.bytes.len() + 4 * set.packed.len + 4 * chunk + 512;
                assert!(held <= bound, "chunks of {chunk}: {held} bytes held for {} numbers", set.packed.len);
            }
            set.finish();
            assert_eq!(set.pending.capacity(), 0);
            assert_eq!(set.count(), expected(&all).len(), "chunks of {chunk}");
            assert_eq!(set.into_numbers(), expected(&all), "chunks of {chunk}");
        }
    }

    /// A set whose numbers all lie in a range moves as a whole: {5, 17, 1,000} above
    /// 3 * 2^20 (and the top bit) in the range of that class, moved to start at 700, is
    /// {705, 717, 1,700}. A set with a number outside the range, or a bitmap, stays as it was.
    #[test]
    fn a_set_in_one_range_moves_by_its_first_number() {
        let start = 1u32 << 31 | 3 << 20;
        let class = start..=start | ((1 << 20) - 1);
        let mut set = DistinctValues::default();
        set.extend(&[start + 1000, start + 5, start + 17, start + 5]);
        set.settle();
        let moved = set.clone().shifted(class.clone(), 700).map(DistinctValues::into_numbers);
        assert_eq!(moved.ok(), Some(vec![705, 717, 1700]));
        let mut outside = set.clone();
        outside.add(start + (1 << 20));
        outside.settle();
        let kept = outside.clone().shifted(class.clone(), 700).map_err(DistinctValues::into_numbers);
        assert_eq!(kept.err(), Some(vec![start + 5, start + 17, start + 1000, start + (1 << 20)]));
        let mut dense = DistinctValues::default();
        dense.extend(&(0..500).collect::<Vec<_>>());
        dense.settle();
        assert!(dense.bits.is_some());
        assert!(dense.shifted(0..=1000, 7).is_err());
        // Moved up, the first number takes more bytes (one, then four): {5, 17, 1,000} in
        // 0..2^20 moved to start at 2^28 is {2^28 + 5, 2^28 + 17, 2^28 + 1,000}.
        let mut low = DistinctValues::default();
        low.extend(&[1000, 5, 17]);
        low.settle();
        let up = low.shifted(0..=(1 << 20) - 1, 1 << 28).map(DistinctValues::into_numbers);
        assert_eq!(up.ok(), Some(vec![(1 << 28) + 5, (1 << 28) + 17, (1 << 28) + 1000]));
    }

    /// A number is written in seven-bit groups, low first, the high bit on all but the last
    /// (worked out by hand: 300 = 0b10_0101100 is 0xac 0x02; 2^28 is four zero groups, then 1).
    #[test]
    fn a_number_is_written_seven_bits_a_byte() {
        let written = |n: u32| {
            let (bytes, len) = varint(n);
            bytes.get(..len).unwrap_or_default().to_vec()
        };
        assert_eq!(written(0), [0x00]);
        assert_eq!(written(0x7f), [0x7f]);
        assert_eq!(written(0x80), [0x80, 0x01]);
        assert_eq!(written(300), [0xac, 0x02]);
        assert_eq!(written(1 << 28), [0x80, 0x80, 0x80, 0x80, 0x01]);
        assert_eq!(written(u32::MAX), [0xff, 0xff, 0xff, 0xff, 0x0f]);
    }

    /// Sets added to one another: an empty set takes the other whole; two packed sets give
    /// their union ({1, 5, 9} and {5, 6, 1,000}: {1, 5, 6, 9, 1,000}); a packed set and a
    /// bitmap give the union too (0..500 and 1,000: 501 numbers).
    #[test]
    fn sets_added_to_one_another_give_their_union() {
        let set = |numbers: &[u32]| {
            let mut s = DistinctValues::default();
            s.extend(numbers);
            s.finish();
            s
        };
        let mut empty = DistinctValues::default();
        empty.union_with(set(&[9, 1, 5]));
        assert_eq!(empty.clone().into_numbers(), vec![1, 5, 9]);
        empty.union_with(set(&[1000, 5, 6]));
        assert_eq!(empty.clone().into_numbers(), vec![1, 5, 6, 9, 1000]);
        let mut dense = set(&(0..500).collect::<Vec<_>>());
        assert!(dense.bits.is_some());
        dense.union_with(set(&[1000]));
        assert_eq!(dense.count(), 501);
        let mut sparse = set(&[1000]);
        sparse.union_with(set(&(0..500).collect::<Vec<_>>()));
        assert_eq!(sparse.count(), 501);
        assert_eq!(sparse.into_numbers(), (0..500).chain([1000]).collect::<Vec<_>>());
    }

    /// A thread's sets end with numbers still waiting, sorted (`sort_pending`): they move by a
    /// range and join other sets exactly as settled ones do. Expected sets are worked out as
    /// plain sorted lists.
    #[test]
    fn sets_with_numbers_waiting_move_and_join_as_settled_ones() {
        let start = 1u32 << 31 | 3 << 20;
        let class = start..=start | ((1 << 20) - 1);
        // More numbers than may wait settle into the packed part; 3 wait, one below all.
        let n = FEWEST_WAITING as u32 + 8;
        let mut waiting = DistinctValues::default();
        waiting.extend(&(0..n).map(|i| start + 10 + 3 * i).collect::<Vec<_>>());
        waiting.extend(&[start + 2, start + 5000, start + 13]);
        waiting.sort_pending();
        assert!(waiting.packed.len > 0 && !waiting.pending.is_empty());
        assert_eq!(waiting.first(), Some(start + 2));
        assert_eq!(waiting.count(), n as usize + 2, "start + 13 is one of the settled ones");
        let moved = waiting.clone().shifted(class.clone(), 100).map(DistinctValues::into_numbers).ok();
        let mut expected: Vec<u32> = (0..n).map(|i| 110 + 3 * i).chain([102, 5100]).collect();
        expected.sort_unstable();
        assert_eq!(moved, Some(expected));
        // Waiting numbers only, and one outside the range: moved, and left as it was.
        let mut only_waiting = DistinctValues::default();
        only_waiting.extend(&[start + 9, start + 4]);
        assert_eq!(only_waiting.clone().shifted(class.clone(), 1).ok().map(|s| s.into_numbers()), Some(vec![5, 10]));
        only_waiting.add(start + (1 << 20));
        assert!(only_waiting.shifted(class, 1).is_err());
        // Two sets, each with numbers packed and waiting, joined in one pass: their union.
        let mut a = DistinctValues::default();
        a.extend(&(0..n).map(|i| 70 * i).collect::<Vec<_>>());
        a.extend(&[10_000, 3, 7]);
        a.sort_pending();
        let mut b = DistinctValues::default();
        b.extend(&(0..n).map(|i| 50 * i + 1).collect::<Vec<_>>());
        b.extend(&[9_999, 3, 20_000]);
        b.sort_pending();
        assert!(a.packed.len > 0 && !a.pending.is_empty() && b.packed.len > 0 && !b.pending.is_empty());
        let mut union: Vec<u32> =
            (0..n).map(|i| 70 * i).chain((0..n).map(|i| 50 * i + 1)).chain([10_000, 3, 7, 9_999, 20_000]).collect();
        union.sort_unstable();
        union.dedup();
        a.union_with(b);
        assert!(a.pending.is_empty());
        assert_eq!(a.count(), union.len());
        assert_eq!(a.into_numbers(), union);
    }
}
