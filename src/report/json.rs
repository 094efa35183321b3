//! JSON output: the policy's identity, every statement, totals and row accounting.
//! Amounts are strings with exactly their component's rounding decimals; totals with the
//! finest of them.

use indexmap::IndexMap;
use serde::ser::{SerializeMap, SerializeSeq};
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
        let shape = Shape {
            plan: self.plan,
            attrs: self.plan.payee_columns(),
            scales: self.plan.components.iter().map(|c| c.rounding.scale()).collect(),
            scale: super::total_scale(self.plan),
        };
        let mut seq = serializer.serialize_seq(Some(self.result.statements.len()))?;
        for s in &self.result.statements {
            seq.serialize_element(&StatementJson { shape: &shape, s })?;
        }
        seq.end()
    }
}

/// What every statement's JSON is laid out by, worked out once.
struct Shape<'a> {
    plan: &'a Plan,
    /// The roster's columns shown as `payee_info`.
    attrs: Vec<(usize, String)>,
    /// Each component's decimals, and the total's.
    scales: Vec<u32>,
    scale: u32,
}

/// One statement as JSON, written as it is serialized (no document of its own built first):
/// `payee`, `payee_info` (with a roster), `period`, `version` (a run over versions),
/// `components`, `total`, `metrics` (when the plan has some).
struct StatementJson<'a> {
    shape: &'a Shape<'a>,
    s: &'a Statement,
}

impl Serialize for StatementJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (shape, s) = (self.shape, self.s);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("payee", &*s.payee)?;
        if !shape.attrs.is_empty() {
            let info = shape
                .attrs
                .iter()
                .map(|(i, n)| (n.as_str(), s.attrs.get(*i).map(crate::value::Value::plain).unwrap_or_default()));
            map.serialize_entry("payee_info", &Entries(std::cell::Cell::new(Some(info))))?;
        }
        map.serialize_entry("period", &s.period)?;
        if let Some(version) = &s.version {
            map.serialize_entry("version", &**version)?;
        }
        let components = shape
            .plan
            .components
            .iter()
            .zip(&s.amounts)
            .zip(&shape.scales)
            .map(|((c, a), scale)| (c.name.as_str(), format_plain(*a, *scale)));
        map.serialize_entry("components", &Entries(std::cell::Cell::new(Some(components))))?;
        map.serialize_entry("total", &format_plain(s.total, shape.scale))?;
        if !shape.plan.metrics.is_empty() {
            let metrics = shape.plan.metrics.iter().zip(&s.metrics).map(|(m, v)| (m.name.as_str(), Metric(v)));
            map.serialize_entry("metrics", &Entries(std::cell::Cell::new(Some(metrics))))?;
        }
        map.end()
    }
}

/// An object of the (name, value) pairs an iterator gives, in its order, serialized once.
struct Entries<I>(std::cell::Cell<Option<I>>);

impl<I: Iterator<Item = (K, V)>, K: Serialize, V: Serialize> Serialize for Entries<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.take().into_iter().flatten())
    }
}

/// A metric's value: decimals as exact strings (a percentage as its fraction), no value as
/// null.
struct Metric<'a>(&'a crate::value::Value);

impl Serialize for Metric<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use crate::value::Value;
        match self.0 {
            Value::Number(n) => serializer.collect_str(&n.normalize()),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Missing => serializer.serialize_unit(),
            other => serializer.serialize_str(&other.plain()),
        }
    }
}
