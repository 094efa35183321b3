//! A fluent builder over the real `commission` executable, in the manner of casey/just's
//! `Test`: write a policy, ledgers and other files into a temporary folder, run one
//! command, check its exit code and output, and get the [`Ran`] back for further checks.
//!
//! ```text
//! Test::new()
//!     .policy("policy \"P\" version \"1\" currency CNY\n...")   // {dir}/policy.policy
//!     .ledger("sales", "id,date,manager,amount\n...")          // {dir}/sales.csv
//!     .args(["run", "{policy}", "--format", "csv"])            // + --data sales={dir}/sales.csv
//!     .stdout("payee,period,...\n")
//!     .run();
//! ```
//!
//! In arguments, `{dir}` is the folder and `{policy}` is `{dir}/policy.policy`. When the
//! arguments hold no `--data`, each ledger is appended as `--data NAME={dir}/NAME.csv`, in
//! the order given. The command runs in the folder, or with [`Test::current_dir_repo`] in
//! the repository root, where repository paths such as `policies/...` work. With
//! [`Test::redact_dir`], the folder's path reads `{dir}` in stdout and stderr, in the
//! comparisons and in the returned [`Ran`]. On a failed expectation the panic shows every
//! failed expectation, the command line, the exit code, stdout and stderr in full.
//!
//! Human diagnostics are wrapped at 100 columns before redaction, so where a line break
//! falls can depend on the length of the temporary folder's path (`TMPDIR`): expect short
//! pieces of them with `stderr_contains`, or use `--message-format plain` or `json`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::{commission, Ran};

/// Files up to this size are shown in full when a test fails; larger ones by name and size.
const SHOWN_FILE_LIMIT: usize = 1000;

enum Folder {
    /// A fresh temporary folder, removed when the test is done.
    Own(tempfile::TempDir),
    /// A folder the caller keeps, for several runs over the same files or to look at what a
    /// run wrote.
    Shared(PathBuf),
}

pub struct Test {
    folder: Folder,
    files: Vec<(PathBuf, Vec<u8>)>,
    ledgers: Vec<String>,
    args: Vec<String>,
    in_repo: bool,
    redact: bool,
    status: i32,
    stdout: Option<String>,
    stdout_contains: Vec<String>,
    stderr_contains: Vec<String>,
    codes: Vec<String>,
}

impl Default for Test {
    fn default() -> Self {
        Self::new()
    }
}

impl Test {
    /// A test in a fresh temporary folder.
    pub fn new() -> Self {
        Self::with(Folder::Own(tempfile::tempdir().unwrap()))
    }

    /// A test in `dir`, which the caller keeps: files written by earlier tests in it stay,
    /// and the caller can read what the run wrote there.
    pub fn in_dir(dir: &Path) -> Self {
        Self::with(Folder::Shared(dir.to_path_buf()))
    }

    fn with(folder: Folder) -> Self {
        Test {
            folder,
            files: Vec::new(),
            ledgers: Vec::new(),
            args: Vec::new(),
            in_repo: false,
            redact: false,
            status: 0,
            stdout: None,
            stdout_contains: Vec::new(),
            stderr_contains: Vec::new(),
            codes: Vec::new(),
        }
    }

    fn dir(&self) -> &Path {
        match &self.folder {
            Folder::Own(dir) => dir.path(),
            Folder::Shared(dir) => dir,
        }
    }

    /// The policy, written as `{dir}/policy.policy`; `{policy}` in the arguments names it.
    pub fn policy(self, text: impl AsRef<[u8]>) -> Self {
        self.file("policy.policy", text)
    }

    /// A ledger, written as `{dir}/NAME.csv` and bound as `--data NAME=...` unless the
    /// arguments hold a `--data` of their own.
    pub fn ledger(mut self, name: &str, text: impl AsRef<[u8]>) -> Self {
        if !self.ledgers.iter().any(|l| l == name) {
            self.ledgers.push(name.to_string());
        }
        self.file(format!("{name}.csv"), text)
    }

    /// Any other file, at a path relative to the folder (parent folders are made). Giving
    /// the same path again replaces the contents.
    pub fn file(mut self, path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> Self {
        let path = path.as_ref().to_path_buf();
        assert!(path.is_relative(), "{} should be relative to the test's folder", path.display());
        let contents = contents.as_ref().to_vec();
        match self.files.iter_mut().find(|(p, _)| *p == path) {
            Some((_, old)) => *old = contents,
            None => self.files.push((path, contents)),
        }
        self
    }

    /// Arguments after `commission`, appended to any given before.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.args.extend(args.into_iter().map(|a| a.as_ref().to_string()));
        self
    }

    /// Runs in the repository root, as [`commission`] does, so that arguments can name
    /// repository files; the temporary files are still there, by absolute path.
    pub fn current_dir_repo(mut self) -> Self {
        self.in_repo = true;
        self
    }

    /// Replaces the folder's path by `{dir}` in stdout and stderr before they are compared
    /// and returned, so that expectations can name temporary files exactly.
    pub fn redact_dir(mut self) -> Self {
        self.redact = true;
        self
    }

    /// The expected exit code; 0 unless told.
    pub fn status(mut self, code: i32) -> Self {
        self.status = code;
        self
    }

    /// The whole of the expected stdout.
    pub fn stdout(mut self, text: impl Into<String>) -> Self {
        self.stdout = Some(text.into());
        self
    }

    /// Text stdout must contain; may be given several times.
    pub fn stdout_contains(mut self, text: impl Into<String>) -> Self {
        self.stdout_contains.push(text.into());
        self
    }

    /// Text stderr must contain; may be given several times.
    pub fn stderr_contains(mut self, text: impl Into<String>) -> Self {
        self.stderr_contains.push(text.into());
        self
    }

    /// A diagnostic code stderr must show (`E0214`): the kind of problem, which is what a
    /// test asserts; the wording is pinned by snapshots. May be given several times.
    pub fn code(mut self, code: &str) -> Self {
        self.codes.push(code.to_string());
        self
    }

    /// The arguments with `{dir}` and `{policy}` filled in, and the ledgers bound unless
    /// the arguments bind data themselves.
    fn command_line(&self) -> Vec<String> {
        let dir = self.dir().display().to_string();
        let policy = self.dir().join("policy.policy").display().to_string();
        let mut args: Vec<String> =
            self.args.iter().map(|a| a.replace("{policy}", &policy).replace("{dir}", &dir)).collect();
        let binds_data = self.args.iter().any(|a| a == "--data" || a.starts_with("--data="));
        if !binds_data {
            for name in &self.ledgers {
                args.push("--data".into());
                args.push(format!("{name}={}", self.dir().join(format!("{name}.csv")).display()));
            }
        }
        args
    }

    /// Writes the files, runs the command and checks every expectation; panics naming all
    /// that failed, with the command line and its whole output.
    #[track_caller]
    pub fn run(self) -> Ran {
        for (path, contents) in &self.files {
            let path = self.dir().join(path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).unwrap();
            }
            fs::write(&path, contents).unwrap();
        }
        let args = self.command_line();
        let mut command = commission();
        if !self.in_repo {
            command.current_dir(self.dir());
        }
        let mut ran: Ran = command.args(&args).output().unwrap().into();
        if self.redact {
            let dir = self.dir().display().to_string();
            ran.stdout = ran.stdout.replace(&dir, "{dir}");
            ran.stderr = ran.stderr.replace(&dir, "{dir}");
        }

        let mut failed = Vec::new();
        if ran.code != self.status {
            failed.push(format!("exit code {}, expected {}", ran.code, self.status));
        }
        if let Some(want) = self.stdout.as_ref().filter(|want| **want != ran.stdout) {
            failed.push(format!("stdout is not as expected; expected stdout:\n{want}<end>"));
        }
        for (stream, got, parts) in
            [("stdout", &ran.stdout, &self.stdout_contains), ("stderr", &ran.stderr, &self.stderr_contains)]
        {
            for part in parts.iter().filter(|p| !got.contains(p.as_str())) {
                failed.push(format!("{stream} does not contain:\n{part}<end>"));
            }
        }
        let shown = crate::codes(&ran.stderr);
        for code in self.codes.iter().filter(|c| !shown.contains(c)) {
            failed.push(format!("stderr shows codes {shown:?}, not {code}"));
        }
        if !failed.is_empty() {
            panic!("{}\n{}", failed.join("\n"), self.describe(&args, &ran));
        }
        ran
    }

    /// The command line, the folder and its small files, and the run's whole output.
    fn describe(&self, args: &[String], ran: &Ran) -> String {
        let mut out = String::from("--- command:\ncommission");
        for arg in args {
            out.push(' ');
            out.push_str(&quote(arg));
        }
        let cwd = if self.in_repo { env!("CARGO_MANIFEST_DIR").to_string() } else { self.dir().display().to_string() };
        let _ = writeln!(out, "\n--- in: {cwd}\n--- folder: {}", self.dir().display());
        for (path, contents) in &self.files {
            if contents.len() <= SHOWN_FILE_LIMIT {
                let _ = writeln!(out, "--- {}:\n{}<end>", path.display(), String::from_utf8_lossy(contents));
            } else {
                let _ = writeln!(out, "--- {}: {} bytes", path.display(), contents.len());
            }
        }
        let redacted = if self.redact { " (folder redacted)" } else { "" };
        let _ = write!(
            out,
            "--- exit code: {}\n--- stdout{redacted}:\n{}<end>\n--- stderr{redacted}:\n{}<end>",
            ran.code, ran.stdout, ran.stderr
        );
        out
    }
}

/// An argument as a POSIX shell would need it, so that a failed command can be pasted.
fn quote(arg: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "-_./=:,@%+".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// `{policy}` and `{dir}` are filled in, the ledgers are bound after the arguments, and
/// redaction turns the folder back into `{dir}` in what the program printed.
#[test]
fn placeholders_ledgers_and_redaction() {
    let dir = tempfile::tempdir().unwrap();
    let test = Test::in_dir(dir.path()).ledger("sales", "id\n").ledger("surveys", "id\n").args(["run", "{policy}"]);
    let shown = dir.path().display();
    assert_eq!(
        test.command_line(),
        [
            "run".to_string(),
            format!("{shown}/policy.policy"),
            "--data".into(),
            format!("sales={shown}/sales.csv"),
            "--data".into(),
            format!("surveys={shown}/surveys.csv"),
        ]
    );
    // No policy was written: the program names the file it could not read.
    test.redact_dir().status(2).stderr_contains("{dir}/policy.policy: cannot read policy").run();
    // A `--data` of the arguments' own: the ledgers are written but not bound.
    let test = Test::new().ledger("sales", "id\n").args(["run", "{policy}", "--data", "sales={dir}/other.csv"]);
    assert_eq!(test.command_line().iter().filter(|a| *a == "--data").count(), 1);
}

/// A failed expectation panics naming every failure, the command line and the whole
/// output.
#[test]
fn a_failed_expectation_shows_the_command_and_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Test::in_dir(dir.path()).args(["check", "{policy}"]).stdout_contains("ok").run()
    }));
    let message = *result.err().unwrap().downcast::<String>().unwrap();
    let shown = dir.path().display();
    for part in [
        "exit code 2, expected 0\n".to_string(),
        "stdout does not contain:\nok<end>\n".into(),
        format!("--- command:\ncommission check {shown}/policy.policy\n"),
        format!("--- in: {shown}\n"),
        "--- exit code: 2\n--- stdout:\n<end>\n--- stderr:\n".into(),
        format!("{shown}/policy.policy: cannot read policy"),
    ] {
        assert!(message.contains(&part), "missing {part:?} in:\n{message}");
    }
}
