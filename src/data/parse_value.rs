//! One CSV field -> one typed value, or a message saying what was expected.
//!
//! The accepted forms are deliberately narrow: a payout run should stop on a value it would
//! otherwise have to guess about. Fields are trimmed of surrounding spaces first.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::check::plan::ColumnType;
use crate::period::Period;
use crate::value::Value;

/// Why a field was rejected: what was expected, and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub expected: String,
    pub help: Option<String>,
}

fn reject(expected: impl Into<String>, help: Option<&str>) -> Rejection {
    Rejection { expected: expected.into(), help: help.map(str::to_string) }
}

pub fn parse_value(ty: ColumnType, raw: &str, money_scale: u32) -> Result<Value, Rejection> {
    let text = raw.trim();
    if text.is_empty() && ty != ColumnType::Text {
        return Err(reject(
            format!("a {} value, found an empty field", ty.name()),
            Some("every row needs a value in this column"),
        ));
    }
    match ty {
        ColumnType::Text => Ok(Value::text(text)),
        ColumnType::Integer => text
            .parse::<i64>()
            .map(|i| Value::Number(Decimal::from(i)))
            .map_err(|_| reject("a whole number such as `42`", None)),
        ColumnType::Decimal => {
            plain_decimal(text).map(Value::Number).ok_or_else(|| reject("a number such as `12.5`", None))
        }
        ColumnType::Money => {
            let Some(amount) = plain_decimal(text) else {
                return Err(reject(
                    "an amount such as `1234.56`",
                    Some("write amounts with a `.` for decimals and no currency sign or thousands separator, e.g. `1234.56`; a refund is `-1234.56`"),
                ));
            };
            if amount.scale() > money_scale {
                return Err(reject(
                    format!("an amount with at most {money_scale} decimals"),
                    Some("the ledger has more decimals than the currency allows; it must not be rounded silently, so correct it at the source"),
                ));
            }
            Ok(Value::Number(amount))
        }
        ColumnType::Percent => parse_percent(text).map(Value::Number),
        ColumnType::Date => {
            let ok_shape =
                text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') && text.as_bytes().get(7) == Some(&b'-');
            match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(d) if ok_shape => Ok(Value::Date(d)),
                _ => Err(reject("a date written `YYYY-MM-DD` that exists in the calendar", Some("e.g. `2026-03-31`"))),
            }
        }
        ColumnType::Month => match Period::parse(text) {
            Some(p @ Period::Month { .. }) => Ok(Value::Period(p)),
            _ => Err(reject("a month written `YYYY-MM`", Some("e.g. `2026-03`"))),
        },
        ColumnType::Quarter => match Period::parse(text) {
            Some(p @ Period::Quarter { .. }) => Ok(Value::Period(p)),
            _ => Err(reject("a quarter written `YYYY-Qn`", Some("e.g. `2026-Q1`"))),
        },
        ColumnType::Bool => match text.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(reject("`true` or `false`", None)),
        },
    }
}

/// `1234.56`, `-12`, `0.5`: digits with an optional sign and point, nothing else.
fn plain_decimal(text: &str) -> Option<Decimal> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let valid = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    if !valid {
        return None;
    }
    Decimal::from_str_exact(text).ok()
}

/// `85.5%` is 0.855; a bare `0.855` is a fraction. A bare number above 1 is ambiguous
/// (is `85` 85% or 8500%?) and is refused.
fn parse_percent(text: &str) -> Result<Decimal, Rejection> {
    let help = Some("write a percentage as `85.5%` or as a fraction between 0 and 1 such as `0.855`");
    if let Some(number) = text.strip_suffix('%') {
        let value = plain_decimal(number.trim()).ok_or_else(|| reject("a percentage such as `85.5%`", help))?;
        return value.checked_div(Decimal::ONE_HUNDRED).ok_or_else(|| reject("a percentage such as `85.5%`", help));
    }
    let value = plain_decimal(text)
        .ok_or_else(|| reject("a percentage such as `85.5%` or a fraction such as `0.855`", help))?;
    if value.abs() > Decimal::ONE {
        return Err(reject(
            "a fraction between 0 and 1, or a value with `%`",
            Some("a bare number above 1 is ambiguous: write `85%` for eighty-five percent"),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_forms() {
        assert_eq!(parse_value(ColumnType::Money, " 1234.56 ", 2), Ok(Value::Number(dec!(1234.56))));
        assert_eq!(parse_value(ColumnType::Money, "-10", 2), Ok(Value::Number(dec!(-10))));
        for bad in ["1,234.56", "¥12", "(12.00)", "12.345", "1e5", "", "12.", ".5", "--1", "1.2.3"] {
            assert!(parse_value(ColumnType::Money, bad, 2).is_err(), "{bad}");
        }
    }

    #[test]
    fn percent_forms() {
        assert_eq!(parse_value(ColumnType::Percent, "85.5%", 2), Ok(Value::Number(dec!(0.855))));
        assert_eq!(parse_value(ColumnType::Percent, "0.855", 2), Ok(Value::Number(dec!(0.855))));
        assert_eq!(parse_value(ColumnType::Percent, "80%", 2), Ok(Value::Number(dec!(0.8))));
        assert_eq!(parse_value(ColumnType::Percent, "1", 2), Ok(Value::Number(dec!(1))));
        assert!(parse_value(ColumnType::Percent, "85", 2).is_err());
        assert!(parse_value(ColumnType::Percent, "abc%", 2).is_err());
    }

    #[test]
    fn dates_and_periods() {
        assert!(parse_value(ColumnType::Date, "2026-02-28", 2).is_ok());
        for bad in ["2026-02-30", "2026-2-3", "26-02-03", "2026/02/03"] {
            assert!(parse_value(ColumnType::Date, bad, 2).is_err(), "{bad}");
        }
        assert!(parse_value(ColumnType::Quarter, "2026-Q2", 2).is_ok());
        assert!(parse_value(ColumnType::Quarter, "2026-05", 2).is_err());
        assert!(parse_value(ColumnType::Month, "2026-05", 2).is_ok());
    }
}
