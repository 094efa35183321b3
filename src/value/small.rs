//! Fractions in 128-bit integers: the fast form of [`super::Exact`]'s arithmetic. A statement's
//! fractions are small (a month's sales over another sum, times a percentage), and computing
//! them with `BigRational` allocates and runs a big-number gcd for each step. Every operation
//! here gives exactly the fraction `BigRational` gives, or `None` when a number would not fit
//! in 128 bits; the caller then computes with `BigRational`, so the result never depends on
//! which path ran.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::ToPrimitive;
use rust_decimal::Decimal;

/// `n / d` with `d > 0`; reduced when made by [`Small::reduced`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Small {
    n: i128,
    d: i128,
}

/// Greatest common divisor (binary, Stein's), `gcd(0, b) = b`.
fn gcd(mut a: u128, mut b: u128) -> u128 {
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

impl Small {
    pub(super) fn of_decimal(x: Decimal) -> Option<Small> {
        Some(Small { n: x.mantissa(), d: 10i128.checked_pow(x.scale())? })
    }

    pub(super) fn of_ratio(r: &BigRational) -> Option<Small> {
        Small::reduced(r.numer().to_i128()?, r.denom().to_i128()?)
    }

    /// In lowest terms with a positive denominator, as `BigRational::new` makes it; `None`
    /// for a zero denominator or a number that does not fit.
    pub(super) fn reduced(n: i128, d: i128) -> Option<Small> {
        if d == 0 {
            return None;
        }
        let g = i128::try_from(gcd(n.unsigned_abs(), d.unsigned_abs())).ok()?;
        let (n, d) = (n.checked_div(g)?, d.checked_div(g)?);
        if d < 0 {
            return Some(Small { n: n.checked_neg()?, d: d.checked_neg()? });
        }
        Some(Small { n, d })
    }

    pub(super) fn add(self, o: Small) -> Option<Small> {
        let n = self.n.checked_mul(o.d)?.checked_add(o.n.checked_mul(self.d)?)?;
        Small::reduced(n, self.d.checked_mul(o.d)?)
    }

    pub(super) fn mul(self, o: Small) -> Option<Small> {
        Small::reduced(self.n.checked_mul(o.n)?, self.d.checked_mul(o.d)?)
    }

    /// `None` also when `o` is zero.
    pub(super) fn div(self, o: Small) -> Option<Small> {
        Small::reduced(self.n.checked_mul(o.d)?, self.d.checked_mul(o.n)?)
    }

    pub(super) fn cmp(self, o: Small) -> Option<Ordering> {
        Some(self.n.checked_mul(o.d)?.cmp(&o.n.checked_mul(self.d)?))
    }

    /// The fraction as `BigRational` holds it (this one must be reduced).
    pub(super) fn to_ratio(self) -> BigRational {
        BigRational::new_raw(BigInt::from(self.n), BigInt::from(self.d))
    }

    /// As `decimal_of` decides for the same (reduced) fraction: `Some(Some(d))` a decimal,
    /// `Some(None)` not one (not terminating, more than 28 places, too many digits), `None`
    /// when this form cannot tell (a product would not fit).
    pub(super) fn decimal(self) -> Option<Option<Decimal>> {
        let twos = self.d.trailing_zeros();
        let mut rest = self.d >> twos;
        let mut fives = 0u32;
        while rest % 5 == 0 {
            rest /= 5;
            fives += 1;
        }
        if rest != 1 {
            return Some(None);
        }
        let scale = twos.max(fives);
        if scale > 28 {
            return Some(None);
        }
        // n * 10^scale / d, where 10^scale / d = 2^(scale - twos) * 5^(scale - fives).
        let factor = 2i128.checked_pow(scale - twos)?.checked_mul(5i128.checked_pow(scale - fives)?)?;
        let mantissa = self.n.checked_mul(factor)?;
        Some(Decimal::try_from_i128_with_scale(mantissa, scale).ok())
    }

    /// Splits `|self|` into its whole part and how the rest compares with one half: for
    /// rounding a number of steps. Returns (negative, whole, rest against 1/2, rest is zero).
    pub(super) fn parts(self) -> (bool, u128, Ordering, bool) {
        let (a, d) = (self.n.unsigned_abs(), self.d.unsigned_abs());
        let (whole, rest) = (a / d, a % d);
        // rest < d <= i128::MAX, so 2 * rest fits.
        (self.n < 0, whole, (2 * rest).cmp(&d), rest == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn big(n: i128, d: i128) -> BigRational {
        BigRational::new(BigInt::from(n), BigInt::from(d))
    }

    #[test]
    fn gcd_by_hand() {
        assert_eq!(gcd(0, 5), 5);
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(gcd(17, 5), 1);
        assert_eq!(gcd(1 << 100, 6), 2);
    }

    proptest! {
        /// Each operation gives the fraction `BigRational` gives, whenever it gives one.
        #[test]
        fn operations_agree_with_big_rationals(
            a in -10i128.pow(20)..10i128.pow(20), b in 1i128..10i128.pow(12),
            c in -10i128.pow(20)..10i128.pow(20), d in 1i128..10i128.pow(12),
        ) {
            let (x, y) = (Small::reduced(a, b).unwrap(), Small::reduced(c, d).unwrap());
            prop_assert_eq!(x.to_ratio(), big(a, b));
            if let Some(s) = x.add(y) { prop_assert_eq!(s.to_ratio(), big(a, b) + big(c, d)); }
            if let Some(s) = x.mul(y) { prop_assert_eq!(s.to_ratio(), big(a, b) * big(c, d)); }
            if c != 0 {
                if let Some(s) = x.div(y) { prop_assert_eq!(s.to_ratio(), big(a, b) / big(c, d)); }
            }
            if let Some(o) = x.cmp(y) { prop_assert_eq!(o, big(a, b).cmp(&big(c, d))); }
        }
    }
}
