//! `commission test --accept`: write the figures a run got into the failing `expect` lines,
//! and nothing else, so that the change is one reviewable diff of figures.

use super::run::{TestResult, Verdict};
use super::{Subject, Suite};
use crate::money::format_plain;

/// The policy source with each failing expectation's figure replaced by what was computed,
/// written with the component's rounding step's decimals. `None` when nothing failed.
pub fn accept(source: &str, suite: &Suite, results: &[TestResult]) -> Option<String> {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for result in results {
        let Verdict::Ran(checks) = &result.verdict else { continue };
        for c in checks.iter().filter(|c| !c.passed) {
            let scale = match c.expectation.figure {
                Subject::Component(i) => suite.plan.components.get(i).map_or(2, |c| c.rounding.scale()),
                Subject::Total => suite.plan.components.iter().map(|c| c.rounding.scale()).max().unwrap_or(2),
            };
            let span = c.expectation.figure_span;
            edits.push((span.start, span.end, format_plain(c.got, scale)));
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut text = source.to_string();
    for (start, end, figure) in edits {
        if text.get(start..end).is_some() {
            text.replace_range(start..end, &figure);
        }
    }
    Some(text)
}
