//! Policies at the size limits parse, check and run in a test thread's small (2 MiB) stack;
//! one step over each limit is a diagnostic, never a stack overflow.

use commission::eval::RunOptions;

use crate::run_in_memory;

const HEAD: &str = "policy \"p\" version \"1\" currency CNY
input sales {
  key id: text
  period date: date
  payee manager: text
  amount: money
}
payee sales.manager
";
const SALES: &str = "id,date,manager,amount\nS1,2026-01-05,M1,100.00\n";

fn policy(pay: &str) -> String {
    format!("{HEAD}component c monthly {{\n  pay {pay}\n}}\n")
}

fn outcome(pay: &str) -> Result<String, String> {
    match run_in_memory(&policy(pay), &[SALES], &RunOptions::default()) {
        Ok(r) => Ok(r.total.to_string()),
        Err(e) => Err(e.render()),
    }
}

/// Runs `f` on a thread with a 4 MiB stack, so that a recursion deeper than the limits
/// allow would crash here rather than pass on the main thread's 8 MiB. At the limits a
/// debug build needs about 2 MiB and a release build about 0.5 MiB (measured with
/// `ulimit -s` on the CLI).
fn in_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(4 << 20).spawn(f).unwrap().join().unwrap()
}

#[test]
fn expressions_at_the_limits_run() {
    in_small_stack(|| {
        // 128 additions of 0.01 to the month's sum of 100.00: 100.00 + 1.28 = 101.28.
        let chain = format!("sum(sales.amount){}", " + 0.01 CNY".repeat(128));
        assert_eq!(outcome(&chain), Ok("101.28".into()));
        // The same chain 62 calls deep (with the component's `{` and `sum(`, 64 brackets).
        let nested = format!("{}sum(sales.amount){}{}", "abs(".repeat(62), " + 0.01 CNY".repeat(128), ")".repeat(62));
        assert_eq!(outcome(&nested), Ok("101.28".into()));
        // 128 minus signs: an even number, so the amount itself.
        assert_eq!(outcome(&format!("{}sum(sales.amount)", "- ".repeat(128))), Ok("100.00".into()));
        // 64 nested ifs, all true down to 7 CNY: each `if` and its `=` are one operator each.
        let ifs = format!("{}7 CNY{}", "if 1 = 1 then ".repeat(64), " else 0 CNY".repeat(64));
        assert_eq!(outcome(&ifs), Ok("7.00".into()));
    });
}

#[test]
fn one_step_over_is_a_diagnostic() {
    in_small_stack(|| {
        let cases = [
            format!("sum(sales.amount){}", " + 0.01 CNY".repeat(129)),
            format!("{}sum(sales.amount)", "- ".repeat(129)),
            format!("{}1 CNY{}", "(".repeat(64), ")".repeat(64)),
            format!("{}7 CNY{}", "if true then ".repeat(129), " else 0 CNY".repeat(129)),
        ];
        for pay in cases {
            let err = outcome(&pay).unwrap_err();
            assert!(err.contains("more than"), "{err}");
        }
        let err = outcome("99999999999999999999999999999999 CNY").unwrap_err();
        assert!(err.contains("too large"), "{err}");
    });
}
