//! Statement arithmetic is exact up to the policy's rounding: quotients that do not terminate
//! are kept as fractions, products keep every digit, and what cannot be held exactly is
//! refused with its code. Every figure is worked out by hand (or with Python's `fractions`,
//! a second implementation, as said where it is used), never copied from the program.

use crate::harness::Test;

/// A policy on one sales ledger with the given components.
fn policy(components: &str) -> String {
    format!(
        "policy \"Exact\" version \"1\" currency CNY
input sales {{
  key id: text
  period date: date
  payee manager: text
  amount: money
}}
payee sales.manager
{components}"
    )
}

/// s = 7,891,140.10, which is not a multiple of 9,000.
///   Direct: 5% × 7,891,140.10 = 394,557.005, half-up to the fen: 394,557.01.
///   Through the ratio: s / 9,000 = 789,114,010 / 900,000 = 78,911,401 / 90,000 (the digits
///   of 78,911,401 add up to 31, so 3 does not divide it: 1/9 stays in the fraction and the
///   quotient 876.7933444… never terminates). × 9,000 gives back 7,891,140.10 exactly, so
///   the component pays 394,557.01 too. With 28-digit decimals the quotient was cut to
///   876.79334444444444444444444444, the product came back as 7,891,140.0999…, and 5% of it
///   rounded to 394,557.00: a fen less.
#[test]
fn a_ratio_multiplied_back_pays_what_the_amount_pays() {
    Test::new()
        .policy(policy(
            "component through_ratio monthly {
  let s = sum(sales.amount)
  pay 5% * (s / 9_000 * 9_000)
}
component direct monthly {
  pay 5% * sum(sales.amount)
}
",
        ))
        .ledger("sales", "id,date,manager,amount\nS1,2026-01-05,M1,7891140.10\n")
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,through_ratio,direct,total\nM1,2026-01,394557.01,394557.01,789114.02\n")
        .run();
}

/// The rate 0.56000012640000031600000079% is 56,000,012,640,000,031,600,000,079 / 10^28
/// (28 decimals); the amount 3,999,999.99 is 399,999,999 / 100. The rate was chosen so that
/// 399,999,999 × 56,000,012,640,000,031,600,000,079 = 22,400,005 × 10^27 − 79 (checked with
/// Python: `Fraction("3999999.99") * Fraction("0.56000012640000031600000079") / 100`), so the
/// product is exactly 22,400.005 − 79 × 10^-30 = 22,400.004999999999999999999999999921: just
/// below the half fen, so half-up pays 22,400.00. Kept to 28 significant digits the product is
/// 22,400.00500000000000000000000 and half-up paid 22,400.01, the wrong way. The same rate
/// as a bracket (`tiers`) pays the same, and `explain` and `curve` agree with `run`.
#[test]
fn a_long_rate_times_a_large_amount_rounds_from_the_exact_product() {
    let components = "component as_product monthly {
  pay 0.56000012640000031600000079% * sum(sales.amount)
}
component as_bracket monthly {
  pay tiers flat sum(sales.amount) {
    from 0 rate 0.56000012640000031600000079%
  }
}
";
    let ledger = "id,date,manager,amount\nS1,2026-01-05,M1,3999999.99\n";
    Test::new()
        .policy(policy(components))
        .ledger("sales", ledger)
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,as_product,as_bracket,total\nM1,2026-01,22400.00,22400.00,44800.00\n")
        .run();
    // explain shows the exact product cut short at the 24 decimals a decimal of this size holds
    // (never on the boundary), and says so.
    Test::new()
        .policy(policy(components))
        .ledger("sales", ledger)
        .args(["explain", "{policy}", "--payee", "M1", "--period", "2026-01"])
        .stdout_contains("rounding half_up 0.01: 22,400.004999999999999999999999 -> 22,400.00\n")
        .stdout_contains("shown cut short")
        .stdout_contains("total = 22,400.00 + 22,400.00 = 44,800.00 CNY")
        .run();
    Test::new()
        .policy(policy(components))
        .ledger("sales", ledger)
        .args(["explain", "{policy}", "--payee", "M1", "--period", "2026-01", "--format", "json"])
        .stdout_contains("\"after_cap_floor\": \"22400.004999999999999999999999\"")
        .stdout_contains("\"amount\": \"22400.00\"")
        .stdout_contains("\"shown_cut_short\": true")
        .run();
    Test::new()
        .policy(policy(components))
        .args(["curve", "{policy}", "as_product", "--base", "3999998.99..3999999.99", "--step", "1"])
        .stdout_contains("3,999,999.99  22,400.00")
        .run();
}

/// 1 / 3 is the fraction 1/3, and 1/3 × 3 is 1 exactly, so the gate holds and pays 1.00.
/// So does `avg × count = sum`: the average of 10.00, 10.00 and 10.01 is 30.01 / 3 (a
/// fraction), and × 3 is 30.01 again. With 28-digit decimals both were 0.99…9 and 30.00…9,
/// and neither gate held.
#[test]
fn a_third_times_three_is_one() {
    Test::new()
        .policy(policy(
            "component third monthly {
  when 1 / 3 * 3 = 1
  pay 1
}
component average monthly {
  when avg(sales.amount) * 3 = sum(sales.amount)
  pay 2
}
",
        ))
        .ledger(
            "sales",
            "id,date,manager,amount\nS1,2026-01-05,M1,10.00\nS2,2026-01-06,M1,10.00\nS3,2026-01-07,M1,10.01\n",
        )
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,third,average,total\nM1,2026-01,1.00,2.00,3.00\n")
        .run();
}

/// A figure is held exactly up to 256 bits for its numerator and its denominator. 1 /
/// 999,999,937 (a prime just under 2^30) squared three times has 999,999,937^8 as its
/// denominator, about 8 × 29.9 = 239 bits; once more times the fraction, 999,999,937^9, about
/// 269 bits: refused with E0312, pointing at the policy (exit code 1), and no statement.
#[test]
fn a_figure_beyond_the_bound_is_refused() {
    let pay = |power: &str| {
        policy(&format!(
            "component c monthly {{
  let a = 1 / 999_999_937
  let b = a * a
  let c = b * b
  let d = c * c
  pay sum(sales.amount) * ({power}) * 0
}}
"
        ))
    };
    let ledger = "id,date,manager,amount\nS1,2026-01-05,M1,100.00\n";
    // 2^239 is within the bound: 100.00 × a^8 × 0 = 0.
    Test::new()
        .policy(pay("d"))
        .ledger("sales", ledger)
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,c,total\nM1,2026-01,0.00,0.00\n")
        .run();
    let ran = Test::new()
        .policy(pay("d * a"))
        .ledger("sales", ledger)
        .args(["run", "{policy}", "--format", "csv", "--message-format", "plain"])
        .redact_dir()
        .status(1)
        .code("E0312")
        .stderr_contains("256 bits")
        .run();
    insta::assert_snapshot!(ran.stderr);
}

/// Rows are added up in decimals, so a row's value must be one: `amount / 3` on a row of
/// 100.00 is 33.33… and is refused (E0311: a problem of the policy, exit code 1, naming the
/// row's file and line), with the hint to divide after adding up. `sum(amount) / 3` computes the same exactly:
/// 100.00 / 3 × 3 = 100.00.
#[test]
fn a_row_value_that_is_a_fraction_is_refused() {
    let ledger = "id,date,manager,amount\nS1,2026-01-05,M1,100.00\n";
    let ran = Test::new()
        .policy(policy("component c monthly {\n  pay sum(sales.amount / 3) * 3\n}\n"))
        .ledger("sales", ledger)
        .args(["run", "{policy}", "--format", "csv", "--message-format", "plain"])
        .redact_dir()
        .status(1)
        .code("E0311")
        .stderr_contains("≈33.33")
        .stderr_contains("sales.csv:2")
        .stderr_contains("sum(amount) / 3")
        .run();
    insta::assert_snapshot!(ran.stderr);
    Test::new()
        .policy(policy("component c monthly {\n  pay sum(sales.amount) / 3 * 3\n}\n"))
        .ledger("sales", ledger)
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,c,total\nM1,2026-01,100.00,100.00\n")
        .run();
}

/// 0.123456789012345678901234567% has 27 decimals; as a rate (÷ 100) it would need 29, one
/// more than a decimal holds, so it was rounded where it was read. It is refused (E0004,
/// exit code 1) instead of being rounded.
#[test]
fn a_percentage_too_precise_for_a_rate_is_refused() {
    Test::new()
        .policy(policy("component c monthly {\n  pay 0.123456789012345678901234567% * sum(sales.amount)\n}\n"))
        .ledger("sales", "id,date,manager,amount\nS1,2026-01-05,M1,100.00\n")
        .args(["run", "{policy}", "--format", "csv"])
        .status(1)
        .code("E0004")
        .stderr_contains("`0.123456789012345678901234567%`")
        .run();
}

/// Rate-table keys compare exactly: for M1 (100.00), 100.00 / 300 × 3 is 1 exactly and finds
/// the row `1` (100.00); 100.00 / 300 alone is the fraction 1/3, which equals no row's key
/// and takes `else` (7.00), as any other value would, rather than failing. For M2 (300.00):
/// 300.00 / 300 × 3 = 3 takes `else` (7.00), 300.00 / 300 = 1 finds the row (100.00).
#[test]
fn table_keys_compare_exactly() {
    Test::new()
        .policy(
            "policy \"Exact\" version \"1\" currency CNY
input sales {
  key id: text
  period date: date
  payee manager: text
  amount: money
}
table bonus(ratio) {
  1    -> 100 CNY
  else -> 7 CNY
}
payee sales.manager
component times_three monthly {
  pay bonus(sum(sales.amount) / 300 * 3)
}
component ratio monthly {
  pay bonus(sum(sales.amount) / 300)
}
",
        )
        .ledger("sales", "id,date,manager,amount\nS1,2026-01-05,M1,100.00\nS2,2026-01-05,M2,300.00\n")
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,times_three,ratio,total\nM1,2026-01,100.00,7.00,107.00\nM2,2026-01,7.00,100.00,107.00\n")
        .run();
}

/// `explain` shows the run's own bracket arithmetic for a base that is a fraction: the base
/// 100.00 / 3 = 33.33… (shown cut short), its second slice 100/3 − 20 = 40/3, and 40/3 × 6%
/// = 240/300 = 0.80 exactly (not 0.7999…, the product of the cut-short slice); 20.00 × 3% =
/// 0.60; 0.60 + 0.80 = 1.40, which `run` pays.
#[test]
fn explain_shows_exact_slices_of_a_fraction() {
    let components = "component c monthly {
  pay tiers marginal sum(sales.amount) / 3 {
    from 0 rate 3%
    from 20 rate 6%
  }
}
";
    let ledger = "id,date,manager,amount\nS1,2026-01-05,M1,100.00\n";
    Test::new()
        .policy(policy(components))
        .ledger("sales", ledger)
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,c,total\nM1,2026-01,1.40,1.40\n")
        .run();
    Test::new()
        .policy(policy(components))
        .ledger("sales", ledger)
        .args(["explain", "{policy}", "--payee", "M1", "--period", "2026-01"])
        .stdout_contains("13.333333333333333333333333333 × 6% = 0.80")
        .stdout_contains("0.60 + 0.80 = 1.40\n")
        .stdout_contains("  = 1.40\n")
        .run();
}

mod properties {
    use commission::eval::RunOptions;
    use commission::period::Period;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use crate::run_in_memory;

    /// `rate * (s / k * k)` and `rate * s`, both rounded half-up to the fen, for an amount s of
    /// `cents` fen, a divisor k and a rate of `q` ten-thousandths of a percent (q / 10^6).
    fn both(cents: i64, k: u32, q: u32) -> (Decimal, Decimal) {
        let rate = Decimal::new(i64::from(q), 4);
        let policy = format!(
            "policy \"P\" version \"1\" currency CNY
input sales {{
  key id: text
  period date: date
  payee manager: text
  amount: money
}}
payee sales.manager
component through monthly {{
  let s = sum(sales.amount)
  pay {rate}% * (s / {k} * {k})
}}
component direct monthly {{
  pay {rate}% * sum(sales.amount)
}}
"
        );
        let ledger = format!("id,date,manager,amount\nS1,2026-01-05,M1,{}\n", Decimal::new(cents, 2));
        let options =
            RunOptions { range: Some((Period::month(2026, 1), Period::month(2026, 1))), max_errors: 1, coverage: None };
        let result = run_in_memory(&policy, &[&ledger], &options).unwrap();
        let amounts = &result.statements[0].amounts;
        (amounts[0], amounts[1])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Dividing and multiplying back by any k changes nothing, and both pay the exact
        /// product rounded half-up, computed here apart in integers: s × rate in fen is
        /// cents × q / 10^6, rounded half away from zero.
        #[test]
        fn dividing_and_multiplying_back_changes_nothing(
            cents in -1_000_000_000_000i64..1_000_000_000_000,
            k in 1u32..100_000,
            q in 0u32..20_000_000,
        ) {
            check(cents, k, q)?;
        }

        /// The same on the half fen, where a figure cut at 28 digits rounds the wrong way:
        /// cents = 20,000 m + 10,000 and q = 50 (2 i + 1) make cents × q = 10^6 m (2 i + 1) +
        /// 500,000 (2 i + 1), whose remainder by 10^6 is 500,000: exactly half a fen.
        #[test]
        fn on_the_half_fen_too(m in -50_000_000i64..50_000_000, i in 0u32..200, k in 1u32..100_000) {
            check(20_000 * m + 10_000, k, 50 * (2 * i + 1))?;
        }
    }

    fn check(cents: i64, k: u32, q: u32) -> Result<(), TestCaseError> {
        let (through, direct) = both(cents, k, q);
        let product = i128::from(cents) * i128::from(q);
        let fen = (product.abs() + 500_000) / 1_000_000 * product.signum();
        let expected = Decimal::from_i128_with_scale(fen, 2);
        prop_assert_eq!(direct, expected);
        prop_assert_eq!(through, expected);
        Ok(())
    }
}
