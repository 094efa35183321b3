//! What `-o` may replace (never an input, never a non-file, through symbolic links to their
//! target), the modes of what it writes, and CSV cells neutralised against formula
//! injection.

use std::fs;
use std::path::Path;

use crate::harness::Test;

/// One component paying 10% of each payee's sales.
const POLICY: &str = "policy \"P\" version \"1\" currency CNY

input sales {
  key    id:     text
  period date:   date
  payee  payee:  text
         amount: money
}

payee sales.payee

component commission monthly {
  pay sum(sales.amount) * 10%
}
";

const SALES: &str = "id,date,payee,amount\nS1,2026-01-05,M1,100.00\n";

fn test_in(dir: &Path) -> Test {
    Test::in_dir(dir).policy(POLICY).ledger("sales", SALES)
}

#[test]
fn an_output_onto_an_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    // `doc x.policy -o x.policy` would replace the policy with its document.
    Test::in_dir(dir.path()).policy(POLICY).args(["doc", "{policy}", "-o", "{policy}"]).status(2).code("E0426").run();
    assert_eq!(fs::read_to_string(dir.path().join("policy.policy")).unwrap(), POLICY);
    // The same file under another name: `./` and a symbolic link.
    Test::in_dir(dir.path())
        .policy(POLICY)
        .args(["doc", "{policy}", "-o", "{dir}/./policy.policy"])
        .status(2)
        .code("E0426")
        .run();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("policy.policy"), dir.path().join("link.md")).unwrap();
        Test::in_dir(dir.path())
            .policy(POLICY)
            .args(["doc", "{policy}", "-o", "{dir}/link.md"])
            .status(2)
            .code("E0426")
            .run();
    }
    assert_eq!(fs::read_to_string(dir.path().join("policy.policy")).unwrap(), POLICY);
    // A ledger is an input too.
    test_in(dir.path())
        .args(["run", "{policy}", "--data", "sales={dir}/sales.csv", "--format", "csv", "-o", "{dir}/sales.csv"])
        .status(2)
        .code("E0426")
        .run();
    assert_eq!(fs::read_to_string(dir.path().join("sales.csv")).unwrap(), SALES);
}

#[test]
fn an_output_that_is_not_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("folder")).unwrap();
    test_in(dir.path())
        .args(["run", "{policy}", "-o", "{dir}/folder"])
        .status(2)
        .code("E0425")
        .stderr_contains("a folder")
        .run();
    assert!(dir.path().join("folder").is_dir());
    #[cfg(unix)]
    {
        test_in(dir.path())
            .args(["run", "{policy}", "-o", "/dev/null"])
            .status(2)
            .code("E0425")
            .stderr_contains("a device")
            .run();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        test_in(dir.path())
            .args(["run", "{policy}", "-o", "{dir}/pipe"])
            .status(2)
            .code("E0425")
            .stderr_contains("FIFO")
            .run();
        use std::os::unix::fs::FileTypeExt;
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO is still a FIFO");
    }
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_is_written_through_to_its_target() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("real")).unwrap();
    fs::write(dir.path().join("real/out.csv"), "old\n").unwrap();
    std::os::unix::fs::symlink("real/out.csv", dir.path().join("link.csv")).unwrap();
    test_in(dir.path()).args(["run", "{policy}", "--format", "csv", "-o", "{dir}/link.csv"]).run();
    assert!(fs::symlink_metadata(dir.path().join("link.csv")).unwrap().file_type().is_symlink());
    // M1: 100.00 x 10% = 10.00.
    assert_eq!(
        fs::read_to_string(dir.path().join("real/out.csv")).unwrap(),
        "payee,period,commission,total\nM1,2026-01,10.00,10.00\n"
    );
    // A link to a file not there yet creates the target.
    std::os::unix::fs::symlink("real/new.csv", dir.path().join("dangling.csv")).unwrap();
    test_in(dir.path()).args(["run", "{policy}", "--format", "csv", "-o", "{dir}/dangling.csv"]).run();
    assert!(dir.path().join("real/new.csv").is_file());
    // A loop of links is refused.
    std::os::unix::fs::symlink("loop2", dir.path().join("loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", dir.path().join("loop2")).unwrap();
    test_in(dir.path()).args(["run", "{policy}", "-o", "{dir}/loop1"]).status(2).code("E0427").run();
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn new_files_get_the_usual_mode_and_replaced_files_keep_theirs() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // The umask the command inherits, as the shell reports it (octal).
    let umask = std::process::Command::new("sh").args(["-c", "umask"]).output().unwrap();
    let umask = u32::from_str_radix(String::from_utf8(umask.stdout).unwrap().trim(), 8).unwrap();
    test_in(dir.path()).args(["run", "{policy}", "-o", "{dir}/new.txt"]).run();
    assert_eq!(mode(&dir.path().join("new.txt")), 0o666 & !umask);

    let out = dir.path().join("old.txt");
    fs::write(&out, "old\n").unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o640)).unwrap();
    test_in(dir.path()).args(["run", "{policy}", "-o", "{dir}/old.txt"]).run();
    assert_eq!(mode(&out), 0o640);
    assert_ne!(fs::read_to_string(&out).unwrap(), "old\n");

    // `fmt` rewrites a policy in place and keeps its mode (it used to become 0600).
    let policy = dir.path().join("messy.policy");
    fs::write(&policy, POLICY.replace("  pay sum", "      pay   sum")).unwrap();
    fs::set_permissions(&policy, fs::Permissions::from_mode(0o664)).unwrap();
    Test::in_dir(dir.path()).args(["fmt", "{dir}/messy.policy"]).run();
    assert_eq!(fs::read_to_string(&policy).unwrap(), POLICY);
    assert_eq!(mode(&policy), 0o664);
}

#[test]
fn csv_cells_that_would_be_formulas_are_neutralised() {
    // Payee ids chosen to start formulas (OWASP's list); amounts, negative ones included,
    // stay numbers. 10% of -125.00 is -12.50, of 100.00 is 10.00.
    let sales = "id,date,payee,amount\n\
                 S1,2026-01-05,=HYPERLINK(\"http://x\"),100.00\n\
                 S2,2026-01-06,@SUM(A1),100.00\n\
                 S3,2026-01-07,+1+1,100.00\n\
                 S4,2026-01-08,-1+1,-125.00\n\
                 S5,2026-01-09,-7,100.00\n";
    let ran = Test::new().policy(POLICY).ledger("sales", sales).args(["run", "{policy}", "--format", "csv"]).run();
    // Sorted here; the CSV writer quotes the cell that holds quotes, doubling them.
    let mut lines: Vec<&str> = ran.stdout.lines().collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        vec![
            "\"'=HYPERLINK(\"\"http://x\"\")\",2026-01,10.00,10.00",
            "'+1+1,2026-01,10.00,10.00",
            "'-1+1,2026-01,-12.50,-12.50",
            "'@SUM(A1),2026-01,10.00,10.00",
            // `-7` is a plain number: a spreadsheet reads it as -7, never as a formula.
            "-7,2026-01,10.00,10.00",
            "payee,period,commission,total",
        ]
    );
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn report_file_names_are_unique_and_safe_for_every_id() {
    // `a/b`, `a.b` and `a_b` all became `a_b`; `team` overwrote the team page; `M1` and `m1`
    // are one file on Windows and macOS. Every id that is not only letters, digits and `-`
    // gets `~` and 8 hex digits of its SHA-256 .
    let sales = "id,date,payee,amount\n\
                 S1,2026-01-05,a/b,100.00\n\
                 S2,2026-01-05,a.b,100.00\n\
                 S3,2026-01-05,a_b,100.00\n\
                 S4,2026-01-05,team,100.00\n\
                 S5,2026-01-05,M1,100.00\n\
                 S6,2026-01-05,m1,100.00\n\
                 S7,2026-01-05,N-2,100.00\n\
                 S8,2026-01-05,../x,100.00\n";
    let dir = tempfile::tempdir().unwrap();
    Test::in_dir(dir.path())
        .policy(POLICY)
        .ledger("sales", sales)
        .args(["report", "{policy}", "--period", "2026-01", "--format", "md", "-o", "{dir}/out"])
        .run();
    let names = names_in(&dir.path().join("out"));
    // `printf %s ID | sha256sum | cut -c1-8` for each id.
    let mut expected = vec![
        "2026-01-a_b~c14cddc0.md",  // a/b
        "2026-01-a_b~2e7336dc.md",  // a.b
        "2026-01-a_b~648fa9b3.md",  // a_b
        "2026-01-team~ca8b22d0.md", // team
        "2026-01-M1~2d214ca6.md",   // M1
        "2026-01-m1~ca0df2c9.md",   // m1
        "2026-01-N-2.md",           // kept as it is
        "2026-01-___x~d6b96a97.md", // ../x
        "2026-01-team.md",
    ];
    expected.sort();
    assert_eq!(names, expected);
    // Nine distinct names for eight payees and the team page, and nothing outside `out`.
    assert_eq!(names_in(dir.path()), vec!["out", "policy.policy", "sales.csv"]);
    // The team page is the team's.
    assert!(fs::read_to_string(dir.path().join("out/2026-01-team.md")).unwrap().contains("a/b"));
}

#[test]
fn a_failed_report_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(out.join("2026-01-M1.md")).unwrap();
    fs::write(out.join("earlier.md"), "earlier\n").unwrap();
    // The page of M1 would replace a folder: refused, and no other page is written.
    Test::in_dir(dir.path())
        .policy(POLICY)
        .ledger("sales", "id,date,payee,amount\nS1,2026-01-05,M0,1.00\nS2,2026-01-05,M1,1.00\n")
        .args(["report", "{policy}", "--period", "2026-01", "--format", "md", "-o", "{dir}/out"])
        .status(2)
        .code("E0425")
        .run();
    assert_eq!(names_in(&out), vec!["2026-01-M1.md", "earlier.md"]);
    // A file where the folder should be is refused too.
    Test::in_dir(dir.path())
        .policy(POLICY)
        .ledger("sales", SALES)
        .args(["report", "{policy}", "--period", "2026-01", "--format", "md", "-o", "{dir}/out/earlier.md"])
        .status(2)
        .code("E0428")
        .run();
    assert_eq!(fs::read_to_string(out.join("earlier.md")).unwrap(), "earlier\n");
}

#[test]
fn report_pages_escape_payee_names_and_quote_the_shell_command() {
    // A payee id that is HTML, Markdown and a shell command substitution at once.
    let hostile = "<img src=x onerror=alert(1)>$(touch pwned)`x`*_|";
    let sales = format!("id,date,payee,amount\nS1,2026-01-05,\"{hostile}\",100.00\n");
    for format in ["md", "html"] {
        let dir = tempfile::tempdir().unwrap();
        Test::in_dir(dir.path())
            .policy(POLICY)
            .ledger("sales", &sales)
            .args(["report", "{policy}", "--period", "2026-01", "--format", format, "--one-file", "-o", "{dir}/out"])
            .run();
        let text = fs::read_to_string(dir.path().join(format!("out/2026-01-report.{format}"))).unwrap();
        // The tag is never raw, but inside the Markdown code span (whose content a viewer
        // shows as text): HTML and Markdown both show it as text.
        for line in text.lines().filter(|l| l.contains("<img")) {
            assert!(format == "md" && line.contains("``commission explain"), "{line}");
        }
        assert!(text.contains("&lt;img src=x onerror=alert(1)&gt;"), "{text}");
        // The command quotes the id in single quotes (it holds no `'`), so `$(...)` is text.
        assert!(text.contains("--payee '<img") || text.contains("--payee '&lt;img"), "{text}");
        assert!(text.contains("$(touch pwned)`x`*_|'"), "{text}");
    }
    // Markdown: the id's own backticks cannot close the code span: the fence is two long.
    let dir = tempfile::tempdir().unwrap();
    Test::in_dir(dir.path())
        .policy(POLICY)
        .ledger("sales", &sales)
        .args(["report", "{policy}", "--period", "2026-01", "--format", "md", "--one-file", "-o", "{dir}/out"])
        .run();
    let text = fs::read_to_string(dir.path().join("out/2026-01-report.md")).unwrap();
    assert!(text.contains("``commission explain "), "{text}");
    // In the tables and headings the Markdown characters are behind a backslash.
    assert!(text.contains("\\`x\\`\\*_\\|"), "{text}");
}

#[test]
fn control_characters_from_ledgers_never_reach_the_terminal_raw() {
    // ESC [ 2 J clears a terminal; U+202E turns the rest of a line right to left.
    let clear = "\u{1b}[2J";
    // In a message: a bad amount is quoted in the error, escaped.
    let ran = Test::new()
        .policy(POLICY)
        .ledger("sales", format!("id,date,payee,amount\nS1,2026-01-05,M1,12{clear}\n"))
        .args(["run", "{policy}"])
        .status(2)
        .stderr_contains("12\\u{1b}[2J")
        .run();
    assert!(!ran.stderr.contains('\u{1b}'));
    // In the table: a payee id holding ESC, NUL and a bidi override is either refused (by the
    // ledger's rules on ids) or shown escaped; never written raw.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("p.policy"), POLICY).unwrap();
    fs::write(dir.path().join("s.csv"), format!("id,date,payee,amount\nS1,2026-01-05,M{clear}\u{0}\u{202e}1,1.00\n"))
        .unwrap();
    let data = format!("sales={}", dir.path().join("s.csv").display());
    let policy = dir.path().join("p.policy").to_str().unwrap().to_string();
    let ran = crate::run(["run", &policy, "--data", &data]);
    for c in ['\u{1b}', '\u{0}', '\u{202e}'] {
        assert!(!ran.stdout.contains(c) && !ran.stderr.contains(c), "{:?}\n{}", c, ran.stdout);
    }
    if ran.code == 0 {
        assert!(ran.stdout.contains("M\\u{1b}[2J\\u{0}\\u{202e}1"), "{}", ran.stdout);
    }
}

/// Every line of `stderr` parsed as JSON (the test fails on a line that is not).
fn json_lines(stderr: &str) -> Vec<serde_json::Value> {
    stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}\n{stderr}")))
        .collect()
}

#[test]
fn json_messages_are_json_on_every_line_and_ledger_errors_carry_their_place() {
    // Two bad rows, listed with --max-errors: the problems and the summary line.
    let sales = "id,date,payee,amount\nS1,2026-01-05,M1,1.00\nS2,2026-01-05,M1,x\nS3,2026-13-05,M1,1.00\n";
    let ran = Test::new()
        .policy(POLICY)
        .ledger("sales", sales)
        .args(["run", "{policy}", "--max-errors", "5", "--message-format", "json"])
        .status(2)
        .run();
    let lines = json_lines(&ran.stderr);
    // Row 3 (file line 3) has the amount `x` in column 4; row 4 the date 2026-13-05 in column 2.
    let first = &lines[0];
    assert!(first["file"].as_str().unwrap().ends_with("sales.csv"), "{first}");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(3), Some(4)), "{first}");
    let second = &lines[1];
    assert_eq!((second["line"].as_u64(), second["column"].as_u64()), (Some(4), Some(2)), "{second}");
    // The summary: 3 rows read, 2 rejected.
    let summary = lines.last().unwrap();
    assert_eq!((summary["severity"].as_str(), summary["read"].as_u64()), (Some("info"), Some(3)), "{summary}");
    assert_eq!(summary["rejected"].as_u64(), Some(2));

    // A good run's row counts (CSV puts them on standard error) and a report's listing.
    let ran = Test::new()
        .policy(POLICY)
        .ledger("sales", SALES)
        .args(["run", "{policy}", "--format", "csv", "--message-format", "json"])
        .run();
    let lines = json_lines(&ran.stderr);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["message"], "rows of sales: 1 read, 1 used, 0 outside the range, 0 rejected");
    let ran = Test::new()
        .policy(POLICY)
        .ledger("sales", SALES)
        .args(["report", "{policy}", "--period", "2026-01", "-o", "{dir}/out", "--message-format", "json"])
        .run();
    assert_eq!(json_lines(&ran.stderr).len(), 1);
    // An argument is a location without a line: `line` and `column` are null.
    let ran = Test::new()
        .policy(POLICY)
        .ledger("sales", SALES)
        .args(["run", "{policy}", "--period", "2026-14", "--message-format", "json"])
        .status(2)
        .run();
    let lines = json_lines(&ran.stderr);
    assert_eq!(lines[0]["location"], "--period 2026-14");
    assert!(lines[0]["line"].is_null() && lines[0]["file"].is_null());
}

#[test]
fn each_amount_is_shown_at_its_component_rounding() {
    // `fine` rounds to 0.001, `coarse` to the policy's 0.01. With sales 4.87:
    // fine = 4.87 x 10% = 0.487 (exact at 0.001), coarse = 4.87 x 5% = 0.2435 -> 0.24;
    // total 0.487 + 0.24 = 0.727, shown with 3 decimals (the finest); coarse as 0.24.
    let policy = POLICY.replace(
        "component commission monthly {\n  pay sum(sales.amount) * 10%\n}\n",
        "component fine monthly {\n  pay sum(sales.amount) * 10%\n  rounding half_up 0.001\n}\n\n\
         component coarse monthly {\n  pay sum(sales.amount) * 5%\n}\n",
    );
    let sales = "id,date,payee,amount\nS1,2026-01-05,M1,4.87\n";
    Test::new()
        .policy(&policy)
        .ledger("sales", sales)
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,fine,coarse,total\nM1,2026-01,0.487,0.24,0.727\n")
        .run();
    let ran = Test::new().policy(&policy).ledger("sales", sales).args(["run", "{policy}", "--format", "json"]).run();
    let doc: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(doc["statements"][0]["components"]["fine"], "0.487");
    assert_eq!(doc["statements"][0]["components"]["coarse"], "0.24");
    assert_eq!(doc["statements"][0]["total"], "0.727");
    assert_eq!(doc["component_totals"]["fine"], "0.487");
    assert_eq!(doc["total"], "0.727");
    let ran = Test::new().policy(&policy).ledger("sales", sales).args(["run", "{policy}"]).run();
    assert!(ran.stdout.contains("0.487") && ran.stdout.contains("0.727"), "{}", ran.stdout);
    // The report shows the same figures: fine 0.487, coarse 0.24, total 0.727.
    let dir = tempfile::tempdir().unwrap();
    Test::in_dir(dir.path())
        .policy(&policy)
        .ledger("sales", sales)
        .args(["report", "{policy}", "--period", "2026-01", "--format", "md", "--one-file", "-o", "{dir}/out"])
        .run();
    let text = fs::read_to_string(dir.path().join("out/2026-01-report.md")).unwrap();
    assert!(text.contains("| M1 | 0.487 | 0.24 | 0.727 |"), "{text}");
    assert!(text.contains("| fine | 0.487 |") && text.contains("| coarse | 0.24 |"), "{text}");
}
