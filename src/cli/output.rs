//! Writing outputs: standard output, or a file written whole or not at all (a temporary file
//! beside the target, renamed over it at the end). An output is never one of the run's own
//! inputs, a symbolic link is written through to its target, and a path that holds anything
//! but a regular file (a folder, a device, a FIFO) is refused. A new file gets the usual mode
//! (0666 less the umask); a file that is replaced keeps its mode.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use commission::diagnostics::io::IoKind;
use commission::diagnostics::{DataError, Error};

/// The files this run reads (policies, ledgers): no output may replace one of them.
static INPUTS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Notes a file the run reads, so that no output replaces it.
pub fn note_input(path: &Path) {
    if let Ok(mut inputs) = INPUTS.lock() {
        inputs.push(path.to_path_buf());
    }
}

/// Whether an output may replace one of the run's inputs: only `fmt` and `test --accept`,
/// whose very job is to rewrite the file they read, may.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An output of its own: never one of the run's inputs.
    New,
    /// The file the command read and rewrites.
    InPlace,
}

/// The most symbolic links followed from an output path before giving up (as the OS does).
const MAX_LINKS: usize = 40;

/// `path` with every symbolic link at its end followed: the file a write really replaces.
fn follow_links(path: &Path) -> Result<PathBuf, IoKind> {
    let mut here = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&here) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target =
                    std::fs::read_link(&here).map_err(|e| IoKind::CannotWriteOutput { error: e.to_string() })?;
                here = match here.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(here),
        }
    }
    Err(IoKind::TooManyLinks)
}

/// What a path holds that is not a regular file, in words, or `None`.
fn not_regular(meta: &std::fs::Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// Writes what `write` produces to `path` (see the module's rules), or to standard output
/// without a path. `write` gets a buffered writer, so it may write piece by piece: nothing
/// is held whole in memory.
pub fn emit_with(
    path: Option<&Path>,
    target: Target,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    super::progress::finish();
    // `-o -` is standard output, as in most tools.
    let Some(path) = path.filter(|p| *p != Path::new("-")) else {
        let stdout = std::io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        return match write(&mut out).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => quit_quietly(),
            Err(e) => Err(DataError::of("stdout", IoKind::CannotWriteStdout { error: e.to_string() }).into()),
        };
    };
    let shown = path.display().to_string();
    let (real, existing) = check_target(path, target)?;
    let dir = real.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".commission-");
    // A new file: 0666, which the OS lessens by the umask, as for any file a program creates.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder
        .tempfile_in(dir)
        .map_err(|e| DataError::of(&shown, IoKind::CannotCreateOutput { error: e.to_string() }))?;
    let cannot_write = |e: std::io::Error| DataError::of(&shown, IoKind::CannotWriteOutput { error: e.to_string() });
    if let Some(meta) = &existing {
        // A replaced file keeps its mode (a 0664 policy stays 0664).
        tmp.as_file().set_permissions(meta.permissions()).map_err(cannot_write)?;
    }
    let mut out = BufWriter::new(tmp);
    write(&mut out).and_then(|()| out.flush()).map_err(cannot_write)?;
    let tmp = out.into_inner().map_err(|e| cannot_write(e.into_error()))?;
    tmp.persist(&real).map_err(|e| cannot_write(e.error))?;
    Ok(())
}

/// The reader of standard output has gone (`commission run ... | head -1`): it has all it
/// wanted, so the command ends at once, successfully and without a word, as `cat` and `grep`
/// do when killed by SIGPIPE. Nothing else is left to clean up: files are only written
/// through temporary files, and this is standard output.
fn quit_quietly() -> ! {
    std::process::exit(0)
}

/// Writes a line for a person to standard output (`check`'s summaries); a closed pipe ends
/// the command as [`emit_with`] does.
pub fn print(text: &str) {
    super::progress::finish();
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            quit_quietly();
        }
    }
}

/// Where writing `path` really writes (its symbolic links followed) and what is there now;
/// refuses a path that holds anything but a regular file, and (for [`Target::New`]) one of
/// the run's inputs.
pub fn check_target(path: &Path, target: Target) -> Result<(PathBuf, Option<std::fs::Metadata>), Error> {
    let shown = path.display().to_string();
    let real = follow_links(path).map_err(|kind| DataError::of(&shown, kind))?;
    let existing = match std::fs::metadata(&real) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(DataError::of(&shown, IoKind::CannotWriteOutput { error: e.to_string() }).into()),
    };
    if let Some(meta) = &existing {
        if let Some(what) = not_regular(meta) {
            return Err(DataError::of(&shown, IoKind::OutputNotAFile { what: what.to_string() }).into());
        }
        if target == Target::New {
            let inputs = INPUTS.lock().map(|i| i.clone()).unwrap_or_default();
            if let Some(input) = inputs.iter().find(|i| same_file::is_same_file(i, &real).unwrap_or(false)) {
                return Err(
                    DataError::of(&shown, IoKind::OutputIsAnInput { input: input.display().to_string() }).into()
                );
            }
        }
    }
    Ok((real, existing))
}

/// [`emit_with`] for text already rendered.
pub fn emit(text: &str, path: Option<&Path>) -> Result<(), Error> {
    emit_with(path, Target::New, |out| out.write_all(text.as_bytes()))
}

/// [`emit`] onto the file the command read (`fmt`, `test --accept`).
pub fn emit_in_place(text: &str, path: &Path) -> Result<(), Error> {
    emit_with(Some(path), Target::InPlace, |out| out.write_all(text.as_bytes()))
}

/// Writes `files` (name, text) into the folder `output`, all or nothing: they are written
/// into a temporary folder first, so a failure leaves nothing behind. A folder that does not
/// exist yet is that temporary folder renamed; into an existing folder, each file is renamed
/// into place once all are written (each checked as [`emit`] checks an output first).
pub fn write_folder(output: &Path, files: &[(String, String)]) -> Result<(), Error> {
    let shown = output.display().to_string();
    let cannot_create = |e: std::io::Error| DataError::of(&shown, IoKind::CannotCreateFolder { error: e.to_string() });
    let real = follow_links(output).map_err(|kind| DataError::of(&shown, kind))?;
    let exists = match std::fs::metadata(&real) {
        Ok(meta) if meta.is_dir() => true,
        Ok(meta) => {
            let what = not_regular(&meta).unwrap_or("a file");
            return Err(DataError::of(&shown, IoKind::OutputNotAFolder { what: what.to_string() }).into());
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(cannot_create(e).into()),
    };
    let parent = real.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let staging_in = if exists { real.as_path() } else { parent };
    if !exists {
        std::fs::create_dir_all(parent).map_err(cannot_create)?;
    }
    // 0777 less the umask, as for any folder a program creates (it may become the output).
    let staging =
        tempfile::Builder::new().prefix(".commission-report-").tempdir_in(staging_in).map_err(cannot_create)?;
    let mut targets = Vec::with_capacity(files.len());
    for (name, _) in files {
        let target = real.join(name);
        targets.push(if exists { Some(check_target(&target, Target::New)?) } else { None });
    }
    for ((name, text), target) in files.iter().zip(&targets) {
        let path = staging.path().join(name);
        let cannot_write = |e: std::io::Error| {
            DataError::of(path.display().to_string(), IoKind::CannotWriteOutput { error: e.to_string() })
        };
        std::fs::write(&path, text).map_err(cannot_write)?;
        if let Some((_, Some(meta))) = target {
            std::fs::set_permissions(&path, meta.permissions()).map_err(cannot_write)?;
        }
    }
    if exists {
        for ((name, _), target) in files.iter().zip(&targets) {
            let from = staging.path().join(name);
            let to = target.as_ref().map_or_else(|| real.join(name), |(to, _)| to.clone());
            std::fs::rename(&from, &to).map_err(|e| {
                DataError::of(to.display().to_string(), IoKind::CannotWriteOutput { error: e.to_string() })
            })?;
        }
    } else {
        let staged = staging.keep();
        std::fs::rename(&staged, &real).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staged);
            cannot_create(e)
        })?;
    }
    Ok(())
}
