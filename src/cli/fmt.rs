//! `commission fmt`: rewrite policies in the canonical layout, or check that they are in it.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use commission::diagnostics::io::IoKind;
use commission::diagnostics::{DataError, Error, PolicyProblems};
use commission::source::SourceFile;

use super::inputs::policy_paths;

#[derive(Args)]
pub struct FmtArgs {
    /// Policy files, or folders to search for `.policy` files
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Change nothing; name the files that are not formatted and exit 1 if there are any
    #[arg(long)]
    check: bool,
    /// Change nothing; show what formatting would change, as a diff
    #[arg(long)]
    diff: bool,
}

pub fn fmt(args: FmtArgs) -> Result<u8, Error> {
    let mut code = 0;
    for path in policy_paths(&args.paths)? {
        let shown = path.display().to_string();
        let text = super::inputs::read_policy(&path)
            .map_err(|e| DataError::of(&shown, IoKind::CannotReadListedPolicy { error: e.to_string() }))?;
        let formatted = match commission::fmt::format(&text) {
            Ok(f) => f,
            Err(problems) => {
                let report = PolicyProblems { source: SourceFile::new(shown, text), problems };
                let _ = std::io::stderr().write_all(super::render_report(&report).as_bytes());
                code = 1;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if args.diff {
            let diff = similar::TextDiff::from_lines(&text, &formatted);
            let shown_diff = diff.unified_diff().context_radius(2).header(&shown, &shown).to_string();
            super::emit(&shown_diff, None)?;
        }
        if args.check {
            super::emit(&format!("{shown}: not formatted\n"), None)?;
            code = 1;
        } else if !args.diff {
            super::emit_in_place(&formatted, &path)?;
            super::note(&format!("formatted {shown}"));
        }
    }
    Ok(code)
}
