//! Excel workbooks (`--format xlsx` of `run`, `diff` and `budget`): sheets of typed cells,
//! written with `rust_xlsxwriter`. A tool describes its sheets ([`Sheet`]); this file lays
//! them out the one way: a bold header row that stays in view (frozen), columns as wide as
//! their text (CJK characters count double), amounts as numbers with the decimals they were
//! computed with (`#,##0.00`), counts as whole numbers, percentages as percentages.
//!
//! Text from ledgers and policies is always written as a text cell, never a formula: a payee
//! `=HYPERLINK(...)` shows as that text. An amount becomes a number cell (which Excel keeps
//! as a binary float) only when the float shows it to the digit: up to 15 significant digits,
//! which Excel shows exactly; a larger amount is written as its exact decimal text.
//!
//! May use: `eval`'s results, `plan`, `money`, `diagnostics`, `report::sections`. Tools build
//! their own sheets with [`Sheet`] and [`from_section`].

use std::io::Write;

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use unicode_width::UnicodeWidthStr;

use crate::data::RowCounts;
use crate::diagnostics::io::IoKind;
use crate::diagnostics::DataError;
use crate::eval::RunResult;
use crate::money::format_grouped;
use crate::plan::Plan;
use crate::report::sections::Section;

/// Excel's limits: rows and columns of a sheet, characters of a cell, characters of a
/// sheet's name.
const MAX_ROWS: usize = 1_048_576;
const MAX_COLUMNS: usize = 16_384;
const MAX_CELL_CHARS: usize = 32_767;
const MAX_NAME_CHARS: usize = 31;

/// The narrowest and widest a column is made, in Excel's character widths.
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    /// Text, written as text whatever it starts with.
    Text(String),
    /// An amount and the decimals it is shown with.
    Amount(Decimal, u32),
    /// A whole number of things (rows, payees).
    Count(u64),
    /// A percentage as written (`12.5` is 12.5%) and the decimals it is shown with.
    Percent(Decimal, u32),
}

/// One sheet: a header row, rows under it, and notes under the rows.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    /// A header cell may hold a line break (`sales_performance` over `销售业绩提成`).
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Lines under the table (what a figure means), one per row.
    pub notes: Vec<String>,
    /// The last row is a totals line, written in bold.
    pub totals_last: bool,
}

impl Sheet {
    pub fn new(name: impl Into<String>, header: Vec<String>) -> Self {
        Sheet { name: name.into(), header, ..Sheet::default() }
    }
}

/// The statements of a run, its row counts and what was run: the workbook of
/// `run --format xlsx`.
pub fn run_sheets(plan: &Plan, result: &RunResult) -> Vec<Sheet> {
    let (scales, scale) = (super::component_scales(plan), super::total_scale(plan));
    let attrs = plan.payee_columns();
    let mut header: Vec<String> = vec!["payee".into()];
    header.extend(attrs.iter().map(|(_, n)| n.clone()));
    header.push("period".into());
    // As the terminal table shows them: the name, and the label under it.
    header.extend(plan.components.iter().map(|c| match &c.label {
        Some(label) => format!("{}\n{label}", c.name),
        None => c.name.clone(),
    }));
    header.push(format!("total\n{}", plan.currency));
    let mut statements = Sheet::new("statements", header);
    for s in &result.statements {
        let mut row = vec![Cell::Text(s.payee.to_string())];
        row.extend(
            attrs.iter().map(|(i, _)| Cell::Text(s.attrs.get(*i).map(crate::value::Value::plain).unwrap_or_default())),
        );
        row.push(Cell::Text(s.period.to_string()));
        row.extend(s.amounts.iter().zip(&scales).map(|(a, scale)| Cell::Amount(*a, *scale)));
        row.push(Cell::Amount(s.total, scale));
        statements.rows.push(row);
    }
    let mut totals = vec![Cell::Text("total".into())];
    totals.extend(attrs.iter().map(|_| Cell::Empty));
    totals.push(Cell::Text(range_text(&result.months)));
    totals.extend(result.component_totals.iter().zip(&scales).map(|(a, scale)| Cell::Amount(*a, *scale)));
    totals.push(Cell::Amount(result.total, scale));
    statements.rows.push(totals);
    statements.totals_last = true;
    let about = about_sheet(&[
        format!("{} (version {})", plan.name, plan.version),
        format!("policy file: {}", plan.source.name),
        format!("sha256: {}", plan.sha256),
        format!("{}, {} statements, amounts in {}", range_text(&result.months), result.statements.len(), plan.currency),
    ]);
    vec![statements, row_counts_sheet(&[("", plan, &result.counts)]), about]
}

/// `2026-01..2026-06`, or the one month.
pub fn range_text(months: &[crate::period::Period]) -> String {
    match (months.first(), months.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}..{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

/// What happened to every ledger row, one row per input (and per plan when there are
/// several: `diff`'s old and new, each labelled).
pub fn row_counts_sheet(runs: &[(&str, &Plan, &[RowCounts])]) -> Sheet {
    let labelled = runs.iter().any(|(label, _, _)| !label.is_empty());
    let mut header: Vec<String> = Vec::new();
    if labelled {
        header.push("plan".into());
    }
    header.extend(["input", "read", "used", "outside the range", "for no payee", "rejected"].map(String::from));
    let mut sheet = Sheet::new("rows", header);
    for (label, plan, counts) in runs {
        for (input, c) in plan.inputs.iter().zip(counts.iter()) {
            let mut row = Vec::new();
            if labelled {
                row.push(Cell::Text((*label).to_string()));
            }
            row.push(Cell::Text(input.name.clone()));
            row.extend([c.read, c.used, c.outside_range, c.no_payee, c.rejected].map(Cell::Count));
            sheet.rows.push(row);
        }
    }
    sheet.notes.push("read = used + outside the range + for no payee + rejected".into());
    sheet
}

/// Lines saying what was run (the policy, its version and checksum, the range), one per row.
pub fn about_sheet(lines: &[String]) -> Sheet {
    let mut sheet = Sheet::new("about", vec!["about this workbook".into()]);
    sheet.rows = lines.iter().map(|l| vec![Cell::Text(l.clone())]).collect();
    sheet
}

/// A titled table of a report (`diff`, `budget`), rendered with plain figures
/// (`Style { grouped: false }`), as a sheet: in its figure columns, `1234.50` becomes an
/// amount with two decimals and `12.34%` a percentage (as is `-21.78` in a column headed
/// `change %` or `change_pct`); anything else (`-`, a note) stays text.
pub fn from_section(name: &str, section: &Section) -> Sheet {
    let mut sheet = Sheet::new(name, section.header.clone());
    // A column of percentages written without `%` (CSV's `change_pct`: `-21.78`).
    let percents: Vec<bool> = section.header.iter().map(|h| h.ends_with('%') || h.ends_with("_pct")).collect();
    for row in &section.rows {
        let cells = row
            .iter()
            .enumerate()
            .map(|(i, text)| {
                if text.is_empty() {
                    Cell::Empty
                } else if section.figures.contains(&i) {
                    match figure(text) {
                        Cell::Amount(d, decimals) if percents.get(i).copied().unwrap_or(false) => {
                            Cell::Percent(d, decimals)
                        }
                        cell => cell,
                    }
                } else {
                    Cell::Text(text.clone())
                }
            })
            .collect();
        sheet.rows.push(cells);
    }
    sheet.totals_last = section.rows.last().and_then(|r| r.first()).is_some_and(|c| c == "total");
    sheet.notes = section.notes.clone();
    sheet
}

/// A figure written as text: an amount (`-12.50`), a percentage (`12.34%`), or text.
fn figure(text: &str) -> Cell {
    let decimals = |t: &str| t.split_once('.').map_or(0, |(_, f)| u32::try_from(f.len()).unwrap_or(0));
    let plain = |t: &str| {
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    };
    if let Some(p) = text.strip_suffix('%').filter(|p| plain(p)) {
        if let Ok(d) = p.parse::<Decimal>() {
            return Cell::Percent(d, decimals(p));
        }
    }
    if plain(text) {
        if let Ok(d) = text.parse::<Decimal>() {
            return Cell::Amount(d, decimals(text));
        }
    }
    Cell::Text(text.to_string())
}

/// Refuses sheets Excel would not open whole (too many rows or columns, a cell too long):
/// a workbook cut short would lose statements without saying so.
pub fn check_fits(sheets: &[Sheet]) -> Result<(), DataError> {
    let too_large = |what: String| Err(DataError::of("--format xlsx", IoKind::TooLargeForExcel { what }));
    for sheet in sheets {
        // The header, the rows, a blank row and the notes.
        let rows = 1 + sheet.rows.len() + if sheet.notes.is_empty() { 0 } else { 1 + sheet.notes.len() };
        if rows > MAX_ROWS {
            return too_large(format!(
                "the sheet `{}` would have {rows} rows, and a sheet holds at most {MAX_ROWS}",
                sheet.name
            ));
        }
        let columns = sheet.rows.iter().map(Vec::len).chain([sheet.header.len()]).max().unwrap_or(0);
        if columns > MAX_COLUMNS {
            return too_large(format!(
                "the sheet `{}` would have {columns} columns, and a sheet holds at most {MAX_COLUMNS}",
                sheet.name
            ));
        }
        let texts =
            sheet.header.iter().chain(&sheet.notes).chain(sheet.rows.iter().flatten().filter_map(|c| match c {
                Cell::Text(t) => Some(t),
                _ => None,
            }));
        for text in texts {
            let chars = text.chars().count();
            if chars > MAX_CELL_CHARS {
                return too_large(format!(
                    "a cell of the sheet `{}` holds {chars} characters, and a cell holds at most {MAX_CELL_CHARS}",
                    sheet.name
                ));
            }
        }
    }
    Ok(())
}

/// Writes the workbook to `out`. Call [`check_fits`] first for a diagnostic rather than a
/// write error on sheets too large.
pub fn write(sheets: &[Sheet], out: &mut dyn Write) -> std::io::Result<()> {
    let bytes = workbook(sheets).map_err(|e| std::io::Error::other(e.to_string()))?;
    out.write_all(&bytes)
}

fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    // A fixed creation date: the same run gives the same bytes (the zip entries carry no
    // time either).
    book.set_properties(&DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(1980, 1, 1)?));
    let mut names: Vec<String> = Vec::new();
    for sheet in sheets {
        let name = sheet_name(&sheet.name, &names);
        names.push(name.clone());
        let ws = book.add_worksheet();
        ws.set_name(name)?;
        write_sheet(ws, sheet)?;
    }
    book.save_to_buffer()
}

/// A name Excel accepts: none of `[]:*?/\`, at most 31 characters, not `History` (Excel's
/// own), and unlike the names before it (Excel compares them ignoring case).
fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'').to_string();
    let base: String = clean.chars().take(MAX_NAME_CHARS).collect();
    let base = if base.is_empty() || base.eq_ignore_ascii_case("history") { format!("{base}_") } else { base };
    let free = |n: &str| !taken.iter().any(|t| t.to_lowercase() == n.to_lowercase());
    if free(&base) {
        return base;
    }
    (2..)
        .map(|i| {
            let suffix = format!(" ({i})");
            let keep = MAX_NAME_CHARS.saturating_sub(suffix.chars().count());
            format!("{}{suffix}", base.chars().take(keep).collect::<String>())
        })
        .find(|n| free(n))
        .unwrap_or(base)
}

/// `#,##0.00` for two decimals, `#,##0` for none.
fn number_format(decimals: u32) -> String {
    if decimals == 0 {
        "#,##0".into()
    } else {
        format!("#,##0.{}", "0".repeat(decimals as usize))
    }
}

fn percent_format(decimals: u32) -> String {
    if decimals == 0 {
        "0%".into()
    } else {
        format!("0.{}%", "0".repeat(decimals as usize))
    }
}

/// The number Excel stores for `d`, when it shows exactly `d`: up to 15 significant digits
/// (what a float holds to the digit and Excel shows); `None` for a longer one.
fn excel_number(d: Decimal) -> Option<f64> {
    const FIFTEEN_DIGITS: u128 = 1_000_000_000_000_000;
    if d.normalize().mantissa().unsigned_abs() >= FIFTEEN_DIGITS {
        return None;
    }
    // The decimal's own text, read as the nearest float: never arithmetic on a float.
    d.normalize().to_string().parse().ok()
}

/// The text a cell shows, for its column's width.
fn shown_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.clone(),
        Cell::Amount(d, decimals) => format_grouped(*d, *decimals),
        Cell::Count(n) => format_grouped(Decimal::from(*n), 0),
        Cell::Percent(d, decimals) => format!("{}%", format_grouped(*d, *decimals)),
    }
}

fn width(text: &str) -> usize {
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet) -> Result<(), rust_xlsxwriter::XlsxError> {
    let header_format =
        Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top).set_border_bottom(FormatBorder::Thin);
    let mut widths: Vec<usize> = sheet.header.iter().map(|h| width(h)).collect();
    for (col, title) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(0, column(col), title, &header_format)?;
    }
    let lines = sheet.header.iter().map(|h| h.lines().count()).max().unwrap_or(1).max(1);
    if lines > 1 {
        ws.set_row_height(0, 15.0 * lines as f64)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let last = sheet.rows.len().saturating_sub(1);
    let mut formats = Formats::default();
    for (r, cells) in sheet.rows.iter().enumerate() {
        let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
        let bold = sheet.totals_last && r == last;
        for (col, cell) in cells.iter().enumerate() {
            let shown = shown_text(cell);
            match widths.get_mut(col) {
                Some(w) => *w = (*w).max(width(&shown)),
                None => widths.push(width(&shown)),
            }
            let col = column(col);
            // A number cell when a float shows the figure exactly, else its text, right-aligned.
            let (number, look) = match cell {
                Cell::Empty | Cell::Text(_) => (None, Look::Plain),
                Cell::Amount(d, decimals) => (excel_number(*d), Look::Number(*decimals)),
                Cell::Count(n) => (excel_number(Decimal::from(*n)), Look::Number(0)),
                Cell::Percent(d, decimals) => (excel_number(*d / Decimal::ONE_HUNDRED), Look::Percent(*decimals)),
            };
            match (cell, number) {
                (Cell::Empty, _) if bold => {
                    ws.write_blank(row, col, formats.get(Look::Plain, bold))?;
                }
                (Cell::Empty, _) => {}
                (Cell::Text(t), _) if bold => {
                    ws.write_string_with_format(row, col, t, formats.get(Look::Plain, bold))?;
                }
                (Cell::Text(t), _) => {
                    ws.write_string(row, col, t)?;
                }
                (_, Some(n)) => {
                    ws.write_number_with_format(row, col, n, formats.get(look, bold))?;
                }
                (_, None) => {
                    ws.write_string_with_format(row, col, shown, formats.get(Look::Right, bold))?;
                }
            }
        }
    }
    // The notes under the table, after a blank row; they do not widen the first column.
    for (i, note) in sheet.notes.iter().enumerate() {
        let row = u32::try_from(sheet.rows.len() + 2 + i).unwrap_or(u32::MAX);
        ws.write_string(row, 0, note)?;
    }
    for (col, w) in widths.iter().enumerate() {
        ws.set_column_width(column(col), (*w + 2).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
    }
    Ok(())
}

/// How a cell looks: its number format or alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Look {
    Plain,
    /// `#,##0.00` with this many decimals.
    Number(u32),
    /// `0.00%` with this many decimals.
    Percent(u32),
    /// Text in a column of figures (an amount a float cannot hold).
    Right,
}

/// Each look made once per sheet (bold or not), not once per cell.
#[derive(Default)]
struct Formats(std::collections::HashMap<(Look, bool), Format>);

impl Formats {
    fn get(&mut self, look: Look, bold: bool) -> &Format {
        self.0.entry((look, bold)).or_insert_with(|| {
            let base = if bold { Format::new().set_bold() } else { Format::new() };
            match look {
                Look::Plain => base,
                Look::Number(decimals) => base.set_num_format(number_format(decimals)),
                Look::Percent(decimals) => base.set_num_format(percent_format(decimals)),
                Look::Right => base.set_align(FormatAlign::Right),
            }
        })
    }
}

fn column(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn figures_become_numbers_and_the_rest_stays_text() {
        assert_eq!(figure("1234.50"), Cell::Amount(dec!(1234.50), 2));
        assert_eq!(figure("-0.487"), Cell::Amount(dec!(-0.487), 3));
        assert_eq!(figure("12"), Cell::Amount(dec!(12), 0));
        assert_eq!(figure("12.34%"), Cell::Percent(dec!(12.34), 2));
        assert_eq!(figure("-"), Cell::Text("-".into()));
        assert_eq!(figure("12.00 (0.12%)"), Cell::Text("12.00 (0.12%)".into()));
        assert_eq!(figure("=1+2"), Cell::Text("=1+2".into()));
        assert_eq!(figure("1.2.3"), Cell::Text("1.2.3".into()));
    }

    #[test]
    fn a_float_holds_an_amount_only_to_fifteen_digits() {
        assert_eq!(excel_number(dec!(1234567890123.45)), Some(1_234_567_890_123.45));
        assert_eq!(excel_number(dec!(0.1)), Some(0.1));
        assert_eq!(excel_number(dec!(-5300.00)), Some(-5300.0));
        // Sixteen significant digits: Excel would show the last one wrong.
        assert_eq!(excel_number(dec!(12345678901234.56)), None);
    }

    #[test]
    fn sheet_names_are_what_excel_accepts() {
        assert_eq!(sheet_name("by segment", &[]), "by segment");
        assert_eq!(sheet_name("a/b:c", &[]), "a_b_c");
        assert_eq!(sheet_name("History", &[]), "History_");
        assert_eq!(sheet_name("rows", &["Rows".into()]), "rows (2)");
        assert_eq!(sheet_name(&"x".repeat(40), &[]).chars().count(), 31);
    }
}
