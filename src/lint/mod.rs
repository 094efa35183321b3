//! Lints: warnings about plans that check but are probably not what was meant. One file per
//! lint, each raising [`LintKind`](crate::diagnostics::lints::LintKind)s; their words, codes
//! and explanations live in [`diagnostics::lints`](crate::diagnostics::lints) (C0006, rate
//! above 100%, is found by the checker itself, in `check/tiers.rs` and `check/tables.rs`).
//!
//! A warning can be silenced for one declaration (a component, an input, a table) by an
//! attribute comment above it, with a reason: `# allow(C0001): the plan means it`.
//!
//! May use: `plan`, `syntax` (the AST and comments, for attributes), `eval` (the evaluator and tier
//! arithmetic, to find cliffs by what a component pays), `money`, `value`, `diagnostics`. Never `check` (which runs
//! the lints), `data` or `cli`.

pub mod allow;
pub mod cliff;
pub mod gates;
pub mod mixed_script;
pub mod negative;
pub mod shadowed_rows;
pub mod unused;

use crate::diagnostics::Problem;
use crate::plan::Plan;
use crate::syntax::ast;

/// Every lint's warnings for a checked plan, less those an `allow` attribute silences, plus
/// warnings about malformed attributes.
pub fn lint(policy: &ast::Policy, plan: &Plan) -> Vec<Problem> {
    let mut found = Vec::new();
    found.extend(cliff::check(plan));
    found.extend(unused::lets(plan));
    found.extend(unused::inputs_and_columns(plan));
    found.extend(gates::check(plan));
    found.extend(shadowed_rows::check(plan));
    found.extend(negative::check(plan));
    found.extend(mixed_script::check(&crate::syntax::names::names(&plan.source.text, policy)));
    let (attributes, mut problems) = allow::attributes(policy, &plan.source.text);
    found.retain(|p| !attributes.iter().any(|a| a.silences(p)));
    problems.extend(found);
    problems.sort_by_key(|p| p.labels.first().map_or(0, |(span, _)| span.start));
    problems
}
