//! Laws of the tier arithmetic, checked on random brackets and bases.

use commission::eval::tiers::apply;
use commission::lang::TierMode;
use commission::plan::{TierBracket, TierPay};
use commission::source::Span;
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

mod explain_matches_run {
    //! On random ledgers, every statement's explanation gives the figures `run` gives.

    use std::fmt::Write as _;
    use std::path::PathBuf;

    use commission::check;
    use commission::data::InputFile;
    use commission::eval::trace::explain;
    use commission::eval::{compute, RunOptions};
    use commission::source::SourceFile;
    use proptest::prelude::*;

    /// (payee, month, kind, amount in fen) for each sale.
    type Sale = (u8, u32, u8, i64);
    /// (payee, quarter, satisfaction %).
    type Survey = (u8, u32, u32);

    fn ledger() -> impl Strategy<Value = (Vec<Sale>, Vec<Survey>)> {
        (
            prop::collection::vec((0u8..4, 1u32..=6, 0u8..3, 1i64..40_000_000), 1..25),
            prop::collection::vec((0u8..4, 1u32..=2, 70u32..=90), 0..8),
        )
    }

    fn write(dir: &std::path::Path, sales: &[Sale], surveys: &[Survey]) -> (PathBuf, PathBuf) {
        let mut s = String::from("id,date,manager,customer,kind,business,segment,amount\n");
        for (i, (payee, month, kind, fen)) in sales.iter().enumerate() {
            let kind = ["new", "renewal", "upsell"][usize::from(*kind)];
            writeln!(s, "T{i},2026-{month:02}-15,P{payee},C{i},{kind},mobile,sme,{}.{:02}", fen / 100, fen % 100)
                .unwrap();
        }
        let mut v = String::from("manager,quarter,satisfaction\n");
        let mut seen = std::collections::HashSet::new();
        for (payee, quarter, pct) in surveys {
            if seen.insert((payee, quarter)) {
                writeln!(v, "P{payee},2026-Q{quarter},{pct}%").unwrap();
            }
        }
        let (a, b) = (dir.join("sales.csv"), dir.join("surveys.csv"));
        std::fs::write(&a, s).unwrap();
        std::fs::write(&b, v).unwrap();
        (a, b)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn every_statement_explains_to_its_run_figure((sales, surveys) in ledger()) {
            for policy in ["policies/telecom-account-manager.policy", "policies/telecom-marginal.policy"] {
                let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(policy);
                let text = std::fs::read_to_string(&path).unwrap();
                let plan = check::compile(SourceFile::new(policy, text)).unwrap().plan;
                let dir = tempfile::tempdir().unwrap();
                let (s, v) = write(dir.path(), &sales, &surveys);
                let files = vec![InputFile::new(0, s), InputFile::new(1, v)];
                let result = compute(&plan, &files, &RunOptions::default()).unwrap();
                for statement in &result.statements {
                    let e = explain(&plan, &files, &statement.payee, statement.period, None, false).unwrap();
                    let amounts: Vec<_> = e.components.iter().map(|c| c.payout.amount).collect();
                    prop_assert_eq!(&amounts, &statement.amounts);
                    prop_assert_eq!(e.total, statement.total);
                }
            }
        }
    }
}
