//! The performance reports as self-contained HTML: inline CSS and SVG, no scripts, readable
//! on a phone (one column, tables scroll sideways) and printable on A4.

use rust_decimal::Decimal;

use super::{stats, PayeeReport, Reports, TeamReport, Word};
use crate::money::format_grouped;
use crate::report::svg::{bars, escape, histogram};

const STYLE: &str = "\
:root{--ink:#1d2733;--muted:#5b6673;--line:#d9dee4;--accent:#2e6da4}\
*{box-sizing:border-box}\
body{font-family:-apple-system,'Segoe UI','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;color:var(--ink);margin:0;padding:16px;line-height:1.45}\
main{max-width:860px;margin:0 auto}\
h1{font-size:1.45rem;margin:0 0 4px}h2{font-size:1.1rem;margin:24px 0 8px;border-bottom:2px solid var(--accent);padding-bottom:4px}\
.meta{color:var(--muted);font-size:.9rem;margin:0 0 12px}\
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px}\
.card{border:1px solid var(--line);border-radius:6px;padding:8px 10px}.card b{display:block;font-size:1.15rem}.card span{color:var(--muted);font-size:.85rem}\
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92rem}\
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
tr.total td{font-weight:700;border-top:2px solid var(--ink)}\
ul{padding-left:20px}code{background:#f2f4f7;padding:1px 4px;border-radius:3px;font-size:.85em;word-break:break-all}\
footer{margin-top:28px;color:var(--muted);font-size:.8rem}\
.page{page-break-after:always}\
@page{size:A4;margin:14mm}\
svg{max-height:280px}\
@media print{body{padding:0}.scroll{overflow:visible}a{color:inherit;text-decoration:none}\
table{font-size:.72rem}th,td{white-space:normal;padding:3px 4px}svg{max-height:200px}}";

fn page(lang_code: &str, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang_code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>\n{body}\n</main></body></html>\n",
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
    out.push_str(&format!("<h2>{}</h2>\n<div class=\"scroll\"><table>", w(Word::Pay)));
    for line in &p.lines {
        let note =
            line.pays_in.map(|m| format!(" <span class=\"meta\">({} {m})</span>", w(Word::NotDue))).unwrap_or_default();
        out.push_str(&format!(
            "<tr><td>{}{note}</td><td class=\"n\">{}</td></tr>",
            escape(&line.label),
            format_grouped(line.amount, line.scale)
        ));
    }
    out.push_str(&format!(
        "<tr class=\"total\"><td>{}</td><td class=\"n\">{} {}</td></tr></table></div>\n",
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

pub fn payee_page(r: &Reports, p: &PayeeReport) -> String {
    page(lang_code(r), &format!("{} {} {}", r.lang.word(Word::Title), p.payee, p.month), &payee_section(r, p))
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
    out.push_str(&format!("<h2>{}</h2>\n<div class=\"scroll\"><table><tr><th>{}</th>", w(Word::Pay), w(Word::Payee)));
    for name in &t.attr_names {
        out.push_str(&format!("<th>{}</th>", escape(name)));
    }
    for h in &t.headers {
        out.push_str(&format!("<th class=\"n\">{}</th>", escape(h)));
    }
    out.push_str(&format!("<th class=\"n\">{}</th></tr>", w(Word::Total)));
    for crate::performance::TeamRow { payee, attrs, amounts, total } in &t.rows {
        let name = match link(payee) {
            Some(href) => format!("<a href=\"{}\">{}</a>", escape(&href), escape(payee)),
            None => escape(payee),
        };
        out.push_str(&format!("<tr><td>{name}</td>"));
        for a in attrs {
            out.push_str(&format!("<td>{}</td>", escape(a)));
        }
        for (a, scale) in amounts.iter().zip(&r.component_scales) {
            out.push_str(&format!("<td class=\"n\">{}</td>", format_grouped(*a, *scale)));
        }
        out.push_str(&format!("<td class=\"n\">{}</td></tr>", money(r, *total)));
    }
    out.push_str(&format!("<tr class=\"total\"><td>{}</td>", w(Word::Total)));
    for _ in &t.attr_names {
        out.push_str("<td></td>");
    }
    for (a, scale) in t.component_totals.iter().zip(&r.component_scales) {
        out.push_str(&format!("<td class=\"n\">{}</td>", format_grouped(*a, *scale)));
    }
    out.push_str(&format!("<td class=\"n\">{} {}</td></tr></table></div>\n", money(r, t.total), escape(&r.currency)));
    if t.rows.len() > 1 {
        out.push_str(&format!("<h2>{}</h2>\n", w(Word::Distribution)));
        out.push_str(&histogram(&totals, 6));
        out.push('\n');
    }
    out
}

pub fn team_page(r: &Reports, link: &dyn Fn(&str) -> Option<String>) -> String {
    page(lang_code(r), &format!("{} {}", r.lang.word(Word::TeamTitle), r.team.month), &team_section(r, &r.team, link))
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
    page(lang_code(r), &format!("{} {}", r.lang.word(Word::Title), r.team.month), &body)
}

fn anchor(payee: &str) -> String {
    format!("p-{}", escape(payee))
}
