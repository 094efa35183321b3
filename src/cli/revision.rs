//! Policies from git: `HEAD~1:policies/x.policy`, `v2026.1:policies/x.policy`, read with the
//! `git` executable, so analysts compare the versions they already keep in a repository.

use std::path::Path;
use std::process::Command;

use commission::diagnostics::DataError;

/// The text of `spec`: a file if one exists at that path, else `REVISION:PATH` read from
/// git. Paths after the colon are from the repository's root, as git reads them (`./x` is
/// from the current folder).
pub fn read(spec: &str) -> Result<String, DataError> {
    let path = Path::new(spec);
    if path.exists() {
        return std::fs::read_to_string(path).map_err(|e| {
            DataError::new(spec, format!("cannot read policy: {e}"))
                .with_help("give the path of a `.policy` file, e.g. `policies/telecom-account-manager.policy`")
        });
    }
    let Some((rev, file)) = spec.split_once(':').filter(|(r, f)| !r.is_empty() && !f.is_empty()) else {
        return Err(DataError::new(spec, "cannot read policy: no such file").with_help(
            "give a policy file, or a git revision of one such as `HEAD~1:policies/telecom-account-manager.policy`",
        ));
    };
    git(&["rev-parse", "--show-toplevel"]).map_err(|e| match e {
        GitError::NotRun(why) => DataError::new(spec, format!("cannot run `git` to read a revision: {why}"))
            .with_help("install git, or give the policy as a file"),
        GitError::Failed => DataError::new(spec, "not a file, and not in a git repository to read a revision from")
            .with_help("run the command inside the repository that keeps the policy, or give a file path"),
    })?;
    git(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).map_err(|_| {
        DataError::new(spec, format!("unknown revision `{rev}`")).with_help(
            "use a commit, a tag or a branch, e.g. `HEAD~1`, `v2026.1` or `main`; `git log --oneline` lists commits",
        )
    })?;
    let bytes = git(&["show", &format!("{rev}:{file}")]).map_err(|_| {
        DataError::new(spec, format!("`{file}` does not exist in revision `{rev}`"))
            .with_help("the path after `:` is from the repository's root (or starts with `./` for the current folder); `git ls-tree -r --name-only REVISION` lists the files")
    })?;
    String::from_utf8(bytes).map_err(|_| DataError::new(spec, "the policy is not valid UTF-8"))
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
