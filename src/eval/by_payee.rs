//! What a fold keeps per payee and bucket (a month, a quarter, a year): an input's aggregate
//! states ([`super::aggregate::Buckets`]) and the rows lookups read
//! ([`super::aggregate::LookupRows`]).
//!
//! Kept payee by payee: a map of payees, each with a short list of their buckets sorted by
//! period. A payee's statements read all of their buckets one after the other, so the payee
//! is looked up once and their buckets lie together; kept as one map of every (payee,
//! bucket), each month's statement hashed its key and compared the payee's id again, a cache
//! miss apiece (over 100,000 payees, 1.2M buckets, about a sixth of a run's time).

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use crate::period::Period;

/// Per payee, an item per bucket (see the module's note).
#[derive(Debug, Clone)]
pub struct ByPayee<T> {
    /// Each payee's buckets, sorted by period, each once.
    payees: HashMap<Arc<str>, Vec<(Period, T)>>,
    len: usize,
}

impl<T> Default for ByPayee<T> {
    fn default() -> Self {
        ByPayee { payees: HashMap::default(), len: 0 }
    }
}

impl<T> ByPayee<T> {
    /// How many (payee, bucket) items.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The payee's buckets, sorted by period (empty for a payee with none).
    pub fn of(&self, payee: &str) -> &[(Period, T)] {
        self.payees.get(payee).map_or(&[], Vec::as_slice)
    }

    pub fn get(&self, payee: &str, bucket: Period) -> Option<&T> {
        find(self.of(payee), bucket)
    }

    pub fn contains(&self, payee: &str, bucket: Period) -> bool {
        self.get(payee, bucket).is_some()
    }

    /// `f` of the payee's item in `bucket`, made by `make` first when there is none.
    pub fn with<R>(
        &mut self,
        payee: &Arc<str>,
        bucket: Period,
        make: impl FnOnce() -> T,
        f: impl FnOnce(&mut T) -> R,
    ) -> R {
        let list = match self.payees.get_mut(&**payee) {
            Some(list) => list,
            None => self.payees.entry(payee.clone()).or_default(),
        };
        let at = list.partition_point(|(p, _)| *p < bucket);
        match list.get_mut(at).filter(|(p, _)| *p == bucket) {
            Some((_, item)) => f(item),
            None => {
                let mut item = make();
                let out = f(&mut item);
                list.insert(at, (bucket, item));
                self.len += 1;
                out
            }
        }
    }

    /// Puts `item` in the payee's bucket; the item it replaces, if there was one.
    pub fn insert(&mut self, payee: Arc<str>, bucket: Period, item: T) -> Option<T> {
        let list = self.payees.entry(payee).or_default();
        let at = list.partition_point(|(p, _)| *p < bucket);
        match list.get_mut(at).filter(|(p, _)| *p == bucket) {
            Some((_, old)) => Some(std::mem::replace(old, item)),
            None => {
                list.insert(at, (bucket, item));
                self.len += 1;
                None
            }
        }
    }

    /// Puts `item` in the payee's bucket, or, when the bucket has one already, `merge`s it
    /// into that one.
    pub fn add<E>(
        &mut self,
        payee: Arc<str>,
        bucket: Period,
        item: T,
        merge: impl FnOnce(&mut T, T) -> Result<(), E>,
    ) -> Result<(), E> {
        let list = self.payees.entry(payee).or_default();
        let at = list.partition_point(|(p, _)| *p < bucket);
        match list.get_mut(at).filter(|(p, _)| *p == bucket) {
            Some((_, mine)) => merge(mine, item),
            None => {
                list.insert(at, (bucket, item));
                self.len += 1;
                Ok(())
            }
        }
    }

    /// Adds items, each put in or `merge`d into the bucket's item: a payee's that come one
    /// after the other (as a fold's merge leaves them, payee by payee, each payee's by
    /// period) are added together, the payee looked up once (over 100,000 payees, 1.2M
    /// buckets added one by one took 0.4 s, each a payee's id hashed and compared and their
    /// list grown).
    pub fn add_runs<E>(
        &mut self,
        items: Vec<((Arc<str>, Period), T)>,
        mut merge: impl FnMut(&mut T, T) -> Result<(), E>,
    ) -> Result<(), E> {
        let lengths: Vec<usize> = items.chunk_by(|a, b| a.0 .0 == b.0 .0).map(<[_]>::len).collect();
        self.payees.reserve(lengths.len());
        let mut items = items.into_iter();
        for n in lengths {
            let mut list = Vec::with_capacity(n);
            let mut payee = None;
            for ((p, bucket), item) in items.by_ref().take(n) {
                payee = Some(p);
                list.push((bucket, item));
            }
            if let Some(payee) = payee {
                self.add_payee(payee, list, &mut merge)?;
            }
        }
        Ok(())
    }

    /// Adds a payee's items: taken whole for a payee with none yet when each bucket comes
    /// once, sorted by period; else each put in or `merge`d.
    pub fn add_payee<E>(
        &mut self,
        payee: Arc<str>,
        list: Vec<(Period, T)>,
        mut merge: impl FnMut(&mut T, T) -> Result<(), E>,
    ) -> Result<(), E> {
        let sorted = list.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0));
        let payee = match self.payees.entry(payee) {
            std::collections::hash_map::Entry::Vacant(slot) if sorted => {
                self.len += list.len();
                slot.insert(list);
                return Ok(());
            }
            std::collections::hash_map::Entry::Vacant(slot) => slot.into_key(),
            std::collections::hash_map::Entry::Occupied(slot) => slot.key().clone(),
        };
        for (bucket, item) in list {
            self.add(payee.clone(), bucket, item, &mut merge)?;
        }
        Ok(())
    }

    /// Adds every item of `other`, each put in or `merge`d into the bucket's item.
    pub fn absorb<E>(&mut self, other: ByPayee<T>, mut merge: impl FnMut(&mut T, T) -> Result<(), E>) -> Result<(), E> {
        self.payees.reserve(other.payees.len());
        for (payee, list) in other.payees {
            self.add_payee(payee, list, &mut merge)?;
        }
        Ok(())
    }

    /// Every (payee, bucket, item), payee after payee (in no particular order of payees).
    pub fn iter(&self) -> impl Iterator<Item = (&Arc<str>, Period, &T)> {
        self.payees.iter().flat_map(|(payee, list)| list.iter().map(move |(bucket, item)| (payee, *bucket, item)))
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.payees.values_mut().flat_map(|list| list.iter_mut().map(|(_, item)| item))
    }
}

/// The item of `bucket` in a payee's sorted list.
pub fn find<T>(list: &[(Period, T)], bucket: Period) -> Option<&T> {
    let at = list.partition_point(|(p, _)| *p < bucket);
    list.get(at).filter(|(p, _)| *p == bucket).map(|(_, item)| item)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn month(m: u32) -> Period {
        Period::Month { year: 2026, month: m }
    }

    /// The items as a sorted map, to compare with a plain model.
    fn as_map(b: &ByPayee<i64>) -> BTreeMap<(String, Period), i64> {
        b.iter().map(|(p, bucket, v)| ((p.to_string(), bucket), *v)).collect()
    }

    #[test]
    fn a_payees_buckets_are_kept_sorted_by_period_and_found() {
        let (a, b): (Arc<str>, Arc<str>) = (Arc::from("AM01"), Arc::from("AM02"));
        let mut by = ByPayee::default();
        // Months out of order, a quarter and a year among them: kept in `Period`'s order.
        for (bucket, v) in [(month(3), 3), (month(1), 1), (Period::Year { year: 2026 }, 9), (month(2), 2)] {
            assert_eq!(by.insert(a.clone(), bucket, v), None);
        }
        by.insert(b.clone(), Period::Quarter { year: 2026, quarter: 1 }, 5);
        assert_eq!(by.len(), 5);
        let periods: Vec<Period> = by.of("AM01").iter().map(|(p, _)| *p).collect();
        let mut sorted = periods.clone();
        sorted.sort();
        assert_eq!(periods, sorted);
        assert_eq!(by.get("AM01", month(2)), Some(&2));
        assert_eq!(by.get("AM01", month(4)), None);
        assert_eq!(by.get("AM03", month(1)), None);
        assert!(by.of("AM03").is_empty());
        // A second insert replaces, and says what it replaced; the count stays.
        assert_eq!(by.insert(a.clone(), month(2), 20), Some(2));
        assert_eq!(by.len(), 5);
        // `with` makes a bucket once, then finds it.
        assert_eq!(by.with(&b, month(1), || 100, |v| *v), 100);
        assert_eq!(by.with(&b, month(1), || 0, |v| std::mem::replace(v, 7)), 100);
        assert_eq!(by.get("AM02", month(1)), Some(&7));
        assert_eq!(by.len(), 6);
        by.values_mut().for_each(|v| *v += 10);
        assert_eq!(by.get("AM01", month(1)), Some(&11));
        // AM01: 1, 20, 3, 9; AM02: 5, 7; each 10 more.
        assert_eq!(by.iter().map(|(_, _, v)| *v).sum::<i64>(), (1 + 20 + 3 + 9) + (5 + 7) + 6 * 10);
    }

    #[test]
    fn runs_of_one_payee_are_added_together_and_merged_where_a_bucket_is_there() {
        let (a, b): (Arc<str>, Arc<str>) = (Arc::from("AM01"), Arc::from("AM02"));
        let mut by = ByPayee::default();
        by.insert(b.clone(), month(1), 1);
        // AM01 new and sorted (taken whole); AM02 there already (month 1 merged, 2 added);
        // AM01 again later, with a month it has (merged) and one out of order.
        let items = vec![
            ((a.clone(), month(1)), 10),
            ((a.clone(), month(2)), 20),
            ((b.clone(), month(1)), 100),
            ((b.clone(), month(2)), 200),
            ((a.clone(), month(2)), 1000),
            ((a.clone(), month(0)), 5),
        ];
        by.add_runs(items, |mine, theirs| {
            *mine += theirs;
            Ok::<(), ()>(())
        })
        .unwrap();
        let want: BTreeMap<(String, Period), i64> = [
            (("AM01".to_string(), month(0)), 5),
            (("AM01".to_string(), month(1)), 10),
            (("AM01".to_string(), month(2)), 1020),
            (("AM02".to_string(), month(1)), 101),
            (("AM02".to_string(), month(2)), 200),
        ]
        .into();
        assert_eq!(as_map(&by), want);
        assert_eq!(by.len(), 5);
        // A merge that refuses stops the adding and says so.
        let refused = by.add_runs(vec![((a.clone(), month(1)), 1)], |_, _| Err("no"));
        assert_eq!(refused, Err("no"));
    }

    proptest! {
        /// Any items, added one by one, in runs, or in runs into another that is then
        /// absorbed, give what a map of (payee, bucket) gives, and each payee's buckets stay
        /// sorted.
        #[test]
        fn agrees_with_a_map_of_payee_and_bucket(
            batches in prop::collection::vec(prop::collection::vec((0u8..5, 0u32..6, -50i64..50), 0..20), 0..6),
            how in 0u8..3,
        ) {
            let mut by = ByPayee::default();
            let mut model: BTreeMap<(String, Period), i64> = BTreeMap::new();
            for batch in batches {
                let items: Vec<((Arc<str>, Period), i64)> =
                    batch.iter().map(|&(p, m, v)| ((Arc::from(format!("P{p}").as_str()), month(m)), v)).collect();
                for ((p, m), v) in &items {
                    *model.entry((p.to_string(), *m)).or_default() += v;
                }
                let sum = |mine: &mut i64, theirs: i64| {
                    *mine += theirs;
                    Ok::<(), ()>(())
                };
                match how {
                    0 => {
                        for ((p, m), v) in items {
                            by.with(&p, m, || 0, |mine| *mine += v);
                        }
                    }
                    1 => by.add_runs(items, sum).unwrap(),
                    _ => {
                        let mut batch = ByPayee::default();
                        batch.add_runs(items, sum).unwrap();
                        by.absorb(batch, sum).unwrap();
                    }
                }
            }
            prop_assert_eq!(as_map(&by), model.clone());
            prop_assert_eq!(by.len(), model.len());
            for p in 0..5 {
                let list = by.of(&format!("P{p}"));
                prop_assert!(list.windows(2).all(|w| w[0].0 < w[1].0));
            }
        }
    }
}
