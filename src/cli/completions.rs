//! `commission completions SHELL` (clap_complete) and `commission man [COMMAND]` (clap_mangen):
//! both written from the same clap description as the command line itself, so they never
//! fall behind it.

use std::path::PathBuf;

use clap::{Args, CommandFactory};
use commission::diagnostics::io::IoKind;
use commission::diagnostics::{DataError, Error};

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    shell: clap_complete::Shell,
}

#[derive(Args)]
pub struct ManArgs {
    /// A command's own page (`run` gives commission-run(1)); without it, commission(1)
    command: Option<String>,
    /// Write to this file (atomically) instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> Result<(), Error> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut super::Cli::command(), "commission", &mut script);
    super::emit_with(None, super::output::Target::New, |out| out.write_all(&script))
}

pub fn man(args: ManArgs) -> Result<(), Error> {
    let mut command = super::Cli::command();
    // Subcommands' pages are named as git's are: commission-run(1).
    command.build();
    let page = match &args.command {
        None => command,
        Some(name) => {
            let names: Vec<String> =
                command.get_subcommands().map(|c| c.get_name().to_string()).filter(|n| n != "help").collect();
            match command.find_subcommand(name) {
                // Built, a subcommand's display name is `commission-run`, the page's title.
                Some(sub) => sub.clone(),
                None => {
                    return Err(DataError::of(
                        format!("man {name}"),
                        IoKind::UnknownCommand {
                            name: name.clone(),
                            suggestion: commission::suggest::help(name, "command", names.iter().map(String::as_str)),
                        },
                    )
                    .into())
                }
            }
        }
    };
    let mut text = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut text)
        .map_err(|e| DataError::of("man", IoKind::CannotWriteStdout { error: e.to_string() }))?;
    super::emit_with(args.output.as_deref(), super::output::Target::New, |out| out.write_all(&text))
}
