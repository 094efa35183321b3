//! `commission init --from FILE`: an input block guessed from a ledger. The header names the
//! columns; a sample of rows (the first 1,000 by default) suggests each column's type and
//! marks (`key`, `payee`, `period`); then every row of the file is read with the guess and a
//! column whose guess fails further down is widened (an integer to a decimal, anything to
//! text), with a comment saying where and why. Last, the whole file is read once more through
//! the ledger reader a run uses, with the block as written: the block printed is one that
//! reads this file.
//!
//! The guess never decides anything that changes money without saying so: every widening
//! and every mark left out is a comment in the block.
//!
//! May use: `data` (the readers and `parse_value`), `plan` (column types, the schema the
//! reader takes), `money`, `fmt` (the block's layout), `diagnostics`. Never `cli`.

use std::collections::{BTreeSet, HashSet};

use crate::data::parse_value::parse_value;
use crate::data::text_rows::{open, ReadProblem};
use crate::data::{read_input, InputFile, LedgerSource};
use crate::diagnostics::tools::ToolKind;
use crate::diagnostics::{DataError, Error};
use crate::money::Currency;
use crate::plan::{Column, ColumnType, InputSchema};
use crate::source::Span;

/// The most distinct values a text column may have to be guessed an enumeration
/// (`text in [...]`), and how many rows per value the sample must have at least: `kind` with
/// 3 values over 30 rows is one, `customer` with 10 values over 30 rows is not.
const MAX_ENUM_VALUES: usize = 12;
const ROWS_PER_ENUM_VALUE: usize = 5;

/// Names that say whose row it is (compared in lower case, as the whole name or a part).
const PAYEE_WORDS: [&str; 16] = [
    "payee",
    "manager",
    "employee",
    "salesperson",
    "seller",
    "rep",
    "agent",
    "owner",
    "staff",
    "经理",
    "员工",
    "销售员",
    "业务员",
    "负责人",
    "人员",
    "姓名",
];

/// Names of amounts of money: a column of whole numbers so named is money, not an integer.
const MONEY_WORDS: [&str; 14] = [
    "amount",
    "price",
    "revenue",
    "sales",
    "cost",
    "fee",
    "pay",
    "bonus",
    "commission",
    "金额",
    "价",
    "额",
    "收入",
    "费",
];

/// Words of the language that cannot name a column (the grammar's `keyword`).
const KEYWORDS: [&str; 18] = [
    "and", "or", "not", "in", "if", "then", "else", "where", "default", "tiers", "true", "false", "let", "when", "pay",
    "cap", "floor", "from",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Key,
    Payee,
    Period,
}

/// One column as guessed.
#[derive(Debug, Clone)]
pub struct ColumnGuess {
    pub name: String,
    /// The column's place in the file's header.
    pub position: usize,
    pub ty: ColumnType,
    /// Allowed values, for an enumeration.
    pub values: Option<Vec<String>>,
    pub role: Option<Role>,
    /// Why the guess is what it is, when the whole file changed it.
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Guess {
    pub input: String,
    pub file: String,
    pub columns: Vec<ColumnGuess>,
    /// Data rows in the file, and in the sample.
    pub rows: u64,
    pub sampled: u64,
}

/// Whether `name` is a name a policy can declare (the grammar's `ident`).
pub fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c == '_' || pest::unicode::XID_START(c));
    first_ok && chars.all(pest::unicode::XID_CONTINUE) && !KEYWORDS.contains(&name)
}

/// `name` made into a name: other characters as `_`, a `_` in front of a leading digit.
pub fn to_name(text: &str) -> String {
    let mut out: String = text
        .trim()
        .chars()
        .map(|c| if pest::unicode::XID_CONTINUE(c) { c.to_lowercase().next().unwrap_or(c) } else { '_' })
        .collect();
    if !out.chars().next().is_some_and(|c| c == '_' || pest::unicode::XID_START(c)) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Guesses an input block for `source` from its header and the first `sample` rows, then
/// checks it against every row (see the module's comment).
pub fn guess(source: &LedgerSource, input: &str, currency: &Currency, sample: u64) -> Result<Guess, Error> {
    let shown = source.shown();
    let mut reader = open(source)?;
    let mut fields = csv::StringRecord::new();
    let header_line = loop {
        match reader.next_row(&mut fields) {
            Ok(Some(_)) if fields.iter().all(|f| f.trim().is_empty()) => continue,
            Ok(Some(line)) => break line,
            Ok(None) => return Err(DataError::of(&shown, ToolKind::InitNoHeader).into()),
            Err(ReadProblem::Fatal(e) | ReadProblem::Row(e)) => return Err(e.into()),
        }
    };
    let mut columns: Vec<ColumnGuess> = Vec::new();
    for (position, name) in fields.iter().enumerate() {
        let name = name.trim();
        if name.is_empty() {
            // Excel leaves unnamed columns after a table; the reader allows them when empty.
            continue;
        }
        if !is_name(name) {
            let kind = ToolKind::InitColumnNotAName { column: name.to_string(), suggestion: to_name(name) };
            return Err(DataError::of(reader.at_field(header_line, position), kind).into());
        }
        if columns.iter().any(|c| c.name == name) {
            let kind = ToolKind::InitColumnTwice { column: name.to_string() };
            return Err(DataError::of(reader.at_field(header_line, position), kind).into());
        }
        columns.push(ColumnGuess {
            name: name.to_string(),
            position,
            ty: ColumnType::Text,
            values: None,
            role: None,
            note: None,
        });
    }

    // The sample: each column's values, trimmed.
    let mut samples: Vec<Vec<String>> = vec![Vec::new(); columns.len()];
    let mut sampled = 0;
    while sampled < sample {
        match reader.next_row(&mut fields) {
            Ok(Some(_)) if fields.iter().all(|f| f.trim().is_empty()) => continue,
            Ok(Some(_)) => {
                sampled += 1;
                for (c, column) in columns.iter().enumerate() {
                    if let Some(values) = samples.get_mut(c) {
                        values.push(fields.get(column.position).unwrap_or_default().trim().to_string());
                    }
                }
            }
            Ok(None) => break,
            // A row that cannot be read (an Excel error cell) says nothing about the types.
            Err(ReadProblem::Row(_)) => {}
            Err(ReadProblem::Fatal(e)) => return Err(e.into()),
        }
    }
    for (column, values) in columns.iter_mut().zip(&samples) {
        column.ty = guess_type(&column.name, values, currency);
    }
    guess_roles(&mut columns, &samples);
    for (column, values) in columns.iter_mut().zip(&samples) {
        if column.ty == ColumnType::Text && column.role.is_none() {
            column.values = enumeration(values);
        }
    }
    let mut guess = Guess { input: input.to_string(), file: shown, columns, rows: 0, sampled };
    // Every row, until no column widens any more (a widening can make an earlier row wrong:
    // `¥1,200.00` is money but not a decimal), at most once per step a column can take.
    for _ in 0..8 {
        if !widen(&mut guess, source, currency)? {
            break;
        }
    }
    // The block as written, through the reader a run uses.
    let schema = schema(&guess);
    let file = InputFile { input: 0, source: source.clone() };
    let reading = read_input(&schema, &file, currency, 1, |_| Ok(()))?;
    if let Some(problem) = reading.problems.into_iter().next() {
        return Err(problem.into());
    }
    Ok(guess)
}

/// The type every sampled value of a column has: the narrowest that reads them all.
fn guess_type(name: &str, values: &[String], currency: &Currency) -> ColumnType {
    let filled: Vec<&str> = values.iter().map(String::as_str).filter(|v| !v.is_empty()).collect();
    // An empty field is refused in any column but text.
    if filled.is_empty() || filled.len() < values.len() {
        return ColumnType::Text;
    }
    let all = |ty: ColumnType| filled.iter().all(|v| parse_value(ty, v, currency).is_ok());
    let lower = name.to_lowercase();
    let money_name = MONEY_WORDS.iter().any(|w| lower.contains(w));
    for ty in [ColumnType::Bool, ColumnType::Date, ColumnType::Month, ColumnType::Quarter] {
        if all(ty) {
            return ty;
        }
    }
    // `007` is an id, not the number 7.
    let leading_zero = filled.iter().any(|v| {
        let digits = v.strip_prefix('-').unwrap_or(v);
        digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.")
    });
    if leading_zero {
        return ColumnType::Text;
    }
    if all(ColumnType::Integer) {
        return if money_name { ColumnType::Money } else { ColumnType::Integer };
    }
    if filled.iter().any(|v| v.ends_with('%')) && all(ColumnType::Percent) {
        return ColumnType::Percent;
    }
    if all(ColumnType::Money) {
        // Money when the values look like money: a sign or groups (`¥1,200.00`), a money
        // name, or every fraction written with the currency's decimals (`12.50`).
        let signed = filled.iter().any(|v| v.contains(',') || currency.signs.iter().any(|s| v.contains(s)));
        let cents = filled.iter().filter_map(|v| v.split_once('.')).all(|(_, f)| f.len() == currency.decimals as usize);
        if signed || money_name || cents {
            return ColumnType::Money;
        }
    }
    if all(ColumnType::Decimal) {
        return ColumnType::Decimal;
    }
    if all(ColumnType::Money) {
        return ColumnType::Money;
    }
    ColumnType::Text
}

/// `period`: the first date, month or quarter column. `key`: a column named `id` (or
/// `..._id`, `编号`) whose sampled values are all different. `payee`: a column whose name
/// says whose row it is (`manager`, `employee`, `经理`...).
fn guess_roles(columns: &mut [ColumnGuess], samples: &[Vec<String>]) {
    if let Some(c) =
        columns.iter_mut().find(|c| matches!(c.ty, ColumnType::Date | ColumnType::Month | ColumnType::Quarter))
    {
        c.role = Some(Role::Period);
    }
    let id_like = |c: &ColumnGuess, values: &[String]| {
        let lower = c.name.to_lowercase();
        let named = lower == "id" || lower.ends_with("_id") || lower.ends_with("编号") || lower.ends_with("单号");
        let unique = values.iter().collect::<HashSet<_>>().len() == values.len();
        named
            && unique
            && !values.iter().any(String::is_empty)
            && matches!(c.ty, ColumnType::Text | ColumnType::Integer)
    };
    if let Some((c, _)) =
        columns.iter_mut().zip(samples).find(|(c, values)| c.role.is_none() && id_like(c, values.as_slice()))
    {
        c.role = Some(Role::Key);
    }
    let payee_like = |c: &ColumnGuess| {
        let lower = c.name.to_lowercase();
        c.role.is_none()
            && matches!(c.ty, ColumnType::Text | ColumnType::Integer)
            && (lower.split('_').any(|part| PAYEE_WORDS.contains(&part))
                || PAYEE_WORDS.iter().any(|w| !w.is_ascii() && lower.contains(w)))
    };
    if let Some(c) = columns.iter_mut().find(|c| c.role.is_none() && payee_like(c)) {
        c.role = Some(Role::Payee);
    }
}

/// The allowed values of a text column with few of them, each seen several times; none
/// when a value could not be written in a policy's string.
fn enumeration(values: &[String]) -> Option<Vec<String>> {
    let distinct: BTreeSet<&str> = values.iter().map(String::as_str).collect();
    let writable =
        distinct.iter().all(|v| !v.is_empty() && !v.contains(['"', '\\']) && !v.chars().any(char::is_control));
    (writable && distinct.len() <= MAX_ENUM_VALUES && values.len() >= ROWS_PER_ENUM_VALUE * distinct.len())
        .then(|| distinct.into_iter().map(str::to_string).collect())
}

/// The next wider type to try for a value the column's type refused.
fn wider(ty: ColumnType) -> ColumnType {
    match ty {
        ColumnType::Integer | ColumnType::Money => ColumnType::Decimal,
        _ => ColumnType::Text,
    }
}

/// A value as a comment may show it: unseen characters escaped, long ones cut.
fn quoted(value: &str) -> String {
    let shown = crate::diagnostics::shown(value, false);
    let cut: String = shown.chars().take(40).collect();
    if cut.chars().count() < shown.chars().count() {
        format!("`{cut}...`")
    } else {
        format!("`{cut}`")
    }
}

/// Reads every row with the guess and widens what a row refuses; whether anything changed.
fn widen(guess: &mut Guess, source: &LedgerSource, currency: &Currency) -> Result<bool, Error> {
    let mut reader = open(source)?;
    let mut fields = csv::StringRecord::new();
    let mut changed = false;
    let mut header = true;
    let mut keys: HashSet<String> = HashSet::new();
    let mut rows = 0;
    loop {
        let line = match reader.next_row(&mut fields) {
            Ok(Some(_)) if fields.iter().all(|f| f.trim().is_empty()) => continue,
            Ok(Some(line)) => line,
            Ok(None) => break,
            // The final read through the ledger reader reports it.
            Err(ReadProblem::Row(_)) => continue,
            Err(ReadProblem::Fatal(e)) => return Err(e.into()),
        };
        if std::mem::take(&mut header) {
            continue;
        }
        rows += 1;
        for column in &mut guess.columns {
            let raw = fields.get(column.position).unwrap_or_default().trim();
            let at = format!("line {line}");
            while parse_value(column.ty, raw, currency).is_err() {
                let was = column.ty;
                column.ty = wider(was);
                changed = true;
                column.note = Some(if raw.is_empty() {
                    format!("not {}: empty on {at}", was.name())
                } else {
                    format!("not {}: {} on {at}", was.name(), quoted(raw))
                });
                if column.role == Some(Role::Period)
                    && !matches!(column.ty, ColumnType::Date | ColumnType::Month | ColumnType::Quarter)
                {
                    column.role = None;
                }
            }
            if let Some(values) = &column.values {
                if !values.iter().any(|v| v == raw) {
                    column.values = None;
                    changed = true;
                    column.note = Some(format!("not only the sample's values: {} on {at}", quoted(raw)));
                }
            }
            match column.role {
                Some(Role::Key) if raw.is_empty() || !keys.insert(raw.to_string()) => {
                    column.role = None;
                    changed = true;
                    let why = if raw.is_empty() { "empty".to_string() } else { format!("{} again", quoted(raw)) };
                    column.note = Some(format!("not marked `key`: {why} on {at}"));
                }
                Some(Role::Payee) if raw.is_empty() => {
                    column.role = None;
                    changed = true;
                    column.note = Some(format!("not marked `payee`: empty on {at}"));
                }
                _ => {}
            }
        }
    }
    guess.rows = rows;
    Ok(changed)
}

/// The schema the reader takes for the block.
fn schema(guess: &Guess) -> InputSchema {
    let index = |role: Role| guess.columns.iter().position(|c| c.role == Some(role));
    InputSchema {
        name: guess.input.clone(),
        columns: guess
            .columns
            .iter()
            .map(|c| Column {
                name: c.name.clone(),
                ty: c.ty,
                values: c.values.clone(),
                at_least: None,
                label: None,
                value_labels: Vec::new(),
                refers_to: None,
                within: None,
                span: Span::default(),
            })
            .collect(),
        ignores_others: false,
        key: index(Role::Key),
        payee: index(Role::Payee),
        period: index(Role::Period),
        start: None,
        end: None,
        span: Span::default(),
    }
}

/// The block as policy text, laid out as `commission fmt` lays it out, with comments: where
/// it came from, why a column is wider than its sample, and which marks are missing.
pub fn render(guess: &Guess) -> String {
    let mut block = format!("input {} {{\n", guess.input);
    for c in &guess.columns {
        let role = match c.role {
            Some(Role::Key) => "key ",
            Some(Role::Payee) => "payee ",
            Some(Role::Period) => "period ",
            None => "",
        };
        let values = c.values.as_ref().map_or(String::new(), |v| {
            format!(" in [{}]", v.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(", "))
        });
        block.push_str(&format!("  {role}{}: {}{values}", c.name, c.ty.name()));
        if let Some(note) = &c.note {
            block.push_str(&format!("  # {note}"));
        }
        block.push('\n');
    }
    block.push_str("}\n");
    // The formatter lays out a whole policy: give it a header, then take the block back.
    let policy = format!("policy \"init\" version \"1\" currency CNY\n\n{block}");
    let block = match crate::fmt::format(&policy) {
        Ok(text) => text.split_once("\n\n").map_or(block.clone(), |(_, rest)| rest.to_string()),
        Err(_) => block,
    };
    let rows = |n: u64| {
        if n == 1 {
            "1 row".to_string()
        } else {
            format!("{} rows", crate::money::format_grouped(n.into(), 0))
        }
    };
    let mut out = format!(
        "# Input guessed by `commission init` from {}:\n# types from the first {}, then checked against all {} of the file.\n",
        crate::diagnostics::shown(&guess.file, false),
        rows(guess.sampled),
        rows(guess.rows)
    );
    let has = |role: Role| guess.columns.iter().any(|c| c.role == Some(role));
    let key = guess.columns.iter().find(|c| c.role == Some(Role::Key));
    match key {
        _ if has(Role::Payee) => {}
        Some(key) => out.push_str(&format!(
            "# No column is marked `payee` (whose row it is); if this is a roster of the payees,\n# `payee {}.{}` pays everyone in it.\n",
            guess.input, key.name
        )),
        None => out.push_str("# No column is marked `payee`: mark the one that says whose row it is.\n"),
    }
    if !has(Role::Period) {
        out.push_str("# No column is marked `period` (the date, month or quarter a row counts in).\n");
    }
    out.push_str(&block);
    if let Some(payee) = guess.columns.iter().find(|c| c.role == Some(Role::Payee)) {
        out.push_str(&format!("\n# To pay everyone who appears in it: payee {}.{}\n", guess.input, payee.name));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(name: &str, values: &[&str]) -> ColumnType {
        let values: Vec<String> = values.iter().map(|v| (*v).to_string()).collect();
        guess_type(name, &values, &Currency::new("CNY"))
    }

    #[test]
    fn types_from_samples() {
        assert_eq!(ty("date", &["2026-01-05", "2026-02-28"]), ColumnType::Date);
        assert_eq!(ty("m", &["2026-01", "2026-12"]), ColumnType::Month);
        assert_eq!(ty("q", &["2026-Q1"]), ColumnType::Quarter);
        assert_eq!(ty("units", &["3", "-1"]), ColumnType::Integer);
        assert_eq!(ty("amount", &["500", "1200"]), ColumnType::Money);
        assert_eq!(ty("x", &["1234.50", "-80.00"]), ColumnType::Money);
        assert_eq!(ty("x", &["¥1,234.5"]), ColumnType::Money);
        assert_eq!(ty("ratio", &["0.5", "1.25"]), ColumnType::Decimal);
        assert_eq!(ty("x", &["1.234", "2.5"]), ColumnType::Decimal);
        assert_eq!(ty("s", &["80%", "0.7999"]), ColumnType::Percent);
        assert_eq!(ty("id", &["007", "012"]), ColumnType::Text);
        assert_eq!(ty("x", &["12", ""]), ColumnType::Text);
        assert_eq!(ty("flag", &["true", "false"]), ColumnType::Bool);
    }

    #[test]
    fn names_a_policy_can_use() {
        assert!(is_name("amount") && is_name("金额") && is_name("_x1"));
        assert!(!is_name("Sales Amount") && !is_name("2026") && !is_name("in") && !is_name(""));
        assert_eq!(to_name("Sales Amount"), "sales_amount");
        assert_eq!(to_name("2026 total"), "_2026_total");
        assert_eq!(to_name("from"), "from_");
    }

    #[test]
    fn few_values_seen_often_make_an_enumeration() {
        let kinds: Vec<String> =
            ["new", "renewal", "upsell"].iter().cycle().take(15).map(|v| (*v).to_string()).collect();
        assert_eq!(enumeration(&kinds), Some(vec!["new".into(), "renewal".into(), "upsell".into()]));
        let customers: Vec<String> = (0..10).chain(0..10).map(|i| format!("C{i}")).collect();
        assert_eq!(enumeration(&customers), None);
    }
}
