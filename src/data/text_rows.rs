//! Text rows from any ledger source, before validation: the CSV and workbook readers both
//! hand over each row as text fields with its line number, so the schema checks in
//! [`super::ledger`] are written once.

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

pub trait RowReader {
    /// Reads the next row's fields into `fields`; returns its line (CSV) or row (sheet)
    /// number, or `None` after the last row.
    fn next_row(&mut self, fields: &mut csv::StringRecord) -> Result<Option<u64>, ReadProblem>;
    /// Where a field is, for messages: `sales.csv:12:3`, `book.xlsx#Sheet1!C12`.
    fn at_field(&self, line: u64, column: usize) -> String;
    /// Where a row is: `sales.csv:12`, `book.xlsx#Sheet1!12:12`.
    fn at_line(&self, line: u64) -> String;
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
