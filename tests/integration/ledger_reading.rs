//! How CSV bytes are read: line numbers are the file's whatever ends its lines, spaces around
//! fields are not part of them (as in a policy's `test` block), and hostile files are refused
//! in bounded memory.

use crate::harness::Test;

const POLICY: &str = "tests/fixtures/ledgers/sales.policy";
const BAD: &str = "tests/fixtures/ledgers/bad";

/// Where each bad ledger's first problem is, worked out by reading the fixture (`cat -n`):
/// the line of the offending row (a row with a quoted line break starts on its first line)
/// and the field's position in the row, or the line alone for problems with the whole row
/// or header. `09-empty-file.csv` has no line.
const WHERE: &[(&str, &str)] = &[
    ("01-missing-column.csv", ":1"),             // the header lacks `units`
    ("02-undeclared-column.csv", ":1:8"),        // `region`, 8th header cell
    ("03-duplicate-header.csv", ":1:8"),         // the second `amount`
    ("04-value-not-in-enumeration.csv", ":3:5"), // `renewl`, row S2, 5th field
    ("05-date-that-does-not-exist.csv", ":3:2"),
    ("06-date-with-slashes.csv", ":2:2"),
    ("07-duplicate-key.csv", ":4:1"), // the second S1 starts on line 4 (its customer runs to 5)
    ("08-empty-payee.csv", ":3:3"),
    ("09-empty-file.csv", ""),
    ("10-header-only.csv", ":1"),
    ("11-amount-in-parentheses.csv", ":3:6"),
    ("12-more-decimals-than-the-currency.csv", ":2:6"),
    ("13-bad-thousands-grouping.csv", ":2:6"),
    ("14-another-currency-sign.csv", ":2:6"),
    ("15-decimal-comma.csv", ":2:6"),
    ("16-amount-in-exponent-form.csv", ":2:6"),
    ("17-row-with-a-missing-field.csv", ":3"),
    ("18-unquoted-comma.csv", ":2"),
    ("19-negative-where-not-allowed.csv", ":2:7"),
    ("20-gbk-without-encoding-flag.csv", ":2:3"), // the first GBK name
    ("21-not-text-at-all.csv", ":2:3"),
    ("22-empty-amount.csv", ":2:6"),
    ("23-value-in-a-column-with-no-name.csv", ":3:8"),
    ("24-mistyped-year.csv", ":3:2"), // 2062, far from the other dates
    ("25-text-in-a-number-column.csv", ":2:7"),
    ("26-unclosed-quote.csv", ":3:4"), // the quote opens the 4th field of line 3
    ("27-percent-sign-in-amount.csv", ":2:6"),
    ("28-space-inside-amount.csv", ":2:6"),
    ("60-id-with-a-zero-width-space.csv", ":3:3"), // the manager of line 3
    ("61-id-with-decomposed-letters.csv", ":3:3"),
    ("62-look-alike-ids.csv", ":3:3"), // the second of the two look-alikes
];

/// `text` with every line ending (`\n`, as the fixtures are written) replaced by `end`.
fn with_line_end(text: &[u8], end: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 2);
    for &b in text {
        if b == b'\n' {
            out.extend_from_slice(end);
        } else {
            out.push(b);
        }
    }
    out
}

/// The location the run names for `ledger` (a file name in the test's folder).
fn located(ledger: &str, bytes: Vec<u8>) -> String {
    let policy = std::fs::read(POLICY).unwrap();
    let ran = Test::new()
        .policy(policy)
        .file(ledger, bytes)
        .args(["run", "{policy}", "--data", &format!("sales={ledger}"), "--message-format", "plain"])
        .status(2)
        .run();
    ran.stderr
}

#[test]
fn every_bad_ledger_names_the_files_line_for_every_line_ending() {
    let fixtures: Vec<String> = std::fs::read_dir(BAD)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    assert_eq!(fixtures.len(), WHERE.len(), "every CSV fixture has its expected place: {fixtures:?}");
    for (fixture, place) in WHERE {
        let original = std::fs::read(format!("{BAD}/{fixture}")).unwrap();
        assert!(!original.contains(&b'\r'), "{fixture} is written with LF line ends");
        for (name, end) in [("lf.csv", "\n"), ("crlf.csv", "\r\n"), ("cr.csv", "\r")] {
            let stderr = located(name, with_line_end(&original, end.as_bytes()));
            assert!(stderr.contains(&format!("{name}{place}: ")), "{fixture} with {end:?}:\n{stderr}");
        }
        // A blank line after the header moves every later row down by one.
        if let Some(after_header) = original.iter().position(|&b| b == b'\n') {
            let mut blank = original.clone();
            blank.insert(after_header, b'\n');
            let moved = match place.strip_prefix(':').map(|p| p.split_once(':').unwrap_or((p, ""))) {
                Some(("1", _)) | None => place.to_string(),
                Some((line, field)) => {
                    let line: u64 = line.parse().unwrap();
                    if field.is_empty() {
                        format!(":{}", line + 1)
                    } else {
                        format!(":{}:{field}", line + 1)
                    }
                }
            };
            for (name, end) in [("blank.csv", "\n"), ("blank-crlf.csv", "\r\n"), ("blank-cr.csv", "\r")] {
                let stderr = located(name, with_line_end(&blank, end.as_bytes()));
                assert!(
                    stderr.contains(&format!("{name}{moved}: ")),
                    "{fixture} with a blank line, {end:?}:\n{stderr}"
                );
            }
        }
    }
}

#[test]
fn a_bad_row_after_a_multi_line_field_is_named_at_its_own_line() {
    // Line 1 header, lines 2-4 one row (its customer holds two line breaks), line 5 blank,
    // line 6 the row with `three` units: line 6, field 7.
    let ledger = "id,date,manager,customer,kind,amount,units\n\
                  S1,2026-01-05,王芳,\"a\n\nb\",new,1.00,1\n\
                  \n\
                  S2,2026-01-06,王芳,c,new,1.00,three\n";
    for (name, end) in [("lf.csv", "\n"), ("crlf.csv", "\r\n"), ("cr.csv", "\r")] {
        let stderr = located(name, with_line_end(ledger.as_bytes(), end.as_bytes()));
        assert!(stderr.contains(&format!("{name}:6:7: ")), "{end:?}:\n{stderr}");
    }
}

/// A plan paying 5% of each manager's sales; its test block is written comma-space, with the
/// payee quoted.
const QUOTED: &str = r#"policy "Quotes" version "1" currency CNY

input sales {
  key    id:      text
  period date:    date
  payee  manager: text
         amount:  money
}

payee sales.manager

component commission "提成" monthly {
  pay 5% * sum(sales.amount)
}

test "the quotes are not part of the name" {
  period 2026-01
  sales {
    id, date,       manager, amount
    S1, 2026-01-05, "M1",    100.00
  }
  # 100.00 × 5% = 5.00, paid to M1
  expect M1 commission = 5.00
}
"#;

#[test]
fn a_comma_space_file_reads_as_a_test_block_does() {
    Test::new().policy(QUOTED).args(["test", "{policy}"]).run();
    // The same row in a file: payee M1, not `"M1"` (100.00 × 5% = 5.00).
    Test::new()
        .policy(QUOTED)
        .ledger("sales", "id, date, manager, amount\r\nS1, 2026-01-05, \"M1\" , 100.00\r\n")
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,commission,total\nM1,2026-01,5.00,5.00\n")
        .run();
}

#[test]
fn text_after_a_closing_quote_is_refused_in_a_file_and_in_a_test_block() {
    // Line 2, the 3rd field: `"M1" x`.
    Test::new()
        .policy(QUOTED)
        .ledger("sales", "id,date,manager,amount\nS1, 2026-01-05, \"M1\" x, 100.00\n")
        .args(["run", "{policy}", "--message-format", "plain"])
        .status(2)
        .code("E0241")
        .stderr_contains("sales.csv:2:3: `x` follows the closing quote")
        .stdout("")
        .run();
    // In the test block: the row, line 20 of the policy (counted in `QUOTED`: the test starts
    // on line 16, its header row is line 19).
    let policy = QUOTED.replace("\"M1\",    100.00", "\"M1\" x,  100.00");
    let ran = Test::new().policy(policy).args(["test", "{policy}"]).status(1).code("E0507").run();
    assert!(
        ran.stderr.contains("`x` follows the closing quote") && ran.stderr.contains("policy.policy:20:"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_hostile_file_is_refused_in_bounded_memory_and_never_echoed_whole() {
    let policy = std::fs::read(POLICY).unwrap();
    let header = "id,date,manager,customer,kind,amount,units\n";
    let huge = "x".repeat(2 << 20); // 2 MiB, twice the longest row read
    let cases = [
        // A 2 MiB header: line 1.
        (format!("{huge}\n"), "sales.csv:1: the row is longer than 1 MiB"),
        // A 2 MiB value on the second row: line 2.
        (format!("{header}S1,2026-01-05,{huge}\n"), "sales.csv:2: the row is longer than 1 MiB"),
        // A quote left open on line 3 takes in 2 MiB of lines.
        (format!("{header}\n\"{}", "y\n".repeat(1 << 20)), "a quote opened on line 3 is still open"),
    ];
    for (ledger, expected) in cases {
        let ran = Test::new()
            .policy(&policy)
            .ledger("sales", ledger)
            .args(["run", "{policy}", "--message-format", "plain"])
            .status(2)
            .code("E0240")
            .stderr_contains(expected)
            .stdout("")
            .run();
        assert!(ran.stderr.len() < 2000, "the message is short: {} bytes", ran.stderr.len());
    }
    // An endless file of NUL bytes: the NULs are shown written out.
    let ran = Test::new()
        .policy(&policy)
        .args(["run", "{policy}", "--data", "sales=/dev/zero"])
        .status(2)
        .code("E0240")
        .stderr_contains("/dev/zero:1")
        .stderr_contains("\\u{0}\\u{0}")
        .run();
    assert!(!ran.stderr.contains('\0') && ran.stderr.len() < 2000, "{}", ran.stderr);
    // A value under the limit but long is shown by its first 60 characters and its length:
    // 100,000 `9`s and `.5` are 100,002 characters.
    let amount = format!("{}.5", "9".repeat(100_000));
    let ran = Test::new()
        .policy(&policy)
        .ledger("sales", format!("{header}S1,2026-01-05,M1,c,new,{amount},1\n"))
        .args(["run", "{policy}", "--message-format", "plain"])
        .status(2)
        .stderr_contains(format!("sales.csv:2:6: `amount` is `{} ... (100002 characters in all)`", "9".repeat(60)))
        .run();
    assert!(ran.stderr.len() < 2000, "{}", ran.stderr);
}

#[test]
fn a_file_that_is_not_a_ledger_is_named_for_what_it_is() {
    let policy = std::fs::read(POLICY).unwrap();
    let text = "id,date,manager,customer,kind,amount,units\nS1,2026-01-05,王芳,c,new,1.00,1\n";
    let utf16le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let utf16be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    // The first bytes of each kind, as their formats define them: an OLE compound file's
    // signature; a zip entry's local header (30 bytes) then its name and, for OpenDocument,
    // the stored `mimetype`.
    let ole = [b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".as_slice(), &[0u8; 504]].concat();
    let local =
        |name: &str, data: &str| [b"PK\x03\x04".as_slice(), &[0u8; 26], name.as_bytes(), data.as_bytes()].concat();
    let ods = local("mimetype", "application/vnd.oasis.opendocument.spreadsheet");
    let zip = local("notes.txt", "hello");
    let xlsx = std::fs::read("tests/fixtures/ledgers/good/book.xlsx").unwrap();
    let cases: [(&str, Vec<u8>, &str); 10] = [
        ("sales.csv", [b"\xFF\xFE".as_slice(), &utf16le].concat(), "the file is UTF-16 text (little-endian)"),
        ("sales.csv", utf16le, "the file is UTF-16 text (little-endian)"),
        ("sales.csv", utf16be, "the file is UTF-16 text (big-endian)"),
        ("book.xls", ole.clone(), "an Excel 97-2003 workbook (.xls)"),
        ("book.ods", ods.clone(), "an OpenDocument spreadsheet (.ods), not a CSV ledger"),
        ("book.csv", xlsx, "an Excel .xlsx workbook, not a CSV ledger"),
        ("sales.zip", zip, "a zip archive"),
        ("book.xlsx", ole, "an Excel 97-2003 workbook (.xls) or another old Office file, not an .xlsx workbook"),
        ("book.xlsx", ods, "an OpenDocument spreadsheet (.ods), not an .xlsx workbook"),
        ("book.xlsx", text.as_bytes().to_vec(), "not a workbook (an .xlsx file is a zip archive)"),
    ];
    for (name, bytes, said) in cases {
        let ran = Test::new()
            .policy(&policy)
            .file(name, bytes)
            .args(["run", "{policy}", "--data", &format!("sales={name}"), "--message-format", "plain"])
            .status(2)
            .code("E0243")
            .stderr_contains(said)
            .stdout("")
            .run();
        assert!(!ran.stderr.contains("--encoding"), "{name}: {}", ran.stderr);
    }
}

#[test]
fn a_policy_saved_with_a_byte_order_mark_is_read() {
    let with_bom = format!("\u{feff}{QUOTED}");
    Test::new().policy(&with_bom).args(["check", "{policy}"]).run();
    Test::new().policy(&with_bom).args(["test", "{policy}"]).run();
    // 100.00 × 5% = 5.00, as without the mark.
    Test::new()
        .policy(&with_bom)
        .ledger("sales", "id,date,manager,amount\nS1,2026-01-05,M1,100.00\n")
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,commission,total\nM1,2026-01,5.00,5.00\n")
        .run();
    // A mistake is placed where an editor shows it: line 13 (`pay ...`), at the same column
    // as in the same policy without the mark.
    let broken = QUOTED.replace("sum(sales.amount)", "sum(sales.amont)");
    let place = |text: String| {
        let ran = Test::new().policy(text).args(["check", "{policy}", "--message-format", "plain"]).status(1).run();
        ran.stderr.lines().find(|l| l.contains("label at line")).unwrap().trim().to_string()
    };
    let without = place(broken.clone());
    // `  pay 5% * sum(sales.amont)`: `amont` is characters 22 to 26.
    assert_eq!(without, "label at line 13, columns 22 to 26: no such column");
    assert_eq!(place(format!("\u{feff}{broken}")), without);
}

#[test]
fn an_amount_too_large_for_the_program_is_a_ledger_error() {
    let policy = std::fs::read(POLICY).unwrap();
    let header = "id,date,manager,customer,kind,amount,units\n";
    // 32 digits (beyond 28), and 5 × 10^28 twice: each alone is refused before any sum (the
    // sum, 10^29, would be beyond what 28 digits hold). Both on line 2, field 6.
    for amount in ["99999999999999999999999999999999", "50000000000000000000000000000"] {
        Test::new()
            .policy(&policy)
            .ledger("sales", format!("{header}S1,2026-01-05,M1,c,new,{amount},1\nS2,2026-01-05,M1,c,new,{amount},1\n"))
            .args(["run", "{policy}", "--message-format", "plain"])
            .status(2)
            .code("E0244")
            .stderr_contains("sales.csv:2:6: `amount`")
            .stderr_contains("no ledger amount is this large")
            .stdout("")
            .run();
    }
    // 999,999,999,999,999.99, the largest accepted, × 5% = 49,999,999,999,999.9995 ->
    // 50,000,000,000,000.00 (half up to the fen).
    Test::new()
        .policy(&policy)
        .ledger("sales", format!("{header}S1,2026-01-05,M1,c,new,\"999,999,999,999,999.99\",1\n"))
        .args(["run", "{policy}", "--format", "csv"])
        .stdout("payee,period,commission,total\nM1,2026-01,50000000000000.00,50000000000000.00\n")
        .run();
}

/// An `.xlsx` workbook written part by part (the parts a workbook needs, no styles): each
/// sheet is (name, state, the cells XML of its `<sheetData>`).
fn workbook(sheets: &[(&str, &str, &str)]) -> Vec<u8> {
    use std::io::Write;
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    const DOC: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut types = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    );
    let (mut listed, mut rels) = (String::new(), String::new());
    let mut parts = Vec::new();
    for (i, (name, state, cells)) in sheets.iter().enumerate() {
        let n = i + 1;
        types.push_str(&format!("<Override PartName=\"/xl/worksheets/sheet{n}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"));
        let state = if state.is_empty() { String::new() } else { format!(" state=\"{state}\"") };
        listed.push_str(&format!("<sheet name=\"{name}\" sheetId=\"{n}\"{state} r:id=\"rId{n}\"/>"));
        rels.push_str(&format!(
            "<Relationship Id=\"rId{n}\" Type=\"{DOC}/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>"
        ));
        parts.push((
            format!("xl/worksheets/sheet{n}.xml"),
            format!("<worksheet xmlns=\"{MAIN}\"><sheetData>{cells}</sheetData></worksheet>"),
        ));
    }
    types.push_str("</Types>");
    parts.push(("[Content_Types].xml".into(), types));
    parts.push(("_rels/.rels".into(), format!("<Relationships xmlns=\"{RELS}\"><Relationship Id=\"rId1\" Type=\"{DOC}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>")));
    parts.push((
        "xl/workbook.xml".into(),
        format!("<workbook xmlns=\"{MAIN}\" xmlns:r=\"{DOC}\"><sheets>{listed}</sheets></workbook>"),
    ));
    parts
        .push(("xl/_rels/workbook.xml.rels".into(), format!("<Relationships xmlns=\"{RELS}\">{rels}</Relationships>")));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A sheet row of text cells from column A (a cell written `=F:V` is a formula `F` with the
/// saved value `V`, `=F` a formula with none; a number-looking text `#N` is a number cell).
fn sheet_row(row: u32, cells: &[&str]) -> String {
    let mut out = format!("<row r=\"{row}\">");
    for (i, cell) in cells.iter().enumerate() {
        let at = format!("{}{row}", char::from(b'A' + i as u8));
        out.push_str(&match (cell.strip_prefix('='), cell.strip_prefix('#')) {
            (Some(formula), _) => match formula.split_once(':') {
                Some((f, v)) => format!("<c r=\"{at}\"><f>{f}</f><v>{v}</v></c>"),
                None => format!("<c r=\"{at}\"><f>{formula}</f></c>"),
            },
            (None, Some(number)) => format!("<c r=\"{at}\"><v>{number}</v></c>"),
            (None, None) => format!("<c r=\"{at}\" t=\"inlineStr\"><is><t>{cell}</t></is></c>"),
        });
    }
    out.push_str("</row>");
    out
}

fn sales_sheet(amount: &str, payee: &str) -> String {
    sheet_row(1, &["id", "date", "manager", "customer", "kind", "amount", "units"])
        + &sheet_row(2, &["S1", "2026-01-05", payee, "c", "new", amount, "#1"])
}

fn run_workbook(book: Vec<u8>, data: &str) -> Test {
    let policy = std::fs::read(POLICY).unwrap();
    Test::new().policy(policy).file("book.xlsx", book).args([
        "run",
        "{policy}",
        "--data",
        &format!("sales={data}"),
        "--format",
        "csv",
        "--message-format",
        "plain",
    ])
}

#[test]
fn a_hidden_sheet_is_read_only_when_named() {
    // The hidden first sheet pays OLD 1.00 × 5% = 0.05; the visible one M1 100 × 5% = 5.00.
    let book = || workbook(&[("Old", "hidden", &sales_sheet("#1", "OLD")), ("Now", "", &sales_sheet("#100", "M1"))]);
    run_workbook(book(), "book.xlsx").stdout("payee,period,commission,total\nM1,2026-01,5.00,5.00\n").run();
    run_workbook(book(), "book.xlsx#Old").stdout("payee,period,commission,total\nOLD,2026-01,0.05,0.05\n").run();
    // Every sheet hidden: refused, listing them.
    let hidden = workbook(&[("Old", "hidden", &sales_sheet("#1", "OLD")), ("Older", "veryHidden", "")]);
    run_workbook(hidden, "book.xlsx")
        .status(2)
        .code("E0245")
        .stderr_contains("book.xlsx: every sheet of the workbook is hidden")
        .stderr_contains("`Old`, `Older`")
        .stdout("")
        .run();
}

#[test]
fn a_formula_is_read_at_its_saved_value_and_refused_without_one() {
    // `=50*2` saved with 100: 100 × 5% = 5.00.
    let saved = workbook(&[("Sheet1", "", &sales_sheet("=50*2:100", "M1"))]);
    run_workbook(saved, "book.xlsx").stdout("payee,period,commission,total\nM1,2026-01,5.00,5.00\n").run();
    // No saved value: the amount cell, F2, is refused.
    let unsaved = workbook(&[("Sheet1", "", &sales_sheet("=50*2", "M1"))]);
    run_workbook(unsaved, "book.xlsx")
        .status(2)
        .code("E0247")
        .stderr_contains("book.xlsx#Sheet1!F2: the cell holds a formula saved without its value")
        .stdout("")
        .run();
}

#[test]
fn a_stray_cell_far_from_the_table_is_refused_without_walking_to_it() {
    // The table is A1:G2 (14 cells); one more in XFD1048576 makes the rectangle
    // A1:XFD1048576, 16,384 columns × 1,048,576 rows = 17,179,869,184 cells, 15 of them held.
    let far = "<row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
    let book = workbook(&[("Sheet1", "", &(sales_sheet("#100", "M1") + far))]);
    run_workbook(book, "book.xlsx")
        .status(2)
        .code("E0246")
        .stderr_contains("the sheet's cells span A1:XFD1048576 (17179869184 cells), but only 15 hold a value")
        .stderr_contains("the farthest is XFD1048576")
        .stdout("")
        .run();
    // An empty cell there (formatting only) holds nothing: the table reads as it is.
    let styled = "<row r=\"1048576\"><c r=\"XFD1048576\" s=\"0\"/></row>";
    let book = workbook(&[("Sheet1", "", &(sales_sheet("#100", "M1") + styled))]);
    run_workbook(book, "book.xlsx").stdout("payee,period,commission,total\nM1,2026-01,5.00,5.00\n").run();
}
