//! Policies whose text shows something other than what is read: bidirectional control
//! characters (E0009), names that look alike (E0160), a name mixing Latin with look-alike
//! letters (C0009), as rustc treats Rust source.

use crate::harness::Test;

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

/// A component paying 5% of the month's sales, with `rate` spelt as `spelt` in the `let` and
/// `used` in the `pay`.
fn policy(spelt: &str, used: &str) -> String {
    format!(
        "{HEAD}component c monthly {{\n  let {spelt} = 5%\n  let base = sum(sales.amount)\n  pay base * {used}\n}}\n"
    )
}

#[test]
fn bidi_controls_are_refused_anywhere() {
    // Trojan Source: an RLO (U+202E) in a comment, an LRI (U+2066) in a label, an RLM
    // (U+200F) in a test row. Each: exit 1, E0009, the character named by its code.
    let cases = [
        format!("{HEAD}component c monthly {{\n  pay 1 CNY # \u{202E} }} else {{\n}}\n"),
        format!("{HEAD}component c \"a\u{2066}b\" monthly {{\n  pay 1 CNY\n}}\n"),
        format!("{HEAD}component c monthly {{\n  pay 1 CNY\n}}\ntest \"t\" {{\n  period 2026-01\n  sales {{\n    id,date,manager,amount\n    S1,2026-01-05,M1\u{200F},1\n  }}\n  expect M1 c = 1\n}}\n"),
    ];
    let escapes = ["\\u{202E}", "\\u{2066}", "\\u{200F}"];
    // Where each character is: after the head and the text before it on its line.
    let offsets = [
        HEAD.len() + "component c monthly {\n  pay 1 CNY # ".len(),
        HEAD.len() + "component c \"a".len(),
        cases[2].find('\u{200F}').unwrap(),
    ];
    for ((policy, escape), offset) in cases.iter().zip(escapes).zip(offsets) {
        let ran = Test::new().policy(policy).args(["check", "{policy}", "--message-format", "json"]).status(1).run();
        let message: serde_json::Value = serde_json::from_str(ran.stderr.lines().next().unwrap()).unwrap();
        assert_eq!(message["code"], "E0009");
        assert!(message["message"].as_str().unwrap().contains(escape), "{}", ran.stderr);
        assert!(!message["message"].as_str().unwrap().contains(['\u{202E}', '\u{2066}', '\u{200F}']));
        assert_eq!(message["labels"][0]["span"]["offset"], offset);
        assert_eq!(message["labels"][0]["span"]["length"], 3, "each of these is 3 bytes in UTF-8");
        // The quoted line shows U+FFFD where the control is, never the control itself.
        let ran = Test::new().policy(policy).args(["check", "{policy}"]).status(1).stderr_contains("\u{FFFD}").run();
        assert!(!ran.stderr.contains(['\u{202E}', '\u{2066}', '\u{200F}']), "{}", ran.stderr);
    }
}

#[test]
fn two_names_that_look_alike_are_an_error() {
    // `rate` (5%) and `rаte` (Cyrillic а, U+0430; 50%) both declared: a reader sees one name,
    // the program two, and the `pay` uses the 50% one. Before, this ran and paid 50.00.
    let both = format!(
        "{HEAD}component c monthly {{\n  let rate = 5%\n  let r\u{430}te = 50%\n  pay sum(sales.amount) * r\u{430}te\n}}\n"
    );
    Test::new()
        .policy(both)
        .ledger("sales", SALES)
        .args(["run", "{policy}", "--period", "2026-01", "--message-format", "plain"])
        .status(1)
        .code("E0160")
        .stderr_contains("r\\u{430}te")
        .run();
}

#[test]
fn a_mixed_script_name_is_a_warning_like_rustc() {
    // `rаte` spelt the same in both places computes as `rate`: 5% of 100.00 = 5.00; `check`
    // warns C0009 and exits 0; `run` pays.
    let mixed = policy("r\u{430}te", "r\u{430}te");
    Test::new()
        .policy(&mixed)
        .args(["check", "{policy}", "--message-format", "plain"])
        .status(0)
        .code("C0009")
        .stderr_contains("\\u{430}")
        .run();
    Test::new()
        .policy(&mixed)
        .ledger("sales", SALES)
        .args(["run", "{policy}", "--period", "2026-01", "--format", "csv"])
        .status(0)
        .stdout_contains("5.00")
        .run();
    // Silenced by an attribute above the component, with a reason.
    let allowed = mixed.replace("component c", "# allow(C0009): named by the Kyiv office\ncomponent c");
    let ran = Test::new().policy(allowed).args(["check", "{policy}", "--message-format", "plain"]).status(0).run();
    assert!(!ran.stderr.contains("C0009"), "{}", ran.stderr);
    // A plain Latin policy has none of these.
    let ran = Test::new().policy(policy("rate", "rate")).args(["check", "{policy}"]).status(0).run();
    assert!(!ran.stderr.contains("C0009") && !ran.stderr.contains("E0160"), "{}", ran.stderr);
}
