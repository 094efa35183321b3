//! The SQL dialects `commission sql` writes, and the few spellings in which they differ:
//! quoting, text literals, integer division, month keys, series of months, raising an error,
//! ordering text by its bytes.
//! Everything else the compiler writes is the SQL both engines read the same way.

/// An engine's SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    DuckDb,
    Spark,
    Postgres,
}

impl Dialect {
    /// A quoted identifier (a table, a column, a component's name).
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    /// A qualified table name (`warehouse.sales`), each part quoted.
    pub fn table(self, name: &str) -> String {
        name.split('.').map(|part| self.ident(part)).collect::<Vec<_>>().join(".")
    }

    /// A text literal. Spark reads backslash escapes inside quotes; DuckDB doubles the quote.
    pub fn string(self, text: &str) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("'{}'", text.replace('\'', "''")),
            Dialect::Spark => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'")),
        }
    }

    /// The type of text columns.
    pub fn text_type(self) -> &'static str {
        match self {
            Dialect::DuckDb | Dialect::Postgres => "VARCHAR",
            Dialect::Spark => "STRING",
        }
    }

    /// Whole-number division of two integers.
    pub fn int_div(self, a: &str, b: &str) -> String {
        match self {
            Dialect::DuckDb => format!("(({a}) // ({b}))"),
            Dialect::Spark => format!("(({a}) DIV ({b}))"),
            Dialect::Postgres => format!("div({a}, {b})"),
        }
    }

    /// The month of a date as `YYYY-MM` text.
    pub fn month_of_date(self, date: &str) -> String {
        match self {
            Dialect::DuckDb => format!("strftime({date}, '%Y-%m')"),
            Dialect::Spark => format!("date_format({date}, 'yyyy-MM')"),
            Dialect::Postgres => format!("to_char({date}, 'YYYY-MM')"),
        }
    }

    /// `YYYY-MM` text of a month index (year × 12 + month − 1).
    pub fn month_of_index(self, index: &str) -> String {
        let year = self.int_div(index, "12");
        match self {
            Dialect::DuckDb => format!("printf('%04d-%02d', {year}, ({index}) % 12 + 1)"),
            Dialect::Spark => format!("format_string('%04d-%02d', {year}, ({index}) % 12 + 1)"),
            Dialect::Postgres => {
                format!("to_char(make_date(CAST({year} AS INT), CAST(({index}) % 12 + 1 AS INT), 1), 'YYYY-MM')")
            }
        }
    }

    /// One row per whole number from `lo` to `hi`, columns of `from`, as column `alias`.
    pub fn series(self, lo: &str, hi: &str, alias: &str) -> String {
        match self {
            Dialect::DuckDb => format!("unnest(range({lo}, ({hi}) + 1)) AS {alias}"),
            Dialect::Spark => format!("explode(sequence({lo}, {hi})) AS {alias}"),
            Dialect::Postgres => format!("generate_series({lo}, {hi}) AS {alias}"),
        }
    }

    /// An expression that stops the query with `message` when it is evaluated (where `run`
    /// stops with an error, the query must not compute something else).
    pub fn raise(self, message: &str) -> String {
        match self {
            Dialect::DuckDb => format!("error({})", self.string(message)),
            Dialect::Spark => format!("raise_error({})", self.string(message)),
            // PostgreSQL has no such function: a text that is no number, cast to one, stops the
            // query with the message in the error. `random()` keeps the planner from
            // evaluating it ahead of time in a branch that is never taken.
            Dialect::Postgres => {
                format!("CAST(CAST(concat({}, CAST(random() AS VARCHAR)) AS NUMERIC) AS INT)", self.string(message))
            }
        }
    }

    /// A text column in `ORDER BY`, ordered by its bytes as `run` orders payees (PostgreSQL
    /// orders by the database's collation otherwise).
    pub fn by_bytes(self, column: &str) -> String {
        match self {
            Dialect::Postgres => format!("{column} COLLATE \"C\""),
            _ => column.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_escaped_per_dialect() {
        assert_eq!(Dialect::DuckDb.string("it's"), "'it''s'");
        assert_eq!(Dialect::Spark.string("it's \\"), "'it\\'s \\\\'");
        assert_eq!(Dialect::DuckDb.ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::Spark.table("db.t`x"), "`db`.`t``x`");
    }
}
