//! Values an expression can take at run time. Units (money, percent, number) are checked
//! statically by `check`, so at run time every number is just an exact decimal; the statement
//! phase computes with [`Exact`] numbers (a decimal or, when a quotient does not terminate, a
//! bounded fraction), so nothing is rounded before a policy's own rounding.
//!
//! A leaf: uses only `period`.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

use crate::period::Period;

mod small;
use small::Small;

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

/// The most bits the numerator or the denominator of an exact number may take (about 77
/// decimal digits). A result beyond it is refused, never rounded: a plan's arithmetic stays
/// small unless something is wrong (a division by a tiny number, powers by repetition).
pub const EXACT_BITS: u64 = 256;

/// Why an exact operation gave no number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithError {
    DivisionByZero,
    /// The numerator or denominator would need more than [`EXACT_BITS`] bits.
    TooWide,
}

/// A number of the statement phase, held exactly: a decimal while the value is one (every
/// ledger amount, sum and finite quotient), a fraction of bounded integers otherwise (`1/3`).
/// Nothing is rounded here: only a policy's rounding (a component's, `round(...)`) turns an
/// exact number into an amount, and showing a fraction rounds it for display only.
#[derive(Debug, Clone)]
pub enum Exact {
    Dec(Decimal),
    /// Never a value a `Decimal` can hold exactly (see [`Exact::from_ratio`]).
    Ratio(Box<BigRational>),
}

fn ratio_of(d: Decimal) -> BigRational {
    BigRational::new(BigInt::from(d.mantissa()), BigInt::from(10u8).pow(d.scale()))
}

/// `n / d` as a decimal, if it is one that fits (a terminating fraction, at most 28 places).
fn decimal_of(r: &BigRational) -> Option<Decimal> {
    let mut den = r.denom().clone();
    let (mut twos, mut fives) = (0u32, 0u32);
    let two = BigInt::from(2u8);
    let five = BigInt::from(5u8);
    while den.is_even() {
        den /= &two;
        twos += 1;
    }
    while (&den % &five).is_zero() {
        den /= &five;
        fives += 1;
    }
    if !den.is_one() {
        return None;
    }
    let scale = twos.max(fives);
    if scale > 28 {
        return None;
    }
    let mantissa = r.numer() * BigInt::from(10u8).pow(scale) / r.denom();
    Decimal::try_from_i128_with_scale(mantissa.to_i128()?, scale).ok()
}

impl Exact {
    pub const ZERO: Exact = Exact::Dec(Decimal::ZERO);

    /// The exact number of a fraction: a decimal when it is one, refused beyond the width.
    pub fn from_ratio(r: BigRational) -> Result<Exact, ArithError> {
        if r.numer().bits() > EXACT_BITS || r.denom().bits() > EXACT_BITS {
            return Err(ArithError::TooWide);
        }
        Ok(match decimal_of(&r) {
            Some(d) => Exact::Dec(d),
            None => Exact::Ratio(Box::new(r)),
        })
    }

    /// The number as a 128-bit fraction, when it is one.
    fn small(&self) -> Option<Small> {
        match self {
            Exact::Dec(d) => Small::of_decimal(*d),
            Exact::Ratio(r) => Small::of_ratio(r),
        }
    }

    /// `op` on both numbers as 128-bit fractions, made an `Exact` as [`Exact::from_ratio`]
    /// makes it; `None` when a number does not fit (then the caller uses `BigRational`).
    fn small_op(&self, other: &Exact, op: fn(Small, Small) -> Option<Small>) -> Option<Exact> {
        let r = op(self.small()?, other.small()?)?;
        Some(match r.decimal()? {
            Some(d) => Exact::Dec(d),
            None => Exact::Ratio(Box::new(r.to_ratio())),
        })
    }

    /// `self / step` split for rounding to a multiple of `step`: (negative, whole number of
    /// steps, the rest against one half, the rest is zero). `None` when the 128-bit form cannot
    /// hold it (then the caller uses `BigRational`), or `step` is zero.
    pub fn steps(&self, step: Decimal) -> Option<(bool, u128, std::cmp::Ordering, bool)> {
        Some(self.small()?.div(Small::of_decimal(step)?)?.parts())
    }

    pub fn ratio(&self) -> BigRational {
        match self {
            Exact::Dec(d) => ratio_of(*d),
            Exact::Ratio(r) => (**r).clone(),
        }
    }

    /// The value as a decimal when it is exactly one.
    #[inline]
    pub fn decimal(&self) -> Option<Decimal> {
        match self {
            Exact::Dec(d) => Some(*d),
            Exact::Ratio(_) => None,
        }
    }

    /// The value to show: itself when a decimal, else cut short (toward zero) at the most
    /// places (at most 28) a decimal can hold; for display only, never paid. Cut, not rounded,
    /// so that a value just below a rounding boundary (22,400.00499…) is not shown on it
    /// (22,400.005), and a later half-up rounding of what is shown agrees with the exact one.
    /// `None` when too large to show.
    #[inline]
    pub fn shown(&self) -> Option<Decimal> {
        let r = match self {
            Exact::Dec(d) => return Some(*d),
            Exact::Ratio(r) => r,
        };
        (0..=28u32).rev().find_map(|scale| {
            let scaled = &**r * BigRational::from_integer(BigInt::from(10u8).pow(scale));
            let rounded = scaled.trunc().to_integer();
            Decimal::try_from_i128_with_scale(rounded.to_i128()?, scale).ok()
        })
    }

    pub fn is_zero(&self) -> bool {
        match self {
            Exact::Dec(d) => d.is_zero(),
            Exact::Ratio(_) => false,
        }
    }

    pub fn negated(&self) -> Exact {
        match self {
            Exact::Dec(d) => Exact::Dec(-*d),
            Exact::Ratio(r) => Exact::Ratio(Box::new(-(**r).clone())),
        }
    }

    pub fn abs(&self) -> Exact {
        match self {
            Exact::Dec(d) => Exact::Dec(d.abs()),
            Exact::Ratio(r) => Exact::Ratio(Box::new(r.abs())),
        }
    }

    /// `self + other`. Two decimals are added as decimals when no digit is lost (the scale
    /// of the sum is the larger one: `Decimal` lowers it only when it rounds).
    pub fn checked_add(&self, other: &Exact) -> Result<Exact, ArithError> {
        if let (Exact::Dec(a), Exact::Dec(b)) = (self, other) {
            if let Some(s) = exact_sum(*a, *b) {
                return Ok(Exact::Dec(s));
            }
        }
        if let Some(sum) = self.small_op(other, Small::add) {
            return Ok(sum);
        }
        Exact::from_ratio(self.ratio() + other.ratio())
    }

    pub fn checked_sub(&self, other: &Exact) -> Result<Exact, ArithError> {
        self.checked_add(&other.negated())
    }

    /// `self * other`; as decimals when the product keeps every place (scale `a + b`).
    pub fn checked_mul(&self, other: &Exact) -> Result<Exact, ArithError> {
        if let (Exact::Dec(a), Exact::Dec(b)) = (self, other) {
            let exact = |p: &Decimal| a.is_zero() || b.is_zero() || p.scale() == a.scale() + b.scale();
            if let Some(p) = a.checked_mul(*b).filter(exact) {
                return Ok(Exact::Dec(p));
            }
        }
        if let Some(product) = self.small_op(other, Small::mul) {
            return Ok(product);
        }
        Exact::from_ratio(self.ratio() * other.ratio())
    }

    /// `self / other`; a decimal when the quotient is one, a fraction otherwise.
    pub fn checked_div(&self, other: &Exact) -> Result<Exact, ArithError> {
        if other.is_zero() {
            return Err(ArithError::DivisionByZero);
        }
        // Two decimals: `Decimal`'s quotient when multiplying it back gives the dividend
        // exactly (then it is the quotient, and a decimal), else the fraction.
        if let (Exact::Dec(a), Exact::Dec(b)) = (self, other) {
            if let Some(q) = a.checked_div(*b) {
                if let Ok(Exact::Dec(back)) = Exact::Dec(q).checked_mul(other) {
                    if back == *a {
                        return Ok(Exact::Dec(q));
                    }
                }
            }
        }
        if let Some(quotient) = self.small_op(other, Small::div) {
            return Ok(quotient);
        }
        Exact::from_ratio(self.ratio() / other.ratio())
    }
}

/// `a + b` in decimals, `None` unless exact: `Decimal` keeps the larger scale of the two unless
/// it has to round (or overflows). For the fold's running sums and statement totals.
pub fn exact_sum(a: Decimal, b: Decimal) -> Option<Decimal> {
    // Adding zero loses nothing. A zero and a number: the number as it is, what `Decimal`
    // gives (a statement's first component, a component that pays nothing); two zeros as
    // `Decimal` adds them.
    match (a.is_zero(), b.is_zero()) {
        (true, false) => return Some(b),
        (false, true) => return Some(a),
        (false, false) => {}
        (true, true) => return a.checked_add(b),
    }
    // The same scale (a total and an amount to the fen): the mantissas' sum, which fits 128
    // bits, is the sum when it fits a `Decimal` (and `Decimal` would round it if not).
    if a.scale() == b.scale() {
        return Decimal::try_from_i128_with_scale(a.mantissa() + b.mantissa(), a.scale()).ok();
    }
    a.checked_add(b).filter(|s| s.scale() == a.scale().max(b.scale()))
}

/// A running total's next step: `a + b` exactly, written with as many decimals as the more
/// precise of the two, zero included (`0.00 + 5` is `5.00`), so a total of many terms has the
/// decimals of its most precise term whatever their order: totals folded in blocks and then
/// added up are the totals folded row by row, to the last digit written. `None` when the
/// exact sum does not fit.
pub fn exact_total(a: Decimal, b: Decimal) -> Option<Decimal> {
    let scale = a.scale().max(b.scale());
    let mut sum = a.checked_add(b)?;
    if sum.scale() != scale {
        if !(a.is_zero() || b.is_zero()) {
            return None;
        }
        sum.rescale(scale);
    }
    (sum.scale() == scale).then_some(sum)
}

impl From<Decimal> for Exact {
    fn from(d: Decimal) -> Exact {
        Exact::Dec(d)
    }
}

impl PartialEq for Exact {
    fn eq(&self, other: &Exact) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Exact {}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Exact) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// By value, exactly: `1/3 * 3 = 1`.
impl Ord for Exact {
    fn cmp(&self, other: &Exact) -> std::cmp::Ordering {
        match (self, other) {
            (Exact::Dec(a), Exact::Dec(b)) => a.cmp(b),
            _ => match (self.small(), other.small()) {
                (Some(a), Some(b)) => a.cmp(b).unwrap_or_else(|| self.ratio().cmp(&other.ratio())),
                _ => self.ratio().cmp(&other.ratio()),
            },
        }
    }
}

impl fmt::Display for Exact {
    /// A decimal as itself; a fraction cut short for display, with `≈` to say so.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.shown()) {
            (Exact::Dec(d), _) => write!(f, "{}", d.normalize()),
            (Exact::Ratio(_), Some(d)) => write!(f, "≈{}", d.normalize()),
            (Exact::Ratio(r), None) => write!(f, "{r}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{prop_oneof, Strategy};
    use rust_decimal_macros::dec;

    proptest::proptest! {
        /// Sums, products, quotients and comparisons in 128-bit fractions give the same
        /// `Exact` (decimal or fraction, and the decimal's places) as big fractions.
        #[test]
        fn small_fractions_give_what_big_ones_give(
            a in -10i64.pow(14)..10i64.pow(14), sa in 0u32..6, b in -10i64.pow(9)..10i64.pow(9), sb in 0u32..6,
            divide_a in 1i64..1000, divide_b in 1i64..1000,
        ) {
            let x = Exact::from(Decimal::new(a, sa)).checked_div(&Exact::from(Decimal::from(divide_a))).unwrap();
            let y = Exact::from(Decimal::new(b, sb)).checked_div(&Exact::from(Decimal::from(divide_b))).unwrap();
            let big = |r: BigRational| format!("{:?}", Exact::from_ratio(r).unwrap());
            proptest::prop_assert_eq!(format!("{:?}", x.small_op(&y, Small::add)), format!("Some({})", big(x.ratio() + y.ratio())));
            proptest::prop_assert_eq!(format!("{:?}", x.small_op(&y, Small::mul)), format!("Some({})", big(x.ratio() * y.ratio())));
            if !y.is_zero() {
                proptest::prop_assert_eq!(format!("{:?}", x.small_op(&y, Small::div)), format!("Some({})", big(x.ratio() / y.ratio())));
            }
            proptest::prop_assert_eq!(x.cmp(&y), x.ratio().cmp(&y.ratio()));
        }
    }

    /// A decimal's digits anywhere in its 96 bits (small, about 64 bits, near the top) and a
    /// scale of 0 to 28.
    fn any_decimal() -> impl Strategy<Value = Decimal> {
        let digits = prop_oneof![
            -2i128..=2,
            -1_000_000i128..1_000_000,
            i128::from(i64::MIN)..=i128::from(i64::MAX),
            (1i128 << 95) - 1_000_000..1i128 << 96,
            -(1i128 << 96) + 1..-(1i128 << 95) + 1_000_000,
        ];
        (digits, 0u32..=28).prop_map(|(m, s)| Decimal::from_i128_with_scale(m, s))
    }

    proptest::proptest! {
        /// `exact_sum` of two decimals of the same scale, or of a zero and a number, takes a
        /// short way: the same number, to the scale and sign, as `Decimal`'s own sum kept only
        /// when no place is lost (the way it takes otherwise); and a product is exact.
        #[test]
        fn short_ways_give_what_decimal_gives(a in any_decimal(), b in any_decimal()) {
            let long_sum = if a.is_zero() || b.is_zero() {
                a.checked_add(b)
            } else {
                a.checked_add(b).filter(|s| s.scale() == a.scale().max(b.scale()))
            };
            let shown = |d: Option<Decimal>| d.map(|d| (d.mantissa(), d.scale(), d.is_sign_negative()));
            proptest::prop_assert_eq!(shown(exact_sum(a, b)), shown(long_sum));
            let keeps = |p: &Decimal| a.is_zero() || b.is_zero() || p.scale() == a.scale() + b.scale();
            if let Some(p) = a.checked_mul(b).filter(keeps) {
                let ours = Exact::Dec(a).checked_mul(&Exact::Dec(b)).unwrap();
                proptest::prop_assert_eq!(shown(ours.decimal()), shown(Some(p)));
            } else {
                // Not a decimal: the exact product all the same.
                let ours = Exact::Dec(a).checked_mul(&Exact::Dec(b));
                if let Ok(ours) = ours {
                    proptest::prop_assert_eq!(ours.ratio(), Exact::Dec(a).ratio() * Exact::Dec(b).ratio());
                }
            }
        }
    }

    fn frac(n: i64, d: i64) -> Exact {
        Exact::from(Decimal::from(n)).checked_div(&Exact::from(Decimal::from(d))).unwrap()
    }

    /// 1/3 is a fraction; × 3 it is the decimal 1 again, equal to 1 (worked by hand).
    #[test]
    fn a_third_is_kept_and_comes_back() {
        let third = frac(1, 3);
        assert!(third.decimal().is_none());
        let one = third.checked_mul(&Exact::from(dec!(3))).unwrap();
        assert_eq!(one.decimal(), Some(dec!(1)));
        assert_eq!(one, Exact::from(dec!(1.00)));
        assert!(third < Exact::from(dec!(0.3333333333333333333333333334)));
        assert!(third > Exact::from(dec!(0.3333333333333333333333333333)));
    }

    /// A quotient that ends is a decimal: 1/8 = 0.125, 10/4 = 2.5.
    #[test]
    fn a_quotient_that_ends_is_a_decimal() {
        assert_eq!(frac(1, 8).decimal(), Some(dec!(0.125)));
        assert_eq!(frac(10, 4).decimal(), Some(dec!(2.5)));
    }

    /// 2/3 is shown cut short at 28 places (never rounded up to …67); -2/3 likewise.
    #[test]
    fn a_fraction_is_shown_cut_short() {
        assert_eq!(frac(2, 3).shown(), Some(dec!(0.6666666666666666666666666666)));
        assert_eq!(frac(-2, 3).shown(), Some(dec!(-0.6666666666666666666666666666)));
        assert_eq!(frac(2, 3).to_string(), "≈0.6666666666666666666666666666");
    }

    /// 1/999,999,937 (a prime just under 2^30) to the 8th power has a 239-bit denominator;
    /// to the 9th, 269 bits: refused.
    #[test]
    fn beyond_256_bits_is_refused() {
        let a = frac(1, 999_999_937);
        let b = a.checked_mul(&a).unwrap();
        let c = b.checked_mul(&b).unwrap();
        let d = c.checked_mul(&c).unwrap();
        assert_eq!(d.checked_mul(&a).err(), Some(ArithError::TooWide));
    }

    /// Sums are exact or refused; adding a zero of another scale is exact (0.00 + 5 = 5).
    #[test]
    fn sums_are_exact_or_refused() {
        assert_eq!(exact_sum(dec!(0.00), dec!(5)), Some(dec!(5)));
        assert_eq!(exact_sum(dec!(1.10), dec!(2.2)), Some(dec!(3.30)));
        // 10^21 + 10^-8 is 10^29 + 1 hundred-millionths, more than the 96 bits (about 7.9 × 10^28)
        // of a decimal's digits: a decimal would round it.
        assert_eq!(exact_sum(dec!(1000000000000000000000), dec!(0.00000001)), None);
        let big = Exact::from(dec!(1000000000000000000000));
        let sum = big.checked_add(&Exact::from(dec!(0.00000001))).unwrap();
        assert!(sum.decimal().is_none() && sum > big);
    }

    #[test]
    fn division_by_zero_is_an_error() {
        assert_eq!(frac(1, 3).checked_div(&Exact::ZERO).err(), Some(ArithError::DivisionByZero));
    }
}
