//! Coverage: which brackets, gates, rate-table rows and `else` branches a run or a test
//! suite exercised, and which it never did.
//!
//! A probe is named by the span of what it covers, so the recorder needs no index of its
//! own; [`probes`] lists every probe of a plan, with words and a policy line, for the report.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use super::expr::{table_lookup_row, Tracer};
use super::tiers;
use crate::plan::visit::visit;
use crate::plan::{Expr, Node, Plan, TierTable};
use crate::value::{Exact, Value};

/// One thing that can be exercised, named by the source position of what it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Probe {
    /// A tier bracket was reached (flat: the bracket paid; marginal: a slice in it).
    Bracket(usize),
    /// A `when` gate held (`true`) or did not (`false`) in a due month.
    Gate(usize, bool),
    /// A rate-table row (or its `else` row) gave the value.
    TableRow(usize),
    /// An `if` took its `then` (`true`) or its `else` (`false`) branch.
    Branch(usize, bool),
    /// A range (`days_between(sale.date, date) in 0 to 90`) held (`true`) or did not.
    Range(usize, bool),
}

/// The probes hit so far. Cheap to clone; clones share what they record.
#[derive(Debug, Clone, Default)]
pub struct Coverage(Rc<RefCell<BTreeSet<Probe>>>);

impl Coverage {
    pub fn hit(&self, probe: Probe) {
        self.0.borrow_mut().insert(probe);
    }

    pub fn covered(&self, probe: Probe) -> bool {
        self.0.borrow().contains(&probe)
    }
}

/// Records coverage from the values an evaluation takes, as a [`Tracer`]: the same hook
/// `explain` uses, so a normal run (which traces nothing) pays nothing for coverage.
pub struct CoverageTracer<'a> {
    plan: &'a Plan,
    coverage: &'a Coverage,
    /// The latest value of each expression (by address): children are recorded before
    /// their parent, so a parent finds its base, condition or keys here.
    last: HashMap<usize, Value>,
}

impl<'a> CoverageTracer<'a> {
    pub fn new(plan: &'a Plan, coverage: &'a Coverage) -> Self {
        CoverageTracer { plan, coverage, last: HashMap::new() }
    }

    fn value(&self, e: &Expr) -> Option<&Value> {
        self.last.get(&(e as *const Expr as usize))
    }
}

impl Tracer for CoverageTracer<'_> {
    fn record(&mut self, e: &Expr, value: &Value) {
        match &e.node {
            Node::If(c, ..) => {
                if let Some(Value::Bool(b)) = self.value(c) {
                    self.coverage.hit(Probe::Branch(e.span.start, *b));
                }
            }
            Node::Between(..) => {
                if let Value::Bool(b) = value {
                    self.coverage.hit(Probe::Range(e.span.start, *b));
                }
            }
            Node::Table(t, args) => {
                let keys: Vec<Value> = args.iter().map(|a| self.value(a).cloned().unwrap_or(Value::Missing)).collect();
                if let Some(span) = table_lookup_row(self.plan, *t, &keys) {
                    self.coverage.hit(Probe::TableRow(span.start));
                }
            }
            _ => {}
        }
        self.last.insert(e as *const Expr as usize, value.clone());
    }

    fn gate(&mut self, gate: &Expr, holds: bool) {
        self.coverage.hit(Probe::Gate(gate.span.start, holds));
    }

    /// The brackets a base reaches, from its exact value.
    fn tier_base(&mut self, t: &TierTable, base: &Exact, scale: Option<&Exact>) {
        if let Some((_, slices)) = tiers::apply_shown(t.mode, &t.brackets, base, scale) {
            for s in &slices {
                if let Some(b) = t.brackets.get(s.bracket) {
                    self.coverage.hit(Probe::Bracket(b.span.start));
                }
            }
        }
    }
}

/// A probe of a plan, in words, with the policy line it points at.
#[derive(Debug, Clone)]
pub struct ProbeInfo {
    pub probe: Probe,
    pub line: usize,
    pub what: String,
}

/// Every probe of a plan, in policy order.
pub fn probes(plan: &Plan) -> Vec<ProbeInfo> {
    let text = |start: usize, end: usize| {
        plan.source.text.get(start..end).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let mut found = Vec::new();
    let mut tables_used = BTreeSet::new();
    for component in &plan.components {
        let mut exprs: Vec<&Expr> = component.lets.iter().map(|l| &l.value).collect();
        exprs.extend(component.gates.iter());
        exprs.push(&component.pay);
        exprs.extend(component.cap.iter());
        exprs.extend(component.floor.iter());
        for gate in &component.gates {
            let shown = text(gate.span.start, gate.span.end);
            for holds in [true, false] {
                found.push(ProbeInfo {
                    probe: Probe::Gate(gate.span.start, holds),
                    line: plan.line(gate.span),
                    what: format!("{}: `when {shown}` {}", component.name, if holds { "true" } else { "false" }),
                });
            }
        }
        // Aggregates read by this component (their per-row expressions can hold tables and `if`s).
        let mut walk_exprs: Vec<&Expr> = Vec::new();
        for e in &exprs {
            visit(e, &mut |x| {
                if let Node::Aggregate(a) = &x.node {
                    if let Some(agg) = plan.aggregates.get(*a) {
                        walk_exprs.extend(agg.arg.iter());
                        walk_exprs.extend(agg.filter.iter());
                    }
                }
            });
        }
        walk_exprs.extend(exprs.iter().copied());
        for e in walk_exprs {
            visit(e, &mut |x| match &x.node {
                Node::Tiers(t) => {
                    for b in &t.brackets {
                        let pays = text(b.span.start, b.span.end);
                        found.push(ProbeInfo {
                            probe: Probe::Bracket(b.span.start),
                            line: plan.line(b.span),
                            what: format!("{}: bracket `{pays}`", component.name),
                        });
                    }
                }
                // An `if` and a range are each two probes, one per outcome.
                Node::If(..) | Node::Between(..) => {
                    for outcome in [true, false] {
                        let shown = text(x.span.start, x.span.end);
                        let (probe, what) = match (&x.node, outcome) {
                            (Node::If(..), then) => (
                                Probe::Branch(x.span.start, then),
                                format!("`{shown}` takes its {} branch", if then { "`then`" } else { "`else`" }),
                            ),
                            (_, holds) => (Probe::Range(x.span.start, holds), format!("`{shown}` {holds}")),
                        };
                        found.push(ProbeInfo {
                            probe,
                            line: plan.line(x.span),
                            what: format!("{}: {what}", component.name),
                        });
                    }
                }
                Node::Table(t, _) => {
                    tables_used.insert(*t);
                }
                _ => {}
            });
        }
    }
    for t in tables_used {
        let Some(table) = plan.tables.get(t) else { continue };
        for row in &table.rows {
            found.push(ProbeInfo {
                probe: Probe::TableRow(row.span.start),
                line: plan.line(row.span),
                what: format!("table `{}`: row `{}`", table.name, text(row.span.start, row.span.end)),
            });
        }
        if let Some((_, span)) = &table.otherwise {
            found.push(ProbeInfo {
                probe: Probe::TableRow(span.start),
                line: plan.line(*span),
                what: format!("table `{}`: `else` row", table.name),
            });
        }
    }
    // A probe reached from two components (a shared table, say) is listed once.
    let mut seen = BTreeSet::new();
    found.retain(|p| seen.insert(p.probe));
    found.sort_by_key(|p| p.line);
    found
}
