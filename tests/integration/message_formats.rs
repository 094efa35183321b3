//! `--message-format human|plain|json`, accepted by every command.

use crate::run;

#[test]
fn json_is_one_object_per_diagnostic() {
    let ran = run(["check", "--message-format", "json", "tests/fixtures/policies/bad/21-several-errors.policy"]);
    assert_eq!(ran.code, 1);
    let lines: Vec<serde_json::Value> = ran.stderr.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.len() >= 5, "{}", ran.stderr);
    let first = &lines[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["filename"], "tests/fixtures/policies/bad/21-several-errors.policy");
    assert_eq!(first["help"], "did you mean `text`?");
    assert!(first["labels"][0]["span"]["offset"].as_u64().is_some());
}

#[test]
fn json_warnings_carry_their_code() {
    let ran = run(["--message-format", "json", "check", "policies/telecom-account-manager.policy"]);
    assert_eq!(ran.code, 0);
    let codes: Vec<String> = ran
        .stderr
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["C0001", "C0001", "C0007", "C0007"]);
}

#[test]
fn plain_is_narrated() {
    let ran = run(["check", "--message-format", "plain", "tests/fixtures/policies/bad/02-unknown-column.policy"]);
    assert_eq!(ran.code, 1);
    crate::assert_code(&ran, "E0119");
    assert!(ran.stderr.contains("`amout`"), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("diagnostic help: did you mean `amount`?"),
        "the help is a line of its own: {}",
        ran.stderr
    );
    assert!(!ran.stderr.contains('╭'), "{}", ran.stderr);
}

#[test]
fn every_command_takes_it() {
    for args in [
        vec!["run", "no-such.policy"],
        vec!["check", "no-such.policy"],
        vec!["fmt", "no-such.policy"],
        vec!["test", "no-such.policy"],
        vec!["curve", "no-such.policy", "c", "--base", "0..1"],
        vec!["explain-code", "C9"],
    ] {
        let mut with = args.clone();
        with.extend(["--message-format", "json"]);
        let ran = run(&with);
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        let v: serde_json::Value =
            serde_json::from_str(ran.stderr.trim()).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", ran.stderr));
        assert_eq!(v["severity"], "error");
    }
}
