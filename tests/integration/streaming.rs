//! `run --format json` streams: 200,000 statements go to the writer a piece at a time, and
//! no piece is the whole document (before, the document was built in memory, about 2.7 KB
//! per statement, and written in one go). Nothing here measures time.

use commission::eval::RunOptions;
use std::io::Write;

/// One component, 10% of each payee's monthly sales.
const POLICY: &str = "policy \"P\" version \"1\" currency CNY

input sales {
  key    id:     text
  period date:   date
  payee  payee:  text
         amount: money
}

payee sales.payee

component commission monthly {
  pay sum(sales.amount) * 10%
}
";

/// A writer that keeps no output: it counts bytes, the largest single write, the writes that
/// are exactly the key `payee` (one per statement), and the last bytes written.
#[derive(Default)]
struct Counting {
    bytes: usize,
    largest: usize,
    payee_keys: usize,
    tail: Vec<u8>,
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes += buf.len();
        self.largest = self.largest.max(buf.len());
        if buf == b"payee" {
            self.payee_keys += 1;
        }
        self.tail.extend_from_slice(buf);
        let keep = 200;
        if self.tail.len() > 2 * keep {
            self.tail.drain(..self.tail.len() - keep);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn two_hundred_thousand_statements_stream_through_the_json_writer() {
    // 20,000 payees x 10 months (2026-01..2026-10), one sale of 100.00 each: 200,000
    // statements of 10% x 100.00 = 10.00, so the total is 2,000,000.00.
    let mut sales = String::from("id,date,payee,amount\n");
    for payee in 0..20_000 {
        for month in 1..=10 {
            sales.push_str(&format!("S{payee}-{month},2026-{month:02}-15,P{payee:05},100.00\n"));
        }
    }
    let result = crate::run_in_memory(POLICY, &[&sales], &RunOptions::default()).unwrap();
    assert_eq!(result.statements.len(), 200_000);
    drop(sales);
    let plan = commission::check::compile(commission::source::SourceFile::new("test.policy", POLICY)).unwrap().plan;
    let mut out = Counting::default();
    commission::report::json::write(&plan, &result, &mut out).unwrap();
    assert_eq!(out.payee_keys, 200_000, "every statement was written");
    // Each statement is well over 100 bytes of pretty JSON, so well over 20 MB in all ...
    assert!(out.bytes > 200_000 * 100, "{} bytes", out.bytes);
    // ... but never more than a small piece at once: the document is not held whole.
    assert!(out.largest <= 1024, "a write of {} bytes", out.largest);
    let tail = String::from_utf8_lossy(&out.tail);
    assert!(tail.contains("\"total\": \"2000000.00\""), "{tail}");
    assert!(tail.ends_with("}\n"), "{tail}");
}
