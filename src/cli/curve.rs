//! `commission curve`: a component's payout and effective rate as its base varies.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use commission::curve::{self, CurveError};
use commission::diagnostics::io::IoKind;
use commission::diagnostics::tools::ToolKind;
use commission::diagnostics::{DataError, Error, PolicyProblems};
use commission::suggest;
use rust_decimal::Decimal;

use super::inputs::load_policy;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Svg,
}

#[derive(Args)]
pub struct CurveArgs {
    /// The policy file
    policy: PathBuf,
    /// The component to chart
    component: String,
    /// The range of the base, FROM..TO (e.g. 0..500000)
    #[arg(long, value_name = "FROM..TO")]
    base: String,
    /// Distance between sampled bases (bracket bounds are always sampled, and one step below)
    #[arg(long, default_value = "1000")]
    step: Decimal,
    /// Output format (default: the one `--output`'s extension names, `.csv`, `.svg`; else
    /// table)
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Another policy whose component of the same name is drawn on the same chart
    #[arg(long, value_name = "OTHER")]
    vs: Option<PathBuf>,
    /// Write to this file (atomically) instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
}

impl CurveArgs {
    /// `--format`, else the one the output file's extension names, else table.
    fn format(&self) -> Format {
        super::format_or_extension(self.format, self.output.as_deref(), Format::Table)
    }
}

fn curve_error(e: CurveError, policy: &str, component: &str, plan: &commission::plan::Plan) -> Error {
    match e {
        CurveError::UnknownComponent(names) => DataError::of(
            policy,
            IoKind::UnknownComponent {
                component: component.to_string(),
                suggestion: suggest::help(component, "component", names.iter().map(String::as_str)),
            },
        )
        .into(),
        CurveError::NoBase => DataError::of(policy, ToolKind::NoBase { component: component.to_string() }).into(),
        CurveError::BadRange(kind) => DataError::of("--base/--step", kind).into(),
        CurveError::TooLarge(kind) => DataError::of("--base", kind).into(),
        CurveError::Eval(e) => Error::Policy(PolicyProblems {
            source: plan.source.clone(),
            problems: vec![e.into_problem("on the curve")],
        }),
    }
}

pub fn curve(args: CurveArgs) -> Result<u8, Error> {
    let range = curve::parse_range(&args.base)
        .ok_or_else(|| Error::from(DataError::of(format!("--base {}", args.base), IoKind::NotARange)))?;
    let (plan, _) = load_policy(&args.policy)?;
    let shown = args.policy.display().to_string();
    let fail = |e, plan: &commission::plan::Plan, shown: &str| curve_error(e, shown, &args.component, plan);
    let mut main = curve::curve(&plan, &args.component, range, args.step, &[]).map_err(|e| fail(e, &plan, &shown))?;
    let other = match &args.vs {
        Some(path) => {
            let (other_plan, _) = load_policy(path)?;
            let other_shown = path.display().to_string();
            let xs: Vec<Decimal> = main.points.iter().map(|p| p.base).collect();
            let other = curve::curve(&other_plan, &args.component, range, args.step, &xs)
                .map_err(|e| fail(e, &other_plan, &other_shown))?;
            // Both curves at the same bases, so that the table compares like with like.
            let xs: Vec<Decimal> = other.points.iter().map(|p| p.base).collect();
            main = curve::curve(&plan, &args.component, range, args.step, &xs).map_err(|e| fail(e, &plan, &shown))?;
            Some(other)
        }
        None => None,
    };
    let text = match args.format() {
        Format::Table => curve::text::table(&main, other.as_ref()),
        Format::Csv => curve::text::csv(&main, other.as_ref()),
        Format::Svg => curve::svg::render(&main, other.as_ref()),
    };
    super::emit(&text, args.output.as_deref())?;
    Ok(0)
}
