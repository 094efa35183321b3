//! Scheme simulation: what a plan costs and how two versions of it differ, on the same
//! ledgers, and synthetic ledgers to try a plan on before real data exists.
//!
//! [`evaluate`] runs several plans (or one plan twice) over one pass per ledger;
//! [`diff`] compares two plans, [`explain`] shows one payee's figures side by side,
//! [`budget`] breaks one plan's cost down, [`generate`] writes ledgers.

pub mod allocate;
pub mod budget;
pub mod diff;
pub mod evaluate;
pub mod explain;
pub mod generate;
pub mod quantiles;
mod random;
