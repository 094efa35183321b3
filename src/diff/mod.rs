//! Two versions of a plan on the same ledgers: total, per component, per payee, who gains
//! and who loses, and how the changes are spread. [`side_by_side`] shows one payee's figures
//! under both plans; `render` and `render_side_by_side` write them as text.
//!
//! May use: `eval` (one pass per ledger for both plans), `plan`, `data`, `report`'s shared
//! sections, `money`, `quantiles`, `diagnostics`. Never `cli`.

pub mod render;
pub mod render_side_by_side;
pub mod side_by_side;

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::data::InputFile;
use crate::diagnostics::tools::ToolKind;
use crate::diagnostics::{DataError, Error};
use crate::eval::passes::{evaluate, Evaluation, Job, Keep};
use crate::period::Period;
use crate::plan::Component;
use crate::plan::Plan;
use crate::quantiles::{quantile, STANDARD};

/// How a component of one side corresponds to the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// The same name on both sides.
    Same,
    /// Only in the new plan.
    Added,
    /// Only in the old plan.
    Removed,
    /// Different names, the same label or the same body: taken to be one component renamed.
    Renamed,
}

impl Pairing {
    pub fn name(self) -> &'static str {
        match self {
            Pairing::Same => "",
            Pairing::Added => "added",
            Pairing::Removed => "removed",
            Pairing::Renamed => "renamed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ComponentChange {
    /// Index into the old plan's components, if it has this one.
    pub old: Option<usize>,
    pub new: Option<usize>,
    pub pairing: Pairing,
    pub old_total: Decimal,
    pub new_total: Decimal,
}

#[derive(Debug, Clone)]
pub struct PayeeChange {
    pub payee: Arc<str>,
    /// `None` when the payee is not paid by that side at all (not merely paid nothing).
    pub old: Option<Decimal>,
    pub new: Option<Decimal>,
}

impl PayeeChange {
    pub fn change(&self) -> Decimal {
        self.new.unwrap_or_default() - self.old.unwrap_or_default()
    }
}

#[derive(Debug)]
pub struct Comparison<'a> {
    pub old_plan: &'a Plan,
    pub new_plan: &'a Plan,
    pub evaluation: Evaluation,
    pub components: Vec<ComponentChange>,
    /// Sorted by change, largest gain first; ties by payee id.
    pub payees: Vec<PayeeChange>,
    /// Amounts are shown with this many decimals (the finer of the two plans' rounding).
    pub scale: u32,
}

impl Comparison<'_> {
    pub fn old_total(&self) -> Decimal {
        self.evaluation.runs.first().and_then(|r| r.result.as_ref()).map_or(Decimal::ZERO, |r| r.total)
    }
    pub fn new_total(&self) -> Decimal {
        self.evaluation.runs.get(1).and_then(|r| r.result.as_ref()).map_or(Decimal::ZERO, |r| r.total)
    }
    pub fn months(&self) -> &[Period] {
        &self.evaluation.months
    }
    /// (gain, lose, equal) counts over every payee of either side.
    pub fn tally(&self) -> (usize, usize, usize) {
        let gain = self.payees.iter().filter(|p| p.change() > Decimal::ZERO).count();
        let lose = self.payees.iter().filter(|p| p.change() < Decimal::ZERO).count();
        (gain, lose, self.payees.len() - gain - lose)
    }
    /// Up to `n` payees with the largest gains, largest first.
    pub fn gainers(&self, n: usize) -> Vec<&PayeeChange> {
        self.payees.iter().filter(|p| p.change() > Decimal::ZERO).take(n).collect()
    }
    /// Up to `n` payees with the largest losses, largest loss first.
    pub fn losers(&self, n: usize) -> Vec<&PayeeChange> {
        self.payees.iter().rev().filter(|p| p.change() < Decimal::ZERO).take(n).collect()
    }
    /// The standard quantiles of the per-payee changes, each rounded to the amount scale.
    pub fn distribution(&self) -> Vec<(&'static str, Decimal)> {
        let mut changes: Vec<Decimal> = self.payees.iter().map(PayeeChange::change).collect();
        changes.sort();
        STANDARD
            .iter()
            .filter_map(|(name, p)| {
                let q = quantile(&changes, *p)?;
                Some((*name, crate::money::round_display(q, self.scale)))
            })
            .collect()
    }
    pub fn only_old(&self) -> impl Iterator<Item = &PayeeChange> {
        self.payees.iter().filter(|p| p.new.is_none())
    }
    pub fn only_new(&self) -> impl Iterator<Item = &PayeeChange> {
        self.payees.iter().filter(|p| p.old.is_none())
    }
}

/// Evaluates both plans over the same ledgers and months and compares them. With
/// `statements`, every statement of both is kept (a workbook lists them, `--explain` reads a
/// payee's); else each payee's total, the statements computed a batch at a time.
pub fn compare<'a>(
    old: &'a Plan,
    old_files: &[InputFile],
    new: &'a Plan,
    new_files: &[InputFile],
    range: Option<(Period, Period)>,
    statements: bool,
) -> Result<Comparison<'a>, Error> {
    if old.currency != new.currency {
        return Err(DataError::of(
            "",
            ToolKind::DifferentCurrencies { old: old.currency.to_string(), new: new.currency.to_string() },
        )
        .into());
    }
    let keep = if statements { Keep::Statements } else { Keep::PayeeTotals };
    let jobs = [
        Job { plan: old, files: old_files, scale: None, tally: None, keep },
        Job { plan: new, files: new_files, scale: None, tally: None, keep },
    ];
    let evaluation = evaluate(&jobs, range)?;
    let run = |i: usize| evaluation.runs.get(i).and_then(|r| Some((r.result.as_ref()?, &r.payee_totals)));
    let (Some((o, o_payees)), Some((n, n_payees))) = (run(0), run(1)) else {
        return Err(DataError::of("", ToolKind::NothingEvaluated).into());
    };
    let components = pair_components(old, &o.component_totals, new, &n.component_totals);
    let payees = pair_payees(o_payees, n_payees);
    let scale = old.rounding.scale().max(new.rounding.scale());
    Ok(Comparison { old_plan: old, new_plan: new, evaluation, components, payees, scale })
}

/// Components by name; what is left on each side is paired as a rename when the label or
/// the body (everything between the braces) is the same, else shown as removed and added.
fn pair_components(old: &Plan, old_totals: &[Decimal], new: &Plan, new_totals: &[Decimal]) -> Vec<ComponentChange> {
    let total = |totals: &[Decimal], i: usize| totals.get(i).copied().unwrap_or_default();
    let mut out = Vec::new();
    let mut new_used = vec![false; new.components.len()];
    let mut unmatched_old = Vec::new();
    for (i, c) in old.components.iter().enumerate() {
        match new.components.iter().position(|d| d.name == c.name) {
            Some(j) => {
                if let Some(u) = new_used.get_mut(j) {
                    *u = true;
                }
                out.push(ComponentChange {
                    old: Some(i),
                    new: Some(j),
                    pairing: Pairing::Same,
                    old_total: total(old_totals, i),
                    new_total: total(new_totals, j),
                });
            }
            None => unmatched_old.push(i),
        }
    }
    for i in unmatched_old {
        let Some(c) = old.components.get(i) else { continue };
        let rename = new.components.iter().enumerate().position(|(j, d)| {
            !new_used.get(j).copied().unwrap_or(true)
                && ((c.label.is_some() && c.label == d.label) || body(old, c) == body(new, d))
        });
        match rename {
            Some(j) => {
                if let Some(u) = new_used.get_mut(j) {
                    *u = true;
                }
                out.push(ComponentChange {
                    old: Some(i),
                    new: Some(j),
                    pairing: Pairing::Renamed,
                    old_total: total(old_totals, i),
                    new_total: total(new_totals, j),
                });
            }
            None => out.push(ComponentChange {
                old: Some(i),
                new: None,
                pairing: Pairing::Removed,
                old_total: total(old_totals, i),
                new_total: Decimal::ZERO,
            }),
        }
    }
    for (j, used) in new_used.iter().enumerate() {
        if !used {
            out.push(ComponentChange {
                old: None,
                new: Some(j),
                pairing: Pairing::Added,
                old_total: Decimal::ZERO,
                new_total: total(new_totals, j),
            });
        }
    }
    out
}

/// A component's text between its braces (comments dropped, spacing normalised), to
/// recognise a component that was only renamed. The checked component's span is its name,
/// so the body is found by matching braces from there, skipping quoted text and comments.
fn body(plan: &Plan, component: &Component) -> String {
    let text = plan.source.text.get(component.span.start..).unwrap_or("");
    let mut out = String::new();
    let (mut depth, mut quoted, mut comment) = (0usize, false, false);
    for c in text.chars() {
        match c {
            '\n' if comment => comment = false,
            _ if comment => continue,
            '"' => quoted = !quoted,
            '#' if !quoted => {
                comment = true;
                continue;
            }
            '{' if !quoted => {
                depth += 1;
                if depth == 1 {
                    continue;
                }
            }
            '}' if !quoted => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        if depth > 0 {
            out.push(c);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pair_payees(old: &[(Arc<str>, Decimal)], new: &[(Arc<str>, Decimal)]) -> Vec<PayeeChange> {
    let mut by_payee: std::collections::BTreeMap<Arc<str>, PayeeChange> =
        old.iter().map(|(p, t)| (p.clone(), PayeeChange { payee: p.clone(), old: Some(*t), new: None })).collect();
    for (p, t) in new {
        by_payee.entry(p.clone()).or_insert_with(|| PayeeChange { payee: p.clone(), old: None, new: None }).new =
            Some(*t);
    }
    let mut out: Vec<PayeeChange> = by_payee.into_values().collect();
    out.sort_by(|a, b| b.change().cmp(&a.change()).then_with(|| a.payee.cmp(&b.payee)));
    out
}

/// The name a component change is shown under: `new` or `old -> new` for a rename.
pub fn component_name(c: &ComponentChange, old: &Plan, new: &Plan) -> String {
    let o = c.old.and_then(|i| old.components.get(i)).map(|c| c.name.as_str());
    let n = c.new.and_then(|i| new.components.get(i)).map(|c| c.name.as_str());
    match (o, n) {
        (Some(o), Some(n)) if o != n => format!("{o} -> {n}"),
        (_, Some(n)) => n.to_string(),
        (Some(o), None) => o.to_string(),
        (None, None) => String::new(),
    }
}
