//! Computing statements (`E03xx`): what can go wrong once the plan is checked and the
//! ledgers are read, and problems the fold finds that only the plan can see (a payee not in
//! the roster, a second row where the plan reads one value).

use super::code::{Code, Described, Kind};

/// A computation that failed; it points at the policy expression (a `Problem`, exit code 1)
/// or at a ledger row (a `DataError`, exit code 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalKind {
    /// A total does not fit an exact decimal. `what`: "total", "statement total".
    TooLarge {
        what: &'static str,
    },
    /// An arithmetic result does not fit an exact decimal.
    ResultTooLarge,
    /// Rounding the component's amount to its step overflowed.
    TooLargeToRound,
    /// An expression that pays, caps or floors has no value.
    NoValue {
        expr: String,
        what: &'static str,
    },
    DivisionByZero {
        expr: String,
    },
    NoTableRow {
        table: String,
        keys: String,
    },
    /// Scaling a column (the budget's marginal cost) overflowed on a row.
    TooLargeToScale,
    NotInRoster {
        column: String,
        payee: String,
        suggestion: String,
    },
    SecondLookupRow {
        payee: String,
        bucket: String,
        input: String,
    },
    NoPayees {
        input: String,
        column: String,
    },
    SpanTooLong {
        first: String,
        first_at: String,
        last: String,
        months: usize,
        max: usize,
    },
    UnknownPayee {
        payee: String,
        suggestion: String,
    },
    /// A curve point where the payout reads more than the curve's base.
    NotOnlyTheBase,
    /// A row's value inside an aggregate is a fraction no decimal holds (`amount / 3`).
    NotADecimalInRow {
        expr: String,
        shown: String,
    },
    /// An exact result whose numerator or denominator exceeds the bound.
    TooPrecise {
        expr: String,
        bits: u64,
    },
    /// A range wholly outside the months the summed ledgers span. `spans`: each file's first and
    /// last month (`sales.csv 2026-01 to 2026-03`).
    RangeMatchesNoRow {
        range: String,
        spans: Vec<String>,
    },
    // E0321-E0339: rows that name other rows, and rosters over time (issue 10).
    /// A reference column naming no row of the input it refers to.
    UnknownReference {
        column: String,
        value: String,
        input: String,
        suggestion: String,
    },
    /// The credit shares of one row do not total 100%. `total` as a percent.
    SharesNotWhole {
        key: String,
        input: String,
        total: String,
    },
    /// The rows naming one row total more than its column allows (`within`).
    /// `reached`: the total and the limit in words.
    WithinExceeded {
        column: String,
        key: String,
        reached: String,
    },
    /// Managers that name each other round a circle: `ids` in order.
    ManagerCycle {
        ids: Vec<String>,
    },
    /// A row dated before its payee was hired.
    BeforeStart {
        payee: String,
        date: String,
        start: String,
    },
    /// A value the statement needs has no row (`targets.target` for a payee and quarter).
    NoRowFor {
        input: String,
        column: String,
        payee: String,
        period: String,
    },
}

impl Kind for EvalKind {
    fn describe(&self) -> Described {
        use EvalKind::*;
        match self {
            TooLarge { what } => {
                Described::new("E0301", format!("the {what} is too large to compute exactly")).label("while computing this")
            }
            ResultTooLarge => Described::new("E0301", "the result is too large to compute exactly")
                .label("while computing this")
                .help("check the amounts and rates involved"),
            TooLargeToRound => {
                Described::new("E0301", "the amount is too large to round").label("while computing this")
            }
            NoValue { expr, what } => Described::new(
                "E0302",
                format!("`{expr}` has no value, so the component cannot say what it {what}"),
            )
            .label("while computing this")
            .help("a value is missing (no matching row, or an average of no rows); give a fallback with `default`, e.g. `... default 0`"),
            DivisionByZero { expr } => Described::new("E0303", format!("division by zero in `{expr}`"))
                .label("while computing this")
                .help("guard the division, e.g. `if x = 0 then 0 else y / x`"),
            NoTableRow { table, keys } => {
                Described::new("E0304", format!("table `{table}` has no row for ({keys})"))
                    .label("while computing this")
                    .help("add a row for these keys, or an `else -> ...` row")
            }
            TooLargeToScale => Described::new("E0301", "an amount is too large to scale"),
            NotInRoster { column, payee, suggestion } => {
                Described::new("E0305", format!("`{column}` is `{payee}`, who is not in the roster"))
                    .help(format!("{suggestion}; add them to the roster, or correct the id"))
            }
            SecondLookupRow { payee, bucket, input } => {
                Described::new("E0306", format!("a second row for payee `{payee}` in {bucket}")).help(format!(
                    "`{input}` must have one row per payee and period, because the policy reads single values from it"
                ))
            }
            NoPayees { input, column } => Described::new(
                "E0307",
                format!("no payees: input `{input}` has no rows, so there is no `{column}` to pay"),
            )
            .help("check that this is the ledger you meant; it has a header line but no data"),
            SpanTooLong { first, first_at, last, months, max } => Described::new(
                "E0308",
                format!("the ledgers run from `{first}` ({first_at}) to `{last}`, {months} months, and no range was given"),
            )
            .help(format!(
                "a date may have a mistyped year; to run more than {max} months, give the range with `--from` and `--to`"
            )),
            UnknownPayee { payee, suggestion } => {
                Described::new("E0309", format!("no payee `{payee}` in this run")).help(suggestion.clone())
            }
            NotOnlyTheBase => Described::new(
                "E0310",
                "the payout depends on more than its base (another aggregate or a lookup)",
            )
            .label("while computing this")
            .help("a curve varies one base; this component reads other ledger values too"),
            NotADecimalInRow { expr, shown } => Described::new(
                "E0311",
                format!("`{expr}` is {shown} on this row, a fraction no decimal holds exactly"),
            )
            .label("while computing this")
            .help("a row's value is added up exactly, so it must be a decimal: divide after adding up, e.g. `sum(amount) / 3` rather than `sum(amount / 3)`"),
            TooPrecise { expr, bits } => Described::new(
                "E0312",
                format!("`{expr}` needs more than {bits} bits to be held exactly"),
            )
            .label("while computing this")
            .help("the plan's arithmetic is exact up to its rounding; round an intermediate figure with `round(...)`, or check the divisions involved"),
            RangeMatchesNoRow { range, spans } => Described::new(
                "E0320",
                format!("the range {range} is outside the months of the ledgers: {}", spans.join("; ")),
            )
            .help("every statement would be zero; check the range (a mistyped year?) and the files given with `--data`"),
            UnknownReference { column, value, input, suggestion } => {
                Described::new("E0321", format!("`{column}` is `{value}`, which names no row of `{input}`"))
                    .help(format!("{suggestion}; a row can only name a row that exists"))
            }
            SharesNotWhole { key, input, total } => Described::new(
                "E0322",
                format!("the credit shares of `{key}` in `{input}` total {total}, not 100%"),
            )
            .help("the shares of one row must add up to exactly 100%, so that the row is credited once, whole"),
            WithinExceeded { column, key, reached } => Described::new(
                "E0323",
                format!("the `{column}` of the rows naming `{key}` reach {reached}"),
            )
            .help("more cannot be cancelled than was sold: check this row and the earlier ones naming the same row"),
            ManagerCycle { ids } => Described::new(
                "E0324",
                format!("managers form a circle: {}", ids.join(" -> ")),
            )
            .help("somebody in the circle must report to someone outside it, or to nobody (an empty manager)"),
            BeforeStart { payee, date, start } => Described::new(
                "E0325",
                format!("this row is dated {date}, before `{payee}` was hired on {start}"),
            )
            .help("correct the row's date or payee, or the hire date in the roster"),
            NoRowFor { input, column, payee, period } => Described::new(
                "E0326",
                format!("`{input}.{column}` has no row for payee `{payee}` and {period}"),
            )
            .help(format!("add the row to `{input}`: the plan needs it for this statement, and paying without it would guess")),
        }
    }
}

pub const CODES: &[Code] = &[
    Code {
        id: "E0301",
        title: "a figure too large to compute exactly",
        explanation: "\
A sum, a product, a rounding or a scaled amount does not fit an exact decimal (about 28
significant digits). The program never rounds silently to make it fit: the run stops.

What to do: look for an amount in the ledger with a mistyped order of magnitude, or a rate
written as a whole number (`500` where `5%` was meant).",
    },
    Code {
        id: "E0302",
        title: "an amount with no value",
        explanation: "\
The expression that a component pays, caps or floors with has no value for this payee and
period: a lookup found no row (no survey this quarter), or an average was taken over no rows.
A missing value is never read as zero without being told.

What to do: give a fallback with `default`, e.g. `surveys.satisfaction default 0%`, or gate the
component with a `when` that is false when the value is missing.",
    },
    Code {
        id: "E0303",
        title: "division by zero",
        explanation: "\
A division's divisor was zero for this payee and period (a target of zero, no sales).

What to do: guard the division, e.g. `if target = 0 then 0 else sales / target`.",
    },
    Code {
        id: "E0304",
        title: "a rate table with no row for the keys",
        explanation: "\
A rate table was looked up with keys that match none of its rows, and it has no `else` row.
The checker refuses tables that miss a declared enumeration value; this happens with keys from
free text columns.

What to do: add a row for these keys, or an `else -> ...` row that says what the rest pay.",
    },
    Code {
        id: "E0305",
        title: "a payee not in the roster",
        explanation: "\
With a roster, every ledger row's payee must be a roster row's key: a sale for someone not in
the roster would otherwise be paid to nobody, or to a person the plan knows nothing about.

What to do: add the person to the roster, or correct the id in the ledger (the message
suggests the nearest roster id).",
    },
    Code {
        id: "E0306",
        title: "a second row where the plan reads one value",
        explanation: "\
The policy reads a single value from this input per payee and period (for example
`surveys.satisfaction`), so the input may have only one row per payee and period; a second
one would leave the plan to guess which counts.

What to do: remove or merge the duplicate row, or aggregate the column instead
(`avg(surveys.satisfaction)`).",
    },
    Code {
        id: "E0307",
        title: "no payees",
        explanation: "\
The input that names the payees has a header line and no rows, so there is nobody to pay. An
empty run would look like \"nobody earned anything\"; far more often the wrong file was given.

What to do: check the file given with `--data`.",
    },
    Code {
        id: "E0308",
        title: "ledgers spanning more months than a run covers unasked",
        explanation: "\
Without `--period` or `--from`/`--to`, a run covers the months its ledgers span. A date with a
mistyped year (2062 for 2026) would silently add decades of empty statements, so a span longer
than 24 months must be asked for. The message names the row with the outlying date.

What to do: correct the date, or give the range with `--from` and `--to`.",
    },
    Code {
        id: "E0309",
        title: "an unknown payee",
        explanation: "\
The payee asked for (`--payee`) has no statement in this run: the id is not in the ledgers (or
the roster) for the months read.

What to do: check the id; the message suggests the nearest ids of the run.",
    },
    Code {
        id: "E0310",
        title: "a curve of a payout that reads more than its base",
        explanation: "\
`commission curve` varies one figure, the component's base (its tier base, or the first amount
it aggregates), and computes the payout at each value. A component whose payout also reads
another aggregate or a lookup (a satisfaction score, a second sum) has no single curve: those
figures have no value on it.

What to do: chart a component whose payout follows from its base, or split the component.",
    },
    Code {
        id: "E0311",
        title: "a row's value that is not a decimal",
        explanation: "\
Inside `sum(...)`, `avg(...)`, `min(...)` and `max(...)` each row's value is added up exactly,
in decimals. A row's value that is a fraction with no decimal form (`amount / 3`, `amount /
1.13`) would have to be rounded on every row, and the rounding errors would add up unseen, so
the run is refused instead.

What to do: divide after adding up (`sum(amount) / 1.13`): the statement's arithmetic is exact
over fractions, and only the component's rounding turns the result into an amount.",
    },
    Code {
        id: "E0312",
        title: "a figure too precise to hold exactly",
        explanation: "\
A statement's arithmetic is exact: fractions such as 1/3 are kept as fractions until the
component rounds its amount. To keep that bounded, a figure whose numerator or denominator
needs more than 256 bits (about 77 digits) is refused rather than rounded. Ordinary plans
stay far below this; reaching it means a chain of divisions by awkward numbers, or amounts and
rates far outside the plan's range.

What to do: round an intermediate figure with `round(...)` (for example a ratio to 0.0001), or
check the figures the message names.",
    },
    Code {
        id: "E0320",
        title: "a range that matches no row",
        explanation: "\
The range given with `--period` or `--from`/`--to` lies wholly outside the months the ledgers
span (from the first row's month to the last's, in the inputs the plan sums over, such as
sales): a run would pay everyone zero, and a mistyped range (`2025-Q1` for `2026-Q1`) would
look like a quarter without sales. The message names the months each ledger spans. A survey
alone in the range does not make a run. When the summed inputs reach into the range and
another input does not (no survey this quarter), the run goes on and warns (C0102).

What to do: correct the range, or give the ledgers for it.",
    },
    Code {
        id: "E0321",
        title: "a row naming a row that does not exist",
        explanation: "\
A column whose type is another input (`sale: sales`, `manager: roster`) names a row of that input
by its key. This value names none: a cancellation of a sale not in the sales ledger, a credit
for an unknown sale, a manager who is not in the roster.

What to do: correct the id, or add the missing row.",
    },
    Code {
        id: "E0322",
        title: "credit shares that do not total 100%",
        explanation: "\
With `credit sales by credits.share`, the credits rows of one sale split it among payees; their
shares must add up to exactly 100%, or part of the sale would be paid twice or not at all.

What to do: correct the shares of the sale named.",
    },
    Code {
        id: "E0323",
        title: "more taken back than there was",
        explanation: "\
`amount: money within sale.amount` says that the rows naming one row total at most that row's
amount: the cancellations of a sale cannot cancel more than was sold.

What to do: correct the amounts, or the sale named.",
    },
    Code {
        id: "E0324",
        title: "managers in a circle",
        explanation: "\
The roster's manager column forms a circle (A reports to B, B to A): overrides on reports would
have no top.

What to do: correct the manager of somebody in the circle.",
    },
    Code {
        id: "E0325",
        title: "a row dated before its payee was hired",
        explanation: "\
A dated row of a payee falls before the day the roster says they were hired (`start`). Either
the row or the hire date is wrong, and proration would pay for days not employed.

What to do: correct the row, or the hire date.",
    },
    Code {
        id: "E0326",
        title: "a value the statement needs has no row",
        explanation: "\
A component reads a value from an input with one row per payee and period (a quarterly target),
and the statement's payee has no row for the period. The plan does not say what to pay then,
and the program does not guess.

What to do: add the row (a target of 0 if that is meant), or write `targets.target default 0`
in the policy.",
    },
];
