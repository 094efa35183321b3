//! Ledgers: CSV files and workbooks read against the plan's declared input schemas.
//!
//! [`source`] says where an input's rows come from; [`csv_reader`] (splitting with
//! [`csv_split`]) and [`xlsx_reader`] (with [`xlsx_formulas`]) turn a file into text rows
//! ([`text_rows`]); [`ledger`] checks each row against the schema; [`parse_value`] turns one
//! field into a typed value; [`ids`] says which text a payee or key may be and when two look
//! alike; [`blocks`] cuts a plain CSV file into blocks of whole lines that can be read
//! and split on their own (the chunked fold's reader); [`checked`] remembers by their
//! digests the ledgers a plan has already read whole with no problem; [`progress`] counts the bytes read, for a progress bar.
//!
//! May use: `plan` (the input schemas), `money` (the currency's decimals and signs),
//! `period`, `value`, `diagnostics`, `suggest`. Never `syntax`, `check`, `eval`, `report`, a
//! tool or `cli`: reading validates and counts rows, it neither computes nor formats.

pub mod blocks;
pub mod checked;
pub mod csv_reader;
pub mod csv_split;
pub mod encoding;
pub mod ids;
pub mod keys;
pub mod ledger;
pub mod parse_value;
pub mod progress;
pub mod source;
pub mod text_rows;
pub mod xlsx_formulas;
pub mod xlsx_reader;

pub use encoding::TextEncoding;
pub use ledger::{read_input, Reading, Refusal, Row, RowCounts};
pub use source::{InputFile, LedgerSource};
