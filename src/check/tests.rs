//! Unit tests of the checker: tiny policies and what the checker says about them. Each
//! expected problem names the policy text its labels point at, so a case reads like the
//! message an analyst would see.
//!
//! They go through the entry points (`load`, `compile`) only, never a step's method, so
//! they hold however the checker's files are cut.

use miette::Severity;

use super::*;
use crate::plan::Ty;

/// One ledger, `sales`, with an enumerated `kind`; every case adds its components after it.
const HEADER: &str = "policy \"P\" version \"1\" currency CNY\n\
    input sales { key id: text  period date: date  payee manager: text  kind: text in [\"new\", \"renewal\"]  amount: money }\n\
    payee sales.manager\n";

/// A problem as an analyst sees it: its code, each label as the text it points at and what
/// it says.
#[derive(Debug, PartialEq)]
struct Seen {
    severity: Severity,
    code: &'static str,
    message: String,
    labels: Vec<(String, String)>,
    help: Option<String>,
}

/// The problems of `HEADER` + `body`: its errors, or the warnings of a policy that checks.
fn seen(body: &str) -> Vec<Seen> {
    let text = format!("{HEADER}{body}");
    let problems = match compile(SourceFile::new("p.policy", text.as_str())) {
        Ok(compiled) => compiled.warnings,
        Err(report) => report.problems,
    };
    problems
        .into_iter()
        .map(|p| Seen {
            severity: p.severity,
            code: p.code,
            message: p.message,
            labels: p.labels.into_iter().map(|(span, label)| (text[span.start..span.end].to_string(), label)).collect(),
            help: p.help,
        })
        .collect()
}

struct Case {
    name: &'static str,
    body: &'static str,
    severity: Severity,
    code: &'static str,
    message: &'static str,
    labels: &'static [(&'static str, &'static str)],
    help: Option<&'static str>,
}

const CASES: &[Case] = &[
    // Both sides are dates, the same kind: the help says what is wrong (no date arithmetic),
    // where it said the sides must be of the same kind.
    Case {
        name: "date minus date",
        body: "component c monthly { let d = max(sales.date) - min(sales.date)\n pay 1 CNY }",
        severity: Severity::Error,
        code: "E0136",
        message: "cannot apply `-` to date and date",
        labels: &[
            ("max(sales.date) - min(sales.date)", "date - date"),
            ("max(sales.date)", "date"),
            ("min(sales.date)", "date"),
        ],
        help: Some("there is no date arithmetic: dates can be compared (`<`, `>=`, `=`), not added or subtracted"),
    },
    Case {
        name: "money plus percent",
        body: "component c monthly { pay sum(sales.amount) + 3% }",
        severity: Severity::Error,
        code: "E0136",
        message: "cannot apply `+` to money and percent",
        labels: &[("sum(sales.amount) + 3%", "money + percent"), ("sum(sales.amount)", "money"), ("3%", "percent")],
        help: Some(
            "a percentage is a share of something: multiply it by an amount, e.g. `5% * sum(sales.amount)`",
        ),
    },
    Case {
        name: "a computed number is not money",
        body: "component c monthly { pay 500 * count(sales) }",
        severity: Severity::Error,
        code: "E0133",
        message: "what a component pays must be money",
        labels: &[("500 * count(sales)", "this is number")],
        help: Some("what a component pays is an amount of money"),
    },
    Case {
        name: "unknown column",
        body: "component c monthly { pay 3% * sum(sales.amont) }",
        severity: Severity::Error,
        code: "E0119",
        message: "input `sales` has no column `amont`",
        labels: &[("amont", "no such column")],
        help: Some("did you mean `amount`?"),
    },
    Case {
        name: "unknown let",
        body: "component c monthly {\n  let total = sum(sales.amount)\n  pay 3% * totl\n}",
        severity: Severity::Error,
        code: "E0120",
        message: "unknown name `totl`",
        labels: &[("totl", "not defined")],
        help: Some("did you mean `total`?"),
    },
    Case {
        name: "when is not a condition",
        body: "component c monthly {\n  when sum(sales.amount)\n  pay 3% * sum(sales.amount)\n}",
        severity: Severity::Error,
        code: "E0135",
        message: "a `when` condition must be true or false",
        labels: &[("sum(sales.amount)", "this is money")],
        help: Some("compare it, e.g. `when surveys.satisfaction >= 80%`"),
    },
    Case {
        name: "tiers not ascending",
        body: "component c monthly {\n  pay tiers flat sum(sales.amount) { from 0 rate 1% from 20_000 rate 2% from 10_000 rate 3% }\n}",
        severity: Severity::Error,
        code: "E0149",
        message: "brackets must be written in ascending order",
        labels: &[("10_000", "10_000 comes after a higher bound"), ("from 20_000 rate 2%", "previous bracket")],
        help: Some("order the brackets by their `from` amount, lowest first"),
    },
    Case {
        name: "enumerated value misspelt",
        body: "component c monthly { pay 3% * sum(sales.amount where kind = \"renewl\") }",
        severity: Severity::Error,
        code: "E0129",
        message: "`renewl` is not one of the values this column can take",
        labels: &[("\"renewl\"", "never matches")],
        help: Some("did you mean `renewal`?"),
    },
    Case {
        name: "table without a row for an enumerated value",
        body: "table bonus(kind) { \"new\" -> 5% }\n\
               component c monthly { pay sum(sales.amount * bonus(kind)) }",
        severity: Severity::Error,
        code: "E0130",
        message: "table `bonus` has no row for (\"renewal\")",
        labels: &[("bonus", "incomplete table"), ("bonus(kind)", "looked up here")],
        help: Some("add a row for it, or an `else -> ...` row for everything not listed"),
    },
    Case {
        name: "a let defined twice points at both",
        body: "component c monthly {\n  let total = sum(sales.amount)\n  let total = 0\n  pay 3% * total\n}",
        severity: Severity::Error,
        code: "E0107",
        message: "`total` is defined twice",
        labels: &[("total", "second definition"), ("total", "first defined here")],
        help: Some("a `let` name is defined once per component"),
    },
    Case {
        name: "an amount in another currency",
        body: "component c monthly { pay 500 USD }",
        severity: Severity::Error,
        code: "E0103",
        message: "amount in `USD`, but the policy's currency is `CNY`",
        labels: &[("500 USD", "other currency")],
        help: Some("this policy pays in `CNY`; write `... CNY`"),
    },
    Case {
        name: "table rate above 100% is a warning",
        body: "table bonus(kind) { \"new\" -> 150%  else -> 5% }\n\
               component c monthly { pay sum(sales.amount * bonus(kind)) }",
        severity: Severity::Warning,
        code: "C0006",
        message: "rate above 100%",
        labels: &[("150%", "more than the whole amount")],
        help: Some("check the rate; a rate over 100% pays more than the sale itself"),
    },
];

#[test]
fn each_mistake_is_one_problem_pointing_at_it() {
    for case in CASES {
        let problems = seen(case.body);
        let expected = Seen {
            severity: case.severity,
            code: case.code,
            message: case.message.to_string(),
            labels: case.labels.iter().map(|(text, label)| (text.to_string(), label.to_string())).collect(),
            help: case.help.map(str::to_string),
        };
        assert_eq!(problems, vec![expected], "{}", case.name);
    }
}

#[test]
fn units_of_what_a_component_pays() {
    let cases = [
        ("3% * sum(sales.amount)", Ty::Money),
        ("sum(sales.amount) * 3%", Ty::Money),
        // A literal number is taken as money where money is needed, also in a branch.
        ("100", Ty::Money),
        ("sum(sales.amount) / count(sales) * 2%", Ty::Money),
        ("if count(sales) > 10 then 500 CNY else 0", Ty::Money),
    ];
    for (pay, ty) in cases {
        let text = format!("{HEADER}component c monthly {{ pay {pay} }}");
        let Compilation { plan, warnings, .. } = compile(SourceFile::new("p.policy", text)).unwrap();
        assert!(warnings.is_empty(), "{pay}: {warnings:?}");
        assert_eq!(plan.components[0].pay.ty, ty, "{pay}");
    }
}

#[test]
fn the_same_aggregate_is_folded_once() {
    let src = "policy \"P\" version \"1\" currency CNY\n\
               input sales { key id: text  period date: date  payee m: text  amount: money }\n\
               payee sales.m\n\
               metric sales monthly = sum(sales.amount)\n\
               component a monthly { pay 3% * sum( sales.amount ) }\n\
               component b monthly { pay 1% * sum(sales.amount where amount > 0) }";
    let plan = compile(SourceFile::new("p.policy", src)).unwrap().plan;
    // `sum(sales.amount)` twice (spacing aside) and one filtered sum: two aggregates.
    assert_eq!(plan.aggregates.len(), 2);
}

#[test]
fn compile_keeps_the_checkers_warnings_and_the_lints_apart() {
    // The checker warns about the 150% rate (last in the file); the lints about `unused`
    // (earlier). `floor 0` and reading `kind` keep the other lints quiet.
    let text = format!(
        "{HEADER}component c monthly {{\n  let unused = 1\n  pay sum(sales.amount * bonus(kind))\n  floor 0\n}}\n\
         table bonus(kind) {{ \"new\" -> 150%  else -> 5% }}"
    );
    let compiled = compile(SourceFile::new("p.policy", text.as_str())).unwrap();
    let shown = |problems: &[Problem]| -> Vec<(&'static str, String)> {
        problems.iter().map(|p| (p.code, text[p.labels[0].0.start..p.labels[0].0.end].to_string())).collect()
    };
    assert_eq!(shown(&compiled.warnings), [("C0006", "150%".to_string())]);
    assert_eq!(shown(&compiled.lints), [("C0002", "unused".to_string())]);
    assert_eq!(compiled.plan.components.len(), 1);
    assert_eq!(compiled.policy.items.len(), 4);

    // An error stops before the lints: the report is the checker's alone.
    let broken = format!("{HEADER}component c monthly {{ pay sum(sales.amount) + 3% }}");
    let report = compile(SourceFile::new("p.policy", broken.as_str())).unwrap_err();
    assert_eq!(report.problems.iter().map(|p| p.code).collect::<Vec<_>>(), ["E0136"]);
}

/// The completeness of a rate table keyed by 8 enumerated columns of 10 values each. Trying
/// every combination took 10^8 steps (36 s for the complete table in a release build, minutes
/// in a test build); splitting on one column at a time settles it in a few hundred.
#[test]
fn table_coverage_of_8_columns_of_10_values() {
    let columns = "abcdefgh";
    let values = |c: char| (0..10).map(|i| format!("\"{c}{i}\"")).collect::<Vec<_>>().join(", ");
    let inputs: String = columns.chars().map(|c| format!("  {c}: text in [{}]\n", values(c))).collect();
    let keys: Vec<String> = columns.chars().map(|c| c.to_string()).collect();
    let head = format!(
        "policy \"P\" version \"1\" currency CNY\ninput sales {{\n  key id: text\n  period date: date\n  payee m: text\n{inputs}  amount: money\n}}\npayee sales.m\n"
    );
    let policy = |rows: &str| {
        format!(
            "{head}table t({}) {{\n{rows}}}\ncomponent c monthly {{ pay sum(sales.amount * t({})) }}\n",
            keys.join(", "),
            keys.join(", ")
        )
    };
    let wild = ", _".repeat(7);
    // One row per value of `a`, every other column `_`: complete.
    let complete: String = (0..10).map(|i| format!("  \"a{i}\"{wild} -> 1%\n")).collect();
    assert!(compile(SourceFile::new("p.policy", policy(&complete))).is_ok());
    // Complete the other way round: one row per value of `h`, the last column.
    let by_last: String = (0..10).map(|i| format!("  {}\"h{i}\" -> 1%\n", "_, ".repeat(7))).collect();
    assert!(compile(SourceFile::new("p.policy", policy(&by_last))).is_ok());
    // Without `a9`'s row, except where `h` is `h3`: the first missing combination counting
    // `a` fastest is a9 with every other column at its first value (b0 ... h0); a9 with h3 is
    // covered, so the check must not stop at the `a9` row.
    let mut gapped: String = (0..9).map(|i| format!("  \"a{i}\"{wild} -> 1%\n")).collect();
    gapped.push_str(&format!("  \"a9\"{} \"h3\" -> 1%\n", ", _".repeat(6) + ","));
    let report = compile(SourceFile::new("p.policy", policy(&gapped))).unwrap_err();
    let messages: Vec<&str> = report.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages, ["table `t` has no row for (\"a9\", \"b0\", \"c0\", \"d0\", \"e0\", \"f0\", \"g0\", \"h0\")"]);
    // a0..a8 covered, and a9 under every `h` but `h5`: (a9, b0, ..., g0, h5) is missing, the
    // first in that order (h0..h4 come before it and are covered).
    let mut only_h5: String = (0..9).map(|i| format!("  \"a{i}\"{wild} -> 1%\n")).collect();
    for h in (0..10).filter(|h| *h != 5) {
        only_h5.push_str(&format!("  \"a9\"{} \"h{h}\" -> 1%\n", ", _".repeat(6) + ","));
    }
    let report = compile(SourceFile::new("p.policy", policy(&only_h5))).unwrap_err();
    let messages: Vec<&str> = report.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages, ["table `t` has no row for (\"a9\", \"b0\", \"c0\", \"d0\", \"e0\", \"f0\", \"g0\", \"h5\")"]);
}
