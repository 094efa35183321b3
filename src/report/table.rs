//! The terminal table: one row per statement, components as columns, a totals line, and
//! what happened to every ledger row. Column widths count CJK characters as two.
//!
//! The table is written line by line as `comfy-table`'s `UTF8_FULL_CONDENSED` preset lays
//! it out (the tests compare the two on random cells): a run of a million statements used to
//! be built as a `comfy-table` of a million rows first, 3 GB and 14 s at 100,000 payees.
//! Only the column widths need every row: they are measured in a first pass, and each line
//! is then made and written in a second.

use std::io::Write as _;

use unicode_width::UnicodeWidthStr;

use crate::diagnostics::shown;
use crate::eval::{RunResult, Statement};
use crate::money::format_grouped;
use crate::plan::Plan;

/// The whole table as text (for tests and tools that want a string; `run` writes it with
/// [`write`]).
pub fn render(plan: &Plan, result: &RunResult) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write(plan, result, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the table to `out`: its title, the table, and the row accounting.
pub fn write(plan: &Plan, result: &RunResult, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let (scales, scale) = (super::component_scales(plan), super::total_scale(plan));
    // Roster columns and values by their labels, when the policy gives them (a terminal
    // table is read by people; CSV and JSON keep the codes).
    let attrs = plan.payee_column_labels();
    let versioned = result.statements.iter().any(|s| s.version.is_some());
    let mut header: Vec<String> = vec!["payee".into()];
    header.extend(attrs.iter().map(|(_, n)| n.clone()));
    header.push("period".into());
    if versioned {
        header.push("version".into());
    }
    header.extend(plan.components.iter().map(|c| match &c.label {
        Some(label) => format!("{}\n{label}", c.name),
        None => c.name.clone(),
    }));
    header.push(format!("total\n{}", plan.currency));
    let row = |s: &Statement| -> Vec<String> {
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
        row
    };
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
    // The amounts' columns are aligned right.
    let first_amount = 2 + attrs.len() + usize::from(versioned);
    let right: Vec<bool> = (0..header.len()).map(|c| c >= first_amount).collect();
    let mut layout = Layout::new(right);
    layout.measure(&header);
    for s in &result.statements {
        layout.measure(&row(s));
    }
    layout.measure(&totals);
    let mut out = std::io::BufWriter::new(out);
    writeln!(out, "{} (version {}), {} statements", plan.name, plan.version, result.statements.len())?;
    let mut line = String::new();
    layout.border(&mut line, Border::Top);
    layout.row(&mut line, &header);
    layout.border(&mut line, Border::Header);
    out.write_all(line.as_bytes())?;
    for s in &result.statements {
        line.clear();
        layout.row(&mut line, &row(s));
        out.write_all(line.as_bytes())?;
    }
    line.clear();
    layout.row(&mut line, &totals);
    layout.border(&mut line, Border::Bottom);
    out.write_all(line.as_bytes())?;
    out.write_all(super::row_counts(plan, &result.counts).as_bytes())?;
    std::io::Write::flush(&mut out)
}

/// A table's columns: each one's width (its widest line, at least one column) and whether
/// it is aligned right; every cell has a space on either side.
pub(crate) struct Layout {
    widths: Vec<usize>,
    right: Vec<bool>,
}

/// The three lines that are not rows: above the header, under it, under the last row.
#[derive(Clone, Copy)]
pub(crate) enum Border {
    Top,
    Header,
    Bottom,
}

impl Layout {
    pub(crate) fn new(right: Vec<bool>) -> Layout {
        Layout { widths: vec![1; right.len()], right }
    }

    /// Widens the columns to fit a row's cells (each line of a cell of several).
    pub(crate) fn measure(&mut self, cells: &[String]) {
        for (width, cell) in self.widths.iter_mut().zip(cells) {
            *width = cell.split('\n').map(UnicodeWidthStr::width).fold(*width, usize::max);
        }
    }

    /// Appends a row's lines (as many as its tallest cell), each ending with a line break.
    pub(crate) fn row(&self, line: &mut String, cells: &[String]) {
        let lines: Vec<Vec<&str>> = cells.iter().map(|c| c.split('\n').collect()).collect();
        let height = lines.iter().map(Vec::len).max().unwrap_or(1);
        for i in 0..height {
            line.push('│');
            for (c, (&width, &right)) in self.widths.iter().zip(&self.right).enumerate() {
                if c > 0 {
                    line.push('┆');
                }
                match lines.get(c).and_then(|cell| cell.get(i)) {
                    Some(text) => {
                        let room = width.saturating_sub(text.width());
                        line.push(' ');
                        if right {
                            line.extend(std::iter::repeat_n(' ', room));
                            line.push_str(text);
                        } else {
                            line.push_str(text);
                            line.extend(std::iter::repeat_n(' ', room));
                        }
                        line.push(' ');
                    }
                    None => line.extend(std::iter::repeat_n(' ', width + 2)),
                }
            }
            line.push_str("│\n");
        }
    }

    /// Appends a border line, ending with a line break.
    pub(crate) fn border(&self, line: &mut String, which: Border) {
        let (left, fill, cross, end) = match which {
            Border::Top => ('┌', '─', '┬', '┐'),
            Border::Header => ('╞', '═', '╪', '╡'),
            Border::Bottom => ('└', '─', '┴', '┘'),
        };
        line.push(left);
        for (c, width) in self.widths.iter().enumerate() {
            if c > 0 {
                line.push(cross);
            }
            line.extend(std::iter::repeat_n(fill, width + 2));
        }
        line.push(end);
        line.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::{Border, Layout};

    /// The same cells laid out by `comfy-table` (the table's layout before it was written line
    /// by line), as `render` used it: the `UTF8_FULL_CONDENSED` preset, a header, the columns
    /// from `right` aligned right.
    fn by_comfy_table(header: &[String], rows: &[Vec<String>], right: &[bool]) -> String {
        let mut table = comfy_table::Table::new();
        table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
        table.set_header(header.to_vec());
        for row in rows {
            table.add_row(row.clone());
        }
        for (index, right) in right.iter().enumerate() {
            if let (true, Some(column)) = (*right, table.column_mut(index)) {
                column.set_cell_alignment(comfy_table::CellAlignment::Right);
            }
        }
        format!("{table}\n")
    }

    fn by_layout(header: &[String], rows: &[Vec<String>], right: &[bool]) -> String {
        let mut layout = Layout::new(right.to_vec());
        layout.measure(header);
        rows.iter().for_each(|r| layout.measure(r));
        let mut out = String::new();
        layout.border(&mut out, Border::Top);
        layout.row(&mut out, header);
        layout.border(&mut out, Border::Header);
        rows.iter().for_each(|r| layout.row(&mut out, r));
        layout.border(&mut out, Border::Bottom);
        out
    }

    /// A cell: empty, ASCII, CJK (two columns each), a combining accent and a zero-width
    /// joiner (no column), an emoji; the header's cells may have a second line.
    fn cell(multiline: bool) -> impl proptest::strategy::Strategy<Value = String> {
        let pattern = if multiline {
            "[a-z 王芳\u{301}\u{200d}😀1,.]{0,6}(\n[a-z王]{0,4})?"
        } else {
            "[a-z 王芳\u{301}\u{200d}😀1,.]{0,9}"
        };
        proptest::string::string_regex(pattern).unwrap()
    }

    proptest::proptest! {
        /// The table written line by line is the one `comfy-table` lays out, for any cells.
        #[test]
        fn the_table_is_laid_out_as_comfy_table_lays_it_out(
            (header, rows, right) in (1usize..6).prop_flat_map(|columns| (
                proptest::collection::vec(cell(true), columns),
                proptest::collection::vec(proptest::collection::vec(cell(false), columns), 0..6),
                proptest::collection::vec(proptest::bool::ANY, columns),
            )),
        ) {
            proptest::prop_assert_eq!(by_layout(&header, &rows, &right), by_comfy_table(&header, &rows, &right));
        }
    }

    use proptest::strategy::Strategy as _;
}
