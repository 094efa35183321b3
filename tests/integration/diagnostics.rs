//! Rendered diagnostics for broken policies (`tests/fixtures/policies/bad/`): each snapshot
//! must show the file, the line, a labelled span and a help line.

use crate::run;

#[test]
fn broken_policies_are_explained() {
    insta::glob!("../..", "tests/fixtures/policies/bad/*.policy", |path| {
        let relative = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
        let ran = run(["check", &relative.display().to_string()]);
        let file = relative.display().to_string();
        assert!(ran.stderr.contains(&file), "the diagnostic names the file:\n{}", ran.stderr);
        assert!(ran.stderr.contains("help:"), "the diagnostic has a help line:\n{}", ran.stderr);
        insta::assert_snapshot!(format!("exit code: {}\n{}", ran.code, ran.stderr));
    });
}
