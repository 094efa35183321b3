//! Splitting an amount over groups in proportion to weights, exactly to the step: every
//! share is rounded down to the step, and the steps left over go one each to the largest
//! remainders (ties to the earlier group). The shares always add up to the amount.

use rust_decimal::Decimal;

/// Shares of `amount` (a multiple of `step`) in proportion to `weights`. Weights below
/// zero count as zero. `None` when no weight is positive or on overflow.
pub fn pro_rata(amount: Decimal, weights: &[Decimal], step: Decimal) -> Option<Vec<Decimal>> {
    let weights: Vec<Decimal> = weights.iter().map(|w| (*w).max(Decimal::ZERO)).collect();
    let total: Decimal = weights.iter().try_fold(Decimal::ZERO, |a, w| a.checked_add(*w))?;
    if total <= Decimal::ZERO || step <= Decimal::ZERO {
        return None;
    }
    let negative = amount.is_sign_negative();
    let amount = amount.abs();
    let steps = amount.checked_div(step)?.trunc();
    let mut shares = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut given = Decimal::ZERO;
    for w in &weights {
        let exact = steps.checked_mul(*w)?.checked_div(total)?;
        let whole = exact.trunc();
        given = given.checked_add(whole)?;
        shares.push(whole);
        remainders.push(exact - whole);
    }
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Largest remainder first; the stable sort keeps ties in group order.
    order.sort_by(|a, b| remainders.get(*b).cmp(&remainders.get(*a)));
    let mut left = steps.checked_sub(given)?;
    for i in order {
        if left <= Decimal::ZERO {
            break;
        }
        if weights.get(i).is_some_and(|w| *w > Decimal::ZERO) {
            if let Some(s) = shares.get_mut(i) {
                *s += Decimal::ONE;
                left -= Decimal::ONE;
            }
        }
    }
    // Whatever is below one step (an amount not a multiple of it) goes to the first group
    // with weight, so that nothing is lost.
    let rest = amount.checked_sub(steps.checked_mul(step)?)?;
    let mut out: Vec<Decimal> = shares.iter().map(|s| s.checked_mul(step)).collect::<Option<_>>()?;
    if let Some(i) = weights.iter().position(|w| *w > Decimal::ZERO) {
        if let Some(first) = out.get_mut(i) {
            *first = first.checked_add(rest)?;
        }
    }
    if negative {
        out.iter_mut().for_each(|s| *s = -*s);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn shares_add_up_to_the_fen() {
        // 100.00 in thirds: 3333.33... steps each; 3333 each = 9999, one step left, to the
        // first of the tied remainders: 33.34 + 33.33 + 33.33.
        let s = pro_rata(dec!(100.00), &[dec!(1), dec!(1), dec!(1)], dec!(0.01)).unwrap();
        assert_eq!(s, vec![dec!(33.34), dec!(33.33), dec!(33.33)]);
        // 10.00 by 70 : 30 -> 7.00 and 3.00, exactly.
        assert_eq!(pro_rata(dec!(10.00), &[dec!(70), dec!(30)], dec!(0.01)).unwrap(), vec![dec!(7.00), dec!(3.00)]);
        // 1.00 by 1 : 2 : 0 : -5 -> steps 33.33 and 66.67 -> 0.33 and 0.67 (larger remainder
        // .67 > .33 gets the spare step); the zero and negative groups get nothing.
        let s = pro_rata(dec!(1.00), &[dec!(1), dec!(2), dec!(0), dec!(-5)], dec!(0.01)).unwrap();
        assert_eq!(s, vec![dec!(0.33), dec!(0.67), dec!(0), dec!(0)]);
        // A negative amount (a clawback) splits the same way, negated.
        assert_eq!(pro_rata(dec!(-0.03), &[dec!(1), dec!(1)], dec!(0.01)).unwrap(), vec![dec!(-0.02), dec!(-0.01)]);
        assert_eq!(pro_rata(dec!(5), &[dec!(0), dec!(-1)], dec!(0.01)), None);
    }
}
