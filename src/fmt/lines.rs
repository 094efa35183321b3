//! The printer's output: lines that remember which source bytes they print, so comments can
//! be put back by position once every line is known.
//!
//! A comment that shares its source line with code printed before it stays at the end of
//! that code's output line; any other comment goes on a line of its own, before the first
//! output line that prints source from after it (a comment written inside a statement that
//! is printed on one line moves just above it). Blank lines the source had between two
//! lines are kept, one at most; declarations are always separated by one.

use unicode_width::UnicodeWidthStr;

use crate::source::Span;
use crate::syntax::comments::{classify, line_breaks, Class};
use crate::syntax::Comment;

const INDENT: &str = "  ";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blank {
    /// One blank line before, if the source had one.
    Keep,
    /// Always one blank line before (top-level declarations).
    Always,
}

#[derive(Debug)]
struct Line {
    indent: usize,
    text: String,
    /// Source bytes printed on this line: from the first token's start to the last's end.
    start: usize,
    end: usize,
    blank: Blank,
    /// A closing `}`: comments before it are indented as the block's body.
    closes: bool,
}

pub struct Out<'s> {
    pub src: &'s str,
    lines: Vec<Line>,
    current: Option<Line>,
    pub indent: usize,
}

impl<'s> Out<'s> {
    pub fn new(src: &'s str) -> Self {
        Out { src, lines: Vec::new(), current: None, indent: 0 }
    }

    /// Starts a new output line (ending the current one).
    pub fn line(&mut self, blank: Blank) {
        self.end_line();
        self.current =
            Some(Line { indent: self.indent, text: String::new(), start: usize::MAX, end: 0, blank, closes: false });
    }

    /// A closing brace on its own line, at `at` in the source; the line stays open, so that
    /// an expression can go on after it (`} + 5`).
    pub fn close(&mut self, at: usize) {
        self.line(Blank::Keep);
        if let Some(l) = self.current.as_mut() {
            l.closes = true;
        }
        self.tok("}", Span::new(at, at + 1));
    }

    pub fn end_line(&mut self) {
        if let Some(l) = self.current.take() {
            self.lines.push(l);
        }
    }

    /// Appends source text that came from `span`.
    pub fn tok(&mut self, text: &str, span: Span) {
        if self.current.is_none() {
            self.line(Blank::Keep);
        }
        if let Some(l) = self.current.as_mut() {
            l.text.push_str(text);
            l.start = l.start.min(span.start);
            l.end = l.end.max(span.end);
        }
    }

    /// Appends text with no source of its own (spaces, operators).
    pub fn text(&mut self, text: &str) {
        if self.current.is_none() {
            self.line(Blank::Keep);
        }
        if let Some(l) = self.current.as_mut() {
            l.text.push_str(text);
        }
    }

    /// The source text of a span, as written.
    pub fn source(&self, span: Span) -> &'s str {
        self.src.get(span.start..span.end).unwrap_or("")
    }

    /// The position of the first `c` at or after `from` in code (not in a comment or a quoted
    /// text, as [`classify`] tells them: the one scan the grammar's limits use too, so a lone
    /// CR ends a comment here as it does for pest); `from` if none.
    pub fn find(&self, from: usize, c: char) -> usize {
        let rest = self.src.get(from..).unwrap_or("");
        classify(rest).find(|&(_, ch, class)| ch == c && class == Class::Code).map_or(from, |(i, _, _)| from + i)
    }

    /// The finished text with the comments put back.
    pub fn finish(mut self, comments: &[Comment]) -> String {
        self.end_line();
        let lines = self.lines;
        // Where each comment goes: trailing a line, or before a line (or at the end).
        let mut trailing: Vec<Option<&Comment>> = lines.iter().map(|_| None).collect();
        let mut before: Vec<Vec<&Comment>> = lines.iter().map(|_| Vec::new()).collect();
        let mut at_end: Vec<&Comment> = Vec::new();
        for c in comments {
            let last_before = lines.iter().rposition(|l| l.start != usize::MAX && l.end <= c.span.start);
            if let Some(i) = last_before {
                let between = self.src.get(lines.get(i).map_or(0, |l| l.end)..c.span.start).unwrap_or("\n");
                if line_breaks(between) == 0 {
                    if let Some(slot) = trailing.get_mut(i).filter(|s| s.is_none()) {
                        *slot = Some(c);
                        continue;
                    }
                }
            }
            let next = lines.iter().position(|l| l.start != usize::MAX && l.end > c.span.start);
            match next.and_then(|n| before.get_mut(n)) {
                Some(list) => list.push(c),
                None => at_end.push(c),
            }
        }

        let mut e = Emitter { src: self.src, out: String::new(), previous_end: None, after_open: true };
        for (i, line) in lines.iter().enumerate() {
            let mut blank = line.blank;
            let comment_indent = if line.closes { line.indent + 1 } else { line.indent };
            for c in before.get(i).map(Vec::as_slice).unwrap_or(&[]) {
                e.emit(comment_indent, &c.text, (c.span.start, c.span.end), blank, false);
                blank = Blank::Keep;
            }
            if line.closes {
                // No blank line before a block's closing brace.
                e.after_open = true;
            }
            let text = match trailing.get(i).copied().flatten() {
                Some(c) => format!("{}  {}", line.text.trim_end(), c.text),
                None => line.text.trim_end().to_string(),
            };
            let start = if line.start == usize::MAX { e.previous_end.unwrap_or(0) } else { line.start };
            e.emit(line.indent, &text, (start, line.end.max(start)), blank, line.text.trim_end().ends_with('{'));
        }
        for c in at_end {
            e.emit(0, &c.text, (c.span.start, c.span.end), Blank::Keep, false);
        }
        e.out
    }
}

struct Emitter<'s> {
    src: &'s str,
    out: String,
    /// Where the source printed so far ends, to see blank lines the source had.
    previous_end: Option<usize>,
    /// Just after a `{` (or before a `}`): no blank line here.
    after_open: bool,
}

impl Emitter<'_> {
    fn emit(&mut self, indent: usize, text: &str, (start, end): (usize, usize), blank: Blank, opens: bool) {
        let had_blank =
            self.previous_end.and_then(|p| self.src.get(p..start)).is_some_and(|between| line_breaks(between) >= 2);
        let wants = match blank {
            Blank::Always => self.previous_end.is_some(),
            Blank::Keep => had_blank && !self.after_open,
        };
        if wants && !self.out.is_empty() {
            self.out.push('\n');
        }
        for _ in 0..indent {
            self.out.push_str(INDENT);
        }
        self.out.push_str(text);
        self.out.push('\n');
        self.previous_end = Some(self.previous_end.map_or(end, |p| p.max(end)));
        self.after_open = opens;
    }
}

/// Display width: a Chinese character takes two columns.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` padded with spaces to `columns` display columns.
pub fn pad(text: &str, columns: usize) -> String {
    let mut s = text.to_string();
    for _ in width(text)..columns {
        s.push(' ');
    }
    s
}
