//! Several versions of a plan in one run (`run first.policy --then second.policy`): each month
//! is computed by the version in effect (the latest whose `effective` month is not after it);
//! a statement reads earlier months whatever version computed them, component by name (a
//! quarter's true-up across the change reads the old version's advances); every statement
//! says which version produced it.

use std::collections::HashSet;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::aggregate::{fold_shared, FoldRequest, Folded, PayeeFold, Trust};
use super::compute::{computed_months, evaluate_metric, month_amounts, MonthAmounts, RunResult, Statement};
use super::expr::NoTrace;
use super::passes::needed_for;
use super::run::{data_warnings, months_of, RunOptions};
use crate::data::InputFile;
use crate::diagnostics::tools::ToolKind;
use crate::diagnostics::{DataError, Error};
use crate::period::Period;
use crate::plan::Plan;
use crate::value::exact_sum;

/// The plan as outputs show a run of several versions: the last version, with every
/// component of any version (in the order they first appear) and a version line naming them
/// all, and the statements.
pub fn compute_versions(
    versions: &[Plan],
    files: &[Vec<InputFile>],
    options: &RunOptions,
) -> Result<(Plan, RunResult), Error> {
    check_chain(versions)?;
    let requests: Vec<FoldRequest<'_>> = versions
        .iter()
        .zip(files)
        .map(|(plan, files)| FoldRequest {
            plan,
            files,
            needed: needed_for(plan, options.range),
            scale: None,
            max_errors: options.max_errors,
            observed_payee: None,
            observe_reports: false,
            tally: None,
            trust: Trust::Checked,
        })
        .collect();
    let outcome = fold_shared(&requests, None, &mut NoTrace)?;
    let (Some(first), Some(first_files)) = (versions.first(), files.first()) else {
        return Err(DataError::of("", ToolKind::NothingEvaluated).into());
    };
    let Some(first_fold) = outcome.folded.first() else {
        return Err(DataError::of("", ToolKind::NothingEvaluated).into());
    };
    let months = months_of(first, first_fold, first_files, options.range)?;
    // Every component of every version, by name, in the order they first appear.
    let mut names: Vec<String> = Vec::new();
    for plan in versions {
        for c in &plan.components {
            if !names.contains(&c.name) {
                names.push(c.name.clone());
            }
        }
    }
    // Per version: the union place of each of its components.
    let places: Vec<Vec<usize>> = versions
        .iter()
        .map(|p| p.components.iter().map(|c| names.iter().position(|n| *n == c.name).unwrap_or(0)).collect())
        .collect();
    let computed = versions.iter().map(|p| computed_months(p, &months)).max_by_key(Vec::len).unwrap_or_default();
    let shown: HashSet<Period> = months.iter().copied().collect();
    let last = versions.len() - 1;
    let mut statements = Vec::new();
    let mut component_totals = vec![Decimal::ZERO; names.len()];
    let mut total = Decimal::ZERO;
    let overflow = || Error::from(DataError::of("", ToolKind::TotalsTooLarge));
    for payee in &first_fold.payees {
        // Earlier months in the union's order.
        let mut history: Vec<MonthAmounts> = Vec::new();
        for month in &computed {
            let v = in_effect(versions, *month);
            let (Some(plan), Some(folded), Some(place)) = (versions.get(v), outcome.folded.get(v), places.get(v))
            else {
                continue;
            };
            let Some(who) = find(folded, &payee.id) else { continue };
            // The history as this version reads it: its own components' amounts, by name.
            let own: Vec<MonthAmounts> = history
                .iter()
                .map(|m| MonthAmounts {
                    month: m.month,
                    amounts: place.iter().map(|p| m.amounts.get(*p).copied().unwrap_or_default()).collect(),
                    total: m.total,
                })
                .collect();
            let (amounts, statement_total) =
                month_amounts(plan, &PayeeFold::new(folded, who), *month, &own, &[], &mut NoTrace)?;
            let mut union = vec![Decimal::ZERO; names.len()];
            for (a, p) in amounts.iter().zip(place) {
                if let Some(slot) = union.get_mut(*p) {
                    *slot = *a;
                }
            }
            history.push(MonthAmounts { month: *month, amounts: union.clone(), total: statement_total });
            if !shown.contains(month) {
                continue;
            }
            for (t, a) in component_totals.iter_mut().zip(&union) {
                *t = exact_sum(*t, *a).ok_or_else(overflow)?;
            }
            total = exact_sum(total, statement_total).ok_or_else(overflow)?;
            let (Some(shown_plan), Some(shown_fold)) = (versions.get(last), outcome.folded.get(last)) else { continue };
            let metrics = match find(shown_fold, &payee.id) {
                Some(p) => shown_plan
                    .metrics
                    .iter()
                    .map(|m| evaluate_metric(shown_plan, &PayeeFold::new(shown_fold, p), *month, m))
                    .collect::<Result<Vec<_>, _>>()?,
                None => Vec::new(),
            };
            statements.push(Statement {
                payee: payee.id.clone(),
                attrs: who.attrs.clone(),
                period: *month,
                amounts: union,
                total: statement_total,
                metrics,
                version: Some(Arc::from(plan.version.as_str())),
            });
        }
    }
    let mut combined = versions.get(last).cloned().unwrap_or_else(|| first.clone());
    combined.components = names
        .iter()
        .filter_map(|n| versions.iter().rev().find_map(|p| p.components.iter().find(|c| c.name == *n)).cloned())
        .collect();
    combined.version = versions
        .iter()
        .map(|p| match p.effective {
            Some(from) => format!("{} from {from}", p.version),
            None => p.version.clone(),
        })
        .collect::<Vec<_>>()
        .join(", then ");
    let result = RunResult {
        months,
        statements,
        component_totals,
        total,
        counts: first_fold.counts.clone(),
        warnings: data_warnings(first, first_fold, first_files, options.range),
    };
    Ok((combined, result))
}

/// The version in effect in `month`: the latest whose `effective` month is not after it.
fn in_effect(versions: &[Plan], month: Period) -> usize {
    versions.iter().rposition(|p| p.effective.is_none_or(|e| e <= month)).unwrap_or(0)
}

fn find<'f>(folded: &'f Folded, id: &str) -> Option<&'f super::aggregate::Payee> {
    folded.payees.binary_search_by(|p| (*p.id).cmp(id)).ok().and_then(|i| folded.payees.get(i))
}

/// Versions follow each other: each after the first has an `effective` month, later than the
/// one before; all read the same inputs in the same currency, with the same payees.
fn check_chain(versions: &[Plan]) -> Result<(), Error> {
    let refuse = |plan: &Plan, detail: String| -> Result<(), Error> {
        Err(DataError::of(plan.source.name.clone(), ToolKind::VersionsDoNotChain { detail }).into())
    };
    let Some(first) = versions.first() else { return Ok(()) };
    let mut previous: Option<Period> = first.effective;
    for plan in versions.iter().skip(1) {
        let Some(from) = plan.effective else {
            return refuse(plan, format!("`{}` has no `effective` month in its header", plan.source.name));
        };
        if previous.is_some_and(|p| p >= from) {
            return refuse(
                plan,
                format!("`{}` takes over from {from}, not after the version before it", plan.source.name),
            );
        }
        previous = Some(from);
        if plan.currency.code != first.currency.code {
            return refuse(
                plan,
                format!(
                    "`{}` pays in {}, the first version in {}",
                    plan.source.name, plan.currency.code, first.currency.code
                ),
            );
        }
        if plan.reads_reports() || first.reads_reports() {
            let detail = "a version reads its payees' reports' statements (`for reports` in a figure to date), which a run of several versions does not compute yet".to_string();
            return refuse(plan, detail);
        }
        let same_inputs = plan.inputs.len() == first.inputs.len()
            && plan.inputs.iter().zip(&first.inputs).all(|(a, b)| a.name == b.name && a.same_shape(b));
        if !same_inputs || plan.payee != first.payee {
            return refuse(plan, format!("`{}` reads other inputs or payees than the first version", plan.source.name));
        }
    }
    Ok(())
}
