//! `commission budget`: its totals are `run`'s, every grouping adds up to the total, and a
//! small ledger's breakdown, cost of sales and marginal cost, worked out by hand.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::harness::Test;
use crate::run_ok;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap_or_else(|| panic!("not an amount: {v}")).parse().unwrap()
}

fn with(args: &[&str], extra: &[&str]) -> Vec<String> {
    args.iter().chain(extra).map(|s| s.to_string()).collect()
}

/// Acceptance 2: budget totals equal run totals, and each `--by` grouping sums to the total
/// (payout, and sales where the grouping has them).
#[test]
fn groupings_add_up_to_the_run_total() {
    let telecom = [
        "policies/telecom-account-manager.policy",
        "--data",
        "sales=examples/telecom/sales.csv",
        "--data",
        "surveys=examples/telecom/surveys.csv",
    ];
    let budget = [
        "policies/telecom-marginal.policy",
        "--data",
        "sales=examples/budget/sales.csv",
        "--data",
        "surveys=examples/budget/surveys.csv",
    ];
    let by_business = [&["policies/telecom-by-business.policy"][..], &crate::BY_BUSINESS_DATA].concat();
    let seed_groupings = ["component", "month", "payee", "business", "segment", "kind", "customer"];
    let roster_groupings = ["component", "month", "payee", "role", "team", "name", "business", "segment", "kind"];
    for (args, groupings) in [
        (&telecom[..], &seed_groupings[..]),
        (&budget[..], &seed_groupings[..]),
        (&by_business[..], &roster_groupings[..]),
    ] {
        let run_total = dec(&json(&run_ok(with(&[&["run"], args].concat(), &["--format", "json"])))["total"]);
        let mut cmd = with(&[&["budget"], args].concat(), &["--format", "json"]);
        for g in groupings {
            cmd.extend(["--by".to_string(), g.to_string()]);
        }
        let b = json(&run_ok(&cmd));
        assert_eq!(dec(&b["payout"]), run_total, "{args:?}");
        let sales = dec(&b["sales"]);
        for breakdown in b["breakdowns"].as_array().unwrap() {
            let groups = breakdown["groups"].as_array().unwrap();
            let payout: Decimal = groups.iter().map(|g| dec(&g["payout"])).sum();
            assert_eq!(payout, run_total, "{args:?} by {}", breakdown["by"]);
            if breakdown["by"] != "component" {
                let grouped: Decimal = groups.iter().map(|g| dec(&g["sales"])).sum();
                assert_eq!(grouped, sales, "{args:?} by {}", breakdown["by"]);
            }
        }
        for read in b["reads"].as_array().unwrap() {
            assert_eq!(read["passes"], 1, "{read}");
        }
    }
}

/// One manager, Q1 2026, 80%+ survey (seed plan, flat brackets):
///   S1 Jan new mobile 59,500.00; S2 Jan renewal cloud 40,000.00; S3 Feb new iot 50,000.00.
///   Jan: 99,500.00 in the 3% bracket: 2,985.00; retention 5% x 40,000.00 = 2,000.00.
///   Feb: 50,000.00 x 3% = 1,500.00.  Mar: bonus 2% x 149,500.00 (Q1) = 2,990.00.
///   Payout 9,475.00 on sales 149,500.00: 6.3378% -> 6.34%.
/// By business, pro rata to the sales of the component's period:
///   Jan commission 2,985.00 by 59,500 : 40,000 = 3% of each: mobile 1,785.00, cloud 1,200.00.
///   Jan retention 2,000.00: mobile 200,000 fen x 59,500 / 99,500 = 119,597.99 fen, cloud
///     80,402.01 fen; floors 119,597 + 80,402 = 199,999, the spare fen to the larger
///     remainder (mobile .99): mobile 1,195.98, cloud 804.02.
///   Feb 1,500.00: all iot.  Q1 bonus 2,990.00 = 2% of each: mobile 1,190.00, cloud 800.00,
///     iot 1,000.00.
///   mobile 4,170.98, cloud 2,804.02, iot 2,500.00 (sum 9,475.00), largest first.
/// Marginal cost at the current brackets: every term is linear at the bracket it is in, so
///   the slope is 9,475.00 per 149,500.00 of sales: 9,475 / 149,500 x 10,000 = 633.779... ->
///   633.78 (6.34%).
/// With every sale 1% larger, January reaches the 5% bracket: 100,495.00 x 5% = 5,024.75
///   (+2,039.75); retention 2,020.00 (+20.00); Feb 1,515.00 (+15.00); bonus 3,019.90 (+29.90).
///   +2,104.65 for 1,495.00 more sales: x 10,000 / 1,495 = 14,077.926... -> 14,077.93.
#[test]
fn a_small_ledger_by_hand() {
    let ran = Test::new()
        .current_dir_repo()
        .ledger(
            "sales",
            "id,date,manager,customer,kind,business,segment,amount\n\
             S1,2026-01-10,M1,C1,new,mobile,consumer,59500.00\n\
             S2,2026-01-20,M1,C2,renewal,cloud,enterprise,40000.00\n\
             S3,2026-02-05,M1,C3,new,iot,sme,50000.00\n",
        )
        .ledger("surveys", "manager,quarter,satisfaction\nM1,2026-Q1,90%\n")
        .args([
            "budget",
            "policies/telecom-account-manager.policy",
            "--period",
            "2026-Q1",
            "--by",
            "business",
            "--by",
            "month",
            "--format",
            "json",
        ])
        .run();
    let b = json(&ran.stdout);
    assert_eq!(b["payout"], "9475.00");
    assert_eq!(b["sales"], "149500.00");
    assert_eq!(b["cost_of_sales_pct"], "6.34");
    assert_eq!((&b["payees"]["average"], &b["payees"]["median"]), (&"9475.00".into(), &"9475.00".into()));
    assert_eq!(b["payees"]["top_decile"]["share_pct"], "100.00");
    assert_eq!(b["marginal"]["at_current_brackets"]["cost"], "633.78");
    assert_eq!(b["marginal"]["every_sale_one_percent_larger"]["cost"], "14077.93");
    assert_eq!(b["marginal"]["every_sale_one_percent_larger"]["extra_payout"], "2104.65");
    let groups = |i: usize| -> Vec<(String, String, String)> {
        b["breakdowns"][i]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["group"].as_str().unwrap().into(),
                    g["payout"].as_str().unwrap().into(),
                    g["sales"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        groups(0),
        [s("mobile", "4170.98", "59500.00"), s("cloud", "2804.02", "40000.00"), s("iot", "2500.00", "50000.00")]
    );
    assert!(b["breakdowns"][0]["allocation"].as_str().unwrap().contains("pro rata"));
    assert_eq!(
        groups(1),
        [s("2026-01", "4985.00", "99500.00"), s("2026-02", "1500.00", "50000.00"), s("2026-03", "2990.00", "0.00")]
    );
}

#[test]
fn unknown_grouping_is_a_diagnostic() {
    let ran = crate::run([
        "budget",
        "policies/telecom-account-manager.policy",
        "--data",
        "sales=examples/telecom/sales.csv",
        "--data",
        "surveys=examples/telecom/surveys.csv",
        "--by",
        "bussiness",
    ]);
    assert_eq!(ran.code, 2);
    crate::assert_code(&ran, "E0420");
    assert!(ran.stderr.contains("`business`"), "the nearest grouping is suggested: {}", ran.stderr);
}
