//! Renderers: pure functions from a run's results to text. Amounts are printed from
//! decimals with the policy's rounding scale, never through floats.

pub mod coverage;
pub mod csv;
pub mod json;
pub mod sections;
pub mod svg;
pub mod table;

use crate::eval::RunResult;
use crate::plan::Plan;

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
