//! The performance reports as self-contained HTML: inline CSS and SVG, no scripts, readable
//! on a phone (one column; the team table becomes one block per payee) and printable on A4.

use rust_decimal::Decimal;

use super::{stats, PayeeReport, Reports, TeamReport, Word};
use crate::money::format_grouped;
use crate::report::svg::{bars, escape, histogram};

// Layout: one column; text cells wrap and money never does. The team table is a table from
// 641 px up (the page widens to 1200 px so every column fits at 1280) and, below that, one
// block per payee of "label  value" lines, so a phone shows every figure without sideways
// scrolling. Print (A4, 182 mm between the margins) uses the table in a smaller type.
const STYLE: &str = "\
:root{--ink:#1d2733;--muted:#5b6673;--line:#d9dee4;--accent:#2e6da4}\
*{box-sizing:border-box}\
body{font-family:-apple-system,'Segoe UI','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;color:var(--ink);margin:0;padding:16px;line-height:1.45}\
main{max-width:860px;margin:0 auto}main.wide{max-width:1200px}\
h1{font-size:1.45rem;margin:0 0 4px;overflow-wrap:anywhere}h2{font-size:1.1rem;margin:24px 0 8px;border-bottom:2px solid var(--accent);padding-bottom:4px}\
.meta{color:var(--muted);font-size:.9rem;margin:0 0 12px}\
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px}\
.card{border:1px solid var(--line);border-radius:6px;padding:8px 10px}.card b{display:block;font-size:1.15rem}.card span{color:var(--muted);font-size:.85rem}\
table{border-collapse:collapse;width:100%;font-size:.92rem}\
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;overflow-wrap:break-word}\
.n,.r{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}th.n{white-space:normal}\
tr.total td{font-weight:700;border-top:2px solid var(--ink)}\
.why{display:block;color:var(--muted);font-size:.82rem;margin-top:2px}\
ul{padding-left:20px}code{background:#f2f4f7;padding:1px 4px;border-radius:3px;font-size:.85em;word-break:break-all}\
footer{margin-top:28px;color:var(--muted);font-size:.8rem}\
.page{page-break-after:always}\
@page{size:A4;margin:14mm}\
svg{max-height:280px;display:block}\
@media (max-width:640px){body{padding:10px}\
table.team thead{display:none}table.team,table.team tbody,table.team tfoot,table.team tr,table.team td{display:block;width:100%}\
table.team tr{display:flex;flex-wrap:wrap;border:1px solid var(--line);border-radius:6px;margin:0 0 8px;padding:4px 10px}\
table.team td{display:flex;justify-content:space-between;gap:12px;border:0;padding:2px 0;text-align:right}\
table.team td::before{content:attr(data-label);color:var(--muted);text-align:left;font-weight:400}\
table.team td:empty{display:none}table.team tr.total td{border:0}\
table.team td.r{width:auto;gap:0;margin-right:8px;font-weight:700}table.team td.r::before{content:'#';font-weight:700;color:inherit}\
table.team td.who{width:auto;flex:1;justify-content:flex-start;font-weight:700}table.team td.who::before{content:none}}\
@media print{body{padding:0}main,main.wide{max-width:none}a{color:inherit;text-decoration:none}\
table{font-size:.68rem}th,td{padding:3px 3px}svg{max-height:200px}}";

fn page(lang_code: &str, title: &str, wide: bool, body: &str) -> String {
    let class = if wide { " class=\"wide\"" } else { "" };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang_code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><main{class}>\n{body}\n</main></body></html>\n",
        escape(title)
    )
}

fn lang_code(r: &Reports) -> &'static str {
    match r.lang {
        super::Lang::En => "en",
        super::Lang::Zh => "zh-CN",
    }
}

fn money(r: &Reports, d: Decimal) -> String {
    format_grouped(d, r.scale)
}

/// One payee's page body (without the surrounding document).
pub fn payee_section(r: &Reports, p: &PayeeReport) -> String {
    let w = |k| r.lang.word(k);
    let mut out = String::new();
    let who: Vec<String> = p.attrs.iter().filter(|(_, v)| !v.is_empty()).map(|(_, v)| escape(v)).collect();
    out.push_str(&format!(
        "<h1>{} · {} {}</h1>\n<p class=\"meta\">{} · {}: {} {}</p>\n",
        w(Word::Title),
        escape(&p.payee),
        if who.is_empty() { String::new() } else { format!("({})", who.join(", ")) },
        p.month,
        w(Word::Policy),
        escape(&r.plan_name),
        escape(&r.plan_version)
    ));
    if !p.figures.is_empty() {
        out.push_str(&format!("<h2>{}</h2>\n<div class=\"cards\">", w(Word::Figures)));
        for (label, value) in &p.figures {
            out.push_str(&format!("<div class=\"card\"><span>{}</span><b>{}</b></div>", escape(label), escape(value)));
        }
        out.push_str("</div>\n");
    }
    out.push_str(&format!("<h2>{}</h2>\n<table class=\"pay\">", w(Word::Pay)));
    for line in &p.lines {
        let note =
            line.pays_in.map(|m| format!(" <span class=\"meta\">({} {m})</span>", w(Word::NotDue))).unwrap_or_default();
        let why: String = line.why.iter().map(|s| format!("<span class=\"why\">{}</span>", sentence(s))).collect();
        out.push_str(&format!(
            "<tr><td>{}{note}{why}</td><td class=\"n\">{}</td></tr>",
            escape(&line.label),
            format_grouped(line.amount, line.scale)
        ));
    }
    out.push_str(&format!(
        "<tr class=\"total\"><td>{}</td><td class=\"n\">{} {}</td></tr></table>\n",
        w(Word::Total),
        money(r, p.total),
        escape(&r.currency)
    ));
    if !p.next.is_empty() {
        out.push_str(&format!("<h2>{}</h2>\n<ul>", w(Word::NextBracket)));
        for sentence in &p.next {
            out.push_str(&format!("<li>{}</li>", escape(sentence)));
        }
        out.push_str("</ul>\n");
    }
    if p.trend.len() > 1 {
        out.push_str(&format!("<h2>{}</h2>\n", w(Word::Trend)));
        let items: Vec<(String, Decimal)> = p.trend.iter().map(|(m, v)| (m.to_string(), *v)).collect();
        out.push_str(&bars(&items, r.scale, true));
        out.push('\n');
    }
    out.push_str(&format!(
        "<footer>{}: <code>{}</code></footer>\n",
        w(Word::Explain),
        escape(&r.explain_command(&p.payee, p.month))
    ));
    out
}

/// A sentence with the policy's own text (between backticks) as code.
fn sentence(s: &str) -> String {
    super::code_pieces(s)
        .map(|(t, code)| if code { format!("<code>{}</code>", escape(t)) } else { escape(t) })
        .collect()
}

pub fn payee_page(r: &Reports, p: &PayeeReport) -> String {
    page(lang_code(r), &format!("{} {} {}", r.lang.word(Word::Title), p.payee, p.month), false, &payee_section(r, p))
}

/// The team page: every payee's figures for the month, totals and the distribution.
pub fn team_section(r: &Reports, t: &TeamReport, link: &dyn Fn(&str) -> Option<String>) -> String {
    let w = |k| r.lang.word(k);
    let mut out = format!(
        "<h1>{} · {}</h1>\n<p class=\"meta\">{}: {} {} · {} {}</p>\n",
        w(Word::TeamTitle),
        t.month,
        w(Word::Policy),
        escape(&r.plan_name),
        escape(&r.plan_version),
        t.rows.len(),
        w(Word::Payees)
    );
    let totals: Vec<Decimal> = t.rows.iter().map(|row| row.total).collect();
    if let Some([lowest, median, mean, highest]) = stats(&totals, r.scale) {
        out.push_str("<div class=\"cards\">");
        for (word, value) in [
            (Word::Total, t.total),
            (Word::Lowest, lowest),
            (Word::Median, median),
            (Word::Mean, mean),
            (Word::Highest, highest),
        ] {
            out.push_str(&format!("<div class=\"card\"><span>{}</span><b>{}</b></div>", w(word), money(r, value)));
        }
        out.push_str("</div>\n");
    }
    // One table; on a narrow screen each row becomes a block of "label: value" lines (the
    // labels are the cells' `data-label`), so every figure is visible without scrolling.
    let mut head = format!("<th class=\"r\">{}</th><th>{}</th>", w(Word::Rank), w(Word::Payee));
    let mut labels: Vec<String> = Vec::new();
    for name in &t.attr_names {
        head.push_str(&format!("<th>{}</th>", escape(name)));
    }
    for h in t.basis_headers.iter().chain(&t.headers) {
        head.push_str(&format!("<th class=\"n\">{}</th>", escape(h)));
        labels.push(escape(h));
    }
    let total_label = format!("{} ({})", w(Word::Total), escape(&r.currency));
    head.push_str(&format!("<th class=\"n\">{total_label}</th>"));
    out.push_str(&format!("<h2>{}</h2>\n<table class=\"team\"><thead><tr>{head}</tr></thead><tbody>", w(Word::Pay)));
    let attr_label = |i: usize| t.attr_names.get(i).map(|n| escape(n)).unwrap_or_default();
    let label = |i: usize| labels.get(i).cloned().unwrap_or_default();
    for row in &t.rows {
        let name = match link(&row.payee) {
            Some(href) => format!("<a href=\"{}\">{}</a>", escape(&href), escape(&row.payee)),
            None => escape(&row.payee),
        };
        out.push_str(&format!(
            "<tr><td class=\"r\" data-label=\"{}\">{}</td><td class=\"who\" data-label=\"{}\">{name}</td>",
            w(Word::Rank),
            row.rank,
            w(Word::Payee)
        ));
        for (i, a) in row.attrs.iter().enumerate() {
            out.push_str(&format!("<td data-label=\"{}\">{}</td>", attr_label(i), escape(a)));
        }
        let mut column = 0;
        for b in &row.basis {
            let shown = b.map_or_else(|| r.lang.word(Word::NoValue).to_string(), |b| money(r, b));
            out.push_str(&format!("<td class=\"n\" data-label=\"{}\">{shown}</td>", label(column)));
            column += 1;
        }
        for (a, scale) in row.amounts.iter().zip(&r.component_scales) {
            out.push_str(&format!(
                "<td class=\"n\" data-label=\"{}\">{}</td>",
                label(column),
                format_grouped(*a, *scale)
            ));
            column += 1;
        }
        out.push_str(&format!("<td class=\"n\" data-label=\"{total_label}\"><b>{}</b></td></tr>", money(r, row.total)));
    }
    out.push_str(&format!(
        "</tbody><tfoot><tr class=\"total\"><td class=\"r\"></td><td class=\"who\">{}</td>",
        w(Word::Total)
    ));
    for i in 0..t.attr_names.len() {
        out.push_str(&format!("<td class=\"attr\" data-label=\"{}\"></td>", attr_label(i)));
    }
    let mut column = 0;
    for b in &t.basis_totals {
        let shown = b.map_or_else(String::new, |b| money(r, b));
        out.push_str(&format!("<td class=\"n\" data-label=\"{}\">{shown}</td>", label(column)));
        column += 1;
    }
    for (a, scale) in t.component_totals.iter().zip(&r.component_scales) {
        out.push_str(&format!("<td class=\"n\" data-label=\"{}\">{}</td>", label(column), format_grouped(*a, *scale)));
        column += 1;
    }
    out.push_str(&format!(
        "<td class=\"n\" data-label=\"{total_label}\">{}</td></tr></tfoot></table>\n",
        money(r, t.total)
    ));
    if t.rows.len() > 1 {
        out.push_str(&format!("<h2>{}</h2>\n", w(Word::Distribution)));
        out.push_str(&histogram(&totals, 6));
        out.push('\n');
    }
    out
}

pub fn team_page(r: &Reports, link: &dyn Fn(&str) -> Option<String>) -> String {
    page(
        lang_code(r),
        &format!("{} {}", r.lang.word(Word::TeamTitle), r.team.month),
        true,
        &team_section(r, &r.team, link),
    )
}

/// Everything in one file: the team overview, then one page per payee.
pub fn single_file(r: &Reports) -> String {
    let mut body = format!(
        "<section class=\"page\">{}</section>\n",
        team_section(r, &r.team, &|p| Some(format!("#{}", anchor(p))))
    );
    for p in &r.payees {
        body.push_str(&format!(
            "<section class=\"page\" id=\"{}\">{}</section>\n",
            anchor(&p.payee),
            payee_section(r, p)
        ));
    }
    page(lang_code(r), &format!("{} {}", r.lang.word(Word::Title), r.team.month), true, &body)
}

fn anchor(payee: &str) -> String {
    format!("p-{}", escape(payee))
}
