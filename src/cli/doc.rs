//! `commission doc`: the policy as a plain-language plan document.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use commission::diagnostics::Error;
use commission::doc;

use super::inputs::load_policy;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Md,
    Html,
}

#[derive(Args)]
pub struct DocArgs {
    /// The policy file
    policy: PathBuf,
    /// Output format (default: html for an `--output` file ending `.html`, else md)
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write to this file (atomically) instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Language of the document's own words, as for `report` (auto: Chinese for a Chinese plan)
    #[arg(long, value_enum, default_value = "auto")]
    lang: super::performance::LangArg,
}

pub fn run(args: DocArgs) -> Result<(), Error> {
    let (plan, warnings) = load_policy(&args.policy)?;
    super::print_warnings(&warnings);
    let lang = args.lang.resolve(&plan);
    let blocks = doc::document(&plan, lang);
    let text = match super::format_or_extension(args.format, args.output.as_deref(), Format::Md) {
        Format::Md => doc::render_md(&blocks),
        Format::Html => doc::render_html(&plan, &blocks, lang),
    };
    super::emit(&text, args.output.as_deref())
}
