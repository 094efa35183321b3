//! C0005: a rate-table row that an earlier row always matches first.

use crate::diagnostics::lints::LintKind;
use crate::diagnostics::Problem;
use crate::plan::Plan;

pub fn check(plan: &Plan) -> Vec<Problem> {
    let mut problems = Vec::new();
    for table in &plan.tables {
        for (j, row) in table.rows.iter().enumerate() {
            let shadow = table.rows.iter().take(j).find(|earlier| {
                earlier.keys.len() == row.keys.len()
                    && earlier.keys.iter().zip(&row.keys).all(|(e, r)| e.is_none() || e == r)
            });
            if let Some(earlier) = shadow {
                problems
                    .push(Problem::new(LintKind::ShadowedRow { table: table.name.clone() }, [row.span, earlier.span]));
            }
        }
    }
    problems
}
