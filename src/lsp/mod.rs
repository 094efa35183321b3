//! `commission lsp`: a language server for any editor, over a connection the command line
//! opens (standard input and output). It reuses the library: diagnostics are
//! `commission check`'s problems (`policy_test::load`), formatting is `fmt`, the tests a code
//! lens runs are `commission test`'s.
//!
//! - `position`: byte spans to LSP positions (UTF-16 columns) and back.
//! - `symbols`: which declaration each name stands for, from the policy as written.
//! - `diagnostics`, `hover`, `completion`, `lens`: one feature each.
//! - `figures`: a component's figure for hover, from the ledgers the project file binds.
//!
//! Documents are synchronised in full (each change sends the whole text); every change is
//! checked at once (a few hundredths of a second for the example policies).
//!
//! May use: `syntax` (names as written), `check`, `plan`, `policy_test`, `fmt`,
//! `diagnostics`, `source`, `lang`, and for figures `project`, `data`, `eval`, `money`.
//! Never `cli`: the command line owns standard input and output and hands over the
//! connection.

mod completion;
mod diagnostics;
mod figures;
mod hover;
mod lens;
mod position;
mod symbols;

use std::collections::HashMap;
use std::path::PathBuf;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _, PublishDiagnostics,
    ShowMessage,
};
use lsp_types::request::{
    CodeLensRequest, Completion, ExecuteCommand, Formatting, GotoDefinition, HoverRequest, Request as _,
};
use lsp_types::{
    CodeLensOptions, CompletionOptions, ExecuteCommandOptions, ExecuteCommandParams, GotoDefinitionResponse, Hover,
    HoverContents, HoverProviderCapability, Location, MarkupContent, MarkupKind, MessageType, OneOf,
    PublishDiagnosticsParams, ServerCapabilities, ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextEdit, Uri,
};
use serde_json::Value;

use self::position::LineIndex;
use self::symbols::Symbols;
use crate::plan::Plan;
use crate::source::SourceFile;
use crate::syntax::ast;

/// Serves one client until it asks to shut down and exit. An error is the connection's
/// (the client went away, or sent something that is not the protocol), in its words.
/// `project` is the project file the command line named (`--project`); without one, each
/// policy's is looked for from its folder upward.
pub fn serve(connection: &Connection, project: Option<PathBuf>) -> Result<(), String> {
    let lost = |e: lsp_server::ProtocolError| {
        if e.channel_is_disconnected() {
            "the input ended before `shutdown` and `exit`".to_string()
        } else {
            e.to_string()
        }
    };
    let capabilities = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    let params = connection.initialize(capabilities).map_err(lost)?;
    // Read as it comes: a client whose other parameters this version of `lsp-types` would
    // refuse still chooses its payee and period.
    let choice = figures::Choice::from_options(params.get("initializationOptions"));
    let mut server = Server { documents: HashMap::new(), choice, project };
    for message in &connection.receiver {
        let outgoing = match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request).map_err(lost)? {
                    return Ok(());
                }
                server.request(request)
            }
            Message::Notification(notification) => server.notification(notification),
            Message::Response(_) => Vec::new(),
        };
        for message in outgoing {
            connection.sender.send(message).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_string()]),
            ..CompletionOptions::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![lens::RUN_TESTS.to_string()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// An open policy, analysed when it changes.
struct Document {
    text: String,
    index: LineIndex,
    /// The policy as written, when the text parses.
    policy: Option<ast::Policy>,
    /// The last version that parsed, for completion while the policy is being typed.
    last_parsed: Option<ast::Policy>,
    /// The checked plan, when the text checks.
    plan: Option<Plan>,
    /// The plan run on the project's ledgers, once a hover asks (again after each change).
    figures: Option<figures::Figures>,
}

struct Server {
    documents: HashMap<Uri, Document>,
    /// The payee and period whose figures hover shows (`initializationOptions`).
    choice: figures::Choice,
    /// The project file named on the command line, if any.
    project: Option<PathBuf>,
}

impl Server {
    fn notification(&mut self, notification: Notification) -> Vec<Message> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(notification.params)
                else {
                    return Vec::new();
                };
                self.update(params.text_document.uri, params.text_document.text)
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(notification.params)
                else {
                    return Vec::new();
                };
                // Full synchronisation: the last change holds the whole text.
                match params.content_changes.into_iter().last() {
                    Some(change) => self.update(params.text_document.uri, change.text),
                    None => Vec::new(),
                }
            }
            DidCloseTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(notification.params)
                else {
                    return Vec::new();
                };
                self.documents.remove(&params.text_document.uri);
                vec![publish(params.text_document.uri, Vec::new())]
            }
            _ => Vec::new(),
        }
    }

    /// Checks a new text of a document and publishes its problems.
    fn update(&mut self, uri: Uri, text: String) -> Vec<Message> {
        let index = LineIndex::new(&text);
        let policy = crate::syntax::parse(&text).ok();
        let previous = self.documents.remove(&uri).and_then(|d| d.last_parsed);
        let source = SourceFile::new(file_name(&uri), text.as_str());
        let (plan, problems) = match crate::policy_test::load(source) {
            Ok(suite) => {
                let mut problems = suite.warnings;
                problems.extend(suite.lints);
                problems.sort_by_key(|p| p.labels.first().map_or(0, |(span, _)| span.start));
                (Some(suite.plan), problems)
            }
            Err(report) => (None, report.problems),
        };
        let diagnostics = problems.iter().map(|p| diagnostics::to_lsp(&uri, &text, &index, p)).collect();
        let last_parsed = policy.clone().or(previous);
        self.documents.insert(uri.clone(), Document { text, index, policy, last_parsed, plan, figures: None });
        vec![publish(uri, diagnostics)]
    }

    fn request(&mut self, request: Request) -> Vec<Message> {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => params(request).map(|p: lsp_types::HoverParams| {
                let at = p.text_document_position_params;
                to_value(self.hover(&at.text_document.uri, at.position))
            }),
            GotoDefinition::METHOD => params(request).map(|p: lsp_types::GotoDefinitionParams| {
                let at = p.text_document_position_params;
                to_value(self.definition(&at.text_document.uri, at.position))
            }),
            Completion::METHOD => params(request).map(|p: lsp_types::CompletionParams| {
                let at = p.text_document_position;
                to_value(self.completion(&at.text_document.uri, at.position))
            }),
            Formatting::METHOD => params(request)
                .map(|p: lsp_types::DocumentFormattingParams| to_value(self.formatting(&p.text_document.uri))),
            CodeLensRequest::METHOD => params(request).map(|p: lsp_types::CodeLensParams| {
                let uri = p.text_document.uri;
                let document = self.documents.get(&uri);
                to_value(document.and_then(|d| Some(lens::lenses(&uri, &d.text, &d.index, d.policy.as_ref()?))))
            }),
            ExecuteCommand::METHOD => {
                return match params(request) {
                    Ok(p) => self.execute(id, p),
                    Err(e) => vec![Response::new_err(id, ErrorCode::InvalidParams as i32, e).into()],
                };
            }
            other => Err(format!("`{other}` is not a request this server answers")),
        };
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err(error) => Response::new_err(id, ErrorCode::InvalidParams as i32, error),
        };
        vec![response.into()]
    }

    fn hover(&mut self, uri: &Uri, position: lsp_types::Position) -> Option<Hover> {
        let document = self.documents.get_mut(uri)?;
        let policy = document.policy.as_ref()?;
        let symbols = Symbols::of(policy);
        let offset = document.index.offset(&document.text, position);
        let occurrence = symbols.at(offset)?;
        let currency = &policy.header.currency.name;
        let mut text = hover::describe(&symbols, document.plan.as_ref(), currency, occurrence.target)?;
        if let (symbols::Target::Component(c), Some(plan), Some(path)) =
            (occurrence.target, document.plan.as_ref(), file_path(uri))
        {
            let figures = document.figures.get_or_insert_with(|| {
                figures::run(plan, std::path::Path::new(&path), self.project.as_deref(), &self.choice)
            });
            let name = symbols.components.get(c).map(|c| c.name.name.as_str()).unwrap_or_default();
            if let Some(line) = figures::line(figures, plan, name, &self.choice) {
                text.push_str(&format!("\n\n{line}"));
            }
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: text }),
            range: Some(document.index.range(&document.text, occurrence.span)),
        })
    }

    fn definition(&self, uri: &Uri, position: lsp_types::Position) -> Option<GotoDefinitionResponse> {
        let document = self.documents.get(uri)?;
        let symbols = Symbols::of(document.policy.as_ref()?);
        let offset = document.index.offset(&document.text, position);
        let declaration = symbols.declaration(symbols.at(offset)?.target)?;
        let range = document.index.range(&document.text, declaration.span);
        Some(GotoDefinitionResponse::Scalar(Location { uri: uri.clone(), range }))
    }

    fn completion(&self, uri: &Uri, position: lsp_types::Position) -> Option<Vec<lsp_types::CompletionItem>> {
        let document = self.documents.get(uri)?;
        let policy = document.last_parsed.as_ref()?;
        let offset = document.index.offset(&document.text, position);
        Some(completion::complete(&Symbols::of(policy), &document.text, offset, &policy.header.currency.name))
    }

    /// The whole document in `fmt`'s layout, as one edit (none when it is formatted already;
    /// nothing when it does not parse, which its diagnostics say).
    fn formatting(&self, uri: &Uri) -> Option<Vec<TextEdit>> {
        let document = self.documents.get(uri)?;
        let formatted = crate::fmt::format(&document.text).ok()?;
        if formatted == document.text {
            return Some(Vec::new());
        }
        let range = document.index.range(&document.text, crate::source::Span::new(0, document.text.len()));
        Some(vec![TextEdit { range, new_text: formatted }])
    }

    /// Runs a policy's tests for a code lens; the outcome is the answer, and a message the
    /// editor shows.
    fn execute(&self, id: lsp_server::RequestId, params: ExecuteCommandParams) -> Vec<Message> {
        let document = params
            .arguments
            .first()
            .and_then(Value::as_str)
            .and_then(|uri| uri.parse::<Uri>().ok())
            .and_then(|uri| Some((self.documents.get(&uri)?, uri)));
        let (document, uri) = match (params.command.as_str(), document) {
            (lens::RUN_TESTS, Some(found)) => found,
            (lens::RUN_TESTS, None) => {
                let error = "the first argument is not an open policy's URI".to_string();
                return vec![Response::new_err(id, ErrorCode::InvalidParams as i32, error).into()];
            }
            (other, _) => {
                let error = format!("`{other}` is not a command this server runs");
                return vec![Response::new_err(id, ErrorCode::InvalidParams as i32, error).into()];
            }
        };
        let only = params.arguments.get(1).and_then(Value::as_str);
        let outcome = lens::run_tests(SourceFile::new(file_name(&uri), document.text.as_str()), only);
        let kind = if outcome.all_passed { MessageType::INFO } else { MessageType::ERROR };
        let shown = ShowMessageParams { typ: kind, message: format!("commission test: {}", outcome.summary) };
        vec![
            Notification::new(ShowMessage::METHOD.to_string(), shown).into(),
            Response::new_ok(id, outcome.json).into(),
        ]
    }
}

fn params<P: serde::de::DeserializeOwned>(request: Request) -> Result<P, String> {
    serde_json::from_value(request.params).map_err(|e| format!("`{}`: {e}", request.method))
}

fn to_value<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn publish(uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>) -> Message {
    let params = PublishDiagnosticsParams { uri, diagnostics, version: None };
    Notification::new(PublishDiagnostics::METHOD.to_string(), params).into()
}

/// The name messages give the document: its path for a file, else the URI.
fn file_name(uri: &Uri) -> String {
    file_path(uri).unwrap_or_else(|| uri.as_str().to_string())
}

/// The path of a `file:` URI.
fn file_path(uri: &Uri) -> Option<String> {
    let is_file = uri.scheme().is_some_and(|s| s.as_str().eq_ignore_ascii_case("file"));
    let path = uri.path().as_estr().decode().into_string().ok().map(|p| p.into_owned());
    path.filter(|_| is_file)
}
