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
pub mod compute;
pub mod coverage;
pub mod expr;
pub mod passes;
pub mod run;
pub mod tiers;
pub mod trace;

use crate::diagnostics::Problem;
use crate::source::Span;

/// A problem found while computing: it points at the policy expression and says for whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
}

impl EvalError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        EvalError { message: message.into(), span, help: None }
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn into_problem(self, context: &str) -> Problem {
        let message = if context.is_empty() { self.message } else { format!("{} ({context})", self.message) };
        let problem = Problem::error(message, self.span, "while computing this");
        match self.help {
            Some(h) => problem.with_help(h),
            None => problem,
        }
    }
}

pub use aggregate::{fold_inputs, fold_shared, FoldOutcome, FoldRequest, Folded, LedgerRead, Scale};
pub use compute::{statements, RunResult, Statement};
pub use passes::needed_for;
pub use run::{compute, read_ledgers, RunOptions};
