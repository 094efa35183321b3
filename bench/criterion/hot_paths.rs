//! Criterion micro-benchmarks of the hot paths (issue 12): splitting CSV bytes into records
//! (`data::csv_split`), parsing one field (`data::parse_value`: money, dates, percentages) and
//! a whole run (`eval::compute`: read, fold, statements) of two example plans, and a run
//! where statements weigh the most (`statements/`: thirty components, 2,000 managers).
//!
//!     cargo bench --bench hot_paths                 # everything, criterion's defaults
//!     cargo bench --bench hot_paths -- --quick      # a short run
//!     cargo bench --bench hot_paths -- fold/        # one group
//!
//! Every benchmark checks its result once, outside the timed loop, so that a broken path
//! fails instead of timing an error. The 2027 plan's data comes from
//! `tests/tools/ref2027/generate.py`: without `python3` the run fails, it does not skip.
//! The crate denies `unwrap`, `expect`, `panic!` and slice indexing (also here): setup
//! problems are returned and `main` reports them with a failing exit code.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use chrono::NaiveDate;
use commission::check::compile;
use commission::data::csv_split::Splitter;
use commission::data::parse_value::parse_value;
use commission::data::InputFile;
use commission::eval::{compute, RunOptions, RunResult};
use commission::money::Currency;
use commission::plan::{ColumnType, Plan};
use commission::source::SourceFile;
use commission::value::Value;
use criterion::{Criterion, Throughput};
use rust_decimal::Decimal;

type Setup<T> = Result<T, String>;

/// Rows of the `split` ledger and values of each `parse` benchmark.
const SPLIT_ROWS: u64 = 10_000;
const PARSE_VALUES: usize = 10_000;
/// Rows of the sales ledger the account-manager plan folds.
const FOLD_ROWS: u64 = 20_000;
/// Managers in the generated ledgers (as the ledger `bench/RESULTS.md` describes).
const MANAGERS: u64 = 20;
/// The `statements` benchmark: a ledger of many managers with about ten rows each, so that
/// computing the statements (thirty components each) outweighs reading the rows.
const MANY_MANAGERS: u64 = 2_000;
const MANY_ROWS: u64 = 20_000;

/// SplitMix64: a fixed, dependency-free stream of numbers, so every run times the same bytes.
struct Numbers(u64);

impl Numbers {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        let at = usize::try_from(self.next() % words.len() as u64).unwrap_or(0);
        words.get(at).copied().unwrap_or_default()
    }
}

/// A sales ledger of the shape `bench/gen_ledger.py` writes (`id,date,manager,customer,kind,
/// business,segment,amount`; 2026, amounts 100.00-60,000.00, kinds 55/30/15), `managers`
/// managers `AM0000`..., ids `S000000001`...
fn sales_csv(rows: u64, seed: u64, managers: u64) -> String {
    let mut n = Numbers(seed);
    let kinds = ["new"; 11].into_iter().chain(["renewal"; 6]).chain(["upsell"; 3]).collect::<Vec<_>>();
    let business = ["mobile", "broadband", "iot", "cloud", "ict"];
    let segments = ["consumer", "sme", "enterprise", "government"];
    let mut text = String::from("id,date,manager,customer,kind,business,segment,amount\n");
    for i in 1..=rows {
        let (month, day) = (n.between(1, 12), n.between(1, 28));
        let manager = n.between(0, managers - 1);
        let customer = n.between(0, 99_999);
        let (kind, business, segment) = (n.pick(&kinds), n.pick(&business), n.pick(&segments));
        let cents = n.between(10_000, 6_000_000);
        let _ = writeln!(
            text,
            "S{i:09},2026-{month:02}-{day:02},AM{manager:04},C{customer:05},{kind},{business},{segment},{}.{:02}",
            cents / 100,
            cents % 100
        );
    }
    text
}

/// One survey row per manager per quarter, satisfaction 60.0%-100.0%.
fn surveys_csv(seed: u64, managers: u64) -> String {
    let mut n = Numbers(seed);
    let mut text = String::from("manager,quarter,satisfaction\n");
    for manager in 0..managers {
        for quarter in 1..=4 {
            let permille = n.between(600, 1000);
            let _ = writeln!(text, "AM{manager:04},2026-Q{quarter},{}.{}%", permille / 10, permille % 10);
        }
    }
    text
}

fn bench_split(c: &mut Criterion) {
    let csv = sales_csv(SPLIT_ROWS, 1, MANAGERS);
    let bytes = csv.as_bytes();
    // (records, fields, the line the last record starts on)
    let split = |bytes: &[u8]| {
        let mut splitter = Splitter::new(bytes);
        let mut record = csv::ByteRecord::new();
        let (mut records, mut fields, mut last) = (0u64, 0usize, 0u64);
        while let Ok(Some(line)) = splitter.next_record(&mut record) {
            records += 1;
            fields += record.len();
            last = line;
        }
        (records, fields, last)
    };
    let header_and_rows = SPLIT_ROWS + 1;
    assert_eq!(split(bytes), (header_and_rows, 8 * (SPLIT_ROWS as usize + 1), header_and_rows));
    let mut group = c.benchmark_group("split");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("sales_10k_rows", |b| b.iter(|| split(black_box(bytes))));
    group.finish();
}

/// Fields of one type and the values they must parse to.
fn parse_case(ty: ColumnType, seed: u64) -> Setup<(Vec<String>, Vec<Value>)> {
    let mut n = Numbers(seed);
    let mut texts = Vec::with_capacity(PARSE_VALUES);
    let mut values = Vec::with_capacity(PARSE_VALUES);
    for _ in 0..PARSE_VALUES {
        let (text, value) = match ty {
            ColumnType::Money => {
                let cents = n.between(10_000, 6_000_000);
                (format!("{}.{:02}", cents / 100, cents % 100), Value::Number(Decimal::new(cents as i64, 2)))
            }
            ColumnType::Date => {
                let (year, month, day) = (n.between(2020, 2030), n.between(1, 12), n.between(1, 28));
                let date = NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32)
                    .ok_or_else(|| format!("no date {year}-{month}-{day}"))?;
                (format!("{year}-{month:02}-{day:02}"), Value::Date(date))
            }
            ColumnType::Percent => {
                let permille = n.between(0, 1500);
                (format!("{}.{}%", permille / 10, permille % 10), Value::Number(Decimal::new(permille as i64, 3)))
            }
            other => return Err(format!("no parse case for {}", other.name())),
        };
        texts.push(text);
        values.push(value);
    }
    Ok((texts, values))
}

fn bench_parse(c: &mut Criterion) -> Setup<()> {
    let cny = Currency::new("CNY");
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Elements(PARSE_VALUES as u64));
    for (name, ty, seed) in [
        ("money_10k", ColumnType::Money, 2),
        ("date_10k", ColumnType::Date, 3),
        ("percent_10k", ColumnType::Percent, 4),
    ] {
        let (texts, expected) = parse_case(ty, seed)?;
        let parsed: Vec<Value> = texts.iter().filter_map(|t| parse_value(ty, t, &cny).ok()).collect();
        assert_eq!(parsed.len(), PARSE_VALUES, "{name}: every field parses");
        assert!(parsed == expected, "{name}: every field parses to its value");
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut ok = 0usize;
                for text in black_box(&texts) {
                    if let Ok(value) = parse_value(ty, text, &cny) {
                        black_box(value);
                        ok += 1;
                    }
                }
                ok
            })
        });
    }
    group.finish();
    Ok(())
}

fn load_plan(path: &Path) -> Setup<Plan> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let compilation =
        compile(SourceFile::new(path.display().to_string(), text)).map_err(|e| format!("{}: {e:?}", path.display()))?;
    Ok(compilation.plan)
}

/// The plan's inputs bound to `DIR/<input>.csv`, as `--data <input>=DIR/<input>.csv` binds
/// them, and the number of data rows in those files.
fn bind(plan: &Plan, dir: &Path) -> Setup<(Vec<InputFile>, u64)> {
    let mut files = Vec::new();
    let mut rows = 0u64;
    for (index, input) in plan.inputs.iter().enumerate() {
        let path: PathBuf = dir.join(format!("{}.csv", input.name));
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        rows += text.lines().skip(1).filter(|l| !l.trim().is_empty()).count() as u64;
        files.push(InputFile::new(index, path));
    }
    Ok((files, rows))
}

fn run(plan: &Plan, files: &[InputFile]) -> Setup<RunResult> {
    compute(plan, files, &RunOptions::default()).map_err(|e| format!("{}: {e:?}", plan.name))
}

fn bench_fold(c: &mut Criterion) -> Setup<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().map_err(|e| format!("a temporary folder: {e}"))?;

    // The seed plan on a 20,000-row ledger and its surveys.
    let seed_dir = dir.path().join("seed");
    std::fs::create_dir_all(&seed_dir).map_err(|e| e.to_string())?;
    std::fs::write(seed_dir.join("sales.csv"), sales_csv(FOLD_ROWS, 5, MANAGERS)).map_err(|e| e.to_string())?;
    std::fs::write(seed_dir.join("surveys.csv"), surveys_csv(6, MANAGERS)).map_err(|e| e.to_string())?;
    let seed = load_plan(&root.join("policies/telecom-account-manager.policy"))?;
    let (seed_files, seed_rows) = bind(&seed, &seed_dir)?;
    let result = run(&seed, &seed_files)?;
    assert_eq!(seed_rows, FOLD_ROWS + 4 * MANAGERS);
    assert_eq!(result.months.len(), 12, "the seed ledger spans 2026");
    assert_eq!(result.statements.len() as u64, MANAGERS * 12, "one statement per manager per month");
    assert_eq!(result.counts.iter().map(|c| c.read).sum::<u64>(), seed_rows, "every row read");
    assert!(result.total > Decimal::ZERO, "the seed plan pays something");

    // The 2027 plan on the reference generator's data (seed 1).
    let ref_dir = dir.path().join("ref2027");
    let generator = root.join("tests/tools/ref2027/generate.py");
    let status = Command::new("python3")
        .arg(&generator)
        .args(["--seed", "1", "--out"])
        .arg(&ref_dir)
        .status()
        .map_err(|e| format!("python3 {} (python3 is needed for fold/telecom_2027): {e}", generator.display()))?;
    if !status.success() {
        return Err(format!("python3 {} failed: {status}", generator.display()));
    }
    let plan2027 = load_plan(&root.join("policies/telecom-2027.policy"))?;
    let (files2027, rows2027) = bind(&plan2027, &ref_dir)?;
    let result2027 = run(&plan2027, &files2027)?;
    assert_eq!(result2027.months.len(), 12, "the 2027 data spans 2027");
    // generate.py's default roster is 25 payees; each gets a statement for every month.
    assert_eq!(result2027.statements.len(), 25 * 12, "one statement per payee per month");
    assert_eq!(result2027.counts.iter().map(|c| c.read).sum::<u64>(), rows2027, "every row read");
    assert!(result2027.total > Decimal::ZERO, "the 2027 plan pays something");
    println!(
        "fold setup: seed plan {} rows -> {} statements; 2027 plan {} rows -> {} statements",
        seed_rows,
        result.statements.len(),
        rows2027,
        result2027.statements.len()
    );

    let mut group = c.benchmark_group("fold");
    group.sample_size(20);
    group.throughput(Throughput::Elements(seed_rows));
    group
        .bench_function("account_manager_20k_rows", |b| b.iter(|| compute(&seed, &seed_files, &RunOptions::default())));
    group.throughput(Throughput::Elements(rows2027));
    group.bench_function("telecom_2027_seed1", |b| b.iter(|| compute(&plan2027, &files2027, &RunOptions::default())));
    group.finish();
    Ok(())
}

/// A run where computing statements weighs the most: `bench/thirty.policy` (thirty
/// components) over 2,000 managers with about ten rows each, 24,000 statements.
fn bench_statements(c: &mut Criterion) -> Setup<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().map_err(|e| format!("a temporary folder: {e}"))?;
    let sales = sales_csv(MANY_ROWS, 7, MANY_MANAGERS);
    std::fs::write(dir.path().join("sales.csv"), &sales).map_err(|e| e.to_string())?;
    std::fs::write(dir.path().join("surveys.csv"), surveys_csv(8, MANY_MANAGERS)).map_err(|e| e.to_string())?;
    let plan = load_plan(&root.join("bench/thirty.policy"))?;
    let (files, _) = bind(&plan, dir.path())?;
    let result = run(&plan, &files)?;
    // Every manager with a sale has a statement for each month of 2026: counted here from the
    // ledger's text, not from the run.
    let managers: std::collections::BTreeSet<&str> =
        sales.lines().skip(1).filter_map(|line| line.split(',').nth(2)).collect();
    assert_eq!(result.months.len(), 12, "the ledger spans 2026");
    assert_eq!(result.statements.len(), managers.len() * 12, "one statement per manager with sales per month");
    assert!(result.total > Decimal::ZERO, "the plan pays something");
    println!("statements setup: {} rows -> {} statements of thirty components", MANY_ROWS, result.statements.len());

    let mut group = c.benchmark_group("statements");
    group.sample_size(20);
    group.throughput(Throughput::Elements(result.statements.len() as u64));
    group.bench_function("thirty_components_2000_managers", |b| {
        b.iter(|| compute(&plan, &files, &RunOptions::default()))
    });
    group.finish();
    Ok(())
}

fn main() -> ExitCode {
    let mut c = Criterion::default().configure_from_args();
    bench_split(&mut c);
    let done = bench_parse(&mut c).and_then(|()| bench_fold(&mut c)).and_then(|()| bench_statements(&mut c));
    if let Err(problem) = done {
        eprintln!("hot_paths: {problem}");
        return ExitCode::FAILURE;
    }
    c.final_summary();
    ExitCode::SUCCESS
}
