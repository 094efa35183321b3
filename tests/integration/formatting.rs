//! `commission fmt`: the shipped policies are formatted, formatting is idempotent and keeps
//! the meaning (the same tree, spans aside) and every comment, on every policy and fixture
//! and on generated policies; badly laid-out fixtures have snapshots of their formatted form.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::harness::Test;
use crate::{run, run_ok};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.policy` file under `dir`, sorted.
fn policies_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "policy") {
                found.push(p);
            }
        }
    }
    found.sort();
    found
}

/// The tree's debug form without byte spans: formatting moves text, never meaning.
fn without_spans(policy: &commission::syntax::ast::Policy) -> String {
    let text = format!("{policy:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let close = after.find('}').unwrap();
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn comment_texts(source: &str) -> Vec<String> {
    commission::syntax::comments(source).into_iter().map(|c| c.text).collect()
}

/// The laws, for one source that parses.
fn assert_laws(source: &str, name: &str) {
    let Ok(before) = commission::syntax::parse(source) else { return };
    let formatted = commission::fmt::format(source).unwrap_or_else(|p| panic!("{name}: {p:?}\n{source}"));
    let after = commission::syntax::parse(&formatted).unwrap_or_else(|p| panic!("{name}: {p:?}\n{formatted}"));
    assert_eq!(without_spans(&before), without_spans(&after), "{name}: meaning changed\n{formatted}");
    assert_eq!(commission::fmt::format(&formatted).unwrap(), formatted, "{name}: not idempotent");
    assert_eq!(comment_texts(source), comment_texts(&formatted), "{name}: comments lost or reordered");
}

#[test]
fn shipped_policies_and_fixtures_are_formatted() {
    let mut args = vec!["fmt".to_string(), "--check".to_string()];
    let fixtures = policies_under(&root().join("tests/fixtures"));
    let deliberate = |p: &PathBuf| {
        let s = p.display().to_string();
        s.contains("/bad/") || s.contains("/unformatted/")
    };
    for p in policies_under(&root().join("policies")).into_iter().chain(fixtures.into_iter().filter(|p| !deliberate(p)))
    {
        args.push(p.display().to_string());
    }
    assert!(args.len() > 3);
    let ran = run(&args);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
}

#[test]
fn formatting_keeps_meaning_and_comments_and_is_idempotent_on_every_file() {
    let all =
        policies_under(&root().join("policies")).into_iter().chain(policies_under(&root().join("tests/fixtures")));
    for path in all {
        assert_laws(&fs::read_to_string(&path).unwrap(), &path.display().to_string());
    }
}

#[test]
fn unformatted_fixtures_format_to_their_snapshots() {
    insta::glob!("../..", "tests/fixtures/policies/unformatted/*.policy", |path| {
        let source = fs::read_to_string(path).unwrap();
        let formatted = commission::fmt::format(&source).unwrap();
        assert_ne!(formatted, source, "a fixture here is meant to be badly formatted");
        insta::assert_snapshot!(formatted);
    });
}

#[test]
fn check_names_unformatted_files_and_diff_shows_the_change() {
    let messy = "tests/fixtures/policies/unformatted/messy.policy";
    let ran = run(["fmt", "--check", messy, "policies/telecom-account-manager.policy"]);
    assert_eq!(ran.code, 1);
    assert_eq!(ran.stdout, format!("{messy}: not formatted\n"));
    let diff = run_ok(["fmt", "--diff", messy]);
    assert!(diff.contains("-policy   \"Messy\"   version \"1\""), "{diff}");
    assert!(diff.contains("+policy \"Messy\" version \"1\" currency CNY"), "{diff}");
    // Neither flag writes.
    assert!(fs::read_to_string(root().join(messy)).unwrap().starts_with("# A deliberately"));
}

#[test]
fn fmt_rewrites_in_place() {
    // One folder for both runs: the second checks what the first wrote.
    let dir = tempfile::tempdir().unwrap();
    let source = fs::read_to_string(root().join("tests/fixtures/policies/unformatted/messy.policy")).unwrap();
    Test::in_dir(dir.path()).policy(&source).args(["fmt", "{policy}"]).run();
    assert_eq!(
        fs::read_to_string(dir.path().join("policy.policy")).unwrap(),
        commission::fmt::format(&source).unwrap()
    );
    // A second run changes nothing.
    Test::in_dir(dir.path()).args(["fmt", "--check", "{policy}"]).run();
}

#[test]
fn a_file_that_does_not_parse_is_reported_not_formatted() {
    let ran = run(["fmt", "--check", "tests/fixtures/policies/bad/19-missing-closing-brace.policy"]);
    assert_eq!(ran.code, 1);
    crate::assert_code(&ran, "E0002");
}

// ---------------------------------------------------------------- generated policies

/// Random whitespace between tokens: spaces, line breaks, a comment now and then.
fn gap() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just(" ".to_string()),
        1 => Just("  ".to_string()),
        1 => Just("\n    ".to_string()),
        1 => Just("  # note\n  ".to_string()),
    ]
}

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..2_000_000).prop_map(|n| n.to_string()),
        (0u32..10_000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b:02}")),
        (0u32..200).prop_map(|n| format!("{n}%")),
        Just("1_000".to_string()),
        Just("300 CNY".to_string()),
        Just("\"renewal\"".to_string()),
        Just("true".to_string()),
        Just("base".to_string()),
        Just("sales.amount".to_string()),
        Just("surveys.satisfaction".to_string()),
        Just("count(sales)".to_string()),
        // Plans over time and people.
        Just("2027-03-01".to_string()),
        Just("2027-07".to_string()),
        Just("2027-Q3".to_string()),
        Just("period".to_string()),
        Just("employed".to_string()),
        Just("subtotal".to_string()),
        Just("earlier_this_year(total)".to_string()),
        Just("this_month(total for reports)".to_string()),
    ]
}

fn expr_text() -> impl Strategy<Value = String> {
    leaf().prop_recursive(4, 24, 3, |inner| {
        let op = prop_oneof![
            Just("+"),
            Just("-"),
            Just("*"),
            Just("/"),
            Just("="),
            Just("!="),
            Just("<"),
            Just("<="),
            Just(">="),
            Just("and"),
            Just("or")
        ];
        prop_oneof![
            (inner.clone(), gap(), op, gap(), inner.clone()).prop_map(|(a, g1, o, g2, b)| format!("{a}{g1}{o}{g2}{b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("not {a}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} in [{b}, 2]")),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(a, b, c)| format!("if {a} then {b} else {c}")),
            (inner.clone(), leaf()).prop_map(|(a, b)| format!("({a}) default {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("min({a},{b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("sum({a} where {b})")),
            inner.clone().prop_map(|a| format!("tiers marginal {a} {{ from 0 rate 3% from 100_000 fixed 5 }}")),
            inner.clone().prop_map(|a| format!(
                "tiers marginal {a} {{ from 0 rate 2% from 50% of base rate 4% from base rate 6% }}"
            )),
            (inner.clone(), leaf(), leaf()).prop_map(|(a, b, c)| format!("{a} in {b} to -{c}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("days_between({a}, {b})")),
            inner.clone().prop_map(|a| format!("quarter_to_date({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("sum({a} where {b} for reports)")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Generated expressions in every statement position keep their tree and comments.
    #[test]
    fn generated_policies_keep_their_meaning(a in expr_text(), b in expr_text(), g in gap()) {
        let source = format!(
            "policy \"G\" version \"1\" currency CNY{g}input sales {{ key id: text period date: date payee m: text amount: money }}\npayee sales.m\ncomponent c monthly {{{g}let base = {a}\n  when {b}{g}pay {a}\n}}\n"
        );
        prop_assume!(commission::syntax::parse(&source).is_ok());
        assert_laws(&source, "generated");
    }
}
