//! Values an expression can take at run time. Units (money, percent, number) are checked
//! statically by `check`, so at run time every number is just an exact decimal.
//!
//! A leaf: uses only `period`.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::period::Period;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    Number(Decimal),
    Text(Arc<str>),
    Bool(bool),
    Date(NaiveDate),
    Period(Period),
    /// No value: a lookup with no row, an average over no rows.
    Missing,
}

impl Value {
    pub fn text(s: &str) -> Value {
        Value::Text(Arc::from(s))
    }

    /// The value as plain text for a cell: text without quotes, nothing for a missing value.
    pub fn plain(&self) -> String {
        match self {
            Value::Text(t) => t.to_string(),
            Value::Missing => String::new(),
            other => other.to_string(),
        }
    }

    pub fn as_number(&self) -> Option<Decimal> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{}", n.normalize()),
            Value::Text(t) => write!(f, "\"{t}\""),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::Period(p) => write!(f, "{p}"),
            Value::Missing => f.write_str("(missing)"),
        }
    }
}
