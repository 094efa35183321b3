//! commission: sales-commission plans as plain-text policies.
//!
//! The pipeline: [`syntax`] parses a policy into an AST, [`check`] turns it into a typed
//! [`plan::Plan`], [`data`] reads ledgers against the plan's input schemas, [`eval`] folds
//! the ledgers into aggregates and computes statements, and [`report`] renders them; each
//! tool (`explain`, `performance`, `doc`, `diff`, `budget`, `curve`, `generate`,
//! `policy_test`, `fmt`, `lint`) has a folder of its own. `ARCHITECTURE.md` is the map.

pub mod budget;
pub mod check;
pub mod curve;
pub mod data;
pub mod diagnostics;
pub mod diff;
pub mod doc;
pub mod eval;
pub mod explain;
pub mod fmt;
pub mod generate;
pub mod init;
pub mod lang;
pub mod lint;
pub mod lsp;
pub mod money;
pub mod performance;
pub mod period;
pub mod plan;
pub mod policy_test;
pub mod project;
pub mod quantiles;
pub mod report;
pub mod source;
pub mod sql;
pub mod suggest;
pub mod syntax;
pub mod value;
