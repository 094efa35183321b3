//! Laws of the tier arithmetic, checked on random brackets and bases.

use commission::check::plan::{TierBracket, TierPay};
use commission::eval::tiers::apply;
use commission::syntax::ast::{Span, TierMode};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Ascending brackets starting at 0 with rates between 0% and 100% (in basis points).
fn brackets() -> impl Strategy<Value = Vec<TierBracket>> {
    prop::collection::vec((1u64..1_000_000, 0u32..=10_000), 1..6).prop_map(|steps| {
        let mut from = Decimal::ZERO;
        steps
            .into_iter()
            .enumerate()
            .map(|(i, (gap, bp))| {
                if i > 0 {
                    from += Decimal::from(gap);
                }
                TierBracket { from, pays: TierPay::Rate(Decimal::new(i64::from(bp), 4)), span: Span::default() }
            })
            .collect()
    })
}

fn cents() -> impl Strategy<Value = Decimal> {
    (0i64..1_000_000_000).prop_map(|c| Decimal::new(c, 2))
}

fn pay(mode: TierMode, b: &[TierBracket], base: Decimal) -> Decimal {
    apply(mode, b, base).unwrap().0
}

proptest! {
    /// One more cent never pays more than one cent at the highest rate: no jumps.
    #[test]
    fn marginal_is_continuous(b in brackets(), base in cents()) {
        let cent = Decimal::new(1, 2);
        let step = pay(TierMode::Marginal, &b, base + cent) - pay(TierMode::Marginal, &b, base);
        let top_rate = b.iter().map(|x| match x.pays { TierPay::Rate(r) => r, TierPay::Fixed(_) => Decimal::ZERO }).max().unwrap();
        prop_assert!(step >= Decimal::ZERO && step <= cent * top_rate, "step {step} at {base}");
    }

    /// More sales never pay less under marginal brackets.
    #[test]
    fn marginal_is_monotone(b in brackets(), x in cents(), y in cents()) {
        let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
        prop_assert!(pay(TierMode::Marginal, &b, lo) <= pay(TierMode::Marginal, &b, hi));
    }

    /// Inside the first bracket the two modes are the same calculation.
    #[test]
    fn flat_and_marginal_agree_in_the_first_bracket(b in brackets(), base in cents()) {
        let first_top = b.get(1).map_or(Decimal::MAX, |x| x.from);
        prop_assume!(base < first_top);
        prop_assert_eq!(pay(TierMode::Flat, &b, base), pay(TierMode::Marginal, &b, base));
    }

    /// Marginal slices cover the base exactly once.
    #[test]
    fn marginal_slices_partition_the_base(b in brackets(), base in cents()) {
        let (_, slices) = apply(TierMode::Marginal, &b, base).unwrap();
        prop_assert_eq!(slices.iter().map(|s| s.amount).sum::<Decimal>(), base);
    }
}
