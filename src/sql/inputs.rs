//! Inputs as tables: the SQL type of each declared column (the mapping the README gives),
//! the table each input is read from, the payees, and each ledger's rows with their payee
//! and bucket (`YYYY-MM` or `YYYY-Qn` text), as `eval::aggregate` decides them.

use super::dialect::Dialect;
use super::expr::SqlTy;
use crate::period::Granularity;
use crate::plan::{ColumnType, PayeeSource, Plan};

/// How a column's values are held in SQL: money with the currency's decimals, percentages
/// and decimals with 10 places, whole numbers with none.
pub fn column_ty(plan: &Plan, ty: ColumnType) -> SqlTy {
    match ty {
        ColumnType::Text => SqlTy::Text,
        ColumnType::Integer => SqlTy::Num(0),
        ColumnType::Decimal | ColumnType::Percent => SqlTy::Num(10),
        ColumnType::Money => SqlTy::Num(plan.currency.decimals),
        ColumnType::Date => SqlTy::Date,
        ColumnType::Month => SqlTy::Period(Some(Granularity::Month)),
        ColumnType::Quarter => SqlTy::Period(Some(Granularity::Quarter)),
        ColumnType::Bool => SqlTy::Bool,
    }
}

/// The column's type as a table declares it.
pub fn column_type_name(plan: &Plan, ty: ColumnType, dialect: Dialect) -> String {
    match ty {
        ColumnType::Integer => "BIGINT".into(),
        ColumnType::Date => "DATE".into(),
        ColumnType::Bool => "BOOLEAN".into(),
        _ => match column_ty(plan, ty) {
            SqlTy::Num(s) => format!("DECIMAL(38,{s})"),
            _ => dialect.text_type().into(),
        },
    }
}

/// The tables the query reads: each input's own name, or the table `--table` maps it to.
pub struct Tables {
    pub names: Vec<String>,
}

impl Tables {
    pub fn new(plan: &Plan, dialect: Dialect, mapped: &[(usize, String)]) -> Tables {
        let names = plan
            .inputs
            .iter()
            .enumerate()
            .map(|(i, input)| match mapped.iter().find(|(m, _)| *m == i) {
                Some((_, table)) => dialect.table(table),
                None => dialect.ident(&input.name),
            })
            .collect();
        Tables { names }
    }

    pub fn of(&self, input: usize) -> &str {
        self.names.get(input).map_or("", String::as_str)
    }
}

/// `payees`: one row per payee (`payee`, and `__p<i>` for each roster column).
pub fn payees_cte(plan: &Plan, dialect: Dialect, tables: &Tables) -> String {
    let text = dialect.text_type();
    match plan.payee {
        PayeeSource::Ledger { input, column } => {
            let name = plan.inputs.get(input).and_then(|s| s.columns.get(column)).map_or("", |c| c.name.as_str());
            format!("SELECT DISTINCT CAST(t.{} AS {text}) AS payee FROM {} t", dialect.ident(name), tables.of(input))
        }
        PayeeSource::Roster { input, column } => {
            let Some(schema) = plan.inputs.get(input) else { return String::new() };
            let key = schema.columns.get(column).map_or("", |c| c.name.as_str());
            let mut cols = vec![format!("CAST(t.{} AS {text}) AS payee", dialect.ident(key))];
            for (i, c) in schema.columns.iter().enumerate() {
                cols.push(format!("t.{} AS __p{i}", dialect.ident(&c.name)));
            }
            format!("SELECT {} FROM {} t", cols.join(", "), tables.of(input))
        }
    }
}

/// `rows_<i>`: an input's rows for payees of the run, with `__payee` and `__k` (the bucket:
/// the month of a date, the month or quarter as written), and the payee's roster columns.
pub fn rows_cte(plan: &Plan, dialect: Dialect, tables: &Tables, input: usize) -> Option<String> {
    let schema = plan.inputs.get(input)?;
    let payee = schema.columns.get(schema.payee?)?;
    let period = schema.columns.get(schema.period?)?;
    let p = format!("t.{}", dialect.ident(&period.name));
    let key = match period.ty {
        ColumnType::Date => dialect.month_of_date(&p),
        _ => format!("CAST({p} AS {})", dialect.text_type()),
    };
    let mut attrs = String::new();
    if let Some(roster) = plan.roster() {
        for i in 0..roster.columns.len() {
            attrs.push_str(&format!(", p.__p{i}"));
        }
    }
    Some(format!(
        "SELECT t.*, p.payee AS __payee{attrs}, {key} AS __k FROM {} t JOIN payees p ON p.payee = CAST(t.{} AS {})",
        tables.of(input),
        dialect.ident(&payee.name),
        dialect.text_type()
    ))
}

/// The quarter (`YYYY-Qn`) of a `YYYY-MM` text.
pub fn quarter_of_month(dialect: Dialect, month: &str) -> String {
    let q = dialect.int_div(&format!("CAST(substr({month}, 6, 2) AS INT) + 2"), "3");
    format!("concat(substr({month}, 1, 4), '-Q', CAST({q} AS {}))", dialect.text_type())
}

/// The year (`YYYY`) of a month or quarter text.
pub fn year_of(period: &str) -> String {
    format!("substr({period}, 1, 4)")
}

/// The month index (year × 12 + month − 1) of a `YYYY-MM` text.
pub fn month_index(month: &str) -> String {
    format!("(CAST(substr({month}, 1, 4) AS INT) * 12 + CAST(substr({month}, 6, 2) AS INT) - 1)")
}
