//! `commission lsp`: the language server, over standard input and output (the library's
//! `lsp` serves; this opens the connection and waits for its reader and writer to finish).

use clap::Args;
use commission::diagnostics::tools::ToolKind;
use commission::diagnostics::{DataError, Error};

#[derive(Args)]
pub struct LspArgs {
    /// Accepted for clients that pass it; standard input and output are the only transport
    #[arg(long)]
    stdio: bool,
}

pub fn run(args: LspArgs) -> Result<(), Error> {
    let _ = args.stdio;
    let (connection, threads) = lsp_server::Connection::stdio();
    // `--project`, when given, binds the ledgers of every policy the editor opens.
    let project = super::PROJECT_FLAG.get().cloned().flatten();
    let served = commission::lsp::serve(&connection, project);
    drop(connection);
    let joined = threads.join().map_err(|e| e.to_string());
    // The reader's own error (input that is not the protocol) says more than the server's.
    joined
        .and(served)
        .map_err(|error| DataError::of("commission lsp", ToolKind::LanguageServerConnection { error }).into())
}
