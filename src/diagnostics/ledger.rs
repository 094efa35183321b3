//! Reading ledgers (`E02xx`): files and sheets that cannot be read, encodings, headers that
//! do not match the declared input, and rows refused by the schema: a value that does not
//! parse as its column's type ([`Rejection`]), a value below its least or outside its
//! enumeration, a missing payee or key, a repeated key.
//!
//! Every one is a [`DataError`](super::DataError) naming the file, the line (or cell) and the
//! column; problems with the file as a whole stop the run at once, a rejected row is counted
//! and reading goes on until `--max-errors` problems are known.

use super::code::{Code, Described, Kind};

/// A problem with a ledger file or one of its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerKind {
    /// A CSV file that cannot be opened (no such file, no permission).
    CannotOpen {
        error: String,
    },
    /// A CSV file that cannot be read on (an I/O error).
    CannotRead {
        error: String,
    },
    CannotOpenWorkbook {
        error: String,
    },
    CannotReadSheet {
        error: String,
    },
    /// `book.xlsx#Sheet` names a sheet the workbook does not have.
    NoSuchSheet {
        wanted: String,
        suggestion: String,
        sheets: Vec<String>,
    },
    NoSheets,
    /// Read as UTF-8, a field's bytes are not UTF-8 but read as GBK/GB18030 text. `bytes`: the
    /// field's first bytes (more than 12 are shown as 12 and `...`).
    LooksLikeGbk {
        bytes: Vec<u8>,
    },
    NotUtf8 {
        bytes: Vec<u8>,
    },
    NotGbk {
        bytes: Vec<u8>,
    },
    /// `--encoding gbk` was given for a file that is UTF-8.
    Utf8NotGbk,
    /// No header line. `columns`: the input's declared columns, in order.
    EmptyFile {
        input: String,
        columns: Vec<String>,
    },
    /// Every declared column the header lacks, each with its "did you mean" help.
    MissingColumn {
        columns: Vec<(String, String)>,
        input: String,
    },
    DuplicateColumn {
        column: String,
    },
    UndeclaredColumn {
        column: String,
        input: String,
        suggestion: String,
    },
    /// A row whose number of fields is not the header's. `row`: its fields joined by commas
    /// (the message shows the first 60 characters).
    FieldCount {
        fields: usize,
        header: usize,
        row: String,
    },
    /// A value under a header cell that is empty.
    ValueWithoutColumn {
        text: String,
    },
    /// A workbook cell holding an Excel error (`#N/A`, `#DIV/0!`).
    ExcelError {
        error: String,
    },
    /// A field that does not parse as its column's type. `raw`: the field, trimmed.
    Unparsed {
        column: String,
        raw: String,
        rejection: Rejection,
    },
    /// A number below the column's declared least value (`units: integer >= 0`).
    BelowLeast {
        column: String,
        raw: String,
        least: String,
        /// The column's type, as the policy writes it.
        ty: &'static str,
    },
    NotDeclaredValue {
        column: String,
        value: String,
        suggestion: String,
    },
    /// The payee or key column of a row is empty.
    EmptyPayeeOrKey {
        column: String,
    },
    DuplicateKey {
        column: String,
        key: String,
        input: String,
    },
    /// A payee or key value holding a control character, an invisible format character
    /// (Unicode category Cf: zero-width space, byte-order mark, bidi controls) or a line or
    /// paragraph separator. `value`: the field, trimmed; `ch`: the first such character.
    HiddenCharInId {
        column: String,
        value: String,
        ch: char,
    },
    /// A payee or key value not in Unicode's composed form (NFC). `composed`: its NFC form.
    NotComposed {
        column: String,
        value: String,
        composed: String,
    },
    /// Two distinct ids of one run that look alike (the same confusable skeleton, after
    /// folding full-width to half-width): `value` here, `other` at `other_at`.
    LookAlikeIds {
        column: String,
        value: String,
        other: String,
        other_at: String,
    },
    /// A CSV row longer than `limit` bytes. `start`: the first characters of the field being
    /// read when the limit was met; `open_quote`: the line of a quote still open then.
    RowTooLong {
        limit: usize,
        start: String,
        open_quote: Option<u64>,
    },
    /// Text after the closing quote of a quoted field (`"M1" x`). `text`: its first characters.
    TextAfterQuote {
        text: String,
    },
    /// A quote opening a field and never closed.
    UnclosedQuote,
    /// A file given as a ledger that is not one, told from its first bytes. `workbook`: it was
    /// given as a workbook (`.xlsx`), not as CSV.
    NotALedger {
        what: FileKind,
        workbook: bool,
    },
    /// No `#sheet` was given and every sheet of the workbook is hidden.
    NoVisibleSheet {
        sheets: Vec<String>,
    },
    /// The cells holding a value span `span` (`cells` cells), far more than the `held` cells
    /// in it; `far`: the cell farthest from the table's corner.
    SheetTooSparse {
        span: String,
        cells: u64,
        held: u64,
        far: String,
    },
    /// A formula cell saved without its value.
    FormulaWithoutValue,
}

/// What a file is, told from its first bytes, when it is not what it was given as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Utf16 {
        big_endian: bool,
    },
    Utf32,
    /// An OLE compound file: an Excel 97-2003 `.xls` (or another old Office file).
    OldOffice,
    /// An OpenDocument spreadsheet (`.ods`, LibreOffice or WPS).
    OpenDocument,
    /// An `.xlsx` workbook (given as CSV).
    Xlsx,
    /// Another zip archive.
    Zip,
    /// Not a zip archive at all (given as a workbook): text, or something else.
    NotZip,
}

/// Why a field does not parse as its column's type: each says what was expected and how to
/// write it ([`LedgerKind::Unparsed`] puts the column and the field around it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// An empty field in a column that is not text. `ty`: the column's type (`money`).
    Empty {
        ty: &'static str,
    },
    WholeNumber,
    Number,
    /// An amount in none of the accepted forms (`1.2E+03`, `5%`, `1 234`).
    Amount,
    /// An amount in parentheses, the accounting negative: `(1234.56)`.
    Parenthesized,
    /// An amount with another currency's sign (`$12` in a plan paid in CNY).
    ForeignCurrency,
    /// Thousands separators that do not group by three, or a decimal comma: `1,23`.
    Grouping,
    /// More decimals than the currency has.
    TooManyDecimals {
        decimals: u32,
    },
    /// `abc%`: a percent sign after something that is not a number.
    Percentage,
    /// Neither a percentage nor a fraction.
    PercentOrFraction,
    /// A bare number above 1 in a percent column (`85`: 85% or 8500%?).
    BareAboveOne,
    Date,
    Month,
    Quarter,
    Bool,
    /// A number too large (10^15 or more) or too long (more than 28 digits) to be a ledger
    /// value held exactly.
    OutOfRange,
}

/// `ff fe 00 81`, the first 12 bytes, then ` ...` if there are more.
fn hex(bytes: &[u8]) -> String {
    let shown: Vec<String> = bytes.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("{}{}", shown.join(" "), if bytes.len() > 12 { " ..." } else { "" })
}

/// An id as messages show it: characters that cannot be seen or that change what follows
/// (controls, format characters, separators other than the plain space, combining marks)
/// are written as `\u{200b}`, so two ids that look alike on screen look different here.
pub fn shown_id(id: &str) -> String {
    use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory};
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        let hidden = c != ' '
            && matches!(
                c.general_category(),
                G::Control
                    | G::Format
                    | G::LineSeparator
                    | G::ParagraphSeparator
                    | G::SpaceSeparator
                    | G::NonspacingMark
                    | G::EnclosingMark
                    | G::Unassigned
                    | G::PrivateUse
                    | G::Surrogate
            );
        if hidden {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// What kind of character an id may not hold, for messages.
fn hidden_kind(c: char) -> &'static str {
    use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory};
    match c.general_category() {
        G::Control => "a control character",
        G::Format => "an invisible format character",
        _ => "a line or paragraph separator",
    }
}

/// A row's text as the message shows it: 60 characters at most, line breaks written out.
fn excerpt(row: &str) -> String {
    let shown: String = row.chars().take(60).collect::<String>().replace('\r', "\\r").replace('\n', "\\n");
    let cut = if row.chars().nth(60).is_some() { " ..." } else { "" };
    format!("{shown}{cut}")
}

/// A value from a file as a message shows it: at most [`SHOWN_CHARS`] characters (then
/// ` ...` and the length), control characters written out (`\u{0}`), so that nothing
/// invisible or huge reaches the terminal.
fn shown_safely(text: &str) -> String {
    let mut shown: String = text
        .chars()
        .take(SHOWN_CHARS)
        .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
        .collect();
    if text.chars().nth(SHOWN_CHARS).is_some() {
        shown.push_str(&format!(" ... ({} characters in all)", text.chars().count()));
    }
    shown
}

/// How many characters of a value a message shows.
const SHOWN_CHARS: usize = 60;

impl Kind for LedgerKind {
    fn describe(&self) -> Described {
        use LedgerKind::*;
        match self {
            CannotOpen { error } => Described::new("E0201", format!("cannot open the ledger: {error}"))
                .help("check the path given with `--data` or in the project file (`commission.toml`)"),
            CannotRead { error } => Described::new("E0201", format!("cannot read the ledger: {error}")),
            CannotOpenWorkbook { error } => Described::new("E0201", format!("cannot open the workbook: {error}"))
                .help("check the path given with `--data`; only `.xlsx` workbooks are read (save `.xls` as `.xlsx`)"),
            CannotReadSheet { error } => Described::new("E0201", format!("cannot read the sheet: {error}")),
            NoSuchSheet { wanted, suggestion, sheets } => {
                let sheets: Vec<String> = sheets.iter().map(|n| format!("`{n}`")).collect();
                Described::new("E0202", format!("the workbook has no sheet `{wanted}`"))
                    .help(format!("{suggestion}; the sheets are: {}", sheets.join(", ")))
            }
            NoSheets => Described::new("E0202", "the workbook has no sheets"),
            LooksLikeGbk { bytes } => {
                let message = format!(
                    "the file is not UTF-8: it looks like GBK/GB18030 (bytes `{}`), which is what Excel on a Chinese Windows saves as CSV",
                    hex(bytes)
                );
                Described::new("E0203", message)
                    .help("run again with `--encoding gbk`, or save the file from Excel as \"CSV UTF-8\"")
            }
            NotUtf8 { bytes } => Described::new("E0204", format!("the file is not valid UTF-8 (bytes `{}`)", hex(bytes)))
                .help("save the ledger as UTF-8 (Excel: \"CSV UTF-8\"); a Chinese GBK/GB18030 file is read with `--encoding gbk`"),
            NotGbk { bytes } => {
                Described::new("E0204", format!("the file is not valid GBK/GB18030 (bytes `{}`)", hex(bytes)))
                    .help("check the file's encoding: without `--encoding` the ledger is read as UTF-8")
            }
            Utf8NotGbk => Described::new("E0205", "the file is UTF-8, but `--encoding gbk` was given")
                .help("reading UTF-8 as GBK would garble every Chinese name; leave out `--encoding gbk` for this file"),
            EmptyFile { input, columns } => {
                let message = format!("the file is empty; expected a header line for input `{input}`");
                Described::new("E0206", message).help(format!("the first line names the columns: {}", columns.join(",")))
            }
            MissingColumn { columns, input } => {
                let names: Vec<String> = columns.iter().map(|(c, _)| format!("`{c}`")).collect();
                let (s, list) = if names.len() == 1 { ("", names.join("")) } else { ("s", names.join(", ")) };
                let help: Vec<String> = match columns.as_slice() {
                    [(_, only)] => vec![only.clone()],
                    many => many.iter().map(|(c, h)| format!("`{c}`: {h}")).collect(),
                };
                Described::new("E0207", format!("missing column{s} {list} of input `{input}`")).help(help.join("; "))
            }
            DuplicateColumn { column } => {
                Described::new("E0208", format!("column `{}` appears twice in the header", shown_safely(column)))
                    .help("a column may appear once; remove or rename the second one")
            }
            UndeclaredColumn { column, input, suggestion } => {
                let column = shown_safely(column);
                Described::new("E0209", format!("column `{column}` is not declared in input `{input}`")).help(format!(
                    "{suggestion}; declare it in the policy (`{column}: text`), remove it from the file, or let the input skip the columns it does not declare: `input {input} ignoring other columns {{`"
                ))
            }
            FieldCount { fields, header, row } => {
                let message = format!("row has {fields} fields, the header has {header}: `{}`", excerpt(row));
                Described::new("E0210", message)
                    .help("a field containing a comma or a line break must be quoted: \"...\"; a quote left open takes in the lines after it")
            }
            ValueWithoutColumn { text } => Described::new("E0211", format!("`{}` is in a column with no name", shown_safely(text)))
                .help("name the column in the header and declare it, or remove the value"),
            ExcelError { error } => Described::new("E0212", format!("the cell holds the Excel error `{error}`"))
                .help("fix the formula in the workbook, or paste its values"),
            Unparsed { column, raw, rejection } => {
                let seen = if raw.is_empty() { "empty".to_string() } else { format!("`{}`", shown_safely(raw)) };
                let is = |expected: &str| format!("`{column}` is {seen}, expected {expected}");
                match rejection {
                    Rejection::Empty { ty } => Described::new("E0213", is(&format!("a {ty} value")))
                        .help("every row needs a value in this column"),
                    Rejection::WholeNumber => Described::new("E0214", is("a whole number such as `42`"))
                        .help("write whole numbers with digits only, e.g. `42` or `-3`"),
                    Rejection::Number => Described::new("E0214", is("a number such as `12.5`"))
                        .help("write numbers with digits and a `.` for decimals, e.g. `12.5`"),
                    Rejection::Amount => Described::new("E0214", is("an amount such as `1234.56`"))
                        .help("write amounts as `1234.56`, `1,234.56` or with the currency sign, `¥1,234.56`; a refund is `-1234.56`"),
                    Rejection::Percentage => Described::new("E0214", is("a percentage such as `85.5%`"))
                        .help("write a percentage as `85.5%` or as a fraction between 0 and 1 such as `0.855`"),
                    Rejection::PercentOrFraction => Described::new("E0214", is("a percentage such as `85.5%` or a fraction such as `0.855`"))
                        .help("write a percentage as `85.5%` or as a fraction between 0 and 1 such as `0.855`"),
                    Rejection::Date => {
                        Described::new("E0214", is("a date written `YYYY-MM-DD` that exists in the calendar"))
                            .help("e.g. `2026-03-31`")
                    }
                    Rejection::Month => Described::new("E0214", is("a month written `YYYY-MM`")).help("e.g. `2026-03`"),
                    Rejection::Quarter => {
                        Described::new("E0214", is("a quarter written `YYYY-Qn`")).help("e.g. `2026-Q1`")
                    }
                    Rejection::Bool => Described::new("E0214", is("`true` or `false`")).help("write `true` or `false`"),
                    Rejection::Parenthesized => Described::new("E0215", is("an amount such as `-1234.56`"))
                        .help("an amount in parentheses is ambiguous; write a refund or cancellation with a minus sign, `-1234.56`"),
                    Rejection::ForeignCurrency => Described::new("E0216", is("an amount in the policy's currency"))
                        .help("the amount has another currency's sign; the plan pays in one currency, so convert it at the source"),
                    Rejection::Grouping => Described::new("E0217", is("an amount such as `1,234.56`"))
                        .help("thousands separators must group the digits by three (`1,234,567.89`); a decimal comma is not read, write `1234.56`"),
                    Rejection::TooManyDecimals { decimals } => Described::new("E0218", is(&format!("an amount with at most {decimals} decimals")))
                        .help("the ledger has more decimals than the currency allows; it must not be rounded silently, so correct it at the source"),
                    Rejection::BareAboveOne => Described::new("E0219", is("a fraction between 0 and 1, or a value with `%`"))
                        .help("a bare number above 1 is ambiguous: write `85%` for eighty-five percent"),
                    Rejection::OutOfRange => Described::new("E0244", is("a number below 1,000,000,000,000,000 with at most 28 digits"))
                        .help("no ledger amount is this large or this long: check that the column holds what it is declared as (not an id, a phone number or a sum of the whole ledger)"),
                }
            }
            BelowLeast { column, raw, least, ty } => {
                let message = format!("`{column}` is `{}`, below its declared least value {least}", shown_safely(raw));
                Described::new("E0220", message).help(format!(
                    "the policy declares `{column}: {ty} >= {least}`; correct the row, or allow the value in the policy"
                ))
            }
            NotDeclaredValue { column, value, suggestion } => {
                Described::new("E0221", format!("`{column}` is `{}`, which is not one of its declared values", shown_safely(value)))
                    .help(suggestion.clone())
            }
            EmptyPayeeOrKey { column } => {
                Described::new("E0222", format!("`{column}` is empty")).help("every row must name its payee and key")
            }
            DuplicateKey { column, key, input } => {
                let message = format!("`{column}` `{}` appears twice; it is the key of `{input}`", shown_safely(key));
                Described::new("E0223", message)
                    .help("each row of a keyed input must have its own key; remove the duplicate row")
            }
            HiddenCharInId { column, value, ch } => {
                let message = format!(
                    "`{column}` is `{}`, which holds U+{:04X}, {}",
                    shown_id(value),
                    u32::from(*ch),
                    hidden_kind(*ch)
                );
                Described::new("E0230", message).help(
                    "a value with a character that cannot be seen differs from the one that looks the same \
                     (one person paid as two, one customer counted twice); remove the character at the source",
                )
            }
            NotComposed { column, value, composed } => {
                let message = format!(
                    "`{column}` is `{}`, written with decomposed characters (not Unicode NFC); composed it is `{composed}`",
                    shown_id(value)
                );
                Described::new("E0231", message).help(
                    "the same letters written decomposed look identical but are a different id; \
                     save the file with composed characters (NFC), as most programs write them",
                )
            }
            LookAlikeIds { column, value, other, other_at } => {
                let message = format!(
                    "`{column}` `{}` looks like `{}` at {other_at}, a different id",
                    shown_id(value),
                    shown_id(other)
                );
                Described::new("E0232", message).help(
                    "two ids that look alike would be paid as two people; write the id the same way in every row and file \
                     (full-width letters, or a Cyrillic or Greek letter among Latin ones, are different characters)",
                )
            }
            RowTooLong { limit, start, open_quote } => {
                let message = format!(
                    "the row is longer than {} MiB; the field being read when the limit was met starts `{}`",
                    limit / (1 << 20),
                    shown_safely(start)
                );
                let help = match open_quote {
                    Some(line) => format!("a quote opened on line {line} is still open: close it (`\"`)"),
                    None => "a ledger row is a few hundred bytes: check that the file is the ledger export".to_string(),
                };
                Described::new("E0240", message).help(help)
            }
            TextAfterQuote { text } => {
                Described::new("E0241", format!("`{}` follows the closing quote of the field", shown_safely(text)))
                    .help("a quoted field ends at its closing quote: put the text inside the quotes, or write `\"\"` for a quote inside the field")
            }
            NotALedger { what, workbook } => {
                let given = if *workbook { "an .xlsx workbook" } else { "a CSV ledger" };
                let (is, help) = match what {
                    FileKind::Utf16 { big_endian } => (
                        format!("UTF-16 text ({}), as Excel's \"Unicode Text\" saves it", if *big_endian { "big-endian" } else { "little-endian" }),
                        "save it from Excel as \"CSV UTF-8 (Comma delimited)\", or as an .xlsx workbook",
                    ),
                    FileKind::Utf32 => ("UTF-32 text".to_string(), "save it as \"CSV UTF-8\""),
                    FileKind::OldOffice => (
                        "an Excel 97-2003 workbook (.xls) or another old Office file".to_string(),
                        "open it in Excel and save it as an .xlsx workbook, or as \"CSV UTF-8\"",
                    ),
                    FileKind::OpenDocument => (
                        "an OpenDocument spreadsheet (.ods)".to_string(),
                        "open it in LibreOffice or WPS and save it as an .xlsx workbook (Excel 2007-365) or as CSV in UTF-8",
                    ),
                    FileKind::Xlsx => (
                        "an Excel .xlsx workbook".to_string(),
                        "give it with its .xlsx name (`--data sales=book.xlsx`), or save the sheet as \"CSV UTF-8\"",
                    ),
                    FileKind::Zip => ("a zip archive".to_string(), "unpack it and give the ledger inside, as CSV or .xlsx"),
                    FileKind::NotZip => (
                        "not a workbook (an .xlsx file is a zip archive)".to_string(),
                        "if the file is CSV text, give it with a .csv name; otherwise save it from Excel as .xlsx",
                    ),
                };
                Described::new("E0243", format!("the file is {is}, not {given}")).help(help)
            }
            NoVisibleSheet { sheets } => {
                let sheets: Vec<String> = sheets.iter().map(|n| format!("`{}`", shown_safely(n))).collect();
                Described::new("E0245", "every sheet of the workbook is hidden")
                    .help(format!("name the sheet to read after `#` (`book.xlsx#Sheet1`); the sheets are: {}", sheets.join(", ")))
            }
            SheetTooSparse { span, cells, held, far } => Described::new(
                "E0246",
                format!("the sheet's cells span {span} ({cells} cells), but only {held} hold a value; the farthest is {far}"),
            )
            .help(format!("a stray value far from the table? Delete cell {far} (or the rows and columns after the table) and save the workbook")),
            FormulaWithoutValue => Described::new("E0247", "the cell holds a formula saved without its value")
                .help("open the workbook in Excel (or LibreOffice, WPS) and save it, so that every formula's value is saved with it; or paste the values"),
            UnclosedQuote => Described::new("E0242", "the quote opening this field is never closed")
                .help("close the quote at the end of the field (`\"...\"`); a quote inside a quoted field is written `\"\"`"),
        }
    }
}

pub const CODES: &[Code] = &[
    Code {
        id: "E0201",
        title: "a ledger file that cannot be opened or read",
        explanation: "\
The file given with `--data` cannot be opened (no such file, no permission, not an `.xlsx`
workbook) or stops being readable part way through. Nothing is computed from a ledger that
was only partly read: the statements would be short without saying so.

What to do: check the path after `--data name=...`; save an old `.xls` workbook as `.xlsx`.",
    },
    Code {
        id: "E0202",
        title: "no such sheet in the workbook",
        explanation: "\
`book.xlsx#Sheet` names the sheet to read, and the workbook has no sheet of that name (names
are compared exactly, spaces and case included), or the workbook has no sheets at all. The
program does not fall back to another sheet: it might hold last month's figures.

What to do: correct the name after `#` (the message lists the sheets), or leave out `#...`
to read the first visible sheet.",
    },
    Code {
        id: "E0203",
        title: "a GBK ledger read as UTF-8",
        explanation: "\
The ledger is read as UTF-8, and a field's bytes are not UTF-8 but read as Chinese text in
GBK/GB18030, the encoding Excel on a Chinese Windows uses when it saves \"CSV\". The encoding
is never guessed: a wrong guess garbles names without an error, and a garbled name is a
different payee.

What to do: run again with `--encoding gbk` (or `--encoding sales=gbk` for one input), or save
the file from Excel as \"CSV UTF-8\".",
    },
    Code {
        id: "E0204",
        title: "a ledger that is not text in its encoding",
        explanation: "\
A field's bytes are not valid text in the encoding the ledger is read with (UTF-8, or GBK with
`--encoding gbk`). The message shows the bytes. The file may be a workbook or another binary
file renamed `.csv`, or it was saved in an encoding the program does not read.

What to do: open the file in Excel or a text editor and save it as \"CSV UTF-8\".",
    },
    Code {
        id: "E0205",
        title: "a UTF-8 ledger read as GBK",
        explanation: "\
`--encoding gbk` was given, and the file is UTF-8 (it starts with Chinese text that is valid
UTF-8, or every non-ASCII field of it is). Reading UTF-8 bytes as GBK would turn every Chinese
name into a different, garbled one, and pay people who do not exist.

What to do: leave out `--encoding gbk` for this file.",
    },
    Code {
        id: "E0206",
        title: "an empty ledger file",
        explanation: "\
The file (or the sheet) has no header line: it is empty. The first line of a ledger names its
columns, so a file without it cannot be matched to the declared input; it is usually an export
that failed, or the wrong file.

What to do: check the file given with `--data`; the message lists the columns the header
names.",
    },
    Code {
        id: "E0207",
        title: "a declared column missing from the header",
        explanation: "\
The policy declares a column for this input, and the ledger's header line has no column of that
name. Names are compared exactly (case and spaces inside the name count). A missing column is
never read as empty: the plan would pay on figures that are not there. Every declared column the
header lacks is named in one message, so a renamed export is corrected in one go.

What to do: rename the header cell (the message suggests the nearest one), or correct the
declaration in the policy.",
    },
    Code {
        id: "E0208",
        title: "a column that appears twice in the header",
        explanation: "\
Two columns of the ledger's header have the same name, so a value of that column could be read
from either. The program does not pick one.

What to do: remove the second column, or rename it (and declare it in the policy).",
    },
    Code {
        id: "E0209",
        title: "a column not declared in the input",
        explanation: "\
The ledger has a column that the policy's input does not declare. Every column of a ledger must
be declared, so that an export that gained, lost or renamed a column is noticed instead of
being read in the wrong place.

What to do: declare the column in the input (`region: text`; the lint C0003 says when nothing
reads it), or remove it from the file. The message suggests the nearest declared name. When
the export carries columns the plan never pays on, write `input sales ignoring other columns {`:
then undeclared columns are skipped, and only the declared ones must be there.",
    },
    Code {
        id: "E0210",
        title: "a row with more or fewer fields than the header",
        explanation: "\
A row has a different number of fields than the header line. Usually a value holds a comma and
is not quoted (`蓝海物流, 上海`), or a quote left open took in the lines after it, so every
field after it would be read in the wrong column.

What to do: quote fields that contain a comma or a line break (`\"蓝海物流, 上海\"`), close the
open quote, or add the missing field.",
    },
    Code {
        id: "E0211",
        title: "a value in a column with no name",
        explanation: "\
A column whose header cell is empty is allowed only if it is empty in every row (Excel leaves
such columns after a table). A value in it belongs to no declared column, so it would be
silently dropped.

What to do: name the column in the header and declare it in the policy, or remove the value.",
    },
    Code {
        id: "E0212",
        title: "an Excel error cell",
        explanation: "\
A workbook cell holds an Excel error (`#N/A`, `#DIV/0!`, `#REF!`...) where a value should be: a
formula in the workbook failed. The program reads the values Excel saved and does not guess
what the formula meant.

What to do: fix the formula in the workbook, or paste its values, and save it again.",
    },
    Code {
        id: "E0213",
        title: "an empty value in a column that needs one",
        explanation: "\
A field of a number, amount, percentage, date, period or true/false column is empty. An empty
amount is not read as zero: the row may be an unfinished entry, and a missing amount read as
0.00 would pay too little without saying so. Only text columns may be empty (except the payee
and the key, E0222).

What to do: fill in the value (`0` if it really is zero), or remove the row.",
    },
    Code {
        id: "E0214",
        title: "a value not written as its column's type",
        explanation: "\
A field does not read as the type its column is declared with: text in a number column, a date
not written `YYYY-MM-DD` (or a day that does not exist, `2026-02-30`), an amount in exponent
form (`1.2E+03`) or with a space or a `%` inside. The accepted forms are narrow on purpose: a
payout run stops on a value it would otherwise have to guess about.

What to do: write the value as the message and its help show, at the source of the export.",
    },
    Code {
        id: "E0215",
        title: "an amount in parentheses",
        explanation: "\
An amount is written in parentheses, `(1234.56)`, as accounting formats show negative numbers.
It may be a refund, or a note typed into the cell; the program does not decide which.

What to do: write a refund or a cancellation with a minus sign, `-1234.56`, dated when it was
booked.",
    },
    Code {
        id: "E0216",
        title: "an amount in another currency",
        explanation: "\
An amount starts with another currency's sign (`$`, `€`, `HK$`...) than the policy's. A plan
pays in one currency, and the program does not convert: at which rate, on which day?

What to do: convert the amount to the policy's currency at the source, and write it without
the foreign sign.",
    },
    Code {
        id: "E0217",
        title: "an amount with thousands separators not grouping by three",
        explanation: "\
An amount has commas that do not group the digits by three (`12,34.56`, `1234,56`). A comma
may be a thousands separator or a decimal comma, and `1,234` read the wrong way is a thousand
times off, so only grouping by three (`1,234,567.89`) is read.

What to do: write the amount with a `.` for decimals, `1234.56` or `1,234.56`.",
    },
    Code {
        id: "E0218",
        title: "an amount with more decimals than the currency",
        explanation: "\
An amount has more decimals than the policy's currency has (two for CNY: `1234.567`). It is
never rounded silently: the extra digit may be a typo, or a computed cell that Excel shows
rounded.

What to do: correct the amount at the source, or round it there with a formula everyone can
see.",
    },
    Code {
        id: "E0219",
        title: "a bare number above 1 in a percent column",
        explanation: "\
A percent column holds a number above 1 without a `%` sign. A bare number is read as a
fraction (`0.855` is 85.5%), so is `85` 85% or 8,500%? The program does not guess.

What to do: write `85%`, or the fraction `0.85`.",
    },
    Code {
        id: "E0220",
        title: "a value below its declared least value",
        explanation: "\
The policy declares a least value for the column (`units: integer >= 0`), and the row's value
is below it. The bound says such a value is a mistake in the ledger, such as a negative count.

What to do: correct the row; if such values are real (returns counted as negative units),
change or remove the bound in the policy.",
    },
    Code {
        id: "E0221",
        title: "a value not among the column's declared values",
        explanation: "\
The column is declared with a list of values (`kind: text in [\"new\", \"renewal\"]`), and the
row's value is not one of them. Often it is a typo (`renewl`); a value the plan does not know
would fall through its rate tables and conditions unseen.

What to do: correct the value (the message suggests the nearest), or add it to the list in
the policy.",
    },
    Code {
        id: "E0222",
        title: "a row without its payee or key",
        explanation: "\
The row's payee column (or its key column) is empty. A row without a payee would be paid to
nobody, and a row without a key cannot be told from another.

What to do: fill in the payee or the key, or remove the row.",
    },
    Code {
        id: "E0223",
        title: "a key that appears twice",
        explanation: "\
The input has a key column (`key id: text`), and two rows have the same key. A repeated key is
usually a row exported twice, which would pay its commission twice.

What to do: remove the duplicate row; if both rows are real, give each its own key.",
    },
    Code {
        id: "E0230",
        title: "an id or compared value with an invisible or control character",
        explanation: "\
A payee or key value holds a character that cannot be seen: a control character (a tab, an
escape), an invisible format character (a zero-width space U+200B, a byte-order mark U+FEFF, a
left-to-right or right-to-left mark and the other bidirectional controls) or a line separator.
`王芳` followed by a zero-width space looks like `王芳` on every screen and is a different id:
the person would be paid as two payees, each in a lower bracket. The same holds for the free
text columns the plan counts, compares or looks up (`count_distinct(sales.customer)` would
count `C1` twice) and for the roster columns it reads (`payee.team`). The message shows the
value with the hidden character written out (`王芳\\u{200b}`).

What to do: remove the character in the source system or the file (it usually comes from a
copy and paste out of a web page or a chat).",
    },
    Code {
        id: "E0231",
        title: "an id or compared value not in composed Unicode form (NFC)",
        explanation: "\
A payee or key value (or a free text value the plan counts, compares or looks up) is written
with decomposed characters: `é` as `e` followed by a combining accent (U+0301), as some Mac
programs save text, instead of the single character `é`. The two look identical and are
different ids, so one person would be paid as two. The program does
not rewrite ids: the id in the statements must be the id of the ledger, byte for byte, for
whoever matches them against payroll.

What to do: save the file with composed characters (NFC); the message shows the composed
form.",
    },
    Code {
        id: "E0232",
        title: "two ids that look alike",
        explanation: "\
Two different ids of one run look alike: they have the same confusable skeleton (Unicode's
list of characters that look the same, UTS #39), after full-width letters and digits are read
as their ordinary forms. `Ｍ001` (full-width) and `M001`, or `А001` with a Cyrillic `А` and
`A001` with a Latin `A`, would be two payees, each paid on part of the sales. The message
names both rows. Two ids written only in ASCII are not compared (`O1` and `01` are typed, not
pasted, and are told apart by anyone reading them).

What to do: write the id the same way everywhere (correct the row that differs); if they
really are two people, give them ids that do not look alike.",
    },
    Code {
        id: "E0240",
        title: "a ledger row too long to be a row",
        explanation: "\
A CSV row (with the lines a quoted field takes in) is longer than 1 MiB. A real ledger row is a
few hundred bytes: the file is not a ledger (a binary file, a device), or a quote left open
took in the rest of the file. The row is not read further, so a hostile file cannot fill the
memory; the message shows only its first characters.

What to do: check the file given with `--data`; if the help names an open quote, close it.",
    },
    Code {
        id: "E0241",
        title: "text after the closing quote of a field",
        explanation: "\
A quoted field (`\"M1\"`) is followed by something other than spaces and the next comma
(`\"M1\" x`). Whether `x` belongs to the field, or to a field whose comma is missing, cannot be
told. Spaces around a field are never part of it, quoted or not: `S1, \"M1\"` reads `M1`, as in a
policy's `test` block.

What to do: put the text inside the quotes, or add the missing comma; a quote inside a quoted
field is written twice (`\"5\"\" screen\"`).",
    },
    Code {
        id: "E0242",
        title: "a quote never closed",
        explanation: "\
A field starts with a quote and the file ends before the quote is closed: every line after it
would be one field. The message names the line and field where the quote opened.

What to do: close the quote at the end of the field.",
    },
    Code {
        id: "E0243",
        title: "a file that is not a ledger of the kind given",
        explanation: "\
The file given with `--data` is not CSV text in UTF-8 or GBK (or, for a `.xlsx` name, not a
workbook), and its first bytes say what it is: UTF-16 text (Excel's \"Unicode Text\"), an old
Excel 97-2003 `.xls` workbook, an OpenDocument `.ods` spreadsheet, an `.xlsx` workbook
renamed `.csv`, or another zip archive. Such files are not read: an `.xls` or `.ods` would
need another reader whose cells are not tested, and UTF-16 is rare enough that it is more
likely a wrong export than a ledger.

What to do: save the ledger from Excel, LibreOffice or WPS as \"CSV UTF-8\" or as an `.xlsx`
workbook, as the message says.",
    },
    Code {
        id: "E0244",
        title: "a number too large for a ledger",
        explanation: "\
A number in the ledger is 1,000,000,000,000,000 (10^15) or more, or has more than 28 digits. No
sale, count or rate is that large: it is usually an id, a phone number or a total pasted into
the wrong column. The bound also keeps every sum of a ledger exact (the program computes with
28 significant digits and never rounds a sum silently), so a run never stops half-way on a
figure too large to add.

What to do: check the value and its column at the source.",
    },
    Code {
        id: "E0245",
        title: "a workbook whose sheets are all hidden",
        explanation: "\
Without `#Sheet` after the workbook's name, the first visible sheet is read: the first tab an
analyst sees when opening the workbook. A hidden sheet (last month's figures, a lookup table)
is never read unless it is named. Here every sheet is hidden, so there is nothing the program
would read without guessing.

What to do: name the sheet after `#` (`--data sales=book.xlsx#Sheet1`); the message lists the
sheets.",
    },
    Code {
        id: "E0246",
        title: "a sheet with a stray cell far from the table",
        explanation: "\
The cells that hold a value make the table: the rectangle around them. Here that rectangle is
more than a million cells and more than ten times the cells in it, because a value stands far
from the table (a space typed into `XFD1048576`, a note a thousand rows down). Reading the
rectangle would walk billions of empty cells, and the stray value would be a row or a column
of the ledger; the sheet is refused instead, naming the farthest cell.

What to do: delete the stray cell (or the rows and columns after the table) and save the
workbook.",
    },
    Code {
        id: "E0247",
        title: "a formula cell with no saved value",
        explanation: "\
A workbook stores a formula together with the value it had when the workbook was last saved,
and the program reads that value: it is what the analyst saw. This cell has a formula and no
saved value, as workbooks written by programs that do not compute formulas are; read as
empty, it would pay nothing without a word.

What to do: open the workbook in Excel, LibreOffice or WPS and save it (the formulas are then
computed and their values saved), or paste the values over the formulas.",
    },
    Code {
        id: "C0101",
        title: "rows for someone who is not a payee",
        explanation: "\
A row of an input that is looked up or summed per payee (a survey, a target) names a payee who
is not a payee of this run: nobody with that id has sales (or whatever input names the
payees). The row is not used. Often it is a survey for someone who sold nothing this period;
sometimes it is a mistyped id (`M9` for `M1`), and the person it was meant for goes without it.
The warning names the id, how many rows, the first row and the nearest payee id. With a
roster, such a row is an error (E0305): the roster names everybody.

What to do: check the id; correct it if it was meant for a payee.",
    },
    Code {
        id: "C0102",
        title: "an input with no row in the range",
        explanation: "\
A range was given (`--period`, `--from`/`--to`) and the rows of one input all lie before or
after it, while the inputs the plan sums over reach into it: the statements use nothing from
this input. It may be right (no survey this quarter yet), or the file is an old one.

What to do: check that the file given for this input is the one for the range. (When no
summed input reaches into the range, the run is refused: E0320.)",
    },
];

/// Warnings about ledger data (`C01xx`): the run goes on, and each is shown with the
/// statements in every output format (on standard error beside a table or CSV, in the JSON
/// output's `warnings`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataWarning {
    /// Rows of an input whose payee is no payee of the run (a survey for someone with no
    /// sales). `rows`: how many; the location is the first.
    RowsForNobody { input: String, payee: String, rows: u64, suggestion: String },
    /// More ids with rows for nobody than are listed one by one.
    MoreRowsForNobody { input: String, ids: usize, rows: u64 },
    /// An input whose rows span months wholly outside the range, while the summed inputs
    /// reach into it.
    NoRowInRange {
        input: String,
        /// The months (or quarters) its rows span, `2026-01 to 2026-03`.
        span: String,
        range: String,
    },
}

impl Kind for DataWarning {
    fn describe(&self) -> Described {
        use DataWarning::*;
        match self {
            RowsForNobody { input, payee, rows, suggestion } => {
                let rows = if *rows == 1 { "a row".to_string() } else { format!("{rows} rows") };
                let message = format!(
                    "`{input}` has {rows} for `{}`, who is not a payee of this run (not used)",
                    shown_id(payee)
                );
                Described::new("C0101", message).help(suggestion.clone())
            }
            MoreRowsForNobody { input, ids, rows } => {
                let rows = if *rows == 1 { "a row".to_string() } else { format!("{rows} rows") };
                let ids = if *ids == 1 { "another id".to_string() } else { format!("{ids} other ids") };
                Described::new(
                    "C0101",
                    format!("`{input}` has {rows} for {ids} that are not payees of this run (not used)"),
                )
                .help("the first ids are named above; `--format json` gives the row counts per input")
            }
            NoRowInRange { input, span, range } => {
                Described::new("C0102", format!("`{input}` has no row in {range}: its rows are in {span}"))
                    .help("the statements use no row of this input; check that the file is the one for this range")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_bytes_and_rows_are_cut() {
        assert_eq!(hex(&[0xff, 0xfe, 0x00, 0x81]), "ff fe 00 81");
        assert_eq!(hex(&[0xab; 13]), format!("{} ...", ["ab"; 12].join(" ")));
        assert_eq!(excerpt("a,b\r\nc"), "a,b\\r\\nc");
        let long = "x".repeat(61);
        assert_eq!(excerpt(&long), format!("{} ...", "x".repeat(60)));
        assert_eq!(excerpt(&long[..60]), "x".repeat(60));
        // 61 characters: 60 shown, and the length.
        assert_eq!(shown_safely(&long), format!("{} ... (61 characters in all)", "x".repeat(60)));
        assert_eq!(shown_safely("a\0b\u{1b}"), "a\\u{0}b\\u{1b}");
        assert_eq!(shown_safely("王芳"), "王芳");
    }

    #[test]
    fn a_rejected_value_names_its_column_and_what_was_expected() {
        let kind = |raw: &str, rejection| LedgerKind::Unparsed { column: "amount".into(), raw: raw.into(), rejection };
        let empty = kind("", Rejection::Empty { ty: "money" }).describe();
        assert_eq!(empty.message, "`amount` is empty, expected a money value");
        assert_eq!(empty.code, "E0213");
        let decimals = kind("1.234", Rejection::TooManyDecimals { decimals: 2 }).describe();
        assert_eq!(decimals.message, "`amount` is `1.234`, expected an amount with at most 2 decimals");
    }
}
