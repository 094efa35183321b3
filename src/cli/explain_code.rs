//! `commission explain-code`: what an error or warning code means and what to do about it.

use clap::Args;
use commission::diagnostics::code::{all, find};
use commission::diagnostics::io::IoKind;
use commission::diagnostics::{DataError, Error};

#[derive(Args)]
pub struct ExplainCodeArgs {
    /// An error or warning code such as E0101 or C0001; without one, every code is listed
    code: Option<String>,
}

pub fn explain_code(args: ExplainCodeArgs) -> Result<u8, Error> {
    let text = match args.code {
        None => all().map(|c| format!("{}  {}\n", c.id, c.title)).collect::<String>(),
        Some(code) => {
            let Some(c) = find(&code) else {
                return Err(DataError::of(code.clone(), IoKind::UnknownCode).into());
            };
            format!("{}: {}\n\n{}\n", c.id, c.title, c.explanation)
        }
    };
    super::emit(&text, None)?;
    Ok(0)
}
