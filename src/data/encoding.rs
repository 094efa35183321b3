//! Text encodings of CSV ledgers. UTF-8 is the default; GBK/GB18030 (what Excel on a Chinese
//! Windows saves as "CSV") is read only when `--encoding gbk` asks for it. The encoding is
//! never guessed: a wrong guess garbles payee names without any error, and a garbled name
//! is a different payee. A file that is not text in a byte encoding at all (UTF-16, an old
//! `.xls`, an OpenDocument or other zip file) is told from its first bytes and named.

use crate::diagnostics::ledger::FileKind;

/// How the bytes of a CSV ledger are turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEncoding {
    #[default]
    Utf8,
    /// GBK and its superset GB18030: encoding_rs decodes both with the GB18030 decoder, so
    /// a file saved as either reads the same.
    Gbk,
}

impl TextEncoding {
    /// `utf-8`, `gbk`, `gb18030` (and the older names `gb2312`, `cp936`, which Windows uses
    /// for the same bytes), in any case.
    pub fn parse(label: &str) -> Option<TextEncoding> {
        match label.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(TextEncoding::Utf8),
            "gbk" | "gb18030" | "gb2312" | "cp936" => Some(TextEncoding::Gbk),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Gbk => "gbk",
        }
    }

    /// A field's bytes as text, or `None` if they are not valid in this encoding. GBK is
    /// decoded field by field: CSV's commas, quotes and line ends are ASCII bytes that never
    /// occur inside a GBK or GB18030 character, so the CSV parser splits GBK bytes correctly.
    pub fn decode(self, bytes: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            TextEncoding::Utf8 => std::str::from_utf8(bytes).ok().map(std::borrow::Cow::Borrowed),
            TextEncoding::Gbk => encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(bytes),
        }
    }
}

pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// What a file that is not a CSV ledger is, told from its first bytes, or `None` if it may be
/// one (text in some 8-bit encoding, which the reader then checks field by field).
pub fn sniff(head: &[u8]) -> Option<FileKind> {
    const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if head.starts_with(OLE) {
        return Some(FileKind::OldOffice);
    }
    if head.starts_with(b"PK\x03\x04") {
        // An OpenDocument file starts with its `mimetype` entry, stored as is; a workbook's
        // entries are under `xl/`.
        return Some(if contains(head, b"application/vnd.oasis.opendocument.spreadsheet") {
            FileKind::OpenDocument
        } else if contains(head, b"xl/") {
            FileKind::Xlsx
        } else {
            FileKind::Zip
        });
    }
    if head.starts_with(b"\xFF\xFE\0\0") || head.starts_with(b"\0\0\xFE\xFF") {
        return Some(FileKind::Utf32);
    }
    if head.starts_with(b"\xFF\xFE") {
        return Some(FileKind::Utf16 { big_endian: false });
    }
    if head.starts_with(b"\xFE\xFF") {
        return Some(FileKind::Utf16 { big_endian: true });
    }
    // UTF-16 without a byte-order mark: ASCII characters (commas, digits, Latin letters) have
    // a zero byte after them (little-endian) or before them (big-endian). Text in UTF-8 or
    // GBK has no zero bytes at all.
    let sample = head.get(..head.len().min(512)).unwrap_or(head);
    let zeros = |parity: usize| sample.iter().skip(parity).step_by(2).filter(|b| **b == 0).count();
    let (even, odd) = (zeros(0), zeros(1));
    let pairs = sample.len() / 2;
    if pairs >= 2 && odd * 2 >= pairs && even * 8 < pairs {
        return Some(FileKind::Utf16 { big_endian: false });
    }
    if pairs >= 2 && even * 2 >= pairs && odd * 8 < pairs {
        return Some(FileKind::Utf16 { big_endian: true });
    }
    None
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Bytes that are not UTF-8 but read cleanly as GB18030 text with Chinese (or other non-ASCII)
/// characters: almost certainly a ledger saved by Excel on a Chinese Windows.
pub fn looks_like_gbk(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_err()
        && encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .is_some_and(|t| !t.is_ascii())
}

/// Non-ASCII text that is valid UTF-8: decoding it as GBK would garble it. `bytes` may end
/// in the middle of a character (it is the first block of a file).
pub fn looks_like_utf8_text(bytes: &[u8]) -> bool {
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        // A character cut by the end of the block is still UTF-8.
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => return false,
    };
    bytes.get(..valid).is_some_and(|b| b.iter().any(|c| !c.is_ascii()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_and_utf8_are_told_apart() {
        let (gbk, _, _) = encoding_rs::GBK.encode("王芳,华星科技");
        assert!(looks_like_gbk(&gbk));
        assert!(!looks_like_utf8_text(&gbk));
        assert_eq!(TextEncoding::Gbk.decode(&gbk).as_deref(), Some("王芳,华星科技"));
        assert_eq!(TextEncoding::Utf8.decode(&gbk), None);
        let utf8 = "王芳,华星科技".as_bytes();
        assert!(!looks_like_gbk(utf8));
        assert!(looks_like_utf8_text(utf8));
        // Cut inside 芳 (3 bytes): still UTF-8.
        assert!(looks_like_utf8_text(utf8.get(..5).unwrap()));
        assert!(!looks_like_utf8_text(b"plain ascii"));
        // A lone 0xFF is neither.
        assert!(!looks_like_gbk(b"\xff"));
        assert_eq!(TextEncoding::Gbk.decode(b"\xff"), None);
    }

    #[test]
    fn files_that_are_not_csv_are_named() {
        // "id,a" in UTF-16: each ASCII character is followed (LE) or preceded (BE) by a zero.
        let le: Vec<u8> = "id,amount\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = "id,amount\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(sniff(&le), Some(FileKind::Utf16 { big_endian: false }));
        assert_eq!(sniff(&be), Some(FileKind::Utf16 { big_endian: true }));
        assert_eq!(sniff(&[b"\xFF\xFE".as_slice(), &le].concat()), Some(FileKind::Utf16 { big_endian: false }));
        assert_eq!(sniff(b"\xFF\xFE\0\0i\0\0\0"), Some(FileKind::Utf32));
        assert_eq!(sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0"), Some(FileKind::OldOffice));
        let ods = b"PK\x03\x04....mimetypeapplication/vnd.oasis.opendocument.spreadsheetPK";
        assert_eq!(sniff(ods), Some(FileKind::OpenDocument));
        assert_eq!(sniff(b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml"), Some(FileKind::Xlsx));
        assert_eq!(sniff(b"PK\x03\x04....notes.txt"), Some(FileKind::Zip));
        // Text, and a stray zero byte in text, are left to the reader.
        assert_eq!(sniff("id,amount\n王芳,1\n".as_bytes()), None);
        assert_eq!(sniff(b"id,date\nS1,\xff\xfe\0\x81,c\n"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn labels() {
        assert_eq!(TextEncoding::parse("GB18030"), Some(TextEncoding::Gbk));
        assert_eq!(TextEncoding::parse("utf8"), Some(TextEncoding::Utf8));
        assert_eq!(TextEncoding::parse("latin1"), None);
    }
}
