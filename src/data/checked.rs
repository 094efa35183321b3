//! Ledgers already read whole for a plan with no problem, remembered by their contents, so
//! that `explain` need not check every other payee's row again.
//!
//! A fold that reads every row of a plan's ledgers without an error leaves a record: for each
//! input, the digest of the file's bytes (xxh3, 128 bits), and which buckets (months,
//! quarters, years) it folded every payee's rows of: all of them after a run over every month;
//! after a run with `--period`, or an `explain` that checked every row, the ones that range
//! needs. Every row is checked whatever the range, but a row's figures are worked out (where
//! a division by zero, say, is found) only for the buckets folded, so a record vouches for
//! folding those buckets and no others. Records of the same files are merged: a second
//! `explain` of another month adds that month's buckets to the record.
//!
//! The record is found again by what the plan and the files look like from outside (the
//! program's version and executable, the plan, the block size, each file's path, length and
//! modification time), but it is only a claim about contents: a command that trusts it
//! compares the digests of the bytes it reads with the record's, and when any differs it
//! reads everything again, checking every row. A file changed in place, even one whose length
//! and time were put back, is never trusted.
//!
//! Records live in `COMMISSION_CHECKED` (a directory; `off` keeps none), else in
//! `$XDG_CACHE_HOME/commission/checked`, else in `~/.cache/commission/checked`. A record is
//! a small text file named by a hash; one that cannot be read, or is not a record, is
//! ignored, and one that cannot be written is not written (the command goes on: a record
//! only saves time). A file of that name that is not a record is never replaced.
//! The newest 1,000 records are kept; older ones are removed when a record is written.
//!
//! May use: `data::source`, `period`, the plan's identity. Nothing else of the program.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use xxhash_rust::xxh3::{xxh3_128, Xxh3};

use super::source::{InputFile, LedgerSource};
use crate::period::Period;
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

const MAGIC: &str = "commission checked ledgers 2";
/// The first line of a record of any version (older ones are pruned like the others).
const MAGIC_ANY: &str = "commission checked ledgers ";

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

/// What a record says: the files' digests, per input, and the buckets whose rows were folded
/// for every payee (`None`: all of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub digests: BTreeMap<usize, Digest>,
    pub buckets: Option<BTreeSet<Period>>,
}

impl Record {
    /// Whether the record vouches for a fold of `needed` (`None`: every bucket).
    pub fn covers<'a>(&self, needed: Option<impl IntoIterator<Item = &'a Period>>) -> bool {
        match (&self.buckets, needed) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(have), Some(needed)) => needed.into_iter().all(|b| have.contains(b)),
        }
    }

    /// The record to keep when `self` is to be left and `earlier` is already there: the two
    /// merged when they are about the same bytes (their buckets united), else `self` alone.
    /// `None` when `earlier` already says all that `self` says.
    fn after(self, earlier: Option<Record>) -> Option<Record> {
        let Some(earlier) = earlier.filter(|e| e.digests == self.digests) else { return Some(self) };
        if earlier.covers(self.buckets.as_ref()) {
            return None;
        }
        let buckets = match (earlier.buckets, self.buckets) {
            (Some(mut a), Some(b)) => {
                a.extend(b);
                Some(a)
            }
            _ => None,
        };
        Some(Record { digests: self.digests, buckets })
    }

    fn text(&self) -> String {
        let mut text = format!("{MAGIC}\n");
        for (input, digest) in &self.digests {
            let (kind, value) = match digest {
                Digest::Blocks(v) => ("blocks", v),
                Digest::Whole(v) => ("whole", v),
            };
            text.push_str(&format!("{input} {kind} {value:032x}\n"));
        }
        match &self.buckets {
            None => text.push_str("buckets all\n"),
            Some(buckets) => {
                text.push_str("buckets");
                for b in buckets {
                    text.push_str(&format!(" {b}"));
                }
                text.push('\n');
            }
        }
        text
    }

    fn parse(text: &str) -> Option<Record> {
        let mut lines = text.lines();
        if lines.next()? != MAGIC {
            return None;
        }
        let mut digests = BTreeMap::new();
        let mut buckets = None;
        for line in lines {
            if let Some(listed) = line.strip_prefix("buckets ") {
                if buckets.is_some() {
                    return None;
                }
                buckets = Some(match listed {
                    "all" => None,
                    _ => Some(listed.split(' ').map(Period::parse).collect::<Option<BTreeSet<Period>>>()?),
                });
                continue;
            }
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
        // A record says which buckets it vouches for; one that does not is no record.
        Some(Record { digests, buckets: buckets? })
    }
}

/// The record of that name; `None` when there is none (or it is not one this program wrote).
pub fn recall(name: &str) -> Option<Record> {
    read(&directory()?.join(name))
}

fn read(path: &std::path::Path) -> Option<Record> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 64 * 1024 {
        return None;
    }
    Record::parse(&std::fs::read_to_string(path).ok()?)
}

/// Leaves a record of files read whole with no problem, merged with the one of that name
/// about the same bytes (see [`Record::after`]). Says why not when it cannot (the caller
/// reports it with `COMMISSION_REPORT_READS=1`). A file of that name that is not a record is
/// left as it is.
pub fn remember(name: &str, record: Record) -> Result<(), String> {
    let dir = directory().ok_or("records are off")?;
    let path = dir.join(name);
    let taken = std::fs::symlink_metadata(&path).is_ok();
    let earlier = read(&path);
    if taken && earlier.is_none() {
        return Err(format!("{}: not a record, left as it is", path.display()));
    }
    let Some(record) = record.after(earlier) else { return Ok(()) };
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // Written aside under a name no one else uses, then moved into place: a new record by a
    // link (which fails when the name was taken meanwhile, so nothing else is replaced), a
    // merged one over the earlier record.
    let aside = dir.join(format!(".{name}.{}", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&aside)
        .and_then(|mut f| f.write_all(record.text().as_bytes()));
    let moved = written.and_then(|()| match taken {
        true => std::fs::rename(&aside, &path),
        false => match std::fs::hard_link(&aside, &path) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            done => done,
        },
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
        let is_record =
            std::fs::read_to_string(&path).is_ok_and(|t| t.lines().next().is_some_and(|l| l.starts_with(MAGIC_ANY)));
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

    fn record(digest: u128, buckets: Option<&[&str]>) -> Record {
        Record {
            digests: [(0, Digest::Blocks(digest)), (1, Digest::Whole(7))].into_iter().collect(),
            buckets: buckets.map(|b| b.iter().map(|p| Period::parse(p).unwrap()).collect()),
        }
    }

    fn periods(listed: &[&str]) -> Vec<Period> {
        listed.iter().map(|p| Period::parse(p).unwrap()).collect()
    }

    #[test]
    fn a_record_is_read_back_as_written_and_nothing_else_is_a_record() {
        for r in [record(1, None), record(u128::MAX, Some(&["2026-03", "2026-Q1", "2026", "2025-12"]))] {
            let text = r.text();
            assert_eq!(Record::parse(&text), Some(r.clone()), "{text}");
        }
        let text = record(1, Some(&["2026-03", "2026"])).text();
        assert!(text.ends_with("\nbuckets 2026-03 2026\n"), "{text}");
        // Not a record: another first line, no buckets line, two, a bucket that is not one.
        assert_eq!(Record::parse(&text.replace("ledgers 2", "ledgers 1")), None);
        assert_eq!(Record::parse(&text.replace("buckets 2026-03 2026\n", "")), None);
        assert_eq!(Record::parse(&format!("{text}buckets all\n")), None);
        assert_eq!(Record::parse(&text.replace("2026-03", "2026-13")), None);
    }

    #[test]
    fn a_record_covers_its_buckets_and_merges_with_one_about_the_same_bytes() {
        let march = record(1, Some(&["2026-01", "2026-02", "2026-03", "2026-Q1", "2026"]));
        assert!(march.covers(Some(&periods(&["2026-02", "2026-Q1"]))));
        assert!(march.covers(Some(&Vec::new())));
        assert!(!march.covers(Some(&periods(&["2026-03", "2026-04"]))));
        assert!(!march.covers(None::<&Vec<Period>>), "every bucket");
        assert!(record(1, None).covers(None::<&Vec<Period>>));
        assert!(record(1, None).covers(Some(&periods(&["2030-01"]))));
        // Another month of the same bytes: the buckets united.
        let july = record(1, Some(&["2026-07", "2026-Q3", "2026"]));
        let merged = july.clone().after(Some(march.clone())).unwrap();
        let both = ["2026-01", "2026-02", "2026-03", "2026-07", "2026-Q1", "2026-Q3", "2026"];
        assert_eq!(merged, record(1, Some(&both)));
        // Nothing new: left as it is; every bucket: all of them.
        assert_eq!(record(1, Some(&["2026-Q1"])).after(Some(march.clone())), None);
        assert_eq!(record(1, None).after(Some(march.clone())), Some(record(1, None)));
        assert_eq!(march.clone().after(Some(record(1, None))), None);
        // Other bytes (a file changed since): the earlier record is not kept.
        assert_eq!(july.clone().after(Some(record(2, None))), Some(july.clone()));
        assert_eq!(july.clone().after(None), Some(july));
    }
}
