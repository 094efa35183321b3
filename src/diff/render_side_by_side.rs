//! One payee under two plans, side by side: every component's figure per period and the
//! aggregate and lookup values behind it.

use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

use crate::diff::side_by_side::{Behind, Figure, SideBySide};
use crate::diff::Comparison;
use crate::money::format_grouped;
use crate::plan::Ty;
use crate::report::sections::Style;
use crate::report::sections::{self, Section};
use crate::value::Value;

fn value_text(b: &Behind, scale: u32) -> String {
    match (&b.value, b.ty) {
        (Value::Number(n), Ty::Money) => format_grouped(*n, scale),
        (Value::Number(n), Ty::Percent) => format!("{}%", (*n * Decimal::ONE_HUNDRED).normalize()),
        (Value::Number(n), _) => n.normalize().to_string(),
        (Value::Missing, _) => "(none)".into(),
        (Value::Text(t), _) => t.to_string(),
        (other, _) => other.to_string(),
    }
}

fn behind_text(f: Option<&Figure>, scale: u32, separator: &str) -> String {
    f.map(|f| {
        f.behind.iter().map(|b| format!("{} = {}", b.label, value_text(b, scale))).collect::<Vec<_>>().join(separator)
    })
    .unwrap_or_default()
}

fn section(cmp: &Comparison<'_>, sbs: &SideBySide, style: Style, separator: &str) -> Section {
    let mut s = Section::new(
        format!("{}: each component, old and new", sbs.payee),
        &["component", "period", "old", "new", "change", "old: computed from", "new: computed from"],
        2,
    );
    s.figures = 2..5;
    for line in &sbs.lines {
        let amount = |f: Option<&Figure>| f.map(|f| style.amount(f.amount)).unwrap_or_else(|| "-".into());
        let old_behind = behind_text(line.old.as_ref(), style.scale, separator);
        let mut new_behind = behind_text(line.new.as_ref(), style.scale, separator);
        if line.old.is_some() && new_behind == old_behind {
            new_behind = "same".into();
        }
        s.row(vec![
            line.component.clone(),
            line.period.to_string(),
            amount(line.old.as_ref()),
            amount(line.new.as_ref()),
            style.change(line.change()),
            old_behind,
            new_behind,
        ]);
    }
    let change = |p: &crate::diff::PayeeChange| p.change();
    if let Some(p) = cmp.payees.iter().find(|p| p.payee == sbs.payee) {
        s.note(format!(
            "total: old {}, new {}, change {}",
            p.old.map_or("-".into(), |d| style.amount(d)),
            p.new.map_or("-".into(), |d| style.amount(d)),
            style.change(change(p))
        ));
    }
    s
}

pub fn table(cmp: &Comparison<'_>, sbs: &SideBySide) -> String {
    let style = Style { scale: cmp.scale, grouped: true };
    sections::table(&crate::diff::render::heading(cmp), &[section(cmp, sbs, style, "\n")], &[])
}

pub fn markdown(cmp: &Comparison<'_>, sbs: &SideBySide) -> String {
    let style = Style { scale: cmp.scale, grouped: true };
    sections::markdown(&[crate::diff::render::heading(cmp).join("  \n")], &[section(cmp, sbs, style, "; ")], &[])
}

pub fn csv(cmp: &Comparison<'_>, sbs: &SideBySide) -> String {
    sections::csv(&section(cmp, sbs, Style { scale: cmp.scale, grouped: false }, "; "))
}

/// The workbook of `diff --explain PAYEE --format xlsx`: the payee's components side by side.
pub fn xlsx(cmp: &Comparison<'_>, sbs: &SideBySide) -> Vec<crate::report::xlsx::Sheet> {
    let style = Style { scale: cmp.scale, grouped: false };
    let mut about = super::render::heading(cmp);
    about.push(format!("payee: {}", sbs.payee));
    vec![
        crate::report::xlsx::from_section("side by side", &section(cmp, sbs, style, "; ")),
        crate::report::xlsx::about_sheet(&about),
    ]
}

pub fn json(cmp: &Comparison<'_>, sbs: &SideBySide) -> String {
    let style = Style { scale: cmp.scale, grouped: false };
    let figure = |f: Option<&Figure>| match f {
        None => Json::Null,
        Some(f) => {
            let behind: serde_json::Map<String, Json> = f
                .behind
                .iter()
                .map(|b| {
                    let v = match &b.value {
                        Value::Number(n) if b.ty == Ty::Money => Json::String(style.amount(*n)),
                        Value::Number(n) => Json::String(n.normalize().to_string()),
                        Value::Missing => Json::Null,
                        Value::Text(t) => Json::String(t.to_string()),
                        other => Json::String(other.to_string()),
                    };
                    (b.label.clone(), v)
                })
                .collect();
            json!({"amount": style.amount(f.amount), "computed_from": behind})
        }
    };
    let lines: Vec<Json> = sbs
        .lines
        .iter()
        .map(|l| {
            json!({
                "component": l.component,
                "status": if l.pairing.name().is_empty() { "same" } else { l.pairing.name() },
                "period": l.period.to_string(),
                "old": figure(l.old.as_ref()),
                "new": figure(l.new.as_ref()),
                "change": style.amount(l.change()),
            })
        })
        .collect();
    let payee = cmp.payees.iter().find(|p| p.payee == sbs.payee);
    let summary = payee.map_or(Json::Null, |p| {
        json!({"old": p.old.map(|d| style.amount(d)), "new": p.new.map(|d| style.amount(d)), "change": style.amount(p.change())})
    });
    let mut doc: serde_json::Map<String, Json> =
        crate::diff::render::head(cmp).into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    doc.insert("reads".into(), Json::Array(crate::diff::render::reads(cmp)));
    doc.insert("payee".into(), Json::String(sbs.payee.to_string()));
    doc.insert("total".into(), summary);
    doc.insert("lines".into(), Json::Array(lines));
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
