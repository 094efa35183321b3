//! JSON output: the policy's identity, every statement, totals and row accounting.
//! Amounts are strings with exactly their component's rounding decimals; totals with the
//! finest of them.

use indexmap::IndexMap;
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use serde_json::{json, Value as Json};

use crate::eval::{RunResult, Statement};
use crate::money::format_plain;
use crate::plan::Plan;

/// The whole document as text (for tests and tools that want a string; `run` streams with
/// [`write`]).
pub fn render(plan: &Plan, result: &RunResult) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write(plan, result, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the document to `out` as it goes: one statement is built, written and dropped at a
/// time, so memory does not grow with the number of statements.
pub fn write(plan: &Plan, result: &RunResult, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let rows: IndexMap<&str, _> = plan.inputs.iter().zip(&result.counts).map(|(i, c)| (i.name.as_str(), c)).collect();
    let scale = super::total_scale(plan);
    let component_totals: IndexMap<&str, Json> = plan
        .components
        .iter()
        .zip(&result.component_totals)
        .map(|(c, t)| (c.name.as_str(), Json::String(format_plain(*t, c.rounding.scale()))))
        .collect();
    let doc = Document {
        policy: json!({"name": plan.name, "version": plan.version, "currency": plan.currency, "sha256": plan.sha256}),
        range: json!({"from": result.months.first(), "to": result.months.last()}),
        statements: Statements { plan, result },
        component_totals,
        total: Json::String(format_plain(result.total, scale)),
        rows,
        // Without the row they point at (standard error has it): the first row for an id
        // depends on the rows' order, and the output does not.
        warnings: result
            .warnings
            .iter()
            .map(|w| json!({"code": w.code, "message": w.message, "help": w.help}))
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// The document, in the order of its keys.
#[derive(Serialize)]
struct Document<'a, R: Serialize> {
    policy: Json,
    range: Json,
    statements: Statements<'a>,
    component_totals: IndexMap<&'a str, Json>,
    total: Json,
    rows: IndexMap<&'a str, R>,
    /// Warnings about the ledgers (rows for nobody), when there are any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<Json>,
}

/// The statements, serialized one by one as the writer asks for them.
struct Statements<'a> {
    plan: &'a Plan,
    result: &'a RunResult,
}

impl Serialize for Statements<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.result.statements.len()))?;
        for s in &self.result.statements {
            seq.serialize_element(&statement(self.plan, s))?;
        }
        seq.end()
    }
}

/// One statement as JSON.
fn statement(plan: &Plan, s: &Statement) -> Json {
    let scale = super::total_scale(plan);
    let amount = |d, scale| Json::String(format_plain(d, scale));
    let attrs = plan.payee_columns();
    let components: IndexMap<&str, Json> = plan
        .components
        .iter()
        .zip(&s.amounts)
        .map(|(c, a)| (c.name.as_str(), amount(*a, c.rounding.scale())))
        .collect();
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
    if let Some(version) = &s.version {
        out.insert("version".into(), Json::String(version.to_string()));
    }
    out.insert("components".into(), json!(components));
    out.insert("total".into(), amount(s.total, scale));
    if !plan.metrics.is_empty() {
        let metrics: IndexMap<&str, Json> =
            plan.metrics.iter().zip(&s.metrics).map(|(m, v)| (m.name.as_str(), metric_json(v))).collect();
        out.insert("metrics".into(), json!(metrics));
    }
    Json::Object(out)
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
