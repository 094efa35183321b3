//! Evaluation of a checked [`Plan`](crate::plan::Plan) over ledgers, in two phases:
//! [`aggregate`] folds each ledger, row by row, into the plan's aggregates per (payee,
//! period bucket); [`compute`] evaluates each statement's components over those aggregates.
//! [`run`] orchestrates one plan, [`passes`] decides which buckets to read and runs several
//! plans over one pass per ledger, [`trace`] records how one statement was reached (for
//! `explain`), [`coverage`] what a run exercised.
//!
//! May use: `plan`, `data`, `money`, `period`, `value`, `diagnostics`. Never `syntax` (beyond
//! spans and vocabulary), `report`, a tool, or `cli`; nothing here formats text for people
//! beyond a diagnostic's words.

pub mod aggregate;
pub mod by_payee;
pub mod chunked;
pub mod compute;
pub mod coverage;
pub mod distinct;
pub mod expr;
pub mod passes;
mod references;
pub mod reuse;
pub mod run;
pub mod tiers;
pub mod trace;
pub mod versions;

use crate::diagnostics::eval::EvalKind;
use crate::diagnostics::{Described, Kind, Problem};
use crate::source::Span;

/// A problem found while computing: its kind and the policy expression it points at. Made
/// into a [`Problem`] with the statement it happened in (`payee `AM001`, 2026-03`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    /// Boxed: an expression's result is a `Result<Val, EvalError>` passed up every node, which
    /// stays small this way (32 bytes, 120 with the kind inline).
    pub kind: Box<EvalKind>,
    pub span: Span,
}

impl EvalError {
    pub fn new(kind: EvalKind, span: Span) -> Self {
        EvalError { kind: Box::new(kind), span }
    }

    pub fn into_problem(self, context: &str) -> Problem {
        Problem::new(InContext { kind: *self.kind, context }, [self.span])
    }
}

/// A kind with the statement it happened in appended to its message.
struct InContext<'a> {
    kind: EvalKind,
    context: &'a str,
}

impl Kind for InContext<'_> {
    fn describe(&self) -> Described {
        let mut described = self.kind.describe();
        if !self.context.is_empty() {
            described.message = format!("{} ({})", described.message, self.context);
        }
        described
    }
}

pub use aggregate::{fold_inputs, fold_shared, FoldOutcome, FoldRequest, Folded, LedgerRead, Scale};
pub use compute::{statements, RunResult, Statement};
pub use passes::needed_for;
pub use run::{compute, read_ledgers, RunOptions};
