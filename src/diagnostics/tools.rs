//! The tools around `run` (`E05xx`): test blocks, curves, comparisons, budgets and reports.
//!
//! Two enums, because the tools meet two kinds of problem:
//! - [`TestKind`] (`E0501`-`E0512`): mistakes in a policy's `test` blocks, found when the
//!   policy is checked. They are problems of the policy ([`Problem`](super::Problem)s with
//!   labelled spans, exit code 1), like the checker's.
//! - [`ToolKind`] (`E0513`-`E0518`, `E0520`-`E0524`, `E0555`): what `curve`, `diff`, `budget`, `report` and `generate` refuse once
//!   the policy is fine: a plan they cannot chart or measure, two plans they cannot compare,
//!   totals they cannot add exactly. They point at no span ([`DataError`](super::DataError)s,
//!   exit code 2).
//!
//! - [`SqlKind`] (`E0560`-`E0579`): what `commission sql` cannot compile for a dialect (a
//!   policy problem pointing at the construct, exit code 1) and its `--table` arguments.
//!
//! A tool's argument that names nothing (`--by`, `--sales`, `--explain`, the curve's range)
//! is an argument problem, in [`io`](super::io).

use super::code::{Code, Described, Kind};

/// A mistake in a `test` block. Labels are given for the spans the caller passes, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestKind {
    /// Spans: the second test's name, the first's.
    DuplicateName { name: String },
    /// Span: the test's name.
    NoPeriod { name: String },
    /// Span: the second `period`.
    SecondPeriod,
    /// Span: the period written.
    NotAPeriod { text: String },
    /// Span: the input's name of the block.
    UnknownInput { input: String, suggestion: String },
    /// Span: the input's name of the second block.
    RowsTwice { input: String },
    /// Span: the block's body.
    NoRows { input: String },
    /// A row the ledger reader refused, with the reader's words. Span: the row.
    RowRejected { input: String, message: String, help: Option<String> },
    /// No rows for the input that names the payees. Span: the test's name.
    NobodyPaid { input: String, column: String },
    /// Span: the component named in `expect`.
    UnknownComponent { component: String, suggestion: String },
    /// Span: the `expect` line.
    UnknownPayee { payee: String, suggestion: String },
    /// Span: the tolerance.
    NegativeTolerance,
    /// Span: the test's name.
    ExpectsNothing { name: String },
}

impl Kind for TestKind {
    fn describe(&self) -> Described {
        use TestKind::*;
        match self {
            DuplicateName { name } => Described::new("E0501", format!("two tests are named `{name}`"))
                .label("second test")
                .label("first test")
                .help("give each test its own name, so that a failure says which one"),
            NoPeriod { name } => Described::new("E0502", format!("test `{name}` has no period"))
                .label("no `period`")
                .help("add the period it runs over, e.g. `period 2026-01`"),
            SecondPeriod => Described::new("E0502", "a test has one period")
                .label("second period")
                .help("a test runs over one month, quarter or year; write another test for another period"),
            NotAPeriod { text } => Described::new("E0503", format!("`{text}` is not a period"))
                .label("not a period")
                .help("write a month `2026-01`, a quarter `2026-Q1` or a year `2026`"),
            UnknownInput { input, suggestion } => Described::new("E0504", format!("unknown input `{input}`"))
                .label("not declared")
                .help(suggestion.clone()),
            RowsTwice { input } => Described::new("E0505", format!("rows for `{input}` are given twice"))
                .label("second block")
                .help("put all rows of an input in one block"),
            NoRows { input } => Described::new("E0506", format!("no rows for `{input}`"))
                .label("a header line and no rows")
                .help("write the header line, then one row per line; leave the block out if the input has no rows"),
            RowRejected { input, message, help } => {
                Described::new("E0507", format!("test row for `{input}`: {message}"))
                    .label("this row")
                    .maybe_help(help.clone())
            }
            NobodyPaid { input, column } => {
                Described::new("E0508", format!("the test has no rows for `{input}`, so nobody is paid"))
                    .label("this test")
                    .help(format!(
                        "add `{input} {{ ... }}` with a header line and rows; payees are the `{column}` values"
                    ))
            }
            UnknownComponent { component, suggestion } => {
                Described::new("E0509", format!("unknown component `{component}`"))
                    .label("not a component")
                    .help(suggestion.clone())
            }
            UnknownPayee { payee, suggestion } => {
                Described::new("E0510", format!("`{payee}` is not a payee in this test's rows"))
                    .label("unknown payee")
                    .help(suggestion.clone())
            }
            NegativeTolerance => Described::new("E0511", "a tolerance cannot be negative").label("negative"),
            ExpectsNothing { name } => Described::new("E0512", format!("test `{name}` expects nothing"))
                .label("no `expect`")
                .help("add a figure to check, e.g. `expect M1 sales_performance = 5000.00`"),
        }
    }
}

/// What `curve`, `diff`, `budget` and `report` refuse about a checked plan and its ledgers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolKind {
    /// `curve`: the component has neither tiers nor an aggregate to vary.
    NoBase { component: String },
    /// `diff`: the plans' currency codes.
    DifferentCurrencies { old: String, new: String },
    /// `budget`: no money column of a dated, per-payee input.
    NoSalesMeasure,
    /// `budget`: several, and no `--sales`; `names` are `input.column`.
    SeveralSalesMeasures { names: Vec<String> },
    /// `budget`: a total of payouts or sales by group.
    TotalsTooLarge,
    /// `budget`: the sales of a payee and period.
    SalesTooLarge,
    /// `budget`: the marginal payout.
    PayoutTooLarge,
    /// `report`: the team page's totals.
    TeamTotalsTooLarge,
    /// A pass over the ledgers that returned no run (a bug, never a ledger's fault).
    NothingEvaluated,
    /// `run --then`: versions that cannot follow each other; `detail` says why.
    VersionsDoNotChain { detail: String },
    /// `generate`: a parameter outside what it can write exactly. `value` as given, `range`
    /// in words.
    GenerateOutOfRange { flag: &'static str, value: String, range: String },
    /// `generate`: the parameters would write more sales rows than `max` (`rows` at least).
    GenerateTooManyRows { rows: String, max: String },
    /// `generate`: a file it would write exists already (the path as shown).
    OutputExists { file: String },
    /// `curve`: a `--base` bound beyond `max` in size.
    CurveBaseOutOfRange { max: String },
    /// `curve`: the payout at `base` is beyond `max` in size.
    CurvePayoutTooLarge { base: String, max: String },
    /// `init --from`: a header that is not a name a policy can declare; `suggestion` is one
    /// that is.
    InitColumnNotAName { column: String, suggestion: String },
    /// `init --from`: two columns of the header with the same name.
    InitColumnTwice { column: String },
    /// `init --from`: a file with no header row.
    InitNoHeader,
    /// `init --name`: not a name a policy can give an input.
    InitInputNotAName { name: String },
    /// `lsp`: the connection to the editor failed (the editor's words or the reader's).
    LanguageServerConnection { error: String },
}

impl Kind for ToolKind {
    fn describe(&self) -> Described {
        use ToolKind::*;
        match self {
            NoBase { component } => Described::new("E0513", format!("`{component}` has no base to vary"))
                .help("a curve varies a tier's base, or the amount a component aggregates; this one has neither"),
            DifferentCurrencies { old, new } => {
                Described::new("E0514", format!("the two policies pay in different currencies (`{old}` and `{new}`)"))
                    .help("a comparison needs both plans in one currency")
            }
            NoSalesMeasure => Described::new("E0515", "the policy has no sales amount to measure the cost against")
                .help("a budget needs a `money` column in an input with `payee` and `period` (a date)"),
            SeveralSalesMeasures { names } => {
                Described::new("E0516", "the policy has several sales amounts; say which with `--sales`")
                    .help(format!("one of: {}", names.join(", ")))
            }
            TotalsTooLarge => {
                Described::new("E0517", "the totals are too large to add up exactly").help("check the ledger's amounts")
            }
            SalesTooLarge => Described::new("E0517", "the sales are too large to add up exactly"),
            PayoutTooLarge => Described::new("E0517", "the payout is too large to add up"),
            TeamTotalsTooLarge => Described::new("E0517", "the team's totals are too large to add up exactly"),
            NothingEvaluated => Described::new("E0518", "nothing was evaluated"),
            VersionsDoNotChain { detail } => Described::new("E0519", format!("these versions cannot follow each other: {detail}"))
                .help("each version after the first says from which month it pays (`effective 2027-07` in its header), in order, and all read the same inputs in the same currency"),
            GenerateOutOfRange { flag, value, range } => {
                Described::new("E0520", format!("`{flag} {value}` is out of range"))
                    .help(format!("{flag} takes {range}"))
            }
            GenerateTooManyRows { rows, max } => Described::new(
                "E0521",
                format!("these parameters would write at least {rows} sales rows, more than the limit of {max}"),
            )
            .help("use fewer months or payees, or a larger --average-sale"),
            OutputExists { file } => Described::new("E0522", format!("`{file}` exists already")).help(
                "generate does not replace files: write to a new folder, or add --force to replace the files it writes",
            ),
            CurveBaseOutOfRange { max } => Described::new("E0523", format!("the base range goes beyond ±{max}"))
                .help("chart a range of bases a payee can sell"),
            CurvePayoutTooLarge { base, max } => {
                Described::new("E0524", format!("at a base of {base} the component pays more than ±{max}"))
                    .help("chart a smaller range of bases, or check the plan's brackets and amounts")
            }
            InitColumnNotAName { column, suggestion } => {
                Described::new("E0550", format!("the column `{column}` cannot be named in a policy"))
                    .help(format!("rename it in the file's header, e.g. to `{suggestion}`: a column's name is letters (any script), digits and `_`, not starting with a digit, and not a word of the language such as `in` or `from`"))
            }
            InitColumnTwice { column } => Described::new("E0551", format!("two columns are named `{column}`"))
                .help("rename one of them in the file's header: a policy tells columns apart by name"),
            InitNoHeader => Described::new("E0552", "the file has no header row")
                .help("the first row of a ledger names its columns, e.g. `id,date,manager,amount`"),
            InitInputNotAName { name } => Described::new("E0553", format!("`{name}` cannot name an input"))
                .help("give `--name` letters (any script), digits and `_`, not starting with a digit, e.g. `--name sales`"),
            LanguageServerConnection { error } => {
                Described::new("E0555", format!("the language server lost its editor: {error}")).help(
                    "`commission lsp` is started by an editor, which speaks the language server protocol on its standard input and output",
                )
            }
        }
    }
}

/// What `commission sql` refuses: a construct with no exact SQL form (a policy problem; the
/// span is the construct), or a `--table` argument that names nothing (an argument problem).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlKind {
    /// Span: the division. `divisor` is the policy text of the divisor.
    Division { divisor: String },
    /// Span: the `avg(...)`.
    Average,
    /// Span: the expression. `places` needed, `max` allowed.
    TooManyDecimals { places: u32, max: u32 },
    /// Span: the component (or `round(...)`). `step` as written.
    RoundingStep { step: String },
    /// Span: the comparison.
    PeriodOrder,
    /// Span: the payee column. `ty` its declared type.
    PayeeNotText { ty: String },
    /// `--table NAME=TABLE` naming no input. `suggestion` in words.
    UnknownTable { name: String, suggestion: String },
    /// `--table` without `=` or with an empty side.
    TableArgument { text: String },
    /// A construct of plans over time and people (history, credit splits, reports, joins,
    /// proration). Span: the construct. `construct` in words.
    OverTime { construct: String },
}

impl Kind for SqlKind {
    fn describe(&self) -> Described {
        use SqlKind::*;
        match self {
            Division { divisor } => {
                Described::new("E0560", format!("SQL cannot divide exactly by `{divisor}`"))
                    .label("this division")
                    .help("`commission sql` compiles a division only by a constant whose quotient ends (2, 4, 5, 10, 100, 0.5 ...); run this policy with `commission run`")
            }
            Average => Described::new("E0561", "`avg` is not compiled to SQL")
                .label("this average")
                .help("an average is a quotient that may not end; SQL engines cut it short. Run this policy with `commission run`"),
            TooManyDecimals { places, max } => {
                Described::new("E0562", format!("this amount needs {places} decimal places in SQL, more than {max}"))
                    .label("computed here")
                    .help("SQL decimals hold 38 digits; round the figure (`round(..., 0.01)`) before multiplying it further")
            }
            RoundingStep { step } => Described::new("E0563", format!("SQL cannot round exactly to steps of `{step}`"))
                .label("rounded here")
                .help("`commission sql` rounds to steps whose inverse is a decimal (0.01, 0.05, 1, 10 ...)"),
            PeriodOrder => Described::new("E0564", "periods of different kinds are not ordered in SQL")
                .label("this comparison")
                .help("order periods of one kind (two months, two quarters), compare them with `=` or `in [...]`, or compare dates"),
            PayeeNotText { ty } => Described::new("E0565", format!("the payee column is `{ty}`, not text"))
                .label("the payee column")
                .help("`commission sql` identifies payees by text ids; declare the column `text`"),
            UnknownTable { name, suggestion } => {
                Described::new("E0566", format!("`--table {name}=...` names no input of the policy")).help(suggestion.clone())
            }
            OverTime { construct } => Described::new("E0568", format!("{construct} is not compiled to SQL yet"))
                .label("not compiled")
                .help("run this plan with `commission run`; the SQL compiler covers plans whose statements read only their own payee's rows of their own period"),
            TableArgument { text } => Described::new("E0567", format!("`--table {text}` is not NAME=TABLE"))
                .help("write the input's name, `=`, and the table's name, e.g. `--table sales=warehouse.sales_2026`"),
        }
    }
}

pub const CODES: &[Code] = &[
    Code {
        id: "E0501",
        title: "two tests with one name",
        explanation: "\
Two `test` blocks of the policy have the same name. `commission test` reports each failure by
its test's name, so a shared name would leave you guessing which test failed.

What to do: give each test its own name.",
    },
    Code {
        id: "E0502",
        title: "a test without exactly one period",
        explanation: "\
A `test` block runs the plan over one period, given by one `period` line (a month `2026-01`,
a quarter `2026-Q1` or a year `2026`). This test has no `period` line, or a second one: the
program will not guess which months the expected figures are for.

What to do: give the test one `period`; write another test for another period.",
    },
    Code {
        id: "E0503",
        title: "a test period that is not a period",
        explanation: "\
The `period` line of a `test` block could not be read. Periods are written as a month
`2026-01`, a quarter `2026-Q1` or a year `2026`.

What to do: write the period in one of these forms.",
    },
    Code {
        id: "E0504",
        title: "test rows for an unknown input",
        explanation: "\
A block of rows in a `test` is headed by the name of an input the policy declares
(`sales { ... }`). This name is not one of them, so the rows would be read as nothing and the
test would check figures computed without them.

What to do: use the input's declared name; the message suggests the nearest.",
    },
    Code {
        id: "E0505",
        title: "test rows given twice for one input",
        explanation: "\
A `test` has two blocks of rows for the same input. A test reads one block per input, as
`run` reads one file per input, and the program will not merge or pick one for you.

What to do: put all the rows of an input in one block.",
    },
    Code {
        id: "E0506",
        title: "a test block with a header and no rows",
        explanation: "\
A block of test rows has its header line and no row. An input with no rows is written by
leaving its block out, so a block with none is more likely a mistake: rows were forgotten.

What to do: write one row per line after the header, or leave the block out.",
    },
    Code {
        id: "E0507",
        title: "a test row the ledger reader refuses",
        explanation: "\
The rows of a `test` block are read by the same reader as a ledger file and held to exactly
the same rules (declared columns, values of an enumeration, dates, decimals of the currency),
so that a test cannot pass on a row a real ledger could not have. The words after the colon
are the reader's, and the row it refused is pointed at.

What to do: correct the row as you would correct a ledger.",
    },
    Code {
        id: "E0508",
        title: "a test whose rows pay nobody",
        explanation: "\
Payees come from one input (the one of the policy's `payee` line), and this test gives no rows
for it, so the test has nobody to pay and nothing its `expect` lines could check.

What to do: add a block of rows for that input, with a header line; the payees are the values
of its payee column.",
    },
    Code {
        id: "E0509",
        title: "an `expect` of an unknown component",
        explanation: "\
An `expect PAYEE COMPONENT = FIGURE` line names a component the policy does not have. A test
can check each component by its name (not its label), or `total`.

What to do: use a component's name; the message suggests the nearest.",
    },
    Code {
        id: "E0510",
        title: "an `expect` of an unknown payee",
        explanation: "\
An `expect` line names a payee that is not in the test's own rows of the input that names the
payees. A test computes only from its rows, so this payee's figure would be zero whatever the
plan says, and the test would check nothing.

What to do: correct the payee's id, or add rows for them.",
    },
    Code {
        id: "E0511",
        title: "a negative tolerance",
        explanation: "\
`expect ... = FIGURE within TOLERANCE` accepts a computed figure within TOLERANCE of the
expected one, either way. A negative tolerance would accept nothing, not even the exact figure.

What to do: write the tolerance as a positive amount, e.g. `within 0.01`, or leave it out for
an exact comparison.",
    },
    Code {
        id: "E0512",
        title: "a test that expects nothing",
        explanation: "\
A `test` block has no `expect` line, so it would always pass while checking nothing.

What to do: add a figure to check, e.g. `expect M1 sales_performance = 5000.00`, or remove the
test.",
    },
    Code {
        id: "E0513",
        title: "a component with no base to chart",
        explanation: "\
`commission curve` varies one figure, the component's base, and charts the payout: the base
of its tier table, or else the amount it aggregates (`sum(sales.amount)`). This component has
neither (it pays a fixed amount, or a lookup), so there is nothing to vary.

What to do: chart a component with tiers or an aggregate.",
    },
    Code {
        id: "E0514",
        title: "plans in different currencies",
        explanation: "\
`commission diff` subtracts one plan's payouts from the other's. The two policies declare
different currencies, and amounts in two currencies cannot be subtracted without an exchange
rate the program does not have.

What to do: compare plans of one currency.",
    },
    Code {
        id: "E0515",
        title: "no sales amount to measure a budget against",
        explanation: "\
`commission budget` gives the payout as a share of sales, so it needs a sales amount: a
`money` column of an input that has a payee and a date (or month) column. The policy declares
none.

What to do: declare the amount column as `money` in such an input.",
    },
    Code {
        id: "E0516",
        title: "several sales amounts to measure a budget against",
        explanation: "\
`commission budget` gives the payout as a share of sales, and the policy has several `money`
columns in dated inputs with a payee (an amount and a margin, say). Which one is \"sales\" is
the analyst's choice, not the program's.

What to do: name it with `--sales INPUT.COLUMN`; the message lists the candidates.",
    },
    Code {
        id: "E0517",
        title: "a total too large to add up exactly",
        explanation: "\
A budget or report total (of payouts or of sales) does not fit an exact decimal (about 28
significant digits). The program never rounds silently to make it fit: it stops.

What to do: look for an amount in the ledger with a mistyped order of magnitude.",
    },
    Code {
        id: "E0518",
        title: "nothing was evaluated",
        explanation: "\
The plans were run over the ledgers and no result came back. This should never happen, and
is not caused by the policy or the ledgers: it is a fault in the program.

What to do: report it, with the command that gave it.",
    },
    Code {
        id: "E0519",
        title: "plan versions that cannot follow each other",
        explanation: "\
`commission run first.policy --then second.policy` runs each month with the version in effect:
the latest whose `effective` month (in its header) is not after it. Each version after the
first must say from which month it pays, later than the one before, and every version must read
the same inputs (the same columns) in the same currency, with the same payees, so that one
month's statements can be read back by the next version's (a true-up over a quarter that spans
the change, a year-to-date cap).

What to do: add or correct the `effective` months, or make the inputs agree.",
    },
    Code {
        id: "E0520",
        title: "a `generate` parameter out of range",
        explanation: "\
`commission generate` writes amounts as whole fen and a number of payees it can hold in
memory. It takes at most 100,000 payees, company sales of at most 1,000,000,000,000 a month,
and an average sale from 0.01 up to the month's sales. Beyond these it would have written
zero sales, or crashed; it refuses instead, naming the parameter.

What to do: give a value in the range the help line names.",
    },
    Code {
        id: "E0521",
        title: "`generate` would write too many rows",
        explanation: "\
The parameters ask for more than 10,000,000 sales rows (each payee gets at least one sale a
month, and a month's sales are cut into sales of about `--average-sale`). A ledger that size
is not a trial ledger; writing it would take minutes and gigabytes.

What to do: use fewer months or payees, or a larger `--average-sale`.",
    },
    Code {
        id: "E0522",
        title: "`generate` would replace an existing file",
        explanation: "\
The output folder already holds a file of the name `generate` writes (`sales.csv`,
`surveys.csv`, `roster.csv`). It may be a real ledger; `generate` never replaces one without
being told.

What to do: write to a new or empty folder, or add `--force` to replace the files it writes
(other files in the folder are never touched).",
    },
    Code {
        id: "E0523",
        title: "a curve's base range too large",
        explanation: "\
`commission curve --base FROM..TO` takes bases up to 1,000,000,000,000,000 (a thousand
trillion) in size: far above any sale, and small enough that every point, bound and step is
computed exactly.

What to do: chart a range of bases a payee can reach.",
    },
    Code {
        id: "E0524",
        title: "a payout too large to chart",
        explanation: "\
At some base of the range, the component pays more than 1,000,000,000,000,000 in size. The
chart's scales, cliffs and effective rates are computed from the payouts, exactly; a payout
that large is almost always a mistyped bracket or amount.

What to do: chart a smaller range of bases, or check the brackets and amounts of the plan.",
    },
    Code {
        id: "E0550",
        title: "a ledger column with a name a policy cannot use",
        explanation: "\
`commission init --from` writes an input block naming every column of the ledger's header,
and a policy names a column the way it names everything else: letters (any script, so
`金额` is fine), digits and `_`, not starting with a digit, and not one of the language's
words (`in`, `from`, `and`...). A header such as `Sales Amount` or `2026 total` cannot be
written in a policy, and a ledger is matched to its input by the header's exact names.

What to do: rename the column in the file's header (the message suggests a name), then run
`init` again.",
    },
    Code {
        id: "E0551",
        title: "a ledger header naming two columns alike",
        explanation: "\
`commission init --from` found two columns with the same name in the ledger's header. A
policy tells columns apart by name, and a run could not know which of the two is meant.

What to do: rename one of them in the file's header.",
    },
    Code {
        id: "E0552",
        title: "a ledger with no header row",
        explanation: "\
`commission init --from` reads a ledger's first row as the names of its columns and the rows
after it as samples of their values. This file has no row at all (or only blank lines).

What to do: check that the path is the ledger meant, and that its first row names the
columns.",
    },
    Code {
        id: "E0553",
        title: "an input name that is not a name",
        explanation: "\
`commission init --name` gives the input block its name, which a policy then uses
(`sum(sales.amount)`). A name is letters (any script), digits and `_`, not starting with a
digit, and not a word of the language. Without `--name`, the file's name is used (`sales`
for `sales.csv`), made into such a name.

What to do: give `--name` a name such as `sales` or `surveys`.",
    },
    Code {
        id: "E0555",
        title: "the language server lost its editor",
        explanation: "\
`commission lsp` is a language server: an editor starts it and speaks the language server
protocol with it over its standard input and output. The connection broke: the editor
closed it without asking the server to shut down, or sent something that is not the
protocol (for example, when `commission lsp` is typed in a terminal).

What to do: let the editor start the server (the VS Code extension in `editors/vscode`
does); if the editor's log shows this after a crash, restart the editor's language client.",
    },
    Code {
        id: "E0560",
        title: "a division SQL cannot compute exactly",
        explanation: "\
`commission sql` writes a query whose figures equal `commission run`'s to the fen. `run`
divides exactly (a third stays a third until the component is rounded); SQL engines cut a
quotient short at a fixed number of places, or turn it into a binary float. So the compiler
only writes a division by a constant whose quotient always ends (2, 4, 5, 8, 10, 100,
0.5 ...), as an exact multiplication.

What to do: run this policy with `commission run`, or write the division by such a constant.",
    },
    Code {
        id: "E0561",
        title: "`avg` in a policy compiled to SQL",
        explanation: "\
An average is a sum divided by a count: a quotient that may not end (100 over 3 sales).
`commission run` keeps it exactly; SQL engines cut it short, so a comparison or a payout
made from it could differ by a fen. `commission sql` refuses it rather than write a query
that could compute something else.

What to do: run this policy with `commission run`.",
    },
    Code {
        id: "E0562",
        title: "an amount with too many decimal places for SQL",
        explanation: "\
SQL decimals hold 38 digits, split between the whole part and the decimal places.
`commission sql` keeps every decimal place of every product (2 for money, 10 for a
percentage column, the places of a written rate), so a product of several rates and
percentages can need more places than leave room for the whole part.

What to do: round an intermediate figure with `round(..., 0.01)` before multiplying it
further, or run the policy with `commission run`.",
    },
    Code {
        id: "E0563",
        title: "a rounding step SQL cannot round to exactly",
        explanation: "\
`commission sql` rounds by counting steps: the amount times the inverse of the step, rounded
to a whole number in the policy's mode, times the step. That is exact when the inverse of the
step is a decimal (0.01 -> 100, 0.05 -> 20, 10 -> 0.1), and not for a step such as 3.

What to do: round to such a step, or run the policy with `commission run`.",
    },
    Code {
        id: "E0564",
        title: "periods compared by order in SQL",
        explanation: "\
Months and quarters are text in SQL (`2026-03`, `2026-Q1`). Two months, or two quarters,
order as text as they do in `commission run`; a month and a quarter do not, so the compiler
refuses to order them.

What to do: order periods of one kind, compare them with `=`, `!=` or `in [...]`, or compare
a date column.",
    },
    Code {
        id: "E0565",
        title: "a payee column that is not text, in SQL",
        explanation: "\
In SQL the statements' `payee` column is text, and payees are matched by their text id;
`commission run` writes a numeric id in its own way. The compiler does not guess how the
engine would write it.

What to do: declare the payee column `text`.",
    },
    Code {
        id: "E0566",
        title: "`--table` names no input",
        explanation: "\
`commission sql --table NAME=TABLE` reads input NAME from another table. NAME must be an
input the policy declares.

What to do: use an input's name; the message suggests the nearest.",
    },
    Code {
        id: "E0567",
        title: "a `--table` argument that is not NAME=TABLE",
        explanation: "\
`--table` takes an input's name, `=`, and the table to read it from, qualified as the engine
wants it (`warehouse.sales_2026`).

What to do: write it in that form.",
    },
    Code {
        id: "E0568",
        title: "a construct over time or people that SQL does not compile yet",
        explanation: "\
Figures to date (`quarter_to_date`, `earlier_this_year`), a component's amount read by another,
credit splits, `for reports`, columns of a referenced row (`sale.date`), `employed`, `period`
and the date functions are computed by `commission run`, month after month. The SQL compiler
does not write them yet; rather than a query that pays differently, it refuses.

What to do: run the plan with `commission run`.",
    },
];
