//! Reading a policy: the pest grammar (`grammar/policy.pest`) and the AST built from it.

pub mod ast;
pub mod comments;
pub mod limits;
pub mod parse;
pub mod rows;

pub use comments::{comments, Comment};
pub use parse::parse;
