//! `# allow(C0001): reason` attributes: which declaration each one covers.

use crate::diagnostics::lints::{LintKind, CODES};
use crate::diagnostics::Problem;
use crate::source::Span;
use crate::syntax::ast::{self, Item};

/// One well-formed attribute: a code, silenced inside one declaration.
#[derive(Debug, Clone)]
pub struct Attribute {
    pub code: &'static str,
    pub reason: String,
    /// The declaration it covers.
    pub covers: Span,
}

impl Attribute {
    pub fn silences(&self, problem: &Problem) -> bool {
        problem.code == self.code
            && problem.labels.first().is_some_and(|(s, _)| s.start >= self.covers.start && s.start < self.covers.end)
    }
}

fn item_span(item: &Item) -> Option<Span> {
    match item {
        Item::Input(i) => Some(i.span),
        Item::Table(t) => Some(t.span),
        Item::Component(c) => Some(c.span),
        Item::Metric(m) => Some(m.span),
        Item::Rounding(_) | Item::StatementLimit(_) | Item::Payee(_) | Item::Credit(_) | Item::Test(_) => None,
    }
}

/// The attributes of a policy, and warnings for those without a known code or a reason.
pub fn attributes(policy: &ast::Policy, source: &str) -> (Vec<Attribute>, Vec<Problem>) {
    let spans: Vec<Span> = policy.items.iter().filter_map(item_span).collect();
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for comment in crate::syntax::comments(source) {
        let body = comment.text.trim_start_matches('#').trim();
        let Some(rest) = body.strip_prefix("allow(") else { continue };
        let Some((code, after)) = rest.split_once(')') else { continue };
        let reason = after.trim().strip_prefix(':').map(str::trim).unwrap_or("");
        let Some(known) = CODES.iter().find(|c| c.id.eq_ignore_ascii_case(code.trim())) else {
            problems.push(Problem::new(LintKind::UnknownAllowCode { code: code.trim().to_string() }, [comment.span]));
            continue;
        };
        if reason.is_empty() {
            problems.push(Problem::new(LintKind::AllowWithoutReason { code: known.id }, [comment.span]));
            continue;
        }
        // The declaration that holds the comment, or the first one after it.
        let covers = spans
            .iter()
            .find(|s| s.start <= comment.span.start && comment.span.start < s.end)
            .or_else(|| spans.iter().find(|s| s.start >= comment.span.end))
            .copied();
        match covers {
            Some(covers) => found.push(Attribute { code: known.id, reason: reason.to_string(), covers }),
            None => problems.push(Problem::new(LintKind::AllowCoversNothing { code: known.id }, [comment.span])),
        }
    }
    (found, problems)
}
