//! Formula cells of an `.xlsx` sheet, found by reading the sheet's XML once as a stream (a
//! leaf, beside [`super::xlsx_reader`]). calamine reads the value Excel saved with a formula
//! and cannot tell a formula with no saved value from an empty cell; this scan can.
//!
//! A formula cell with a saved value is read at that value: it is what the analyst saw when
//! the workbook was saved. A formula cell with **no** saved value (a workbook written by a
//! program that does not compute formulas) would read as empty: it is refused.

use std::io::{BufReader, Read, Seek};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// The first formula cell of sheet `sheet` with no saved value (`C12`), if any. `Err`: the
/// workbook's parts cannot be read (calamine, which read the cells first, says why better).
pub fn first_formula_without_value<R: Read + Seek>(workbook: R, sheet: &str) -> Result<Option<String>, String> {
    let mut zip = zip::ZipArchive::new(workbook).map_err(|e| e.to_string())?;
    let id = {
        let part = zip.by_name("xl/workbook.xml").map_err(|e| e.to_string())?;
        find_attribute(part, b"sheet", |e| attribute(e, b"name").as_deref() == Some(sheet), b"id")?
    };
    let Some(id) = id else { return Ok(None) };
    let target = {
        let part = zip.by_name("xl/_rels/workbook.xml.rels").map_err(|e| e.to_string())?;
        find_attribute(part, b"Relationship", |e| attribute(e, b"Id").as_deref() == Some(id.as_str()), b"Target")?
    };
    let Some(target) = target else { return Ok(None) };
    let path = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    };
    let part = zip.by_name(&path).map_err(|e| e.to_string())?;
    scan_cells(part)
}

/// An attribute's value by its local name (`r:id` is `id`).
fn attribute(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// The attribute `wanted` of the first `element` that `matches`.
fn find_attribute(
    part: impl Read,
    element: &[u8],
    matches: impl Fn(&BytesStart<'_>) -> bool,
    wanted: &[u8],
) -> Result<Option<String>, String> {
    let mut reader = Reader::from_reader(BufReader::new(part));
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        match reader.read_event_into(&mut buffer).map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == element && matches(&e) => {
                return Ok(attribute(&e, wanted));
            }
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
}

/// The first `<c>` holding an `<f>` and no `<v>`.
fn scan_cells(part: impl Read) -> Result<Option<String>, String> {
    let mut reader = Reader::from_reader(BufReader::new(part));
    let mut buffer = Vec::new();
    // The cell being read: its reference, and whether it has a formula and a value.
    let mut cell: Option<(String, bool, bool)> = None;
    loop {
        buffer.clear();
        match reader.read_event_into(&mut buffer).map_err(|e| e.to_string())? {
            Event::Start(e) if e.local_name().as_ref() == b"c" => {
                cell = Some((attribute(&e, b"r").unwrap_or_default(), false, false));
            }
            Event::Start(e) | Event::Empty(e) => match (e.local_name().as_ref(), cell.as_mut()) {
                (b"f", Some(c)) => c.1 = true,
                (b"v" | b"is", Some(c)) => c.2 = true,
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == b"c" => {
                if let Some((at, true, false)) = cell.take() {
                    return Ok(Some(at));
                }
            }
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_without_a_saved_value_is_found() {
        let sheet = |cells: &str| format!("<worksheet><sheetData><row r=\"1\">{cells}</row></sheetData></worksheet>");
        let found = |cells: &str| scan_cells(sheet(cells).as_bytes()).unwrap();
        assert_eq!(found(r#"<c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f><v>2</v></c>"#), None);
        assert_eq!(found(r#"<c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f></c>"#), Some("B1".into()));
        assert_eq!(found(r#"<c r="C1"><f t="shared" si="0"/></c>"#), Some("C1".into()));
        assert_eq!(found(r#"<c r="D1" t="str"><f>""</f><v></v></c>"#), None);
        assert_eq!(found(r#"<c r="E1" s="1"/>"#), None);
    }
}
