//! `commission curve`: figures at the seed plan's bounds, cliffs marked, the marginal plan
//! compared on one chart, and an SVG that parses as XML.

use crate::harness::Test;
use crate::{run, run_ok};

const SEED: &str = "policies/telecom-account-manager.policy";
const MARGINAL: &str = "policies/telecom-marginal.policy";

#[test]
fn the_table_marks_the_seed_plans_cliffs() {
    let out = run_ok(["curve", SEED, "sales_performance", "--base", "0..500000", "--step", "100000"]);
    // Sampled every 100,000 plus one fen below and at each bound: 99,999.99 × 3% = 2,999.9997
    // → 3,000.00; 100,000.00 × 5% = 5,000.00; 299,999.99 × 5% = 14,999.9995 → 15,000.00;
    // 300,000.00 × 8% = 24,000.00; 500,000.00 × 8% = 40,000.00.
    let want = "\
      base     payout  effective rate  note
      0.00       0.00               -
 99,999.99   3,000.00           3.00%
100,000.00   5,000.00           5.00%  cliff: +2,000.00 from 99,999.99
200,000.00  10,000.00           5.00%
299,999.99  15,000.00           5.00%
300,000.00  24,000.00           8.00%  cliff: +9,000.00 from 299,999.99
400,000.00  32,000.00           8.00%
500,000.00  40,000.00           8.00%
";
    assert!(out.ends_with(want), "{out}");
}

#[test]
fn two_policies_compare_at_the_same_bases() {
    let out = run_ok([
        "curve",
        SEED,
        "sales_performance",
        "--base",
        "0..400000",
        "--step",
        "200000",
        "--vs",
        MARGINAL,
        "--format",
        "csv",
    ]);
    // Marginal at 100,000.00: 3,000.00 (no jump); at 300,000.00: 3,000 + 10,000 = 13,000.00;
    // at 400,000.00: 13,000 + 100,000 × 8% = 21,000.00, an effective rate of 5.25%.
    assert!(out.starts_with("base,payout,effective_rate,vs_payout,vs_effective_rate,note\n"), "{out}");
    assert!(
        out.contains("\n100000.00,5000.00,0.050000,3000.00,0.030000,\"cliff: +2,000.00 from 99,999.99\"\n"),
        "{out}"
    );
    assert!(
        out.contains("\n300000.00,24000.00,0.080000,13000.00,0.043333,\"cliff: +9,000.00 from 299,999.99\"\n"),
        "{out}"
    );
    assert!(out.contains("\n400000.00,32000.00,0.080000,21000.00,0.052500,\n"), "{out}");
}

#[test]
fn a_component_without_tiers_is_charted_by_what_it_aggregates() {
    let out = run_ok(["curve", SEED, "retention", "--base", "0..20000", "--step", "10000", "--format", "csv"]);
    // 5% of renewals and upsells: 10,000.00 → 500.00; 20,000.00 → 1,000.00.
    assert_eq!(
        out,
        "base,payout,effective_rate,note\n0.00,0.00,,\n10000.00,500.00,0.050000,\n20000.00,1000.00,0.050000,\n"
    );
}

#[test]
fn the_svg_is_a_chart_with_both_curves_and_the_cliffs() {
    let svg = run_ok(["curve", SEED, "sales_performance", "--base", "0..500000", "--format", "svg", "--vs", MARGINAL]);
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    // The effective rate, the other policy, this policy.
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("polyline")).count(), 3);
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for want in ["cliff +2,000.00", "cliff +9,000.00", "from 100,000.00", "from 300,000.00", "monthly_sales (CNY)"] {
        assert!(texts.iter().any(|t| t.contains(want)), "{want} in {texts:?}");
    }
}

#[test]
fn an_unknown_component_is_suggested() {
    let ran = run(["curve", SEED, "sales_perfomance", "--base", "0..1000"]);
    assert_eq!(ran.code, 2);
    crate::assert_code(&ran, "E0417");
    assert!(ran.stderr.contains("`sales_performance`"), "the nearest component is suggested: {}", ran.stderr);
    let ran = run(["curve", SEED, "sales_performance", "--base", "1000..0"]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
}

/// A falling rate: 99,999.99 × 5% = 4,999.9995 → 5,000.00, but 100,000.00 × 3% = 3,000.00.
#[test]
fn a_drop_is_marked_as_a_drop_and_a_falling_segment() {
    let falling = || {
        Test::new()
            .policy(
                "policy \"Drop\" version \"1\" currency CNY
input sales {
  key id: text
  period date: date
  payee manager: text
  amount: money
}
payee sales.manager
component c monthly {
  pay tiers flat sum(sales.amount) {
    from 0 rate 5%
    from 100_000 rate 3%
  }
}
",
            )
            .args(["curve", "{policy}", "c", "--base", "0..200000", "--step", "100000"])
    };
    falling().stdout_contains("100,000.00  3,000.00           3.00%  drop: -2,000.00 from 99,999.99\n").run();
    falling()
        .args(["--format", "svg"])
        .stdout_contains("drop -2,000.00")
        .stdout_contains("cliff or falling segment")
        .run();
}

/// Extreme values: a `--base` near the largest decimal crashed on `base + step` (exit 101);
/// now E0523, exit 2. A bracket bound near it made `doc` crash forming the example above
/// the last bound; now the example is left out and the page says so.
#[test]
fn extreme_values_are_diagnostics_not_crashes() {
    let policy = "policy \"p\" version \"1\" currency CNY
input sales {
  key id: text
  period date: date
  payee manager: text
  amount: money
}
payee sales.manager
component c monthly {
  pay tiers flat sum(sales.amount) {
    from 0 rate 5%
    from 79228162514264337593543950334 rate 100%
  }
}
component d monthly {
  pay tiers flat sum(sales.amount) {
    from 0 rate 5%
    from 100 fixed 2000000000000000
  }
}
";
    Test::new()
        .policy(policy)
        .args(["curve", "{policy}", "c", "--base", "79228162514264337593543950000..79228162514264337593543950335"])
        .status(2)
        .code("E0523")
        .run();
    // From 100 on, `d` pays 2 x 10^15, beyond what a chart holds exactly (10^15): E0524.
    Test::new().policy(policy).args(["curve", "{policy}", "d", "--base", "0..1000"]).status(2).code("E0524").run();
    // Under the limits, the same component charts: 5% of 99.99 = 5.00 (4.9995 rounded).
    Test::new()
        .policy(policy)
        .args(["curve", "{policy}", "d", "--base", "0..99.99", "--step", "99.99"])
        .status(0)
        .stdout_contains("5.00")
        .run();
    Test::new()
        .policy(policy)
        .args(["doc", "{policy}"])
        .status(0)
        .stdout_contains("Some amounts have no example")
        .run();
}

mod extremes {
    use crate::SALES_POLICY;
    use commission::check::compile;
    use commission::source::SourceFile;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    /// A number from the extremes: zero, small, 10^15 either side, and near the largest
    /// decimal, with or without many decimals.
    fn extreme() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("0".to_string()),
            Just("0.0000000000000000000000000001".to_string()),
            Just("1000000000000000".to_string()),
            Just("1000000000000001".to_string()),
            Just("79228162514264337593543950334".to_string()),
            Just("79228162514264337593543950335".to_string()),
            Just("7922816251426433759354395033.5".to_string()),
            (0u64..1_000_000_000).prop_map(|n| n.to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever the brackets, amounts and range, `doc` and `curve` return a document, a
        /// curve or an error: never a panic (an overflow used to be one, in both).
        #[test]
        fn doc_and_curve_never_panic_at_extreme_values(
            flat: bool,
            bound in extreme(),
            fixed in extreme(),
            rate in prop_oneof![Just("5%"), Just("100%"), Just("79228162514264337593543950335%")],
            from in extreme(),
            to in extreme(),
        ) {
            let mode = if flat { "flat" } else { "marginal" };
            let head = SALES_POLICY;
            let policy = format!(
                "{head}component c monthly {{
  pay tiers {mode} sum(sales.amount) {{
    from 0 rate {rate}
    from {bound} fixed {fixed}
  }}
}}
"
            );
            // A policy the checker refuses (bounds not ascending, say) has nothing to draw.
            let Ok(compiled) = compile(SourceFile::new("p.policy", policy)) else { return Ok(()) };
            let plan = &compiled.plan;
            let _ = commission::doc::render_md(&commission::doc::document(plan, commission::doc::Lang::En));
            let (Ok(from), Ok(to)) = (from.parse::<Decimal>(), to.parse::<Decimal>()) else { return Ok(()) };
            let step = Decimal::from(1000);
            let _ = commission::curve::curve(plan, "c", (from, to), step, &[]);
        }
    }
}
