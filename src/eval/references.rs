//! Rows of one ledger that name rows of another, for the fold (`aggregate.rs`, and the block
//! reader `chunked.rs`): the shares that split a credited row among payees (`credit sales by
//! credits.share`, [`Credits`]) and the rows a reference column names (`sale: sales`: a
//! cancellation's sale, [`NamedRows`]).
//!
//! Both are gathered while the naming ledger is read, in file order, then indexed once by the
//! named row's key (`seal`, [`KeyIndex`]) before the named ledger is read, which looks each of
//! its rows up: for keys numbered like `S000123`, a few integer operations, no hashing or
//! comparing of text.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::data::keys::{KeyBits, KeyIndex, KeyView};
use crate::plan::{Node, Plan};
use crate::value::Value;

/// The key of the row a share credits, as read: kept in place when it is short (24 bytes or
/// fewer, as keys like `S000123` are), without an allocation of its own per share (the 2027
/// plan's year has 2.4M shares).
pub(super) type KeyText = compact_str::CompactString;

/// One payee's share of a credited row, and the line it was read on (its file is kept per
/// stretch of shares, in [`Credits`]).
#[derive(Debug, Clone)]
pub(super) struct CreditShare {
    pub(super) payee: Arc<str>,
    pub(super) share: Decimal,
    pub(super) line: u64,
}

/// The credited rows' shares. Once sealed it is only read, so plans of one fold that read the
/// same shares hold one copy (`aggregate::share_same_credits`); which credited rows were found
/// in their ledger is each plan's own (`PlanFold::credits_seen`).
#[derive(Debug, Default, Clone)]
pub(super) struct Credits {
    /// Shares as read, each with the key of the row it splits, in file order where they were
    /// gathered.
    read: InOrder<(KeyText, CreditShare)>,
    /// How many shares the index covers.
    sealed: usize,
    /// The credited rows' keys, once sealed.
    index: KeyIndex,
    /// Per credited row (by its index): its first share (a [`Place`]).
    first: Vec<Place>,
    /// Per list, per share: the next share of its row ([`NOWHERE`]: none).
    next: Vec<Vec<Place>>,
    /// The keys of credited rows some shares of which were passed over, not kept: trusting a
    /// record that the file was read whole with no problem, a read for some payees keeps
    /// only their shares (`chunked::Skip`). Such a row is credited, if to none of the shares
    /// kept: [`Credits::find`] finds it as [`PASSED_OVER`] when no share of it was kept.
    passed: KeyBits,
}

/// The credited row [`Credits::find`] finds when none of its shares was kept: it has no
/// shares here, and no key or first share ([`Credits::row`]).
pub(super) const PASSED_OVER: usize = usize::MAX;

/// Items gathered in file order, left where they were gathered: in lists, each the items one
/// file's row-by-row read read or one run (a thread's blocks) of a chunked read gathered, with
/// its file (in `PlanFold::places`), and the stretches of the lists in file order. Never copied
/// into one list: the 2027 plan's year has 2.4M credit shares and 0.6M kept rows (copying the
/// kept rows took 70 ms, and 90 MB of fresh memory).
#[derive(Debug, Clone)]
pub(super) struct InOrder<T> {
    lists: Vec<(u32, Vec<T>)>,
    /// The last list is the row-by-row read's, and its next items go on it.
    open: bool,
    /// Stretches of the lists in file order: (list, first item, how many).
    order: Vec<(usize, usize, usize)>,
}

impl<T> Default for InOrder<T> {
    fn default() -> Self {
        InOrder { lists: Vec::new(), open: false, order: Vec::new() }
    }
}

impl<T> InOrder<T> {
    /// An item read row by row from file `file`.
    pub(super) fn push(&mut self, item: T, file: u32) {
        if !self.open || self.lists.last().map(|(f, _)| *f) != Some(file) {
            self.lists.push((file, Vec::new()));
            self.open = true;
        }
        let list = self.lists.len() - 1;
        let Some((_, items)) = self.lists.last_mut() else { return };
        let at = items.len();
        items.push(item);
        match self.order.last_mut() {
            Some((l, first, n)) if *l == list && *first + *n == at => *n += 1,
            _ => self.order.push((list, at, 1)),
        }
    }

    /// The items a chunked read of file `file` gathered: its runs' lists, as they are, and
    /// their stretches in file order (a run's list, its first item, how many).
    pub(super) fn add_runs(&mut self, runs: Vec<Vec<T>>, order: &[(usize, usize, usize)], file: u32) {
        let base = self.lists.len();
        self.lists.extend(runs.into_iter().map(|run| (file, run)));
        self.order.extend(order.iter().map(|&(run, first, n)| (base + run, first, n)));
        self.open = false;
    }

    /// How many items.
    pub(super) fn len(&self) -> usize {
        self.lists.iter().map(|(_, items)| items.len()).sum()
    }

    /// The stretches in file order: each its list, first item, file and items.
    pub(super) fn stretches(&self) -> impl DoubleEndedIterator<Item = (usize, usize, u32, &[T])> + Clone + '_ {
        self.order.iter().filter_map(move |&(list, first, n)| {
            let (file, items) = self.lists.get(list)?;
            Some((list, first, *file, items.get(first..first + n)?))
        })
    }

    /// The items in file order, each with its file.
    pub(super) fn iter(&self) -> impl DoubleEndedIterator<Item = (u32, &T)> + Clone + '_ {
        self.stretches().flat_map(|(_, _, file, items)| items.iter().map(move |item| (file, item)))
    }

    /// The items in `parts` parts of consecutive items, of about the same length, in file
    /// order: each part its stretches (file and items).
    pub(super) fn parts(&self, parts: usize) -> Vec<Vec<(u32, &[T])>> {
        self.parts_of(self.len().div_ceil(parts.max(1)))
    }

    /// The items in parts of `size` consecutive items (the last of what is left), in file
    /// order: each part its stretches (file and items).
    pub(super) fn parts_of(&self, size: usize) -> Vec<Vec<(u32, &[T])>> {
        let size = size.max(1);
        let mut out: Vec<Vec<(u32, &[T])>> = vec![Vec::new()];
        let mut room = size;
        for (_, _, file, mut items) in self.stretches() {
            while !items.is_empty() {
                if room == 0 {
                    out.push(Vec::new());
                    room = size;
                }
                let (these, rest) = items.split_at(room.min(items.len()));
                if let Some(part) = out.last_mut() {
                    part.push((file, these));
                }
                room -= these.len();
                items = rest;
            }
        }
        out
    }

    /// The lists as gathered (not in file order), each with its file.
    pub(super) fn lists(&self) -> impl Iterator<Item = (u32, &[T])> + '_ {
        self.lists.iter().map(|(file, items)| (*file, items.as_slice()))
    }

    /// Item `at` (a [`Place`]), and its file.
    fn get(&self, at: Place) -> Option<(&T, u32)> {
        let (list, i) = unplace(at);
        let (file, items) = self.lists.get(list)?;
        Some((items.get(i)?, *file))
    }
}

/// An item's list and its place in it, in one number (the list in the high 24 bits).
type Place = u64;

/// No share.
const NOWHERE: Place = u64::MAX;

fn place(list: usize, at: usize) -> Place {
    ((list as u64) << 40) | (at as u64 & ((1 << 40) - 1))
}

fn unplace(place: Place) -> (usize, usize) {
    ((place >> 40) as usize, (place & ((1 << 40) - 1)) as usize)
}

impl Credits {
    /// A share read row by row from file `file`, of the row whose key is `key`.
    pub(super) fn add(&mut self, key: KeyText, share: CreditShare, file: u32) {
        self.read.push((key, share), file);
    }

    /// The shares a chunked read of file `file` gathered ([`InOrder::add_runs`]).
    pub(super) fn add_runs(
        &mut self,
        runs: Vec<Vec<(KeyText, CreditShare)>>,
        order: &[(usize, usize, usize)],
        file: u32,
    ) {
        self.read.add_runs(runs, order, file);
    }

    /// The shares, in file order: each its place, key and share.
    fn in_file_order(&self) -> impl DoubleEndedIterator<Item = (Place, &KeyText, &CreditShare)> + '_ {
        self.read.stretches().flat_map(move |(list, first, _, shares)| {
            shares.iter().enumerate().map(move |(i, (key, share))| (place(list, first + i), key, share))
        })
    }

    /// Share `at`, and its file.
    fn get(&self, at: Place) -> Option<(&KeyText, &CreditShare, u32)> {
        let ((key, share), file) = self.read.get(at)?;
        Some((key, share, file))
    }

    /// Indexes the shares read by their rows' keys (once the crediting ledger is read, before
    /// the credited one is): each row's shares are chained in file order, nothing is moved.
    pub(super) fn seal(&mut self) {
        let read = self.shares_read();
        if self.sealed == read {
            return;
        }
        let keys = self.in_file_order().map(|(_, k, _)| k.as_str());
        let (index, of) = KeyIndex::new(Told { items: keys, left: read });
        let mut first = vec![NOWHERE; index.len()];
        let mut next: Vec<Vec<Place>> = self.read.lists().map(|(_, s)| vec![NOWHERE; s.len()]).collect();
        // Last share first, so that each row's chain runs in file order.
        for ((at, _, _), &i) in self.in_file_order().rev().zip(of.iter().rev()) {
            let (list, n) = unplace(at);
            if let (Some(head), Some(link)) = (first.get_mut(i), next.get_mut(list).and_then(|l| l.get_mut(n))) {
                *link = *head;
                *head = at;
            }
        }
        self.first = first;
        self.next = next;
        self.index = index;
        self.sealed = read;
    }

    /// The keys of credited rows some shares of which a read passed over (see the field).
    pub(super) fn pass_over(&mut self, keys: KeyBits) {
        self.passed.unite(keys);
    }

    /// The index of the credited row whose key is `key` (split as `keys::split` splits it);
    /// [`PASSED_OVER`] for a row whose shares were all passed over.
    pub(super) fn find(&self, key: &str, parts: Option<(&str, usize, u64)>) -> Option<usize> {
        self.index.get_split(key, parts).or_else(|| self.passed.has(parts).then_some(PASSED_OVER))
    }

    /// The shares of credited row `i`, in file order.
    pub(super) fn shares(&self, i: usize) -> impl Iterator<Item = &CreditShare> + Clone + '_ {
        let first = self.first.get(i).copied().unwrap_or(NOWHERE);
        chain(first, |l| self.read.lists.get(l).map(|(_, s)| s.as_slice()), |l| self.next.get(l).map(Vec::as_slice))
    }

    /// The sealed shares as one thread of a read in blocks finds them on every row
    /// ([`SharesView`]).
    pub(super) fn view(&self) -> SharesView<'_> {
        SharesView {
            index: self.index.view(),
            passed: &self.passed,
            first: &self.first,
            next: self.next.iter().map(Vec::as_slice).collect(),
            lists: self.read.lists().map(|(_, s)| s).collect(),
        }
    }

    /// Whether `other` holds the same shares in the same file order: the same keys, payees,
    /// shares (to the decimals written) and lines, so that a row credited by the one is folded
    /// into the same buckets with the same weights by the other (two runs of one plan over the
    /// same credits, as `budget`'s reruns are).
    pub(super) fn same_shares(&self, other: &Credits) -> bool {
        if std::ptr::eq(self, other) {
            return true;
        }
        let file = |c: &Credits, at: Place| c.get(at).map(|(_, _, f)| f);
        self.shares_read() == other.shares_read()
            && self.passed == other.passed
            && self.in_file_order().zip(other.in_file_order()).all(|((p, k, a), (q, l, b))| {
                k == l
                    && file(self, p) == file(other, q)
                    && a.line == b.line
                    && a.share == b.share
                    && a.share.scale() == b.share.scale()
                    && (Arc::ptr_eq(&a.payee, &b.payee) || a.payee == b.payee)
            })
    }

    /// Per credited row (by its index, a bit each, in words of 64): whether a share of it is
    /// of a payee `chosen` chooses. The shares are walked as they lie (not row by row along
    /// their chains, millions of them on all cores), and only a chosen share's key is looked
    /// up.
    pub(super) fn rows_shared_with(&self, chosen: impl Fn(&str) -> bool + Sync) -> Vec<u64> {
        use rayon::prelude::*;
        let stretches: Vec<&[(KeyText, CreditShare)]> =
            self.read.lists().flat_map(|(_, shares)| shares.chunks(1 << 16)).collect();
        let keys: Vec<&str> = stretches
            .into_par_iter()
            .flat_map_iter(|shares| shares.iter().filter(|(_, s)| chosen(&s.payee)).map(|(key, _)| key.as_str()))
            .collect();
        let mut bits = vec![0u64; self.len().div_ceil(64)];
        for key in keys {
            if let Some(word) =
                self.find(key, crate::data::keys::split(key)).and_then(|i| bits.get_mut(i / 64).map(|w| (w, i)))
            {
                *word.0 |= 1 << (word.1 % 64);
            }
        }
        bits
    }

    /// How many credited rows the shares name.
    pub(super) fn len(&self) -> usize {
        self.first.len()
    }

    /// How many shares were read.
    pub(super) fn shares_read(&self) -> usize {
        self.read.len()
    }

    /// Credited row `i`'s key, its first share, and that share's file.
    pub(super) fn row(&self, i: usize) -> Option<(&str, &CreditShare, u32)> {
        let (key, share, file) = self.get(*self.first.get(i)?)?;
        Some((key.as_str(), share, file))
    }
}

/// The shares of a credited row, from its first share `first`, each share's next found by
/// `next` (per list) in the lists `lists` gives.
fn chain<'a>(
    first: Place,
    lists: impl Fn(usize) -> Option<&'a [(KeyText, CreditShare)]> + Clone,
    next: impl Fn(usize) -> Option<&'a [Place]> + Clone,
) -> impl Iterator<Item = &'a CreditShare> + Clone {
    let mut at = first;
    std::iter::from_fn(move || {
        let (list, n) = unplace(at);
        let (_, share) = lists(list)?.get(n)?;
        at = next(list).and_then(|l| l.get(n)).copied().unwrap_or(NOWHERE);
        Some(share)
    })
}

/// Sealed shares as one thread of a read in blocks finds a row's on every row: its own copy
/// of the small tables a lookup reads first (the index's classes, the lists of shares and of
/// links, as slices), the shares and links themselves borrowed, so that what it reads first
/// never lies beside what another thread writes as it reads (`KeyIndex::view`).
#[derive(Debug, Clone)]
pub(super) struct SharesView<'a> {
    index: KeyView<'a>,
    passed: &'a KeyBits,
    first: &'a [Place],
    next: Vec<&'a [Place]>,
    lists: Vec<&'a [(KeyText, CreditShare)]>,
}

impl<'a> SharesView<'a> {
    /// [`Credits::find`].
    pub(super) fn find(&self, key: &str, parts: Option<(&str, usize, u64)>) -> Option<usize> {
        self.index.get_split(key, parts).or_else(|| self.passed.has(parts).then_some(PASSED_OVER))
    }

    /// [`Credits::shares`].
    pub(super) fn shares(&self, i: usize) -> impl Iterator<Item = &'a CreditShare> + Clone + '_ {
        let first = self.first.get(i).copied().unwrap_or(NOWHERE);
        chain(first, |l| self.lists.get(l).copied(), |l| self.next.get(l).copied())
    }
}

/// Items, and how many are left (flattened stretches do not know, and [`KeyIndex::new`] makes
/// room for them once).
struct Told<I> {
    items: I,
    left: usize,
}

impl<I: Iterator> Iterator for Told<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let item = self.items.next()?;
        self.left = self.left.saturating_sub(1);
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, None)
    }
}

/// A named row as the fold saw it: its values, and whom it was credited to.
#[derive(Debug, Clone)]
pub(super) struct Captured {
    /// The values of the columns anything reads of it ([`named_columns`]), in column order
    /// (read through [`NamedRows::joined`]).
    pub(super) values: NamedValues,
    /// Its line in its file.
    pub(super) line: u64,
    pub(super) payees: Credited,
}

/// A named row's values, in its place when they are few (the 2027 plan keeps three of a
/// sale's): the fold of the rows naming it reads them without a load from elsewhere.
pub(super) type NamedValues = smallvec::SmallVec<[Value; 3]>;

/// Whom a named row was credited to, and by what share: in its place when one payee (most
/// rows).
pub(super) type Credited = smallvec::SmallVec<[(Arc<str>, Decimal); 1]>;

/// The rows of one ledger that rows of others name, and each once its ledger is read.
#[derive(Debug, Default)]
pub(super) struct NamedRows {
    /// Keys as named, in file order.
    read: Vec<Arc<str>>,
    /// The keys named, once sealed.
    index: KeyIndex,
    /// Per named row (by its index): where it was first named in `read`, and its place in
    /// `captured` once read ([`NOT_CAPTURED`] until then). A row's place is four bytes: the
    /// rows naming others look up many rows never read (an explanation after a run passes
    /// over most of a ledger), and each such look-up reads only these.
    first: Vec<usize>,
    at: Vec<u32>,
    /// The named rows read, in the order they were.
    captured: Vec<Captured>,
    /// How many of `read` the index covers.
    sealed: usize,
    /// Per column of the named ledger: its place among a captured row's values
    /// (`usize::MAX`: not kept), from [`named_columns`].
    slots: Vec<usize>,
    /// Named late (its key column): trusting a record, the ledger is read before the rows
    /// naming its rows, every row of it read is captured, and the rows naming them are read
    /// after it, passing over those that name a row not read ([`NamedRows::keys_read`]).
    late: Option<usize>,
}

/// A named row not read (yet): no place in [`NamedRows`]' rows read (which cannot hold
/// `u32::MAX` rows).
const NOT_CAPTURED: u32 = u32::MAX;

/// A named row's values as a row naming it reads them (`sale.date`), by column: kept only for
/// the columns anything reads, with each column's place among them; or every column's, as
/// read (no places).
#[derive(Debug, Clone, Copy)]
pub struct JoinedRow<'a> {
    values: &'a [Value],
    slots: &'a [usize],
}

impl<'a> JoinedRow<'a> {
    /// A row with every column's value.
    pub fn whole(values: &'a [Value]) -> Self {
        JoinedRow { values, slots: &[] }
    }

    /// Column `column`'s value (none when not kept).
    pub fn get(&self, column: usize) -> Option<&'a Value> {
        match self.slots.is_empty() {
            true => self.values.get(column),
            false => self.values.get(*self.slots.get(column)?),
        }
    }

    /// Every column's value (`Value::Missing` when not kept), for `columns` columns.
    pub fn to_whole(self, columns: usize) -> Vec<Value> {
        (0..columns).map(|c| self.get(c).cloned().unwrap_or(Value::Missing)).collect()
    }
}

/// The columns of `input`'s rows that anything reads of a row another ledger names: its key
/// (an explanation names the row by it), the columns read through a reference (`sale.date`:
/// row expressions are the aggregates' arguments and filters) and the columns a `within`
/// limit reads (`within sale.amount`). A named row keeps only these (on the 2027 plan, 3 of
/// a sale's 8): the others would be made into values (a text each a new string) for nothing.
pub(super) fn named_columns(plan: &Plan, input: usize) -> Vec<bool> {
    let Some(schema) = plan.inputs.get(input) else { return Vec::new() };
    let mut keep = vec![false; schema.columns.len()];
    if let Some(slot) = schema.key.and_then(|k| keep.get_mut(k)) {
        *slot = true;
    }
    // Whether column `r` of `other` refers to `input`.
    let names_input = |other: usize, r: usize| {
        plan.inputs.get(other).and_then(|s| s.columns.get(r)).and_then(|c| c.refers_to) == Some(input)
    };
    for other in 0..plan.inputs.len() {
        for column in plan.inputs.get(other).map_or(&[][..], |s| &s.columns[..]) {
            if let Some((r, of)) = column.within {
                if names_input(other, r) {
                    if let Some(slot) = keep.get_mut(of) {
                        *slot = true;
                    }
                }
            }
        }
    }
    for agg in &plan.aggregates {
        for e in agg.arg.iter().chain(agg.filter.iter()) {
            crate::plan::visit::visit(e, &mut |e| {
                if let Node::Joined(r, c) = e.node {
                    if names_input(agg.input, r) {
                        if let Some(slot) = keep.get_mut(c) {
                            *slot = true;
                        }
                    }
                }
            });
        }
    }
    keep
}

impl NamedRows {
    /// Rows named late (see the field), whose key is column `key`.
    pub(super) fn late(key: usize) -> NamedRows {
        NamedRows { late: Some(key), ..NamedRows::default() }
    }

    /// Whether its rows are named late.
    pub(super) fn is_late(&self) -> bool {
        self.late.is_some()
    }

    /// The keys of the rows captured (named late: every row read), as bits: a row naming a
    /// key not among them names a row not read.
    pub(super) fn keys_read(&self) -> KeyBits {
        let slot = self.late.and_then(|k| self.slots.get(k)).copied().unwrap_or(usize::MAX);
        KeyBits::of(self.captured.iter().filter_map(|row| match row.values.get(slot) {
            Some(Value::Text(key)) => Some(&**key),
            _ => None,
        }))
    }

    /// The columns its captured rows keep ([`named_columns`]).
    fn keep_columns(&mut self, keep: &[bool]) {
        let mut next = 0;
        self.slots = keep
            .iter()
            .map(|&k| match k {
                true => {
                    next += 1;
                    next - 1
                }
                false => usize::MAX,
            })
            .collect();
    }

    /// The values a captured row keeps of `whole` (every column's).
    pub(super) fn kept_of(&self, whole: &[Value]) -> NamedValues {
        whole.iter().zip(&self.slots).filter(|(_, &s)| s != usize::MAX).map(|(v, _)| v.clone()).collect()
    }

    /// A captured row's values, by column.
    pub(super) fn joined<'a>(&'a self, row: &'a Captured) -> JoinedRow<'a> {
        JoinedRow { values: &row.values, slots: &self.slots }
    }

    /// A row of another ledger names the row whose key is `key`.
    pub(super) fn add(&mut self, key: Arc<str>) {
        self.read.push(key);
    }

    /// Indexes the keys named (once the naming ledgers are read), its rows to keep the
    /// columns `keep` says ([`named_columns`]); a row read before keeps its place under its key.
    pub(super) fn seal(&mut self, keep: &[bool]) {
        self.keep_columns(keep);
        if self.sealed == self.read.len() {
            return;
        }
        let (index, of) = KeyIndex::new(self.read.iter().map(|k| &**k));
        let mut first = vec![usize::MAX; index.len()];
        for (at, &i) in of.iter().enumerate().rev() {
            if let Some(f) = first.get_mut(i) {
                *f = at;
            }
        }
        let mut at = vec![NOT_CAPTURED; index.len()];
        for (old, &row) in self.at.iter().enumerate().filter(|(_, &row)| row != NOT_CAPTURED) {
            let key = self.first.get(old).and_then(|&at| self.read.get(at));
            if let Some(slot) = key.and_then(|k| index.get(k)).and_then(|i| at.get_mut(i)) {
                *slot = row;
            }
        }
        // Named late: every row read was captured before any was named; each named one found
        // by its key (the first read, should a key be read twice).
        let key_slot = self.late.and_then(|k| self.slots.get(k)).copied().unwrap_or(usize::MAX);
        for (place, row) in self.captured.iter().enumerate().filter(|_| self.late.is_some()) {
            let (Some(Value::Text(key)), Ok(place)) = (row.values.get(key_slot), u32::try_from(place)) else {
                continue;
            };
            if let Some(slot) = index.get(key).and_then(|i| at.get_mut(i)).filter(|s| **s == NOT_CAPTURED) {
                *slot = place;
            }
        }
        self.first = first;
        self.at = at;
        self.index = index;
        self.sealed = self.read.len();
    }

    /// The index of the named row whose key is `key` (split as `keys::split` splits it).
    pub(super) fn find(&self, key: &str, parts: Option<(&str, usize, u64)>) -> Option<usize> {
        self.index.get_split(key, parts)
    }

    /// The index of the keys named, as one thread of a read in blocks looks it up on every row
    /// (`KeyIndex::view`).
    pub(super) fn keys(&self) -> KeyView<'_> {
        self.index.view()
    }

    /// Named row `i`, as read (named late: any row read, `i` unused).
    pub(super) fn capture(&mut self, i: usize, row: Captured) {
        if self.late.is_some() {
            self.captured.push(row);
            return;
        }
        let Some(slot) = self.at.get_mut(i) else { return };
        match self.captured.get_mut(*slot as usize) {
            Some(read) => *read = row,
            None => {
                let Some(place) = u32::try_from(self.captured.len()).ok().filter(|&p| p != NOT_CAPTURED) else {
                    return;
                };
                *slot = place;
                self.captured.push(row);
            }
        }
    }

    /// The named row whose key is `key` (its index, and the row), once read.
    pub(super) fn row(&self, key: &str) -> Option<(usize, &Captured)> {
        let i = self.find(key, crate::data::keys::split(key))?;
        Some((i, self.get(i)?))
    }

    /// Named row `i`, once read.
    pub(super) fn get(&self, i: usize) -> Option<&Captured> {
        self.captured.get(*self.at.get(i)? as usize)
    }

    /// How many rows are named (as indexed).
    pub(super) fn len(&self) -> usize {
        self.at.len()
    }

    /// How many times rows were named.
    pub(super) fn names(&self) -> usize {
        self.read.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    proptest! {
        /// Items pushed row by row and added as runs (each run's list cut into stretches
        /// placed anywhere in file order) come back in file order, whole and in parts of
        /// consecutive items no longer than an even share.
        #[test]
        fn items_in_order_come_back_in_file_order_whole_and_in_parts(
            runs in proptest::collection::vec(proptest::collection::vec(1usize..5, 0..5), 0..4),
            pushed in 0usize..6,
            parts in 1usize..6,
            size in 1usize..7,
        ) {
            // Numbers 0, 1, 2, ... in file order: the pushed ones first, then stretches of
            // each run's list, the runs' stretches interleaved (run r's stretch k is the
            // (k * runs + r)-th).
            let mut order_of: Vec<(usize, usize, usize, usize)> = Vec::new(); // (k, run, first, n)
            for (r, stretches) in runs.iter().enumerate() {
                let mut first = 0;
                for (k, &n) in stretches.iter().enumerate() {
                    order_of.push((k, r, first, n));
                    first += n;
                }
            }
            order_of.sort_unstable();
            let mut lists: Vec<Vec<usize>> = runs.iter().map(|s| vec![0; s.iter().sum()]).collect();
            let mut next = pushed;
            for &(_, r, first, n) in &order_of {
                for i in 0..n {
                    lists[r][first + i] = next;
                    next += 1;
                }
            }
            let mut items = InOrder::default();
            for i in 0..pushed {
                items.push(i, 7);
            }
            let order: Vec<(usize, usize, usize)> = order_of.iter().map(|&(_, r, first, n)| (r, first, n)).collect();
            items.add_runs(lists, &order, 9);
            let all: Vec<(u32, usize)> = items.iter().map(|(f, &i)| (f, i)).collect();
            let expected: Vec<(u32, usize)> = (0..next).map(|i| (if i < pushed { 7 } else { 9 }, i)).collect();
            prop_assert_eq!(&all, &expected);
            prop_assert_eq!(items.len(), next);
            let cut = items.parts(parts);
            prop_assert!(cut.len() <= parts.max(1));
            let even = next.div_ceil(parts).max(1);
            for part in &cut {
                prop_assert!(part.iter().map(|(_, s)| s.len()).sum::<usize>() <= even);
            }
            let joined: Vec<(u32, usize)> =
                cut.iter().flatten().flat_map(|&(f, s)| s.iter().map(move |&i| (f, i))).collect();
            prop_assert_eq!(joined, expected.clone());
            // Parts of a given size: each but the last exactly that many.
            let cut = items.parts_of(size);
            let lengths: Vec<usize> = cut.iter().map(|p| p.iter().map(|(_, s)| s.len()).sum()).collect();
            if let Some((last, whole)) = lengths.split_last() {
                prop_assert!(whole.iter().all(|&n| n == size), "{:?}", lengths);
                prop_assert!(*last <= size && (*last > 0 || next == 0), "{:?}", lengths);
            }
            let joined: Vec<(u32, usize)> =
                cut.iter().flatten().flat_map(|&(f, s)| s.iter().map(move |&i| (f, i))).collect();
            prop_assert_eq!(joined, expected);
        }
    }

    fn share(payee: &str, share: Decimal, line: u64) -> CreditShare {
        CreditShare { payee: Arc::from(payee), share, line }
    }

    fn payees<'c>(credits: &'c Credits, key: &str) -> Vec<(&'c str, Decimal, u64)> {
        let i = credits.find(key, crate::data::keys::split(key));
        i.map(|i| credits.shares(i).map(|s| (&*s.payee, s.share, s.line)).collect()).unwrap_or_default()
    }

    #[test]
    fn shares_are_the_same_only_when_every_share_is() {
        let read = |edit: Option<(usize, CreditShare)>, key_at_1: &str| {
            let mut credits = Credits::default();
            let mut shares = vec![share("E1", dec!(0.335), 2), share("E2", dec!(0.335), 3), share("E3", dec!(0.33), 4)];
            if let Some((at, changed)) = edit {
                shares[at] = changed;
            }
            for (i, s) in shares.into_iter().enumerate() {
                credits.add(KeyText::from(if i == 1 { key_at_1 } else { "S000002" }), s, 0);
            }
            credits
        };
        let base = read(None, "S000002");
        assert!(base.same_shares(&read(None, "S000002")));
        // Another key, payee, share, the same share written with another decimal, another line,
        // one share fewer: not the same.
        assert!(!base.same_shares(&read(None, "S000003")));
        assert!(!base.same_shares(&read(Some((2, share("E4", dec!(0.33), 4))), "S000002")));
        assert!(!base.same_shares(&read(Some((2, share("E3", dec!(0.34), 4))), "S000002")));
        assert!(!base.same_shares(&read(Some((2, share("E3", dec!(0.330), 4))), "S000002")));
        assert!(!base.same_shares(&read(Some((2, share("E3", dec!(0.33), 5))), "S000002")));
        // The same shares read from another file (its number in the plan's files).
        let mut elsewhere = Credits::default();
        for (i, s) in [share("E1", dec!(0.335), 2), share("E2", dec!(0.335), 3), share("E3", dec!(0.33), 4)]
            .into_iter()
            .enumerate()
        {
            elsewhere.add(KeyText::from("S000002"), s, if i == 2 { 1 } else { 0 });
        }
        assert!(!base.same_shares(&elsewhere));
        let mut fewer = Credits::default();
        fewer.add(KeyText::from("S000002"), share("E1", dec!(0.335), 2), 0);
        fewer.add(KeyText::from("S000002"), share("E2", dec!(0.335), 3), 0);
        assert!(!base.same_shares(&fewer) && !fewer.same_shares(&base));
    }

    #[test]
    fn a_credited_rows_shares_come_back_in_file_order_however_they_interleave() {
        let mut credits = Credits::default();
        // Lines 2 to 6 of a credits file: S000002 split three ways, its shares apart; S9 (a
        // class of its own) and `ref-x` (not numbered) once each.
        credits.add(KeyText::from("S000002"), share("E1", dec!(0.5), 2), 0);
        credits.add(KeyText::from("S9"), share("E2", dec!(1), 3), 0);
        credits.add(KeyText::from("S000002"), share("E3", dec!(0.25), 4), 0);
        credits.add(KeyText::from("ref-x"), share("E1", dec!(1), 5), 0);
        credits.add(KeyText::from("S000002"), share("E2", dec!(0.25), 6), 0);
        credits.seal();
        assert_eq!(credits.len(), 3);
        assert_eq!(credits.shares_read(), 5);
        assert_eq!(
            payees(&credits, "S000002"),
            vec![("E1", dec!(0.5), 2), ("E3", dec!(0.25), 4), ("E2", dec!(0.25), 6)]
        );
        assert_eq!(payees(&credits, "S9"), vec![("E2", dec!(1), 3)]);
        assert_eq!(payees(&credits, "ref-x"), vec![("E1", dec!(1), 5)]);
        assert!(payees(&credits, "S000003").is_empty());
        assert!(payees(&credits, "S2").is_empty());
        // Each row's key with its first share.
        let first: Vec<(String, u64)> =
            (0..credits.len()).filter_map(|i| credits.row(i)).map(|(k, s, _)| (k.to_string(), s.line)).collect();
        assert_eq!(first.len(), 3);
        assert!(first.contains(&("S000002".to_string(), 2)));
        assert!(first.contains(&("ref-x".to_string(), 5)));
        assert!(first.contains(&("S9".to_string(), 3)));
        // A share read after the seal joins its row, after the earlier ones.
        // Lines 7 and 2 of a second file (the line is that file's own).
        credits.add(KeyText::from("S000002"), share("E4", dec!(0), 7), 1);
        credits.add(KeyText::from("S7"), share("E1", dec!(1), 2), 1);
        credits.seal();
        assert_eq!(payees(&credits, "S000002").last(), Some(&("E4", dec!(0), 7)));
        assert_eq!(payees(&credits, "S000002").len(), 4);
        // A row's first share, and the file it was read from.
        let first = |key: &str| {
            let i = credits.find(key, crate::data::keys::split(key))?;
            credits.row(i).map(|(k, s, file)| (k.to_string(), s.line, file))
        };
        assert_eq!(first("S000002"), Some(("S000002".to_string(), 2, 0)));
        assert_eq!(first("S7"), Some(("S7".to_string(), 2, 1)));
        assert_eq!(first("ref-x"), Some(("ref-x".to_string(), 5, 0)));
    }

    #[test]
    fn shares_left_in_their_runs_lists_come_back_in_file_order() {
        // A credits file (file 3) read by two threads: lines 2-3 (block 0) and 6 (block 2) by
        // one, 4-5 (block 1) by the other. S000002 has a share in each block.
        let mut credits = Credits::default();
        let one = vec![
            (KeyText::from("S000002"), share("E1", dec!(0.25), 2)),
            (KeyText::from("S000005"), share("E2", dec!(1), 3)),
            (KeyText::from("S000002"), share("E3", dec!(0.25), 6)),
        ];
        let other =
            vec![(KeyText::from("S000002"), share("E2", dec!(0.5), 4)), (KeyText::from("S9"), share("E1", dec!(1), 5))];
        credits.add_runs(vec![one, other], &[(0, 0, 2), (1, 0, 2), (0, 2, 1)], 3);
        // Then a second file (file 4), row by row.
        credits.add(KeyText::from("S000005"), share("E4", dec!(0), 2), 4);
        credits.seal();
        assert_eq!((credits.len(), credits.shares_read()), (3, 6));
        assert_eq!(
            payees(&credits, "S000002"),
            vec![("E1", dec!(0.25), 2), ("E2", dec!(0.5), 4), ("E3", dec!(0.25), 6)]
        );
        assert_eq!(payees(&credits, "S000005"), vec![("E2", dec!(1), 3), ("E4", dec!(0), 2)]);
        let first = |key: &str| {
            let i = credits.find(key, crate::data::keys::split(key))?;
            credits.row(i).map(|(k, s, file)| (k.to_string(), s.line, file))
        };
        assert_eq!(first("S9"), Some(("S9".to_string(), 5, 3)));
        assert_eq!(first("S000005"), Some(("S000005".to_string(), 3, 3)));
    }

    #[test]
    fn a_named_row_is_found_by_its_key_once_read_and_kept_through_a_second_seal() {
        let row = |line: u64| Captured {
            values: smallvec::smallvec![Value::Number(Decimal::from(line))],
            line,
            payees: Credited::new(),
        };
        let mut named = NamedRows::default();
        for key in ["S000010", "S000003", "S000010", "odd"] {
            named.add(Arc::from(key));
        }
        named.seal(&[true]);
        assert_eq!((named.len(), named.names()), (3, 4));
        let Some(i) = named.find("S000010", crate::data::keys::split("S000010")) else { panic!("S000010 is named") };
        // Named, not yet read.
        assert!(named.row("S000010").is_none());
        named.capture(i, row(40));
        assert_eq!(named.row("S000010").map(|(at, r)| (at, r.line)), Some((i, 40)));
        assert!(named.row("S000003").is_none());
        assert!(named.row("S000011").is_none());
        // More names after the seal: the row read stays under its key.
        named.add(Arc::from("S000001"));
        named.seal(&[true]);
        assert_eq!(named.len(), 4);
        assert_eq!(named.row("S000010").map(|(_, r)| r.line), Some(40));
        assert!(named.find("S000001", crate::data::keys::split("S000001")).is_some());
    }

    #[test]
    fn a_named_row_keeps_the_columns_read_and_gives_them_back_by_column() {
        // A sale's id, employee and amount: the employee is not read through the reference.
        let whole = [Value::text("S000010"), Value::text("E01"), Value::Number(dec!(70.5))];
        let mut named = NamedRows::default();
        named.add(Arc::from("S000010"));
        named.seal(&[true, false, true]);
        let kept = named.kept_of(&whole);
        assert_eq!(kept.to_vec(), vec![Value::text("S000010"), Value::Number(dec!(70.5))]);
        let row = Captured { values: kept, line: 2, payees: Credited::new() };
        let joined = named.joined(&row);
        assert_eq!(joined.get(0), Some(&Value::text("S000010")));
        assert_eq!(joined.get(1), None);
        assert_eq!(joined.get(2), Some(&Value::Number(dec!(70.5))));
        assert_eq!(joined.get(3), None);
        assert_eq!(joined.to_whole(3), vec![Value::text("S000010"), Value::Missing, Value::Number(dec!(70.5))]);
        // A row with every column's value reads them by column as they are.
        assert_eq!(JoinedRow::whole(&whole).get(1), Some(&Value::text("E01")));
        assert_eq!(JoinedRow::whole(&whole).to_whole(3), whole.to_vec());
    }
}
