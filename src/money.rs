//! Money: the plan's currency (code, decimals, the signs ledgers write it with), rounding to a
//! step with a named mode, and the one way figures are rounded and formatted for display.
//!
//! A leaf: uses only `lang` (rounding modes) and `value` (exact numbers).

use std::cmp::Ordering;
use std::fmt;

use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::lang::RoundingMode;
use crate::value::Exact;

/// The currency of a plan: its ISO 4217 code, the decimals of its minor unit (a ledger amount
/// may not have more) and the signs a ledger may write before an amount (`¥1,234.56`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency {
    pub code: String,
    pub decimals: u32,
    pub signs: &'static [&'static str],
}

impl Currency {
    /// The currency of a code; the table covers the currencies a plan is likely to use, and
    /// any other code gets two decimals and no sign.
    pub fn new(code: &str) -> Currency {
        let decimals = match code {
            "JPY" | "KRW" | "VND" | "CLP" | "ISK" => 0,
            "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
            _ => 2,
        };
        let signs: &'static [&'static str] = match code {
            // Half-width and full-width yen/yuan signs: Chinese and Japanese spreadsheets use both.
            "CNY" | "JPY" => &["¥", "￥"],
            "USD" => &["US$", "$"],
            "HKD" => &["HK$", "$"],
            "EUR" => &["€"],
            "GBP" => &["£"],
            _ => &[],
        };
        Currency { code: code.to_string(), decimals, signs }
    }
}

/// A currency is written as its code in every output.
impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.code)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

/// A rounding rule: round to a multiple of `step` (0.01 = to the fen) with a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rounding {
    pub mode: RoundingMode,
    pub step: Decimal,
}

impl Default for Rounding {
    /// Half-up to 0.01: 四舍五入 to the fen, the convention for CNY.
    fn default() -> Self {
        Rounding { mode: RoundingMode::HalfUp, step: Decimal::new(1, 2) }
    }
}

impl Rounding {
    /// Decimal places the step has: amounts are printed with this many.
    pub fn scale(&self) -> u32 {
        self.step.normalize().scale()
    }

    /// Rounds `value` to a multiple of the step. `None` on overflow.
    pub fn apply(&self, value: Decimal) -> Option<Decimal> {
        self.apply_exact(&Exact::Dec(value))
    }

    /// Rounds an exact number to a multiple of the step: the one place a statement's exact
    /// arithmetic becomes an amount. The number of steps is found exactly (a fraction), so a
    /// value just below a half is never rounded up. `None` when the amount does not fit.
    pub fn apply_exact(&self, value: &Exact) -> Option<Decimal> {
        // A decimal to a power-of-ten step (0.01, 1) is rounded by `Decimal` itself: rounding
        // a decimal to fewer places is exact, and fast.
        // (A step of mantissa 1 is normalised already: normalising it twice a component was 4%
        // of a statement's work.)
        let step = if self.step.mantissa() == 1 { self.step } else { self.step.normalize() };
        if let (Exact::Dec(d), 1) = (value, step.mantissa()) {
            let strategy = match self.mode {
                RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
                RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
                RoundingMode::Down => RoundingStrategy::ToZero,
                RoundingMode::Up => RoundingStrategy::AwayFromZero,
            };
            let mut rounded = d.round_dp_with_strategy(step.scale(), strategy);
            if rounded.scale() != step.scale() {
                rounded.rescale(step.scale());
            }
            return Some(rounded);
        }
        if let Some((negative, whole, rest, rest_is_zero)) = value.steps(self.step) {
            let away = match self.mode {
                RoundingMode::Down => false,
                RoundingMode::Up => !rest_is_zero,
                RoundingMode::HalfUp => rest != Ordering::Less,
                RoundingMode::HalfEven => rest == Ordering::Greater || (rest == Ordering::Equal && whole % 2 == 1),
            };
            let mut count = i128::try_from(whole).ok()?;
            if away {
                count = count.checked_add(1)?;
            }
            if negative {
                count = -count;
            }
            let mut rounded = Decimal::try_from_i128_with_scale(count, 0).ok()?.checked_mul(self.step)?;
            rounded.rescale(self.scale());
            return Some(rounded);
        }
        self.apply_big(value)
    }

    /// [`Rounding::apply_exact`] in big fractions, for numbers the 128-bit form cannot hold.
    fn apply_big(&self, value: &Exact) -> Option<Decimal> {
        let step = Exact::Dec(self.step).ratio();
        if step.is_zero() {
            return None;
        }
        let steps = value.ratio() / step;
        let whole = steps.abs().trunc();
        let part = steps.abs() - &whole;
        let half = BigRational::new(1.into(), 2.into());
        let away = match self.mode {
            RoundingMode::Down => false,
            RoundingMode::Up => !part.is_zero(),
            RoundingMode::HalfUp => part >= half,
            RoundingMode::HalfEven => part > half || (part == half && whole.to_integer().is_odd()),
        };
        let mut count = whole.to_integer();
        if away {
            count += 1;
        }
        if steps.is_negative() {
            count = -count;
        }
        let mut rounded = Decimal::try_from_i128_with_scale(count.to_i128()?, 0).ok()?.checked_mul(self.step)?;
        rounded.rescale(self.scale());
        Some(rounded)
    }
}

/// The one rounding for display (averages, shares, rates, percentages in reports): half-up
/// (四舍五入) to `decimals` places. Statement amounts are never rounded here; they are rounded
/// once, by the policy's own rule ([`Rounding::apply`]), when they are computed.
pub fn round_display(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

/// `part / whole` as a percentage for display, to 0.01 (`None` when `whole` is zero or the
/// quotient overflows).
pub fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    // The exact quotient, rounded once (a 28-digit quotient could sit on a half and round
    // the wrong way).
    match Exact::Dec(part.checked_mul(Decimal::ONE_HUNDRED)?).checked_div(&Exact::Dec(whole)).ok()? {
        Exact::Dec(ratio) => Some(round_display(ratio, 2)),
        fraction => Rounding { mode: RoundingMode::HalfUp, step: Decimal::new(1, 2) }.apply_exact(&fraction),
    }
}

pub fn mode_name(mode: RoundingMode) -> &'static str {
    match mode {
        RoundingMode::HalfUp => "half_up",
        RoundingMode::HalfEven => "half_even",
        RoundingMode::Down => "down",
        RoundingMode::Up => "up",
    }
}

/// Formats an amount with the given decimals and thousands separators: `1,234,567.80`.
pub fn format_grouped(value: Decimal, scale: u32) -> String {
    let mut v = value;
    if v.scale() != scale {
        v.rescale(scale);
    }
    let text = v.abs().to_string();
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(text.len() + text.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if v.is_sign_negative() && !v.is_zero() { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Formats an amount with exactly `scale` decimals and no grouping (JSON, CSV).
pub fn format_plain(value: Decimal, scale: u32) -> String {
    let mut out = String::new();
    write_plain(&mut out, value, scale);
    out
}

/// [`format_plain`] appended to `out` (a report's lines reuse one buffer): the amount
/// rescaled to `scale` decimals, a zero without its sign, written from its digits as
/// `Decimal`'s `Display` writes it.
pub fn write_plain(out: &mut String, value: Decimal, scale: u32) {
    let mut v = value;
    if v.scale() != scale {
        v.rescale(scale);
    }
    if v.is_zero() {
        v.set_sign_positive(true);
    }
    let mut digits = itoa::Buffer::new();
    // Digits of 64 bits (every amount short of 18 billion billion fen) formatted as such: a
    // 128-bit number is formatted by 128-bit divisions.
    let mantissa = v.mantissa().unsigned_abs();
    let digits = match u64::try_from(mantissa) {
        Ok(small) => digits.format(small),
        Err(_) => digits.format(mantissa),
    };
    if v.is_sign_negative() {
        out.push('-');
    }
    let decimals = v.scale() as usize;
    match digits.len().checked_sub(decimals).and_then(|whole| digits.split_at_checked(whole)) {
        Some((whole, fraction)) => {
            out.push_str(if whole.is_empty() { "0" } else { whole });
            if !fraction.is_empty() {
                out.push('.');
                out.push_str(fraction);
            }
        }
        None => {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', decimals - digits.len()));
            out.push_str(digits);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;
    use rust_decimal_macros::dec;

    proptest::proptest! {
        /// An amount written from its digits reads as `Decimal`'s own `Display` writes it, at
        /// any scale, with a zero's sign dropped.
        #[test]
        fn amounts_are_written_as_decimal_writes_them(
            // Digits of more and of fewer than 64 bits (written by two ways).
            mantissa in proptest::prop_oneof![proptest::num::i128::ANY, proptest::num::i64::ANY.prop_map(i128::from)],
            decimals in 0u32..=28, scale in 0u32..=30,
        ) {
            let value = Decimal::from_i128_with_scale(mantissa % 10i128.pow(28), decimals);
            let mut expected = value;
            expected.rescale(scale);
            if expected.is_zero() {
                expected.set_sign_positive(true);
            }
            proptest::prop_assert_eq!(format_plain(value, scale), expected.to_string());
        }

        /// Rounding a fraction in 128-bit integers gives what rounding it in big fractions
        /// gives, in every mode, for steps that are and are not powers of ten.
        #[test]
        fn rounding_fractions_fast_agrees_with_big_fractions(
            n in -10i64.pow(15)..10i64.pow(15), d in 1i64..100_000, mode in 0usize..4, step in 0usize..6,
        ) {
            let value = Exact::from(Decimal::from(n)).checked_div(&Exact::from(Decimal::from(d))).unwrap();
            let mode = [RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::Down, RoundingMode::Up][mode];
            let step = [dec!(0.01), dec!(0.05), dec!(0.001), dec!(1), dec!(0.25), dec!(5)][step];
            let rounding = Rounding { mode, step };
            proptest::prop_assert_eq!(rounding.apply_exact(&value), rounding.apply_big(&value));
        }
    }

    /// Rounding to 0.01 in each mode; each row worked by hand.
    #[test]
    fn rounding_table() {
        let cases = [
            // value, mode, expected
            (dec!(2000.665), RoundingMode::HalfUp, dec!(2000.67)),
            (dec!(2000.665), RoundingMode::HalfEven, dec!(2000.66)),
            (dec!(2000.675), RoundingMode::HalfEven, dec!(2000.68)),
            (dec!(2000.6649), RoundingMode::HalfUp, dec!(2000.66)),
            (dec!(2000.661), RoundingMode::Up, dec!(2000.67)),
            (dec!(2000.669), RoundingMode::Down, dec!(2000.66)),
            (dec!(-1.005), RoundingMode::HalfUp, dec!(-1.01)),
            (dec!(-1.001), RoundingMode::Down, dec!(-1.00)),
        ];
        for (value, mode, expected) in cases {
            let r = Rounding { mode, step: dec!(0.01) };
            assert_eq!(r.apply(value), Some(expected), "{value} {mode:?}");
        }
        // To the nearest 10 yuan: 1,234.5 -> 1,230 (half_up: 123.45 steps -> 123).
        assert_eq!(Rounding { mode: RoundingMode::HalfUp, step: dec!(10) }.apply(dec!(1234.5)), Some(dec!(1230)));
        // 0.05 steps: 1.025 / 0.05 = 20.5 -> 21 -> 1.05.
        assert_eq!(Rounding { mode: RoundingMode::HalfUp, step: dec!(0.05) }.apply(dec!(1.025)), Some(dec!(1.05)));
    }

    /// Rounding exact fractions; each worked by hand.
    #[test]
    fn rounding_fractions() {
        let third = |n: i64| Exact::from(Decimal::from(n)).checked_div(&Exact::from(dec!(3))).unwrap();
        let to_fen = |mode| Rounding { mode, step: dec!(0.01) };
        // 2/3 = 0.666…: half-up 0.67, down 0.66, up 0.67; -2/3: -0.67 half-up.
        assert_eq!(to_fen(RoundingMode::HalfUp).apply_exact(&third(2)), Some(dec!(0.67)));
        assert_eq!(to_fen(RoundingMode::Down).apply_exact(&third(2)), Some(dec!(0.66)));
        assert_eq!(to_fen(RoundingMode::Up).apply_exact(&third(2)), Some(dec!(0.67)));
        assert_eq!(to_fen(RoundingMode::HalfUp).apply_exact(&third(-2)), Some(dec!(-0.67)));
        // 1/3 to the yuan, up: 1.
        assert_eq!(Rounding { mode: RoundingMode::Up, step: dec!(1) }.apply_exact(&third(1)), Some(dec!(1)));
        // 0.005 minus 1/3 × 10^-28 is just below the half fen: half-up gives 0.00, whereas
        // 28-digit decimals would make it 0.005 and round it up.
        let tiny = third(1).checked_mul(&Exact::from(dec!(0.0000000000000000000000000001))).unwrap();
        let below = Exact::from(dec!(0.005)).checked_sub(&tiny).unwrap();
        assert_eq!(to_fen(RoundingMode::HalfUp).apply_exact(&below), Some(dec!(0.00)));
        // Step 3 (yuan): 4.5 / 3 = 1.5 steps, half-even -> 2 steps = 6; 7.5 / 3 = 2.5 -> 2 = 6.
        let threes = Rounding { mode: RoundingMode::HalfEven, step: dec!(3) };
        assert_eq!(threes.apply_exact(&Exact::from(dec!(4.5))), Some(dec!(6)));
        assert_eq!(threes.apply_exact(&Exact::from(dec!(7.5))), Some(dec!(6)));
    }

    /// 100 × 100,500,000,000,000,000,000,000.01 / (10^25 + 1) = 1.005 − 1/(2 × 10^27 + 200)
    /// (worked by hand: 1.005 × (10^25 + 1) = 100 × the part + 0.005), just below the half:
    /// 1.00%. A 28-digit quotient is 1.005000… and showed 1.01%.
    #[test]
    fn a_percentage_is_rounded_from_the_exact_quotient() {
        assert_eq!(percent(dec!(100500000000000000000000.01), dec!(10000000000000000000000001)), Some(dec!(1.00)));
        assert_eq!(percent(dec!(1), dec!(3)), Some(dec!(33.33)));
        assert_eq!(percent(dec!(1), dec!(8)), Some(dec!(12.5)));
        assert_eq!(percent(dec!(1), dec!(0)), None);
    }

    #[test]
    fn formatting() {
        assert_eq!(format_grouped(dec!(1234567.8), 2), "1,234,567.80");
        assert_eq!(format_grouped(dec!(-999.5), 2), "-999.50");
        assert_eq!(format_grouped(dec!(100), 0), "100");
        assert_eq!(format_plain(dec!(5), 2), "5.00");
        assert_eq!(format_plain(dec!(-0.00), 2), "0.00");
    }
}
