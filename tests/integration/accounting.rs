//! Every row is accounted for, on generated ledgers: read = used + outside the range + for
//! no payee + rejected, and the amounts of the used rows are exactly what the components
//! summed. Shuffling the rows changes nothing in the output, byte for byte.

use commission::diagnostics::Error;
use commission::eval::{RunOptions, RunResult};
use commission::period::Period;
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::run_in_memory;

/// `base` pays each month's sales as they are (amounts have 2 decimals, so rounding to
/// 0.01 changes nothing): the sum of its statements is the sum the components saw.
const POLICY: &str = "policy \"accounting\" version \"1\" currency CNY
input sales {
  key    id:      text
  period date:    date
  payee  manager: text
         kind:    text in [\"new\", \"renewal\"]
         amount:  money
}
input surveys {
  payee  manager:      text
  period quarter:      quarter
         satisfaction: percent
}
payee sales.manager
component base monthly {
  pay sum(sales.amount)
}
component bonus monthly {
  when surveys.satisfaction >= 80%
  pay 1.5% * sum(sales.amount where kind = \"new\")
}
";

#[derive(Debug, Clone)]
struct Sale {
    month: u32, // 1..=12 of 2026, or 0 for 2025-12
    day: u32,
    manager: usize,
    new: bool,
    cents: i64,
}

const MANAGERS: [&str; 5] = ["M1", "王芳", "李娜", "M10", "Zoë"];

fn sale() -> impl Strategy<Value = Sale> {
    (0u32..=9, 1u32..=28, 0usize..4, any::<bool>(), -500_000i64..50_000_000)
        .prop_map(|(month, day, manager, new, cents)| Sale { month, day, manager, new, cents })
}

fn date(s: &Sale) -> String {
    if s.month == 0 {
        format!("2025-12-{:02}", s.day)
    } else {
        format!("2026-{:02}-{:02}", s.month, s.day)
    }
}

fn sales_csv(sales: &[Sale], bad: &[usize]) -> String {
    let mut out = String::from("id,date,manager,kind,amount\n");
    for (i, s) in sales.iter().enumerate() {
        let amount = if bad.contains(&i) { "12.345".to_string() } else { Decimal::new(s.cents, 2).to_string() };
        let kind = if s.new { "new" } else { "renewal" };
        out.push_str(&format!("S{i},{},{},{kind},{amount}\n", date(s), MANAGERS[s.manager]));
    }
    out
}

/// Surveys: one per (manager, quarter) at most; manager 4 (`Zoë`) never sells, so their
/// rows are for no payee of the plan.
fn surveys() -> impl Strategy<Value = Vec<(usize, u32, u32)>> {
    prop::collection::btree_set((0usize..5, 1u32..=4), 0..12)
        .prop_flat_map(|keys| {
            let n = keys.len();
            (Just(keys), prop::collection::vec(0u32..=100, n))
        })
        .prop_map(|(keys, scores)| keys.into_iter().zip(scores).map(|((m, q), s)| (m, q, s)).collect())
}

fn surveys_csv(rows: &[(usize, u32, u32)]) -> String {
    let mut out = String::from("manager,quarter,satisfaction\n");
    for (m, q, s) in rows {
        out.push_str(&format!("{},2026-Q{q},{s}%\n", MANAGERS[*m]));
    }
    out
}

fn counts(result: &RunResult, input: usize) -> commission::data::RowCounts {
    result.counts[input]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_row_is_accounted_for(
        sales in prop::collection::vec(sale(), 1..120),
        surveys in surveys(),
        from in 1u32..=6,
        len in 0u32..=3,
    ) {
        let to = (from + len).min(6);
        let options = RunOptions { range: Some((Period::month(2026, from), Period::month(2026, to))), max_errors: 1, coverage: None };
        let outcome = run_in_memory(POLICY, &[&sales_csv(&sales, &[]), &surveys_csv(&surveys)], &options);

        // Worked out from the generated rows, independently of the program.
        let in_range = |s: &Sale| s.month >= from && s.month <= to;
        let used: Vec<&Sale> = sales.iter().filter(|s| in_range(s)).collect();
        // A range wholly outside the months the sales span (first sale's month to last's) is
        // refused (E0320): the plan sums sales, and a run there would pay everyone zero.
        let first = sales.iter().map(|s| s.month).min().unwrap();
        let last = sales.iter().map(|s| s.month).max().unwrap();
        if last < from || first > to {
            prop_assert!(matches!(&outcome, Err(Error::Data(e)) if e.code == "E0320"), "{:?}", outcome.err());
            return Ok(());
        }
        let result = outcome.unwrap();
        let c = counts(&result, 0);
        prop_assert_eq!(c.read, sales.len() as u64);
        prop_assert_eq!(c.used, used.len() as u64);
        prop_assert_eq!(c.outside_range, (sales.len() - used.len()) as u64);
        prop_assert_eq!(c.read, c.used + c.outside_range + c.no_payee + c.rejected);

        // Survey rows: for no payee if the manager sold nothing (in any month); else used
        // if their quarter holds a month of the range.
        let sellers: Vec<usize> = sales.iter().map(|s| s.manager).collect();
        let quarter_in_range = |q: u32| (from..=to).any(|m| (m - 1) / 3 + 1 == q);
        let no_payee = surveys.iter().filter(|(m, _, _)| !sellers.contains(m)).count() as u64;
        let used_surveys =
            surveys.iter().filter(|(m, q, _)| sellers.contains(m) && quarter_in_range(*q)).count() as u64;
        let s = counts(&result, 1);
        prop_assert_eq!((s.read, s.no_payee, s.used), (surveys.len() as u64, no_payee, used_surveys));
        prop_assert_eq!(s.read, s.used + s.outside_range + s.no_payee + s.rejected);

        // The used rows' amounts are exactly what `base` summed, statement by statement.
        let used_sum: Decimal = used.iter().map(|s| Decimal::new(s.cents, 2)).sum();
        let base_sum: Decimal = result.statements.iter().map(|st| st.amounts[0]).sum();
        prop_assert_eq!(used_sum, base_sum);
        prop_assert_eq!(result.component_totals[0], used_sum);
        // Totals are sums of the rounded components.
        for st in &result.statements {
            prop_assert_eq!(st.total, st.amounts.iter().copied().sum::<Decimal>());
        }
        prop_assert_eq!(result.total, result.statements.iter().map(|st| st.total).sum::<Decimal>());
        // Statements by payee (code-point order of the id), then month.
        let keys: Vec<(&[u8], Period)> = result.statements.iter().map(|st| (st.payee.as_bytes(), st.period)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        prop_assert_eq!(keys, sorted);
    }

    /// Shuffled rows give the same bytes in every format.
    #[test]
    fn row_order_does_not_matter(
        sales in prop::collection::vec(sale(), 1..80),
        surveys in surveys(),
        seed in any::<u64>(),
    ) {
        let mut shuffled = sales.clone();
        let mut rows = surveys.clone();
        shuffle(&mut shuffled, seed);
        shuffle(&mut rows, seed.rotate_left(17));
        let options = RunOptions { range: Some((Period::month(2026, 1), Period::month(2026, 6))), max_errors: 1, coverage: None };
        let a = run_in_memory(POLICY, &[&sales_csv(&sales, &[]), &surveys_csv(&surveys)], &options);
        let b = run_in_memory(POLICY, &[&sales_csv(&shuffled, &[]), &surveys_csv(&rows)], &options);
        // Sales that span months wholly outside 2026-01..2026-06 (all in 2025-12, or all
        // after June) are refused (E0320), shuffled or not.
        let months: Vec<u32> = sales.iter().map(|s| s.month).collect();
        if months.iter().all(|m| *m == 0) || months.iter().all(|m| *m > 6) {
            let code = |r: &Result<RunResult, Error>| match r { Err(Error::Data(e)) => e.code, _ => "" };
            prop_assert_eq!((code(&a), code(&b)), ("E0320", "E0320"));
            return Ok(());
        }
        let (a, b) = (a.unwrap(), b.unwrap());
        let plan = commission::check::compile(commission::source::SourceFile::new("test.policy", POLICY)).unwrap().plan;
        use commission::report::{csv, json, table};
        prop_assert_eq!(json::render(&plan, &a), json::render(&plan, &b));
        prop_assert_eq!(csv::render(&plan, &a), csv::render(&plan, &b));
        prop_assert_eq!(table::render(&plan, &a), table::render(&plan, &b));
    }

    /// Rejected rows are counted too: with room to list them all, reading goes to the end.
    #[test]
    fn rejected_rows_are_counted(
        sales in prop::collection::vec(sale(), 1..60),
        bad in prop::collection::btree_set(0usize..60, 1..5),
    ) {
        let bad: Vec<usize> = bad.into_iter().filter(|b| *b < sales.len()).collect();
        prop_assume!(!bad.is_empty());
        let options = RunOptions { range: None, max_errors: 100, coverage: None };
        match run_in_memory(POLICY, &[&sales_csv(&sales, &bad), "manager,quarter,satisfaction\n"], &options) {
            Err(Error::Rejected(r)) => {
                prop_assert_eq!(r.read, sales.len() as u64);
                prop_assert_eq!(r.rejected, bad.len() as u64);
                prop_assert_eq!(r.problems.len(), bad.len());
                prop_assert!(!r.stopped_early);
            }
            other => prop_assert!(false, "expected rejected rows, got {:?}", other.map(|r| r.total)),
        }
    }
}

/// Fisher-Yates with a xorshift generator: a reproducible shuffle from a seed.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed | 1;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = (state % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}
