//! Reading a policy: text to AST, with the pest grammar (`grammar/policy.pest`). No meaning
//! is given to a name here; only shape and literals.
//!
//! [`parse()`] runs, in order: [`prescan`] (the file's size, the operators of one
//! expression, bracket nesting and matching, before pest sees the text), pest, whose first
//! error [`syntax_error`] puts in our words, and [`parse`](mod@parse), which builds the AST
//! ([`ast`]) from pest's tree. [`comments`](mod@comments) finds comments and quoted texts in
//! one scan (for the prescan, the formatter and lint attributes); [`inline_rows`] splits the
//! CSV lines of `test` blocks; [`names`](mod@names) lists the names as written, for the
//! checks on how they look (confusables, mixed scripts).
//!
//! May use: `lang` (words shared with later stages), `source`, `diagnostics`.

pub mod ast;
pub mod comments;
pub mod inline_rows;
pub mod names;
pub mod parse;
pub mod prescan;
pub mod syntax_error;

pub use comments::{comments, Comment};
pub use parse::parse;
