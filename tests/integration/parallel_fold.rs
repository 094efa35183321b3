//! The chunked parallel reader (issue 12) changes how a plain CSV ledger is read, never what
//! a run says: the same statements, byte for byte, whatever the number of threads and the
//! block size, and the same message at the same line (the file's own line) when a row is bad.
//!
//! Its knobs are environment variables: `COMMISSION_CHUNKED=0` turns it off (every file is
//! read row by row: the reference here), `COMMISSION_THREADS` and `COMMISSION_CHUNK_BYTES`
//! set its threads and block size, and `COMMISSION_REPORT_READS=1` prints one line per
//! ledger read to standard error (`read PATH: chunked, B blocks, ...` or `read PATH: row by row
//! (REASON)`), which is how these tests know the chunked reader really ran.
//!
//! The ledgers are generated here (a fixed LCG, so every run sees the same bytes) for the
//! seed plan `policies/telecom-account-manager.policy`: 3,000 sales over 2026-01..2026-12 by
//! 15 managers, amounts written with 0, 1 or 2 decimals, some of them refunds, and one
//! survey per manager and quarter (one missing). Nothing here measures time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{commission, Ran};

const POLICY: &str = "policies/telecom-account-manager.policy";
const MARGINAL: &str = "policies/telecom-marginal.policy";

/// Sales rows in a generated ledger: line 1 is the header, row `i` (from 1) is on line `i + 1`.
const ROWS: usize = 3_000;
const MANAGERS: u64 = 15;
const CUSTOMERS: u64 = 200;
const KINDS: [&str; 3] = ["new", "renewal", "upsell"];
const BUSINESSES: [&str; 5] = ["mobile", "broadband", "cloud", "iot", "ict"];
const SEGMENTS: [&str; 4] = ["consumer", "sme", "enterprise", "government"];
/// Days in each month of 2026 (not a leap year).
const DAYS: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// How a run reads its ledgers.
#[derive(Clone, Copy, Debug)]
enum Reader {
    /// `COMMISSION_CHUNKED=0`: row by row, as before the chunked reader. The reference.
    RowByRow,
    /// The chunked reader on `threads` threads, with blocks of `block` bytes (`None`: its
    /// default block size).
    Chunked { threads: u32, block: Option<u32> },
}

/// The reference first, then every combination of 1, 2 and 4 threads with blocks of 7 bytes
/// (smaller than any row: every block boundary falls inside a row), 64 and 1,000 bytes (a
/// row or a dozen), 64 KiB (a few blocks) and the default (the whole file in one block).
fn readers() -> Vec<Reader> {
    let mut all = vec![Reader::RowByRow];
    for threads in [1, 2, 4] {
        for block in [Some(7), Some(64), Some(1000), Some(65536), None] {
            all.push(Reader::Chunked { threads, block });
        }
    }
    all
}

/// Runs `commission` from the repository root with `args`, reading ledgers as `reader` says;
/// with `report_reads`, standard error also says how each ledger was read. Whatever the
/// developer's shell holds in these variables is removed first.
fn run_as(reader: Reader, report_reads: bool, args: &[String]) -> Ran {
    let mut cmd = commission();
    for var in ["COMMISSION_CHUNKED", "COMMISSION_THREADS", "COMMISSION_CHUNK_BYTES", "COMMISSION_REPORT_READS"] {
        cmd.env_remove(var);
    }
    match reader {
        Reader::RowByRow => {
            cmd.env("COMMISSION_CHUNKED", "0");
        }
        Reader::Chunked { threads, block } => {
            cmd.env("COMMISSION_THREADS", threads.to_string());
            if let Some(block) = block {
                cmd.env("COMMISSION_CHUNK_BYTES", block.to_string());
            }
        }
    }
    if report_reads {
        cmd.env("COMMISSION_REPORT_READS", "1");
    }
    cmd.args(args).output().unwrap().into()
}

/// A 64-bit linear congruential generator (Knuth's MMIX constants): the same numbers on
/// every machine, no crate needed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// One generated sale, with the figures the test needs to work out statements by hand.
struct Sale {
    /// 1..=12
    month: usize,
    /// `M01`..`M15`
    manager: String,
    /// The amount in fen, exactly as written in the ledger.
    cents: i64,
    /// The ledger row, without its line end.
    line: String,
}

/// `cents` written with exactly `decimals` decimals (0, 1 or 2), as a ledger may write it:
/// `1234`, `1234.5`, `-1234.56`. The caller makes sure the fen dropped are zeros.
fn written(cents: i64, decimals: u64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let (yuan, fen) = (cents.abs() / 100, cents.abs() % 100);
    match decimals {
        0 => format!("{sign}{yuan}"),
        1 => format!("{sign}{yuan}.{}", fen / 10),
        _ => format!("{sign}{yuan}.{fen:02}"),
    }
}

/// A figure in fen as the CSV and JSON outputs write it: `1234.50`, `-3.07`.
fn fen(cents: i64) -> String {
    written(cents, 2)
}

/// The generated sales: ids `S000001`.. in order, dates in month order (250 rows a month),
/// any day of the month. Manager `Mk` sells up to `k` × 4,000.00 a sale, so over about 17
/// sales a month the low managers stay under 100,000.00, the middle ones reach the 5%
/// bracket and the high ones the 8% bracket; one sale in 20 is a refund (a negative amount
/// of up to 1,000.00).
fn generate_sales() -> Vec<Sale> {
    let mut rng = Lcg(2026);
    (1..=ROWS)
        .map(|i| {
            let month = 1 + (i - 1) * 12 / ROWS;
            let day = 1 + rng.below(DAYS[month - 1]);
            let m = 1 + rng.below(MANAGERS);
            let manager = format!("M{m:02}");
            let customer = 1 + rng.below(CUSTOMERS);
            let kind = KINDS[rng.below(3) as usize];
            let business = BUSINESSES[rng.below(5) as usize];
            let segment = SEGMENTS[rng.below(4) as usize];
            let refund = rng.below(20) == 0;
            let mut cents = if refund { -(1 + rng.below(100_000) as i64) } else { rng.below(m * 400_000) as i64 };
            let decimals = rng.below(3);
            // Drop the fen a shorter amount does not write, so that `cents` is what is read.
            cents -= cents % [100, 10, 1][decimals as usize];
            let line = format!(
                "S{i:06},2026-{month:02}-{day:02},{manager},C{customer:03},{kind},{business},{segment},{}",
                written(cents, decimals)
            );
            Sale { month, manager, cents, line }
        })
        .collect()
}

const SALES_HEADER: &str = "id,date,manager,customer,kind,business,segment,amount";

/// The sales ledger's lines (header first), without line ends.
fn sales_lines(sales: &[Sale]) -> Vec<String> {
    std::iter::once(SALES_HEADER.to_string()).chain(sales.iter().map(|s| s.line.clone())).collect()
}

/// The generated sales, a folder with the surveys, and the sales written as `plain/sales.csv`
/// (LF line ends): how most tests here begin.
fn plain_ledger() -> (Vec<Sale>, Folder, PathBuf) {
    let sales = generate_sales();
    let folder = Folder::new();
    let path = folder.sales("plain", &ledger(&sales_lines(&sales), "\n"));
    (sales, folder, path)
}

/// `lines` joined by `end`, with a line end after the last one too.
fn ledger(lines: &[String], end: &str) -> String {
    lines.iter().map(|l| format!("{l}{end}")).collect()
}

/// One survey per manager and quarter of 2026, 70% to 99.5% (some with a decimal), except
/// M07's 2026-Q2 (no survey, no bonus that quarter).
fn surveys_ledger() -> String {
    let mut rng = Lcg(12);
    let mut text = String::from("manager,quarter,satisfaction\n");
    for m in 1..=MANAGERS {
        for q in 1..=4 {
            let (whole, half) = (70 + rng.below(30), rng.below(2) == 1);
            if (m, q) != (7, 2) {
                text.push_str(&format!("M{m:02},2026-Q{q},{whole}{}%\n", if half { ".5" } else { "" }));
            }
        }
    }
    text
}

/// A folder with `surveys.csv`, and a `sales.csv` written by [`Folder::sales`] (in a
/// sub-folder per case, so that every ledger is named `sales.csv` in the messages).
struct Folder {
    dir: tempfile::TempDir,
    surveys: PathBuf,
}

impl Folder {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let surveys = dir.path().join("surveys.csv");
        std::fs::write(&surveys, surveys_ledger()).unwrap();
        Folder { dir, surveys }
    }

    /// Writes `bytes` as `CASE/sales.csv` and returns its path.
    fn sales(&self, case: &str, bytes: &str) -> PathBuf {
        let sub = self.dir.path().join(case);
        std::fs::create_dir_all(&sub).unwrap();
        let path = sub.join("sales.csv");
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// `run POLICY --data sales=SALES --data surveys=SURVEYS` and `extra`.
    fn run_args(&self, sales: &Path, extra: &[&str]) -> Vec<String> {
        self.args(&["run", POLICY], sales, extra)
    }

    /// A command's arguments: `words` (the command and its plans), the two ledgers, `extra`.
    fn args(&self, words: &[&str], sales: &Path, extra: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        args.extend(self.data(sales));
        args.extend(extra.iter().map(|a| a.to_string()));
        args
    }

    fn data(&self, sales: &Path) -> Vec<String> {
        vec![
            "--data".to_string(),
            format!("sales={}", path_text(sales)),
            "--data".to_string(),
            format!("surveys={}", path_text(&self.surveys)),
        ]
    }
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("the temporary folder's path is UTF-8")
}

/// The number of blocks in the `read SALES: chunked, B blocks` line of `stderr`, or a panic
/// saying the sales ledger was not read by the chunked reader.
fn chunked_blocks(stderr: &str, sales: &Path, reader: Reader) -> u64 {
    let head = format!("read {}: chunked, ", path_text(sales));
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix(&head))
        .unwrap_or_else(|| panic!("{reader:?}: no `{head}B blocks` line, stderr:\n{stderr}"));
    // `B blocks, T threads, ...`: the rest says how long folding and merging took.
    let blocks = line
        .split(" blocks")
        .next()
        .filter(|_| line.contains(" blocks, "))
        .unwrap_or_else(|| panic!("{reader:?}: `{line}`"));
    blocks.parse().unwrap_or_else(|_| panic!("{reader:?}: `{line}`"))
}

/// The number of aggregates the chunked read of `sales` folded once for several plans (its
/// `N aggregates shared`), or a panic when it did not say.
fn shared_aggregates(stderr: &str, sales: &Path, reader: Reader) -> u64 {
    chunked_blocks(stderr, sales, reader);
    let head = format!("read {}: chunked, ", path_text(sales));
    let line = stderr.lines().find_map(|l| l.strip_prefix(&head)).unwrap_or_default();
    let shared = line.split(" aggregates shared").next().and_then(|l| l.rsplit(", ").next());
    shared.and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{reader:?}: no `N aggregates shared` in `{line}`"))
}

/// The seed plan's `sales_performance` on a month's sales, worked out in fen: the whole
/// amount at 3% below 100,000.00, 5% from 100,000.00, 8% from 300,000.00, rounded half-up to
/// the fen; a month whose sales are not positive is below the first bracket and pays nothing.
fn sales_performance(cents: i64) -> i64 {
    let rate = match cents {
        ..=0 => return 0,
        1..=9_999_999 => 3,
        10_000_000..=29_999_999 => 5,
        _ => 8,
    };
    // cents × rate / 100, half-up (the product is positive)
    (cents * rate + 50) / 100
}

#[test]
fn the_same_statements_whatever_the_threads_and_blocks() {
    let sales = generate_sales();
    let folder = Folder::new();
    let text = ledger(&sales_lines(&sales), "\n");
    let path = folder.sales("plain", &text);

    for format in ["csv", "json"] {
        let args = folder.run_args(&path, &["--format", format]);
        let mut reference: Option<String> = None;
        for reader in readers() {
            let ran = run_as(reader, true, &args);
            assert_eq!(ran.code, 0, "{format}, {reader:?}: stderr:\n{}", ran.stderr);
            match reader {
                Reader::RowByRow => {
                    let head = format!("read {}: row by row (", path_text(&path));
                    assert!(ran.stderr.lines().any(|l| l.starts_with(&head)), "no `{head}...)` line:\n{}", ran.stderr);
                    reference = Some(ran.stdout);
                }
                Reader::Chunked { block, .. } => {
                    let blocks = chunked_blocks(&ran.stderr, &path, reader);
                    // The ledger is about 160 KB: any block size given here cuts it in several.
                    assert!(blocks >= if block.is_some() { 2 } else { 1 }, "{reader:?}: {blocks} blocks");
                    let reference = reference.as_deref().unwrap();
                    assert!(
                        ran.stdout == reference,
                        "{format}, {reader:?}: stdout differs from the row-by-row reader's"
                    );
                }
            }
        }
        let reference = reference.unwrap();

        // Independently of the program: each payee's monthly sales, in fen, from the rows
        // generated above.
        let mut monthly: BTreeMap<(String, usize), i64> = BTreeMap::new();
        for s in &sales {
            *monthly.entry((s.manager.clone(), s.month)).or_default() += s.cents;
        }
        if format == "csv" {
            // Every statement's sales_performance (15 payees × 12 months), worked out by hand
            // from those sums, is the CSV's.
            let mut lines = reference.lines();
            let header: Vec<&str> = lines.next().unwrap().split(',').collect();
            let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
            let (payee, period, paid) = (column("payee"), column("period"), column("sales_performance"));
            let mut brackets = [0; 3];
            let mut statements = 0;
            for line in lines {
                let fields: Vec<&str> = line.split(',').collect();
                let month: usize = fields[period].strip_prefix("2026-").unwrap().parse().unwrap();
                let sold = monthly.get(&(fields[payee].to_string(), month)).copied().unwrap_or(0);
                assert_eq!(
                    fields[paid],
                    fen(sales_performance(sold)),
                    "{} {}: sales {}",
                    fields[payee],
                    month,
                    fen(sold)
                );
                brackets[match sold {
                    ..=9_999_999 => 0,
                    10_000_000..=29_999_999 => 1,
                    _ => 2,
                }] += 1;
                statements += 1;
            }
            assert_eq!(statements, 15 * 12);
            // The check covers all three brackets.
            assert!(brackets.iter().all(|&n| n > 0), "statements per bracket: {brackets:?}");
            // One by hand in full, so that the test's own arithmetic is checked too. M08's
            // sales in June (rows above, summed): see the assertion's message if it changes.
            let june = monthly[&("M08".to_string(), 6)];
            let line = reference.lines().find(|l| l.starts_with("M08,2026-06,")).unwrap();
            assert_eq!(line.split(',').nth(paid).unwrap(), fen(sales_performance(june)), "M08 June sold {}", fen(june));
        } else {
            // The `sales` metric of every statement of one payee is that payee's monthly sum.
            let json: serde_json::Value = serde_json::from_str(&reference).unwrap();
            let statements = json["statements"].as_array().unwrap();
            let m08: Vec<&serde_json::Value> = statements.iter().filter(|s| s["payee"] == "M08").collect();
            assert_eq!(m08.len(), 12);
            for s in m08 {
                let month: usize = s["period"].as_str().unwrap().strip_prefix("2026-").unwrap().parse().unwrap();
                let sold = monthly.get(&("M08".to_string(), month)).copied().unwrap_or(0);
                assert_eq!(s["metrics"]["sales"], fen(sold).as_str(), "M08 2026-{month:02}");
                assert_eq!(s["components"]["sales_performance"], fen(sales_performance(sold)).as_str());
            }
        }
    }
}

/// One bad (or unusual) row: its case name, what it does to the generated lines (indexed
/// from 0: `lines[n - 1]` is line `n`), and where the run must report it (`None`: it is no
/// error).
struct Case {
    name: &'static str,
    edit: fn(&mut Vec<String>),
    /// `sales.csv:LINE[:FIELD]` and the diagnostic code, for the bad rows.
    reported: Option<(&'static str, &'static str)>,
}

/// Replaces field `field` (from 0) of line `line` (from 1) with `value`.
fn set_field(lines: &mut [String], line: usize, field: usize, value: &str) {
    let mut fields: Vec<String> = lines[line - 1].split(',').map(str::to_string).collect();
    fields[field] = value.to_string();
    lines[line - 1] = fields.join(",");
}

const CASES: &[Case] = &[
    Case {
        name: "too-many-decimals",
        edit: |l| set_field(l, 1500, 7, "12.345"),
        reported: Some(("sales.csv:1500:8", "E0218")),
    },
    Case {
        name: "not-an-amount",
        edit: |l| set_field(l, 1500, 7, "abc"),
        reported: Some(("sales.csv:1500:8", "E0214")),
    },
    Case {
        name: "unknown-kind",
        edit: |l| set_field(l, 1500, 4, "refund"),
        reported: Some(("sales.csv:1500:5", "E0221")),
    },
    // Row 10 (line 11) is S000010; line 2,000 (row 1,999, some 80 KB further on: another block
    // for every block size but the default) takes its id. The second one is reported.
    Case {
        name: "duplicate-id",
        edit: |l| set_field(l, 2000, 0, "S000010"),
        reported: Some(("sales.csv:2000:1", "E0223")),
    },
    // A key with a control character (BEL) among its digits: in the chunked read it is not
    // the one after the last, so it is checked as an id, and refused as the row-by-row
    // reader refuses it.
    Case {
        name: "hidden-character-in-a-key",
        edit: |l| set_field(l, 1500, 0, "S001\u{7}499"),
        reported: Some(("sales.csv:1500:1", "E0230")),
    },
    // The row loses its last field: a problem with the whole row, named by its line alone.
    Case {
        name: "one-field-too-few",
        edit: |l| {
            let row = &l[1499];
            l[1499] = row[..row.rfind(',').unwrap()].to_string();
        },
        reported: Some(("sales.csv:1500", "E0210")),
    },
    Case {
        name: "no-such-date",
        edit: |l| set_field(l, 1500, 1, "2026-02-30"),
        reported: Some(("sales.csv:1500:2", "E0214")),
    },
    // Digits in every place, but month and day 0 (its digits make the number 0: the chunked
    // reader's table of days met once took that for a day it had met).
    Case {
        name: "date-of-zeros",
        edit: |l| set_field(l, 1500, 1, "0000-00-00"),
        reported: Some(("sales.csv:1500:2", "E0214")),
    },
    // A control character (BEL) in a customer the plan counts: refused as the row-by-row
    // fold refuses it (the chunked read checks a compared text as it reads the row).
    Case {
        name: "hidden-character-in-a-counted-text",
        edit: |l| set_field(l, 1500, 3, "C1\u{7}23"),
        reported: Some(("sales.csv:1500:4", "E0230")),
    },
    // A quoted customer spanning two lines is valid CSV, but the plan counts customers
    // (`count_distinct(sales.customer)`), and a line feed in a counted text is refused as a
    // control character, on the line the row starts on.
    Case {
        name: "line-break-in-a-counted-text",
        edit: |l| set_field(l, 1500, 3, "\"C1\nX\""),
        reported: Some(("sales.csv:1500:4", "E0230")),
    },
    // The same line break in `business`, which the plan never reads: no error at all.
    Case { name: "line-break-in-an-unread-text", edit: |l| set_field(l, 1500, 5, "\"mobile\nX\""), reported: None },
];

#[test]
fn a_bad_row_is_reported_at_the_same_line() {
    let sales = generate_sales();
    let folder = Folder::new();
    for case in CASES {
        let mut lines = sales_lines(&sales);
        (case.edit)(&mut lines);
        let path = folder.sales(case.name, &ledger(&lines, "\n"));
        let output = path.with_file_name("statements.csv");
        let args = match case.reported {
            Some(_) => folder
                .run_args(&path, &["--format", "csv", "--message-format", "plain", "--output", path_text(&output)]),
            None => folder.run_args(&path, &["--format", "csv"]),
        };
        let reference = run_as(Reader::RowByRow, false, &args);
        match case.reported {
            Some((place, code)) => {
                assert_eq!(reference.code, 2, "{}: stderr:\n{}", case.name, reference.stderr);
                // `sales.csv:1500:8: ...`, `sales.csv:1500: ...`: the place, then a colon.
                let named = format!("{}/{place}:", case.name);
                assert!(
                    reference.stderr.contains(&named),
                    "{}: expected `{named}` in:\n{}",
                    case.name,
                    reference.stderr
                );
                crate::assert_code(&reference, code);
            }
            None => assert_eq!(reference.code, 0, "{}: stderr:\n{}", case.name, reference.stderr),
        }
        every_reader_says_the_same(&args, &reference, case.name, case.reported.is_some().then_some(&output));
    }
}

/// Statements are computed on all cores too (`COMMISSION_THREADS`), and added up in payee
/// order: when several payees' statements fail, every thread count reports the first
/// failing payee-month in that order (payees by id, then months), as one thread does. The
/// seed plan with a component that divides by zero in every month over 300,000.00 of sales.
#[test]
fn a_statement_that_fails_is_the_first_in_payee_order_whatever_the_threads() {
    let sales = generate_sales();
    let folder = Folder::new();
    let path = folder.sales("failing", &ledger(&sales_lines(&sales), "\n"));
    let policy = folder.dir.path().join("failing.policy");
    let seed = std::fs::read_to_string(POLICY).unwrap();
    let boom = "component boom \"boom\" monthly {\n  pay 1 CNY / (if sum(sales.amount) > 300000 then 0 else 1)\n}\n";
    std::fs::write(&policy, format!("{seed}\n{boom}")).unwrap();
    // The failing payee-months worked out from the generated sales: M01..M15 sort as written.
    let mut monthly: BTreeMap<(String, usize), i64> = BTreeMap::new();
    for sale in &sales {
        *monthly.entry((sale.manager.clone(), sale.month)).or_default() += sale.cents;
    }
    let failing: Vec<&(String, usize)> = monthly.iter().filter(|(_, &c)| c > 30_000_000).map(|(k, _)| k).collect();
    // Several payees fail, and not the first payee: the order is what is tested.
    let payees: std::collections::BTreeSet<&str> = failing.iter().map(|(m, _)| m.as_str()).collect();
    assert!(payees.len() >= 3 && !payees.contains("M01"), "{failing:?}");
    let (manager, month) = failing[0];
    let expected = format!("(payee `{manager}`, 2026-{month:02})");
    let args = folder.args(&["run", path_text(&policy)], &path, &["--message-format", "plain"]);
    let reference = run_as(Reader::Chunked { threads: 1, block: None }, false, &args);
    assert_eq!(reference.code, 1, "stderr:\n{}", reference.stderr);
    assert!(reference.stderr.contains(&expected), "expected `{expected}` in:\n{}", reference.stderr);
    crate::assert_code(&reference, "E0303");
    every_reader_says_the_same(&args, &reference, "failing", None);
}

#[test]
fn blank_lines_and_crlf_keep_line_numbers() {
    let (sales, folder, plain) = plain_ledger();
    let reference = run_as(Reader::RowByRow, false, &folder.run_args(&plain, &["--format", "csv"]));
    assert_eq!(reference.code, 0, "{}", reference.stderr);

    // Windows line ends, and after line 1,001 (row 1,000) three lines that are not rows: an
    // empty one, one of only commas (as Excel leaves after a table), an empty one: lines
    // 1,002 to 1,004. Row 1,001 is then on line 1,005, and every row `i` after it on line
    // `i + 4`; a blank line also ends the file.
    let mut lines = sales_lines(&sales);
    lines.splice(1001..1001, [String::new(), ",,,,,,,".to_string(), String::new()]);
    lines.push(String::new());
    let good = folder.sales("crlf", &ledger(&lines, "\r\n"));
    // Row 1,496's amount (line 1,500 of the file) gets one decimal too many.
    assert!(lines[1499].starts_with("S001496,"), "{}", lines[1499]);
    set_field(&mut lines, 1500, 7, "12.345");
    let bad = folder.sales("crlf-bad", &ledger(&lines, "\r\n"));

    let bad_args = folder.run_args(&bad, &["--format", "csv", "--message-format", "plain"]);
    let bad_reference = run_as(Reader::RowByRow, false, &bad_args);
    assert_eq!(bad_reference.code, 2, "{}", bad_reference.stderr);
    assert!(bad_reference.stderr.contains("crlf-bad/sales.csv:1500:8:"), "{}", bad_reference.stderr);
    crate::assert_code(&bad_reference, "E0218");

    let good_args = folder.run_args(&good, &["--format", "csv"]);
    for reader in readers() {
        let ran = run_as(reader, false, &good_args);
        assert_eq!(ran.code, 0, "{reader:?}: {}", ran.stderr);
        assert!(
            ran.stdout == reference.stdout,
            "{reader:?}: the CRLF ledger gives other statements than the plain one"
        );
        let ran = run_as(reader, false, &bad_args);
        assert_eq!(ran.code, 2, "{reader:?}: {}", ran.stderr);
        assert!(
            ran.stderr == bad_reference.stderr,
            "{reader:?}: stderr\n{}\nrow by row:\n{}",
            ran.stderr,
            bad_reference.stderr
        );
    }
}

#[test]
fn surveys_and_several_plans_share_nothing_wrong() {
    let (_, folder, path) = plain_ledger();
    // Two plans, one fold each over the same sales and surveys: the flat and the marginal
    // brackets differ in sales_performance only, so a block merged into the wrong plan or
    // payee would show in the diff's change. The marginal plan here also counts its sales (a
    // metric): its fold is not the flat plan's, so each plan has its own.
    let dir = tempfile::tempdir().unwrap();
    let counting = dir.path().join("marginal-counting.policy");
    let marginal = std::fs::read_to_string(MARGINAL).unwrap();
    std::fs::write(&counting, format!("{marginal}\nmetric sales_count \"销售笔数\" monthly = count(sales)\n")).unwrap();
    let args = folder.args(&["diff", POLICY, path_text(&counting)], &path, &["--format", "json"]);
    let reference = run_as(Reader::RowByRow, false, &args);
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    assert!(reference.stdout.contains("\"change\": \"-"), "marginal brackets pay less:\n{}", reference.stdout);
    // One read in blocks serves both plans, and the plans' three aggregates of the sales
    // (sum(sales.amount), count_distinct(sales.customer) and the renewals' sum) are the same
    // in both: each is folded once, for both (the count is the second plan's own).
    every_chunked_reader_agrees(&args, &reference, &path, 3);
    // The marginal plan as it is folds what the flat plan folds: one fold serves both
    // (`reuse::same_fold`), nothing shared between two, the same diff.
    let args = folder.args(&["diff", POLICY, MARGINAL], &path, &["--format", "json"]);
    let same_fold = run_as(Reader::RowByRow, false, &args);
    assert_eq!(same_fold.code, 0, "{}", same_fold.stderr);
    every_chunked_reader_agrees(&args, &same_fold, &path, 0);
    // The flat plan's side and the marginal plan's are what the flat plan and the counting
    // one pay (one fold or two).
    let sides = |stdout: &str| {
        let d: serde_json::Value = serde_json::from_str(stdout).unwrap();
        (d["total"]["old"].clone(), d["total"]["new"].clone(), d["per_payee"].clone())
    };
    assert_eq!(sides(&same_fold.stdout), sides(&reference.stdout));
}

/// The surveys, rows the plan looks up (`surveys.satisfaction`, one per manager and quarter),
/// are read in blocks too, with the run's statements the row-by-row reader's (the bonus
/// and the satisfaction metric read them). A second survey of a manager's quarter, wherever
/// its two rows fall (the same block, blocks of one thread, of two), or a survey that does not
/// read, is reported as the row-by-row reader reports it, with nothing written.
#[test]
fn surveys_read_in_blocks_and_a_second_survey_reported_as_row_by_row() {
    let (_, folder, path) = plain_ledger();
    let args = folder.run_args(&path, &["--format", "json"]);
    let reference = run_as(Reader::RowByRow, false, &args);
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    // M07 has no survey for 2026-Q2 (`surveys_ledger`): its June statement pays no bonus and
    // shows no satisfaction; every other manager's quarter-end months show one.
    let d: serde_json::Value = serde_json::from_str(&reference.stdout).unwrap();
    let june = |m: &str| {
        d["statements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["payee"] == m && s["period"] == "2026-06")
            .map(|s| s["metrics"]["satisfaction"].clone())
    };
    assert_eq!(june("M07"), Some(serde_json::Value::Null), "{}", reference.stdout);
    assert!(june("M06").is_some_and(|v| v.is_string()), "{:?}", june("M06"));
    for reader in readers().into_iter().skip(1) {
        let ran = run_as(reader, true, &args);
        assert_eq!(ran.code, 0, "{reader:?}: {}", ran.stderr);
        assert!(ran.stdout == reference.stdout, "{reader:?}: the statements differ from the row-by-row reader's");
        chunked_blocks(&ran.stderr, &folder.surveys, reader);
    }
    let surveys = surveys_ledger();
    let lines: Vec<&str> = surveys.lines().collect();
    // M03's 2026-Q3 survey again: right after it, in the middle, at the end.
    let m03 = lines.iter().position(|l| l.starts_with("M03,2026-Q3,")).unwrap();
    let again = "M03,2026-Q3,81%";
    let bad = lines[m03].replace('%', "x%");
    let cases: [(&str, usize, &str); 4] = [
        ("next", m03 + 1, again),
        ("middle", lines.len() / 2, again),
        ("end", lines.len(), again),
        ("unreadable", lines.len() / 2, &bad),
    ];
    for (case, at, row) in cases {
        let mut edited: Vec<&str> = lines.clone();
        if case == "unreadable" {
            edited[m03] = row;
        } else {
            edited.insert(at, row);
        }
        std::fs::write(&folder.surveys, format!("{}\n", edited.join("\n"))).unwrap();
        let output = path.with_file_name("statements.json");
        let args = folder.run_args(&path, &["--format", "json", "--output", path_text(&output)]);
        let reference = run_as(Reader::RowByRow, false, &args);
        assert_eq!(reference.code, 2, "{case}: {}", reference.stderr);
        // The file's line: the header is line 1.
        let line = if case == "unreadable" { m03 + 1 } else { at + 1 };
        let place = format!("surveys.csv:{line}");
        assert!(reference.stderr.contains(&place), "{case}: no `{place}` in\n{}", reference.stderr);
        if case != "unreadable" {
            assert!(reference.stderr.contains("a second row for payee `M03` in 2026-Q3"), "{}", reference.stderr);
        }
        every_reader_says_the_same(&args, &reference, case, Some(&output));
    }
}

/// Runs `args` (a command of several plans over `sales`) with every chunked reader: each exits
/// Every reader (the row-by-row one too: it must repeat itself) exits as the row-by-row reader
/// did (`reference`), with the same standard output and error, byte for byte; with `output`
/// (a run that rejects a row), writes nothing there.
fn every_reader_says_the_same(args: &[String], reference: &Ran, case: &str, output: Option<&PathBuf>) {
    for reader in readers() {
        let ran = run_as(reader, false, args);
        let what = format!("{case}, {reader:?}");
        assert_eq!(ran.code, reference.code, "{what}: stderr:\n{}", ran.stderr);
        assert!(ran.stderr == reference.stderr, "{what}: stderr\n{}\nrow by row:\n{}", ran.stderr, reference.stderr);
        assert!(ran.stdout == reference.stdout, "{what}: stdout differs from the row-by-row reader's");
        if let Some(output) = output {
            assert!(!output.exists(), "{what}: a run with a rejected row wrote {}", output.display());
        }
    }
}

/// 0 with the row-by-row reader's standard output (`reference`), byte for byte, and says its
/// read of `sales` shared `shared` aggregates between the plans.
fn every_chunked_reader_agrees(args: &[String], reference: &Ran, sales: &Path, shared: u64) {
    for reader in readers().into_iter().skip(1) {
        let ran = run_as(reader, true, args);
        assert_eq!(ran.code, 0, "{reader:?}: {}", ran.stderr);
        assert!(ran.stdout == reference.stdout, "{reader:?}: `{}` differs from the row-by-row reader's", args[0]);
        assert_eq!(shared_aggregates(&ran.stderr, sales, reader), shared, "{reader:?}: {}", ran.stderr);
    }
}

/// A second plan that counts more than the first (a component paid on the cloud sales of a
/// month with four or more businesses) follows the first plan's buckets in the chunked read,
/// shares the three aggregates the two have in common, and folds its own two (a distinct
/// count of a text column and a filtered sum): the diff is the row-by-row reader's.
#[test]
fn a_plan_that_counts_more_folds_its_own_aggregates_beside_the_shared_ones() {
    let (_, folder, path) = plain_ledger();
    let seed = std::fs::read_to_string(POLICY).unwrap();
    let (plan, _tests) =
        seed.split_once("# ---------------------------------------------------------------- tests").unwrap();
    let broader = folder.dir.path().join("broader.policy");
    std::fs::write(
        &broader,
        format!(
            "{plan}\ncomponent breadth \"breadth\" monthly {{\n  when count_distinct(sales.business) >= 4\n  \
             pay 1% * sum(sales.amount where business in [\"cloud\"])\n}}\n"
        ),
    )
    .unwrap();
    let args = folder.args(&["diff", POLICY, path_text(&broader)], &path, &["--format", "json"]);
    let reference = run_as(Reader::RowByRow, false, &args);
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    assert!(reference.stdout.contains("\"breadth\""), "{}", reference.stdout);
    every_chunked_reader_agrees(&args, &reference, &path, 3);
}

/// The thirty-component benchmark plan (`bench/thirty.policy`: sums filtered by business,
/// kind and customer group, a count of large deals, the largest sale) read in blocks gives
/// the row-by-row reader's statements, and so does its `budget`, whose reruns scale the
/// amounts its large-deal filter compares. Of the 31 aggregates each rerun takes the 29 the
/// first run adds up alike (26 sums times its factor, the two distinct counts and the count
/// of sales), not the count of large deals nor the largest sale, which scaled amounts change:
/// 87 for the three reruns. Its `diff` with a version that calls a deal of 40,000 large
/// follows the first version's buckets and shares the 30 aggregates the two have alike.
/// (Such a plan's buckets are large, and a row is added to them once the next row is read:
/// the block's last row too, and a rerun's with its scaled amount.)
#[test]
fn the_thirty_component_plan_reads_in_blocks_as_row_by_row() {
    // Its own tests, worked by hand in the policy, hold first.
    let tested = run_as(Reader::RowByRow, false, &["test".to_string(), "bench/thirty.policy".to_string()]);
    assert_eq!(tested.code, 0, "{}{}", tested.stdout, tested.stderr);
    assert!(tested.stdout.contains("2 passed, 0 failed"), "{}", tested.stdout);
    let (_, folder, path) = plain_ledger();
    let run = folder.args(&["run", "bench/thirty.policy"], &path, &["--format", "json"]);
    let reference = run_as(Reader::RowByRow, false, &run);
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    assert!(reference.stdout.contains("\"large_deals\""), "{}", reference.stdout);
    every_chunked_reader_agrees(&run, &reference, &path, 0);
    let budget = folder.args(&["budget", "bench/thirty.policy"], &path, &["--by", "business", "--format", "json"]);
    let reference = run_as(Reader::RowByRow, false, &budget);
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    every_chunked_reader_agrees(&budget, &reference, &path, 87);
    let thirty = std::fs::read_to_string("bench/thirty.policy").unwrap();
    let forty = folder.dir.path().join("forty.policy");
    std::fs::write(
        &forty,
        thirty.replace("count(sales where amount >= 50_000)", "count(sales where amount >= 40_000)"),
    )
    .unwrap();
    let diff = folder.args(&["diff", "bench/thirty.policy", path_text(&forty)], &path, &["--format", "json"]);
    let reference = run_as(Reader::RowByRow, false, &diff);
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    assert!(reference.stdout.contains("\"large_deals\""), "{}", reference.stdout);
    every_chunked_reader_agrees(&diff, &reference, &path, 30);
}

/// `budget` runs the plan four times in one read (as it is; with every sale 1% larger; a
/// millionth larger and a millionth smaller, for the marginal cost) and tallies the sales per
/// payee-month and per business, segment and kind. Read in blocks, it says the same to the
/// byte, and the first run's aggregates are folded once for all four: the distinct customers
/// as they are, the sums of amounts times each rerun's factor (exact: every amount here has
/// few digits).
#[test]
fn budget_reads_in_blocks_with_its_reruns_and_tally() {
    let (sales, folder, path) = plain_ledger();
    let mut args = vec!["budget".to_string(), POLICY.to_string()];
    args.extend(folder.data(&path));
    for by in ["business", "segment", "kind", "month", "component"] {
        args.extend(["--by".to_string(), by.to_string()]);
    }
    args.extend(["--format".to_string(), "json".to_string()]);
    let reference = run_as(Reader::RowByRow, false, &args);
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    // The sales per business, added up in fen from the generated rows (the business is the
    // sixth field), are the tally's: the report's `sales` of each business group.
    let report: serde_json::Value = serde_json::from_str(&reference.stdout).unwrap();
    let business = report["breakdowns"].as_array().unwrap().iter().find(|b| b["by"] == "business").unwrap();
    for name in BUSINESSES {
        let cents: i64 = sales.iter().filter(|s| s.line.split(',').nth(5) == Some(name)).map(|s| s.cents).sum();
        let group = business["groups"].as_array().unwrap().iter().find(|g| g["group"] == name).unwrap();
        assert_eq!(group["sales"], fen(cents).as_str(), "{name}");
    }
    // Runs two to four take all three of the first run's aggregates of the sales: its
    // distinct customers as they are, its two sums times their factor.
    every_chunked_reader_agrees(&args, &reference, &path, 9);
}

/// Payee-months whose renewals and upsells add up to nothing: M15 sells only new lines in
/// the first quarter (no term at all), M14's April has one renewal of 123.45 and one of
/// -123.45 and nothing else but new lines (terms that cancel). `budget`'s reruns still take
/// the first run's sums times their factor, zeros included (a zero of no decimals when no
/// term is other than zero, as the row-by-row fold of the scaled terms makes it: until the
/// twenty-first session every such bucket sent the whole ledger row by row), and say what the
/// row-by-row reader says.
#[test]
fn budget_shares_the_sums_of_buckets_that_come_to_nothing() {
    let sales = generate_sales();
    let mut lines = sales_lines(&sales);
    let mut april = Vec::new();
    for (i, sale) in sales.iter().enumerate() {
        let line = i + 2;
        match (sale.manager.as_str(), sale.month) {
            ("M15", 1..=3) => set_field(&mut lines, line, 4, "new"),
            ("M14", 4) => {
                set_field(&mut lines, line, 4, "new");
                april.push(line);
            }
            _ => {}
        }
    }
    assert!(april.len() >= 3, "M14 has {} sales in April", april.len());
    for (line, amount) in [(april[0], "123.45"), (april[1], "-123.45")] {
        set_field(&mut lines, line, 4, "renewal");
        set_field(&mut lines, line, 7, amount);
    }
    let folder = Folder::new();
    let path = folder.sales("nothing", &ledger(&lines, "\n"));
    let args = folder.args(&["budget", POLICY], &path, &["--by", "payee", "--by", "kind", "--format", "json"]);
    let reference = run_as(Reader::RowByRow, false, &args);
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    // M15's first quarter and M14's April pay no retention: their kind groups have no
    // renewal or upsell payout from them (checked through the payee breakdown's sales: the
    // renewals of M14's April add up to 0.00, so its sales are those of its new lines).
    let report: serde_json::Value = serde_json::from_str(&reference.stdout).unwrap();
    let payees = report["breakdowns"].as_array().unwrap().iter().find(|b| b["by"] == "payee").unwrap();
    let m14: i64 = sales.iter().filter(|s| s.manager == "M14").map(|s| s.cents).sum();
    let april_cents: i64 = april[..2].iter().map(|l| sales[l - 2].cents).sum();
    let group = payees["groups"].as_array().unwrap().iter().find(|g| g["group"] == "M14").unwrap();
    assert_eq!(group["sales"], fen(m14 - april_cents).as_str());
    every_chunked_reader_agrees(&args, &reference, &path, 9);
}

/// `explain` of one payee-month reads in blocks too (only that payee's rows are kept for it)
/// and lists the same rows, lines and figures as the row-by-row reader.
#[test]
fn explain_lists_the_same_rows_read_in_blocks() {
    let (sales, folder, path) = plain_ledger();
    let mut args =
        ["explain", POLICY, "--payee", "M08", "--period", "2026-03", "--all-rows"].map(String::from).to_vec();
    args.extend(folder.data(&path));
    let reference = run_as(Reader::RowByRow, false, &args);
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    // M08's March sales, counted from the generated rows: the explanation names every one.
    let march = sales.iter().filter(|s| s.manager == "M08" && s.month == 3).count();
    assert!(march > 0);
    assert!(reference.stdout.contains(&format!("from {march} rows of sales")), "{}", reference.stdout);
    for reader in readers().into_iter().skip(1) {
        let ran = run_as(reader, true, &args);
        assert_eq!(ran.code, 0, "{reader:?}: {}", ran.stderr);
        assert!(ran.stdout == reference.stdout, "{reader:?}: the explanation differs from the row-by-row reader's");
        chunked_blocks(&ran.stderr, &path, reader);
    }
}

/// `policy` run on a sales ledger of `lines` (header first) by the row-by-row reader, with
/// JSON output: the folder holding both (kept while it lives), the ledger's path, the
/// arguments (for other readers) and the reference run, which must succeed.
fn run_json(policy: &str, lines: &[String]) -> (tempfile::TempDir, PathBuf, Vec<String>, Ran) {
    let dir = tempfile::tempdir().unwrap();
    let (policy_path, sales) = (dir.path().join("plan.policy"), dir.path().join("sales.csv"));
    std::fs::write(&policy_path, policy).unwrap();
    std::fs::write(&sales, lines.join("\n") + "\n").unwrap();
    let args: Vec<String> =
        ["run", policy_path.to_str().unwrap(), "--data", &format!("sales={}", sales.display()), "--format", "json"]
            .iter()
            .map(ToString::to_string)
            .collect();
    let reference = run_as(Reader::RowByRow, false, &args);
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    (dir, sales, args, reference)
}

/// Each statement's count of distinct customers (P1's months, in order) of a plan counting
/// them, run on a sales ledger of `lines` (`id,date,payee,customer,amount`) by the row-by-row
/// reader; every other reader must say the same, byte for byte.
fn customer_counts(lines: &[String]) -> Vec<String> {
    let policy = "policy \"D\" version \"1\" currency CNY

input sales {
  key    id:       text
  period date:     date
  payee  payee:    text
         customer: text
         amount:   money
}

payee sales.payee

metric customers monthly = count_distinct(sales.customer)

component commission monthly {
  pay sum(sales.amount) * 1%
}
";
    let (_dir, sales, args, reference) = run_json(policy, lines);
    for reader in readers().into_iter().skip(1) {
        let ran = run_as(reader, true, &args);
        assert_eq!(ran.stdout, reference.stdout, "{reader:?}");
        chunked_blocks(&ran.stderr, &sales, reader);
    }
    let json: serde_json::Value = serde_json::from_str(&reference.stdout).unwrap();
    json["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["metrics"]["customers"].as_str().unwrap().to_string())
        .collect()
}

/// Distinct counts over every kind of value the chunked reader numbers differently: numbered
/// texts of a small class (`C7`, `C07`: two classes, so two customers), of six digits (a
/// table each, until their budget of four is spent: then by a map of their numbers) and of
/// eight (by text), plain text (`Walk-in`, `walk-in`: two), and the same customer in many
/// blocks. Counted by hand: one payee, two months.
#[test]
fn distinct_counts_are_the_same_for_every_kind_of_value() {
    // Customers as written, each repeated on rows spread through the file.
    let customers = [
        "C7",
        "C07",
        "C7",
        "X123456",
        "X123456",
        "Y12345678",
        "Walk-in",
        "walk-in",
        "Y12345678",
        "C07",
        "A111111",
        "B222222",
        "D333333",
        "E444444",
        "F555555",
        "F555555",
    ];
    // Distinct: C7, C07, X123456, Y12345678, Walk-in, walk-in, A111111, B222222, D333333,
    // E444444, F555555 = 11 in January. February's rows name only C7 and Walk-in: 2.
    let mut lines = vec!["id,date,payee,customer,amount".to_string()];
    for (i, c) in customers.iter().cycle().take(200).enumerate() {
        // 200 rows: every customer at least 12 times, in every part of the file.
        lines.push(format!("S{:04},2026-01-{:02},P1,{c},1.00", i + 1, 1 + i % 28));
    }
    for i in 0..40 {
        let c = if i % 2 == 0 { "C7" } else { "Walk-in" };
        lines.push(format!("S{:04},2026-02-{:02},P1,{c},1.00", 201 + i, 1 + i % 28));
    }
    assert_eq!(customer_counts(&lines), ["11", "2"]);
}

/// The least and the greatest amount and date, read in blocks as row by row (they were read
/// row by row only until the thirty-component benchmark plan, `bench/thirty.policy`, showed
/// it): equal amounts written differently (`500`, `500.0`, `500.00`; `-0.00`, `0`) in rows far
/// apart, which blocks on other threads meet in no order; a quarter's months merged; a month
/// with no row (no value). Which of equal amounts is kept is tested in `eval::aggregate` (a
/// statement shows a number without its trailing zeros).
#[test]
fn min_and_max_are_the_same_whatever_the_threads_and_blocks() {
    let policy = "policy \"M\" version \"1\" currency CNY

input sales {
  key    id:     text
  period date:   date
  payee  payee:  text
         amount: money
}

payee sales.payee

metric low monthly = min(sales.amount)
metric high monthly = max(sales.amount)
metric first monthly = min(sales.date)
metric last monthly = max(sales.date)
metric refunds monthly = min(sales.amount where amount < 0) default 0
metric high_q quarterly = max(sales.amount)

component commission monthly {
  pay 1% * max(sales.amount) default 0
  floor 0
}
";
    let mut lines = vec!["id,date,payee,amount".to_string()];
    let mut row = |payee: &str, date: &str, amount: &str| {
        let id = lines.len();
        lines.push(format!("S{id:04},2026-{date},{payee},{amount}"));
    };
    // P1, January: fillers of 1.00 to 99.00 on days 2 to 27 (neither least nor greatest),
    // and among them 500 (row 1), 500.0 (middle), 500.00 (last rows); -20.5 and -20.50; the
    // first and last days once each.
    row("P1", "01-10", "500");
    for i in 0..300 {
        row("P1", &format!("01-{:02}", 2 + i % 26), &format!("{}.00", 1 + i % 99));
        match i {
            100 => row("P1", "01-01", "500.0"),
            150 => row("P1", "01-12", "-20.50"),
            200 => row("P1", "01-28", "-20.5"),
            _ => {}
        }
    }
    row("P1", "01-15", "500.00");
    // P1, February: 500 (greatest, one way only: the quarter's is January's 500.00).
    row("P1", "02-03", "500");
    row("P1", "02-04", "7.00");
    // P1, March: amounts a cent apart, of the same decimals, climbing from 10.00 to 10.29 and
    // falling from 9.99 to 9.70, turn by turn: each a new greatest or least.
    for i in 0..30 {
        row("P1", &format!("03-{:02}", 1 + i % 28), &format!("10.{i:02}"));
        row("P1", &format!("03-{:02}", 1 + i % 28), &format!("9.{:02}", 99 - i));
    }
    // P2, January: zeros only, written three ways.
    row("P2", "01-05", "-0.00");
    row("P2", "01-06", "0");
    row("P2", "01-07", "0.00");
    row("P2", "01-08", "-0.00");
    let (_dir, sales, args, reference) = run_json(policy, &lines);
    for reader in readers().into_iter().skip(1) {
        let ran = run_as(reader, true, &args);
        assert_eq!(ran.stdout, reference.stdout, "{reader:?}");
        chunked_blocks(&ran.stderr, &sales, reader);
    }
    let json: serde_json::Value = serde_json::from_str(&reference.stdout).unwrap();
    let shown: Vec<String> = json["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let m = &s["metrics"];
            let each =
                ["low", "high", "first", "last", "refunds", "high_q"].map(|k| m[k].as_str().unwrap_or("-").to_string());
            format!(
                "{} {} {} {}",
                s["payee"].as_str().unwrap(),
                s["period"].as_str().unwrap(),
                each.join(" "),
                s["total"]
            )
        })
        .collect();
    // By hand: P1's January least -20.5, greatest 500, days 1 and 28, refunds -20.5, the
    // quarter's greatest 500; pays 1% of 500 = 5.00. February: 7 and 500, days 3 and 4, no
    // refund (0), the quarter's 500 still; 5.00. March: 9.70 and 10.29, days 1 and 28 (i = 27),
    // no refund, the quarter's 500; 1% of 10.29 = 0.1029, 0.10. P2's January: zeros only (0),
    // days 5 and 8; pays 0.00. P2's February and March: no row, so no least, greatest or day;
    // the quarter's 0.
    assert_eq!(
        shown,
        [
            "P1 2026-01 -20.5 500 2026-01-01 2026-01-28 -20.5 500 \"5.00\"",
            "P1 2026-02 7 500 2026-02-03 2026-02-04 0 500 \"5.00\"",
            "P1 2026-03 9.7 10.29 2026-03-01 2026-03-28 0 500 \"0.10\"",
            "P2 2026-01 0 0 2026-01-05 2026-01-08 0 0 \"0.00\"",
            "P2 2026-02 - - - - 0 0 \"0.00\"",
            "P2 2026-03 - - - - 0 0 \"0.00\"",
        ]
    );
}

/// Customers of thousands of prefixes (`ABC7`: a class each, as `C36048` is of class `C`):
/// more than a thread's run of blocks can code by their class (2,048), so past them a run
/// numbers a customer by its text, and the merge numbers it by its class all the same. With
/// blocks of 64 KiB the first block holds the first 2,048 classes and 60 more, which its
/// thread numbers by text; the second block names those 60 customers again, and on another
/// thread codes them by their class: each still counts once.
/// Counted by hand: P1's January names 2,108 customers (2,108 classes, one customer each),
/// the repeats none more; February 3 (`ABC7`, `ABC8`, `Walk-in`).
#[test]
fn distinct_counts_of_customers_of_thousands_of_prefixes() {
    // `AAB`, `AAC`, ...: three letters for `i`, so no prefix ends in a digit.
    let prefix = |i: usize| -> String {
        let letter = |k: usize| char::from(b'A' + (k % 26) as u8);
        [letter(i / 676), letter(i / 26), letter(i)].iter().collect()
    };
    let mut lines = vec!["id,date,payee,customer,amount".to_string()];
    let mut row = |date: &str, customer: String| {
        let id = lines.len();
        lines.push(format!("S{id:05},2026-{date},P1,{customer},1.00"));
    };
    // The first thousand of two digits (rows of 32 bytes), the others of one (31 bytes).
    let customers: Vec<String> =
        (0..2108).map(|i| if i < 1000 { format!("{}17", prefix(i)) } else { format!("{}7", prefix(i)) }).collect();
    for c in &customers {
        row("01-05", c.clone());
    }
    // Past the first block (it ends in row 2,080 or so): the last 60 classes' customers
    // again, and the first 60's.
    for i in (2048..2108).chain(0..60) {
        row("01-20", customers[i].clone());
    }
    for c in ["ABC7", "ABC8", "Walk-in", "ABC7"] {
        row("02-03", c.to_string());
    }
    // A block holds the lines that start in it: the header and rows up to 65,535 bytes.
    let starts = lines.iter().scan(0, |at, l| {
        let start = *at;
        *at += l.len() + 1;
        Some(start)
    });
    let first_block = starts.filter(|&start| start < 65536).count() - 1;
    assert!((2049..2108).contains(&first_block), "the first block's {first_block} rows");
    assert_eq!(customer_counts(&lines), ["2108", "3"]);
}

/// The chunked reader does not even slice a free text column nothing reads (here `note`), but
/// every other way a plan reads text still sees it: a distinct count of a text column, filters
/// on text the evaluator decides, and one over two such columns.
#[test]
fn text_columns_are_read_whichever_way_a_plan_reads_them() {
    let policy = "policy \"T\" version \"1\" currency CNY

input sales {
  key    id:       text
  period date:     date
  payee  payee:    text
         business: text
         segment:  text
         note:     text
         amount:   money
}

payee sales.payee

metric segments monthly = count_distinct(sales.segment)
metric sme monthly = sum(sales.amount where segment = \"sme\")
metric ict_sme monthly = sum(sales.amount where business = \"ict\" and segment = \"sme\")

component commission monthly {
  pay sum(sales.amount) * 1%
}
";
    // Row i (0..60) sells i + 1 yuan, in segment i % 4 and business i % 3 of these lists.
    let segments = ["sme", "enterprise", "sme", "government"];
    let businesses = ["ict", "cloud", "mobile"];
    let mut lines = vec!["id,date,payee,business,segment,note,amount".to_string()];
    for i in 0..60 {
        let (business, segment) = (businesses[i % 3], segments[i % 4]);
        lines.push(format!("S{:04},2026-01-{:02},P1,{business},{segment},note {i},{}.00", i + 1, 1 + i % 28, i + 1));
    }
    let (_dir, sales, args, reference) = run_json(policy, &lines);
    let json: serde_json::Value = serde_json::from_str(&reference.stdout).unwrap();
    let statement = &json["statements"][0];
    // Three segments (a metric shows a sum as it is, with no trailing zeros). `sme` is every even row: 1 + 3 + ... + 59 = 30 x 30 = 900. `ict` and
    // `sme` is every sixth row from 0: 1 + 7 + ... + 55, ten terms averaging 28 = 280. The
    // commission is 1% of 1 + ... + 60 = 1,830: 18.30.
    assert_eq!(statement["metrics"]["segments"], "3", "{}", reference.stdout);
    assert_eq!(statement["metrics"]["sme"], "900", "{}", reference.stdout);
    assert_eq!(statement["metrics"]["ict_sme"], "280", "{}", reference.stdout);
    assert_eq!(statement["total"], "18.30", "{}", reference.stdout);
    for reader in readers().into_iter().skip(1) {
        let ran = run_as(reader, true, &args);
        assert_eq!(ran.stdout, reference.stdout, "{reader:?}");
        chunked_blocks(&ran.stderr, &sales, reader);
    }
}

// ---------------------------------------------------------------------------------------------
// The 2027 plan: sales credited by shares, named by cancellations, checked against hire dates

const PLAN_2027: &str = "policies/telecom-2027.policy";
const INPUTS_2027: [&str; 5] = ["roster", "sales", "credits", "targets", "cancellations"];

/// A change to the lines of one input file of the 2027 plan: its input, and the change.
type Edit = (&'static str, fn(&mut Vec<String>));

/// The example year of `examples/telecom-2027/` copied into `dir/case/`, with `edit` applied
/// to the lines of one of its files; returns the `--data` arguments for it.
fn year_2027(dir: &Path, case: &str, edit: Option<Edit>) -> Vec<String> {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/telecom-2027");
    let sub = dir.join(case);
    std::fs::create_dir_all(&sub).unwrap();
    let mut args = Vec::new();
    for input in INPUTS_2027 {
        let text = std::fs::read_to_string(from.join(format!("{input}.csv"))).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        if let Some((file, edit)) = edit.filter(|(file, _)| *file == input) {
            assert_eq!(file, input);
            edit(&mut lines);
        }
        let path = sub.join(format!("{input}.csv"));
        std::fs::write(&path, ledger(&lines, "\n")).unwrap();
        args.extend(["--data".to_string(), format!("{input}={}", path_text(&path))]);
    }
    args
}

/// The 2027 plan's sales are credited by shares (a split sale is folded for each credited
/// payee, its sums weighed by the share), named by cancellations (each named sale is kept for
/// the clawback), and checked against the roster's hire dates: the chunked reader takes them,
/// and the credits and cancellations too (kept in file order), and `run` and `budget` (whose tally weighs split sales by their shares too) say exactly
/// what the row-by-row reader says.
///
/// `budget`'s reruns scale amounts by 1.000001: such an amount (8 decimals) times a 33.5% share
/// (3 more) is read in blocks (a sum there keeps fourteen), the reruns' sums of the credited
/// sales taken from the plan's, times the factor (the shares are the same); with the three-way splits made
/// 33.3333333% + 33.3333333% + 33.3333334% (the 33.5% and 33% rows, which come together), a
/// share of nine decimals makes seventeen, and the sales go row by row.
#[test]
fn credited_and_named_sales_read_in_blocks_give_the_same_statements() {
    let dir = tempfile::tempdir().unwrap();
    let thirds: fn(&mut Vec<String>) = |lines| {
        for line in lines.iter_mut() {
            *line = line.replace(",33.5%", ",33.3333333%").replace(",33%", ",33.3333334%");
        }
    };
    let args = |command: &str, data: &[String]| {
        let mut args = vec![command.to_string(), PLAN_2027.to_string()];
        args.extend(data.iter().cloned());
        match command {
            "run" => args.extend(["--format", "csv"].map(str::to_string)),
            _ => args.extend(["--by", "business", "--by", "employee", "--format", "json"].map(str::to_string)),
        }
        args
    };
    let example = year_2027(dir.path(), "example", None);
    let thirds = year_2027(dir.path(), "thirds", Some(("credits", thirds)));
    let runs = [
        (args("run", &example), "example", true),
        (args("budget", &example), "example", true),
        (args("run", &thirds), "thirds", true),
        (args("budget", &thirds), "thirds", false),
    ];
    for (args, case, in_blocks) in runs {
        let sales = dir.path().join(case).join("sales.csv");
        let reference = run_as(Reader::RowByRow, false, &args);
        assert_eq!(reference.code, 0, "{}", reference.stderr);
        for reader in readers().into_iter().skip(1) {
            let ran = run_as(reader, true, &args);
            let what = format!("{} {case}, {reader:?}", args[0]);
            assert_eq!(ran.code, 0, "{what}: {}", ran.stderr);
            assert!(ran.stdout == reference.stdout, "{what}: differs from the row-by-row reader's");
            match in_blocks {
                true => {
                    for file in ["sales", "credits", "cancellations"] {
                        chunked_blocks(&ran.stderr, &dir.path().join(case).join(format!("{file}.csv")), reader);
                    }
                    // The reruns credit the sales by the same shares as the plan: each of the
                    // three takes at least the plan's `sum(sales.amount)`, times its factor.
                    if args[0] == "budget" {
                        let shared = shared_aggregates(&ran.stderr, &sales, reader);
                        assert!(shared >= 3, "{what}: {shared} aggregates shared");
                        // And the three reruns hold one copy of the shares, the plan's.
                        for plan in 2..=4 {
                            let one = format!("credit shares of plan {plan}: one copy with an earlier plan's");
                            assert!(ran.stderr.contains(&one), "{what}: no `{one}` in {}", ran.stderr);
                        }
                    }
                }
                false => {
                    let head = format!("read {}: row by row", path_text(&sales));
                    assert!(ran.stderr.contains(&head), "{what}: {}", ran.stderr);
                }
            }
            // The 27 cancellations are folded after the sales, in a part per thread.
            let kept = match reader {
                Reader::Chunked { threads, .. } if threads > 1 => format!("fold 27 kept rows: {threads} parts"),
                _ => "fold 27 kept rows: in file order (one part)".to_string(),
            };
            assert!(ran.stderr.contains(&kept), "{what}: no `{kept}` in {}", ran.stderr);
        }
    }
}

/// `COMMISSION_THREADS` above 64 reads on 64 threads, the most for which sums folded in blocks
/// are proved to equal the row-by-row fold's; the statements are the row-by-row reader's.
#[test]
fn more_than_sixty_four_threads_read_on_sixty_four() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["run".to_string(), PLAN_2027.to_string()];
    args.extend(year_2027(dir.path(), "example", None));
    args.extend(["--format".to_string(), "csv".to_string()]);
    let reference = run_as(Reader::RowByRow, false, &args);
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    let ran = run_as(Reader::Chunked { threads: 100, block: Some(64) }, true, &args);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout == reference.stdout, "differs from the row-by-row reader's");
    let sales = format!("read {}: chunked, ", path_text(&dir.path().join("example/sales.csv")));
    let line = ran.stderr.lines().find_map(|l| l.strip_prefix(&sales)).unwrap_or_else(|| panic!("{}", ran.stderr));
    assert!(line.contains(" blocks, 64 threads, "), "{line}");
}

/// `diff` of the 2027 plan and a version paying a 5% advance: the two credit the sales by the
/// same shares (the same credits file, the same `credit` line), so the version takes the plan's
/// sums of the credited sales instead of folding its own. Of the plan's three aggregates of
/// the sales (`sum(sales.amount)` for the advance and the true-up, the same `for reports` for
/// the override, the spiff's filtered sum, which the evaluator computes and is never shared),
/// two are shared; the diff is the row-by-row reader's, byte for byte, and shows the change.
#[test]
fn two_versions_of_the_2027_plan_share_the_sums_of_credited_sales() {
    let dir = tempfile::tempdir().unwrap();
    let data = year_2027(dir.path(), "example", None);
    let plan = std::fs::read_to_string(PLAN_2027).unwrap();
    assert_eq!(plan.matches("pay 4% * sum(sales.amount)").count(), 1);
    // The version also counts its sales (a metric): its fold is not the plan's (else one
    // fold would serve both, `reuse::same_fold`), and the read shares what the two add up alike.
    let version = dir.path().join("advance5.policy");
    let advance5 = plan.replace("pay 4% * sum(sales.amount)", "pay 5% * sum(sales.amount)");
    std::fs::write(&version, format!("{advance5}\nmetric sales_count \"销售笔数\" monthly = count(sales)\n")).unwrap();
    let mut args = vec!["diff".to_string(), PLAN_2027.to_string(), path_text(&version).to_string()];
    args.extend(data);
    args.extend(["--format".to_string(), "json".to_string()]);
    let reference = run_as(Reader::RowByRow, false, &args);
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    assert!(reference.stdout.contains("\"advance\""), "{}", reference.stdout);
    every_chunked_reader_agrees(&args, &reference, &dir.path().join("example/sales.csv"), 2);
}

/// `explain` of the 2027 plan reads its ledgers in blocks too: a split sale is listed for each
/// credited payee with their share, and a manager's explanation lists their direct reports'
/// sales (`for reports`). For every payee of the example year and six months, the same
/// explanation, message and exit code as the row-by-row reader's; and the cases do list shares
/// and reports' rows (counted, so the test cannot pass on explanations without them).
#[test]
fn explain_of_the_2027_plan_reads_in_blocks_and_lists_shares_and_reports_as_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let data = year_2027(dir.path(), "example", None);
    let roster = std::fs::read_to_string(dir.path().join("example/roster.csv")).unwrap();
    let payees: Vec<&str> = roster.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(payees.len(), 12);
    let (mut shares, mut reports) = (0, 0);
    for payee in &payees {
        for month in ["2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06"] {
            let format = if month == "2027-03" { "json" } else { "text" };
            let mut args =
                ["explain", PLAN_2027, "--payee", payee, "--period", month, "--all-rows", "--format", format]
                    .map(String::from)
                    .to_vec();
            args.extend(data.iter().cloned());
            let case = format!("{payee} {month}");
            let reference = run_as(Reader::RowByRow, false, &args);
            assert_eq!(reference.code, 0, "{case}: {}", reference.stderr);
            let reported = Reader::Chunked { threads: 2, block: Some(64) };
            let ran = run_as(reported, true, &args);
            assert!(ran.stdout == reference.stdout, "{case}: differs from the row-by-row reader's");
            for file in ["sales", "credits", "cancellations"] {
                chunked_blocks(&ran.stderr, &dir.path().join("example").join(format!("{file}.csv")), reported);
            }
            let quiet = run_as(Reader::Chunked { threads: 4, block: Some(1000) }, false, &args);
            assert_eq!(quiet.code, reference.code, "{case}");
            assert!(quiet.stdout == reference.stdout, "{case}: differs from the row-by-row reader's");
            assert!(quiet.stderr == reference.stderr, "{case}: {}", quiet.stderr);
            if format == "text" {
                shares += reference.stdout.matches("% of the row)").count();
                reports += reference
                    .stdout
                    .lines()
                    .filter(|l| l.contains("for reports) = ") && !l.contains("from 0 rows"))
                    .count();
            }
        }
    }
    assert!(shares > 10, "only {shares} split rows listed");
    assert!(reports > 3, "only {reports} reports' sums with rows");
}

/// Bad rows the 2027 plan's checks find in or about its sales, credits and cancellations, each
/// reported exactly as the row-by-row reader reports it (the chunked read hands a file with a
/// bad row back to it; a check on the whole read names a share or a cancellation read in
/// blocks at its own line), with no output.
#[test]
fn a_sale_before_a_hire_or_a_share_of_no_sale_is_reported_as_row_by_row() {
    let cases: [(&str, Edit, &str, &str); 8] = [
        // Line 3 is S000002, dated 2027-01-02; E11 is hired on 2027-04-16 (roster line 12): as
        // E11's sale it is refused at its date.
        ("sale-before-hire", ("sales", |l| set_field(l, 3, 2, "E11")), "sales.csv:3:2", "E0325"),
        // A share of a sale the sales ledger does not have.
        ("share-of-no-sale", ("credits", |l| l.push("S999999,E05,100%".to_string())), "credits.csv:99:1", "E0321"),
        // A share for someone not in the roster: refused where it is read.
        ("share-for-no-payee", ("credits", |l| set_field(l, 2, 1, "E99")), "credits.csv:2:2", "E0305"),
        // S000006's shares (lines 2 and 3, 50% each) made 40% + 50%: named at its first share.
        ("shares-not-whole", ("credits", |l| set_field(l, 2, 2, "40%")), "credits.csv:2:1", "E0322"),
        // A cancellation of a sale the sales ledger does not have.
        (
            "cancellation-of-no-sale",
            ("cancellations", |l| set_field(l, 3, 2, "S999999")),
            "cancellations.csv:3:3",
            "E0321",
        ),
        // X0001 takes back more than its sale S000003 (70,475.93) was.
        (
            "cancelled-more-than-sold",
            ("cancellations", |l| set_field(l, 2, 3, "70475.94")),
            "cancellations.csv:2:4",
            "E0323",
        ),
        // X0027 (the last line, 28) made a second cancellation of S000003: 65,496.32 on line 2
        // and 5,000.00 here are 70,496.32, more than the sale's 70,475.93, though each alone
        // is less. Cancellations are folded in parts on several threads (lines 2 to 15 and 16
        // to 28 on two): the total passes the limit only once both parts are added up.
        (
            "cancelled-more-than-sold-over-two-parts",
            ("cancellations", |l| {
                set_field(l, 28, 2, "S000003");
                set_field(l, 28, 3, "5000.00");
            }),
            "cancellations.csv:28:4",
            "E0323",
        ),
        // The same of the last sale, S000406 (9,945.00): 5,000.00 on line 15 and 5,000.00 on
        // line 28 are 10,000.00. Its total is added up by the second of two cores, each
        // taking a range of the named sales (the first takes S000003's).
        (
            "cancelled-more-than-sold-over-two-parts-late-sale",
            ("cancellations", |l| {
                set_field(l, 15, 2, "S000406");
                set_field(l, 15, 3, "5000.00");
                set_field(l, 28, 2, "S000406");
                set_field(l, 28, 3, "5000.00");
            }),
            "cancellations.csv:28:4",
            "E0323",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (case, edit, place, code) in cases {
        let output = dir.path().join(case).join("statements.csv");
        let mut args = vec!["run".to_string(), PLAN_2027.to_string()];
        args.extend(year_2027(dir.path(), case, Some(edit)));
        args.extend(["--format", "csv", "--message-format", "plain", "--output"].map(str::to_string));
        args.push(path_text(&output).to_string());
        let reference = run_as(Reader::RowByRow, false, &args);
        assert_eq!(reference.code, 2, "{case}: {}", reference.stderr);
        let named = format!("{case}/{place}:");
        assert!(reference.stderr.contains(&named), "{case}: expected `{named}` in:\n{}", reference.stderr);
        crate::assert_code(&reference, code);
        every_reader_says_the_same(&args, &reference, case, Some(&output));
        if case.contains("-over-two-parts") {
            // Folded in two parts first, each within the limit; the totals, added in file
            // order once both are folded, pass it: folded again in file order, which finds the
            // line.
            let ran = run_as(Reader::Chunked { threads: 2, block: None }, true, &args);
            let again = "fold 27 kept rows: in file order (a `within` total that passes its limit)";
            assert!(ran.stderr.contains(again), "{case}: no `{again}` in {}", ran.stderr);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Records of ledgers read with no problem (`data::checked`): `explain` after a run

/// Runs `commission` reading in blocks of 1,000 bytes on two threads, keeping records in
/// `records` (`None`: keeping none, `COMMISSION_CHECKED=off`); with `report`, standard error
/// also says how each ledger was read and what became of the record.
fn with_records(records: Option<&Path>, report: bool, args: &[String]) -> Ran {
    let mut cmd = commission();
    for var in ["COMMISSION_CHUNKED", "COMMISSION_REPORT_READS"] {
        cmd.env_remove(var);
    }
    cmd.env("COMMISSION_THREADS", "2").env("COMMISSION_CHUNK_BYTES", "1000");
    match records {
        Some(dir) => cmd.env("COMMISSION_CHECKED", dir),
        None => cmd.env("COMMISSION_CHECKED", "off"),
    };
    if report {
        cmd.env("COMMISSION_REPORT_READS", "1");
    }
    cmd.args(args).output().unwrap().into()
}

/// A `diff` whose two plans share one fold (the flat and the marginal seed plans fold the
/// same aggregates) leaves a record of the files read for each plan: an `explain` of the
/// marginal plan after it trusts its record, and says what an `explain` checking every row
/// says.
#[test]
fn a_diff_of_one_fold_leaves_a_record_for_each_plan() {
    let (_, folder, path) = plain_ledger();
    let records = tempfile::tempdir().unwrap();
    let mut diff = ["diff", POLICY, MARGINAL].map(String::from).to_vec();
    diff.extend(folder.data(&path));
    let ran = with_records(Some(records.path()), true, &diff);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stderr.contains(" 0 aggregates shared"), "one fold, nothing shared between two:\n{}", ran.stderr);
    assert_eq!(ran.stderr.matches("record of files read with no problem: ").count(), 2, "{}", ran.stderr);
    assert_eq!(records_in(records.path()).len(), 2);
    let mut args = explain_args(&folder, &path, "M08", "2026-03", "text");
    args[1] = MARGINAL.to_string();
    let trusting = with_records(Some(records.path()), true, &args);
    assert_eq!(trusting.code, 0, "{}", trusting.stderr);
    assert!(trusting.stderr.contains("explain: a record of files read with no problem: "), "{}", trusting.stderr);
    let checking = with_records(None, false, &args);
    assert!(trusting.stdout == checking.stdout, "{}\nchecking every row:\n{}", trusting.stdout, checking.stdout);
}

/// `explain PAYEE MONTH` of the seed plan over `sales` and the surveys, with `format`.
fn explain_args(folder: &Folder, sales: &Path, payee: &str, month: &str, format: &str) -> Vec<String> {
    let mut args = ["explain", POLICY, "--payee", payee, "--period", month, "--all-rows", "--format", format]
        .map(String::from)
        .to_vec();
    args.extend(folder.data(sales));
    args
}

/// The files in a folder of records, by name.
fn records_in(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut names: Vec<String> = entries.map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
            names.sort();
            names
        }
        Err(_) => Vec::new(),
    }
}

/// After a run has read the ledgers with no problem, `explain` passes over the other payees'
/// rows without checking them again, and says exactly what an explanation that checks every
/// row says: the same output, error and exit code for every payee (an unknown one too) and
/// for months with and without rows. The rows passed over are counted from the generated
/// ledger: every row but the payee's own (the surveys are read row by row, whole).
#[test]
fn explain_after_a_run_passes_over_other_payees_rows_and_says_the_same() {
    let (sales, folder, path) = plain_ledger();
    let records = folder.dir.path().join("records");
    // Before any run there is no record: explain checks every row, and leaves a record of the
    // buckets it folded (see the next test); a run with a range adds its buckets to it, and a
    // run over every month makes it a record of all.
    let first = with_records(Some(&records), true, &explain_args(&folder, &path, "M08", "2026-03", "text"));
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stderr.contains("explain: no record of these files"), "{}", first.stderr);
    assert!(!first.stderr.contains("not checked again"), "{}", first.stderr);
    assert_eq!(record_buckets(&records), Some("2026-01 2026-02 2026-03 2026-Q1 2026".into()));
    let ranged = with_records(Some(&records), false, &folder.run_args(&path, &["--period", "2026-06"]));
    assert_eq!(ranged.code, 0, "{}", ranged.stderr);
    let second_quarter = "2026-01 2026-02 2026-03 2026-04 2026-05 2026-06 2026-Q1 2026-Q2 2026";
    assert_eq!(record_buckets(&records), Some(second_quarter.into()));
    let run = with_records(Some(&records), true, &folder.run_args(&path, &[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(records_in(&records).len(), 1, "{}", run.stderr);
    assert_eq!(record_buckets(&records), Some("all".into()));
    let mut cases: Vec<(String, &str, &str)> = Vec::new();
    for m in 1..=MANAGERS {
        // March (a month), June (a quarter's end: the survey bonus), and 2026-12 for M07.
        for month in ["2026-03", "2026-06"] {
            cases.push((format!("M{m:02}"), month, "text"));
        }
    }
    cases.push(("M07".into(), "2026-12", "json"));
    cases.push(("M03".into(), "2026-06", "json"));
    // No such payee (a near miss, suggested), and a month no ledger has.
    cases.push(("M8".into(), "2026-03", "text"));
    cases.push(("M08".into(), "2027-01", "text"));
    for (payee, month, format) in &cases {
        let args = explain_args(&folder, &path, payee, month, format);
        let checking = with_records(None, false, &args);
        let trusting = with_records(Some(&records), false, &args);
        let case = format!("{payee} {month} {format}");
        assert_eq!(trusting.code, checking.code, "{case}: {}", trusting.stderr);
        assert!(trusting.stdout == checking.stdout, "{case}: the explanation differs from one checking every row");
        assert!(
            trusting.stderr == checking.stderr,
            "{case}: {}\nchecking every row:\n{}",
            trusting.stderr,
            checking.stderr
        );
        // It did trust the record: every other payee's row passed over, the files the same.
        let reported = with_records(Some(&records), true, &args);
        if checking.code == 0 {
            let own = sales.iter().filter(|s| s.manager == *payee).count();
            let passed = format!("{} rows of other payees not checked again", ROWS - own);
            assert!(reported.stderr.contains(&passed), "{case}: expected `{passed}` in\n{}", reported.stderr);
            assert!(reported.stderr.contains("the same files, trusted"), "{case}: {}", reported.stderr);
        } else {
            // An error is made again from every row, so its message is an untrusting one's.
            assert!(reported.stderr.contains("explain: read again, every row checked (a problem)"), "{case}");
        }
    }
    assert!(cases.iter().any(|(p, m, _)| p == "M8" && *m == "2026-03"));
    // A quoted line is read whole even when it is another payee's (it is split by the
    // quote-aware splitter): M02's first sale with its customer quoted, passed over no more.
    let mut lines = sales_lines(&sales);
    let i = sales.iter().position(|s| s.manager == "M02").unwrap();
    let mut fields: Vec<String> = lines[i + 1].split(',').map(str::to_string).collect();
    fields[3] = format!("\"{}\"", fields[3]);
    lines[i + 1] = fields.join(",");
    let path = folder.sales("quoted", &ledger(&lines, "\n"));
    let run = with_records(Some(&records), false, &folder.run_args(&path, &[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let args = explain_args(&folder, &path, "M08", "2026-03", "text");
    let checking = with_records(None, false, &args);
    let trusting = with_records(Some(&records), true, &args);
    assert_eq!((trusting.code, checking.code), (0, 0), "{}", trusting.stderr);
    assert!(trusting.stdout == checking.stdout, "the explanation differs from one checking every row");
    let own = sales.iter().filter(|s| s.manager == "M08").count();
    let passed = format!("{} rows of other payees not checked again", ROWS - own - 1);
    assert!(trusting.stderr.contains(&passed), "expected `{passed}` in\n{}", trusting.stderr);
    // Lines as ledgers write them, in blocks without quotes (each line found by its line
    // break, only its first fields split): blank lines and lines of commas (not rows) and
    // blanks around payees, M08's among them (a cell is trimmed, so " M08 " is M08's row),
    // with LF and with CRLF endings; no line break after the last line.
    let mut spaced = sales_lines(&sales);
    for (_, line) in spaced.iter_mut().enumerate().skip(1).filter(|(i, _)| i % 7 == 0) {
        let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
        fields[2] = format!(" {}\t", fields[2]);
        *line = fields.join(",");
    }
    for at in [40, 20, 5] {
        spaced.insert(at, if at == 20 { ",,,,".to_string() } else { String::new() });
    }
    let variants = [
        ("crlf", ledger(&spaced, "\r\n")),
        ("unended", ledger(&sales_lines(&sales), "\n").trim_end().to_string()),
        ("spaced", ledger(&spaced, "\n")),
    ];
    for (name, text) in variants {
        assert!(!text.contains('"'), "{name}");
        let path = folder.sales(name, &text);
        let run = with_records(Some(&records), false, &folder.run_args(&path, &[]));
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        for payee in ["M08", "M02"] {
            let args = explain_args(&folder, &path, payee, "2026-03", "text");
            let checking = with_records(None, false, &args);
            let trusting = with_records(Some(&records), true, &args);
            assert_eq!((trusting.code, checking.code), (0, 0), "{name}: {}", trusting.stderr);
            assert!(trusting.stdout == checking.stdout, "{name} {payee}: the explanation differs");
            let own = sales.iter().filter(|s| s.manager == payee).count();
            let passed = format!("{} rows of other payees not checked again", ROWS - own);
            assert!(trusting.stderr.contains(&passed), "{name}: expected `{passed}` in\n{}", trusting.stderr);
        }
    }
}

/// `explain --quick` with no record of a run checks only the payee's own rows: every other
/// payee's row is passed over unchecked, the explanation is the checking one's with one line
/// more (text) or one field more (JSON) saying how many rows were not checked (counted here
/// from the generated ledgers: every sale and survey but the payee's own), and it leaves no
/// record. Another payee's bad row does not stop it (the checking `explain` refuses the
/// ledger); a bad row of the payee's own, an unknown payee or a month no ledger has are
/// reported exactly as the checking one reports them. With a record of a run, `--quick`
/// changes nothing: every row was checked by that run.
#[test]
fn explain_quick_checks_only_the_payees_rows_and_says_how_many_it_did_not() {
    let (sales, folder, path) = plain_ledger();
    let surveys = surveys_ledger().lines().count() - 1;
    let quick = |args: &[String]| {
        let mut args = args.to_vec();
        args.push("--quick".into());
        args
    };
    let records = folder.dir.path().join("records");
    for (payee, month, format) in [("M08", "2026-03", "text"), ("M07", "2026-06", "json"), ("M01", "2026-12", "text")] {
        let args = explain_args(&folder, &path, payee, month, format);
        let checking = with_records(None, false, &args);
        assert_eq!(checking.code, 0, "{}", checking.stderr);
        let quick = with_records(Some(&records), true, &quick(&args));
        assert_eq!(quick.code, 0, "{}", quick.stderr);
        assert!(quick.stderr.contains("no record: --quick"), "{}", quick.stderr);
        assert!(records_in(&records).is_empty(), "a quick explain leaves no record");
        let own_sales = sales.iter().filter(|s| s.manager == payee).count();
        // Every manager has a survey a quarter but M07, none for 2026-Q2 (`surveys_ledger`).
        let own_surveys = if payee == "M07" { 3 } else { 4 };
        let unchecked = ROWS - own_sales + surveys - own_surveys;
        match format {
            "text" => {
                let note = format!(
                    "\nonly {payee}'s rows checked: {},{:03} rows of other payees not checked (--quick; `commission run` checks every row)\n",
                    unchecked / 1000,
                    unchecked % 1000
                );
                assert_eq!(quick.stdout, format!("{}{note}", checking.stdout), "{payee} {month}");
            }
            _ => {
                let mut quick: serde_json::Value = serde_json::from_str(&quick.stdout).unwrap();
                let checking: serde_json::Value = serde_json::from_str(&checking.stdout).unwrap();
                let said = quick.as_object_mut().unwrap().remove("unchecked_rows");
                assert_eq!(said, Some(serde_json::json!(unchecked)), "{payee} {month}");
                assert_eq!(quick, checking, "{payee} {month}");
            }
        }
    }
    // Another payee's bad amount: the checking explain refuses the ledger, the quick one
    // explains M08 exactly as it does on the good ledger. M08's own bad amount, an unknown
    // payee, a month no ledger has: the quick explain says what the checking one says.
    let line_of = |manager: &str| sales.iter().position(|s| s.manager == manager).unwrap() + 1;
    let mut lines = sales_lines(&sales);
    for i in [line_of("M02"), line_of("M08")] {
        let mut fields: Vec<String> = lines[i].split(',').map(str::to_string).collect();
        fields[7] = "12x.00".into();
        lines[i] = fields.join(",");
    }
    let mut others_bad = sales_lines(&sales);
    others_bad[line_of("M02")] = lines[line_of("M02")].clone();
    let others_bad = folder.sales("others-bad", &ledger(&others_bad, "\n"));
    let both_bad = folder.sales("both-bad", &ledger(&lines, "\n"));
    let good = with_records(None, false, &quick(&explain_args(&folder, &path, "M08", "2026-03", "text")));
    let args = explain_args(&folder, &others_bad, "M08", "2026-03", "text");
    let checking = with_records(None, false, &args);
    assert_eq!(checking.code, 2, "{}", checking.stderr);
    assert!(checking.stderr.contains("12x.00"), "{}", checking.stderr);
    let quick_bad = with_records(None, false, &quick(&args));
    assert_eq!(quick_bad.code, 0, "{}", quick_bad.stderr);
    assert_eq!(quick_bad.stdout.replace("others-bad/sales.csv", "plain/sales.csv"), good.stdout);
    let cases = [(&both_bad, "M08", "2026-03"), (&path, "M8", "2026-03"), (&path, "M08", "2027-01")];
    for (sales, payee, month) in cases {
        let args = explain_args(&folder, sales, payee, month, "text");
        let checking = with_records(None, false, &args);
        let quick = with_records(None, false, &quick(&args));
        assert_ne!(checking.code, 0, "{payee} {month}");
        assert_eq!((quick.code, &quick.stdout, &quick.stderr), (checking.code, &checking.stdout, &checking.stderr));
    }
    // After a run, a record: `--quick` trusts it, and every row was checked by the run.
    let run = with_records(Some(&records), false, &folder.run_args(&path, &[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let args = explain_args(&folder, &path, "M08", "2026-03", "text");
    let trusting = with_records(Some(&records), true, &quick(&args));
    assert!(trusting.stderr.contains("the same files, trusted"), "{}", trusting.stderr);
    assert_eq!(trusting.stdout, with_records(None, false, &args).stdout);
}

/// The buckets of the one record in `dir` (its `buckets` line: months, quarters, years, each
/// in order), `None` when there is no record.
fn record_buckets(dir: &Path) -> Option<String> {
    let names = records_in(dir);
    assert!(names.len() <= 1, "{names:?}");
    let text = std::fs::read_to_string(dir.join(names.first()?)).unwrap();
    Some(text.lines().find_map(|l| l.strip_prefix("buckets ")).expect("a record names its buckets").to_string())
}

/// A record vouches for the buckets its fold folded, and no others: every row is checked
/// whatever the range, but a row's figures only for the buckets folded. Here a second survey
/// of M02 for 2026-Q2 is refused only when that quarter is folded (`run --period 2026-03`
/// passes, `run` does not). An `explain` with no record checks every row, folds the buckets
/// its month needs for every payee, and leaves a record of them; the next `explain` of a
/// month those buckets cover trusts it, one of another month does not (its explanation, its
/// message and its exit code are those of one that checks every row, here the second survey
/// refused), and one of another month that reads with no problem adds its buckets.
#[test]
fn a_record_vouches_for_the_buckets_its_fold_folded_and_no_others() {
    let (_, folder, path) = plain_ledger();
    let surveys = format!("{}M02,2026-Q2,71%\n", surveys_ledger());
    std::fs::write(&folder.surveys, &surveys).unwrap();
    let second = surveys.lines().count();
    let records = folder.dir.path().join("records");
    let ranged = with_records(None, false, &folder.run_args(&path, &["--period", "2026-03"]));
    assert_eq!(ranged.code, 0, "{}", ranged.stderr);
    let whole = with_records(Some(&records), false, &folder.run_args(&path, &[]));
    assert_ne!(whole.code, 0);
    assert!(whole.stderr.contains(&format!("surveys.csv:{second}: a second row for payee `M02` in 2026-Q2")));
    assert!(records_in(&records).is_empty(), "a run that refused a row left a record");
    let both = |payee: &str, month: &str| {
        let args = explain_args(&folder, &path, payee, month, "text");
        let checking = with_records(None, false, &args);
        let trusting = with_records(Some(&records), true, &args);
        let quiet = with_records(Some(&records), false, &args);
        let case = format!("{payee} {month}");
        assert_eq!(trusting.code, checking.code, "{case}: {}", trusting.stderr);
        assert!(trusting.stdout == checking.stdout, "{case}: the explanation differs from one checking every row");
        assert!(quiet.stderr == checking.stderr, "{case}: {}\nchecking every row:\n{}", quiet.stderr, checking.stderr);
        (checking, trusting)
    };
    // March is the first quarter's last month: the quarterly bonus and the quarterly metric
    // read the quarter's three months; March's quarter and year are read as such.
    let (checking, trusting) = both("M08", "2026-03");
    assert_eq!(checking.code, 0, "{}", checking.stderr);
    assert!(trusting.stderr.contains("explain: no record of these files"), "{}", trusting.stderr);
    let first_quarter = "2026-01 2026-02 2026-03 2026-Q1 2026";
    assert_eq!(record_buckets(&records), Some(first_quarter.into()));
    // February needs buckets of the first quarter only (its quarter's months for the metric):
    // trusted, another payee's.
    let (_, trusting) = both("M05", "2026-02");
    assert!(trusting.stderr.contains("the same files, trusted"), "{}", trusting.stderr);
    assert!(trusting.stderr.contains("rows of other payees not checked again"), "{}", trusting.stderr);
    // April needs the second quarter's, where M02's second survey is: not trusted, refused.
    let (checking, trusting) = both("M08", "2026-04");
    assert_ne!(checking.code, 0);
    assert!(checking.stderr.contains(&format!("surveys.csv:{second}: a second row")), "{}", checking.stderr);
    assert!(trusting.stderr.contains("a record of files read with no problem, not of this month"));
    assert!(!trusting.stderr.contains("not checked again"), "{}", trusting.stderr);
    assert_eq!(record_buckets(&records), Some(first_quarter.into()), "a refused explanation changed the record");
    // July reads with no problem: its buckets (July, its quarter's three months for the
    // metric, the third quarter, the year) are added to the record.
    let (checking, trusting) = both("M08", "2026-07");
    assert_eq!(checking.code, 0, "{}", checking.stderr);
    assert!(trusting.stderr.contains("not of this month"), "{}", trusting.stderr);
    let merged = "2026-01 2026-02 2026-03 2026-07 2026-08 2026-09 2026-Q1 2026-Q3 2026";
    assert_eq!(record_buckets(&records), Some(merged.into()));
    let (_, trusting) = both("M02", "2026-09");
    assert!(trusting.stderr.contains("the same files, trusted"), "{}", trusting.stderr);
    let (_, trusting) = both("M02", "2026-03");
    assert!(trusting.stderr.contains("the same files, trusted"), "{}", trusting.stderr);
}

/// A ledger changed after the run, even with its length and modification time put back, is
/// not the ledger the record is about: its digest differs, and `explain` reads it again,
/// checking every row, so a row made bad in another payee's sales is reported as always.
#[test]
fn a_ledger_changed_since_the_run_is_checked_again_even_with_its_time_put_back() {
    let sales = generate_sales();
    let folder = Folder::new();
    let mut lines = sales_lines(&sales);
    let path = folder.sales("plain", &ledger(&lines, "\n"));
    let records = folder.dir.path().join("records");
    let run = with_records(Some(&records), false, &folder.run_args(&path, &[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(records_in(&records).len(), 1);
    let before = std::fs::metadata(&path).unwrap();
    // M02's first sale, its amount's last digit made a letter: same length, not an amount.
    let i = sales.iter().position(|s| s.manager == "M02").unwrap();
    let line = &mut lines[i + 1];
    line.pop();
    line.push('x');
    std::fs::write(&path, ledger(&lines, "\n")).unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(before.modified().unwrap()).unwrap();
    drop(file);
    let after = std::fs::metadata(&path).unwrap();
    assert_eq!((after.len(), after.modified().unwrap()), (before.len(), before.modified().unwrap()));
    let args = explain_args(&folder, &path, "M08", "2026-03", "text");
    let checking = with_records(None, false, &args);
    assert_ne!(checking.code, 0);
    assert!(checking.stderr.contains(&format!("sales.csv:{}", i + 2)), "{}", checking.stderr);
    let trusting = with_records(Some(&records), true, &args);
    assert_eq!(trusting.code, checking.code);
    // The record was found (same path, length and time), then found to be about other bytes.
    assert!(trusting.stderr.contains("explain: a record of files read with no problem"), "{}", trusting.stderr);
    assert!(trusting.stderr.contains("other files, not trusted"), "{}", trusting.stderr);
    let quiet = with_records(Some(&records), false, &args);
    assert!(quiet.stderr == checking.stderr, "{}\nchecking every row:\n{}", quiet.stderr, checking.stderr);
}

/// The 2027 plan with no run: the first `explain` checks every row and leaves a record of the
/// buckets it folded (March's: the quarterly true-up ends in March, so the first quarter's
/// months, and March's quarter and year), and the
/// next, of other payees (a manager with reports, an employee with split sales and
/// cancellations) and of a month those buckets cover, trust it and say what an explanation
/// that checks every row says.
#[test]
fn explain_of_the_2027_plan_with_no_run_leaves_a_record_the_next_explain_trusts() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records");
    let data = year_2027(dir.path(), "example", None);
    let explain = |payee: &str, month: &str| {
        let mut args =
            ["explain", PLAN_2027, "--payee", payee, "--period", month, "--all-rows"].map(String::from).to_vec();
        args.extend(data.iter().cloned());
        args
    };
    let first = with_records(Some(&records), true, &explain("E01", "2027-03"));
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stderr.contains("explain: no record of these files"), "{}", first.stderr);
    assert!(!first.stderr.contains("not checked again"), "{}", first.stderr);
    assert_eq!(record_buckets(&records), Some("2027-01 2027-02 2027-03 2027-Q1 2027".into()));
    for (payee, month) in [("E01", "2027-03"), ("E02", "2027-03"), ("E05", "2027-02"), ("E03", "2027-01")] {
        let args = explain(payee, month);
        let checking = with_records(None, false, &args);
        assert_eq!(checking.code, 0, "{payee} {month}: {}", checking.stderr);
        let trusting = with_records(Some(&records), true, &args);
        assert_eq!(trusting.code, 0, "{payee} {month}: {}", trusting.stderr);
        assert!(trusting.stdout == checking.stdout, "{payee} {month}: the explanation differs");
        assert!(trusting.stderr.contains("the same files, trusted"), "{payee} {month}: {}", trusting.stderr);
        assert!(trusting.stderr.contains("rows of other payees not checked again"), "{payee} {month}");
        // `--quick` with no record passes over the same rows, unchecked, and says so below
        // the very same explanation (a manager's reports' rows, split sales, cancellations).
        let mut args = args;
        args.push("--quick".into());
        let quick = with_records(None, false, &args);
        assert_eq!(quick.code, 0, "{payee} {month}: {}", quick.stderr);
        let (body, note) = quick.stdout.rsplit_once("\nonly ").expect("a quick explanation says what it did not check");
        assert!(body == checking.stdout, "{payee} {month}: the quick explanation differs");
        assert!(note.starts_with(&format!("{payee}'s rows checked: ")), "{payee} {month}: {note}");
        assert!(note.ends_with(" rows of other payees not checked (--quick; `commission run` checks every row)\n"));
    }
    // April is not covered: checked again, and its buckets added (April, its quarter and its
    // year; the true-up of the second quarter ends in June).
    let april = with_records(Some(&records), true, &explain("E02", "2027-04"));
    assert_eq!(april.code, 0, "{}", april.stderr);
    assert!(april.stderr.contains("not of this month"), "{}", april.stderr);
    let both = "2027-01 2027-02 2027-03 2027-04 2027-Q1 2027-Q2 2027";
    assert_eq!(record_buckets(&records), Some(both.into()));
}

/// The 2027 plan after a run whose sales were read row by row (a doubled quote in a line):
/// trusting its record, `explain` reads the cancellations after the sales, keeping the sales
/// it reads for them (`NamedRows::late`), which only a reading in blocks does; so it does not
/// believe that reading, and reads again, checking every row: the same explanation as one
/// that checks every row, for a manager and a report, and it says so.
#[test]
fn explain_of_the_2027_plan_after_a_run_with_sales_read_row_by_row_reads_again_checking() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records");
    let quoted: fn(&mut Vec<String>) = |lines| {
        let mut fields: Vec<String> = lines[1].split(',').map(str::to_string).collect();
        fields[3] = format!("\"{}\"\"x\"", fields[3]);
        lines[1] = fields.join(",");
    };
    let data = year_2027(dir.path(), "quoted", Some(("sales", quoted)));
    let mut run = vec!["run".to_string(), PLAN_2027.to_string()];
    run.extend(data.iter().cloned());
    let ran = with_records(Some(&records), true, &run);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stderr.contains("sales.csv: row by row (a line the row-by-row splitter must read"), "{}", ran.stderr);
    assert_eq!(records_in(&records).len(), 1);
    for payee in ["E01", "E02"] {
        let mut args =
            ["explain", PLAN_2027, "--payee", payee, "--period", "2027-03", "--all-rows"].map(String::from).to_vec();
        args.extend(data.iter().cloned());
        let checking = with_records(None, false, &args);
        assert_eq!(checking.code, 0, "{payee}: {}", checking.stderr);
        let trusting = with_records(Some(&records), true, &args);
        assert_eq!(trusting.code, 0, "{payee}: {}", trusting.stderr);
        assert!(trusting.stdout == checking.stdout, "{payee}: the explanation differs from one checking every row");
        assert!(trusting.stderr.contains("explain: read again, every row checked"), "{payee}: {}", trusting.stderr);
    }
}

/// The 2027 plan after a run: `explain` passes over the sales that count for no one it
/// explains, though sales are split by shares, named by cancellations and summed for managers
/// (`for reports`). For every payee of the example year and seven months, and of the same
/// year with everyone reporting to E01 (twelve payees watched at once), the same
/// explanation, message and exit code as one that checks every row; the sales passed over are
/// counted here from the files (a sale is read when its employee is the payee or one of their
/// direct reports in the roster, or when the credits give one of them a share of it). A
/// cancellation or a share made to name another sale after the run, with the file's length
/// and time put back, is reported as by a reading that checks every row.
#[test]
fn explain_of_the_2027_plan_after_a_run_passes_over_sales_that_count_for_no_one_explained() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records");
    // The example year, and the same with everyone reporting to E01 (whose explanation then
    // reads everyone's sales, its eleven reports looked up in a hash set).
    let one_manager: fn(&mut Vec<String>) = |lines| {
        for line in lines.iter_mut().skip(1).filter(|l| !l.starts_with("E01,")) {
            let mut fields: Vec<&str> = line.split(',').collect();
            fields[4] = "E01";
            *line = fields.join(",");
        }
    };
    // And the example year with each share given to the next payee (E01's to E02, ..., E12's
    // to E01): many sales are then credited to none of their employee, their employee's
    // explanation passing over their shares as any other payee's.
    let shares_moved: fn(&mut Vec<String>) = |lines| {
        for line in lines.iter_mut().skip(1) {
            let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
            let n: u32 = fields[1][1..].parse().unwrap();
            fields[1] = format!("E{:02}", n % 12 + 1);
            *line = fields.join(",");
        }
    };
    let cases: [(&str, Option<Edit>); 3] = [
        ("example", None),
        ("one-manager", Some(("roster", one_manager))),
        ("shares-moved", Some(("credits", shares_moved))),
    ];
    let mut example = Vec::new();
    for (case, edit) in cases {
        let data = year_2027(dir.path(), case, edit);
        let mut run = vec!["run".to_string(), PLAN_2027.to_string()];
        run.extend(data.iter().cloned());
        let ran = with_records(Some(&records), false, &run);
        assert_eq!(ran.code, 0, "{case}: {}", ran.stderr);
        let read = |file: &str| std::fs::read_to_string(dir.path().join(case).join(file)).unwrap();
        let rows = |text: &str| -> Vec<Vec<String>> {
            text.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect()).collect()
        };
        let (roster, sales, credits, cancellations) = (
            rows(&read("roster.csv")),
            rows(&read("sales.csv")),
            rows(&read("credits.csv")),
            rows(&read("cancellations.csv")),
        );
        let credited_away = sales
            .iter()
            .filter(|s| credits.iter().any(|c| c[0] == s[0]) && !credits.iter().any(|c| c[0] == s[0] && c[1] == s[2]))
            .count();
        assert_eq!(credited_away > 20, case == "shares-moved", "{case}: {credited_away} sales credited away");
        let explain = |payee: &str, month: &str, format: &str| {
            let mut args =
                ["explain", PLAN_2027, "--payee", payee, "--period", month, "--all-rows", "--format", format]
                    .map(String::from)
                    .to_vec();
            args.extend(data.iter().cloned());
            args
        };
        let mut passed_over = 0;
        for payee in roster.iter().map(|r| r[0].as_str()) {
            // The payee and their direct reports (the roster's fifth column names the manager).
            let mut watched: Vec<&str> = vec![payee];
            watched.extend(roster.iter().filter(|r| r[4] == payee).map(|r| r[0].as_str()));
            let shared: Vec<&str> =
                credits.iter().filter(|c| watched.contains(&c[1].as_str())).map(|c| c[0].as_str()).collect();
            let read: Vec<&str> = sales
                .iter()
                .filter(|s| watched.contains(&s[2].as_str()) || shared.contains(&s[0].as_str()))
                .map(|s| s[0].as_str())
                .collect();
            let others = sales.len() - read.len();
            // Their shares are read, the others passed over (their sales' keys noted).
            let shares_passed = credits.iter().filter(|c| !watched.contains(&c[1].as_str())).count();
            // The cancellations are read after the sales, those of a sale not read passed over
            // (the third column names the sale).
            let cancellations_passed = cancellations.iter().filter(|c| !read.contains(&c[2].as_str())).count();
            for month in ["2027-01", "2027-02", "2027-03", "2027-04", "2027-06", "2027-09", "2027-12"] {
                let format = if month == "2027-06" { "json" } else { "text" };
                let args = explain(payee, month, format);
                let what = format!("{case}: {payee} {month}");
                let checking = with_records(None, false, &args);
                assert_eq!(checking.code, 0, "{what}: {}", checking.stderr);
                let trusting = with_records(Some(&records), false, &args);
                assert_eq!(trusting.code, checking.code, "{what}: {}", trusting.stderr);
                assert!(
                    trusting.stdout == checking.stdout,
                    "{what}: the explanation differs from one checking every row"
                );
                assert!(trusting.stderr == checking.stderr, "{what}: {}", trusting.stderr);
                let reported = with_records(Some(&records), true, &args);
                let passed = format!("{others} rows of other payees not checked again");
                assert!(reported.stderr.contains(&passed), "{what}: expected `{passed}` in\n{}", reported.stderr);
                assert!(reported.stderr.contains("the same files, trusted"), "{what}: {}", reported.stderr);
                let shares_read = reported.stderr.lines().find(|l| l.contains("credits.csv: chunked")).unwrap_or("");
                let passed = format!(", {shares_passed} rows of other payees not checked again");
                assert!(shares_read.contains(&passed), "{what}: expected `{passed}` in\n{}", reported.stderr);
                let named_read =
                    reported.stderr.lines().find(|l| l.contains("cancellations.csv: chunked")).unwrap_or("");
                let passed = format!(", {cancellations_passed} rows of other payees not checked again");
                assert!(named_read.contains(&passed), "{what}: expected `{passed}` in\n{}", reported.stderr);
                passed_over += others;
            }
            if case == "one-manager" && payee == "E01" {
                assert_eq!((watched.len(), others), (12, 0), "E01 reads everyone's sales");
            }
        }
        // Most sales count for no one a given explanation explains.
        assert!(passed_over > 12 * 7 * sales.len() / 2, "{case}: only {passed_over} sales passed over");
        if case == "example" {
            example = data;
        }
    }
    let data = example;
    let explain = |payee: &str, month: &str, format: &str| {
        let mut args = ["explain", PLAN_2027, "--payee", payee, "--period", month, "--all-rows", "--format", format]
            .map(String::from)
            .to_vec();
        args.extend(data.iter().cloned());
        args
    };
    // Files changed since the run, their length and time put back: a cancellation of a sale
    // the ledger does not have (S000003 made S999993), shares of one (S000006's two, 50% each,
    // made S999996's), shares that no longer add up to 100% (S000006's second made 40%: a
    // trusting read does not add them up, the digests send it to one that does).
    let changes: [(&str, &str, &str, usize); 3] = [
        ("cancellations.csv", ",S000003,", ",S999993,", 1),
        ("credits.csv", "S000006,", "S999996,", 2),
        ("credits.csv", "S000006,E05,50%", "S000006,E05,40%", 1),
    ];
    for (file, from, to, count) in changes {
        let path = dir.path().join("example").join(file);
        let before = std::fs::metadata(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), count, "{file}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
        let handle = std::fs::File::options().write(true).open(&path).unwrap();
        handle.set_modified(before.modified().unwrap()).unwrap();
        drop(handle);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), before.len());
        // E01 is neither the employee of S000003 or S000006 nor their manager's.
        let args = explain("E01", "2027-03", "text");
        let checking = with_records(None, false, &args);
        assert_ne!(checking.code, 0, "{file}: {}", checking.stderr);
        let unknown = to.trim_matches(',').split(',').next().unwrap();
        assert!(checking.stderr.contains(unknown), "{file}: {}", checking.stderr);
        let trusting = with_records(Some(&records), true, &args);
        assert_eq!(trusting.code, checking.code, "{file}: {}", trusting.stderr);
        // The record found, trusted, and then found to be about other files.
        for said in ["explain: a record of files read with no problem", "other files, not trusted"] {
            assert!(trusting.stderr.contains(said), "{file}: no `{said}` in {}", trusting.stderr);
        }
        let quiet = with_records(Some(&records), false, &args);
        assert!(quiet.stderr == checking.stderr, "{file}: {}\nchecking every row:\n{}", quiet.stderr, checking.stderr);
        std::fs::write(&path, text).unwrap();
        let handle = std::fs::File::options().write(true).open(&path).unwrap();
        handle.set_modified(before.modified().unwrap()).unwrap();
    }
}

/// A plan whose statements read the direct reports' statements (`this_month(advance for
/// reports)`) is explained from every row even after a run: a report's statement reads their
/// own reports', down the tree, so no row can be passed over. E01's override in October 2027:
/// 10% of E02's advance 83.32 (4% of 2,083.12) and E03's 124.64 (4% of 30% of 10,386.66),
/// 10% of 207.96 = 20.80.
#[test]
fn explain_of_a_plan_reading_reports_statements_trusts_no_record() {
    let dir = tempfile::tempdir().unwrap();
    let data = year_2027(dir.path(), "example", None);
    let plan = std::fs::read_to_string(PLAN_2027).unwrap();
    let from = "pay 1% * sum(sales.amount for reports)";
    assert_eq!(plan.matches(from).count(), 1);
    let policy = dir.path().join("on-commission.policy");
    std::fs::write(&policy, plan.replace(from, "pay 10% * this_month(advance for reports)")).unwrap();
    let records = dir.path().join("records");
    let mut run = vec!["run".to_string(), path_text(&policy).to_string()];
    run.extend(data.iter().cloned());
    let ran = with_records(Some(&records), false, &run);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(records_in(&records).len(), 1, "{}", ran.stderr);
    let mut args = vec!["explain".to_string(), path_text(&policy).to_string()];
    args.extend(data.iter().cloned());
    args.extend(["--payee", "E01", "--period", "2027-10"].map(String::from));
    let checking = with_records(None, false, &args);
    assert_eq!(checking.code, 0, "{}", checking.stderr);
    assert!(checking.stdout.contains("this_month(advance for reports) = 207.96"), "{}", checking.stdout);
    let trusting = with_records(Some(&records), true, &args);
    assert_eq!(trusting.code, 0, "{}", trusting.stderr);
    assert!(trusting.stdout == checking.stdout, "the explanation differs from one checking every row");
    for never in ["not checked again", "a record of files read with no problem"] {
        assert!(!trusting.stderr.contains(never), "`{never}` in {}", trusting.stderr);
    }
}

/// A file in the records folder that is not a record is not believed, and a run never
/// replaces it; the explanation is the one that checks every row.
#[test]
fn a_record_that_is_not_one_is_ignored_and_never_replaced() {
    let (_, folder, path) = plain_ledger();
    let records = folder.dir.path().join("records");
    let run = with_records(Some(&records), false, &folder.run_args(&path, &[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names = records_in(&records);
    assert_eq!(names.len(), 1);
    let record = records.join(&names[0]);
    std::fs::write(&record, "not a record: 0 blocks 00000000000000000000000000000000\n").unwrap();
    let args = explain_args(&folder, &path, "M08", "2026-03", "text");
    let trusting = with_records(Some(&records), true, &args);
    assert_eq!(trusting.code, 0, "{}", trusting.stderr);
    assert!(trusting.stderr.contains("explain: no record of these files"), "{}", trusting.stderr);
    assert!(!trusting.stderr.contains("not checked again"), "{}", trusting.stderr);
    assert!(trusting.stdout == with_records(None, false, &args).stdout);
    let again = with_records(Some(&records), false, &folder.run_args(&path, &[]));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(records_in(&records), names, "a second run wrote beside the first");
    let kept = std::fs::read_to_string(&record).unwrap();
    assert!(kept.starts_with("not a record"), "the run replaced a file it did not write: {kept}");
}

/// The records folder holds at most 1,000 records: a run writing one past that removes the
/// oldest records, and only records (a file of another name, or with a record's name but not
/// a record, stays).
#[test]
fn the_oldest_records_go_past_a_thousand_and_nothing_else_does() {
    let (_, folder, path) = plain_ledger();
    let records = folder.dir.path().join("records");
    std::fs::create_dir_all(&records).unwrap();
    // 1,000 old records (an hour ago and older, one second apart), a file that is not a
    // record under a record's name (older than all), and a file of the user's own.
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3_600);
    let write = |name: &str, text: &str, age: u64| {
        let path = records.join(name);
        std::fs::write(&path, text).unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(hour_ago - std::time::Duration::from_secs(age)).unwrap();
    };
    for i in 0..1_000u64 {
        write(&format!("{i:032x}"), "commission checked ledgers 1\n0 blocks 00000000000000000000000000000000\n", i);
    }
    write(&format!("{:032x}", 99_999), "not a record\n", 100_000);
    write("notes.txt", "mine\n", 100_000);
    let run = with_records(Some(&records), false, &folder.run_args(&path, &[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names = records_in(&records);
    // The new record, 999 old ones (the oldest, number 999, gone), and the two others.
    assert_eq!(names.len(), 1_002, "{:?}", &names[..5]);
    assert!(!names.contains(&format!("{:032x}", 999)), "the oldest record stayed");
    assert!(names.contains(&format!("{:032x}", 998)));
    assert!(names.contains(&format!("{:032x}", 99_999)), "a file that is not a record was removed");
    assert!(names.contains(&"notes.txt".to_string()));
}

/// A records folder that cannot be made (its path runs through a file) changes nothing: the
/// run and `explain` say what they say with records off, exit 0, and the report says why no
/// record was left.
#[test]
fn a_records_folder_that_cannot_be_made_changes_nothing() {
    let (_, folder, path) = plain_ledger();
    let file = folder.dir.path().join("a-file");
    std::fs::write(&file, "not a folder\n").unwrap();
    let records = file.join("records");
    let run_args = folder.run_args(&path, &[]);
    let off = with_records(None, false, &run_args);
    let run = with_records(Some(&records), true, &run_args);
    assert_eq!((run.code, off.code), (0, 0), "{}", run.stderr);
    assert!(run.stdout == off.stdout);
    assert!(run.stderr.contains("no record of files read with no problem: "), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder\n");
    let args = explain_args(&folder, &path, "M08", "2026-03", "text");
    let explained = with_records(Some(&records), false, &args);
    assert_eq!(explained.code, 0, "{}", explained.stderr);
    assert!(explained.stdout == with_records(None, false, &args).stdout);
}

/// Payees of every length, and more than a thread's table of short ids holds (2,048): ids of
/// one to eight bytes (found by their bytes), longer ones (found by the index of every
/// payee), ids alike but for their last byte, and a field with blanks around its id. Every
/// payee's commission (1% of each month's sales, half-up to the fen) is worked out here from
/// the generated amounts, and every reader gives the row-by-row reader's statements.
#[test]
fn payees_of_every_length_and_many_are_found_as_row_by_row() {
    let policy = "policy \"P\" version \"1\" currency CNY

input sales {
  key    id:     text
  period date:   date
  payee  payee:  text
         amount: money
}

payee sales.payee

component commission monthly {
  pay sum(sales.amount) * 1%
}
";
    // 2,300 short ids (`P0` to `P2299`: two to five bytes), 200 of sixteen bytes, and four
    // that differ only in their eighth or ninth byte.
    let mut payees: Vec<String> = (0..2300).map(|n| format!("P{n}")).collect();
    payees.extend((0..200).map(|n| format!("MANAGER-{n:08}")));
    payees.extend(["ABCDEFG1", "ABCDEFG2", "ABCDEFGH1", "ABCDEFGH2"].map(String::from));
    let mut rng = Lcg(9);
    let mut expected: std::collections::BTreeMap<(String, u32), i64> = std::collections::BTreeMap::new();
    let mut lines = vec!["id,date,payee,amount".to_string()];
    // Every payee sells in January and March, in an order mixed by the generator; February
    // has no sales (its statements pay 0.00).
    let mut rows: Vec<(usize, u32)> = (0..payees.len()).flat_map(|p| [(p, 1), (p, 3), (p, 1)]).collect();
    for i in (1..rows.len()).rev() {
        rows.swap(i, rng.below(i as u64 + 1) as usize);
    }
    for (i, &(p, month)) in rows.iter().enumerate() {
        let cents = rng.below(5_000_000) as i64;
        *expected.entry((payees[p].clone(), month)).or_default() += cents;
        // One row in seven writes its payee with blanks around it (trimmed, as row by row).
        let payee = if i % 7 == 0 { format!("  {}\t", payees[p]) } else { payees[p].clone() };
        lines.push(format!("S{:06},2026-{month:02}-{:02},{payee},{}", i + 1, 1 + i % 28, fen(cents)));
    }
    let (_dir, sales, args, reference) = run_json(policy, &lines);
    let json: serde_json::Value = serde_json::from_str(&reference.stdout).unwrap();
    let statements = json["statements"].as_array().unwrap();
    assert_eq!(statements.len(), payees.len() * 3);
    for s in statements {
        let payee = s["payee"].as_str().unwrap().to_string();
        let month: u32 = s["period"].as_str().unwrap()[5..].parse().unwrap();
        // 1% of the month's sales in fen, half-up (the sums are not negative).
        let sales = expected.get(&(payee.clone(), month)).copied().unwrap_or(0);
        let pay = (sales + 50) / 100;
        assert_eq!(s["components"]["commission"], fen(pay), "{payee} 2026-{month:02}");
    }
    for reader in readers().into_iter().skip(1) {
        let ran = run_as(reader, true, &args);
        assert!(ran.stdout == reference.stdout, "{reader:?}: stdout differs from the row-by-row reader's");
        chunked_blocks(&ran.stderr, &sales, reader);
    }
}

/// Values a hostile or careless export writes into a field: dates and amounts at and past
/// their limits, ids of every length, blanks, quotes, commas, control and non-ASCII
/// characters.
const ODD_VALUES: &[&str] = &[
    "0000-00-00",
    "9999-12-31",
    "2026-13-01",
    "2026-02-29",
    "2024-02-29",
    "2026-1-05",
    " 2026-03-04 ",
    "２０２６-03-04",
    "999999999999999.99",
    "1000000000000000",
    "-0.00",
    "-5",
    "0.005",
    "1,234.56",
    "¥12.00",
    " 12.5\t",
    "",
    " ",
    "M1",
    "M01 ",
    "ABCDEFGH",
    "ABCDEFGHI",
    "M\u{0}1",
    "M\u{200b}01",
    "Ｍ01",
    "王芳",
    "\"M01\"",
    "\"M,01\"",
    "a\"b",
    "x,y",
    "S000001",
    "S9",
    "C07",
    "renewal",
    "Renewal",
    "C1\u{7}23",
    "C000001",
    "C1",
    "C1234567",
    "é1",
    "1.",
    "-.5",
    "0000000000000001",
    "12345678901234.5",
];

use proptest::prelude::Strategy as _;

/// Cases of a property test here: `PROPTEST_CASES` when set, proptest's own knob (which an
/// explicit count would otherwise override), for a longer campaign
/// (`PROPTEST_CASES=20000 cargo test --release --test integration odd_fields`), else `usual`.
fn cases(usual: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(usual)
}

/// A field of a row to replace (row and field, both from 0 with the header as row 0): by
/// the value given (`Ok`), or by the same field of another row (`Err(row)`).
type FieldEdit = (usize, usize, Result<String, usize>);

/// `lines` (a header, then rows) with `edits` made, one after the other.
fn edited(mut lines: Vec<String>, edits: &[FieldEdit]) -> Vec<String> {
    for (row, field, value) in edits {
        let value = match value {
            Ok(odd) => odd.clone(),
            Err(other) => lines[*other].split(',').nth(*field).unwrap_or("").to_string(),
        };
        set_field(&mut lines, row + 1, *field, &value);
    }
    lines
}

/// The chunked reader on two threads, with blocks of `block` bytes and with its default
/// block, says exactly what the row-by-row reader says to `args` (exit code, standard error
/// and output, byte for byte).
fn chunked_says_as_row_by_row(
    args: &[String],
    block: u32,
    edits: &[FieldEdit],
) -> Result<(), proptest::test_runner::TestCaseError> {
    let reference = run_as(Reader::RowByRow, false, args);
    for reader in [Reader::Chunked { threads: 2, block: Some(block) }, Reader::Chunked { threads: 2, block: None }] {
        let ran = run_as(reader, false, args);
        proptest::prop_assert_eq!(ran.code, reference.code, "{:?} {:?}: {}", reader, edits, ran.stderr);
        proptest::prop_assert!(
            ran.stderr == reference.stderr,
            "{:?} {:?}:\n{}\nrow by row:\n{}",
            reader,
            edits,
            ran.stderr,
            reference.stderr
        );
        proptest::prop_assert!(ran.stdout == reference.stdout, "{:?} {:?}: stdout differs", reader, edits);
    }
    Ok(())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: cases(40), ..Default::default() })]

    /// Any few fields of the generated ledger replaced by odd values (or by a value made of
    /// digits, dashes, points, blanks and letters, or by the same field of another row): the
    /// chunked reader, on two threads with
    /// blocks of 64 bytes and with its default block, says exactly what the row-by-row
    /// reader says (statements, or the same diagnostic and exit code).
    #[test]
    fn odd_fields_are_read_as_row_by_row(
        edits in proptest::collection::vec(
            (1usize..=3000, 0usize..8, proptest::prop_oneof![
                proptest::sample::select(ODD_VALUES).prop_map(|v| Ok(v.to_string())),
                "[0-9\\-\\. A-Za-z]{0,12}".prop_map(Ok),
                // The same field of another row (`Err(row)`): a key repeated, a customer
                // counted twice, a sale moved to another payee or month.
                (1usize..=3000).prop_map(Err),
            ]),
            1..4,
        )
    ) {
        let lines = edited(sales_lines(&generate_sales()), &edits);
        let folder = Folder::new();
        let path = folder.sales("odd", &ledger(&lines, "\n"));
        let args = folder.run_args(&path, &["--format", "csv", "--message-format", "plain"]);
        chunked_says_as_row_by_row(&args, 64, &edits)?;
    }
}

/// Odd fields of a survey (manager, quarter, satisfaction): blanks, other forms of a
/// percentage or a quarter, ids that are no payee or look like one, hidden characters.
const ODD_SURVEY_VALUES: &[&str] = &[
    "",
    " ",
    " 85% ",
    "85",
    "0.85",
    "85.0%",
    "85.%",
    "-5%",
    "100%",
    "1e2%",
    "85 %",
    "2026-Q5",
    "2026-Q1 ",
    "2026q1",
    "2026-Q4",
    "2026-03",
    "2027-Q1",
    "M99",
    "m01",
    "M0\u{200b}1",
    "M01",
    "\"M02\"",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: cases(40), ..Default::default() })]

    /// Any few fields of the surveys (rows the plan looks up) replaced by odd values or by the
    /// same field of another survey (a second survey of a quarter, a survey moved to another
    /// manager or quarter): the chunked reader, on two threads with blocks of 16 bytes and
    /// with its default block, says exactly what the row-by-row reader says.
    #[test]
    fn odd_surveys_are_read_as_row_by_row(
        edits in proptest::collection::vec(
            (1usize..=59, 0usize..3, proptest::prop_oneof![
                proptest::sample::select(ODD_SURVEY_VALUES).prop_map(|v| Ok(v.to_string())),
                (1usize..=59).prop_map(Err),
            ]),
            1..4,
        )
    ) {
        let (_, folder, path) = plain_ledger();
        let lines = edited(surveys_ledger().lines().map(str::to_string).collect(), &edits);
        std::fs::write(&folder.surveys, ledger(&lines, "\n")).unwrap();
        let args = folder.run_args(&path, &["--format", "json", "--message-format", "plain"]);
        chunked_says_as_row_by_row(&args, 16, &edits)?;
    }
}

/// How a quoted ledger's field may be written (`{}`: the field's text): quoted, bare, and
/// the ways a line leaves the split from its separators for the quote-aware splitter.
const QUOTINGS: &[&str] =
    &["\"{}\"", "{}", " {} ", "\"\"", " \"{}\"", "\"{}\" ", "\"{}\"\"x\"", "\"{},x\"", "{}\"x", "\"{}\"x"];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: cases(40), ..Default::default() })]

    /// A ledger whose fields are quoted, as some exports write every field (every line, or
    /// every seventh), with line ends LF or CRLF, and a few fields written otherwise
    /// (`QUOTINGS`): the chunked reader, on two threads with blocks of 64 bytes and with its
    /// default block, says exactly what the row-by-row reader says.
    #[test]
    fn quoted_fields_are_read_as_row_by_row(
        every in proptest::bool::ANY,
        crlf in proptest::bool::ANY,
        edits in proptest::collection::vec((1usize..=3000, 0usize..8, proptest::sample::select(QUOTINGS)), 0..4),
    ) {
        let sales = generate_sales();
        let plain = sales_lines(&sales);
        let mut lines = plain.clone();
        for (i, line) in lines.iter_mut().enumerate().skip(1).filter(|(i, _)| every || i % 7 == 0) {
            *line = plain[i].split(',').map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(",");
        }
        for (row, field, how) in &edits {
            let text = plain[*row].split(',').nth(*field).unwrap_or("").to_string();
            set_field(&mut lines, row + 1, *field, &how.replace("{}", &text));
        }
        let folder = Folder::new();
        let path = folder.sales("quoted", &ledger(&lines, if crlf { "\r\n" } else { "\n" }));
        let args = folder.run_args(&path, &["--format", "csv", "--message-format", "plain"]);
        let reference = run_as(Reader::RowByRow, false, &args);
        // Fields quoted whole or bare are read in blocks (a reading in blocks that refused
        // them would send the file row by row, and say the same).
        let in_blocks = edits.iter().all(|(_, _, how)| ["\"{}\"", "{}"].contains(how));
        for reader in [Reader::Chunked { threads: 2, block: Some(64) }, Reader::Chunked { threads: 2, block: None }] {
            let ran = run_as(reader, false, &args);
            proptest::prop_assert_eq!(ran.code, reference.code, "{:?} {:?}: {}", reader, edits, ran.stderr);
            proptest::prop_assert!(ran.stderr == reference.stderr, "{:?} {:?}:\n{}\nrow by row:\n{}", reader, edits, ran.stderr, reference.stderr);
            proptest::prop_assert!(ran.stdout == reference.stdout, "{:?} {:?}: stdout differs", reader, edits);
            if in_blocks {
                let reported = run_as(reader, true, &args);
                proptest::prop_assert!(reported.stderr.contains(&format!("read {}: chunked", path_text(&path))), "{:?} {:?}: {}", reader, edits, reported.stderr);
            }
        }
    }
}

/// Lines of nothing but blanks and commas are not rows, whatever blanks they hold (the chunked
/// reader keeps the blanks around an unquoted field and trims each cell as it reads it): a
/// ledger with such lines among its rows gives the statements of the ledger without them,
/// from every reader; fields with blanks around them are read as without.
#[test]
fn lines_of_blanks_and_commas_are_not_rows() {
    let (sales, folder, plain) = plain_ledger();
    let reference = run_as(Reader::RowByRow, false, &folder.run_args(&plain, &["--format", "csv"]));
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    let mut lines = sales_lines(&sales);
    for (at, blank) in [(2900, " "), (2000, "\t"), (1500, " , ,\t,"), (700, ",,,,,,,"), (3, "  \t  ")] {
        lines.insert(at, blank.to_string());
    }
    // Blanks around every field of one row in ten.
    for line in lines.iter_mut().skip(1).step_by(10) {
        if line.contains('S') {
            *line = line.split(',').map(|f| format!(" {f}\t")).collect::<Vec<_>>().join(",");
        }
    }
    let blanks = folder.sales("blanks", &ledger(&lines, "\n"));
    let args = folder.run_args(&blanks, &["--format", "csv"]);
    for reader in readers() {
        let ran = run_as(reader, true, &args);
        assert_eq!(ran.code, 0, "{reader:?}: {}", ran.stderr);
        assert!(ran.stdout == reference.stdout, "{reader:?}: the ledger with blank lines gives other statements");
        // Read in blocks, not sent row by row.
        if let Reader::Chunked { .. } = reader {
            chunked_blocks(&ran.stderr, &blanks, reader);
        }
    }
}

/// Values a hostile or careless export writes into the 2027 year's credits and cancellations,
/// besides [`ODD_VALUES`]: shares past their bounds or without their sign, sales named that
/// exist, repeat or do not, payees that are and are not in the roster, amounts at the edges.
const ODD_2027: &[&str] = &[
    "0%",
    "100%",
    "150%",
    "-50%",
    "33.333%",
    "50",
    "S000001",
    "S000006",
    "S999999",
    "X0001",
    "E05",
    "E99",
    "2026-12-31",
    "2027-02-29",
    "0.01",
    "0.00",
    "999999999.99",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: cases(24), ..Default::default() })]

    /// The 2027 year (credited sales, cancellations naming them, a roster with hire dates)
    /// with a few fields of its sales, credits and cancellations replaced by odd values, or
    /// by the same field of another row (a value of the right type, in the wrong place: a
    /// sale cancelled twice, a share moved to another sale, a date before a hire): the
    /// chunked reader, on one to four threads with blocks of 7 bytes (every boundary inside a
    /// row), 64, 1,000 bytes or the default, says exactly what the row-by-row reader says
    /// (statements, or the same diagnostic and exit code), for `run` and for `budget` (whose
    /// reruns take the plan's sums of credited sales when their shares are the same).
    #[test]
    fn odd_fields_of_the_2027_year_are_read_as_row_by_row(
        command in proptest::sample::select(&["run", "budget"][..]),
        threads in 1u32..=4,
        block in proptest::sample::select(&[Some(7), Some(64), Some(1000), None][..]),
        edits in proptest::collection::vec(
            (0usize..3, 1usize..1000, 0usize..8, proptest::prop_oneof![
                proptest::sample::select(ODD_VALUES).prop_map(Ok),
                proptest::sample::select(ODD_2027).prop_map(Ok),
                (1usize..1000).prop_map(Err),
            ]),
            1..4,
        )
    ) {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/telecom-2027");
        let mut args = vec![command.to_string(), PLAN_2027.to_string()];
        for input in INPUTS_2027 {
            let text = std::fs::read_to_string(from.join(format!("{input}.csv"))).unwrap();
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            for (file, row, field, value) in &edits {
                if ["sales", "credits", "cancellations"][*file] == input {
                    // A row of the file (not its header), and a field of the row.
                    let line = 1 + row % (lines.len() - 1);
                    let field = field % lines[line].split(',').count();
                    let value = match value {
                        Ok(odd) => odd.to_string(),
                        // `Err(other)`: the field of another row.
                        Err(other) => lines[1 + other % (lines.len() - 1)].split(',').nth(field).unwrap_or("").to_string(),
                    };
                    set_field(&mut lines, line + 1, field, &value);
                }
            }
            let path = dir.path().join(format!("{input}.csv"));
            std::fs::write(&path, ledger(&lines, "\n")).unwrap();
            args.extend(["--data".to_string(), format!("{input}={}", path_text(&path))]);
        }
        match command {
            "run" => args.extend(["--format", "csv"].map(str::to_string)),
            _ => args.extend(["--by", "business", "--format", "json"].map(str::to_string)),
        }
        args.extend(["--message-format", "plain"].map(str::to_string));
        let reference = run_as(Reader::RowByRow, false, &args);
        let reader = Reader::Chunked { threads, block };
        let ran = run_as(reader, false, &args);
        proptest::prop_assert_eq!(ran.code, reference.code, "{:?} {:?}: {}", reader, edits, ran.stderr);
        proptest::prop_assert!(ran.stderr == reference.stderr, "{:?} {:?}:\n{}\nrow by row:\n{}", reader, edits, ran.stderr, reference.stderr);
        proptest::prop_assert!(ran.stdout == reference.stdout, "{:?} {:?}: stdout differs", reader, edits);
    }
}

/// A plan of seventy aggregates over one input (a bucket lists its states from the 64th up
/// apart, `BucketStates`): component `c{k}` pays 1% of the month's sales of at least 10k yuan,
/// k = 0..69, so a sale of A yuan is taken by components 0..=A/10. Worked by hand:
/// - January, 100.00 and 250.00: 11 components take 100.00 (1.00 each), 26 take 250.00 (2.50
///   each): 11 + 65 = 76.00.
/// - February, 700.00: all 70 take it (7.00 each): 490.00.
/// - March, 650.00: components 0..=65 take it (6.50 each), 66..=69 none: 66 x 6.50 = 429.00.
///
/// Every reader (the sales spread over blocks of a few rows) says the same.
#[test]
fn a_plan_of_seventy_aggregates_over_one_input() {
    let mut policy = String::from(
        "policy \"S\" version \"1\" currency CNY\n\ninput sales {\n  key id: text\n  period date: date\n  \
         payee payee: text\n  amount: money\n}\n\npayee sales.payee\n",
    );
    for k in 0..70 {
        policy.push_str(&format!(
            "\ncomponent c{k} monthly {{\n  pay 1% * sum(sales.amount where amount >= {})\n}}\n",
            k * 10
        ));
    }
    let mut lines = vec!["id,date,payee,amount".to_string()];
    for (i, (date, amount)) in
        [("2026-01-05", "100.00"), ("2026-01-20", "250.00"), ("2026-02-03", "700.00"), ("2026-03-09", "650.00")]
            .iter()
            .enumerate()
    {
        lines.push(format!("S{i},{date},P1,{amount}"));
        // Other payees' rows between, so that blocks split the months.
        for j in 0..5 {
            lines.push(format!("S{i}-{j},{date},Q{j},5.00"));
        }
    }
    let (_dir, sales, args, reference) = run_json(&policy, &lines);
    for reader in readers().into_iter().skip(1) {
        let ran = run_as(reader, true, &args);
        assert_eq!(ran.stdout, reference.stdout, "{reader:?}");
        chunked_blocks(&ran.stderr, &sales, reader);
    }
    let json: serde_json::Value = serde_json::from_str(&reference.stdout).unwrap();
    let totals: Vec<(String, String)> = json["statements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["payee"] == "P1")
        .map(|s| (s["period"].as_str().unwrap().to_string(), s["total"].as_str().unwrap().to_string()))
        .collect();
    let want = [("2026-01", "76.00"), ("2026-02", "490.00"), ("2026-03", "429.00")];
    assert_eq!(totals, want.map(|(p, t)| (p.to_string(), t.to_string())));
}

/// Many payees (20,000, each with one to three sales over two months, in no order) and a plan
/// of sixteen aggregates a payee-month (256 bytes of running totals: small buckets, added as
/// each row is read). On one thread with 64 KiB blocks (about 1,600 rows each) the fold meets
/// its 2,049th payee early (its table of short ids doubles, and each row's place in it is
/// asked for ahead), its states pass 4 MB (16,384 payee-months) about two thirds in, from
/// where it adds each row once the next is read, and from 12,800 payee-months on a block's
/// 1,600 distinct customers are sorted into their buckets rather than counted out over every
/// bucket. Each way, the statements are the row-by-row reader's, byte for byte.
#[test]
fn many_payees_read_in_blocks_as_row_by_row() {
    const PAYEES: u64 = 20_000;
    let mut rng = Lcg(12);
    let mut lines = vec!["id,date,payee,customer,amount".to_string()];
    for i in 0..PAYEES + PAYEES / 5 {
        let payee = if i < PAYEES { i } else { rng.below(PAYEES) };
        let (month, day) = (1 + rng.below(2), 1 + rng.below(28));
        let cents = rng.below(300_000);
        lines.push(format!(
            "S{i:06},2026-{month:02}-{day:02},P{payee:05},C{:04},{}",
            rng.below(5_000),
            written(cents as i64, 2)
        ));
    }
    // In no order: a payee's rows far apart, payees met all through the file.
    for i in (2..lines.len()).rev() {
        let j = 1 + rng.below(i as u64) as usize;
        lines.swap(i, j);
    }
    let sums: String = (1..=14)
        .map(|k| format!("metric over_{k} monthly = sum(sales.amount where amount >= {})\n", k * 100))
        .collect();
    let policy = format!(
        "policy \"many\" version \"1\" currency CNY\n\ninput sales {{\n  key    id:       text\n  \
         period date:     date\n  payee  payee:    text\n         customer: text\n         amount:   money\n}}\n\n\
         payee sales.payee\n\nmetric customers monthly = count_distinct(sales.customer)\n{sums}\n\
         component commission monthly {{\n  pay 1% * sum(sales.amount)\n}}\n"
    );
    let folder = Folder::new();
    let path = folder.sales("many", &ledger(&lines, "\n"));
    let plan = folder.dir.path().join("many.policy");
    std::fs::write(&plan, policy).unwrap();
    let args: Vec<String> = ["run", path_text(&plan), "--data", &format!("sales={}", path_text(&path))]
        .iter()
        .map(|a| a.to_string())
        .chain(["--format".to_string(), "csv".to_string()])
        .collect();
    let reference = run_as(Reader::RowByRow, false, &args);
    assert_eq!(reference.code, 0, "{}", reference.stderr);
    // Every payee has a statement for each month (the header, then 20,000 payees × 2).
    assert_eq!(reference.stdout.lines().count(), 1 + 2 * PAYEES as usize, "{}", reference.stderr);
    for reader in [
        Reader::Chunked { threads: 1, block: Some(65_536) },
        Reader::Chunked { threads: 2, block: Some(65_536) },
        Reader::Chunked { threads: 1, block: None },
    ] {
        let ran = run_as(reader, true, &args);
        assert_eq!(ran.code, 0, "{reader:?}: {}", ran.stderr);
        assert!(chunked_blocks(&ran.stderr, &path, reader) > 0, "{reader:?}: {}", ran.stderr);
        assert!(ran.stdout == reference.stdout, "{reader:?}: statements differ from the row-by-row reader's");
    }
}
