//! What the command line says about itself: shell completions and manual pages generated
//! from the same description as the parser, and the examples in each command's `--help`,
//! every one of which is run here from the repository's root.

use crate::{assert_code, run, run_ok};

/// The commands `commission --help` lists (without `help`).
fn commands() -> Vec<String> {
    let help = run_ok(["--help"]);
    let listed: Vec<String> = help
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect();
    for expected in ["run", "check", "diff", "completions", "man"] {
        assert!(listed.iter().any(|c| c == expected), "`{expected}` is not in {listed:?}");
    }
    listed
}

#[test]
fn completions_for_each_shell_name_every_command() {
    let commands = commands();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = run_ok(["completions", shell]);
        for command in &commands {
            assert!(script.contains(command.as_str()), "the {shell} script does not name `{command}`");
        }
        // An option of a command, too: the scripts complete flags, not only commands.
        assert!(script.contains("max-errors"), "the {shell} script does not complete `--max-errors`");
    }
    // A shell clap does not know is refused by the parser (exit 2, its own message).
    assert_eq!(run(["completions", "cmd.exe"]).code, 2);
}

#[test]
fn manual_pages_for_commission_and_each_command() {
    let page = run_ok(["man"]);
    assert!(page.contains(".TH commission 1"), "{page}");
    for command in commands() {
        // The main page lists every command; each command has its own page.
        assert!(page.contains(&command.replace('-', "\\-")), "commission(1) does not list `{command}`");
        let own = run_ok(["man", &command]);
        assert!(
            own.contains(&format!(".TH commission\\-{} 1", command.replace('-', "\\-")))
                || own.contains(&format!(".TH commission-{command} 1")),
            "{own}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("commission-run.1");
    run_ok(["man", "run", "-o", file.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&file).unwrap().contains("\\-\\-max\\-errors"));
    let ran = run(["man", "explian"]);
    assert_eq!(ran.code, 2);
    assert_code(&ran, "E0437");
    assert!(ran.stderr.contains("did you mean `explain`?"), "{}", ran.stderr);
}

/// Every command's help ends with examples; each is a real command line that works from the
/// repository's root on the shipped plans and ledgers.
#[test]
fn every_example_in_the_help_works() {
    let mut ran_any = 0;
    // `commission --help` (its examples run any command), then each command's.
    for command in std::iter::once(String::new()).chain(commands()) {
        let help = if command.is_empty() { run_ok(["--help"]) } else { run_ok([command.as_str(), "--help"]) };
        let examples: Vec<&str> = help
            .lines()
            .skip_while(|l| !l.starts_with("Examples"))
            .skip(1)
            .take_while(|l| !l.is_empty())
            .map(str::trim)
            .collect();
        assert!(!examples.is_empty(), "`commission {command} --help` has no examples:\n{help}");
        for example in examples {
            let words: Vec<&str> = example.split_whitespace().collect();
            assert_eq!(words.first(), Some(&"commission"), "{example}");
            if !command.is_empty() {
                assert_eq!(words.get(1), Some(&command.as_str()), "an example of `{command}` runs another command");
            }
            if words.get(1) == Some(&"lsp") {
                // A language server talks to an editor: give it the shortest session there is.
                let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
                let session = [
                    r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#,
                    r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
                    r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#,
                    r#"{"jsonrpc":"2.0","method":"exit"}"#,
                ]
                .map(frame)
                .concat();
                let out = crate::commission().args(&words[1..]).write_stdin(session).output().unwrap();
                assert!(out.status.success(), "`{example}` failed:\n{}", String::from_utf8_lossy(&out.stderr));
                ran_any += 1;
                continue;
            }
            let ran = run(&words[1..]);
            assert_eq!(ran.code, 0, "`{example}` failed:\n{}", ran.stderr);
            ran_any += 1;
        }
    }
    assert!(ran_any >= 20, "only {ran_any} examples");
}
