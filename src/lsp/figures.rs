//! A component's figure for one payee and period, shown when hovering the component: the
//! policy (as the editor holds it) run on the ledgers its project file (`commission.toml`,
//! found from the policy's folder upward, or named by `commission lsp --project`) binds. The period is the client's
//! `initializationOptions.period`, else the last month of the project's range; the payee is
//! `initializationOptions.payee`, else the first payee the run pays. Nothing is shown for a
//! policy without a project file; what stops a run is shown in its own words.

use std::path::Path;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::data::{InputFile, LedgerSource, TextEncoding};
use crate::diagnostics::io::IoKind;
use crate::diagnostics::{DataError, Error, MessageFormat};
use crate::eval::{RunOptions, RunResult};
use crate::period::Period;
use crate::plan::Plan;
use crate::project::Project;

/// What the client chose in its `initializationOptions`.
#[derive(Debug, Clone, Default)]
pub struct Choice {
    pub payee: Option<String>,
    pub period: Option<String>,
}

impl Choice {
    pub fn from_options(options: Option<&Value>) -> Self {
        let text = |key: &str| {
            options.and_then(|o| o.get(key)).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string)
        };
        Choice { payee: text("payee"), period: text("period") }
    }
}

/// A run of the plan over the project's ledgers for the chosen period, or why there is none.
#[derive(Debug, Clone)]
pub enum Figures {
    /// No project file above the policy: nothing to show.
    NoProject,
    /// The project's file and the period run.
    Ran { project: String, period: Period, result: Box<RunResult> },
    /// Markdown saying why there are no figures.
    Stopped(String),
}

/// Runs `plan` for the policy at `policy_path` (a file on disk, whose folder the project is
/// looked for from, unless the command line named the project file: `named`).
pub fn run(plan: &Plan, policy_path: &Path, named: Option<&Path>, choice: &Choice) -> Figures {
    let found = match (named, policy_path.parent()) {
        (Some(named), _) => Project::load(named).map(Some),
        (None, Some(folder)) => Project::find(folder),
        (None, None) => return Figures::NoProject,
    };
    let project = match found {
        Ok(Some(project)) => project,
        Ok(None) => return Figures::NoProject,
        Err(error) => return stopped(&Error::from(error)),
    };
    let shown = project.path.display().to_string();
    let period = match &choice.period {
        Some(text) => match Period::parse(text) {
            Some(p) => p,
            None => {
                return Figures::Stopped(format!(
                    "no figure: the period `{text}` chosen is not a month, quarter or year"
                ))
            }
        },
        None => match project.range() {
            Some((_, last)) => last,
            None => return Figures::Stopped("no figure: choose a `period` (the project file gives no range)".into()),
        },
    };
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for (input, schema) in plan.inputs.iter().enumerate() {
        match project.binding(&schema.name) {
            Some(binding) => files.push(InputFile {
                input,
                source: LedgerSource::from_spec(&binding.path, binding.encoding.unwrap_or(TextEncoding::Utf8)),
            }),
            None => missing.push(schema.name.clone()),
        }
    }
    if !missing.is_empty() {
        return stopped(&DataError::of(&shown, IoKind::NoFileForInput { inputs: missing }).into());
    }
    let options = RunOptions { range: Some((period.first_month(), period.last_month())), ..RunOptions::default() };
    match crate::eval::compute(plan, &files, &options) {
        Ok(result) => Figures::Ran { project: shown, period, result: Box::new(result) },
        Err(error) => stopped(&error),
    }
}

/// What stopped the run, on one line: the code and the message with its place (the help is
/// the command line's, `--data`, so it is left out).
fn stopped(error: &Error) -> Figures {
    let first = match error {
        Error::Data(e) => Some(e),
        Error::Rejected(rows) => rows.problems.first(),
        Error::Policy(_) => None,
    };
    Figures::Stopped(match first {
        Some(e) => format!("no figure: {} `{}`: {}", e.code, e.location, e.message),
        None => format!("no figure:\n\n```\n{}\n```", error.render_as(MessageFormat::Plain).trim_end()),
    })
}

/// The line a component's hover adds: its figure for the chosen payee over the period.
pub fn line(figures: &Figures, plan: &Plan, component: &str, choice: &Choice) -> Option<String> {
    let (project, period, result) = match figures {
        Figures::NoProject => return None,
        Figures::Stopped(why) => return Some(why.clone()),
        Figures::Ran { project, period, result } => (project, period, result),
    };
    let index = plan.components.iter().position(|c| c.name == component)?;
    let payee = match &choice.payee {
        Some(p) => p.clone(),
        None => match result.statements.first() {
            Some(s) => s.payee.to_string(),
            None => return Some(format!("no figure: nobody is paid in {period} ({project})")),
        },
    };
    let statements: Vec<_> = result.statements.iter().filter(|s| *s.payee == *payee).collect();
    if statements.is_empty() {
        return Some(format!("no figure: `{payee}` has no statement in {period} ({project})"));
    }
    // Over a quarter or a year, the sum of the months' statements (as a test's figure is).
    let figure: Decimal = statements.iter().filter_map(|s| s.amounts.get(index)).sum();
    let amount = crate::money::format_grouped(figure, plan.currency.decimals);
    let whose = if choice.payee.is_some() { "" } else { " (the first payee)" };
    Some(format!("`{payee}`{whose}, {period}: **{amount} {}** (ledgers of {project})", plan.currency.code))
}
