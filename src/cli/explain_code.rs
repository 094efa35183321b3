//! `commission explain-code`: what a warning code means and what to do about it.

use clap::Args;
use commission::diagnostics::{DataError, Error};
use commission::lint::codes::{find, CODES};

#[derive(Args)]
pub struct ExplainCodeArgs {
    /// A warning code such as C0001; without one, every code is listed
    code: Option<String>,
}

pub fn explain_code(args: ExplainCodeArgs) -> Result<u8, Error> {
    let text = match args.code {
        None => CODES.iter().map(|c| format!("{}  {}\n", c.code, c.title)).collect::<String>(),
        Some(code) => {
            let Some(c) = find(&code) else {
                return Err(DataError::new(code.clone(), "not a warning code")
                    .with_help("`commission explain-code` lists the codes, C0001 to C0008")
                    .into());
            };
            format!("{}: {}\n\n{}\n", c.code, c.title, c.explanation)
        }
    };
    super::emit(&text, None)?;
    Ok(0)
}
