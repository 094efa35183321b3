//! CSV ledgers as text rows, streamed: a row at a time, so a 10M-row file needs no more
//! memory than one row. UTF-8 (with or without a byte-order mark) or, when asked, GBK.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use super::csv_split::{SplitError, Splitter, MAX_RECORD_BYTES};
use super::encoding::{looks_like_gbk, looks_like_utf8_text, sniff, TextEncoding, UTF8_BOM};
use super::text_rows::{Places, ReadProblem, RowReader};
use crate::diagnostics::ledger::LedgerKind;
use crate::diagnostics::DataError;

pub struct CsvRows {
    reader: Splitter<BufReader<Box<dyn Read>>>,
    bytes: csv::ByteRecord,
    encoding: TextEncoding,
    shown: String,
    places: Places,
    /// With `--encoding gbk`: non-ASCII fields that are, and are not, valid UTF-8. A file
    /// whose every non-ASCII field is UTF-8 was not GBK, and reading it as GBK garbled it.
    utf8_fields: u64,
    other_fields: u64,
    /// The line each CSV line stands for in another file (inline rows of a policy).
    line_map: Option<Arc<[u64]>>,
}

/// Enough of a file to tell its encoding.
const SNIFF: usize = 1 << 16;

impl CsvRows {
    pub fn open(path: &Path, encoding: TextEncoding) -> Result<CsvRows, DataError> {
        let shown = path.display().to_string();
        let file = std::fs::File::open(path)
            .map_err(|e| DataError::of(&shown, LedgerKind::CannotOpen { error: e.to_string() }))?;
        super::progress::expect(file.metadata().map_or(0, |m| m.len()));
        CsvRows::new(shown, Box::new(super::progress::Counted(file)), encoding)
    }

    pub fn from_bytes(name: &str, bytes: Arc<[u8]>, line_map: Option<Arc<[u64]>>) -> Result<CsvRows, DataError> {
        let mut rows = CsvRows::new(name.to_string(), Box::new(std::io::Cursor::new(bytes)), TextEncoding::Utf8)?;
        rows.line_map = line_map;
        Ok(rows)
    }

    /// CSV read from standard input (already in memory), in `encoding`.
    pub fn from_stdin(bytes: Arc<[u8]>, encoding: TextEncoding) -> Result<CsvRows, DataError> {
        CsvRows::new(super::source::STDIN.to_string(), Box::new(std::io::Cursor::new(bytes)), encoding)
    }

    fn new(shown: String, input: Box<dyn Read>, mut encoding: TextEncoding) -> Result<CsvRows, DataError> {
        let mut buffered = BufReader::with_capacity(SNIFF, input);
        let head =
            buffered.fill_buf().map_err(|e| DataError::of(&shown, LedgerKind::CannotRead { error: e.to_string() }))?;
        if let Some(what) = sniff(head) {
            return Err(DataError::of(&shown, LedgerKind::NotALedger { what, workbook: false }));
        }
        if head.starts_with(UTF8_BOM) {
            // A byte-order mark says UTF-8 in so many words; it overrides `--encoding`.
            encoding = TextEncoding::Utf8;
            buffered.consume(UTF8_BOM.len());
        } else if encoding == TextEncoding::Gbk && looks_like_utf8_text(head) {
            return Err(utf8_not_gbk(&shown));
        }
        Ok(CsvRows {
            reader: Splitter::new(buffered),
            bytes: csv::ByteRecord::new(),
            encoding,
            places: Places::Lines(Arc::from(shown.as_str())),
            shown,
            utf8_fields: 0,
            other_fields: 0,
            line_map: None,
        })
    }

    /// The line a line of the CSV text stands for: itself, or a policy's line for inline rows.
    fn file_line(&self, line: u64) -> u64 {
        match &self.line_map {
            Some(map) => usize::try_from(line.saturating_sub(1)).ok().and_then(|i| map.get(i)).copied().unwrap_or(line),
            None => line,
        }
    }

    fn split_error(&self, e: SplitError) -> DataError {
        match e {
            SplitError::Io(e) => DataError::of(&self.shown, LedgerKind::CannotRead { error: e.to_string() }),
            SplitError::TooLong { line, start, open_quote } => DataError::of(
                self.at_line(self.file_line(line)),
                LedgerKind::RowTooLong {
                    limit: MAX_RECORD_BYTES,
                    start: String::from_utf8_lossy(&start).into_owned(),
                    open_quote: open_quote.map(|l| self.file_line(l)),
                },
            ),
            SplitError::AfterQuote { line, field, text } => DataError::of(
                self.at_field(self.file_line(line), field),
                LedgerKind::TextAfterQuote { text: String::from_utf8_lossy(&text).into_owned() },
            ),
            SplitError::Unclosed { line, field } => {
                DataError::of(self.at_field(self.file_line(line), field), LedgerKind::UnclosedQuote)
            }
        }
    }

    fn undecodable(&self, line: u64, column: usize, raw: &[u8]) -> DataError {
        // 13 bytes: the message shows 12, and `...` if there are more.
        let bytes = raw.iter().take(13).copied().collect();
        let kind = match self.encoding {
            TextEncoding::Utf8 if looks_like_gbk(raw) => LedgerKind::LooksLikeGbk { bytes },
            TextEncoding::Utf8 => LedgerKind::NotUtf8 { bytes },
            TextEncoding::Gbk => LedgerKind::NotGbk { bytes },
        };
        DataError::of(self.at_field(line, column), kind)
    }
}

fn utf8_not_gbk(shown: &str) -> DataError {
    DataError::of(shown, LedgerKind::Utf8NotGbk)
}

impl RowReader for CsvRows {
    fn next_row(&mut self, fields: &mut csv::StringRecord) -> Result<Option<u64>, ReadProblem> {
        // The buffers pass back and forth without copying the row: bytes in, text out.
        self.bytes = std::mem::take(fields).into_byte_record();
        let line = match self.reader.next_record(&mut self.bytes) {
            Ok(Some(line)) => self.file_line(line),
            Ok(None) => return Ok(None),
            Err(e) => return Err(ReadProblem::Fatal(self.split_error(e))),
        };
        match self.encoding {
            TextEncoding::Utf8 => match csv::StringRecord::from_byte_record(std::mem::take(&mut self.bytes)) {
                Ok(text) => *fields = text,
                Err(e) => {
                    let column = e.utf8_error().field();
                    let bytes = e.into_byte_record();
                    let raw = bytes.get(column).unwrap_or_default();
                    return Err(ReadProblem::Fatal(self.undecodable(line, column, raw)));
                }
            },
            TextEncoding::Gbk => {
                for (column, raw) in self.bytes.iter().enumerate() {
                    let Some(text) = self.encoding.decode(raw) else {
                        return Err(ReadProblem::Fatal(self.undecodable(line, column, raw)));
                    };
                    if !raw.is_ascii() {
                        if std::str::from_utf8(raw).is_ok() {
                            self.utf8_fields += 1;
                        } else {
                            self.other_fields += 1;
                        }
                    }
                    fields.push_field(&text);
                }
            }
        }
        Ok(Some(line))
    }

    fn places(&self) -> &Places {
        &self.places
    }

    fn finish(&self) -> Result<(), DataError> {
        if self.encoding == TextEncoding::Gbk && self.other_fields == 0 && self.utf8_fields > 0 {
            return Err(utf8_not_gbk(&self.shown));
        }
        Ok(())
    }
}
