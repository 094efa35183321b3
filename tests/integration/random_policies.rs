//! Random valid policies, from a generator over the language, on random ledgers: the
//! checker accepts them, a run never panics (it gives statements or a diagnostic), and every
//! statement adds up: each component rounded to its step, the total their sum.

use commission::diagnostics::Error;
use commission::eval::RunOptions;
use commission::source::SourceFile;
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::run_in_memory;

const INPUTS: &str = "policy \"random\" version \"1\" currency CNY
rounding ROUNDING
input sales {
  key    id:      text
  period date:    date
  payee  manager: text
         kind:    text in [\"new\", \"renewal\", \"upsell\"]
         amount:  money
         units:   integer >= 0
}
input surveys {
  payee  manager:      text
  period quarter:      quarter
         satisfaction: percent
}
payee sales.manager
";

fn percent() -> impl Strategy<Value = String> {
    (0u32..=2000).prop_map(|bp| format!("{}%", Decimal::new(i64::from(bp), 2).normalize()))
}

fn filter() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" where kind = \"new\"".to_string()),
        Just(" where kind in [\"renewal\", \"upsell\"]".to_string()),
        (0u32..10).prop_map(|n| format!(" where units > {n}")),
        Just(" where amount < 0".to_string()),
    ]
}

/// Conditions over aggregates, lookups and comparisons. A survey (one per quarter) can be
/// looked up from a monthly or quarterly component, not a yearly one.
fn condition(money: BoxedStrategy<String>, lookups: bool) -> impl Strategy<Value = String> {
    let survey = if lookups { "surveys.satisfaction" } else { "(avg(surveys.satisfaction) default 0%)" };
    let leaf = prop_oneof![
        percent().prop_map(move |p| format!("{survey} >= {p}")),
        (filter(), 0u32..5).prop_map(|(f, n)| format!("count(sales{f}) > {n}")),
        (money.clone(), money.clone()).prop_map(|(a, b)| format!("{a} >= {b}")),
        Just("count_distinct(sales.kind) >= 2".to_string()),
    ];
    leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} and {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b})")),
            inner.prop_map(|a| format!("not ({a})")),
        ]
    })
}

/// Money-valued expressions.
fn money() -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        filter().prop_map(|f| format!("sum(sales.amount{f})")),
        (0u32..1_000_000).prop_map(|n| format!("{n} CNY")),
        filter().prop_map(|f| format!("(avg(sales.amount{f}) default 0 CNY)")),
        filter().prop_map(|f| format!("(max(sales.amount{f}) default 0 CNY)")),
        (1u32..500, filter()).prop_map(|(n, f)| format!("{n} CNY * count(sales{f})")),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} + {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} - {b})")),
            (inner.clone(), percent()).prop_map(|(a, p)| format!("{a} * {p}")),
            (inner.clone(), 1u32..12).prop_map(|(a, n)| format!("{a} / {n}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("min({a}, {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("max({a}, {b})")),
            inner.clone().prop_map(|a| format!("abs({a})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, b, c)| format!("(if {a} >= {b} then {b} else {c})")),
            (inner.clone(), any::<bool>(), prop::collection::vec((1u32..200_000, percent()), 1..4)).prop_map(
                |(base, flat, steps)| {
                    let mut from = 0u32;
                    let mut brackets = String::new();
                    for (i, (gap, rate)) in steps.into_iter().enumerate() {
                        if i > 0 {
                            from += gap;
                        }
                        brackets.push_str(&format!("    from {from} rate {rate}\n"));
                    }
                    let mode = if flat { "flat" } else { "marginal" };
                    format!("tiers {mode} {base} {{\n{brackets}  }}")
                }
            ),
        ]
    })
    .boxed()
}

fn rounding() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["half_up", "half_even", "down", "up"]),
        prop::sample::select(vec!["0.01", "1", "0.05", "10"]),
    )
        .prop_map(|(m, s)| format!("{m} {s}"))
}

fn component() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["monthly", "quarterly", "yearly"]).prop_flat_map(|cadence| {
        component_body(cadence, cadence != "yearly").prop_map(move |body| format!("{cadence} {body}"))
    })
}

fn component_body(cadence: &'static str, lookups: bool) -> impl Strategy<Value = String> {
    (
        Just(cadence),
        prop::option::of(money()),
        prop::option::of(condition(money(), lookups)),
        money(),
        prop::option::of(money()),
        prop::option::of(money()),
        prop::option::of(rounding()),
    )
        .prop_map(|(cadence, let_value, when, pay, cap, floor, rounding)| {
            let mut body = String::new();
            if let Some(v) = let_value {
                body.push_str(&format!("  let base = {v}\n"));
            }
            if let Some(c) = when {
                body.push_str(&format!("  when {c}\n"));
            }
            body.push_str(&format!("  pay {pay}\n"));
            if let Some(c) = cap {
                body.push_str(&format!("  cap {c}\n"));
            }
            if let Some(f) = floor {
                body.push_str(&format!("  floor {f}\n"));
            }
            if let Some(r) = rounding {
                body.push_str(&format!("  rounding {r}\n"));
            }
            let _ = cadence;
            format!("{{\n{body}}}\n")
        })
}

fn policy() -> impl Strategy<Value = String> {
    (rounding(), prop::collection::vec(component(), 1..4)).prop_map(|(rounding, components)| {
        let mut text = INPUTS.replace("ROUNDING", &rounding);
        for (i, c) in components.iter().enumerate() {
            text.push_str(&format!("component c{i} {c}"));
        }
        text
    })
}

fn ledger() -> impl Strategy<Value = String> {
    let row = (
        1u32..=6,
        1u32..=28,
        prop::sample::select(vec!["M1", "M2", "王芳"]),
        prop::sample::select(vec!["new", "renewal", "upsell"]),
        -1_000_000i64..100_000_000,
        0u32..12,
    );
    prop::collection::vec(row, 1..40).prop_map(|rows| {
        let mut out = String::from("id,date,manager,kind,amount,units\n");
        for (i, (m, d, who, kind, cents, units)) in rows.into_iter().enumerate() {
            out.push_str(&format!("S{i},2026-{m:02}-{d:02},{who},{kind},{},{units}\n", Decimal::new(cents, 2)));
        }
        out
    })
}

fn surveys() -> impl Strategy<Value = String> {
    prop::collection::btree_map((prop::sample::select(vec!["M1", "M2", "王芳", "M9"]), 1u32..=2), 0u32..=100, 0..8)
        .prop_map(|rows| {
            let mut out = String::from("manager,quarter,satisfaction\n");
            for ((who, q), s) in rows {
                out.push_str(&format!("{who},2026-Q{q},{s}%\n"));
            }
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_policies_run_and_add_up(policy in policy(), sales in ledger(), surveys in surveys()) {
        // The generator writes only valid policies: the checker must accept each one.
        let checked = commission::check::compile(SourceFile::new("random.policy", policy.as_str())).map(|c| (c.plan, c.warnings));
        prop_assert!(checked.is_ok(), "{}\n{}", policy, checked.err().map(|r| r.render()).unwrap_or_default());
        let (plan, _) = checked.unwrap();
        match run_in_memory(&policy, &[&sales, &surveys], &RunOptions::default()) {
            Ok(result) => {
                for st in &result.statements {
                    for (amount, component) in st.amounts.iter().zip(&plan.components) {
                        prop_assert_eq!(Some(*amount), component.rounding.apply(*amount), "{} not rounded", amount);
                    }
                    prop_assert_eq!(st.total, st.amounts.iter().copied().sum::<Decimal>());
                }
                prop_assert_eq!(result.total, result.statements.iter().map(|s| s.total).sum::<Decimal>());
                for (c, total) in result.component_totals.iter().enumerate() {
                    prop_assert_eq!(*total, result.statements.iter().map(|s| s.amounts[c]).sum::<Decimal>());
                }
            }
            // A computation may fail for a payee (an amount too large): a diagnostic, exit 1.
            Err(Error::Policy(report)) => prop_assert!(report.errors() > 0),
            Err(other) => prop_assert!(false, "{}", other.render()),
        }
    }
}
