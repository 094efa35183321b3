//! The chunked fold: a plain CSV ledger cut into blocks of whole lines (`data::blocks`); each
//! thread of the pool (rayon) validates and folds the next block not yet taken, block after
//! block, into one fold of its own, and the threads' folds are merged at the end. Every row's
//! place is kept as (block, line in the block), so a payee's first row, the span's first rows
//! and the observed rows are found in file order, and the result is the same whatever the
//! number of threads or the block size. Distinct values are collected per block as (bucket,
//! code) pairs, grouped by bucket at the block's end (a counting sort) and added to their
//! buckets' sets bucket after bucket (sequential memory, not a random set per row; a set is
//! packed, `eval::distinct`).
//!
//! It is the row-by-row fold (`aggregate::PlanFold::ledger_row` after `data::ledger`'s checks)
//! for the rows it can take, and nothing else: each row is checked exactly as strictly (every
//! declared column parsed, allowed values, ids, keys unique), but from borrowed slices of the
//! block, with amounts and dates read straight from their bytes (anything else through
//! `parse_value`, the one parser), payees and distinct values numbered per block, and sums kept
//! as exact scaled integers. Anything it does not take (a rejected row, a line the block
//! splitter leaves to the row-by-row splitter, a computation that fails, a plan that needs
//! the rows themselves) hands the whole file back to the row-by-row fold, which reads and
//! reports it exactly as always: nothing is kept of a chunked read until every block is
//! folded and every check has passed.
//!
//! A ledger the plan credits by shares (`credit sales by credits.share`) is folded for each
//! credited payee of a split row, its sums weighed by the share, as the row-by-row fold
//! does; the rows other ledgers name (`sale: sales`) are kept as read, for the row-by-row fold
//! of the naming rows; and every row is checked against its payee's hire date (the roster's
//! `start`). The crediting and naming ledgers themselves (credits, cancellations) are read in
//! blocks before, their rows kept in file order (`Mode::Credits`, `Mode::Kept`).
//!
//! Several plans of one read (`diff`'s two versions, `budget`'s plan and its reruns on scaled
//! sales) are folded together: each row is checked once, and an aggregate two plans add up
//! alike over the same buckets is folded for the first and shared with the others
//! (`share_aggregates`; a rerun's sum of scaled amounts is the first plan's sum times the
//! factor, when every row's product is exact). A column a plan still reads scaled is scaled
//! per plan as the row-by-row fold scales it, in the row's cells (put back as read for the
//! next plan), and a command's tally (`TallySpec`) is folded per bucket like a sum.
//!
//! Knobs (environment): `COMMISSION_THREADS` (threads; all cores by default),
//! `COMMISSION_CHUNK_BYTES` (block size; 4 MiB by default), `COMMISSION_CHUNKED=0` (off: every
//! file row by row), `COMMISSION_REPORT_READS=1` (one line on stderr per file saying how it was
//! read, and why not in blocks).

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHashSet};

use super::aggregate::{
    add_to, keep_extreme, AggState, BucketStates, DistinctValues, FoldRequest, KeptRow, LedgerRead, LookupRow,
    ObservedRow, PlanFold, Role, RowEnv, RowObserver, RowsForNobody, SeenAt, Tally, TallySpec, Task, Trust,
};
use super::expr::{eval_traced, NoTrace};
use super::references::{CreditShare, Credited, Credits, KeyText, NamedValues, SharesView};
use crate::data::blocks::{commas_in, split_line, unblanked, BlockFile, NotPlain, Separators};
use crate::data::checked;
use crate::data::ids::check_id;
use crate::data::keys::{same_bytes, short_word, KeyBits};
use crate::data::ledger::RowPlaces;
use crate::data::parse_value::{date_digits, date_of_digits, parse_date, parse_value};
use crate::data::text_rows::Places;
use crate::money::Currency;
use crate::period::{Granularity, Period};
use crate::plan::{AggFunc, ColumnType, Expr, InputSchema, Node, PayeeSource, Plan};
use crate::value::Value;

/// The knobs, read once.
struct Settings {
    on: bool,
    threads: Option<usize>,
    block_bytes: u64,
    report: bool,
    /// How many statements a batch of a run holds, about (`COMMISSION_BATCH_STATEMENTS`, for
    /// tests: batches of a payee or two, as over a million statements).
    batch_statements: Option<usize>,
}

const DEFAULT_BLOCK_BYTES: u64 = 4 << 20;

/// The most threads a read uses, whatever `COMMISSION_THREADS` or the cores say: the bound
/// exact sums in blocks rely on ([`LIMIT`]).
const MAX_THREADS: usize = 64;

fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Settings {
            on: var("COMMISSION_CHUNKED").is_none_or(|v| v.trim() != "0"),
            threads: var("COMMISSION_THREADS").and_then(|v| v.trim().parse().ok()).filter(|n| *n >= 1),
            block_bytes: var("COMMISSION_CHUNK_BYTES")
                .and_then(|v| v.trim().parse().ok())
                .filter(|n| *n >= 1)
                .unwrap_or(DEFAULT_BLOCK_BYTES),
            report: var("COMMISSION_REPORT_READS").is_some_and(|v| v.trim() != "0"),
            batch_statements: var("COMMISSION_BATCH_STATEMENTS")
                .and_then(|v| v.trim().parse().ok())
                .filter(|n| *n >= 1),
        }
    })
}

/// The pool the blocks are folded on: `COMMISSION_THREADS` threads, or one per core. The whole
/// read, merge included, runs in the pool (the merge then reuses the memory a thread's fold
/// freed, instead of growing the calling thread's heap: 53 MB against 75 MB on 1M rows).
fn in_pool<R: Send>(threads: Option<usize>, work: impl FnOnce() -> R + Send) -> R {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        // The main thread's stack: statements are computed in the pool too, and evaluating
        // a policy at its nesting limits needs about 2 MiB in a debug build (tests/limits.rs).
        let build = |n: usize| rayon::ThreadPoolBuilder::new().stack_size(8 << 20).num_threads(n).build().ok();
        // Without `COMMISSION_THREADS`, rayon's own choice (0: one per core, or
        // `RAYON_NUM_THREADS`), at most `MAX_THREADS`.
        match build(threads.unwrap_or(0).min(MAX_THREADS)) {
            Some(pool) if pool.current_num_threads() > MAX_THREADS => build(MAX_THREADS),
            pool => pool,
        }
    });
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// Says how a read went on standard error, with `COMMISSION_REPORT_READS=1` (for tests and
/// benchmarks).
pub(super) fn report(line: impl FnOnce() -> String) {
    if settings().report {
        eprintln!("{}", line());
    }
}

/// How many parts work that can be split is split into (kept rows folded after the ledger
/// they name): one per thread of the pool, or one when ledgers are read row by row
/// (`COMMISSION_CHUNKED=0`, the reference every test compares with).
pub(super) fn parts() -> usize {
    match settings().on {
        true => on_all_cores(rayon::current_num_threads),
        false => 1,
    }
}

/// How many statements a batch of a run holds, about, if `COMMISSION_BATCH_STATEMENTS` says.
pub(super) fn batch_statements() -> Option<usize> {
    settings().batch_statements
}

/// The block size the chunked reader cuts files into (a file's digest depends on it).
pub(super) fn block_bytes() -> u64 {
    settings().block_bytes
}

/// Whether ledgers may be read in blocks at all (`COMMISSION_CHUNKED=0`: not).
pub(super) fn on() -> bool {
    settings().on
}

/// Runs `work` in the pool the blocks are folded on (for other work done on all cores: a
/// run's statements).
pub(crate) fn on_all_cores<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    in_pool(settings().threads, work)
}

/// Reads the file of `group` in blocks and folds it into each plan of the group; `None` when
/// it must be read row by row (nothing of the plans' folds has changed then).
pub(super) fn try_read(
    requests: &[FoldRequest<'_>],
    states: &mut [PlanFold<'_>],
    group: &[Task<'_>],
    observer: Option<&mut RowObserver<'_>>,
    traced: bool,
) -> Option<LedgerRead> {
    let s = settings();
    let lead = group.first()?;
    let shown = lead.file.source.shown();
    let outcome = if !s.on {
        Err("COMMISSION_CHUNKED=0".to_string())
    } else if observer.is_some()
        && group.iter().any(|t| requests.get(t.request).is_none_or(|r| r.observed_payee.is_none()))
    {
        Err("the command looks at every row".to_string())
    } else if traced {
        Err("the command traces every row".to_string())
    } else {
        let size = s.block_bytes;
        in_pool(s.threads, || read_in_blocks(requests, states, group, size))
    };
    // The observed payee's rows, in file order, once the read is kept.
    let outcome = outcome.map(|(read, how, watched)| {
        if let Some(observe) = observer {
            for (task, rows) in group.iter().zip(watched) {
                for row in rows {
                    observe(ObservedRow {
                        request: task.request,
                        input: task.input,
                        payee: &row.payee,
                        bucket: row.bucket,
                        values: &row.values,
                        line: row.line,
                        share: row.share,
                        joined: None,
                        joined_line: 0,
                    });
                }
            }
        }
        (read, how)
    });
    match outcome {
        Ok((read, how)) => {
            if s.report {
                eprintln!("read {shown}: chunked, {how}");
            }
            Some(read)
        }
        Err(why) => {
            if s.report {
                eprintln!("read {shown}: row by row ({why})");
            }
            None
        }
    }
}

/// The chunked read with a given block size (tests use tiny ones): the read and how it went
/// (blocks, threads, time spent folding and merging), or why the file must be read row by row.
pub(super) fn read_in_blocks(
    requests: &[FoldRequest<'_>],
    states: &mut [PlanFold<'_>],
    group: &[Task<'_>],
    block_bytes: u64,
) -> Result<(LedgerRead, String, Vec<Vec<WatchedRow>>), NotPlain> {
    let lead = group.first().ok_or("nothing to read")?;
    let request = requests.get(lead.request).ok_or("no plan")?;
    let schema = request.plan.inputs.get(lead.input).ok_or("no input")?;
    let file = BlockFile::open(&lead.file.source)?;
    let block_bytes = file.block_size(block_bytes);
    let shown = lead.file.source.shown();
    let mut rules = RowRules::new(schema, &file.header, &request.plan.currency)?;
    let mut jobs = Vec::with_capacity(group.len());
    for task in group {
        let (request, state) = match (requests.get(task.request), states.get(task.request)) {
            (Some(r), Some(s)) => (r, s),
            _ => return Err("no plan".into()),
        };
        jobs.push(TaskJob::new(request, state, task)?);
    }
    share_aggregates(&mut jobs);
    for job in &mut jobs {
        job.by_combination = ByCombination::of(&job.aggs);
    }
    rules.fit(&jobs);
    let shared = jobs.iter().flat_map(|j| &j.aggs).filter(|a| a.shared.is_some()).count();
    // The file's digest, for a plan that leaves a record of the files it read with no problem
    // or trusts one (`data::checked`).
    let digest_wanted = group
        .iter()
        .any(|t| requests.get(t.request).is_some_and(|r| r.records() || matches!(r.trust, Trust::Record(_))));
    // Rows of other payees than the observed one are not checked again when every plan of the
    // read trusts a record that the file was read whole with no problem: the digest of what is
    // read now is compared with the record's before anything is believed (`aggregate::fold_shared`).
    let skip = Skip::of(&jobs, &rules);
    if skip.is_none() && jobs.iter().any(|j| j.named_late) {
        return Err("a ledger named late whose rows are not passed over (it would keep every row)".into());
    }
    crate::data::progress::expect(file.len());
    let blocks = file.blocks(block_bytes);
    // Each thread of the pool folds a run of blocks into one fold of its own, taking the next
    // block not yet taken until none is left (memory holds a block per thread and one fold per
    // thread, not the file); the runs' folds are merged at the end. Should a block fail, the
    // other threads stop at their next block.
    let started = std::time::Instant::now();
    let next = std::sync::atomic::AtomicU64::new(0);
    let failed = std::sync::atomic::AtomicBool::new(false);
    let runs = rayon::broadcast(|_| {
        // This thread's own copy of the rules, the plans' jobs (with their views of the credit
        // shares and named keys) and the rows to pass over, which every row reads: made by it,
        // their small tables lie beside what this thread writes, never beside what another
        // writes on every row, which would take the cache line from it again and again (the
        // 2027 plan's run at 10M sales took 2.8 s in some runs and up to 4.4 s in others of
        // the same build, `bench/RESULTS.md`).
        let (rules, jobs, skip) = (rules.clone(), jobs.clone(), skip.clone());
        let mut run = RunFold::new(&jobs);
        let mut buffer = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= blocks {
                break;
            }
            let folded = file.read_block(i, block_bytes, &mut buffer).and_then(|()| {
                if digest_wanted {
                    run.digests.push((i, checked::of_block(&buffer)));
                }
                // Two copies of the loop: the one that passes rows over costs the other nothing.
                match &skip {
                    Some(skip) => fold_block::<true>(&rules, &jobs, Some(skip), i, &buffer, &mut run),
                    None => fold_block::<false>(&rules, &jobs, None, i, &buffer, &mut run),
                }
            });
            if let Err(why) = folded {
                failed.store(true, Ordering::Relaxed);
                return Err(why);
            }
        }
        Ok(run)
    });
    let mut runs = runs.into_iter().collect::<Result<Vec<RunFold>, NotPlain>>()?;
    let folded = std::time::Instant::now();
    let skipped: Option<u64> = skip.map(|_| runs.iter().map(|r| r.skipped).sum());
    let mut passed_keys = KeyBits::default();
    for run in &mut runs {
        passed_keys.unite(std::mem::take(&mut run.passed_keys));
    }
    let digest = match digest_wanted {
        true => {
            let blocks: Vec<(u64, u128)> = runs.iter_mut().flat_map(|r| std::mem::take(&mut r.digests)).collect();
            Some(checked::of_blocks(&file.head()?, &blocks))
        }
        false => None,
    };
    let runs: Vec<_> = runs.into_par_iter().map(RunFold::finish).collect();
    // The line each block starts on, once every block's lines are counted.
    let mut block_lines = vec![None; usize::try_from(blocks).map_err(|_| "too many blocks".to_string())?];
    for (i, n) in runs.iter().flat_map(|(lines, ..)| lines) {
        *block_lines.get_mut(*i as usize).ok_or("no block")? = Some(*n);
    }
    let mut first_lines = Vec::with_capacity(block_lines.len());
    let mut next_line = BlockFile::FIRST_ROW_LINE;
    for n in block_lines {
        first_lines.push(next_line);
        next_line += n.ok_or("a block not folded")?;
    }
    let mut merged = Merged::new(&jobs);
    for (_, read, tasks, keys) in runs {
        merged.absorb(&jobs, tasks, keys, read, &first_lines)?;
    }
    // The buckets' sets of distinct values, the other threads' sets added and settled on all
    // cores.
    for part in merged.tasks.iter_mut().flat_map(|task| &mut task.parts) {
        part.settle()?;
    }
    merged.keys.check()?;
    let (folding, merging) = (folded - started, folded.elapsed());
    let at_column = |line: u64, column: usize| format!("{shown}:{line}:{}", rules.position(column) + 1);
    // Everything is worked out before anything is kept, so a late refusal leaves the folds as
    // they were.
    let mut finished = Vec::with_capacity(jobs.len());
    for (k, (job, merge)) in jobs.iter().zip(merged.tasks).enumerate() {
        let state = states.get(job.request).ok_or("no plan")?;
        // Whether a later plan takes this one's sums times a factor.
        let scaled =
            jobs.iter().flat_map(|j| &j.aggs).any(|a| a.shared.is_some_and(|s| s.plan == k && s.times.is_some()));
        finished.push(merge.finish(job, state, &at_column, &first_lines, scaled)?);
    }
    fill_shared(&jobs, &mut finished)?;
    for (job, done) in jobs.iter().zip(&finished) {
        let state = states.get(job.request).ok_or("no plan")?;
        done.check_merges(job.input, state)?;
    }
    let targets: Vec<(usize, usize, bool)> =
        jobs.iter().map(|j| (j.request, j.input, matches!(j.mode, Mode::Credits { .. }))).collect();
    // How the file names rows, for the kept rows and shares (messages name them later).
    let places = RowPlaces::new(
        Places::Lines(Arc::from(shown.as_str())),
        (0..schema.columns.len()).map(|c| rules.position(c)).collect(),
    );
    drop(jobs);
    // Each plan's fold kept on a core of its own (every task of a read is another plan's).
    let mut plans: Vec<Option<&mut PlanFold<'_>>> = states.iter_mut().map(Some).collect();
    let mut kept = Vec::with_capacity(targets.len());
    for ((request, input, shares), done) in targets.into_iter().zip(finished) {
        let state = plans.get_mut(request).and_then(Option::take).ok_or("no plan")?;
        kept.push((state, input, shares, done));
    }
    let read = merged.read;
    let watched: Vec<Vec<WatchedRow>> = kept
        .into_par_iter()
        .map(|(state, input, shares, mut done)| {
            let watched = std::mem::take(&mut done.watched);
            done.keep(input, state, read, &places);
            if shares && !passed_keys.is_empty() {
                state.pass_over_shares(passed_keys.clone());
            }
            watched
        })
        .collect();
    let served = group
        .iter()
        .map(|t| {
            let name = requests.get(t.request).and_then(|r| r.plan.inputs.get(t.input)).map(|s| s.name.clone());
            (t.request, name.unwrap_or_default())
        })
        .collect();
    let mut how = format!(
        "{blocks} blocks, {} threads, {shared} aggregates shared, {:.2} s folding, {:.2} s merging",
        rayon::current_num_threads(),
        folding.as_secs_f64(),
        merging.as_secs_f64()
    );
    if let Some(skipped) = skipped {
        let recorded =
            group.iter().any(|t| requests.get(t.request).is_some_and(|r| matches!(r.trust, Trust::Record(_))));
        let why = if recorded { "not checked again (a record trusted)" } else { "not checked (no record: --quick)" };
        how.push_str(&format!(", {skipped} rows of other payees {why}"));
    }
    let passed_over = skipped.unwrap_or(0);
    Ok((LedgerRead { source: shown, served, digest, passed_over }, how, watched))
}

// ---------------------------------------------------------------------------------------------
// Rows: the schema's checks, from borrowed fields

/// How one declared column is read.
#[derive(Debug, Clone)]
enum Reader {
    /// Free text (trimmed).
    Text,
    /// Text with listed values: the value's place in the list (the values also made once as
    /// values, for the evaluator).
    Listed(Vec<String>, Vec<Value>),
    /// Money: `1234.56` from its bytes, any other form through `parse_value`.
    Money,
    Date,
    Other(ColumnType),
}

#[derive(Debug, Clone)]
struct ColumnRule {
    /// Its column in the file.
    at: usize,
    reader: Reader,
    /// The key, when text: not empty, nothing hidden, composed (checked after the block's keys
    /// have it, `key_id`; the payee's id is checked where the fold first meets it in a block,
    /// `fold_row`).
    id: bool,
    least: Option<Decimal>,
    /// Free text nothing of the read looks at (`RowRules::fit`): a text column has
    /// nothing to check, so its field is not even sliced, and its cell is never written.
    unread: bool,
    /// Free text a job of the read compares, checked as an id as it is read.
    compared: bool,
}

/// How `RowRules::read` reads a column: its rule's reader in one byte (the rule itself is
/// looked at only for listed values and `Other`'s type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadAs {
    Text,
    /// Free text a plan of the read compares (`TaskJob::compared_text`), checked as an id is
    /// (the row-by-row fold checks it on the rows it uses; here every row's is checked, and a
    /// row refused sends the file to the row-by-row read, which decides).
    Compared,
    Listed,
    Money,
    Date,
    Other,
}

/// One column checked into its cell, in a few bytes: a row's columns are walked in these,
/// not in their rules (a rule's reader, with its lists, is several words to tell apart).
#[derive(Debug, Clone, Copy)]
struct ReadStep {
    /// The declared column (its cell).
    column: u32,
    /// Its field in the file.
    at: u32,
    how: ReadAs,
    /// Its `at least` bound, if it has one.
    least: Option<Decimal>,
}

/// What a row must satisfy, as `data::ledger`'s checks say, matched to this file's header.
#[derive(Clone)]
struct RowRules<'a> {
    columns: Vec<ColumnRule>,
    /// The columns checked into cells, in order: all but the unread ones.
    read: Vec<ReadStep>,
    fields: usize,
    /// Header columns with no name: their fields must be empty.
    unnamed: Vec<usize>,
    key: Option<usize>,
    money: &'a Currency,
}

impl<'a> RowRules<'a> {
    fn new(schema: &InputSchema, header: &[String], money: &'a Currency) -> Result<RowRules<'a>, NotPlain> {
        let mut columns = Vec::with_capacity(schema.columns.len());
        for (c, column) in schema.columns.iter().enumerate() {
            let mut found = header.iter().enumerate().filter(|(_, h)| **h == column.name);
            let (Some((at, _)), None) = (found.next(), found.next()) else {
                return Err("a header the row-by-row reader must report on".into());
            };
            if schema.end == Some(c) {
                return Err("a column the row-by-row reader reads".into());
            }
            let reader = match (&column.values, column.ty) {
                (Some(values), ColumnType::Text) => {
                    Reader::Listed(values.clone(), values.iter().map(|v| Value::text(v)).collect())
                }
                (Some(_), _) => return Err("listed values in a column that is not text".into()),
                (None, ColumnType::Text) => Reader::Text,
                (None, ColumnType::Money) => Reader::Money,
                (None, ColumnType::Date) => Reader::Date,
                (None, ty) => Reader::Other(ty),
            };
            let id = schema.key == Some(c) && column.ty == ColumnType::Text;
            columns.push(ColumnRule { at, reader, id, least: column.at_least, unread: false, compared: false });
        }
        let mut names = std::collections::HashSet::new();
        for name in header {
            let declared = schema.column_index(name).is_some();
            if name.is_empty() || (schema.ignores_others && !declared) {
                continue;
            }
            if !names.insert(name.as_str()) || !declared {
                return Err("a header the row-by-row reader must report on".into());
            }
        }
        let unnamed = match schema.ignores_others {
            true => Vec::new(),
            false => header.iter().enumerate().filter(|(_, h)| h.is_empty()).map(|(i, _)| i).collect(),
        };
        let read = read_steps(&columns);
        Ok(RowRules { columns, read, fields: header.len(), unnamed, key: schema.key, money })
    }

    /// Fits the read to its jobs: marks the free text columns (no listed values, not an id)
    /// that no job looks at (`TaskJob::reads`: the seed plan's `business` and `segment`), and
    /// those a job compares (the seed plan's `customer`).
    fn fit(&mut self, jobs: &[TaskJob<'_>]) {
        for (c, rule) in self.columns.iter_mut().enumerate() {
            let text = matches!(rule.reader, Reader::Text);
            rule.unread = text && !rule.id && self.key != Some(c) && !jobs.iter().any(|j| j.reads(c));
            rule.compared = text && jobs.iter().any(|j| j.compared_text.contains(&c));
        }
        self.read = read_steps(&self.columns);
    }

    /// Checks the key `t` as an id when its column is text (after `BlockKeys::add`: a key
    /// that only counted the one before it up is made of checked bytes).
    fn key_id(&self, t: &str, counted_up: bool) -> Result<(), NotPlain> {
        let id = self.key.and_then(|k| self.columns.get(k)).is_some_and(|r| r.id);
        if id && !counted_up && (t.is_empty() || check_id(t).is_err()) {
            return Err("an id the row-by-row reader rejects".into());
        }
        Ok(())
    }

    /// The file column of a declared column.
    fn position(&self, column: usize) -> usize {
        self.columns.get(column).map_or(0, |c| c.at)
    }

    /// Checks one row into `cells` (one per declared column; the key's id is checked by
    /// `key_id`).
    fn read<'t>(
        &self,
        text: &'t str,
        fields: &[(u32, u32)],
        cells: &mut Vec<Cell<'t>>,
        met: &mut Met,
    ) -> Result<(), NotPlain> {
        let field = |at: usize| fields.get(at).and_then(|&(a, b)| text.get(a as usize..b as usize)).unwrap_or("");
        if fields.len() != self.fields {
            return Err("a row whose fields do not match the header".into());
        }
        if self.unnamed.iter().any(|&at| !field(at).trim().is_empty()) {
            return Err("a value in a column with no name".into());
        }
        // Each cell is written in its place (not built aside and copied: a copy of a value just
        // written in pieces stalls the processor on every field).
        if cells.len() != self.columns.len() {
            cells.clear();
            cells.resize(self.columns.len(), Cell::Unread);
        }
        let rejected = || "a value the row-by-row reader rejects".to_string();
        for step in &self.read {
            let c = step.column as usize;
            let Some(slot) = cells.get_mut(c) else { return Err("no column".into()) };
            let raw = field(step.at as usize);
            let t = trimmed(raw);
            let at_least = |n: &Decimal| match step.least {
                Some(least) if *n < least => Err(rejected()),
                _ => Ok(()),
            };
            match step.how {
                ReadAs::Text => *slot = Cell::Text(t),
                ReadAs::Compared => match check_id(t) {
                    Ok(()) => *slot = Cell::Text(t),
                    Err(_) => return Err("a value the row-by-row fold rejects".into()),
                },
                ReadAs::Listed => {
                    let Some(Reader::Listed(values, _)) = self.columns.get(c).map(|r| &r.reader) else {
                        return Err("no list".into());
                    };
                    *slot = Cell::Code(values.iter().position(|v| same_text(v, t)).ok_or_else(rejected)? as u16)
                }
                ReadAs::Money => match plain_money(t, self.money.decimals) {
                    Some((mantissa, scale)) => {
                        if step.least.is_some() {
                            at_least(&Decimal::try_new(mantissa, scale).map_err(|_| rejected())?)?;
                        }
                        *slot = Cell::Money(mantissa, scale);
                    }
                    None => match parse_value(ColumnType::Money, raw, self.money) {
                        Ok(Value::Number(n)) => {
                            at_least(&n)?;
                            *slot = Cell::Num(n);
                        }
                        _ => return Err(rejected()),
                    },
                },
                ReadAs::Date => *slot = Cell::Date(met.days.date(t).ok_or_else(rejected)?),
                // A number met before is copied out as a number, not as a value moved about
                // (a value's parts lie at odd places: each move of one stalls).
                ReadAs::Other => match met.values.number(c, t) {
                    Some(n) => {
                        at_least(&n)?;
                        *slot = Cell::Num(n);
                    }
                    None => *slot = self.other_cell(c, t, step.least, met)?,
                },
            }
        }
        Ok(())
    }
}

impl<'a> RowRules<'a> {
    /// The cell of column `c` read by `parse_value` (a type with no reader of its own), from
    /// its trimmed field `t`, at least `least` if a number.
    #[inline(never)]
    fn other_cell<'t>(
        &self,
        c: usize,
        t: &'t str,
        least: Option<Decimal>,
        met: &mut Met,
    ) -> Result<Cell<'t>, NotPlain> {
        let Some(Reader::Other(ty)) = self.columns.get(c).map(|r| &r.reader) else {
            return Err("no type".into());
        };
        let rejected = || "a value the row-by-row reader rejects".to_string();
        match met.values.value(c, *ty, t, self.money).ok_or_else(rejected)? {
            Value::Number(n) if least.is_some_and(|least| n < least) => Err(rejected()),
            Value::Number(n) => Ok(Cell::Num(n)),
            other => Ok(Cell::Other(other)),
        }
    }
}

/// The steps that read the columns not left unread, in order.
fn read_steps(columns: &[ColumnRule]) -> Vec<ReadStep> {
    let step = |(c, rule): (usize, &ColumnRule)| ReadStep {
        column: c as u32,
        at: rule.at as u32,
        how: match rule.reader {
            Reader::Text if rule.compared => ReadAs::Compared,
            Reader::Text => ReadAs::Text,
            Reader::Listed(..) => ReadAs::Listed,
            Reader::Money => ReadAs::Money,
            Reader::Date => ReadAs::Date,
            Reader::Other(_) => ReadAs::Other,
        },
        least: rule.least,
    };
    columns.iter().enumerate().filter(|(_, r)| !r.unread).map(step).collect()
}

/// The dates a block has read, by their digits (`YYYYMMDD`), in a small table a date finds
/// its place in by its number: a ledger's rows fall on a few hundred days, and the table
/// answers for a day already met faster than chrono checks it.
struct Days {
    slots: Vec<(u32, NaiveDate)>,
}

/// Places in [`Days`] (a number's place is the top ten bits of a multiplicative hash).
const DAY_SLOTS: usize = 1 << 10;

impl Default for Days {
    fn default() -> Days {
        // No date's digits make u32::MAX (99,991,231 at most): an empty place never answers.
        Days { slots: vec![(u32::MAX, NaiveDate::MIN); DAY_SLOTS] }
    }
}

impl Days {
    /// `text` as `parse_date` reads it.
    fn date(&mut self, text: &str) -> Option<NaiveDate> {
        let Some(n) = date_digits(text) else { return parse_date(text) };
        let slot = self.slots.get_mut((n.wrapping_mul(0x9e37_79b1) >> 22) as usize)?;
        if slot.0 == n {
            return Some(slot.1);
        }
        let date = date_of_digits(n)?;
        *slot = (n, date);
        Some(date)
    }
}

/// What a block has read already, to answer again without parsing: its days, and its other
/// short values.
struct Met {
    days: Days,
    values: ShortValues,
}

impl Met {
    fn new(columns: usize) -> Met {
        Met { days: Days::default(), values: ShortValues::new(columns) }
    }
}

/// The values of the short fields of columns `parse_value` reads (percentages, numbers,
/// months) met in a block, per column, by their bytes: a ledger writes a few of them over and
/// over (a sale's shares are `50%`, `33.5%`, `100%`), and a value met before is not parsed
/// again.
struct ShortValues {
    columns: usize,
    /// Per column, [`VALUE_SLOTS`] places: a field's bytes (at most eight, as one number),
    /// its length (`u8::MAX`: an empty place) and its value. Made when a block first reads
    /// such a field (most plans' ledgers have none).
    slots: Vec<(u64, u8, Value)>,
}

/// Places per column in [`ShortValues`] (a field's place is the top six bits of a
/// multiplicative hash of its bytes).
const VALUE_SLOTS: usize = 64;

impl ShortValues {
    fn new(columns: usize) -> ShortValues {
        ShortValues { columns, slots: Vec::new() }
    }

    /// `parse_value(ty, t)` for the trimmed field `t` of column `c`; `None` when it refuses
    /// the field.
    fn value(&mut self, c: usize, ty: ColumnType, t: &str, money: &Currency) -> Option<Value> {
        // One to eight bytes (an empty or longer field is parsed every time).
        let Some((word, place)) = self.place(c, t) else { return parse_value(ty, t, money).ok() };
        if self.slots.is_empty() {
            self.slots = vec![(0, u8::MAX, Value::Missing); self.columns * VALUE_SLOTS];
        }
        let slot = self.slots.get_mut(place)?;
        if slot.0 == word && usize::from(slot.1) == t.len() {
            return Some(slot.2.clone());
        }
        let value = parse_value(ty, t, money).ok()?;
        *slot = (word, t.len() as u8, value.clone());
        Some(value)
    }

    /// The number the trimmed field `t` of column `c` was read as before, if it was.
    #[inline]
    fn number(&self, c: usize, t: &str) -> Option<Decimal> {
        let (word, place) = self.place(c, t)?;
        match self.slots.get(place)? {
            (w, len, Value::Number(n)) if *w == word && usize::from(*len) == t.len() => Some(*n),
            _ => None,
        }
    }

    /// The field `t` of column `c` as one number, and its place; `None` when it is empty or
    /// longer than eight bytes.
    #[inline]
    fn place(&self, c: usize, t: &str) -> Option<(u64, usize)> {
        let word = short_word(t.as_bytes())?;
        Some((word, c * VALUE_SLOTS + (word.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as usize))
    }
}

/// Whether two short texts are equal (`keys::same_bytes`).
fn same_text(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

/// `str::trim`, with the usual field (ASCII at both ends) trimmed without decoding.
fn trimmed(text: &str) -> &str {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => text,
        (None, _) => text,
        (Some(a), Some(z)) if a.is_ascii() && z.is_ascii() => {
            let inner = text.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
            match (inner.as_bytes().first(), inner.as_bytes().last()) {
                (Some(a), Some(z)) if a.is_ascii() && z.is_ascii() => inner,
                _ => text.trim(),
            }
        }
        _ => text.trim(),
    }
}

/// One field, checked.
#[derive(Debug, Clone)]
enum Cell<'t> {
    Text(&'t str),
    Code(u16),
    /// An amount read from its bytes: its digits' number and its decimals (plain integers, so
    /// that writing the cell and reading it back are moves of the same size).
    Money(i64, u32),
    Num(Decimal),
    Date(NaiveDate),
    Other(Value),
    /// A column the read does not look at (`ColumnRule::unread`): never written, and never
    /// to be read (a debug build stops where one is).
    Unread,
}

impl Cell<'_> {
    fn value(&self, rule: Option<&ColumnRule>) -> Value {
        match self {
            Cell::Text(t) => Value::text(t),
            Cell::Code(c) => match rule.map(|r| &r.reader) {
                Some(Reader::Listed(_, values)) => values.get(*c as usize).cloned().unwrap_or(Value::Missing),
                _ => Value::Missing,
            },
            Cell::Money(..) | Cell::Num(_) => self.number().map_or(Value::Missing, Value::Number),
            Cell::Date(d) => Value::Date(*d),
            Cell::Other(v) => v.clone(),
            Cell::Unread => {
                debug_assert!(false, "the cell of a column the read leaves unread");
                Value::Missing
            }
        }
    }

    /// The cell's number, when it holds one.
    fn number(&self) -> Option<Decimal> {
        match self {
            Cell::Money(mantissa, scale) => Decimal::try_new(*mantissa, *scale).ok(),
            Cell::Num(n) | Cell::Other(Value::Number(n)) => Some(*n),
            _ => None,
        }
    }
}

/// `1234.56`, `-80`, `0.5`: an amount with at most the currency's decimals and fifteen whole
/// digits, read from its bytes as its digits' number and its decimals (a currency has three
/// at most: eighteen digits, within 64 bits); `None` for every other form (grouping, a
/// currency sign, a negative zero, a mistake), which `parse_value` then reads or refuses.
fn plain_money(text: &str, decimals: u32) -> Option<(i64, u32)> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let (whole, fraction) = match digits.iter().position(|&b| b == b'.') {
        Some(p) => (digits.get(..p)?, Some(digits.get(p + 1..)?)),
        None => (digits, None),
    };
    if whole.is_empty()
        || whole.len() > 15
        || decimals > 3
        || fraction.is_some_and(|f| f.is_empty() || f.len() > decimals as usize)
    {
        return None;
    }
    let mut mantissa: i64 = 0;
    for &b in whole.iter().chain(fraction.unwrap_or_default()) {
        if !b.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa * 10 + i64::from(b - b'0');
    }
    if negative && mantissa == 0 {
        return None;
    }
    let scale = fraction.map_or(0, <[u8]>::len) as u32;
    Some((if negative { -mantissa } else { mantissa }, scale))
}

// ---------------------------------------------------------------------------------------------
// Aggregates, compiled once per read

/// Which rows an aggregate takes.
#[derive(Clone)]
enum Filter<'p> {
    All,
    /// A filter that reads only columns with listed values, decided once for every
    /// combination of their values (by the one evaluator): `true`, `false`, or an error.
    Table {
        columns: Vec<(usize, usize)>,
        outcomes: Vec<Option<bool>>,
    },
    /// A filter the evaluator decides per row; `guard`, when it starts with conditions on
    /// listed values only (`kind = "new" and date in ...`): the combinations of their values
    /// for which those conditions are `false`, so `and` decides the filter without the rest.
    Eval {
        expr: &'p Expr,
        guard: Option<Guard>,
        memo: Option<Memo>,
        /// A comparison of a number column with a number (`amount >= 50_000`), decided from
        /// the row's number; a row whose cell holds none (an empty amount) goes to the evaluator.
        compare: Option<Box<Compare>>,
    },
}

/// `column op number`, as the evaluator decides it for a number in the column: the outcomes
/// for the column's number below, equal to and above the constant.
#[derive(Clone, Copy)]
struct Compare {
    column: usize,
    constant: Decimal,
    /// The constant as a whole number of units of `10^-d`, for `d` decimals up to 7 (`None`
    /// where it has more, or it is too large): a plain amount of `d` decimals is compared
    /// by its digits' number, with no `Decimal` made.
    at_decimals: [Option<i128>; 8],
    /// Whether the filter holds when the row's number is less than, equal to, greater than
    /// the constant.
    holds: [bool; 3],
}

impl Compare {
    fn of(schema: &InputSchema, e: &Expr) -> Option<Compare> {
        use crate::lang::BinaryOp;
        let Node::Binary(op, left, right) = &e.node else { return None };
        let numeric = |c: usize| {
            schema.columns.get(c).is_some_and(|col| {
                matches!(col.ty, ColumnType::Money | ColumnType::Decimal | ColumnType::Integer | ColumnType::Percent)
            })
        };
        // The column on the left; `50_000 <= amount` is `amount >= 50_000`.
        let (column, constant, flipped) = match (&left.node, &right.node) {
            (Node::Column(c), Node::Const(Value::Number(k))) => (*c, *k, false),
            (Node::Const(Value::Number(k)), Node::Column(c)) => (*c, *k, true),
            _ => return None,
        };
        if !numeric(column) {
            return None;
        }
        // [less, equal, greater] of the column's number against the constant.
        let holds = match (op, flipped) {
            (BinaryOp::Eq, _) => [false, true, false],
            (BinaryOp::Ne, _) => [true, false, true],
            (BinaryOp::Lt, false) | (BinaryOp::Gt, true) => [true, false, false],
            (BinaryOp::Le, false) | (BinaryOp::Ge, true) => [true, true, false],
            (BinaryOp::Gt, false) | (BinaryOp::Lt, true) => [false, false, true],
            (BinaryOp::Ge, false) | (BinaryOp::Le, true) => [false, true, true],
            _ => return None,
        };
        let mut at_decimals = [None; 8];
        for (d, units) in (0u32..).zip(&mut at_decimals) {
            *units = d
                .checked_sub(constant.scale())
                .and_then(|up| 10i128.checked_pow(up))
                .and_then(|factor| constant.mantissa().checked_mul(factor));
        }
        Some(Compare { column, constant, at_decimals, holds })
    }

    /// Whether the row passes; `None` when its cell holds no number.
    fn decide(&self, cells: &[Cell<'_>]) -> Option<bool> {
        let cell = cells.get(self.column)?;
        let order = match cell {
            Cell::Money(mantissa, scale) => match self.at_decimals.get(*scale as usize).copied().flatten() {
                Some(units) => i128::from(*mantissa).cmp(&units),
                None => cell.number()?.cmp(&self.constant),
            },
            _ => cell.number()?.cmp(&self.constant),
        };
        let at = match order {
            std::cmp::Ordering::Less => 0,
            std::cmp::Ordering::Equal => 1,
            std::cmp::Ordering::Greater => 2,
        };
        self.holds.get(at).copied()
    }
}

/// A filter the evaluator decides that reads nothing but columns with listed values and one
/// date column (`kind = "new" and date in 2027-03-01 to 2027-03-31`): a pure function of
/// their values, so each thread keeps what the evaluator said for each combination of listed
/// values and date it met (a few thousand at most), and asks it once per combination, not
/// once per row.
#[derive(Clone)]
struct Memo {
    listed: Vec<(usize, usize)>,
    date: Option<usize>,
}

/// At most this many outcomes remembered per filter and thread; past it, the evaluator
/// decides the rows it has not met.
const MEMO_MAX: usize = 1 << 16;

impl Memo {
    fn of(schema: &InputSchema, e: &Expr) -> Option<Memo> {
        let (listed, dates) = pure_columns(schema, e)?;
        let combinations = listed.iter().try_fold(1usize, |n, (_, k)| n.checked_mul((*k).max(1)));
        let fits = combinations.is_some_and(|n| n <= 1 << 24) && dates.len() <= 1;
        fits.then(|| Memo { listed, date: dates.first().copied() })
    }

    /// The row's combination of listed values and its date as one number (`None`: a cell
    /// that is neither a listed value's code nor a date, left to the evaluator).
    fn key(&self, cells: &[Cell<'_>]) -> Option<u64> {
        let combination = combination(&self.listed, cells)? as u64;
        let day = match self.date.map(|c| cells.get(c)) {
            None => 0,
            Some(Some(Cell::Date(d))) => u64::from(d.num_days_from_ce().cast_unsigned()),
            Some(_) => return None,
        };
        Some(combination << 32 | day)
    }
}

/// Listed-value columns (with their number of values), and for each combination of their
/// values whether a start of a filter is exactly `false`.
type Guard = (Vec<(usize, usize)>, Vec<bool>);

/// What an aggregate adds up per row.
#[derive(Clone)]
enum Arg<'p> {
    /// `count(...)`.
    Nothing,
    /// A column, read as a number (sums) or as text (distinct counts).
    Column(usize),
    Eval(&'p Expr),
}

#[derive(Clone)]
struct FastAgg<'p> {
    func: AggFunc,
    filter: Filter<'p>,
    arg: Arg<'p>,
    /// A distinct count of a text column: numbered by its text, not by a value.
    distinct_text: bool,
    /// The same aggregate of an earlier plan of the read: folded once, for both, when the
    /// plans put rows in the same buckets and it adds up the same thing.
    shared: Option<Shared>,
}

/// Where a shared aggregate is folded: an earlier plan's aggregate, and the factor this plan
/// scales its column by when that plan does not (a sum of amounts a budget's rerun scales is
/// the sum of the amounts times the factor, when every row's product is exact).
#[derive(Debug, Clone, Copy)]
struct Shared {
    plan: usize,
    agg: usize,
    times: Option<Decimal>,
}

/// What a plan does with the rows of a chunked read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Folds them per payee and period.
    Fold,
    /// Keeps each row's share of the credited row it names (`credit sales by credits.share`):
    /// the payee column, the reference column and the share column.
    Credits { payee: usize, reference: usize, share: usize },
    /// Keeps the rows, which name rows of another ledger (cancellations), until that ledger is
    /// read.
    Kept,
}

/// One plan's part in a chunked read.
#[derive(Clone)]
struct TaskJob<'a> {
    mode: Mode,
    request: usize,
    input: usize,
    plan: &'a Plan,
    payee_col: usize,
    period_col: usize,
    granularity: Granularity,
    defines_payees: bool,
    roster_mode: bool,
    /// The payees known before this read (the roster, or the ledger that defines them).
    known: &'a std::collections::BTreeMap<Arc<str>, Vec<Value>>,
    /// The same payees hashed, for a job that looks one up on every row (`Mode::Credits`).
    known_ids: ThreadIds<'a>,
    needed: &'a super::aggregate::Needed,
    compared_text: Vec<usize>,
    /// The columns the plan looks up in this input's rows, sorted: a row per payee and bucket
    /// is kept with their values (`TaskOut::rows`; a second one sends the read row by row).
    looked_up: Vec<usize>,
    aggs: Vec<FastAgg<'a>>,
    /// Per combination of the listed values the filters decided by table read, the aggregates
    /// a row may add to (`None`: every aggregate, in order).
    by_combination: Option<ByCombination>,
    /// Columns the `Eval` parts read (made into values only for them).
    eval_columns: Vec<usize>,
    /// Whether any part is computed by the evaluator (`Eval`).
    evaluates: bool,
    /// The payees whose used rows are kept for the row observer (`explain`: the payee, and
    /// their direct reports when the plan pays on reports' statements); empty: none.
    watch: Vec<&'a str>,
    /// Whether other payees' rows may be passed over: the plan trusts a record that the file
    /// was read whole with no problem, and no other ledger's rows name or credit this one's.
    skip_others: bool,
    /// A money column multiplied by a factor as it is read (the budget's reruns).
    scale: Option<(usize, Decimal)>,
    /// What the command tallies of this input besides the aggregates.
    tally: Option<&'a TallySpec>,
    /// An earlier plan of the read whose rows fall in the same buckets: this plan takes each
    /// row's bucket from it (no lookups of its own) and, at the end, its payees, buckets and
    /// counts.
    follows: Option<usize>,
    /// Whether any aggregate is folded for this plan (not all shared): without one, the plan
    /// keeps no states of its own.
    folds: bool,
    columns: usize,
    /// The plan's fold before this read: the credited rows' shares, the rows other ledgers name.
    state: &'a PlanFold<'a>,
    /// The plan credits this ledger's rows by shares (`credit sales by credits.share`): a row
    /// whose key has shares is folded for each credited payee, its sums weighed by the share.
    credited: bool,
    /// Rows of other ledgers name this ledger's rows (`sale: sales`): a named row is kept.
    named: bool,
    /// The columns of a named row anything reads (`named_columns`), the only ones it keeps.
    named_columns: Vec<bool>,
    /// The credit shares, and the keys other ledgers name, as this job's thread finds them on
    /// every row (`Credits::view`, `NamedRows::keys`: each thread clones the jobs, and so has
    /// its own copy of what a lookup reads first).
    shares_view: Option<SharesView<'a>>,
    named_keys: Option<crate::data::keys::KeyView<'a>>,
    /// Its rows are named late (`NamedRows::late`): every row read is kept for the rows naming
    /// it, read after it.
    named_late: bool,
    /// The key column, when the plan credits or names rows by it.
    key_col: Option<usize>,
    /// The roster's start column: a row dated before its payee's start is refused.
    start: Option<usize>,
}

/// Known payees' ids, to look up on every row, each with a reference-counted copy of its own:
/// a clone (each thread clones the jobs it folds with) makes its copies anew, so that the
/// counts a thread raises on every share it reads lie in memory no other thread writes
/// (shared, two threads counting up the same 500 payees took each other's cache lines on
/// nearly every one of the 2027 plan's 2.4M shares).
#[derive(Default)]
struct ThreadIds<'a> {
    index: FxHashMap<&'a str, u32>,
    arcs: Vec<Arc<str>>,
}

impl<'a> ThreadIds<'a> {
    fn new(ids: impl Iterator<Item = &'a Arc<str>>) -> ThreadIds<'a> {
        let mut out = ThreadIds::default();
        for id in ids {
            out.index.insert(id, out.arcs.len() as u32);
            out.arcs.push(Arc::from(&**id));
        }
        out
    }

    fn get(&self, id: &str) -> Option<&Arc<str>> {
        self.index.get(id).and_then(|&i| self.arcs.get(i as usize))
    }
}

impl Clone for ThreadIds<'_> {
    fn clone(&self) -> Self {
        ThreadIds { index: self.index.clone(), arcs: self.arcs.iter().map(|a| Arc::from(&**a)).collect() }
    }
}

impl<'a> TaskJob<'a> {
    fn new(request: &'a FoldRequest<'a>, state: &'a PlanFold<'a>, task: &Task<'_>) -> Result<TaskJob<'a>, NotPlain> {
        let plan = request.plan;
        let input = task.input;
        let defines_payees = match task.role {
            Role::PayeeLedger => true,
            Role::Ledger => false,
            Role::Credits | Role::Kept => return TaskJob::keeping(request, state, task),
            Role::Roster => return Err("the roster is read row by row".into()),
        };
        if plan.credit.is_some_and(|c| c.by == input) {
            return Err("its rows credit another ledger's rows".into());
        }
        let credited = plan.credit.is_some_and(|c| c.input == input);
        let named = state.names_rows_of(input);
        let Some(shape) = state.shape(input) else { return Err("its rows are not folded per payee".into()) };
        if credited && !shape.looked_up.is_empty() {
            return Err("a credited ledger the plan looks rows up in".into());
        }
        let schema = plan.inputs.get(input).ok_or("no input")?;
        if schema.columns.get(shape.payee_col).is_none_or(|c| c.ty != ColumnType::Text) {
            return Err("the payee column is not text".into());
        }
        let mut eval_columns = BTreeSet::new();
        let mut aggs = Vec::new();
        for &a in &shape.aggs {
            let agg = plan.aggregates.get(a).ok_or("no aggregate")?;
            let filter = match &agg.filter {
                None => Filter::All,
                Some(f) => match listed_only(schema, f) {
                    Some(columns) => decide_by_table(plan, schema, f, columns),
                    None => {
                        columns_read(f, &mut eval_columns);
                        Filter::Eval {
                            expr: f,
                            guard: guard_of(plan, schema, f),
                            memo: Memo::of(schema, f),
                            compare: Compare::of(schema, f).map(Box::new),
                        }
                    }
                },
            };
            let column_of = |e: &Expr| match e.node {
                Node::Column(c) => Some(c),
                _ => None,
            };
            let numeric = |c: usize| {
                schema.columns.get(c).is_some_and(|col| {
                    matches!(
                        col.ty,
                        ColumnType::Money | ColumnType::Decimal | ColumnType::Integer | ColumnType::Percent
                    )
                })
            };
            let text = |c: usize| schema.columns.get(c).is_some_and(|col| col.ty == ColumnType::Text);
            let date = |c: usize| schema.columns.get(c).is_some_and(|col| col.ty == ColumnType::Date);
            let (arg, distinct_text) = match (&agg.arg, agg.func) {
                (_, AggFunc::Count) => (Arg::Nothing, false),
                (None, _) => (Arg::Nothing, false),
                (Some(e), AggFunc::CountDistinct) => match column_of(e) {
                    Some(c) if text(c) => (Arg::Column(c), true),
                    _ => {
                        columns_read(e, &mut eval_columns);
                        (Arg::Eval(e), false)
                    }
                },
                (Some(e), func) => match column_of(e) {
                    Some(c) if numeric(c) => (Arg::Column(c), false),
                    // The earliest or latest date, as read.
                    Some(c) if matches!(func, AggFunc::Min | AggFunc::Max) && date(c) => (Arg::Column(c), false),
                    _ => {
                        columns_read(e, &mut eval_columns);
                        (Arg::Eval(e), false)
                    }
                },
            };
            aggs.push(FastAgg { func: agg.func, filter, arg, distinct_text, shared: None });
        }
        let evaluates = aggs.iter().any(|a| matches!(a.filter, Filter::Eval { .. }) || matches!(a.arg, Arg::Eval(_)));
        Ok(TaskJob {
            mode: Mode::Fold,
            evaluates,
            watch: watched_payees(request, state),
            skip_others: request.trust.passes_over() && request.observed_payee.is_some(),
            scale: request.scale.filter(|s| s.input == input).map(|s| (s.column, s.factor)),
            tally: request.tally.as_ref().filter(|t| t.input == input),
            follows: None,
            folds: true,
            request: task.request,
            input,
            plan,
            payee_col: shape.payee_col,
            period_col: shape.period_col,
            granularity: shape.granularity,
            defines_payees,
            roster_mode: matches!(plan.payee, PayeeSource::Roster { .. }),
            known: state.payees(),
            known_ids: ThreadIds::default(),
            needed: &request.needed,
            compared_text: shape.compared_text.clone(),
            looked_up: shape.looked_up.clone(),
            aggs,
            by_combination: None,
            eval_columns: eval_columns.into_iter().collect(),
            columns: schema.columns.len(),
            state,
            credited,
            named,
            named_columns: super::references::named_columns(plan, input),
            shares_view: credited.then(|| state.credits().view()),
            named_keys: state.named(input).filter(|_| named).map(|n| n.keys()),
            named_late: state.named(input).is_some_and(|n| named && n.is_late()),
            key_col: schema.key.filter(|_| credited || named),
            start: plan.roster().and_then(|r| r.start),
        })
    }
}

/// The payees whose rows the observer wants: the observed payee, and with
/// `FoldRequest::observe_reports` their direct reports (the roster's manager column, read
/// before any ledger that is folded).
fn watched_payees<'a>(request: &'a FoldRequest<'a>, state: &'a PlanFold<'a>) -> Vec<&'a str> {
    let Some(payee) = request.observed_payee.as_deref() else { return Vec::new() };
    let mut watch = vec![payee];
    if let (true, Some(manager)) = (request.observe_reports, request.plan.manager_column()) {
        for (id, attrs) in state.payees() {
            if matches!(attrs.get(manager), Some(Value::Text(m)) if &**m == payee) {
                watch.push(id);
            }
        }
    }
    watch
}

impl<'a> TaskJob<'a> {
    /// A job that keeps the rows (credit shares, rows naming rows) rather than folding them.
    fn keeping(
        request: &'a FoldRequest<'a>,
        state: &'a PlanFold<'a>,
        task: &Task<'_>,
    ) -> Result<TaskJob<'a>, NotPlain> {
        let plan = request.plan;
        let schema = plan.inputs.get(task.input).ok_or("no input")?;
        let mode = match (task.role, plan.credit) {
            (Role::Credits, Some(credit)) if credit.by == task.input => Mode::Credits {
                payee: schema.payee.ok_or("no payee column")?,
                reference: credit.reference,
                share: credit.share,
            },
            (Role::Kept, _) => Mode::Kept,
            _ => return Err("rows the row-by-row reader keeps".into()),
        };
        // Trusting a record, a plan's shares of payees not observed are passed over (their
        // rows' keys noted, `Skip::notes`): they count for no one observed; and rows naming
        // rows named late, those naming a row not read.
        let late = matches!(mode, Mode::Kept)
            && super::aggregate::late_target(plan, task.input)
                .is_some_and(|t| state.named(t).is_some_and(super::references::NamedRows::is_late));
        let skip_others = (matches!(mode, Mode::Credits { .. }) || late)
            && request.trust.passes_over()
            && request.observed_payee.is_some();
        Ok(TaskJob {
            mode,
            evaluates: false,
            watch: if skip_others { watched_payees(request, state) } else { Vec::new() },
            skip_others,
            scale: None,
            tally: None,
            follows: None,
            folds: false,
            request: task.request,
            input: task.input,
            plan,
            payee_col: 0,
            period_col: 0,
            granularity: Granularity::Month,
            defines_payees: false,
            roster_mode: matches!(plan.payee, PayeeSource::Roster { .. }),
            known: state.payees(),
            known_ids: ThreadIds::new(state.payees().keys()),
            needed: &request.needed,
            compared_text: Vec::new(),
            looked_up: Vec::new(),
            aggs: Vec::new(),
            by_combination: None,
            eval_columns: Vec::new(),
            columns: schema.columns.len(),
            state,
            credited: false,
            named: false,
            named_columns: Vec::new(),
            shares_view: None,
            named_keys: None,
            named_late: false,
            key_col: None,
            start: None,
        })
    }
}

impl TaskJob<'_> {
    /// Whether this plan's part may look at column `c`'s cell. Kept rows and shares, watched
    /// rows (`explain`) and a tally may look at every column; a fold looks at its payee,
    /// period (a hire date is compared with it) and key, the columns a named row keeps
    /// (`named_columns`), the text it compares, the columns its aggregates take or filter by
    /// (an evaluated part's in `eval_columns`) and the column it scales. (A credited row is
    /// found by its key, and folded as any other for each of its payees.)
    fn reads(&self, c: usize) -> bool {
        let everything = self.mode != Mode::Fold || !self.watch.is_empty() || self.tally.is_some();
        everything
            || (self.named && self.named_columns.get(c).is_none_or(|&kept| kept))
            || c == self.payee_col
            || c == self.period_col
            || self.key_col == Some(c)
            || self.compared_text.contains(&c)
            || self.eval_columns.contains(&c)
            || self.scale.is_some_and(|(s, _)| s == c)
            || self.aggs.iter().any(|a| {
                let filtered = match &a.filter {
                    Filter::All => false,
                    Filter::Table { columns, .. } => columns.iter().any(|&(t, _)| t == c),
                    // Its expression's columns are in `eval_columns`; its guard and memo read
                    // some of them.
                    Filter::Eval { .. } => false,
                };
                filtered || matches!(a.arg, Arg::Column(x) if x == c)
            })
    }

    /// Whether `other`'s rows fall in the same buckets as this plan's, row for row, with the
    /// same weights (a plan that credits rows by shares puts them in the buckets of its
    /// credited payees: the same when the two plans' shares are the same, as `budget`'s
    /// reruns' are; they are compared once, by [`share_aggregates`]).
    fn same_buckets(&self, other: &TaskJob<'_>, same_shares: bool) -> bool {
        self.mode == Mode::Fold
            && other.mode == Mode::Fold
            && self.looked_up.is_empty()
            && other.looked_up.is_empty()
            && self.credited == other.credited
            && (!self.credited || same_shares)
            && self.input == other.input
            && self.payee_col == other.payee_col
            && self.period_col == other.period_col
            && self.granularity == other.granularity
            && self.defines_payees == other.defines_payees
            && self.roster_mode == other.roster_mode
            && self.needed == other.needed
            && self.watch == other.watch
            && (std::ptr::eq(self.known, other.known) || self.known.keys().eq(other.known.keys()))
    }

    /// The factor column `c` is multiplied by as this plan reads it.
    fn factor(&self, c: usize) -> Option<Decimal> {
        self.scale.filter(|(s, _)| *s == c).map(|(_, f)| f)
    }

    /// Whether aggregate `a` adds up exactly what aggregate `b` of `other` does, row for row:
    /// the same function of the same column, with no filter or one decided by the same table
    /// (`Some(None)`), or the same sum or average of a column this plan scales by a factor and
    /// `other` does not (`Some(Some(factor))`). An aggregate the evaluator computes is never
    /// taken as the same.
    fn same_agg(&self, a: usize, other: &TaskJob<'_>, b: usize) -> Option<Option<Decimal>> {
        let (x, y) = (self.aggs.get(a)?, other.aggs.get(b)?);
        let filters = match (&x.filter, &y.filter) {
            (Filter::All, Filter::All) => true,
            (Filter::Table { columns, outcomes }, Filter::Table { columns: theirs, outcomes: their_outcomes }) => {
                columns == theirs && outcomes == their_outcomes
            }
            _ => false,
        };
        let times = match (&x.arg, &y.arg) {
            (Arg::Nothing, Arg::Nothing) => None,
            (Arg::Column(c), Arg::Column(d)) if c == d => match (self.factor(*c), other.factor(*d)) {
                (mine, theirs) if mine == theirs => None,
                (Some(f), None) if matches!(x.func, AggFunc::Sum | AggFunc::Avg) => Some(f),
                _ => return None,
            },
            _ => return None,
        };
        (x.func == y.func && x.distinct_text == y.distinct_text && filters).then_some(times)
    }
}

/// Marks every aggregate an earlier plan of the read adds up the same way as shared with it,
/// and a plan whose rows fall in the buckets of an earlier one as following it.
fn share_aggregates(jobs: &mut [TaskJob<'_>]) {
    for j in 1..jobs.len() {
        let (before, rest) = jobs.split_at_mut(j);
        let Some(job) = rest.first_mut() else { continue };
        // Per earlier plan: whether its rows fall in the same buckets; for two plans that
        // credit this ledger, once all else agrees, whether by the same shares (every share
        // compared, once).
        let same: Vec<bool> = before
            .iter()
            .map(|other| {
                job.same_buckets(other, true)
                    && (!job.credited || job.state.credits().same_shares(other.state.credits()))
            })
            .collect();
        // A leader makes buckets (it has aggregates or a tally); the observed payee's rows, the
        // named rows and the checks against hire dates are each plan's own (their values may be
        // scaled, their rosters differ). A credited row is folded for each credited payee, in
        // buckets no plan follows.
        job.follows = before.iter().zip(&same).position(|(lead, &same)| {
            lead.follows.is_none()
                && (!lead.aggs.is_empty() || lead.tally.is_some())
                && job.watch.is_empty()
                && !job.named
                && !job.credited
                && job.start.is_none()
                && same
        });
        for a in 0..job.aggs.len() {
            let found =
                before.iter().zip(&same).enumerate().filter(|(_, (_, &same))| same).find_map(|(k, (other, _))| {
                    (0..other.aggs.len()).find_map(|b| match other.aggs.get(b).and_then(|o| o.shared) {
                        Some(_) => None,
                        None => job.same_agg(a, other, b).map(|times| Shared { plan: k, agg: b, times }),
                    })
                });
            if let Some(agg) = job.aggs.get_mut(a) {
                agg.shared = found;
            }
        }
        job.folds = job.aggs.iter().any(|a| a.shared.is_none());
        // A plan whose folded parts no longer read the column it scales reads the rows as
        // they are (no cell scaled on each row).
        if let Some((column, _)) = job.scale {
            let reads = job.aggs.iter().filter(|a| a.shared.is_none()).any(|a| {
                matches!(a.filter, Filter::Eval { .. })
                    || matches!(a.arg, Arg::Eval(_))
                    || matches!(a.arg, Arg::Column(c) if c == column)
            });
            if !reads && job.watch.is_empty() && job.tally.is_none_or(|t| t.column != column) {
                job.scale = None;
            }
        }
    }
}

/// Gives each plan's shared aggregates the states of the plan they were folded for.
fn fill_shared(jobs: &[TaskJob<'_>], finished: &mut [Finished]) -> Result<(), NotPlain> {
    type Index<'a> = FxHashMap<&'a super::aggregate::BucketKey, usize>;
    for (j, job) in jobs.iter().enumerate() {
        let (before, rest) = finished.split_at_mut(j);
        let Some(this) = rest.first_mut() else { continue };
        let shared: Vec<(usize, Shared)> =
            job.aggs.iter().enumerate().filter_map(|(a, agg)| agg.shared.map(|s| (a, s))).collect();
        // A plan that follows another's buckets and folds nothing of its own was not merged
        // bucket by bucket (`TaskMerge::absorb`): its buckets are that plan's, its states all
        // shared.
        let lead = match (job.follows, job.folds) {
            (Some(l), false) => Some(before.get(l).ok_or("no plan to follow")?),
            _ => None,
        };
        if shared.is_empty() && lead.is_none() {
            continue;
        }
        // Per earlier plan, its buckets' places by key: made only when a bucket of this plan
        // is not at the same place in that plan's (a plan that follows another has its
        // buckets, in its order).
        let mut indexes: Vec<Option<Index<'_>>> = vec![None; before.len()];
        let before = &*before;
        let mut state_of =
            |i: usize, key: &super::aggregate::BucketKey, share: Shared| -> Result<Option<AggState>, NotPlain> {
                let from = before.get(share.plan).ok_or("no plan to share with")?;
                let place = match from.buckets.get(i) {
                    Some((theirs, _)) if theirs == key => i,
                    _ => {
                        let index =
                            indexes.get_mut(share.plan).ok_or("no plan to share with")?.get_or_insert_with(|| {
                                from.buckets.iter().enumerate().map(|(i, (key, _))| (key, i)).collect()
                            });
                        *index.get(key).ok_or("a shared aggregate with no bucket")?
                    }
                };
                shared_state(from, place, share)
            };
        match lead {
            // Every aggregate shared with the plan it follows: its buckets, in its order, on
            // all cores.
            Some(lead) if shared.iter().all(|(_, share)| job.follows == Some(share.plan)) => {
                if !this.buckets.is_empty() || shared.len() != job.aggs.len() {
                    return Err("a plan that follows with buckets of its own".into());
                }
                this.buckets = lead
                    .buckets
                    .par_iter()
                    .enumerate()
                    .with_min_len(1024)
                    .map(|(i, (key, _))| {
                        let states: Result<BucketStates, NotPlain> = shared
                            .iter()
                            .filter_map(|&(a, share)| {
                                shared_state(lead, i, share).transpose().map(|s| s.map(|s| (a, s)))
                            })
                            .collect();
                        states.map(|states| (key.clone(), states))
                    })
                    .collect::<Result<_, _>>()?;
            }
            Some(lead) => {
                if !this.buckets.is_empty() || shared.len() != job.aggs.len() {
                    return Err("a plan that follows with buckets of its own".into());
                }
                let mut buckets = Vec::with_capacity(lead.buckets.len());
                for (i, (key, _)) in lead.buckets.iter().enumerate() {
                    let mut states = Vec::with_capacity(shared.len());
                    for &(a, share) in &shared {
                        states.extend(state_of(i, key, share)?.map(|s| (a, s)));
                    }
                    buckets.push((key.clone(), states.into_iter().collect()));
                }
                this.buckets = buckets;
            }
            None => {
                for (i, (key, states)) in this.buckets.iter_mut().enumerate() {
                    for &(a, share) in &shared {
                        // Not folded by this plan: its bucket has no state for it yet.
                        if let Some(state) = state_of(i, key, share)? {
                            states.insert(a, state).ok_or("no aggregate")?;
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// A shared aggregate's state: that of the plan it is folded for, in its bucket at `place`,
/// times the factor the sharing plan scales it by (none when no row there was taken by it).
fn shared_state(from: &Finished, place: usize, share: Shared) -> Result<Option<AggState>, NotPlain> {
    let Shared { agg: b, times, .. } = share;
    let (_, theirs) = from.buckets.get(place).ok_or("a shared aggregate with no bucket")?;
    let Some(state) = theirs.get(b) else { return Ok(None) };
    let exact = |d: Decimal, f: Decimal| -> Result<Decimal, NotPlain> {
        let nonzero = from.nonzero.get(place * from.width + b).copied().ok_or("no sum kept to scale")?;
        let largest = from.largest.get(b).copied().unwrap_or(u128::MAX);
        scaled_sum(d, nonzero, f, largest).ok_or_else(|| "a scaled sum that is not exact".to_string())
    };
    Ok(Some(match (times, state) {
        (None, state) => state.clone(),
        (Some(f), AggState::Sum(d)) => AggState::Sum(exact(*d, f)?),
        (Some(f), AggState::Avg(avg)) => AggState::Avg(Box::new((exact(avg.0, f)?, avg.1))),
        (Some(_), _) => return Err("a scaled aggregate that is not a sum".into()),
    }))
}

/// The sum the row-by-row fold of a plan that scales a column reaches (each term times
/// `factor`, added up as `exact_total` adds), from the sum `d` of the terms as they are, the
/// decimals of their most precise term that is not zero (`nonzero`, as [`Sum`] keeps it) and
/// the largest of their mantissas; `None` when it cannot be told exactly, and the read goes
/// row by row.
fn scaled_sum(d: Decimal, nonzero: u8, factor: Decimal, largest: u128) -> Option<Decimal> {
    // Every term times the factor was exact (its digits and the factor's fit a decimal's 96
    // bits), so the sum times the factor is the sum of the products.
    if largest.checked_mul(factor.mantissa().unsigned_abs()).is_none_or(|m| m >> 96 != 0) {
        return None;
    }
    // And the sums the row-by-row fold of the scaled terms reaches on the way stay in 96 bits,
    // as `LIMIT` says: terms of at most `SCALE` decimals, a factor of at most 1.2 (`budget`'s
    // are 1.01 and 1 +- 0.000001).
    if d.scale() + factor.scale() > SCALE || factor.abs() > Decimal::new(12, 1) {
        return None;
    }
    // A zero term times the factor is a zero of no decimals (`Decimal`'s product), any other
    // has the term's decimals and the factor's: the scaled sum has those of its most precise
    // term that is not zero, or none (a bucket of zero terms, or of none: the fold's zero).
    let Some(decimals) = nonzero.checked_sub(1) else {
        return d.is_zero().then_some(Decimal::ZERO);
    };
    let product = d.checked_mul(factor)?;
    if !d.is_zero() && product.scale() != d.scale() + factor.scale() {
        return None;
    }
    let mut scaled = product;
    scaled.rescale(u32::from(decimals) + factor.scale());
    (scaled == product).then_some(scaled)
}

fn columns_read(e: &Expr, into: &mut BTreeSet<usize>) {
    crate::plan::visit::visit(e, &mut |x| {
        if let Node::Column(c) = x.node {
            into.insert(c);
        }
    });
}

/// The listed-value columns a filter reads (with their number of values), when it reads
/// nothing else that varies by row or payee and the combinations are few.
fn listed_only(schema: &InputSchema, e: &Expr) -> Option<Vec<(usize, usize)>> {
    let (listed, dates) = pure_columns(schema, e)?;
    let combinations = listed.iter().try_fold(1usize, |n, (_, k)| n.checked_mul((*k).max(1)));
    (dates.is_empty() && combinations.is_some_and(|n| n <= 4096)).then_some(listed)
}

/// Columns with listed values, each with its number of values.
type Listed = Vec<(usize, usize)>;

/// The columns an expression reads when it reads nothing else that varies by row or payee
/// and every column it reads has listed values (each with its number of values) or is a
/// date: a pure function of those columns.
fn pure_columns(schema: &InputSchema, e: &Expr) -> Option<(Listed, Vec<usize>)> {
    let mut ok = true;
    let mut listed = BTreeSet::new();
    let mut dates = BTreeSet::new();
    crate::plan::visit::visit(e, &mut |x| match &x.node {
        Node::Column(c) => match schema.columns.get(*c) {
            Some(col) => match (&col.values, col.ty) {
                (Some(values), _) => {
                    listed.insert((*c, values.len()));
                }
                (None, ColumnType::Date) => {
                    dates.insert(*c);
                }
                _ => ok = false,
            },
            None => ok = false,
        },
        Node::Const(_)
        | Node::Unary(..)
        | Node::Binary(..)
        | Node::In(..)
        | Node::If(..)
        | Node::Between(..)
        | Node::Min(_)
        | Node::Max(_)
        | Node::Abs(_)
        | Node::Default(..) => {}
        _ => ok = false,
    });
    ok.then(|| (listed.into_iter().collect(), dates.into_iter().collect()))
}

fn decide_by_table<'p>(plan: &Plan, schema: &InputSchema, e: &'p Expr, columns: Vec<(usize, usize)>) -> Filter<'p> {
    let total = columns.iter().map(|(_, k)| (*k).max(1)).product::<usize>();
    let nobody: Arc<str> = Arc::from("");
    let mut outcomes = Vec::with_capacity(total);
    let mut row = vec![Value::Missing; schema.columns.len()];
    for index in 0..total {
        set_combination(schema, &columns, index, &mut row);
        let env = RowEnv { row: &row, payee: None, payee_id: &nobody, joined: None, in_month: &[] };
        outcomes.push(match eval_traced(plan, e, &env, &mut NoTrace) {
            Ok(v) => Some(v == Value::Bool(true)),
            Err(_) => None,
        });
    }
    Filter::Table { columns, outcomes }
}

/// The longest start of a filter's chain of `and`s (`a and b and c` is `(a and b) and c`)
/// that reads listed values only, decided for every combination: `true` where it is exactly
/// `false`, so the evaluator, which stops at a false left side of `and`, returns `false`
/// for the whole filter without evaluating the rest.
fn guard_of(plan: &Plan, schema: &InputSchema, filter: &Expr) -> Option<Guard> {
    let mut node = filter;
    while let Node::Binary(crate::lang::BinaryOp::And, left, _) = &node.node {
        node = left;
        if let Some(columns) = listed_only(schema, node) {
            let total = columns.iter().map(|(_, k)| (*k).max(1)).product::<usize>();
            let nobody: Arc<str> = Arc::from("");
            let mut row = vec![Value::Missing; schema.columns.len()];
            let mut false_for = Vec::with_capacity(total);
            for index in 0..total {
                set_combination(schema, &columns, index, &mut row);
                let env = RowEnv { row: &row, payee: None, payee_id: &nobody, joined: None, in_month: &[] };
                false_for.push(matches!(eval_traced(plan, node, &env, &mut NoTrace), Ok(Value::Bool(false))));
            }
            return Some((columns, false_for));
        }
    }
    None
}

/// Puts combination `index` of the listed values of `columns` in `row`.
fn set_combination(schema: &InputSchema, columns: &[(usize, usize)], index: usize, row: &mut [Value]) {
    let mut rest = index;
    for &(c, k) in columns {
        let code = rest % k.max(1);
        rest /= k.max(1);
        let value = schema.columns.get(c).and_then(|col| col.values.as_ref()).and_then(|v| v.get(code));
        if let Some(slot) = row.get_mut(c) {
            *slot = value.map_or(Value::Missing, |v| Value::text(v));
        }
    }
}

/// Which aggregates a row may add to, by the row's combination of the listed values that
/// filters decided by table read (`Filter::Table`): every aggregate but those such a filter
/// leaves out for that combination, and those another plan of the read folds (`shared`). A
/// plan of thirty components, most filtered by business, kind or customer group, adds a row
/// to about ten: the row is not put to the other twenty's filters one by one.
#[derive(Clone)]
struct ByCombination {
    /// The listed columns every table filter reads, with their numbers of values.
    columns: Vec<(usize, usize)>,
    /// Per combination (numbered as `combination` numbers them over `columns`), the
    /// aggregates' numbers, in order, each with [`TAKEN`] when the row is known to pass its
    /// filter (none, or a table's `true` for the combination).
    lists: Vec<Vec<u16>>,
}

/// In a [`ByCombination`] list, the mark of an aggregate whose filter the row passes: the
/// aggregate's number is the rest.
const TAKEN: u16 = 1 << 15;

/// An aggregate's number in a [`ByCombination`] list, and whether the row passes its filter.
fn listed_aggregate(entry: u16) -> (usize, bool) {
    (usize::from(entry & !TAKEN), entry & TAKEN != 0)
}

/// More combinations than this and every aggregate is tried on every row, as before.
const MOST_COMBINATIONS: usize = 4096;

impl ByCombination {
    fn of(aggs: &[FastAgg<'_>]) -> Option<ByCombination> {
        let mut columns: Vec<(usize, usize)> = Vec::new();
        for agg in aggs.iter().filter(|a| a.shared.is_none()) {
            if let Filter::Table { columns: read, .. } = &agg.filter {
                for &(c, k) in read {
                    if !columns.iter().any(|&(d, _)| d == c) {
                        columns.push((c, k));
                    }
                }
            }
        }
        let total = columns.iter().try_fold(1usize, |n, (_, k)| n.checked_mul((*k).max(1)))?;
        // With no table filter, one list (of the aggregates not shared: a `budget` rerun
        // that folds two of thirty-one), or none when it would be every aggregate.
        if (columns.is_empty() && aggs.iter().all(|a| a.shared.is_none())) || total > MOST_COMBINATIONS {
            return None;
        }
        let mut lists = Vec::with_capacity(total);
        for index in 0..total {
            // The code of each listed column in this combination.
            let code = |c: usize| {
                let mut rest = index;
                for &(d, k) in &columns {
                    if d == c {
                        return rest % k.max(1);
                    }
                    rest /= k.max(1);
                }
                0
            };
            let mut list = Vec::new();
            for (a, agg) in aggs.iter().enumerate().filter(|(_, a)| a.shared.is_none()) {
                let outcome = match &agg.filter {
                    Filter::All => Some(true),
                    Filter::Table { columns: read, outcomes } => {
                        let mut own = 0usize;
                        let mut stride = 1usize;
                        for &(c, k) in read {
                            own += code(c) * stride;
                            stride *= k.max(1);
                        }
                        // An outcome that is an error stays in, unmarked: its row is refused
                        // as before.
                        outcomes.get(own).copied().flatten()
                    }
                    Filter::Eval { .. } => None,
                };
                let a = u16::try_from(a).ok().filter(|&a| a < TAKEN)?;
                match outcome {
                    Some(false) => {}
                    Some(true) => list.push(a | TAKEN),
                    None => list.push(a),
                }
            }
            lists.push(list);
        }
        Some(ByCombination { columns, lists })
    }

    /// The aggregates a row may add to; `None` for a row with a listed column that holds no
    /// listed value's code (every aggregate is then tried, and a table filter refuses it).
    fn list(&self, cells: &[Cell<'_>]) -> Option<&[u16]> {
        self.lists.get(combination(&self.columns, cells)?).map(Vec::as_slice)
    }
}

/// A row's combination of listed values, as `set_combination` numbers them (`None`: a cell
/// that is not a listed value's code).
fn combination(columns: &[(usize, usize)], cells: &[Cell<'_>]) -> Option<usize> {
    let mut index = 0usize;
    let mut stride = 1usize;
    for &(c, k) in columns {
        match cells.get(c) {
            Some(Cell::Code(code)) => index += *code as usize * stride,
            _ => return None,
        }
        stride *= k.max(1);
    }
    Some(index)
}

// ---------------------------------------------------------------------------------------------
// Exact sums as scaled integers

/// Decimals every sum is kept at; a term with more is left to the row-by-row fold. Fourteen
/// take an amount of cents times `budget`'s step of a millionth times a share of six decimals
/// (33.5% is three).
const SCALE: u32 = 14;
/// Each thread's running sum stays below 10^27 units, 10^13 in the currency's (a bucket is one
/// payee's month or quarter: far beyond any real ledger). A sum the row-by-row fold reaches on
/// the way is at most the threads' running sums added, below 64 x 10^27 (at most
/// [`MAX_THREADS`]), so its `Decimal` (96 bits, 7.9 x 10^28) never loses a digit, in any order,
/// at any scale up to `SCALE`.
const LIMIT: i128 = 10i128.pow(27);
// A sum's units below the limit keep their high half in 32 bits ([`Sum`]).
const _: () = assert!(LIMIT < 1 << 95);

/// 10^0 ..= 10^SCALE.
const POWERS: [i64; SCALE as usize + 1] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
];

/// An exact sum: `units` of 10^-SCALE, and the decimals of its most precise term (the
/// decimals `value::exact_total` gives the same terms). The units (below [`LIMIT`], 90 bits)
/// are kept as a 64-bit low half and a 32-bit high one, and the decimals as [`Decimals`], so a
/// sum is 16 bytes and so is a bucket's state ([`BlockState`]): a bucket's states are the
/// one thing a row writes at random, and smaller states stay in the cache (a bucket of the
/// thirty-one aggregates of `bench/thirty.policy` takes 496 bytes, not 992).
#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    low: u64,
    high: i32,
    scale: Decimals,
    /// One more than the decimals of its most precise term that is not zero (0: every term
    /// was zero, or none came): the decimals of the sum of the terms each times a factor
    /// ([`scaled_sum`]), as `Decimal` writes a zero product with none.
    nonzero: u8,
}

/// A sum's decimals, 0 to [`SCALE`]: a byte of fifteen values, so that the byte's other
/// values tell a [`BlockState`]'s kinds apart and a state takes no word for its kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
enum Decimals {
    #[default]
    P0,
    P1,
    P2,
    P3,
    P4,
    P5,
    P6,
    P7,
    P8,
    P9,
    P10,
    P11,
    P12,
    P13,
    P14,
}

impl Decimals {
    const ALL: [Decimals; SCALE as usize + 1] = [
        Decimals::P0,
        Decimals::P1,
        Decimals::P2,
        Decimals::P3,
        Decimals::P4,
        Decimals::P5,
        Decimals::P6,
        Decimals::P7,
        Decimals::P8,
        Decimals::P9,
        Decimals::P10,
        Decimals::P11,
        Decimals::P12,
        Decimals::P13,
        Decimals::P14,
    ];

    /// `n` decimals; `None` past [`SCALE`].
    fn of(n: u32) -> Option<Decimals> {
        Decimals::ALL.get(n as usize).copied()
    }

    fn get(self) -> u32 {
        self as u32
    }
}

impl Sum {
    fn units(&self) -> i128 {
        i128::from(self.high) << 64 | i128::from(self.low)
    }

    /// Keeps `units`; `None` at [`LIMIT`] or past it (below it, the high half fits 32 bits).
    fn set_units(&mut self, units: i128) -> Option<()> {
        if units.unsigned_abs() >= LIMIT as u128 {
            return None;
        }
        self.high = (units >> 64) as i32;
        self.low = units as u64;
        Some(())
    }

    fn add(&mut self, n: Decimal) -> Option<()> {
        self.add_parts(n.mantissa(), n.scale())
    }

    /// Adds `mantissa` x 10^-`scale`.
    fn add_parts(&mut self, mantissa: i128, scale: u32) -> Option<()> {
        if scale > SCALE {
            return None;
        }
        let power = *POWERS.get((SCALE - scale) as usize)?;
        // The usual amount fits 64 bits, and times 10^14 at most cannot overflow: one multiply
        // of two 64-bit numbers (the power is one, so its high half is known to be nothing).
        let units = match i64::try_from(mantissa) {
            Ok(m) => i128::from(m).wrapping_mul(i128::from(power)),
            Err(_) => mantissa.checked_mul(i128::from(power))?,
        };
        self.set_units(self.units().checked_add(units)?)?;
        // More decimals than the sum's come with its first terms only: the table is read then.
        // (It has every scale up to `SCALE`, checked above; were it to answer none, the read
        // would go row by row, this fold's sums let go, as for any `None` here.)
        if scale > self.scale.get() {
            self.scale = Decimals::of(scale)?;
        }
        // At most `SCALE` (checked above): fits a byte. (No branch: on every row.)
        self.nonzero = self.nonzero.max(u8::from(mantissa != 0) * (scale as u8 + 1));
        Some(())
    }

    fn merge(&mut self, other: &Sum) -> Option<()> {
        self.set_units(self.units().checked_add(other.units())?)?;
        self.scale = self.scale.max(other.scale);
        self.nonzero = self.nonzero.max(other.nonzero);
        Some(())
    }

    fn decimal(&self) -> Option<Decimal> {
        let scale = self.scale.get();
        let unit = i128::from(*POWERS.get((SCALE - scale) as usize)?);
        let units = self.units();
        (units % unit == 0).then_some(())?;
        Decimal::try_from_i128_with_scale(units / unit, scale).ok()
    }
}

/// A distinct value's code in a run's fold: with this bit, a numbered text (its class in the
/// run, below 2^11, above bit 20, its number below); without it, its number in the run's list
/// of values.
const NUMBERED: u32 = 1 << 31;
/// The bits of a numbered text's number in its code (six digits fit).
const NUMBER_BITS: u32 = 20;
/// Numbered texts of at most this many digits are coded by number (the merge then numbers a
/// class through a table of 10^width entries).
const NUMBERED_WIDTH: usize = 6;
/// The classes of numbered texts one thread's run of blocks can code by class (a code keeps
/// a class in the bits above the number's).
const RUN_CLASSES: usize = 1 << (31 - NUMBER_BITS);

/// One aggregate's state in one bucket of one block.
#[derive(Debug, Clone)]
enum BlockState {
    Sum(Sum),
    Count(u64),
    /// The codes of the values seen (see [`NUMBERED`]); boxed, so the states a row adds to
    /// stay small and close together, and made when the first code comes (over 100,000
    /// payees, most buckets of a plan of several distinct counts take no row for some).
    Distinct(Option<Box<DistinctValues>>),
    /// Boxed too (an average is rare), made by the first row: every state then fits 16 bytes.
    Avg(Option<Box<(Sum, u64)>>),
    /// The least and the greatest value so far (`aggregate::keep_extreme`), boxed as well (a
    /// value is 24 bytes), made by the first row.
    Min(Option<Box<Value>>),
    Max(Option<Box<Value>>),
    /// The least and the greatest amount so far while every amount has the same decimals (a
    /// ledger's usual case), kept in the state: a row's amount is compared with it with no
    /// pointer followed (a boxed value lies anywhere in memory, and a plan with a `max` waited
    /// for it on every row). An amount of other decimals, or any other value, makes it the
    /// boxed `Min` or `Max` ([`BlockState::extreme`]), which keeps what `keep_extreme` keeps.
    MinAmount(Amount),
    MaxAmount(Amount),
}

/// A `min` or `max` state's value as `keep_extreme` keeps it, and the way it keeps.
type Extreme<'a> = (&'a mut Option<Box<Value>>, std::cmp::Ordering);

/// An amount and its decimals in one word, `mantissa × 16 + decimals` (decimals are at most
/// [`SCALE`], below 16): of equal decimals, the words order as the amounts do. An amount whose
/// mantissa times 16 does not fit 64 bits has no `Amount` (it is kept boxed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Amount(i64);

impl Amount {
    fn of(mantissa: i64, scale: u32) -> Option<Amount> {
        if scale > SCALE {
            return None;
        }
        mantissa.checked_mul(16)?.checked_add(i64::from(scale)).map(Amount)
    }

    fn scale(self) -> u32 {
        self.0.rem_euclid(16) as u32
    }

    fn mantissa(self) -> i64 {
        self.0.div_euclid(16)
    }

    /// The amount as `keep_extreme` keeps a value.
    fn boxed(self) -> Result<Box<Value>, NotPlain> {
        let n = Decimal::try_new(self.mantissa(), self.scale()).map_err(|_| "an amount the row-by-row fold keeps")?;
        Ok(Box::new(Value::Number(n)))
    }
}

// A sum's unused values of its decimals' byte ([`Decimals`]) tell the other kinds apart.
const _: () = assert!(std::mem::size_of::<BlockState>() == 16);

impl BlockState {
    /// Whether no row was taken: the state is the one a bucket starts with, which finishes to
    /// what a bucket with no state reads ([`BucketStates`]), and merges as none would: the
    /// merge keeps none of these.
    fn is_empty(&self) -> bool {
        let untouched = |s: &Sum| s.units() == 0 && s.scale == Decimals::P0 && s.nonzero == 0;
        match self {
            BlockState::Sum(s) => untouched(s),
            BlockState::Count(n) => *n == 0,
            BlockState::Distinct(codes) => codes.as_ref().is_none_or(|c| c.is_empty()),
            BlockState::Avg(avg) => avg.as_ref().is_none_or(|a| a.1 == 0 && untouched(&a.0)),
            BlockState::Min(v) | BlockState::Max(v) => v.is_none(),
            BlockState::MinAmount(_) | BlockState::MaxAmount(_) => false,
        }
    }

    /// A `min` or `max` state as `keep_extreme` keeps it, and the way it keeps (an amount kept
    /// in the state is boxed first); `None` for the other kinds.
    fn extreme(&mut self) -> Result<Option<Extreme<'_>>, NotPlain> {
        match *self {
            BlockState::MinAmount(a) => *self = BlockState::Min(Some(a.boxed()?)),
            BlockState::MaxAmount(a) => *self = BlockState::Max(Some(a.boxed()?)),
            _ => {}
        }
        Ok(match self {
            BlockState::Min(m) => Some((m, std::cmp::Ordering::Less)),
            BlockState::Max(m) => Some((m, std::cmp::Ordering::Greater)),
            _ => None,
        })
    }

    /// Adds an amount (`mantissa` units of `10^-scale`) to a `min` or `max` state: kept in the
    /// state while every amount has its decimals, else as `keep_extreme` keeps it. `false`
    /// for the other kinds, which it leaves as they were.
    #[inline]
    fn add_extreme_amount(&mut self, mantissa: i64, scale: u32) -> Result<bool, NotPlain> {
        match (&mut *self, Amount::of(mantissa, scale)) {
            // Of the same decimals, equal amounts are the same value: either is kept.
            (BlockState::MaxAmount(kept), Some(a)) if kept.scale() == scale => *kept = (*kept).max(a),
            (BlockState::MinAmount(kept), Some(a)) if kept.scale() == scale => *kept = (*kept).min(a),
            (BlockState::Max(None), Some(a)) => *self = BlockState::MaxAmount(a),
            (BlockState::Min(None), Some(a)) => *self = BlockState::MinAmount(a),
            (BlockState::Min(_) | BlockState::Max(_) | BlockState::MinAmount(_) | BlockState::MaxAmount(_), _) => {
                self.keep_extreme_amount(mantissa, scale)?
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// An amount of other decimals than the one kept in the state, or too large for an
    /// [`Amount`]: the state boxed, and the amount kept as `keep_extreme` keeps it.
    #[cold]
    fn keep_extreme_amount(&mut self, mantissa: i64, scale: u32) -> Result<(), NotPlain> {
        let n = Decimal::try_new(mantissa, scale).map_err(|_| "an amount the row-by-row fold keeps")?;
        if let Some((kept, way)) = self.extreme()? {
            keep_extreme(kept, Value::Number(n), way);
        }
        Ok(())
    }

    fn new(func: AggFunc) -> BlockState {
        match func {
            AggFunc::Sum => BlockState::Sum(Sum::default()),
            AggFunc::Count => BlockState::Count(0),
            AggFunc::CountDistinct => BlockState::Distinct(None),
            AggFunc::Avg => BlockState::Avg(None),
            AggFunc::Min => BlockState::Min(None),
            AggFunc::Max => BlockState::Max(None),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One block

/// What a block says about one id it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// A payee before this read.
    Known,
    /// Not seen before this read: a new payee of the ledger that defines them.
    New,
    /// No payee of the run (rows for nobody).
    Nobody,
}

/// A payee of a run's fold. Its buckets' slots in its entry come first, in the entry's first
/// cache line (a row of a fold of many payees waits for the memory once for them); what each
/// row checks (`TaskFold::checks`) is kept apart, two bytes a payee.
#[derive(Clone)]
#[repr(C, align(64))]
struct BlockPayee {
    /// Its buckets by period.
    buckets: PeriodSlots,
    id: String,
    /// The payee whose rows are kept for the row observer.
    watched: bool,
    /// Where its first row is.
    first: Pos,
    status: Status,
    rows: u64,
    /// Its start (the roster's hire date), when the plan checks rows against it.
    hired: Option<NaiveDate>,
}

/// A payee's buckets by period (`Period::ordinal`), over the span of periods met (`u32::MAX`:
/// no bucket yet); a span wider than [`PERIOD_SPAN`] leaves the rest to `TaskFold::bucket_index`.
/// The first [`NEAR_PERIODS`] lie in the payee's entry, from the start of the year of the
/// earliest period met (a calendar year of months); any later in a list of their own. Over
/// 100,000 payees, a list of its own for every payee was a third wait for the memory on each
/// row, after the payee's place and its entry (a tenth of a run at 10M rows).
#[derive(Debug, Clone)]
#[repr(C)]
struct PeriodSlots {
    /// The ordinal of the first slot (`i64::MIN`: none yet).
    first: i64,
    near: [u32; NEAR_PERIODS],
    far: Vec<u32>,
}

/// The periods whose buckets lie in a payee's entry ([`PeriodSlots`]).
const NEAR_PERIODS: usize = 12;

// The first period and the near slots lie in a payee's entry's first cache line.
const _: () = assert!(
    std::mem::offset_of!(BlockPayee, buckets) == 0
        && std::mem::offset_of!(PeriodSlots, near) + NEAR_PERIODS * 4 <= 64
        && std::mem::align_of::<BlockPayee>() == 64
);

impl Default for PeriodSlots {
    fn default() -> PeriodSlots {
        PeriodSlots { first: i64::MIN, near: [u32::MAX; NEAR_PERIODS], far: Vec::new() }
    }
}

/// Periods a payee's [`PeriodSlots`] spans at most (fifty years of months).
const PERIOD_SPAN: usize = 600;

impl PeriodSlots {
    #[inline]
    fn get(&self, ordinal: i64) -> Option<u32> {
        let at = usize::try_from(ordinal.checked_sub(self.first)?).ok()?;
        let b = match self.near.get(at) {
            Some(&b) => b,
            None => *self.far.get(at - NEAR_PERIODS)?,
        };
        (b != u32::MAX).then_some(b)
    }

    /// Remembers bucket `b` of period `ordinal`; `false` when the span would be too wide.
    fn set(&mut self, ordinal: i64, b: u32) -> bool {
        if self.first == i64::MIN {
            self.first = ordinal - ordinal.rem_euclid(12);
        }
        if ordinal < self.first {
            // Earlier than the first: every slot moves up (a payee's earlier year, met late).
            let Ok(before) = usize::try_from(self.first - ordinal) else { return false };
            if before + NEAR_PERIODS + self.far.len() > PERIOD_SPAN {
                return false;
            }
            let all: Vec<u32> =
                std::iter::repeat_n(u32::MAX, before).chain(self.near).chain(self.far.drain(..)).collect();
            let (near, far) = all.split_at(NEAR_PERIODS.min(all.len()));
            self.near = [u32::MAX; NEAR_PERIODS];
            self.near.iter_mut().zip(near).for_each(|(slot, &b)| *slot = b);
            let kept = far.iter().rposition(|&b| b != u32::MAX).map_or(0, |last| last + 1);
            self.far = far.get(..kept).unwrap_or_default().to_vec();
            self.first = ordinal;
        }
        let Ok(at) = usize::try_from(ordinal - self.first) else { return false };
        if at >= PERIOD_SPAN {
            return false;
        }
        let slot = match at.checked_sub(NEAR_PERIODS) {
            None => self.near.get_mut(at),
            Some(i) => {
                if self.far.len() <= i {
                    self.far.resize(i + 1, u32::MAX);
                }
                self.far.get_mut(i)
            }
        };
        match slot {
            Some(slot) => {
                *slot = b;
                true
            }
            None => false,
        }
    }
}

/// Payees whose ids are at most eight bytes, found by those bytes read as a number, in an
/// open table in front of `TaskFold::payee_index` (which has every payee): no hashing of a
/// string, no comparison call. The table doubles when half full: over 100,000 payees a table
/// that stopped at 2,048 sent 98% of rows to the index, a string hashed and compared behind a
/// pointer (the comparison alone 6.6% of a run at 10M rows).
#[derive(Debug)]
struct ShortPayees {
    /// (the id's bytes as a number, its length, its payee), length 0 where empty; a power of
    /// two long.
    slots: Vec<(u64, u8, u32)>,
    taken: usize,
}

/// Places in a new [`ShortPayees`] (as a power of two).
const SHORT_BITS: u32 = 12;

impl Default for ShortPayees {
    fn default() -> ShortPayees {
        ShortPayees { slots: vec![(0, 0, 0); 1 << SHORT_BITS], taken: 0 }
    }
}

impl ShortPayees {
    /// An id of one to eight bytes as a number (its first byte lowest), and its length.
    fn key(id: &str) -> Option<(u64, u8)> {
        Some((short_word(id.as_bytes())?, id.len() as u8))
    }

    /// The first place to look for `k` in a table of `len` places (a power of two): the top
    /// bits of a multiplicative hash.
    fn place(k: u64, len: usize) -> usize {
        (k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - len.trailing_zeros())) as usize
    }

    /// Whether the table has grown past its first size (more than 2,048 payees): its places
    /// no longer all stay in the nearest caches.
    fn is_large(&self) -> bool {
        self.slots.len() > 1 << SHORT_BITS
    }

    /// Asks the memory for the place where `id` is looked for first, so that it has come by
    /// the time the row is folded (the row's cells are read in between).
    fn ask_for(&self, id: &str) {
        #[cfg(target_arch = "x86_64")]
        if let Some(slot) = Self::key(id).and_then(|(k, _)| self.slots.get(Self::place(k, self.slots.len()))) {
            safe_arch::prefetch_t0(slot);
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = id;
    }

    #[inline]
    fn get(&self, id: &str) -> Option<u32> {
        let (k, len) = Self::key(id)?;
        let mask = self.slots.len() - 1;
        let mut at = Self::place(k, self.slots.len());
        loop {
            let &(key, n, p) = self.slots.get(at)?;
            if n == 0 {
                return None;
            }
            if key == k && n == len {
                return Some(p);
            }
            at = (at + 1) & mask;
        }
    }

    fn set(&mut self, id: &str, p: u32) {
        let Some((k, len)) = Self::key(id) else { return };
        if 2 * (self.taken + 1) > self.slots.len() {
            let doubled = vec![(0, 0, 0); 2 * self.slots.len()];
            for (k, len, p) in std::mem::replace(&mut self.slots, doubled) {
                if len != 0 {
                    self.put(k, len, p);
                }
            }
        }
        self.put(k, len, p);
        self.taken += 1;
    }

    /// Puts an entry in the first empty place from its own (there is one: at most half are
    /// taken).
    fn put(&mut self, k: u64, len: u8, p: u32) {
        let mask = self.slots.len() - 1;
        let mut at = Self::place(k, self.slots.len());
        while let Some(slot) = self.slots.get_mut(at) {
            if slot.1 == 0 {
                *slot = (k, len, p);
                return;
            }
            at = (at + 1) & mask;
        }
    }
}

/// Where a row is: its block, and its line counted from the block's first line (0). Positions
/// order as the file's lines do; they become file lines once every block's lines are counted.
type Pos = (u64, u64);

/// A row for the observer, as a run of blocks keeps it: the watched payee it counts for, its
/// bucket, where it is, its values and the payee's share.
type Watched = (Arc<str>, Period, Pos, Vec<Value>, Decimal);

/// A place where a month of the span was seen: its bucket, where, and its value.
type Seen = (Period, Pos, Value);

/// One plan's fold of a run of blocks.
struct TaskOut {
    payees: Vec<BlockPayee>,
    /// Its buckets: payee (in the run) and period.
    buckets: Vec<(u32, Period)>,
    /// One state per aggregate per bucket, bucket after bucket (one array: a row's states are
    /// found with no pointer to follow).
    states: Vec<BlockState>,
    used: u64,
    outside_range: u64,
    no_payee: u64,
    periods: Vec<Period>,
    lowest: Option<Seen>,
    highest: Option<Seen>,
    /// Per aggregate: the values numbered in this block, in number order.
    texts: Vec<Texts>,
    /// The (prefix, width) classes of the numbered texts coded in this run of blocks.
    classes: Classes,
    /// The watched payees' used rows, in the order read.
    watched: Vec<Watched>,
    /// The used rows the plan looks up (`TaskJob::looked_up`): payee, bucket, where, values.
    rows: Vec<(u32, Period, Pos, Vec<Value>)>,
    values: Vec<Vec<Value>>,
    /// With a tally: per bucket, the tallied column's sum (`None`: no amount yet).
    tally: Vec<Option<Sum>>,
    /// Per column the tally is broken down by.
    tally_by: Vec<ByValue>,
    /// Per aggregate, the largest mantissa of a number it added (a scaled plan's share of a
    /// sum is exact when this times the factor's fits a decimal).
    largest: Vec<u128>,
    /// Rows that found their credit shares.
    credited: u64,
    /// Rows other ledgers name: key, where, values as read, whom the row was credited to.
    captured: Vec<Captured<Pos>>,
    /// Kept rows (`Mode::Kept`): line, values; or credit shares (`Mode::Credits`): the
    /// credited row's key, the share. Each with its line in its block, until the runs are
    /// merged (`TaskMerge::finish` makes it the file's).
    kept: Gathered<KeptRow>,
    shares: Gathered<(KeyText, CreditShare)>,
}

/// Items a run gathers from its blocks, in its order, with the stretch of them each block gave
/// (block, how many): put in file order where they are, by their stretches
/// ([`in_file_order`]). Kept in lists of at most [`GATHERED_LIST`] items, each made with its
/// room once full size: a list of millions (the 2027 plan's credit shares) grown by doubling
/// was copied into fresh memory at each doubling, every page of it faulted in again (with
/// jemalloc, which moves a large block it grows, 0.15 s of that plan's run at 10M sales).
struct Gathered<T> {
    lists: Vec<Vec<T>>,
    blocks: Vec<(u64, usize)>,
}

/// The most items a list of a [`Gathered`] holds (the first grows to it by doubling, as
/// small files need; the next are made whole).
const GATHERED_LIST: usize = 1 << 16;

impl<T> Default for Gathered<T> {
    fn default() -> Self {
        Gathered { lists: Vec::new(), blocks: Vec::new() }
    }
}

impl<T> Gathered<T> {
    fn push(&mut self, block: u64, item: T) {
        match self.blocks.last_mut() {
            Some((b, n)) if *b == block => *n += 1,
            _ => self.blocks.push((block, 1)),
        }
        match self.lists.last_mut() {
            Some(list) if list.len() < GATHERED_LIST => list.push(item),
            last => {
                let mut list = match last {
                    None => Vec::new(),
                    Some(_) => Vec::with_capacity(GATHERED_LIST),
                };
                list.push(item);
                self.lists.push(list);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

/// A named row of a chunked read: its index among the rows named (`NamedRows`), where it is,
/// its values as read, and whom it was credited to.
type Captured<At> = (usize, At, NamedValues, Credited);

/// A tally per bucket and value of one column, in a run's fold.
#[derive(Debug, Clone, Default)]
struct ByValue {
    numbers: FxHashMap<Box<str>, u32>,
    names: Vec<String>,
    /// (bucket, value's number) -> sum.
    sums: FxHashMap<(u32, u32), Sum>,
}

/// Texts one after the other in one buffer (no allocation per text).
#[derive(Debug, Clone, Default)]
struct Texts {
    all: String,
    ends: Vec<u32>,
}

impl Texts {
    fn push(&mut self, t: &str) -> u32 {
        self.all.push_str(t);
        self.ends.push(self.all.len() as u32);
        (self.ends.len() - 1) as u32
    }

    fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(self.ends.iter().copied()).map(|(a, b)| self.all.get(a as usize..b as usize).unwrap_or(""))
    }
}

/// The classes of numbered texts (`keys::split`'s prefix and width) met, in the order met,
/// each once: a block's keys' (`BlockKeys`), a run of blocks' distinct values' (`TaskOut`).
#[derive(Default)]
struct Classes {
    list: Vec<(String, usize)>,
    /// The same classes by name, once they are more than a few (a file of keys or customers
    /// of many prefixes would otherwise cost a look at each class per row: a run of 1M sales
    /// whose customers have 1,500 prefixes took 5x as long). Apart, so that a run's fold
    /// stays as small as it was.
    by_name: Option<Box<ClassNames>>,
}

#[derive(Default)]
struct ClassNames {
    /// A class's name (prefix and width: a prefix never ends in a digit) to its place.
    index: FxHashMap<Vec<u8>, usize>,
    /// A reused buffer for a name.
    name: Vec<u8>,
}

impl Classes {
    /// The class of `prefix` and `width`, added when new if there are fewer than `most`
    /// (`None`: not added): the last one met first (a column's values are usually of one),
    /// then a look at each when they are few, else by name.
    #[inline]
    fn of(&mut self, prefix: &str, width: usize, most: usize) -> Option<usize> {
        match self.list.last() {
            Some((p, w)) if *w == width && same_text(p, prefix) => Some(self.list.len() - 1),
            _ => self.other(prefix, width, most),
        }
    }

    /// [`Classes::of`] for a class other than the last one met.
    #[inline(never)]
    fn other(&mut self, prefix: &str, width: usize, most: usize) -> Option<usize> {
        const FEW: usize = 8;
        if self.list.len() <= FEW {
            if let Some(c) = self.list.iter().position(|(p, w)| *w == width && same_text(p, prefix)) {
                return Some(c);
            }
        }
        // Every class is added here, so every class is in the index.
        let names = self.by_name.get_or_insert_with(Box::default);
        names.name.clear();
        names.name.extend_from_slice(prefix.as_bytes());
        names.name.extend_from_slice(width.to_string().as_bytes());
        if let Some(&c) = names.index.get(names.name.as_slice()) {
            return Some(c);
        }
        if self.list.len() >= most {
            return None;
        }
        self.list.push((prefix.to_string(), width));
        names.index.insert(names.name.clone(), self.list.len() - 1);
        Some(self.list.len() - 1)
    }

    fn len(&self) -> usize {
        self.list.len()
    }

    fn get(&self, class: usize) -> Option<&(String, usize)> {
        self.list.get(class)
    }
}

/// Keys seen in one block: numbered keys in runs (`keys.rs`'s split), the rest as fingerprints.
#[derive(Default)]
struct BlockKeys {
    classes: Classes,
    /// (class, first number, how many), in the block's order.
    runs: Vec<(usize, u64, u64)>,
    others: Vec<u64>,
    /// The key that would extend the last run (its last key counted up by one, at the same
    /// width: `S000124` after `S000123`); empty when there is none.
    next: Vec<u8>,
}

impl BlockKeys {
    /// Adds a key; `true` when it is the one after the last (the last one's digits counted
    /// up), `false` for any other.
    fn add(&mut self, key: &str) -> Result<bool, NotPlain> {
        // The usual key: the one after the last, compared as bytes, with no split.
        if !self.next.is_empty() && same_bytes(key.as_bytes(), &self.next) {
            if let Some((_, _, len)) = self.runs.last_mut() {
                *len += 1;
                count_up(&mut self.next);
                return Ok(true);
            }
        }
        if !key.is_ascii() {
            return Err("a key that is not ASCII".into());
        }
        match crate::data::keys::split(key) {
            Some((prefix, width, n)) => {
                self.next.clear();
                self.next.extend_from_slice(key.as_bytes());
                count_up(&mut self.next);
                if let Some((class, start, len)) = self.runs.last_mut() {
                    let same =
                        self.classes.get(*class).is_some_and(|(p, w)| *w == width && p.as_bytes() == prefix.as_bytes());
                    if same && start.checked_add(*len) == Some(n) {
                        *len += 1;
                        return Ok(false);
                    }
                }
                let class = self.classes.of(prefix, width, usize::MAX).ok_or("no key class")?;
                self.runs.push((class, n, 1));
            }
            None => self.others.push(fingerprint(key)),
        }
        Ok(false)
    }
}

/// A numbered key's trailing digits counted up by one, at the same width (`S0999` becomes
/// `S1000`); emptied when they are all nines, since the next number is wider (another class).
fn count_up(key: &mut Vec<u8>) {
    for b in key.iter_mut().rev() {
        match *b {
            b'9' => *b = b'0',
            b'0'..=b'8' => {
                *b += 1;
                return;
            }
            _ => break,
        }
    }
    key.clear();
}

fn fingerprint(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

/// The fold of a run of blocks (one thread folds its run of the file into one, block after
/// block; a few of them are merged at the end).
struct RunFold {
    /// Per block folded: its index and its line breaks (its lines, counting blank ones).
    lines: Vec<(u64, u64)>,
    read: u64,
    /// Per block folded, when the file's digest is wanted: its index and its digest.
    digests: Vec<(u64, u128)>,
    /// Rows of other payees passed over unchecked (a record trusted).
    skipped: u64,
    /// The keys of the rows credited by shares passed over ([`Skip::notes`]).
    passed_keys: KeyBits,
    folds: Vec<TaskFold>,
    keys: BlockKeys,
    /// Per plan, the plan whose buckets it follows.
    follows: Vec<Option<usize>>,
}

impl RunFold {
    fn new(jobs: &[TaskJob<'_>]) -> RunFold {
        RunFold {
            lines: Vec::new(),
            read: 0,
            digests: Vec::new(),
            skipped: 0,
            passed_keys: KeyBits::default(),
            keys: BlockKeys::default(),
            follows: jobs.iter().map(|j| j.follows).collect(),
            folds: jobs
                .iter()
                .map(|job| TaskFold {
                    payee_index: FxHashMap::default(),
                    short: ShortPayees::default(),
                    payees: Vec::new(),
                    checks: Vec::new(),
                    arcs: Vec::new(),
                    bucket_index: FxHashMap::default(),
                    out: TaskOut {
                        payees: Vec::new(),
                        buckets: Vec::new(),
                        states: Vec::new(),
                        used: 0,
                        outside_range: 0,
                        no_payee: 0,
                        periods: Vec::new(),
                        lowest: None,
                        highest: None,
                        texts: vec![Texts::default(); job.aggs.len()],
                        values: vec![Vec::new(); job.aggs.len()],
                        classes: Classes::default(),
                        watched: Vec::new(),
                        rows: Vec::new(),
                        tally: Vec::new(),
                        tally_by: vec![ByValue::default(); job.tally.map_or(0, |t| t.by.len())],
                        largest: vec![0; job.aggs.len()],
                        credited: 0,
                        captured: Vec::new(),
                        kept: Gathered::default(),
                        shares: Gathered::default(),
                    },
                    text_numbers: vec![FxHashMap::default(); job.aggs.len()],
                    memos: vec![FxHashMap::default(); job.aggs.len()],
                    value_numbers: vec![FxHashMap::default(); job.aggs.len()],
                    pairs: vec![Vec::new(); job.aggs.len()],
                    starts: Vec::new(),
                    codes: Vec::new(),
                    last_period: None,
                    months_met: PeriodSlots::default(),
                })
                .collect(),
        }
    }

    /// Each plan's fold, with every list of distinct values sorted and distinct.
    fn finish(mut self) -> (Vec<(u64, u64)>, u64, Vec<TaskOut>, BlockKeys) {
        // A plan that follows another's buckets takes its payees, buckets and counts.
        for (j, follows) in self.follows.iter().enumerate() {
            let Some(k) = *follows else { continue };
            let (before, rest) = self.folds.split_at_mut(j);
            if let (Some(lead), Some(fold)) = (before.get(k), rest.first_mut()) {
                fold.payees = lead.payees.clone();
                fold.out.buckets = lead.out.buckets.clone();
                fold.out.used = lead.out.used;
                fold.out.outside_range = lead.out.outside_range;
                fold.out.no_payee = lead.out.no_payee;
                fold.out.periods = lead.out.periods.clone();
                fold.out.lowest = lead.out.lowest.clone();
                fold.out.highest = lead.out.highest.clone();
            }
        }
        let tasks = self
            .folds
            .into_iter()
            .map(|mut f| {
                f.out.payees = f.payees;
                for s in &mut f.out.states {
                    if let BlockState::Distinct(Some(set)) = s {
                        set.sort_pending();
                    }
                }
                f.out
            })
            .collect();
        (self.lines, self.read, tasks, self.keys)
    }
}

/// One plan's running fold of a run of blocks.
struct TaskFold {
    payee_index: FxHashMap<Box<str>, u32>,
    short: ShortPayees,
    payees: Vec<BlockPayee>,
    /// Per payee, what each of its rows is checked against: its status, and whether it has a
    /// start (`BlockPayee::hired`).
    checks: Vec<(Status, bool)>,
    arcs: Vec<Arc<str>>,
    bucket_index: FxHashMap<(u32, Period), u32>,
    out: TaskOut,
    text_numbers: Vec<FxHashMap<Box<str>, u32>>,
    value_numbers: Vec<FxHashMap<Value, u32>>,
    /// Per aggregate whose filter is a [`Memo`]: what the evaluator said per key.
    memos: Vec<FxHashMap<u64, bool>>,
    /// Per distinct count, the block's (bucket, code) pairs (bucket above bit 32): grouped by
    /// bucket at the block's end and added to the buckets' lists bucket after bucket.
    pairs: Vec<Vec<u64>>,
    /// Scratch for grouping a block's pairs by bucket: where each bucket's codes start, and
    /// the codes.
    starts: Vec<usize>,
    codes: Vec<u32>,
    last_period: Option<Period>,
    /// The months the fold's rows are of, by `Period::ordinal` (the slots of a payee's buckets,
    /// used as a set: what a slot holds is not read).
    months_met: PeriodSlots,
}

/// Which rows a read passes over, unchecked: when every plan of the read observes the same
/// payees and trusts a record that the file was read whole with no problem (`data::checked`;
/// the digest of what is read is compared with the record's before anything is believed,
/// `aggregate::fold_shared`), the rows that count for none of them.
#[derive(Clone)]
struct Skip<'a> {
    /// The payee field's place in a line.
    payee_at: usize,
    /// The payees observed: the explained one, and with `for reports` their direct reports.
    watch: Vec<&'a str>,
    /// The same, to look up, when they are many.
    many: Option<FxHashSet<&'a str>>,
    /// For a ledger credited by shares: its key field's place, this thread's view of the
    /// shares' index, and per credited row (by its index, a bit each) whether an observed
    /// payee has a share of it (such a row is read whoever its payee). A row's key is looked
    /// up as the fold looks its shares up: for keys numbered like `S000123`, a few integer
    /// operations, no hashing or comparing of text.
    credited: Option<(usize, SharesView<'a>, Vec<u64>)>,
    /// The same rows' keys, numbered ones by their number: a line's key is looked up there
    /// first, with no look-up in the shares' index (whose rank of a key costs more than the
    /// test), which is asked only when a key could not be held.
    shared_keys: KeyBits,
    /// For the ledger of the shares themselves (`credit sales by credits.share`): its key
    /// field's place (the credited row's). A line passed over is a share not kept, its key
    /// noted in the run's `passed_keys` ([`Credits::pass_over`]): the row it credits is then
    /// known to be credited, if to no one observed. A line whose key cannot be noted is read.
    notes_key: Option<usize>,
    /// For a ledger naming rows of one named late (`NamedRows::late`): its reference field's
    /// place, and the keys of the named rows read. A line naming none of them names a row not
    /// read, and counts for no one observed.
    names_read: Option<(usize, KeyBits)>,
}

impl<'a> Skip<'a> {
    /// The rows `jobs` may pass over, if any (see the type).
    fn of(jobs: &'a [TaskJob<'a>], rules: &RowRules<'_>) -> Option<Skip<'a>> {
        let first = jobs.first()?;
        let alike = |j: &TaskJob<'_>| {
            j.skip_others
                && j.mode == first.mode
                && j.watch == first.watch
                && j.payee_col == first.payee_col
                && j.credited == first.credited
                && j.key_col == first.key_col
                && (!j.credited || std::ptr::eq(j.state.credits(), first.state.credits()))
        };
        if first.watch.is_empty() || !jobs.iter().all(alike) {
            return None;
        }
        let watch = &first.watch[..];
        let many = (watch.len() > 8).then(|| watch.iter().copied().collect::<FxHashSet<&str>>());
        let (payee_col, notes_key, names_read) = match first.mode {
            Mode::Fold => (first.payee_col, None, None),
            Mode::Credits { payee, reference, .. } => (payee, Some(rules.position(reference)), None),
            Mode::Kept => {
                let plan = first.plan;
                let target = super::aggregate::late_target(plan, first.input)?;
                let named = first.state.named(target).filter(|n| n.is_late())?;
                let columns = plan.inputs.get(first.input).map_or(&[][..], |s| &s.columns[..]);
                let reference = columns.iter().position(|c| c.refers_to == Some(target))?;
                (0, None, Some((rules.position(reference), named.keys_read())))
            }
        };
        let (credited, shared_keys) = match first.credited {
            true => {
                let credits: &'a Credits = first.state.credits();
                let observed = credits.rows_shared_with(|payee| watch.iter().any(|w| same_text(w, payee)));
                let rows = observed
                    .iter()
                    .enumerate()
                    .flat_map(|(w, &word)| (0..64).filter(move |b| word & (1 << b) != 0).map(move |b| w * 64 + b));
                let keys = KeyBits::of(rows.filter_map(|i| credits.row(i).map(|(key, _, _)| key)));
                (Some((rules.position(first.key_col?), credits.view(), observed)), keys)
            }
            false => (None, KeyBits::default()),
        };
        let payee_at = rules.position(payee_col);
        Some(Skip { payee_at, watch: watch.to_vec(), many, credited, shared_keys, notes_key, names_read })
    }

    /// How many of a line's first fields [`Skip::passes_over`] reads.
    fn fields_read(&self) -> usize {
        let key = self.credited.as_ref().map_or(0, |(at, _, _)| *at).max(self.notes_key.unwrap_or(0));
        let key = key.max(self.names_read.as_ref().map_or(0, |(at, _)| *at));
        self.payee_at.max(key) + 1
    }

    /// For a line [`Skip::passes_over`] passes over: whether it may be (a share's line whose
    /// key is noted in `passed`, or any other ledger's line), or must be read.
    #[inline(always)]
    fn notes(&self, line: &str, fields: &[(u32, u32)], passed: &mut KeyBits) -> bool {
        let Some(at) = self.notes_key else { return true };
        let key = trimmed(fields.get(at).and_then(|&(a, b)| line.get(a as usize..b as usize)).unwrap_or(""));
        passed.insert(crate::data::keys::split(key))
    }

    /// Whether the line whose fields are `fields` counts for no observed payee: its payee
    /// field (trimmed, as a cell is) is none of theirs, and no share of it is theirs.
    #[inline(always)]
    fn passes_over(&self, line: &str, fields: &[(u32, u32)]) -> bool {
        let field =
            |at: usize| trimmed(fields.get(at).and_then(|&(a, b)| line.get(a as usize..b as usize)).unwrap_or(""));
        if let Some((at, read)) = &self.names_read {
            // Passed over only when its key is surely none read: a key the bits cannot hold is
            // read, and so is every key when a key read could not be held.
            let parts = crate::data::keys::split(field(*at));
            return read.complete() && !read.has(parts) && parts.is_some_and(|(_, _, n)| n <= KeyBits::LARGEST);
        }
        let payee = field(self.payee_at);
        let observed = match &self.many {
            Some(set) => set.contains(payee),
            None => self.watch.iter().any(|w| same_text(w, payee)),
        };
        if observed {
            return false;
        }
        match &self.credited {
            None => true,
            Some((at, shares, observed)) => {
                let key = field(*at);
                let parts = crate::data::keys::split(key);
                if self.shared_keys.has(parts) {
                    return false;
                }
                if self.shared_keys.complete() {
                    return true;
                }
                match shares.find(key, parts) {
                    Some(i) => observed.get(i / 64).is_none_or(|w| w & (1 << (i % 64)) == 0),
                    None => true,
                }
            }
        }
    }
}

/// Splits the unquoted line of `len` bytes at the start of `from` (what follows it in its
/// block: the next lines) at its commas into `fields`, as the block's pass over its
/// separators does (blanks kept around a field), up to its first `at_most` fields: those in
/// its first 32 bytes found by one comparison of them all, which for a line shorter than
/// that (a credit share's) looks at the bytes after it too, and leaves out their commas.
#[inline(always)]
fn first_fields(from: &[u8], len: usize, at_most: usize, fields: &mut Vec<(u32, u32)>) {
    fields.clear();
    let line = from.get(..len).unwrap_or(from);
    let len = line.len();
    let mut start = 0usize;
    if let Some(head) = from.get(..32) {
        let mut commas = commas_in(head) & if len >= 32 { u64::MAX } else { (1u64 << len) - 1 };
        while commas != 0 && fields.len() < at_most {
            let comma = commas.trailing_zeros() as usize;
            fields.push((start as u32, comma as u32));
            start = comma + 1;
            commas &= commas - 1;
        }
        if len <= 32 {
            if fields.len() < at_most {
                fields.push((start as u32, len as u32));
            }
            return;
        }
    }
    let base = start;
    let mut commas = memchr::memchr_iter(b',', line.get(base..).unwrap_or_default());
    while fields.len() < at_most {
        match commas.next() {
            Some(c) => {
                fields.push((start as u32, (base + c) as u32));
                start = base + c + 1;
            }
            None => {
                fields.push((start as u32, line.len() as u32));
                break;
            }
        }
    }
}

/// Folds block `index` into `run`; with `SKIP`, passing over the rows `skip` says count for
/// no observed payee.
/// The rest of a line with a quote (the first at `quote`, the line's fields before it in
/// `fields`), split from the block's separators as the quote-aware splitter splits it, when
/// each quote opens a field or closes it just before its comma or line break (`"S1",M1,"x"`):
/// a quoted field is its text between its quotes, and the line's other fields lose their
/// blanks. Returns where the line ends (its line break, or the block's end), or `None` for
/// any other line (a doubled quote, a quote inside a field, blanks around a quoted field, a
/// comma or line break inside quotes), which the splitter then reads.
fn quoted_line(
    separators: &mut Separators<'_>,
    bytes: &[u8],
    line_start: usize,
    mut field_start: usize,
    quote: usize,
    fields: &mut Vec<(u32, u32)>,
) -> Option<usize> {
    let line = bytes.get(line_start..)?;
    for f in fields.iter_mut() {
        *f = unblanked(line, f.0 as usize, f.1 as usize);
    }
    let mut open = Some(quote).filter(|&q| q == field_start)?;
    let mut closed = None;
    loop {
        let p = separators.next();
        let byte = p.and_then(|p| bytes.get(p).copied());
        match (closed, byte) {
            // Inside quotes: the next separator must be the closing quote.
            (None, Some(b'"')) if open != usize::MAX => closed = p,
            (None, _) if open != usize::MAX => return None,
            // An opening quote starts its field.
            (None, Some(b'"')) if p == Some(field_start) => open = field_start,
            (None, Some(b'"')) => return None,
            // A comma or line break (or the block's end) ends a field: a quoted one at once
            // (after a carriage return, for a line break), another without its blanks.
            (_, Some(b',' | b'\n')) | (_, None) => {
                let at = p.unwrap_or(bytes.len());
                let end = match byte {
                    Some(b'\n') if at > line_start && bytes.get(at - 1) == Some(&b'\r') => at - 1,
                    _ => at,
                };
                match closed {
                    Some(c) if c + 1 == end => fields.push(((open + 1 - line_start) as u32, (c - line_start) as u32)),
                    Some(_) => return None,
                    None => fields.push(unblanked(line, field_start - line_start, end - line_start)),
                }
                if byte != Some(b',') {
                    return Some(at);
                }
                (open, closed, field_start) = (usize::MAX, None, at + 1);
            }
            // A quote after a closing quote (or no separator at all).
            (Some(_), _) | (None, Some(_)) => return None,
        }
    }
}

fn fold_block<const SKIP: bool>(
    rules: &RowRules<'_>,
    jobs: &[TaskJob<'_>],
    skip: Option<&Skip<'_>>,
    index: u64,
    block: &[u8],
    run: &mut RunFold,
) -> Result<(), NotPlain> {
    let text = simdutf8::basic::from_utf8(block).map_err(|_| "bytes that are not UTF-8".to_string())?;
    let RunFold { lines, read, folds, keys, skipped, passed_keys, .. } = run;
    let mut fields: Vec<(u32, u32)> = Vec::with_capacity(rules.fields);
    let mut cells: Vec<Cell<'_>> = Vec::with_capacity(rules.columns.len());
    // The cells of the row read before: per plan, that row is added to its bucket once this
    // one is read ([`Pending`]).
    let mut before_cells: Vec<Cell<'_>> = Vec::with_capacity(rules.columns.len());
    let mut pending: Vec<Option<Pending>> = vec![None; jobs.len()];
    // Per plan that scales a column, the pending row's scaled cell (and its column).
    let mut pending_scaled: Vec<Option<(usize, Cell<'_>)>> = vec![None; jobs.len()];
    // Per plan, whether its rows are added a row late ([`Pending`]): a plan of large buckets,
    // or one whose fold has grown past the caches (many payees), decided for the block.
    let adds_later: Vec<bool> = jobs
        .iter()
        .zip(folds.iter())
        .map(|(job, fold)| job.adds_later() || fold.out.states.len() * std::mem::size_of::<BlockState>() > LARGE_FOLD)
        .collect();
    let late = adds_later.contains(&true);
    // Whether a fold has met so many payees that their places are asked for ahead
    // (`ShortPayees::ask_for`; decided for the block, from the folds as it starts).
    let ask_for_payees = folds.iter().any(|fold| fold.short.is_large());
    // Per plan, the row's payee and bucket in its fold (for the plans that follow it).
    let mut placed: Vec<Option<(u32, u32)>> = vec![None; jobs.len()];
    let mut values: Vec<Value> = Vec::new();
    let mut met = Met::new(rules.columns.len());
    let bytes = text.as_bytes();
    // A carriage return is a line break's first half, or the row-by-row splitter's business.
    for r in memchr::memchr_iter(b'\r', bytes) {
        if bytes.get(r + 1) != Some(&b'\n') {
            return Err("a carriage return that does not end a line".into());
        }
    }
    // One pass over the block's commas, line breaks and quotes; a line with a quote is split
    // on its own by the quote-aware splitter.
    let mut line_no = 0u64;
    let mut line_start = 0usize;
    let mut field_start = 0usize;
    let mut skip_to = 0usize;
    // With `SKIP`: whether a line is another payee's, in a file a trusted record says was read
    // whole with no problem (its payee field, trimmed as a cell is, is not the payee's): it is
    // then neither checked nor folded again, nor its blanks taken off.
    let mut passes_over = |line_start: usize, end: usize, fields: &[(u32, u32)]| -> bool {
        let (true, Some(skip)) = (SKIP, skip) else { return false };
        let line = text.get(line_start..end).unwrap_or("");
        skip.passes_over(line, fields) && skip.notes(line, fields, passed_keys)
    };
    // A line without quotes keeps the blanks around its fields (each cell is trimmed as it is
    // read, and every other use of a field trims it); a quoted line's fields come without.
    let mut take_line = |line_start: usize,
                         end: usize,
                         fields: &[(u32, u32)],
                         line_no: u64,
                         over: bool,
                         quoted: bool| {
        let line = text.get(line_start..end).unwrap_or("");
        // A blank line, or one of empty fields, is not a row (a field of other blanks is
        // refused below, and the row-by-row reader then decides): a line without quotes is
        // blank when it holds nothing but blanks and commas.
        let blank = match quoted {
            false => line.bytes().all(|b| matches!(b, b' ' | b'\t' | b',')),
            true => fields.iter().all(|&(a, b)| a == b),
        };
        if blank {
            return Ok::<(), NotPlain>(());
        }
        *read += 1;
        if over {
            *skipped += 1;
            return Ok(());
        }
        // Over many payees, the place of the row's payee asked for before the row is read.
        if ask_for_payees {
            for (job, fold) in jobs.iter().zip(folds.iter()) {
                if matches!((job.mode, job.follows), (Mode::Fold, None)) && fold.short.is_large() {
                    fold.short.ask_for(field_text(line, fields, rules, job.payee_col));
                }
            }
        }
        rules.read(line, fields, &mut cells, &mut met)?;
        if let Some(k) = rules.key {
            let key = match cells.get(k) {
                Some(Cell::Text(t)) => t,
                _ => field_text(line, fields, rules, k),
            };
            let counted_up = keys.add(key)?;
            rules.key_id(key, counted_up)?;
        }
        for (j, job) in jobs.iter().enumerate() {
            // A plan that scales a column (the budget's reruns) reads the row with it
            // scaled, in place (the cell as read is put back below): the column and the
            // cell as read.
            let unscaled = match job.scale.and_then(|(column, factor)| Some((cells.get_mut(column)?, factor))) {
                Some((cell, factor)) => match cell.number() {
                    Some(n) => {
                        // As the row-by-row fold scales it; too large, and it reports the row.
                        let scaled = Cell::Num(n.checked_mul(factor).ok_or("an amount too large to scale")?);
                        job.scale.map(|(column, _)| (column, std::mem::replace(cell, scaled)))
                    }
                    None => None,
                },
                None => None,
            };
            {
                let cells = &cells[..];
                let (before, rest) = folds.split_at_mut(j);
                let fold = rest.first_mut().ok_or("no plan")?;
                // A row whole this plan folds, left to be added after the next row is read.
                let mut later = None;
                let place = match (job.mode, job.follows) {
                    (Mode::Credits { payee, reference, share }, _) => {
                        let Some(Cell::Text(id)) = cells.get(payee) else { return Err("no payee".into()) };
                        let payee = match job.known_ids.get(id) {
                            Some(known) => Arc::clone(known),
                            None if job.roster_mode => return Err("a share for a payee not in the roster".into()),
                            None if id.is_empty() || check_id(id).is_err() => {
                                return Err("an id the row-by-row reader rejects".into())
                            }
                            None => Arc::from(*id),
                        };
                        let key = match cells.get(reference) {
                            Some(Cell::Text(t)) => KeyText::from(*t),
                            _ => return Err("a reference the row-by-row reader reads".into()),
                        };
                        let share = match cells.get(share) {
                            Some(cell @ (Cell::Num(_) | Cell::Money(..))) => cell.number().ok_or("no share")?,
                            _ => return Err("a share the row-by-row reader reads".into()),
                        };
                        // Its line in its block until the runs are merged.
                        fold.out.shares.push(index, (key, CreditShare { payee, share, line: line_no }));
                        fold.out.used += 1;
                        None
                    }
                    (Mode::Kept, _) => {
                        // Its payee, if it has one, is an id as the row-by-row reader checks it.
                        if let Some(Cell::Text(id)) =
                            job.plan.inputs.get(job.input).and_then(|s| s.payee).and_then(|c| cells.get(c))
                        {
                            if id.is_empty() || check_id(id).is_err() {
                                return Err("an id the row-by-row reader rejects".into());
                            }
                        }
                        let values =
                            cells.iter().enumerate().map(|(c, cell)| cell.value(rules.columns.get(c))).collect();
                        // Its line in its block until the runs are merged.
                        fold.out.kept.push(index, KeptRow { input: job.input, values, line: line_no });
                        None
                    }
                    (Mode::Fold, None) => {
                        let read = unscaled.as_ref().map(|(c, cell)| (*c, cell));
                        let place = fold_row(rules, job, fold, cells, read, (index, line_no), &mut values)?;
                        // Whole (not a credited payee's share), the row is left to be added.
                        if let Some((p, b)) = place {
                            let who = if job.evaluates { Later::Own(p) } else { Later::Unread };
                            later = Some(Pending { b, who });
                        }
                        place
                    }
                    // The bucket the leader found (none: the row is not used).
                    (Mode::Fold, Some(k)) => match placed.get(k).copied().flatten() {
                        Some((p, b)) => {
                            let who = if job.evaluates { Later::Of(k, p) } else { Later::Unread };
                            later = Some(Pending { b, who });
                            Some((p, b))
                        }
                        None => None,
                    },
                };
                if let Some(slot) = placed.get_mut(j) {
                    *slot = place;
                }
                // This row's states asked for, the row before added, this one left (a plan of
                // small buckets adds the row at once).
                let adds_later = adds_later.get(j).copied().unwrap_or(false);
                match later {
                    Some(Pending { b, who }) if !adds_later => {
                        add_row(rules, job, fold, cells, b, who.payee(before)?, None, &mut values)?;
                    }
                    _ if !adds_later => {}
                    _ => {
                        if let Some(Pending { b, .. }) = later {
                            ask_for_states(job, fold, cells, b);
                        }
                        let pend = pending.get_mut(j).ok_or("no plan")?;
                        // A scaled cell kept with its row (the row's cells go back as read).
                        let mut earlier_scaled = None;
                        if job.scale.is_some() {
                            let kept = pending_scaled.get_mut(j).ok_or("no plan")?;
                            earlier_scaled = kept.take();
                            if later.is_some() {
                                *kept = unscaled.as_ref().and_then(|&(c, _)| Some((c, cells.get(c)?.clone())));
                            }
                        }
                        let earlier = pend.take();
                        add_pending(rules, job, fold, before, earlier, earlier_scaled, &mut before_cells, &mut values)?;
                        *pend = later;
                    }
                }
            }
            if let Some((column, cell)) = unscaled {
                if let Some(slot) = cells.get_mut(column) {
                    *slot = cell;
                }
            }
        }
        if late {
            std::mem::swap(&mut cells, &mut before_cells);
        }
        Ok(())
    };
    // Passing over rows, in a block without quotes (a trusted file's usual block): each line
    // found by its line break, and only its first fields, those the choice reads, split (a
    // line passed over costs one look at its first 32 bytes, not a look at each separator).
    let plain = match (SKIP, skip) {
        (true, Some(skip)) if memchr::memchr(b'"', bytes).is_none() => Some(skip),
        _ => None,
    };
    // Rows passed over in that loop (added to the counts once it is done).
    let mut passed = 0u64;
    if let Some(skip) = plain {
        let need = skip.fields_read();
        let ends = Separators::line_breaks(bytes).map(Some).chain(std::iter::once(None));
        for p in ends {
            // The file's last line may have no line break.
            let stop = p.unwrap_or(bytes.len());
            if p.is_none() && line_start >= bytes.len() {
                break;
            }
            let end = if stop > line_start && bytes.get(stop - 1) == Some(&b'\r') { stop - 1 } else { stop };
            let line = text.get(line_start..end).unwrap_or("");
            let from = bytes.get(line_start..).unwrap_or_default();
            first_fields(from, line.len(), need, &mut fields);
            if passes_over(line_start, end, &fields) {
                // Not a row when blank (as `take_line` says), else a row passed over.
                passed += u64::from(!line.bytes().all(|b| matches!(b, b' ' | b'\t' | b',')));
            } else {
                first_fields(from, line.len(), usize::MAX, &mut fields);
                take_line(line_start, end, &fields, line_no, false, false)?;
            }
            line_no += 1;
            line_start = stop + 1;
        }
        line_start = line_start.max(bytes.len());
    }
    // (Nothing left for the pass over the separators when the lines were read above.)
    let mut separators = Separators::new(if plain.is_some() { &[] } else { bytes });
    while let Some(p) = separators.next() {
        if p < skip_to {
            continue;
        }
        match bytes.get(p) {
            Some(b',') => {
                fields.push(((field_start - line_start) as u32, (p - line_start) as u32));
                field_start = p + 1;
            }
            Some(b'\n') => {
                let end = if p > line_start && bytes.get(p - 1) == Some(&b'\r') { p - 1 } else { p };
                fields.push(((field_start - line_start) as u32, (end - line_start) as u32));
                let over = passes_over(line_start, end, &fields);
                take_line(line_start, end, &fields, line_no, over, false)?;
                fields.clear();
                line_no += 1;
                line_start = p + 1;
                field_start = p + 1;
            }
            _ => {
                // A quote: the rest of this line split from the separators that follow while
                // its quotes stand at its fields' ends, else by the quote-aware splitter.
                let (stop, split) = match quoted_line(&mut separators, bytes, line_start, field_start, p, &mut fields) {
                    Some(stop) => (stop, true),
                    None => (
                        memchr::memchr(b'\n', bytes.get(p..).unwrap_or_default()).map_or(bytes.len(), |q| p + q),
                        false,
                    ),
                };
                let end = if stop > line_start && bytes.get(stop - 1) == Some(&b'\r') { stop - 1 } else { stop };
                if !split && !split_line(bytes.get(line_start..end).unwrap_or_default(), &mut fields) {
                    return Err("a line the row-by-row splitter must read (quotes across lines, doubled quotes)".into());
                }
                // Read whole even when another payee's (quoted lines are rare).
                take_line(line_start, end, &fields, line_no, false, true)?;
                fields.clear();
                line_no += 1;
                line_start = stop + 1;
                field_start = stop + 1;
                skip_to = stop + 1;
            }
        }
    }
    if line_start < bytes.len() {
        // The file's last line, without a line break.
        let end = bytes.len();
        fields.push(((field_start - line_start) as u32, (end - line_start) as u32));
        let over = passes_over(line_start, end, &fields);
        take_line(line_start, end, &fields, line_no, over, false)?;
        line_no += 1;
    }
    // The block's last row, for each plan that left it.
    for (j, ((job, pend), scaled)) in jobs.iter().zip(pending).zip(pending_scaled).enumerate() {
        let (before, rest) = folds.split_at_mut(j);
        let Some(fold) = rest.first_mut() else { continue };
        add_pending(rules, job, fold, before, pend, scaled, &mut before_cells, &mut values)?;
    }
    lines.push((index, line_no));
    *read += passed;
    *skipped += passed;
    // The block's distinct values, into their buckets' lists.
    for fold in folds.iter_mut() {
        let stride = fold.pairs.len();
        // Buckets by their states (a plan that follows another's buckets has no list of its
        // own until the end).
        let buckets = fold.out.states.len().checked_div(stride).unwrap_or(0);
        let (starts, codes) = (&mut fold.starts, &mut fold.codes);
        for (a, pairs) in fold.pairs.iter_mut().enumerate() {
            if pairs.is_empty() {
                continue;
            }
            // A pair that names no bucket, or a state that is not a distinct count, cannot
            // happen; if it did, the file goes to the row-by-row read rather than lose a value.
            let lost = || "a distinct value with no bucket".to_string();
            // A block's pairs of a few of the fold's many buckets (over 100,000 payees, 60,000
            // pairs of 1.2M buckets): sorted, not counted out over every bucket, which each
            // block did again (a list of all the buckets cleared, summed and walked).
            if pairs.len() < buckets / 8 {
                pairs.sort_unstable();
                for group in pairs.chunk_by(|x, y| x >> 32 == y >> 32) {
                    let b = group.first().map_or(0, |pair| (pair >> 32) as usize);
                    codes.clear();
                    codes.extend(group.iter().map(|&pair| pair as u32));
                    match fold.out.states.get_mut(b * stride + a) {
                        Some(BlockState::Distinct(set)) => set.get_or_insert_with(Box::default).extend(codes),
                        _ => return Err(lost()),
                    }
                }
                pairs.clear();
                continue;
            }
            // The codes grouped by bucket (a counting sort: each bucket's codes in one place).
            starts.clear();
            starts.resize(buckets + 1, 0);
            for &pair in pairs.iter() {
                *starts.get_mut((pair >> 32) as usize + 1).ok_or_else(lost)? += 1;
            }
            for b in 1..starts.len() {
                let before = starts.get(b - 1).copied().unwrap_or(0);
                if let Some(n) = starts.get_mut(b) {
                    *n += before;
                }
            }
            codes.clear();
            codes.resize(pairs.len(), 0);
            for &pair in pairs.iter() {
                let next = starts.get_mut((pair >> 32) as usize).ok_or_else(lost)?;
                *codes.get_mut(*next).ok_or_else(lost)? = pair as u32;
                *next += 1;
            }
            // Each bucket's codes now end where the next bucket's start.
            let mut start = 0;
            for (b, &end) in starts.iter().take(buckets).enumerate() {
                let these = codes.get(start..end).ok_or_else(lost)?;
                if !these.is_empty() {
                    match fold.out.states.get_mut(b * stride + a) {
                        Some(BlockState::Distinct(set)) => set.get_or_insert_with(Box::default).extend(these),
                        _ => return Err(lost()),
                    }
                }
                start = end;
            }
            pairs.clear();
        }
    }
    Ok(())
}

/// The trimmed text of a declared column's field.
fn field_text<'t>(line: &'t str, fields: &[(u32, u32)], rules: &RowRules<'_>, column: usize) -> &'t str {
    let field = fields.get(rules.position(column)).and_then(|&(a, b)| line.get(a as usize..b as usize));
    trimmed(field.unwrap_or(""))
}

/// Checks a row of plan `job`'s own ledger and finds its payee and bucket: `Some((p, b))` for
/// a row whole, which the caller adds ([`Pending`]); a credited row is added here, share by
/// share, and `None` comes back, as for a row not used. `read`: for a plan that scales a
/// column, the column and its cell as read (a row other ledgers name is kept as read).
fn fold_row(
    rules: &RowRules<'_>,
    job: &TaskJob<'_>,
    fold: &mut TaskFold,
    cells: &[Cell<'_>],
    read: Option<(usize, &Cell<'_>)>,
    (index, line_no): (u64, u64),
    values: &mut Vec<Value>,
) -> Result<Option<(u32, u32)>, NotPlain> {
    // The row's place, made here from its two numbers (a pair passed whole is written by the
    // caller in two halves and read back in one, which stalls the processor on every row).
    let line: Pos = (index, line_no);
    let Some(Cell::Text(payee)) = cells.get(job.payee_col) else { return Err("no payee".into()) };
    let period = match cells.get(job.period_col) {
        Some(Cell::Date(d)) => Period::month(d.year(), d.month()),
        Some(Cell::Other(Value::Period(p))) => *p,
        _ => return Err("a period the row-by-row fold counts".into()),
    };
    let bucket = period.coarsen(job.granularity).unwrap_or(period);
    let p = match fold.short.get(payee).or_else(|| fold.payee_index.get(*payee).copied()) {
        Some(p) => p,
        None => {
            if payee.is_empty() || check_id(payee).is_err() {
                return Err("an id the row-by-row reader rejects".into());
            }
            let status = match (job.known.contains_key(*payee), job.defines_payees) {
                (true, _) => Status::Known,
                (false, true) => Status::New,
                (false, false) if job.roster_mode => return Err("a payee not in the roster".into()),
                (false, false) => Status::Nobody,
            };
            new_payee(job, fold, payee, status, line)
        }
    };
    let &(status, hired) = fold.checks.get(p as usize).ok_or("no payee")?;
    if status == Status::Nobody {
        fold.payees.get_mut(p as usize).ok_or("no payee")?.rows += 1;
        fold.out.no_payee += 1;
        return Ok(None);
    }
    if hired {
        if let (Some(hired), Some(Cell::Date(d))) =
            (fold.payees.get(p as usize).and_then(|e| e.hired), cells.get(job.period_col))
        {
            if hired > *d {
                return Err("a row dated before its payee's start".into());
            }
        }
    }
    if fold.last_period != Some(period) {
        // A month met before is found by its number among the months met (rows come in any
        // month: a search of the list every row was 1% of a run); any other, in the list.
        let ordinal = period.ordinal();
        let met = matches!(period, Period::Month { .. }) && fold.months_met.get(ordinal).is_some();
        if !met {
            if !fold.out.periods.contains(&period) {
                fold.out.periods.push(period);
            }
            if matches!(period, Period::Month { .. }) {
                fold.months_met.set(ordinal, 0);
            }
        }
        fold.last_period = Some(period);
        // The first rows of the lowest and highest months: a row of the period of the row
        // before it (in this fold) changes neither.
        if job.granularity == Granularity::Month {
            let seen = || (bucket, line, cells.get(job.period_col).map_or(Value::Missing, |c| c.value(None)));
            if fold.out.lowest.as_ref().is_none_or(|(lo, _, _)| bucket < *lo) {
                fold.out.lowest = Some(seen());
            }
            if fold.out.highest.as_ref().is_none_or(|(hi, _, _)| bucket > *hi) {
                fold.out.highest = Some(seen());
            }
        }
    }
    // The row's credit shares, and the row kept when other ledgers name it (whatever its
    // month, as the row-by-row fold does).
    let key = match job.key_col.and_then(|k| cells.get(k)) {
        Some(Cell::Text(t)) => Some(*t),
        _ => None,
    };
    // Split once, for both lookups (and not at all for a plan with neither).
    let parts = match job.credited || job.named {
        true => key.and_then(crate::data::keys::split),
        false => None,
    };
    let shares = match (key, &job.shares_view) {
        (Some(k), Some(credits)) => credits.find(k, parts).map(|i| credits.shares(i)),
        _ => None,
    };
    if shares.is_some() {
        fold.out.credited += 1;
    }
    let named = match (key, &job.named_keys) {
        _ if job.named_late => Some(usize::MAX),
        (Some(k), Some(keys)) => keys.get_split(k, parts),
        _ => None,
    };
    if let Some(name) = named {
        let as_read = cells
            .iter()
            .zip(&job.named_columns)
            .enumerate()
            .filter(|(_, (_, &keep))| keep)
            .map(|(c, (cell, _))| match read {
                Some((scaled, as_read)) if scaled == c => as_read.value(rules.columns.get(c)),
                _ => cell.value(rules.columns.get(c)),
            })
            .collect();
        let payees = match shares {
            Some(ref shares) => shares.clone().map(|s| (s.payee.clone(), s.share)).collect(),
            None => smallvec::smallvec![(fold.arcs.get(p as usize).ok_or("no payee")?.clone(), Decimal::ONE)],
        };
        fold.out.captured.push((name, line, as_read, payees));
    }
    if job.needed.as_ref().is_some_and(|n| !n.contains(&bucket)) {
        fold.out.outside_range += 1;
        return Ok(None);
    }
    fold.out.used += 1;
    // The row for the observer, once for each watched payee it counts for, with their share
    // (as the row-by-row read shows it: a split row for each credited payee, in share order).
    if !job.watch.is_empty() {
        let values = || cells.iter().enumerate().map(|(c, cell)| cell.value(rules.columns.get(c))).collect();
        match shares.clone() {
            None => {
                if fold.payees.get(p as usize).is_some_and(|e| e.watched) {
                    let payee = fold.arcs.get(p as usize).ok_or("no payee")?.clone();
                    fold.out.watched.push((payee, bucket, line, values(), Decimal::ONE));
                }
            }
            Some(split) => {
                for share in split.filter(|s| job.watch.contains(&&*s.payee)) {
                    fold.out.watched.push((share.payee.clone(), bucket, line, values(), share.share));
                }
            }
        }
    }
    if !job.looked_up.is_empty() {
        let value = |c: usize| cells.get(c).map(|cell| cell.value(rules.columns.get(c)));
        fold.out.rows.push((p, bucket, line, super::aggregate::lookup_values(&job.looked_up, job.columns, value)));
    }
    if job.aggs.is_empty() && job.tally.is_none() {
        return Ok(None);
    }
    let Some(shares) = shares else {
        // Added by the caller ([`Pending`]).
        return Ok(Some((p, bucket_of(fold, p, bucket))));
    };
    // A split row: folded for each credited payee, by its share (no plan follows these
    // buckets).
    for share in shares {
        let q = match fold.short.get(&share.payee).or_else(|| fold.payee_index.get(&*share.payee).copied()) {
            Some(q) => q,
            None if job.known.contains_key(&share.payee) => new_payee(job, fold, &share.payee, Status::Known, line),
            None => return Err("a share for a payee the row-by-row fold decides".into()),
        };
        let b = bucket_of(fold, q, bucket);
        let who = if job.evaluates { RowPayee::Own(q) } else { RowPayee::Unread };
        // A share of the whole is the row whole (one comparison here, none per aggregate).
        let part = (share.share != Decimal::ONE).then_some(share.share);
        add_row(rules, job, fold, cells, b, who, part, values)?;
    }
    Ok(None)
}

/// A payee new to the run's fold, first met at `line`.
fn new_payee(job: &TaskJob<'_>, fold: &mut TaskFold, payee: &str, status: Status, line: Pos) -> u32 {
    let known = job.known.get_key_value(payee);
    let hired = match (job.start, known) {
        (Some(start), Some((_, attrs))) => match attrs.get(start) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        },
        _ => None,
    };
    let p = fold.payees.len() as u32;
    fold.payee_index.insert(Box::from(payee), p);
    fold.short.set(payee, p);
    let watched = job.watch.contains(&payee);
    let buckets = PeriodSlots::default();
    fold.payees.push(BlockPayee { id: payee.to_string(), watched, first: line, status, rows: 0, hired, buckets });
    fold.checks.push((status, hired.is_some()));
    fold.arcs.push(known.map_or_else(|| Arc::from(payee), |(k, _)| k.clone()));
    p
}

/// A row whole left to be added to bucket `b`'s states once the next row is read, when its
/// states have come from the memory: a plan of many aggregates has buckets of half a kilobyte, too
/// many to stay in the nearest caches, and a row added as soon as it is read waits for its
/// states (half the time of a fold of thirty-one aggregates). The row's cells stay where they
/// were read (`fold_block` reads each row into the other of two lists), as read; a `budget`
/// rerun's scaled cell is kept beside, per plan, and put in while the row is added. Rows are
/// then added in
/// another order than read, which changes no state: sums and counts are exact, a distinct set
/// is a set, and `min`/`max` keep one of equal values whatever the order
/// (`aggregate::keep_extreme`).
#[derive(Clone, Copy)]
struct Pending {
    b: u32,
    who: Later,
}

/// Whose row is left to be added ([`RowPayee`], with the leading plan's fold named by number).
#[derive(Clone, Copy)]
enum Later {
    Unread,
    Own(u32),
    /// Payee `p` of the fold of plan `k`, the plan followed.
    Of(usize, u32),
}

/// The bytes of a fold's states past which its rows are added a row late whatever the size of
/// its buckets ([`Pending`]): over 100,000 payees the seed plan's 1.2M buckets are 57 MB, and a
/// row added at once waited for its states (most of the time of adding it).
const LARGE_FOLD: usize = 4 << 20;

impl TaskJob<'_> {
    /// Whether the plan's rows are added a row late ([`Pending`]): its buckets span more than
    /// four cache lines (the seed plan's, of three aggregates a month, stay close and cached, and the
    /// bookkeeping would cost it more than it saves).
    fn adds_later(&self) -> bool {
        self.aggs.len() * std::mem::size_of::<BlockState>() > 4 * 64
    }
}

/// Asks the memory for the states of bucket `b` the row in `cells` may add to.
fn ask_for_states(job: &TaskJob<'_>, fold: &TaskFold, cells: &[Cell<'_>], b: u32) {
    #[cfg(target_arch = "x86_64")]
    if job.folds {
        let stride = job.aggs.len();
        let at = b as usize * stride;
        if let Some(states) = fold.out.states.get(at..at + stride) {
            match job.by_combination.as_ref().and_then(|by| by.list(cells)) {
                Some(list) => {
                    for &entry in list {
                        if let Some(state) = states.get(listed_aggregate(entry).0) {
                            safe_arch::prefetch_t0(state);
                        }
                    }
                }
                None => states.iter().for_each(safe_arch::prefetch_t0),
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (job, fold, cells, b);
}

impl Later {
    fn payee(self, leads: &[TaskFold]) -> Result<RowPayee<'_>, NotPlain> {
        Ok(match self {
            Later::Unread => RowPayee::Unread,
            Later::Own(p) => RowPayee::Own(p),
            Later::Of(k, p) => {
                let lead = leads.get(k).ok_or("no plan to follow")?;
                RowPayee::Of(lead.arcs.get(p as usize).ok_or("no payee")?)
            }
        })
    }
}

/// Adds the row left, if any: its cells are `cells`, the row read before, as read, and for a
/// plan that scales a column, `scaled` its column and scaled cell, put in while it is added.
#[allow(clippy::too_many_arguments)]
fn add_pending<'t>(
    rules: &RowRules<'_>,
    job: &TaskJob<'_>,
    fold: &mut TaskFold,
    leads: &[TaskFold],
    pend: Option<Pending>,
    scaled: Option<(usize, Cell<'t>)>,
    cells: &mut [Cell<'t>],
    values: &mut Vec<Value>,
) -> Result<(), NotPlain> {
    let Some(Pending { b, who }) = pend else { return Ok(()) };
    let read = scaled.and_then(|(c, cell)| Some((c, std::mem::replace(cells.get_mut(c)?, cell))));
    let added = add_row(rules, job, fold, cells, b, who.payee(leads)?, None, values);
    if let Some((c, cell)) = read {
        if let Some(slot) = cells.get_mut(c) {
            *slot = cell;
        }
    }
    added
}

/// The run's bucket of payee `p` and `period`, made when new.
fn bucket_of(fold: &mut TaskFold, p: u32, period: Period) -> u32 {
    let ordinal = period.ordinal();
    let payee = fold.payees.get_mut(p as usize);
    if let Some(b) = payee.as_ref().and_then(|e| e.buckets.get(ordinal)) {
        return b;
    }
    if let Some(&b) = fold.bucket_index.get(&(p, period)) {
        return b;
    }
    let b = fold.out.buckets.len() as u32;
    fold.out.buckets.push((p, period));
    if !payee.is_some_and(|e| e.buckets.set(ordinal, b)) {
        fold.bucket_index.insert((p, period), b);
    }
    b
}

/// Whose row [`add_row`] adds, for a plan whose per-row parts the evaluator computes.
#[derive(Clone, Copy)]
enum RowPayee<'a> {
    /// The plan reads no payee's id.
    Unread,
    /// Payee `p` of the fold the row is added to.
    Own(u32),
    /// The payee of the plan it follows.
    Of(&'a Arc<str>),
}

/// Adds a used row to bucket `b`'s states and the tally. A plan that follows another's buckets
/// (`TaskJob::follows`) comes here straight, with the bucket the other plan found, and makes
/// the bucket's states when it is new. `who`: the row's payee, for a plan the evaluator
/// computes parts of; `share`: a credited payee's share of the row (`None`: the row whole).
#[allow(clippy::too_many_arguments)]
fn add_row(
    rules: &RowRules<'_>,
    job: &TaskJob<'_>,
    fold: &mut TaskFold,
    cells: &[Cell<'_>],
    b: u32,
    who: RowPayee<'_>,
    share: Option<Decimal>,
    values: &mut Vec<Value>,
) -> Result<(), NotPlain> {
    let stride = job.aggs.len();
    // The payee's id, borrowed (a clone per row is an atomic count that two cores fight over).
    let payee = match who {
        RowPayee::Unread => None,
        RowPayee::Own(p) => Some(fold.arcs.get(p as usize).ok_or("no payee")?),
        RowPayee::Of(arc) => Some(arc),
    };
    if let Some(spec) = job.tally {
        while fold.out.tally.len() <= b as usize {
            fold.out.tally.push(None);
        }
        tally_row(rules, spec, &mut fold.out, b, cells, share).ok_or("a tally the row-by-row fold reports")?;
    }
    if !job.folds {
        return Ok(());
    }
    while fold.out.states.len() <= b as usize * stride && stride > 0 {
        fold.out.states.extend(job.aggs.iter().map(|a| BlockState::new(a.func)));
    }
    let failed = || "a computation the row-by-row fold reports".to_string();
    // The row as values, and the payee's roster row, made when the evaluator first needs them.
    let mut lazy = LazyRow { job, rules, cells, payee, values, made: false, attrs: None };
    let at = b as usize * stride;
    let states = fold.out.states.get_mut(at..at + stride).ok_or("no bucket")?;
    let listed = job.by_combination.as_ref().and_then(|by| by.list(cells));
    // The states the row may add to, asked of the memory all at once: a large plan's bucket
    // (thirty-one states, 496 bytes) is out of the nearest caches, and one by one each waits.
    #[cfg(target_arch = "x86_64")]
    if let Some(list) = listed {
        for &entry in list {
            if let Some(state) = states.get(listed_aggregate(entry).0) {
                safe_arch::prefetch_t0(state);
            }
        }
    }
    for i in 0..listed.map_or(job.aggs.len(), <[u16]>::len) {
        let (a, taken) = match listed {
            Some(list) => listed_aggregate(*list.get(i).ok_or("no aggregate")?),
            None => (i, false),
        };
        let Some(agg) = job.aggs.get(a) else { continue };
        if agg.shared.is_some() {
            continue;
        }
        let take = taken
            || match &agg.filter {
                Filter::All => true,
                Filter::Table { columns, outcomes } => {
                    let index = combination(columns, cells).ok_or_else(failed)?;
                    outcomes.get(index).copied().flatten().ok_or_else(failed)?
                }
                Filter::Eval { expr, compare: Some(compare), .. } => match compare.decide(cells) {
                    Some(take) => take,
                    None => lazy.eval(expr).ok_or_else(failed)? == Value::Bool(true),
                },
                Filter::Eval { guard: Some((columns, false_for)), .. }
                    if combination(columns, cells).and_then(|i| false_for.get(i)) == Some(&true) =>
                {
                    false
                }
                Filter::Eval { expr, memo: Some(memo), .. } => {
                    let key = memo.key(cells);
                    let known = fold.memos.get(a).zip(key).and_then(|(m, k)| m.get(&k).copied());
                    match known {
                        Some(take) => take,
                        None => {
                            let take = lazy.eval(expr).ok_or_else(failed)? == Value::Bool(true);
                            if let (Some(m), Some(k)) = (fold.memos.get_mut(a), key) {
                                if m.len() < MEMO_MAX {
                                    m.insert(k, take);
                                }
                            }
                            take
                        }
                    }
                }
                Filter::Eval { expr, memo: None, .. } => lazy.eval(expr).ok_or_else(failed)? == Value::Bool(true),
            };
        if !take {
            continue;
        }
        let Some(state) = states.get_mut(a) else { continue };
        if let BlockState::Count(n) = state {
            *n += 1;
            continue;
        }
        let value = match &agg.arg {
            Arg::Nothing => None,
            Arg::Column(c) => match cells.get(*c) {
                // The usual amount, added as it was read.
                Some(&Cell::Money(mantissa, scale)) if share.is_none() && matches!(state, BlockState::Sum(_)) => {
                    if let Some(largest) = fold.out.largest.get_mut(a) {
                        *largest = (*largest).max(u128::from(mantissa.unsigned_abs()));
                    }
                    if let BlockState::Sum(s) = state {
                        s.add_parts(i128::from(mantissa), scale).ok_or_else(failed)?;
                    }
                    continue;
                }
                // An amount to the least or greatest so far, compared with the one in the state
                // (`BlockState::MinAmount`; the largest mantissa is a sum's concern, `scaled_sum`).
                Some(&Cell::Money(mantissa, scale))
                    if share.is_none() && state.add_extreme_amount(mantissa, scale)? =>
                {
                    continue;
                }
                Some(cell @ (Cell::Num(_) | Cell::Money(..))) => {
                    let number = cell.number().ok_or_else(failed)?;
                    let n = &number;
                    // A sum weighs a credited payee's part by its share, as the row-by-row fold
                    // does (an average or a count takes the row whole).
                    let weighed;
                    let n = match (&*state, share) {
                        (BlockState::Sum(_), Some(share)) => {
                            weighed = n.checked_mul(share).ok_or_else(failed)?;
                            &weighed
                        }
                        _ => n,
                    };
                    if let Some(largest) = fold.out.largest.get_mut(a) {
                        *largest = (*largest).max(n.mantissa().unsigned_abs());
                    }
                    match state {
                        BlockState::Sum(s) => s.add(*n).ok_or_else(failed)?,
                        BlockState::Avg(avg) => {
                            let avg = avg.get_or_insert_with(Box::default);
                            avg.0.add(*n).ok_or_else(failed)?;
                            avg.1 += 1;
                        }
                        BlockState::Min(_)
                        | BlockState::Max(_)
                        | BlockState::MinAmount(_)
                        | BlockState::MaxAmount(_) => {
                            if let Some((kept, way)) = state.extreme()? {
                                keep_extreme(kept, Value::Number(*n), way);
                            }
                        }
                        _ => {
                            let numbers = fold.value_numbers.get_mut(a).ok_or("no aggregate")?;
                            let kept = fold.out.values.get_mut(a).ok_or("no aggregate")?;
                            let pairs = fold.pairs.get_mut(a).ok_or("no aggregate")?;
                            add_value(state, Value::Number(*n), numbers, kept, pairs, b).ok_or_else(failed)?;
                        }
                    }
                    continue;
                }
                Some(Cell::Text(t)) if agg.distinct_text => {
                    // A numbered text (`C36048`: prefix, width, number) is coded without a
                    // lookup, while the run has room for its class; any other text is
                    // numbered in the run by its text (the merge numbers a text of a
                    // numbered class by its class all the same, `ClassNumbers`).
                    let class = match crate::data::keys::split(t).filter(|(_, width, _)| *width <= NUMBERED_WIDTH) {
                        Some((prefix, width, n)) => fold.out.classes.of(prefix, width, RUN_CLASSES).map(|c| (c, n)),
                        None => None,
                    };
                    let code = match class {
                        Some((class, n)) => NUMBERED | ((class as u32) << NUMBER_BITS) | n as u32,
                        None => {
                            let numbers = fold.text_numbers.get_mut(a).ok_or("no aggregate")?;
                            match numbers.get(*t) {
                                Some(&n) => n,
                                None => {
                                    let texts = fold.out.texts.get_mut(a).ok_or("no aggregate")?;
                                    let n = texts.push(t);
                                    if n >= NUMBERED {
                                        return Err("too many distinct values".into());
                                    }
                                    numbers.insert(Box::from(*t), n);
                                    n
                                }
                            }
                        }
                    };
                    fold.pairs.get_mut(a).ok_or("no aggregate")?.push(u64::from(b) << 32 | u64::from(code));
                    continue;
                }
                Some(cell) => Some(cell.value(rules.columns.get(*c))),
                None => None,
            },
            Arg::Eval(e) => Some(lazy.eval(e).ok_or_else(failed)?),
        };
        let value = match (value.unwrap_or(Value::Bool(true)), share) {
            (Value::Number(n), Some(share)) if agg.func == AggFunc::Sum => {
                Value::Number(n.checked_mul(share).ok_or_else(failed)?)
            }
            (value, _) => value,
        };
        if value == Value::Missing {
            continue;
        }
        if let (Value::Number(n), Some(largest)) = (&value, fold.out.largest.get_mut(a)) {
            *largest = (*largest).max(n.mantissa().unsigned_abs());
        }
        let numbers = fold.value_numbers.get_mut(a).ok_or("no aggregate")?;
        let kept = fold.out.values.get_mut(a).ok_or("no aggregate")?;
        let pairs = fold.pairs.get_mut(a).ok_or("no aggregate")?;
        add_value(state, value, numbers, kept, pairs, b).ok_or_else(failed)?;
    }
    Ok(())
}

/// A row for the evaluator: its values (of the columns the evaluator reads) and its payee's
/// roster row, made the first time a part of the row needs them (a filter whose listed values
/// already say `false` needs neither).
struct LazyRow<'r, 'k, 't> {
    job: &'r TaskJob<'k>,
    rules: &'r RowRules<'r>,
    cells: &'r [Cell<'t>],
    payee: Option<&'r Arc<str>>,
    values: &'r mut Vec<Value>,
    made: bool,
    attrs: Option<Option<&'k [Value]>>,
}

impl LazyRow<'_, '_, '_> {
    /// `e` on the row (`None`: an error the row-by-row fold reports, or no payee).
    fn eval(&mut self, e: &Expr) -> Option<Value> {
        let payee = self.payee?;
        if !self.made {
            self.values.clear();
            self.values.resize(self.job.columns, Value::Missing);
            for &c in &self.job.eval_columns {
                if let (Some(slot), Some(cell)) = (self.values.get_mut(c), self.cells.get(c)) {
                    *slot = cell.value(self.rules.columns.get(c));
                }
            }
            self.made = true;
        }
        let job = self.job;
        let attrs = *self.attrs.get_or_insert_with(|| {
            if job.roster_mode {
                job.known.get(payee).map(Vec::as_slice)
            } else {
                None
            }
        });
        let env = RowEnv { row: self.values, payee: attrs, payee_id: payee, joined: None, in_month: &[] };
        eval_traced(job.plan, e, &env, &mut NoTrace).ok()
    }
}

/// Adds a used row to the command's tally, as `Tally::add_row` does: weighed by the payee's
/// share (`share` `None`: the row whole). `None`: a product or total the row-by-row fold
/// reports.
fn tally_row(
    rules: &RowRules<'_>,
    spec: &TallySpec,
    out: &mut TaskOut,
    b: u32,
    cells: &[Cell<'_>],
    share: Option<Decimal>,
) -> Option<()> {
    let amount = match (cells.get(spec.column).and_then(Cell::number), share) {
        (Some(n), None) => n,
        (Some(n), Some(share)) => n.checked_mul(share)?,
        (None, _) => return Some(()),
    };
    out.tally.get_mut(b as usize)?.get_or_insert_with(Sum::default).add(amount)?;
    for (&c, by) in spec.by.iter().zip(out.tally_by.iter_mut()) {
        let text: std::borrow::Cow<'_, str> = match cells.get(c) {
            Some(Cell::Text(t)) => (*t).into(),
            Some(Cell::Code(k)) => match rules.columns.get(c).map(|r| &r.reader) {
                Some(Reader::Listed(values, _)) => values.get(*k as usize)?.as_str().into(),
                _ => return None,
            },
            Some(cell) => cell.value(rules.columns.get(c)).plain().into(),
            None => "".into(),
        };
        let code = match by.numbers.get(&*text) {
            Some(&n) => n,
            None => {
                let n = u32::try_from(by.names.len()).ok()?;
                by.numbers.insert(Box::from(&*text), n);
                by.names.push(text.into_owned());
                n
            }
        };
        by.sums.entry((b, code)).or_default().add(amount)?;
    }
    Some(())
}

/// Adds one row's value to a state as `AggState::add` does (a count is counted before).
/// A distinct value goes to the block's pairs (bucket `b`).
fn add_value(
    state: &mut BlockState,
    value: Value,
    numbers: &mut FxHashMap<Value, u32>,
    kept: &mut Vec<Value>,
    pairs: &mut Vec<u64>,
    b: u32,
) -> Option<()> {
    match state {
        BlockState::Sum(s) => s.add(value.as_number().unwrap_or_default())?,
        BlockState::Avg(avg) => {
            let avg = avg.get_or_insert_with(Box::default);
            avg.0.add(value.as_number().unwrap_or_default())?;
            avg.1 += 1;
        }
        BlockState::Distinct(..) => {
            let value = match value {
                Value::Number(n) => Value::Number(n.normalize()),
                other => other,
            };
            let n = match numbers.get(&value) {
                Some(&n) => n,
                None => {
                    let n = u32::try_from(kept.len()).ok().filter(|n| *n < NUMBERED)?;
                    kept.push(value.clone());
                    numbers.insert(value, n);
                    n
                }
            };
            pairs.push(u64::from(b) << 32 | u64::from(n));
        }
        BlockState::Count(n) => *n += 1,
        BlockState::Min(_) | BlockState::Max(_) | BlockState::MinAmount(_) | BlockState::MaxAmount(_) => {
            let (kept, way) = state.extreme().ok()??;
            keep_extreme(kept, value, way);
        }
    }
    Some(())
}

// ---------------------------------------------------------------------------------------------
// Blocks merged in file order

/// One aggregate's state in one bucket, over the blocks merged so far.
enum MergedState {
    Sum(Sum),
    Count(u64),
    /// The set (none before the bucket's first run), and other runs' sets of the bucket, to
    /// be added to it on all cores: the runs' boxes, moved. Sets held in place made every
    /// state 120 bytes (245 MB of states over 100,000 payees), not 40. (The boxes are the
    /// runs': kept, not emptied and freed one by one in the merge, which is on one thread.)
    #[allow(clippy::vec_box)]
    Distinct(Option<Box<DistinctValues>>, Vec<Box<DistinctValues>>),
    Avg(Sum, u64),
    Min(Option<Box<Value>>),
    Max(Option<Box<Value>>),
}

const _: () = assert!(std::mem::size_of::<MergedState>() <= 40);

impl MergedState {
    /// A run's state, as the merge keeps it.
    #[inline]
    fn of_run(state: BlockState) -> Result<MergedState, NotPlain> {
        Ok(match state {
            BlockState::Sum(x) => MergedState::Sum(x),
            BlockState::Count(n) => MergedState::Count(n),
            BlockState::Avg(avg) => {
                avg.map_or(MergedState::Avg(Sum::default(), 0), |avg| MergedState::Avg(avg.0, avg.1))
            }
            BlockState::Distinct(codes) => MergedState::Distinct(codes, Vec::new()),
            BlockState::Min(v) => MergedState::Min(v),
            BlockState::Max(v) => MergedState::Max(v),
            // An amount kept in the state, boxed as the merge keeps the least and the greatest.
            BlockState::MinAmount(a) => MergedState::Min(Some(a.boxed()?)),
            BlockState::MaxAmount(a) => MergedState::Max(Some(a.boxed()?)),
        })
    }

    /// Adds another merged state of the same aggregate and bucket.
    fn combine(&mut self, other: MergedState) -> Result<(), NotPlain> {
        let overflow = || "a total the row-by-row fold reports".to_string();
        match (self, other) {
            (MergedState::Sum(x), MergedState::Sum(y)) => x.merge(&y).ok_or_else(overflow)?,
            (MergedState::Count(x), MergedState::Count(y)) => *x += y,
            (MergedState::Avg(x, n), MergedState::Avg(y, m)) => {
                x.merge(&y).ok_or_else(overflow)?;
                *n += m;
            }
            // A bucket's first set is kept as it is; the others are added on all cores at the
            // end (`BucketPart::settle`, in their runs' boxes).
            (MergedState::Distinct(set, parts), MergedState::Distinct(theirs, their_parts)) => {
                match set {
                    None => *set = theirs,
                    Some(_) => parts.extend(theirs),
                }
                parts.extend(their_parts);
            }
            (MergedState::Min(x), MergedState::Min(Some(y))) => keep_extreme(x, *y, std::cmp::Ordering::Less),
            (MergedState::Max(x), MergedState::Max(Some(y))) => keep_extreme(x, *y, std::cmp::Ordering::Greater),
            (MergedState::Min(_), MergedState::Min(None)) | (MergedState::Max(_), MergedState::Max(None)) => {}
            _ => return Err("aggregates out of step".into()),
        }
        Ok(())
    }
}

struct MergedPayee {
    id: Arc<str>,
    /// Line of its first row in the file.
    line: u64,
    status: Status,
    rows: u64,
}

/// How a class of numbered texts (`C36048`: prefix `C`, five digits) is numbered in a read.
enum ClassTable {
    /// By a range of the read's numbers starting here: `n` is `base + n`.
    Range(u32),
    /// By a table from the class's numbers to the read's (`u32::MAX`: not seen yet).
    Numbers(Vec<u32>),
    /// By a map from the class's numbers met to the read's, once the tables' budget is spent
    /// (a file of customers of thousands of prefixes).
    ByNumber(FxHashMap<u32, u32>),
}

/// At most this many classes of numbered texts are numbered by their class in one read (a
/// file of customers of as many prefixes as rows would otherwise keep a table for each); a
/// class met once there are this many is numbered by its values' texts, as other texts.
const READ_CLASSES: usize = 1 << 16;

/// How a read numbers each class of numbered texts: the same for a class's values whichever
/// way a run coded them (by their class, or, past the run's [`RUN_CLASSES`], by their text),
/// so a value has one number in the read, and never another text's.
struct ClassNumbers {
    tables: FxHashMap<(String, usize), ClassTable>,
    /// The bytes left for `Numbers` tables.
    table_budget: usize,
    /// Numbers taken by classes' ranges.
    ranges: usize,
}

impl ClassNumbers {
    fn new() -> ClassNumbers {
        ClassNumbers { tables: FxHashMap::default(), table_budget: TABLE_BUDGET, ranges: 0 }
    }

    /// Makes the read's way of numbering `class` when it is first met: a range while they fit,
    /// then a table while the budget lasts, then a map; none once the read has
    /// [`READ_CLASSES`] (its values are then numbered by their text).
    fn meet(&mut self, class: &(String, usize), next_number: &mut u32) -> Result<(), NotPlain> {
        if self.tables.contains_key(class) || self.tables.len() >= READ_CLASSES {
            return Ok(());
        }
        let size = 10usize.pow(class.1 as u32);
        let table = if size + self.ranges <= RANGES {
            // A small class takes a range of the read's numbers: its value `n` is `base + n`,
            // with no lookup.
            self.ranges += size;
            let base = *next_number;
            *next_number = u32::try_from(size).ok().and_then(|s| base.checked_add(s)).ok_or("too many values")?;
            ClassTable::Range(base)
        } else if size * 4 <= self.table_budget {
            self.table_budget -= size * 4;
            ClassTable::Numbers(vec![u32::MAX; size])
        } else {
            ClassTable::ByNumber(FxHashMap::default())
        };
        self.tables.insert(class.clone(), table);
        Ok(())
    }

    /// The read's number of the value `number` of `class` (met before); `text` is the value
    /// written out, for a class numbered by its values' texts (`seen`).
    fn number(
        &mut self,
        class: &(String, usize),
        number: u32,
        text: impl FnOnce() -> String,
        seen: &mut FxHashMap<Box<str>, u32>,
        next_number: &mut u32,
    ) -> Result<u32, NotPlain> {
        Ok(match self.tables.get_mut(class) {
            Some(ClassTable::Range(base)) => *base + number,
            Some(ClassTable::Numbers(table)) => {
                let slot = table.get_mut(number as usize).ok_or("no number")?;
                if *slot == u32::MAX {
                    *slot = next(next_number)?;
                }
                *slot
            }
            Some(ClassTable::ByNumber(met)) => match met.get(&number) {
                Some(&n) => n,
                None => {
                    let n = next(next_number)?;
                    met.insert(number, n);
                    n
                }
            },
            None => number_of_text(seen, next_number, &text())?,
        })
    }
}

/// The next of the read's numbers of distinct values (one sequence for every kind of value,
/// so the numbers are dense, as `aggregate::Interner`'s are).
fn next(counter: &mut u32) -> Result<u32, NotPlain> {
    let n = *counter;
    *counter = n.checked_add(1).filter(|n| *n < u32::MAX).ok_or("more than four billion distinct values")?;
    Ok(n)
}

fn number_of_text(seen: &mut FxHashMap<Box<str>, u32>, counter: &mut u32, t: &str) -> Result<u32, NotPlain> {
    if let Some(&n) = seen.get(t) {
        return Ok(n);
    }
    let n = next(counter)?;
    seen.insert(Box::from(t), n);
    Ok(n)
}

/// The memory the tables of numbered classes may take in one read (bytes).
const TABLE_BUDGET: usize = 16 << 20;
/// How many of the read's numbers classes may take as ranges: numbers stay below about this,
/// so a bucket's bitmap of distinct values (`DistinctValues`) stays within 32 KB.
const RANGES: usize = 1 << 18;

/// A used row of the observed payee, for the row observer.
pub(super) struct WatchedRow {
    payee: Arc<str>,
    bucket: Period,
    line: u64,
    values: Vec<Value>,
    /// The payee's share of a split row (one for a row of their own).
    share: Decimal,
}

struct TaskMerge {
    /// The observed payee's rows, in file order.
    watched: Vec<WatchedRow>,
    /// The rows the plan looks up, by payee (their number in the merge) and bucket.
    rows: FxHashMap<(u32, Period), LookupRow>,
    /// How each class of numbered texts is numbered, and the next of the read's numbers.
    classes: ClassNumbers,
    next_number: u32,
    payee_index: FxHashMap<Arc<str>, usize>,
    payees: Vec<MergedPayee>,
    /// The buckets met, in parts by payee ([`BucketPart`]).
    parts: Vec<BucketPart>,
    used: u64,
    outside_range: u64,
    no_payee: u64,
    periods: BTreeSet<Period>,
    /// The first row of the lowest and of the highest month: bucket, file line, value.
    lowest: Option<(Period, u64, Value)>,
    highest: Option<(Period, u64, Value)>,
    texts: Vec<FxHashMap<Box<str>, u32>>,
    values: Vec<FxHashMap<Value, u32>>,
    /// The command's tally: per bucket, and per column and value.
    /// The tallied column's sum by payee (their number in the merge) and bucket.
    tally: FxHashMap<(u32, Period), Sum>,
    tally_by: Vec<MergedByValue>,
    largest: Vec<u128>,
    credited: u64,
    /// Per run, the rows other ledgers name (as it found them), its kept rows and its
    /// shares, each in file order.
    captured: Vec<Vec<Captured<Pos>>>,
    kept: Vec<Gathered<KeptRow>>,
    shares: Vec<Gathered<(KeyText, CreditShare)>>,
}

/// A run's buckets of one part's payees; where each bucket's states end in the list of
/// states; and the states some row was taken by, each with its aggregate's place (its slot).
type RunPart = (Vec<(u32, Period)>, Vec<usize>, Vec<(u32, BlockState)>);

/// A bucket of a run (payee, as numbered in the merge; period) and its states, on their way to
/// the bucket's part.
type RunBucket<'s> = ((u32, Period), &'s mut [BlockState]);

/// The buckets a merge met of some payees (those whose number in the merge is the part's
/// number, modulo the parts: one per thread, merged on all cores): (payee, as its place in
/// the merge's payees; period), each one's place in `keys` (no payee's id to look at per
/// bucket), and only the states some row of the bucket was taken by. The states of a slot
/// below 64 that the bucket's first run brought lie in `states`, one bucket's after the
/// other's (the run's slots in a mask); later runs add to them there, and any other state is
/// put in `extra`, settled with them at the end. Over 100,000 payees a plan of thirty-one
/// aggregates met 680,000 buckets, most with a few states: all thirty-one of each were
/// 840 MB. (A list of its own per bucket cost the seed plan, of four aggregates, a tenth more
/// memory than keeping all four of every bucket.)
#[derive(Default)]
struct BucketPart {
    index: FxHashMap<(u32, Period), u32>,
    keys: Vec<(u32, Period)>,
    /// Per bucket: the slots (below 64) of its states in `states`, and where they start.
    firsts: Vec<(u64, usize)>,
    states: Vec<MergedState>,
    /// Any other state: (bucket, slot, state); after [`BucketPart::settle`], in order of
    /// bucket and slot, each once.
    extra: Vec<(u32, u32, MergedState)>,
}

/// A bucket of a [`BucketPart`]: the slots of its states in `states` (below 64), those states,
/// and its extra states.
type PartBucket<'s> = (u64, &'s mut [MergedState], &'s mut [(u32, u32, MergedState)]);

impl BucketPart {
    /// Merges a run's buckets of the part's payees (`RunPart`: distinct sets in the read's
    /// numbers).
    fn absorb(&mut self, (keys, ends, states): RunPart) -> Result<(), NotPlain> {
        self.index.reserve(keys.len());
        self.keys.reserve(keys.len());
        self.firsts.reserve(keys.len());
        self.states.reserve(states.len());
        let mut states = states.into_iter();
        let mut start = 0;
        for (key, end) in keys.into_iter().zip(ends) {
            let these = states.by_ref().take(end - start);
            start = end;
            match self.index.entry(key) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    let at = u32::try_from(self.keys.len()).map_err(|_| "too many buckets")?;
                    e.insert(at);
                    self.keys.push(key);
                    let (mut mask, first) = (0u64, self.states.len());
                    for (slot, from) in these {
                        let state = MergedState::of_run(from)?;
                        if slot < 64 {
                            mask |= 1 << slot;
                            self.states.push(state);
                        } else {
                            self.extra.push((at, slot, state));
                        }
                    }
                    self.firsts.push((mask, first));
                }
                std::collections::hash_map::Entry::Occupied(e) => {
                    let at = *e.get();
                    let (mask, first) = *self.firsts.get(at as usize).ok_or("no bucket")?;
                    for (slot, from) in these {
                        if slot < 64 && mask >> slot & 1 == 1 {
                            let i = first + (mask & ((1u64 << slot) - 1)).count_ones() as usize;
                            self.states.get_mut(i).ok_or("no state")?.combine(MergedState::of_run(from)?)?;
                        } else {
                            self.extra.push((at, slot, MergedState::of_run(from)?));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Once every run is merged: `extra` in order of bucket and slot, each once, and every
    /// distinct set with the other runs' sets added and settled, on all cores.
    fn settle(&mut self) -> Result<(), NotPlain> {
        self.extra.par_sort_unstable_by_key(|&(b, slot, _)| (b, slot));
        let mut extra: Vec<(u32, u32, MergedState)> = Vec::with_capacity(self.extra.len());
        for (b, slot, state) in std::mem::take(&mut self.extra) {
            match extra.last_mut() {
                Some((lb, ls, last)) if (*lb, *ls) == (b, slot) => last.combine(state)?,
                _ => extra.push((b, slot, state)),
            }
        }
        self.extra = extra;
        let settle = |state: &mut MergedState| {
            if let MergedState::Distinct(set, parts) = state {
                let set = set.get_or_insert_with(Default::default);
                for part in std::mem::take(parts) {
                    set.union_with(*part);
                }
                set.finish();
            }
        };
        self.states.par_iter_mut().with_min_len(1024).for_each(settle);
        self.extra.par_iter_mut().with_min_len(1024).for_each(|(_, _, state)| settle(state));
        Ok(())
    }

    /// Each bucket's states and extra states, bucket after bucket, in the order the buckets
    /// came.
    fn buckets(&mut self) -> Result<Vec<PartBucket<'_>>, NotPlain> {
        let mut out = Vec::with_capacity(self.keys.len());
        let (mut states, mut extra) = (&mut self.states[..], &mut self.extra[..]);
        for (b, &(mask, _)) in self.firsts.iter().enumerate() {
            let (these, rest) =
                std::mem::take(&mut states).split_at_mut_checked(mask.count_ones() as usize).ok_or("no state")?;
            states = rest;
            let n = extra.iter().take_while(|(of, _, _)| *of as usize == b).count();
            let (its, more) = std::mem::take(&mut extra).split_at_mut(n);
            extra = more;
            out.push((mask, these, its));
        }
        Ok(out)
    }
}

/// Items the runs gathered, as they are: the runs' lists, and their stretches in file order
/// (list, first item, how many).
type InPlace<T> = (Vec<Vec<T>>, Vec<(usize, usize, usize)>);

/// Runs' gathered items in file order, where they are: each placed in its file by `place`
/// (given its block), left in its run's list, and the lists' stretches put in the order of
/// their blocks (not merged into one list: on the 2027 plan's year, 2.4M shares and 0.6M kept
/// rows not copied, about 170 MB less of fresh memory). A block is one run's: two stretches of
/// one block (which cannot be) refuse the file to the row-by-row read rather than mix its rows.
fn in_file_order<T>(
    runs: Vec<Gathered<T>>,
    mut place: impl FnMut(u64, &mut T) -> Result<(), NotPlain>,
) -> Result<InPlace<T>, NotPlain> {
    // (block, its stretch's number in the read, list, first item, how many): a stretch that
    // runs past the end of its run's list goes on in the next, in pieces of one stretch.
    let mut stretches: Vec<(u64, usize, usize, usize, usize)> = Vec::new();
    let mut lists: Vec<Vec<T>> = Vec::with_capacity(runs.iter().map(|r| r.lists.len()).sum());
    let mut stretch = 0;
    for run in runs {
        let base = lists.len();
        lists.extend(run.lists);
        // This run's lists only: its stretches count its items.
        let runs_lists = lists.get_mut(base..).ok_or("no items")?;
        let (mut list, mut first) = (0, 0);
        for (block, mut n) in run.blocks {
            while n > 0 {
                let items = runs_lists.get_mut(list).ok_or("no items")?;
                let piece = n.min(items.len().saturating_sub(first));
                if piece == 0 {
                    (list, first) = (list + 1, 0);
                    continue;
                }
                for item in items.get_mut(first..first + piece).ok_or("no items")? {
                    place(block, item)?;
                }
                stretches.push((block, stretch, base + list, first, piece));
                first += piece;
                n -= piece;
            }
            stretch += 1;
        }
    }
    stretches.sort_unstable_by_key(|&(block, stretch, list, first, _)| (block, stretch, list, first));
    if stretches.windows(2).any(|w| match w {
        [a, b] => a.0 == b.0 && a.1 != b.1,
        _ => false,
    }) {
        return Err("rows of one block in two runs".into());
    }
    Ok((lists, stretches.into_iter().map(|(_, _, list, first, n)| (list, first, n)).collect()))
}

/// A tally per bucket and value of one column, over the runs merged so far: the values
/// numbered in the order met, the sums by payee (their number in the merge), bucket and value
/// (its number), so that merging copies no id and no value's text.
#[derive(Debug, Clone, Default)]
struct MergedByValue {
    names: Vec<String>,
    numbers: FxHashMap<String, u32>,
    sums: FxHashMap<(u32, Period, u32), Sum>,
}

#[derive(Default)]
struct MergedKeys {
    runs: FxHashMap<(String, usize), Vec<(u64, u64)>>,
    others: Vec<u64>,
}

impl MergedKeys {
    /// Every key once: runs of one class do not overlap, fingerprints differ. A repeated
    /// fingerprint may be two keys that differ: the row-by-row reader then tells exactly.
    fn check(&mut self) -> Result<(), NotPlain> {
        let repeated = || "a key seen twice".to_string();
        for runs in self.runs.values_mut() {
            runs.sort_unstable();
            for pair in runs.windows(2) {
                if let [(a, len), (b, _)] = pair {
                    if a.saturating_add(*len) > *b {
                        return Err(repeated());
                    }
                }
            }
        }
        self.others.sort_unstable();
        if self.others.windows(2).any(|w| w.first() == w.get(1)) {
            return Err(repeated());
        }
        Ok(())
    }
}

struct Merged {
    read: u64,
    tasks: Vec<TaskMerge>,
    keys: MergedKeys,
}

impl Merged {
    fn new(jobs: &[TaskJob<'_>]) -> Merged {
        Merged {
            read: 0,
            tasks: jobs
                .iter()
                .map(|job| TaskMerge {
                    watched: Vec::new(),
                    rows: FxHashMap::default(),
                    classes: ClassNumbers::new(),
                    next_number: 0,
                    payee_index: FxHashMap::default(),
                    payees: Vec::new(),
                    parts: (0..rayon::current_num_threads().clamp(1, MAX_THREADS))
                        .map(|_| BucketPart::default())
                        .collect(),
                    used: 0,
                    outside_range: 0,
                    no_payee: 0,
                    periods: BTreeSet::new(),
                    lowest: None,
                    highest: None,
                    texts: vec![FxHashMap::default(); job.aggs.len()],
                    values: vec![FxHashMap::default(); job.aggs.len()],
                    tally: FxHashMap::default(),
                    tally_by: vec![MergedByValue::default(); job.tally.map_or(0, |t| t.by.len())],
                    largest: vec![0; job.aggs.len()],
                    credited: 0,
                    captured: Vec::new(),
                    kept: Vec::new(),
                    shares: Vec::new(),
                })
                .collect(),
            keys: MergedKeys::default(),
        }
    }

    /// Merges a run's fold; `first_lines` has the file line each block starts on.
    fn absorb(
        &mut self,
        jobs: &[TaskJob<'_>],
        tasks: Vec<TaskOut>,
        keys: BlockKeys,
        read: u64,
        first_lines: &[u64],
    ) -> Result<(), NotPlain> {
        self.read += read;
        for (class, start, len) in keys.runs {
            let name = keys.classes.get(class).cloned().ok_or("no key class")?;
            self.keys.runs.entry(name).or_default().push((start, len));
        }
        self.keys.others.extend(keys.others);
        let line_of = |(block, line): Pos| -> Result<u64, NotPlain> {
            Ok(first_lines.get(block as usize).ok_or("no block")? + line)
        };
        // Each plan's on a core of its own (`budget`'s four, `diff`'s two), the first failure
        // in plan order reported.
        let absorbed: Vec<Result<(), NotPlain>> = jobs
            .par_iter()
            .zip(self.tasks.par_iter_mut())
            .zip(tasks.into_par_iter())
            .map(|((job, merge), out)| merge.absorb(job, out, &line_of))
            .collect();
        absorbed.into_iter().collect()
    }
}

impl TaskMerge {
    /// A run's set of codes as the read's numbers (see [`ClassTable`]), settled.
    fn numbered(
        tables: &mut ClassNumbers,
        next_number: &mut u32,
        texts: &mut [FxHashMap<Box<str>, u32>],
        codes: DistinctValues,
        numbers: &[Vec<u32>],
        classes: &[(String, usize)],
        a: usize,
    ) -> Result<DistinctValues, NotPlain> {
        let mut list = codes.into_numbers();
        let map = numbers.get(a).ok_or("no aggregate")?;
        for slot_of_code in list.iter_mut() {
            let code = *slot_of_code;
            let n = match code & NUMBERED {
                0 => *map.get(code as usize).ok_or("no number")?,
                _ => {
                    let class = classes.get(((code & !NUMBERED) >> NUMBER_BITS) as usize).ok_or("no class")?;
                    let number = code & ((1 << NUMBER_BITS) - 1);
                    let text = || format!("{}{number:0width$}", class.0, width = class.1);
                    let seen = texts.get_mut(a).ok_or("no aggregate")?;
                    tables.number(class, number, text, seen, next_number)?
                }
            };
            *slot_of_code = n;
        }
        let mut set = DistinctValues::default();
        set.extend_vec(list);
        set.finish();
        Ok(set)
    }

    /// Merges one run's fold of this plan (runs come in any order: a payee's first row, the
    /// span's first rows and the observed rows are ordered by file line).
    fn absorb(
        &mut self,
        job: &TaskJob<'_>,
        out: TaskOut,
        line_of: &(dyn Fn(Pos) -> Result<u64, NotPlain> + Sync),
    ) -> Result<(), NotPlain> {
        let overflow = || "a total the row-by-row fold reports".to_string();
        // The block's payees, as the read's.
        let mut ids: Vec<Arc<str>> = Vec::with_capacity(out.payees.len());
        let mut numbers_of_payees: Vec<u32> = Vec::with_capacity(out.payees.len());
        for p in out.payees {
            let index = match self.payee_index.get(p.id.as_str()) {
                Some(&i) => i,
                None => {
                    let id: Arc<str> =
                        job.known.get_key_value(p.id.as_str()).map_or_else(|| Arc::from(p.id), |(k, _)| k.clone());
                    self.payees.push(MergedPayee {
                        id: id.clone(),
                        line: line_of(p.first)?,
                        status: p.status,
                        rows: 0,
                    });
                    self.payee_index.insert(id, self.payees.len() - 1);
                    self.payees.len() - 1
                }
            };
            let merged = self.payees.get_mut(index).ok_or("no payee")?;
            merged.line = merged.line.min(line_of(p.first)?);
            merged.rows += p.rows;
            ids.push(merged.id.clone());
            numbers_of_payees.push(u32::try_from(index).map_err(|_| "too many payees")?);
        }
        // The run's classes of numbered texts, as the read's (`ClassNumbers`).
        let mut classes = Vec::with_capacity(out.classes.len());
        for class in out.classes.list {
            self.classes.meet(&class, &mut self.next_number)?;
            classes.push(class);
        }
        // The block's numbers of distinct values, as the read's.
        let mut numbers: Vec<Vec<u32>> = Vec::with_capacity(job.aggs.len());
        for (a, (texts, values)) in out.texts.into_iter().zip(out.values).enumerate() {
            let mut map = Vec::with_capacity(texts.ends.len() + values.len());
            if let (Some(seen_texts), Some(seen_values)) = (self.texts.get_mut(a), self.values.get_mut(a)) {
                for t in texts.iter() {
                    // A text of a numbered class the run had no room for: by its class.
                    let n = match crate::data::keys::split(t).filter(|(_, width, _)| *width <= NUMBERED_WIDTH) {
                        Some((prefix, width, number)) => {
                            let class = (prefix.to_string(), width);
                            self.classes.meet(&class, &mut self.next_number)?;
                            let number = u32::try_from(number).map_err(|_| "no number")?;
                            self.classes.number(&class, number, || t.to_string(), seen_texts, &mut self.next_number)?
                        }
                        None => number_of_text(seen_texts, &mut self.next_number, t)?,
                    };
                    map.push(n);
                }
                for v in values {
                    let n = match seen_values.get(&v) {
                        Some(&n) => n,
                        None => {
                            let n = next(&mut self.next_number)?;
                            seen_values.insert(v, n);
                            n
                        }
                    };
                    map.push(n);
                }
            }
            numbers.push(map);
        }
        let payee_number = |p: u32| numbers_of_payees.get(p as usize).copied().ok_or("no payee");
        for (&(p, bucket), sum) in out.buckets.iter().zip(&out.tally) {
            if let Some(sum) = sum {
                self.tally.entry((payee_number(p)?, bucket)).or_default().merge(sum).ok_or_else(overflow)?;
            }
        }
        for (by, into) in out.tally_by.iter().zip(self.tally_by.iter_mut()) {
            // The run's values by their numbers in the merge.
            let mut numbers = Vec::with_capacity(by.names.len());
            for name in &by.names {
                let n = match into.numbers.get(name.as_str()) {
                    Some(&n) => n,
                    None => {
                        let n = u32::try_from(into.names.len()).map_err(|_| "too many values")?;
                        into.names.push(name.clone());
                        into.numbers.insert(name.clone(), n);
                        n
                    }
                };
                numbers.push(n);
            }
            for (&(b, code), sum) in &by.sums {
                let &(p, bucket) = out.buckets.get(b as usize).ok_or("no bucket")?;
                let value = *numbers.get(code as usize).ok_or("no value")?;
                into.sums.entry((payee_number(p)?, bucket, value)).or_default().merge(sum).ok_or_else(overflow)?;
            }
        }
        for (into, n) in self.largest.iter_mut().zip(&out.largest) {
            *into = (*into).max(*n);
        }
        if out.states.len() != if job.folds { out.buckets.len() * job.aggs.len() } else { 0 } {
            return Err("aggregates out of step".into());
        }
        // A plan that follows another's buckets and folds nothing of its own takes that plan's
        // merged buckets once they are finished (`fill_shared`): not merged again here.
        let buckets = match (job.follows, job.folds) {
            (Some(_), false) => Vec::new(),
            _ => out.buckets,
        };
        let width = job.aggs.len();
        let mut states = out.states;
        // Each set of distinct values in the read's numbers: a set of numbered texts of one
        // class that the read numbers by a range moves as a whole (its gaps stay as they
        // are), on all cores; any other is numbered here, in the run's order.
        let tables = &self.classes.tables;
        let to_number: Vec<bool> = states
            .par_iter_mut()
            .with_min_len(4096)
            .map(|state| {
                let BlockState::Distinct(Some(codes)) = state else { return false };
                let range = codes.first().filter(|c| c & NUMBERED != 0).and_then(|c| {
                    let k = (c & !NUMBERED) >> NUMBER_BITS;
                    match tables.get(classes.get(k as usize)?) {
                        Some(ClassTable::Range(base)) => {
                            let start = NUMBERED | k << NUMBER_BITS;
                            Some((start..=start | ((1 << NUMBER_BITS) - 1), *base))
                        }
                        _ => None,
                    }
                });
                let taken = std::mem::take(&mut **codes);
                let moved = match range {
                    Some((from, base)) => taken.shifted(from, base),
                    None => Err(taken),
                };
                let by_range = moved.is_ok();
                **codes = moved.unwrap_or_else(|codes| codes);
                !by_range
            })
            .collect();
        for (i, state) in states.iter_mut().enumerate().filter(|(i, _)| to_number.get(*i) == Some(&true)) {
            if let BlockState::Distinct(Some(codes)) = state {
                let taken = std::mem::take(&mut **codes);
                **codes = TaskMerge::numbered(
                    &mut self.classes,
                    &mut self.next_number,
                    &mut self.texts,
                    taken,
                    &numbers,
                    &classes,
                    i.checked_rem(width).ok_or("no aggregate")?,
                )?;
            }
        }
        // Each bucket to the part of its payee, the parts merged on all cores.
        let mut keys = Vec::with_capacity(buckets.len());
        for (p, bucket) in buckets {
            keys.push((*numbers_of_payees.get(p as usize).ok_or("no payee")?, bucket));
        }
        // Only the states some row was taken by go (a bucket of a plan of many filtered
        // aggregates has a few), each part's taken on a core of its own: over 100,000
        // payees the thirty plan's run of 10M rows brings 37M states, which one core took
        // one after the other (1.5 s with the other core idle).
        let n = self.parts.len().max(1);
        // A plan that folds nothing of its own has no states.
        let stride = if states.is_empty() { 0 } else { width };
        if states.len() != keys.len() * stride {
            return Err("aggregates out of step".into());
        }
        let mut by_part: Vec<Vec<RunBucket<'_>>> = (0..n).map(|_| Vec::with_capacity(keys.len() / n + 1)).collect();
        let mut chunks = states.chunks_mut(stride.max(1));
        for key in keys {
            let chunk: &mut [BlockState] = match stride {
                0 => &mut [],
                _ => chunks.next().ok_or("aggregates out of step")?,
            };
            by_part.get_mut(key.0 as usize % n).ok_or("no part")?.push((key, chunk));
        }
        let split: Vec<Result<RunPart, NotPlain>> = by_part
            .into_par_iter()
            .map(|buckets| {
                let (mut part_keys, mut ends, mut part_states) =
                    (Vec::with_capacity(buckets.len()), Vec::with_capacity(buckets.len()), Vec::new());
                for (key, chunk) in buckets {
                    part_keys.push(key);
                    for (slot, state) in chunk.iter_mut().enumerate() {
                        if !state.is_empty() {
                            let slot = u32::try_from(slot).map_err(|_| "too many aggregates")?;
                            part_states.push((slot, std::mem::replace(state, BlockState::Count(0))));
                        }
                    }
                    ends.push(part_states.len());
                }
                Ok((part_keys, ends, part_states))
            })
            .collect();
        let split = split.into_iter().collect::<Result<Vec<RunPart>, NotPlain>>()?;
        // What is left (states no row took) let go of on all cores too.
        states.into_par_iter().for_each(drop);
        let merged: Vec<Result<(), NotPlain>> =
            self.parts.par_iter_mut().zip(split).map(|(part, run)| part.absorb(run)).collect();
        merged.into_iter().collect::<Result<(), NotPlain>>()?;
        for (payee, bucket, line, values, share) in out.watched {
            self.watched.push(WatchedRow { payee, bucket, line: line_of(line)?, values, share });
        }
        self.rows.reserve(out.rows.len());
        for (p, bucket, at, values) in out.rows {
            let row = LookupRow { values, line: line_of(at)? };
            if self.rows.insert((payee_number(p)?, bucket), row).is_some() {
                return Err("a second row a lookup reads, which the row-by-row fold reports".into());
            }
        }
        self.used += out.used;
        self.outside_range += out.outside_range;
        self.no_payee += out.no_payee;
        self.periods.extend(out.periods);
        self.credited += out.credited;
        if !out.captured.is_empty() {
            self.captured.push(out.captured);
        }
        if !out.kept.is_empty() {
            self.kept.push(out.kept);
        }
        if !out.shares.is_empty() {
            self.shares.push(out.shares);
        }
        // The first row of the lowest and of the highest month, as the row-by-row fold finds
        // them: the lowest month, and of its rows the first in the file.
        if let Some((bucket, at, value)) = out.lowest {
            let line = line_of(at)?;
            if self.lowest.as_ref().is_none_or(|(lo, lo_line, _)| (bucket, line) < (*lo, *lo_line)) {
                self.lowest = Some((bucket, line, value));
            }
        }
        if let Some((bucket, at, value)) = out.highest {
            let line = line_of(at)?;
            if self.highest.as_ref().is_none_or(|(hi, hi_line, _)| bucket > *hi || (bucket == *hi && line < *hi_line)) {
                self.highest = Some((bucket, line, value));
            }
        }
        Ok(())
    }

    /// The read's fold for one plan, ready to keep; `Err` when a check on the whole read fails
    /// (a look-alike id, a total that does not fit).
    fn finish(
        mut self,
        job: &TaskJob<'_>,
        state: &PlanFold<'_>,
        at_column: &dyn Fn(u64, usize) -> String,
        first_lines: &[u64],
        scaled: bool,
    ) -> Result<Finished, NotPlain> {
        let line_of = |(block, line): Pos| -> Result<u64, NotPlain> {
            Ok(first_lines.get(block as usize).ok_or("no block")? + line)
        };
        // The payees' ids by their places in `payees`, as buckets name them.
        let ids: Vec<Arc<str>> = self.payees.iter().map(|p| p.id.clone()).collect();
        // Runs were merged in any order: payees, observed and kept rows, and shares go in file
        // order.
        self.payees.sort_by_key(|p| p.line);
        self.watched.sort_by_key(|w| w.line);
        let kept = in_file_order(self.kept, |block, row| {
            row.line = line_of((block, row.line))?;
            Ok(())
        })?;
        // Named rows are placed by line only when kept: every block they name must be known.
        if self.captured.iter().flatten().any(|c| line_of(c.1).is_err()) {
            return Err("no block".into());
        }
        let shares = in_file_order(self.shares, |block, (_, share)| {
            share.line = line_of((block, share.line))?;
            Ok(())
        })?;
        let mut look_alikes = state.look_alikes_snapshot();
        // Ids new to the run, in the order their first rows come in the file.
        for p in self.payees.iter().filter(|p| p.status != Status::Known) {
            if look_alikes.add(&p.id, || at_column(p.line, job.payee_col)).is_some() {
                return Err("an id that looks like another".into());
            }
        }
        // Keys are unique (checked), so each credited row was found once: fewer than the
        // shares name, and a share names a row the ledger does not have, which the row-by-row
        // fold reports.
        // (Unless rows were passed over, trusting a record that said the ledger had them all.)
        if job.credited && !job.skip_others && usize::try_from(self.credited).ok() != Some(state.credits().len()) {
            return Err("a credit for a row the ledger does not have".into());
        }
        let overflow = || "a total the row-by-row fold reports".to_string();
        // Each bucket's states as the fold keeps them, on all cores, part after part, in the
        // buckets' order.
        let width = job.aggs.len();
        // A bucket's states as the fold keeps them; with `scaled`, as many as the aggregates
        // of its sums' `nonzero`.
        let done = |(mask, these, extra): PartBucket<'_>| {
            let mut bits = mask;
            let slots = std::iter::from_fn(move || {
                let slot = (bits != 0).then(|| bits.trailing_zeros())?;
                bits &= bits - 1;
                Some(slot)
            });
            let taken = |s: &mut MergedState| std::mem::replace(s, MergedState::Count(0));
            let mut done = Vec::with_capacity(these.len() + extra.len());
            let all =
                slots.zip(these.iter_mut().map(taken)).chain(extra.iter_mut().map(|(_, slot, s)| (*slot, taken(s))));
            let mut nonzero = if scaled { vec![0u8; width] } else { Vec::new() };
            for (slot, state) in all {
                if let (MergedState::Sum(x) | MergedState::Avg(x, _), Some(n)) =
                    (&state, nonzero.get_mut(slot as usize))
                {
                    *n = x.nonzero;
                }
                done.push((
                    slot as usize,
                    match state {
                        MergedState::Sum(x) => AggState::Sum(x.decimal().ok_or_else(overflow)?),
                        MergedState::Count(n) => AggState::Count(n),
                        MergedState::Distinct(set, _) => {
                            let set = set.map(|s| *s).unwrap_or_default();
                            let size = u32::try_from(set.count()).ok();
                            AggState::Distinct(Arc::new(set), size)
                        }
                        MergedState::Avg(x, n) => AggState::Avg(Box::new((x.decimal().ok_or_else(overflow)?, n))),
                        MergedState::Min(v) => AggState::Min(v),
                        MergedState::Max(v) => AggState::Max(v),
                    },
                ));
            }
            Ok::<_, NotPlain>((done.into_iter().collect::<BucketStates>(), nonzero))
        };
        // Each part's buckets made on all cores, then put payee by payee, each payee's by
        // period, as the fold keeps them (`by_payee`).
        let mut nonzero: Vec<u8> = Vec::new();
        let mut buckets: Vec<_> = Vec::with_capacity(self.parts.iter().map(|part| part.keys.len()).sum());
        for mut part in self.parts {
            part.index = FxHashMap::default();
            let mut made = std::mem::take(&mut part.keys)
                .into_par_iter()
                .zip(part.buckets()?)
                .with_min_len(1024)
                .map(|(key, bucket)| done(bucket).map(|made| (key, made)))
                .collect::<Result<Vec<_>, _>>()?;
            drop(part);
            made.par_sort_unstable_by_key(|(key, _)| *key);
            for ((p, bucket), (states, its_nonzero)) in made {
                nonzero.extend(its_nonzero);
                buckets.push(((ids.get(p as usize).ok_or("no payee")?.clone(), bucket), states));
            }
        }
        let tally = match job.tally {
            None => None,
            Some(_) => {
                // Payee by payee, each payee's by period, as the fold keeps them (`by_payee`).
                let mut tally = Tally::default();
                let id = |p: u32| ids.get(p as usize).cloned().ok_or("no payee");
                let mut sums: Vec<((u32, Period), Sum)> = self.tally.into_iter().collect();
                sums.par_sort_unstable_by_key(|(key, _)| *key);
                let mut total = Vec::with_capacity(sums.len());
                for ((p, bucket), sum) in sums {
                    total.push(((id(p)?, bucket), sum.decimal().ok_or_else(overflow)?));
                }
                tally.total.add_runs(total, |_, _| Err("a bucket twice"))?;
                for by in self.tally_by {
                    // Each value's name made once, shared by its buckets.
                    let names: Vec<Arc<str>> = by.names.iter().map(|n| Arc::from(n.as_str())).collect();
                    let mut sums: Vec<((u32, Period, u32), Sum)> = by.sums.into_iter().collect();
                    sums.par_sort_unstable_by_key(|(key, _)| *key);
                    let mut done: Vec<((Arc<str>, Period), super::aggregate::ValueSums)> = Vec::new();
                    let mut last = None;
                    for ((p, bucket, value), sum) in sums {
                        let name = names.get(value as usize).ok_or("no value")?.clone();
                        let sum = (name, sum.decimal().ok_or_else(overflow)?);
                        match done.last_mut() {
                            Some((_, sums)) if last == Some((p, bucket)) => sums.push(sum),
                            _ => done.push(((id(p)?, bucket), std::iter::once(sum).collect())),
                        }
                        last = Some((p, bucket));
                    }
                    let mut by = super::aggregate::TallyByValue::default();
                    by.add_runs(done, |_, _| Err("a bucket twice"))?;
                    tally.by.push(by);
                }
                Some(tally)
            }
        };
        // A payee's row looked up in a bucket, unless an earlier file of the input had one
        // (a second row the row-by-row fold reports).
        // Payee by payee, each payee's by period, as the fold keeps them (`by_payee`).
        let mut by_key: Vec<((u32, Period), LookupRow)> = self.rows.into_iter().collect();
        by_key.par_sort_unstable_by_key(|(key, _)| *key);
        let earlier = state.folded().rows.get(job.input).filter(|r| !r.is_empty());
        let mut rows = Vec::with_capacity(by_key.len());
        for ((p, bucket), row) in by_key {
            let key = (ids.get(p as usize).ok_or("no payee")?.clone(), bucket);
            if earlier.is_some_and(|rows| rows.contains(&key.0, key.1)) {
                return Err("a second row a lookup reads, which the row-by-row fold reports".into());
            }
            rows.push((key, row));
        }
        let seen = |s: Option<(Period, u64, Value)>| {
            s.map(|(bucket, line, value)| {
                (bucket, SeenAt { at: at_column(line, job.period_col), value: value.to_string() })
            })
        };
        let mut new_payees = Vec::new();
        let mut nobody = Vec::new();
        for p in self.payees {
            match p.status {
                Status::Known => {}
                Status::New => new_payees.push(p.id),
                Status::Nobody => {
                    nobody.push(RowsForNobody { payee: p.id, rows: p.rows, first_at: at_column(p.line, job.payee_col) })
                }
            }
        }
        Ok(Finished {
            kept,
            shares,
            credits_found: job.credited,
            captured: self.captured,
            first_lines: first_lines.to_vec(),
            largest: self.largest,
            nonzero,
            width,
            tally,
            watched: self.watched,
            look_alikes,
            new_payees,
            nobody,
            buckets,
            rows,
            used: self.used,
            outside_range: self.outside_range,
            no_payee: self.no_payee,
            periods: self.periods,
            lowest: seen(self.lowest),
            highest: seen(self.highest),
        })
    }
}

/// A plan's fold of the whole read, checked, to be kept.
struct Finished {
    watched: Vec<WatchedRow>,
    look_alikes: crate::data::ids::LookAlikes<String>,
    /// Payees new to the run (of the ledger that defines them), in the order they came.
    new_payees: Vec<Arc<str>>,
    /// Ids of rows for nobody, in the order they came.
    nobody: Vec<RowsForNobody>,
    /// The buckets, payee by payee (each part's payees: `BucketPart::sort`).
    buckets: Vec<(super::aggregate::BucketKey, BucketStates)>,
    /// The job's aggregates, as many as a bucket may have states (`nonzero` has as many a
    /// bucket).
    width: usize,
    /// The rows the plan looks up, payee by payee, each payee's by period.
    rows: Vec<(super::aggregate::BucketKey, LookupRow)>,
    used: u64,
    outside_range: u64,
    no_payee: u64,
    periods: BTreeSet<Period>,
    lowest: Option<(Period, SeenAt)>,
    highest: Option<(Period, SeenAt)>,
    tally: Option<Tally>,
    /// Per aggregate, the largest mantissa of a number it added.
    largest: Vec<u128>,
    /// Per bucket and aggregate (`buckets`' order), the `nonzero` of its sum: kept for a plan
    /// whose sums a later plan takes scaled ([`scaled_sum`]), else empty.
    nonzero: Vec<u8>,
    /// Every credited row the shares name was found.
    credits_found: bool,
    /// The rows other ledgers name.
    captured: Vec<Vec<Captured<Pos>>>,
    /// The line each block starts on (the captured rows are placed by block and line).
    first_lines: Vec<u64>,
    /// Kept rows (line, values) and credit shares (the credited row's key, the share): the
    /// runs' lists, and their stretches in file order.
    kept: InPlace<KeptRow>,
    shares: InPlace<(KeyText, CreditShare)>,
}

impl Finished {
    /// Refuses the read when a bucket the fold has already (the input's earlier file) would
    /// overflow once this read's states are added: the row-by-row read reports it.
    fn check_merges(&self, input: usize, state: &PlanFold<'_>) -> Result<(), NotPlain> {
        let Some(buckets) = state.folded().buckets.get(input) else { return Ok(()) };
        if buckets.is_empty() {
            return Ok(());
        }
        for ((payee, bucket), states) in &self.buckets {
            if let Some(existing) = buckets.get(payee, *bucket) {
                existing.clone().merge(states).ok_or("a total the row-by-row fold reports")?;
            }
        }
        Ok(())
    }

    /// Keeps the read in the plan's fold, as the row-by-row fold would have left it (every
    /// merge checked by [`Finished::check_merges`]).
    fn keep(self, input: usize, state: &mut PlanFold<'_>, read: u64, places: &RowPlaces) {
        if !self.kept.1.is_empty() || !self.shares.1.is_empty() {
            let file = state.add_places(places);
            state.add_kept(input, self.kept.0, &self.kept.1, file);
            state.add_shares(self.shares.0, &self.shares.1, file);
        }
        state.set_look_alikes(self.look_alikes);
        if self.credits_found {
            state.credits_found();
        }
        for (i, (block, line), values, payees) in self.captured.into_iter().flatten() {
            // Every block is known (checked in `TaskMerge::finish`).
            let line = self.first_lines.get(block as usize).map_or(line, |first| first + line);
            state.capture(input, i, super::aggregate::Captured { values, line, payees });
        }
        for id in self.new_payees {
            state.add_payee(id);
        }
        for entry in self.nobody {
            state.add_nobody(input, entry);
        }
        let folded = state.folded_mut();
        if let Some(c) = folded.counts.get_mut(input) {
            c.read = read;
            c.rejected = 0;
            c.used += self.used;
            c.outside_range += self.outside_range;
            c.no_payee += self.no_payee;
        }
        if let Some(periods) = folded.periods.get_mut(input) {
            periods.extend(self.periods);
        }
        if let Some((bucket, seen)) = self.lowest {
            match (&mut folded.span, &mut folded.span_rows) {
                (Some((lo, _)), Some((lo_at, _))) => {
                    if bucket < *lo {
                        *lo = bucket;
                        *lo_at = seen;
                    }
                }
                _ => {
                    folded.span = Some((bucket, bucket));
                    folded.span_rows = Some((seen.clone(), seen));
                }
            }
        }
        if let Some((bucket, seen)) = self.highest {
            if let (Some((_, hi)), Some((_, hi_at))) = (&mut folded.span, &mut folded.span_rows) {
                if bucket > *hi {
                    *hi = bucket;
                    *hi_at = seen;
                }
            }
        }
        if let Some(tally) = self.tally {
            let into = &mut folded.tally;
            into.by.resize_with(tally.by.len(), Default::default);
            let overflow = &mut into.overflow;
            let _ = into.total.absorb(tally.total, |sum, amount| {
                add_to(overflow, sum, amount);
                Ok::<(), ()>(())
            });
            for (into_by, by) in into.by.iter_mut().zip(tally.by) {
                let _ = into_by.absorb(by, |sums, theirs| {
                    for (value, amount) in theirs {
                        super::aggregate::add_value(overflow, sums, &value, amount);
                    }
                    Ok::<(), ()>(())
                });
            }
        }
        if let Some(rows) = folded.rows.get_mut(input) {
            // Checked: no payee's row was there already (`TaskMerge::finish`); were one
            // there, the later would stand, as a second row's check assumes.
            let _ = rows.add_runs(self.rows, |mine, theirs| {
                *mine = theirs;
                Ok::<(), ()>(())
            });
        }
        if let Some(buckets) = folded.buckets.get_mut(input) {
            let _ = buckets.add_runs(self.buckets, |existing, states| {
                // Checked before anything was kept: it fits.
                existing.merge(&states);
                Ok::<(), ()>(())
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// The aggregates a row may add to, per combination of listed values: for every
    /// combination of the columns the table filters read, exactly those whose filter does not
    /// say `false` for the row's own values (told by `combination` over the filter's own
    /// columns, as the fold tells it), those with no filter or one the evaluator decides, and
    /// not one another plan folds.
    #[test]
    fn a_row_is_put_to_the_aggregates_its_combination_may_take() {
        let text = "policy \"P\" version \"1\" currency CNY\n\
             input sales { key id: text  period date: date  payee m: text  \
               kind: text in [\"new\", \"renewal\", \"upsell\"]  \
               business: text in [\"mobile\", \"iot\", \"cloud\", \"ict\"]  \
               segment: text in [\"sme\", \"government\"]  amount: money }\n\
             payee sales.m\n\
             metric a monthly = sum(sales.amount where kind = \"new\")\n\
             metric b monthly = sum(sales.amount where business = \"iot\" and kind in [\"renewal\", \"upsell\"])\n\
             metric c monthly = count(sales where segment = \"government\" or business = \"ict\")\n\
             metric d monthly = sum(sales.amount where amount >= 5)\n\
             metric e monthly = sum(sales.amount)\n\
             metric f monthly = count(sales where not (business = \"mobile\"))\n\
             component g monthly { pay 1% * sum(sales.amount where segment = \"sme\") }\n";
        let plan = crate::check::compile(crate::source::SourceFile::new("p.policy", text)).unwrap().plan;
        let schema = plan.inputs.first().unwrap();
        let mut aggs: Vec<FastAgg<'_>> = plan
            .aggregates
            .iter()
            .map(|agg| FastAgg {
                func: agg.func,
                filter: match &agg.filter {
                    None => Filter::All,
                    Some(f) => match listed_only(schema, f) {
                        Some(columns) => decide_by_table(&plan, schema, f, columns),
                        None => Filter::Eval { expr: f, guard: None, memo: None, compare: None },
                    },
                },
                arg: Arg::Nothing,
                distinct_text: false,
                shared: None,
            })
            .collect();
        assert_eq!(aggs.len(), 7);
        // The component's (the one over "sme") is another plan's.
        let sme = plan
            .aggregates
            .iter()
            .position(|a| a.filter.as_ref().is_some_and(|f| crate::eval::expr::excerpt(&plan, f).contains("sme")))
            .unwrap();
        aggs[sme].shared = Some(Shared { plan: 0, agg: sme, times: None });
        let by = ByCombination::of(&aggs).unwrap();
        // kind (3), business (4), segment (2), in the order the filters name them.
        assert_eq!(by.columns.iter().map(|&(_, k)| k).product::<usize>(), 24);
        let mut cells = vec![Cell::Unread; schema.columns.len()];
        let (mut seen, mut taken) = (0, 0);
        for index in 0..24 {
            let mut rest = index;
            for &(c, k) in &by.columns {
                cells[c] = Cell::Code((rest % k) as u16);
                rest /= k;
            }
            let want: Vec<u16> = aggs
                .iter()
                .enumerate()
                .filter(|(_, a)| a.shared.is_none())
                .filter_map(|(a, agg)| match &agg.filter {
                    // Taken with no check when the filter is a table's `true`, or none.
                    Filter::Table { columns, outcomes } => {
                        match outcomes.get(combination(columns, &cells).unwrap()).copied().flatten() {
                            Some(false) => None,
                            Some(true) => Some(a as u16 | TAKEN),
                            None => Some(a as u16),
                        }
                    }
                    Filter::All => Some(a as u16 | TAKEN),
                    Filter::Eval { .. } => Some(a as u16),
                })
                .collect();
            assert_eq!(by.list(&cells), Some(want.as_slice()), "combination {index}");
            seen += want.len();
            taken += want.iter().filter(|&&entry| listed_aggregate(entry).1).count();
        }
        // By hand, over the 24 combinations: `a` 8 (new), `b` 4 (iot, renewal or upsell),
        // `c` 15 (government, 12, or ict and sme, 3), `d` and `e` 24 each, `f` 18 (not mobile);
        // all taken with no check but `d`'s (`amount >= 5`, the evaluator's).
        assert_eq!(seen, 8 + 4 + 15 + 24 + 24 + 18);
        assert_eq!(taken, 8 + 4 + 15 + 24 + 18);
        // A row whose listed cell holds no code is put to every aggregate.
        cells[by.columns[0].0] = Cell::Unread;
        assert_eq!(by.list(&cells), None);
        // Every table filter's aggregate another plan's (a `budget` rerun's): one list, of
        // `d` (`amount >= 5`, checked) and `e` (no filter, taken), whatever the row.
        let d = plan
            .aggregates
            .iter()
            .position(|a| a.filter.as_ref().is_some_and(|f| crate::eval::expr::excerpt(&plan, f).contains(">= 5")))
            .unwrap();
        let e = plan.aggregates.iter().position(|a| a.filter.is_none()).unwrap();
        for (i, agg) in aggs.iter_mut().enumerate() {
            if i != d && i != e {
                agg.shared = Some(Shared { plan: 0, agg: i, times: None });
            }
        }
        let by = ByCombination::of(&aggs).unwrap();
        assert!(by.columns.is_empty());
        let (first, second) = (d.min(e) as u16, d.max(e) as u16);
        let marked = |a: u16| if a == e as u16 { a | TAKEN } else { a };
        assert_eq!(by.list(&cells), Some(&[marked(first), marked(second)][..]));
        // None shared and no table filter: every aggregate, as with no list.
        for agg in &mut aggs {
            agg.shared = None;
            if matches!(agg.filter, Filter::Table { .. }) {
                agg.filter = Filter::All;
            }
        }
        assert!(ByCombination::of(&aggs).is_none());
    }

    /// A filter comparing a number column with a number is decided from the row's number as
    /// the evaluator decides it: every operator, the column on either side, numbers below,
    /// equal to (written with other decimals too) and above the constant, amounts as read
    /// (`Cell::Money`) and as computed (`Cell::Num`); an empty amount left to the evaluator.
    #[test]
    fn a_number_comparison_is_decided_as_the_evaluator_decides_it() {
        let mut filters = Vec::new();
        for op in ["=", "!=", "<", "<=", ">", ">="] {
            filters.push(format!("amount {op} 50_000"));
            filters.push(format!("50_000 {op} amount"));
            filters.push(format!("rate {op} 12.5%"));
        }
        let mut text = String::from(
            "policy \"P\" version \"1\" currency CNY\n\
             input sales { key id: text  period date: date  payee m: text  amount: money  rate: percent }\n\
             payee sales.m\n",
        );
        for (i, f) in filters.iter().enumerate() {
            text.push_str(&format!("metric f{i} monthly = count(sales where {f})\n"));
        }
        text.push_str("component c monthly { pay 1% * sum(sales.amount) }\n");
        let plan = crate::check::compile(crate::source::SourceFile::new("p.policy", text.as_str())).unwrap().plan;
        let schema = plan.inputs.first().unwrap();
        let (amount, rate) = (3, 4);
        let nobody: Arc<str> = Arc::from("");
        let mut decided = 0;
        for agg in &plan.aggregates {
            let Some(filter) = agg.filter.as_ref() else { continue };
            let compare = Compare::of(schema, filter).unwrap();
            for (column, numbers) in [
                // Each way a plain amount is compared: of the constant's decimals or more (by
                // its digits' number), of fewer, of more than seven (by a `Decimal`).
                (
                    amount,
                    [dec!(49_999.99), dec!(50_000), dec!(50_000.00), dec!(50_000.01), dec!(-3), dec!(49_999.999999999)],
                ),
                (rate, [dec!(0.124), dec!(0.125), dec!(0.1250), dec!(0.13), dec!(0), dec!(0.12500000001)]),
            ] {
                if compare.column != column {
                    continue;
                }
                for n in numbers {
                    let mut row = vec![Value::Missing; schema.columns.len()];
                    row[column] = Value::Number(n);
                    let env = RowEnv { row: &row, payee: None, payee_id: &nobody, joined: None, in_month: &[] };
                    let evaluator = eval_traced(&plan, filter, &env, &mut NoTrace).unwrap() == Value::Bool(true);
                    let mut cells = vec![Cell::Unread; schema.columns.len()];
                    for cell in [Cell::Money(n.mantissa() as i64, n.scale()), Cell::Num(n)] {
                        cells[column] = cell;
                        assert_eq!(
                            compare.decide(&cells),
                            Some(evaluator),
                            "{}: {n}",
                            crate::eval::expr::excerpt(&plan, filter)
                        );
                        decided += 1;
                    }
                }
                cells_without_a_number(&compare, schema.columns.len());
            }
        }
        // 18 filters, 6 numbers each, two ways.
        assert_eq!(decided, 18 * 6 * 2);
    }

    fn cells_without_a_number(compare: &Compare, width: usize) {
        let mut cells = vec![Cell::Unread; width];
        cells[compare.column] = Cell::Other(Value::Missing);
        assert_eq!(compare.decide(&cells), None);
    }

    /// A line's first fields are its fields as split at every comma (blanks kept), for lines
    /// of every length to 80 with commas anywhere, any number of them asked for, alone and
    /// followed by other lines with commas of their own.
    #[test]
    fn first_fields_are_the_fields_split_at_every_comma() {
        let mut fields = Vec::new();
        for len in 0..80usize {
            for seed in 0..40u64 {
                let line: Vec<u8> = (0..len as u64)
                    .map(|i| match (i * 7 + seed * 13 + i * i * seed) % (3 + seed % 9) {
                        0 => b',',
                        1 => b' ',
                        _ => b'a' + (i % 26) as u8,
                    })
                    .collect();
                let mut all = Vec::new();
                let mut start = 0u32;
                for (i, &b) in line.iter().enumerate() {
                    if b == b',' {
                        all.push((start, i as u32));
                        start = i as u32 + 1;
                    }
                }
                all.push((start, line.len() as u32));
                let mut followed = line.clone();
                followed.extend_from_slice(b"\n,a,,b, ,c\n,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,");
                for at_most in [1, 2, 3, 5, 9, usize::MAX] {
                    let expected = &all[..all.len().min(at_most)];
                    for from in [&line, &followed] {
                        first_fields(from, line.len(), at_most, &mut fields);
                        assert_eq!(fields, expected, "{:?} {at_most}", String::from_utf8_lossy(from));
                    }
                }
            }
        }
    }

    /// Dates read through the table of days met are parse_date's, in any order, with places
    /// shared by several days, and for texts that are not dates.
    #[test]
    fn days_met_are_read_as_parse_date_reads_them() {
        let mut days = Days::default();
        let mut texts = Vec::new();
        for y in [0, 1999, 2024, 2026, 2027, 9999] {
            for m in 0..=13 {
                for d in 0..=32 {
                    texts.push(format!("{y:04}-{m:02}-{d:02}"));
                }
            }
        }
        texts.extend(["2026-1-04", "2026-11-4", " 2026-11-04", "2026/11/04", ""].map(String::from));
        // Forward, backward, and forward again: every day met again after its place was
        // taken by others.
        let order = (0..texts.len()).chain((0..texts.len()).rev()).chain(0..texts.len());
        for i in order {
            let t = &texts[i];
            assert_eq!(days.date(t), parse_date(t), "{t:?}");
        }
    }

    /// The runs' lists (each in file order, a block each thread's) put in file order where
    /// they are.
    #[test]
    fn runs_of_blocks_are_put_in_file_order_by_their_blocks() {
        // Blocks 0, 2, 3 and 6 read by one thread, 1, 4 and 5 by the other; lines within each.
        let run = |items: &[Pos]| {
            let mut run = Gathered::default();
            for &(block, line) in items {
                run.push(block, line);
            }
            run
        };
        let a = [(0, 1), (0, 5), (2, 0), (3, 2), (3, 3), (6, 0)];
        let b = [(1, 0), (1, 1), (4, 7), (5, 1)];
        let mut expected: Vec<u64> = a.iter().chain(&b).map(|&(block, line)| 100 * block + line).collect();
        expected.sort_unstable();
        // Each item placed (here: its line becomes 100 a block plus the line), then read back by
        // the stretches.
        let in_order = |(lists, order): InPlace<u64>| -> Vec<u64> {
            let stretch = |&(run, first, n): &(usize, usize, usize)| lists[run][first..first + n].to_vec();
            order.iter().flat_map(stretch).collect()
        };
        let place = |block: u64, line: &mut u64| {
            *line += 100 * block;
            Ok(())
        };
        let merged = in_file_order(vec![run(&a), run(&b)], place).unwrap();
        assert_eq!(merged.1, vec![(0, 0, 2), (1, 0, 2), (0, 2, 1), (0, 3, 2), (1, 2, 1), (1, 3, 1), (0, 5, 1)]);
        assert_eq!(in_order(merged), expected);
        let merged = in_file_order(vec![run(&b), Gathered::default(), run(&a)], place).unwrap();
        assert_eq!(in_order(merged), expected);
        // A failure to place an item stops the merge.
        let failed = in_file_order(vec![run(&a), run(&b)], |block, _: &mut u64| match block {
            4 => Err("stop".to_string()),
            _ => Ok(()),
        });
        assert!(failed.is_err());
        // One block in two runs cannot happen; if it did, the merge says so rather than
        // mixing its rows.
        assert!(in_file_order(vec![run(&[(0, 1), (0, 5)]), run(&[(0, 3)])], place).is_err());
        assert!(in_file_order(vec![run(&[(0, 1), (1, 0), (0, 5)])], place).is_err());
        // Runs longer than a list: a block's stretch goes on in the next list, in pieces, and
        // comes back whole and in order. Blocks 0 and 2 (GATHERED_LIST + 3 items, then
        // GATHERED_LIST items) to one thread, block 1 (GATHERED_LIST + 1) to the other.
        let long = |block: u64, n: usize| (0..n as u64).map(move |line| (block, line));
        let a: Vec<Pos> = long(0, GATHERED_LIST + 3).chain(long(2, GATHERED_LIST)).collect();
        let b: Vec<Pos> = long(1, GATHERED_LIST + 1).collect();
        let (ra, rb) = (run(&a), run(&b));
        assert_eq!(ra.lists.iter().map(Vec::len).collect::<Vec<_>>(), [GATHERED_LIST, GATHERED_LIST, 3]);
        let place = |block: u64, line: &mut u64| {
            *line += 1_000_000 * block;
            Ok(())
        };
        let mut expected: Vec<u64> = a.iter().chain(&b).map(|&(block, line)| 1_000_000 * block + line).collect();
        expected.sort_unstable();
        let merged = in_file_order(vec![ra, rb], place).unwrap();
        // Lists 0-2 are the first thread's, 3-4 the second's: block 0 in lists 0 and 1, block
        // 1 in lists 3 and 4, block 2 in lists 1 and 2.
        let stretches = vec![
            (0, 0, GATHERED_LIST),
            (1, 0, 3),
            (3, 0, GATHERED_LIST),
            (4, 0, 1),
            (1, 3, GATHERED_LIST - 3),
            (2, 0, 3),
        ];
        assert_eq!(merged.1, stretches);
        assert_eq!(in_order(merged), expected);
    }

    /// Short values met again are parse_value's, per column (the same text is another value
    /// in a column of another type), in any order, with places shared by several texts, and
    /// refused as parse_value refuses them.
    #[test]
    fn short_values_met_are_read_as_parse_value_reads_them() {
        let money = Currency::new("CNY");
        let columns =
            [ColumnType::Percent, ColumnType::Decimal, ColumnType::Integer, ColumnType::Month, ColumnType::Bool];
        let mut values = ShortValues::new(columns.len());
        let mut texts: Vec<String> = Vec::new();
        for n in 0..150 {
            texts.extend([format!("{n}%"), format!("{}.5%", n / 3), format!("0.{n}"), format!("{n}")]);
        }
        texts
            .extend(["2027-03", "2027-13", "true", "FALSE", "1e3", "-0", "", "33.5 %", "123456789%"].map(String::from));
        let order = (0..texts.len()).chain((0..texts.len()).rev()).chain(0..texts.len());
        for i in order {
            for (c, ty) in columns.iter().enumerate() {
                let t = texts[i].as_str();
                assert_eq!(values.value(c, *ty, t, &money), parse_value(*ty, t, &money).ok(), "{t:?} as {ty:?}");
            }
        }
    }

    #[test]
    fn short_payees_are_found_by_their_exact_bytes() {
        let mut short = ShortPayees::default();
        let ids = ["A", "AM", "AM\0", "AM0379", "AM0380", "12345678", "王01", "123456789"];
        for (p, id) in ids.iter().enumerate() {
            assert_eq!(short.get(id), None);
            short.set(id, p as u32);
        }
        for (p, id) in ids.iter().enumerate() {
            let expected = (id.len() <= 8).then_some(p as u32);
            assert_eq!(short.get(id), expected, "{id:?}");
        }
        assert_eq!(short.get("AM\0\0"), None);
        assert_eq!(short.get("AM0381"), None);
        // Past half the table, the table doubles: every payee stays found, and no other id.
        let mut many = ShortPayees::default();
        for p in 0..100_000u32 {
            many.set(&format!("P{p}"), p);
        }
        assert_eq!(many.slots.len(), 1 << 18, "100,000 ids in 262,144 places (at most half taken)");
        for p in 0..100_000u32 {
            assert_eq!(many.get(&format!("P{p}")), Some(p));
        }
        assert_eq!(many.get("P100000"), None);
        assert_eq!(many.get("Q0"), None);
    }

    #[test]
    fn a_payees_buckets_are_kept_by_period_over_a_bounded_span() {
        let mut slots = PeriodSlots::default();
        let month = |y: i32, m: u32| Period::month(y, m).ordinal();
        assert_eq!(slots.get(month(2026, 5)), None);
        assert!(slots.set(month(2026, 5), 0));
        assert!(slots.set(month(2026, 7), 1));
        // Earlier than the first: the span grows at the front.
        assert!(slots.set(month(2025, 12), 2));
        assert_eq!(slots.get(month(2026, 5)), Some(0));
        assert_eq!(slots.get(month(2026, 7)), Some(1));
        assert_eq!(slots.get(month(2025, 12)), Some(2));
        assert_eq!(slots.get(month(2026, 6)), None);
        assert_eq!(slots.get(month(2026, 8)), None);
        assert_eq!(slots.get(month(2025, 11)), None);
        // Fifty years and more: refused, so the fold keeps it in its map.
        assert!(!slots.set(month(2076, 1), 3));
        assert!(!slots.set(month(1975, 1), 3));
        assert_eq!(slots.get(month(2076, 1)), None);
        assert_eq!(slots.get(month(2026, 5)), Some(0));
        assert_eq!(Period::month(2026, 12).ordinal() + 1, Period::month(2027, 1).ordinal());
        let quarter = |y, q| Period::Quarter { year: y, quarter: q }.ordinal();
        assert_eq!(quarter(2026, 4) + 1, quarter(2027, 1));
        // Months of four years met in a scrambled order, against a map: the slots in the
        // entry, those after them in the list, and earlier years met late.
        for start in [0u64, 7, 23, 40] {
            let (mut slots, mut map) = (PeriodSlots::default(), std::collections::HashMap::new());
            let months: Vec<i64> = (0..48u64).map(|i| month(2024, 1) + ((i * 29 + start) % 48) as i64).collect();
            for (b, &m) in months.iter().enumerate() {
                assert!(slots.set(m, b as u32));
                map.insert(m, b as u32);
                for probe in month(2023, 1)..month(2029, 1) {
                    assert_eq!(slots.get(probe), map.get(&probe).copied(), "{probe} after {b} set");
                }
            }
            assert_eq!(slots.first, month(2024, 1));
            assert_eq!(slots.far.len(), 48 - NEAR_PERIODS);
        }
    }

    /// The 2027 plan's spiff (`kind = "new" and business = "cloud" and date in March`) reads
    /// two listed columns and a date: remembered per combination and day, each a key of its
    /// own. The clawback's filter reads the cancelled sale's date (another ledger's row): not.
    #[test]
    fn a_filter_of_listed_values_and_a_date_is_remembered_per_combination_and_day() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/telecom-2027.policy");
        let text = std::fs::read_to_string(path).unwrap();
        let plan = crate::check::compile(crate::source::SourceFile::new(path, text)).unwrap().plan;
        let input = |name: &str| plan.inputs.iter().position(|i| i.name == name).unwrap();
        let memos = |i: usize| -> Vec<Option<Memo>> {
            let filters = plan.aggregates.iter().filter(|a| a.input == i).filter_map(|a| a.filter.as_ref());
            filters.map(|f| Memo::of(&plan.inputs[i], f)).collect()
        };
        let (sales, cancellations) = (input("sales"), input("cancellations"));
        let over_sales = memos(sales);
        let memo = match &over_sales[..] {
            [Some(memo)] => memo,
            other => panic!("one filter over sales, remembered: {}", other.len()),
        };
        let schema = &plan.inputs[sales];
        let names: Vec<&str> = memo.listed.iter().map(|(c, _)| schema.columns[*c].name.as_str()).collect();
        assert_eq!(names, ["kind", "business"]);
        assert_eq!(memo.date.map(|c| schema.columns[c].name.as_str()), Some("date"));
        assert!(memos(cancellations).iter().all(Option::is_none));
        let mut cells = vec![Cell::Other(Value::Missing); schema.columns.len()];
        let row = |kind: u16, business: u16, day: u32, cells: &mut Vec<Cell<'_>>| {
            let (k, b) = (memo.listed[0].0, memo.listed[1].0);
            cells[k] = Cell::Code(kind);
            cells[b] = Cell::Code(business);
            cells[memo.date.unwrap()] = Cell::Date(NaiveDate::from_ymd_opt(2027, 3, day).unwrap());
            memo.key(cells).unwrap()
        };
        let keys =
            [row(0, 3, 1, &mut cells), row(0, 3, 2, &mut cells), row(1, 3, 1, &mut cells), row(0, 2, 1, &mut cells)];
        let distinct: BTreeSet<u64> = keys.into_iter().collect();
        assert_eq!(distinct.len(), 4);
        assert_eq!(row(0, 3, 2, &mut cells), keys[1]);
        // A date left out (a cell that is not one): the evaluator decides the row.
        cells[memo.date.unwrap()] = Cell::Other(Value::Missing);
        assert_eq!(memo.key(&cells), None);
    }

    #[test]
    fn keys_in_order_extend_their_run_as_the_split_would() {
        let mut next = b"S0998".to_vec();
        count_up(&mut next);
        assert_eq!(next, b"S0999");
        count_up(&mut next);
        assert_eq!(next, b"S1000");
        // All nines: the next number is wider, another class; nothing is expected.
        let mut next = b"S999".to_vec();
        count_up(&mut next);
        assert_eq!(next, b"");
        let mut next = b"A19".to_vec();
        count_up(&mut next);
        assert_eq!(next, b"A20");
        // The runs the split makes: S1..S3 (one run), S0999 and S1000 (one run of another
        // class, width 4), a key with no digits, S4 (a new run: the last run is of width 4),
        // S6 (a gap: a new run).
        let mut keys = BlockKeys::default();
        for key in ["S1", "S2", "S3", "S0999", "S1000", "X", "S4", "S6"] {
            keys.add(key).unwrap();
        }
        let classes: Vec<(&str, usize)> = keys.classes.list.iter().map(|(p, w)| (p.as_str(), *w)).collect();
        assert_eq!(classes, [("S", 1), ("S", 4)]);
        assert_eq!(keys.runs, [(0, 1, 3), (1, 999, 2), (0, 4, 1), (0, 6, 1)]);
        assert_eq!(keys.others.len(), 1);
        // After all nines, the same width again is not the next key.
        let mut keys = BlockKeys::default();
        for key in ["K9", "K0", "K1"] {
            keys.add(key).unwrap();
        }
        assert_eq!(keys.runs, [(0, 9, 1), (0, 0, 2)]);
    }

    /// Keys of many classes (a file of keys of as many prefixes as rows) keep each class once,
    /// found again by name past the first few: a key of an early class met again after two
    /// hundred others joins its class, and a key of a new class gets the next.
    #[test]
    fn keys_of_many_classes_find_their_class_again() {
        let prefix = |c: usize| format!("P{}X", "Q".repeat(c));
        let mut keys = BlockKeys::default();
        for c in 0..200 {
            keys.add(&format!("{}7", prefix(c))).unwrap();
        }
        for c in [0, 5, 9, 150, 199] {
            keys.add(&format!("{}3", prefix(c))).unwrap();
        }
        keys.add("NEW12").unwrap();
        assert_eq!(keys.classes.len(), 201);
        for (c, (p, w)) in keys.classes.list.iter().enumerate().take(200) {
            assert_eq!((p.as_str(), *w), (prefix(c).as_str(), 1), "class {c}");
        }
        let expected: Vec<(usize, u64, u64)> =
            (0..200).map(|c| (c, 7, 1)).chain([0, 5, 9, 150, 199].map(|c| (c, 3, 1))).chain([(200, 12, 1)]).collect();
        assert_eq!(keys.runs, expected);
    }

    /// A run's classes stop at their limit (a class past it is not added, and one met before
    /// is still found); a read's too, the values of a class past its limit then numbered by
    /// their text, the same as a run's text of that class: one number per value either way.
    #[test]
    fn classes_stop_at_their_limit_and_each_value_keeps_one_number() {
        let mut classes = Classes::default();
        let names: Vec<String> = (0..12).map(|i| format!("K{}X", "Q".repeat(i))).collect();
        for (i, name) in names.iter().enumerate() {
            assert_eq!(classes.of(name, 2, 10), (i < 10).then_some(i), "{name}");
        }
        assert_eq!(classes.len(), 10);
        assert_eq!((classes.of(&names[3], 2, 10), classes.of(&names[3], 3, 10)), (Some(3), None));
        let mut read = ClassNumbers::new();
        let (mut next_number, mut seen) = (0u32, FxHashMap::default());
        // READ_CLASSES classes and one more, of distinct prefixes (a number's digits as letters).
        let letters = |i: usize| -> String { i.to_string().bytes().map(|d| char::from(d - b'0' + b'a')).collect() };
        let all: Vec<(String, usize)> = (0..=READ_CLASSES).map(|i| (format!("K{}", letters(i)), 1)).collect();
        for c in &all {
            read.meet(c, &mut next_number).unwrap();
        }
        assert_eq!(read.tables.len(), READ_CLASSES, "the last class is not numbered by its class");
        // A run's text of the class past the limit (`Kgffdg3`), numbered first.
        let last = &all[READ_CLASSES];
        let by_text = number_of_text(&mut seen, &mut next_number, &format!("{}3", last.0)).unwrap();
        let mut number = |c: &(String, usize), n: u32, read: &mut ClassNumbers| {
            let text = format!("{}{n}", c.0);
            read.number(c, n, || text, &mut seen, &mut next_number).unwrap()
        };
        for c in [&all[0], &all[READ_CLASSES / 2], last] {
            let (a, b) = (number(c, 3, &mut read), number(c, 4, &mut read));
            assert_ne!(a, b, "{c:?}");
            assert_eq!(number(c, 3, &mut read), a, "{c:?}: the same value, the same number");
        }
        assert_eq!(number(last, 3, &mut read), by_text, "a class past the limit is numbered by its values' text");
    }

    #[test]
    fn short_texts_are_the_same_exactly_when_equal() {
        for (a, b) in [("new", "new"), ("", ""), ("王芳", "王芳"), ("renewal", "renewal")] {
            assert!(same_text(a, b), "{a} {b}");
        }
        for (a, b) in [("new", "New"), ("iot", "ict"), ("new", "news"), ("", " "), ("王芳", "王方"), ("sme", "sm")]
        {
            assert!(!same_text(a, b), "{a} {b}");
        }
    }

    #[test]
    fn plain_amounts_are_read_as_parse_value_reads_them() {
        let cny = Currency::new("CNY");
        for text in ["1234.56", "-80", "0.5", "007.10", "999999999999999.99", "0", "0.00"] {
            let (mantissa, scale) = plain_money(text, cny.decimals).unwrap();
            let ours = Decimal::new(mantissa, scale);
            let theirs = parse_value(ColumnType::Money, text, &cny).unwrap();
            assert_eq!(Value::Number(ours), theirs, "{text}");
            assert_eq!(ours.scale(), theirs.as_number().unwrap().scale(), "{text}");
        }
        // Every other form is left to `parse_value`: signs, grouping, too many decimals or
        // digits, a negative zero, a point at either end.
        for text in ["¥5", "1,234.56", "1.234", "1000000000000000", "-0.00", "5.", ".5", "+5", "1e3", "", "-"] {
            assert_eq!(plain_money(text, cny.decimals), None, "{text}");
        }
    }

    #[test]
    fn sums_keep_the_decimals_of_their_most_precise_term_whatever_the_order() {
        // 2.50 - 2.50 + 5 = 5.00 row by row (value::exact_total) and in any two blocks.
        let terms = [dec!(2.50), dec!(-2.50), dec!(5), dec!(0.000)];
        let mut row_by_row = Decimal::ZERO;
        for t in terms {
            row_by_row = crate::value::exact_total(row_by_row, t).unwrap();
        }
        assert_eq!(row_by_row.to_string(), "5.000");
        for cut in 0..=terms.len() {
            let (mut a, mut b) = (Sum::default(), Sum::default());
            terms[..cut].iter().for_each(|t| a.add(*t).unwrap());
            terms[cut..].iter().for_each(|t| b.add(*t).unwrap());
            a.merge(&b).unwrap();
            assert_eq!(a.decimal().unwrap().to_string(), "5.000", "cut at {cut}");
        }
        for (i, power) in POWERS.iter().enumerate() {
            assert_eq!(*power, 10i64.pow(i as u32));
        }
        // Fourteen decimals are kept (cents times a millionth times a share of 33.5% is eleven:
        // 2392.73 x 1.000001 = 2392.73239273, x 0.335 = 717.819717819 + 83.74563374555);
        // more, or a total of 10^13 or beyond: left to the row-by-row fold.
        let mut fine = Sum::default();
        fine.add(dec!(2392.73) * dec!(1.000001) * dec!(0.335)).unwrap();
        assert_eq!(fine.decimal().unwrap().to_string(), "801.56535156455");
        fine.add(dec!(0.00000000000001)).unwrap();
        assert_eq!(fine.decimal().unwrap().to_string(), "801.56535156455001");
        assert!(Sum::default().add(dec!(0.000000000000001)).is_none());
        let mut big = Sum::default();
        big.add(dec!(9999999999999.99999999999999)).unwrap();
        assert!(big.add(dec!(0.00000000000001)).is_none());
        let mut big = Sum::default();
        big.add(dec!(-9999999999999.99)).unwrap();
        assert!(big.add(dec!(-0.01)).is_none());
        // Sums the row-by-row fold reaches (the threads' running sums added) stay in 96 bits.
        assert!(LIMIT * MAX_THREADS as i128 * 12 / 10 < 1i128 << 96);
    }

    /// The row-by-row fold of a plan that scales a column: each term times the factor, added
    /// up from the fold's zero as `exact_total` adds.
    fn scaled_row_by_row(terms: &[Decimal], factor: Decimal) -> Decimal {
        terms
            .iter()
            .fold(Decimal::ZERO, |sum, t| crate::value::exact_total(sum, t.checked_mul(factor).unwrap()).unwrap())
    }

    #[test]
    fn scaled_sums_have_the_decimals_of_their_most_precise_term_that_is_not_zero() {
        let told = |terms: &[Decimal], factor: Decimal| {
            let mut sum = Sum::default();
            terms.iter().for_each(|t| sum.add(*t).unwrap());
            let largest = terms.iter().map(|t| t.mantissa().unsigned_abs()).max().unwrap_or(0);
            scaled_sum(sum.decimal().unwrap(), sum.nonzero, factor, largest).map(|d| d.to_string())
        };
        // 1.00 x 1.000001 = 1.00000100 (eight decimals), and 0.000 x 1.000001 is a zero of
        // none: the scaled sum has eight, not the nine of the terms' three and the factor's six.
        assert_eq!(scaled_row_by_row(&[dec!(1.00), dec!(0.000)], dec!(1.000001)).to_string(), "1.00000100");
        assert_eq!(told(&[dec!(1.00), dec!(0.000)], dec!(1.000001)).as_deref(), Some("1.00000100"));
        // Terms that come to zero: a zero of eight decimals (2.50 x 1.000001 - 2.50 x 1.000001).
        assert_eq!(told(&[dec!(2.50), dec!(-2.50)], dec!(1.000001)).as_deref(), Some("0.00000000"));
        // Only zero terms, or none: the fold's zero, of no decimals.
        assert_eq!(told(&[dec!(0.00), dec!(0)], dec!(1.01)).as_deref(), Some("0"));
        assert_eq!(told(&[], dec!(1.01)).as_deref(), Some("0"));
        // More decimals than a sum keeps, or a factor beyond 1.2: not told.
        assert_eq!(told(&[dec!(0.000000001)], dec!(1.000001)), None);
        assert_eq!(told(&[dec!(1)], dec!(1.5)), None);
    }

    proptest::proptest! {
        /// A sum of terms each times a factor, told from the sum of the terms as they are
        /// (`scaled_sum`: `budget`'s reruns take the first run's sums so), is always told and
        /// is the row-by-row fold's to the last decimal written: terms of 0 to 4 decimals,
        /// many of them zero (written with decimals or not) and sums that come to zero, the
        /// terms split over two threads' sums at any cut.
        #[test]
        fn scaled_sums_are_the_row_by_row_sums_of_the_scaled_terms(
            terms in proptest::collection::vec(
                (proptest::prop_oneof![-3i64..=3, -10_000_000i64..=10_000_000], 0u32..=4),
                0..8,
            ),
            factor in proptest::sample::select(&["1.01", "1.000001", "0.999999", "1"][..]),
            cut in 0usize..8,
        ) {
            let terms: Vec<Decimal> = terms.iter().map(|(m, s)| Decimal::new(*m, *s)).collect();
            let factor: Decimal = factor.parse().unwrap();
            let (mut a, mut b) = (Sum::default(), Sum::default());
            let cut = cut.min(terms.len());
            terms[..cut].iter().for_each(|t| a.add(*t).unwrap());
            terms[cut..].iter().for_each(|t| b.add(*t).unwrap());
            a.merge(&b).unwrap();
            let largest = terms.iter().map(|t| t.mantissa().unsigned_abs()).max().unwrap_or(0);
            let told = scaled_sum(a.decimal().unwrap(), a.nonzero, factor, largest);
            let expected = scaled_row_by_row(&terms, factor).to_string();
            proptest::prop_assert_eq!(told.map(|d| d.to_string()), Some(expected), "{:?} x {}", terms, factor);
        }

        /// The least and the greatest amount kept in the state (`BlockState::MinAmount`,
        /// `MaxAmount`, boxed when the decimals change or the mantissa is too large for an
        /// `Amount`) are what `keep_extreme` keeps of the same amounts as values, to the
        /// decimals written: amounts of 0 to 3 decimals (and some of 15, past `SCALE`), equal
        /// ones written differently, mantissas at the ends of 64 bits, split over two threads'
        /// states at any cut and merged as the merge does.
        #[test]
        fn least_and_greatest_amounts_are_kept_as_keep_extreme_keeps_them(
            amounts in proptest::collection::vec(
                (
                    proptest::prop_oneof![-3i64..=3, -50i64..=50, proptest::sample::select(&[i64::MIN, i64::MAX, i64::MAX / 16 + 1, -(i64::MAX / 16) - 2][..])],
                    proptest::prop_oneof![8 => 0u32..=3, 1 => proptest::strategy::Just(15u32)],
                ),
                0..10,
            ),
            cut in 0usize..10,
        ) {
            for (func, way) in [(AggFunc::Min, std::cmp::Ordering::Less), (AggFunc::Max, std::cmp::Ordering::Greater)] {
                let mut expected: Option<Box<Value>> = None;
                for &(m, scale) in &amounts {
                    keep_extreme(&mut expected, Value::Number(Decimal::try_new(m, scale).unwrap()), way);
                }
                let cut = cut.min(amounts.len());
                let mut merged: Option<MergedState> = None;
                for part in [&amounts[..cut], &amounts[cut..]] {
                    let mut state = BlockState::new(func);
                    for &(m, scale) in part {
                        proptest::prop_assert!(state.add_extreme_amount(m, scale).unwrap());
                    }
                    let state = MergedState::of_run(state).unwrap();
                    match merged.as_mut() {
                        None => merged = Some(state),
                        Some(into) => into.combine(state).unwrap(),
                    }
                }
                let kept = match merged {
                    Some(MergedState::Min(v) | MergedState::Max(v)) => v,
                    _ => None,
                };
                let shown = |v: &Option<Box<Value>>| v.as_deref().map(|v| format!("{v:?}"));
                proptest::prop_assert_eq!(shown(&kept), shown(&expected), "{:?} {:?}", func, amounts);
            }
        }
    }

    #[test]
    fn sums_keep_their_units_in_two_halves_exactly() {
        // Units across the 64-bit boundary, both signs: written and read back the same.
        for units in
            [0i128, 1, -1, i128::from(u64::MAX), -i128::from(u64::MAX), 1 << 64, -(1 << 64) - 7, LIMIT - 1, 1 - LIMIT]
        {
            let mut s = Sum::default();
            s.set_units(units).unwrap();
            assert_eq!(s.units(), units);
        }
        // The limit and past it refused, the sum left as it was.
        for units in [LIMIT, -LIMIT, i128::MAX, i128::MIN] {
            let mut s = Sum::default();
            assert!(s.set_units(units).is_none());
            assert_eq!(s.units(), 0);
        }
        // -3.05 + 2.00 - 1.00 = -2.05, past zero with a borrow from the high half.
        let mut s = Sum::default();
        for t in [dec!(-3.05), dec!(2.00), dec!(-1.00)] {
            s.add(t).unwrap();
        }
        assert_eq!(s.decimal().unwrap().to_string(), "-2.05");
        // Every state a row writes fits 16 bytes (four to a cache line).
        assert_eq!(std::mem::size_of::<BlockState>(), 16);
    }
}
