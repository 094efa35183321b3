//! Declarations, statements, tables and test blocks, aligned in columns where they are lists.

use super::expr::expr;
use super::lines::{pad, width, Blank, Out};
use crate::lang::Cadence;
use crate::source::Span;
use crate::syntax::ast::*;

pub fn policy(out: &mut Out<'_>, policy: &Policy) {
    let h = &policy.header;
    out.line(Blank::Always);
    out.tok("policy ", Span::new(h.span.start, h.span.start + 6));
    out.tok(out.source(h.name.span), h.name.span);
    out.text(" version ");
    out.tok(out.source(h.version.span), h.version.span);
    out.text(" currency ");
    out.tok(&h.currency.name, h.currency.span);
    if let Some(e) = &h.effective {
        out.text(" effective ");
        out.tok(&e.value, e.span);
    }
    for item in &policy.items {
        match item {
            Item::Rounding(r) => {
                out.line(Blank::Always);
                rounding(out, r);
            }
            Item::Input(i) => input(out, i),
            Item::Payee(p) => {
                out.line(Blank::Always);
                out.tok("payee ", Span::new(p.span.start, p.span.start + 5));
                out.tok(&p.input.name, p.input.span);
                out.text(".");
                out.tok(&p.column.name, p.column.span);
            }
            Item::Credit(c) => {
                out.line(Blank::Always);
                keyword(out, "credit ", c.span);
                out.tok(&c.input.name, c.input.span);
                out.text(" by ");
                out.tok(&c.by.name, c.by.span);
                out.text(".");
                out.tok(&c.share.name, c.share.span);
            }
            Item::Table(t) => table(out, t),
            Item::Component(c) => component(out, c),
            Item::Metric(m) => metric(out, m),
            Item::StatementLimit(l) => {
                out.line(Blank::Always);
                let word = match l.kind.value {
                    LimitKind::Cap => "cap",
                    LimitKind::Floor => "floor",
                };
                keyword(out, "statement ", l.span);
                out.tok(word, l.kind.span);
                out.text(" ");
                out.tok(&literal_text(out, l.amount.span), l.amount.span);
                out.text(" per month");
            }
            Item::Test(t) => test(out, t),
        }
    }
    out.end_line();
}

fn keyword(out: &mut Out<'_>, word: &str, span: Span) {
    out.tok(word, Span::new(span.start, span.start + word.trim_end().len()));
}

fn rounding(out: &mut Out<'_>, r: &RoundingDecl) {
    keyword(out, "rounding ", r.span);
    out.tok(out.source(r.mode.span), r.mode.span);
    out.text(" ");
    out.tok(out.source(r.step.span), r.step.span);
}

fn open_brace(out: &mut Out<'_>, after: usize) {
    let at = out.find(after, '{');
    out.tok(" {", Span::new(at, at + 1));
    out.indent += 1;
}

fn close_brace(out: &mut Out<'_>, span: Span) {
    out.indent -= 1;
    out.close(span.end.saturating_sub(1));
    out.end_line();
}

fn input(out: &mut Out<'_>, decl: &InputDecl) {
    out.line(Blank::Always);
    keyword(out, "input ", decl.span);
    out.tok(&decl.name.name, decl.name.span);
    let mut brace_after = decl.name.span.end;
    if let Some(span) = decl.ignores_others {
        out.text(" ");
        out.tok("ignoring other columns", span);
        brace_after = span.end;
    }
    open_brace(out, brace_after);
    let roles = |c: &ColumnDecl| c.roles.iter().map(|r| r.value.word()).collect::<Vec<_>>().join(" ");
    let role_width = decl.columns.iter().map(|c| width(&roles(c))).max().unwrap_or(0);
    let heads: Vec<String> = decl
        .columns
        .iter()
        .map(|c| match &c.label {
            Some(l) => format!("{} {}:", c.name.name, literal_text(out, l.span)),
            None => format!("{}:", c.name.name),
        })
        .collect();
    let name_width = heads.iter().map(|h| width(h)).max().unwrap_or(0);
    for (c, head) in decl.columns.iter().zip(&heads) {
        out.line(Blank::Keep);
        let r = roles(c);
        if role_width > 0 {
            let text = pad(&r, role_width + 1);
            match c.roles.first() {
                Some(first) => out.tok(&text, first.span),
                None => out.text(&text),
            }
        }
        let name_span = match &c.label {
            Some(l) => c.name.span.to(l.span),
            None => c.name.span,
        };
        out.tok(&pad(head, name_width + 1), name_span);
        out.tok(&c.ty.name, c.ty.span);
        if let Some(least) = &c.at_least {
            out.text(" >= ");
            out.tok(out.source(least.span), least.span);
        }
        if let Some(values) = &c.values {
            out.text(" in [");
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.text(", ");
                }
                out.tok(out.source(v.span), v.span);
                if let Some(Some(label)) = c.value_labels.get(i) {
                    out.text(" as ");
                    out.tok(out.source(label.span), label.span);
                }
            }
            out.text("]");
        }
        if let Some((input, column)) = &c.within {
            out.text(" within ");
            out.tok(&input.name, input.span);
            out.text(".");
            out.tok(&column.name, column.span);
        }
    }
    close_brace(out, decl.span);
}

fn literal_text<'s>(out: &Out<'s>, span: Span) -> String {
    out.source(span).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn table(out: &mut Out<'_>, decl: &TableDecl) {
    out.line(Blank::Always);
    keyword(out, "table ", decl.span);
    out.tok(&decl.name.name, decl.name.span);
    out.text("(");
    for (i, p) in decl.params.iter().enumerate() {
        if i > 0 {
            out.text(", ");
        }
        out.tok(&p.name, p.span);
    }
    out.text(")");
    open_brace(out, decl.params.last().map_or(decl.name.span.end, |p| p.span.end));
    // Each key with its comma, padded to the widest in its column.
    let cells = |row: &TableRow| -> Vec<String> {
        let n = row.keys.len();
        row.keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let text = match &k.value {
                    None => "_".to_string(),
                    Some(_) => literal_text(out, k.span),
                };
                if i + 1 < n {
                    format!("{text},")
                } else {
                    text
                }
            })
            .collect()
    };
    let rows: Vec<Vec<String>> = decl.rows.iter().map(cells).collect();
    let mut widths: Vec<usize> = Vec::new();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(width(cell)),
                None => widths.push(width(cell)),
            }
        }
    }
    let keys_width = widths.iter().sum::<usize>() + widths.len().saturating_sub(1);
    for (row, cells) in decl.rows.iter().zip(&rows) {
        out.line(Blank::Keep);
        let text: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| pad(c, *w)).collect();
        out.tok(&pad(&text.join(" "), keys_width), row.span);
        out.text(" -> ");
        out.tok(&literal_text(out, row.value.span), row.value.span);
    }
    if let Some(o) = &decl.otherwise {
        out.line(Blank::Keep);
        out.text(&pad("else", keys_width.max(4)));
        out.text(" -> ");
        out.tok(&literal_text(out, o.span), o.span);
    }
    close_brace(out, decl.span);
}

pub fn brackets(out: &mut Out<'_>, brackets: &[Bracket]) {
    // `50% of target`, `target` (100% of it) or a plain bound.
    let bound = |out: &Out<'_>, b: &Bracket| match &b.of {
        Some(of) if of.span == b.from.span => of.name.clone(),
        Some(of) => format!("{} of {}", out.source(b.from.span), of.name),
        None => out.source(b.from.span).to_string(),
    };
    let from_width = brackets.iter().map(|b| width(&bound(out, b))).max().unwrap_or(0);
    for b in brackets {
        out.line(Blank::Keep);
        keyword(out, "from ", b.span);
        let span = b.of.as_ref().map_or(b.from.span, |of| b.from.span.to(of.span));
        out.tok(&pad(&bound(out, b), from_width + 2), span);
        match b.pays {
            BracketPay::Rate(r) => {
                out.text("rate ");
                out.tok(out.source(r.span), r.span);
            }
            BracketPay::Fixed(f) => {
                out.text("fixed ");
                out.tok(out.source(f.span), f.span);
            }
        }
    }
}

/// `name "label" cadence`, the heading components and metrics share.
fn heading(out: &mut Out<'_>, name: &Ident, label: Option<&Spanned<String>>, cadence: &Spanned<Cadence>) {
    out.tok(&name.name, name.span);
    if let Some(label) = label {
        out.text(" ");
        out.tok(out.source(label.span), label.span);
    }
    out.text(" ");
    out.tok(out.source(cadence.span), cadence.span);
}

fn component(out: &mut Out<'_>, decl: &ComponentDecl) {
    out.line(Blank::Always);
    keyword(out, "component ", decl.span);
    heading(out, &decl.name, decl.label.as_ref(), &decl.cadence);
    open_brace(out, decl.cadence.span.end);
    for statement in &decl.body {
        out.line(Blank::Keep);
        match statement {
            Clause::Let { name, value, span } => {
                keyword(out, "let ", *span);
                out.tok(&name.name, name.span);
                out.text(" = ");
                expr(out, value, 0);
            }
            Clause::When { condition, span } => {
                keyword(out, "when ", *span);
                expr(out, condition, 0);
            }
            Clause::Pay { value, span } => {
                keyword(out, "pay ", *span);
                expr(out, value, 0);
            }
            Clause::Cap { value, span } => {
                keyword(out, "cap ", *span);
                expr(out, value, 0);
            }
            Clause::Floor { value, span } => {
                keyword(out, "floor ", *span);
                expr(out, value, 0);
            }
            Clause::Rounding(r) => rounding(out, r),
        }
    }
    close_brace(out, decl.span);
}

/// `metric name "label" cadence = expression`, one per line; consecutive metrics stay together.
fn metric(out: &mut Out<'_>, decl: &MetricDecl) {
    out.line(Blank::Keep);
    keyword(out, "metric ", decl.span);
    heading(out, &decl.name, decl.label.as_ref(), &decl.cadence);
    out.text(" = ");
    expr(out, &decl.value, 0);
}

fn test(out: &mut Out<'_>, decl: &TestDecl) {
    out.line(Blank::Always);
    keyword(out, "test ", decl.span);
    out.tok(out.source(decl.name.span), decl.name.span);
    open_brace(out, decl.name.span.end);
    for item in &decl.body {
        out.line(Blank::Keep);
        match item {
            TestItem::Period(p) => {
                out.text("period ");
                out.tok(&p.value, p.span);
            }
            TestItem::Rows(rows) => test_rows(out, rows),
            TestItem::Expect(e) => {
                keyword(out, "expect ", e.span);
                out.tok(out.source(e.payee.span), e.payee.span);
                out.text(" ");
                out.tok(&e.component.name, e.component.span);
                if let Some(p) = &e.period {
                    out.text(" in ");
                    out.tok(&p.value, p.span);
                }
                out.text(" = ");
                out.tok(out.source(e.figure.span), e.figure.span);
                if let Some(t) = &e.tolerance {
                    out.text(" within ");
                    out.tok(out.source(t.span), t.span);
                }
            }
        }
    }
    close_brace(out, decl.span);
}

/// Inline CSV rows, one per line, fields aligned. Comments are left to the line machinery:
/// each row keeps the source position it came from.
fn test_rows(out: &mut Out<'_>, rows: &TestRows) {
    out.tok(&rows.input.name, rows.input.span);
    out.tok(" {", Span::new(rows.body.start.saturating_sub(1), rows.body.start));
    out.indent += 1;
    let mut widths: Vec<usize> = Vec::new();
    for row in &rows.rows {
        let n = row.value.len();
        for (i, f) in row.value.iter().enumerate().take(n.saturating_sub(1)) {
            let w = width(f) + 1;
            match widths.get_mut(i) {
                Some(x) => *x = (*x).max(w),
                None => widths.push(w),
            }
        }
    }
    for row in &rows.rows {
        out.line(Blank::Keep);
        let n = row.value.len();
        let cells: Vec<String> = row
            .value
            .iter()
            .enumerate()
            .map(
                |(i, f)| if i + 1 < n { pad(&format!("{f},"), widths.get(i).copied().unwrap_or(0)) } else { f.clone() },
            )
            .collect();
        out.tok(&cells.join(" "), row.span);
    }
    out.indent -= 1;
    out.close(rows.span.end.saturating_sub(1));
}
