//! A policy's problems as LSP diagnostics: the same problems, codes and spans as
//! `commission check` (`policy_test::load`: the checker, the lints and the test blocks), each
//! placed by its first label; the other labels become related information.

use lsp_types::{Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri};

use super::position::LineIndex;
use crate::diagnostics::Problem;

pub fn to_lsp(uri: &Uri, text: &str, index: &LineIndex, problem: &Problem) -> Diagnostic {
    let span = problem.labels.first().map(|(span, _)| *span).unwrap_or_default();
    let mut message = problem.message.clone();
    if let Some((_, label)) = problem.labels.first().filter(|(_, label)| !label.is_empty()) {
        message.push_str(&format!(" ({label})"));
    }
    if let Some(help) = &problem.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = problem
        .labels
        .iter()
        .skip(1)
        .map(|(span, label)| DiagnosticRelatedInformation {
            location: Location { uri: uri.clone(), range: index.range(text, *span) },
            message: if label.is_empty() { problem.message.clone() } else { label.clone() },
        })
        .collect();
    Diagnostic {
        range: index.range(text, span),
        severity: Some(if problem.is_error() { DiagnosticSeverity::ERROR } else { DiagnosticSeverity::WARNING }),
        code: Some(NumberOrString::String(problem.code.to_string())),
        source: Some("commission".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}
