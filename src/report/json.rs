//! JSON output: the policy's identity, every statement, totals and row accounting.
//! Amounts are strings with exactly their component's rounding decimals; totals with the
//! finest of them.

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{json, Value as Json};

use crate::data::RowCounts;
use crate::diagnostics::{DataError, Error};
use crate::eval::compute::Batches;
use crate::eval::{RunResult, Statement};
use crate::money::format_plain;
use crate::period::Period;
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
/// time.
pub fn write(plan: &Plan, result: &RunResult, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let statements = Listed { shape: Shape::of(plan), statements: &result.statements };
    let head = Head { months: &result.months, counts: &result.counts, warnings: &result.warnings };
    let totals = || (result.component_totals.clone(), result.total);
    write_document(plan, &head, &statements, &totals, out)
}

/// Writes the document of a run's statements batch by batch as they are computed, so memory
/// holds a batch, not the run; the totals follow the statements in the document, added up
/// as they came. A batch that fails stops the writing, its error in `failed` (the caller
/// keeps no file).
pub fn write_batches(
    plan: &Plan,
    head: &Head<'_>,
    batches: &mut Batches<'_>,
    failed: &mut Option<Error>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let source = std::cell::RefCell::new((batches, failed));
    let statements = Streamed { shape: Shape::of(plan), source: &source };
    let totals = || {
        let source = source.borrow();
        let (components, total) = source.0.totals();
        (components.to_vec(), total)
    };
    write_document(plan, head, &statements, &totals, out)
}

/// What the document says besides the statements and totals: the months, the rows read, the
/// warnings about the ledgers.
pub struct Head<'a> {
    pub months: &'a [Period],
    pub counts: &'a [RowCounts],
    pub warnings: &'a [DataError],
}

fn write_document(
    plan: &Plan,
    head: &Head<'_>,
    statements: &dyn erased::Statements,
    totals: &dyn Fn() -> (Vec<Decimal>, Decimal),
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let rows: IndexMap<&str, _> = plan.inputs.iter().zip(head.counts).map(|(i, c)| (i.name.as_str(), c)).collect();
    let doc = Document {
        policy: json!({"name": plan.name, "version": plan.version, "currency": plan.currency, "sha256": plan.sha256}),
        range: json!({"from": head.months.first(), "to": head.months.last()}),
        statements: erased::Each(statements),
        component_totals: ComponentTotals { plan, totals },
        total: Total { plan, totals },
        rows,
        // Without the row they point at (standard error has it): the first row for an id
        // depends on the rows' order, and the output does not.
        warnings: head.warnings.iter().map(|w| json!({"code": w.code, "message": w.message, "help": w.help})).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// The document, in the order of its keys (each serialized in turn: the totals after the
/// statements, once those are added up).
#[derive(Serialize)]
struct Document<'a, R: Serialize> {
    policy: Json,
    range: Json,
    statements: erased::Each<'a>,
    component_totals: ComponentTotals<'a>,
    total: Total<'a>,
    rows: IndexMap<&'a str, R>,
    /// Warnings about the ledgers (rows for nobody), when there are any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<Json>,
}

/// Each component's total, with its rounding's decimals, as the statements added it up.
struct ComponentTotals<'a> {
    plan: &'a Plan,
    totals: &'a dyn Fn() -> (Vec<Decimal>, Decimal),
}

impl Serialize for ComponentTotals<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (components, _) = (self.totals)();
        serializer.collect_map(
            self.plan
                .components
                .iter()
                .zip(&components)
                .map(|(c, t)| (c.name.as_str(), format_plain(*t, c.rounding.scale()))),
        )
    }
}

/// The grand total, with the finest of the components' decimals.
struct Total<'a> {
    plan: &'a Plan,
    totals: &'a dyn Fn() -> (Vec<Decimal>, Decimal),
}

impl Serialize for Total<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_plain((self.totals)().1, super::total_scale(self.plan)))
    }
}

/// The statements as one array whichever way they come (listed, or computed batch by batch):
/// `erased_serde` is not a dependency, so a sequence is written through a callback.
mod erased {
    use serde::ser::SerializeSeq;
    use serde::{Serialize, Serializer};

    use super::StatementJson;

    /// Statements that hand each one's JSON to `element`, in order; `Err` (a message) stops.
    pub trait Statements {
        fn each(&self, element: &mut dyn FnMut(&StatementJson<'_>) -> Result<(), String>) -> Result<(), String>;
    }

    pub struct Each<'a>(pub &'a dyn Statements);

    impl Serialize for Each<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::Error as _;
            let mut seq = serializer.serialize_seq(None)?;
            let mut failed = None;
            let mut element = |s: &StatementJson<'_>| {
                seq.serialize_element(s).map_err(|e| {
                    let message = e.to_string();
                    failed = Some(e);
                    message
                })
            };
            match self.0.each(&mut element) {
                Ok(()) => seq.end(),
                Err(message) => Err(failed.unwrap_or_else(|| S::Error::custom(message))),
            }
        }
    }
}

/// A run's statements, listed.
struct Listed<'a> {
    shape: Shape<'a>,
    statements: &'a [Statement],
}

impl erased::Statements for Listed<'_> {
    fn each(&self, element: &mut dyn FnMut(&StatementJson<'_>) -> Result<(), String>) -> Result<(), String> {
        self.statements.iter().try_for_each(|s| element(&StatementJson { shape: &self.shape, s }))
    }
}

/// A run's statements, computed batch by batch as the writer asks for them.
struct Streamed<'a, 'b, 'c> {
    shape: Shape<'a>,
    source: &'a std::cell::RefCell<(&'b mut Batches<'c>, &'b mut Option<Error>)>,
}

impl erased::Statements for Streamed<'_, '_, '_> {
    fn each(&self, element: &mut dyn FnMut(&StatementJson<'_>) -> Result<(), String>) -> Result<(), String> {
        let mut source = self.source.borrow_mut();
        let (batches, failed) = &mut *source;
        let written = batches.each(|batch| {
            batch
                .iter()
                .try_for_each(|s| element(&StatementJson { shape: &self.shape, s }))
                .map_err(std::io::Error::other)
        });
        super::halted(written, failed).map_err(|e| e.to_string())
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

impl<'a> Shape<'a> {
    fn of(plan: &'a Plan) -> Shape<'a> {
        Shape {
            plan,
            attrs: plan.payee_columns(),
            scales: plan.components.iter().map(|c| c.rounding.scale()).collect(),
            scale: super::total_scale(plan),
        }
    }
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
