//! Phase one: one streaming pass over each ledger, folding every row into the plan's
//! aggregates per (payee, bucket) — a GROUP BY with filtered aggregates. Per row the work is
//! the aggregates' own small expressions, never a walk of the whole policy.

use std::collections::{BTreeMap, HashSet};

// Keys here are the ledger's own ids and values, hashed once per row: a fast non-keyed hash
// (the data is the user's own, so hash flooding is not a threat) is a large part of the fold.
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::expr::{compare, eval_traced, Env, Tracer, Val};
use super::EvalError;
use crate::data::ids::{check_id, IdProblem, LookAlikes};
use crate::data::{read_input, InputFile, Refusal, Row, RowCounts};
use crate::diagnostics::eval::EvalKind;
use crate::diagnostics::ledger::LedgerKind;
use crate::diagnostics::{DataError, Error, PolicyProblems, RejectedRows};
use crate::period::{Granularity, Period};
use crate::plan::{AggFunc, PayeeSource, Plan};
use crate::suggest;
use crate::value::{exact_sum, Value};

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
    /// many buckets is kept once, and a bucket holds four bytes per distinct value.
    Distinct(DistinctValues),
    Avg(Decimal, u64),
    Min(Option<Value>),
    Max(Option<Value>),
}

impl AggState {
    pub fn new(func: AggFunc) -> AggState {
        match func {
            AggFunc::Sum => AggState::Sum(Decimal::ZERO),
            AggFunc::Count => AggState::Count(0),
            AggFunc::CountDistinct => AggState::Distinct(DistinctValues::default()),
            AggFunc::Avg => AggState::Avg(Decimal::ZERO, 0),
            AggFunc::Min => AggState::Min(None),
            AggFunc::Max => AggState::Max(None),
        }
    }

    /// Adds one row's value (a distinct count numbers it in `interner`). `None` on overflow.
    fn add(&mut self, value: Value, interner: &mut Interner) -> Option<()> {
        match self {
            AggState::Count(n) => *n += 1,
            _ if value == Value::Missing => {}
            AggState::Sum(s) => *s = exact_sum(*s, value.as_number().unwrap_or_default())?,
            AggState::Avg(s, n) => {
                *s = exact_sum(*s, value.as_number().unwrap_or_default())?;
                *n += 1;
            }
            AggState::Distinct(set) => set.add(interner.number(value)?),
            AggState::Min(m) => keep_extreme(m, value, std::cmp::Ordering::Less),
            AggState::Max(m) => keep_extreme(m, value, std::cmp::Ordering::Greater),
        }
        Some(())
    }

    /// Combines two buckets (the months of a quarter). `None` on overflow.
    pub fn merge(&mut self, other: &AggState) -> Option<()> {
        match (self, other) {
            (AggState::Sum(a), AggState::Sum(b)) => *a = exact_sum(*a, *b)?,
            (AggState::Count(a), AggState::Count(b)) => *a += b,
            (AggState::Avg(s, n), AggState::Avg(s2, n2)) => {
                *s = exact_sum(*s, *s2)?;
                *n += n2;
            }
            (AggState::Distinct(a), AggState::Distinct(b)) => a.merge(b),
            (AggState::Min(m), AggState::Min(Some(v))) => keep_extreme(m, v.clone(), std::cmp::Ordering::Less),
            (AggState::Max(m), AggState::Max(Some(v))) => keep_extreme(m, v.clone(), std::cmp::Ordering::Greater),
            _ => {}
        }
        Some(())
    }

    /// The aggregate's value; `None` on overflow.
    pub fn finish(&self) -> Option<Value> {
        Some(match self {
            AggState::Sum(s) => Value::Number(*s),
            AggState::Count(n) => Value::Number(Decimal::from(*n)),
            AggState::Distinct(set) => Value::Number(Decimal::from(set.count())),
            AggState::Avg(_, 0) => Value::Missing,
            AggState::Avg(s, n) => Value::Number(s.checked_div(Decimal::from(*n))?),
            AggState::Min(v) | AggState::Max(v) => v.clone().unwrap_or(Value::Missing),
        })
    }
}

/// The distinct values of one bucket, as their numbers in the fold's [`Interner`]. Numbers are
/// appended as rows come and the list is sorted and deduplicated whenever it has doubled since
/// the last time (so it holds at most about twice the distinct values), and once more when the
/// fold ends. Appending to a short list is cheaper than hashing into a set: with thousands of
/// buckets of thousands of values each, hash sets no longer fit the cache and every row missed it.
/// A list that would take more room than a bit per number up to its largest becomes such a
/// bitmap, so a bucket never holds more than about `largest number / 8` bytes.
#[derive(Debug, Clone, Default)]
pub struct DistinctValues {
    numbers: Vec<u32>,
    /// How many of `numbers` were sorted and distinct after the last settling.
    settled: usize,
    /// Bit `n` set when number `n` was seen (and then `numbers` is empty).
    bits: Option<Vec<u64>>,
}

impl DistinctValues {
    fn add(&mut self, n: u32) {
        if let Some(bits) = &mut self.bits {
            set_bit(bits, n);
            return;
        }
        self.numbers.push(n);
        if self.numbers.len() >= (2 * self.settled).max(32) {
            self.settle();
        }
    }

    fn settle(&mut self) {
        if let Some(bits) = &mut self.bits {
            for n in self.numbers.drain(..) {
                set_bit(bits, n);
            }
            return;
        }
        self.numbers.sort_unstable();
        self.numbers.dedup();
        self.settled = self.numbers.len();
        // Four bytes a number against one bit per number up to the largest.
        let largest = self.numbers.last().map_or(0, |&n| n as usize);
        if self.numbers.len() * 32 > largest + 64 {
            let mut bits = vec![0u64; largest / 64 + 1];
            for n in self.numbers.drain(..) {
                set_bit(&mut bits, n);
            }
            self.numbers.shrink_to_fit();
            self.settled = 0;
            self.bits = Some(bits);
        }
    }

    fn merge(&mut self, other: &DistinctValues) {
        self.numbers.extend_from_slice(&other.numbers);
        if let Some(theirs) = &other.bits {
            let mine = self.bits.get_or_insert_with(Vec::new);
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), 0);
            }
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a |= b;
            }
        }
        self.settle();
    }

    /// How many distinct values (the fold settles every list when it ends, so this is the
    /// length or the bits set; an unsettled list is counted on a sorted copy).
    pub fn count(&self) -> usize {
        if let Some(bits) = &self.bits {
            let mut all = bits.clone();
            for &n in &self.numbers {
                set_bit(&mut all, n);
            }
            return all.iter().map(|w| w.count_ones() as usize).sum();
        }
        if self.settled == self.numbers.len() {
            return self.settled;
        }
        let mut numbers = self.numbers.clone();
        numbers.sort_unstable();
        numbers.dedup();
        numbers.len()
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

/// Keeps `value` in `m` when there is none yet or it compares as `wanted` to the one kept.
fn keep_extreme(m: &mut Option<Value>, value: Value, wanted: std::cmp::Ordering) {
    if m.as_ref().is_none_or(|cur| compare(&value, cur) == Some(wanted)) {
        *m = Some(value);
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

/// Per (payee, bucket): one state per aggregate of an input.
pub type Buckets = HashMap<(Arc<str>, Period), Vec<AggState>>;
/// Per (payee, bucket): the one row lookups read.
pub type LookupRows = HashMap<(Arc<str>, Period), LookupRow>;

/// A row kept for lookups, with its line in the file (for `explain`).
#[derive(Debug, Clone)]
pub struct LookupRow {
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
        self.buckets.get(input)?.get(&(payee.clone(), bucket))?.get(slot)
    }
}

/// A field of a ledger row, for messages: where it is and what it says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeenAt {
    pub at: String,
    pub value: String,
}

/// Which buckets the run needs; `None` means all of them (no range was given).
pub type Needed = Option<HashSet<Period>>;

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
}

/// The folds, one per request, and what was read to make them.
#[derive(Debug)]
pub struct FoldOutcome {
    pub folded: Vec<Folded>,
    pub reads: Vec<LedgerRead>,
    /// Why a file had to be read more than once (shown to the user on stderr).
    pub notes: Vec<String>,
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
    let request = FoldRequest { plan, files, needed: needed.clone(), scale: None, max_errors };
    let outcome = fold_shared(std::slice::from_ref(&request), None, tracer)?;
    Ok(outcome.folded.into_iter().next().unwrap_or_default())
}

/// What a file is to the plan that reads it; rows can only be shared between plans for
/// which it is the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Roster,
    PayeeLedger,
    Ledger,
}

#[derive(Clone, Copy)]
struct Task<'a> {
    request: usize,
    input: usize,
    file: &'a InputFile,
    role: Role,
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
    let mut notes = Vec::new();
    // The first task of every read so far, to say why a file is read again.
    let mut leads: Vec<Task<'_>> = Vec::new();
    // Phase one reads each plan's payee-defining input, phase two the rest, so payees are
    // known before the rows that refer to them.
    for payee_phase in [true, false] {
        let mut groups: Vec<Vec<Task<'_>>> = Vec::new();
        for (r, request) in requests.iter().enumerate() {
            let first = payee_input(request.plan);
            let mut inputs: Vec<usize> = vec![first];
            inputs.extend((0..request.plan.inputs.len()).filter(|i| *i != first));
            for input in inputs.into_iter().filter(|i| (*i == first) == payee_phase) {
                let Some(file) = request.files.iter().find(|f| f.input == input) else { continue };
                let role = match (input == first, request.plan.payee) {
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
            reads.push(read_group(requests, &mut states, &group, observer.as_deref_mut(), tracer)?);
        }
    }
    let folded = states.into_iter().map(PlanFold::finish).collect();
    Ok(FoldOutcome { folded, reads, notes })
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
        return Ok(LedgerRead { source: String::new(), served: Vec::new() });
    };
    let Some(request) = requests.get(lead.request) else {
        return Ok(LedgerRead { source: String::new(), served: Vec::new() });
    };
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
                Role::PayeeLedger | Role::Ledger => {
                    state.ledger_row(task.input, task.role == Role::PayeeLedger, values, &row, tracer)?
                }
            };
            if let (Some((payee, bucket)), Some(observe)) = (used, observer.as_deref_mut()) {
                observe(ObservedRow {
                    request: task.request,
                    input: task.input,
                    payee: &payee,
                    bucket,
                    values,
                    line: row.line,
                });
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
    Ok(LedgerRead { source: shown, served })
}

/// How one plan folds the rows of one of its inputs, worked out once before reading.
struct LedgerShape {
    payee_col: usize,
    period_col: usize,
    granularity: Granularity,
    /// Indices into `plan.aggregates` of the aggregates over this input, in order.
    aggs: Vec<usize>,
    keeps_rows: bool,
    /// Free text columns (no listed values; not the payee or the key, which reading checks)
    /// that the aggregates read or the policy looks up: counted distinct, compared, shown.
    /// Their values are checked as ids are (nothing invisible, composed), or `C1` and `C1`
    /// with a zero-width space would be two customers.
    compared_text: Vec<usize>,
}

/// One plan's fold in progress.
struct PlanFold<'a> {
    plan: &'a Plan,
    needed: &'a Needed,
    scale: Option<Scale>,
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
                let keeps_rows = plan.lookups.iter().any(|l| l.input == input);
                let compared_text = compared_text(plan, input);
                Some(LedgerShape { payee_col, period_col, granularity, aggs, keeps_rows, compared_text })
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
            roster_mode: matches!(plan.payee, PayeeSource::Roster { .. }),
            shapes,
            payees: BTreeMap::new(),
            look_alikes: LookAlikes::default(),
            nobody: vec![HashMap::default(); n],
            last_period: vec![None; n],
            roster_text: roster_text(plan),
            folded: Folded {
                buckets: vec![HashMap::default(); n],
                rows: vec![HashMap::default(); n],
                counts: vec![RowCounts::default(); n],
                nobody: vec![Vec::new(); n],
                periods: vec![std::collections::BTreeSet::new(); n],
                slots,
                ..Folded::default()
            },
            eval_error: None,
        }
    }

    fn finish(self) -> Folded {
        let mut folded = self.folded;
        for states in folded.buckets.iter_mut().flat_map(|b| b.values_mut()) {
            for state in states.iter_mut() {
                if let AggState::Distinct(set) = state {
                    set.settle();
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

    fn roster_row(
        &mut self,
        input: usize,
        values: &[Value],
        row: &Row<'_>,
    ) -> Result<Option<(Arc<str>, Period)>, Refusal> {
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
        Ok(None)
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
    ) -> Result<Option<(Arc<str>, Period)>, Refusal> {
        let plan = self.plan;
        let Some(counts) = self.folded.counts.get_mut(input) else { return Ok(None) };
        let Some(Some(shape)) = self.shapes.get(input) else {
            // Not aggregated per payee and period: validated and counted, nothing used.
            counts.outside_range += 1;
            return Ok(None);
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
                return Ok(None);
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
            return Ok(None);
        }
        if let (Some(last), Some(periods)) = (self.last_period.get_mut(input), self.folded.periods.get_mut(input)) {
            if *last != Some(period) {
                periods.insert(period);
                *last = Some(period);
            }
        }
        let key = (payee.clone(), bucket);
        if shape.keeps_rows && self.folded.rows.get(input).is_some_and(|rows| rows.contains_key(&key)) {
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
        let Some(counts) = self.folded.counts.get_mut(input) else { return Ok(None) };
        if self.needed.as_ref().is_some_and(|n| !n.contains(&bucket)) {
            counts.outside_range += 1;
            return Ok(None);
        }
        for &c in &shape.compared_text {
            if let Some(Value::Text(t)) = values.get(c) {
                let column = plan.inputs.get(input).and_then(|s| s.columns.get(c)).map_or("", |c| c.name.as_str());
                checked_text(t, column, row, c)?;
            }
        }
        counts.used += 1;
        let attrs = if self.roster_mode { self.payees.get(&payee).map(Vec::as_slice) } else { None };
        let env = RowEnv { row: values, payee: attrs, payee_id: &payee };
        if !shape.aggs.is_empty() {
            let Some(buckets) = self.folded.buckets.get_mut(input) else { return Ok(None) };
            let distinct = &mut self.folded.distinct;
            let states = buckets.entry(key.clone()).or_insert_with(|| {
                shape.aggs.iter().filter_map(|a| plan.aggregates.get(*a)).map(|a| AggState::new(a.func)).collect()
            });
            for (slot, agg_index) in shape.aggs.iter().enumerate() {
                let Some(agg) = plan.aggregates.get(*agg_index) else { continue };
                let result = (|| -> Result<(), EvalError> {
                    if let Some(filter) = &agg.filter {
                        if eval_traced(plan, filter, &env, tracer)? != Value::Bool(true) {
                            return Ok(());
                        }
                    }
                    let value = match &agg.arg {
                        Some(arg) => eval_traced(plan, arg, &env, tracer)?,
                        None => Value::Bool(true),
                    };
                    if let Some(state) = states.get_mut(slot) {
                        state
                            .add(value, distinct)
                            .ok_or_else(|| EvalError::new(EvalKind::TooLarge { what: "total" }, agg.span))?;
                    }
                    Ok(())
                })();
                if let Err(e) = result {
                    self.eval_error = Some((e, row.at()));
                    return Err(Refusal::Stop);
                }
            }
        }
        if shape.keeps_rows {
            if let Some(rows) = self.folded.rows.get_mut(input) {
                rows.insert(key, LookupRow { values: values.to_vec(), line: row.line });
            }
        }
        Ok(Some((payee, bucket)))
    }
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
fn roster_text(plan: &Plan) -> Vec<usize> {
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

/// A ledger row as an expression environment (inside aggregates).
pub(crate) struct RowEnv<'a> {
    pub row: &'a [Value],
    pub payee: Option<&'a [Value]>,
    pub payee_id: &'a Arc<str>,
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
        let request = FoldRequest { plan: &plan, files: &[file()], needed: None, scale: None, max_errors: 1 };
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
        let request = FoldRequest { plan: &plan, files: &[file()], needed: None, scale, max_errors: 1 };
        let outcome = fold_shared(std::slice::from_ref(&request), None, &mut crate::eval::expr::NoTrace).unwrap();
        let folded = outcome.folded.first().unwrap();
        // (100.00 + 50.00 - 20.00) * 1.01 = 131.30, row by row: 101.0000 + 50.5000 - 20.2000.
        assert_eq!(sum(folded.state(0, &"M1".into(), Period::month(2026, 1))), Some(dec!(131.30)));
    }

    /// Counting through settlings: 1,000 rows of 300 values (each value seen at rows i, i + 300,
    /// ...), so the list settles many times; 300 distinct, unsettled or settled, and merged
    /// with a second bucket of values 200..400 (times 1,000) gives 400.
    #[test]
    fn distinct_values_settle_without_losing_or_doubling_any() {
        // Numbers far apart (multiples of 1,000), so the list stays a list.
        let mut a = DistinctValues::default();
        for i in 0..1000u32 {
            a.add(i % 300 * 1000);
        }
        assert_eq!(a.count(), 300);
        a.settle();
        assert_eq!((a.count(), a.numbers.len(), a.bits.is_none()), (300, 300, true));
        let mut b = DistinctValues::default();
        for i in 200..400u32 {
            b.add(i * 1000);
        }
        a.merge(&b);
        assert_eq!(a.count(), 400);
    }

    /// A list of many numbers up to a small largest one becomes a bitmap and counts the same:
    /// 0..1000 seen three times each is 1,000 distinct; merged with a list 900..1100 (not a
    /// bitmap: 200 numbers up to 1,099) it is 1,100; a bitmap merged into a list too.
    #[test]
    fn dense_distinct_values_become_a_bitmap_and_count_the_same() {
        let mut a = DistinctValues::default();
        for i in 0..3000u32 {
            a.add(i % 1000);
        }
        a.settle();
        assert!(a.bits.is_some() && a.numbers.is_empty());
        assert_eq!(a.count(), 1000);
        let mut b = DistinctValues::default();
        for i in 900..1100u32 {
            b.add(i * 1000 / 1000);
        }
        b.settle();
        let mut c = b.clone();
        a.merge(&b);
        assert_eq!(a.count(), 1100);
        c.merge(&a);
        assert_eq!(c.count(), 1100);
        // Unsettled numbers after a bitmap are counted too.
        let mut d = a.clone();
        d.add(5000);
        assert_eq!(d.count(), 1101);
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
