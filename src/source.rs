//! Where things were written: byte spans into a policy and the policy source they point into.
//! Every stage keeps spans so that any later problem can point at the policy line behind it.
//!
//! A leaf: uses nothing of ours; every stage uses it.

use std::sync::{Arc, OnceLock};

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A byte range into the policy source (the same unit miette uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.end.saturating_sub(span.start)).into()
    }
}

/// The policy source a report points into.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
    /// Where each line starts (as miette counts lines: LF, CRLF or a lone CR ends one),
    /// found once, when the first message is drawn.
    line_starts: Arc<OnceLock<Vec<usize>>>,
    /// The text as messages quote it: `None` when it is the text itself, else the text with
    /// every bidirectional control replaced by a visible mark of the same size (see
    /// [`SourceFile::quoted`]).
    quoted: Arc<OnceLock<Option<String>>>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile { name: name.into(), text: text.into(), line_starts: Arc::default(), quoted: Arc::default() }
    }

    /// 1-based line number of a byte offset (for traces and messages, not for spans).
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes().get(..end).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count()) + 1
    }

    /// The text as a message quotes its lines: a bidirectional control character (refused
    /// in a policy, E0009) would reorder the quoted line on the screen, as it does in an
    /// editor, so each is shown as U+FFFD (U+061C, two bytes long, as `¿`), the same number of
    /// bytes and characters, so that every offset and column stays true.
    fn quoted(&self) -> &str {
        let bidi = |c: char| matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        let quoted = self.quoted.get_or_init(|| {
            self.text.contains(bidi).then(|| {
                self.text
                    .chars()
                    .map(|c| {
                        if !bidi(c) {
                            c
                        } else if c.len_utf8() == 3 {
                            '\u{FFFD}'
                        } else {
                            '¿'
                        }
                    })
                    .collect()
            })
        });
        quoted.as_deref().unwrap_or(&self.text)
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let mut starts = vec![0];
            for (i, &b) in bytes.iter().enumerate() {
                let ends = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
                if ends {
                    starts.push(i + 1);
                }
            }
            starts
        })
    }

    /// The 0-based line holding byte `offset`.
    fn line_index(&self, offset: usize) -> usize {
        self.line_starts().partition_point(|&s| s <= offset).saturating_sub(1)
    }
}

/// miette counts columns in bytes; a policy line with Chinese text would then report
/// `27:50` for what an editor shows as column 38. Columns here count characters.
impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // miette reads what it is given from its first byte: given the whole text, each
        // message cost the file's length, and many messages (a warning per component) were
        // quadratic. It is given the text from the first line it shows, and its offsets and
        // line numbers are moved back into the file. (One line more than shown: miette treats
        // a span at its input's first byte apart.)
        let first = self.line_index(span.offset()).saturating_sub(context_lines_before + 1);
        let window_start = self.line_starts().get(first).copied().unwrap_or(0).min(span.offset());
        let window = self.quoted().get(window_start..).unwrap_or("");
        let local = SourceSpan::new((span.offset() - window_start).into(), span.len());
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        let shift = self.line_index(window_start);
        let start = inner.span().offset() + window_start;
        let line_start = self.text.get(..start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
        let column = self.text.get(line_start..start).map_or(0, |t| t.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(start.into(), inner.span().len()),
            inner.line() + shift,
            column,
            inner.line_count() + shift,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading from the first line shown gives what reading the whole text gave: the same
    /// lines, offsets and line numbers, for every span of texts with LF, CRLF and lone-CR
    /// line ends, blank lines, and Chinese text, with 0 to 3 context lines.
    #[test]
    fn a_window_reads_as_the_whole_text() {
        let texts = ["a\nbb\n\nccc\nd", "a\r\nbb\r\n\r\nccc\r\nd\r\n", "a\rbb\r\rccc\rd", "第一行\n第二\r\n\r三\n"];
        for text in texts {
            let file = SourceFile::new("p", text);
            let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            for &start in &boundaries {
                for &end in boundaries.iter().filter(|&&e| e >= start) {
                    for context in 0..=3 {
                        let span = SourceSpan::new(start.into(), end - start);
                        let ours = file
                            .read_span(&span, context, context)
                            .map(|c| (c.data().to_vec(), c.span().offset(), c.span().len(), c.line(), c.line_count()));
                        let whole = text
                            .read_span(&span, context, context)
                            .map(|c| (c.data().to_vec(), c.span().offset(), c.span().len(), c.line(), c.line_count()));
                        assert_eq!(ours.ok(), whole.ok(), "{text:?} {start}..{end} context {context}");
                    }
                }
            }
        }
    }

    /// A quoted line shows a bidi control as a visible mark of its size: U+202E (3 bytes) as
    /// U+FFFD (3 bytes), U+061C (2 bytes) as `¿` (2 bytes).
    #[test]
    fn bidi_controls_are_quoted_visibly() {
        let file = SourceFile::new("p", "pay 1 # \u{202E}x\u{061C}\n");
        let quoted = |at: usize, len: usize| {
            file.read_span(&SourceSpan::new(at.into(), len), 0, 0).map(|c| c.data().to_vec()).ok()
        };
        // `pay 1 # ` is 8 bytes; U+202E at 8..11, `x` at 11, U+061C at 12..14.
        assert_eq!(quoted(8, 3), Some("\u{FFFD}".as_bytes().to_vec()));
        assert_eq!(quoted(11, 3), Some("x¿".as_bytes().to_vec()));
    }
}
