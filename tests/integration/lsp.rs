//! `commission lsp` through its protocol: the real binary, started as an editor starts it,
//! sent a whole session at once on standard input (the server answers in order), its
//! answers read back from standard output.
//!
//! The document has Chinese names before the places asserted, so a position counted in
//! bytes or characters instead of UTF-16 units would be off. Every position below is
//! counted by hand from the text (0-based lines and UTF-16 columns; a CJK character is one
//! unit, three bytes).

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

/// Line 13 has the typo `amout`; line 14 is `pay 3%*月销售`, which `fmt` spaces out.
const WITH_TYPO: &str = r#"# 提成方案
policy "p" version "1" currency CNY

input sales {
  key    id:      text
  period date:    date
  payee  manager: text
         amount:  money
}

payee sales.manager

component 提成 "销售提成" monthly {
  let 月销售 = sum(sales.amout)
  pay 3%*月销售
}

test "3% of 1,000.00" {
  period 2026-01
  sales {
    id, date,       manager, amount
    T1, 2026-01-05, A1,      1000.00
  }
  # 3% of 1,000.00 = 30.00
  expect A1 提成 = 30.00
}
"#;

const URI: &str = "file:///work/plan.policy";
const WRONG_URI: &str = "file:///work/wrong.policy";

fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn request(id: u64, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

fn notification(method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "method": method, "params": params})
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"start": {"line": start.0, "character": start.1}, "end": {"line": end.0, "character": end.1}})
}

/// Runs a session: `initialize`, `initialized`, the messages given, `shutdown`, `exit`.
/// Returns every message the server wrote, and checks that it exited with 0.
fn session(messages: &[Value]) -> Vec<Value> {
    session_with(Value::Null, messages)
}

/// A session whose client gives these `initializationOptions`.
fn session_with(options: Value, messages: &[Value]) -> Vec<Value> {
    session_of(&["lsp"], options, messages)
}

/// A session of `commission ARGS`.
fn session_of(args: &[&str], options: Value, messages: &[Value]) -> Vec<Value> {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("commission"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = Vec::new();
    input.extend(frame(&request(
        0,
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}, "initializationOptions": options}),
    )));
    input.extend(frame(&notification("initialized", json!({}))));
    for message in messages {
        input.extend(frame(message));
    }
    input.extend(frame(&request(999, "shutdown", Value::Null)));
    input.extend(frame(&notification("exit", Value::Null)));
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    let mut messages = Vec::new();
    let mut rest = out.as_slice();
    while !rest.is_empty() {
        let text = std::str::from_utf8(rest).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let length: usize = head.strip_prefix("Content-Length: ").unwrap().trim().parse().unwrap();
        messages.push(serde_json::from_str(&body[..length]).unwrap());
        rest = &rest[head.len() + 4 + length..];
    }
    messages
}

fn response(messages: &[Value], id: u64) -> &Value {
    let found = messages.iter().find(|m| m["id"] == json!(id) && m.get("method").is_none());
    let found = found.unwrap_or_else(|| panic!("no response {id} in {messages:#?}"));
    assert!(found.get("error").is_none(), "{found}");
    &found["result"]
}

fn published(messages: &[Value], uri: &str) -> Vec<Value> {
    messages
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        .map(|m| m["params"]["diagnostics"].clone())
        .collect()
}

fn open(uri: &str, text: &str) -> Value {
    notification(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "commission-policy", "version": 1, "text": text}}),
    )
}

fn change(uri: &str, version: i32, text: &str) -> Value {
    notification(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
    )
}

#[test]
fn a_typo_is_diagnosed_and_names_are_hovered_defined_completed_and_formatted() {
    let fixed = WITH_TYPO.replace("amout", "amount");
    let messages = session(&[
        open(URI, WITH_TYPO),
        change(URI, 2, &fixed),
        request(1, "textDocument/hover", at(URI, 14, 10)),
        request(2, "textDocument/definition", at(URI, 14, 10)),
        request(3, "textDocument/hover", at(URI, 13, 24)),
        request(4, "textDocument/hover", at(URI, 24, 12)),
        request(5, "textDocument/definition", at(URI, 24, 12)),
        request(6, "textDocument/completion", at(URI, 13, 22)),
        request(7, "textDocument/completion", at(URI, 14, 9)),
        request(
            8,
            "textDocument/formatting",
            json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
        ),
    ]);
    let initialized = response(&messages, 0);
    assert_eq!(initialized["capabilities"]["textDocumentSync"], json!(1), "full synchronisation");

    let diagnostics = published(&messages, URI);
    assert_eq!(diagnostics.len(), 2, "one publication per version: {diagnostics:#?}");
    // `  let 月销售 = sum(sales.` is 6 + 3 + 13 = 22 units; `amout` is 5 more.
    let typo = &diagnostics[0];
    assert_eq!(typo.as_array().unwrap().len(), 1, "{typo:#?}");
    assert_eq!(typo[0]["code"], "E0119");
    assert_eq!(typo[0]["severity"], 1, "an error");
    assert_eq!(typo[0]["range"], range((13, 22), (13, 27)));
    assert!(typo[0]["message"].as_str().unwrap().contains("did you mean `amount`?"), "{typo:#?}");
    // Fixed, the policy checks; `check`'s warning C0007 (the pay can be negative) points at
    // `3%*月销售`: after `  pay ` (6 units), 3 + 3 units long.
    let fixed_diagnostics = &diagnostics[1];
    assert_eq!(fixed_diagnostics.as_array().unwrap().len(), 1, "{fixed_diagnostics:#?}");
    assert_eq!(fixed_diagnostics[0]["code"], "C0007");
    assert_eq!(fixed_diagnostics[0]["severity"], 2, "a warning");
    assert_eq!(fixed_diagnostics[0]["range"], range((14, 6), (14, 12)));

    // `月销售` on line 14 starts after `  pay 3%*` (9 units): a money `let`.
    let hover = response(&messages, 1);
    assert_eq!(hover["range"], range((14, 9), (14, 12)));
    assert_eq!(hover["contents"]["value"], "**let** `月销售` in `提成`: money (CNY)");
    // Its declaration: `  let ` is 6 units.
    let definition = response(&messages, 2);
    assert_eq!(definition["uri"], URI);
    assert_eq!(definition["range"], range((13, 6), (13, 9)));

    // `amount` in `sales.amount` (22..28 on line 13): a money column.
    let hover = response(&messages, 3);
    assert_eq!(hover["range"], range((13, 22), (13, 28)));
    assert_eq!(hover["contents"]["value"], "**column** `sales.amount`: money (CNY)");

    // `  expect A1 ` is 12 units: the component `提成`, declared on line 12 after `component `.
    let hover = response(&messages, 4);
    assert_eq!(hover["contents"]["value"], "**component** `提成` \"销售提成\", monthly: pays money (CNY)");
    assert_eq!(response(&messages, 5)["range"], range((12, 10), (12, 12)));

    // After `sales.`: the input's four columns, in declaration order.
    let labels = |result: &Value| -> Vec<String> {
        result.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(labels(response(&messages, 6)), ["id", "date", "manager", "amount"]);
    // In the `pay` line: the input, the component, its `let`, functions and keywords.
    let everything = labels(response(&messages, 7));
    for expected in ["sales", "提成", "月销售", "sum", "tiers", "if"] {
        assert!(everything.iter().any(|l| l == expected), "no `{expected}` in {everything:?}");
    }
    assert!(!everything.iter().any(|l| l == "amount"), "columns only after `sales.`: {everything:?}");

    // One edit over the whole text (26 lines and the final line break: up to line 26,
    // column 0) that spaces out `3%*月销售`, and nothing else.
    let edits = response(&messages, 8);
    assert_eq!(edits.as_array().unwrap().len(), 1, "{edits:#?}");
    assert_eq!(edits[0]["range"], range((0, 0), (26, 0)));
    assert_eq!(edits[0]["newText"], fixed.replace("3%*月销售", "3% * 月销售"));
}

#[test]
fn a_code_lens_runs_the_policys_tests() {
    let fixed = WITH_TYPO.replace("amout", "amount");
    // 3% of 1,000.00 is 30.00, not 31.00: this copy's test fails.
    let wrong = fixed.replace("= 30.00", "= 31.00");
    let messages = session(&[
        open(URI, &fixed),
        open(WRONG_URI, &wrong),
        request(1, "textDocument/codeLens", json!({"textDocument": {"uri": URI}})),
        request(
            2,
            "workspace/executeCommand",
            json!({"command": "commission.runTests", "arguments": [URI, "3% of 1,000.00"]}),
        ),
        request(3, "workspace/executeCommand", json!({"command": "commission.runTests", "arguments": [WRONG_URI]})),
    ]);
    let initialized = response(&messages, 0);
    assert_eq!(initialized["capabilities"]["executeCommandProvider"]["commands"], json!(["commission.runTests"]));
    // One lens, on the `test` line (17), running that test.
    let lenses = response(&messages, 1);
    assert_eq!(lenses.as_array().unwrap().len(), 1, "{lenses:#?}");
    assert_eq!(lenses[0]["range"]["start"], json!({"line": 17, "character": 0}));
    assert_eq!(lenses[0]["command"]["command"], "commission.runTests");
    assert_eq!(lenses[0]["command"]["arguments"], json!([URI, "3% of 1,000.00"]));

    let passed = response(&messages, 2);
    assert_eq!((passed["passed"].clone(), passed["failed"].clone()), (json!(1), json!(0)), "{passed:#?}");
    let failed = response(&messages, 3);
    assert_eq!((failed["passed"].clone(), failed["failed"].clone()), (json!(0), json!(1)), "{failed:#?}");
    assert_eq!(failed["tests"][0]["line"], 18, "the policy line of the test (1-based)");
    assert_eq!(failed["tests"][0]["failures"], json!(["A1 提成: expected 31.00, got 30.00"]));
    // The editor is told too: information when all passed, an error when one failed.
    let shown: Vec<(Value, String)> = messages
        .iter()
        .filter(|m| m["method"] == "window/showMessage")
        .map(|m| (m["params"]["type"].clone(), m["params"]["message"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert_eq!(shown[0], (json!(3), "commission test: 1 passed, 0 failed".to_string()));
    assert_eq!(shown[1].0, json!(1));
    assert!(shown[1].1.contains("expected 31.00, got 30.00"), "{shown:?}");
}

#[test]
fn input_that_is_not_the_protocol_stops_the_server_with_e0555() {
    for input in ["hello\r\n\r\n", ""] {
        let output = Command::new(assert_cmd::cargo::cargo_bin("commission"))
            .args(["--message-format", "json", "lsp"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                child.stdin.take().unwrap().write_all(input.as_bytes())?;
                child.wait_with_output()
            })
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "input {input:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let error: Value = serde_json::from_str(stderr.trim()).unwrap();
        assert_eq!(error["code"], "E0555", "input {input:?}: {stderr}");
        assert!(output.stdout.is_empty(), "input {input:?}");
    }
}

/// The VS Code extension starts this server: its manifest is JSON that names the client
/// script, which starts `commission lsp` for the language the manifest declares, and keeps
/// the grammar. (`node --check editors/vscode/extension.js` checks the script's syntax;
/// the tests do not need Node.)
#[test]
fn the_vscode_extension_starts_commission_lsp() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(folder.join("package.json")).unwrap()).unwrap();
    let main = manifest["main"].as_str().unwrap();
    let script = std::fs::read_to_string(folder.join(main)).unwrap();
    assert!(script.contains("args: ['lsp']"), "the client starts `commission lsp`");
    assert!(script.contains("require('vscode-languageclient/node')"));
    assert!(manifest["dependencies"]["vscode-languageclient"].is_string());
    let language = manifest["contributes"]["languages"][0]["id"].as_str().unwrap();
    assert_eq!(manifest["activationEvents"], json!([format!("onLanguage:{language}")]));
    assert!(script.contains(&format!("language: '{language}'")), "the client serves the declared language");
    let grammar = manifest["contributes"]["grammars"][0]["path"].as_str().unwrap();
    assert!(folder.join(grammar).is_file(), "the highlighting stays");
}

/// Hovering a component shows its figure when a project file beside the policy binds its
/// ledger: for the payee and period the client chose, else the first payee in the last month
/// of the project's range.
#[test]
fn hovering_a_component_shows_its_figure_from_the_project_ledgers() {
    let dir = tempfile::tempdir().unwrap();
    let policy = WITH_TYPO.replace("amout", "amount");
    std::fs::write(dir.path().join("plan.policy"), &policy).unwrap();
    std::fs::write(
        dir.path().join("commission.toml"),
        "[inputs]\nsales = \"sales.csv\"\n[range]\nfrom = \"2026-01\"\nto = \"2026-02\"\n",
    )
    .unwrap();
    // A1 sells 1,000.00 in January and 200.00 + 300.00 in February; B2 2,000.00 in February.
    std::fs::write(
        dir.path().join("sales.csv"),
        "id,date,manager,amount\nT1,2026-01-05,A1,1000.00\nT2,2026-02-03,A1,200.00\nT3,2026-02-04,B2,2000.00\nT4,2026-02-05,A1,300.00\n",
    )
    .unwrap();
    let uri = format!("file://{}/plan.policy", dir.path().display());
    // `提成` in `expect A1 提成` (line 24, from column 12).
    let hover = |options: Value| {
        let messages =
            session_with(options, &[open(&uri, &policy), request(1, "textDocument/hover", at(&uri, 24, 12))]);
        response(&messages, 1)["contents"]["value"].as_str().unwrap().to_string()
    };
    let project = dir.path().join("commission.toml").display().to_string();
    let head = "**component** `提成` \"销售提成\", monthly: pays money (CNY)";
    // The project's last month, 2026-02, and its first payee, A1: 3% of 500.00 = 15.00.
    assert_eq!(
        hover(Value::Null),
        format!("{head}\n\n`A1` (the first payee), 2026-02: **15.00 CNY** (ledgers of {project})")
    );
    // B2 in February: 3% of 2,000.00 = 60.00.
    let chosen = hover(json!({"payee": "B2", "period": "2026-02"}));
    assert_eq!(chosen, format!("{head}\n\n`B2`, 2026-02: **60.00 CNY** (ledgers of {project})"));
    // A1 over the first quarter: 3% of 1,000.00 + 3% of 500.00 = 30.00 + 15.00 = 45.00.
    let quarter = hover(json!({"payee": "A1", "period": "2026-Q1"}));
    assert_eq!(quarter, format!("{head}\n\n`A1`, 2026-Q1: **45.00 CNY** (ledgers of {project})"));
    // `--project` names a project file elsewhere, which wins over the one beside the
    // policy: its range ends in January, when A1 sold 1,000.00 (3% = 30.00).
    let elsewhere = tempfile::tempdir().unwrap();
    let named = elsewhere.path().join("other.toml");
    let ledger = dir.path().join("sales.csv").display().to_string();
    std::fs::write(&named, format!("[inputs]\nsales = {ledger:?}\n[range]\nperiod = \"2026-01\"\n")).unwrap();
    let named = named.display().to_string();
    let messages = session_of(
        &["lsp", "--project", &named],
        Value::Null,
        &[open(&uri, &policy), request(1, "textDocument/hover", at(&uri, 24, 12))],
    );
    assert_eq!(
        response(&messages, 1)["contents"]["value"],
        format!("{head}\n\n`A1` (the first payee), 2026-01: **30.00 CNY** (ledgers of {named})")
    );
    // A ledger the project binds but that does not exist: the run's code and words.
    std::fs::write(
        dir.path().join("commission.toml"),
        "[inputs]\nsales = \"missing.csv\"\n[range]\nperiod = \"2026-02\"\n",
    )
    .unwrap();
    let missing = hover(Value::Null);
    let location = dir.path().join("missing.csv").display().to_string();
    assert!(missing.starts_with(&format!("{head}\n\nno figure: E0201 `{location}`: ")), "{missing}");
}

/// While a line is being typed the policy does not parse: the syntax error is published, and
/// completion still offers the columns, from the last version that parsed.
#[test]
fn completion_works_while_the_policy_does_not_parse() {
    let fixed = WITH_TYPO.replace("amout", "amount");
    let typing = fixed.replace("  pay 3%*月销售", "  pay 3% * sales.");
    let messages = session(&[
        open(URI, &fixed),
        change(URI, 2, &typing),
        // `  pay 3% * sales.` is 17 units long: the cursor at its end.
        request(1, "textDocument/completion", at(URI, 14, 17)),
    ]);
    let diagnostics = published(&messages, URI);
    assert_eq!(diagnostics[1][0]["code"], "E0001", "{diagnostics:#?}");
    let labels: Vec<&str> =
        response(&messages, 1).as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["id", "date", "manager", "amount"]);
}

/// Line and UTF-16 column of a byte offset, counted here on their own (LF, CRLF or a lone
/// CR ends a line), to compare the server's positions with `check`'s byte spans.
fn line_and_column(text: &str, offset: usize) -> (u32, u32) {
    let (mut line, mut column) = (0, 0);
    let mut chars = text[..offset].chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' || (c == '\r' && chars.peek() != Some(&'\n')) {
            line += 1;
            column = 0;
        } else if c != '\r' {
            column += c.len_utf16() as u32;
        }
    }
    (line, column)
}

/// Every policy of the repository and the fixtures (broken ones, lint cases, Chinese text,
/// CR line ends): the server publishes the codes `commission check --message-format json`
/// gives, in its order, each at the place of `check`'s first label.
#[test]
fn diagnostics_are_checks_codes_at_checks_places() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut stack = vec![root.join("tests/fixtures"), root.join("policies")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "policy") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 30, "{files:?}");
    let checked = crate::run(
        ["--message-format".into(), "json".into(), "check".into()]
            .into_iter()
            .chain(files.iter().map(|f| f.as_os_str().to_owned())),
    );
    let mut expected: std::collections::BTreeMap<String, Vec<(String, Value)>> = Default::default();
    for line in checked.stderr.lines() {
        let problem: Value = serde_json::from_str(line).unwrap();
        let Some(code) = problem["code"].as_str() else { continue };
        let file = problem["filename"].as_str().unwrap().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        let span = &problem["labels"][0]["span"];
        let (start, end) = match span["offset"].as_u64() {
            Some(offset) => {
                let offset = offset as usize;
                (
                    line_and_column(&text, offset),
                    line_and_column(&text, offset + span["length"].as_u64().unwrap() as usize),
                )
            }
            None => ((0, 0), (0, 0)),
        };
        expected.entry(file).or_default().push((code.to_string(), range(start, end)));
    }
    assert!(expected.len() > 20, "check found problems in most fixtures: {}", checked.stderr);
    let uri = |file: &std::path::Path| format!("file://{}", file.display());
    let opens: Vec<Value> = files.iter().map(|f| open(&uri(f), &std::fs::read_to_string(f).unwrap())).collect();
    let messages = session(&opens);
    for file in &files {
        let published = published(&messages, &uri(file));
        assert_eq!(published.len(), 1, "{}", file.display());
        let got: Vec<(String, Value)> = published[0]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["code"].as_str().unwrap().to_string(), d["range"].clone()))
            .collect();
        let want = expected.get(&file.display().to_string()).cloned().unwrap_or_default();
        assert_eq!(got, want, "{}", file.display());
    }
}
