//! C0005: a rate-table row that an earlier row always matches first.

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
                problems.push(
                    Problem::warning(
                        "C0005",
                        format!("a row of `{}` can never be used", table.name),
                        row.span,
                        "never used",
                    )
                    .with_label(earlier.span, "this earlier row matches it first")
                    .with_help("rows are tried top to bottom; move the more specific row up, or remove this one"),
                );
            }
        }
    }
    problems
}
