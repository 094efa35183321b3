//! The performance reports as Markdown, for wikis, email and review in git.

use rust_decimal::Decimal;

use super::{stats, PayeeReport, Reports, Word};
use crate::money::format_grouped;

use crate::report::sections::markdown_text as text;

fn cell(t: &str) -> String {
    text(t)
}

/// `text` as a Markdown code span: fenced by more backticks than any run inside it, so no
/// backtick in a payee id can end the span early (what is inside a code span is never HTML).
fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{}{pad}{fence}", text.replace(['\n', '\r'], " "))
}

/// A sentence with the policy's own text (between backticks) as code spans.
fn sentence(s: &str) -> String {
    super::code_pieces(s).map(|(t, code)| if code { code_span(t) } else { text(t) }).collect()
}

pub fn payee(r: &Reports, p: &PayeeReport) -> String {
    let w = |k| r.lang.word(k);
    let m = |d: Decimal| format_grouped(d, r.scale);
    let who: Vec<String> = p.attrs.iter().map(|(_, v)| text(v)).filter(|v| !v.is_empty()).collect();
    let mut out = format!(
        "# {} · {}{}\n\n",
        w(Word::Title),
        text(&p.payee),
        if who.is_empty() { String::new() } else { format!(" ({})", who.join(", ")) }
    );
    out.push_str(&format!("{} · {}: {} {}\n\n", p.month, w(Word::Policy), text(&r.plan_name), text(&r.plan_version)));
    if !p.figures.is_empty() {
        out.push_str(&format!("## {}\n\n| | |\n|---|---:|\n", w(Word::Figures)));
        for (label, value) in &p.figures {
            out.push_str(&format!("| {} | {} |\n", cell(label), cell(value)));
        }
        out.push('\n');
    }
    out.push_str(&format!("## {}\n\n| | {} |\n|---|---:|\n", w(Word::Pay), r.currency));
    for line in &p.lines {
        let note = line.pays_in.map(|month| format!(" ({} {month})", w(Word::NotDue))).unwrap_or_default();
        out.push_str(&format!("| {}{note} | {} |\n", cell(&line.label), format_grouped(line.amount, line.scale)));
    }
    out.push_str(&format!("| **{}** | **{}** |\n\n", w(Word::Total), m(p.total)));
    if p.lines.iter().any(|l| !l.why.is_empty()) {
        out.push_str(&format!("## {}\n\n", w(Word::Why)));
        for line in p.lines.iter().filter(|l| !l.why.is_empty()) {
            let sentences: Vec<String> = line.why.iter().map(|s| sentence(s)).collect();
            out.push_str(&format!("- {}: {}\n", text(&line.label), sentences.join("; ")));
        }
        out.push('\n');
    }
    if !p.next.is_empty() {
        out.push_str(&format!("## {}\n\n", w(Word::NextBracket)));
        for sentence in &p.next {
            out.push_str(&format!("- {}\n", text(sentence)));
        }
        out.push('\n');
    }
    if p.trend.len() > 1 {
        out.push_str(&format!("## {}\n\n| {} | {} |\n|---|---:|\n", w(Word::Trend), w(Word::Month), w(Word::Total)));
        for (month, total) in &p.trend {
            out.push_str(&format!("| {month} | {} |\n", m(*total)));
        }
        out.push('\n');
    }
    out.push_str(&format!("{}: {}\n", w(Word::Explain), code_span(&r.explain_command(&p.payee, p.month))));
    out
}

pub fn team(r: &Reports) -> String {
    let w = |k| r.lang.word(k);
    let m = |d: Decimal| format_grouped(d, r.scale);
    let t = &r.team;
    let mut out = format!(
        "# {} · {}\n\n{}: {} {} · {} {}\n\n",
        w(Word::TeamTitle),
        t.month,
        w(Word::Policy),
        text(&r.plan_name),
        text(&r.plan_version),
        t.rows.len(),
        w(Word::Payees)
    );
    let mut header = format!("| {} | {} |", w(Word::Rank), w(Word::Payee));
    let mut rule = "|---:|---|".to_string();
    for name in &t.attr_names {
        header.push_str(&format!(" {} |", cell(name)));
        rule.push_str("---|");
    }
    for h in t.basis_headers.iter().chain(&t.headers) {
        header.push_str(&format!(" {} |", cell(h)));
        rule.push_str("---:|");
    }
    header.push_str(&format!(" {} |", w(Word::Total)));
    rule.push_str("---:|");
    out.push_str(&format!("{header}\n{rule}\n"));
    for row in &t.rows {
        let mut line = format!("| {} | {} |", row.rank, cell(&row.payee));
        for a in &row.attrs {
            line.push_str(&format!(" {} |", cell(a)));
        }
        for b in &row.basis {
            line.push_str(&format!(" {} |", b.map_or_else(|| w(Word::NoValue).to_string(), m)));
        }
        for (a, scale) in row.amounts.iter().zip(&r.component_scales) {
            line.push_str(&format!(" {} |", format_grouped(*a, *scale)));
        }
        line.push_str(&format!(" {} |", m(row.total)));
        out.push_str(&format!("{line}\n"));
    }
    let mut row = format!("| | **{}** |", w(Word::Total));
    for _ in &t.attr_names {
        row.push_str(" |");
    }
    for b in &t.basis_totals {
        row.push_str(&format!(" {} |", b.map_or_else(String::new, |b| format!("**{}**", m(b)))));
    }
    for (a, scale) in t.component_totals.iter().zip(&r.component_scales) {
        row.push_str(&format!(" **{}** |", format_grouped(*a, *scale)));
    }
    row.push_str(&format!(" **{}** |", m(t.total)));
    out.push_str(&format!("{row}\n\n"));
    let totals: Vec<Decimal> = t.rows.iter().map(|r| r.total).collect();
    if let Some([lowest, median, mean, highest]) = stats(&totals, r.scale) {
        out.push_str(&format!(
            "{}: {} {} · {} {} · {} {} · {} {}\n",
            w(Word::Distribution),
            w(Word::Lowest),
            m(lowest),
            w(Word::Median),
            m(median),
            w(Word::Mean),
            m(mean),
            w(Word::Highest),
            m(highest)
        ));
    }
    // The histogram of the HTML page as text: the same bins with round edges.
    if let Some((start, width, counts)) = crate::report::svg::bins(&totals, 6).filter(|_| totals.len() > 1) {
        let bins: Vec<String> = counts
            .iter()
            .zip(0u32..)
            .map(|(count, i)| {
                // `bins` has checked that every edge can be formed.
                let from = width.checked_mul(Decimal::from(i)).and_then(|d| start.checked_add(d)).unwrap_or(start);
                let to = from.checked_add(width).unwrap_or(from);
                let edge = |d: Decimal| format_grouped(d, width.scale());
                format!("{}–{}: {count}", edge(from), edge(to))
            })
            .collect();
        out.push_str(&format!("\n{} ({}): {}\n", w(Word::Distribution), w(Word::Payees), bins.join(" · ")));
    }
    out
}
