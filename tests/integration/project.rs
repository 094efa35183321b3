//! The project file, `commission.toml`: inputs bound to ledgers and a default range, found
//! upward from the current folder or given with `--project`; flags override it.

use crate::harness::Test;
use crate::SALES_POLICY;

/// 10% of each month's sales.
fn policy() -> String {
    format!("{SALES_POLICY}component c monthly {{\n  pay sum(sales.amount) * 10%\n}}\n")
}

/// M1 sells 1,000.00 in January and 2,000.00 in February.
const SALES: &str = "id,date,manager,amount\nS1,2026-01-05,M1,1000.00\nS2,2026-02-07,M1,2000.00\n";

/// Other figures, to tell which file was read: M1 sells 50.00 in January.
const OTHER_SALES: &str = "id,date,manager,amount\nS9,2026-01-09,M1,50.00\n";

#[test]
fn the_project_file_binds_the_inputs_so_run_needs_no_data() {
    // 10% of 1,000.00 = 100.00 in January, of 2,000.00 = 200.00 in February.
    Test::new()
        .policy(policy())
        .file("commission.toml", "[inputs]\nsales = \"ledgers/sales.csv\"\n")
        .file("ledgers/sales.csv", SALES)
        .args(["run", "policy.policy", "--format", "csv"])
        .stdout("payee,period,c,total\nM1,2026-01,100.00,100.00\nM1,2026-02,200.00,200.00\n")
        .run();
}

#[test]
fn it_is_found_from_a_folder_below_and_its_paths_are_from_its_own_folder() {
    // Run in `plans/q1/`, two folders below the project file: the path `sales.csv` is beside
    // the project file, not in the current folder.
    let dir = tempfile::tempdir().unwrap();
    let below = dir.path().join("plans/q1");
    std::fs::create_dir_all(&below).unwrap();
    std::fs::write(dir.path().join("commission.toml"), "[inputs]\nsales = \"sales.csv\"\n").unwrap();
    std::fs::write(dir.path().join("sales.csv"), SALES).unwrap();
    Test::in_dir(&below)
        .policy(policy())
        .args(["run", "policy.policy", "--format", "csv", "--period", "2026-02"])
        .stdout("payee,period,c,total\nM1,2026-02,200.00,200.00\n")
        .run();
}

#[test]
fn data_flags_override_the_project_and_its_range_is_the_default() {
    let project = "[inputs]\nsales = \"sales.csv\"\n[range]\nfrom = \"2026-02\"\nto = \"2026-02\"\n";
    let test = || {
        Test::new()
            .policy(policy())
            .file("commission.toml", project)
            .file("sales.csv", SALES)
            .file("other.csv", OTHER_SALES)
    };
    // The project's range: February only, 10% of 2,000.00.
    test()
        .args(["run", "policy.policy", "--format", "csv"])
        .stdout("payee,period,c,total\nM1,2026-02,200.00,200.00\n")
        .run();
    // `--period` overrides the range: January, 10% of 1,000.00.
    test()
        .args(["run", "policy.policy", "--format", "csv", "--period", "2026-01"])
        .stdout("payee,period,c,total\nM1,2026-01,100.00,100.00\n")
        .run();
    // `--data` overrides the file: January of the other ledger, 10% of 50.00.
    test()
        .args(["run", "policy.policy", "--format", "csv", "--data", "sales=other.csv", "--period", "2026-01"])
        .stdout("payee,period,c,total\nM1,2026-01,5.00,5.00\n")
        .run();
}

#[test]
fn a_project_given_with_the_flag_is_read_from_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
    std::fs::write(dir.path().join("elsewhere/p.toml"), "[inputs]\nsales = \"s.csv\"\n").unwrap();
    std::fs::write(dir.path().join("elsewhere/s.csv"), SALES).unwrap();
    Test::in_dir(dir.path())
        .policy(policy())
        .args(["run", "policy.policy", "--project", "elsewhere/p.toml", "--format", "csv", "--period", "2026-01"])
        .stdout("payee,period,c,total\nM1,2026-01,100.00,100.00\n")
        .run();
    Test::in_dir(dir.path())
        .policy(policy())
        .args(["run", "policy.policy", "--project", "missing.toml"])
        .status(2)
        .code("E0430")
        .stderr_contains("missing.toml")
        .run();
}

#[test]
fn every_command_that_reads_ledgers_reads_the_project() {
    let test = || {
        Test::new()
            .policy(policy())
            .file("commission.toml", "[inputs]\nsales = \"sales.csv\"\n[range]\nperiod = \"2026-Q1\"\n")
            .file("sales.csv", SALES)
    };
    // 100.00 + 200.00 over the range.
    test().args(["budget", "policy.policy", "--format", "csv"]).stdout_contains("300.00").run();
    test().args(["diff", "policy.policy", "policy.policy"]).run();
    test().args(["explain", "policy.policy", "--payee", "M1", "--period", "2026-02"]).stdout_contains("200.00").run();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    test().args(["report", "policy.policy", "--period", "2026-02", "-o", out.to_str().unwrap()]).run();
    // The team page of February and M1's page.
    assert!(out.join("2026-02-team.html").exists() && out.join("2026-02-M1.html").exists());
    // Without `--period`, the report is of the range's last month: March.
    let march = dir.path().join("march");
    test().args(["report", "policy.policy", "-o", march.to_str().unwrap()]).run();
    assert!(march.join("2026-03-team.html").exists());
    // With no range in the project either, there is no month to report.
    Test::new()
        .policy(policy())
        .file("commission.toml", "[inputs]\nsales = \"sales.csv\"\n")
        .file("sales.csv", SALES)
        .args(["report", "policy.policy", "-o", "out"])
        .status(2)
        .code("E0438")
        .run();
}

#[test]
fn the_project_encoding_reads_gbk_and_a_flag_overrides_it() {
    // 王芳 in GBK is CD F5 B7 BC; her January sale of 300.00 pays 30.00.
    let mut gbk = b"id,date,manager,amount\nS1,2026-01-05,".to_vec();
    gbk.extend([0xCD, 0xF5, 0xB7, 0xBC]);
    gbk.extend(b",300.00\n");
    let test = || {
        Test::new()
            .policy(policy())
            .file("commission.toml", "[inputs]\nsales = { path = \"sales.csv\", encoding = \"gbk\" }\n")
            .file("sales.csv", &gbk)
    };
    test()
        .args(["run", "policy.policy", "--format", "csv"])
        .stdout("payee,period,c,total\n王芳,2026-01,30.00,30.00\n")
        .run();
    // Read as UTF-8 the bytes are not text: the ledger is rejected.
    test().args(["run", "policy.policy", "--encoding", "utf-8"]).status(2).run();
}

#[test]
fn a_bad_project_file_is_located_and_nothing_is_written() {
    let cases = [
        // A typo in a table name.
        ("[inputs]\nsales = \"sales.csv\"\n[rnage]\nfrom = \"2026-01\"\n", "E0431", "commission.toml:3:"),
        ("[inputs]\nsales = 12\n", "E0432", "commission.toml:2:9"),
        ("[inputs]\nsales = { path = \"sales.csv\", encoding = \"latin-1\" }\n", "E0433", "commission.toml:2:9"),
        (
            "[inputs]\nsales = \"sales.csv\"\n[range]\nfrom = \"2026-06\"\nto = \"2026-01\"\n",
            "E0434",
            "commission.toml:4:8",
        ),
    ];
    for (text, code, location) in cases {
        let dir = tempfile::tempdir().unwrap();
        let ran = Test::in_dir(dir.path())
            .policy(policy())
            .file("commission.toml", text)
            .file("sales.csv", SALES)
            .args(["run", "policy.policy", "-o", "out.csv", "--message-format", "json"])
            .status(2)
            .run();
        assert!(ran.stderr.contains(&format!("\"code\":\"{code}\"")), "{text}: {}", ran.stderr);
        // Named from the current folder, where it was found.
        assert!(
            ran.stderr.contains(&format!("\"location\":\"{location}")),
            "{text}: not at {location}: {}",
            ran.stderr
        );
        assert!(!dir.path().join("out.csv").exists());
    }
    // Commands that read no ledger do not read the project file.
    Test::new()
        .policy(policy())
        .file("commission.toml", "[inputs\n")
        .args(["check", "policy.policy"])
        .stdout_contains("ok")
        .run();
}

#[test]
fn an_input_the_project_does_not_bind_is_still_required() {
    Test::new()
        .policy(policy())
        .file("commission.toml", "[inputs]\nsurveys = \"surveys.csv\"\n")
        .args(["run", "policy.policy"])
        .status(2)
        .code("E0410")
        .run();
}

/// The shipped example: the telecom ledgers bound by examples/telecom/commission.toml, so the
/// seed plan runs in that folder with no `--data`, exactly as with it (the project's range is the
/// ledgers' own months, January to June).
#[test]
fn the_telecom_example_runs_without_data() {
    let telecom = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/telecom");
    let with_project =
        Test::in_dir(&telecom).args(["run", "../../policies/telecom-account-manager.policy", "--format", "csv"]).run();
    let with_flags = Test::in_dir(&telecom)
        .args([
            "run",
            "../../policies/telecom-account-manager.policy",
            "--format",
            "csv",
            "--data",
            "sales=sales.csv",
            "--data",
            "surveys=surveys.csv",
            "--from",
            "2026-01",
            "--to",
            "2026-06",
        ])
        .run();
    assert_eq!(with_project.stdout, with_flags.stdout);
    // Every month January to June has statements.
    for month in 1..=6 {
        assert!(with_project.stdout.contains(&format!(",2026-0{month},")), "{}", with_project.stdout);
    }
}
