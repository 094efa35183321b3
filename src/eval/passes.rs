//! Which ledger rows to read, and reading them once: the buckets (months, quarters, years) a
//! range of statements needs, and several plans over the same ledgers in one fold (one pass
//! per ledger where the plans' schemas agree), then each plan's statements over one common
//! range of months.

use std::sync::Arc;

use rustc_hash::FxHashSet as HashSet;

use rust_decimal::Decimal;

use crate::data::InputFile;
use crate::diagnostics::tools::ToolKind;
use crate::diagnostics::Error;
use crate::eval::aggregate::{fold_shared, FoldRequest, Folded, LedgerRead, Needed, Scale, TallySpec, Trust};
use crate::eval::compute::{statements, Batches, RunResult, Statement};
use crate::eval::expr::NoTrace;
use crate::eval::reuse::Reuse;
use crate::eval::run::months_of;
use crate::period::{Granularity, Period};
use crate::plan::Plan;

/// One plan to evaluate: its files and, optionally, a column to scale.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    pub plan: &'a Plan,
    pub files: &'a [InputFile],
    pub scale: Option<Scale>,
    /// A money column to tally besides the plan's aggregates (the budget's sales).
    pub tally: Option<TallySpec>,
    pub keep: Keep,
}

/// What a job keeps of its statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Every statement, as `run` computes it.
    Statements,
    /// Each payee's total: the statements (as `run` computes them) computed a batch at a time
    /// and dropped (`diff`, but for its workbook and `--explain`).
    PayeeTotals,
    /// The totals: the statements (their amounts, no metrics) computed a batch at a time and
    /// dropped (`budget`'s run on sales 1% larger).
    Totals,
    /// No statement: the fold alone (`budget`'s runs for the slope, which read it).
    Fold,
}

/// A plan's statements and the fold they were computed from (for explanations).
#[derive(Debug)]
pub struct Evaluated {
    /// `None` for a job that keeps the fold alone; no statements for one that keeps the
    /// totals.
    pub result: Option<RunResult>,
    /// Each payee's total over the months, in payee order: for a job that keeps its
    /// statements or the payees' totals, else none.
    pub payee_totals: Vec<(std::sync::Arc<str>, Decimal)>,
    /// The plan's fold (an earlier job's, when the two would be the same: `reuse::same_fold`).
    pub folded: Arc<Folded>,
}

impl Evaluated {
    /// The statements kept (none but for [`Keep::Statements`]).
    pub fn statements(&self) -> &[crate::eval::compute::Statement] {
        self.result.as_ref().map_or(&[], |r| &r.statements)
    }
}

#[derive(Debug)]
pub struct Evaluation {
    /// In the order of the jobs.
    pub runs: Vec<Evaluated>,
    /// The months every run covers: the range asked for, or all months the ledgers span.
    pub months: Vec<Period>,
    pub reads: Vec<LedgerRead>,
    /// Why a file was read more than once.
    pub notes: Vec<String>,
}

impl Evaluation {
    /// How many times each file was read, in first-read order.
    pub fn passes(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for read in &self.reads {
            match out.iter_mut().find(|(p, _)| *p == read.source) {
                Some((_, n)) => *n += 1,
                None => out.push((read.source.clone(), 1)),
            }
        }
        out
    }
}

/// Folds every job's ledgers together and computes each job's statements over the same
/// months, so that totals compare like with like.
pub fn evaluate(jobs: &[Job<'_>], range: Option<(Period, Period)>) -> Result<Evaluation, Error> {
    let requests: Vec<FoldRequest<'_>> = jobs
        .iter()
        .map(|j| FoldRequest {
            plan: j.plan,
            files: j.files,
            needed: needed_for(j.plan, range),
            scale: j.scale,
            max_errors: 1,
            observed_payee: None,
            observe_reports: false,
            tally: j.tally.clone(),
            trust: Trust::Checked,
        })
        .collect();
    // A job whose fold would be an earlier job's, bucket for bucket (two versions of a plan
    // that fold the same aggregates over the same ledgers, as `diff`'s often do), takes that
    // fold: one fold, kept once.
    let same_as: Vec<Option<usize>> =
        (0..jobs.len()).map(|k| (0..k).find(|&j| folds_alike(jobs, &requests, j, k))).collect();
    let unique: Vec<FoldRequest<'_>> =
        requests.iter().zip(&same_as).filter(|(_, same)| same.is_none()).map(|(r, _)| r.clone()).collect();
    let outcome = fold_shared(&unique, None, &mut NoTrace)?;
    // A plan whose fold another's served leaves the record of the files read that one left.
    for (request, same) in requests.iter().zip(&same_as) {
        let Some(j) = same.filter(|j| same_as.get(*j) == Some(&None)) else { continue };
        let served_by = same_as.get(..j).map_or(0, |before| before.iter().filter(|s| s.is_none()).count());
        if let Some(record) = outcome.records.get(served_by).and_then(Option::as_ref) {
            crate::eval::aggregate::leave_record(request, record);
        }
    }
    let mut folded_unique = outcome.folded.into_iter().map(Arc::new);
    let mut folded: Vec<Arc<Folded>> = Vec::with_capacity(jobs.len());
    for same in &same_as {
        let fold = match same {
            Some(j) => folded.get(*j).cloned(),
            None => folded_unique.next(),
        };
        folded.push(fold.ok_or_else(|| crate::diagnostics::DataError::of("", ToolKind::NothingEvaluated))?);
    }
    // Without a range, every plan covers the months any of them saw.
    let common = range.or_else(|| folded.iter().filter_map(|f| f.span).reduce(|(a, b), (c, d)| (a.min(c), b.max(d))));
    let mut runs = Vec::with_capacity(jobs.len());
    let mut folds = folded.into_iter();
    // Two plans compared (`diff`), the second computing some figures as the first: computed
    // together, batch by batch, the second taking those from the first's statements.
    if let ([first, second], Some(reuse)) = (jobs, together(jobs)) {
        let (Some(fa), Some(fb)) = (folds.next(), folds.next()) else {
            return Err(crate::diagnostics::DataError::of("", ToolKind::NothingEvaluated).into());
        };
        let (ma, mb) =
            (months_of(first.plan, &fa, first.files, common)?, months_of(second.plan, &fb, second.files, common)?);
        let (a, b) = {
            let mut a = Batches::new(first.plan, &fa, &ma)?;
            let mut b = Batches::new(second.plan, &fb, &mb)?.reusing(reuse);
            let (mut a_kept, mut b_kept) = (Kept::new(first.keep), Kept::new(second.keep));
            // The first plan's error comes first, as when its statements came first.
            a.each_pair(&mut b, |mine, theirs| {
                if let Some(theirs) = theirs {
                    b_kept.add(theirs);
                }
                a_kept.add(mine);
            })?;
            // Payees of the second plan only (none when both plans have the same).
            while let Some(batch) = b.next_batch() {
                let mut batch = batch?;
                b_kept.add(&mut batch);
                b.recycle(batch);
            }
            (a_kept.result(&a), b_kept.result(&b))
        };
        runs.push(Evaluated { result: Some(a.0), payee_totals: a.1, folded: fa });
        runs.push(Evaluated { result: Some(b.0), payee_totals: b.1, folded: fb });
    }
    for (job, folded) in jobs.iter().skip(runs.len()).zip(folds) {
        let months = months_of(job.plan, &folded, job.files, common)?;
        let mut payees = Vec::new();
        let result = match job.keep {
            Keep::Statements => {
                let result = statements(job.plan, &folded, &months)?;
                add_payee_totals(&mut payees, &result.statements);
                Some(result)
            }
            Keep::PayeeTotals => {
                let mut batches = Batches::new(job.plan, &folded, &months)?;
                batches.each_batch(|batch| add_payee_totals(&mut payees, batch))?;
                Some(batches.result(Vec::new()))
            }
            Keep::Totals => {
                let mut batches = Batches::new(job.plan, &folded, &months)?.amounts_only();
                batches.each_batch(|_| {})?;
                Some(batches.result(Vec::new()))
            }
            Keep::Fold => None,
        };
        runs.push(Evaluated { result, payee_totals: payees, folded });
    }
    let months = common.map(|(from, to)| Period::months_between(from, to)).unwrap_or_default();
    Ok(Evaluation { runs, months, reads: outcome.reads, notes: outcome.notes })
}

/// Whether job `k`'s fold would be job `j`'s: no scale, the same tally and buckets needed,
/// and plans that fold alike (`reuse::same_fold`).
fn folds_alike(jobs: &[Job<'_>], requests: &[FoldRequest<'_>], j: usize, k: usize) -> bool {
    let (Some(a), Some(b), Some(ra), Some(rb)) = (jobs.get(j), jobs.get(k), requests.get(j), requests.get(k)) else {
        return false;
    };
    ra.scale.is_none()
        && rb.scale.is_none()
        && ra.tally == rb.tally
        && ra.needed == rb.needed
        && crate::eval::reuse::same_fold(a.plan, a.files, b.plan, b.files)
}

/// What the second of two jobs takes from the first's statements: for two plans that keep
/// their statements or payees' totals (`diff`), folded with no scale.
fn together(jobs: &[Job<'_>]) -> Option<Reuse> {
    let [a, b] = jobs else { return None };
    let keeps = |j: &Job<'_>| matches!(j.keep, Keep::Statements | Keep::PayeeTotals) && j.scale.is_none();
    if !keeps(a) || !keeps(b) {
        return None;
    }
    crate::eval::reuse::alike(a.plan, a.files, b.plan, b.files)
}

/// What a job computed batch by batch keeps: its statements or its payees' totals.
struct Kept {
    statements: Option<Vec<Statement>>,
    payees: Vec<(std::sync::Arc<str>, Decimal)>,
}

impl Kept {
    fn new(keep: Keep) -> Kept {
        Kept { statements: (keep == Keep::Statements).then(Vec::new), payees: Vec::new() }
    }

    /// Keeps what it keeps of a batch (its statements, taken, when it keeps them).
    fn add(&mut self, batch: &mut Vec<Statement>) {
        add_payee_totals(&mut self.payees, batch);
        if let Some(kept) = &mut self.statements {
            kept.append(batch);
        }
    }

    fn result(self, batches: &Batches<'_>) -> (RunResult, Vec<(std::sync::Arc<str>, Decimal)>) {
        (batches.result(self.statements.unwrap_or_default()), self.payees)
    }
}

/// Adds statements (in payee, then month, order) to each payee's total, in payee order.
fn add_payee_totals(out: &mut Vec<(std::sync::Arc<str>, Decimal)>, statements: &[Statement]) {
    for s in statements {
        match out.last_mut() {
            Some((p, t)) if *p == s.payee => *t += s.total,
            _ => out.push((s.payee.clone(), s.total)),
        }
    }
}

/// The buckets a run over `range` reads; `None` (every bucket) without a range.
pub fn needed_for(plan: &Plan, range: Option<(Period, Period)>) -> Needed {
    if plan.reads_other_months() {
        return None;
    }
    range.map(|(from, to)| {
        needed_buckets(plan, &super::compute::computed_months(plan, &Period::months_between(from, to)))
    })
}

/// Buckets (months, quarters, years) whose rows some statement in `months` uses.
fn needed_buckets(plan: &Plan, months: &[Period]) -> HashSet<Period> {
    let mut needed = HashSet::default();
    for month in months {
        needed.insert(*month);
        for component in &plan.components {
            let Some(period) = month.coarsen(component.cadence.into()) else {
                continue;
            };
            if period.last_month() != *month {
                continue;
            }
            for g in [Granularity::Month, Granularity::Quarter, Granularity::Year] {
                needed.extend(period.split(g));
                needed.extend(period.coarsen(g));
            }
        }
        for g in [Granularity::Quarter, Granularity::Year] {
            needed.extend(month.coarsen(g));
        }
        // Metrics show their whole period (the quarter containing the month).
        for metric in &plan.metrics {
            if let Some(period) = month.coarsen(metric.cadence.into()) {
                needed.extend(period.split(Granularity::Month));
                needed.extend(period.split(Granularity::Quarter));
            }
        }
    }
    needed
}
