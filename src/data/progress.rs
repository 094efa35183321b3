//! How far the ledgers have been read, for a progress bar: the bytes of ledger files read so
//! far and their total size. The CSV reader counts them (one relaxed atomic add per read of
//! the file, never per row); the command line draws the bar (`cli/progress.rs`). A leaf.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};

static READ: AtomicU64 = AtomicU64::new(0);
static TOTAL: AtomicU64 = AtomicU64::new(0);

/// A ledger file of `bytes` is about to be read.
pub fn expect(bytes: u64) {
    TOTAL.fetch_add(bytes, Ordering::Relaxed);
}

/// `bytes` more of a ledger file were read (by a reader that reads at offsets, not through
/// [`Counted`]).
pub fn advance(bytes: u64) {
    READ.fetch_add(bytes, Ordering::Relaxed);
}

/// Bytes of ledger files read so far, and the size of all the files opened.
pub fn read_of_total() -> (u64, u64) {
    (READ.load(Ordering::Relaxed), TOTAL.load(Ordering::Relaxed))
}

/// A file that counts what is read of it.
pub struct Counted<R>(pub R);

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        READ.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_read_is_counted() {
        let (before, _) = read_of_total();
        let mut text = String::new();
        Counted("12345".as_bytes()).read_to_string(&mut text).unwrap();
        // Other tests in this process may read ledgers at the same time: at least these 5.
        assert!(read_of_total().0 >= before + 5);
    }
}
