//! Policies from git: `HEAD~1:policies/x.policy`, `v2026.1:policies/x.policy`, read with the
//! `git` executable, so analysts compare the versions they already keep in a repository.

use std::path::Path;
use std::process::Command;

use commission::diagnostics::io::IoKind;
use commission::diagnostics::DataError;

/// The text of `spec`: a file if one exists at that path, else `REVISION:PATH` read from
/// git. Paths after the colon are from the repository's root, as git reads them (`./x` is
/// from the current folder).
pub fn read(spec: &str) -> Result<String, DataError> {
    let path = Path::new(spec);
    if path.exists() {
        super::output::note_input(path);
        return super::inputs::read_policy(path)
            .map_err(|e| DataError::of(spec, IoKind::CannotReadPolicy { error: e.to_string() }));
    }
    let Some((rev, file)) = spec.split_once(':').filter(|(r, f)| !r.is_empty() && !f.is_empty()) else {
        return Err(DataError::of(spec, IoKind::NoSuchPolicy));
    };
    git(&["rev-parse", "--show-toplevel"]).map_err(|e| match e {
        GitError::NotRun(why) => DataError::of(spec, IoKind::GitNotRun { why }),
        GitError::Failed => DataError::of(spec, IoKind::NotInRepository),
    })?;
    git(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
        .map_err(|_| DataError::of(spec, IoKind::UnknownRevision { rev: rev.to_string() }))?;
    let bytes = git(&["show", &format!("{rev}:{file}")])
        .map_err(|_| DataError::of(spec, IoKind::NotInRevision { file: file.to_string(), rev: rev.to_string() }))?;
    String::from_utf8(bytes).map(super::inputs::without_bom).map_err(|_| DataError::of(spec, IoKind::PolicyNotUtf8))
}

enum GitError {
    NotRun(String),
    Failed,
}

fn git(args: &[&str]) -> Result<Vec<u8>, GitError> {
    let out = Command::new("git").args(args).output().map_err(|e| GitError::NotRun(e.to_string()))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(GitError::Failed)
    }
}
