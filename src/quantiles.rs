//! Quantiles of exact amounts, the way a spreadsheet's PERCENTILE.INC computes them:
//! sort, then interpolate linearly between the two nearest ranks, at position (n - 1) x p.
//!
//! A leaf: uses nothing of ours.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// The `p`-quantile (0 <= p <= 1) of `sorted` (ascending); `None` for no values.
pub fn quantile(sorted: &[Decimal], p: Decimal) -> Option<Decimal> {
    let last = sorted.len().checked_sub(1)?;
    let position = Decimal::from(last).checked_mul(p)?;
    let below = position.floor();
    let index = below.to_usize()?;
    let low = *sorted.get(index.min(last))?;
    let high = *sorted.get((index + 1).min(last))?;
    let fraction = position.checked_sub(below)?;
    low.checked_add(high.checked_sub(low)?.checked_mul(fraction)?)
}

/// The summary an analyst reads first: min, 10%, 25%, median, 75%, 90%, max.
pub const STANDARD: [(&str, Decimal); 7] = [
    ("min", Decimal::ZERO),
    ("p10", Decimal::from_parts(1, 0, 0, false, 1)),
    ("p25", Decimal::from_parts(25, 0, 0, false, 2)),
    ("median", Decimal::from_parts(5, 0, 0, false, 1)),
    ("p75", Decimal::from_parts(75, 0, 0, false, 2)),
    ("p90", Decimal::from_parts(9, 0, 0, false, 1)),
    ("max", Decimal::ONE),
];

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn interpolates_between_ranks() {
        // 1, 2, 3, 4, 10: positions are 4p. Median: position 2 -> 3. p25: position 1 -> 2.
        // p90: position 3.6 -> 4 + 0.6 x (10 - 4) = 7.6. min and max are the ends.
        let v = [dec!(1), dec!(2), dec!(3), dec!(4), dec!(10)];
        assert_eq!(quantile(&v, dec!(0.5)), Some(dec!(3)));
        assert_eq!(quantile(&v, dec!(0.25)), Some(dec!(2)));
        assert_eq!(quantile(&v, dec!(0.9)), Some(dec!(7.6)));
        assert_eq!(quantile(&v, Decimal::ZERO), Some(dec!(1)));
        assert_eq!(quantile(&v, Decimal::ONE), Some(dec!(10)));
        // Two values: the median is their mean (position 0.5).
        assert_eq!(quantile(&[dec!(-3), dec!(5)], dec!(0.5)), Some(dec!(1)));
        assert_eq!(quantile(&[dec!(7)], dec!(0.1)), Some(dec!(7)));
        assert_eq!(quantile(&[], dec!(0.5)), None);
        assert_eq!(STANDARD[1].1, dec!(0.1));
        assert_eq!(STANDARD[2].1, dec!(0.25));
    }
}
