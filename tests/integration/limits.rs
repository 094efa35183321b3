//! Policies at the size limits parse, check and run in a test thread's small (2 MiB) stack;
//! one step over each limit is a diagnostic, never a stack overflow.

use commission::eval::RunOptions;

use crate::harness::Test;
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

/// A policy of 100,000 operators (25,000 for the longer constructs, to stay under the file
/// size limit) in every place an expression can stand, run through the
/// binary (`check`, whose 8 MiB main stack the old bypasses overflowed): each is refused with
/// the operator limit's code, E0007, exit 1. The places the count used to miss: a `metric`
/// (no statement word before it), a declaration word used as a name (`table`, `input`,
/// `metric` ...: they stopped the count), and a comment ended by a lone CR (the scan read
/// the rest of the line as comment; pest reads it as code).
#[test]
fn no_expression_escapes_the_operator_limit() {
    const N: usize = 100_000;
    let component = |body: String| format!("{HEAD}component c monthly {{\n  {body}\n}}\n");
    let metric = |expr: String| format!("{HEAD}metric m monthly = {expr}\n");
    let cases: Vec<(&str, String)> = vec![
        ("metric", metric(format!("sum(sales.amount){}", " + 1 CNY".repeat(N)))),
        ("metric named table", format!("{HEAD}metric table monthly = 1{}\n", " + 1".repeat(N))),
        ("second metric", format!("{HEAD}metric a monthly = 1\nmetric b monthly = 1{}\n", " * 1".repeat(N))),
        ("metric, nots", metric(format!("{}true", "not ".repeat(N)))),
        ("metric, minus signs", metric(format!("{}1", "- ".repeat(N)))),
        ("metric, ifs", metric(format!("{}1{}", "if true then ".repeat(N / 4), " else 0".repeat(N / 4)))),
        ("metric, names table", metric(format!("x{}", " + table".repeat(N)))),
        ("pay, names table", component(format!("pay 1{}", " + table".repeat(N)))),
        ("pay, names input", component(format!("pay 1{}", " + input".repeat(N)))),
        ("pay, names metric", component(format!("pay 1{}", " + metric".repeat(N)))),
        ("pay, names component", component(format!("pay 1{}", " + component".repeat(N / 2)))),
        ("pay, names rounding", component(format!("pay 1{}", " + rounding".repeat(N / 2)))),
        ("lone CR after a comment", component(format!("pay 1 # note\r{}", " + 1".repeat(N)))),
        ("lone CR in a text", component(format!("pay \"a\r{}", " + 1".repeat(N)))),
        ("let", component(format!("let x = 1{}\n  pay x", " + 1".repeat(N)))),
        ("when", component(format!("when true{}\n  pay 1", " and true".repeat(N)))),
        ("cap", component(format!("pay 1\n  cap 1{}", " + 1".repeat(N)))),
        ("default", component(format!("pay 1{}", " default 1".repeat(N)))),
        ("where", component(format!("pay sum(sales.amount where true{})", " and true".repeat(N)))),
        ("in", component(format!("pay 1{}", " in [1]".repeat(N)))),
        ("arguments", component(format!("pay max(1{})", ", 1 + 1".repeat(N)))),
        ("tiers subject", component(format!("pay tiers flat 1{} {{ from 0 rate 1% }}", " + 1".repeat(N)))),
        (
            "tiers in tiers",
            component(format!("pay {}1{}", "tiers flat ".repeat(N / 4), " { from 0 rate 1% }".repeat(N / 4))),
        ),
    ];
    for (name, policy) in cases {
        assert!(policy.len() <= 1 << 20, "{name}: over the file size limit, would test E0006");
        let ran = Test::new()
            .policy(policy)
            .args(["check", "{policy}", "--message-format", "plain"])
            .status(1)
            .code("E0007")
            .run();
        assert!(!ran.stderr.contains("overflow"), "{name}");
    }
}
