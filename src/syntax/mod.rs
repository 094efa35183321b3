//! Reading a policy: the pest grammar (`grammar/policy.pest`) and the AST built from it.

pub mod ast;
pub mod limits;
pub mod parse;

pub use parse::parse;
