//! Any bytes as the sales ledger of the seed plan: every outcome must be statements or a
//! diagnostic naming the file, never a panic.

#![no_main]

use std::sync::{Arc, OnceLock};

use commission::data::{InputFile, LedgerSource};
use commission::eval::{compute, RunOptions};
use commission::plan::Plan;
use commission::source::SourceFile;
use libfuzzer_sys::fuzz_target;

const SEED: &str = include_str!("../../policies/telecom-account-manager.policy");
const SURVEYS: &[u8] = b"manager,quarter,satisfaction\nM1,2026-Q1,80%\n";

fn plan() -> Option<&'static Plan> {
    static PLAN: OnceLock<Option<Plan>> = OnceLock::new();
    PLAN.get_or_init(|| commission::check::compile(SourceFile::new("seed.policy", SEED)).ok().map(|c| c.plan)).as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Some(plan) = plan() else { return };
    let bytes =
        |name: &str, b: &[u8]| LedgerSource::CsvBytes { name: name.to_string(), bytes: Arc::from(b), lines: None };
    let files = vec![
        InputFile { input: 0, source: bytes("sales.csv", data) },
        InputFile { input: 1, source: bytes("surveys.csv", SURVEYS) },
    ];
    for max_errors in [1, 5] {
        if let Err(e) = compute(plan, &files, &RunOptions { max_errors, ..RunOptions::default() }) {
            let _ = e.render();
        }
    }
});
