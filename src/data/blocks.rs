//! Plain CSV ledgers cut into blocks of whole lines, for the chunked fold (`eval::chunked`):
//! any block can be read on its own, at its offset, so blocks are read and folded on all
//! cores at once.
//!
//! A block owns the lines that *start* in its byte range (the first one from the byte after
//! the header line): it begins at the first line start at or after its range's start and ends
//! at the first line start at or after its range's end, so every line belongs to exactly one
//! block, whatever the block size. Lines are split into fields here by exactly the row-by-row
//! splitter's rules ([`super::csv_split`]) for the lines that need nothing more; a line that
//! does (a quoted line break, a doubled quote, text after a closing quote, a lone carriage
//! return, an overlong line) is not split: [`split_line`] says so, and the caller gives the
//! whole file to the row-by-row reader, which reads (and reports) it exactly as always. So a
//! line break inside quotes never misleads the cut: a file that has one is never folded in
//! blocks.
//!
//! A leaf, apart from the encoding sniffer and the record limit.

use std::path::Path;
use std::sync::Arc;

use super::csv_split::MAX_RECORD_BYTES;
use super::encoding::{sniff, TextEncoding, UTF8_BOM};
use super::source::LedgerSource;

/// Why a file is read row by row instead (shown with `COMMISSION_REPORT_READS=1`).
pub type NotPlain = String;

enum Bytes {
    File(std::fs::File),
    Memory(Arc<[u8]>),
}

/// A CSV ledger opened for reading in blocks: its header and where the rows start.
pub struct BlockFile {
    bytes: Bytes,
    len: u64,
    /// The first byte after the header line (line 2 of the file).
    data_start: u64,
    /// The header's fields, trimmed.
    pub header: Vec<String>,
}

/// What the head of a file must show for the file to be read in blocks.
const HEAD: usize = 1 << 16;

/// A file is cut into at least this many blocks when blocks of the most a block may take
/// would be fewer (a small ledger shared among the threads, not read by one: the 2027 plan's
/// 4 MB of credit shares at 1M sales were one block), with blocks of at least
/// [`SMALLEST_BLOCK`].
const FEWEST_BLOCKS: u64 = 16;
const SMALLEST_BLOCK: u64 = 64 << 10;

impl BlockFile {
    /// Opens a plain UTF-8 CSV source; `Err` says why it is to be read row by row.
    pub fn open(source: &LedgerSource) -> Result<BlockFile, NotPlain> {
        let bytes = match source {
            LedgerSource::Csv { path, encoding: TextEncoding::Utf8 } => Bytes::File(open_file(path)?),
            LedgerSource::Stdin { bytes, encoding: TextEncoding::Utf8 } => Bytes::Memory(bytes.clone()),
            LedgerSource::CsvBytes { bytes, lines: None, .. } => Bytes::Memory(bytes.clone()),
            LedgerSource::Csv { .. } | LedgerSource::Stdin { .. } => return Err("not UTF-8".into()),
            LedgerSource::CsvBytes { .. } => return Err("rows written in a policy".into()),
            LedgerSource::Xlsx { .. } => return Err("a workbook".into()),
        };
        let len = match &bytes {
            Bytes::File(f) => f.metadata().map_err(|e| e.to_string())?.len(),
            Bytes::Memory(m) => m.len() as u64,
        };
        let mut file = BlockFile { bytes, len, data_start: 0, header: Vec::new() };
        let head = file.read_range(0, HEAD.min(usize::try_from(len).unwrap_or(HEAD)))?;
        if sniff(&head).is_some() {
            return Err("not a CSV file".into());
        }
        let skip = if head.starts_with(UTF8_BOM) { UTF8_BOM.len() } else { 0 };
        let rest = head.get(skip..).unwrap_or_default();
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            return Err("no line after the header in the file's first 64 KB".into());
        };
        let line = rest.get(..end).unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let text = std::str::from_utf8(line).map_err(|_| "a header that is not UTF-8".to_string())?;
        let mut fields = Vec::new();
        if line.is_empty() || !split_line(line, &mut fields) {
            return Err("a header the row-by-row reader must read".into());
        }
        file.header =
            fields.iter().map(|&(a, b)| text.get(a as usize..b as usize).unwrap_or("").trim().to_string()).collect();
        file.data_start = (skip + end + 1) as u64;
        Ok(file)
    }

    /// The line the first row is on.
    pub const FIRST_ROW_LINE: u64 = 2;

    /// The bytes before the first row: the header line, with its byte order mark if any.
    pub fn head(&self) -> Result<Vec<u8>, NotPlain> {
        self.read_range(0, usize::try_from(self.data_start).map_err(|_| "a header too long".to_string())?)
    }

    /// The size of the blocks this file is cut into when a block may take up to `most`
    /// bytes: `most`, or for a small file less, so that it makes [`FEWEST_BLOCKS`] blocks (not
    /// under [`SMALLEST_BLOCK`], nor over `most`). It depends on the file's length alone: a
    /// file's digest is made of its blocks', so the same file is always cut alike.
    pub fn block_size(&self, most: u64) -> u64 {
        let data = self.len.saturating_sub(self.data_start);
        most.min(data.div_ceil(FEWEST_BLOCKS).max(SMALLEST_BLOCK)).max(1)
    }

    /// How many blocks of `size` bytes the rows make (at least one).
    pub fn blocks(&self, size: u64) -> u64 {
        let size = size.max(1);
        self.len.saturating_sub(self.data_start).div_ceil(size).max(1)
    }

    /// The bytes of the file, counted in the progress bar as they are read.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Reads the lines block `index` owns (see the module's note) into `into`: whole lines,
    /// the last one without its line break only at the end of the file.
    pub fn read_block(&self, index: u64, size: u64, into: &mut Vec<u8>) -> Result<(), NotPlain> {
        let size = size.max(1);
        let start = self.data_start.saturating_add(index.saturating_mul(size)).min(self.len);
        let end = start.saturating_add(size).min(self.len);
        let begin = if index == 0 { self.data_start } else { self.line_start_from(start)? };
        let stop = self.line_start_from(end)?;
        if begin >= stop {
            into.clear();
            return Ok(());
        }
        let n = usize::try_from(stop - begin).map_err(|_| "a block too large".to_string())?;
        self.read_range_into(begin, n, into)?;
        super::progress::advance(u64::try_from(into.len()).unwrap_or(0).min(end - start));
        Ok(())
    }

    /// The first line start at or after `at` (the file's end if none): the byte after the
    /// first line break at or after `at - 1`.
    fn line_start_from(&self, at: u64) -> Result<u64, NotPlain> {
        if at <= self.data_start {
            return Ok(self.data_start);
        }
        let mut from = at - 1;
        const STEP: usize = 1 << 14;
        while from < self.len {
            let n = STEP.min(usize::try_from(self.len - from).unwrap_or(STEP));
            let bytes = self.read_range(from, n)?;
            if let Some(p) = bytes.iter().position(|&b| b == b'\n') {
                return Ok(from + p as u64 + 1);
            }
            from += n as u64;
            if from - (at - 1) > MAX_RECORD_BYTES as u64 {
                return Err("a line longer than a record may be".into());
            }
        }
        Ok(self.len)
    }

    fn read_range(&self, offset: u64, n: usize) -> Result<Vec<u8>, NotPlain> {
        let mut buffer = Vec::new();
        self.read_range_into(offset, n, &mut buffer)?;
        Ok(buffer)
    }

    /// Reads `n` bytes at `offset` into `into`, which holds exactly them after (its memory, and
    /// its bytes, reused: what the read overwrites is never zeroed first, as a `clear` then
    /// `resize` would do to a whole block each time).
    fn read_range_into(&self, offset: u64, n: usize, into: &mut Vec<u8>) -> Result<(), NotPlain> {
        match &self.bytes {
            Bytes::Memory(m) => {
                into.clear();
                let start = usize::try_from(offset).unwrap_or(usize::MAX).min(m.len());
                into.extend_from_slice(m.get(start..start.saturating_add(n).min(m.len())).unwrap_or_default());
            }
            Bytes::File(f) => {
                // A block and the end of its last line: room for that, not a doubling.
                into.truncate(n);
                into.reserve_exact(n.saturating_sub(into.len()));
                into.resize(n, 0);
                read_exact_at(f, into, offset).map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }
}

fn open_file(path: &Path) -> Result<std::fs::File, NotPlain> {
    std::fs::File::open(path).map_err(|e| e.to_string())
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &std::fs::File, mut buffer: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buffer.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_read(file, buffer, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer = &mut buffer[n..];
        offset += n as u64;
    }
    Ok(())
}

/// The places of the commas, line breaks and quotes of a block, in order. The bytes are
/// compared sixteen at a time (`wide`'s SSE2 vectors: one bit per byte, set where the byte is
/// one of the three), 64 bytes make one mask, and its set bits are read lowest first: a few
/// instructions a separator, where a search call per separator (`memchr3`) cost about fifty.
/// With `BREAKS`, the line breaks only ([`Separators::line_breaks`]).
pub struct Separators<'a, const BREAKS: bool = false> {
    bytes: &'a [u8],
    /// Where the 64 bytes of `mask` start.
    base: usize,
    /// Their separators not yet read.
    mask: u64,
}

impl<'a> Separators<'a> {
    pub fn new(bytes: &'a [u8]) -> Separators<'a> {
        Separators { bytes, base: 0, mask: separators_at(bytes, 0, false) }
    }

    /// The places of the line breaks only (of a block with no quotes, whose lines are read
    /// without a look at each comma): a few instructions a line, where a search call per line
    /// (`memchr`) costs several times as many.
    pub fn line_breaks(bytes: &'a [u8]) -> Separators<'a, true> {
        Separators { bytes, base: 0, mask: separators_at(bytes, 0, true) }
    }
}

impl<const BREAKS: bool> Iterator for Separators<'_, BREAKS> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 64;
            if self.base >= self.bytes.len() {
                return None;
            }
            self.mask = separators_at(self.bytes, self.base, BREAKS);
        }
        let at = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// The separators (`breaks`: the line breaks) of the 64 bytes from `at` (none past the end).
#[inline(always)]
fn separators_at(bytes: &[u8], at: usize, breaks: bool) -> u64 {
    if let Some(whole) = bytes.get(at..at + 64) {
        return separators(whole, breaks);
    }
    let mut chunk = [0u8; 64];
    let rest = bytes.get(at..).unwrap_or_default();
    if let Some(head) = chunk.get_mut(..rest.len()) {
        head.copy_from_slice(rest);
    }
    separators(&chunk, breaks)
}

/// Bit `i` set where byte `i` of 64 is a comma, a line break or a quote (`breaks`: a line
/// break).
#[inline(always)]
fn separators(chunk: &[u8], breaks: bool) -> u64 {
    use wide::u8x16;
    let (comma, newline, quote) = (u8x16::splat(b','), u8x16::splat(b'\n'), u8x16::splat(b'"'));
    match breaks {
        true => marked(chunk, |v| v.cmp_eq(newline)),
        false => marked(chunk, |v| v.cmp_eq(comma) | v.cmp_eq(newline) | v.cmp_eq(quote)),
    }
}

/// Bit `i` set where byte `i` of the first 32 bytes of a line is a comma (`first_fields`
/// splits a line passed over no further than its first few fields).
#[inline]
pub fn commas_in(head: &[u8]) -> u64 {
    let comma = wide::u8x16::splat(b',');
    marked(head.get(..32).unwrap_or(head), |v| v.cmp_eq(comma))
}

/// Bit `i` set where byte `i` of `chunk` (at most 64 bytes, sixteen at a time) is one `hits`
/// marks (its lane set to all ones).
#[inline(always)]
fn marked(chunk: &[u8], hits: impl Fn(wide::u8x16) -> wide::u8x16) -> u64 {
    let mut mask = 0u64;
    for (i, sixteen) in chunk.chunks_exact(16).take(4).enumerate() {
        let Ok(array) = <[u8; 16]>::try_from(sixteen) else { continue };
        mask |= u64::from(hits(wide::u8x16::from(array)).move_mask() as u16) << (16 * i);
    }
    mask
}

/// Splits one line (without its line break) into fields, as (start, end) byte offsets of
/// each field's text, by the row-by-row splitter's rules: blanks (space, tab) around a field
/// are not part of it; a field starting with a quote runs to the next quote. Returns false,
/// leaving `fields` unspecified, when the line needs the row-by-row splitter: a quote that
/// does not close on the line, a doubled quote inside quotes, text after a closing quote, a
/// carriage return inside the line, or a line longer than a record may be.
pub fn split_line(line: &[u8], fields: &mut Vec<(u32, u32)>) -> bool {
    fields.clear();
    if line.len() >= MAX_RECORD_BYTES {
        return false;
    }
    // The usual line: no quote, no carriage return; its commas found a word at a time.
    if memchr::memchr2(b'"', b'\r', line).is_some() {
        return split_quoted(line, fields);
    }
    let mut start = 0usize;
    for comma in memchr::memchr_iter(b',', line) {
        fields.push((start as u32, comma as u32));
        start = comma + 1;
    }
    fields.push((start as u32, line.len() as u32));
    unblank(line, fields);
    true
}

/// Takes the blanks (space, tab) off either end of each field of an unquoted `line`, when
/// the line has any (most have none: one search of the line, not two loops a field).
fn unblank(line: &[u8], fields: &mut [(u32, u32)]) {
    if memchr::memchr2(b' ', b'\t', line).is_none() {
        return;
    }
    for field in fields {
        *field = unblanked(line, field.0 as usize, field.1 as usize);
    }
}

/// `start..end` without the blanks (space, tab) at either end.
pub fn unblanked(line: &[u8], mut start: usize, mut end: usize) -> (u32, u32) {
    let blank = |i: usize| matches!(line.get(i), Some(b' ' | b'\t'));
    while start < end && blank(start) {
        start += 1;
    }
    while end > start && blank(end - 1) {
        end -= 1;
    }
    (start as u32, end as u32)
}

/// [`split_line`] for a line with quotes (or a carriage return, which it refuses: a line end
/// is not part of the line, so one inside it is the row-by-row splitter's to read).
fn split_quoted(line: &[u8], fields: &mut Vec<(u32, u32)>) -> bool {
    fields.clear();
    if memchr::memchr(b'\r', line).is_some() {
        return false;
    }
    let blank = |b: u8| b == b' ' || b == b'\t';
    let mut i = 0usize;
    let n = line.len();
    loop {
        while i < n && line.get(i).copied().is_some_and(blank) {
            i += 1;
        }
        if line.get(i) == Some(&b'"') {
            let open = i + 1;
            let Some(close) = line.get(open..).and_then(|r| memchr::memchr(b'"', r)) else {
                return false;
            };
            let close = open + close;
            if line.get(close + 1) == Some(&b'"') {
                return false;
            }
            fields.push((open as u32, close as u32));
            i = close + 1;
            while i < n && line.get(i).copied().is_some_and(blank) {
                i += 1;
            }
            match line.get(i) {
                None => return true,
                Some(b',') => i += 1,
                Some(_) => return false,
            }
        } else {
            let start = i;
            let stop = line.get(start..).and_then(|r| memchr::memchr(b',', r)).map_or(n, |p| start + p);
            let mut end = stop;
            while end > start && line.get(end - 1).copied().is_some_and(blank) {
                end -= 1;
            }
            fields.push((start as u32, end as u32));
            if stop == n {
                return true;
            }
            i = stop + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::csv_split::Splitter;

    /// The row-by-row splitter's fields for one line.
    fn reference(line: &[u8]) -> Vec<Vec<u8>> {
        let mut splitter = Splitter::new(std::io::BufReader::new(line));
        let mut record = csv::ByteRecord::new();
        splitter.next_record(&mut record).unwrap().unwrap();
        record.iter().map(<[u8]>::to_vec).collect()
    }

    fn fields(line: &[u8]) -> Option<Vec<Vec<u8>>> {
        let mut f = Vec::new();
        split_line(line, &mut f).then(|| f.iter().map(|&(a, b)| line[a as usize..b as usize].to_vec()).collect())
    }

    #[test]
    fn a_small_file_is_cut_into_sixteen_blocks_and_a_large_one_into_blocks_of_the_most() {
        // A header of 9 bytes (`id,amount` and its line break), then `rows` bytes of rows.
        let file = |rows: usize| {
            let mut bytes = b"id,amount\n".to_vec();
            bytes.resize(10 + rows, b'\n');
            let len = bytes.len() as u64;
            BlockFile { bytes: Bytes::Memory(Arc::from(bytes)), len, data_start: 10, header: Vec::new() }
        };
        let most = 4 << 20;
        // 100 MB of rows: blocks of the most, 24 of them (100,000,000 / 4,194,304 = 23.8).
        assert_eq!(file(100_000_000).block_size(most), most);
        assert_eq!(file(100_000_000).blocks(most), 24);
        // 4,124,746 bytes (the 2027 credit shares at 1M sales): 4,124,746 / 16 = 257,796.6,
        // rounded up to 257,797 (16 x 257,797 = 4,124,752, so 16 blocks, not a 17th of 10 bytes).
        let credits = file(4_124_746);
        assert_eq!(credits.block_size(most), 257_797);
        assert_eq!(credits.blocks(257_797), 16);
        // 100,000 bytes: not under 64 KiB (65,536), so two blocks.
        assert_eq!(file(100_000).block_size(most), 65_536);
        assert_eq!(file(100_000).blocks(65_536), 2);
        // A most below the smallest block (the tests' blocks of a few bytes) is kept.
        assert_eq!(file(100_000_000).block_size(7), 7);
        assert_eq!(file(0).block_size(most), 65_536);
    }

    #[test]
    fn separators_are_found_in_order_across_every_64_bytes() {
        // Separators at every distance from a 64-byte boundary, non-ASCII bytes (high bit
        // set, which a vector compare must not take for a match), and tails of every length.
        let mut bytes = Vec::new();
        for i in 0..300u32 {
            bytes.push(match i % 7 {
                0 => b',',
                3 => b'\n',
                5 if i % 2 == 1 => b'"',
                6 => 0xe5,
                _ => b'a' + (i % 26) as u8,
            });
        }
        for len in 0..=bytes.len() {
            let part = &bytes[..len];
            let expected: Vec<usize> = (0..len).filter(|&i| matches!(part[i], b',' | b'\n' | b'"')).collect();
            assert_eq!(Separators::new(part).collect::<Vec<_>>(), expected, "{len} bytes");
        }
        // No separator at all, over several chunks; and separators only.
        assert_eq!(Separators::new(&[b'x'; 200]).count(), 0);
        assert_eq!(Separators::new(&[b','; 130]).collect::<Vec<_>>(), (0..130).collect::<Vec<_>>());
    }

    #[test]
    fn lines_split_as_the_row_by_row_splitter_splits_them() {
        for line in [
            &b"S1,2026-01-05,M1,C1,new,mobile,sme,100.00"[..],
            b"S1, 2026-01-05, \"M1\" , \"a, b\",\" c \", d e ,\t\"x\"",
            b"5\" screen,,\"\"",
            b",",
            b"a",
            b" ",
            b"\"\"",
            b"\xe5\xae\xa2\xe6\x88\xb7,\"\xe9\x94\x80 \"",
        ] {
            assert_eq!(fields(line), Some(reference(line)), "{}", String::from_utf8_lossy(line));
        }
    }

    proptest::proptest! {
        /// Any line of commas, quotes, blanks, carriage returns and letters is split as the
        /// row-by-row splitter splits it, or refused (an empty line is no row: the block loop
        /// passes over it).
        #[test]
        fn any_line_is_split_as_the_row_by_row_splitter_splits_it_or_refused(
            line in proptest::collection::vec(proptest::sample::select(&b",\"\"  \t\rab\xc3\xa9"[..]), 1..24)
        ) {
            if let Some(split) = fields(&line) {
                proptest::prop_assert_eq!(split, reference(&line), "{}", String::from_utf8_lossy(&line));
            }
        }
    }

    #[test]
    fn lines_the_row_by_row_splitter_must_read_are_refused() {
        for line in [&b"a,\"b"[..], b"a,\"x\"\"y\"", b"a,\"b\" c", b"a\rb,c", b"\"a\r\",b"] {
            assert_eq!(fields(line), None, "{}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn every_line_is_in_exactly_one_block_whatever_the_size() {
        let text: &[u8] = b"id,amount\r\n1,2\n\n33,4\r\n555,6\n7,8";
        let source = LedgerSource::CsvBytes { name: "t".into(), bytes: Arc::from(text), lines: None };
        let opened = BlockFile::open(&source).unwrap();
        assert_eq!(opened.header, ["id", "amount"]);
        for size in 1..=text.len() as u64 + 1 {
            let mut all = Vec::new();
            for i in 0..opened.blocks(size) {
                let mut block = Vec::new();
                opened.read_block(i, size, &mut block).unwrap();
                all.extend_from_slice(&block);
                // Whole lines: only the block holding the file's end may stop without a break.
                assert!(block.is_empty() || block.ends_with(b"\n") || all.len() == text.len() - 11);
            }
            assert_eq!(all, &text[11..], "size {size}");
        }
    }
}
