//! Checking a policy (`E01xx`): what the checker (`check/`) refuses in a policy that parses:
//! declarations (the header, rounding, inputs and their columns, the payee, rate tables,
//! components and metrics), names that resolve to nothing, kinds of value that do not combine
//! (the unit rules), enumerated values, function calls, aggregates and tier tables.
//!
//! One enum, [`CheckKind`], in sections that follow the order of a policy; each is a
//! [`Problem`](super::Problem) with labelled spans (exit code 1). Kinds of value are named as
//! the checker names them (`money`, `percent`, `number`, `true/false`, `text`, `date`,
//! `period`), so the variants carry them as words, not as the plan's types.
//!
//! The one warning the checker gives, a rate above 100% (`C0006`), is a lint's code.

use super::code::{Code, Described, Kind};

/// A problem the checker finds. Labels are given for the spans the caller passes, in order
/// (the first span is the main one); a kind with two labels takes two spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckKind {
    // E0101-E0106: the header, components at all, rounding.
    /// Span: the policy's name.
    EmptyPolicyName,
    /// Span: the currency.
    NotACurrencyCode { currency: String },
    /// A money literal in another currency than the policy's. Span: the literal.
    OtherCurrency { currency: String, policy: String },
    /// Span: the header.
    NoComponents,
    /// Spans: the second policy-wide `rounding`, the first.
    RoundingTwice,
    /// Span: the step.
    RoundingStepNotPositive,

    // E0107: a name declared twice.
    /// Spans: the second declaration, the first.
    InputTwice { input: String },
    /// Spans: the second declaration, the first.
    ColumnTwice { column: String, input: String },
    /// Spans: the second `payee` line, the first.
    PayeeTwice,
    /// Span: the second declaration only.
    TableTwice { table: String },
    /// Spans: the second declaration, the first.
    ComponentTwice { component: String },
    /// A metric named like a component or an earlier metric. Spans: the metric's name, the
    /// first declaration.
    NameTaken { name: String },
    /// Spans: the second `let`'s name, the first's.
    LetTwice { name: String },

    // E0108-E0114: inputs and their columns.
    /// Span: the input's name.
    InputCalledPayee,
    /// Span: the input.
    InputWithoutColumns { input: String },
    /// Span: the type.
    UnknownColumnType { ty: String, suggestion: String },
    /// `>= ...` on a column that is not a number; `ty`: the column's type. Span: the least value.
    LeastOnNonNumber { column: String, ty: &'static str },
    /// `in [...]` on a column that is not text. Span: the column.
    ValuesOnNonText { column: String, ty: &'static str },
    /// Span: the second one.
    ValueListedTwice { value: String },
    /// `role`: `key`, `payee` or `period`. Span: the second mark.
    SecondRoleColumn { input: String, role: &'static str },
    /// A column marked `key`, `payee` or `period` whose type cannot be one. Span: the type.
    RoleType { column: String, role: &'static str, ty: &'static str },
    /// The column a `payee` line names is not text (or integer). Span: the column.
    PayeeNotText { column: String },

    // E0115-E0117: the payee, and inputs read per payee and period.
    /// `example`: an `input.column` to suggest. Span: the header.
    NoPayee { example: String },
    /// Span: the `payee` line.
    PayeeColumnMismatch { input: String, column: String },
    /// Payees from a ledger without a period column. Span: the input's name.
    PayeesWithoutPeriod { input: String },
    /// One value read from an input without a payee column. Span: the `input.column`.
    LookupWithoutPayee { input: String },
    /// One value read from an input without a period column. Span: the `input.column`.
    LookupWithoutPeriod { input: String },
    /// An aggregate over an input without a payee or period column; `missing`: `payee` or
    /// `period`. Span: the aggregate.
    NotAggregatable { input: String, missing: &'static str },

    // E0118-E0124: names.
    /// Span: the input's name.
    UnknownInput { input: String, suggestion: String },
    /// `input.column`, or the column of a `payee` line. Span: the column.
    UnknownColumn { input: String, column: String, suggestion: String },
    /// A bare name inside an aggregate over `input`. Span: the name.
    UnknownRowColumn { input: String, column: String, suggestion: String },
    /// `suggestion`: `None` when no `let` is defined before the line. Span: the name.
    UnknownName { name: String, suggestion: Option<String> },
    /// `example`: a numeric column of the input, to aggregate. Span: the name.
    InputAsValue { input: String, example: String },
    /// `payee.x` where the roster has no column `x`. Span: `x`.
    UnknownPayeeColumn { column: String, suggestion: String },
    /// `payee.x`, other than `payee.id`, without a roster. Span: `x`.
    NoRosterAttribute { name: String },
    /// `input.column` outside an aggregate where several rows may match; `cadence`: the
    /// component's (`monthly`). Span: the `input.column`.
    NotOneValue { input: String, column: String, cadence: &'static str },
    /// A column of another input inside an aggregate. Span: the `input.column`.
    AggregateReadsOtherInput { aggregated: String, input: String },

    // E0125-E0130: rate tables and enumerated values.
    /// Span: the table.
    EmptyTable { table: String },
    /// A row with the wrong number of keys. Span: the row.
    RowKeyCount { table: String, keys: usize, params: usize },
    /// A lookup with the wrong number of keys. Spans: the lookup, the table's name.
    TableKeyCount { table: String, params: Vec<String>, args: usize },
    /// Spans: the second row, the first.
    RowTwice { table: String },
    /// Spans: the key looked up with, the row.
    TableKeyType { table: String, key: &'static str, found: &'static str },
    /// A text literal compared with an enumerated column. Span: the literal.
    NotAnEnumValue { value: String, suggestion: String },
    /// A table row keyed by a value the enumerated column it is looked up with cannot take.
    /// Spans: the row, the key looked up with.
    EnumKeyNotValue { key: String, suggestion: String },
    /// `missing`: the first combination of values without a row, unquoted. Spans: the
    /// table's name, the lookup.
    TableMissingRow { table: String, missing: Vec<String> },

    // E0131-E0134: a component's statements.
    /// Span: the component's name.
    NoPay { component: String },
    /// Spans: the second `pay`, the first.
    PaysTwice { component: String },
    /// What a component pays, caps or floors with is not money. Span: the expression.
    NotMoney { what: MoneyRole, found: &'static str },
    /// Spans: the cap, the floor.
    CapBelowFloor,

    // E0135-E0137: kinds of value.
    /// Span: the condition.
    WhenNotBool { found: &'static str },
    /// Span: the condition.
    IfNotBool { found: &'static str },
    /// Span: the filter.
    WhereNotBool { found: &'static str },
    /// `left op right` with kinds the operator does not combine; `op`: its symbol. Spans:
    /// the whole operation, the left side, the right side.
    Operator { op: &'static str, left: &'static str, right: &'static str },
    /// `-x` of something that is not a number. Span: `x`.
    NegateNonNumber { found: &'static str },
    /// `not x` of something that is not true or false. Span: `x`.
    NotOfNonCondition { found: &'static str },
    /// A table value of another kind than the first. Span: the value.
    TableMixes { table: String, first: &'static str, other: &'static str },
    /// Spans: the item, the value tested.
    InListMixes { value: &'static str, item: &'static str },
    /// Spans: the `else` branch, the `then` branch.
    IfBranches { then: &'static str, otherwise: &'static str },
    /// Spans: the fallback, the value.
    DefaultKind { value: &'static str, fallback: &'static str },
    /// `function`: `min` or `max`. Span: the value of the other kind.
    MinMaxKinds { function: String, found: &'static str, expected: &'static str },

    // E0138-E0141: functions.
    /// Span: the function's name.
    UnknownFunction { function: String, suggestion: String },
    /// Span: the call.
    WhereWithoutAggregate { function: String },
    /// Span: the call.
    AbsArity,
    /// Span: the call.
    RoundArity,
    /// `function`: `sum`, `count`... Span: the call.
    AggregateArity { function: &'static str },
    /// Span: the argument.
    AbsOfNonNumber { found: &'static str },
    /// Span: the step.
    RoundStepNotWritten,
    /// A step of zero or below, or a value that is not a number. Span: the call.
    RoundArguments,

    // E0142-E0146: aggregates; `function` is `sum`, `count`...
    /// Span: the inner aggregate.
    NestedAggregate { function: &'static str },
    /// Span: the aggregate.
    NoRangedInput { function: &'static str },
    /// `per`: the input's period (`quarter`). Span: the aggregate.
    FinerThanInput { input: String, per: &'static str },
    /// Span: the argument.
    WholeInput { function: &'static str, input: String },
    /// Span: the argument.
    AggregateOfNonNumbers { function: &'static str, found: &'static str },

    // E0147-E0151: tier tables.
    /// Span: the base.
    TierBase { found: &'static str },
    /// Span: the tiers.
    NoBrackets,
    /// `bound`: as written. Spans: the bound, the first bracket with it.
    BracketRepeated { bound: String },
    /// `bound`: as written. Spans: the bound, the bracket before it.
    BracketDescending { bound: String },
    /// `base`: its kind. Spans: the rate, the base.
    RateOfCount { base: &'static str },
    /// Span: the rate.
    NegativeRate,

    // E0160-E0174: issue 14.
    /// Two names that differ but look alike (the same Unicode confusable skeleton), each as
    /// written. Spans: the second name's first use, the first name's first use.
    ConfusableNames { name: String, like: String },

    // E0161-E0169: the language's friction (issue 13).
    /// `kind`: `cap` or `floor`. Spans: the second line, the first.
    StatementLimitTwice { kind: &'static str },
    /// A component or metric has the name of the statement limits' line. Spans: its name,
    /// the statement limit.
    StatementLimitNameTaken { name: String },
    /// A `let` whose value is a plain number, used where money is needed. `literal`: its first
    /// number literal as written. Spans: that literal, the use.
    LetWithoutUnit { name: String, literal: String, currency: String },
    /// Two allowed values of a column with the same display label. Spans: the second label,
    /// the first.
    ValueLabelTwice { label: String },
    // E0165-E0174: plans over time and people (issue 10).
    /// `sale: sales` where `sales` has no key. Span: the type.
    ReferenceWithoutKey { column: String, input: String },
    /// `within sale.amount` where `sale` is not a reference column or `amount` not a number
    /// column of the input it names. Span: `sale.amount`.
    WithinNotReference { column: String, via: String, of: String },
    /// A `credit` declaration that cannot work; `detail` says why. Span: the declaration.
    CreditProblem { detail: String },
    /// `for reports` without a manager column in the roster. Span: `for reports`, or the call.
    NoManagerColumn,
    /// A component's amount read in the same statement before it is computed. Span: the name.
    NotYetComputed { component: String, function: String },
    /// A figure to date of something that is not a component, `total` or an expression of
    /// the ledgers' figures. Span: the argument.
    HistoryArgument { function: String },
    /// `employed` without a roster `start` column. Span: the name.
    NoStartColumn { name: String },
    /// `days_between`/`months_since` of something that is not a date. Span: the argument.
    NotADate { function: String, found: &'static str },
    /// Relative tier bounds that cannot be read (`from 50% of a` and `from 80% of b` in one
    /// table, a bound of something that is not money or a number). Span: the bound.
    RelativeBound { detail: String },
    /// `in_month_of` where it cannot be computed; `detail` says why. Span: the call.
    InMonthOfPlace { detail: String },
    /// `effective 2027-Q3`: not a month. Span: the period.
    EffectiveNotMonth { text: String },
    /// A name only a component's statement has (`subtotal`, a component, a figure to date)
    /// used in a metric. Span: the name.
    OnlyInComponents { name: String },
}

/// Which amount of a component must be money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyRole {
    Pay,
    Cap,
    Floor,
}

impl Kind for CheckKind {
    fn describe(&self) -> Described {
        use CheckKind::*;
        match self {
            EmptyPolicyName => Described::new("E0101", "policy name is empty")
                .label("empty name")
                .help("name the plan, e.g. `policy \"Telecom account manager commission\"`"),
            NotACurrencyCode { currency } => {
                Described::new("E0102", format!("`{currency}` is not a currency code"))
                    .label("expected a three-letter code")
                    .help("use an ISO 4217 code such as `CNY`, `USD` or `EUR`")
            }
            OtherCurrency { currency, policy } => Described::new(
                "E0103",
                format!("amount in `{currency}`, but the policy's currency is `{policy}`"),
            )
            .label("other currency")
            .help(format!("this policy pays in `{policy}`; write `... {policy}`")),
            NoComponents => Described::new("E0104", "the policy has no components, so it pays nothing")
                .label("policy declared here")
                .help("add a component, e.g. `component sales_commission monthly { pay 3% * sum(sales.amount) }`"),
            RoundingTwice => Described::new("E0105", "the policy sets its rounding twice")
                .label("second rounding")
                .label("first set here")
                .help("keep one policy-wide `rounding`; override it inside a component where needed"),
            RoundingStepNotPositive => Described::new("E0106", "rounding step must be positive")
                .label("not a positive step")
                .help("round to a step such as `0.01` (the fen) or `1` (the yuan)"),

            InputTwice { input } => twice(Described::new("E0107", format!("input `{input}` is declared twice"))),
            ColumnTwice { column, input } => {
                twice(Described::new("E0107", format!("column `{column}` is declared twice in `{input}`")))
            }
            PayeeTwice => twice(Described::new("E0107", "`payee` is declared twice")),
            TableTwice { table } => {
                twice(Described::new("E0107", format!("table `{table}` is declared twice")))
            }
            ComponentTwice { component } => {
                twice(Described::new("E0107", format!("component `{component}` is declared twice")))
                    .help("give each component its own name")
            }
            NameTaken { name } => twice(Described::new("E0107", format!("`{name}` is declared twice")))
                .help("components and metrics share one set of names; rename one"),
            LetTwice { name } => Described::new("E0107", format!("`{name}` is defined twice"))
                .label("second definition")
                .label("first defined here")
                .help("a `let` name is defined once per component"),

            InputCalledPayee => Described::new("E0108", "an input cannot be called `payee`")
                .label("reserved name")
                .help("`payee.<column>` refers to the payee's roster columns; choose another name"),
            InputWithoutColumns { input } => Described::new("E0109", format!("input `{input}` has no columns"))
                .label("empty input")
                .help("declare its columns, e.g. `amount: money`"),
            UnknownColumnType { ty, suggestion } => {
                Described::new("E0110", format!("unknown column type `{ty}`"))
                    .label("unknown type")
                    .help(suggestion.clone())
            }
            LeastOnNonNumber { column, ty } => Described::new("E0111", "only number columns can have a least value")
                .label(format!("`{column}` is {ty}"))
                .help("remove `>= ...`, or make the column `money`, `integer`, `decimal` or `percent`"),
            ValuesOnNonText { column, ty } => Described::new("E0111", "only text columns can list their values")
                .label(format!("`{column}` is {ty}"))
                .help("remove `in [...]`, or make the column `text`"),
            ValueListedTwice { value } => {
                Described::new("E0112", format!("value `{value}` is listed twice")).label("repeated")
            }
            SecondRoleColumn { input, role } => {
                Described::new("E0113", format!("input `{input}` has more than one {role} column"))
                    .label(format!("second {role} column"))
                    .help(format!("mark exactly one column as `{role}`"))
            }
            RoleType { column, role, ty } => {
                let help = match *role {
                    "period" => "a period column is a `date`, `month` or `quarter`",
                    _ => "a key or payee column is `text` (or `integer`)",
                };
                Described::new("E0114", format!("column `{column}` cannot be the {role} column"))
                    .label(format!("`{ty}` here"))
                    .help(help)
            }
            PayeeNotText { column } => Described::new("E0114", "payees are identified by a text column")
                .label(format!("`{column}` is not text"))
                .help("point `payee` at a column holding ids or names"),

            NoPayee { example } => Described::new("E0115", "the policy does not say who is paid")
                .label("no `payee` declaration")
                .help(format!(
                    "add `payee {example}`: the distinct values of a ledger column, or the key column of a roster input"
                )),
            PayeeColumnMismatch { input, column } => Described::new(
                "E0116",
                format!("`payee {input}.{column}` names a different column than the one marked `payee`"),
            )
            .label("here")
            .help("mark the same column, or remove the `payee` mark from the input"),
            PayeesWithoutPeriod { input } => {
                Described::new("E0117", format!("input `{input}` has no period column"))
                    .label("payees come from here")
                    .help("mark the date column, e.g. `period date: date`, or make this input a roster: `key id: text` and `payee roster.id`")
            }
            LookupWithoutPayee { input } => {
                Described::new("E0117", format!("input `{input}` has no payee column")).label("read here").help(
                    format!("mark the column that names the payee, e.g. `payee manager: text` in `input {input}`"),
                )
            }
            LookupWithoutPeriod { input } => {
                Described::new("E0117", format!("input `{input}` has no period column")).label("read here").help(
                    format!("mark the column that says which period a row is for, e.g. `period quarter: quarter` in `input {input}`"),
                )
            }
            NotAggregatable { input, missing } => Described::new(
                "E0117",
                format!("input `{input}` has no {missing} column, so it cannot be aggregated per payee and period"),
            )
            .label("aggregated here")
            .help(format!("mark its {missing} column in `input {input}`, e.g. `{missing} <column>: ...`")),

            UnknownInput { input, suggestion } => Described::new("E0118", format!("unknown input `{input}`"))
                .label("not declared")
                .help(suggestion.clone()),
            UnknownColumn { input, column, suggestion } => {
                Described::new("E0119", format!("input `{input}` has no column `{column}`"))
                    .label("no such column")
                    .help(suggestion.clone())
            }
            UnknownRowColumn { input, column, suggestion } => {
                Described::new("E0119", format!("input `{input}` has no column `{column}`"))
                    .label("not a column")
                    .help(format!("{suggestion} (inside an aggregate, names are columns of `{input}`; a `let` cannot be used per row)"))
            }
            UnknownName { name, suggestion } => {
                Described::new("E0120", format!("unknown name `{name}`")).label("not defined").help(
                    suggestion.clone().unwrap_or_else(|| {
                        "no `let` is defined before this line in this component; columns are written `input.column`"
                            .to_string()
                    }),
                )
            }
            InputAsValue { input, example } => {
                Described::new("E0121", format!("`{input}` is an input, not a value")).label("an input").help(format!(
                    "an input is many rows; aggregate it, e.g. `sum({input}.{example})` or `count({input})`"
                ))
            }
            UnknownPayeeColumn { column, suggestion } => {
                Described::new("E0122", format!("the roster has no column `{column}`"))
                    .label("not a roster column")
                    .help(suggestion.clone())
            }
            NoRosterAttribute { name } => Described::new("E0122", format!("payees have no `{name}`"))
                .label("unknown payee attribute")
                .help("without a roster a payee only has `payee.id`; declare a roster input and `payee roster.id` to use its columns"),
            NotOneValue { input, column, cadence } => {
                Described::new("E0123", format!("`{input}.{column}` is not one value per payee and period"))
                    .label("several rows may match")
                    .help(format!(
                        "`{input}` can have several rows per payee in a {cadence} period; aggregate them, e.g. `sum({input}.{column})` or `max({input}.{column})`"
                    ))
            }
            AggregateReadsOtherInput { aggregated, input } => {
                Described::new("E0124", format!("an aggregate over `{aggregated}` cannot read `{input}`"))
                    .label(format!("a column of `{input}`"))
                    .help("each aggregate ranges over the rows of one input; aggregate the other input separately")
            }

            EmptyTable { table } => {
                Described::new("E0125", format!("table `{table}` has no rows")).label("empty table")
            }
            RowKeyCount { table, keys, params } => {
                Described::new("E0126", format!("row has {keys} keys, but table `{table}` takes {params}"))
                    .label("wrong number of keys")
                    .help("write one key per parameter, `_` for any value")
            }
            TableKeyCount { table, params, args } => Described::new(
                "E0126",
                format!("table `{table}` takes {} keys ({}), not {args}", params.len(), params.join(", ")),
            )
            .label("wrong number of keys")
            .label("declared here"),
            RowTwice { table } => Described::new("E0127", format!("table `{table}` has the same row twice"))
                .label("repeated row")
                .label("first written here")
                .help("remove one of them; rows are matched top to bottom"),
            TableKeyType { table, key, found } => {
                Described::new("E0128", format!("table `{table}` is keyed by {key} here, but gets {found}"))
                    .label(format!("this is {found}"))
                    .label("row")
            }
            NotAnEnumValue { value, suggestion } => {
                Described::new("E0129", format!("`{value}` is not one of the values this column can take"))
                    .label("never matches")
                    .help(suggestion.clone())
            }
            EnumKeyNotValue { key, suggestion } => {
                Described::new("E0129", format!("`{key}` is not a value of this column"))
                    .label("this row can never match")
                    .label("looked up with this")
                    .help(suggestion.clone())
            }
            TableMissingRow { table, missing } => {
                let keys: Vec<String> = missing.iter().map(|k| format!("\"{k}\"")).collect();
                Described::new("E0130", format!("table `{table}` has no row for ({})", keys.join(", ")))
                    .label("incomplete table")
                    .label("looked up here")
                    .help("add a row for it, or an `else -> ...` row for everything not listed")
            }

            NoPay { component } => {
                Described::new("E0131", format!("component `{component}` does not say what it pays"))
                    .label("no `pay`")
                    .help("add a `pay` line, e.g. `pay 5% * sum(sales.amount)`")
            }
            PaysTwice { component } => Described::new("E0132", format!("component `{component}` pays twice"))
                .label("second `pay`")
                .label("first `pay`")
                .help("combine the amounts in one `pay`, or split them into two components"),
            NotMoney { what, found } => {
                let what = match what {
                    MoneyRole::Pay => "what a component pays",
                    MoneyRole::Cap => "a cap",
                    MoneyRole::Floor => "a floor",
                };
                let help = match *found {
                    "percent" => "multiply the rate by an amount, e.g. `5% * sum(sales.amount)`".to_string(),
                    _ => format!("{what} is an amount of money"),
                };
                Described::new("E0133", format!("{what} must be money")).label(format!("this is {found}")).help(help)
            }
            CapBelowFloor => Described::new("E0134", "the cap is below the floor")
                .label("cap")
                .label("floor")
                .help("a cap must be at least the floor"),

            WhenNotBool { found } => Described::new("E0135", "a `when` condition must be true or false")
                .label(format!("this is {found}"))
                .help("compare it, e.g. `when surveys.satisfaction >= 80%`"),
            IfNotBool { found } => {
                Described::new("E0135", "an `if` condition must be true or false").label(format!("this is {found}"))
            }
            WhereNotBool { found } => Described::new("E0135", "a `where` filter must be true or false")
                .label(format!("this is {found}"))
                .help("e.g. `where kind in [\"renewal\", \"upsell\"]`"),
            Operator { op, left, right } => {
                let help = match (*op, *left, *right) {
                    ("+" | "-", "money", "percent") | ("+" | "-", "percent", "money") => {
                        "a percentage is a share of something: multiply it by an amount, e.g. `5% * sum(sales.amount)`"
                            .to_string()
                    }
                    ("*", "money", "money") => {
                        "money times money has no meaning; one side should be a rate or a number".to_string()
                    }
                    ("and" | "or", "true/false", _) | ("and" | "or", _, "true/false") => {
                        "`and` and `or` join conditions, e.g. `a >= 1 and b < 2`".to_string()
                    }
                    ("+" | "-" | "*" | "/", "date", "date") => {
                        "there is no date arithmetic: dates can be compared (`<`, `>=`, `=`), not added or subtracted".to_string()
                    }
                    // Both sides are of one kind already: the operator does not apply to it.
                    (_, l, r) if l == r => format!("`{op}` does not apply to {l}"),
                    _ => format!("both sides of `{op}` must be the same kind of value"),
                };
                Described::new("E0136", format!("cannot apply `{op}` to {left} and {right}"))
                    .label(format!("{left} {op} {right}"))
                    .label(*left)
                    .label(*right)
                    .help(help)
            }
            NegateNonNumber { found } => {
                Described::new("E0136", format!("expected a number, found {found}")).label(format!("this is {found}"))
            }
            NotOfNonCondition { found } => Described::new("E0136", format!("expected true/false, found {found}"))
                .label(format!("this is {found}")),
            TableMixes { table, first, other } => {
                Described::new("E0137", format!("table `{table}` mixes {first} and {other} values"))
                    .label(format!("{other} here"))
                    .help("every row of a table gives the same kind of value")
            }
            InListMixes { value, item } => Described::new("E0137", format!("`in` list mixes {value} with {item}"))
                .label(format!("this is {item}"))
                .label(format!("this is {value}")),
            IfBranches { then, otherwise } => {
                Described::new("E0137", "the two branches of `if` give different kinds of value")
                    .label(format!("this is {otherwise}"))
                    .label(format!("this is {then}"))
                    .help("both branches must be money, or both percentages, and so on")
            }
            DefaultKind { value, fallback } => Described::new("E0137", "a `default` must be the same kind of value")
                .label(format!("this is {fallback}"))
                .label(format!("this is {value}")),
            MinMaxKinds { function, found, expected } => {
                Described::new("E0137", format!("`{function}` compares values of the same kind"))
                    .label(format!("this is {found}"))
                    .help(format!("all values of `{function}` must be {expected}"))
            }

            UnknownFunction { function, suggestion } => {
                Described::new("E0138", format!("unknown function `{function}`"))
                    .label("not a function or table")
                    .help(suggestion.clone())
            }
            WhereWithoutAggregate { function } => {
                Described::new("E0139", format!("`{function}` does not take `where`"))
                    .label("here")
                    .help("`where` filters the rows of an aggregate such as `sum(...)`")
            }
            AbsArity => Described::new("E0140", "`abs` takes one value").label("wrong number of arguments"),
            RoundArity => Described::new("E0140", "`round` takes a value and a step, e.g. `round(x, 0.01)`")
                .label("wrong number of arguments"),
            AggregateArity { function } => Described::new("E0140", format!("`{function}` takes one argument"))
                .label("wrong number of arguments")
                .help(format!("e.g. `{function}(sales.amount where kind = \"new\")`")),
            AbsOfNonNumber { found } => {
                Described::new("E0141", format!("`abs` needs a number, found {found}")).label("not a number")
            }
            RoundStepNotWritten => Described::new("E0141", "the rounding step must be a number written out")
                .label("not a literal")
                .help("e.g. `round(x, 0.01)`"),
            RoundArguments => Described::new("E0141", "`round` takes a number and a positive step")
                .label("here")
                .help("e.g. `round(x, 0.01)` rounds half-up to the fen"),

            NestedAggregate { function } => {
                Described::new("E0142", format!("`{function}` cannot be used inside another aggregate"))
                    .label("nested aggregate")
                    .help("compute the inner aggregate with `let` and combine the results")
            }
            NoRangedInput { function } => {
                Described::new("E0143", format!("cannot tell which input `{function}` ranges over"))
                    .label("no `input.column` inside")
                    .help("name a column with its input, e.g. `sum(sales.amount)` or `count(sales)`")
            }
            FinerThanInput { input, per } => Described::new(
                "E0144",
                format!("`{input}` has one row per {per}, finer periods cannot be summed from it"),
            )
            .label("aggregated here")
            .help(format!(
                "read it in a component at least as long as its period, or read the value with `{input}.<column>`"
            )),
            WholeInput { function, input } => {
                Described::new("E0145", format!("`{function}` needs a column to {function}"))
                    .label("a whole input")
                    .help(format!("e.g. `{function}({input}.amount)`"))
            }
            AggregateOfNonNumbers { function, found } => {
                Described::new("E0146", format!("cannot {function} {found} values"))
                    .label(format!("this is {found}"))
                    .help("aggregate a numeric column (money, percent, integer, decimal), or use `count` / `count_distinct`")
            }

            TierBase { found } => {
                Described::new("E0147", format!("tiers need an amount or a count as their base, found {found}"))
                    .label(format!("this is {found}"))
                    .help("tier on monthly sales, e.g. `tiers flat sum(sales.amount) { ... }`")
            }
            NoBrackets => Described::new("E0148", "tiers without brackets")
                .label("no `from` lines")
                .help("add brackets, e.g. `from 0 rate 3%`"),
            BracketRepeated { bound } => Described::new("E0149", format!("two brackets start at {bound}"))
                .label("repeated lower bound")
                .label("first bracket with this bound")
                .help("each bracket starts where the previous one ends; remove one of them"),
            BracketDescending { bound } => Described::new("E0149", "brackets must be written in ascending order")
                .label(format!("{bound} comes after a higher bound"))
                .label("previous bracket")
                .help("order the brackets by their `from` amount, lowest first"),
            RateOfCount { base } => Described::new("E0150", "a rate needs an amount of money as the tier base")
                .label("rate of a count")
                .label(format!("the base is {base}"))
                .help("pay a `fixed` amount per bracket when tiering a count"),
            NegativeRate => Described::new("E0151", "a negative rate")
                .label("negative")
                .help("a bracket's rate is between 0% and 100%"),
            ConfusableNames { name, like } => Described::new(
                "E0160",
                format!("the names `{}` and `{}` look alike but are different", escaped(name), escaped(like)),
            )
            .label(format!("`{}`", escaped(name)))
            .label(format!("`{}` first used here", escaped(like)))
            .help("use one spelling; retype the name with the keyboard you use for the others"),
            StatementLimitTwice { kind } => {
                twice(Described::new("E0161", format!("the statement {kind} is declared twice")))
                    .help(format!("a statement has one `statement {kind} ... per month`; keep the one you mean"))
            }
            StatementLimitNameTaken { name } => Described::new(
                "E0162",
                format!("`{name}` is the name of the statement's limit line, and a component or metric has it too"),
            )
            .label("declared here")
            .label(format!("this line is shown as `{name}`"))
            .help("rename the component or metric: outputs would show two lines of the same name"),
            ValueLabelTwice { label } => Described::new("E0164", format!("two values have the label `{label}`"))
                .label("second")
                .label("first")
                .help("reports show a value by its label; give each value its own"),
            ReferenceWithoutKey { column, input } => {
                Described::new("E0165", format!("`{column}` names rows of `{input}`, which has no key column"))
                    .label("a reference to an input without a key")
                    .help(format!("mark the column that identifies a row of `{input}` with `key`"))
            }
            WithinNotReference { column, via, of } => Described::new(
                "E0166",
                format!("`{column} ... within {via}.{of}`: `{via}` must be a column naming another input's rows, and `{of}` a number column of that input"),
            )
            .label("not a reference and a number column")
            .help("write e.g. `sale: sales` and `amount: money within sale.amount`"),
            CreditProblem { detail } => Described::new("E0167", format!("this `credit` cannot be used: {detail}"))
                .label("the credit declaration")
                .help("write `credit sales by credits.share`, where `credits` has `sale: sales`, a `payee` column and a percent `share`"),
            NoManagerColumn => Described::new("E0168", "`for reports` needs a manager column in the roster")
                .label("whose reports?")
                .help("declare the roster's manager column with the roster's own type, e.g. `manager: roster`"),
            NotYetComputed { component, function } => Described::new(
                "E0169",
                format!("`{component}` is not yet computed here: a statement computes its components in the policy's order"),
            )
            .label("read before it is computed")
            .help(format!("read an earlier component, or earlier statements with `{function}({component})`")),
            HistoryArgument { function } => Described::new(
                "E0170",
                format!("`{function}` adds up a component, `total`, or figures of the ledgers (`sum(...)`)"),
            )
            .label("none of these")
            .help(format!("e.g. `{function}(advance)` or `{function}(sum(sales.amount))`")),
            NoStartColumn { name } => Described::new("E0171", format!("`{name}` needs the day each payee was hired"))
                .label("no hire date known")
                .help("mark the roster's hire-date column with `start` (`start hired: date`), and the leaving date with `end`"),
            NotADate { function, found } => {
                Described::new("E0172", format!("`{function}` takes dates, and this is {found}"))
                    .label("not a date")
                    .help("pass a date column (`sale.date`), a roster date (`payee.hired`) or a literal such as `2027-03-01`")
            }
            RelativeBound { detail } => Described::new("E0173", format!("this tier bound cannot be read: {detail}"))
                .label("this bound")
                .help("bounds of one table are numbers, or shares of one figure: `from 0`, `from 50% of target`, `from target`"),
            InMonthOfPlace { detail } => Described::new("E0176", format!("`in_month_of` cannot be read here: {detail}"))
                .label("here")
                .help("e.g. `sum(cancellations.amount * in_month_of(sale.date, tiers flat sum(sales.amount) {...} / sum(sales.amount)))`"),
            EffectiveNotMonth { text } => Described::new("E0175", format!("`effective {text}`: a version takes over from a month"))
                .label("not a month")
                .help("write the first month the version pays, e.g. `effective 2027-07`"),
            OnlyInComponents { name } => Described::new("E0174", format!("`{name}` exists only in a component's statement"))
                .label("in a metric")
                .help("metrics show figures of the ledgers; read statements' amounts in a component"),
            LetWithoutUnit { name, literal, currency } => Described::new(
                "E0163",
                format!("`{name}` is a plain number, but it is used as money"),
            )
            .label(format!("`{literal}` has no unit: write `{literal} {currency}`"))
            .label("used as money here")
            .help(format!(
                "a number takes money's unit only when it stands next to money; in `let {name}` nothing is money, so write its amounts with the currency (`{literal} {currency}`)"
            )),
        }
    }
}

/// A name with every character outside printable ASCII shown by its code (`r\u{430}te`), so
/// that two names which look alike are told apart in the message.
fn escaped(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_graphic() { c.to_string() } else { format!("\\u{{{:x}}}", u32::from(c)) })
        .collect()
}

/// The labels of a second declaration and the first.
fn twice(described: Described) -> Described {
    described.label("second declaration").label("first declared here")
}

pub const CODES: &[Code] = &[
    Code {
        id: "E0101",
        title: "an empty policy name",
        explanation: "\
The header names the plan (`policy \"Telecom account manager commission\" version \"2026.1\"
currency CNY`), and the name is empty or only spaces. The name heads every statement, report
and comparison, so a plan without one cannot be told from another.

What to do: write the plan's name between the quotes.",
    },
    Code {
        id: "E0102",
        title: "not a currency code",
        explanation: "\
The header's `currency` must be a three-letter ISO 4217 code in capitals (`CNY`, `USD`,
`EUR`). The plan pays in that currency, and the amounts of the policy and the ledgers are read
in it, so a misspelt code is not guessed at.

What to do: write the code in capitals, e.g. `currency CNY`.",
    },
    Code {
        id: "E0103",
        title: "an amount in another currency",
        explanation: "\
An amount in the policy is written with a currency (`500 USD`) other than the one its header
declares. A plan pays in one currency, and the program does not convert: at which rate, on
which day?

What to do: write the amount in the policy's currency, e.g. `500 CNY`.",
    },
    Code {
        id: "E0104",
        title: "a policy with no components",
        explanation: "\
A policy pays through its components (`component sales_commission monthly { pay ... }`), and
this one declares none, so every statement would be zero. That is never what a plan means:
the components were left out or removed by mistake.

What to do: add a component that says what it pays, e.g.
`component sales_commission monthly { pay 3% * sum(sales.amount) }`.",
    },
    Code {
        id: "E0105",
        title: "the policy's rounding set twice",
        explanation: "\
A policy-wide `rounding` line (`rounding half_up 0.01`) says how every component's amount is
rounded, and the policy has two. Only one can be the rule, and the program does not pick one
for you.

What to do: keep one policy-wide `rounding`; a component that rounds differently says so with
its own `rounding` line inside the component.",
    },
    Code {
        id: "E0106",
        title: "a rounding step that is not positive",
        explanation: "\
A `rounding` line rounds amounts to a multiple of its step (`rounding half_up 0.01`). A step
of zero or below has no multiples to round to.

What to do: round to a positive step, such as `0.01` (the fen) or `1` (the yuan).",
    },
    Code {
        id: "E0107",
        title: "a name declared twice",
        explanation: "\
Each name is declared once where it lives: an input, a column within its input, a rate table,
a `let` within its component, and the `payee` line once per policy; components and metrics
share one set of names. A second declaration would leave every use of the name in doubt, so
the program points at both instead of choosing.

What to do: rename one of them, or remove the copy.",
    },
    Code {
        id: "E0108",
        title: "an input called `payee`",
        explanation: "\
`payee.<column>` reads the payee's own attributes (`payee.id`, or a column of the roster), so
`payee` cannot also name an input: `payee.region` would mean two things.

What to do: give the input another name, e.g. `roster` or `staff`.",
    },
    Code {
        id: "E0109",
        title: "an input without columns",
        explanation: "\
An `input` block declares the columns of a ledger, and this one declares none. Every column of
a ledger must be declared, so no file could ever match it.

What to do: declare its columns, one `name: type` each, e.g. `amount: money`.",
    },
    Code {
        id: "E0110",
        title: "an unknown column type",
        explanation: "\
A column's type says how each of its values is read from the ledger. The types are `text`,
`integer`, `decimal`, `money`, `percent`, `date`, `month`, `quarter` and `bool`; a misspelt
one is not guessed at, because it decides how every value of the column is read.

What to do: use one of these types; the message suggests the nearest.",
    },
    Code {
        id: "E0111",
        title: "a column option its type cannot have",
        explanation: "\
Two column options suit some types only: a least value (`units: integer >= 0`) is for number
columns (`money`, `integer`, `decimal`, `percent`), and a list of values
(`kind: text in [\"new\", \"renewal\"]`) is for `text` columns. On another type the option would
check nothing.

What to do: remove the option, or declare the column with a type that takes it.",
    },
    Code {
        id: "E0112",
        title: "a value listed twice",
        explanation: "\
A text column's list of values (`kind: text in [\"new\", \"renewal\"]`) names each value once. A
repeat is usually a typo for a value missing from the list, and ledger rows carrying the
missing value would then be refused.

What to do: remove the repeat, or correct it to the value meant.",
    },
    Code {
        id: "E0113",
        title: "more than one key, payee or period column",
        explanation: "\
An input marks at most one column as its `key` (what tells its rows apart), one as `payee`
(who a row is for) and one as `period` (when a row counts). With two columns marked the same
way, the program would have to choose which one counts.

What to do: keep the mark on one column.",
    },
    Code {
        id: "E0114",
        title: "a column whose type cannot play its role",
        explanation: "\
A `key` or `payee` column holds ids or names, so it is `text` (or `integer`); a `period`
column says when a row counts, so it is a `date`, `month` or `quarter`. The column marked (or
the column the `payee` line names) has another type, such as `money`.

What to do: mark or name the column meant, or correct the column's type.",
    },
    Code {
        id: "E0115",
        title: "no `payee` declaration",
        explanation: "\
A policy says who is paid with a `payee` line: `payee sales.manager` pays the distinct values
of a ledger column, `payee roster.id` pays the rows of a roster (an input keyed by `id`, with
no period column). Without it there is nobody to write statements for.

What to do: add a `payee` line; the message suggests one from the declared inputs.",
    },
    Code {
        id: "E0116",
        title: "a `payee` line naming another column than the `payee` mark",
        explanation: "\
The `payee` line names one column of a ledger, and the input marks another column as `payee`.
Both say who a row is for, and they disagree; the program does not pick one.

What to do: name the marked column in the `payee` line, or remove the `payee` mark from the
input.",
    },
    Code {
        id: "E0117",
        title: "an input without the payee or period column its use needs",
        explanation: "\
Reading an input per payee and period needs two marked columns: `payee` (who a row is for) and
`period` (a `date`, `month` or `quarter` saying when it counts). An aggregate
(`sum(sales.amount)`), a value read from an input (`surveys.satisfaction`) and the payees of a
`payee` line naming a ledger all need them: without them no row belongs to a statement.

What to do: mark the columns in the input, e.g. `payee manager: text` and `period date: date`;
payees without periods come from a roster (`key id: text` and `payee roster.id`).",
    },
    Code {
        id: "E0118",
        title: "an unknown input",
        explanation: "\
A name is used as an input (`sales.amount`, `sum(sales.amount)`, the `payee` line) that no
`input` block declares; usually a typo. Only `payee.<column>` is not an input.

What to do: use the declared name (the message suggests the nearest), or declare the input.",
    },
    Code {
        id: "E0119",
        title: "an unknown column",
        explanation: "\
`input.column` (or a bare name inside an aggregate, which is a column of the input
aggregated) names a column the input does not declare. Only declared columns are read, and a
typo is not guessed at.

What to do: use the declared name (the message suggests the nearest), or declare the column.
Inside an aggregate, names are columns of its input: a `let` cannot be used per row.",
    },
    Code {
        id: "E0120",
        title: "an unknown name",
        explanation: "\
A bare name in a component's `let`, `when`, `pay`, `cap` or `floor` line is a `let` defined on
an earlier line of the same component. This one is not: a typo, a `let` defined further down
or in another component, or a column written without its input.

What to do: correct the name (the message suggests the nearest), define it with `let` above
the line, or write a column as `input.column`.",
    },
    Code {
        id: "E0121",
        title: "an input used as a value",
        explanation: "\
An input is many rows (every sale of the month), so its name alone is not a value a component
can compute with.

What to do: aggregate it, e.g. `sum(sales.amount)` or `count(sales)`, or read one value of a
column with `input.column`.",
    },
    Code {
        id: "E0122",
        title: "an unknown payee attribute",
        explanation: "\
`payee.id` is the payee's id. With a roster (`payee roster.id`), `payee.<column>` also reads a
column of the payee's roster row; without one a payee has no other attribute. This
`payee.<name>` is neither.

What to do: use `payee.id` or a column the roster declares (the message suggests the
nearest), or declare a roster input and `payee roster.id` to give payees attributes.",
    },
    Code {
        id: "E0123",
        title: "one value read where several rows may match",
        explanation: "\
`input.column` outside an aggregate reads one value: the payee's row for the component's
period (`surveys.satisfaction` in a quarterly component reads this quarter's survey). That
needs at most one row per payee and period: a `month` or `quarter` period column no finer than
the component's cadence. With a `date` column, or finer periods, several rows can match, and
the program will not pick one.

What to do: aggregate the rows, e.g. `sum(sales.amount)` or `max(surveys.satisfaction)`.",
    },
    Code {
        id: "E0124",
        title: "an aggregate reading another input",
        explanation: "\
An aggregate ranges over the rows of one input: `sum(sales.amount where kind = \"new\")` adds
up rows of `sales`, and each name inside is read from that row. A column of another input has
no value on it.

What to do: aggregate each input separately and combine the results, e.g.
`sum(sales.amount) - sum(refunds.amount)`.",
    },
    Code {
        id: "E0125",
        title: "a rate table without rows",
        explanation: "\
A `table` gives a value for each combination of its keys, one row each (`\"new\" -> 5%`), and
optionally `else -> ...` for the rest. This one has no row and no `else`, so every lookup
would find nothing.

What to do: write its rows, or remove the table.",
    },
    Code {
        id: "E0126",
        title: "a rate table given the wrong number of keys",
        explanation: "\
A rate table declares its keys as parameters (`table rate(business, segment)`). Each row gives
one key per parameter (`_` matches any value), and each lookup one value per parameter
(`rate(business, segment)`). With more or fewer, the row or the lookup would match in a way
nobody wrote down.

What to do: write one key per parameter in every row and every lookup; the message names the
parameters.",
    },
    Code {
        id: "E0127",
        title: "a rate-table row written twice",
        explanation: "\
Two rows of a rate table have the same keys. Rows are matched top to bottom, so the second
would never be used, and its value (perhaps the one meant) would silently do nothing.

What to do: remove one of them, keeping the value the plan means.",
    },
    Code {
        id: "E0128",
        title: "a rate table looked up with a key of the wrong kind",
        explanation: "\
A rate table's rows are keyed by values of one kind (text such as `\"new\"`, numbers,
true/false), and it is looked up with a value of another kind. Text never equals an amount, so
the row could never match.

What to do: look the table up with the column its keys are values of, or write the keys as
values of that column.",
    },
    Code {
        id: "E0129",
        title: "a value an enumerated column cannot take",
        explanation: "\
The column is declared with its values (`kind: text in [\"new\", \"renewal\"]`), and the policy
compares it with a value not in that list, or keys a rate-table row looked up with it by one.
Ledger rows with other values are refused, so the comparison or the row can never match; it
is usually a typo.

What to do: correct the value (the message suggests the nearest), or add it to the list.",
    },
    Code {
        id: "E0130",
        title: "a rate table missing a combination of enumerated values",
        explanation: "\
A rate table without an `else` row, looked up with enumerated columns only, needs a row for
every combination of their values. Without one, the first ledger row carrying that value
would stop the run (E0304); the checker says so before any ledger is read.

What to do: add a row for the combination named, or an `else -> ...` row for everything not
listed.",
    },
    Code {
        id: "E0131",
        title: "a component that does not say what it pays",
        explanation: "\
Every component has one `pay` line saying what it pays (`pay 5% * sum(sales.amount)`).
Without one the component would pay nothing, which no component is written for.

What to do: add the `pay` line, or remove the component.",
    },
    Code {
        id: "E0132",
        title: "a component that pays twice",
        explanation: "\
A component has two `pay` lines. It pays one amount, and the program neither adds the two nor
chooses between them.

What to do: combine them in one `pay` (`pay a + b`), or split them into two components, which
statements then show separately.",
    },
    Code {
        id: "E0133",
        title: "an amount to pay, cap or floor that is not money",
        explanation: "\
What a component pays, caps or floors with is an amount of money, and this expression is
another kind of value: a percentage (a rate not yet multiplied by an amount), a number
computed from counts, a condition. A number written out (`pay 500`) counts as money; a computed
one never does, so that a count is not paid as yuan by accident.

What to do: multiply a rate by an amount (`5% * sum(sales.amount)`), or a count by an amount
per item (`200 CNY * count(sales)`).",
    },
    Code {
        id: "E0134",
        title: "a cap below the floor",
        explanation: "\
A component's `cap` (the most it pays) is below its `floor` (the least it pays). No amount can
be both, so one of them is a mistake.

What to do: correct one of them; a cap must be at least the floor.",
    },
    Code {
        id: "E0135",
        title: "a condition that is not true or false",
        explanation: "\
A `when` line, an `if` and an aggregate's `where` take a condition: a comparison
(`surveys.satisfaction >= 80%`), an `in` list, or conditions joined by `and` and `or`. An
amount, a percentage or text is not a condition; a value is never read as true for not being
zero.

What to do: compare the value with what it must reach, e.g. `when surveys.satisfaction >= 80%`.",
    },
    Code {
        id: "E0136",
        title: "kinds of value an operator does not combine",
        explanation: "\
Every value has a kind (money, percent, number, date, period, text, true/false), and operators
combine kinds by fixed rules. `+` and `-` take two of one kind: money + percent has no meaning.
`*`: money x percent and money x number are money, percent x percent or x number a percentage,
money x money nothing. `/`: money / money is a number, money / number or / percent is money.
Comparisons take two of one kind, `and`, `or` and `not` conditions, `-x` a number. A number
written out takes the other side's kind where kinds must match (`sales >= 100_000`).

What to do: write what the plan means, e.g. `5% * sum(sales.amount)` for a share of sales.",
    },
    Code {
        id: "E0137",
        title: "values of different kinds where one kind is needed",
        explanation: "\
Some places take values of one kind: both branches of an `if`, a value and its `default`, an
`in` list and the value tested, the values of `min(...)` and `max(...)`, every value of a rate
table. One of another kind (a percentage among amounts) leaves the result without a kind. A
number written out counts as money beside money.

What to do: make them one kind, e.g. `if ... then 500 CNY else 0`, not `else 0%`.",
    },
    Code {
        id: "E0138",
        title: "an unknown function",
        explanation: "\
A call `name(...)` is an aggregate (`sum`, `count`, `count_distinct`, `avg`, `min`, `max`), a
function (`min`, `max`, `abs`, `round`) or a lookup in a rate table the policy declares. This
name is none of them: usually a typo.

What to do: correct the name (the message suggests the nearest), or declare the rate table.",
    },
    Code {
        id: "E0139",
        title: "`where` on a call that is not an aggregate",
        explanation: "\
`where` filters the rows an aggregate ranges over (`sum(sales.amount where kind = \"new\")`).
`abs`, `round`, rate-table lookups, and `min` and `max` of two or more values take values,
not rows, so there is nothing for `where` to filter.

What to do: move the `where` into the aggregate, e.g.
`abs(sum(sales.amount where kind = \"new\"))`.",
    },
    Code {
        id: "E0140",
        title: "a function given the wrong number of arguments",
        explanation: "\
An aggregate takes one argument (`sum(sales.amount where ...)`), `abs` one value, `round` a
value and a step (`round(x, 0.01)`). `min` and `max` of one argument are aggregates
(`max(sales.amount)`), of two or more they compare values (`max(a, b)`).

What to do: give the function the arguments it takes.",
    },
    Code {
        id: "E0141",
        title: "a function argument of the wrong kind",
        explanation: "\
`abs` takes a number (an amount, a percentage or a count). `round` takes a number and a step
written out as a positive number (`round(x, 0.01)` rounds half-up to the fen): a step computed
from the ledgers could be zero, or change from month to month.

What to do: give `abs` a number, and `round` a positive step such as `0.01` or `1`.",
    },
    Code {
        id: "E0142",
        title: "an aggregate inside an aggregate",
        explanation: "\
An aggregate's argument and its `where` are computed on each row of its input, and an
aggregate is a figure over all the rows: one inside another
(`sum(sales.amount / count(sales))`) has no value on a row.

What to do: compute the inner aggregate with `let` and combine the results, e.g.
`let n = count(sales)`, then `sum(sales.amount) / n`.",
    },
    Code {
        id: "E0143",
        title: "an aggregate with no input to range over",
        explanation: "\
An aggregate ranges over the rows of the input its argument names (`sum(sales.amount)`,
`count(sales)`). This one names no input, neither in its argument nor in its `where`, so there
are no rows to take.

What to do: name a column with its input, e.g. `sum(sales.amount)`, or count an input's rows
with `count(sales)`.",
    },
    Code {
        id: "E0144",
        title: "an aggregate over periods finer than its input's",
        explanation: "\
An input whose period column is a `month` or `quarter` has one row per payee and period (a
quarterly survey). Aggregated in a component with a shorter cadence (a monthly component
reading a quarterly input), each month would take a quarter's row, and the program cannot
split a quarter's figure into months.

What to do: aggregate it in a component whose cadence is at least the input's period, or read
the value itself with `input.column`.",
    },
    Code {
        id: "E0145",
        title: "an aggregate of a whole input where a column is needed",
        explanation: "\
`sum`, `avg`, `min` and `max` compute over a column's values (`sum(sales.amount)`); given a
whole input (`sum(sales)`) they have nothing to add up. Only `count` and `count_distinct`
take a whole input, counting its rows.

What to do: name the column, e.g. `sum(sales.amount)`, or count the rows with `count(sales)`.",
    },
    Code {
        id: "E0146",
        title: "an aggregate of values it cannot compute with",
        explanation: "\
`sum` and `avg` compute over numbers (a `money`, `percent`, `integer` or `decimal` column), and
`min` and `max` over numbers or dates. A column of text (a customer's name) or true/false has
no sum.

What to do: aggregate a numeric column, or count the rows with `count` (or the distinct values
with `count_distinct(sales.customer)`).",
    },
    Code {
        id: "E0147",
        title: "tiers on a base that is not an amount or a count",
        explanation: "\
A tier table pays by brackets of its base: an amount (`tiers flat sum(sales.amount) { ... }`)
or a count (`count(sales)`). A percentage, a date or text has no brackets that the `from`
bounds could mean.

What to do: tier on an amount or a count, such as the month's sales.",
    },
    Code {
        id: "E0148",
        title: "tiers without brackets",
        explanation: "\
A tier table says what each bracket of its base pays, one `from` line per bracket
(`from 0 rate 3%`, `from 100_000 rate 5%`). Without brackets it pays nothing for any base.

What to do: add the brackets.",
    },
    Code {
        id: "E0149",
        title: "tier brackets not in ascending order",
        explanation: "\
Brackets are written by their lower bound, lowest first, each starting above the one before:
a bracket runs from its `from` up to the next one's. Two brackets starting at one bound, or a
bound below the one before it, would give part of the base two rates or none.

What to do: order the brackets by their `from` amount, and remove a repeated one.",
    },
    Code {
        id: "E0150",
        title: "a rate in tiers on a count",
        explanation: "\
A bracket that pays a `rate` pays a share of its base, so the base must be money. Tiers on a
count (`count(sales)`) pay a `fixed` amount per bracket: a percentage of twelve sales is not
an amount.

What to do: pay a `fixed` amount per bracket (`from 10 fixed 500`), or tier on an amount.",
    },
    Code {
        id: "E0151",
        title: "a negative rate",
        explanation: "\
A bracket's rate is a share of its base between 0% and 100%. A negative rate would take money
back from the payee for selling more; it is almost always a typo.

What to do: correct the rate.",
    },
    Code {
        id: "E0160",
        title: "two names that look alike",
        explanation: "\
Two names of the policy differ only by characters that look the same: `rate` and `rаte` with a
Cyrillic `а`, a Latin `o` and a Greek `ο`, full-width and ordinary letters. Unicode publishes
which characters are confusable (its \"skeleton\" of a name); two different names with the
same skeleton are refused. A reviewer reading the plan sees one name where the program sees
two, so a line can pay on a figure other than the one it appears to. The message shows each
name with its characters outside plain ASCII by their code, so that the difference is
visible.

Rust's compiler only warns about such names in programs (its `confusable_idents` lint); a pay
plan is read and signed by people who cannot run a debugger on it, so here it is an error.

What to do: write both with the same characters (usually: retype the one shown with codes).",
    },
    Code {
        id: "E0161",
        title: "a statement cap or floor declared twice",
        explanation: "\
A policy has two `statement cap ... per month` lines (or two `statement floor` lines). A
statement has one cap and one floor; with two, which one holds would depend on their order, and
a reviewer could read the wrong one.

What to do: keep the line you mean and delete the other.",
    },
    Code {
        id: "E0162",
        title: "a component named like the statement's limit line",
        explanation: "\
A `statement cap` (or `statement floor`) is shown in every output as a line of the statement of
its own, named `statement_cap` (`statement_floor`, or `statement_limit` with both), holding the
amount the limit takes off (or adds). A component or a metric of the policy has that name too,
so outputs would show two columns of the same name.

What to do: rename the component or the metric.",
    },
    Code {
        id: "E0163",
        title: "a `let` of plain numbers used as money",
        explanation: "\
A `let` holds plain numbers (`let bonus = if ... then 500 else 0`) and is then used where money
is needed (`pay sum(sales.amount) * 2% + bonus`, or `pay bonus`). A number written next to money
takes money's unit (`cap 500`, `sales >= 100_000`), but in this `let` nothing is money, so its
numbers stay plain; the mistake is in the `let`, not where it is used, and the message points
at the number that lacks its unit, with the use as a second label.

What to do: write the amounts in the `let` with the currency: `then 500 CNY else 0 CNY`.",
    },
    Code {
        id: "E0164",
        title: "two allowed values with the same label",
        explanation: "\
Two allowed values of a column have the same display label (`\"am\" as \"客户经理\", \"kam\" as
\"客户经理\"`). Reports and tables show a value by its label, so the two would look the same
there while the plan treats them apart.

What to do: give each value its own label, or merge the values if they mean the same.",
    },
    Code {
        id: "E0165",
        title: "a reference to an input without a key",
        explanation: "\
A column whose type is another input's name (`sale: sales`) holds keys of that input's rows, and
every value is checked to name one. An input without a `key` column has no such names.

What to do: mark the column that identifies a row of the referenced input with `key`.",
    },
    Code {
        id: "E0166",
        title: "`within` that names no reference",
        explanation: "\
`amount: money within sale.amount` says that the rows naming one sale total at most that sale's
amount (cancellations never exceed what was sold). `sale` must be a column of the same input
whose type names another input, and `amount` a number column of that input.

What to do: correct the two names.",
    },
    Code {
        id: "E0167",
        title: "a credit split that cannot be used",
        explanation: "\
`credit sales by credits.share` splits each sale among the payees of the `credits` rows that
name it. It needs `sales` to have a key and a payee, `credits` to have a column of type
`sales`, a `payee` column, and a percent column `share`; a policy credits one ledger.

What to do: add what the message says is missing.",
    },
    Code {
        id: "E0168",
        title: "`for reports` without a manager column",
        explanation: "\
`sum(sales.amount for reports)` adds up the figure over the payee's direct reports: the
roster rows whose manager column names the payee. The manager column is the roster column
whose type is the roster itself (`manager: roster`).

What to do: declare that column.",
    },
    Code {
        id: "E0169",
        title: "a component read before it is computed",
        explanation: "\
A statement computes its components in the order the policy declares them, so a component can
read the amounts of the components above it in this month, and of any component in earlier
months (`earlier_this_year(x)`, `earlier_this_quarter(x)`). Reading itself or a later component in
the same month would be circular.

What to do: move the component, or read earlier months.",
    },
    Code {
        id: "E0170",
        title: "a figure to date of something that has no history",
        explanation: "\
`quarter_to_date`, `year_to_date`, `earlier_this_quarter` and `earlier_this_year` add up a
component's amounts, statement totals (`total`), or figures of the ledgers (`sum(...)`,
`count(...)`, and arithmetic on them) over the months of the window.

What to do: pass one of these.",
    },
    Code {
        id: "E0171",
        title: "proration without hire dates",
        explanation: "\
`employed` is the share of the statement's period the payee was employed: days from the later of
the hire date and the period's start, to the earlier of the leaving date and the period's end,
over the days of the period. It needs a roster column marked `start` (and optionally `end`).

What to do: mark the roster's hire-date column `start hired: date`.",
    },
    Code {
        id: "E0172",
        title: "a date function without dates",
        explanation: "\
`days_between(a, b)` counts the days from date `a` to date `b`; `months_since(d)` the whole
months from `d`'s month to the statement's month. Both take dates.

What to do: pass date columns or date literals (`2027-03-01`).",
    },
    Code {
        id: "E0173",
        title: "a tier bound that cannot be read",
        explanation: "\
The bounds of one tier table are numbers (`from 100_000`), percents on a percent base, or shares
of one figure (`from 50% of target`, `from target`), which move with that figure per statement.
One table cannot mix shares of two figures.

What to do: use one figure, or compute the bounds in `let`s of their own table.",
    },
    Code {
        id: "E0174",
        title: "a statement's figure in a metric",
        explanation: "\
`subtotal`, component amounts and figures to date of statements exist only while a statement is
computed; a metric shows figures of the ledgers.

What to do: compute the figure in a component.",
    },
    Code {
        id: "E0175",
        title: "a version that takes over from something other than a month",
        explanation: "\
`effective 2027-07` in a policy's header says from which month this version of the plan pays
(`commission run old.policy --then new.policy`). Statements are monthly, so a version takes
over at the start of a month.

What to do: write a month.",
    },
    Code {
        id: "E0176",
        title: "a figure of another month where it cannot be computed",
        explanation: "\
`in_month_of(sale.date, figure)` reads, for a row that names a row of another ledger (a
cancellation naming its sale), a figure of the ledgers for the row's payee in the month of a
date: a clawback at the bracket rate the sale's month reached. Such rows are folded after the
ledgers they name, so the figure can only read those ledgers (`sum(sales.amount)`), and it is
only read inside a `sum(...)` over such rows.

What to do: move the call into the aggregate over the naming rows, or read another ledger.",
    },
];
