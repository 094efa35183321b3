//! Phase two: one statement per payee and month. A component pays in the last month of its
//! cadence's period, over the whole period's data (a quarterly bonus is computed in March
//! over January to March, even when the report starts in February).

use std::sync::Arc;

use rust_decimal::Decimal;

use super::aggregate::{AggState, Folded, Payee, PayeeFold};
use super::expr::{eval_exact_traced, excerpt, Env, NoTrace, Tracer, Val};
use super::reuse::Reuse;
use super::EvalError;
use crate::data::RowCounts;
use crate::diagnostics::eval::EvalKind;
use crate::diagnostics::{Error, PolicyProblems};
use crate::period::{Granularity, Period};
use crate::plan::{AggFunc, Component, Earlier, Metric, PayeeSource, Plan, Window};
use crate::value::{exact_sum, Exact, Value};

/// One payee's statement for one month.
#[derive(Debug, Clone)]
pub struct Statement {
    pub payee: Arc<str>,
    /// Roster columns of the payee (empty without a roster).
    pub attrs: Vec<Value>,
    pub period: Period,
    /// One rounded amount per component, in the policy's order (0 when not due this month).
    pub amounts: Vec<Decimal>,
    pub total: Decimal,
    /// One value per metric of the plan, for the metric's period containing this month.
    pub metrics: Vec<Value>,
    /// The version of the plan that computed it, in a run of several versions (`--then`).
    pub version: Option<Arc<str>>,
}

#[derive(Debug, Clone)]
pub struct RunResult {
    pub months: Vec<Period>,
    pub statements: Vec<Statement>,
    pub component_totals: Vec<Decimal>,
    pub total: Decimal,
    /// Per input, in declaration order.
    pub counts: Vec<RowCounts>,
    /// What the run says about its ledgers without stopping (`C01xx`: rows for nobody).
    pub warnings: Vec<crate::diagnostics::DataError>,
}

/// Every payee's statement for each of `months`, from ledgers already read: the
/// [`Batches`] of a run, collected.
pub fn statements(plan: &Plan, folded: &Folded, months: &[Period]) -> Result<RunResult, Error> {
    let mut batches = Batches::new(plan, folded, months)?;
    let mut statements = Vec::with_capacity(folded.payees.len() * months.len());
    while let Some(batch) = batches.next_batch() {
        statements.extend(batch?);
    }
    Ok(batches.result(statements))
}

/// Why [`Batches::each`] stopped.
pub enum Halt<E> {
    /// A statement could not be computed.
    Statement(Error),
    /// The writer failed.
    Write(E),
}

/// How many statements a batch of [`Batches`] holds, about (whole payees), unless
/// `COMMISSION_BATCH_STATEMENTS` says.
const BATCH_STATEMENTS: usize = 1 << 16;

/// How many payees' statements a task of a batch computes, one after the other.
const PAYEES_PER_TASK: usize = 64;

/// A run's statements, computed a batch of payees at a time in payee order, each batch's
/// payees on all cores (`COMMISSION_THREADS`), and added up as they come: so that a writer
/// holds a batch, not the run (a million statements took 575 MB), and the result, and the
/// error reported when there are several (the first in payee, then month, order), do not
/// depend on the number of threads. A plan that reads direct reports' statements has every
/// payee's months computed first (`all_histories`).
pub struct Batches<'a> {
    plan: &'a Plan,
    folded: &'a Folded,
    months: Vec<Period>,
    computed: Vec<Period>,
    shown: Shown,
    everyone: Option<Vec<Vec<MonthAmounts>>>,
    /// The first payee of the next batch, and how many a batch takes.
    next: usize,
    per_batch: usize,
    totals: Totals,
    /// Set once a batch has failed: no batch comes after it.
    failed: bool,
    /// What this plan takes from another's statements of the same payees and months
    /// ([`Batches::next_batch_with`]).
    reuse: Option<Reuse>,
    /// Lists and statements kept for the next batches ([`Spare`]).
    spare: Spare,
}

/// Lists of statements kept for the batches to come, not freed: a task's list (64 payees'
/// months, 100 KB) and a batch's (8 MB) made anew for every batch were large allocations,
/// before each of which glibc's allocator gathered every small block freed since the last;
/// and the statements of a batch once written, whose lists (amounts, metrics) the statements
/// of a later batch fill again rather than each allocating and freeing its own. Over 100,000
/// payees: the allocator's share of a run 22% → 14%, its CPU time 6.8 → 6.3 s, a `diff`
/// 5.6 → 5.0 s.
#[derive(Default)]
struct Spare {
    /// Empty lists.
    lists: Vec<Vec<Statement>>,
    /// Batches given back ([`Batches::recycle`]), their statements' lists to fill again.
    given_back: Vec<Vec<Statement>>,
}

/// What a task of a batch starts with: a list for its statements, and statements given back
/// to fill again ([`payee_statements`]).
struct TaskLists {
    done: Vec<Statement>,
    pool: Vec<Statement>,
}

/// What a task of a batch made: its payees' statements of the shown months up to the first
/// error (and the error), and the statements given back it did not fill again.
struct Made {
    done: Vec<Statement>,
    failed: Option<Error>,
    pool: Vec<Statement>,
}

impl Spare {
    /// Lists for a batch of `tasks` tasks, a batch given back shared out among them, and an
    /// empty list for the batch.
    fn for_batch(&mut self, tasks: usize) -> (Vec<TaskLists>, Vec<Statement>) {
        let mut given_back = self.given_back.pop().unwrap_or_default();
        let each = given_back.len().div_ceil(tasks.max(1));
        let lists = (0..tasks)
            .map(|_| {
                let mut pool = self.lists.pop().unwrap_or_default();
                pool.extend(given_back.drain(given_back.len().saturating_sub(each)..));
                TaskLists { done: self.lists.pop().unwrap_or_default(), pool }
            })
            .collect();
        (lists, given_back)
    }

    /// Keeps a batch once read, for a later batch to fill its statements again (at most two:
    /// one is being written while the next is computed).
    fn give_back(&mut self, batch: Vec<Statement>) {
        if self.given_back.len() < 2 {
            self.given_back.push(batch);
        }
    }

    /// Keeps a task's emptied lists.
    fn keep(&mut self, mut done: Vec<Statement>, mut pool: Vec<Statement>) {
        done.clear();
        pool.clear();
        self.lists.push(done);
        self.lists.push(pool);
    }
}

/// The [`View`] of a [`Batches`], borrowing only the fields it reads (so that the batches'
/// totals and lists can change while a batch is computed with it).
macro_rules! view_of {
    ($batches:expr) => {
        View {
            plan: $batches.plan,
            folded: $batches.folded,
            computed: &$batches.computed,
            shown: &$batches.shown,
            everyone: $batches.everyone.as_ref(),
        }
    };
}

/// What computing a batch's statements reads: the plan, its fold, the months computed and
/// shown, and every payee's months when the plan reads reports' statements.
#[derive(Clone, Copy)]
struct View<'v> {
    plan: &'v Plan,
    folded: &'v Folded,
    computed: &'v [Period],
    shown: &'v Shown,
    everyone: Option<&'v Vec<Vec<MonthAmounts>>>,
}

impl View<'_> {
    /// The statements of `payees` (the first is payee `first`), a few payees a task on all
    /// cores, each task's in its `lists`. `theirs`: each payee's statements of another plan,
    /// by place (none: every figure computed).
    fn compute(
        self,
        first: usize,
        payees: &[Payee],
        lists: Vec<TaskLists>,
        theirs: &[Option<Theirs<'_>>],
    ) -> Vec<Made> {
        use rayon::prelude::*;
        let View { plan, folded, computed, shown, everyone } = self;
        // A few payees a task, each task's statements in one list: a list per payee (1.5 KB
        // for a year of months) was a large allocation for the allocator, which gathered
        // every small block freed before each one (6% of a run over 100,000 payees).
        super::chunked::on_all_cores(|| {
            payees
                .par_chunks(PAYEES_PER_TASK)
                .zip(lists)
                .enumerate()
                .map(|(c, (chunk, TaskLists { mut done, mut pool }))| {
                    done.reserve(chunk.len() * computed.len().min(shown.months.len()));
                    for (i, payee) in chunk.iter().enumerate() {
                        let at = c * PAYEES_PER_TASK + i;
                        let theirs = theirs.get(at).copied().flatten();
                        let (p, everyone) = (first + at, Elsewhere { everyone, theirs });
                        let of = PayeeFold::new(folded, payee);
                        of.gather(plan, computed);
                        let out = Out { done: &mut done, pool: &mut pool };
                        if let Some(e) = payee_statements(plan, &of, p, computed, shown, everyone, out, &mut NoTrace) {
                            return Made { done, failed: Some(e), pool };
                        }
                    }
                    Made { done, failed: None, pool }
                })
                .collect()
        })
    }
}

/// The statements of `payees` (the first is payee `first`) under two plans of one fold over
/// the same months, each payee's months under `mine` then under `theirs` (which takes what
/// `reuse` names from the first's), the payee's buckets found once for both; a few payees a
/// task on all cores, each task's in its lists. `theirs` stops at its first error.
fn compute_pair(
    mine: View<'_>,
    theirs: View<'_>,
    reuse: &Reuse,
    first: usize,
    payees: &[Payee],
    my_lists: Vec<TaskLists>,
    their_lists: Vec<TaskLists>,
) -> Vec<(Made, Made)> {
    use rayon::prelude::*;
    let View { plan, folded, computed, shown, .. } = mine;
    let (their_plan, their_shown) = (theirs.plan, theirs.shown);
    let lists: Vec<(TaskLists, TaskLists)> = my_lists.into_iter().zip(their_lists).collect();
    super::chunked::on_all_cores(|| {
        payees
            .par_chunks(PAYEES_PER_TASK)
            .zip(lists)
            .enumerate()
            .map(|(c, (chunk, (my_lists, their_lists)))| {
                let (
                    TaskLists { done: mut mine, pool: mut my_pool },
                    TaskLists { done: mut theirs, pool: mut their_pool },
                ) = (my_lists, their_lists);
                let room = chunk.len() * computed.len().min(shown.months.len());
                mine.reserve(room);
                theirs.reserve(room);
                let mut their_error = None;
                for (i, payee) in chunk.iter().enumerate() {
                    let p = first + c * PAYEES_PER_TASK + i;
                    let of = PayeeFold::new(folded, payee);
                    of.gather(plan, computed);
                    let from = mine.len();
                    let alone = Elsewhere { everyone: None, theirs: None };
                    let out = Out { done: &mut mine, pool: &mut my_pool };
                    if let Some(e) = payee_statements(plan, &of, p, computed, shown, alone, out, &mut NoTrace) {
                        let their_made = Made { done: theirs, failed: their_error, pool: their_pool };
                        return (Made { done: mine, failed: Some(e), pool: my_pool }, their_made);
                    }
                    if their_error.is_none() {
                        let statements = mine.get(from..).unwrap_or_default();
                        let taking = Elsewhere { everyone: None, theirs: Some(Theirs { reuse, statements }) };
                        let out = Out { done: &mut theirs, pool: &mut their_pool };
                        their_error =
                            payee_statements(their_plan, &of, p, computed, their_shown, taking, out, &mut NoTrace);
                    }
                }
                let their_made = Made { done: theirs, failed: their_error, pool: their_pool };
                (Made { done: mine, failed: None, pool: my_pool }, their_made)
            })
            .collect()
    })
}

/// A batch begun ([`Batches::begin`]): its payees' places, its tasks' lists and its list.
struct Begun {
    from: usize,
    to: usize,
    lists: Vec<TaskLists>,
    batch: Vec<Statement>,
}

/// A batch's tasks' statements in order in `batch`, added to `totals`, up to the first error
/// (`failed` then set); the tasks' lists kept in `spare`.
fn gather(
    plan: &Plan,
    totals: &mut Totals,
    failed: &mut bool,
    spare: &mut Spare,
    per_task: Vec<Made>,
    mut batch: Vec<Statement>,
) -> Result<Vec<Statement>, Error> {
    batch.reserve(per_task.iter().map(|made| made.done.len()).sum());
    let mut first_error = None;
    for Made { mut done, failed: error, pool } in per_task {
        if first_error.is_none() {
            let added = totals.add(plan, &done);
            batch.append(&mut done);
            first_error = added.err().or(error);
        }
        spare.keep(done, pool);
    }
    match first_error {
        Some(e) => {
            *failed = true;
            Err(e)
        }
        None => Ok(batch),
    }
}

/// Another plan's statements of a payee, and which of its figures this plan takes from them.
#[derive(Clone, Copy)]
struct Theirs<'a> {
    reuse: &'a Reuse,
    statements: &'a [Statement],
}

impl<'a> Batches<'a> {
    pub fn new(plan: &'a Plan, folded: &'a Folded, months: &[Period]) -> Result<Batches<'a>, Error> {
        let computed = computed_months(plan, months);
        let everyone = match plan.reads_reports() {
            true => Some(all_histories(plan, folded, &computed, &mut NoTrace)?),
            false => None,
        };
        Ok(Batches {
            plan,
            folded,
            months: months.to_vec(),
            shown: Shown::of(plan, months),
            computed,
            everyone,
            next: 0,
            per_batch: (super::chunked::batch_statements().unwrap_or(BATCH_STATEMENTS) / months.len().max(1)).max(1),
            totals: Totals::new(plan),
            failed: false,
            reuse: None,
            spare: Spare::default(),
        })
    }

    /// Takes the components and metrics `reuse` names from another plan's statements, given
    /// batch by batch to [`Batches::next_batch_with`] (`eval::reuse`).
    pub fn reusing(mut self, reuse: Reuse) -> Batches<'a> {
        self.reuse = Some(reuse);
        self
    }

    /// Statements with no metrics (none computed): for a run that is only added up, such as
    /// `budget`'s run on sales 1% larger.
    pub fn amounts_only(mut self) -> Batches<'a> {
        self.shown.metrics = false;
        self
    }

    /// Shows `see` every batch, then drops it (freed while the next is computed): the run's
    /// totals, and what `see` kept of them, or the first error.
    pub fn each_batch(&mut self, mut see: impl FnMut(&[Statement])) -> Result<(), Error> {
        self.each(|batch| {
            see(batch);
            Ok::<(), std::convert::Infallible>(())
        })
        .map_err(|halt| match halt {
            Halt::Statement(e) => e,
            Halt::Write(never) => match never {},
        })
    }

    /// The next batch's statements, in payee then month order; `None` once every payee's are
    /// given, or after an error.
    pub fn next_batch(&mut self) -> Option<Result<Vec<Statement>, Error>> {
        self.next_batch_with(None)
    }

    /// [`Batches::next_batch`], taking what [`Batches::reusing`] names from `theirs`: another
    /// plan's statements of the same payees (its batch of the same size, in payee then month
    /// order). A payee or month not found there is computed.
    pub fn next_batch_with(&mut self, theirs: Option<&[Statement]>) -> Option<Result<Vec<Statement>, Error>> {
        let Begun { from, to, lists, batch } = self.begin()?;
        let payees = self.folded.payees.get(from..to).unwrap_or_default();
        // Each payee's statements of the other plan, by the payee's place in the batch.
        let theirs: Vec<Option<Theirs<'_>>> = match (&self.reuse, theirs) {
            (Some(reuse), Some(statements)) => {
                let mut out = Vec::with_capacity(payees.len());
                let mut rest = statements;
                for payee in payees {
                    let n = rest.iter().take_while(|s| s.payee == payee.id).count();
                    let (mine, after) = rest.split_at(n);
                    out.push(Some(Theirs { reuse, statements: mine }));
                    rest = after;
                }
                out
            }
            _ => Vec::new(),
        };
        let made = self.view().compute(from, payees, lists, &theirs);
        Some(self.gathered(made, batch))
    }

    /// What computing a batch reads.
    fn view(&self) -> View<'_> {
        view_of!(self)
    }

    /// The next batch's payees and lists; `None` once every payee's are given, or after an
    /// error.
    fn begin(&mut self) -> Option<Begun> {
        let to = (self.next + self.per_batch).min(self.folded.payees.len());
        if self.failed || to <= self.next {
            return None;
        }
        let (lists, batch) = self.spare.for_batch((to - self.next).div_ceil(PAYEES_PER_TASK));
        let begun = Begun { from: self.next, to, lists, batch };
        self.next = to;
        Some(begun)
    }

    /// A batch's tasks' statements in order in `batch`, added up, up to the first error.
    fn gathered(&mut self, per_task: Vec<Made>, batch: Vec<Statement>) -> Result<Vec<Statement>, Error> {
        gather(self.plan, &mut self.totals, &mut self.failed, &mut self.spare, per_task, batch)
    }

    /// The next batch of this plan and of `other` (which takes what [`Batches::reusing`]
    /// names from this one's statements), each payee's months under both computed one after
    /// the other, the payee's buckets found once for both: for two plans of one fold
    /// (`reuse::same_fold`) over the same months. Else this plan's batch, then `other`'s
    /// taking from it. `other`'s is `None` once it has failed or has no payee left.
    #[allow(clippy::type_complexity)]
    pub fn next_pair(
        &mut self,
        other: &mut Batches<'a>,
    ) -> Option<(Result<Vec<Statement>, Error>, Option<Result<Vec<Statement>, Error>>)> {
        let (Some((mine, theirs)), Some(reuse)) = (self.begin_pair(other), other.reuse.clone()) else {
            let batch = self.next_batch()?;
            let theirs = match &batch {
                Ok(batch) => other.next_batch_with(Some(batch)),
                Err(_) => None,
            };
            return Some((batch, theirs));
        };
        let reuse = &reuse;
        let payees = self.folded.payees.get(mine.from..mine.to).unwrap_or_default();
        let made = compute_pair(self.view(), other.view(), reuse, mine.from, payees, mine.lists, theirs.lists);
        let (made, their_made): (Vec<Made>, Vec<Made>) = made.into_iter().unzip();
        Some((self.gathered(made, mine.batch), Some(other.gathered(their_made, theirs.batch))))
    }

    /// The next batch of this plan and of `other`, begun together ([`Batches::next_pair`]):
    /// `None` when they cannot be computed together or no payee is left.
    fn begin_pair(&mut self, other: &mut Batches<'a>) -> Option<(Begun, Begun)> {
        let together = std::ptr::eq(self.folded, other.folded)
            && self.next == other.next
            && self.per_batch == other.per_batch
            && self.computed == other.computed
            && self.months == other.months
            && self.everyone.is_none()
            && other.everyone.is_none()
            && other.reuse.is_some()
            && !other.failed;
        if !together {
            return None;
        }
        let mine = self.begin()?;
        let theirs = other.begin()?;
        Some((mine, theirs))
    }

    /// [`Batches::next_pair`], batch after batch, in a pipeline: while the pool computes the
    /// next batches, this thread adds up this plan's and `other`'s and shows them to `see`,
    /// which may take their statements (the lists are then kept for batches to come).
    /// `other`'s is `None` once it has failed. This plan's first error, else `other`'s.
    pub fn each_pair(
        &mut self,
        other: &mut Batches<'a>,
        mut see: impl FnMut(&mut Vec<Statement>, Option<&mut Vec<Statement>>),
    ) -> Result<(), Error> {
        let mut their_error = None;
        let mut current = self.begin_pair(other).map(|(mine, theirs)| {
            let payees = self.folded.payees.get(mine.from..mine.to).unwrap_or_default();
            let reuse = other.reuse.as_ref();
            let made = reuse.map(|reuse| {
                compute_pair(self.view(), other.view(), reuse, mine.from, payees, mine.lists, theirs.lists)
            });
            ((mine.batch, theirs.batch), made.unwrap_or_default())
        });
        while let Some(((my_batch, their_batch), made)) = current.take() {
            let next = self.begin_pair(other);
            let (view, their_view, reuse) = (view_of!(self), view_of!(other), other.reuse.as_ref());
            let (plan, totals, failed, spare) = (self.plan, &mut self.totals, &mut self.failed, &mut self.spare);
            let (their_plan, their_totals, their_failed, their_spare) =
                (other.plan, &mut other.totals, &mut other.failed, &mut other.spare);
            let (mine, next) = std::thread::scope(|scope| {
                let computing = next.zip(reuse).map(|((mine, theirs), reuse)| {
                    let payees = view.folded.payees.get(mine.from..mine.to).unwrap_or_default();
                    let (from, lists, their_lists) = (mine.from, mine.lists, theirs.lists);
                    let batches = (mine.batch, theirs.batch);
                    (
                        batches,
                        scope.spawn(move || compute_pair(view, their_view, reuse, from, payees, lists, their_lists)),
                    )
                });
                let (made, their_made): (Vec<Made>, Vec<Made>) = made.into_iter().unzip();
                let mine = gather(plan, totals, failed, spare, made, my_batch);
                if let Ok(mut mine) = mine {
                    // Once `other` has failed, its batches begun with this plan's are dropped.
                    let theirs = match *their_failed {
                        true => None,
                        false => {
                            match gather(their_plan, their_totals, their_failed, their_spare, their_made, their_batch) {
                                Ok(theirs) => Some(theirs),
                                Err(e) => {
                                    their_error = their_error.take().or(Some(e));
                                    None
                                }
                            }
                        }
                    };
                    let mut theirs = theirs;
                    see(&mut mine, theirs.as_mut());
                    spare.give_back(mine);
                    if let Some(theirs) = theirs {
                        their_spare.give_back(theirs);
                    }
                    return (Ok(()), computing.map(|(batches, computed)| (batches, computed.join())));
                }
                (mine.map(|_| ()), computing.map(|(batches, computed)| (batches, computed.join())))
            });
            mine?;
            current = match next {
                Some((batches, Ok(made))) => Some((batches, made)),
                Some((_, Err(panic))) => std::panic::resume_unwind(panic),
                None => None,
            };
        }
        // Batches not computed together (once `other` has failed): this plan's alone.
        while let Some((mine, theirs)) = self.next_pair(other) {
            let mut mine = mine?;
            let mut theirs = match theirs {
                Some(Ok(theirs)) => Some(theirs),
                Some(Err(e)) => {
                    their_error = their_error.take().or(Some(e));
                    None
                }
                None => None,
            };
            see(&mut mine, theirs.as_mut());
            self.recycle(mine);
            if let Some(theirs) = theirs {
                other.recycle(theirs);
            }
        }
        their_error.map_or(Ok(()), Err)
    }

    /// Hands each batch to `write`, in order: while the pool computes the next batch, this
    /// thread adds up this one (the totals, in payee order) and writes it, then keeps it for
    /// a batch to come. Stops at the first batch that fails ([`Halt::Statement`]; the batch
    /// after it, begun, is dropped) or the first `write` that does ([`Halt::Write`]).
    pub fn each<E>(&mut self, mut write: impl FnMut(&[Statement]) -> Result<(), E>) -> Result<(), Halt<E>> {
        let mut current = self.begin().map(|Begun { from, to, lists, batch }| {
            let payees = self.folded.payees.get(from..to).unwrap_or_default();
            (batch, self.view().compute(from, payees, lists, &[]))
        });
        while let Some((batch, made)) = current.take() {
            let next = self.begin();
            let view = view_of!(self);
            let (plan, totals, failed, spare) = (self.plan, &mut self.totals, &mut self.failed, &mut self.spare);
            let (written, next) = std::thread::scope(|scope| {
                let computing = next.map(|Begun { from, to, lists, batch }| {
                    let payees = view.folded.payees.get(from..to).unwrap_or_default();
                    (batch, scope.spawn(move || view.compute(from, payees, lists, &[])))
                });
                let written = match gather(plan, totals, failed, spare, made, batch) {
                    Ok(batch) => {
                        let written = write(&batch).map_err(Halt::Write);
                        spare.give_back(batch);
                        written
                    }
                    Err(e) => Err(Halt::Statement(e)),
                };
                (written, computing.map(|(batch, computed)| (batch, computed.join())))
            });
            written?;
            current = match next {
                Some((batch, Ok(made))) => Some((batch, made)),
                Some((_, Err(panic))) => std::panic::resume_unwind(panic),
                None => None,
            };
        }
        Ok(())
    }

    /// Takes back a batch given out, once read: its list, and its statements' lists, are
    /// filled again by a batch to come (one kept; two while `each` writes one and computes
    /// the next).
    pub fn recycle(&mut self, batch: Vec<Statement>) {
        self.spare.give_back(batch);
    }

    /// Every component's total so far, and the grand total.
    pub fn totals(&self) -> (&[Decimal], Decimal) {
        (&self.totals.component_totals, self.totals.total)
    }

    /// The run's result holding `statements` (the batches' statements, collected).
    pub fn result(&self, statements: Vec<Statement>) -> RunResult {
        RunResult {
            months: self.months.clone(),
            statements,
            component_totals: self.totals.component_totals.clone(),
            total: self.totals.total,
            counts: self.folded.counts.clone(),
            warnings: Vec::new(),
        }
    }
}

pub(super) fn statements_traced<T: Tracer>(
    plan: &Plan,
    folded: &Folded,
    months: &[Period],
    tracer: &mut T,
) -> Result<RunResult, Error> {
    let computed = computed_months(plan, months);
    let shown = Shown::of(plan, months);
    // A plan that reads direct reports' statements computes every payee's month after their
    // reports' (all payees' months first); any other, one payee at a time.
    let everyone = if plan.reads_reports() { Some(all_histories(plan, folded, &computed, tracer)?) } else { None };
    let mut totals = Totals::new(plan);
    let mut statements = Vec::with_capacity(folded.payees.len() * months.len());
    for (p, payee) in folded.payees.iter().enumerate() {
        let from = statements.len();
        let others = Elsewhere { everyone: everyone.as_ref(), theirs: None };
        let of = PayeeFold::new(folded, payee);
        of.gather(plan, &computed);
        let out = Out { done: &mut statements, pool: &mut Vec::new() };
        let failed = payee_statements(plan, &of, p, &computed, &shown, others, out, tracer);
        totals.add(plan, statements.get(from..).unwrap_or_default())?;
        if let Some(e) = failed {
            return Err(e);
        }
    }
    Ok(RunResult {
        months: months.to_vec(),
        statements,
        component_totals: totals.component_totals,
        total: totals.total,
        counts: folded.counts.clone(),
        warnings: Vec::new(),
    })
}

/// The months a run shows, and whether its statements read earlier months' back.
struct Shown {
    months: rustc_hash::FxHashSet<Period>,
    history: bool,
    /// Whether the statements carry the plan's metrics (not for a run only added up).
    metrics: bool,
}

impl Shown {
    fn of(plan: &Plan, months: &[Period]) -> Shown {
        Shown { months: months.iter().copied().collect(), history: plan.reads_history(), metrics: true }
    }
}

/// Where [`payee_statements`] adds statements, and statements given back whose lists it fills
/// again (any, in any order: each list is emptied first).
struct Out<'a> {
    done: &'a mut Vec<Statement>,
    pool: &'a mut Vec<Statement>,
}

/// What a payee's statements take from elsewhere: every payee's months, computed before (a
/// plan reading direct reports' statements), or another plan's statements of the payee.
#[derive(Clone, Copy)]
struct Elsewhere<'a> {
    everyone: Option<&'a Vec<Vec<MonthAmounts>>>,
    theirs: Option<Theirs<'a>>,
}

/// Payee `p`'s months, in order, added to `out.done` up to the first error, which is
/// returned.
#[allow(clippy::too_many_arguments)]
fn payee_statements<T: Tracer>(
    plan: &Plan,
    of: &PayeeFold<'_>,
    p: usize,
    computed: &[Period],
    shown: &Shown,
    others: Elsewhere<'_>,
    out: Out<'_>,
    tracer: &mut T,
) -> Option<Error> {
    let payee = of.payee;
    let mut history: Vec<MonthAmounts> = Vec::with_capacity(if shown.history { computed.len() } else { 0 });
    for (m, month) in computed.iter().enumerate() {
        // The other plan's statement of the month, whose figures `reuse` names.
        let theirs = others.theirs.and_then(|t| {
            let statement = t.statements.iter().find(|s| s.period == *month)?;
            Some(Reused { reuse: t.reuse, statement })
        });
        let show = shown.months.contains(month);
        // A shown month's statement fills the lists of one given back, if any.
        let (mut amounts, mut metrics, mut attrs) = match out.pool.pop().filter(|_| show) {
            Some(given) => (given.amounts, given.metrics, given.attrs),
            None => (Vec::new(), Vec::new(), Vec::new()),
        };
        amounts.clear();
        let statement_total = match others.everyone.and_then(|h| h.get(p)?.get(m)) {
            Some(done) => {
                amounts.extend_from_slice(&done.amounts);
                done.total
            }
            None => match month_amounts_into(plan, of, *month, &history, &[], theirs, &mut amounts, tracer) {
                Ok(total) => total,
                Err(e) => return Some(e),
            },
        };
        // Earlier months are read back only by a plan that reads them.
        if shown.history {
            history.push(MonthAmounts { month: *month, amounts: amounts.clone(), total: statement_total });
        }
        if !show {
            continue;
        }
        metrics.clear();
        metrics.reserve(if shown.metrics { plan.metrics.len() } else { 0 });
        for (i, metric) in plan.metrics.iter().enumerate().filter(|_| shown.metrics) {
            if let Some(v) = theirs.and_then(|t| t.statement.metrics.get((*t.reuse.metrics.get(i)?)?)) {
                metrics.push(v.clone());
                continue;
            }
            match evaluate_metric(plan, of, *month, metric) {
                Ok(v) => metrics.push(v),
                Err(e) => return Some(e),
            }
        }
        attrs.clone_from(&payee.attrs);
        out.done.push(Statement {
            payee: payee.id.clone(),
            attrs,
            period: *month,
            amounts,
            total: statement_total,
            metrics,
            version: None,
        });
    }
    None
}

/// A run's totals, added up statement by statement as they come.
struct Totals {
    component_totals: Vec<Decimal>,
    total: Decimal,
}

impl Totals {
    fn new(plan: &Plan) -> Totals {
        Totals { component_totals: vec![Decimal::ZERO; plan.components.len()], total: Decimal::ZERO }
    }

    fn add(&mut self, plan: &Plan, statements: &[Statement]) -> Result<(), Error> {
        let overflow = |what: &'static str| {
            policy_error(plan, EvalError::new(EvalKind::TooLarge { what }, crate::source::Span::default()), "")
        };
        for statement in statements {
            for (c, amount) in statement.amounts.iter().enumerate() {
                if let Some(t) = self.component_totals.get_mut(c) {
                    *t = exact_sum(*t, *amount).ok_or_else(|| overflow("component total"))?;
                }
            }
            self.total = exact_sum(self.total, statement.total).ok_or_else(|| overflow("grand total"))?;
        }
        Ok(())
    }
}

/// One month of a payee's statements as computed: what later months read back.
#[derive(Debug, Clone)]
pub struct MonthAmounts {
    pub month: Period,
    pub amounts: Vec<Decimal>,
    pub total: Decimal,
}

/// The months a run computes to print `months`: with a plan that reads earlier statements,
/// from the January of the first month's year, so that a statement never depends on where
/// the printed range starts.
pub fn computed_months(plan: &Plan, months: &[Period]) -> Vec<Period> {
    match (months.first(), months.last()) {
        (Some(first), Some(last)) if plan.reads_history() => {
            Period::months_between(Period::month(first.year(), 1), *last)
        }
        _ => months.to_vec(),
    }
}

/// One statement: every component's rounded amount in the policy's order, and their sum.
/// `history`: the payee's earlier months, in order.
pub fn month_amounts<T: Tracer>(
    plan: &Plan,
    of: &PayeeFold<'_>,
    month: Period,
    history: &[MonthAmounts],
    reports: &[&[MonthAmounts]],
    tracer: &mut T,
) -> Result<(Vec<Decimal>, Decimal), Error> {
    let mut amounts = Vec::with_capacity(plan.components.len());
    let total = month_amounts_into(plan, of, month, history, reports, None, &mut amounts, tracer)?;
    Ok((amounts, total))
}

/// Another plan's statement of the payee and month, and which of its figures to take.
#[derive(Clone, Copy)]
struct Reused<'a> {
    reuse: &'a Reuse,
    statement: &'a Statement,
}

/// [`month_amounts`] into `amounts` (empty), each component `theirs` names taken from it:
/// the statement's total.
#[allow(clippy::too_many_arguments)]
fn month_amounts_into<T: Tracer>(
    plan: &Plan,
    of: &PayeeFold<'_>,
    month: Period,
    history: &[MonthAmounts],
    reports: &[&[MonthAmounts]],
    theirs: Option<Reused<'_>>,
    amounts: &mut Vec<Decimal>,
    tracer: &mut T,
) -> Result<Decimal, Error> {
    let overflow = |what: &'static str| {
        policy_error(plan, EvalError::new(EvalKind::TooLarge { what }, crate::source::Span::default()), "")
    };
    amounts.reserve(plan.components.len());
    let mut statement_total = Decimal::ZERO;
    for (c, component) in plan.components.iter().enumerate() {
        let amount = match theirs.and_then(|t| t.statement.amounts.get((*t.reuse.components.get(c)?)?)) {
            Some(amount) => *amount,
            None => {
                let past = Past { earlier: statement_total, current: amounts, history, reports, month };
                component_amount(plan, of, component, past, tracer)?
            }
        };
        statement_total = exact_sum(statement_total, amount).ok_or_else(|| overflow("statement total"))?;
        amounts.push(amount);
    }
    Ok(statement_total)
}

/// A figure of the ledgers (no `let`, no statement) for a payee in a period: what
/// `in_month_of` reads.
pub fn figure_in(plan: &Plan, of: &PayeeFold<'_>, period: Period, e: &crate::plan::Expr) -> Result<Val, EvalError> {
    let env = StatementEnv::new(plan, of, period);
    eval_exact_traced(plan, e, &env, &mut NoTrace)
}

/// The days a payee was employed in a period (from the later of the hire date and the
/// period's start to the earlier of the leaving date and its end, at least 0), and the days of
/// the period: what `employed` divides.
pub fn days_employed(plan: &Plan, payee: &Payee, period: Period) -> Option<(i64, i64)> {
    let roster = plan.roster()?;
    let date = |c: Option<usize>| match c.and_then(|c| payee.attrs.get(c)) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    };
    let (first, last) = (period.first_day()?, period.last_day()?);
    let from = date(roster.start).map_or(first, |d| d.max(first));
    let to = date(roster.end).map_or(last, |d| d.min(last));
    Some((((to - from).num_days() + 1).max(0), (last - first).num_days() + 1))
}

/// The month before a month.
fn previous_month(month: Period) -> Period {
    match month.first_month() {
        Period::Month { year, month: 1 } => Period::month(year - 1, 12),
        Period::Month { year, month } => Period::month(year, month - 1),
        other => other,
    }
}

/// Every payee's months, in `folded.payees` order, each payee's month computed after their
/// direct reports' (so that `this_month(total for reports)` reads finished statements).
pub fn all_histories<T: Tracer>(
    plan: &Plan,
    folded: &Folded,
    months: &[Period],
    tracer: &mut T,
) -> Result<Vec<Vec<MonthAmounts>>, Error> {
    let index: std::collections::HashMap<&str, usize> =
        folded.payees.iter().enumerate().map(|(i, p)| (&*p.id, i)).collect();
    let reports: Vec<Vec<usize>> = folded
        .payees
        .iter()
        .map(|p| {
            folded
                .reports
                .get(&p.id)
                .map_or_else(Vec::new, |r| r.iter().filter_map(|id| index.get(&**id).copied()).collect())
        })
        .collect();
    // Reports before managers: repeatedly take the payees whose reports are all placed (the
    // roster has no circle of managers, which reading it checks).
    let mut manager: Vec<Option<usize>> = vec![None; reports.len()];
    for (m, rs) in reports.iter().enumerate() {
        for r in rs {
            if let Some(slot) = manager.get_mut(*r) {
                *slot = Some(m);
            }
        }
    }
    let mut waiting: Vec<usize> = reports.iter().map(Vec::len).collect();
    let mut order: Vec<usize> = (0..reports.len()).filter(|p| waiting.get(*p) == Some(&0)).collect();
    let mut next = 0;
    while let Some(&p) = order.get(next) {
        next += 1;
        if let Some(m) = manager.get(p).copied().flatten() {
            if let Some(w) = waiting.get_mut(m) {
                *w -= 1;
                if *w == 0 {
                    order.push(m);
                }
            }
        }
    }
    let mut all: Vec<Vec<MonthAmounts>> = vec![Vec::new(); folded.payees.len()];
    for month in months {
        for &p in &order {
            let (Some(payee), Some(theirs)) = (folded.payees.get(p), reports.get(p)) else { continue };
            let done = {
                let of_reports: Vec<&[MonthAmounts]> =
                    theirs.iter().filter_map(|r| all.get(*r).map(Vec::as_slice)).collect();
                let own = all.get(p).map_or(&[][..], Vec::as_slice);
                month_amounts(plan, &PayeeFold::new(folded, payee), *month, own, &of_reports, tracer)?
            };
            if let Some(h) = all.get_mut(p) {
                h.push(MonthAmounts { month: *month, amounts: done.0, total: done.1 });
            }
        }
    }
    Ok(all)
}

/// What a statement of `month` reads back: the payee's statements from the start of the
/// month's year up to the month before it, and their direct reports' up to the month itself
/// (both empty for a plan that reads no earlier statement).
pub fn history_before(
    plan: &Plan,
    folded: &Folded,
    payee: &Payee,
    month: Period,
) -> Result<(Vec<MonthAmounts>, Vec<Vec<MonthAmounts>>), Error> {
    let mut history = Vec::new();
    if !plan.reads_history() && !plan.reads_reports() {
        return Ok((history, Vec::new()));
    }
    let months = Period::months_between(Period::month(month.year(), 1), month);
    if plan.reads_reports() {
        let all = all_histories(plan, folded, &months, &mut NoTrace)?;
        let at = folded.payees.iter().position(|p| p.id == payee.id);
        let mut own = at.and_then(|i| all.get(i)).cloned().unwrap_or_default();
        own.retain(|m| m.month < month);
        let theirs = folded
            .reports
            .get(&payee.id)
            .map(|r| {
                r.iter()
                    .filter_map(|id| folded.payees.iter().position(|p| p.id == *id))
                    .filter_map(|i| all.get(i).cloned())
                    .collect()
            })
            .unwrap_or_default();
        return Ok((own, theirs));
    }
    let of = PayeeFold::new(folded, payee);
    for m in months {
        if m == month {
            break;
        }
        let (amounts, total) = month_amounts(plan, &of, m, &history, &[], &mut NoTrace)?;
        history.push(MonthAmounts { month: m, amounts, total });
    }
    Ok((history, Vec::new()))
}

/// What a statement's component can read besides the ledgers: the components above it in
/// this statement, and the payee's earlier statements.
#[derive(Debug, Clone, Copy)]
pub struct Past<'a> {
    /// The sum of this statement's components before the one evaluated.
    pub earlier: Decimal,
    /// This statement's amounts so far, in the policy's order.
    pub current: &'a [Decimal],
    /// The payee's earlier months, in order.
    pub history: &'a [MonthAmounts],
    /// The payee's direct reports' months, this one included (they are computed first).
    pub reports: &'a [&'a [MonthAmounts]],
    /// The statement's month.
    pub month: Period,
}

impl<'a> Past<'a> {
    /// Nothing before: a statement on its own (the budget's marginal runs).
    pub fn none(earlier: Decimal, month: Period) -> Past<'static> {
        Past { earlier, current: &[], history: &[], reports: &[], month }
    }
}

pub fn policy_error(plan: &Plan, error: EvalError, context: &str) -> Error {
    Error::Policy(PolicyProblems { source: plan.source.clone(), problems: vec![error.into_problem(context)] })
}

/// The rounded amount a component pays a payee in a month (zero when it is not due).
fn component_amount<T: Tracer>(
    plan: &Plan,
    of: &PayeeFold<'_>,
    component: &Component,
    past: Past<'_>,
    tracer: &mut T,
) -> Result<Decimal, Error> {
    let Some(period) = due_period(past.month, component) else {
        return Ok(Decimal::ZERO);
    };
    evaluate_component(plan, of, period, component, past, tracer).map(|o| o.amount).map_err(|e| {
        match *e.kind {
            // A missing row is the data's problem, not the policy's.
            EvalKind::NoRowFor { ref input, .. } => Error::Data(crate::diagnostics::DataError::of(
                format!("{input} (--data {input}=...)"),
                (*e.kind).clone(),
            )),
            _ => policy_error(plan, e, &format!("payee `{}`, {period}", of.payee.id)),
        }
    })
}

/// A metric's value for the period of its cadence that contains `month`.
pub fn evaluate_metric(plan: &Plan, of: &PayeeFold<'_>, month: Period, metric: &Metric) -> Result<Value, Error> {
    let period = month.coarsen(metric.cadence.into()).unwrap_or(month);
    let env = StatementEnv::new(plan, of, period);
    eval_exact_traced(plan, &metric.value, &env, &mut NoTrace)
        .map(|v| v.shown())
        .map_err(|e| policy_error(plan, e, &format!("payee `{}`, {period}", of.payee.id)))
}

/// The period a component pays for in `month`, if `month` is that period's last month.
pub fn due_period(month: Period, component: &Component) -> Option<Period> {
    month.coarsen(component.cadence.into()).filter(|p| p.last_month() == month)
}

/// How a component's amount came about, step by step. `paid` and `limited` are shown: exact
/// unless a fraction, which is cut short for display (the amount is rounded from the exact
/// value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payout {
    /// The gate that did not hold, if one stopped the component.
    pub failed_gate: Option<usize>,
    /// What `pay` gave, before cap and floor.
    pub paid: Option<Decimal>,
    /// After cap and floor, before rounding.
    pub limited: Option<Decimal>,
    /// Whether `paid` and `limited` are the exact figures (false: a fraction, cut short).
    pub exact: bool,
    /// The rounded amount on the statement.
    pub amount: Decimal,
}

/// Lets in order, then gates, then pay, cap, floor and rounding. The tracer sees every value.
/// `earlier`: the sum of the statement's components before this one (only the statement
/// limits' component reads it).
pub fn evaluate_component<T: Tracer>(
    plan: &Plan,
    of: &PayeeFold<'_>,
    period: Period,
    component: &Component,
    past: Past<'_>,
    tracer: &mut T,
) -> Result<Payout, EvalError> {
    let mut env = StatementEnv {
        plan,
        of,
        period,
        lets: Vec::with_capacity(component.lets.len()),
        let_exprs: &component.lets,
        past,
        window: None,
    };
    for l in &component.lets {
        let v = eval_exact_traced(plan, &l.value, &env, tracer)?;
        env.lets.push(v);
    }
    for (i, gate) in component.gates.iter().enumerate() {
        // A gate that cannot be decided (no survey row) is not met.
        let holds = eval_exact_traced(plan, gate, &env, tracer)? == Val::Other(Value::Bool(true));
        tracer.gate(gate, holds);
        if !holds {
            return Ok(Payout { failed_gate: Some(i), paid: None, limited: None, exact: true, amount: Decimal::ZERO });
        }
    }
    let paid = money(plan, &component.pay, &env, "pays", tracer)?;
    let mut amount = paid.clone();
    if let Some(cap) = &component.cap {
        amount = amount.min(money(plan, cap, &env, "caps", tracer)?);
    }
    if let Some(floor) = &component.floor {
        amount = amount.max(money(plan, floor, &env, "floors", tracer)?);
    }
    // The one rounding of the component's arithmetic, from the exact value.
    let too_large = || EvalError::new(EvalKind::TooLargeToRound, component.pay.span);
    let rounded = component.rounding.apply_exact(&amount).ok_or_else(too_large)?;
    Ok(Payout {
        failed_gate: None,
        exact: paid.decimal().is_some() && amount.decimal().is_some(),
        paid: Some(paid.shown().ok_or_else(too_large)?),
        limited: Some(amount.shown().ok_or_else(too_large)?),
        amount: rounded,
    })
}

/// What a component pays before rounding (after cap and floor; 0 when a gate does not hold).
/// The budget's marginal cost differentiates this, since rounding to the fen would swamp a
/// small change. `earlier`: as for [`evaluate_component`].
pub fn unrounded_component(
    plan: &Plan,
    of: &PayeeFold<'_>,
    period: Period,
    component: &Component,
    earlier: Decimal,
) -> Result<Decimal, EvalError> {
    let past = Past::none(earlier, period.last_month());
    evaluate_component(plan, of, period, component, past, &mut NoTrace).map(|o| o.limited.unwrap_or(Decimal::ZERO))
}

fn money<T: Tracer>(
    plan: &Plan,
    e: &crate::plan::Expr,
    env: &StatementEnv<'_, '_>,
    what: &'static str,
    tracer: &mut T,
) -> Result<Exact, EvalError> {
    match eval_exact_traced(plan, e, env, tracer)? {
        Val::Num(n) => Ok(n),
        _ => {
            // A value read from a row that is not there: say which row is missing.
            let mut missing = None;
            let mut exprs = vec![e];
            while let Some(x) = exprs.pop() {
                crate::plan::visit::visit(x, &mut |y| match &y.node {
                    crate::plan::Node::Lookup(i) if missing.is_none() && env.lookup(*i) == Value::Missing => {
                        missing = Some(*i);
                    }
                    // A `let` with no value: look into what it was computed from.
                    crate::plan::Node::Let(i) if env.let_value(*i).is_missing() => {
                        exprs.extend(env.let_exprs.get(*i).map(|l| &l.value));
                    }
                    _ => {}
                });
            }
            if let Some(lookup) = missing.and_then(|i| plan.lookups.get(i)) {
                let schema = plan.inputs.get(lookup.input);
                let kind = EvalKind::NoRowFor {
                    input: schema.map_or(String::new(), |s| s.name.clone()),
                    column: schema.and_then(|s| s.columns.get(lookup.column)).map_or(String::new(), |c| c.name.clone()),
                    payee: env.of.payee.id.to_string(),
                    period: env.period.to_string(),
                };
                return Err(EvalError::new(kind, e.span));
            }
            Err(EvalError::new(EvalKind::NoValue { expr: excerpt(plan, e), what }, e.span))
        }
    }
}

/// What a statement's expressions read: the payee's aggregates and lookups for a period, the
/// statement's components so far and the payee's earlier statements.
struct StatementEnv<'a, 'f> {
    plan: &'a Plan,
    /// The payee and their part of the folded ledgers.
    of: &'a PayeeFold<'f>,
    period: Period,
    lets: Vec<Val>,
    /// The component's `let`s, to say where a missing value came from.
    let_exprs: &'a [crate::plan::Let],
    past: Past<'a>,
    /// Aggregates over these months instead of the period's (`quarter_to_date(sum(...))`).
    window: Option<(Period, Period)>,
}

impl<'a, 'f> StatementEnv<'a, 'f> {
    /// An environment with no `let`s evaluated: enough to read aggregates and lookups.
    fn new(plan: &'a Plan, of: &'a PayeeFold<'f>, period: Period) -> Self {
        let past = Past::none(Decimal::ZERO, period.last_month());
        StatementEnv { plan, of, period, lets: Vec::new(), let_exprs: &[], past, window: None }
    }

    /// The buckets of an input's granularity an aggregate reads.
    fn buckets(&self, gran: Granularity) -> crate::period::Periods {
        match self.window {
            Some((first, last)) => {
                let mut out = crate::period::Periods::new();
                for m in Period::months_between(first, last) {
                    if let Some(b) = m.coarsen(gran) {
                        if out.last() != Some(&b) {
                            out.push(b);
                        }
                    }
                }
                out
            }
            None => self.period.split(gran),
        }
    }

    /// The payees whose rows an aggregate reads: the payee, or their direct reports.
    fn whose(&self, reports: bool) -> &[Arc<str>] {
        if reports {
            self.of.folded.reports.get(&self.of.payee.id).map_or(&[], Vec::as_slice)
        } else {
            std::slice::from_ref(&self.of.payee.id)
        }
    }
}

impl Env for StatementEnv<'_, '_> {
    fn column(&self, _: usize) -> Value {
        Value::Missing
    }
    fn let_value(&self, index: usize) -> Val {
        self.lets.get(index).cloned().unwrap_or(Val::MISSING)
    }
    fn aggregate(&self, index: usize) -> Result<Val, EvalError> {
        let Some(agg) = self.plan.aggregates.get(index) else {
            return Ok(Val::MISSING);
        };
        let overflow = || EvalError::new(EvalKind::TooLarge { what: "total" }, agg.span);
        let gran = self.plan.inputs.get(agg.input).and_then(|i| i.bucket()).unwrap_or(Granularity::Month);
        // A period of one bucket (a monthly component over a monthly input) reads the folded
        // state as it is: no copy of a distinct set per statement.
        let as_folded = |only: Period| match self.of.state(index, &self.of.payee.id, only) {
            Some(AggState::Sum(sum)) => Ok(Val::Num(Exact::Dec(*sum))),
            Some(state) => state.finish().map(Val::from_value).ok_or_else(overflow),
            None => Ok(Val::from_value(AggState::empty_value(agg.func))),
        };
        let plain = !matches!(agg.func, AggFunc::Avg) && !agg.reports;
        if plain && self.window.is_none() && self.period.granularity() == gran {
            return as_folded(self.period);
        }
        let buckets = self.buckets(gran);
        if let ([only], true) = (buckets.as_slice(), plain) {
            return as_folded(*only);
        }
        let mut state = AggState::new(agg.func);
        for who in self.whose(agg.reports) {
            for bucket in &buckets {
                if let Some(s) = self.of.state(index, who, *bucket) {
                    state.merge(s).ok_or_else(overflow)?;
                }
            }
        }
        // An average is the exact quotient of the sum and the count (a fraction when it is one).
        if let AggState::Avg(avg) = state {
            let (sum, n) = *avg;
            if n == 0 {
                return Ok(Val::MISSING);
            }
            let too_precise = |_| {
                EvalError::new(EvalKind::TooPrecise { expr: "avg".into(), bits: crate::value::EXACT_BITS }, agg.span)
            };
            return Exact::Dec(sum).checked_div(&Exact::Dec(Decimal::from(n))).map(Val::Num).map_err(too_precise);
        }
        state.finish().map(Val::from_value).ok_or_else(overflow)
    }
    fn lookup(&self, index: usize) -> Value {
        let Some(lookup) = self.plan.lookups.get(index) else {
            return Value::Missing;
        };
        let gran = self.plan.inputs.get(lookup.input).and_then(|i| i.bucket()).unwrap_or(Granularity::Month);
        let Some(bucket) = self.period.coarsen(gran) else {
            return Value::Missing;
        };
        self.of
            .row(lookup.input, bucket)
            .and_then(|row| row.values.get(lookup.column))
            .cloned()
            .unwrap_or(Value::Missing)
    }
    fn payee_id(&self) -> Value {
        Value::Text(self.of.payee.id.clone())
    }
    fn statement_so_far(&self) -> Val {
        Val::Num(Exact::Dec(self.past.earlier))
    }
    fn period(&self) -> Option<Period> {
        Some(self.period)
    }
    fn employed(&self) -> Result<Val, EvalError> {
        let Some((employed, days)) = days_employed(self.plan, self.of.payee, self.period) else {
            return Ok(Val::MISSING);
        };
        let share = Exact::Dec(Decimal::from(employed)).checked_div(&Exact::Dec(Decimal::from(days)));
        Ok(share.map(Val::Num).unwrap_or(Val::MISSING))
    }
    fn component_amount(&self, component: usize) -> Val {
        self.past.current.get(component).map_or(Val::MISSING, |a| Val::Num(Exact::Dec(*a)))
    }
    fn history(&self, of: Earlier, window: Window, current: bool, reports: bool) -> Result<Val, EvalError> {
        let Some(start) = self.past.month.coarsen(window.granularity()).map(Period::first_month) else {
            return Ok(Val::MISSING);
        };
        let pick = |amounts: &[Decimal], total: Decimal| match of {
            Earlier::Total => total,
            Earlier::Component(c) => amounts.get(c).copied().unwrap_or_default(),
        };
        let mut sum = Decimal::ZERO;
        let too_large = || EvalError::new(EvalKind::TooLarge { what: "total" }, crate::source::Span::default());
        if reports {
            let month = self.past.month;
            for theirs in self.past.reports {
                for m in
                    theirs.iter().filter(|m| m.month >= start && (m.month < month || (current && m.month == month)))
                {
                    sum = exact_sum(sum, pick(&m.amounts, m.total)).ok_or_else(too_large)?;
                }
            }
            return Ok(Val::Num(Exact::Dec(sum)));
        }
        for m in self.past.history.iter().filter(|m| m.month >= start && m.month < self.past.month) {
            sum = exact_sum(sum, pick(&m.amounts, m.total))
                .ok_or(EvalError::new(EvalKind::TooLarge { what: "total" }, crate::source::Span::default()))?;
        }
        if current {
            if let Earlier::Component(c) = of {
                let here = self.past.current.get(c).copied().unwrap_or_default();
                sum = exact_sum(sum, here)
                    .ok_or(EvalError::new(EvalKind::TooLarge { what: "total" }, crate::source::Span::default()))?;
            }
        }
        Ok(Val::Num(Exact::Dec(sum)))
    }
    fn windowed(&self, window: Window, current: bool) -> Option<Box<dyn Env + '_>> {
        let start = self.past.month.coarsen(window.granularity())?.first_month();
        let last = if current { self.past.month } else { previous_month(self.past.month) };
        // Earlier months of a window that starts this month: none (an empty window).
        let window_months = if last < start { (start, previous_month(start)) } else { (start, last) };
        Some(Box::new(StatementEnv {
            plan: self.plan,
            of: self.of,
            period: self.period,
            lets: Vec::new(),
            let_exprs: &[],
            past: self.past,
            window: Some(window_months),
        }))
    }
    fn payee_attr(&self, index: usize) -> Value {
        match self.plan.payee {
            PayeeSource::Roster { .. } => self.of.payee.attrs.get(index).cloned().unwrap_or(Value::Missing),
            PayeeSource::Ledger { .. } => Value::Missing,
        }
    }
}
