//! `commission sql`: a checked plan compiled to one SQL query that an engine (DuckDB,
//! Spark, PostgreSQL) runs where the data is, giving the statements `run` gives, to the fen.
//!
//! Starts from the [`Plan`] (never the AST), as `eval` does, and means what `eval` computes:
//! the fold is a GROUP BY per input and cadence (`aggregates.rs`), statements are the grid of
//! payees × months (`statements.rs`), expressions keep every decimal place (`expr.rs`,
//! `tiers.rs`). A construct with no exact SQL form is refused with a diagnostic pointing at
//! it; the query never computes something else. May use the plan and the leaf modules
//! (`money`, `period`, `value`, `lang`, `diagnostics`); nothing reads ledgers here.

mod aggregates;
pub mod dialect;
mod expr;
pub mod inputs;
mod statements;
mod tiers;

pub use dialect::Dialect;

use crate::diagnostics::tools::SqlKind;
use crate::diagnostics::Problem;
use crate::period::Period;
use crate::plan::{ColumnType, PayeeSource, Plan};

/// What to compile: the dialect, the months (or `None`: the months the ledgers span), and
/// the inputs read from other tables than their own name.
#[derive(Debug, Clone)]
pub struct Options {
    pub dialect: Dialect,
    pub range: Option<(Period, Period)>,
    /// (input index, qualified table name).
    pub tables: Vec<(usize, String)>,
}

/// The query, or every construct it cannot compile.
pub fn compile(plan: &Plan, options: &Options) -> Result<String, Vec<Problem>> {
    let d = options.dialect;
    let mut c = expr::Compiler::new(plan, d);
    let (PayeeSource::Ledger { input, column } | PayeeSource::Roster { input, column }) = plan.payee;
    if let Some(col) = plan.inputs.get(input).and_then(|s| s.columns.get(column)) {
        if col.ty != ColumnType::Text {
            c.refuse(SqlKind::PayeeNotText { ty: col.ty.name().to_string() }, col.span);
        }
    }
    if let Some(credit) = plan.credit {
        let span = plan.inputs.get(credit.by).map_or_else(Default::default, |s| s.span);
        c.refuse(SqlKind::OverTime { construct: "a credit split".into() }, span);
    }
    for agg in plan.aggregates.iter().filter(|a| a.reports) {
        c.refuse(SqlKind::OverTime { construct: "`for reports`".into() }, agg.span);
    }
    let unrounded: Vec<expr::Sql> = plan.components.iter().map(|k| statements::unrounded(&mut c, k)).collect();
    let rounded: Vec<expr::Sql> = plan
        .components
        .iter()
        .zip(&unrounded)
        .enumerate()
        .map(|(i, (k, u))| statements::rounded(&mut c, k, &format!("__v{i}"), u.scale()))
        .collect();
    let aggregate_ctes = aggregates::aggregate_ctes(&mut c);
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    let tables = inputs::Tables::new(plan, d, &options.tables);
    let mut ctes: Vec<(String, String)> = vec![("payees".into(), inputs::payees_cte(plan, d, &tables))];
    for i in 0..plan.inputs.len() {
        if let Some(rows) = inputs::rows_cte(plan, d, &tables, i) {
            ctes.push((format!("rows_{i}"), rows));
        }
    }
    ctes.push(("span".into(), statements::span_cte(&c, options.range)));
    let (months, grid) = statements::grid_cte(&c);
    ctes.push(("months".into(), months));
    ctes.push(("grid".into(), grid));
    ctes.extend(aggregate_ctes);

    let mut joins = String::new();
    for (index, cadence) in &c.aggregates_used {
        let Some(input) = plan.aggregates.get(*index).map(|a| a.input) else { continue };
        let alias = expr::agg_alias(input, *cadence);
        if joins.contains(&format!(" {alias} ON")) {
            continue;
        }
        let key = match cadence {
            crate::lang::Cadence::Monthly => "g.__month",
            crate::lang::Cadence::Quarterly => "g.__quarter",
            crate::lang::Cadence::Yearly => "g.__year",
        };
        joins.push_str(&format!("\n  LEFT JOIN {alias} {alias} ON {alias}.__payee = g.payee AND {alias}.__k = {key}"));
    }
    for input in &c.lookups_used {
        let alias = expr::look_alias(*input);
        let key = match expr::bucket_of(plan, *input) {
            Some(crate::period::Granularity::Quarter) => "g.__quarter",
            _ => "g.__month",
        };
        joins.push_str(&format!(
            "\n  LEFT JOIN rows_{input} {alias} ON {alias}.__payee = g.payee AND {alias}.__k = {key}"
        ));
    }

    // As `run` shows totals: the finest of the components' and the policy's decimals.
    let scale = plan.components.iter().map(|k| k.rounding.scale()).fold(plan.rounding.scale(), u32::max);
    // Four layers: the unrounded amounts over the grid and its joins, then each rounded by
    // its component's rule, then the statement's cap or floor (its last line,
    // `limits_statement`, which reads the other lines once rounded), then the total.
    let limit = plan.components.iter().position(|k| k.limits_statement);
    let values: Vec<String> = unrounded
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != limit)
        .map(|(i, k)| format!("    {} AS __v{i}", k.text))
        .collect();
    let amounts: Vec<String> = rounded
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != limit)
        .map(|(i, k)| format!("{} AS __c{i}", k.text))
        .collect();
    let mut limited = vec!["payee".to_string(), "period".to_string()];
    limited.extend((0..plan.components.len()).filter(|i| Some(*i) != limit).map(|i| format!("__c{i}")));
    if let Some(i) = limit {
        // Its expression reads the other lines' `__c` columns (`Node::StatementSoFar`).
        if let (Some(k), Some(u)) = (plan.components.get(i), unrounded.get(i)) {
            let r = statements::rounded(&mut c, k, &format!("({})", u.text), u.scale());
            limited.push(format!("{} AS __c{i}", r.text));
        }
    }
    let mut outer = vec!["payee".to_string(), "period".to_string()];
    for (i, k) in plan.components.iter().enumerate() {
        outer.push(format!("__c{i} AS {}", d.ident(&k.name)));
    }
    let sum = (0..plan.components.len()).map(|i| format!("__c{i}")).collect::<Vec<_>>().join(" + ");
    outer.push(format!("{} AS total", expr::num(if sum.is_empty() { "0".into() } else { sum }, scale).text));

    let mut out = format!(
        "-- {} (version {}), sha256 {}\n-- compiled by commission sql for {}; one row per payee and month\n",
        one_line(&plan.name),
        one_line(&plan.version),
        plan.sha256,
        match d {
            Dialect::DuckDb => "DuckDB",
            Dialect::Spark => "Spark SQL",
            Dialect::Postgres => "PostgreSQL",
        }
    );
    out.push_str("WITH\n");
    let ctes: Vec<String> = ctes.iter().map(|(name, body)| format!("{name} AS (\n  {body}\n)")).collect();
    out.push_str(&ctes.join(",\n"));
    out.push_str(&format!(
        "\nSELECT {}\nFROM (\nSELECT {}\nFROM (\nSELECT payee, period,\n  {}\nFROM (\n  SELECT g.payee AS payee, g.__month AS period,\n{}\n  FROM grid g{joins}\n) v\n) s\n) l\nORDER BY {}, period\n",
        outer.join(", "),
        limited.join(", "),
        amounts.join(",\n  "),
        values.join(",\n"),
        d.by_bytes("payee")
    ));
    Ok(out)
}

/// A name or version on one comment line (a line break in it would end the comment).
fn one_line(text: &str) -> String {
    text.chars().map(|ch| if ch.is_control() { ' ' } else { ch }).collect()
}
