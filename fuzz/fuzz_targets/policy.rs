//! Any text as a policy: parse, check, and (if it checks) a run over a tiny ledger made
//! from its own declared inputs, rendered in every format. Every outcome must be a value or
//! a diagnostic; a panic, a stack overflow or a hang is a bug.

#![no_main]

use std::sync::Arc;

use commission::data::{InputFile, LedgerSource};
use commission::eval::{compute, RunOptions};
use commission::plan::{ColumnType, InputSchema};
use commission::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(commission::check::Compilation { plan, .. }) =
        commission::check::compile(SourceFile::new("fuzz.policy", text))
    else {
        return;
    };
    let files: Vec<InputFile> = plan
        .inputs
        .iter()
        .enumerate()
        .map(|(input, schema)| InputFile {
            input,
            source: LedgerSource::CsvBytes {
                name: format!("{}.csv", schema.name),
                bytes: Arc::from(ledger(schema)),
                lines: None,
            },
        })
        .collect();
    let options = RunOptions { max_errors: 3, ..RunOptions::default() };
    if let Ok(result) = compute(&plan, &files, &options) {
        let _ = commission::report::table::render(&plan, &result);
        let _ = commission::report::json::render(&plan, &result);
        let _ = commission::report::csv::render(&plan, &result);
    }
});

/// Four rows that fit the schema: two payees, a refund, a quarter's worth of dates.
fn ledger(schema: &InputSchema) -> Vec<u8> {
    let mut out = String::new();
    let names: Vec<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
    out.push_str(&names.join(","));
    out.push('\n');
    for row in 0..4usize {
        let fields: Vec<String> = schema
            .columns
            .iter()
            .enumerate()
            .map(|(c, column)| {
                if schema.key == Some(c) {
                    return format!("K{row}");
                }
                if schema.payee == Some(c) && column.ty == ColumnType::Text {
                    return ["P1", "P2", "王芳", "P1"][row].to_string();
                }
                match column.ty {
                    ColumnType::Text => match &column.values {
                        Some(values) if !values.is_empty() => {
                            format!("\"{}\"", values[row % values.len()].replace('"', "\"\""))
                        }
                        _ => ["a", "b", "c", "a"][row].to_string(),
                    },
                    ColumnType::Integer => ["1", "-3", "250", "0"][row].to_string(),
                    ColumnType::Decimal => ["1.5", "-0.25", "1000", "0"][row].to_string(),
                    ColumnType::Money => ["100.00", "-20.50", "99999.99", "0"][row].to_string(),
                    ColumnType::Percent => ["80%", "0.5", "100%", "0"][row].to_string(),
                    ColumnType::Date => ["2026-01-05", "2026-02-28", "2026-03-31", "2026-06-15"][row].to_string(),
                    ColumnType::Month => ["2026-01", "2026-02", "2026-03", "2026-06"][row].to_string(),
                    ColumnType::Quarter => ["2026-Q1", "2026-Q2", "2026-Q1", "2026-Q2"][row].to_string(),
                    ColumnType::Bool => ["true", "false", "true", "false"][row].to_string(),
                }
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out.into_bytes()
}
