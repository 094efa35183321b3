//! `commission check`: parse and check policies, report every problem at once.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use commission::diagnostics::Error;

use commission::diagnostics::io::IoKind;
use commission::diagnostics::{DataError, PolicyProblems};
use commission::policy_test;
use commission::source::SourceFile;

#[derive(Args)]
pub struct CheckArgs {
    /// Policy files, or folders to search for `.policy` files
    #[arg(required = true)]
    policies: Vec<PathBuf>,
}

/// Checks every file, printing each one's problems; the exit code is the worst met.
pub fn check(args: CheckArgs) -> Result<u8, Error> {
    let mut code = 0;
    // A folder is every `.policy` under it; a file that cannot be read is reported in its
    // turn, and the others are still checked.
    let mut paths = Vec::new();
    for path in &args.policies {
        if path.is_dir() {
            paths.extend(super::inputs::policy_paths(std::slice::from_ref(path))?);
        } else {
            paths.push(path.clone());
        }
    }
    for path in &paths {
        let shown = path.display().to_string();
        let loaded = super::inputs::read_policy(path)
            .map_err(|e| Error::from(DataError::of(&shown, IoKind::CannotReadListedPolicy { error: e.to_string() })))
            .and_then(|text| Ok(policy_test::load(SourceFile::new(shown.clone(), text))?));
        match loaded {
            Ok(suite) => {
                let mut problems = suite.warnings.clone();
                problems.extend(suite.lints.iter().cloned());
                problems.sort_by_key(|p| p.labels.first().map_or(0, |(span, _)| span.start));
                let warnings = PolicyProblems { source: suite.plan.source.clone(), problems };
                super::print_warnings(&warnings);
                let plan = &suite.plan;
                let line = format!(
                    "{}: ok, `{}` version {} ({} components, {} inputs, {} tests, {} warning{})\n",
                    path.display(),
                    plan.name,
                    plan.version,
                    plan.components.len(),
                    plan.inputs.len(),
                    suite.tests.len(),
                    warnings.warnings(),
                    if warnings.warnings() == 1 { "" } else { "s" }
                );
                super::output::print(&line);
            }
            Err(error) => {
                let _ = std::io::stderr().write_all(super::render_error(&error).as_bytes());
                code = code.max(u8::try_from(error.exit_code()).unwrap_or(2));
            }
        }
    }
    Ok(code)
}
