//! Any bytes as the sales workbook of the seed plan: either the whole `.xlsx` file, or (more
//! often useful) the XML of its one sheet, wrapped in a valid workbook. Every outcome must
//! be statements or a diagnostic naming the file, never a panic, an abort or a huge
//! allocation (a far cell such as `XFD1048576`).

#![no_main]

use std::io::Write;
use std::sync::{Arc, OnceLock};

use commission::data::{InputFile, LedgerSource};
use commission::eval::{compute, RunOptions};
use commission::plan::Plan;
use commission::source::SourceFile;
use libfuzzer_sys::fuzz_target;

const SEED: &str = include_str!("../../policies/telecom-account-manager.policy");
const SURVEYS: &[u8] = b"manager,quarter,satisfaction\nM1,2026-Q1,80%\n";

fn plan() -> Option<&'static Plan> {
    static PLAN: OnceLock<Option<Plan>> = OnceLock::new();
    PLAN.get_or_init(|| commission::check::compile(SourceFile::new("seed.policy", SEED)).ok().map(|c| c.plan)).as_ref()
}

/// A workbook whose one sheet is `sheet` (the XML of its `<worksheet>`).
fn wrapped(sheet: &[u8]) -> Option<Vec<u8>> {
    const DOC: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    let parts: [(&str, Vec<u8>); 4] = [
        ("_rels/.rels", format!("<Relationships xmlns=\"{RELS}\"><Relationship Id=\"rId1\" Type=\"{DOC}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>").into_bytes()),
        ("xl/workbook.xml", format!("<workbook xmlns:r=\"{DOC}\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>").into_bytes()),
        ("xl/_rels/workbook.xml.rels", format!("<Relationships xmlns=\"{RELS}\"><Relationship Id=\"rId1\" Type=\"{DOC}/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>").into_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.to_vec()),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in parts {
        zip.start_file(name, stored).ok()?;
        zip.write_all(&bytes).ok()?;
    }
    zip.finish().ok().map(|c| c.into_inner())
}

fuzz_target!(|data: &[u8]| {
    let Some(plan) = plan() else { return };
    let book = match data.split_first() {
        Some((b'Z', whole)) => whole.to_vec(),
        _ => match wrapped(data) {
            Some(book) => book,
            None => return,
        },
    };
    let path = std::env::temp_dir().join(format!("commission-fuzz-{}.xlsx", std::process::id()));
    if std::fs::write(&path, &book).is_err() {
        return;
    }
    let files = vec![
        InputFile { input: 0, source: LedgerSource::Xlsx { path: path.clone(), sheet: None } },
        InputFile {
            input: 1,
            source: LedgerSource::CsvBytes { name: "surveys.csv".into(), bytes: Arc::from(SURVEYS), lines: None },
        },
    ];
    if let Err(e) = compute(plan, &files, &RunOptions::default()) {
        let _ = e.render();
    }
});
