//! Renders an explanation: a readable derivation (text) or the same tree as JSON. The
//! explanation itself is computed by `eval::trace`; nothing here computes.
//!
//! May use: `eval` (the trace's model), `plan`, `money`, `value`. Never `cli`.

use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

use crate::eval::trace::{ComponentExplanation, Explanation, Fact, RowList, Step, StepKind, TierSlice};
use crate::lang::{Cadence, TierMode};
use crate::money::{format_grouped, format_plain, mode_name};
use crate::plan::{Plan, TierPay, Ty};
use crate::value::Value;

/// A value as an analyst reads it: money with separators and every exact decimal,
/// percentages as percentages.
pub fn show(value: &Value, ty: Ty) -> String {
    match (value, ty) {
        (Value::Number(n), Ty::Money) => money(*n),
        (Value::Number(n), Ty::Percent) => format!("{}%", (n * Decimal::ONE_HUNDRED).normalize()),
        (Value::Number(n), _) => n.normalize().to_string(),
        (Value::Missing, _) => "no value".to_string(),
        (other, _) => other.to_string(),
    }
}

/// Every significant decimal, at least two: `6,847.081`, `300,000.00`.
fn money(d: Decimal) -> String {
    format_grouped(d, d.normalize().scale().max(2))
}

fn cadence_word(c: Cadence) -> &'static str {
    match c {
        Cadence::Monthly => "monthly",
        Cadence::Quarterly => "quarterly",
        Cadence::Yearly => "yearly",
    }
}

/// Shortens a policy excerpt for a heading line.
fn short(text: &str) -> String {
    const MAX: usize = 72;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX - 1).collect::<String>())
    }
}

pub fn render_text(plan: &Plan, e: &Explanation) -> String {
    let file = &plan.source.name;
    let at = |line: usize| format!("{file}:{line}");
    let scale = plan.rounding.scale();
    let mut out = String::new();
    let mut who = e.payee.to_string();
    let attrs: Vec<String> = plan
        .payee_columns()
        .iter()
        .filter_map(|(i, name)| {
            let v = e.attrs.get(*i)?;
            // A labelled value keeps its code beside the label: `role account_manager (客户经理)`.
            let label = plan.payee_value_label(*i, v);
            Some(match label == v.plain() {
                true => format!("{name} {}", v.plain()),
                false => format!("{name} {} ({label})", v.plain()),
            })
        })
        .collect();
    if !attrs.is_empty() {
        who.push_str(&format!(" ({})", attrs.join(", ")));
    }
    out.push_str(&format!("Statement of {who} for {}\n", e.month));
    out.push_str(&format!(
        "{} version {} ({file}, sha256 {})\n",
        plan.name,
        plan.version,
        plan.sha256.get(..12).unwrap_or(&plan.sha256)
    ));
    for c in &e.components {
        out.push('\n');
        render_component(&mut out, c, &at, scale);
    }
    let parts: Vec<String> = e.components.iter().map(|c| format_grouped(c.payout.amount, scale)).collect();
    out.push_str(&format!("\ntotal = {} = {} {}\n", parts.join(" + "), format_grouped(e.total, scale), plan.currency));
    if e.unchecked_rows > 0 {
        out.push_str(&format!(
            "\nonly {}'s rows checked: {} rows of other payees not checked (--quick; `commission run` checks every row)\n",
            e.payee,
            format_grouped(Decimal::from(e.unchecked_rows), 0)
        ));
    }
    out
}

fn render_component(out: &mut String, c: &ComponentExplanation, at: &dyn Fn(usize) -> String, scale: u32) {
    let label = c.label.as_ref().map(|l| format!(" {l}")).unwrap_or_default();
    let title = format!("{}{label} · {}, {}", c.name, cadence_word(c.cadence), c.period);
    if !c.due {
        out.push_str(&format!(
            "{title}  [{}]\n  not due this month: it pays in {}, over all of {}\n  = {}\n",
            at(c.line),
            c.period.last_month(),
            c.period,
            format_grouped(Decimal::ZERO, scale)
        ));
        return;
    }
    out.push_str(&format!("{title}  [{}]\n", at(c.line)));
    for step in &c.steps {
        render_step(out, step, at);
    }
    match c.payout.failed_gate {
        Some(_) => out.push_str("  a `when` condition does not hold, so the component pays nothing\n"),
        None => {
            if let (Some(paid), Some(limited)) = (c.payout.paid, c.payout.limited) {
                if paid != limited {
                    out.push_str(&format!("  cap/floor: {} -> {}\n", money(paid), money(limited)));
                }
                out.push_str(&format!(
                    "  rounding {} {}: {} -> {}\n",
                    mode_name(c.rounding.mode),
                    c.rounding.step.normalize(),
                    money(limited),
                    format_grouped(c.payout.amount, scale)
                ));
                if !c.payout.exact {
                    out.push_str("  (the figure has more digits than shown: it is shown cut short, and rounded from its exact value)\n");
                }
            }
        }
    }
    out.push_str(&format!("  = {}\n", format_grouped(c.payout.amount, scale)));
}

fn render_step(out: &mut String, step: &Step, at: &dyn Fn(usize) -> String) {
    let head = match &step.kind {
        StepKind::Let(name) => format!("let {name} = {}", step.text),
        StepKind::When => format!("when {}", step.text),
        StepKind::Pay => format!("pay {}", step.text),
        StepKind::Cap => format!("cap {}", step.text),
        StepKind::Floor => format!("floor {}", step.text),
    };
    out.push_str(&format!("  {}  [{}]\n", short(&head), at(step.line)));
    for fact in &step.facts {
        render_fact(out, fact, at);
    }
    let result = match (&step.kind, &step.value) {
        (StepKind::When, Value::Bool(true)) => "-> true".to_string(),
        (StepKind::When, Value::Bool(false)) => "-> false: not met".to_string(),
        (StepKind::When, _) => "-> no value: not met".to_string(),
        _ => format!("= {}", show(&step.value, step.ty)),
    };
    out.push_str(&format!("    {result}\n"));
}

fn render_fact(out: &mut String, fact: &Fact, at: &dyn Fn(usize) -> String) {
    match fact {
        Fact::Aggregate { text, value, ty, rows, .. } => {
            out.push_str(&format!("    {} = {}", short(text), show(value, *ty)));
            render_rows(out, rows);
        }
        Fact::Lookup { text, value, ty, input, file, line } => {
            let source = match line {
                Some(l) => format!("{file}:{l}"),
                None => format!("no `{input}` row for this payee and period in {file}"),
            };
            out.push_str(&format!("    {text} = {} ({source})\n", show(value, *ty)));
        }
        Fact::Let { name, value, ty } => out.push_str(&format!("    {name} = {}\n", show(value, *ty))),
        Fact::Earlier { text, value, ty, months } => {
            let parts: Vec<String> = months.iter().map(|(m, a)| format!("{m} {}", money(*a))).collect();
            let parts =
                if parts.is_empty() { "no earlier statement in the window".to_string() } else { parts.join(" + ") };
            out.push_str(&format!("    {text} = {}, from the statements of {parts}\n", show(value, *ty)));
        }
        Fact::Payee { text, value } => out.push_str(&format!("    {text} = {}\n", value.plain())),
        Fact::Table { name, keys, value, ty, row_line } => {
            let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
            let row = row_line.map(|l| format!("  [{}]", at(l))).unwrap_or_default();
            out.push_str(&format!("    table {name}({}) = {}{row}\n", keys.join(", "), show(value, *ty)));
        }
        Fact::Tiers { mode, base, slices, result, .. } => render_tiers(out, *mode, *base, slices, *result, at),
    }
}

fn render_rows(out: &mut String, rows: &RowList) {
    if rows.input.is_empty() {
        out.push('\n');
        return;
    }
    let noun = if rows.count == 1 { "row" } else { "rows" };
    out.push_str(&format!(
        ", from {} {noun} of {} ({})\n",
        crate::diagnostics::grouped(rows.count as u64),
        rows.input,
        rows.file
    ));
    for r in &rows.rows {
        let key = r.key.as_ref().map(|k| format!("{k} ")).unwrap_or_default();
        let value = match &r.value {
            Value::Number(n) => money(*n),
            other => other.plain(),
        };
        let note = r.note.as_ref().map(|n| format!("  ({n})")).unwrap_or_default();
        out.push_str(&format!("      {key}line {}: {value}{note}\n", r.line));
    }
    if rows.rows.len() < rows.count {
        out.push_str(&format!(
            "      … and {} more (--all-rows lists every one)\n",
            crate::diagnostics::grouped((rows.count - rows.rows.len()) as u64)
        ));
    }
}

fn bracket_range(s: &TierSlice) -> String {
    let to = s.slice.to.map_or("∞".to_string(), money);
    format!("[{}, {to})", money(s.slice.from))
}

fn render_tiers(
    out: &mut String,
    mode: TierMode,
    base: Decimal,
    slices: &[TierSlice],
    result: Decimal,
    at: &dyn Fn(usize) -> String,
) {
    if slices.is_empty() {
        out.push_str(&format!("    tiers: {} is below the first bracket -> 0.00\n", money(base)));
        return;
    }
    match mode {
        TierMode::Flat => {
            for s in slices {
                let pays = match s.slice.pays {
                    TierPay::Rate(r) => format!(
                        "{}% × {} = {}",
                        (r * Decimal::ONE_HUNDRED).normalize(),
                        money(base),
                        money(s.slice.payout)
                    ),
                    TierPay::Fixed(a) => format!("fixed {}", money(a)),
                };
                out.push_str(&format!(
                    "    tiers flat: {} in {} -> {pays}  [{}]\n",
                    money(base),
                    bracket_range(s),
                    at(s.line)
                ));
            }
        }
        TierMode::Marginal => {
            out.push_str(&format!("    tiers marginal on {}, slice by slice:\n", money(base)));
            for s in slices {
                let pays = match s.slice.pays {
                    TierPay::Rate(r) => {
                        format!(
                            "{} × {}% = {}",
                            money(s.slice.amount),
                            (r * Decimal::ONE_HUNDRED).normalize(),
                            money(s.slice.payout)
                        )
                    }
                    TierPay::Fixed(a) => format!("fixed {}", money(a)),
                };
                out.push_str(&format!("      {}: {pays}  [{}]\n", bracket_range(s), at(s.line)));
            }
            let parts: Vec<String> = slices.iter().map(|s| money(s.slice.payout)).collect();
            out.push_str(&format!("      {} = {}\n", parts.join(" + "), money(result)));
        }
    }
}

/// The same derivation as a tree; amounts and values are strings.
pub fn render_json(plan: &Plan, e: &Explanation) -> String {
    let scale = plan.rounding.scale();
    let file = &plan.source.name;
    let components: Vec<Json> = e
        .components
        .iter()
        .map(|c| {
            let steps: Vec<Json> = c.steps.iter().map(|s| step_json(s, file)).collect();
            let mut component = json!({
                "name": c.name,
                "label": c.label,
                "cadence": cadence_word(c.cadence),
                "period": c.period,
                "due": c.due,
                "source": format!("{file}:{}", c.line),
                "steps": steps,
                "failed_gate": c.payout.failed_gate,
                "paid": c.payout.paid.map(|d| d.to_string()),
                "after_cap_floor": c.payout.limited.map(|d| d.to_string()),
                "rounding": {"mode": mode_name(c.rounding.mode), "step": c.rounding.step.normalize().to_string()},
                "amount": format_plain(c.payout.amount, scale),
            });
            // Only when it happens: `paid` and `after_cap_floor` are cut short for display.
            if let (false, Some(map)) = (c.payout.exact, component.as_object_mut()) {
                map.insert("shown_cut_short".into(), Json::Bool(true));
            }
            component
        })
        .collect();
    let attrs: serde_json::Map<String, Json> = plan
        .payee_columns()
        .iter()
        .filter_map(|(i, name)| e.attrs.get(*i).map(|v| (name.clone(), Json::String(v.plain()))))
        .collect();
    let mut doc = json!({
        "policy": {"name": plan.name, "version": plan.version, "sha256": plan.sha256, "file": file},
        "payee": e.payee.to_string(),
        "payee_info": attrs,
        "period": e.month,
        "components": components,
        "total": format_plain(e.total, scale),
    });
    // Only when it happens (`explain --quick` with no record of a run): rows not checked.
    if let (true, Some(map)) = (e.unchecked_rows > 0, doc.as_object_mut()) {
        map.insert("unchecked_rows".into(), Json::from(e.unchecked_rows));
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn value_json(v: &Value) -> Json {
    match v {
        Value::Number(n) => Json::String(n.normalize().to_string()),
        Value::Bool(b) => Json::Bool(*b),
        Value::Missing => Json::Null,
        other => Json::String(other.plain()),
    }
}

fn step_json(s: &Step, file: &str) -> Json {
    let (kind, name) = match &s.kind {
        StepKind::Let(n) => ("let", Some(n.clone())),
        StepKind::When => ("when", None),
        StepKind::Pay => ("pay", None),
        StepKind::Cap => ("cap", None),
        StepKind::Floor => ("floor", None),
    };
    let facts: Vec<Json> = s.facts.iter().map(|f| fact_json(f, file)).collect();
    json!({"kind": kind, "name": name, "text": s.text, "source": format!("{file}:{}", s.line), "value": value_json(&s.value), "type": s.ty.name(), "facts": facts})
}

fn fact_json(f: &Fact, file: &str) -> Json {
    match f {
        Fact::Aggregate { text, line, value, ty, rows, .. } => {
            let list: Vec<Json> = rows
                .rows
                .iter()
                .map(|r| {
                    let mut row = json!({"key": r.key, "line": r.line, "value": value_json(&r.value)});
                    if let (Some(note), Some(object)) = (&r.note, row.as_object_mut()) {
                        object.insert("note".into(), Json::String(note.clone()));
                    }
                    row
                })
                .collect();
            json!({"kind": "aggregate", "text": text, "source": format!("{file}:{line}"), "value": value_json(value), "type": ty.name(),
                   "input": rows.input, "file": rows.file, "row_count": rows.count, "rows": list})
        }
        Fact::Lookup { text, value, ty, input, file: path, line } => {
            json!({"kind": "lookup", "text": text, "value": value_json(value), "type": ty.name(), "input": input, "file": path, "line": line})
        }
        Fact::Let { name, value, ty } => {
            json!({"kind": "let", "name": name, "value": value_json(value), "type": ty.name()})
        }
        Fact::Earlier { text, value, ty, months } => {
            let months: Vec<Json> =
                months.iter().map(|(m, a)| json!({"period": m.to_string(), "amount": a.to_string()})).collect();
            json!({"kind": "earlier", "text": text, "value": value_json(value), "type": ty.name(), "statements": months})
        }
        Fact::Payee { text, value } => json!({"kind": "payee", "text": text, "value": value_json(value)}),
        Fact::Table { name, keys, value, ty, row_line } => {
            let keys: Vec<Json> = keys.iter().map(value_json).collect();
            json!({"kind": "table", "name": name, "keys": keys, "value": value_json(value), "type": ty.name(),
                   "source": row_line.map(|l| format!("{file}:{l}"))})
        }
        Fact::Tiers { mode, base, slices, result, .. } => {
            let slices: Vec<Json> = slices
                .iter()
                .map(|s| {
                    let (rate, fixed) = match s.slice.pays {
                        TierPay::Rate(r) => (Some(r.normalize().to_string()), None),
                        TierPay::Fixed(a) => (None, Some(a.to_string())),
                    };
                    json!({"from": s.slice.from.to_string(), "to": s.slice.to.map(|t| t.to_string()), "amount": s.slice.amount.to_string(),
                           "rate": rate, "fixed": fixed, "payout": s.slice.payout.to_string(), "source": format!("{file}:{}", s.line)})
                })
                .collect();
            let mode = if *mode == TierMode::Flat { "flat" } else { "marginal" };
            json!({"kind": "tiers", "mode": mode, "base": base.to_string(), "slices": slices, "result": result.to_string()})
        }
    }
}
