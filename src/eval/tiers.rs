//! Tier arithmetic: flat (whole amount at the reached bracket's rate, 全额累进) and marginal
//! (each slice at its own bracket's rate, 超额累进). Brackets are half-open: a bracket
//! `from b` covers `b <= base < next bound`. The arithmetic is exact ([`Exact`]): a rate
//! times a base keeps every digit, whatever their number.

use rust_decimal::Decimal;

use crate::lang::TierMode;
use crate::plan::{TierBracket, TierPay};
use crate::value::{ArithError, Exact};

/// One slice of the base and what it pays; `explain` shows these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice {
    pub bracket: usize,
    pub from: Decimal,
    /// Upper bound of the bracket (exclusive); `None` for the last, open bracket.
    pub to: Option<Decimal>,
    /// The part of the base this bracket applies to (flat: the whole base).
    pub amount: Decimal,
    pub pays: TierPay,
    pub payout: Decimal,
}

/// One slice, exactly.
struct ExactSlice {
    bracket: usize,
    amount: Exact,
    payout: Exact,
}

/// The payout for `base`, with the slices behind it, as decimals to show (a slice of a base
/// that is a fraction is rounded for display). `None` when the payout cannot be computed.
pub fn apply(mode: TierMode, brackets: &[TierBracket], base: Decimal) -> Option<(Decimal, Vec<Slice>)> {
    apply_shown(mode, brackets, &Exact::Dec(base), None)
}

/// [`apply`] for an exact base (a fraction, in an explanation): computed exactly, then shown.
/// `scale`: the figure relative bounds are shares of (`from 50% of target`).
pub fn apply_shown(
    mode: TierMode,
    brackets: &[TierBracket],
    base: &Exact,
    scale: Option<&Exact>,
) -> Option<(Decimal, Vec<Slice>)> {
    let mut slices = Vec::new();
    let total = slices_exact(mode, brackets, base, scale, |s| slices.push(s)).ok()?;
    let bound = |b: &TierBracket| bound(b, scale).ok()?.shown();
    let bound_after = |i: usize| brackets.get(i + 1).and_then(bound);
    let shown = slices
        .into_iter()
        .map(|s| {
            let bracket = brackets.get(s.bracket)?;
            Some(Slice {
                bracket: s.bracket,
                from: bound(bracket)?,
                to: bound_after(s.bracket),
                amount: s.amount.shown()?,
                pays: bracket.pays,
                payout: s.payout.shown()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some((total.shown()?, shown))
}

/// The exact payout for `base`: what a statement pays.
pub fn apply_exact(
    mode: TierMode,
    brackets: &[TierBracket],
    base: &Exact,
    scale: Option<&Exact>,
) -> Result<Exact, ArithError> {
    // No list of slices: one allocation per statement was 2% of a run over 100,000 payees.
    slices_exact(mode, brackets, base, scale, |_| {})
}

/// A bracket's lower bound: as written, or its share of the scale.
fn bound(b: &TierBracket, scale: Option<&Exact>) -> Result<Exact, ArithError> {
    match scale {
        Some(s) => Exact::Dec(b.from).checked_mul(s),
        None => Ok(Exact::Dec(b.from)),
    }
}

fn pays(pays: TierPay, amount: &Exact) -> Result<Exact, ArithError> {
    match pays {
        TierPay::Rate(r) => amount.checked_mul(&Exact::Dec(r)),
        TierPay::Fixed(a) => Ok(Exact::Dec(a)),
    }
}

/// The exact payout for `base`; `slice` is shown each slice behind it, in bracket order.
fn slices_exact(
    mode: TierMode,
    brackets: &[TierBracket],
    base: &Exact,
    scale: Option<&Exact>,
    mut slice: impl FnMut(ExactSlice),
) -> Result<Exact, ArithError> {
    // Without a scale the bounds are the decimals written; with one, shares of it.
    let from = |i: usize| -> Result<Option<Exact>, ArithError> { brackets.get(i).map(|b| bound(b, scale)).transpose() };
    match mode {
        TierMode::Flat => {
            let mut reached = None;
            for i in (0..brackets.len()).rev() {
                if from(i)?.is_some_and(|f| f <= *base) {
                    reached = Some(i);
                    break;
                }
            }
            let Some((i, bracket)) = reached.and_then(|i| Some((i, brackets.get(i)?))) else {
                return Ok(Exact::ZERO);
            };
            let payout = pays(bracket.pays, base)?;
            slice(ExactSlice { bracket: i, amount: base.clone(), payout: payout.clone() });
            Ok(payout)
        }
        TierMode::Marginal => {
            let mut total = Exact::ZERO;
            for (i, bracket) in brackets.iter().enumerate() {
                let Some(lower) = from(i)? else { break };
                if *base < lower {
                    break;
                }
                let top = match from(i + 1)? {
                    Some(next) if next < *base => next,
                    _ => base.clone(),
                };
                let amount = top.checked_sub(&lower)?;
                let payout = pays(bracket.pays, &amount)?;
                total = total.checked_add(&payout)?;
                slice(ExactSlice { bracket: i, amount, payout });
            }
            Ok(total)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;
    use rust_decimal_macros::dec;

    fn seed() -> Vec<TierBracket> {
        [(dec!(0), dec!(0.03)), (dec!(100000), dec!(0.05)), (dec!(300000), dec!(0.08))]
            .iter()
            .map(|(from, rate)| TierBracket { from: *from, pays: TierPay::Rate(*rate), span: Span::default() })
            .collect()
    }

    /// The seed plan's brackets; every expected figure is worked by hand.
    #[test]
    fn seed_brackets_table() {
        let cases = [
            // base, flat, marginal
            (dec!(0), dec!(0), dec!(0)),
            // flat: 99,999.99 * 3% = 2,999.9997; marginal: the same (first bracket only).
            (dec!(99999.99), dec!(2999.9997), dec!(2999.9997)),
            // flat: 100,000 * 5% = 5,000; marginal: 100,000 * 3% + 0 * 5% = 3,000.
            (dec!(100000), dec!(5000), dec!(3000)),
            // flat: 299,999.99 * 5% = 14,999.9995; marginal: 3,000 + 199,999.99 * 5% = 3,000 + 9,999.9995.
            (dec!(299999.99), dec!(14999.9995), dec!(12999.9995)),
            // flat: 300,000 * 8% = 24,000; marginal: 3,000 + 10,000 + 0 = 13,000.
            (dec!(300000), dec!(24000), dec!(13000)),
            // flat: 300,000.01 * 8% = 24,000.0008; marginal: 13,000 + 0.01 * 8% = 13,000.0008.
            (dec!(300000.01), dec!(24000.0008), dec!(13000.0008)),
            // flat: 500,000 * 8% = 40,000; marginal: 13,000 + 200,000 * 8% = 29,000.
            (dec!(500000), dec!(40000), dec!(29000)),
        ];
        for (base, flat, marginal) in cases {
            assert_eq!(apply(TierMode::Flat, &seed(), base).map(|r| r.0), Some(flat), "flat {base}");
            assert_eq!(apply(TierMode::Marginal, &seed(), base).map(|r| r.0), Some(marginal), "marginal {base}");
        }
    }

    #[test]
    fn below_the_first_bracket_pays_nothing() {
        let brackets = vec![TierBracket { from: dec!(1000), pays: TierPay::Fixed(dec!(50)), span: Span::default() }];
        assert_eq!(apply(TierMode::Flat, &brackets, dec!(999.99)).map(|r| r.0), Some(dec!(0)));
        assert_eq!(apply(TierMode::Flat, &brackets, dec!(1000)).map(|r| r.0), Some(dec!(50)));
        assert_eq!(apply(TierMode::Marginal, &brackets, dec!(-5)).map(|r| r.0), Some(dec!(0)));
    }

    #[test]
    fn marginal_slices_add_up() {
        let (total, slices) = apply(TierMode::Marginal, &seed(), dec!(350000)).unwrap();
        assert_eq!(slices.len(), 3);
        assert_eq!(slices.iter().map(|s| s.amount).sum::<Decimal>(), dec!(350000));
        assert_eq!(slices.iter().map(|s| s.payout).sum::<Decimal>(), total);
    }
}
