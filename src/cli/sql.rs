//! `commission sql`: the policy compiled to one SQL query for DuckDB or Spark.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use commission::diagnostics::tools::SqlKind;
use commission::diagnostics::{DataError, Error, PolicyProblems};
use commission::sql::{compile, Dialect, Options};
use commission::suggest;

use super::inputs::{load_policy, RangeArgs};

#[derive(Clone, Copy, ValueEnum)]
pub enum DialectArg {
    /// DuckDB
    Duckdb,
    /// Spark SQL (spark-sql, PySpark); run with ANSI mode and without precision loss
    Spark,
    /// PostgreSQL
    Postgres,
}

#[derive(Args)]
pub struct SqlArgs {
    /// The policy file
    policy: PathBuf,
    /// The engine whose SQL to write
    #[arg(long, value_enum)]
    dialect: DialectArg,
    #[command(flatten)]
    range: RangeArgs,
    /// Read an input from another table: NAME=TABLE (TABLE may be qualified, warehouse.sales).
    /// Repeatable; an input not named is read from the table of its own name
    #[arg(long, value_name = "NAME=TABLE")]
    table: Vec<String>,
    /// Write to this file (atomically) instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(args: SqlArgs) -> Result<(), Error> {
    let (plan, warnings) = load_policy(&args.policy)?;
    let mut tables = Vec::new();
    for text in &args.table {
        let (name, table) = match text.split_once('=') {
            Some((n, t)) if !n.trim().is_empty() && !t.trim().is_empty() => (n.trim(), t.trim()),
            _ => {
                return Err(
                    DataError::of(format!("--table {text}"), SqlKind::TableArgument { text: text.clone() }).into()
                )
            }
        };
        let Some(input) = plan.inputs.iter().position(|i| i.name == name) else {
            let suggestion = suggest::help(name, "input", plan.inputs.iter().map(|i| i.name.as_str()));
            return Err(DataError::of(
                format!("--table {text}"),
                SqlKind::UnknownTable { name: name.to_string(), suggestion },
            )
            .into());
        };
        tables.push((input, table.to_string()));
    }
    let dialect = match args.dialect {
        DialectArg::Duckdb => Dialect::DuckDb,
        DialectArg::Spark => Dialect::Spark,
        DialectArg::Postgres => Dialect::Postgres,
    };
    let options = Options { dialect, range: args.range.range()?, tables };
    super::print_warnings(&warnings);
    let query = compile(&plan, &options)
        .map_err(|problems| Error::Policy(PolicyProblems { source: plan.source.clone(), problems }))?;
    super::emit(&query, args.output.as_deref())
}
