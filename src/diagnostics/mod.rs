//! Errors and warnings as data: their words written in one place per stage, rendered in one
//! place.
//!
//! Each stage's problems are a typed kind with a stable code (`E0001`..., warnings `C0001`...):
//! [`syntax`], [`check`], [`ledger`], [`eval`], [`io`] (arguments, files, outputs), [`tools`]
//! (test blocks, curves, comparisons, budgets, generated ledgers) and [`lints`]. A kind's
//! `describe` gives the code, message, labels and help; [`code::find`] explains a code.
//!
//! Problems with a policy are [`Problem`]s (labelled spans, no source text), bundled with the
//! policy source in a [`PolicyProblems`] and rendered by miette. Problems with a ledger, an
//! argument or a file are [`DataError`]s, which name the file, the line and the column
//! instead of a span. [`Error`] is what the library returns to the CLI.
//!
//! May use: `source` (spans). Nothing else: every stage depends on this folder.

pub mod check;
pub mod code;
pub mod eval;
pub mod io;
pub mod ledger;
pub mod lints;
pub mod syntax;
pub mod tools;

pub use code::{Code, Described, Kind};

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, JSONReportHandler, LabeledSpan, NarratableReportHandler,
    Severity,
};

use crate::source::{SourceFile, Span};

/// Whether `c` would act on a terminal or a text viewer instead of being seen: control
/// characters (C0 such as ESC and NUL, DEL, C1), bidirectional controls (which reorder what
/// is shown, as in "Trojan Source"), and invisible format characters (zero-width spaces and
/// joiners, word joiners, the byte-order mark, the soft hyphen).
pub fn is_unseen(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// `text` with every [unseen](is_unseen) character written as a Rust-style escape (`\u{1b}`
/// for ESC), so that what comes from a ledger or a policy is shown, never obeyed, by a
/// terminal. Line breaks are kept when `keep_newlines` (a message of several lines).
pub fn shown(text: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let escape = |c: char| is_unseen(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(escape) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// One problem found in a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// A stable code that `commission explain-code` explains (`E0101`, `C0001`).
    pub code: &'static str,
    pub message: String,
    pub labels: Vec<(Span, String)>,
    pub help: Option<String>,
}

impl Problem {
    /// A problem of a kind pointing at `spans` (the first is the main one), which the kind's
    /// labels name in order. Codes starting with `C` are warnings, the rest errors.
    pub fn new(kind: impl Kind, spans: impl IntoIterator<Item = Span>) -> Self {
        let Described { code, message, labels, help } = kind.describe();
        let mut texts = labels.into_iter();
        Problem {
            severity: if code.starts_with('C') { Severity::Warning } else { Severity::Error },
            code,
            message,
            labels: spans.into_iter().map(|span| (span, texts.next().unwrap_or_default())).collect(),
            help,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// All problems of one policy file, with its source, ready to render.
#[derive(Debug, Clone)]
pub struct PolicyProblems {
    pub source: SourceFile,
    pub problems: Vec<Problem>,
}

impl PolicyProblems {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }

    /// Each problem as a miette diagnostic carrying the source.
    pub fn diagnostics(&self) -> impl Iterator<Item = SourcedProblem<'_>> {
        let named = Arc::new(self.source.clone());
        self.problems.iter().map(move |problem| SourcedProblem { problem, source: named.clone() })
    }

    /// Renders every problem followed by a one-line summary, without colour.
    pub fn render(&self) -> String {
        self.render_as(MessageFormat::Human)
    }

    /// Renders every problem in a message format; the summary line is for people only.
    pub fn render_as(&self, format: MessageFormat) -> String {
        let mut out = String::new();
        for diagnostic in self.diagnostics() {
            out.push_str(&render_diagnostic_as(&diagnostic, format));
        }
        if format != MessageFormat::Json {
            out.push_str(&self.summary());
            out.push('\n');
        }
        out
    }

    pub fn summary(&self) -> String {
        let (e, w) = (self.errors(), self.warnings());
        format!("{}: {} {}, {} {}", self.source.name, e, plural(e, "error"), w, plural(w, "warning"))
    }
}

/// `1 row`, `2 rows`, `1,234,567 rows`.
fn plural_count(n: u64, word: &str) -> String {
    format!("{} {}", grouped(n), plural(usize::try_from(n).unwrap_or(usize::MAX), word))
}

/// A count with its digits grouped by thousands, as people read long numbers: `1,234,567`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// How diagnostics are written: for people (`human`, drawn with source snippets), for
/// screen readers and logs (`plain`, miette's narratable form), or for editors and other
/// programs (`json`, one object per line, spans as byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageFormat {
    #[default]
    Human,
    Plain,
    Json,
    /// `Human` in colour, for a terminal (`--color`, `NO_COLOR`).
    HumanColour,
}

/// Renders one diagnostic in a message format (unicode, 100 columns for people, without
/// colour unless asked), the form used by the CLI and the snapshot tests alike.
pub fn render_diagnostic_as(diagnostic: &dyn Diagnostic, format: MessageFormat) -> String {
    let mut out = String::new();
    let rendered = match format {
        MessageFormat::Human => GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .render_report(&mut out, diagnostic),
        MessageFormat::HumanColour => GraphicalReportHandler::new_themed(GraphicalTheme::unicode())
            .with_width(100)
            .render_report(&mut out, diagnostic),
        MessageFormat::Plain => NarratableReportHandler::new().render_report(&mut out, diagnostic),
        MessageFormat::Json => JSONReportHandler::new().render_report(&mut out, diagnostic),
    };
    if rendered.is_err() {
        out = format!("{diagnostic}\n");
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// A [`Problem`] with the source it points into.
#[derive(Debug)]
pub struct SourcedProblem<'a> {
    problem: &'a Problem,
    source: Arc<SourceFile>,
}

impl fmt::Display for SourcedProblem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&shown(&self.problem.message, true))
    }
}

/// Help text as shown: unseen characters escaped.
struct Shown<'a>(&'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&shown(self.0, true))
    }
}

impl std::error::Error for SourcedProblem<'_> {}

impl Diagnostic for SourcedProblem<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.problem.code))
    }
    fn severity(&self) -> Option<Severity> {
        Some(self.problem.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.problem.help.as_deref().map(|h| Box::new(Shown(h)) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&*self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(
            self.problem
                .labels
                .iter()
                .map(|(span, label)| LabeledSpan::new_with_span(Some(shown(label, false).into_owned()), *span)),
        ))
    }
}

/// A problem with a ledger, a command-line argument or a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// `file:line:column` or just `file`, or the argument in question.
    pub location: String,
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
}

impl DataError {
    /// A problem of a kind at a place in a file (`sales.csv:12:3`), an argument or a file.
    pub fn of(location: impl Into<String>, kind: impl Kind) -> Self {
        let Described { code, message, help, .. } = kind.describe();
        DataError { location: location.into(), code, message, help }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = shown(&self.message, true);
        if self.location.is_empty() {
            f.write_str(&message)
        } else {
            write!(f, "{}: {message}", shown(&self.location, false))
        }
    }
}

impl std::error::Error for DataError {}

impl DataError {
    /// The problem in a message format. In JSON, the location is also given as `location`
    /// and, when it is a place in a file, as `file`, `line` and `column` (numbers, from 1).
    pub fn render_as(&self, format: MessageFormat) -> String {
        let text = render_diagnostic_as(self, format);
        if format != MessageFormat::Json {
            return text;
        }
        let Ok(serde_json::Value::Object(mut object)) = serde_json::from_str::<serde_json::Value>(text.trim()) else {
            return text;
        };
        let (file, line, column) = split_location(&self.location);
        object.insert("location".into(), shown(&self.location, false).into());
        if line.is_some() {
            object.insert("file".into(), shown(file, false).into());
        }
        object.insert("line".into(), line.into());
        object.insert("column".into(), column.into());
        format!("{}\n", serde_json::Value::Object(object))
    }
}

/// `sales.csv:12:3` -> (`sales.csv`, 12, 3); `sales.csv:12` -> (`sales.csv`, 12, none);
/// anything else (a file, an argument) -> (itself, none, none).
pub fn split_location(location: &str) -> (&str, Option<u64>, Option<u64>) {
    let number = |s: &str| if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None };
    if let Some((rest, last)) = location.rsplit_once(':') {
        if let Some(last) = number(last) {
            if let Some((file, line)) = rest.rsplit_once(':') {
                if let Some(line) = number(line) {
                    return (file, Some(line), Some(last));
                }
            }
            return (rest, Some(last), None);
        }
    }
    (location, None, None)
}

impl Diagnostic for DataError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
    /// Codes starting with `C` are warnings (rows for nobody), the rest errors.
    fn severity(&self) -> Option<Severity> {
        Some(if self.code.starts_with('C') { Severity::Warning } else { Severity::Error })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_deref().map(|h| Box::new(Shown(h)) as Box<dyn fmt::Display>)
    }
}

/// Rows of one ledger that were rejected: the problem of each (up to `--max-errors`), and
/// how far reading got. A run with rejected rows produces no statements: paying on part of
/// a ledger would pay some people too little without saying so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRows {
    pub file: String,
    pub problems: Vec<DataError>,
    pub read: u64,
    pub rejected: u64,
    /// Reading stopped at `max_errors` problems, before the end of the file.
    pub stopped_early: bool,
    pub max_errors: usize,
}

impl RejectedRows {
    pub fn new(file: String, problems: Vec<DataError>, read: u64, rejected: u64, max_errors: usize) -> Self {
        let stopped_early = problems.len() >= max_errors;
        RejectedRows { file, problems, read, rejected, stopped_early, max_errors }
    }

    /// One line under the problems: how many rows, and what happens now.
    pub fn summary(&self) -> String {
        let rows = plural(usize::try_from(self.rejected).unwrap_or(usize::MAX), "row");
        let mut line = if self.stopped_early {
            format!(
                "{}: stopped at {} rejected {rows} (after {} read); no statements were produced",
                self.file,
                grouped(self.rejected),
                plural_count(self.read, "row")
            )
        } else {
            format!(
                "{}: {} rejected {rows} of {} read; no statements were produced",
                self.file,
                grouped(self.rejected),
                grouped(self.read)
            )
        };
        if self.stopped_early && self.max_errors <= 1 {
            line.push_str(" (`--max-errors N` lists up to N problems)");
        }
        line
    }
}

/// Everything that can stop a command.
#[derive(Debug)]
pub enum Error {
    /// The policy has errors (exit code 1). Warnings travel with them.
    Policy(PolicyProblems),
    /// A ledger, an argument or a file is wrong (exit code 2).
    Data(DataError),
    /// Rows of a ledger were rejected (exit code 2).
    Rejected(RejectedRows),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Policy(_) => 1,
            Error::Data(_) | Error::Rejected(_) => 2,
        }
    }

    pub fn render(&self) -> String {
        self.render_as(MessageFormat::Human)
    }

    pub fn render_as(&self, format: MessageFormat) -> String {
        match self {
            Error::Policy(report) => report.render_as(format),
            Error::Data(error) => error.render_as(format),
            Error::Rejected(rows) => {
                let mut out: String = rows.problems.iter().map(|p| p.render_as(format)).collect();
                if format == MessageFormat::Json {
                    // Every line is JSON in this format: the summary too, with its figures.
                    let summary = serde_json::json!({
                        "severity": "info",
                        "message": shown(&rows.summary(), false),
                        "file": rows.file,
                        "read": rows.read,
                        "rejected": rows.rejected,
                        "stopped_early": rows.stopped_early,
                    });
                    out.push_str(&summary.to_string());
                } else {
                    out.push_str(&shown(&rows.summary(), false));
                }
                out.push('\n');
                out
            }
        }
    }
}

impl From<DataError> for Error {
    fn from(error: DataError) -> Self {
        Error::Data(error)
    }
}

impl From<PolicyProblems> for Error {
    fn from(report: PolicyProblems) -> Self {
        Error::Policy(report)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        for (n, shown) in [(0, "0"), (999, "999"), (1000, "1,000"), (1_234_567, "1,234,567"), (100_000, "100,000")] {
            assert_eq!(super::grouped(n), shown);
        }
    }
}
