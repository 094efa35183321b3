//! Explanations: how one statement was reached, down to ledger rows and policy lines.
//!
//! `explain` evaluates the statement's components again with a [`Recorder`] (a normal run
//! records nothing), through the very same `evaluate_component` that `run` uses, so the two
//! cannot disagree. The rows behind each aggregate are the ones the fold itself saw for this
//! payee (through its row hook), so the ledgers are read once and a row's payee and bucket
//! are decided in one place.

use std::collections::HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::aggregate::{fold_shared, FoldRequest, Folded, ObservedRow, Payee, PayeeFold, RowEnv, Trust};
use super::compute::{due_period, evaluate_component, history_before, policy_error, Past, Payout};
use super::expr::{eval, table_lookup_row, NoTrace, Tracer};
use super::passes::needed_for;
use super::run::months_of;
use super::tiers::{self, Slice};
use crate::data::InputFile;
use crate::diagnostics::eval::EvalKind;
use crate::diagnostics::{DataError, Error};
use crate::lang::{BinaryOp, Cadence, TierMode};
use crate::money::Rounding;
use crate::period::{Granularity, Period};
use crate::plan::{Component, Expr, Node, Plan, TierPay, TierTable, Ty};
use crate::suggest;
use crate::value::{Exact, Value};

/// Records the value of every expression evaluated, by the expression's address in the plan.
#[derive(Default)]
pub struct Recorder {
    values: HashMap<usize, Value>,
    /// Bracket tables' bases, exactly (`values` has them as shown).
    /// Per bracket table: its exact base, and the figure relative bounds are shares of.
    tier_bases: HashMap<usize, (Exact, Option<Exact>)>,
}

fn key(e: &Expr) -> usize {
    e as *const Expr as usize
}

impl Tracer for Recorder {
    fn record(&mut self, e: &Expr, value: &Value) {
        self.values.insert(key(e), value.clone());
    }
    fn tier_base(&mut self, table: &TierTable, base: &Exact, scale: Option<&Exact>) {
        self.tier_bases.insert(key(&table.base), (base.clone(), scale.cloned()));
    }
}

impl Recorder {
    fn get(&self, e: &Expr) -> Option<&Value> {
        self.values.get(&key(e))
    }
}

/// One statement, explained.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub payee: Arc<str>,
    pub attrs: Vec<Value>,
    pub month: Period,
    pub components: Vec<ComponentExplanation>,
    pub total: Decimal,
    /// Rows of other payees that were not checked (`explain --quick` with no record of a
    /// run): 0 when every row was checked, now or by the run a record vouches for.
    pub unchecked_rows: u64,
}

#[derive(Debug, Clone)]
pub struct ComponentExplanation {
    pub name: String,
    pub label: Option<String>,
    pub cadence: Cadence,
    /// The period the component covers (the quarter, for a quarterly component).
    pub period: Period,
    /// False when the statement's month is not the last month of `period`: it pays 0.
    pub due: bool,
    pub line: usize,
    pub steps: Vec<Step>,
    pub payout: Payout,
    pub rounding: Rounding,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    Let(String),
    When,
    Pay,
    Cap,
    Floor,
}

/// A line of the component (`let`, `when`, `pay`, `cap`, `floor`) with its value and the
/// facts it rests on.
#[derive(Debug, Clone)]
pub struct Step {
    pub kind: StepKind,
    /// The expression as written in the policy.
    pub text: String,
    pub line: usize,
    pub value: Value,
    pub ty: Ty,
    pub facts: Vec<Fact>,
    /// The comparisons of a `when` (through `and`/`or`: each side with its value, so a
    /// threshold can be shown next to the figure it was compared with), or the operation at
    /// the top of any other line (`5% * sum(...)`: the rate and the basis).
    pub operands: Vec<Operands>,
}

/// The two sides of an operation as evaluated; `and`/`or` are looked through.
#[derive(Debug, Clone)]
pub struct Operands {
    pub op: BinaryOp,
    pub left: Operand,
    pub right: Operand,
}

#[derive(Debug, Clone)]
pub struct Operand {
    /// The expression as written in the policy.
    pub text: String,
    pub value: Value,
    pub ty: Ty,
}

/// How an explanation names the sum of a statement's other components (the statement
/// limits' base).
pub const STATEMENT_SO_FAR: &str = "subtotal (the components above)";

#[derive(Debug, Clone)]
pub enum Fact {
    Aggregate {
        index: usize,
        text: String,
        line: usize,
        value: Value,
        ty: Ty,
        rows: RowList,
    },
    Lookup {
        text: String,
        value: Value,
        ty: Ty,
        input: String,
        file: String,
        line: Option<u64>,
    },
    Let {
        name: String,
        value: Value,
        ty: Ty,
    },
    /// A figure added up over statements: each month's amount (this month's last, when it
    /// counts), e.g. `quarter_to_date(advance)`.
    Earlier {
        text: String,
        value: Value,
        ty: Ty,
        months: Vec<(Period, Decimal)>,
    },
    Table {
        name: String,
        keys: Vec<Value>,
        value: Value,
        ty: Ty,
        row_line: Option<usize>,
    },
    Tiers {
        mode: TierMode,
        base: Decimal,
        slices: Vec<TierSlice>,
        result: Decimal,
        next: Option<NextBracket>,
    },
    Payee {
        text: String,
        value: Value,
    },
}

/// The bracket above the one reached: how far away it is and what the tier pays there.
#[derive(Debug, Clone)]
pub struct NextBracket {
    pub from: Decimal,
    pub pays: TierPay,
    /// What the tier pays at exactly `from`.
    pub payout_at: Decimal,
}

/// A marginal slice or the flat bracket, with the policy line of its bracket.
#[derive(Debug, Clone)]
pub struct TierSlice {
    pub slice: Slice,
    pub line: usize,
}

/// The ledger rows behind an aggregate: the first ones, and how many there are.
#[derive(Debug, Clone, Default)]
pub struct RowList {
    pub input: String,
    pub file: String,
    pub rows: Vec<RowRef>,
    pub count: usize,
}

#[derive(Debug, Clone)]
pub struct RowRef {
    /// The row's key (`id`), when the input has one.
    pub key: Option<String>,
    pub line: u64,
    /// What the row contributed (the aggregated expression's value).
    pub value: Value,
    /// How the row came to count for the payee, when not plainly: the share of a split row,
    /// the row it names (a cancellation's sale), the report whose row it is.
    pub note: Option<String>,
}

/// Explains one payee's statement for one month. `row_limit` caps the rows listed per
/// aggregate (`None`: all of them). With `quick` and no record of a run to trust, other
/// payees' rows are passed over unchecked, and the explanation counts them
/// (`Explanation::unchecked_rows`).
pub fn explain(
    plan: &Plan,
    files: &[InputFile],
    payee: &str,
    month: Period,
    row_limit: Option<usize>,
    quick: bool,
) -> Result<Explanation, Error> {
    // A run of this plan over these very files left a record that it read them with no
    // problem (`data::checked`): other payees' rows need not be checked again. What is read is
    // compared with the record; a file changed since, or anything going wrong (an unknown payee,
    // a month no ledger has), and the explanation is made again from every row, checked, so
    // that its result and its messages are exactly those of an untrusting one. With `quick`
    // and no record, other payees' rows are taken unchecked the same way (anything going
    // wrong is again made from every row, checked: only a figure comes from a quick reading).
    let trust = match trustable(plan, files, &needed_for(plan, Some((month, month)))) {
        Some(trusted) => Some(Trust::Record(trusted)),
        None if quick && !plan.reads_reports() && super::chunked::on() => Some(Trust::Unchecked),
        None => None,
    };
    if let Some(trust) = trust {
        let unchecked = trust == Trust::Unchecked;
        match explain_reading(plan, files, payee, month, row_limit, trust) {
            Ok((explanation, false)) => return Ok(explanation),
            // With no record, the one reading not to be believed: a ledger named late read row by row.
            Ok((_, true)) if unchecked => super::chunked::report(|| {
                "explain --quick: read again, every row checked (a ledger named late read row by row)".into()
            }),
            Ok((_, true)) => super::chunked::report(|| "explain: read again, every row checked (other files)".into()),
            Err(_) if unchecked => {
                super::chunked::report(|| "explain --quick: read again, every row checked (a problem)".into())
            }
            Err(_) => super::chunked::report(|| "explain: read again, every row checked (a problem)".into()),
        }
    }
    explain_reading(plan, files, payee, month, row_limit, Trust::Checked).map(|(explanation, _)| explanation)
}

/// The record of a fold of `plan` over `files` (`data::checked`), when one exists and vouches
/// for the buckets `needed` (a run's over every month; a run's of a range, or an earlier
/// `explain`'s, that cover them). Trusting it,
/// the reading passes over the rows that count for nobody it explains: a row is read when its
/// payee is the explained one or (`for reports`) one of their direct reports, or when it is
/// credited by shares to one of them (other payees' shares are passed over, their rows noted
/// as credited); rows that name rows of one ledger (cancellations) are read after it, and
/// those naming a row passed over are passed over too. Not for a plan whose statements read
/// the direct reports' statements (`this_month(total for reports)`): those read their own
/// reports', down the whole tree, so every row may count.
fn trustable(
    plan: &Plan,
    files: &[InputFile],
    needed: &super::aggregate::Needed,
) -> Option<std::collections::BTreeMap<usize, crate::data::checked::Digest>> {
    if plan.reads_reports() || !crate::data::checked::enabled() || !super::chunked::on() {
        return None;
    }
    let name = crate::data::checked::name(plan, files, super::chunked::block_bytes())?;
    let record = crate::data::checked::recall(&name);
    let covers = record.as_ref().is_some_and(|r| r.covers(needed.as_ref()));
    super::chunked::report(|| match (&record, covers) {
        (Some(_), true) => format!("explain: a record of files read with no problem: {name}"),
        (Some(_), false) => format!("explain: a record of files read with no problem, not of this month: {name}"),
        (None, _) => "explain: no record of these files read with no problem".into(),
    });
    record.filter(|_| covers).map(|r| r.digests)
}

/// One explanation, from one reading, and whether a trusted record turned out to be about
/// other files (the explanation is then not to be believed).
fn explain_reading(
    plan: &Plan,
    files: &[InputFile],
    payee: &str,
    month: Period,
    row_limit: Option<usize>,
    trust: Trust,
) -> Result<(Explanation, bool), Error> {
    let range = Some((month, month));
    // Only this payee's rows of inputs that aggregates read are kept: one person's ledger.
    let mut kept: Vec<KeptRow> = Vec::new();
    // With `for reports`, the reports' rows too (kept for every payee: who reports to whom is
    // known once the roster is read, and explaining overrides is rarer than runs).
    let reports = plan.aggregates.iter().any(|a| a.reports);
    let observed_payee = Some(payee.to_string());
    let request = FoldRequest {
        plan,
        files,
        needed: needed_for(plan, range),
        scale: None,
        max_errors: 1,
        observed_payee,
        observe_reports: reports,
        tally: None,
        trust,
    };
    let mut keep = |row: ObservedRow<'_>| {
        if (reports || &**row.payee == payee) && plan.aggregates.iter().any(|a| a.input == row.input) {
            kept.push(KeptRow {
                input: row.input,
                bucket: row.bucket,
                payee: row.payee.clone(),
                values: row.values.to_vec(),
                line: row.line,
                share: row.share,
                joined: row.joined.map(|(c, v)| {
                    // Every column of the named row (a named row keeps only those read).
                    let schema = plan.inputs.get(row.input).and_then(|s| s.columns.get(c));
                    let named = schema.and_then(|col| col.refers_to).and_then(|t| plan.inputs.get(t));
                    (c, v.to_whole(named.map_or(0, |s| s.columns.len())), row.joined_line)
                }),
            });
        }
    };
    let outcome = fold_shared(std::slice::from_ref(&request), Some(&mut keep), &mut NoTrace)?;
    let distrusted = outcome.distrusted.iter().any(|d| *d);
    let unchecked_rows = match request.trust {
        Trust::Unchecked => outcome.reads.iter().map(|r| r.passed_over).sum(),
        Trust::Checked | Trust::Record(_) => 0,
    };
    let folded = outcome.folded.into_iter().next().unwrap_or_default();
    months_of(plan, &folded, files, range)?;
    let mut explanation = explain_folded(plan, files, &folded, payee, month)?;
    explanation.unchecked_rows = unchecked_rows;
    let payee = folded
        .payees
        .iter()
        .find(|p| &*p.id == payee)
        .cloned()
        .unwrap_or(Payee { id: payee.into(), attrs: Vec::new() });
    let reports = folded.reports.get(&payee.id).cloned().unwrap_or_default();
    attach_rows(plan, files, &folded, &payee, &reports, &kept, &mut explanation.components, row_limit)?;
    Ok((explanation, distrusted))
}

/// A row of the explained payee, kept from the fold.
struct KeptRow {
    input: usize,
    bucket: Period,
    payee: std::sync::Arc<str>,
    values: Vec<Value>,
    line: u64,
    share: Decimal,
    /// The row a reference column names, for `sale.date` in a filter.
    joined: Option<(usize, Vec<Value>, u64)>,
}

/// Explains a statement from ledgers already read, without listing ledger rows.
pub fn explain_folded(
    plan: &Plan,
    files: &[InputFile],
    folded: &Folded,
    payee: &str,
    month: Period,
) -> Result<Explanation, Error> {
    // The fold keeps payees sorted by id: a binary search, so that a report over every payee
    // stays near-linear.
    let found = folded.payees.binary_search_by(|p| (*p.id).cmp(payee)).ok().and_then(|i| folded.payees.get(i));
    let Some(payee) = found else {
        let known: Vec<&str> = folded.payees.iter().map(|p| &*p.id).collect();
        return Err(DataError::of(
            format!("--payee {payee}"),
            EvalKind::UnknownPayee {
                payee: payee.to_string(),
                suggestion: suggest::help(payee, "payee", known.iter().copied()),
            },
        )
        .into());
    };
    let mut components = Vec::with_capacity(plan.components.len());
    let mut earlier = Decimal::ZERO;
    // The payee's earlier statements, which figures to date read back.
    let (history, theirs) = history_before(plan, folded, payee, month)?;
    let reports: Vec<&[super::compute::MonthAmounts]> = theirs.iter().map(Vec::as_slice).collect();
    let mut amounts: Vec<Decimal> = Vec::with_capacity(plan.components.len());
    for component in &plan.components {
        let past = Past { earlier, current: &amounts, history: &history, reports: &reports, month };
        let explained = explain_component(plan, files, folded, payee, month, component, past)?;
        earlier = earlier.saturating_add(explained.payout.amount);
        amounts.push(explained.payout.amount);
        components.push(explained);
    }
    let total = components.iter().map(|c| c.payout.amount).sum();
    Ok(Explanation { payee: payee.id.clone(), attrs: payee.attrs.clone(), month, components, total, unchecked_rows: 0 })
}

fn explain_component(
    plan: &Plan,
    files: &[InputFile],
    folded: &Folded,
    payee: &Payee,
    month: Period,
    component: &Component,
    past: Past<'_>,
) -> Result<ComponentExplanation, Error> {
    let line = plan.line(component.span);
    let period = month.coarsen(component.cadence.into()).unwrap_or(month);
    let mut explanation = ComponentExplanation {
        name: component.name.clone(),
        label: component.label.clone(),
        cadence: component.cadence,
        period,
        due: false,
        line,
        steps: Vec::new(),
        payout: Payout { failed_gate: None, paid: None, limited: None, exact: true, amount: Decimal::ZERO },
        rounding: component.rounding,
    };
    let Some(period) = due_period(month, component) else { return Ok(explanation) };
    let mut recorder = Recorder::default();
    let payout = evaluate_component(plan, &PayeeFold::new(folded, payee), period, component, past, &mut recorder)
        .map_err(|e| policy_error(plan, e, &format!("payee `{}`, {period}", payee.id)))?;
    let ctx = Context { plan, files, folded, payee, period, component, recorder: &recorder, past };
    let mut steps = Vec::new();
    let mut add = |kind: StepKind, e: &Expr| {
        if let Some(value) = recorder.get(e) {
            steps.push(step(&ctx, kind, e, value.clone()));
        }
    };
    for l in &component.lets {
        add(StepKind::Let(l.name.clone()), &l.value);
    }
    for gate in &component.gates {
        add(StepKind::When, gate);
    }
    add(StepKind::Pay, &component.pay);
    if let Some(cap) = &component.cap {
        add(StepKind::Cap, cap);
    }
    if let Some(floor) = &component.floor {
        add(StepKind::Floor, floor);
    }
    explanation.due = true;
    explanation.steps = steps;
    explanation.payout = payout;
    Ok(explanation)
}

/// What fact collection needs to know about the statement being explained.
struct Context<'a> {
    plan: &'a Plan,
    files: &'a [InputFile],
    folded: &'a Folded,
    payee: &'a Payee,
    period: Period,
    component: &'a Component,
    recorder: &'a Recorder,
    past: Past<'a>,
}

fn step(ctx: &Context<'_>, kind: StepKind, e: &Expr, value: Value) -> Step {
    let mut facts = Vec::new();
    collect_facts(ctx, e, &mut facts);
    let mut ops = Vec::new();
    operands(ctx, e, &mut ops);
    Step {
        kind,
        text: super::expr::excerpt(ctx.plan, e),
        line: ctx.plan.line(e.span),
        value,
        ty: e.ty,
        facts,
        operands: ops,
    }
}

/// The operations at the top of `e`, looking through `and`/`or`; a side that was not
/// evaluated (after a short-circuit) leaves its operation out.
fn operands(ctx: &Context<'_>, e: &Expr, out: &mut Vec<Operands>) {
    let Node::Binary(op, a, b) = &e.node else { return };
    if matches!(op, BinaryOp::And | BinaryOp::Or) {
        operands(ctx, a, out);
        operands(ctx, b, out);
        return;
    }
    let side = |x: &Expr| {
        ctx.recorder.get(x).map(|v| Operand { text: super::expr::excerpt(ctx.plan, x), value: v.clone(), ty: x.ty })
    };
    if let (Some(left), Some(right)) = (side(a), side(b)) {
        out.push(Operands { op: *op, left, right });
    }
}

/// The facts an expression rests on, in the order they appear, each once. Branches that
/// were not evaluated (the other side of an `if`) have no recorded value and are skipped.
fn collect_facts(ctx: &Context<'_>, e: &Expr, facts: &mut Vec<Fact>) {
    let Some(value) = ctx.recorder.get(e) else { return };
    let value = value.clone();
    let plan = ctx.plan;
    let recorder = ctx.recorder;
    let text = super::expr::excerpt(plan, e);
    let recurse = |child: &Expr, facts: &mut Vec<Fact>| collect_facts(ctx, child, facts);
    match &e.node {
        Node::Const(_) | Node::Column(_) => {}
        Node::Aggregate(index) => {
            if !facts.iter().any(|f| matches!(f, Fact::Aggregate { index: i, .. } if i == index)) {
                let line = plan.line(e.span);
                facts.push(Fact::Aggregate { index: *index, text, line, value, ty: e.ty, rows: RowList::default() });
            }
        }
        Node::Lookup(index) => {
            let (input, line) = lookup_source(plan, ctx.folded, ctx.payee, ctx.period, *index);
            let file = plan
                .lookups
                .get(*index)
                .and_then(|l| ctx.files.iter().find(|f| f.input == l.input))
                .map_or(String::new(), |f| f.source.shown());
            facts.push(Fact::Lookup { text, value, ty: e.ty, input, file, line });
        }
        Node::Let(index) => {
            let name = ctx.component.lets.get(*index).map_or(text, |l| l.name.clone());
            facts.push(Fact::Let { name, value, ty: e.ty });
        }
        Node::PayeeId | Node::PayeeAttr(_) => facts.push(Fact::Payee { text, value }),
        Node::StatementSoFar => {
            if !facts.iter().any(|f| matches!(f, Fact::Let { name, .. } if name == STATEMENT_SO_FAR)) {
                facts.push(Fact::Let { name: STATEMENT_SO_FAR.to_string(), value, ty: e.ty });
            }
        }
        Node::Table(t, args) => {
            for a in args {
                recurse(a, facts);
            }
            let keys: Vec<Value> = args.iter().map(|a| recorder.get(a).cloned().unwrap_or(Value::Missing)).collect();
            let table = plan.tables.get(*t);
            let row_line = table_lookup_row(plan, *t, &keys).map(|span| plan.line(span));
            facts.push(Fact::Table {
                name: table.map_or(String::new(), |t| t.name.clone()),
                keys,
                value,
                ty: e.ty,
                row_line,
            });
        }
        // Figures of the statement and of earlier statements, shown by their text.
        Node::History { of, window, current, reports: false } => {
            let start = ctx.past.month.coarsen(window.granularity()).map(Period::first_month);
            let pick = |amounts: &[Decimal], total: Decimal| match of {
                crate::plan::Earlier::Total => total,
                crate::plan::Earlier::Component(c) => amounts.get(*c).copied().unwrap_or_default(),
            };
            let mut months: Vec<(Period, Decimal)> = ctx
                .past
                .history
                .iter()
                .filter(|m| start.is_some_and(|s| m.month >= s) && m.month < ctx.past.month)
                .map(|m| (m.month, pick(&m.amounts, m.total)))
                .collect();
            if let (true, crate::plan::Earlier::Component(c)) = (*current, of) {
                months.push((ctx.past.month, ctx.past.current.get(*c).copied().unwrap_or_default()));
            }
            facts.push(Fact::Earlier { text, value, ty: e.ty, months });
        }
        Node::Employed => {
            // The days behind the share: `employed (76 of 91 days)`.
            let name = match super::compute::days_employed(plan, ctx.payee, ctx.period) {
                Some((employed, days)) => format!("{text} ({employed} of {days} days)"),
                None => text,
            };
            if !facts.iter().any(|f| matches!(f, Fact::Let { name: n, .. } if *n == name)) {
                facts.push(Fact::Let { name, value, ty: e.ty });
            }
        }
        Node::Period
        | Node::ComponentAmount(_)
        | Node::History { reports: true, .. }
        | Node::MonthsSince(_)
        | Node::DaysBetween(..)
        | Node::InMonthOf(..)
        | Node::Joined(..) => {
            if !facts.iter().any(|f| matches!(f, Fact::Let { name, .. } if *name == text)) {
                facts.push(Fact::Let { name: text, value, ty: e.ty });
            }
        }
        Node::ToDate { value: inner, .. } => {
            recurse(inner, facts);
            if !facts.iter().any(|f| matches!(f, Fact::Let { name, .. } if *name == text)) {
                facts.push(Fact::Let { name: text, value, ty: e.ty });
            }
        }
        Node::Tiers(t) => {
            recurse(&t.base, facts);
            if let Some(scale) = &t.scale {
                recurse(scale, facts);
            }
            if let Some(fact) = tier_fact(plan, t, recorder) {
                facts.push(fact);
            }
        }
        Node::Unary(..)
        | Node::Abs(_)
        | Node::Round(..)
        | Node::Binary(..)
        | Node::Default(..)
        | Node::In(..)
        | Node::Between(..)
        | Node::If(..)
        | Node::Min(_)
        | Node::Max(_) => {
            for child in crate::plan::visit::children(e) {
                recurse(child, facts);
            }
        }
    }
}

fn tier_fact(plan: &Plan, t: &TierTable, recorder: &Recorder) -> Option<Fact> {
    let (exact, scale) = match recorder.tier_bases.get(&key(&t.base)) {
        Some((x, scale)) => (x.clone(), scale.clone()),
        None => (Exact::Dec(recorder.get(&t.base)?.as_number()?), None),
    };
    let base = exact.shown()?;
    let (result, slices) = tiers::apply_shown(t.mode, &t.brackets, &exact, scale.as_ref())?;
    let slices = slices
        .into_iter()
        .map(|slice| {
            let line = t.brackets.get(slice.bracket).map_or(0, |b| plan.line(b.span));
            TierSlice { slice, line }
        })
        .collect();
    // The next bracket above the base (the first one when the base is below them all).
    let bound = |b: &crate::plan::TierBracket| match &scale {
        Some(s) => Exact::Dec(b.from).checked_mul(s).ok(),
        None => Some(Exact::Dec(b.from)),
    };
    let next = t.brackets.iter().find(|b| bound(b).is_some_and(|f| f > exact)).and_then(|b| {
        let from = bound(b)?;
        let payout_at = tiers::apply_shown(t.mode, &t.brackets, &from, scale.as_ref())?.0;
        Some(NextBracket { from: from.shown()?, pays: b.pays, payout_at })
    });
    Some(Fact::Tiers { mode: t.mode, base, slices, result, next })
}

fn lookup_source(plan: &Plan, folded: &Folded, payee: &Payee, period: Period, index: usize) -> (String, Option<u64>) {
    let Some(lookup) = plan.lookups.get(index) else { return (String::new(), None) };
    let name = plan.inputs.get(lookup.input).map_or(String::new(), |i| i.name.clone());
    let gran = plan.inputs.get(lookup.input).and_then(|i| i.bucket()).unwrap_or(Granularity::Month);
    let line = period
        .coarsen(gran)
        .and_then(|bucket| folded.rows.get(lookup.input).and_then(|rows| rows.get(&payee.id, bucket)))
        .map(|row| row.line);
    (name, line)
}

/// Lists, for every aggregate fact, the kept rows it folded: those of its input, in its
/// component's period, that pass its filter.
#[allow(clippy::too_many_arguments)]
fn attach_rows(
    plan: &Plan,
    files: &[InputFile],
    folded: &Folded,
    payee: &Payee,
    reports: &[std::sync::Arc<str>],
    kept: &[KeptRow],
    components: &mut [ComponentExplanation],
    row_limit: Option<usize>,
) -> Result<(), Error> {
    // (aggregate, component period) -> rows, for every aggregate fact.
    let mut wanted: HashMap<(usize, Period), RowList> = HashMap::new();
    for c in components.iter() {
        for s in &c.steps {
            for f in &s.facts {
                if let Fact::Aggregate { index, .. } = f {
                    wanted.insert((*index, c.period), RowList::default());
                }
            }
        }
    }
    for row in kept {
        let joined = row.joined.as_ref().map(|(c, v, _)| (*c, super::references::JoinedRow::whole(v)));
        let who = folded.payees.iter().find(|p| p.id == row.payee).cloned().unwrap_or_else(|| payee.clone());
        let in_month = super::aggregate::in_month_values(plan, folded, row.input, &who, &row.values, joined)
            .map_err(|e| policy_error(plan, e, "row"))?;
        let env = RowEnv {
            row: &row.values,
            payee: Some(payee.attrs.as_slice()),
            payee_id: &payee.id,
            joined,
            in_month: &in_month,
        };
        for ((agg_index, period), list) in wanted.iter_mut() {
            let Some(agg) = plan.aggregates.get(*agg_index).filter(|a| a.input == row.input) else { continue };
            let whose = if agg.reports { reports.contains(&row.payee) } else { row.payee == payee.id };
            if !whose {
                continue;
            }
            if !period.contains(row.bucket) {
                continue;
            }
            let failed = |e| {
                let shown = files.iter().find(|f| f.input == row.input).map(|f| f.source.shown()).unwrap_or_default();
                policy_error(plan, e, &format!("row of {shown}"))
            };
            let passes = match &agg.filter {
                Some(f) => eval(plan, f, &env).map_err(failed)? == Value::Bool(true),
                None => true,
            };
            if !passes {
                continue;
            }
            let mut value = match &agg.arg {
                Some(arg) => eval(plan, arg, &env).map_err(failed)?,
                None => Value::Number(Decimal::ONE),
            };
            // A split row adds the payee's share of it.
            if let (Value::Number(n), true) =
                (&value, row.share != Decimal::ONE && agg.func == crate::plan::AggFunc::Sum)
            {
                value = Value::Number(n.checked_mul(row.share).unwrap_or(*n));
            }
            list.count += 1;
            if row_limit.is_none_or(|limit| list.rows.len() < limit) {
                let key =
                    plan.inputs.get(row.input).and_then(|s| s.key).and_then(|k| row.values.get(k)).map(Value::plain);
                let mut notes: Vec<String> = Vec::new();
                if row.share != Decimal::ONE {
                    notes.push(format!("{}% of the row", (row.share * Decimal::ONE_HUNDRED).normalize()));
                }
                if let Some((c, named, line)) = &row.joined {
                    let schema = plan.inputs.get(row.input);
                    let target = schema.and_then(|s| s.columns.get(*c)).and_then(|col| col.refers_to);
                    let target_schema = target.and_then(|t| plan.inputs.get(t));
                    let named_key = target_schema.and_then(|s| s.key).and_then(|k| named.get(k)).map(Value::plain);
                    let file = target.and_then(|t| files.iter().find(|f| f.input == t)).map(|f| f.source.shown());
                    notes.push(format!(
                        "names {} {} ({}:{line})",
                        target_schema.map_or("", |s| s.name.as_str()),
                        named_key.unwrap_or_default(),
                        file.unwrap_or_default()
                    ));
                }
                if row.payee != payee.id {
                    notes.push(format!("{}'s row", row.payee));
                }
                let note = (!notes.is_empty()).then(|| notes.join("; "));
                list.rows.push(RowRef { key, line: row.line, value, note });
            }
        }
    }
    for ((agg_index, _), list) in wanted.iter_mut() {
        let Some(input) = plan.aggregates.get(*agg_index).map(|a| a.input) else { continue };
        list.input = plan.inputs.get(input).map_or(String::new(), |s| s.name.clone());
        list.file = files.iter().find(|f| f.input == input).map(|f| f.source.shown()).unwrap_or_default();
    }
    for c in components.iter_mut() {
        let period = c.period;
        for s in &mut c.steps {
            for f in &mut s.facts {
                if let Fact::Aggregate { index, rows, .. } = f {
                    if let Some(list) = wanted.get(&(*index, period)) {
                        *rows = list.clone();
                    }
                }
            }
        }
    }
    Ok(())
}
