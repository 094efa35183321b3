// The VS Code side of `commission lsp`: a language client that starts the server for
// `.policy` files. Everything else (diagnostics, hover, go to definition, completion,
// formatting, the code lens over each `test` block) is the server's; the highlighting stays
// the TextMate grammar's.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('commission');
  // `commission` on the PATH (after `cargo install --path .`), or the path set in the settings.
  const command = config.get('path') || 'commission';
  const server = { command, args: ['lsp'] };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'commission-policy' }],
    // Hover shows a component's figure for this payee and period when a project file
    // (commission.toml) binds the policy's inputs to ledgers.
    initializationOptions: {
      payee: config.get('hover.payee') || null,
      period: config.get('hover.period') || null,
    },
  };
  client = new LanguageClient('commission', 'Commission policy', { run: server, debug: server }, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
