//! The statement's own limits (`statement cap 20_000 per month`, `statement floor ... per
//! month`): at most one of each, an amount in the policy's currency, the cap not below the
//! floor. They become one more component of the plan, the last, named `statement_cap`
//! (`statement_floor`, or `statement_limit` with both), which pays the adjustment that brings
//! the month's total within the limits: `min(max(S, floor), cap) - S`, where `S` is the sum
//! of the statement's other components, already rounded. So every output, `explain`, `diff`,
//! `budget` and `test` show the cut as a line of its own and the total stays the sum of the
//! lines.
//!
//! Reads the components already built (for their names); checks no expression.

use super::checker::{literal_value, Checker};
use crate::diagnostics::check::CheckKind;
use crate::diagnostics::Problem;
use crate::lang::{BinaryOp, Cadence};
use crate::money::Rounding;
use crate::plan::{Component, Expr, Metric, Node, Ty};
use crate::source::Span;
use crate::syntax::ast::{self, Item, LimitKind};
use crate::value::Value;

impl Checker {
    /// The component that applies the statement's limits, if the policy declares any.
    pub fn statement_limits(
        &mut self,
        policy: &ast::Policy,
        rounding: Rounding,
        components: &[Component],
        metrics: &[Metric],
    ) -> Option<Component> {
        let mut cap: Option<(Expr, Span)> = None;
        let mut floor: Option<(Expr, Span)> = None;
        for item in &policy.items {
            let Item::StatementLimit(limit) = item else { continue };
            self.check_currency(&limit.amount.value, limit.amount.span);
            let (value, _) = literal_value(&limit.amount.value);
            let amount = Expr { node: Node::Const(value), ty: Ty::Money, span: limit.amount.span };
            let (slot, word) = match limit.kind.value {
                LimitKind::Cap => (&mut cap, "cap"),
                LimitKind::Floor => (&mut floor, "floor"),
            };
            if let Some((_, first)) = slot {
                let first = *first;
                self.error(Problem::new(CheckKind::StatementLimitTwice { kind: word }, [limit.span, first]));
                continue;
            }
            *slot = Some((amount, limit.span));
        }
        if let (Some((c, _)), Some((f, _))) = (&cap, &floor) {
            if let (Node::Const(Value::Number(cv)), Node::Const(Value::Number(fv))) = (&c.node, &f.node) {
                if cv < fv {
                    self.error(Problem::new(CheckKind::CapBelowFloor, [c.span, f.span]));
                }
            }
        }
        let name = match (&cap, &floor) {
            (None, None) => return None,
            (Some(_), None) => "statement_cap",
            (None, Some(_)) => "statement_floor",
            (Some(_), Some(_)) => "statement_limit",
        };
        let span = cap.as_ref().or(floor.as_ref()).map_or(Span::default(), |(_, s)| *s);
        let taken = components.iter().map(|c| (&c.name, c.span)).chain(metrics.iter().map(|m| (&m.name, m.span)));
        for (other, at) in taken {
            if other == name {
                self.error(Problem::new(CheckKind::StatementLimitNameTaken { name: name.to_string() }, [at, span]));
            }
        }
        let so_far = Expr { node: Node::StatementSoFar, ty: Ty::Money, span };
        let mut limited = so_far.clone();
        if let Some((f, _)) = floor {
            limited = Expr { node: Node::Max(vec![limited, f]), ty: Ty::Money, span };
        }
        if let Some((c, _)) = cap {
            limited = Expr { node: Node::Min(vec![limited, c]), ty: Ty::Money, span };
        }
        let pay = Expr { node: Node::Binary(BinaryOp::Sub, Box::new(limited), Box::new(so_far)), ty: Ty::Money, span };
        Some(Component {
            name: name.to_string(),
            label: None,
            cadence: Cadence::Monthly,
            lets: Vec::new(),
            gates: Vec::new(),
            pay,
            cap: None,
            floor: None,
            rounding,
            limits_statement: true,
            span,
        })
    }
}
