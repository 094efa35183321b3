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

    /// Shares read from file `file`, in file order (their own `file` is set here).
    pub(super) fn add_all(&mut self, mut shares: Vec<(Arc<str>, CreditShare)>, file: u32) {
        for (_, share) in &mut shares {
            share.file = file;
        }
        match self.read.is_empty() {
            true => self.read = shares,
            false => self.read.extend(shares),
        }
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

    /// Credited row `i`'s key, and its first share.
    pub(super) fn row(&self, i: usize) -> Option<(&Arc<str>, &CreditShare)> {
        let (key, share) = self.read.get(*self.first.get(i)?)?;
        Some((key, share))
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
    /// Keys as named, in file order.
    read: Vec<Arc<str>>,
    /// The keys named, once sealed.
    index: KeyIndex,
    /// Per named row (by its index): where it was first named in `read`, and the row once read.
    first: Vec<usize>,
    rows: Vec<Option<Captured>>,
    /// How many of `read` the index covers.
    sealed: usize,
}

impl NamedRows {
    /// A row of another ledger names the row whose key is `key`.
    pub(super) fn add(&mut self, key: Arc<str>) {
        self.read.push(key);
    }

    /// Indexes the keys named (once the naming ledgers are read); a row read before keeps its
    /// place under its key.
    pub(super) fn seal(&mut self) {
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
        let mut rows: Vec<Option<Captured>> = vec![None; index.len()];
        for (old, row) in std::mem::take(&mut self.rows).into_iter().enumerate() {
            let key = self.first.get(old).and_then(|&at| self.read.get(at));
            let new = key.and_then(|k| index.get(k)).and_then(|i| rows.get_mut(i));
            if let (Some(slot), Some(row)) = (new, row) {
                *slot = Some(row);
            }
        }
        self.first = first;
        self.rows = rows;
        self.index = index;
        self.sealed = self.read.len();
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

    /// How many rows are named (as indexed).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.rows.len()
    }

    /// How many times rows were named.
    pub(super) fn names(&self) -> usize {
        self.read.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn share(payee: &str, share: Decimal, line: u64) -> CreditShare {
        CreditShare { payee: Arc::from(payee), share, file: 0, line }
    }

    fn payees<'c>(credits: &'c Credits, key: &str) -> Vec<(&'c str, Decimal, u64)> {
        let i = credits.find(key, crate::data::keys::split(key));
        i.map(|i| credits.shares(i).map(|s| (&*s.payee, s.share, s.line)).collect()).unwrap_or_default()
    }

    #[test]
    fn a_credited_rows_shares_come_back_in_file_order_however_they_interleave() {
        let mut credits = Credits::default();
        // Lines 2 to 6 of a credits file: S000002 split three ways, its shares apart; S9 (a
        // class of its own) and `ref-x` (not numbered) once each.
        credits.add(Arc::from("S000002"), share("E1", dec!(0.5), 2));
        credits.add(Arc::from("S9"), share("E2", dec!(1), 3));
        credits.add(Arc::from("S000002"), share("E3", dec!(0.25), 4));
        credits.add(Arc::from("ref-x"), share("E1", dec!(1), 5));
        credits.add(Arc::from("S000002"), share("E2", dec!(0.25), 6));
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
        // Each row's key with its first share; none found yet, then one.
        let first: Vec<(String, u64, bool)> =
            credits.rows().map(|(_, k, s, seen)| (k.to_string(), s.line, seen)).collect();
        assert_eq!(first.len(), 3);
        assert!(first.contains(&("S000002".to_string(), 2, false)));
        assert!(first.contains(&("ref-x".to_string(), 5, false)));
        if let Some(i) = credits.find("S9", crate::data::keys::split("S9")) {
            credits.found(i);
        }
        let seen: Vec<&str> = credits.rows().filter(|r| r.3).map(|r| &**r.1).collect();
        assert_eq!(seen, vec!["S9"]);
        // A share read after the seal joins its row, after the earlier ones.
        credits.add(Arc::from("S000002"), share("E4", dec!(0), 7));
        credits.seal();
        assert_eq!(payees(&credits, "S000002").last(), Some(&("E4", dec!(0), 7)));
        assert_eq!(payees(&credits, "S000002").len(), 4);
        credits.all_found();
        assert!(credits.rows().all(|r| r.3));
    }

    #[test]
    fn a_named_row_is_found_by_its_key_once_read_and_kept_through_a_second_seal() {
        let row = |line: u64| Captured { values: vec![Value::Number(Decimal::from(line))], line, payees: Vec::new() };
        let mut named = NamedRows::default();
        for key in ["S000010", "S000003", "S000010", "odd"] {
            named.add(Arc::from(key));
        }
        named.seal();
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
        named.seal();
        assert_eq!(named.len(), 4);
        assert_eq!(named.row("S000010").map(|(_, r)| r.line), Some(40));
        assert!(named.find("S000001", crate::data::keys::split("S000001")).is_some());
    }
}
