//! Policy tests: `test` blocks written inside a policy, with a few ledger rows, a period and
//! the figures they must give (`commission test`).
//!
//! Tests live in the policy they test, not in a sibling file, so that a plan and its tests
//! are reviewed, versioned and hashed together and cannot drift apart. `run` never reads
//! them: the checker builds the `Plan` from the other declarations only.
//!
//! [`check`] checks test blocks against the plan (inputs, columns, values, payees,
//! components); [`run`] computes each test with the same engine as `commission run`, the
//! inline rows read by the same CSV reader; [`report`] renders outcomes for people and as
//! JUnit XML; [`accept`] writes the figures a run got back into the policy.

pub mod accept;
pub mod check;
pub mod render;
pub mod run;

use rust_decimal::Decimal;

use crate::data::InputFile;
use crate::diagnostics::{PolicyProblems, Problem};
use crate::period::Period;
use crate::plan::Plan;
use crate::source::SourceFile;
use crate::source::Span;

/// A checked test, ready to run.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub name: String,
    pub span: Span,
    pub range: (Period, Period),
    pub files: Vec<InputFile>,
    pub expects: Vec<Expectation>,
}

/// What an expectation compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Component(usize),
    Total,
}

/// `expect PAYEE COMPONENT = FIGURE [within TOLERANCE]`, checked.
#[derive(Debug, Clone)]
pub struct Expectation {
    pub payee: String,
    pub figure: Subject,
    /// `in 2027-05`: only the statements of this period (a month or a quarter of the test's).
    pub period: Option<Period>,
    pub expected: Decimal,
    /// Exact comparison unless the test declares a tolerance.
    pub tolerance: Option<Decimal>,
    /// The whole `expect` line and the written figure (which `--accept` replaces).
    pub span: Span,
    pub figure_span: Span,
}

/// A policy with its plan, its checked tests and any warnings.
#[derive(Debug, Clone)]
pub struct Suite {
    pub plan: Plan,
    pub tests: Vec<TestCase>,
    /// The checker's warnings and the tests' own, in source order.
    pub warnings: Vec<Problem>,
    /// The lints' warnings (shown by `commission check`).
    pub lints: Vec<Problem>,
}

/// Parses and checks a policy and its tests. Problems in tests are errors of the policy.
pub fn load(source: SourceFile) -> Result<Suite, PolicyProblems> {
    let crate::check::Compilation { policy, plan, mut warnings, lints } = crate::check::compile(source.clone())?;
    let (tests, problems) = check::tests(&policy, &plan);
    warnings.extend(problems);
    warnings.sort_by_key(|p| p.labels.first().map_or(0, |(span, _)| span.start));
    if warnings.iter().any(Problem::is_error) {
        return Err(PolicyProblems { source, problems: warnings });
    }
    Ok(Suite { plan, tests, warnings, lints })
}
