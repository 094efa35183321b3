//! Ledgers: reading CSV files against the plan's declared input schemas.

pub mod csv_reader;
pub mod parse_value;

pub use csv_reader::{read_input, InlineRows, InputFile, RowCounts};
