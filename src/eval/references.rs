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

use crate::data::keys::KeyIndex;
use crate::value::Value;

/// One payee's share of a credited row, and where the share was read.
#[derive(Debug, Clone)]
pub(super) struct CreditShare {
    pub(super) payee: Arc<str>,
    pub(super) share: Decimal,
    /// Its file (in `PlanFold::places`) and line.
    pub(super) file: u32,
    pub(super) line: u64,
}

/// The credited rows' shares.
#[derive(Debug, Default)]
pub(super) struct Credits {
    /// Shares as read, in file order, each with the key of the row it splits.
    read: Vec<(Arc<str>, CreditShare)>,
    /// The credited rows' keys, once sealed.
    index: KeyIndex,
    /// Per credited row (by its index): its first share in `read`, and whether its ledger had
    /// it.
    first: Vec<usize>,
    seen: Vec<bool>,
    /// Per share: the next share of its row in `read` (`usize::MAX`: none).
    next: Vec<usize>,
}

impl Credits {
    /// A share read, of the row whose key is `key`.
    pub(super) fn add(&mut self, key: Arc<str>, share: CreditShare) {
        self.read.push((key, share));
    }

    /// Indexes the shares read by their rows' keys (once the crediting ledger is read, before
    /// the credited one is): each row's shares are chained in file order, nothing is moved.
    pub(super) fn seal(&mut self) {
        if self.next.len() == self.read.len() {
            return;
        }
        let (index, of) = KeyIndex::new(self.read.iter().map(|(k, _)| &**k));
        let mut first = vec![usize::MAX; index.len()];
        let mut next = vec![usize::MAX; of.len()];
        // Last share first, so that each row's chain runs in file order.
        for (at, &i) in of.iter().enumerate().rev() {
            if let (Some(head), Some(link)) = (first.get_mut(i), next.get_mut(at)) {
                *link = *head;
                *head = at;
            }
        }
        self.seen = vec![false; index.len()];
        self.first = first;
        self.next = next;
        self.index = index;
    }

    /// The index of the credited row whose key is `key` (split as `keys::split` splits it).
    pub(super) fn find(&self, key: &str, parts: Option<(&str, usize, u64)>) -> Option<usize> {
        self.index.get_split(key, parts)
    }

    /// The shares of credited row `i`, in file order.
    pub(super) fn shares(&self, i: usize) -> impl Iterator<Item = &CreditShare> + Clone + '_ {
        let mut at = self.first.get(i).copied().unwrap_or(usize::MAX);
        std::iter::from_fn(move || {
            let (_, share) = self.read.get(at)?;
            at = self.next.get(at).copied().unwrap_or(usize::MAX);
            Some(share)
        })
    }

    /// Credited row `i` was found in its ledger.
    pub(super) fn found(&mut self, i: usize) {
        if let Some(seen) = self.seen.get_mut(i) {
            *seen = true;
        }
    }

    /// Every credited row was found in its ledger.
    pub(super) fn all_found(&mut self) {
        self.seen.fill(true);
    }

    /// How many credited rows the shares name.
    pub(super) fn len(&self) -> usize {
        self.first.len()
    }

    /// How many shares were read.
    pub(super) fn shares_read(&self) -> usize {
        self.read.len()
    }

    /// Each credited row's key, its first share, and whether its ledger had it.
    pub(super) fn rows(&self) -> impl Iterator<Item = (usize, &Arc<str>, &CreditShare, bool)> {
        self.first.iter().enumerate().filter_map(|(i, &at)| {
            let (key, share) = self.read.get(at)?;
            Some((i, key, share, self.seen.get(i).copied().unwrap_or(false)))
        })
    }
}

/// A named row as the fold saw it: its values, and whom it was credited to.
#[derive(Debug, Clone)]
pub(super) struct Captured {
    pub(super) values: Vec<Value>,
    /// Its line in its file.
    pub(super) line: u64,
    pub(super) payees: Vec<(Arc<str>, Decimal)>,
}

/// The rows of one ledger that rows of others name, and each once its ledger is read.
#[derive(Debug, Default)]
pub(super) struct NamedRows {
    /// Keys as named, in file order (until sealed).
    read: Vec<Arc<str>>,
    index: KeyIndex,
    /// Per named row (by its index): its key, and the row once read.
    keys: Vec<Arc<str>>,
    rows: Vec<Option<Captured>>,
}

impl NamedRows {
    /// A row of another ledger names the row whose key is `key`.
    pub(super) fn add(&mut self, key: Arc<str>) {
        self.read.push(key);
    }

    /// Indexes the keys named (once the naming ledgers are read); rows captured before stay.
    pub(super) fn seal(&mut self) {
        if self.read.is_empty() {
            return;
        }
        let mut read = std::mem::take(&mut self.read);
        let before = std::mem::take(&mut self.keys);
        let rows = std::mem::take(&mut self.rows);
        let earlier = before.len();
        read.splice(0..0, before);
        let (index, of) = KeyIndex::new(read.iter().map(|k| &**k));
        let empty: Arc<str> = Arc::from("");
        let mut keys = vec![empty; index.len()];
        let mut placed = vec![false; index.len()];
        for (key, &i) in read.into_iter().zip(&of) {
            if let (Some(k), Some(p)) = (keys.get_mut(i), placed.get_mut(i)) {
                if !*p {
                    *k = key;
                    *p = true;
                }
            }
        }
        let mut captured: Vec<Option<Captured>> = vec![None; index.len()];
        for (row, &i) in rows.into_iter().zip(of.iter().take(earlier)) {
            if let Some(slot) = captured.get_mut(i) {
                *slot = row;
            }
        }
        self.keys = keys;
        self.rows = captured;
        self.index = index;
    }

    /// The index of the named row whose key is `key` (split as `keys::split` splits it).
    pub(super) fn find(&self, key: &str, parts: Option<(&str, usize, u64)>) -> Option<usize> {
        self.index.get_split(key, parts)
    }

    /// Named row `i`, as read.
    pub(super) fn capture(&mut self, i: usize, row: Captured) {
        if let Some(slot) = self.rows.get_mut(i) {
            *slot = Some(row);
        }
    }

    /// The named row whose key is `key` (its index, and the row), once read.
    pub(super) fn row(&self, key: &str) -> Option<(usize, &Captured)> {
        let i = self.find(key, crate::data::keys::split(key))?;
        Some((i, self.rows.get(i)?.as_ref()?))
    }

    /// How many rows are named.
    pub(super) fn len(&self) -> usize {
        self.keys.len() + self.read.len()
    }
}
