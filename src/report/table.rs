//! The terminal table: one row per statement, components as columns, a totals line, and
//! what happened to every ledger row. Column widths count CJK characters as two.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};

use crate::diagnostics::shown;
use crate::eval::RunResult;
use crate::money::format_grouped;
use crate::plan::Plan;

pub fn render(plan: &Plan, result: &RunResult) -> String {
    let (scales, scale) = (super::component_scales(plan), super::total_scale(plan));
    // Roster columns and values by their labels, when the policy gives them (a terminal
    // table is read by people; CSV and JSON keep the codes).
    let attrs = plan.payee_column_labels();
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    let mut header: Vec<String> = vec!["payee".into()];
    header.extend(attrs.iter().map(|(_, n)| n.clone()));
    header.push("period".into());
    let versioned = result.statements.iter().any(|s| s.version.is_some());
    if versioned {
        header.push("version".into());
    }
    header.extend(plan.components.iter().map(|c| match &c.label {
        Some(label) => format!("{}\n{label}", c.name),
        None => c.name.clone(),
    }));
    header.push(format!("total\n{}", plan.currency));
    table.set_header(header);
    for s in &result.statements {
        // Text from the ledgers is shown, never obeyed: ESC, NUL, bidi controls escaped.
        let mut row: Vec<String> = vec![shown(&s.payee, false).into_owned()];
        row.extend(attrs.iter().map(|(i, _)| {
            shown(&s.attrs.get(*i).map(|v| plan.payee_value_label(*i, v)).unwrap_or_default(), false).into_owned()
        }));
        row.push(s.period.to_string());
        if versioned {
            row.push(shown(s.version.as_deref().unwrap_or_default(), false).into_owned());
        }
        row.extend(s.amounts.iter().zip(&scales).map(|(a, scale)| format_grouped(*a, *scale)));
        row.push(format_grouped(s.total, scale));
        table.add_row(row);
    }
    let mut totals: Vec<String> = vec!["total".into()];
    totals.extend(attrs.iter().map(|_| String::new()));
    totals.push(match (result.months.first(), result.months.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}..{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    });
    if versioned {
        totals.push(String::new());
    }
    totals.extend(result.component_totals.iter().zip(&scales).map(|(a, scale)| format_grouped(*a, *scale)));
    totals.push(format_grouped(result.total, scale));
    table.add_row(totals);
    let first_amount = 2 + attrs.len() + usize::from(versioned);
    for index in first_amount..first_amount + plan.components.len() + 1 {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut out = format!("{} (version {}), {} statements\n", plan.name, plan.version, result.statements.len());
    out.push_str(&table.to_string());
    out.push('\n');
    out.push_str(&super::row_counts(plan, &result.counts));
    out
}
