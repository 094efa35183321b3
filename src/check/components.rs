//! Components and metrics: a component's clauses in order (`let`, `when`, `pay`, `cap`,
//! `floor`, `rounding`), each checked in the scope of the `let`s before it; a metric's one
//! value; and rounding declarations, policy-wide or per component.
//!
//! Checks expressions through `expr` and builds the plan's components and metrics; it adds
//! no declaration itself, and names shared across components and metrics (one set) are the
//! driver's concern.

use rust_decimal::Decimal;

use super::checker::{Checker, Scope};
use super::units::coerce_literal;
use crate::diagnostics::check::{CheckKind, MoneyRole};
use crate::diagnostics::Problem;
use crate::money::Rounding;
use crate::plan::{Component, Expr, Let, Metric, Node, Ty};
use crate::source::Span;
use crate::syntax::ast::{self, Clause};
use crate::value::Value;

/// A component's body as its clauses are checked, top to bottom.
struct Body {
    lets: Vec<Let>,
    /// `let`s that failed to check: later uses of them report nothing more.
    broken: Vec<String>,
    gates: Vec<Expr>,
    /// What it pays, and where the `pay` clause is.
    pay: Option<(Expr, Span)>,
    cap: Option<Expr>,
    floor: Option<Expr>,
    rounding: Rounding,
    /// A clause failed: the component is checked to the end but not built.
    failed: bool,
}

impl Checker {
    pub fn rounding(&mut self, r: &ast::RoundingDecl) -> Rounding {
        if r.step.value <= Decimal::ZERO {
            self.error(Problem::new(CheckKind::RoundingStepNotPositive, [r.step.span]));
            return Rounding::default();
        }
        Rounding { mode: r.mode.value, step: r.step.value }
    }

    pub fn component(
        &mut self,
        decl: &ast::ComponentDecl,
        place: usize,
        policy_rounding: Rounding,
    ) -> Option<Component> {
        let mut body = Body {
            lets: Vec::new(),
            broken: Vec::new(),
            gates: Vec::new(),
            pay: None,
            cap: None,
            floor: None,
            rounding: policy_rounding,
            failed: false,
        };
        for clause in &decl.body {
            if self.clause(decl, place, clause, &mut body).is_none() {
                body.failed = true;
            }
        }
        let Some((pay, _)) = body.pay else {
            if !body.failed {
                self.error(Problem::new(CheckKind::NoPay { component: decl.name.name.clone() }, [decl.name.span]));
            }
            return None;
        };
        self.check_cap_above_floor(body.cap.as_ref(), body.floor.as_ref());
        if body.failed {
            return None;
        }
        Some(Component {
            name: decl.name.name.clone(),
            label: decl.label.as_ref().map(|l| l.value.clone()),
            cadence: decl.cadence.value,
            lets: body.lets,
            gates: body.gates,
            pay,
            cap: body.cap,
            floor: body.floor,
            rounding: body.rounding,
            limits_statement: false,
            span: decl.name.span,
        })
    }

    /// One clause of a component, added to `body`; `None` when it failed.
    fn clause(&mut self, decl: &ast::ComponentDecl, place: usize, clause: &Clause, body: &mut Body) -> Option<()> {
        let scope = Scope::Clause {
            lets: &body.lets,
            broken: &body.broken,
            cadence: decl.cadence.value,
            component: Some(place),
        };
        match clause {
            Clause::Let { name, value, .. } => {
                if let Some(first) = body.lets.iter().find(|l| l.name == name.name) {
                    let first = first.span;
                    self.error(Problem::new(CheckKind::LetTwice { name: name.name.clone() }, [name.span, first]));
                    return None;
                }
                let Some(e) = self.expr(value, &scope) else {
                    body.broken.push(name.name.clone());
                    return None;
                };
                body.lets.push(Let { name: name.name.clone(), value: e, span: name.span });
            }
            Clause::When { condition, .. } => {
                let e = self.expr(condition, &scope)?;
                if e.ty != Ty::Bool {
                    self.error(Problem::new(CheckKind::WhenNotBool { found: e.ty.name() }, [e.span]));
                    return None;
                }
                body.gates.push(e);
            }
            Clause::Pay { value, span } => {
                if let Some((_, first)) = &body.pay {
                    let kind = CheckKind::PaysTwice { component: decl.name.name.clone() };
                    self.error(Problem::new(kind, [*span, *first]));
                    return None;
                }
                let e = self.money_expr(value, &scope, MoneyRole::Pay)?;
                body.pay = Some((e, *span));
            }
            Clause::Cap { value, .. } => body.cap = Some(self.money_expr(value, &scope, MoneyRole::Cap)?),
            Clause::Floor { value, .. } => body.floor = Some(self.money_expr(value, &scope, MoneyRole::Floor)?),
            Clause::Rounding(r) => body.rounding = self.rounding(r),
        }
        Some(())
    }

    /// A cap and a floor both written out: the cap may not be below the floor.
    fn check_cap_above_floor(&mut self, cap: Option<&Expr>, floor: Option<&Expr>) {
        let (Some(c), Some(f)) = (cap, floor) else {
            return;
        };
        if let (Node::Const(Value::Number(c_val)), Node::Const(Value::Number(f_val))) = (&c.node, &f.node) {
            if c_val < f_val {
                self.error(Problem::new(CheckKind::CapBelowFloor, [c.span, f.span]));
            }
        }
    }

    /// An expression that must be an amount of money (a literal number counts as one).
    fn money_expr(&mut self, value: &ast::Expr, scope: &Scope, what: MoneyRole) -> Option<Expr> {
        let mut e = self.expr(value, scope)?;
        coerce_literal(&mut e, Ty::Money);
        if let (Ty::Number, Scope::Clause { lets, .. }) = (e.ty, scope) {
            if self.let_without_unit(&e, lets, e.span) {
                return None;
            }
        }
        if e.ty != Ty::Money {
            self.error(Problem::new(CheckKind::NotMoney { what, found: e.ty.name() }, [e.span]));
            return None;
        }
        Some(e)
    }

    /// `metric name cadence = value`: one value, read like a component's clause with no
    /// `let`s before it.
    pub fn metric(&mut self, m: &ast::MetricDecl) -> Option<Metric> {
        let scope = Scope::Clause { lets: &[], broken: &[], cadence: m.cadence.value, component: None };
        let value = self.expr(&m.value, &scope)?;
        Some(Metric {
            name: m.name.name.clone(),
            label: m.label.as_ref().map(|l| l.value.clone()),
            cadence: m.cadence.value,
            value,
            span: m.name.span,
        })
    }
}
