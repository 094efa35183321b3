//! Renderers: pure functions from a run's results to text. Amounts are printed from
//! decimals with the policy's rounding scale, never through floats.

pub mod coverage;
pub mod csv;
pub mod json;
pub mod sections;
pub mod svg;
pub mod table;
pub mod xlsx;

use crate::plan::Plan;

/// The decimals each component's amounts are shown with: those of its own rounding step
/// (`rounding half_up 0.001` shows 0.487, never 0.49), so every figure is shown as it was
/// computed.
pub fn component_scales(plan: &Plan) -> Vec<u32> {
    plan.components.iter().map(|c| c.rounding.scale()).collect()
}

/// The decimals of totals: the finest of the components' and the policy's, so that a total
/// is shown exactly and the components shown add up to it.
pub fn total_scale(plan: &Plan) -> u32 {
    plan.components.iter().map(|c| c.rounding.scale()).fold(plan.rounding.scale(), u32::max)
}

/// What happened to every ledger row, one line per input, digits grouped by thousands:
/// `rows of sales: 1,234,567 read, 1,234,560 used, 7 outside the range, 0 rejected`.
/// How a run's batches were written (`Batches::each`): a statement that could not be computed
/// kept in `failed`, the writing stopped either way (the writers' `write_batches`).
pub fn halted(
    written: Result<(), crate::eval::compute::Halt<std::io::Error>>,
    failed: &mut Option<crate::diagnostics::Error>,
) -> std::io::Result<()> {
    use crate::eval::compute::Halt;
    match written {
        Ok(()) => Ok(()),
        Err(Halt::Write(e)) => Err(e),
        Err(Halt::Statement(e)) => {
            *failed = Some(e);
            Err(std::io::Error::other("a statement could not be computed"))
        }
    }
}

pub fn row_counts(plan: &Plan, counts: &[crate::data::RowCounts]) -> String {
    let n = |count: u64| crate::money::format_grouped(rust_decimal::Decimal::from(count), 0);
    let mut out = String::new();
    for (input, counts) in plan.inputs.iter().zip(counts) {
        out.push_str(&format!(
            "rows of {}: {} read, {} used, {} outside the range",
            input.name,
            n(counts.read),
            n(counts.used),
            n(counts.outside_range)
        ));
        if counts.no_payee > 0 {
            out.push_str(&format!(", {} for no payee of this plan", n(counts.no_payee)));
        }
        out.push_str(&format!(", {} rejected\n", n(counts.rejected)));
    }
    out
}
