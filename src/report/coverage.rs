//! The coverage report: every probe of a plan, covered or not, with its policy line.

use std::fmt::Write as _;

use crate::eval::coverage::{probes, Coverage};
use crate::plan::Plan;

/// Covered and total probes.
pub fn counts(plan: &Plan, coverage: &Coverage) -> (usize, usize) {
    let all = probes(plan);
    (all.iter().filter(|p| coverage.covered(p.probe)).count(), all.len())
}

/// Percentage covered, exact to two decimals for display; 100 when there is nothing to cover.
pub fn percent(covered: usize, total: usize) -> rust_decimal::Decimal {
    if total == 0 {
        return rust_decimal::Decimal::ONE_HUNDRED;
    }
    crate::money::round_display(
        rust_decimal::Decimal::from(covered) * rust_decimal::Decimal::ONE_HUNDRED / rust_decimal::Decimal::from(total),
        1,
    )
}

/// Every probe, `covered` or `NOT covered`, then a summary line.
pub fn render(plan: &Plan, coverage: &Coverage) -> String {
    let mut out = String::new();
    let name = &plan.source.name;
    let all = probes(plan);
    let (covered, total) = counts(plan, coverage);
    let _ = writeln!(out, "coverage of {name}:");
    for p in &all {
        let mark = if coverage.covered(p.probe) { "covered    " } else { "NOT covered" };
        let _ = writeln!(out, "  {mark}  {name}:{}  {}", p.line, p.what);
    }
    let _ = writeln!(out, "{covered} of {total} covered ({}%)", percent(covered, total));
    out
}
