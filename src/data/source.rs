//! Where a declared input's rows come from: a CSV file (UTF-8 or GBK), a sheet of an `.xlsx`
//! workbook, CSV piped to standard input, or CSV bytes already in memory (tests and the
//! fuzzer).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::encoding::TextEncoding;

/// How standard input is named in messages (`stdin:12:3`).
pub const STDIN: &str = "stdin";

/// A declared input bound to its rows.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Index of the input in the plan.
    pub input: usize,
    pub source: LedgerSource,
}

#[derive(Debug, Clone)]
pub enum LedgerSource {
    Csv {
        path: PathBuf,
        encoding: TextEncoding,
    },
    /// `None`: the workbook's first visible sheet.
    Xlsx {
        path: PathBuf,
        sheet: Option<String>,
    },
    /// CSV text held in memory, shown in messages under `name`.
    CsvBytes {
        name: String,
        bytes: Arc<[u8]>,
        /// For rows written inside a policy (a `test` block): the policy line of each CSV
        /// line, so that a bad value is reported where it is written.
        lines: Option<Arc<[u64]>>,
    },
    /// A CSV ledger piped in (`--data sales=-`), read whole once so that a command may read
    /// it again (a comparison, the span of its months); shown as `stdin` in messages.
    Stdin {
        bytes: Arc<[u8]>,
        encoding: TextEncoding,
    },
}

impl InputFile {
    /// A UTF-8 CSV file.
    pub fn new(input: usize, path: impl Into<PathBuf>) -> Self {
        InputFile { input, source: LedgerSource::Csv { path: path.into(), encoding: TextEncoding::Utf8 } }
    }
}

impl LedgerSource {
    /// Whether two sources are the same rows (one read can serve both).
    pub fn same_as(&self, other: &LedgerSource) -> bool {
        match (self, other) {
            (LedgerSource::Csv { path: a, encoding: x }, LedgerSource::Csv { path: b, encoding: y }) => {
                a == b && x == y
            }
            (LedgerSource::Xlsx { path: a, sheet: x }, LedgerSource::Xlsx { path: b, sheet: y }) => a == b && x == y,
            (LedgerSource::CsvBytes { bytes: a, .. }, LedgerSource::CsvBytes { bytes: b, .. }) => Arc::ptr_eq(a, b),
            (LedgerSource::Stdin { bytes: a, encoding: x }, LedgerSource::Stdin { bytes: b, encoding: y }) => {
                Arc::ptr_eq(a, b) && x == y
            }
            _ => false,
        }
    }

    /// A path from the command line: `book.xlsx`, `book.xlsx#Sheet2` or a CSV file. Only a
    /// workbook's path is split at `#`, so a CSV file may have `#` in its name.
    pub fn from_spec(spec: &str, encoding: TextEncoding) -> LedgerSource {
        let (file, sheet) = match spec.rsplit_once('#') {
            Some((file, sheet)) if is_workbook(Path::new(file)) => (file, Some(sheet.to_string())),
            _ => (spec, None),
        };
        if is_workbook(Path::new(file)) {
            LedgerSource::Xlsx { path: PathBuf::from(file), sheet }
        } else {
            LedgerSource::Csv { path: PathBuf::from(spec), encoding }
        }
    }

    /// The name messages use for this source.
    pub fn shown(&self) -> String {
        match self {
            LedgerSource::Csv { path, .. } => path.display().to_string(),
            LedgerSource::Xlsx { path, sheet: Some(sheet) } => format!("{}#{sheet}", path.display()),
            LedgerSource::Xlsx { path, sheet: None } => path.display().to_string(),
            LedgerSource::CsvBytes { name, .. } => name.clone(),
            LedgerSource::Stdin { .. } => STDIN.to_string(),
        }
    }
}

/// Only `.xlsx` (and its macro-enabled twin `.xlsm`, the same format) is read as a workbook;
/// older `.xls` files are not tested and are refused by their extension in the reader.
fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        let utf8 = TextEncoding::Utf8;
        assert!(matches!(LedgerSource::from_spec("a/sales.csv", utf8), LedgerSource::Csv { .. }));
        assert!(
            matches!(LedgerSource::from_spec("a#b.csv", utf8), LedgerSource::Csv { path, .. } if path == Path::new("a#b.csv"))
        );
        match LedgerSource::from_spec("book.xlsx#Sheet 2", utf8) {
            LedgerSource::Xlsx { path, sheet } => {
                assert_eq!(path, Path::new("book.xlsx"));
                assert_eq!(sheet.as_deref(), Some("Sheet 2"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(LedgerSource::from_spec("Book.XLSX", utf8), LedgerSource::Xlsx { sheet: None, .. }));
    }
}
