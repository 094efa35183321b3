//! `run --format json` streams: 200,000 statements go to the writer a piece at a time, and
//! no piece is the whole document (before, the document was built in memory, about 2.7 KB
//! per statement, and written in one go). Nothing here measures time.

use commission::eval::RunOptions;

use crate::{assert_code, run, run_ok};
use std::io::Write;

/// One component, 10% of each payee's monthly sales.
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

/// A writer that keeps no output: it counts bytes, the largest single write, the writes that
/// are exactly the key `payee` (one per statement), and the last bytes written.
#[derive(Default)]
struct Counting {
    bytes: usize,
    largest: usize,
    payee_keys: usize,
    tail: Vec<u8>,
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes += buf.len();
        self.largest = self.largest.max(buf.len());
        if buf == b"payee" {
            self.payee_keys += 1;
        }
        self.tail.extend_from_slice(buf);
        let keep = 200;
        if self.tail.len() > 2 * keep {
            self.tail.drain(..self.tail.len() - keep);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn two_hundred_thousand_statements_stream_through_the_json_writer() {
    // 20,000 payees x 10 months (2026-01..2026-10), one sale of 100.00 each: 200,000
    // statements of 10% x 100.00 = 10.00, so the total is 2,000,000.00.
    let mut sales = String::from("id,date,payee,amount\n");
    for payee in 0..20_000 {
        for month in 1..=10 {
            sales.push_str(&format!("S{payee}-{month},2026-{month:02}-15,P{payee:05},100.00\n"));
        }
    }
    let result = crate::run_in_memory(POLICY, &[&sales], &RunOptions::default()).unwrap();
    assert_eq!(result.statements.len(), 200_000);
    drop(sales);
    let plan = commission::check::compile(commission::source::SourceFile::new("test.policy", POLICY)).unwrap().plan;
    let mut out = Counting::default();
    commission::report::json::write(&plan, &result, &mut out).unwrap();
    assert_eq!(out.payee_keys, 200_000, "every statement was written");
    // Each statement is well over 100 bytes of pretty JSON, so well over 20 MB in all ...
    assert!(out.bytes > 200_000 * 100, "{} bytes", out.bytes);
    // ... but never more than a small piece at once: the document is not held whole.
    assert!(out.largest <= 1024, "a write of {} bytes", out.largest);
    let tail = String::from_utf8_lossy(&out.tail);
    assert!(tail.contains("\"total\": \"2000000.00\""), "{tail}");
    assert!(tail.ends_with("}\n"), "{tail}");
}

/// A plan paying each payee's monthly sales at their own rate, read from `rates` (one row per
/// payee and month): a payee with no rate for a month cannot be paid (E0326).
const RATED: &str = "policy \"R\" version \"1\" currency CNY

input sales {
  key    id:     text
  period date:   date
  payee  payee:  text
         amount: money
}

input rates {
  payee  payee: text
  period month: month
         rate:  percent
}

payee sales.payee

component commission monthly {
  pay sum(sales.amount) * rates.rate
}
";

/// 7,000 payees x 10 months of one sale of 100.00 each, every payee at 10% (`rates`), but
/// `missing` left out of October's rates: 70,000 statements, more than one batch holds
/// (65,536), so the last payees' statements come in a second batch.
fn rated_ledgers(dir: &std::path::Path, missing: Option<&str>) -> (String, String, String) {
    let (mut sales, mut rates) = (String::from("id,date,payee,amount\n"), String::from("payee,month,rate\n"));
    for payee in 0..7_000 {
        let id = format!("P{payee:05}");
        for month in 1..=10 {
            sales.push_str(&format!("S{payee}-{month},2026-{month:02}-15,{id},100.00\n"));
            if !(month == 10 && missing == Some(id.as_str())) {
                rates.push_str(&format!("{id},2026-{month:02},10%\n"));
            }
        }
    }
    let path = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    (path("r.policy", RATED), path("sales.csv", &sales), path("rates.csv", &rates))
}

#[test]
fn a_run_written_batch_by_batch_is_the_run_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (policy, sales, rates) = rated_ledgers(dir.path(), None);
    let data = ["--data".to_string(), format!("sales={sales}"), "--data".to_string(), format!("rates={rates}")];
    // The statements collected whole (`eval::compute`), written by the same writers.
    let whole = {
        let files = |f: &str| std::fs::read_to_string(f).unwrap();
        let result = crate::run_in_memory(RATED, &[&files(&sales), &files(&rates)], &RunOptions::default()).unwrap();
        assert_eq!(result.statements.len(), 70_000);
        let plan = commission::check::compile(commission::source::SourceFile::new("r.policy", RATED)).unwrap().plan;
        (commission::report::csv::render(&plan, &result), commission::report::json::render(&plan, &result))
    };
    for (format, whole) in [("csv", &whole.0), ("json", &whole.1)] {
        let out = dir.path().join(format!("out.{format}"));
        let mut args = vec!["run".to_string(), policy.clone(), "--format".into(), format.into()];
        args.extend(data.iter().cloned());
        args.extend(["--output".to_string(), out.display().to_string()]);
        run_ok(&args);
        let streamed = std::fs::read_to_string(&out).unwrap();
        // The in-memory ledgers are named `input0.csv`..., the files by their paths: only
        // the row accounting's names differ, and CSV has none.
        assert_eq!(streamed, *whole, "{format}: written batch by batch, the same bytes");
        // By hand: 70,000 statements of 10% x 100.00 = 10.00 each.
        if format == "json" {
            assert!(streamed.contains("\n  \"total\": \"700000.00\",\n"), "the grand total");
        } else {
            assert_eq!(streamed.lines().count(), 70_001);
            assert_eq!(streamed.lines().last(), Some("P06999,2026-10,10.00,10.00"));
        }
    }
}

#[test]
fn a_statement_that_fails_in_a_later_batch_leaves_no_output() {
    let dir = tempfile::tempdir().unwrap();
    // The last payee's October: in the second batch, after 65,536 statements are written.
    let (policy, sales, rates) = rated_ledgers(dir.path(), Some("P06999"));
    for format in ["csv", "json"] {
        let out = dir.path().join(format!("out.{format}"));
        let base = [
            "run",
            &policy,
            "--format",
            format,
            "--data",
            &format!("sales={sales}"),
            "--data",
            &format!("rates={rates}"),
        ];
        let to_file = run(base.iter().copied().chain(["--output", &out.display().to_string()]));
        assert_eq!(to_file.code, 2, "{}", to_file.stderr);
        assert_code(&to_file, "E0326");
        assert!(to_file.stderr.contains("P06999"), "{}", to_file.stderr);
        assert!(!out.exists(), "{format}: no file for a run that failed");
        assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".commission-")));
        let to_stdout = run(base);
        assert_eq!(to_stdout.code, 2, "{}", to_stdout.stderr);
        assert_code(&to_stdout, "E0326");
        assert_eq!(to_stdout.stdout, "", "{format}: nothing on standard output for a run that failed");
    }
}

/// Batches of a payee or a few (`COMMISSION_BATCH_STATEMENTS`, 65,536 statements by
/// default): the statements of a batch once written are filled again by a later batch's
/// (`eval::compute`'s `Spare`), so a run, a diff (both plans' batches computed together)
/// and a budget over many small batches give the same bytes as over one. The by-business
/// plan's statements carry roster columns and metrics, the seed plans' metrics.
#[test]
fn batches_of_a_payee_or_a_few_give_the_same_bytes() {
    let telecom = ["--data", "sales=examples/telecom/sales.csv", "--data", "surveys=examples/telecom/surveys.csv"];
    let (flat, marginal) = ("policies/telecom-account-manager.policy", "policies/telecom-marginal.policy");
    let by_business = "policies/telecom-by-business.policy";
    let mut commands: Vec<Vec<&str>> = Vec::new();
    for format in ["csv", "json"] {
        let mut args = vec!["run", by_business, "--format", format];
        args.extend(crate::BY_BUSINESS_DATA);
        commands.push(args);
    }
    let mut args = vec!["diff", flat, marginal, "--format", "json"];
    args.extend(telecom);
    commands.push(args);
    let mut args = vec!["budget", flat, "--by", "business", "--format", "json"];
    args.extend(telecom);
    commands.push(args);
    for args in &commands {
        let ran = |batch: Option<&str>| {
            let mut cmd = crate::commission();
            cmd.env_remove("COMMISSION_BATCH_STATEMENTS");
            if let Some(batch) = batch {
                cmd.env("COMMISSION_BATCH_STATEMENTS", batch);
            }
            crate::Ran::from(cmd.args(args).output().unwrap())
        };
        let whole = ran(None);
        assert_eq!(whole.code, 0, "{args:?}: {}", whole.stderr);
        assert!(whole.stdout.len() > 1_000, "{args:?}: {}", whole.stdout);
        // 1 and 12: a payee a batch (a year of months); 30: two payees a batch.
        for batch in ["1", "12", "30"] {
            let small = ran(Some(batch));
            assert_eq!((small.code, &small.stdout), (0, &whole.stdout), "{args:?} in batches of {batch} statements");
        }
    }
}

/// A diff whose new plan fails for a payee of a later batch (of 200 payees of one sale each,
/// the last one's sale 9 x 10^14: 10^14 times that is more than any amount can hold, about
/// 7.9 x 10^28) fails as
/// that plan's own `run` does, whatever the batches: the first plan's batches go on being
/// computed with the second's until the second fails, then alone.
#[test]
fn a_new_plan_failing_in_a_later_batch_fails_the_diff_as_its_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut sales = String::from("id,date,payee,amount\n");
    for payee in 0..200 {
        let amount = if payee == 199 { "900000000000000.00" } else { "100.00" };
        sales.push_str(&format!("S{payee},2026-01-15,P{payee:03},{amount}\n"));
    }
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let sales = write("sales.csv", &sales);
    let data = format!("sales={sales}");
    let ran = |args: &[&str], batch: Option<&str>| {
        let mut cmd = crate::commission();
        cmd.env_remove("COMMISSION_BATCH_STATEMENTS");
        if let Some(batch) = batch {
            cmd.env("COMMISSION_BATCH_STATEMENTS", batch);
        }
        crate::Ran::from(cmd.args(args).output().unwrap())
    };
    // A metric alike in both: the new plan takes it from the old plan's statements, so the
    // two are computed together, payee after payee.
    let policy = POLICY
        .replace("component commission", "metric sales \"Sales\" monthly = sum(sales.amount)\n\ncomponent commission");
    let old = write("old.policy", &policy);
    let failing = policy.replace("* 10%", "* 100_000_000_000_000");
    // The same, counting sales besides: a fold of its own, its batches computed after the
    // old plan's, taking the metric from them.
    let counting =
        failing.replace("component commission", "metric sold \"Sold\" monthly = count(sales)\n\ncomponent commission");
    for (name, text) in [("new.policy", &failing), ("counting.policy", &counting)] {
        let new = write(name, text);
        assert_fails_alike(&ran, &old, &new, &data, &dir.path().join("diff.json"));
    }
    // The old plan alone pays 10% of each sale: 10.00, and 9 x 10^13 to the last payee.
    let old_run = ran(&["run", &old, "--data", &data, "--format", "csv"], Some("1"));
    assert_eq!(old_run.code, 0, "{}", old_run.stderr);
    assert_eq!(old_run.stdout.lines().nth(1), Some("P000,2026-01,10.00,10.00"));
    assert_eq!(old_run.stdout.lines().last(), Some("P199,2026-01,90000000000000.00,90000000000000.00"));
}

/// `new` fails its own `run` for the last payee; a diff of `old` against it fails the same
/// way (the same message and exit code, no output file) in batches of any size.
fn assert_fails_alike(
    ran: &dyn Fn(&[&str], Option<&str>) -> crate::Ran,
    old: &str,
    new: &str,
    data: &str,
    out: &std::path::Path,
) {
    let run = ran(&["run", new, "--data", data], None);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("P199"), "{}", run.stderr);
    for batch in [None, Some("1"), Some("7"), Some("100")] {
        let diff = ran(&["diff", old, new, "--data", data, "--output", out.to_str().unwrap()], batch);
        assert_eq!((diff.code, &diff.stderr), (run.code, &run.stderr), "{new} in batches of {batch:?}");
        assert!(!out.exists(), "no output for a diff that failed");
    }
}
