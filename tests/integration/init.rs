//! `commission init --from FILE`: the input block guessed from a ledger parses, checks with a
//! component after it, and runs on the very ledger it came from; a guess the sample got wrong
//! is widened by the check of every row, with a comment saying why.

use crate::harness::Test;
use crate::{run, run_ok};

/// The seed ledger's block, as the seed policy declares it (README, "The seed plan"), with
/// the three columns of a few values each seen often (30 rows, 3 values) as enumerations.
const SEED_BLOCK: &str = "input sales {
  key    id:       text
  period date:     date
  payee  manager:  text
         customer: text
         kind:     text in [\"new\", \"renewal\", \"upsell\"]
         business: text in [\"broadband\", \"ict\", \"mobile\"]
         segment:  text in [\"enterprise\", \"government\", \"sme\"]
         amount:   money
}
";

#[test]
fn the_seed_ledger_gives_the_seed_input_block() {
    let out = run_ok(["init", "--from", "tests/fixtures/seed/sales.csv"]);
    assert!(out.contains(SEED_BLOCK), "{out}");
    assert!(out.contains("types from the first 30 rows, then checked against all 30 rows"), "{out}");
}

#[test]
fn the_block_checks_and_runs_on_its_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let block = dir.path().join("sales.input");
    run_ok(["init", "--from", "tests/fixtures/seed/sales.csv", "-o", block.to_str().unwrap()]);
    let block = std::fs::read_to_string(block).unwrap();
    let policy = format!(
        "policy \"p\" version \"1\" currency CNY\n\n{block}\npayee sales.manager\n\ncomponent one_percent monthly {{\n  pay 1% * sum(sales.amount)\n}}\n"
    );
    let path = dir.path().join("p.policy");
    std::fs::write(&path, &policy).unwrap();
    let check = run(["check", path.to_str().unwrap()]);
    assert_eq!(check.code, 0, "{policy}\n{}", check.stderr);
    let csv = run_ok([
        "run",
        path.to_str().unwrap(),
        "--data",
        "sales=tests/fixtures/seed/sales.csv",
        "--period",
        "2026-03",
        "--format",
        "csv",
    ]);
    // seed_plan.rs: in 2026-03 王芳 sold 180,000.00 + 70,000.00 + 50,000.00 = 300,000.00
    // (1%: 3,000.00) and 陈静 15,000.15 (1%: 150.0015 -> 150.00); 李娜 and 张伟 nothing.
    assert!(csv.contains("王芳,2026-03,3000.00,3000.00\n"), "{csv}");
    assert!(csv.contains("陈静,2026-03,150.00,150.00\n"), "{csv}");
    assert!(csv.contains("李娜,2026-03,0.00,0.00\n"), "{csv}");
}

/// Rows 1-5 (the sample with `--sample 5`) look like a clean sales ledger; row 6 (line 7)
/// has a kind, an amount and a unit count the sample never showed, row 7 (line 8) repeats id S1.
const LEDGER: &str = "id,date,manager,kind,amount,units
S1,2026-03-01,M1,new,100.00,1
S2,2026-03-02,M1,new,200.00,2
S3,2026-03-03,M2,new,300.00,3
S4,2026-03-04,M2,new,400.00,4
S5,2026-03-05,M1,new,500.00,5
S6,2026-03-06,M2,renewal,12.345,6.5
S1,2026-03-07,M1,new,1.00,7
";

/// The declaration of `column` in a block, its spaces made single.
fn decl(block: &str, column: &str) -> String {
    let line = block.lines().find(|l| l.split_whitespace().any(|w| w == format!("{column}:"))).unwrap_or("");
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_guess_the_sample_got_wrong_is_widened_with_a_comment() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sales.csv"), LEDGER).unwrap();
    let from = dir.path().join("sales.csv");
    // From the whole file: the kinds are not few enough to list, 12.345 has three decimals.
    let whole = run_ok(["init", "--from", from.to_str().unwrap()]);
    assert_eq!(decl(&whole, "amount"), "amount: decimal", "{whole}");
    assert_eq!(decl(&whole, "kind"), "kind: text", "{whole}");
    // From the first five rows: `new` only, money with fen, whole units, unique ids; then
    // every row widens them, each with the line that did it.
    let out = run_ok(["init", "--from", from.to_str().unwrap(), "--sample", "5"]);
    assert!(out.contains("types from the first 5 rows, then checked against all 7 rows"), "{out}");
    assert_eq!(decl(&out, "id"), "id: text # not marked `key`: `S1` again on line 8", "{out}");
    assert_eq!(decl(&out, "kind"), "kind: text # not only the sample's values: `renewal` on line 7", "{out}");
    assert_eq!(decl(&out, "amount"), "amount: decimal # not money: `12.345` on line 7", "{out}");
    assert_eq!(decl(&out, "units"), "units: decimal # not integer: `6.5` on line 7", "{out}");
    assert_eq!(decl(&out, "date"), "period date: date", "{out}");
    assert_eq!(decl(&out, "manager"), "payee manager: text", "{out}");
    // The widened block reads the file: `check` takes it with a component counting rows.
    let policy = format!(
        "policy \"p\" version \"1\" currency CNY\n{out}\npayee sales.manager\ncomponent c monthly {{\n  pay 10 CNY * count(sales.id)\n}}\n"
    );
    std::fs::write(dir.path().join("p.policy"), &policy).unwrap();
    let p = dir.path().join("p.policy");
    let check = run(["check", p.to_str().unwrap()]);
    assert_eq!(check.code, 0, "{policy}\n{}", check.stderr);
    // And it reads every row: M1 has S1, S2, S5 and S1 again (4 rows, 40.00), M2 has S3, S4
    // and S6 (3 rows, 30.00).
    let data = format!("sales={}", from.to_str().unwrap());
    let csv = run_ok(["run", p.to_str().unwrap(), "--data", &data, "--format", "csv"]);
    assert_eq!(csv, "payee,period,c,total\nM1,2026-03,40.00,40.00\nM2,2026-03,30.00,30.00\n");
}

#[test]
fn a_workbook_sheet_is_read_as_a_csv_file_is() {
    // tests/fixtures/ledgers/good/book.xlsx holds the same sales as plain.csv.
    let csv = run_ok(["init", "--from", "tests/fixtures/ledgers/good/plain.csv", "--name", "sales"]);
    let xlsx = run_ok(["init", "--from", "tests/fixtures/ledgers/good/book.xlsx", "--name", "sales"]);
    let block = |text: &str| text.lines().skip_while(|l| l.starts_with('#')).collect::<Vec<_>>().join("\n");
    assert_eq!(block(&csv), block(&xlsx));
    assert!(xlsx.contains("  period date:     date\n"), "{xlsx}");
}

#[test]
fn headers_a_policy_cannot_name_are_refused() {
    Test::new()
        .file("sales.csv", "id,Sales Amount\nS1,2\n")
        .args(["init", "--from", "{dir}/sales.csv"])
        .status(2)
        .code("E0550")
        .stderr_contains("sales_amount")
        .run();
    Test::new()
        .file("sales.csv", "id,amount,amount\nS1,2,3\n")
        .args(["init", "--from", "{dir}/sales.csv"])
        .status(2)
        .code("E0551")
        .run();
    Test::new().file("sales.csv", "").args(["init", "--from", "{dir}/sales.csv"]).status(2).code("E0552").run();
    Test::new()
        .file("sales.csv", "id\nS1\n")
        .args(["init", "--from", "{dir}/sales.csv", "--name", "1st"])
        .status(2)
        .code("E0553")
        .run();
}
