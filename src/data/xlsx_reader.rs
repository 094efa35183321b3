//! `.xlsx` ledgers (via calamine): the first sheet, or the one named after `#`. The sheet's
//! used range is the table: its first row is the header. Cells become text the way an
//! analyst reads them, then go through the same checks as CSV fields.
//!
//! A number cell is read as the shortest decimal that gives back the stored binary value
//! (`1234.56` stays `1234.56`); a computed cell holding `0.30000000000000004` is refused by
//! the money check, never rounded. Date cells become `YYYY-MM-DD` (with a time, if any, so
//! that a date column refuses it). Excel error cells (`#N/A`, `#DIV/0!`) are refused.

use std::io::Read;
use std::path::Path;

use calamine::{open_workbook, Data, Range, Reader, Xlsx};

use super::encoding::sniff;
use super::text_rows::{ReadProblem, RowReader};
use crate::diagnostics::ledger::{FileKind, LedgerKind};
use crate::diagnostics::DataError;
use crate::suggest;

pub struct XlsxRows {
    shown: String,
    range: Range<Data>,
    /// Next row of the range to read (0-based, relative to the range).
    next: usize,
    /// Sheet row and column of the range's top-left cell (0-based).
    origin: (u64, usize),
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
            None => names.first().cloned().ok_or_else(|| DataError::of(&file, LedgerKind::NoSheets))?,
        };
        let shown = format!("{file}#{name}");
        let range = book
            .worksheet_range(&name)
            .map_err(|e| DataError::of(&shown, LedgerKind::CannotReadSheet { error: e.to_string() }))?;
        let origin = range.start().map_or((0, 0), |(row, column)| (u64::from(row), column as usize));
        Ok(XlsxRows { shown, range, next: 0, origin })
    }

    fn cell_name(&self, line: u64, column: usize) -> String {
        format!("{}{line}", column_letters(self.origin.1 + column))
    }
}

impl RowReader for XlsxRows {
    fn next_row(&mut self, fields: &mut csv::StringRecord) -> Result<Option<u64>, ReadProblem> {
        if self.next >= self.range.height() {
            return Ok(None);
        }
        let row = self.next;
        self.next += 1;
        let line = self.origin.0 + row as u64 + 1;
        fields.clear();
        for column in 0..self.range.width() {
            let cell = self.range.get((row, column)).unwrap_or(&Data::Empty);
            match cell_text(cell) {
                Ok(text) => fields.push_field(&text),
                Err(error) => {
                    return Err(ReadProblem::Row(DataError::of(
                        self.at_field(line, column),
                        LedgerKind::ExcelError { error },
                    )))
                }
            }
        }
        Ok(Some(line))
    }

    fn at_field(&self, line: u64, column: usize) -> String {
        format!("{}!{}", self.shown, self.cell_name(line, column))
    }

    fn at_line(&self, line: u64) -> String {
        format!("{}!{line}:{line}", self.shown)
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
fn column_letters(mut index: usize) -> String {
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
