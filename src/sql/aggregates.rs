//! The fold as SQL: per input and cadence, one GROUP BY over the input's rows per (payee,
//! period of the cadence), one column per aggregate statements read. A filter is a `CASE`
//! inside the aggregate (rows where it is not true are left out, as `run` leaves them).

use super::expr::{agg_alias, num, AggSql, Compiler, SqlTy};
use super::inputs::{quarter_of_month, year_of};
use crate::lang::Cadence;
use crate::period::Granularity;
use crate::plan::AggFunc;

/// The bucket of a row (`r.__k`, of granularity `bucket`) coarsened to a cadence's period.
pub fn row_period(c: &Compiler<'_>, bucket: Granularity, cadence: Cadence) -> String {
    match (bucket, cadence) {
        (Granularity::Month, Cadence::Quarterly) => quarter_of_month(c.dialect, "r.__k"),
        (_, Cadence::Yearly) => year_of("r.__k"),
        _ => "r.__k".into(),
    }
}

/// One aggregate's SQL over the rows `r`.
fn aggregate(parts: &AggSql) -> String {
    let when = |value: &str| match &parts.filter {
        Some(f) => format!("CASE WHEN {} THEN {value} END", f.text),
        None => value.to_string(),
    };
    let arg = parts.arg.as_ref().map_or("1".to_string(), |a| a.text.clone());
    let ty = parts.arg.as_ref().map_or(SqlTy::Num(0), |a| a.ty);
    match parts.func {
        AggFunc::Sum => {
            num(
                format!("SUM({})", when(&arg)),
                match ty {
                    SqlTy::Num(s) => s,
                    _ => 0,
                },
            )
            .text
        }
        AggFunc::Count => match &parts.filter {
            Some(_) => format!("COUNT({})", when("1")),
            None => "COUNT(*)".into(),
        },
        AggFunc::CountDistinct => format!("COUNT(DISTINCT {})", when(&arg)),
        AggFunc::Min => format!("MIN({})", when(&arg)),
        AggFunc::Max => format!("MAX({})", when(&arg)),
        // Refused before any statement reads it (E0561): never written.
        AggFunc::Avg => "NULL".into(),
    }
}

/// `agg_<input>_<cadence>` CTEs for every (input, cadence) statements read.
pub fn aggregate_ctes(c: &mut Compiler<'_>) -> Vec<(String, String)> {
    let mut groups: Vec<(usize, Cadence, Vec<usize>)> = Vec::new();
    for (index, cadence) in c.aggregates_used.clone() {
        let Some(input) = c.plan.aggregates.get(index).map(|a| a.input) else { continue };
        match groups.iter_mut().find(|(i, k, _)| *i == input && *k == cadence) {
            Some((_, _, list)) => list.push(index),
            None => groups.push((input, cadence, vec![index])),
        }
    }
    let mut out = Vec::new();
    for (input, cadence, list) in groups {
        let Some(bucket) = super::expr::bucket_of(c.plan, input) else { continue };
        let key = row_period(c, bucket, cadence);
        let mut cols = vec!["r.__payee AS __payee".to_string(), format!("{key} AS __k")];
        for index in list {
            if let Some(parts) = c.aggregate_sql(index) {
                cols.push(format!("{} AS a{index}", aggregate(&parts)));
            }
        }
        out.push((
            agg_alias(input, cadence),
            format!("SELECT {} FROM rows_{input} r GROUP BY r.__payee, {key}", cols.join(", ")),
        ));
    }
    out
}
