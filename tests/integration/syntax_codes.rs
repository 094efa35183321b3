//! Codes of the first stage and of the warnings: every syntax error carries a code of
//! `E0001`-`E0099` in every message format, on the broken-policy fixtures and on one policy
//! made for each code; every lint fixture's warnings carry their `C` code in JSON; and
//! `explain-code` explains each one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::{run, run_ok, Ran};

/// `check` on a policy with `--message-format json`: one object per line on stderr.
fn json_messages(policy: &str) -> (Ran, Vec<serde_json::Value>) {
    let ran = run(["check", policy, "--message-format", "json"]);
    let messages =
        ran.stderr.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{policy}: {e}: {l}"))).collect();
    (ran, messages)
}

fn code_of<'a>(policy: &str, message: &'a serde_json::Value) -> &'a str {
    message["code"].as_str().unwrap_or_else(|| panic!("{policy}: no code in {message}"))
}

fn is_syntax_code(code: &str) -> bool {
    code.strip_prefix('E').and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| (1..=99).contains(&n)) && code.len() == 5
}

fn assert_explained(code: &str) {
    let explained = run_ok(["explain-code", code]);
    assert!(explained.starts_with(&format!("{code}: ")), "{explained}");
    assert!(explained.contains("What to do:"), "{code}: {explained}");
}

fn fixtures(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policies").join(folder);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "policy"))
        .collect();
    paths.sort();
    paths
}

fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string()
}

/// A broken fixture that does not parse fails with syntax codes only, each in JSON and above
/// its `×` for people; one that parses shows no syntax code (its errors are the checker's).
#[test]
fn syntax_errors_have_codes() {
    let mut seen = BTreeSet::new();
    for path in fixtures("bad") {
        let policy = relative(&path);
        let parsed = commission::syntax::parse(&std::fs::read_to_string(&path).unwrap());
        let (ran, messages) = json_messages(&policy);
        if parsed.is_ok() {
            for m in &messages {
                let code = m["code"].as_str().unwrap_or("");
                assert!(!is_syntax_code(code), "{policy} parses, yet shows {code}: {m}");
            }
            continue;
        }
        assert_eq!(ran.code, 1, "{policy}: {}", ran.stderr);
        assert!(!messages.is_empty(), "{policy}: no message");
        for m in &messages {
            let code = code_of(&policy, m);
            assert!(is_syntax_code(code), "{policy}: {code} is not a syntax code: {m}");
            assert_eq!(m["severity"], "error", "{policy}: {m}");
            seen.insert(code.to_string());
        }
        // For people: each `×` has its code on a line of its own above it.
        let human = run(["check", &policy]);
        let codes: Vec<&str> = human.stderr.lines().filter(|l| is_syntax_code(l)).collect();
        let crosses = human.stderr.lines().filter(|l| l.trim_start().starts_with('×')).count();
        assert_eq!(codes.len(), crosses, "{policy}:\n{}", human.stderr);
    }
    assert!(seen.len() >= 2, "the fixtures cover unexpected text and brackets at least: {seen:?}");
    for code in &seen {
        assert_explained(code);
    }
}

/// One policy for each problem of the text that the fixtures do not show, with the code it
/// gets; and every registered syntax code is explained (`E0005`, an empty policy, is a
/// safeguard no text reaches).
#[test]
fn each_syntax_problem_has_its_code() {
    const HEAD: &str = "policy \"p\" version \"1\" currency CNY\ninput sales {\n  key id: text\n  period date: date\n  payee manager: text\n  amount: money\n}\npayee sales.manager\n";
    let component = |pay: &str| format!("{HEAD}component c monthly {{\n  pay {pay}\n}}\n");
    let cases = [
        (format!("{})\n", component("1 CNY")), "E0003"),
        (component("99999999999999999999999999999999 CNY"), "E0004"),
        (format!("{HEAD}{}", " ".repeat(1 << 20)), "E0006"),
        (component(&format!("sum(sales.amount){}", " + 1 CNY".repeat(129))), "E0007"),
        (component(&format!("{}1 CNY{}", "(".repeat(64), ")".repeat(64))), "E0008"),
        (format!("{HEAD}component c monthly {{\n  pay 5% * sum(sales.amount\n}}\n"), "E0002"),
        (component("sum(sales.amount) +"), "E0001"),
        (component("1 CNY # \u{202E}"), "E0009"),
        (component("20,000"), "E0010"),
        (format!("{HEAD}component c monthly {{\n  when 1 = 1 && 2 = 2\n  pay 1\n}}\n"), "E0011"),
        (component("4% of sum(sales.amount)"), "E0012"),
        (component("4 % * sum(sales.amount)"), "E0013"),
        (component("500 元"), "E0014"),
        (format!("{HEAD}cap 20_000\n"), "E0015"),
        (component("if period >= 2027-13 then 1 CNY else 0 CNY"), "E0016"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, (text, want)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("case{i}.policy"));
        std::fs::write(&path, text).unwrap();
        let policy = path.display().to_string();
        let (ran, messages) = json_messages(&policy);
        assert_eq!(ran.code, 1, "{want}: {}", ran.stderr);
        let codes: Vec<&str> = messages.iter().map(|m| code_of(&policy, m)).collect();
        assert_eq!(codes, [*want], "{}", ran.stderr);
    }
    let registered: Vec<&str> =
        commission::diagnostics::code::all().map(|c| c.id).filter(|id| is_syntax_code(id)).collect();
    assert_eq!(registered.len(), 16, "{registered:?}");
    for code in registered {
        assert_explained(code);
    }
}

/// Each lint fixture's warnings, in JSON: every one has a `C` code and is a warning, the
/// fixture's own code (its file name's prefix) is among them, and each code is explained.
#[test]
fn lint_warnings_have_their_codes_in_json() {
    for path in fixtures("lints") {
        let policy = relative(&path);
        let own = path.file_name().unwrap().to_str().unwrap().get(..5).unwrap().to_uppercase();
        let (ran, messages) = json_messages(&policy);
        assert_eq!(ran.code, 0, "warnings never fail `check`: {}", ran.stderr);
        let mut codes = BTreeSet::new();
        for m in &messages {
            let code = code_of(&policy, m);
            assert!(code.starts_with('C') && code.len() == 5, "{policy}: {m}");
            assert_eq!(m["severity"], "warning", "{policy}: {m}");
            codes.insert(code.to_string());
        }
        assert!(codes.contains(&own), "{policy}: no {own} among {codes:?}");
        for code in &codes {
            let explained = run_ok(["explain-code", code]);
            assert!(explained.starts_with(&format!("{code}: ")), "{explained}");
        }
    }
}
