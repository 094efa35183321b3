//! CSV bytes split into records, with the file's own line numbers. A leaf: bytes in, fields
//! out; the encoding is decided by [`super::csv_reader`].
//!
//! The rules (RFC 4180, read the way people write CSV by hand):
//! - a record ends at a line break: `\n`, `\r\n` or a lone `\r` (old Mac files), each one
//!   line of the file; blank lines are skipped and still counted;
//! - spaces and tabs around a field are not part of it, so `S1, 2026-01-05, "M1"` reads
//!   `M1`, as the rows of a policy's `test` block do;
//! - a field that starts (after its spaces) with `"` is quoted: it runs to the next `"` not
//!   doubled (`""` is one quote) and may hold commas and line breaks; after its closing
//!   quote only spaces, then a comma or the end of the line, may follow;
//! - a `"` inside an unquoted field is an ordinary character (`5" screen`).
//!
//! A record (its fields, quotes and commas) is at most [`MAX_RECORD_BYTES`], so a hostile
//! file (a 100 MB header, `/dev/zero`) is refused instead of filling the memory.

use std::io::{self, BufRead};

/// The longest record read: 1 MiB. A real ledger row is a few hundred bytes; a row this long
/// is a file that is not a ledger, or a quote left open.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// Why the bytes cannot be split.
#[derive(Debug)]
pub enum SplitError {
    Io(io::Error),
    /// The record starting on `line` is longer than [`MAX_RECORD_BYTES`]. `start`: the first
    /// bytes of the field being read; `open_quote`: the line of a quote still open then.
    TooLong {
        line: u64,
        start: Vec<u8>,
        open_quote: Option<u64>,
    },
    /// Text after the closing quote of field `field` (0-based) on `line`. `text`: its first bytes.
    AfterQuote {
        line: u64,
        field: usize,
        text: Vec<u8>,
    },
    /// The quote opening field `field` (0-based) on `line` is never closed.
    Unclosed {
        line: u64,
        field: usize,
    },
}

impl From<io::Error> for SplitError {
    fn from(e: io::Error) -> Self {
        SplitError::Io(e)
    }
}

/// How many bytes of a value a message shows.
const SHOWN: usize = 40;

pub struct Splitter<R> {
    input: R,
    /// The line of the next byte (1-based).
    line: u64,
    field: Vec<u8>,
    /// Bytes of the current record so far.
    size: usize,
    /// The line the current record starts on.
    start_line: u64,
    /// The line of the quote of the field being read, if it is quoted.
    open_quote: Option<u64>,
}

impl<R: BufRead> Splitter<R> {
    pub fn new(input: R) -> Self {
        Splitter { input, line: 1, field: Vec::new(), size: 0, start_line: 1, open_quote: None }
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(self.input.fill_buf()?.first().copied())
    }

    fn bump(&mut self) -> Result<(), SplitError> {
        self.input.consume(1);
        self.grow(1)
    }

    fn grow(&mut self, n: usize) -> Result<(), SplitError> {
        self.size = self.size.saturating_add(n);
        if self.size > MAX_RECORD_BYTES {
            let start = self.field.iter().take(SHOWN).copied().collect();
            return Err(SplitError::TooLong { line: self.start_line, start, open_quote: self.open_quote });
        }
        Ok(())
    }

    /// Consumes the line break starting with `b` (`\r\n` is one), keeping it in the field
    /// when `keep`.
    fn line_break(&mut self, b: u8, keep: bool) -> Result<(), SplitError> {
        self.bump()?;
        if keep {
            self.field.push(b);
        }
        if b == b'\r' && self.peek()? == Some(b'\n') {
            self.bump()?;
            if keep {
                self.field.push(b'\n');
            }
        }
        self.line += 1;
        Ok(())
    }

    fn skip_blanks(&mut self) -> Result<(), SplitError> {
        while let Some(b' ' | b'\t') = self.peek()? {
            self.bump()?;
        }
        Ok(())
    }

    /// Appends bytes to the field up to (not including) the first of `stops`, or the end.
    fn take_until(&mut self, stops: &[u8]) -> Result<(), SplitError> {
        loop {
            let buffer = self.input.fill_buf()?;
            if buffer.is_empty() {
                return Ok(());
            }
            let n = buffer.iter().position(|b| stops.contains(b)).unwrap_or(buffer.len());
            self.field.extend_from_slice(buffer.get(..n).unwrap_or_default());
            let whole = n == buffer.len();
            self.input.consume(n);
            self.grow(n)?;
            if !whole {
                return Ok(());
            }
        }
    }

    /// Reads the next record into `record`; returns the line it starts on, or `None` at the end.
    pub fn next_record(&mut self, record: &mut csv::ByteRecord) -> Result<Option<u64>, SplitError> {
        record.clear();
        self.size = 0;
        self.open_quote = None;
        self.field.clear();
        loop {
            match self.peek()? {
                None => return Ok(None),
                Some(b @ (b'\r' | b'\n')) => {
                    self.line_break(b, false)?;
                    self.size = 0;
                }
                Some(_) => break,
            }
        }
        self.start_line = self.line;
        loop {
            self.field.clear();
            self.skip_blanks()?;
            if self.peek()? == Some(b'"') {
                self.quoted(record.len())?;
            } else {
                self.take_until(b",\r\n")?;
                while let Some(b' ' | b'\t') = self.field.last() {
                    self.field.pop();
                }
            }
            record.push_field(&self.field);
            match self.peek()? {
                Some(b',') => self.bump()?,
                Some(b @ (b'\r' | b'\n')) => {
                    self.field.clear();
                    self.line_break(b, false)?;
                    return Ok(Some(self.start_line));
                }
                _ => return Ok(Some(self.start_line)),
            }
        }
    }

    /// A quoted field, from its opening quote to the comma or line break after it.
    fn quoted(&mut self, index: usize) -> Result<(), SplitError> {
        let opened = self.line;
        self.open_quote = Some(opened);
        self.bump()?;
        loop {
            self.take_until(b"\"\r\n")?;
            match self.peek()? {
                None => return Err(SplitError::Unclosed { line: opened, field: index }),
                Some(b'"') => {
                    self.bump()?;
                    if self.peek()? == Some(b'"') {
                        self.bump()?;
                        self.field.push(b'"');
                    } else {
                        break;
                    }
                }
                Some(b) => self.line_break(b, true)?,
            }
        }
        self.open_quote = None;
        self.skip_blanks()?;
        match self.peek()? {
            None | Some(b',' | b'\r' | b'\n') => Ok(()),
            Some(_) => {
                let line = self.line;
                let buffer = self.input.fill_buf()?;
                let text =
                    buffer.iter().take_while(|b| !matches!(b, b',' | b'\r' | b'\n')).take(SHOWN).copied().collect();
                Err(SplitError::AfterQuote { line, field: index, text })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `text` as (line, fields).
    fn split(text: &[u8]) -> Result<Vec<(u64, Vec<String>)>, SplitError> {
        let mut splitter = Splitter::new(io::BufReader::with_capacity(3, text));
        let mut record = csv::ByteRecord::new();
        let mut records = Vec::new();
        while let Some(line) = splitter.next_record(&mut record)? {
            records.push((line, record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect()));
        }
        Ok(records)
    }

    fn lines(text: &[u8]) -> Vec<u64> {
        split(text).unwrap().into_iter().map(|(line, _)| line).collect()
    }

    #[test]
    fn lines_are_the_files_for_every_line_ending() {
        // Records on lines 1, 3 (after a blank line) and 4, whose quoted field runs to line 5,
        // then line 6: the same whatever ends the lines.
        for end in ["\n", "\r\n", "\r"] {
            let text = ["a,b", "", "c,d", "e,\"f", "g\"", "h,i"].join(end);
            assert_eq!(lines(text.as_bytes()), [1, 3, 4, 6], "{end:?}");
            let with_last_end = format!("{text}{end}{end}");
            assert_eq!(lines(with_last_end.as_bytes()), [1, 3, 4, 6], "{end:?}");
        }
        // A line break inside quotes is kept as written.
        let records = split(b"\"x\r\ny\",z\r\n").unwrap();
        assert_eq!(records, [(1, vec!["x\r\ny".to_string(), "z".to_string()])]);
    }

    #[test]
    fn spaces_around_fields_are_not_part_of_them() {
        let records = split(b"S1, 2026-01-05, \"M1\" , \"a, b\",\" c \", d e ,\t\"x\"\"y\"").unwrap();
        let fields = &records.first().unwrap().1;
        assert_eq!(fields, &["S1", "2026-01-05", "M1", "a, b", " c ", "d e", "x\"y"]);
        // A quote inside an unquoted field is a character; empty fields stay.
        let records = split(b"5\" screen,,\"\"\n").unwrap();
        assert_eq!(records.first().unwrap().1, ["5\" screen", "", ""]);
    }

    #[test]
    fn text_after_a_closing_quote_is_refused() {
        match split(b"a,b\nS1, \"M1\" x,c\n") {
            Err(SplitError::AfterQuote { line: 2, field: 1, text }) => assert_eq!(text, b"x"),
            other => panic!("{other:?}"),
        }
        // An open quote is named where it opened.
        match split(b"a,b\nc,\"d\ne,f\n") {
            Err(SplitError::Unclosed { line: 2, field: 1 }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_record_is_bounded() {
        let long = vec![b'x'; MAX_RECORD_BYTES + 1];
        match split(&[b"a\n".as_slice(), &long].concat()) {
            Err(SplitError::TooLong { line: 2, start, open_quote: None }) => assert_eq!(start.len(), SHOWN),
            other => panic!("{other:?}"),
        }
        // Exactly the limit is read.
        let records = split(&long[1..]).unwrap();
        assert_eq!(records.len(), 1);
        let open = [b"a\n\"".as_slice(), &long].concat();
        assert!(matches!(split(&open), Err(SplitError::TooLong { line: 2, open_quote: Some(2), .. })));
    }
}
