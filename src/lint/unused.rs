//! C0002 (a `let` nothing reads) and C0003 (an input or a ledger column nothing reads).

use std::collections::HashSet;

use crate::diagnostics::lints::LintKind;
use crate::diagnostics::Problem;
use crate::plan::visit::visit;
use crate::plan::{Expr, Node, PayeeSource, Plan};

fn component_exprs(c: &crate::plan::Component) -> Vec<&Expr> {
    let mut exprs: Vec<&Expr> = c.lets.iter().map(|l| &l.value).collect();
    exprs.extend(c.gates.iter());
    exprs.push(&c.pay);
    exprs.extend(c.cap.iter());
    exprs.extend(c.floor.iter());
    exprs
}

pub fn lets(plan: &Plan) -> Vec<Problem> {
    let mut problems = Vec::new();
    for c in &plan.components {
        let mut read = HashSet::new();
        for e in component_exprs(c) {
            visit(e, &mut |x| {
                if let Node::Let(i) = x.node {
                    read.insert(i);
                }
            });
        }
        for (_, l) in c.lets.iter().enumerate().filter(|(i, _)| !read.contains(i)) {
            let kind = LintKind::UnusedLet { name: l.name.clone(), component: c.name.clone() };
            problems.push(Problem::new(kind, [l.span]));
        }
    }
    problems
}

pub fn inputs_and_columns(plan: &Plan) -> Vec<Problem> {
    let mut used_inputs: HashSet<usize> = HashSet::new();
    let mut used: HashSet<(usize, usize)> = HashSet::new();
    let roster = match plan.payee {
        PayeeSource::Roster { input, .. } => Some(input),
        PayeeSource::Ledger { input, column } => {
            used.insert((input, column));
            used_inputs.insert(input);
            None
        }
    };
    for a in &plan.aggregates {
        used_inputs.insert(a.input);
        for e in a.arg.iter().chain(a.filter.iter()) {
            visit(e, &mut |x| {
                if let Node::Column(c) = x.node {
                    used.insert((a.input, c));
                }
            });
        }
    }
    for l in &plan.lookups {
        used_inputs.insert(l.input);
        used.insert((l.input, l.column));
    }
    let mut problems = Vec::new();
    for (i, input) in plan.inputs.iter().enumerate() {
        if Some(i) == roster {
            // Roster columns appear in every output: they are read by the reports.
            continue;
        }
        if !used_inputs.contains(&i) {
            problems.push(Problem::new(LintKind::UnusedInput { input: input.name.clone() }, [input.span]));
            continue;
        }
        for (c, column) in input.columns.iter().enumerate() {
            let role = input.key == Some(c) || input.payee == Some(c) || input.period == Some(c);
            if !role && !used.contains(&(i, c)) {
                let kind = LintKind::UnusedColumn { column: column.name.clone(), input: input.name.clone() };
                problems.push(Problem::new(kind, [column.span]));
            }
        }
    }
    problems
}
