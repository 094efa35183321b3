//! placeholder

use super::Code;

pub const CODES: &[Code] = &[];
