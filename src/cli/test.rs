//! `commission test`: run the `test` blocks of policies; `--coverage` says what they exercised.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use commission::diagnostics::io::IoKind;
use commission::diagnostics::{DataError, Error};
use commission::eval::coverage::Coverage;
use commission::policy_test::{self, render::FileResults};
use commission::source::SourceFile;

use super::inputs::policy_paths;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// pass/fail, with the policy line, expected, got and the difference of each failure
    Human,
    /// JUnit XML, for CI systems
    Junit,
}

#[derive(Args)]
pub struct TestArgs {
    /// Policy files, or folders to search for `.policy` files
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Write the computed figures into failing `expect` lines (review the diff after)
    #[arg(long)]
    accept: bool,
    /// Report which brackets, gates, table rows and `else` branches the tests exercised
    #[arg(long)]
    coverage: bool,
    /// Fail (exit 1) when coverage is below this percentage (implies --coverage)
    #[arg(long, value_name = "PERCENT")]
    fail_under: Option<rust_decimal::Decimal>,
}

pub fn test(args: TestArgs) -> Result<u8, Error> {
    let mut code = 0u8;
    let mut loaded = Vec::new();
    for path in policy_paths(&args.paths)? {
        let shown = path.display().to_string();
        let text = super::inputs::read_policy(&path)
            .map_err(|e| DataError::of(&shown, IoKind::CannotReadListedPolicy { error: e.to_string() }))?;
        match policy_test::load(SourceFile::new(shown.clone(), text.clone())) {
            Ok(suite) => {
                super::print_warnings(&commission::diagnostics::PolicyProblems {
                    source: suite.plan.source.clone(),
                    problems: suite.warnings.clone(),
                });
                let coverage = Coverage::default();
                let results = policy_test::run::run(&suite, Some(&coverage));
                loaded.push((path, shown, text, suite, results, coverage));
            }
            Err(report) => {
                let _ = std::io::stderr().write_all(super::render_report(&report).as_bytes());
                code = 1;
            }
        }
    }
    let files: Vec<FileResults<'_>> =
        loaded.iter().map(|(_, shown, _, suite, results, _)| FileResults { path: shown, suite, results }).collect();
    if files.iter().flat_map(|f| f.results).any(|r| !r.passed()) {
        code = 1;
    }
    let text = match args.format {
        Format::Human => policy_test::render::human(&files),
        Format::Junit => policy_test::render::junit(&files),
    };
    super::emit(&text, None)?;
    if args.coverage || args.fail_under.is_some() {
        let mut out = String::new();
        for (_, _, _, suite, _, coverage) in &loaded {
            out.push_str(&commission::report::coverage::render(&suite.plan, coverage));
            let (covered, total) = commission::report::coverage::counts(&suite.plan, coverage);
            let percent = commission::report::coverage::percent(covered, total);
            if args.fail_under.is_some_and(|min| percent < min) {
                out.push_str(&format!(
                    "coverage {percent}% is below --fail-under {}\n",
                    args.fail_under.unwrap_or_default()
                ));
                code = 1;
            }
        }
        // JUnit output is for machines: keep stdout pure XML and put coverage on stderr.
        match args.format {
            Format::Human => super::emit(&out, None)?,
            Format::Junit => super::note(&out),
        }
    }
    if args.accept {
        for (path, shown, text, suite, results, _) in &loaded {
            if let Some(updated) = policy_test::accept::accept(text, suite, results) {
                super::emit_in_place(&updated, path)?;
                super::note(&format!(
                    "accepted the computed figures into {shown}; review the change before committing"
                ));
            }
        }
    }
    Ok(code)
}
