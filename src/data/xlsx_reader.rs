//! `.xlsx` ledgers (via calamine): the first visible sheet, or the one named after `#`. The
//! cells that hold a value make the table (the rectangle around them; its first row is the
//! header); they are read one by one, and a sheet whose rectangle is far larger than its
//! cells (a stray cell at `XFD1048576`) is refused rather than walked. Cells become text the way an
//! analyst reads them, then go through the same checks as CSV fields.
//!
//! A number cell is read as the shortest decimal that gives back the stored binary value
//! (`1234.56` stays `1234.56`); a computed cell holding `0.30000000000000004` is refused by
//! the money check, never rounded. Date cells become `YYYY-MM-DD` (with a time, if any, so
//! that a date column refuses it). Excel error cells (`#N/A`, `#DIV/0!`) are refused.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use calamine::{open_workbook, Data, Reader, SheetVisible, Xlsx};

use super::encoding::sniff;
use super::text_rows::{Places, ReadProblem, RowReader};
use super::xlsx_formulas::first_formula_without_value;
use crate::diagnostics::ledger::{FileKind, LedgerKind};
use crate::diagnostics::DataError;
use crate::suggest;

/// A sheet whose cells span more than this many cells...
const LARGE_SPAN: u64 = 1_000_000;
/// ...and more than this many times the cells that hold a value is refused: a stray cell far
/// from the table (`XFD1048576`) would make the program walk billions of empty cells.
const SPARSE_RATIO: u64 = 10;

pub struct XlsxRows {
    shown: String,
    /// The cells that hold a value, as (row, column, value) from 0, in sheet order.
    cells: Vec<(u32, u32, Data)>,
    /// The next cell to hand over.
    cursor: usize,
    /// The next sheet row to read (0-based) and the last one.
    next: u64,
    last: u64,
    /// The first and last columns of the table (0-based).
    first_column: u32,
    last_column: u32,
    places: Places,
}

impl XlsxRows {
    pub fn open(path: &Path, sheet: Option<&str>) -> Result<XlsxRows, DataError> {
        let file = path.display().to_string();
        refuse_what_is_not_a_workbook(path, &file)?;
        let mut book: Xlsx<_> = open_workbook(path).map_err(|e: calamine::XlsxError| {
            DataError::of(&file, LedgerKind::CannotOpenWorkbook { error: e.to_string() })
        })?;
        let names = book.sheet_names();
        let name = match sheet {
            Some(wanted) => names.iter().find(|n| *n == wanted).cloned().ok_or_else(|| {
                DataError::of(
                    format!("{file}#{wanted}"),
                    LedgerKind::NoSuchSheet {
                        wanted: wanted.to_string(),
                        suggestion: suggest::help(wanted, "sheet", names.iter().map(String::as_str)),
                        sheets: names.clone(),
                    },
                )
            })?,
            None if names.is_empty() => return Err(DataError::of(&file, LedgerKind::NoSheets)),
            // The first sheet the analyst sees: a hidden sheet (last month's figures, a
            // lookup) is read only when named after `#`.
            None => book
                .sheets_metadata()
                .iter()
                .find(|s| s.visible == SheetVisible::Visible)
                .map(|s| s.name.clone())
                .ok_or_else(|| DataError::of(&file, LedgerKind::NoVisibleSheet { sheets: names.clone() }))?,
        };
        let shown = format!("{file}#{name}");
        let cannot_read =
            |e: calamine::XlsxError| DataError::of(&shown, LedgerKind::CannotReadSheet { error: e.to_string() });
        // The cells are read one by one and only those holding a value are kept, so a cell
        // far from the table costs one cell, never the rectangle up to it.
        let mut cells = Vec::new();
        let mut reader = book.worksheet_cells_reader(&name).map_err(cannot_read)?;
        while let Some(cell) = reader.next_cell().map_err(cannot_read)? {
            let value = Data::from(cell.get_value().clone());
            if value != Data::Empty {
                let (row, column) = cell.get_position();
                cells.push((row, column, value));
            }
        }
        drop(reader);
        let formula = std::fs::File::open(path)
            .map_err(|e| e.to_string())
            .and_then(|f| first_formula_without_value(f, &name))
            .map_err(|error| DataError::of(&shown, LedgerKind::CannotReadSheet { error }))?;
        if let Some(at) = formula {
            return Err(DataError::of(format!("{shown}!{at}"), LedgerKind::FormulaWithoutValue));
        }
        // Sheet order, whatever the order in the file; a cell written twice keeps its last value.
        cells.sort_by_key(|(row, column, _)| (*row, *column));
        let rows = XlsxRows::from_cells(shown, cells);
        rows.refuse_sparse()?;
        Ok(rows)
    }

    fn from_cells(shown: String, cells: Vec<(u32, u32, Data)>) -> XlsxRows {
        let first = cells.first().map_or(0, |c| u64::from(c.0));
        let last = cells.last().map_or(0, |c| u64::from(c.0));
        let first_column = cells.iter().map(|c| c.1).min().unwrap_or(0);
        let last_column = cells.iter().map(|c| c.1).max().unwrap_or(0);
        let next = if cells.is_empty() { 1 } else { first };
        let places = Places::Sheet { shown: Arc::from(shown.as_str()), first_column };
        XlsxRows { shown, cells, cursor: 0, next, last, first_column, last_column, places }
    }

    /// Refuses a sheet whose cells span a rectangle far larger than the cells in it.
    fn refuse_sparse(&self) -> Result<(), DataError> {
        let (Some(first), Some(last)) = (self.cells.first(), self.cells.last()) else { return Ok(()) };
        let height = u64::from(last.0 - first.0) + 1;
        let width = u64::from(self.last_column - self.first_column) + 1;
        let span = height.saturating_mul(width);
        let held = self.cells.len() as u64;
        if span <= LARGE_SPAN || span <= held.saturating_mul(SPARSE_RATIO) {
            return Ok(());
        }
        // The cell farthest from the table's top-left corner.
        let far = self
            .cells
            .iter()
            .max_by_key(|(row, column, _)| u64::from(row - first.0) * width + u64::from(column - self.first_column))
            .map_or_else(String::new, |(row, column, _)| cell_name(*row, *column));
        Err(DataError::of(
            &self.shown,
            LedgerKind::SheetTooSparse {
                span: format!("{}:{}", cell_name(first.0, self.first_column), cell_name(last.0, self.last_column)),
                cells: span,
                held,
                far,
            },
        ))
    }
}

/// `C12` for row 11, column 2 (both from 0).
fn cell_name(row: u32, column: u32) -> String {
    format!("{}{}", column_letters(column as usize), u64::from(row) + 1)
}

impl RowReader for XlsxRows {
    fn next_row(&mut self, fields: &mut csv::StringRecord) -> Result<Option<u64>, ReadProblem> {
        if self.cells.is_empty() || self.next > self.last {
            return Ok(None);
        }
        let row = self.next;
        self.next += 1;
        let line = row + 1;
        // This row's cells, taken whatever happens to the row.
        let start = self.cursor;
        while self.cells.get(self.cursor).is_some_and(|c| u64::from(c.0) == row) {
            self.cursor += 1;
        }
        let here = self.cells.get(start..self.cursor).unwrap_or_default();
        fields.clear();
        let mut at = here.iter().peekable();
        for column in self.first_column..=self.last_column {
            let mut cell = &Data::Empty;
            while let Some((_, c, value)) = at.peek() {
                if *c != column {
                    break;
                }
                cell = value;
                at.next();
            }
            match cell_text(cell) {
                Ok(text) => fields.push_field(&text),
                Err(error) => {
                    let index = (column - self.first_column) as usize;
                    return Err(ReadProblem::Row(DataError::of(
                        self.at_field(line, index),
                        LedgerKind::ExcelError { error },
                    )));
                }
            }
        }
        Ok(Some(line))
    }

    fn places(&self) -> &Places {
        &self.places
    }
}

/// An `.xlsx` file is a zip archive: an old `.xls`, an `.ods`, UTF-16 or plain text given an
/// `.xlsx` name is named for what it is (a zip that is not a workbook is left to calamine).
fn refuse_what_is_not_a_workbook(path: &Path, file: &str) -> Result<(), DataError> {
    let mut head = Vec::with_capacity(1 << 12);
    let opened = std::fs::File::open(path).and_then(|f| f.take(1 << 16).read_to_end(&mut head));
    if let Err(e) = opened {
        return Err(DataError::of(file, LedgerKind::CannotOpenWorkbook { error: e.to_string() }));
    }
    let what = match sniff(&head) {
        Some(FileKind::Xlsx | FileKind::Zip) => return Ok(()),
        Some(what) => what,
        None => FileKind::NotZip,
    };
    Err(DataError::of(file, LedgerKind::NotALedger { what, workbook: true }))
}

/// A cell as an analyst reads it, or the Excel error it holds.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Rust prints the shortest decimal that round-trips, and never in exponent form.
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// 0 -> `A`, 25 -> `Z`, 26 -> `AA`: how Excel names columns.
pub(super) fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + (index % 26) as u8));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn cells() {
        assert_eq!(cell_text(&Data::Float(1234.56)), Ok("1234.56".into()));
        assert_eq!(cell_text(&Data::Float(1234.0)), Ok("1234".into()));
        assert_eq!(cell_text(&Data::Float(0.1 + 0.2)), Ok("0.30000000000000004".into()));
        assert_eq!(cell_text(&Data::Int(-7)), Ok("-7".into()));
        assert!(cell_text(&Data::Error(calamine::CellErrorType::NA)).is_err());
    }
}
