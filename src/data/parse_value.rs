//! One CSV field -> one typed value, or a [`Rejection`] saying what was expected (its words
//! are in `diagnostics::ledger`).
//!
//! The accepted forms are deliberately narrow: a payout run should stop on a value it would
//! otherwise have to guess about. Fields are trimmed of surrounding white space first
//! (including non-breaking and full-width spaces, which spreadsheets leave behind).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::diagnostics::ledger::Rejection;
use crate::money::Currency;
use crate::period::Period;
use crate::plan::ColumnType;
use crate::value::Value;

pub fn parse_value(ty: ColumnType, raw: &str, money: &Currency) -> Result<Value, Rejection> {
    let text = raw.trim();
    if text.is_empty() && ty != ColumnType::Text {
        return Err(Rejection::Empty { ty: ty.name() });
    }
    match ty {
        ColumnType::Text => Ok(Value::text(text)),
        ColumnType::Integer => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Rejection::WholeNumber);
            }
            plain_decimal(text).map(Value::Number).map_err(|e| e.or(Rejection::WholeNumber))
        }
        ColumnType::Decimal => plain_decimal(text).map(Value::Number).map_err(|e| e.or(Rejection::Number)),
        ColumnType::Money => parse_money(text, money).map(Value::Number),
        ColumnType::Percent => parse_percent(text).map(Value::Number),
        ColumnType::Date => parse_date(text).map(Value::Date).ok_or(Rejection::Date),
        ColumnType::Month => match Period::parse(text) {
            Some(p @ Period::Month { .. }) => Ok(Value::Period(p)),
            _ => Err(Rejection::Month),
        },
        ColumnType::Quarter => match Period::parse(text) {
            Some(p @ Period::Quarter { .. }) => Ok(Value::Period(p)),
            _ => Err(Rejection::Quarter),
        },
        ColumnType::Bool => match text.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(Rejection::Bool),
        },
    }
}

/// A date written `YYYY-MM-DD`. The common shape (ten bytes, eight of them digits) is read
/// straight from the bytes; anything else goes through chrono's parser, so what is accepted
/// is exactly what chrono accepts of that shape.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    match date_digits(text) {
        Some(n) => date_of_digits(n),
        None => NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
    }
}

/// `YYYY-MM-DD` with every `Y`, `M` and `D` an ASCII digit, as the number `YYYYMMDD` (not
/// checked as a date: [`date_of_digits`] does that); `None` for any other text.
pub(crate) fn date_digits(text: &str) -> Option<u32> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The first eight bytes, `YYYY-MM-`, a byte a lane (the first byte lowest).
    let head = u64::from_le_bytes(text.as_bytes().get(..8)?.try_into().ok()?);
    let [d1, d2] = <[u8; 2]>::try_from(text.as_bytes().get(8..)?).ok()?;
    // Lanes 4 and 7 are dashes; the others digits: 0x30 to 0x39, that is a high half of 3
    // before and after adding 6 (which carries out of no lane whose high half is 3).
    const DASHES: u64 = 0xff00_00ff_0000_0000;
    const DIGITS: u64 = !DASHES;
    let high = (ONES * 0xf0) & DIGITS;
    let threes = (ONES * 0x30) & DIGITS;
    if head & DASHES != 0x2d00_002d_0000_0000
        || head & high != threes
        || (head.wrapping_add((ONES * 6) & DIGITS) & high) != threes
        || !d1.is_ascii_digit()
        || !d2.is_ascii_digit()
    {
        return None;
    }
    let lane = |i: u32| ((head >> (8 * i)) & 0x0f) as u32;
    let year = lane(0) * 1000 + lane(1) * 100 + lane(2) * 10 + lane(3);
    let month = lane(5) * 10 + lane(6);
    let day = u32::from(d1 - b'0') * 10 + u32::from(d2 - b'0');
    Some(year * 10_000 + month * 100 + day)
}

/// The date of [`date_digits`]' number, when it is one (`20270230` is not).
pub(crate) fn date_of_digits(n: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(n / 10_000).ok()?, n / 100 % 100, n % 100)
}

/// Amounts as ledgers write them: `1234.56`, `1234.5`, `-80`, `1,234.56` (thousands grouped
/// by three), and with the currency's own sign in front: `¥1,234.56`, `-¥5.00`, `¥-5.00`
/// (Excel's Chinese currency format). Refused, each with its reason: `(1234.56)` (an
/// accounting negative: is it a refund or a typo?), another currency's sign, grouping that
/// is not by three (`1,23` might be a decimal comma), exponents, and more decimals than the
/// currency has (never rounded silently).
fn parse_money(text: &str, money: &Currency) -> Result<Decimal, Rejection> {
    if text.starts_with('(') && text.ends_with(')') {
        return Err(Rejection::Parenthesized);
    }
    let (minus, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let unsigned = money.signs.iter().find_map(|s| rest.strip_prefix(s)).unwrap_or(rest);
    let (minus, unsigned) = match unsigned.strip_prefix('-') {
        Some(after) if !minus && unsigned.len() < rest.len() => (true, after),
        _ => (minus, unsigned),
    };
    if unsigned.starts_with(|c: char| !c.is_ascii_digit()) && FOREIGN_SIGNS.iter().any(|s| unsigned.starts_with(s)) {
        return Err(Rejection::ForeignCurrency);
    }
    if !unsigned.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(Rejection::Amount);
    }
    let digits =
        if unsigned.contains(',') { ungroup(unsigned).ok_or(Rejection::Grouping)? } else { unsigned.to_string() };
    let amount = plain_decimal(&digits).map_err(|e| e.or(Rejection::Amount))?;
    if amount.scale() > money.decimals {
        return Err(Rejection::TooManyDecimals { decimals: money.decimals });
    }
    Ok(if minus { -amount } else { amount })
}

/// Currency signs that are never part of a number: an amount starting with one of them that
/// is not the policy's own is in another currency.
const FOREIGN_SIGNS: &[&str] = &["¥", "￥", "$", "€", "£", "₩", "₹", "HK$", "US$"];

/// `1,234,567.89` -> `1234567.89`, if the commas group the whole-number digits by three.
fn ungroup(text: &str) -> Option<String> {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let mut groups = whole.split(',');
    let first = groups.next()?;
    let digits_only = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    if first.is_empty() || first.len() > 3 || !digits_only(first) {
        return None;
    }
    let mut out = first.to_string();
    for group in groups {
        if group.len() != 3 || !digits_only(group) {
            return None;
        }
        out.push_str(group);
    }
    if let Some(f) = fraction {
        if f.contains(',') {
            return None;
        }
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

/// Why a field is not a plain decimal.
enum NotPlain {
    /// Not written as one: the caller says what was expected.
    Shape,
    /// Written as one, but too large or too long to be held exactly.
    OutOfRange,
}

impl NotPlain {
    fn or(self, shape: Rejection) -> Rejection {
        match self {
            NotPlain::Shape => shape,
            NotPlain::OutOfRange => Rejection::OutOfRange,
        }
    }
}

/// The largest size of a number in a ledger (exclusive): 10^15, a thousand trillion. No
/// real sale comes near it, and below it the sum of even billions of rows is exact; a
/// larger value is an id or a phone number in the wrong column, not an amount.
const LARGEST: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// `1234.56`, `-12`, `0.5`: digits with an optional sign and point, nothing else, below
/// [`LARGEST`] and with at most 28 digits.
fn plain_decimal(text: &str) -> Result<Decimal, NotPlain> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let valid = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    if !valid {
        return Err(NotPlain::Shape);
    }
    match Decimal::from_str_exact(text) {
        Ok(value) if value.abs() < LARGEST => Ok(value),
        _ => Err(NotPlain::OutOfRange),
    }
}

/// `85.5%` is 0.855; a bare `0.855` is a fraction. A bare number above 1 is ambiguous
/// (is `85` 85% or 8500%?) and is refused.
fn parse_percent(text: &str) -> Result<Decimal, Rejection> {
    if let Some(number) = text.strip_suffix('%') {
        let value = plain_decimal(number.trim()).map_err(|e| e.or(Rejection::Percentage))?;
        // More than 26 decimals would be rounded by the division: refused, never rounded.
        let exact = value.normalize().scale() <= 26;
        return value.checked_div(Decimal::ONE_HUNDRED).filter(|_| exact).ok_or(Rejection::Percentage);
    }
    let value = plain_decimal(text).map_err(|e| e.or(Rejection::PercentOrFraction))?;
    if value.abs() > Decimal::ONE {
        return Err(Rejection::BareAboveOne);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn cny() -> Currency {
        Currency::new("CNY")
    }

    /// The reading before the byte fast path: chrono's parser on the ten-byte shape.
    fn chrono_date(text: &str) -> Option<NaiveDate> {
        let shape = text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') && text.as_bytes().get(7) == Some(&b'-');
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().filter(|_| shape)
    }

    #[test]
    fn dates_read_from_bytes_are_the_dates_chrono_reads() {
        for text in ["2026-03-01", "2024-02-29", "2026-02-29", "2026-13-01", "2026-00-10", "0000-01-01", "9999-12-31"] {
            assert_eq!(parse_date(text), chrono_date(text), "{text}");
        }
        // Every month 00-13 and day 00-32 of leap, common and edge years.
        for y in ["0000", "0001", "1900", "2000", "2024", "2026", "2100", "9999"] {
            for m in 0..=13 {
                for d in 0..=32 {
                    let text = format!("{y}-{m:02}-{d:02}");
                    assert_eq!(parse_date(&text), chrono_date(&text), "{text}");
                }
            }
        }
        assert_eq!(parse_date("2026-03-01"), NaiveDate::from_ymd_opt(2026, 3, 1));
        assert_eq!(parse_date("2026-02-29"), None);
    }

    proptest::proptest! {
        /// Ten characters from digits, signs, spaces and dashes: the fast path and chrono agree.
        #[test]
        fn any_ten_characters_read_as_chrono_reads_them(
            chars in proptest::collection::vec(proptest::sample::select(vec!['0', '1', '2', '3', '9', '-', '+', ' ', 'x']), 10)
        ) {
            let mut text: String = chars.into_iter().collect();
            // Put the dashes where a date has them half the time, so most cases reach the parsers.
            if text.as_bytes().first().is_some_and(|b| b % 2 == 0) {
                text.replace_range(4..5, "-");
                text.replace_range(7..8, "-");
            }
            proptest::prop_assert_eq!(parse_date(&text), chrono_date(&text), "{}", text);
        }
    }

    /// Each accepted form and the amount it is, written out by hand.
    #[test]
    fn money_forms() {
        let cases = [
            (" 1234.56 ", dec!(1234.56)),
            ("1234.5", dec!(1234.5)),
            ("-10", dec!(-10)),
            ("1,234.56", dec!(1234.56)),
            ("12,345,678.9", dec!(12345678.9)),
            ("999", dec!(999)),
            ("1,000", dec!(1000)),
            ("¥1,234.56", dec!(1234.56)),
            ("￥1234.56", dec!(1234.56)),
            ("-¥1,234.56", dec!(-1234.56)),
            ("¥-1,234.56", dec!(-1234.56)),
            ("0.00", dec!(0)),
        ];
        for (text, amount) in cases {
            assert_eq!(parse_value(ColumnType::Money, text, &cny()), Ok(Value::Number(amount)), "{text}");
        }
        for bad in [
            "(12.00)", "12.345", "1e5", "", "12.", ".5", "--1", "1.2.3", "1,23", "1234,567", ",123", "1,234,56",
            "1.234,56", "1 234", "$12", "€5", "-¥-5", "¥", "+5", "¥ 12", "12¥", "1,,234",
        ] {
            assert!(parse_value(ColumnType::Money, bad, &cny()).is_err(), "{bad}");
        }
        // A plan in US dollars takes `$` and refuses `¥`.
        let usd = Currency { code: "USD".into(), decimals: 2, signs: &["$"] };
        assert_eq!(parse_value(ColumnType::Money, "$1,000.5", &usd), Ok(Value::Number(dec!(1000.5))));
        assert!(parse_value(ColumnType::Money, "¥1000", &usd).is_err());
        // Each refusal with its reason.
        for (bad, why) in [
            ("(1234.56)", Rejection::Parenthesized),
            ("$12", Rejection::ForeignCurrency),
            ("1234,56", Rejection::Grouping),
            ("12.345", Rejection::TooManyDecimals { decimals: 2 }),
            ("1e5", Rejection::Amount),
            ("", Rejection::Empty { ty: "money" }),
        ] {
            assert_eq!(parse_value(ColumnType::Money, bad, &cny()), Err(why), "{bad}");
        }
    }

    #[test]
    fn numbers_too_large_to_be_ledger_values() {
        // 10^15 - 0.01 is the largest amount in CNY; 10^15 itself is refused.
        assert_eq!(LARGEST, dec!(1_000_000_000_000_000));
        let largest = parse_value(ColumnType::Money, "999,999,999,999,999.99", &cny());
        assert_eq!(largest, Ok(Value::Number(dec!(999999999999999.99))));
        for (ty, text) in [
            (ColumnType::Money, "1000000000000000"),
            (ColumnType::Money, "-1,000,000,000,000,000.00"),
            (ColumnType::Money, "99999999999999999999999999999999"),
            (ColumnType::Integer, "99999999999999999999"),
            (ColumnType::Integer, "1000000000000000"),
            (ColumnType::Decimal, "0.00000000000000000000000000001"),
            (ColumnType::Percent, "100000000000000000%"),
        ] {
            assert_eq!(parse_value(ty, text, &cny()), Err(Rejection::OutOfRange), "{text}");
        }
        assert_eq!(parse_value(ColumnType::Integer, "1.5", &cny()), Err(Rejection::WholeNumber));
        assert_eq!(parse_value(ColumnType::Integer, "-42", &cny()), Ok(Value::Number(dec!(-42))));
    }

    #[test]
    fn percent_forms() {
        assert_eq!(parse_value(ColumnType::Percent, "85.5%", &cny()), Ok(Value::Number(dec!(0.855))));
        assert_eq!(parse_value(ColumnType::Percent, "0.855", &cny()), Ok(Value::Number(dec!(0.855))));
        assert_eq!(parse_value(ColumnType::Percent, "80%", &cny()), Ok(Value::Number(dec!(0.8))));
        assert_eq!(parse_value(ColumnType::Percent, "1", &cny()), Ok(Value::Number(dec!(1))));
        assert_eq!(parse_value(ColumnType::Percent, "85", &cny()), Err(Rejection::BareAboveOne));
        assert_eq!(parse_value(ColumnType::Percent, "abc%", &cny()), Err(Rejection::Percentage));
        // 27 decimals: as a fraction it would need 29, so it is refused rather than rounded.
        assert_eq!(
            parse_value(ColumnType::Percent, "0.123456789012345678901234567%", &cny()),
            Err(Rejection::Percentage)
        );
        assert_eq!(parse_value(ColumnType::Percent, "abc", &cny()), Err(Rejection::PercentOrFraction));
    }

    #[test]
    fn dates_and_periods() {
        assert!(parse_value(ColumnType::Date, "2026-02-28", &cny()).is_ok());
        for bad in ["2026-02-30", "2026-2-3", "26-02-03", "2026/02/03"] {
            assert!(parse_value(ColumnType::Date, bad, &cny()).is_err(), "{bad}");
        }
        assert!(parse_value(ColumnType::Quarter, "2026-Q2", &cny()).is_ok());
        assert!(parse_value(ColumnType::Quarter, "2026-05", &cny()).is_err());
        assert!(parse_value(ColumnType::Month, "2026-05", &cny()).is_ok());
    }

    /// The digits of a date read eight bytes a word say what a byte-by-byte reading says,
    /// for every byte value at every place of a date.
    #[test]
    fn date_digits_are_read_as_byte_by_byte() {
        let by_bytes = |b: &[u8]| -> Option<u32> {
            if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
                return None;
            }
            let mut n = 0;
            for (i, &d) in b.iter().enumerate() {
                if i == 4 || i == 7 {
                    continue;
                }
                if !d.is_ascii_digit() {
                    return None;
                }
                n = n * 10 + u32::from(d - b'0');
            }
            Some(n)
        };
        let date = b"2026-11-04";
        assert_eq!(date_digits("2026-11-04"), Some(20261104));
        for at in 0..date.len() {
            for byte in 0..=255u8 {
                let mut b = date.to_vec();
                b[at] = byte;
                let Ok(text) = std::str::from_utf8(&b) else { continue };
                assert_eq!(date_digits(text), by_bytes(&b), "{text:?}");
            }
        }
        for text in ["", "2026-11-0", "2026-11-041", "2026-11-04 ", "٢٠٢٦-١١-٠٤"] {
            assert_eq!(date_digits(text), None, "{text:?}");
        }
        assert_eq!(date_of_digits(20240229), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(date_of_digits(20250229), None);
        assert_eq!(date_of_digits(20251300), None);
    }
}
