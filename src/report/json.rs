//! JSON output: the policy's identity, every statement, totals and row accounting.
//! Amounts are strings with exactly the rounding scale's decimals.

use indexmap::IndexMap;
use serde_json::{json, Value as Json};

use crate::eval::RunResult;
use crate::money::format_plain;
use crate::plan::Plan;

pub fn render(plan: &Plan, result: &RunResult) -> String {
    let scale = plan.rounding.scale();
    let amount = |d| Json::String(format_plain(d, scale));
    let attrs = plan.payee_columns();
    let statements: Vec<Json> = result
        .statements
        .iter()
        .map(|s| {
            let components: IndexMap<&str, Json> =
                plan.components.iter().zip(&s.amounts).map(|(c, a)| (c.name.as_str(), amount(*a))).collect();
            let mut out = serde_json::Map::new();
            out.insert("payee".into(), Json::String(s.payee.to_string()));
            if !attrs.is_empty() {
                let info: IndexMap<&str, String> = attrs
                    .iter()
                    .map(|(i, n)| (n.as_str(), s.attrs.get(*i).map(crate::value::Value::plain).unwrap_or_default()))
                    .collect();
                out.insert("payee_info".into(), json!(info));
            }
            out.insert("period".into(), Json::String(s.period.to_string()));
            out.insert("components".into(), json!(components));
            out.insert("total".into(), amount(s.total));
            if !plan.metrics.is_empty() {
                let metrics: IndexMap<&str, Json> =
                    plan.metrics.iter().zip(&s.metrics).map(|(m, v)| (m.name.as_str(), metric_json(v))).collect();
                out.insert("metrics".into(), json!(metrics));
            }
            Json::Object(out)
        })
        .collect();
    let rows: IndexMap<&str, _> = plan.inputs.iter().zip(&result.counts).map(|(i, c)| (i.name.as_str(), c)).collect();
    let component_totals: IndexMap<&str, Json> =
        plan.components.iter().zip(&result.component_totals).map(|(c, t)| (c.name.as_str(), amount(*t))).collect();
    let mut doc = json!({
        "policy": {"name": plan.name, "version": plan.version, "currency": plan.currency, "sha256": plan.sha256},
        "range": {"from": result.months.first(), "to": result.months.last()},
        "statements": statements,
        "component_totals": component_totals,
        "total": amount(result.total),
        "rows": rows,
    });
    // Warnings about the ledgers (rows for nobody), when there are any. Without the row they
    // point at (standard error has it): the first row for an id depends on the rows' order,
    // and the output does not.
    if let (false, Some(fields)) = (result.warnings.is_empty(), doc.as_object_mut()) {
        let warnings: Vec<Json> =
            result.warnings.iter().map(|w| json!({"code": w.code, "message": w.message, "help": w.help})).collect();
        fields.insert("warnings".into(), Json::Array(warnings));
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// A metric's value: decimals as exact strings (a percentage as its fraction), no value as null.
pub fn metric_json(v: &crate::value::Value) -> Json {
    use crate::value::Value;
    match v {
        Value::Number(n) => Json::String(n.normalize().to_string()),
        Value::Bool(b) => Json::Bool(*b),
        Value::Missing => Json::Null,
        other => Json::String(other.plain()),
    }
}
