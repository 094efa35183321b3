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
    /// Shares as read, in file order, each with the key of the row it splits (until sealed).
    read: Vec<(Arc<str>, CreditShare)>,
    /// The credited rows' keys.
    index: KeyIndex,
    /// Per credited row (by its index): its key, and whether its ledger had it.
    keys: Vec<Arc<str>>,
    seen: Vec<bool>,
    /// Row `i`'s shares are `shares[starts[i]..starts[i + 1]]`, in file order.
    starts: Vec<usize>,
    shares: Vec<CreditShare>,
}

impl Credits {
    /// A share read, of the row whose key is `key`.
    pub(super) fn add(&mut self, key: Arc<str>, share: CreditShare) {
        self.read.push((key, share));
    }

    /// Indexes the shares read by their rows' keys (once the crediting ledger is read). Shares
    /// read after an earlier seal join the rows they split, after the shares read before.
    pub(super) fn seal(&mut self) {
        if self.read.is_empty() {
            return;
        }
        let mut read = std::mem::take(&mut self.read);
        if !self.keys.is_empty() {
            let mut again = Vec::with_capacity(self.shares.len() + read.len());
            let shares = std::mem::take(&mut self.shares);
            let mut shares = shares.into_iter();
            for (i, key) in self.keys.iter().enumerate() {
                let count = self.count(i);
                again.extend(shares.by_ref().take(count).map(|s| (key.clone(), s)));
            }
            again.append(&mut read);
            read = again;
        }
        let (index, of) = KeyIndex::new(read.iter().map(|(k, _)| &**k));
        // A counting sort by row, stable: each row's shares stay in file order.
        let mut starts = vec![0usize; index.len() + 1];
        for &i in &of {
            if let Some(n) = starts.get_mut(i + 1) {
                *n += 1;
            }
        }
        for i in 1..starts.len() {
            let before = starts.get(i - 1).copied().unwrap_or(0);
            if let Some(n) = starts.get_mut(i) {
                *n += before;
            }
        }
        let mut next = starts.clone();
        let mut slots: Vec<Option<CreditShare>> = vec![None; read.len()];
        let empty: Arc<str> = Arc::from("");
        let mut keys = vec![empty; index.len()];
        for ((key, share), i) in read.into_iter().zip(of) {
            let (Some(at), Some(k)) = (next.get_mut(i), keys.get_mut(i)) else { continue };
            if let Some(slot) = slots.get_mut(*at) {
                *slot = Some(share);
            }
            if *at == starts.get(i).copied().unwrap_or(0) {
                *k = key;
            }
            *at += 1;
        }
        self.shares = slots.into_iter().flatten().collect();
        self.seen = vec![false; index.len()];
        self.keys = keys;
        self.starts = starts;
        self.index = index;
    }

    fn count(&self, i: usize) -> usize {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(a), Some(b)) => b - a,
            _ => 0,
        }
    }

    /// The index of the credited row whose key is `key` (split as `keys::split` splits it).
    pub(super) fn find(&self, key: &str, parts: Option<(&str, usize, u64)>) -> Option<usize> {
        self.index.get_split(key, parts)
    }

    /// The shares of credited row `i`.
    pub(super) fn shares(&self, i: usize) -> &[CreditShare] {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => self.shares.get(a..b).unwrap_or_default(),
            _ => &[],
        }
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
        self.keys.len()
    }

    /// Each credited row's key, its shares, and whether its ledger had it.
    pub(super) fn rows(&self) -> impl Iterator<Item = (&Arc<str>, &[CreditShare], bool)> {
        self.keys.iter().enumerate().map(|(i, k)| (k, self.shares(i), self.seen.get(i).copied().unwrap_or(false)))
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

    /// The named row whose key is `key`, once read.
    pub(super) fn row(&self, key: &str) -> Option<&Captured> {
        self.find(key, crate::data::keys::split(key)).and_then(|i| self.rows.get(i)).and_then(Option::as_ref)
    }

    /// How many rows are named.
    pub(super) fn len(&self) -> usize {
        self.keys.len() + self.read.len()
    }
}
