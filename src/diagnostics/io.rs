//! Arguments, files and outputs (`E04xx`): what the command line asked for that cannot be
//! done, and files that cannot be read or written.

use super::code::{Code, Described, Kind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IoKind {
    /// `commission explain-code X` with a code that does not exist.
    UnknownCode,
}

impl Kind for IoKind {
    fn describe(&self) -> Described {
        use IoKind::*;
        match self {
            UnknownCode => Described::new("E0401", "not an error or warning code")
                .help("`commission explain-code` lists every code"),
        }
    }
}

pub const CODES: &[Code] = &[Code {
    id: "E0401",
    title: "an unknown code",
    explanation: "\
`commission explain-code` was given a code it does not know. Codes are `E` and four digits for
errors, `C` and four digits for warnings, as printed above each message.

What to do: run `commission explain-code` without a code to list them all.",
}];
