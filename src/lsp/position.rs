//! Byte offsets (our spans) to LSP positions and back. A position is a line and a column
//! counted in UTF-16 code units, the protocol's default: `客` is one unit, `𠀋` two, while
//! our spans count bytes (`客` is three). Lines end at LF, CRLF or a lone CR, as the
//! protocol and the grammar both say.

use lsp_types::{Position, Range};

use crate::source::Span;

/// Where each line of a text starts, found once per document version.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
            i += 1;
        }
        LineIndex { starts, len: text.len() }
    }

    /// The position of a byte offset (clamped to the text; an offset inside a character
    /// counts from that character's start).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(self.len);
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character: usize = text
            .get(start..)
            .unwrap_or("")
            .char_indices()
            .take_while(|(i, _)| start + i < offset)
            .map(|(_, c)| c.len_utf16())
            .sum();
        Position::new(to_u32(line), to_u32(character))
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(self.position(text, span.start), self.position(text, span.end))
    }

    /// The byte offset of a position: a column past the line's end is its end (before the
    /// line break), a line past the text's end is the text's end; a column inside a
    /// character's two UTF-16 units is that character's start.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = usize::try_from(position.line).unwrap_or(usize::MAX);
        let Some(&start) = self.starts.get(line) else {
            return self.len;
        };
        let end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let wanted = usize::try_from(position.character).unwrap_or(usize::MAX);
        let mut units = 0;
        for (i, c) in text.get(start..end).unwrap_or("").char_indices() {
            if c == '\n' || c == '\r' || units + c.len_utf16() > wanted {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    /// `客户` is six bytes and two UTF-16 units; `𠀋` (outside the Basic Multilingual Plane)
    /// is four bytes and two units.
    fn counts_utf16_units_on_chinese_lines() {
        let text = "ab\n# 客户 x\r\n𠀋y\rz";
        let index = LineIndex::new(text);
        // `x` is at byte 3 + 2 + 6 + 1 = 12: line 1, column 2 + 2 + 1 = 5.
        assert_eq!(text.find('x'), Some(12));
        assert_eq!(index.position(text, 12), Position::new(1, 5));
        assert_eq!(index.offset(text, Position::new(1, 5)), 12);
        // `y` is after the CRLF (bytes 13, 14) and `𠀋` (15..19): column 2.
        assert_eq!(text.find('y'), Some(19));
        assert_eq!(index.position(text, 19), Position::new(2, 2));
        assert_eq!(index.offset(text, Position::new(2, 2)), 19);
        // A lone CR ends a line too.
        assert_eq!(index.position(text, 21), Position::new(3, 0));
        // Past the end of a line: its end; past the last line: the text's end.
        assert_eq!(index.offset(text, Position::new(0, 99)), 2);
        assert_eq!(index.offset(text, Position::new(9, 0)), text.len());
    }
}
