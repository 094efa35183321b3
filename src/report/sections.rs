//! Reports made of titled tables (a comparison, a budget), rendered as terminal tables,
//! Markdown or CSV from one description, so the formats cannot drift apart.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use rust_decimal::Decimal;

use crate::eval::passes::Evaluation;
use crate::money::{format_grouped, format_plain};

#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns that hold figures and are right-aligned.
    pub figures: std::ops::Range<usize>,
    /// Lines printed under the table (what a grouping means, how a figure was made).
    pub notes: Vec<String>,
}

impl Section {
    /// A section whose columns from `figures_from` on hold figures.
    pub fn new(title: impl Into<String>, header: &[&str], figures_from: usize) -> Self {
        Section {
            title: title.into(),
            header: header.iter().map(|h| (*h).to_string()).collect(),
            figures: figures_from..header.len(),
            ..Section::default()
        }
    }
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }
}

/// Terminal tables, each under its title; `heading` lines first, `footer` lines last.
pub fn table(heading: &[String], sections: &[Section], footer: &[String]) -> String {
    let mut out = String::new();
    for line in heading {
        out.push_str(line);
        out.push('\n');
    }
    for section in sections {
        out.push('\n');
        out.push_str(&section.title);
        out.push('\n');
        if section.rows.is_empty() {
            out.push_str("(none)\n");
            continue;
        }
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        table.set_header(section.header.clone());
        // Cells from ledgers are shown, never obeyed: ESC, NUL, bidi controls escaped (a cell's
        // own line breaks kept).
        for row in &section.rows {
            table.add_row(row.iter().map(|c| crate::diagnostics::shown(c, true).into_owned()).collect::<Vec<_>>());
        }
        for index in section.figures.clone() {
            if let Some(column) = table.column_mut(index) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        out.push_str(&table.to_string());
        out.push('\n');
        for note in &section.notes {
            out.push_str(note);
            out.push('\n');
        }
    }
    if !footer.is_empty() {
        out.push('\n');
    }
    for line in footer {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Text from the policy or the ledgers as Markdown that shows exactly that text: `<`, `>`
/// and `&` as HTML entities (a Markdown viewer passes raw HTML through, so a payee named
/// `<script>` would run), and the characters that make code, emphasis, links or table cells
/// (`\`, `` ` ``, `*`, `[`, `]`, `|`) behind a backslash. Line breaks become spaces. (An
/// `_` inside a word, as in `sales_performance`, makes no emphasis and is left alone.)
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Markdown: a `##` heading per section and a pipe table, ready to paste into a review.
pub fn markdown(heading: &[String], sections: &[Section], footer: &[String]) -> String {
    let cell = |c: &str| markdown_text(c);
    let mut out = String::new();
    for line in heading {
        out.push_str(line);
        out.push_str("\n\n");
    }
    for section in sections {
        out.push_str(&format!("## {}\n\n", section.title));
        if section.rows.is_empty() {
            out.push_str("(none)\n\n");
            continue;
        }
        let header: Vec<String> = section.header.iter().map(|h| cell(h)).collect();
        out.push_str(&format!("| {} |\n", header.join(" | ")));
        let rule: Vec<&str> =
            (0..section.header.len()).map(|i| if section.figures.contains(&i) { "---:" } else { "---" }).collect();
        out.push_str(&format!("|{}|\n", rule.join("|")));
        for row in &section.rows {
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        for note in &section.notes {
            out.push_str(&format!("\n{note}\n"));
        }
        out.push('\n');
    }
    for line in footer {
        out.push_str(line);
        out.push_str("\n\n");
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// One section as CSV (header and rows, no title or notes), every cell neutralised
/// ([`super::csv::neutralise`]).
pub fn csv(section: &Section) -> String {
    let mut out = Vec::new();
    let mut writer = super::csv::SafeWriter::new(&mut out);
    // Writing to a Vec cannot fail; errors would only come from the underlying writer.
    let _ = writer.record(&section.header);
    for row in &section.rows {
        let _ = writer.record(row);
    }
    let _ = writer.finish();
    String::from_utf8(out).unwrap_or_default()
}

/// How amounts are written: grouped with a sign on changes (tables), or plain (CSV).
#[derive(Clone, Copy)]
pub struct Style {
    pub scale: u32,
    pub grouped: bool,
}

impl Style {
    pub fn amount(self, d: Decimal) -> String {
        if self.grouped {
            format_grouped(d, self.scale)
        } else {
            format_plain(d, self.scale)
        }
    }
    pub fn change(self, d: Decimal) -> String {
        let text = self.amount(d);
        if self.grouped && d > Decimal::ZERO {
            format!("+{text}")
        } else {
            text
        }
    }
    pub fn pct(self, p: Option<Decimal>) -> String {
        match p {
            Some(p) if self.grouped && p > Decimal::ZERO => format!("+{}%", fixed2(p)),
            Some(p) if self.grouped => format!("{}%", fixed2(p)),
            Some(p) => fixed2(p),
            None if self.grouped => "-".into(),
            None => String::new(),
        }
    }
}

/// A percentage with exactly two decimals.
pub fn fixed2(p: Decimal) -> String {
    format_plain(p, 2)
}

/// One line per file read: how many passes, for which plans.
pub fn reads_footer(evaluation: &Evaluation, what: &str) -> Vec<String> {
    evaluation
        .passes()
        .into_iter()
        .map(|(path, n)| {
            let times = if n == 1 { "once".to_string() } else { format!("{n} times") };
            format!("{path}: read {times} for {what}")
        })
        .collect()
}
