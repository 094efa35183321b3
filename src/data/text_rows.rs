//! Text rows from any ledger source, before validation: the CSV and workbook readers both
//! hand over each row as text fields with its line number, so the schema checks in
//! [`super::ledger`] are written once.

use std::sync::Arc;

use super::csv_reader::CsvRows;
use super::source::LedgerSource;
use super::xlsx_reader::XlsxRows;
use crate::diagnostics::DataError;

/// A problem met while reading a row's text.
#[derive(Debug)]
pub enum ReadProblem {
    /// The row cannot be read (an Excel error cell): reject it and go on.
    Row(DataError),
    /// The file cannot be read on (wrong encoding, I/O error): stop.
    Fatal(DataError),
}

/// How a file names its rows and fields in messages; kept after the file is read, so a row
/// kept for later is named when (if ever) a message needs it, not as it is read.
#[derive(Debug, Clone)]
pub enum Places {
    /// `sales.csv:12:3` and `sales.csv:12`.
    Lines(Arc<str>),
    /// `book.xlsx#Sheet1!C12` and `book.xlsx#Sheet1!12:12`: the table's first column is
    /// `first_column` (from 0).
    Sheet { shown: Arc<str>, first_column: u32 },
}

impl Places {
    /// Where field `column` (from 0, in the file) of line `line` is.
    pub fn at_field(&self, line: u64, column: usize) -> String {
        match self {
            Places::Lines(shown) => format!("{shown}:{line}:{}", column + 1),
            Places::Sheet { shown, first_column } => {
                let letters = super::xlsx_reader::column_letters(*first_column as usize + column);
                format!("{shown}!{letters}{line}")
            }
        }
    }

    /// Whether `other` is this very file's (not another file of the same name).
    pub fn same_file(&self, other: &Places) -> bool {
        Arc::ptr_eq(self.shown(), other.shown())
    }

    fn shown(&self) -> &Arc<str> {
        match self {
            Places::Lines(shown) | Places::Sheet { shown, .. } => shown,
        }
    }

    /// Where line `line` is.
    pub fn at_line(&self, line: u64) -> String {
        match self {
            Places::Lines(shown) => format!("{shown}:{line}"),
            Places::Sheet { shown, .. } => format!("{shown}!{line}:{line}"),
        }
    }
}

pub trait RowReader {
    /// Reads the next row's fields into `fields`; returns its line (CSV) or row (sheet)
    /// number, or `None` after the last row.
    fn next_row(&mut self, fields: &mut csv::StringRecord) -> Result<Option<u64>, ReadProblem>;
    /// How the file names its rows and fields.
    fn places(&self) -> &Places;
    /// Where a field is, for messages: `sales.csv:12:3`, `book.xlsx#Sheet1!C12`.
    fn at_field(&self, line: u64, column: usize) -> String {
        self.places().at_field(line, column)
    }
    /// Where a row is: `sales.csv:12`, `book.xlsx#Sheet1!12:12`.
    fn at_line(&self, line: u64) -> String {
        self.places().at_line(line)
    }
    /// Problems that show only once the whole file has been read.
    fn finish(&self) -> Result<(), DataError> {
        Ok(())
    }
}

pub fn open(source: &LedgerSource) -> Result<Box<dyn RowReader>, DataError> {
    Ok(match source {
        LedgerSource::Csv { path, encoding } => Box::new(CsvRows::open(path, *encoding)?),
        LedgerSource::CsvBytes { name, bytes, lines } => {
            Box::new(CsvRows::from_bytes(name, bytes.clone(), lines.clone())?)
        }
        LedgerSource::Xlsx { path, sheet } => Box::new(XlsxRows::open(path, sheet.as_deref())?),
        LedgerSource::Stdin { bytes, encoding } => Box::new(CsvRows::from_stdin(bytes.clone(), *encoding)?),
    })
}
