//! CSV output: one row per statement, the components as columns, written row by row.
//!
//! Every cell of every CSV the program writes goes through [`neutralise`]: a cell that a
//! spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage
//! return) is written with a `'` in front, as OWASP advises against formula injection, unless
//! the whole cell is a plain number (`-12.50`), which a spreadsheet reads as a number.

use std::borrow::Cow;

use crate::diagnostics::Error;
use crate::eval::compute::{Batches, Statement};
use crate::eval::RunResult;
use std::fmt::Write as _;

use crate::money::write_plain;
use crate::plan::Plan;

/// The characters that make a spreadsheet read a cell as a formula when they come first.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` as it is safe to write into a CSV: with a `'` in front when a spreadsheet would take
/// it for a formula, and as it is when it is a plain number (`-12.50`, `+3`) or starts with
/// anything else.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(first) if FORMULA_STARTS.contains(&first) && !is_plain_number(cell) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// An optional sign, digits, and optionally a point and more digits: `-12.50`, `+3`, `0.487`.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// A CSV writer over `out` whose every record is neutralised.
pub struct SafeWriter<W: std::io::Write> {
    inner: csv::Writer<W>,
}

impl<W: std::io::Write> SafeWriter<W> {
    pub fn new(out: W) -> Self {
        SafeWriter { inner: csv::Writer::from_writer(out) }
    }

    pub fn record<S: AsRef<str>>(&mut self, cells: &[S]) -> std::io::Result<()> {
        for cell in cells {
            self.field(cell.as_ref())?;
        }
        self.end()
    }

    /// One cell of the record being written.
    pub fn field(&mut self, cell: &str) -> std::io::Result<()> {
        self.inner.write_field(neutralise(cell).as_bytes()).map_err(csv_error)
    }

    /// A plain number as [`write_plain`] writes it (digits, a sign, a point): neutralising
    /// leaves it as it is, so it is not looked at.
    pub fn number(&mut self, cell: &str) -> std::io::Result<()> {
        debug_assert!(neutralise(cell) == cell);
        self.inner.write_field(cell.as_bytes()).map_err(csv_error)
    }

    /// Ends the record being written.
    pub fn end(&mut self) -> std::io::Result<()> {
        self.inner.write_record(None::<&[u8]>).map_err(csv_error)
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn csv_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// The whole CSV as text (for tests; `run` streams with [`write`]).
pub fn render(plan: &Plan, result: &RunResult) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write(plan, result, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the CSV to `out` one statement at a time.
pub fn write(plan: &Plan, result: &RunResult, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let versioned = result.statements.iter().any(|s| s.version.is_some());
    let mut lines = Lines::begin(plan, versioned, out)?;
    for s in &result.statements {
        lines.statement(s)?;
    }
    lines.finish()
}

/// Writes the CSV of a run's statements batch by batch as they are computed: a batch that
/// fails stops the writing, its error in `failed` (the caller keeps no file).
pub fn write_batches(
    plan: &Plan,
    batches: &mut Batches<'_>,
    failed: &mut Option<Error>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut lines = Lines::begin(plan, false, out)?;
    let written = batches.each(|batch| batch.iter().try_for_each(|s| lines.statement(s)));
    super::halted(written, failed)?;
    lines.finish()
}

/// A statement's CSV lines: the header, then a line per statement.
struct Lines<'o> {
    writer: SafeWriter<&'o mut dyn std::io::Write>,
    attrs: Vec<(usize, String)>,
    scales: Vec<u32>,
    scale: u32,
    versioned: bool,
    /// One buffer for the cells made of figures, written as they are made.
    cell: String,
}

impl<'o> Lines<'o> {
    fn begin(plan: &Plan, versioned: bool, out: &'o mut dyn std::io::Write) -> std::io::Result<Self> {
        let attrs = plan.payee_columns();
        let mut writer = SafeWriter::new(out);
        let mut header: Vec<String> = vec!["payee".into()];
        header.extend(attrs.iter().map(|(_, n)| n.clone()));
        header.push("period".into());
        if versioned {
            header.push("version".into());
        }
        header.extend(plan.components.iter().map(|c| c.name.clone()));
        header.push("total".into());
        writer.record(&header)?;
        let (scales, scale) = (super::component_scales(plan), super::total_scale(plan));
        Ok(Lines { writer, attrs, scales, scale, versioned, cell: String::new() })
    }

    fn statement(&mut self, s: &Statement) -> std::io::Result<()> {
        self.writer.field(&s.payee)?;
        for (i, _) in &self.attrs {
            self.writer.field(&s.attrs.get(*i).map(crate::value::Value::plain).unwrap_or_default())?;
        }
        self.cell.clear();
        write!(self.cell, "{}", s.period).map_err(std::io::Error::other)?;
        self.writer.field(&self.cell)?;
        if self.versioned {
            self.writer.field(s.version.as_deref().unwrap_or_default())?;
        }
        for (a, scale) in s.amounts.iter().zip(&self.scales).chain([(&s.total, &self.scale)]) {
            self.cell.clear();
            write_plain(&mut self.cell, *a, *scale);
            self.writer.number(&self.cell)?;
        }
        self.writer.end()
    }

    fn finish(self) -> std::io::Result<()> {
        self.writer.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_get_a_quote_and_numbers_stay_numbers() {
        // The OWASP list: each of these would start a formula in a spreadsheet.
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1+cmd|' /C calc'!A0"), "'+1+cmd|' /C calc'!A0");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("\rx"), "'\rx");
        assert_eq!(neutralise("-"), "'-");
        assert_eq!(neutralise("-.5"), "'-.5");
        assert_eq!(neutralise("-1."), "'-1.");
        // Plain numbers, what every amount column holds, are left as they are.
        assert_eq!(neutralise("-12.50"), "-12.50");
        assert_eq!(neutralise("+3"), "+3");
        assert_eq!(neutralise("0.487"), "0.487");
        // Anything not starting with one of the six is left alone, even with `=` inside.
        assert_eq!(neutralise("M001"), "M001");
        assert_eq!(neutralise("a=b"), "a=b");
        assert_eq!(neutralise(""), "");
    }
}
