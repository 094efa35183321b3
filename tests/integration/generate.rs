//! `commission generate`: deterministic, months adding up exactly, and ledgers that every
//! policy in `policies/` runs on (the seed layout, or the roster layout for roster plans).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use rust_decimal::Decimal;

use crate::{run, run_ok};

fn generate(dir: &Path, extra: &[&str]) {
    let mut args =
        vec!["generate", "--managers", "25", "--months", "2026-01..2026-06", "--output", dir.to_str().unwrap()];
    args.extend(extra);
    let ran = run(&args);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stderr.contains("wrote"), "{}", ran.stderr);
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Acceptance 3, first half: the same seed writes byte-identical files.
#[test]
fn same_seed_same_bytes() {
    for layout in ["seed", "roster"] {
        let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        generate(a.path(), &["--seed", "7", "--layout", layout]);
        generate(b.path(), &["--seed", "7", "--layout", layout]);
        generate(c.path(), &["--seed", "8", "--layout", layout]);
        let (fa, fb, fc) = (files(a.path()), files(b.path()), files(c.path()));
        assert_eq!(fa, fb, "{layout}");
        assert_ne!(fa.get("sales.csv"), fc.get("sales.csv"), "{layout}");
        let names: Vec<&str> = fa.keys().map(String::as_str).collect();
        let expected: &[&str] = if layout == "roster" {
            &["roster.csv", "sales.csv", "surveys.csv"]
        } else {
            &["sales.csv", "surveys.csv"]
        };
        assert_eq!(names, expected);
    }
}

/// Each month's sales are exactly `--monthly-sales` x `--share`: 5,000,000 x 50% =
/// 2,500,000.00 by default; 1,000,000 x 30% = 300,000.00 here. Summed from the file.
#[test]
fn months_add_up_to_the_share_of_sales() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--monthly-sales", "1000000", "--share", "30%"]);
    let text = fs::read_to_string(dir.path().join("sales.csv")).unwrap();
    let mut months: BTreeMap<String, Decimal> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        *months.entry(fields[1][..7].to_string()).or_default() += fields[7].parse::<Decimal>().unwrap();
    }
    assert_eq!(months.len(), 6);
    for (month, total) in months {
        assert_eq!(total, Decimal::new(30_000_000, 2), "{month}");
    }
}

/// Acceptance 3, second half: every policy in `policies/` runs on generated ledgers.
#[test]
fn every_policy_runs_on_generated_ledgers() {
    let seed = tempfile::tempdir().unwrap();
    let roster = tempfile::tempdir().unwrap();
    generate(seed.path(), &["--layout", "seed"]);
    generate(roster.path(), &["--layout", "roster"]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ran = 0;
    for entry in fs::read_dir(root.join("policies")).unwrap() {
        let policy = entry.unwrap().path();
        // The 2027 plan's inputs name each other's rows (credits and cancellations name sales,
        // the roster its managers): its generated years come from tests/tools/ref2027/generate.py
        // and are run in `plans_over_time`.
        if policy.ends_with("policies/telecom-2027.policy") {
            continue;
        }
        let text = fs::read_to_string(&policy).unwrap();
        let (dir, inputs): (&Path, &[&str]) = if text.contains("input roster") {
            (roster.path(), &["roster", "sales", "surveys"])
        } else {
            (seed.path(), &["sales", "surveys"])
        };
        let mut args = vec!["run".to_string(), policy.display().to_string(), "--format".into(), "csv".into()];
        for input in inputs {
            args.extend(["--data".to_string(), format!("{input}={}", dir.join(format!("{input}.csv")).display())]);
        }
        let out = run_ok(&args);
        // 25 payees x 6 months, and the header.
        assert_eq!(out.lines().count(), 25 * 6 + 1, "{}", policy.display());
        ran += 1;
    }
    assert!(ran >= 3);
}

/// Parameters it cannot write exactly are refused, exit 2, naming the parameter and writing
/// nothing. Before, `--monthly-sales 1e20` wrote zero sales with exit 0 (the fen did not fit
/// 64 bits), the largest decimal crashed on an overflow, and 10^12 payees ran out of memory.
#[test]
fn parameters_out_of_range_are_refused() {
    let cases: [(&[&str], &str, &str); 5] = [
        (&["--monthly-sales", "100000000000000000000"], "E0520", "--monthly-sales"),
        (&["--monthly-sales", "79228162514264337593543950335"], "E0520", "--monthly-sales"),
        (&["--managers", "1000000000000"], "E0520", "--managers"),
        (&["--average-sale", "0.001"], "E0520", "--average-sale"),
        // 10^12 a month at 50% in sales of 0.01: 5 x 10^13 sales a month.
        (&["--monthly-sales", "1000000000000", "--average-sale", "0.01"], "E0521", "sales rows"),
    ];
    for (extra, code, named) in cases {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut args = vec!["generate", "--output", out.to_str().unwrap(), "--message-format", "plain"];
        args.extend(extra);
        let ran = run(&args);
        assert_eq!(ran.code, 2, "{extra:?}: {}", ran.stderr);
        assert!(crate::codes(&ran.stderr).contains(&code.to_string()), "{extra:?}: {}", ran.stderr);
        assert!(ran.stderr.contains(named), "{extra:?}: {}", ran.stderr);
        assert!(!out.exists(), "{extra:?}: nothing written");
    }
}

/// An existing file of a name it writes is refused (E0522, naming it, exit 2, the file
/// unchanged); `--force` replaces the files it writes and leaves any other file alone.
#[test]
fn existing_files_are_not_replaced_without_force() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("surveys.csv"), "my real surveys\n").unwrap();
    fs::write(dir.path().join("notes.txt"), "mine\n").unwrap();
    let out = dir.path().to_str().unwrap();
    let ran = run(["generate", "--managers", "5", "--output", out, "--message-format", "plain"]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(crate::codes(&ran.stderr).contains(&"E0522".to_string()), "{}", ran.stderr);
    assert!(ran.stderr.contains("surveys.csv"), "{}", ran.stderr);
    assert_eq!(fs::read_to_string(dir.path().join("surveys.csv")).unwrap(), "my real surveys\n");
    assert!(!dir.path().join("sales.csv").exists(), "no file written when one is refused");
    generate(dir.path(), &["--force"]);
    assert!(fs::read_to_string(dir.path().join("surveys.csv")).unwrap().starts_with("manager,quarter"));
    assert_eq!(fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "mine\n");
}
