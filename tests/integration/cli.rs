//! The command line as a user meets it: exit codes, atomic output, bad ledgers, edits to
//! a policy without recompiling, and runtime problems reported as diagnostics.

use std::fs;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use crate::harness::Test;
use crate::{run, run_ok};

const SEED: &str = "policies/telecom-account-manager.policy";
const SALES: &str = "sales=tests/fixtures/seed/sales.csv";
const SURVEYS: &str = "surveys=tests/fixtures/seed/surveys.csv";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    fs::read_to_string(root().join(path)).unwrap()
}

/// The test with a copy of the seed policy and its ledgers, for tests that edit them:
/// `.policy(...)` or `.ledger(...)` again replaces a copy. Run with `{policy}`.
fn with_seed(test: Test) -> Test {
    test.policy(read(SEED))
        .ledger("sales", read("tests/fixtures/seed/sales.csv"))
        .ledger("surveys", read("tests/fixtures/seed/surveys.csv"))
}

/// The seed policy and its ledgers in a fresh temporary folder.
fn seed() -> Test {
    with_seed(Test::new())
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn check_accepts_every_shipped_policy() {
    let mut args = vec!["check".to_string()];
    for entry in fs::read_dir(root().join("policies")).unwrap() {
        args.push(entry.unwrap().path().display().to_string());
    }
    let ran = run(&args);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout.matches(": ok,").count(), args.len() - 1);
}

#[test]
fn json_names_the_policy() {
    let out =
        json(&run_ok(["run", SEED, "--data", SALES, "--data", SURVEYS, "--period", "2026-01", "--format", "json"]));
    let source = fs::read(root().join(SEED)).unwrap();
    let digest: String = Sha256::digest(&source).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(out["policy"]["sha256"], digest.as_str());
    assert_eq!(out["policy"]["name"], "Telecom account manager commission");
    assert_eq!(out["policy"]["version"], "2026.1");
}

/// The analyst's loop from the issue: change 5% to 6% in the policy, rerun, new figures.
#[test]
fn editing_a_rate_changes_the_figures_without_recompiling() {
    let args = ["run", "{policy}", "--period", "2026-01", "--format", "json"];
    let before = json(&seed().args(args).run().stdout);
    let text = read(SEED).replace("from 100_000  rate 5%", "from 100_000  rate 6%");
    let after = json(&seed().policy(text).args(args).run().stdout);
    let find = |doc: &serde_json::Value| {
        doc["statements"].as_array().unwrap().iter().find(|s| s["payee"] == "王芳").unwrap()["components"]
            ["sales_performance"]
            .clone()
    };
    // 王芳's January sales are exactly 100,000.00: 5% -> 5,000.00, 6% -> 6,000.00.
    assert_eq!(find(&before), "5000.00");
    assert_eq!(find(&after), "6000.00");
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    // One folder for the three runs, to look at what they wrote.
    let dir = tempfile::tempdir().unwrap();
    let seed_in_dir = || with_seed(Test::in_dir(dir.path()));
    let args = ["run", "{policy}", "--format", "csv", "--output", "{dir}/statements.csv"];
    seed_in_dir().args(args).run();
    let out = dir.path().join("statements.csv");
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("payee,period,sales_performance,retention,satisfaction_bonus,total\n"));
    // 4 payees x 6 months + the header.
    assert_eq!(text.lines().count(), 25);

    // A bad row makes the run fail: the earlier file is left as it was, and a new path is
    // never created.
    let bad = "id,date,manager,customer,kind,business,segment,amount\nS1,2026-01-05,M1,C1,new,mobile,sme,12.345\n";
    seed_in_dir().ledger("sales", bad).args(args).status(2).run();
    assert_eq!(fs::read_to_string(&out).unwrap(), text);
    seed_in_dir()
        .ledger("sales", bad)
        .args(["run", "{policy}", "--output", "{dir}/fresh.csv"])
        .status(2)
        .stderr_contains("sales.csv:2:8")
        .stderr_contains("12.345")
        .run();
    assert!(!dir.path().join("fresh.csv").exists());
}

/// With no `--format`, the output file's extension names the format, in any case, for every
/// command that writes one of several; an extension naming none of them, and `--format`
/// given, write what they say (each compared with the same command given `--format`).
#[test]
fn the_output_files_extension_names_the_format_unless_format_says_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let written = |args: &[&str], name: &str| {
        let path = dir.path().join(name);
        let mut all: Vec<std::ffi::OsString> = args.iter().map(|a| a.into()).collect();
        all.extend(["--output".into(), path.clone().into_os_string()]);
        run_ok(all);
        fs::read(&path).unwrap()
    };
    fn with(words: &[&'static str], extra: &[&'static str]) -> Vec<&'static str> {
        [words, &["--data", SALES, "--data", SURVEYS][..], extra].concat()
    }
    let run_ = |extra: &[&'static str]| with(&["run", SEED], extra);
    let csv = written(&run_(&["--format", "csv"]), "given.csv");
    assert!(csv.starts_with(b"payee,period,sales_performance,"));
    assert_eq!(written(&run_(&[]), "statements.csv"), csv);
    assert_eq!(written(&run_(&[]), "STATEMENTS.CSV"), csv);
    let json = written(&run_(&["--format", "json"]), "given.json");
    assert!(json.starts_with(b"{"));
    assert_eq!(written(&run_(&[]), "statements.Json"), json);
    assert!(written(&run_(&[]), "statements.xlsx").starts_with(b"PK\x03\x04"), "a workbook is a zip archive");
    let table = run_ok(run_(&[]));
    assert!(table.contains("sales_performance") && !table.starts_with("payee,"));
    assert_eq!(written(&run_(&[]), "statements.txt"), table.as_bytes());
    assert_eq!(written(&run_(&["--format", "table"]), "table.csv"), table.as_bytes());
    // The other commands, each with a format of its own.
    let diff = with(&["diff", SEED, "policies/telecom-marginal.policy"], &[]);
    let md = written(&[&diff[..], &["--format", "md"]].concat(), "given.md");
    assert_eq!(written(&diff, "review.md"), md);
    let budget = with(&["budget", SEED], &[]);
    assert_eq!(
        written(&budget, "budget.csv"),
        written(&[&budget[..], &["--format", "csv"]].concat(), "given-budget.csv")
    );
    let explain = with(&["explain", SEED, "--payee", "王芳", "--period", "2026-03"], &[]);
    let why = written(&[&explain[..], &["--format", "json"]].concat(), "given-why.json");
    assert!(why.starts_with(b"{"));
    assert_eq!(written(&explain, "why.json"), why);
    let curve = ["curve", SEED, "sales_performance", "--base", "0..500000", "--step", "100000"];
    let svg = written(&[&curve[..], &["--format", "svg"]].concat(), "given.svg");
    assert!(svg.starts_with(b"<svg") || svg.starts_with(b"<?xml"));
    assert_eq!(written(&curve, "bonus.svg"), svg);
    let page = written(&["doc", SEED, "--format", "html"], "given.html");
    assert!(page.starts_with(b"<!DOCTYPE html>") || page.starts_with(b"<!doctype html>"));
    assert_eq!(written(&["doc", SEED], "plan.html"), page);
}

#[test]
fn ledger_problems_name_file_line_and_column() {
    let header = "id,date,manager,customer,kind,business,segment,amount\n";
    let cases = [
        // (row, expected location, the kind of problem, what the message must show of the row)
        ("S1,2026-02-30,M1,C1,new,mobile,sme,10.00", "sales.csv:2:2", "E0214", "2026-02-30"),
        ("S1,2026-01-05,M1,C1,renewl,mobile,sme,10.00", "sales.csv:2:5", "E0221", "`renewal`"),
        ("S1,2026-01-05,M1,C1,new,mobile,sme,(1234.00)", "sales.csv:2:8", "E0215", "(1234.00)"),
        ("S1,2026-01-05,,C1,new,mobile,sme,10.00", "sales.csv:2:3", "E0222", "`manager`"),
        ("S1,2026-01-05,M1,C1,new,mobile,sme", "sales.csv:2", "E0210", "mobile,sme`"),
    ];
    for (row, location, code, shown) in cases {
        seed()
            .ledger("sales", format!("{header}{row}\n"))
            .args(["run", "{policy}"])
            .status(2)
            .code(code)
            .stderr_contains(location)
            .stderr_contains(shown)
            .run();
    }
    // A duplicate key names the second occurrence.
    seed()
        .ledger(
            "sales",
            format!("{header}S1,2026-01-05,M1,C1,new,mobile,sme,10.00\nS1,2026-01-06,M1,C1,new,mobile,sme,10.00\n"),
        )
        .args(["run", "{policy}"])
        .status(2)
        .code("E0223")
        .stderr_contains("sales.csv:3:1")
        .stderr_contains("`S1`")
        .run();
    // A missing column is named, with the columns the file has.
    seed()
        .ledger("sales", "id,date,manager,customer,kind,business,segment,amt\n")
        .args(["run", "{policy}"])
        .status(2)
        .code("E0207")
        .stderr_contains("`amount`")
        .stderr_contains("`amt`")
        .run();
}

#[test]
fn empty_and_header_only_ledgers_are_diagnostics() {
    seed().ledger("sales", "").args(["run", "{policy}"]).status(2).code("E0206").run();
    seed()
        .ledger("sales", "id,date,manager,customer,kind,business,segment,amount\n")
        .args(["run", "{policy}"])
        .status(2)
        .code("E0307")
        .run();
}

/// A byte-order mark and Windows line ends (what Excel writes) read like plain UTF-8.
#[test]
fn bom_and_crlf_read_the_same() {
    let args = ["run", "{policy}", "--format", "json"];
    let plain = seed().args(args).run().stdout;
    let text = read("tests/fixtures/seed/sales.csv").replace('\n', "\r\n");
    seed().ledger("sales", format!("\u{feff}{text}")).args(args).stdout(plain).run();
}

#[test]
fn usage_errors_exit_2() {
    let cases: [&[&str]; 5] = [
        &["run", SEED, "--data", SALES],
        &["run", SEED, "--data", SALES, "--data", SURVEYS, "--data", "survey=x.csv"],
        &["run", SEED, "--data", SALES, "--data", SURVEYS, "--from", "2026-06", "--to", "2026-01"],
        &["run", SEED, "--data", SALES, "--data", SURVEYS, "--period", "2026-13"],
        &["run", "no/such.policy", "--data", SALES],
    ];
    for args in cases {
        let ran = run(args);
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        assert!(!ran.stderr.is_empty());
    }
    let ran = run(["run", SEED, "--data", SALES, "--data", SURVEYS, "--data", "survey=x.csv"]);
    assert!(ran.stderr.contains("did you mean `surveys`?"), "{}", ran.stderr);
}

/// Runtime problems point into the policy and say for whom: exit 1, no panic.
#[test]
fn division_by_zero_and_overflow_are_diagnostics() {
    let text = read(SEED);
    seed()
        .policy(text.replace(
            "pay 5% * sum(sales.amount where kind in [\"renewal\", \"upsell\"])",
            "pay sum(sales.amount) / count(sales where kind = \"upsell\")",
        ))
        .args(["run", "{policy}", "--period", "2026-01"])
        .status(1)
        .code("E0303")
        .stderr_contains("2026-01")
        .run();

    seed()
        .policy(text.replace(
            "pay 2% * sum(sales.amount)",
            "pay 79_228_162_514_264_337_593_543_950_335 CNY * 10 + sum(sales.amount)",
        ))
        .args(["run", "{policy}", "--period", "2026-03"])
        .status(1)
        .code("E0301")
        .run();
}

#[test]
fn a_lookup_with_no_row_needs_a_default_outside_a_gate() {
    let text = read(SEED);
    // 陈静 has no Q2 survey: in a gate that means "not met"; as a value it must be defaulted.
    let gated = "when surveys.satisfaction >= 80%\n  pay 2% * sum(sales.amount)\n";
    assert!(text.contains(gated));
    let args = ["run", "{policy}", "--period", "2026-06"];
    seed()
        .policy(text.replace(gated, "pay surveys.satisfaction * 2% * sum(sales.amount)\n"))
        .args(args)
        .status(2)
        .code("E0326")
        .stderr_contains("陈静")
        .stderr_contains("`surveys.satisfaction` has no row")
        .run();
    seed()
        .policy(text.replace(gated, "pay (surveys.satisfaction default 0%) * 2% * sum(sales.amount)\n"))
        .args(args)
        .run();
}

/// With a roster, a sale booked to someone outside it stops the run, naming them.
#[test]
fn roster_rejects_unknown_payees() {
    let bad = read("examples/by-business/sales.csv").replacen(",E05,", ",E55,", 1);
    Test::new()
        .current_dir_repo()
        .file("sales.csv", bad)
        .args([
            "run",
            "policies/telecom-by-business.policy",
            "--data",
            "roster=examples/by-business/roster.csv",
            "--data",
            "sales={dir}/sales.csv",
            "--data",
            "surveys=examples/by-business/surveys.csv",
        ])
        .status(2)
        .code("E0305")
        .stderr_contains("`E55`")
        .stderr_contains("sales.csv:2")
        .run();
}

/// Table and CSV agree with JSON on the grand total (the same results, rendered three ways).
#[test]
fn formats_agree() {
    let args = ["run", SEED, "--data", SALES, "--data", SURVEYS];
    let j = json(&run_ok(args.iter().chain(&["--format", "json"])));
    let csv = run_ok(args.iter().chain(&["--format", "csv"]));
    let table = run_ok(args);
    let csv_total: rust_decimal::Decimal =
        csv.lines().skip(1).map(|l| l.rsplit(',').next().unwrap().parse::<rust_decimal::Decimal>().unwrap()).sum();
    assert_eq!(csv_total.to_string(), j["total"].as_str().unwrap());
    // 137,759.40 is the hand-worked H1 total of seed_plan.rs.
    assert_eq!(j["total"], "137759.40");
    assert!(table.contains("137,759.40"), "{table}");
    assert!(table.contains("rows of sales: 30 read, 30 used, 0 outside the range"), "{table}");
}

/// Chinese names and labels take two columns each: every line of the table has the same
/// display width, so columns line up in a terminal.
#[test]
fn table_columns_line_up_with_chinese_text() {
    use unicode_width::UnicodeWidthStr;
    let table = run_ok(["run", SEED, "--data", SALES, "--data", SURVEYS, "--period", "2026-03"]);
    let widths: Vec<usize> =
        table.lines().filter(|l| l.starts_with(['│', '┌', '└', '╞', '├'])).map(UnicodeWidthStr::width).collect();
    assert!(widths.len() > 5, "{table}");
    assert!(widths.iter().all(|w| *w == widths[0]), "{widths:?}\n{table}");
    assert!(table.contains("王芳") && table.contains("销售业绩提成"));
}

/// The VS Code extension points at its grammar, and the grammar is JSON with the scope
/// the extension names.
#[test]
fn the_editor_extension_is_consistent() {
    let package: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root().join("editors/vscode/package.json")).unwrap()).unwrap();
    let grammar_entry = &package["contributes"]["grammars"][0];
    let path = root().join("editors/vscode").join(grammar_entry["path"].as_str().unwrap());
    let grammar: serde_json::Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(grammar["scopeName"], grammar_entry["scopeName"]);
    assert_eq!(package["contributes"]["languages"][0]["extensions"][0], ".policy");
    for include in grammar["patterns"].as_array().unwrap() {
        let name = include["include"].as_str().unwrap().trim_start_matches('#');
        assert!(grammar["repository"][name].is_object(), "pattern `{name}` is defined");
    }
}

/// Argument, file and test-block problems carry a code of their stage (`E04xx` for arguments
/// and files, `E05xx` for the tools) in every message format, and `explain-code` explains
/// each one.
#[test]
fn argument_file_and_test_block_errors_have_codes_that_explain_code_explains() {
    // A git repository with no commits: `v9` is a revision git does not know.
    let repo = tempfile::tempdir().unwrap();
    let git = std::process::Command::new("git").args(["init", "-q"]).current_dir(repo.path()).output().unwrap();
    assert!(git.status.success(), "{}", String::from_utf8_lossy(&git.stderr));
    let seed = root().join(SEED).display().to_string();
    let cases: [(&[&str], &[&str]); 8] = [
        (&["run", SEED, "--data", SALES, "--data", SURVEYS, "--data", "survey=x.csv"], &["E0408"]),
        (&["run", "no/such.policy", "--data", SALES, "--data", SURVEYS], &["E0402"]),
        (&["run", SEED, "--data", SALES, "--data", SURVEYS, "--period", "2026-13"], &["E0412"]),
        (&["explain", SEED, "--data", SALES, "--data", SURVEYS, "--payee", "王芳", "--period", "2026-Q1"], &["E0413"]),
        (&["diff", "v9:policies/plan.policy", &seed, "--data", SALES], &["E0405"]),
        (&["budget", SEED, "--data", SALES, "--data", SURVEYS, "--by", "bussiness"], &["E0420"]),
        (&["curve", SEED, "sales_performance", "--base", "1000..0"], &["E0419"]),
        (&["check", "tests/fixtures/policies/bad/28-test-block-mistakes.policy"], &["E0504", "E0507", "E0502"]),
    ];
    for (args, want) in cases {
        // `diff` reads the revision in the repository; the rest run from the project's root.
        let exec = |format: &str| -> crate::Ran {
            let mut cmd = crate::commission();
            if args[0] == "diff" {
                cmd.current_dir(repo.path()).env("GIT_CEILING_DIRECTORIES", repo.path().parent().unwrap());
            }
            cmd.args(args).args(["--message-format", format]).output().unwrap().into()
        };
        // For people: the code on its own line above each message.
        let human = exec("human");
        assert_ne!(human.code, 0, "{args:?}");
        let shown: Vec<&str> = human.stderr.lines().filter(|l| want.contains(l)).collect();
        assert_eq!(shown, want, "{args:?}:\n{}", human.stderr);
        // For programs: a `code` in every object.
        let json = exec("json");
        assert_eq!(json.code, human.code, "{args:?}: {}", json.stderr);
        let codes: Vec<String> = json
            .stderr
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{args:?}: {e}: {l}"));
                v["code"].as_str().unwrap_or_else(|| panic!("{args:?}: no code in {l}")).to_string()
            })
            .collect();
        assert_eq!(codes, want, "{args:?}");
        for code in &codes {
            let number: u32 = code.strip_prefix('E').unwrap().parse().unwrap();
            assert!((401..=599).contains(&number), "{args:?}: {code} is not an argument, file or tool code");
            let explained = run_ok(["explain-code", code]);
            assert!(explained.starts_with(&format!("{code}: ")), "{explained}");
            assert!(explained.contains("What to do:"), "{explained}");
        }
    }
}
