//! AST -> `Plan`: resolve names, check types and units, validate tiers and tables.
//!
//! Every problem becomes a [`Problem`]; all problems of a file are collected before giving
//! up, so an analyst sees everything wrong at once.
//!
//! The entry points are here; the checking is one concern per file, each adding methods to
//! (or functions over) the one `Checker` state:
//!
//! - `checker`: the state and the helpers every step shares; a leaf.
//! - `policy`: the driver, which orders the steps and builds the plan.
//! - `inputs`, `tables`, `components`: the declarations; `limits`: the statement's cap and
//!   floor, made into the plan's last component.
//! - `expr`: the expression dispatcher and operators; `names`: what a name means;
//!   `calls`: functions and rate-table lookups; `aggregates`: `sum(...)` and its kin;
//!   `tiers`: tier tables.
//! - `units`, `enums`: rules over already-typed expressions.
//! - `confusables`: two names that look alike (on the names as written).
//!
//! "Did you mean" is the crate's [`crate::suggest`], shared with every stage.
//!
//! May use: `syntax` (the AST), `plan`, `lang`, `source`, `money`, `period`, `value`,
//! `diagnostics`, `suggest`, and `lint` (run by [`compile`]). Never `data`, `eval`, a tool
//! or `cli`: checking reads no ledger and computes no statement.

mod aggregates;
mod calls;
mod checker;
mod components;
mod confusables;
mod enums;
mod expr;
mod inputs;
mod limits;
mod names;
mod policy;
mod tables;
mod tiers;
mod units;

#[cfg(test)]
mod tests;

use sha2::{Digest, Sha256};

use crate::diagnostics::{PolicyProblems, Problem};
use crate::plan::Plan;
use crate::source::SourceFile;
use crate::syntax::ast;

/// A checked policy: the policy as written, its plan, and its warnings, each list in source
/// order.
#[derive(Debug, Clone)]
pub struct Compilation {
    pub policy: ast::Policy,
    pub plan: Plan,
    /// The checker's own warnings (a rate above 100%), which every command shows.
    pub warnings: Vec<Problem>,
    /// The lints' warnings (`crate::lint`), which `commission check` shows.
    pub lints: Vec<Problem>,
}

/// Parses, checks and lints a policy source: the one way in from text to a [`Plan`].
pub fn compile(source: SourceFile) -> Result<Compilation, PolicyProblems> {
    let policy = parse(&source)?;
    let (plan, warnings) = check(&policy, source)?;
    let lints = crate::lint::lint(&policy, &plan);
    Ok(Compilation { policy, plan, warnings, lints })
}

/// Checks a parsed policy.
fn check(policy: &ast::Policy, source: SourceFile) -> Result<(Plan, Vec<Problem>), PolicyProblems> {
    let sha256 = Sha256::digest(source.text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect::<String>();
    let mut checker = checker::Checker::new();
    let plan = checker.policy(policy, source.clone(), sha256);
    let mut problems = checker.problems;
    problems.extend(confusables::check(&crate::syntax::names::names(&source.text, policy)));
    sort_by_position(&mut problems);
    match plan {
        Some(plan) if !problems.iter().any(Problem::is_error) => Ok((plan, problems)),
        _ => Err(PolicyProblems { source, problems }),
    }
}

fn parse(source: &SourceFile) -> Result<ast::Policy, PolicyProblems> {
    crate::syntax::parse(&source.text).map_err(|problems| PolicyProblems { source: source.clone(), problems })
}

/// In source order, as an analyst reads the file (a stable sort: problems at the same place
/// keep the order they were found in).
fn sort_by_position(problems: &mut [Problem]) {
    problems.sort_by_key(|p| p.labels.first().map_or(0, |(span, _)| span.start));
}
