//! Test blocks against the plan: the period, the inputs and their rows (read by the ledger
//! reader, so a test row is held to exactly the rules of a ledger row), payees and components.

use std::collections::HashSet;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::{Expectation, Subject, TestCase};
use crate::data::{read_input, InputFile, LedgerSource};
use crate::diagnostics::tools::TestKind;
use crate::diagnostics::Problem;
use crate::period::Period;
use crate::plan::PayeeSource;
use crate::plan::Plan;
use crate::suggest;
use crate::syntax::ast::{Item, Policy, TestDecl, TestItem, TestRows};
use crate::value::Value;

/// Every test of the policy, checked; problems for those that are wrong.
pub fn tests(policy: &Policy, plan: &Plan) -> (Vec<TestCase>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut cases = Vec::new();
    let mut names: Vec<(String, crate::source::Span)> = Vec::new();
    for item in &policy.items {
        let Item::Test(decl) = item else { continue };
        if let Some((_, first)) = names.iter().find(|(n, _)| *n == decl.name.value) {
            problems.push(Problem::new(
                TestKind::DuplicateName { name: decl.name.value.clone() },
                [decl.name.span, *first],
            ));
        }
        names.push((decl.name.value.clone(), decl.name.span));
        if let Some(case) = test(decl, plan, &mut problems) {
            cases.push(case);
        }
    }
    (cases, problems)
}

fn test(decl: &TestDecl, plan: &Plan, problems: &mut Vec<Problem>) -> Option<TestCase> {
    let before = problems.len();
    let mut range = None;
    let mut files: Vec<InputFile> = Vec::new();
    let mut payees: HashSet<String> = HashSet::new();
    let mut expects = Vec::new();
    // Inputs whose rows were written, even if wrong: a wrong row is one error, not two.
    let mut written: Vec<&str> = Vec::new();
    for item in &decl.body {
        match item {
            TestItem::Period(p) => match Period::parse(&p.value) {
                Some(_) if range.is_some() => problems.push(Problem::new(TestKind::SecondPeriod, [p.span])),
                Some(period) => range = Some((period.first_month(), period.last_month())),
                None => problems.push(Problem::new(TestKind::NotAPeriod { text: p.value.clone() }, [p.span])),
            },
            TestItem::Rows(rows) => {
                written.push(&rows.input.name);
                if let Some(file) = inline_input(rows, plan, &mut payees, problems) {
                    if files.iter().any(|f| f.input == file.input) {
                        problems.push(Problem::new(
                            TestKind::RowsTwice { input: rows.input.name.clone() },
                            [rows.input.span],
                        ));
                    } else {
                        files.push(file);
                    }
                }
            }
            TestItem::Expect(e) => {
                let figure = if let Some(c) = plan.components.iter().position(|c| c.name == e.component.name) {
                    Subject::Component(c)
                } else if e.component.name == "total" {
                    Subject::Total
                } else {
                    let names: Vec<&str> =
                        plan.components.iter().map(|c| c.name.as_str()).chain(std::iter::once("total")).collect();
                    problems.push(Problem::new(
                        TestKind::UnknownComponent {
                            component: e.component.name.clone(),
                            suggestion: suggest::help(&e.component.name, "component", names.iter().copied()),
                        },
                        [e.component.span],
                    ));
                    continue;
                };
                if let Some(t) = &e.tolerance {
                    if t.value < Decimal::ZERO {
                        problems.push(Problem::new(TestKind::NegativeTolerance, [t.span]));
                    }
                }
                let period = match &e.period {
                    Some(p) => match Period::parse(&p.value) {
                        Some(period) => Some(period),
                        None => {
                            problems.push(Problem::new(TestKind::NotAPeriod { text: p.value.clone() }, [p.span]));
                            continue;
                        }
                    },
                    None => None,
                };
                expects.push(Expectation {
                    payee: e.payee.value.clone(),
                    figure,
                    period,
                    expected: e.figure.value,
                    tolerance: e.tolerance.map(|t| t.value),
                    span: e.span,
                    figure_span: e.figure.span,
                });
            }
        }
    }
    let (payee_input, payee_column) = match plan.payee {
        PayeeSource::Ledger { input, column } | PayeeSource::Roster { input, column } => (input, column),
    };
    let payee_input_name = plan.inputs.get(payee_input).map_or("", |i| i.name.as_str());
    let misnamed = written.iter().any(|w| plan.inputs.iter().all(|i| i.name != *w));
    if (misnamed || written.contains(&payee_input_name)) && !files.iter().any(|f| f.input == payee_input) {
        // The rows were wrong (or named no input) and said so; one mistake, one error.
    } else if !files.iter().any(|f| f.input == payee_input) {
        let column =
            plan.inputs.get(payee_input).and_then(|i| i.columns.get(payee_column)).map_or("", |c| c.name.as_str());
        problems.push(Problem::new(
            TestKind::NobodyPaid { input: payee_input_name.to_string(), column: column.to_string() },
            [decl.name.span],
        ));
    } else {
        for e in &expects {
            if !payees.contains(&e.payee) {
                let known: Vec<&str> = payees.iter().map(String::as_str).collect();
                problems.push(Problem::new(
                    TestKind::UnknownPayee {
                        payee: e.payee.clone(),
                        suggestion: suggest::help(&e.payee, "payee", known.iter().copied()),
                    },
                    [e.span],
                ));
            }
        }
    }
    if expects.is_empty() && problems.len() == before {
        problems.push(Problem::new(TestKind::ExpectsNothing { name: decl.name.value.clone() }, [decl.name.span]));
    }
    let Some(range) = range else {
        problems.push(Problem::new(TestKind::NoPeriod { name: decl.name.value.clone() }, [decl.name.span]));
        return None;
    };
    if problems.len() > before {
        return None;
    }
    Some(TestCase { name: decl.name.value.clone(), span: decl.name.span, range, files, expects })
}

/// One block of inline rows as an input file, validated by the ledger reader. The payee ids
/// of the payee-defining input are collected, so that `expect` can name only real payees.
fn inline_input(
    rows: &TestRows,
    plan: &Plan,
    payees: &mut HashSet<String>,
    problems: &mut Vec<Problem>,
) -> Option<InputFile> {
    let Some(input) = plan.inputs.iter().position(|i| i.name == rows.input.name) else {
        let names: Vec<&str> = plan.inputs.iter().map(|i| i.name.as_str()).collect();
        problems.push(Problem::new(
            TestKind::UnknownInput {
                input: rows.input.name.clone(),
                suggestion: suggest::help(&rows.input.name, "input", names.iter().copied()),
            },
            [rows.input.span],
        ));
        return None;
    };
    let schema = plan.inputs.get(input)?;
    let text: Vec<String> = rows.rows.iter().map(|r| r.value.join(",")).collect();
    let lines: Vec<u64> = rows.rows.iter().map(|r| plan.line(r.span) as u64).collect();
    let file = InputFile {
        input,
        source: LedgerSource::CsvBytes {
            name: plan.source.name.clone(),
            bytes: Arc::from(text.join("\n").into_bytes()),
            lines: Some(Arc::from(lines)),
        },
    };
    let (payee_input, payee_column) = match plan.payee {
        PayeeSource::Ledger { input, column } | PayeeSource::Roster { input, column } => (input, column),
    };
    let result = read_input(schema, &file, &plan.currency, 1, |row| {
        if input == payee_input {
            match row.values.get(payee_column) {
                Some(Value::Text(t)) => payees.insert(t.to_string()),
                Some(other) => payees.insert(other.to_string()),
                None => false,
            };
        }
        Ok(())
    });
    // A rejected row is reported like a read error: at the row, in the policy.
    let result = result.and_then(|reading| match reading.problems.into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(reading.read),
    });
    match result {
        Ok(0) => {
            problems.push(Problem::new(TestKind::NoRows { input: rows.input.name.clone() }, [rows.body]));
            None
        }
        Ok(_) => Some(file),
        Err(e) => {
            // The reader names the policy line; point at that row of the block.
            let line: Option<usize> = e.location.split(':').nth(1).and_then(|l| l.parse().ok());
            let span = rows.rows.iter().find(|r| Some(plan.line(r.span)) == line).map_or(rows.body, |r| r.span);
            // The reader's words, in a test's kind: the reader's code explains a ledger file,
            // this one a test row held to the same rules.
            problems.push(Problem::new(
                TestKind::RowRejected { input: rows.input.name.clone(), message: e.message, help: e.help },
                [span],
            ));
            None
        }
    }
}
