//! Phase one: one streaming pass over each ledger, folding every row into the plan's
//! aggregates per (payee, bucket) — a GROUP BY with filtered aggregates. Per row the work is
//! the aggregates' own small expressions, never a walk of the whole policy.

use std::collections::BTreeMap;

// Keys here are the ledger's own ids and values, hashed once per row: a fast non-keyed hash
// (the data is the user's own, so hash flooding is not a threat) is a large part of the fold.
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::by_payee::{self, ByPayee};
pub use super::distinct::DistinctValues;
use super::expr::{compare, eval_traced, Env, Tracer, Val};
pub(super) use super::references::Captured;
use super::references::{CreditShare, Credits, InOrder, JoinedRow, KeyText, NamedRows};
use super::EvalError;
use crate::data::checked::{self, Digest};
use crate::data::ids::{check_id, IdProblem, LookAlikes};
use crate::data::{read_input, InputFile, Refusal, Row, RowCounts};
use crate::diagnostics::eval::EvalKind;
use crate::diagnostics::ledger::LedgerKind;
use crate::diagnostics::{DataError, Error, PolicyProblems, RejectedRows};
use crate::period::{Granularity, Period};
use crate::plan::{AggFunc, PayeeSource, Plan};
use crate::suggest;
use crate::value::{exact_total, Value};

/// A payee and, with a roster, their roster row.
#[derive(Debug, Clone)]
pub struct Payee {
    pub id: Arc<str>,
    pub attrs: Vec<Value>,
}

/// The running state of one aggregate for one (payee, bucket).
#[derive(Debug, Clone)]
pub enum AggState {
    Sum(Decimal),
    Count(u64),
    /// The distinct values, each as its number in the fold's [`Interner`]: a value seen in
    /// many buckets is kept once, and a bucket holds about a byte per distinct value. Shared
    /// between plans read together that count the same thing (`diff`, `budget`). With the
    /// set's size once the fold has settled it (`None` while rows are still added): a
    /// statement reads the size here, not from the set, a cache miss apiece (over 100,000
    /// payees, 1.2M sets).
    Distinct(Arc<DistinctValues>, Option<u32>),
    /// The sum and the count, boxed (an average is rare): every state then fits 24 bytes.
    Avg(Box<(Decimal, u64)>),
    /// The least and the greatest value so far ([`keep_extreme`]), boxed as well (a value is
    /// 24 bytes), made by the first.
    Min(Option<Box<Value>>),
    Max(Option<Box<Value>>),
}

// A bucket's states are most of a fold's memory over many payees.
const _: () = assert!(std::mem::size_of::<AggState>() == 24);

impl AggState {
    pub fn new(func: AggFunc) -> AggState {
        match func {
            AggFunc::Sum => AggState::Sum(Decimal::ZERO),
            AggFunc::Count => AggState::Count(0),
            AggFunc::CountDistinct => AggState::Distinct(Arc::default(), Some(0)),
            AggFunc::Avg => AggState::Avg(Box::default()),
            AggFunc::Min => AggState::Min(None),
            AggFunc::Max => AggState::Max(None),
        }
    }

    /// Adds one row's value (a distinct count numbers it in `interner`). `None` on overflow.
    fn add(&mut self, value: Value, interner: &mut Interner) -> Option<()> {
        match self {
            AggState::Count(n) => *n += 1,
            _ if value == Value::Missing => {}
            AggState::Sum(s) => *s = exact_total(*s, value.as_number().unwrap_or_default())?,
            AggState::Avg(avg) => {
                avg.0 = exact_total(avg.0, value.as_number().unwrap_or_default())?;
                avg.1 += 1;
            }
            AggState::Distinct(set, size) => {
                Arc::make_mut(set).add(interner.number(value)?);
                *size = None;
            }
            AggState::Min(m) => keep_extreme(m, value, std::cmp::Ordering::Less),
            AggState::Max(m) => keep_extreme(m, value, std::cmp::Ordering::Greater),
        }
        Some(())
    }

    /// Combines two buckets (the months of a quarter). `None` on overflow.
    pub fn merge(&mut self, other: &AggState) -> Option<()> {
        match (self, other) {
            (AggState::Sum(a), AggState::Sum(b)) => *a = exact_total(*a, *b)?,
            (AggState::Count(a), AggState::Count(b)) => *a += b,
            (AggState::Avg(a), AggState::Avg(b)) => {
                a.0 = exact_total(a.0, b.0)?;
                a.1 += b.1;
            }
            (AggState::Distinct(a, size), AggState::Distinct(b, _)) => {
                Arc::make_mut(a).merge(b);
                *size = None;
            }
            (AggState::Min(m), AggState::Min(Some(v))) => keep_extreme(m, (**v).clone(), std::cmp::Ordering::Less),
            (AggState::Max(m), AggState::Max(Some(v))) => keep_extreme(m, (**v).clone(), std::cmp::Ordering::Greater),
            _ => {}
        }
        Some(())
    }

    /// The value of an aggregate over no rows: `AggState::new(func).finish()`, with no
    /// state made (an empty distinct set is an allocation).
    pub fn empty_value(func: AggFunc) -> Value {
        match func {
            AggFunc::Sum | AggFunc::Count | AggFunc::CountDistinct => Value::Number(Decimal::ZERO),
            AggFunc::Avg | AggFunc::Min | AggFunc::Max => Value::Missing,
        }
    }

    /// The aggregate's value; `None` on overflow.
    pub fn finish(&self) -> Option<Value> {
        Some(match self {
            AggState::Sum(s) => Value::Number(*s),
            AggState::Count(n) => Value::Number(Decimal::from(*n)),
            AggState::Distinct(_, Some(size)) => Value::Number(Decimal::from(*size)),
            AggState::Distinct(set, None) => Value::Number(Decimal::from(set.count())),
            AggState::Avg(avg) if avg.1 == 0 => Value::Missing,
            AggState::Avg(avg) => Value::Number(avg.0.checked_div(Decimal::from(avg.1))?),
            AggState::Min(v) | AggState::Max(v) => v.as_deref().cloned().unwrap_or(Value::Missing),
        })
    }
}

/// Keeps `value` in `m` when there is none yet or it compares as `wanted` to the one kept. Of
/// equal amounts written differently (`100.5` and `100.50`, `0.00` and `-0.00`), the one with
/// the most decimals, then the one not negative: the same whatever the rows' order (the
/// chunked fold adds its blocks' rows in no order).
///
/// The value is kept boxed: the box made by the first value, then written over.
pub(crate) fn keep_extreme(m: &mut Option<Box<Value>>, value: Value, wanted: std::cmp::Ordering) {
    if keeps_extreme(m.as_deref(), &value, wanted) {
        match m {
            Some(kept) => **kept = value,
            None => *m = Some(Box::new(value)),
        }
    }
}

/// Whether [`keep_extreme`] keeps `value` in place of `kept`.
fn keeps_extreme(kept: Option<&Value>, value: &Value, wanted: std::cmp::Ordering) -> bool {
    match kept.map(|cur| (compare(value, cur), cur)) {
        None => true,
        Some((Some(std::cmp::Ordering::Equal), Value::Number(cur))) => match value {
            Value::Number(n) => (n.scale(), !n.is_sign_negative()) > (cur.scale(), !cur.is_sign_negative()),
            _ => false,
        },
        Some((order, _)) => order == Some(wanted),
    }
}

/// The values counted distinct in a fold, each numbered once (`1.0` and `1.00` are the same
/// value). Numbers are only compared within one fold.
#[derive(Debug, Default)]
pub struct Interner(HashMap<Value, u32>);

impl Interner {
    /// The value's number; `None` past four billion distinct values.
    fn number(&mut self, v: Value) -> Option<u32> {
        let v = match v {
            Value::Number(n) => Value::Number(n.normalize()),
            other => other,
        };
        if let Some(&n) = self.0.get(&v) {
            return Some(n);
        }
        let n = u32::try_from(self.0.len()).ok()?;
        self.0.insert(v, n);
        Some(n)
    }
}

/// A payee and a bucket.
pub type BucketKey = (Arc<str>, Period);
/// Per (payee, bucket): the states of the aggregates of an input ([`BucketStates`]).
pub type Buckets = ByPayee<BucketStates>;

/// One bucket's states: one for each aggregate of the input that some row of the bucket was
/// taken by, found by the aggregate's place among the input's (its slot). An aggregate no row
/// was taken by has none, and reads as over no rows ([`AggState::empty_value`], what its new
/// state finishes to). Most buckets of a plan of many filtered aggregates over many payees
/// hold a row or two and a few states: the thirty-one states of a bucket were a kilobyte,
/// over 100,000 payees (680,000 buckets) 690 MB. A slot below 64 is found by a bit and a
/// count of the bits below it; an input of more aggregates lists its slots from 64 up.
#[derive(Debug, Clone, Default)]
pub struct BucketStates {
    /// Bit `s`: slot `s` (below 64) has a state.
    low: u64,
    /// The slots from 64 up that have a state, in order (boxed: one pointer, none for an input
    /// of at most 64 aggregates).
    #[allow(clippy::box_collection)]
    high: Option<Box<Vec<u32>>>,
    /// The states of the slots below 64 that have one, in the slots' order, then those of
    /// `high`, in its order.
    states: Box<[AggState]>,
}

const _: () = assert!(std::mem::size_of::<BucketStates>() == 32);

impl BucketStates {
    /// Where the state of `slot` is in `states`, or would go; and whether it is there.
    fn at(&self, slot: usize) -> (usize, bool) {
        if slot < 64 {
            let below = (self.low & ((1u64 << slot) - 1)).count_ones() as usize;
            return (below, self.low >> slot & 1 == 1);
        }
        let lows = self.low.count_ones() as usize;
        let high = self.high.as_deref().map_or(&[][..], Vec::as_slice);
        match high.binary_search(&u32::try_from(slot).unwrap_or(u32::MAX)) {
            Ok(i) => (lows + i, true),
            Err(i) => (lows + i, false),
        }
    }

    /// The state of the aggregate in `slot`, if some row was taken by it.
    #[inline]
    pub fn get(&self, slot: usize) -> Option<&AggState> {
        match self.at(slot) {
            (i, true) => self.states.get(i),
            (_, false) => None,
        }
    }

    /// The state of the aggregate in `slot`, made by `make` when the bucket has none.
    pub fn entry(&mut self, slot: usize, make: impl FnOnce() -> AggState) -> Option<&mut AggState> {
        let (i, there) = self.at(slot);
        if !there {
            if slot < 64 {
                self.low |= 1 << slot;
            } else {
                let lows = self.low.count_ones() as usize;
                let high = self.high.get_or_insert_with(Box::default);
                high.insert(i.checked_sub(lows)?, u32::try_from(slot).ok()?);
            }
            let mut states = std::mem::take(&mut self.states).into_vec();
            states.insert(i, make());
            self.states = states.into_boxed_slice();
        }
        self.states.get_mut(i)
    }

    /// Puts `state` in `slot`, in place of the one there if any.
    pub fn insert(&mut self, slot: usize, state: AggState) -> Option<()> {
        let mut state = Some(state);
        let kept = self.entry(slot, || state.take().unwrap_or(AggState::Count(0)))?;
        if let Some(state) = state {
            *kept = state;
        }
        Some(())
    }

    /// The slots that have a state, in order.
    fn slots(&self) -> impl Iterator<Item = usize> + '_ {
        let mut bits = self.low;
        let lows = std::iter::from_fn(move || {
            let slot = (bits != 0).then(|| bits.trailing_zeros() as usize)?;
            bits &= bits - 1;
            Some(slot)
        });
        lows.chain(self.high.iter().flat_map(|high| high.iter().map(|&slot| slot as usize)))
    }

    /// The states kept, with their slots, in the slots' order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &AggState)> {
        self.slots().zip(self.states.iter())
    }

    pub fn states_mut(&mut self) -> impl Iterator<Item = &mut AggState> {
        self.states.iter_mut()
    }

    /// Adds another fold's states of the bucket (`AggState::merge`, one with none taken as
    /// it is). `None` on overflow.
    pub fn merge(&mut self, other: &BucketStates) -> Option<()> {
        for (slot, theirs) in other.iter() {
            let mut fresh = false;
            let mine = self.entry(slot, || {
                fresh = true;
                theirs.clone()
            })?;
            if !fresh {
                mine.merge(theirs)?;
            }
        }
        Some(())
    }
}

impl FromIterator<(usize, AggState)> for BucketStates {
    /// States with their slots, each slot once (put in order when they come in another).
    fn from_iter<I: IntoIterator<Item = (usize, AggState)>>(states: I) -> BucketStates {
        let mut states: Vec<(usize, AggState)> = states.into_iter().collect();
        if !states.is_sorted_by_key(|&(slot, _)| slot) {
            states.sort_by_key(|&(slot, _)| slot);
        }
        let mut low = 0u64;
        let mut high: Vec<u32> = Vec::new();
        for &(slot, _) in &states {
            match u32::try_from(slot) {
                _ if slot < 64 => low |= 1 << slot,
                Ok(slot) => high.push(slot),
                Err(_) => {}
            }
        }
        // A list of its own, as long as it needs (collected from `states` in place, the
        // allocator was asked to shrink `states`' list for each bucket).
        let mut kept = Vec::with_capacity(states.len());
        kept.extend(states.into_iter().filter(|&(slot, _)| u32::try_from(slot).is_ok()).map(|(_, state)| state));
        BucketStates { low, high: (!high.is_empty()).then(|| Box::new(high)), states: kept.into_boxed_slice() }
    }
}

/// Per (payee, bucket): the one row lookups read.
pub type LookupRows = ByPayee<LookupRow>;

/// A row kept for lookups, with its line in the file (for `explain`).
#[derive(Debug, Clone)]
pub struct LookupRow {
    /// One per column of the input: the looked-up columns' values, the others missing.
    pub values: Vec<Value>,
    pub line: u64,
}

/// Everything the statements need from the ledgers.
#[derive(Debug, Default)]
pub struct Folded {
    /// Sorted by id, byte order (locale-independent).
    pub payees: Vec<Payee>,
    /// Per input: (payee, bucket) -> one state per aggregate of the plan over that input.
    pub buckets: Vec<Buckets>,
    /// Per input: (payee, bucket) -> the row, for inputs read by lookups.
    pub rows: Vec<LookupRows>,
    /// Per input, in declaration order.
    pub counts: Vec<RowCounts>,
    /// First and last month seen in inputs dated by day or month.
    pub span: Option<(Period, Period)>,
    /// Where the first and the last month of `span` were seen (`sales.csv:12:2`, the value).
    pub span_rows: Option<(SeenAt, SeenAt)>,
    /// Per input: the ids its rows name that are no payee of the run (without a roster;
    /// with one, such a row is refused), sorted by id.
    pub nobody: Vec<Vec<RowsForNobody>>,
    /// Per input: the periods (months, or the quarters of a quarterly input) its rows for
    /// payees fall in, to say where the ledgers are when a range matches none.
    pub periods: Vec<std::collections::BTreeSet<Period>>,
    /// Per payee with direct reports (the roster's manager column): the reports, by id.
    pub reports: HashMap<Arc<str>, Vec<Arc<str>>>,
    /// What the request asked to tally besides the aggregates ([`TallySpec`]).
    pub tally: Tally,
    /// Per aggregate of the plan: its input and its place in that input's state vector.
    slots: Vec<(usize, usize)>,
    /// The values distinct counts have seen, numbered.
    distinct: Interner,
}

/// Rows of one input for an id that is no payee of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsForNobody {
    pub payee: Arc<str>,
    pub rows: u64,
    /// The first such row, `surveys.csv:3:2`.
    pub first_at: String,
}

impl Folded {
    /// The folded state of one aggregate of the plan for a payee and a bucket (`None` when
    /// the payee has no row there). The fold alone decides where a state is kept.
    pub fn state(&self, aggregate: usize, payee: &Arc<str>, bucket: Period) -> Option<&AggState> {
        let (input, slot) = *self.slots.get(aggregate)?;
        self.states(input, payee, bucket)?.get(slot)
    }

    /// The states of the aggregates of an input for a payee and a bucket.
    fn states(&self, input: usize, payee: &str, bucket: Period) -> Option<&BucketStates> {
        self.buckets.get(input)?.get(payee, bucket)
    }
}

/// A payee's bucket of an input found for a period (none when the payee has no rows there).
type FoundBucket<'f> = (usize, Period, Option<&'f BucketStates>);

/// One payee's part of the folded ledgers, as their statements read it: per input, the
/// payee's buckets and lookup rows, found once (`by_payee`: a payee's buckets lie together,
/// sorted by period), then each month's found among a few.
pub struct PayeeFold<'f> {
    pub folded: &'f Folded,
    pub payee: &'f Payee,
    /// Per input: the payee's buckets.
    buckets: Vec<&'f [(Period, BucketStates)]>,
    /// Per input: the payee's lookup rows.
    rows: Vec<&'f [(Period, LookupRow)]>,
    /// The bucket last found (input, period, states): a statement's components read one
    /// bucket again and again.
    last: std::cell::Cell<Option<FoundBucket<'f>>>,
}

impl<'f> PayeeFold<'f> {
    pub fn new(folded: &'f Folded, payee: &'f Payee) -> PayeeFold<'f> {
        PayeeFold {
            folded,
            payee,
            buckets: folded.buckets.iter().map(|b| b.of(&payee.id)).collect(),
            rows: folded.rows.iter().map(|r| r.of(&payee.id)).collect(),
            last: std::cell::Cell::new(None),
        }
    }

    /// Reads the payee's states in `months` once, before the statements do (and the size of
    /// a distinct set not yet settled): their cache misses overlap here, not one by one as
    /// the statements read them (over 100,000 payees, 1.2M buckets).
    pub fn gather(&self, plan: &Plan, months: &[Period]) {
        for (input, schema) in plan.inputs.iter().enumerate() {
            let gran = schema.bucket().unwrap_or(Granularity::Month);
            let Some(list) = self.buckets.get(input).filter(|l| !l.is_empty()) else { continue };
            let mut last = None;
            for bucket in months.iter().filter_map(|m| m.coarsen(gran)) {
                if last == Some(bucket) {
                    continue;
                }
                last = Some(bucket);
                for (_, state) in by_payee::find(list, bucket).into_iter().flat_map(BucketStates::iter) {
                    if let AggState::Distinct(set, None) = state {
                        std::hint::black_box(set.count());
                    }
                }
            }
        }
    }

    /// [`Folded::state`] of `who` (the payee, or one of their direct reports).
    pub fn state(&self, aggregate: usize, who: &Arc<str>, bucket: Period) -> Option<&'f AggState> {
        let (input, slot) = *self.folded.slots.get(aggregate)?;
        // (The payee's own id is the same `Arc`: no comparison of its text.)
        if !Arc::ptr_eq(who, &self.payee.id) && who != &self.payee.id {
            return self.folded.states(input, who, bucket)?.get(slot);
        }
        let states = match self.last.get() {
            Some((i, p, states)) if i == input && p == bucket => states,
            _ => {
                let states = by_payee::find(self.buckets.get(input)?, bucket);
                self.last.set(Some((input, bucket, states)));
                states
            }
        };
        states?.get(slot)
    }

    /// The payee's row of an input read by lookups, in a bucket.
    pub fn row(&self, input: usize, bucket: Period) -> Option<&'f LookupRow> {
        by_payee::find(self.rows.get(input)?, bucket)
    }
}

/// A field of a ledger row, for messages: where it is and what it says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeenAt {
    pub at: String,
    pub value: String,
}

/// Which buckets the run needs; `None` means all of them (no range was given).
/// (A fast non-keyed hash: it is looked up once per row.)
pub type Needed = Option<rustc_hash::FxHashSet<Period>>;

/// One plan's part in a fold: the plan, the files bound to its inputs, the buckets it needs.
#[derive(Debug, Clone)]
pub struct FoldRequest<'a> {
    pub plan: &'a Plan,
    pub files: &'a [InputFile],
    pub needed: Needed,
    /// Multiply one column of one input by a factor as its rows are read (the budget's
    /// marginal cost runs the plan a second time on sales 1% larger, in the same pass).
    pub scale: Option<Scale>,
    /// How many rejected rows to list before stopping (at least 1: the first stops the run).
    pub max_errors: usize,
    /// The one payee whose rows a row observer wants (`explain`); `None`: every row. With
    /// one, a plain ledger can still be read in blocks.
    pub observed_payee: Option<String>,
    /// With an observed payee: their direct reports' rows too (a plan paying on reports'
    /// statements, `for reports`).
    pub observe_reports: bool,
    /// A money column to tally per payee and bucket besides the plan's aggregates.
    pub tally: Option<TallySpec>,
    /// Whether other payees' rows are checked (see [`Trust`]).
    pub trust: Trust,
}

/// Whether a fold for one observed payee (`explain`) checks the rows of the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// Every row of every file is read and checked (and the fold may leave a record).
    Checked,
    /// A record that the plan has read these files whole with no problem (`data::checked`):
    /// the digests its files had. With an observed payee, other payees' rows of a file read
    /// in blocks are then passed over unchecked, and the fold says whether the files read
    /// now have the record's digests (`FoldOutcome::distrusted`).
    Record(BTreeMap<usize, Digest>),
    /// The caller takes other payees' rows unchecked with no record (`explain --quick`): with
    /// an observed payee, their rows of a file read in blocks are passed over, and counted
    /// (`LedgerRead::passed_over`).
    Unchecked,
}

impl Trust {
    /// Whether other payees' rows may be passed over (with an observed payee).
    pub(super) fn passes_over(&self) -> bool {
        !matches!(self, Trust::Checked)
    }
}

impl FoldRequest<'_> {
    /// Whether the fold leaves a record of the files it read, when it ends with no problem:
    /// it reads and checks every row of every file, folds every payee's rows of the buckets
    /// it needs (the record says which), and trusts no record. An observer (`explain`) only
    /// looks at rows, and changes nothing of what is checked or folded.
    pub(super) fn records(&self) -> bool {
        self.scale.is_none() && self.trust == Trust::Checked && super::chunked::on() && checked::enabled()
    }
}

/// What a command tallies of one ledger besides the plan's aggregates: a money column per
/// (payee, bucket), in total and per value of other columns (the budget's sales per business
/// type). Both readers fold it over the rows the plan uses, each row weighed by its payee's
/// share, so a command that needs it does not have to see every row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallySpec {
    pub input: usize,
    pub column: usize,
    /// Columns the tally is also broken down by, each by its values as text.
    pub by: Vec<usize>,
}

/// A payee's tally in a bucket, per value of a column.
pub type TallyByValue = ByPayee<ValueSums>;

/// A bucket's sum per value of a column (as text, in the order first met): most buckets
/// have one value, kept in place (a map per bucket, over 100,000 payees, took 600 MB).
pub type ValueSums = smallvec::SmallVec<[(Arc<str>, Decimal); 1]>;

/// Adds `amount` to the sum of `value` in `sums` (or the overflow noted).
pub(super) fn add_value(overflow: &mut bool, sums: &mut ValueSums, value: &str, amount: Decimal) {
    match sums.iter_mut().find(|(v, _)| &**v == value) {
        Some((_, sum)) => add_to(overflow, sum, amount),
        None => sums.push((Arc::from(value), amount)),
    }
}

/// The tally a [`TallySpec`] asks for.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub total: ByPayee<Decimal>,
    /// Per column of `TallySpec::by`.
    pub by: Vec<TallyByValue>,
    /// A tally too large for a decimal: the command says so.
    pub overflow: bool,
}

impl Tally {
    /// Adds one used row (`values` after any scaling), weighed by the payee's share; a row
    /// whose money column is empty adds nothing.
    fn add_row(&mut self, spec: &TallySpec, payee: &Arc<str>, bucket: Period, values: &[Value], share: Decimal) {
        let Some(Value::Number(whole)) = values.get(spec.column) else { return };
        let Some(amount) = whole.checked_mul(share) else {
            self.overflow = true;
            return;
        };
        self.by.resize_with(spec.by.len(), Default::default);
        let Tally { total, by, overflow } = self;
        for (column, by) in spec.by.iter().zip(by.iter_mut()) {
            let value = values.get(*column).map(Value::plain).unwrap_or_default();
            by.with(payee, bucket, ValueSums::new, |sums| add_value(overflow, sums, &value, amount));
        }
        total.with(payee, bucket, || Decimal::ZERO, |sum| add_to(overflow, sum, amount));
    }
}

/// `*into += amount`, or the overflow noted.
pub(super) fn add_to(overflow: &mut bool, into: &mut Decimal, amount: Decimal) {
    match into.checked_add(amount) {
        Some(sum) => *into = sum,
        None => *overflow = true,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub input: usize,
    pub column: usize,
    pub factor: Decimal,
}

/// A row a plan uses, as the fold saw it: its payee and bucket are the fold's own (the one
/// place that decides them), `values` are after any scaling.
#[derive(Debug, Clone, Copy)]
pub struct ObservedRow<'r> {
    /// Index of the fold request (the plan) the row was folded for.
    pub request: usize,
    pub input: usize,
    pub payee: &'r Arc<str>,
    pub bucket: Period,
    pub values: &'r [Value],
    /// 1-based line of the row in its file.
    pub line: u64,
    /// The payee's share of the row (1 unless a credit splits it); sums weigh it.
    pub share: Decimal,
    /// The row a reference column names (a cancellation's sale): that column and its values.
    pub joined: Option<(usize, JoinedRow<'r>)>,
    /// The line of that named row in its file.
    pub joined_line: u64,
}

/// Sees every row a plan uses, after its payee and bucket are known. Lets a command tally
/// what the plan's aggregates do not keep (sales per business type), or list the rows behind
/// a figure (`explain`), without reading the ledger again.
pub type RowObserver<'o> = dyn FnMut(ObservedRow<'_>) + 'o;

/// One read of one file and the inputs of the requests it served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRead {
    /// The source as messages name it (`sales.csv`, `book.xlsx#Sheet2`).
    pub source: String,
    /// (request index, input name) for every plan input folded from this read.
    pub served: Vec<(usize, String)>,
    /// The file's digest, when read in blocks for a plan that records or trusts a record.
    pub digest: Option<Digest>,
    /// Rows of other payees passed over unchecked (a fold for one payee that trusts).
    pub passed_over: u64,
}

/// The folds, one per request, and what was read to make them.
#[derive(Debug)]
pub struct FoldOutcome {
    pub folded: Vec<Folded>,
    pub reads: Vec<LedgerRead>,
    /// Why a file had to be read more than once (shown to the user on stderr).
    pub notes: Vec<String>,
    /// Per request: it trusted a record, and the files read were not those the record is
    /// about (another digest). The fold is then not to be believed: read again, untrusting.
    pub distrusted: Vec<bool>,
    /// Per request: the record of the files read with no problem it left, if it left one
    /// (for another plan the fold serves as well: [`leave_record`]).
    pub records: Vec<Option<checked::Record>>,
}

/// Reads every bound input once, in an order that knows the payees before they are needed:
/// the roster (or the ledger that defines the payees) first, then the rest.
///
/// A ledger with rejected rows stops the run before the next one is read, so that one bad
/// file is not reported again as problems in the others (a rejected roster row would make
/// its payee's sales "not in the roster").
pub fn fold_inputs<T: Tracer>(
    plan: &Plan,
    files: &[InputFile],
    needed: &Needed,
    max_errors: usize,
    tracer: &mut T,
) -> Result<Folded, Error> {
    let request = FoldRequest {
        plan,
        files,
        needed: needed.clone(),
        scale: None,
        max_errors,
        observed_payee: None,
        observe_reports: false,
        tally: None,
        trust: Trust::Checked,
    };
    let outcome = fold_shared(std::slice::from_ref(&request), None, tracer)?;
    Ok(outcome.folded.into_iter().next().unwrap_or_default())
}

/// What a file is to the plan that reads it; rows can only be shared between plans for
/// which it is the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Roster,
    PayeeLedger,
    Ledger,
    /// The rows that split another ledger's rows among payees (`credit sales by credits.share`).
    Credits,
    /// Rows that name rows of another ledger (cancellations): kept, and folded once the
    /// ledger they name has been read.
    Kept,
}

/// Which of the five reading phases an input belongs to: the roster; the small inputs that
/// name rows of other ledgers (credits, cancellations: kept until those are read); the ledger
/// that defines the payees (without a roster); the other ledgers; and, trusting a record,
/// the inputs naming rows of a ledger named late ([`late_target`]), read after it.
fn phase_of(request: &FoldRequest<'_>, input: usize) -> u8 {
    let plan = request.plan;
    let roster = match plan.payee {
        PayeeSource::Roster { input, .. } => Some(input),
        PayeeSource::Ledger { .. } => None,
    };
    if Some(input) == roster {
        return 0;
    }
    if trusting(request) && late_target(plan, input).is_some() {
        return 4;
    }
    let names_rows = plan
        .inputs
        .get(input)
        .is_some_and(|s| s.columns.iter().any(|c| c.refers_to.is_some_and(|t| Some(t) != roster && t != input)));
    if names_rows {
        1
    } else if input == payee_input(plan) {
        2
    } else {
        3
    }
}

/// Whether a fold trusts a record that its files were read whole with no problem, for one
/// payee (`explain` after a run): the rows that count for no one observed are passed over.
fn trusting(request: &FoldRequest<'_>) -> bool {
    request.trust.passes_over() && request.observed_payee.is_some()
}

/// The ledger whose rows `input` names, when, trusting a record, `input` is read after it
/// (named late, `NamedRows::late`): `input` names rows of one other ledger (besides the
/// roster), which names none itself and has a key, and which no other input names along
/// with another ledger (that input is read before it, and must find its rows named); no
/// input names `input`'s rows; and `input` does not credit rows by shares (those are read
/// before: they say which rows are read).
pub(super) fn late_target(plan: &Plan, input: usize) -> Option<usize> {
    let roster = match plan.payee {
        PayeeSource::Roster { input, .. } => Some(input),
        PayeeSource::Ledger { .. } => None,
    };
    let names = |i: usize| -> Vec<usize> {
        let columns = plan.inputs.get(i).map_or(&[][..], |s| &s.columns[..]);
        let mut targets: Vec<usize> =
            columns.iter().filter_map(|c| c.refers_to).filter(|&t| Some(t) != roster && t != i).collect();
        targets.sort_unstable();
        targets.dedup();
        targets
    };
    let shares = |i: usize| plan.credit.is_some_and(|c| c.by == i);
    if shares(input) {
        return None;
    }
    let [target] = names(input)[..] else { return None };
    let named_early = (0..plan.inputs.len()).any(|i| !shares(i) && names(i).len() > 1 && names(i).contains(&target));
    let named_itself = (0..plan.inputs.len()).any(|i| names(i).contains(&input));
    let keyed = plan.inputs.get(target).is_some_and(|s| s.key.is_some());
    match names(target).is_empty() && !named_early && !named_itself && keyed {
        true => Some(target),
        false => None,
    }
}

#[derive(Clone, Copy)]
pub(super) struct Task<'a> {
    pub(super) request: usize,
    pub(super) input: usize,
    pub(super) file: &'a InputFile,
    pub(super) role: Role,
}

/// Folds the inputs of several plans at once. A file bound to inputs of several plans is
/// read once and each row is folded into every plan, provided their schemas for it have the
/// same shape (same columns, types, allowed values and marks), so one validation serves all;
/// otherwise the file is read once per shape, and a note says why.
///
/// The tracer sees the per-row expressions of the aggregates (coverage of rate-table rows in
/// `sum(sales.amount * rate(...))`); a tracer observes one plan, so pass [`super::expr::NoTrace`]
/// when folding several.
pub fn fold_shared<T: Tracer>(
    requests: &[FoldRequest<'_>],
    mut observer: Option<&mut RowObserver<'_>>,
    tracer: &mut T,
) -> Result<FoldOutcome, Error> {
    let mut states: Vec<PlanFold<'_>> = requests.iter().map(PlanFold::new).collect();
    let mut reads = Vec::new();
    // Per request and input, the digest of the file as read in blocks (`None`: read row by row).
    let mut digests: Vec<BTreeMap<usize, Option<Digest>>> = vec![BTreeMap::new(); requests.len()];
    let mut notes = Vec::new();
    // The first task of every read so far, to say why a file is read again.
    let mut leads: Vec<Task<'_>> = Vec::new();
    // Phase zero reads the roster, one the credit shares and the rows naming others' rows, two
    // each plan's payee-defining input, three the rest, so payees are known before the rows
    // that refer to them; four, trusting a record, the rows naming others' rows (named late).
    for phase in 0..5u8 {
        let mut groups: Vec<Vec<Task<'_>>> = Vec::new();
        for (r, request) in requests.iter().enumerate() {
            let first = payee_input(request.plan);
            let mut inputs: Vec<usize> = vec![first];
            inputs.extend((0..request.plan.inputs.len()).filter(|i| *i != first));
            for input in inputs.into_iter().filter(|i| phase_of(request, *i) == phase) {
                let Some(file) = request.files.iter().find(|f| f.input == input) else { continue };
                let credits = request.plan.credit.is_some_and(|c| c.by == input);
                let role = match (input == first, request.plan.payee) {
                    _ if credits => Role::Credits,
                    _ if phase == 1 || phase == 4 => Role::Kept,
                    (true, PayeeSource::Roster { .. }) => Role::Roster,
                    (true, PayeeSource::Ledger { .. }) => Role::PayeeLedger,
                    _ => Role::Ledger,
                };
                let task = Task { request: r, input, file, role };
                let joinable = groups.iter_mut().find(|g| {
                    g.first().is_some_and(|lead| {
                        lead.file.source.same_as(&file.source) && shares_rows(requests, lead, &task)
                    }) && !g.iter().any(|t| t.request == r)
                });
                match joinable {
                    Some(group) => group.push(task),
                    None => {
                        if let Some(lead) = leads.iter().find(|l| l.file.source.same_as(&file.source)) {
                            notes.push(format!(
                                "reading {} again: {}",
                                file.source.shown(),
                                why_not_shared(requests, lead, &task)
                            ));
                        }
                        leads.push(task);
                        groups.push(vec![task]);
                    }
                }
            }
        }
        for group in groups {
            let read = read_group(requests, &mut states, &group, observer.as_deref_mut(), tracer)?;
            for task in &group {
                if let Some(seen) = digests.get_mut(task.request) {
                    seen.insert(task.input, read.digest);
                }
            }
            reads.push(read);
        }
        for (r, state) in states.iter_mut().enumerate() {
            match phase {
                0 => state.check_roster(requests.get(r).map_or(&[][..], |q| q.files))?,
                1 => state.check_credits(requests.get(r).map_or(&[][..], |q| q.files))?,
                2 | 3 => {}
                _ => {
                    state.fold_kept(r, requests.get(r).map_or(&[][..], |q| q.files), observer.as_deref_mut(), tracer)?
                }
            }
        }
        if phase == 1 {
            share_same_credits(requests, &mut states);
        }
    }
    let (distrusted, records) = requests
        .iter()
        .zip(&digests)
        .zip(&states)
        .map(|((r, seen), state)| {
            if state.unread_late {
                super::chunked::report(|| {
                    "record of files read with no problem: not trusted (a ledger named late read row by row)".into()
                });
                return (true, None);
            }
            settle_record(r, seen)
        })
        .unzip();
    let folded = states.into_iter().map(PlanFold::finish).collect();
    Ok(FoldOutcome { folded, reads, notes, distrusted, records })
}

/// Gives plans of one fold that read the same credit shares one copy of them (`budget`'s four
/// runs of one plan over the same files: 2.4M shares each for the 2027 plan's year at 10M
/// sales). Only between requests of the same plan and files, whose shares' file numbers mean
/// the same files, and only when every share is the same (`Credits::same_shares`).
fn share_same_credits(requests: &[FoldRequest<'_>], states: &mut [PlanFold<'_>]) {
    let same_files = |a: &FoldRequest<'_>, b: &FoldRequest<'_>| {
        std::ptr::eq(a.plan, b.plan)
            && a.files.len() == b.files.len()
            && a.files.iter().zip(b.files).all(|(x, y)| x.input == y.input && x.source.same_as(&y.source))
    };
    for r in 1..states.len() {
        let (before, rest) = states.split_at_mut(r);
        let (Some(state), Some(request)) = (rest.first_mut(), requests.get(r)) else { continue };
        if state.credits.shares_read() == 0 {
            continue;
        }
        let first = before
            .iter()
            .zip(requests)
            .find(|(other, theirs)| same_files(request, theirs) && other.credits.same_shares(&state.credits));
        if let Some((other, _)) = first {
            state.credits = Arc::clone(&other.credits);
            super::chunked::report(|| format!("credit shares of plan {}: one copy with an earlier plan's", r + 1));
        }
    }
}

/// After a fold with no problem: leaves the record of a request that records (and gives
/// it), and says whether a request that trusted a record read other files than the record's
/// (`true`: the fold is not to be believed). A file read row by row is digested whole here.
fn settle_record(request: &FoldRequest<'_>, seen: &BTreeMap<usize, Option<Digest>>) -> (bool, Option<checked::Record>) {
    // A fold that read no file in blocks records nothing; one that trusted a record then read
    // other files than the record's, which always has a file read in blocks.
    let trusted = match &request.trust {
        Trust::Record(digests) => Some(digests),
        Trust::Checked | Trust::Unchecked => None,
    };
    if (!request.records() && trusted.is_none()) || !seen.values().any(Option::is_some) {
        return (trusted.is_some(), None);
    }
    // Every file the request was given, digested as it was read (or whole, if read row by row).
    let digests: Option<BTreeMap<usize, Digest>> = request
        .files
        .iter()
        .map(|f| {
            let digest = seen.get(&f.input).copied().flatten().or_else(|| checked::of_file(&f.source));
            digest.map(|d| (f.input, d))
        })
        .collect();
    if let Some(trusted) = trusted {
        let same = digests.as_ref() == Some(trusted);
        super::chunked::report(|| {
            format!(
                "record of files read with no problem: {}",
                if same { "the same files, trusted" } else { "other files, not trusted" }
            )
        });
        return (!same, None);
    }
    let Some(digests) = digests else { return (false, None) };
    let record = checked::Record { digests, buckets: request.needed.as_ref().map(|n| n.iter().copied().collect()) };
    let left = leave_record(request, &record);
    (false, left.then_some(record))
}

/// Leaves `record` (of a fold with no problem) as the record of `request`'s plan and files:
/// also for a plan whose fold another's served (`eval::passes`). Whether it was left.
pub(crate) fn leave_record(request: &FoldRequest<'_>, record: &checked::Record) -> bool {
    let Some(name) = checked::name(request.plan, request.files, super::chunked::block_bytes()) else { return false };
    let left = checked::remember(&name, record.clone());
    let done = left.is_ok();
    super::chunked::report(|| match left {
        Ok(()) => format!("record of files read with no problem: {name}"),
        Err(why) => format!("no record of files read with no problem: {why}"),
    });
    done
}

fn payee_input(plan: &Plan) -> usize {
    match plan.payee {
        PayeeSource::Roster { input, .. } | PayeeSource::Ledger { input, .. } => input,
    }
}

fn schema_of<'a>(requests: &[FoldRequest<'a>], task: &Task<'_>) -> Option<&'a crate::plan::InputSchema> {
    requests.get(task.request).and_then(|r| r.plan.inputs.get(task.input))
}

fn shares_rows(requests: &[FoldRequest<'_>], a: &Task<'_>, b: &Task<'_>) -> bool {
    let scale = |t: &Task<'_>| requests.get(t.request).map(|r| r.plan.currency.decimals);
    a.role == b.role
        && scale(a) == scale(b)
        && matches!((schema_of(requests, a), schema_of(requests, b)), (Some(x), Some(y)) if x.same_shape(y))
}

fn why_not_shared(requests: &[FoldRequest<'_>], lead: &Task<'_>, task: &Task<'_>) -> String {
    let name = |t: &Task<'_>| {
        let plan = requests.get(t.request).map_or("", |r| r.plan.source.name.as_str());
        let input = schema_of(requests, t).map_or("", |s| s.name.as_str());
        format!("input `{input}` of {plan}")
    };
    let reason = if lead.role != task.role {
        "it defines the payees in one plan and not in the other"
    } else if requests.get(lead.request).map(|r| r.plan.currency.decimals)
        != requests.get(task.request).map(|r| r.plan.currency.decimals)
    {
        "the plans' currencies allow different decimals"
    } else {
        "their columns, types, allowed values or marks differ"
    };
    format!("{} and {} cannot share one pass: {reason}", name(lead), name(task))
}

/// Reads one file once, folding every row into each plan of the group.
fn read_group<T: Tracer>(
    requests: &[FoldRequest<'_>],
    states: &mut [PlanFold<'_>],
    group: &[Task<'_>],
    mut observer: Option<&mut RowObserver<'_>>,
    tracer: &mut T,
) -> Result<LedgerRead, Error> {
    let (Some(lead), Some(schema)) = (group.first(), group.first().and_then(|t| schema_of(requests, t))) else {
        return Ok(LedgerRead { source: String::new(), served: Vec::new(), digest: None, passed_over: 0 });
    };
    let Some(request) = requests.get(lead.request) else {
        return Ok(LedgerRead { source: String::new(), served: Vec::new(), digest: None, passed_over: 0 });
    };
    // A plain CSV file is read in blocks on all cores when the plans only fold its rows.
    if let Some(read) = super::chunked::try_read(requests, states, group, observer.as_deref_mut(), T::RECORDS) {
        return Ok(read);
    }
    // Trusting a record, a ledger named late is read in blocks, capturing the rows it reads
    // (a few), those of no one observed passed over; read row by row, it would capture every
    // row. It is not read: the fold is not to be believed, and is made again, untrusting.
    let late = |t: &Task<'_>| states.get(t.request).is_some_and(|s| s.named(t.input).is_some_and(NamedRows::is_late));
    if group.iter().any(late) {
        for task in group {
            if let Some(state) = states.get_mut(task.request) {
                state.unread_late = true;
            }
        }
        return Ok(LedgerRead { source: lead.file.source.shown(), served: Vec::new(), digest: None, passed_over: 0 });
    }
    let mut scratch: Vec<Value> = Vec::new();
    let reading = read_input(schema, lead.file, &request.plan.currency, request.max_errors, |row| {
        for task in group {
            let Some(state) = states.get_mut(task.request) else { continue };
            let values = match state.scale {
                Some(s) if s.input == task.input => {
                    scratch.clear();
                    scratch.extend_from_slice(row.values);
                    if let Some(Value::Number(n)) = scratch.get_mut(s.column) {
                        *n = n.checked_mul(s.factor).ok_or_else(|| {
                            Refusal::Reject(DataError::of(row.at_column(s.column), EvalKind::TooLargeToScale))
                        })?;
                    }
                    &scratch[..]
                }
                _ => row.values,
            };
            let used = match task.role {
                Role::Roster => state.roster_row(task.input, values, &row)?,
                Role::Credits => state.credit_row(task.input, values, &row)?,
                Role::Kept => state.keep_row(task.input, values, &row)?,
                Role::PayeeLedger | Role::Ledger => {
                    state.ledger_row(task.input, task.role == Role::PayeeLedger, values, &row, tracer)?
                }
            };
            if let Some(spec) = state.tally.filter(|t| t.input == task.input) {
                for (payee, bucket, share) in used.iter() {
                    state.folded.tally.add_row(spec, payee, bucket, values, share);
                }
            }
            if let Some(observe) = observer.as_deref_mut() {
                for (payee, bucket, share) in used.iter() {
                    observe(ObservedRow {
                        request: task.request,
                        input: task.input,
                        payee,
                        bucket,
                        values,
                        line: row.line,
                        share,
                        joined: None,
                        joined_line: 0,
                    });
                }
            }
        }
        Ok(())
    })?;
    for task in group {
        if let Some(state) = states.get_mut(task.request) {
            if let Some((err, at)) = state.eval_error.take() {
                return Err(Error::Policy(PolicyProblems {
                    source: state.plan.source.clone(),
                    problems: vec![err.into_problem(&format!("row at {at}"))],
                }));
            }
            if let Some(c) = state.count(task.input) {
                c.read = reading.read;
                c.rejected = reading.rejected;
            }
        }
    }
    let shown = lead.file.source.shown();
    if !reading.problems.is_empty() {
        return Err(Error::Rejected(RejectedRows::new(
            shown,
            reading.problems,
            reading.read,
            reading.rejected,
            request.max_errors,
        )));
    }
    let served =
        group.iter().map(|t| (t.request, schema_of(requests, t).map_or(String::new(), |s| s.name.clone()))).collect();
    Ok(LedgerRead { source: shown, served, digest: None, passed_over: 0 })
}

/// How one plan folds the rows of one of its inputs, worked out once before reading.
pub(super) struct LedgerShape {
    pub(super) payee_col: usize,
    pub(super) period_col: usize,
    pub(super) granularity: Granularity,
    /// Indices into `plan.aggregates` of the aggregates over this input, in order.
    pub(super) aggs: Vec<usize>,
    /// The columns the plan looks up in this input's rows (`surveys.satisfaction`), sorted:
    /// a row per payee and bucket is kept, with these columns' values (the others missing).
    pub(super) looked_up: Vec<usize>,
    /// Free text columns (no listed values; not the payee or the key, which reading checks)
    /// that the aggregates read or the policy looks up: counted distinct, compared, shown.
    /// Their values are checked as ids are (nothing invisible, composed), or `C1` and `C1`
    /// with a zero-width space would be two customers.
    pub(super) compared_text: Vec<usize>,
}

/// Credit shares and named rows beyond this many are freed on a thread of their own, or left
/// for the process's end (`leave_to_exit`).
const FREED_APART: usize = 100_000;

/// Whether what a fold no longer needs is left for the process's end (`leave_to_exit`).
static LEAVE_TO_EXIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// For a program that exits once its command is done (the command line): the millions of
/// small allocations a fold no longer needs (credit shares, named and kept rows) are not freed
/// one by one, which on two cores takes one from the statements, but left to the system, which
/// takes a process's memory back at once when it exits. A program that folds again and again
/// (a server, the tests) does not call this: they are freed on a thread of their own.
pub fn leave_to_exit() {
    LEAVE_TO_EXIT.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// What a command no longer needs (a fold of many payees, the statements once written):
/// left to the process's end by a program that exits once its command is done
/// ([`leave_to_exit`]), where freeing a million small allocations one by one would take
/// longer than the command's last steps; dropped here by any other.
pub fn let_go<T>(value: T) {
    if LEAVE_TO_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(value);
    }
}

/// One plan's fold in progress.
pub(super) struct PlanFold<'a> {
    plan: &'a Plan,
    needed: &'a Needed,
    scale: Option<Scale>,
    tally: Option<&'a TallySpec>,
    roster_mode: bool,
    shapes: Vec<Option<LedgerShape>>,
    payees: BTreeMap<Arc<str>, Vec<Value>>,
    /// Every distinct id seen (payees, and ids of rows for nobody) by look-alike skeleton,
    /// with where it was first seen: the skeleton is worked out once per id, not per row.
    look_alikes: LookAlikes<String>,
    /// Per input: id -> its entry in `folded.nobody`.
    nobody: Vec<HashMap<Arc<str>, usize>>,
    /// Per input: the period of the last row recorded in `folded.periods` (rows come in runs
    /// of one month, so most rows cost a comparison).
    last_period: Vec<Option<Period>>,
    /// Free text roster columns the policy reads (`payee.team`), checked as ids are.
    roster_text: Vec<usize>,
    folded: Folded,
    /// A computation that failed on a row stops the read; the policy error is kept here.
    eval_error: Option<(EvalError, String)>,
    /// Credit splits read from the crediting input, by credited row; once sealed, shared with
    /// the plans of the fold that read the same (`share_same_credits`).
    credits: Arc<Credits>,
    /// Per credited row, whether its ledger had it.
    credits_seen: Vec<bool>,
    /// Rows of inputs that name rows of another ledger, folded once that ledger is read.
    kept: InOrder<KeptRow>,
    /// The kept rows once folded (freed apart, with the credits).
    folded_kept: InOrder<KeptRow>,
    /// Per ledger named by kept rows: the rows named, and each once it is read.
    wanted: HashMap<usize, NamedRows>,
    /// The files whose rows are kept (credit shares, rows that name rows): how each names rows
    /// and fields, so a kept row is named only by a message that needs it.
    places: Vec<crate::data::ledger::RowPlaces>,
    /// An observer's fold that trusts a record of the files read with no problem: rows that
    /// count for no observed payee may have been passed over, so a credited row not found,
    /// or a row named that was not read, is one of those (the files' digests, compared with
    /// the record's once read, decide whether the fold is believed).
    trusting: bool,
    /// A ledger named late was not read (see `read_group`): the fold is not to be believed.
    unread_late: bool,
}

/// The (payee, bucket, share) a row was folded for: usually one, several for a split row.
#[derive(Debug, Clone)]
pub(crate) enum Used {
    Nothing,
    One(Arc<str>, Period, Decimal),
    Split(Vec<(Arc<str>, Period, Decimal)>),
}

impl Used {
    fn iter(&self) -> impl Iterator<Item = (&Arc<str>, Period, Decimal)> {
        let (one, many) = match self {
            Used::Nothing => (None, &[][..]),
            Used::One(p, b, s) => (Some((p, *b, *s)), &[][..]),
            Used::Split(v) => (None, v.as_slice()),
        };
        one.into_iter().chain(many.iter().map(|(p, b, s)| (p, *b, *s)))
    }
}

/// A row that names a row of another ledger, kept until that ledger is read.
#[derive(Debug, Clone)]
pub(super) struct KeptRow {
    pub(super) input: usize,
    pub(super) values: KeptValues,
    /// Its line (its file is its list's, [`InOrder`]).
    pub(super) line: u64,
}

/// A kept row's values, in its place when they are few (a cancellation has four): one
/// allocation less per row of a ledger that names another's (0.6M cancellations a year).
pub(super) type KeptValues = smallvec::SmallVec<[Value; 4]>;

/// What folding kept rows reads besides the plan's fold.
struct KeptContext<'k> {
    /// Per named ledger: its rows the kept rows name.
    wanted: &'k HashMap<usize, NamedRows>,
    /// Per input: the aggregates over it, and whether they read other months.
    per_input: &'k [(Vec<usize>, bool)],
    request: usize,
    files: &'k [InputFile],
}

/// What folding kept rows adds to a plan's fold: all of them in file order, or a part of
/// consecutive rows on one core ([`KeptFold::combine`] adds the parts up).
struct KeptFold {
    /// Per input: its rows' states per (payee, bucket).
    buckets: Vec<Buckets>,
    /// Per input: rows used, and rows outside the range (or without a period or reference).
    used: Vec<u64>,
    outside: Vec<u64>,
    periods: Vec<std::collections::BTreeSet<Period>>,
    /// Per row folded, in order: the index of the row it names (`usize::MAX`: none), for the
    /// `within` totals of a fold in parts ([`PlanFold::within_holds`]).
    named: Vec<usize>,
    /// The `within` totals of a fold in file order.
    within: WithinTotals,
    distinct: Interner,
    tally: Tally,
}

/// Per `within` column (input, column): per named row (by its index), the total of the kept
/// rows naming it so far, in file order.
type WithinTotals = HashMap<(usize, usize), Vec<Decimal>>;

/// The reference column of kept row `row`, the ledger it names and the key it names there;
/// `None` when it has none, or its value there is not a text.
fn reference_of<'r>(plan: &Plan, row: &'r KeptRow) -> Option<(usize, usize, &'r str)> {
    let columns = &plan.inputs.get(row.input)?.columns;
    let reference = columns.iter().position(|c| c.refers_to.is_some())?;
    let Some(Value::Text(key)) = row.values.get(reference) else { return None };
    Some((reference, columns.get(reference).and_then(|c| c.refers_to).unwrap_or(0), key))
}

/// Adds kept row `row`, naming a row whose values are `captured`, to the `within` totals of
/// its columns, at `slot` (the named row's place in lists of `len` totals); the first column
/// whose total passes its limit, with the total and the limit. Totals are added in file order,
/// exactly as they come.
fn add_within(
    plan: &Plan,
    totals: &mut WithinTotals,
    row: &KeptRow,
    (slot, len): (usize, usize),
    captured: JoinedRow<'_>,
) -> Option<(usize, Decimal, Decimal)> {
    let schema = plan.inputs.get(row.input)?;
    for (c, column) in schema.columns.iter().enumerate() {
        let Some((_, of)) = column.within else { continue };
        let amount = row.values.get(c).and_then(Value::as_number).unwrap_or_default();
        let limit = captured.get(of).and_then(Value::as_number).unwrap_or_default();
        // A total per named row, in one list (half a million on the 2027 plan's year).
        let column_totals = totals.entry((row.input, c)).or_insert_with(|| vec![Decimal::ZERO; len]);
        let Some(total) = column_totals.get_mut(slot) else { continue };
        *total = total.checked_add(amount).unwrap_or(Decimal::MAX);
        if *total > limit {
            return Some((c, *total, limit));
        }
    }
    None
}

impl KeptFold {
    fn new(inputs: usize) -> KeptFold {
        KeptFold {
            buckets: vec![Buckets::default(); inputs],
            used: vec![0; inputs],
            outside: vec![0; inputs],
            periods: vec![std::collections::BTreeSet::new(); inputs],
            named: Vec::new(),
            within: HashMap::default(),
            distinct: Interner::default(),
            tally: Tally::default(),
        }
    }

    /// The parts, added up in file order: the fold of all their rows in file order, or why
    /// that is in doubt (a total that does not fit), and the rows must be folded again in file
    /// order.
    fn combine(parts: Vec<KeptFold>) -> Result<KeptFold, &'static str> {
        let mut parts = parts.into_iter();
        let mut all = parts.next().ok_or("no part")?;
        for part in parts {
            all.named.extend(part.named);
            for (mine, theirs) in all.buckets.iter_mut().zip(part.buckets) {
                mine.absorb(theirs, |mine, states| mine.merge(&states).ok_or("a total that does not fit"))?;
            }
            for (a, b) in all.used.iter_mut().zip(part.used) {
                *a += b;
            }
            for (a, b) in all.outside.iter_mut().zip(part.outside) {
                *a += b;
            }
            for (a, b) in all.periods.iter_mut().zip(part.periods) {
                a.extend(b);
            }
        }
        Ok(all)
    }
}

impl<'a> PlanFold<'a> {
    fn new(request: &'a FoldRequest<'a>) -> Self {
        let plan = request.plan;
        let n = plan.inputs.len();
        let shapes = plan
            .inputs
            .iter()
            .enumerate()
            .map(|(input, schema)| {
                let (payee_col, period_col, granularity) = (schema.payee?, schema.period?, schema.bucket()?);
                let aggs =
                    plan.aggregates.iter().enumerate().filter(|(_, a)| a.input == input).map(|(i, _)| i).collect();
                let looked_up = looked_up(plan, input);
                let compared_text = compared_text(plan, input);
                Some(LedgerShape { payee_col, period_col, granularity, aggs, looked_up, compared_text })
            })
            .collect();
        let slots = plan
            .aggregates
            .iter()
            .enumerate()
            .map(|(i, a)| (a.input, plan.aggregates.iter().take(i).filter(|b| b.input == a.input).count()))
            .collect();
        PlanFold {
            plan,
            needed: &request.needed,
            scale: request.scale,
            tally: request.tally.as_ref(),
            roster_mode: matches!(plan.payee, PayeeSource::Roster { .. }),
            shapes,
            payees: BTreeMap::new(),
            look_alikes: LookAlikes::default(),
            nobody: vec![HashMap::default(); n],
            last_period: vec![None; n],
            roster_text: roster_text(plan),
            folded: Folded {
                buckets: vec![Buckets::default(); n],
                rows: vec![LookupRows::default(); n],
                counts: vec![RowCounts::default(); n],
                nobody: vec![Vec::new(); n],
                periods: vec![std::collections::BTreeSet::new(); n],
                slots,
                ..Folded::default()
            },
            eval_error: None,
            credits: Arc::default(),
            credits_seen: Vec::new(),
            kept: InOrder::default(),
            folded_kept: InOrder::default(),
            wanted: HashMap::default(),
            places: Vec::new(),
            trusting: trusting(request),
            unread_late: false,
        }
    }

    /// How the plan folds an input's rows (`None`: not per payee and period).
    pub(super) fn shape(&self, input: usize) -> Option<&LedgerShape> {
        self.shapes.get(input).and_then(Option::as_ref)
    }

    /// Whether rows of other inputs name rows of this one (kept until it is read).
    pub(super) fn names_rows_of(&self, input: usize) -> bool {
        self.wanted.contains_key(&input)
    }

    /// The credited rows' shares (the plan credits rows by shares; sealed once read).
    pub(super) fn credits(&self) -> &Credits {
        &self.credits
    }

    /// Every credited row the shares name was found in its ledger (a chunked read's).
    pub(super) fn credits_found(&mut self) {
        self.credits_seen.fill(true);
    }

    /// The rows of `input` that rows of other ledgers name (sealed once those are read).
    pub(super) fn named(&self, input: usize) -> Option<&NamedRows> {
        self.wanted.get(&input)
    }

    /// Named row `i` of `input`, as a chunked read found it.
    pub(super) fn capture(&mut self, input: usize, i: usize, row: Captured) {
        if let Some(named) = self.wanted.get_mut(&input) {
            named.capture(i, row);
        }
    }

    /// The payees known so far.
    pub(super) fn payees(&self) -> &BTreeMap<Arc<str>, Vec<Value>> {
        &self.payees
    }

    pub(super) fn look_alikes_snapshot(&self) -> LookAlikes<String> {
        self.look_alikes.clone()
    }

    pub(super) fn set_look_alikes(&mut self, look_alikes: LookAlikes<String>) {
        self.look_alikes = look_alikes;
    }

    /// A payee of the ledger that defines them, first seen in a chunked read.
    pub(super) fn add_payee(&mut self, id: Arc<str>) {
        self.payees.insert(id, Vec::new());
    }

    /// An id no payee of the run has rows in `input` (a chunked read's, in the order they came).
    pub(super) fn add_nobody(&mut self, input: usize, entry: RowsForNobody) {
        if let (Some(index), Some(ids)) = (self.nobody.get_mut(input), self.folded.nobody.get_mut(input)) {
            index.insert(entry.payee.clone(), ids.len());
            ids.push(entry);
        }
    }

    pub(super) fn folded_mut(&mut self) -> &mut Folded {
        &mut self.folded
    }

    pub(super) fn folded(&self) -> &Folded {
        &self.folded
    }

    fn finish(mut self) -> Folded {
        // Credit shares and named rows can be millions of small allocations, no longer needed:
        // they are freed on a thread of their own, off the way to the statements (at the end
        // of a run the process exits without waiting for it).
        let kept = (
            std::mem::take(&mut self.credits),
            std::mem::take(&mut self.wanted),
            std::mem::take(&mut self.kept),
            std::mem::take(&mut self.folded_kept),
        );
        let count = kept.0.shares_read() + kept.1.values().map(NamedRows::names).sum::<usize>() + kept.3.len();
        if count > FREED_APART {
            if LEAVE_TO_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
                std::mem::forget(kept);
            } else {
                // Should no thread be had, the closure, and what it holds, is dropped here.
                let _ = std::thread::Builder::new().name("free".into()).spawn(move || drop(kept));
            }
        }
        let mut folded = self.folded;
        for states in folded.buckets.iter_mut().flat_map(|b| b.values_mut()) {
            for state in states.states_mut() {
                // A set shared with another plan's fold was settled when it was shared; one
                // with its size is settled (a chunked read's, `chunked::TaskMerge::finish`),
                // and not looked at again here.
                if let AggState::Distinct(set, size @ None) = state {
                    if let Some(set) = Arc::get_mut(set) {
                        set.finish();
                    }
                    *size = u32::try_from(set.count()).ok();
                }
            }
        }
        if let Some(manager) = self.plan.manager_column() {
            for (id, attrs) in &self.payees {
                if let Some(Value::Text(m)) = attrs.get(manager) {
                    if let Some((boss, _)) = self.payees.get_key_value(m) {
                        folded.reports.entry(boss.clone()).or_default().push(id.clone());
                    }
                }
            }
        }
        folded.payees = self.payees.into_iter().map(|(id, attrs)| Payee { id, attrs }).collect();
        for ids in &mut folded.nobody {
            ids.sort_by(|a, b| a.payee.cmp(&b.payee));
        }
        folded
    }

    fn count(&mut self, input: usize) -> Option<&mut RowCounts> {
        self.folded.counts.get_mut(input)
    }

    fn roster_row(&mut self, input: usize, values: &[Value], row: &Row<'_>) -> Result<Used, Refusal> {
        let schema = self.plan.inputs.get(input);
        let key = schema.and_then(|s| s.key).unwrap_or(0);
        for &c in &self.roster_text {
            if let Some(Value::Text(t)) = values.get(c) {
                let column = schema.and_then(|s| s.columns.get(c)).map_or("", |c| c.name.as_str());
                checked_text(t, column, row, c)?;
            }
        }
        if let Some(Value::Text(id)) = values.get(key) {
            let column = schema.and_then(|s| s.columns.get(key)).map_or("", |c| c.name.as_str());
            new_id(&mut self.look_alikes, id, column, row, key)?;
            self.payees.insert(id.clone(), values.to_vec());
        }
        if let Some(c) = self.count(input) {
            c.used += 1;
        }
        Ok(Used::Nothing)
    }

    /// The roster read: every manager is a payee, and managers form no circle.
    fn check_roster(&mut self, files: &[InputFile]) -> Result<(), Error> {
        let (Some(manager), PayeeSource::Roster { input, column }) = (self.plan.manager_column(), self.plan.payee)
        else {
            return Ok(());
        };
        let schema = self.plan.inputs.get(input);
        let name = |c: usize| schema.and_then(|s| s.columns.get(c)).map_or(String::new(), |c| c.name.clone());
        let file = files.iter().find(|f| f.input == input).map(|f| f.source.shown()).unwrap_or_default();
        let boss_of = |id: &Arc<str>| match self.payees.get(id).and_then(|a| a.get(manager)) {
            Some(Value::Text(m)) if !m.is_empty() => Some(m.clone()),
            _ => None,
        };
        let ids: Vec<&str> = self.payees.keys().map(|k| &**k).collect();
        for id in self.payees.keys() {
            if let Some(m) = boss_of(id) {
                if !self.payees.contains_key(&m) {
                    let kind = EvalKind::UnknownReference {
                        column: name(manager),
                        value: m.to_string(),
                        input: schema.map_or(String::new(), |s| s.name.clone()),
                        suggestion: suggest::help(&m, "payee", ids.iter().copied()),
                    };
                    let at = format!("{file} ({} `{id}`)", name(column));
                    return Err(rejected(file.clone(), DataError::of(at, kind)));
                }
            }
            // Follow the managers up: a walk longer than the roster is a circle.
            let mut seen = vec![id.clone()];
            let mut at = id.clone();
            while let Some(m) = boss_of(&at) {
                if let Some(start) = seen.iter().position(|s| *s == m) {
                    let mut ids: Vec<String> = seen.iter().skip(start).map(ToString::to_string).collect();
                    ids.push(m.to_string());
                    let at = format!("{file} ({} `{}`)", name(column), m);
                    return Err(rejected(file.clone(), DataError::of(at, EvalKind::ManagerCycle { ids })));
                }
                seen.push(m.clone());
                at = m;
            }
        }
        Ok(())
    }

    /// A row of the crediting input: a payee's share of a credited row.
    fn credit_row(&mut self, input: usize, values: &[Value], row: &Row<'_>) -> Result<Used, Refusal> {
        let (Some(credit), Some(schema)) = (self.plan.credit, self.plan.inputs.get(input)) else {
            return Ok(Used::Nothing);
        };
        let payee_col = schema.payee.unwrap_or(0);
        let payee = match values.get(payee_col) {
            Some(Value::Text(t)) => t.clone(),
            _ => Arc::from(""),
        };
        // With a roster, a share names a payee of it (without one, the ledger defines them).
        if self.roster_mode && !self.payees.contains_key(&payee) {
            let column = schema.columns.get(payee_col).map_or("", |c| c.name.as_str());
            let known: Vec<&str> = self.payees.keys().map(|k| &**k).collect();
            return Err(Refusal::Reject(DataError::of(
                row.at_column(payee_col),
                EvalKind::NotInRoster {
                    column: column.to_string(),
                    payee: payee.to_string(),
                    suggestion: suggest::help(&payee, "payee", known.iter().copied()),
                },
            )));
        }
        let key = match values.get(credit.reference) {
            Some(Value::Text(t)) => KeyText::from(&**t),
            Some(other) => KeyText::from(other.to_string()),
            None => KeyText::default(),
        };
        let share = values.get(credit.share).and_then(Value::as_number).unwrap_or_default();
        let file = self.file_of(row);
        Arc::make_mut(&mut self.credits).add(key, CreditShare { payee, share, line: row.line }, file);
        if let Some(c) = self.count(input) {
            c.used += 1;
        }
        Ok(Used::Nothing)
    }

    /// The credits and the rows naming rows read (indexed here, before the ledgers they
    /// name are read): each credited row's shares total exactly 100%.
    fn check_credits(&mut self, files: &[InputFile]) -> Result<(), Error> {
        // Trusting, the rows named late are captured as their ledger is read (before the rows
        // naming them).
        if self.trusting {
            for input in 0..self.plan.inputs.len() {
                let Some(target) = late_target(self.plan, input) else { continue };
                let Some(key) = self.plan.inputs.get(target).and_then(|s| s.key) else { continue };
                self.wanted.entry(target).or_insert_with(|| NamedRows::late(key));
            }
        }
        // The shares' index and the named rows' are built side by side (millions of keys).
        let (credits, wanted, plan) = (Arc::make_mut(&mut self.credits), &mut self.wanted, self.plan);
        super::chunked::on_all_cores(|| {
            rayon::join(
                || credits.seal(),
                || {
                    for (&target, named) in wanted.iter_mut() {
                        named.seal(&super::references::named_columns(plan, target));
                    }
                },
            )
        });
        self.credits_seen = vec![false; self.credits.len()];
        let Some(credit) = self.plan.credit else { return Ok(()) };
        if self.trusting {
            // The record says these shares were read whole with no problem, their totals
            // checked: should the files be others, the digests say so at the end and they are
            // read again, untrusting, and checked here.
            return Ok(());
        }
        let file = files.iter().find(|f| f.input == credit.by).map(|f| f.source.shown()).unwrap_or_default();
        let input = self.plan.inputs.get(credit.input).map_or(String::new(), |s| s.name.clone());
        let mut bad: Vec<(u64, DataError)> = Vec::new();
        // Each credited row's shares add up to 100%: worked out on all cores (millions of
        // rows), reported in file order.
        let credits = &self.credits;
        let total = |i: usize| credits.shares(i).try_fold(Decimal::ZERO, |t, s| t.checked_add(s.share));
        let not_whole: Vec<usize> = super::chunked::on_all_cores(|| {
            use rayon::prelude::*;
            (0..credits.len()).into_par_iter().filter(|&i| total(i) != Some(Decimal::ONE)).collect()
        });
        for i in not_whole {
            let Some((key, first, first_file)) = credits.row(i) else { continue };
            let total =
                total(i).map_or("too much".to_string(), |t| format!("{}%", (t * Decimal::ONE_HUNDRED).normalize()));
            let kind = EvalKind::SharesNotWhole { key: key.to_string(), input: input.clone(), total };
            bad.push((first.line, DataError::of(self.at_column(first_file, first.line, credit.reference), kind)));
        }
        // The first in the file, whatever order the map holds them in.
        bad.sort_by_key(|(line, _)| *line);
        match bad.into_iter().next() {
            Some((_, problem)) => Err(rejected(file, problem)),
            None => Ok(()),
        }
    }

    /// A row naming a row of another ledger: kept until that ledger is read.
    fn keep_row(&mut self, input: usize, values: &[Value], row: &Row<'_>) -> Result<Used, Refusal> {
        let Some(schema) = self.plan.inputs.get(input) else { return Ok(Used::Nothing) };
        for (c, column) in schema.columns.iter().enumerate() {
            let Some(target) = column.refers_to else { continue };
            if let Some(Value::Text(key)) = values.get(c) {
                self.wanted.entry(target).or_default().add(key.clone());
            }
        }
        let file = self.file_of(row);
        self.kept.push(KeptRow { input, values: values.iter().cloned().collect(), line: row.line }, file);
        Ok(Used::Nothing)
    }

    /// A file a chunked read kept rows or shares of: its index in `places`.
    pub(super) fn add_places(&mut self, places: &crate::data::ledger::RowPlaces) -> u32 {
        self.places.push(places.clone());
        u32::try_from(self.places.len() - 1).unwrap_or(u32::MAX)
    }

    /// The rows of `input` naming rows of another ledger a chunked read of file `file` kept:
    /// its runs' lists, as they are, and their stretches in file order (as `keep_row` keeps
    /// them one by one), the keys they name noted in file order.
    pub(super) fn add_kept(
        &mut self,
        input: usize,
        runs: Vec<Vec<KeptRow>>,
        order: &[(usize, usize, usize)],
        file: u32,
    ) {
        let columns = self.plan.inputs.get(input).map(|s| s.columns.as_slice()).unwrap_or_default();
        let references: Vec<(usize, usize)> =
            columns.iter().enumerate().filter_map(|(c, column)| Some((c, column.refers_to?))).collect();
        let mut targets: Vec<usize> = references.iter().map(|&(_, t)| t).collect();
        targets.sort_unstable();
        targets.dedup();
        // (None for a read that kept no rows: a ledger of shares, whose reference is no name.)
        let rows = order.iter().any(|&(_, _, n)| n > 0);
        for target in targets.into_iter().filter(|_| rows) {
            let named = self.wanted.entry(target).or_default();
            for &(run, first, n) in order {
                for row in runs.get(run).and_then(|r| r.get(first..first + n)).unwrap_or_default() {
                    for &(c, _) in references.iter().filter(|&&(_, t)| t == target) {
                        if let Some(Value::Text(key)) = row.values.get(c) {
                            named.add(key.clone());
                        }
                    }
                }
            }
        }
        self.kept.add_runs(runs, order, file);
    }

    /// The shares of credited rows a chunked read found: its runs' lists, and their
    /// stretches in file order (as `credit_row` keeps them one by one).
    pub(super) fn add_shares(
        &mut self,
        runs: Vec<Vec<(KeyText, CreditShare)>>,
        order: &[(usize, usize, usize)],
        file: u32,
    ) {
        Arc::make_mut(&mut self.credits).add_runs(runs, order, file);
    }

    /// The keys of the rows credited by shares a chunked read passed over
    /// ([`Credits::pass_over`]).
    pub(super) fn pass_over_shares(&mut self, keys: crate::data::keys::KeyBits) {
        Arc::make_mut(&mut self.credits).pass_over(keys);
    }

    /// The file of a row that is kept, in `places` (added at its first kept row).
    fn file_of(&mut self, row: &Row<'_>) -> u32 {
        let found = match self.places.last() {
            Some(last) if row.is_of(last) => Some(self.places.len() - 1),
            _ => self.places.iter().position(|p| row.is_of(p)),
        };
        let index = found.unwrap_or_else(|| {
            self.places.push(row.places());
            self.places.len() - 1
        });
        u32::try_from(index).unwrap_or(u32::MAX)
    }

    /// Where line `line` of kept file `file` is.
    fn at_line(&self, file: u32, line: u64) -> String {
        self.places.get(file as usize).map_or_else(|| format!("line {line}"), |p| p.at(line))
    }

    /// Where column `column` of line `line` of kept file `file` is.
    fn at_column(&self, file: u32, line: u64, column: usize) -> String {
        self.places.get(file as usize).map_or_else(|| format!("line {line}"), |p| p.at_column(line, column))
    }

    /// Folds the kept rows, each credited as the row it names; then checks that every
    /// credited and named row exists, and that `within` holds.
    fn fold_kept<T: Tracer>(
        &mut self,
        request: usize,
        files: &[InputFile],
        observer: Option<&mut RowObserver<'_>>,
        tracer: &mut T,
    ) -> Result<(), Error> {
        let plan = self.plan;
        let file_of =
            |input: usize| files.iter().find(|f| f.input == input).map(|f| f.source.shown()).unwrap_or_default();
        if let Some(credit) = plan.credit {
            let seen = |i: usize| self.credits_seen.get(i).copied().unwrap_or(false);
            // Each row's key and first share looked up only when it was not seen (they lie
            // far apart in memory, one a cache miss each).
            let mut missing: Vec<(&str, &CreditShare, u32)> =
                (0..self.credits.len()).filter(|&i| !seen(i)).filter_map(|i| self.credits.row(i)).collect();
            missing.sort_by_key(|(_, s, _)| s.line);
            if let Some((key, first, file)) = missing.first() {
                let kind = self.unknown_reference(credit.by, credit.reference, key);
                let at = self.at_column(*file, first.line, credit.reference);
                return Err(rejected(file_of(credit.by), DataError::of(at, kind)));
            }
        }
        // Rows named late: indexed now that the rows naming them are read.
        for (&target, named) in self.wanted.iter_mut().filter(|(_, n)| n.is_late()) {
            named.seal(&super::references::named_columns(plan, target));
        }
        let kept = std::mem::take(&mut self.kept);
        // The named rows, read (not changed) while the fold's states are.
        let wanted = std::mem::take(&mut self.wanted);
        // Per input, once: the aggregates over it, and whether they read other months.
        let per_input: Vec<(Vec<usize>, bool)> = (0..plan.inputs.len())
            .map(|input| {
                let aggs: Vec<usize> =
                    plan.aggregates.iter().enumerate().filter(|(_, a)| a.input == input).map(|(i, _)| i).collect();
                let mut other_months = false;
                for a in aggs.iter().filter_map(|a| plan.aggregates.get(*a)) {
                    for e in a.arg.iter().chain(a.filter.iter()) {
                        crate::plan::visit::visit(e, &mut |x| {
                            other_months |= matches!(x.node, crate::plan::Node::InMonthOf(..));
                        });
                    }
                }
                (aggs, other_months)
            })
            .collect();
        // The inputs with kept rows: a list's rows are of one file, and so of one input (its
        // first row says which; not every row looked at, 0.6M rows far apart a year).
        let mut of_kept = vec![false; plan.inputs.len()];
        for (_, rows) in kept.lists() {
            if let Some(k) = rows.first().and_then(|row| of_kept.get_mut(row.input)) {
                *k = true;
            }
        }
        let ctx = KeptContext { wanted: &wanted, per_input: &per_input, request, files };
        // On all cores, in parts of consecutive rows, when nothing watches the rows and no
        // state depends on the order they come in (a distinct count numbers values as they
        // come); the parts' states, added up in file order, are the states of one fold in
        // file order (totals are exact or refused), and the `within` totals are then added
        // up in file order (`within_holds`). Any doubt (a row refused, a `within` total that
        // passes its limit, a total that does not fit) folds them all again in file order,
        // which says exactly what and where.
        let parallel = !T::RECORDS
            && observer.is_none()
            && kept.len() >= 2
            && !plan.aggregates.iter().any(|a| a.func == AggFunc::CountDistinct && of_kept.get(a.input) == Some(&true))
            && self.tally.is_none_or(|t| of_kept.get(t.input) != Some(&true))
            && self.folded.buckets.iter().zip(&of_kept).all(|(b, k)| !k || b.is_empty());
        let parts = match parallel {
            true => super::chunked::parts(),
            false => 1,
        };
        let on_all_cores = match parts {
            2.. => super::chunked::on_all_cores(|| {
                use rayon::prelude::*;
                let this = &*self;
                let folds: Vec<Result<KeptFold, &str>> = kept
                    .parts(parts)
                    .into_par_iter()
                    .map(|part| {
                        let mut out = KeptFold::new(plan.inputs.len());
                        let rows = part.iter().flat_map(|&(file, rows)| rows.iter().map(move |row| (file, row, false)));
                        match this.fold_kept_rows(rows, &ctx, &mut out, false, None, &mut super::expr::NoTrace) {
                            Ok(()) => Ok(out),
                            Err(_) => Err("a row refused"),
                        }
                    })
                    .collect();
                let all = KeptFold::combine(folds.into_iter().collect::<Result<Vec<_>, _>>()?)?;
                match this.within_holds(&kept, &all.named, &wanted) {
                    true => Ok(all),
                    false => Err("a `within` total that passes its limit"),
                }
            }),
            _ => Err("one part"),
        };
        let done = match on_all_cores {
            Ok(done) => {
                super::chunked::report(|| format!("fold {} kept rows: {parts} parts", kept.len()));
                done
            }
            Err(why) => {
                super::chunked::report(|| format!("fold {} kept rows: in file order ({why})", kept.len()));
                let mut out = KeptFold::new(plan.inputs.len());
                for ((mine, theirs), k) in out.buckets.iter_mut().zip(&mut self.folded.buckets).zip(&of_kept) {
                    if *k {
                        std::mem::swap(mine, theirs);
                    }
                }
                std::mem::swap(&mut out.distinct, &mut self.folded.distinct);
                std::mem::swap(&mut out.tally, &mut self.folded.tally);
                let passed = self.names_a_row_passed_over(&kept, &wanted);
                let rows = kept
                    .iter()
                    .enumerate()
                    .map(|(i, (file, row))| (file, row, passed.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)));
                let folded = self.fold_kept_rows(rows, &ctx, &mut out, true, observer, tracer);
                std::mem::swap(&mut out.distinct, &mut self.folded.distinct);
                std::mem::swap(&mut out.tally, &mut self.folded.tally);
                folded?;
                out
            }
        };
        for (input, mine) in done.buckets.into_iter().enumerate().filter(|(i, _)| of_kept.get(*i) == Some(&true)) {
            if let Some(theirs) = self.folded.buckets.get_mut(input) {
                *theirs = mine;
            }
        }
        for (input, (used, outside)) in done.used.iter().zip(&done.outside).enumerate() {
            if let Some(counts) = self.folded.counts.get_mut(input) {
                counts.used += used;
                counts.outside_range += outside;
            }
        }
        for (mine, theirs) in done.periods.into_iter().zip(&mut self.folded.periods) {
            theirs.extend(mine);
        }
        // Freed with the credits, apart (`finish`).
        self.wanted = wanted;
        self.folded_kept = kept;
        Ok(())
    }

    /// Trusting a record (`explain` after a run), the kept rows that name a row passed over
    /// (a bit each, in file order): found on all cores before the fold in file order, which
    /// then passes them over without a look at them (0.6M cancellations a year, of which an
    /// explanation reads a few hundred). Not trusting, none.
    fn names_a_row_passed_over(&self, kept: &InOrder<KeptRow>, wanted: &HashMap<usize, NamedRows>) -> Vec<u64> {
        use rayon::prelude::*;
        if !self.trusting {
            return Vec::new();
        }
        let plan = self.plan;
        let passed = |row: &KeptRow| {
            reference_of(plan, row)
                .is_some_and(|(_, target, key)| wanted.get(&target).and_then(|w| w.row(key)).is_none())
        };
        // Parts of whole words (64 rows a word), so that each part's bits are words of its own.
        let words: Vec<Vec<u64>> = super::chunked::on_all_cores(|| {
            kept.parts_of(64 * 1024)
                .into_par_iter()
                .map(|part| {
                    let rows = part.iter().flat_map(|&(_, rows)| rows.iter());
                    let mut bits = Vec::with_capacity(1024);
                    for (i, row) in rows.enumerate() {
                        if i % 64 == 0 {
                            bits.push(0u64);
                        }
                        if passed(row) {
                            if let Some(w) = bits.last_mut() {
                                *w |= 1 << (i % 64);
                            }
                        }
                    }
                    bits
                })
                .collect()
        });
        words.concat()
    }

    /// Whether the `within` totals of the kept rows (`named`: the row each names, as the
    /// parts' folds found them), added in file order, all stay within their limits, exactly as
    /// the fold in file order checks them: each core adds up the totals of a range of the named
    /// rows.
    fn within_holds(&self, kept: &InOrder<KeptRow>, named: &[usize], wanted: &HashMap<usize, NamedRows>) -> bool {
        use rayon::prelude::*;
        let plan = self.plan;
        if !plan.inputs.iter().any(|s| s.columns.iter().any(|c| c.within.is_some())) {
            return true;
        }
        if named.len() != kept.len() {
            return false;
        }
        // A named row's total depends on its rows alone: each core takes a range of the named
        // rows (its totals a list of that length), and passes over the others' rows.
        let parts = super::chunked::parts().max(1);
        (0..parts).into_par_iter().all(|part| {
            let mut totals = WithinTotals::default();
            for ((_, row), &n) in kept.iter().zip(named) {
                let schema = plan.inputs.get(row.input);
                let target = schema.and_then(|s| s.columns.iter().find_map(|c| c.refers_to));
                let Some(rows) = target.and_then(|t| wanted.get(&t)) else { continue };
                let (first, end) = (rows.len() * part / parts, rows.len() * (part + 1) / parts);
                if !(first..end).contains(&n) {
                    continue;
                }
                let Some(captured) = rows.get(n) else { continue };
                if add_within(plan, &mut totals, row, (n - first, end - first), rows.joined(captured)).is_some() {
                    return false;
                }
            }
            true
        })
    }

    /// Folds kept rows, in order, into `out`. `strict`: a `within` total past its limit is
    /// refused here (the rows are all the kept rows, from the first); otherwise the row each
    /// names is only noted, for [`PlanFold::within_holds`].
    #[allow(clippy::too_many_lines)]
    fn fold_kept_rows<'r, T: Tracer>(
        &self,
        kept: impl Iterator<Item = (u32, &'r KeptRow, bool)>,
        ctx: &KeptContext<'_>,
        out: &mut KeptFold,
        strict: bool,
        mut observer: Option<&mut RowObserver<'_>>,
        tracer: &mut T,
    ) -> Result<(), Error> {
        let plan = self.plan;
        let (wanted, files) = (ctx.wanted, ctx.files);
        let file_of =
            |input: usize| files.iter().find(|f| f.input == input).map(|f| f.source.shown()).unwrap_or_default();
        let mut last_period = None;
        for (file, row, passed_over) in kept {
            // The row it names, once found: one entry per row.
            out.named.push(usize::MAX);
            if passed_over {
                // Trusting, it names a row passed over (`names_a_row_passed_over`): it counts
                // for no one observed.
                continue;
            }
            let Some(schema) = plan.inputs.get(row.input) else { continue };
            let (Some(used), Some(outside)) = (out.used.get_mut(row.input), out.outside.get_mut(row.input)) else {
                continue;
            };
            let Some((reference, target, key)) = reference_of(plan, row) else {
                *outside += 1;
                continue;
            };
            let captured = wanted.get(&target).and_then(|w| w.row(key).map(|(i, row)| (i, row, w.joined(row))));
            let Some((named, captured, joined_row)) = captured else {
                if self.trusting {
                    // It names a row passed over: it counts for no one observed.
                    continue;
                }
                let kind = self.unknown_reference(row.input, reference, key);
                let at_ref = self.at_column(file, row.line, reference);
                return Err(rejected(file_of(row.input), DataError::of(at_ref, kind)));
            };
            if let Some(last) = out.named.last_mut() {
                *last = named;
            }
            // In file order, each `within` total is checked here; in parts, once they are
            // folded (`within_holds`).
            let rows_named = wanted.get(&target).map_or(0, NamedRows::len);
            if let Some((c, total, limit)) =
                strict.then(|| add_within(plan, &mut out.within, row, (named, rows_named), joined_row)).flatten()
            {
                let column = schema.columns.get(c).map_or("", |c| c.name.as_str());
                let of = schema.columns.get(c).and_then(|c| c.within).map_or(0, |(_, of)| of);
                let of_name = plan.inputs.get(target).and_then(|s| s.columns.get(of)).map_or("", |c| c.name.as_str());
                let kind = EvalKind::WithinExceeded {
                    column: column.to_string(),
                    key: key.to_string(),
                    reached: format!("{total}, more than its `{of_name}` of {limit}"),
                };
                let at = self.at_column(file, row.line, c);
                return Err(rejected(file_of(row.input), DataError::of(at, kind)));
            }
            let Some(period_col) = schema.period else {
                *outside += 1;
                continue;
            };
            let bucket = match row.values.get(period_col) {
                Some(Value::Date(d)) => Period::month(chrono::Datelike::year(d), chrono::Datelike::month(d)),
                Some(Value::Period(p)) => *p,
                _ => {
                    *outside += 1;
                    continue;
                }
            };
            let bucket = bucket.coarsen(schema.bucket().unwrap_or(Granularity::Month)).unwrap_or(bucket);
            // Kept rows come mostly in runs of one month: one insertion per run.
            if last_period != Some((row.input, bucket)) {
                if let Some(periods) = out.periods.get_mut(row.input) {
                    periods.insert(bucket);
                }
                last_period = Some((row.input, bucket));
            }
            if self.needed.as_ref().is_some_and(|n| !n.contains(&bucket)) {
                *outside += 1;
                continue;
            }
            *used += 1;
            let Some((aggs, other_months)) = ctx.per_input.get(row.input) else { continue };
            for (payee, share) in &captured.payees {
                let attrs = self.payees.get(payee).map(Vec::as_slice);
                let joined = Some((reference, joined_row));
                // Figures of other months the row reads (`in_month_of`), from the ledgers
                // folded before it (never from rows that name rows: the checker sees to it).
                let in_month = if *other_months {
                    let who = Payee { id: payee.clone(), attrs: attrs.map(<[Value]>::to_vec).unwrap_or_default() };
                    match in_month_values(plan, &self.folded, row.input, &who, &row.values, joined) {
                        Ok(v) => v,
                        Err(e) => {
                            return Err(Error::Policy(PolicyProblems {
                                source: plan.source.clone(),
                                problems: vec![e.into_problem(&format!("row at {}", self.at_line(file, row.line)))],
                            }))
                        }
                    }
                } else {
                    Vec::new()
                };
                let env = RowEnv { row: &row.values, payee: attrs, payee_id: payee, joined, in_month: &in_month };
                let Some(buckets) = out.buckets.get_mut(row.input) else { continue };
                let key = (payee.clone(), bucket);
                if let Err(e) = fold_states(plan, aggs, buckets, &mut out.distinct, key, &env, *share, tracer) {
                    return Err(Error::Policy(PolicyProblems {
                        source: plan.source.clone(),
                        problems: vec![e.into_problem(&format!("row at {}", self.at_line(file, row.line)))],
                    }));
                }
                if let Some(spec) = self.tally.filter(|t| t.input == row.input) {
                    out.tally.add_row(spec, payee, bucket, &row.values, *share);
                }
                if let Some(observe) = observer.as_deref_mut() {
                    observe(ObservedRow {
                        request: ctx.request,
                        input: row.input,
                        payee,
                        bucket,
                        values: &row.values,
                        line: row.line,
                        share: *share,
                        joined: Some((reference, joined_row)),
                        joined_line: captured.line,
                    });
                }
            }
        }
        Ok(())
    }

    /// E0321 for a reference column's value.
    fn unknown_reference(&self, input: usize, column: usize, value: &str) -> EvalKind {
        let schema = self.plan.inputs.get(input);
        let col = schema.and_then(|s| s.columns.get(column));
        let target = col.and_then(|c| c.refers_to).and_then(|t| self.plan.inputs.get(t));
        EvalKind::UnknownReference {
            column: col.map_or(String::new(), |c| c.name.clone()),
            value: value.to_string(),
            input: target.map_or(String::new(), |t| t.name.clone()),
            suggestion: "check the id".to_string(),
        }
    }

    /// Folds one ledger row; returns its payee and bucket when the row is used. `values`
    /// may differ from `row.values` (scaled amounts); `row` says where the row is.
    fn ledger_row<T: Tracer>(
        &mut self,
        input: usize,
        defines_payees: bool,
        values: &[Value],
        row: &Row<'_>,
        tracer: &mut T,
    ) -> Result<Used, Refusal> {
        let plan = self.plan;
        let Some(counts) = self.folded.counts.get_mut(input) else { return Ok(Used::Nothing) };
        let Some(Some(shape)) = self.shapes.get(input) else {
            // Not aggregated per payee and period: validated and counted, nothing used.
            counts.outside_range += 1;
            return Ok(Used::Nothing);
        };
        let payee: Arc<str> = match values.get(shape.payee_col) {
            Some(Value::Text(t)) => t.clone(),
            Some(Value::Number(n)) => Arc::from(n.to_string()),
            _ => Arc::from(""),
        };
        let bucket = match values.get(shape.period_col) {
            Some(Value::Date(d)) => Period::month(chrono::Datelike::year(d), chrono::Datelike::month(d)),
            Some(Value::Period(p)) => *p,
            // The period column's type guarantees a date or a period; count it all the same.
            _ => {
                counts.outside_range += 1;
                return Ok(Used::Nothing);
            }
        };
        let period = bucket;
        let bucket = bucket.coarsen(shape.granularity).unwrap_or(bucket);
        let known = self.payees.contains_key(&payee);
        let seen_for_nobody = !known && self.nobody.get(input).is_some_and(|ids| ids.contains_key(&payee));
        if !known && !seen_for_nobody {
            let column =
                plan.inputs.get(input).and_then(|s| s.columns.get(shape.payee_col)).map_or("", |c| c.name.as_str());
            new_id(&mut self.look_alikes, &payee, column, row, shape.payee_col)?;
            // A new payee of the ledger that defines them: one lookup per row for both.
            if defines_payees {
                self.payees.insert(payee.clone(), Vec::new());
            }
        }
        if !defines_payees && !known {
            if self.roster_mode {
                let known: Vec<&str> = self.payees.keys().map(|k| &**k).collect();
                let schema = plan.inputs.get(input);
                let column = schema.and_then(|s| s.columns.get(shape.payee_col)).map_or("", |c| c.name.as_str());
                return Err(Refusal::Reject(DataError::of(
                    row.at_column(shape.payee_col),
                    EvalKind::NotInRoster {
                        column: column.to_string(),
                        payee: payee.to_string(),
                        suggestion: suggest::help(&payee, "payee", known.iter().copied()),
                    },
                )));
            }
            if let Some(c) = self.folded.counts.get_mut(input) {
                c.no_payee += 1;
            }
            if let (Some(index), Some(ids)) = (self.nobody.get_mut(input), self.folded.nobody.get_mut(input)) {
                match index.get(&payee).and_then(|i| ids.get_mut(*i)) {
                    Some(entry) => entry.rows += 1,
                    None => {
                        index.insert(payee.clone(), ids.len());
                        ids.push(RowsForNobody { payee, rows: 1, first_at: row.at_column(shape.payee_col) });
                    }
                }
            }
            return Ok(Used::Nothing);
        }
        self.before_start(&payee, values.get(shape.period_col), row, shape.period_col)?;
        if let (Some(last), Some(periods)) = (self.last_period.get_mut(input), self.folded.periods.get_mut(input)) {
            if *last != Some(period) {
                periods.insert(period);
                *last = Some(period);
            }
        }
        if !shape.looked_up.is_empty() && self.folded.rows.get(input).is_some_and(|rows| rows.contains(&payee, bucket))
        {
            let name = plan.inputs.get(input).map_or("", |s| s.name.as_str());
            return Err(Refusal::Reject(DataError::of(
                row.at(),
                EvalKind::SecondLookupRow {
                    payee: payee.to_string(),
                    bucket: bucket.to_string(),
                    input: name.to_string(),
                },
            )));
        }
        if shape.granularity == Granularity::Month {
            let seen = || SeenAt {
                at: row.at_column(shape.period_col),
                value: values.get(shape.period_col).map(ToString::to_string).unwrap_or_default(),
            };
            // Only a row that widens the span is remembered, so this costs nothing per row.
            match (self.folded.span, &mut self.folded.span_rows) {
                (Some((lo, hi)), Some((lo_at, hi_at))) => {
                    if bucket < lo {
                        *lo_at = seen();
                    }
                    if bucket > hi {
                        *hi_at = seen();
                    }
                }
                _ => self.folded.span_rows = Some((seen(), seen())),
            }
            self.folded.span = Some(match self.folded.span {
                None => (bucket, bucket),
                Some((lo, hi)) => (lo.min(bucket), hi.max(bucket)),
            });
        }
        // A credited row's key: it finds the row's shares, and the rows naming it (looked at
        // only for a ledger that is credited or named).
        let named = plan.credit.is_some_and(|c| c.input == input) || self.wanted.contains_key(&input);
        let key_value = match plan.inputs.get(input).and_then(|s| s.key).and_then(|k| values.get(k)) {
            Some(Value::Text(t)) if named => Some(t.clone()),
            _ => None,
        };
        let parts = key_value.as_deref().and_then(crate::data::keys::split);
        let split = match (plan.credit, &key_value) {
            (Some(credit), Some(k)) if credit.input == input => match self.credits.find(k, parts) {
                Some(i) => {
                    if let Some(seen) = self.credits_seen.get_mut(i) {
                        *seen = true;
                    }
                    Some(self.credits.shares(i).map(|s| (s.payee.clone(), s.share)).collect::<Vec<_>>())
                }
                None => None,
            },
            _ => None,
        };
        // No allocation for the usual row, its own payee's whole.
        let whole = (payee, Decimal::ONE);
        let payees: &[(Arc<str>, Decimal)] = match &split {
            Some(shares) => shares,
            None => std::slice::from_ref(&whole),
        };
        if let (Some(wanted), Some(k)) = (self.wanted.get_mut(&input), &key_value) {
            if let Some(i) = wanted.find(k, parts) {
                // As read, before any scaling: `within` compares what was sold with what was cancelled.
                let values = wanted.kept_of(row.values);
                wanted.capture(i, Captured { values, line: row.line, payees: payees.iter().cloned().collect() });
            }
        }
        let Some(counts) = self.folded.counts.get_mut(input) else { return Ok(Used::Nothing) };
        if self.needed.as_ref().is_some_and(|n| !n.contains(&bucket)) {
            counts.outside_range += 1;
            return Ok(Used::Nothing);
        }
        for &c in &shape.compared_text {
            if let Some(Value::Text(t)) = values.get(c) {
                let column = plan.inputs.get(input).and_then(|s| s.columns.get(c)).map_or("", |c| c.name.as_str());
                checked_text(t, column, row, c)?;
            }
        }
        counts.used += 1;
        if !shape.aggs.is_empty() {
            for (credited, share) in payees {
                let attrs = if self.roster_mode { self.payees.get(credited).map(Vec::as_slice) } else { None };
                let env = RowEnv { row: values, payee: attrs, payee_id: credited, joined: None, in_month: &[] };
                let Some(buckets) = self.folded.buckets.get_mut(input) else { return Ok(Used::Nothing) };
                let key = (credited.clone(), bucket);
                let folded =
                    fold_states(plan, &shape.aggs, buckets, &mut self.folded.distinct, key, &env, *share, tracer);
                if let Err(e) = folded {
                    self.eval_error = Some((e, row.at()));
                    return Err(Refusal::Stop);
                }
            }
        }
        if !shape.looked_up.is_empty() {
            if let Some(rows) = self.folded.rows.get_mut(input) {
                let values = lookup_values(&shape.looked_up, values.len(), |c| values.get(c).cloned());
                rows.insert(whole.0.clone(), bucket, LookupRow { values, line: row.line });
            }
        }
        Ok(match split {
            None => Used::One(whole.0, bucket, whole.1),
            Some(many) => Used::Split(many.into_iter().map(|(p, share)| (p, bucket, share)).collect()),
        })
    }

    /// A dated row of a payee hired later than the row (roster `start`) is refused.
    fn before_start(
        &self,
        payee: &Arc<str>,
        date: Option<&Value>,
        row: &Row<'_>,
        column: usize,
    ) -> Result<(), Refusal> {
        let Some(start) = self.plan.roster().and_then(|r| r.start) else { return Ok(()) };
        let Some(Value::Date(date)) = date else { return Ok(()) };
        match self.payees.get(payee).and_then(|a| a.get(start)) {
            Some(Value::Date(hired)) if hired > date => Err(Refusal::Reject(DataError::of(
                row.at_column(column),
                EvalKind::BeforeStart { payee: payee.to_string(), date: date.to_string(), start: hired.to_string() },
            ))),
            _ => Ok(()),
        }
    }
}

/// The columns of an input the plan looks up, sorted and once each.
fn looked_up(plan: &Plan, input: usize) -> Vec<usize> {
    let columns: std::collections::BTreeSet<usize> =
        plan.lookups.iter().filter(|l| l.input == input).map(|l| l.column).collect();
    columns.into_iter().collect()
}

/// A kept lookup row's values: those of the `looked_up` columns (`value` of each), the
/// others missing (nothing reads them), `columns` in all.
pub(super) fn lookup_values(
    looked_up: &[usize],
    columns: usize,
    mut value: impl FnMut(usize) -> Option<Value>,
) -> Vec<Value> {
    let mut out = vec![Value::Missing; columns];
    for &c in looked_up {
        if let (Some(slot), Some(v)) = (out.get_mut(c), value(c)) {
            *slot = v;
        }
    }
    out
}

/// The free text columns of an input (no listed values, not its payee or key) that the
/// plan's aggregates over it read, or that the plan looks up.
fn compared_text(plan: &Plan, input: usize) -> Vec<usize> {
    let Some(schema) = plan.inputs.get(input) else { return Vec::new() };
    let mut read = std::collections::BTreeSet::new();
    for agg in plan.aggregates.iter().filter(|a| a.input == input) {
        for expr in agg.arg.iter().chain(agg.filter.iter()) {
            crate::plan::visit::visit(expr, &mut |e| {
                if let crate::plan::Node::Column(c) = e.node {
                    read.insert(c);
                }
            });
        }
    }
    read.extend(plan.lookups.iter().filter(|l| l.input == input).map(|l| l.column));
    read.into_iter()
        .filter(|c| schema.key != Some(*c) && schema.payee != Some(*c))
        .filter(|c| {
            schema.columns.get(*c).is_some_and(|col| col.ty == crate::plan::ColumnType::Text && col.values.is_none())
        })
        .collect()
}

/// The free text roster columns (no listed values, not the key) that some expression of the
/// plan reads as `payee.x`.
pub(crate) fn roster_text(plan: &Plan) -> Vec<usize> {
    let PayeeSource::Roster { input, .. } = plan.payee else { return Vec::new() };
    let Some(schema) = plan.inputs.get(input) else { return Vec::new() };
    let mut exprs: Vec<&crate::plan::Expr> = Vec::new();
    for a in &plan.aggregates {
        exprs.extend(a.arg.iter().chain(a.filter.iter()));
    }
    for c in &plan.components {
        exprs.extend(c.lets.iter().map(|l| &l.value));
        exprs.extend(c.gates.iter().chain(std::iter::once(&c.pay)).chain(c.cap.iter()).chain(c.floor.iter()));
    }
    exprs.extend(plan.metrics.iter().map(|m| &m.value));
    let mut read = std::collections::BTreeSet::new();
    for expr in exprs {
        crate::plan::visit::visit(expr, &mut |e| {
            if let crate::plan::Node::PayeeAttr(c) = e.node {
                read.insert(c);
            }
        });
    }
    read.into_iter()
        .filter(|c| schema.key != Some(*c))
        .filter(|c| {
            schema.columns.get(*c).is_some_and(|col| col.ty == crate::plan::ColumnType::Text && col.values.is_none())
        })
        .collect()
}

/// A free text value the plan reads, checked as an id is (nothing invisible, composed).
fn checked_text(text: &str, column: &str, row: &Row<'_>, at_column: usize) -> Result<(), Refusal> {
    check_id(text).map_err(|problem| {
        let (column, value) = (column.to_string(), text.to_string());
        Refusal::Reject(DataError::of(
            row.at_column(at_column),
            match problem {
                IdProblem::Hidden(ch) => LedgerKind::HiddenCharInId { column, value, ch },
                IdProblem::NotComposed(composed) => LedgerKind::NotComposed { column, value, composed },
            },
        ))
    })
}

/// Records an id the run has not seen before; refuses it when it looks like another.
fn new_id(
    look_alikes: &mut LookAlikes<String>,
    id: &str,
    column: &str,
    row: &Row<'_>,
    at_column: usize,
) -> Result<(), Refusal> {
    match look_alikes.add(id, || row.at_column(at_column)) {
        None => Ok(()),
        Some((other, other_at)) => Err(Refusal::Reject(DataError::of(
            row.at_column(at_column),
            LedgerKind::LookAlikeIds { column: column.to_string(), value: id.to_string(), other, other_at },
        ))),
    }
}

/// Folds one row into the states of `aggs` for `key`, each sum weighted by the payee's
/// share of the row (1 for a row that is not split).
#[allow(clippy::too_many_arguments)]
fn fold_states<T: Tracer>(
    plan: &Plan,
    aggs: &[usize],
    buckets: &mut Buckets,
    distinct: &mut Interner,
    key: (Arc<str>, Period),
    env: &RowEnv<'_>,
    share: Decimal,
    tracer: &mut T,
) -> Result<(), EvalError> {
    if aggs.is_empty() {
        return Ok(());
    }
    buckets.with(&key.0, key.1, BucketStates::default, |states| {
        for (slot, agg_index) in aggs.iter().enumerate() {
            let Some(agg) = plan.aggregates.get(*agg_index) else { continue };
            if let Some(filter) = &agg.filter {
                if eval_traced(plan, filter, env, tracer)? != Value::Bool(true) {
                    continue;
                }
            }
            let mut value = match &agg.arg {
                Some(arg) => eval_traced(plan, arg, env, tracer)?,
                None => Value::Bool(true),
            };
            let too_large = || EvalError::new(EvalKind::TooLarge { what: "total" }, agg.span);
            if share != Decimal::ONE && matches!(agg.func, AggFunc::Sum) {
                if let Value::Number(n) = value {
                    value = Value::Number(n.checked_mul(share).ok_or_else(too_large)?);
                }
            }
            if let Some(state) = states.entry(slot, || AggState::new(agg.func)) {
                state.add(value, distinct).ok_or_else(too_large)?;
            }
        }
        Ok(())
    })
}

/// The values of the `in_month_of(date, figure)` calls in the aggregates over `input`, for
/// one row and payee: each figure for the payee in the month of its date, keyed by the call.
pub(crate) fn in_month_values(
    plan: &Plan,
    folded: &Folded,
    input: usize,
    payee: &Payee,
    row: &[Value],
    joined: Option<(usize, JoinedRow<'_>)>,
) -> Result<Vec<(usize, Val)>, EvalError> {
    let mut calls: Vec<&crate::plan::Expr> = Vec::new();
    for a in plan.aggregates.iter().filter(|a| a.input == input) {
        for e in a.arg.iter().chain(a.filter.iter()) {
            crate::plan::visit::visit(e, &mut |x| {
                if matches!(x.node, crate::plan::Node::InMonthOf(..)) {
                    calls.push(x);
                }
            });
        }
    }
    let mut out = Vec::with_capacity(calls.len());
    let env = RowEnv { row, payee: Some(&payee.attrs), payee_id: &payee.id, joined, in_month: &[] };
    for call in calls {
        let crate::plan::Node::InMonthOf(date, figure) = &call.node else { continue };
        let value = match eval_traced(plan, date, &env, &mut super::expr::NoTrace)? {
            Value::Date(d) => {
                let month = Period::month(chrono::Datelike::year(&d), chrono::Datelike::month(&d));
                super::compute::figure_in(plan, &PayeeFold::new(folded, payee), month, figure)?
            }
            _ => Val::MISSING,
        };
        out.push((call as *const crate::plan::Expr as usize, value));
    }
    Ok(out)
}

/// One rejected row as the error that stops the run.
fn rejected(file: String, problem: DataError) -> Error {
    Error::Rejected(RejectedRows::new(file, vec![problem], 1, 1, 1))
}

/// A ledger row as an expression environment (inside aggregates).
pub(crate) struct RowEnv<'a> {
    pub row: &'a [Value],
    pub payee: Option<&'a [Value]>,
    pub payee_id: &'a Arc<str>,
    /// The row a reference column names: (that column, the named row's values).
    pub joined: Option<(usize, JoinedRow<'a>)>,
    /// The `in_month_of` figures of this row, keyed by the call (see [`in_month_values`]).
    pub in_month: &'a [(usize, Val)],
}

impl Env for RowEnv<'_> {
    fn column(&self, index: usize) -> Value {
        self.row.get(index).cloned().unwrap_or(Value::Missing)
    }
    fn let_value(&self, _: usize) -> Val {
        Val::MISSING
    }
    fn aggregate(&self, _: usize) -> Result<Val, EvalError> {
        Ok(Val::MISSING)
    }
    fn lookup(&self, _: usize) -> Value {
        Value::Missing
    }
    fn payee_id(&self) -> Value {
        Value::Text(self.payee_id.clone())
    }
    fn payee_attr(&self, index: usize) -> Value {
        self.payee.and_then(|p| p.get(index)).cloned().unwrap_or(Value::Missing)
    }
    fn in_month_of(&self, e: &crate::plan::Expr) -> Val {
        let key = e as *const crate::plan::Expr as usize;
        self.in_month.iter().find(|(k, _)| *k == key).map_or(Val::MISSING, |(_, v)| v.clone())
    }
    fn joined(&self, reference: usize, column: usize) -> Value {
        match self.joined {
            Some((r, values)) if r == reference => values.get(column).cloned().unwrap_or(Value::Missing),
            _ => Value::Missing,
        }
    }
}

#[cfg(test)]
mod tests {
    //! The fold on its own, on ledgers small enough to add up by hand.
    use super::*;
    use crate::data::LedgerSource;
    use crate::source::SourceFile;
    use rust_decimal_macros::dec;

    const POLICY: &str = "policy \"P\" version \"1\" currency CNY\n\
        input sales { key id: text  period date: date  payee m: text  kind: text in [\"new\", \"renewal\"]  customer: text  amount: money }\n\
        payee sales.m\n\
        component a monthly { pay 3% * sum(sales.amount) }\n\
        component b monthly { pay 1% * sum(sales.amount where kind = \"new\") }\n\
        component c monthly { pay 10 CNY * count_distinct(sales.customer) }\n";

    const SALES: &str = "id,date,m,kind,customer,amount\n\
        S1,2026-01-05,M1,new,C1,100.00\n\
        S2,2026-01-20,M1,renewal,C1,50.00\n\
        S3,2026-02-03,M1,new,C2,30.00\n\
        S4,2026-01-09,M2,new,C3,7.00\n\
        S5,2026-01-10,M1,new,C2,-20.00\n";

    fn plan() -> Plan {
        crate::check::compile(SourceFile::new("p.policy", POLICY)).unwrap().plan
    }

    fn file() -> InputFile {
        InputFile {
            input: 0,
            source: LedgerSource::CsvBytes { name: "sales.csv".into(), bytes: SALES.as_bytes().into(), lines: None },
        }
    }

    fn sum(v: Option<&AggState>) -> Option<Decimal> {
        v.and_then(AggState::finish).and_then(|v| v.as_number())
    }

    /// An aggregate over no rows is what an empty state finishes to: a sum, a count and a
    /// distinct count 0, an average, a minimum and a maximum no value.
    #[test]
    fn an_aggregate_over_no_rows_is_an_empty_states_value() {
        use crate::plan::AggFunc::*;
        for func in [Sum, Count, CountDistinct, Avg, Min, Max] {
            assert_eq!(Some(AggState::empty_value(func)), AggState::new(func).finish(), "{func:?}");
        }
        assert_eq!(AggState::empty_value(Count), Value::Number(Decimal::ZERO));
        assert_eq!(AggState::empty_value(Max), Value::Missing);
    }

    #[test]
    fn rows_fold_per_payee_and_month() {
        let plan = plan();
        let folded = fold_inputs(&plan, &[file()], &None, 1, &mut crate::eval::expr::NoTrace).unwrap();
        let ids: Vec<&str> = folded.payees.iter().map(|p| &*p.id).collect();
        assert_eq!(ids, ["M1", "M2"], "sorted by id");
        let (m1, m2): (Arc<str>, Arc<str>) = ("M1".into(), "M2".into());
        let (jan, feb) = (Period::month(2026, 1), Period::month(2026, 2));
        // Aggregates are numbered in order of appearance: 0 = sum(amount), 1 = sum where new,
        // 2 = count_distinct(customer).
        // M1 in January: 100.00 + 50.00 - 20.00 = 130.00; new only: 100.00 - 20.00 = 80.00;
        // customers C1, C1, C2: 2 distinct.
        assert_eq!(sum(folded.state(0, &m1, jan)), Some(dec!(130.00)));
        assert_eq!(sum(folded.state(1, &m1, jan)), Some(dec!(80.00)));
        assert_eq!(sum(folded.state(2, &m1, jan)), Some(dec!(2)));
        // M1 in February: one sale of 30.00 to C2.
        assert_eq!(sum(folded.state(0, &m1, feb)), Some(dec!(30.00)));
        assert_eq!(sum(folded.state(2, &m1, feb)), Some(dec!(1)));
        // M2 sold nothing in February: no state at all, not a zero.
        assert_eq!(sum(folded.state(0, &m2, jan)), Some(dec!(7.00)));
        assert!(folded.state(0, &m2, feb).is_none());
        assert_eq!(folded.span, Some((jan, feb)));
        let counts = folded.counts.first().copied().unwrap();
        assert_eq!((counts.read, counts.used, counts.outside_range, counts.rejected), (5, 5, 0, 0));
    }

    /// A bucket keeps the states of the aggregates its rows were taken by, and no other: M2's
    /// March has one renewal of 12.50, so `sum(amount)` is 12.50, the distinct count 1, and
    /// `sum(amount where kind = "new")` has no state (it reads as over no rows, 0).
    #[test]
    fn a_bucket_keeps_no_state_for_an_aggregate_no_row_was_taken_by() {
        let plan = plan();
        let mut text = SALES.to_string();
        text.push_str("S6,2026-03-02,M2,renewal,C4,12.50\n");
        let file = InputFile {
            input: 0,
            source: LedgerSource::CsvBytes { name: "sales.csv".into(), bytes: text.as_bytes().into(), lines: None },
        };
        let folded = fold_inputs(&plan, &[file], &None, 1, &mut crate::eval::expr::NoTrace).unwrap();
        let (m2, march): (Arc<str>, _) = ("M2".into(), Period::month(2026, 3));
        assert_eq!(sum(folded.state(0, &m2, march)), Some(dec!(12.50)));
        assert!(folded.state(1, &m2, march).is_none());
        assert_eq!(sum(folded.state(2, &m2, march)), Some(dec!(1)));
        let kept: Vec<usize> = folded.states(0, "M2", march).unwrap().iter().map(|(slot, _)| slot).collect();
        assert_eq!(kept, [0, 2]);
    }

    /// `BucketStates`: states found by slot whatever order they came in, one made only when
    /// asked for, put in place of one there, and another bucket's added (a state the bucket
    /// has none of taken as it is).
    #[test]
    fn bucket_states_by_slot() {
        let mut states: BucketStates = [(4, AggState::Sum(dec!(1.50))), (1, AggState::Count(2))].into_iter().collect();
        assert_eq!(states.iter().map(|(slot, _)| slot).collect::<Vec<_>>(), [1, 4]);
        assert!(states.get(0).is_none() && states.get(2).is_none());
        assert_eq!(sum(states.get(4)), Some(dec!(1.50)));
        // An entry already there is not made again.
        let made = std::cell::Cell::new(0);
        let _ = states.entry(1, || {
            made.set(made.get() + 1);
            AggState::Count(0)
        });
        assert_eq!(made.get(), 0);
        let _ = states.entry(2, || {
            made.set(made.get() + 1);
            AggState::Count(7)
        });
        assert_eq!((made.get(), sum(states.get(2))), (1, Some(dec!(7))));
        states.insert(2, AggState::Count(9)).unwrap();
        assert_eq!(sum(states.get(2)), Some(dec!(9)));
        // 1.50 + 0.25 = 1.75; 2 + 3 = 5; slot 3 new: 4.000 as it is.
        let other: BucketStates =
            [(1, AggState::Count(3)), (3, AggState::Sum(dec!(4.000))), (4, AggState::Sum(dec!(0.25)))]
                .into_iter()
                .collect();
        states.merge(&other).unwrap();
        let all: Vec<(usize, Option<Value>)> = states.iter().map(|(slot, s)| (slot, s.finish())).collect();
        let number = |d: Decimal| Some(Value::Number(d));
        assert_eq!(
            all,
            [(1, number(dec!(5))), (2, number(dec!(9))), (3, number(dec!(4.000))), (4, number(dec!(1.75)))]
        );
    }

    /// An input of more than 64 aggregates: slots from 64 up are listed, after those below.
    #[test]
    fn bucket_states_of_slots_from_64_up() {
        let count = |n: u64| AggState::Count(n);
        let mut states: BucketStates =
            [(100, count(100)), (63, count(63)), (70, count(70)), (0, count(0))].into_iter().collect();
        let slots = |s: &BucketStates| s.iter().map(|(slot, _)| slot).collect::<Vec<_>>();
        assert_eq!(slots(&states), [0, 63, 70, 100]);
        assert!(states.get(64).is_none() && states.get(1).is_none() && states.get(101).is_none());
        assert_eq!(sum(states.get(70)), Some(dec!(70)));
        let _ = states.entry(80, || count(80));
        let _ = states.entry(5, || count(5));
        assert_eq!(slots(&states), [0, 5, 63, 70, 80, 100]);
        let other: BucketStates = [(65, count(65)), (100, count(1))].into_iter().collect();
        states.merge(&other).unwrap();
        let all: Vec<(usize, Option<Decimal>)> = states.iter().map(|(slot, s)| (slot, sum(Some(s)))).collect();
        let want = [(0, 0), (5, 5), (63, 63), (65, 65), (70, 70), (80, 80), (100, 101)];
        assert_eq!(all, want.map(|(slot, n)| (slot, Some(Decimal::from(n)))));
    }

    #[test]
    fn rows_outside_the_needed_buckets_are_counted_not_folded() {
        let plan = plan();
        let needed: Needed = Some([Period::month(2026, 2)].into_iter().collect());
        let folded = fold_inputs(&plan, &[file()], &needed, 1, &mut crate::eval::expr::NoTrace).unwrap();
        let m1: Arc<str> = "M1".into();
        assert!(folded.state(0, &m1, Period::month(2026, 1)).is_none());
        assert_eq!(sum(folded.state(0, &m1, Period::month(2026, 2))), Some(dec!(30.00)));
        let counts = folded.counts.first().copied().unwrap();
        // Four January rows are outside the range; the one February row is used.
        assert_eq!((counts.read, counts.used, counts.outside_range), (5, 1, 4));
    }

    #[test]
    fn the_row_hook_sees_each_used_row_with_its_payee_bucket_and_line() {
        let plan = plan();
        let request = FoldRequest {
            plan: &plan,
            files: &[file()],
            needed: None,
            scale: None,
            max_errors: 1,
            observed_payee: None,
            observe_reports: false,
            tally: None,
            trust: Trust::Checked,
        };
        let mut seen = Vec::new();
        let mut hook = |row: ObservedRow<'_>| seen.push((row.payee.to_string(), row.bucket, row.line));
        fold_shared(std::slice::from_ref(&request), Some(&mut hook), &mut crate::eval::expr::NoTrace).unwrap();
        let (jan, feb) = (Period::month(2026, 1), Period::month(2026, 2));
        // Line 1 is the header; the five rows are lines 2 to 6, in file order.
        let expected = [("M1", jan, 2), ("M1", jan, 3), ("M1", feb, 4), ("M2", jan, 5), ("M1", jan, 6)];
        let expected: Vec<(String, Period, u64)> = expected.iter().map(|(p, b, l)| (p.to_string(), *b, *l)).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn a_scaled_column_is_folded_scaled() {
        let plan = plan();
        let scale = Some(Scale { input: 0, column: 5, factor: dec!(1.01) });
        let request = FoldRequest {
            plan: &plan,
            files: &[file()],
            needed: None,
            scale,
            max_errors: 1,
            observed_payee: None,
            observe_reports: false,
            tally: None,
            trust: Trust::Checked,
        };
        let outcome = fold_shared(std::slice::from_ref(&request), None, &mut crate::eval::expr::NoTrace).unwrap();
        let folded = outcome.folded.first().unwrap();
        // (100.00 + 50.00 - 20.00) * 1.01 = 131.30, row by row: 101.0000 + 50.5000 - 20.2000.
        assert_eq!(sum(folded.state(0, &"M1".into(), Period::month(2026, 1))), Some(dec!(131.30)));
    }

    #[test]
    fn distinct_values_ignore_trailing_zeros() {
        let mut state = AggState::new(AggFunc::CountDistinct);
        let mut interner = Interner::default();
        for v in [dec!(1.0), dec!(1.00), dec!(1), dec!(2)] {
            state.add(Value::Number(v), &mut interner).unwrap();
        }
        assert_eq!(state.finish(), Some(Value::Number(dec!(2))));
    }

    /// Of equal amounts, `min` and `max` keep the one with the most decimals, then the one not
    /// negative, in whichever order the rows come (and whichever way states merge): every
    /// order of each case keeps the same value, scale and sign included.
    #[test]
    fn min_and_max_keep_one_of_equal_amounts_whatever_the_order() {
        let negative_zero = -dec!(0.00);
        assert!(negative_zero.is_sign_negative());
        let cases: [(&[Decimal], Decimal); 3] = [
            // The greatest and the least: 500 three ways; -20.5 two ways; zeros three ways.
            (&[dec!(500), dec!(500.0), dec!(500.00), dec!(7)], dec!(500.00)),
            (&[dec!(-20.5), dec!(-20.50), dec!(3)], dec!(-20.50)),
            (&[dec!(0.00), negative_zero, dec!(0)], dec!(0.00)),
        ];
        let orders: [[usize; 4]; 6] =
            [[0, 1, 2, 3], [2, 1, 0, 3], [1, 3, 2, 0], [3, 0, 2, 1], [2, 3, 1, 0], [1, 0, 3, 2]];
        let same = |v: Option<Value>, want: Decimal| match v {
            Some(Value::Number(n)) => {
                n == want && n.scale() == want.scale() && n.is_sign_negative() == want.is_sign_negative()
            }
            _ => false,
        };
        for (values, want) in cases {
            let func = if want > dec!(0) { AggFunc::Max } else { AggFunc::Min };
            for order in orders {
                let picked: Vec<Decimal> = order.iter().filter_map(|&i| values.get(i).copied()).collect();
                // Row by row, then as two halves merged.
                let mut state = AggState::new(func);
                let mut interner = Interner::default();
                for v in &picked {
                    state.add(Value::Number(*v), &mut interner).unwrap();
                }
                assert!(same(state.finish(), want), "{picked:?}: {:?}", state.finish());
                let (a, b) = picked.split_at(picked.len() / 2);
                let mut halves = [AggState::new(func), AggState::new(func)];
                for (half, vs) in halves.iter_mut().zip([b, a]) {
                    for v in vs {
                        half.add(Value::Number(*v), &mut interner).unwrap();
                    }
                }
                let [mut first, second] = halves;
                first.merge(&second).unwrap();
                assert!(same(first.finish(), want), "{picked:?} merged: {:?}", first.finish());
            }
        }
    }

    #[test]
    fn an_average_of_no_rows_has_no_value() {
        let state = AggState::new(AggFunc::Avg);
        assert_eq!(state.finish(), Some(Value::Missing));
        let mut state = AggState::new(AggFunc::Avg);
        let mut interner = Interner::default();
        state.add(Value::Number(dec!(1)), &mut interner).unwrap();
        state.add(Value::Number(dec!(2)), &mut interner).unwrap();
        // (1 + 2) / 2 = 1.5
        assert_eq!(state.finish(), Some(Value::Number(dec!(1.5))));
    }
}

#[cfg(test)]
mod late_tests {
    //! Which inputs a trusting `explain` reads after the ledger they name.
    use super::*;
    use crate::source::SourceFile;

    fn compiled(text: &str) -> Plan {
        crate::check::compile(SourceFile::new("p.policy", text)).unwrap().plan
    }

    fn input(plan: &Plan, name: &str) -> usize {
        plan.inputs.iter().position(|s| s.name == name).unwrap()
    }

    /// The 2027 plan's cancellations are read after its sales; its credit shares (which say
    /// which sales are read), its roster and its sales are not named late.
    #[test]
    fn the_2027_plans_cancellations_are_read_after_its_sales() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/telecom-2027.policy")).unwrap();
        let plan = compiled(&text);
        let sales = input(&plan, "sales");
        assert_eq!(late_target(&plan, input(&plan, "cancellations")), Some(sales));
        for other in ["credits", "sales", "roster", "targets"] {
            assert_eq!(late_target(&plan, input(&plan, other)), None, "{other}");
        }
    }

    /// Rows naming sales alone are read after them, unless another input names sales along
    /// with another ledger (it is read before the sales, and must find its sales named then),
    /// or the named ledger names rows itself.
    #[test]
    fn an_input_is_named_late_only_when_nothing_names_its_target_early() {
        let head = "policy \"P\" version \"1\" currency CNY\n\
            input sales { key id: text  period date: date  payee m: text  amount: money }\n\
            input refunds { key id: text  period date: date  sale: sales  amount: money }\n";
        let tail = "payee sales.m\ncomponent a monthly { pay 1% * sum(sales.amount) }\n";
        let alone = compiled(&format!("{head}{tail}"));
        assert_eq!(late_target(&alone, input(&alone, "refunds")), Some(input(&alone, "sales")));
        // Audits name sales and refunds: read before the sales, so refunds are not late.
        let audits = "input audits { key id: text  period date: date  sale: sales  refund: refunds }\n";
        let both = compiled(&format!("{head}{audits}{tail}"));
        for name in ["refunds", "audits", "sales"] {
            assert_eq!(late_target(&both, input(&both, name)), None, "{name}");
        }
        // Notes naming refunds alone: refunds name sales themselves, so notes are not late;
        // nor are refunds, whose rows notes name.
        let notes = "input notes { key id: text  period date: date  refund: refunds }\n";
        let chain = compiled(&format!("{head}{notes}{tail}"));
        for name in ["notes", "refunds"] {
            assert_eq!(late_target(&chain, input(&chain, name)), None, "{name}");
        }
    }
}
