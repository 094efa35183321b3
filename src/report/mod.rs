//! Renderers: pure functions from a run's results to text. Amounts are printed from
//! decimals with the policy's rounding scale, never through floats.

pub mod budget;
pub mod coverage;
pub mod csv;
pub mod diff;
pub mod diff_explain;
pub mod doc;
pub mod explain;
pub mod json;
pub mod performance;
pub mod performance_html;
pub mod performance_md;
pub mod sections;
pub mod svg;
pub mod table;

use crate::eval::RunResult;
use crate::plan::Plan;
use crate::value::Value;

/// Roster columns shown beside the payee id (all but the key).
pub fn payee_columns(plan: &Plan) -> Vec<(usize, String)> {
    match plan.roster() {
        Some(roster) => roster
            .columns
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != roster.key)
            .map(|(i, c)| (i, c.name.clone()))
            .collect(),
        None => Vec::new(),
    }
}

/// What happened to every ledger row, one line per input:
/// `rows of sales: 385 read, 380 used, 5 outside the range, 0 rejected`.
pub fn row_counts(plan: &Plan, result: &RunResult) -> String {
    let mut out = String::new();
    for (input, counts) in plan.inputs.iter().zip(&result.counts) {
        out.push_str(&format!(
            "rows of {}: {} read, {} used, {} outside the range",
            input.name, counts.read, counts.used, counts.outside_range
        ));
        if counts.no_payee > 0 {
            out.push_str(&format!(", {} for no payee of this plan", counts.no_payee));
        }
        out.push_str(&format!(", {} rejected\n", counts.rejected));
    }
    out
}

/// A roster value as plain text for a cell.
pub fn plain(value: &Value) -> String {
    match value {
        Value::Text(t) => t.to_string(),
        Value::Missing => String::new(),
        other => other.to_string(),
    }
}
