//! Ledgers already read whole for a plan with no problem, remembered by their contents, so
//! that `explain` need not check every other payee's row again.
//!
//! A run that folds every row of a plan's ledgers without an error leaves a record: for each
//! input, the digest of the file's bytes (xxh3, 128 bits). The record is found again by what
//! the plan and the files look like from outside (the program's version and executable, the
//! plan, the block size, each file's path, length and modification time), but it is only a
//! claim about contents: a command that trusts it compares the digests of the bytes it reads
//! with the record's, and when any differs it reads everything again, checking every row. A
//! file changed in place, even one whose length and time were put back, is never trusted.
//!
//! Records live in `COMMISSION_CHECKED` (a directory; `off` keeps none), else in
//! `$XDG_CACHE_HOME/commission/checked`, else in `~/.cache/commission/checked`. A record is
//! a small text file named by a hash; one that cannot be read, or is not a record, is
//! ignored, and one that cannot be written is not written (the command goes on: a record
//! only saves time). A file of that name that the program did not write is never replaced.
//! The newest 1,000 records are kept; older ones are removed when a record is written.
//!
//! May use: `data::source`, the plan's identity. Nothing else of the program.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use xxhash_rust::xxh3::{xxh3_128, Xxh3};

use super::source::{InputFile, LedgerSource};
use crate::plan::Plan;

/// How a file's digest was made: from the blocks the chunked reader cut it into (which depend
/// on the block size, part of a record's name), or from its bytes whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digest {
    Blocks(u128),
    Whole(u128),
}

/// The digest of a file read in blocks: its head (the header line) and its blocks' digests in
/// order.
pub fn of_blocks(head: &[u8], blocks: &[(u64, u128)]) -> Digest {
    let mut sorted: Vec<(u64, u128)> = blocks.to_vec();
    sorted.sort_unstable();
    let mut h = Xxh3::new();
    h.update(&(head.len() as u64).to_le_bytes());
    h.update(head);
    for (i, d) in sorted {
        h.update(&i.to_le_bytes());
        h.update(&d.to_le_bytes());
    }
    Digest::Blocks(h.digest128())
}

/// One block's digest.
pub fn of_block(bytes: &[u8]) -> u128 {
    xxh3_128(bytes)
}

/// The digest of a file's bytes, read whole (a roster, a workbook: files not read in blocks).
pub fn of_file(source: &LedgerSource) -> Option<Digest> {
    let path = match source {
        LedgerSource::Csv { path, .. } | LedgerSource::Xlsx { path, .. } => path,
        LedgerSource::CsvBytes { .. } | LedgerSource::Stdin { .. } => return None,
    };
    std::fs::read(path).ok().map(|bytes| Digest::Whole(xxh3_128(&bytes)))
}

/// The directory records are kept in, or `None` when none are kept.
fn directory() -> Option<&'static PathBuf> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        match var("COMMISSION_CHECKED") {
            Some(dir) if dir.as_os_str() == "off" || dir.as_os_str() == "0" => None,
            Some(dir) => Some(dir),
            // The library's own unit tests keep none unless told where.
            None if cfg!(test) => None,
            None => var("XDG_CACHE_HOME")
                .or_else(|| var("HOME").map(|h| h.join(".cache")))
                .map(|c| c.join("commission").join("checked")),
        }
    })
    .as_ref()
}

/// Whether records are kept at all (`COMMISSION_CHECKED=off`: not).
pub fn enabled() -> bool {
    directory().is_some()
}

const MAGIC: &str = "commission checked ledgers 1";

/// A record's name: what the plan and its files look like from outside. `None` when a file
/// is not a file on disk (rows piped in or written in a policy) or cannot be looked at.
pub fn name(plan: &Plan, files: &[InputFile], block_bytes: u64) -> Option<String> {
    let mut h = Xxh3::new();
    h.update(MAGIC.as_bytes());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    // This very build of the program (a rebuilt one may check rows differently under the same
    // version number): its executable's length and time.
    let exe = std::env::current_exe().and_then(std::fs::metadata).ok()?;
    h.update(&exe.len().to_le_bytes());
    h.update(&exe.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos().to_le_bytes());
    // The checked plan whole (its inputs, columns, rules and aggregates), not only its text:
    // the same text could mean another plan to another version of the checker.
    h.update(format!("{plan:?}").as_bytes());
    h.update(&block_bytes.to_le_bytes());
    let mut files: Vec<&InputFile> = files.iter().collect();
    files.sort_by_key(|f| f.input);
    for f in files {
        let path = match &f.source {
            LedgerSource::Csv { path, .. } | LedgerSource::Xlsx { path, .. } => path,
            LedgerSource::CsvBytes { .. } | LedgerSource::Stdin { .. } => return None,
        };
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        let canonical = std::fs::canonicalize(path).ok()?;
        h.update(&(f.input as u64).to_le_bytes());
        h.update(format!("{:?}", f.source).as_bytes());
        h.update(canonical.as_os_str().as_encoded_bytes());
        h.update(&meta.len().to_le_bytes());
        h.update(&modified.as_nanos().to_le_bytes());
    }
    Some(format!("{:032x}", h.digest128()))
}

/// The digests a record holds, per input; `None` when there is no such record (or it is not
/// one this program wrote).
pub fn recall(name: &str) -> Option<BTreeMap<usize, Digest>> {
    let path = directory()?.join(name);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 64 * 1024 {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let mut lines = text.lines();
    if lines.next()? != MAGIC {
        return None;
    }
    let mut digests = BTreeMap::new();
    for line in lines {
        let mut words = line.split(' ');
        let (Some(input), Some(kind), Some(hex), None) = (words.next(), words.next(), words.next(), words.next())
        else {
            return None;
        };
        let input: usize = input.parse().ok()?;
        let value = u128::from_str_radix(hex, 16).ok().filter(|_| hex.len() == 32)?;
        let digest = match kind {
            "blocks" => Digest::Blocks(value),
            "whole" => Digest::Whole(value),
            _ => return None,
        };
        digests.insert(input, digest);
    }
    Some(digests)
}

/// Leaves a record of files read whole with no problem. Says why not when it cannot (the
/// caller reports it with `COMMISSION_REPORT_READS=1`); an existing record is left as it is.
pub fn remember(name: &str, digests: &BTreeMap<usize, Digest>) -> Result<(), String> {
    let dir = directory().ok_or("records are off")?;
    let path = dir.join(name);
    if std::fs::symlink_metadata(&path).is_ok() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut text = format!("{MAGIC}\n");
    for (input, digest) in digests {
        let (kind, value) = match digest {
            Digest::Blocks(v) => ("blocks", v),
            Digest::Whole(v) => ("whole", v),
        };
        text.push_str(&format!("{input} {kind} {value:032x}\n"));
    }
    // Written aside under a name no one else uses, then moved into place.
    let aside = dir.join(format!(".{name}.{}", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&aside)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    // A link fails when the name is taken, so nothing in place is ever replaced.
    let moved = written.and_then(|()| match std::fs::hard_link(&aside, &path) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        done => done,
    });
    let _ = std::fs::remove_file(&aside);
    moved.map_err(|e| format!("{}: {e}", path.display()))?;
    prune(dir);
    Ok(())
}

/// At most this many records are kept; past it, the oldest go (a record is about 100 bytes).
const KEPT: usize = 1_000;

/// Removes the oldest records past [`KEPT`]: only files named as records are and holding a
/// record, so nothing else in the folder is ever touched.
fn prune(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut records: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.len() == 32 && n.bytes().all(|b| b.is_ascii_hexdigit())))
        .filter_map(|e| {
            let meta = e.metadata().ok().filter(|m| m.is_file())?;
            Some((meta.modified().ok()?, e.path()))
        })
        .collect();
    if records.len() <= KEPT {
        return;
    }
    records.sort();
    let extra = records.len() - KEPT;
    for (_, path) in records.into_iter().take(extra) {
        let is_record = std::fs::read_to_string(&path).is_ok_and(|t| t.lines().next() == Some(MAGIC));
        if is_record {
            let _ = std::fs::remove_file(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blocks_digest_depends_on_every_byte_and_the_order_of_blocks_not_of_their_arrival() {
        let a = of_block(b"1,AM01,100\n");
        let b = of_block(b"2,AM02,200\n");
        let head = b"id,rep,amount\n";
        let one = of_blocks(head, &[(0, a), (1, b)]);
        assert_eq!(one, of_blocks(head, &[(1, b), (0, a)]), "threads finish blocks in any order");
        assert_ne!(one, of_blocks(head, &[(0, b), (1, a)]), "blocks swapped are another file");
        assert_ne!(one, of_blocks(b"id,amount,rep\n", &[(0, a), (1, b)]), "the header counts");
        assert_ne!(a, of_block(b"1,AM01,101\n"));
    }
}
