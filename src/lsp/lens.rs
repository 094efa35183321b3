//! A code lens over each `test` block that runs the policy's tests: the lens carries the
//! command [`RUN_TESTS`] with the document and the test's name; the server runs the tests
//! with the engine `commission test` uses, over the document's current text, and answers
//! with each test's outcome.

use lsp_types::{CodeLens, Command, Uri};
use serde_json::{json, Value};

use super::position::LineIndex;
use crate::policy_test::run::Verdict;
use crate::policy_test::Subject;
use crate::source::SourceFile;
use crate::syntax::ast::{self, Item};

/// The command a lens runs: arguments are the document's URI and, for one test, its name.
pub const RUN_TESTS: &str = "commission.runTests";

pub fn lenses(uri: &Uri, text: &str, index: &LineIndex, policy: &ast::Policy) -> Vec<CodeLens> {
    policy
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Test(test) => Some(test),
            _ => None,
        })
        .map(|test| {
            let span = crate::source::Span::new(test.span.start, test.name.span.end);
            CodeLens {
                range: index.range(text, span),
                command: Some(Command {
                    title: "▶ run test".to_string(),
                    command: RUN_TESTS.to_string(),
                    arguments: Some(vec![json!(uri.as_str()), json!(test.name.value)]),
                }),
                data: None,
            }
        })
        .collect()
}

/// The outcome of running a policy's tests (only the test named `only`, when given): a
/// summary line for the editor to show, and per test its name, line and whether it passed,
/// with the figures of each failed expectation.
pub struct Outcome {
    pub summary: String,
    pub all_passed: bool,
    pub json: Value,
}

pub fn run_tests(source: SourceFile, only: Option<&str>) -> Outcome {
    let suite = match crate::policy_test::load(source) {
        Ok(suite) => suite,
        Err(report) => {
            let summary = format!("the tests did not run: the policy has {} errors", report.errors());
            return Outcome { json: json!({ "passed": 0, "failed": 0, "error": summary }), summary, all_passed: false };
        }
    };
    let results = crate::policy_test::run::run(&suite, None);
    let results: Vec<_> = results.iter().filter(|r| only.is_none_or(|name| r.name == name)).collect();
    let passed = results.iter().filter(|r| r.passed()).count();
    let failed = results.len() - passed;
    let mut failures = Vec::new();
    let tests: Vec<Value> = results
        .iter()
        .map(|r| {
            let mut details = Vec::new();
            match &r.verdict {
                Verdict::Ran(checks) => {
                    for check in checks.iter().filter(|c| !c.passed) {
                        let figure = match check.expectation.figure {
                            Subject::Component(c) => suite.plan.components.get(c).map_or("?", |c| c.name.as_str()),
                            Subject::Total => "total",
                        };
                        details.push(format!(
                            "{} {figure}: expected {}, got {}",
                            check.expectation.payee, check.expectation.expected, check.got
                        ));
                    }
                }
                Verdict::Errored(error) => details.push(error.clone()),
            }
            if !r.passed() {
                failures.push(format!("`{}` (line {}): {}", r.name, r.line, details.join("; ")));
            }
            json!({ "name": r.name, "line": r.line, "passed": r.passed(), "failures": details })
        })
        .collect();
    let mut summary = format!("{passed} passed, {failed} failed");
    if !failures.is_empty() {
        summary.push_str(&format!(": {}", failures.join("; ")));
    }
    Outcome {
        json: json!({ "passed": passed, "failed": failed, "tests": tests }),
        summary,
        all_passed: failed == 0 && !results.is_empty(),
    }
}
