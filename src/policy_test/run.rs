//! Running a test: the same engine as `commission run`, over the test's rows and period.

use rust_decimal::Decimal;

use super::{Expectation, Subject, Suite, TestCase};
use crate::eval::coverage::Coverage;
use crate::eval::{compute, RunOptions};

/// What one expectation found.
#[derive(Debug, Clone)]
pub struct Checked {
    pub expectation: Expectation,
    pub got: Decimal,
    pub passed: bool,
}

#[derive(Debug, Clone)]
pub enum Verdict {
    /// Every expectation, passed or not.
    Ran(Vec<Checked>),
    /// The computation itself stopped (a division by zero, a missing value), as rendered text.
    Errored(String),
}

#[derive(Debug, Clone)]
pub struct TestResult {
    pub name: String,
    pub line: usize,
    pub verdict: Verdict,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        matches!(&self.verdict, Verdict::Ran(checks) if checks.iter().all(|c| c.passed))
    }
}

/// Runs every test of a suite, recording what the tests exercise into `coverage`.
pub fn run(suite: &Suite, coverage: Option<&Coverage>) -> Vec<TestResult> {
    suite.tests.iter().map(|t| run_one(suite, t, coverage)).collect()
}

fn run_one(suite: &Suite, test: &TestCase, coverage: Option<&Coverage>) -> TestResult {
    let plan = &suite.plan;
    let options = RunOptions { range: Some(test.range), coverage: coverage.cloned(), ..RunOptions::default() };
    let line = plan.line(test.span);
    let result = match compute(plan, &test.files, &options) {
        Ok(r) => r,
        Err(e) => return TestResult { name: test.name.clone(), line, verdict: Verdict::Errored(e.render()) },
    };
    let checks = test
        .expects
        .iter()
        .map(|e| {
            // A payee's figure over the test's period: the sum of its statements' amounts
            // (for a one-month test, the one statement).
            let got = result
                .statements
                .iter()
                .filter(|s| &*s.payee == e.payee.as_str())
                .filter(|s| e.period.is_none_or(|p| p.contains(s.period)))
                .map(|s| match e.figure {
                    Subject::Component(c) => s.amounts.get(c).copied().unwrap_or_default(),
                    Subject::Total => s.total,
                })
                .fold(Decimal::ZERO, |a, b| a.saturating_add(b));
            let passed = match e.tolerance {
                Some(t) => (got - e.expected).abs() <= t,
                None => got == e.expected,
            };
            Checked { expectation: e.clone(), got, passed }
        })
        .collect();
    TestResult { name: test.name.clone(), line, verdict: Verdict::Ran(checks) }
}
