//! Reading a policy's text (`E00xx`): what stops the text from being read as a policy at
//! all, before any name is given a meaning.
//!
//! Three moments find them: the prescan before pest sees the text (the file's size, the
//! operators of one expression, bracket nesting and matching), pest itself (text where the
//! grammar expected something else) and the building of the AST (a number too large to
//! hold exactly). Each is a [`Problem`](super::Problem) pointing into the policy (exit
//! code 1). pest stops at its first error, so a file shows one of these at a time.

use super::code::{Code, Described, Kind};

/// A problem reading a policy's text. Labels are given for the spans the caller passes, in
/// order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxKind {
    /// pest's error. `found`: the word or symbol where parsing stopped (empty at the end of
    /// the file); `expected`: what the grammar would have accepted, in words. Span: the word
    /// found.
    Unexpected { found: String, expected: String, hint: Option<SyntaxHint> },
    /// Span: the opening bracket.
    NeverClosed { open: char, close: char },
    /// Spans: the closing bracket of another kind, then the opening bracket.
    NotClosedBefore { open: char, close: char, found: char },
    /// Span: the closing bracket. `open`: the bracket it would close.
    ClosesNothing { close: char, open: char },
    /// Span: the number as written.
    NumberTooLarge { text: String },
    /// A percentage with more than 26 decimals: as a rate (÷ 100) it would need more than 28.
    /// Span: the percentage as written.
    PercentTooPrecise { text: String },
    /// Span: none (the start of the file).
    EmptyPolicy,
    /// Span: the start of the file.
    FileTooLarge { bytes: usize, max: usize },
    /// Span: the operator (or operator word) one over the limit.
    TooManyOperators { max: usize },
    /// Span: the bracket one too deep.
    NestedTooDeep { max: usize },
    /// A bidirectional control character (`c`, named `name`), anywhere in the text. Span: the
    /// character.
    BidiControl { c: char, name: &'static str },
    /// `20,000` as written. Span: the number with its commas.
    ThousandsComma { text: String },
    /// `&&` for `and`, `||` for `or`. Span: the symbol.
    SymbolForWord { written: String, word: &'static str },
    /// `4% of x`. `rate`: the percentage as written. Span: `of`.
    PercentOf { rate: String },
    /// `4 %`. `number`: as written. Span: the number to the sign.
    SpaceBeforePercent { number: String },
    /// `500 元`, `¥500`. Span: the sign.
    CurrencySign { sign: String },
    /// `cap 20_000` (or `floor`) among the declarations. Span: the word.
    LimitOutsideComponent { word: String },
    /// `2027-02-30`, `2027-13`: no such day or period. Span: the literal.
    BadDate { text: String },
}

/// What the grammar expected where pest stopped, when it is worth a help line: the one
/// construct whose form is explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxHint {
    TierMode,
    Cadence,
    RoundingMode,
    Bracket,
    BracketPay,
    Header,
    Declaration,
    Statement,
    Percent,
    StatementLimit,
}

impl SyntaxHint {
    fn text(self) -> &'static str {
        use SyntaxHint::*;
        match self {
            TierMode => "say how the brackets apply: `tiers flat` pays the whole amount at the reached bracket's rate (全额累进); `tiers marginal` pays each slice at its own bracket's rate (超额累进)",
            Cadence => "a component says how often it pays: `monthly`, `quarterly` or `yearly`",
            RoundingMode => "rounding modes are `half_up` (四舍五入), `half_even`, `down` and `up`, followed by a step such as `0.01`",
            Bracket => "each bracket reads `from <lower bound> rate <percent>` or `from <lower bound> fixed <amount>`",
            BracketPay => "a bracket pays `rate 5%` (a share of the base) or `fixed 2_000` (an amount)",
            Header => "a policy starts with `policy \"Name\" version \"2026.1\" currency CNY`",
            Declaration => "at the top level a policy has `input`, `payee`, `table`, `component` and `rounding` declarations",
            Statement => "inside a component: `let name = ...`, `when <condition>`, `pay <amount>`, `cap`, `floor`, `rounding`",
            Percent => "a rate is written as a percentage, e.g. `5%`",
            StatementLimit => "a limit on the whole statement reads `statement cap 20_000 per month` (or `statement floor ...`)",
        }
    }
}

impl Kind for SyntaxKind {
    fn describe(&self) -> Described {
        use SyntaxKind::*;
        match self {
            Unexpected { found, expected, hint } => {
                let found = if found.is_empty() { "end of file".to_string() } else { format!("`{found}`") };
                // The label repeats the expectation only when it is short; the message has it anyway.
                let label = if expected.chars().count() <= 40 {
                    format!("expected {expected}")
                } else {
                    "unexpected here".to_string()
                };
                Described::new("E0001", format!("unexpected {found}, expected {expected}"))
                    .label(label)
                    .maybe_help(hint.map(|h| h.text().to_string()))
            }
            NeverClosed { open, close } => Described::new("E0002", format!("`{open}` is never closed"))
                .label(format!("`{open}` opened here"))
                .help(format!("add the matching `{close}`; every `{open}` needs one")),
            NotClosedBefore { open, close, found } => {
                Described::new("E0002", format!("`{open}` is not closed before this `{found}`"))
                    .label(format!("expected `{close}` before this"))
                    .label(format!("`{open}` opened here"))
                    .help(format!("add the missing `{close}`"))
            }
            ClosesNothing { close, open } => Described::new("E0003", format!("`{close}` closes nothing"))
                .label("no matching opening bracket")
                .help(format!("remove it, or add the `{open}` it should close")),
            NumberTooLarge { text } => Described::new("E0004", format!("number `{text}` is too large or too precise"))
                .label("this number")
                .help("numbers may have up to 28 significant digits"),
            PercentTooPrecise { text } => Described::new("E0004", format!("percentage `{text}` is too precise"))
                .label("this percentage")
                .help("a percentage may have up to 26 decimals: as a rate it takes two more"),
            EmptyPolicy => Described::new("E0005", "empty policy").label("here"),
            FileTooLarge { bytes, max } => {
                Described::new("E0006", format!("policy is {bytes} bytes, more than the limit of {max}"))
                    .label("file starts here")
                    .help("split the plan, or check that this is the policy file you meant")
            }
            TooManyOperators { max } => Described::new("E0007", format!("expression has more than {max} operators"))
                .label("one too many")
                .help("split it into named parts with `let`, e.g. `let base = ...`"),
            NestedTooDeep { max } => Described::new("E0008", format!("brackets nested more than {max} deep"))
                .label("too deep")
                .help("name intermediate values with `let` instead of nesting"),
            BidiControl { c, name } => Described::new(
                "E0009",
                format!("invisible text-direction character `\\u{{{:04X}}}` ({name}) in the policy", u32::from(*c)),
            )
            .label("here")
            .help("delete it: it can make the line display in another order than the one it is read in"),
            ThousandsComma { text } => {
                let plain: String = text.chars().filter(|c| *c != ',').collect();
                let grouped = text.replace(',', "_");
                Described::new("E0010", format!("`{text}`: a comma cannot group digits in a policy"))
                    .label("digits grouped by commas")
                    .help(format!("write `{grouped}` or `{plain}`; in a policy a comma separates the values of a list or a call"))
            }
            SymbolForWord { written, word } => {
                Described::new("E0011", format!("`{written}` is not an operator of the language"))
                    .label(format!("write `{word}`"))
                    .help(format!("conditions are combined with the words `and`, `or` and `not`: write `{word}`"))
            }
            PercentOf { rate } => Described::new("E0012", format!("`{rate} of` is not how a share is written"))
                .label("`of` is not a word of the language")
                .help(format!("multiply: `{rate} * sum(sales.amount)`")),
            SpaceBeforePercent { number } => {
                Described::new("E0013", format!("a space between `{number}` and `%`"))
                    .label("the number and its `%` are apart")
                    .help(format!("write `{number}%`, with no space"))
            }
            LimitOutsideComponent { word } => {
                Described::new("E0015", format!("`{word}` outside a component"))
                    .label("not inside a component")
                    .help(format!("a {word} on the whole monthly statement, all components together, reads `statement {word} 20_000 per month`; inside a component, `{word}` limits that component"))
            }
            BadDate { text } => Described::new("E0016", format!("`{text}` is no day or period of the calendar"))
                .label("no such date")
                .help("a day reads `2027-03-01`, a month `2027-07`, a quarter `2027-Q3`"),
            CurrencySign { sign } => Described::new("E0014", format!("the currency sign `{sign}` in an amount"))
                .label("a currency sign")
                .help("the currency is declared once, in the header (`currency CNY`): write the number alone (`500`), or with the currency's code (`500 CNY`)"),
        }
    }
}

pub const CODES: &[Code] = &[
    Code {
        id: "E0001",
        title: "unexpected text where the grammar expected something else",
        explanation: "\
The policy's text stops following the language's grammar at this point: a word is misspelt
(`montly` for `monthly`), a keyword is missing (`tiers` without `flat` or `marginal`), or a
statement is where only declarations may be. The message says what was found and what the
grammar would have accepted there; the program does not guess which was meant, because a
guess could change what the plan pays.

What to do: correct the text at the place shown; the help line, when there is one, shows the
form expected (a bracket, a cadence, a rounding mode).",
    },
    Code {
        id: "E0002",
        title: "a bracket that is never closed",
        explanation: "\
A `(`, `[` or `{` has no matching closing bracket: the file ends first, or a closing bracket
of another kind comes first (a `}` while a `(` is still open). Brackets are matched before the
rest is read, so the message points at the bracket left open rather than at some later line
where the reading went wrong.

What to do: add the missing closing bracket where the expression or block ends.",
    },
    Code {
        id: "E0003",
        title: "a closing bracket that closes nothing",
        explanation: "\
A `)`, `]` or `}` appears where no bracket of its kind is open: it is left over from an edit,
or its opening bracket was deleted.

What to do: remove it, or add the opening bracket it was meant to close.",
    },
    Code {
        id: "E0004",
        title: "a number too large or too precise",
        explanation: "\
A number, an amount or a percentage in the policy has more than 28 significant digits, the
most an exact decimal holds, or a percentage has more than 26 decimals (as a rate, 5% is
0.05: two more decimals). The program computes with exact decimals and never rounds a figure
of the plan silently, so it refuses the number instead.

What to do: check the number for a typo (a repeated digit, a misplaced point); a bound or a
rate of a commission plan fits well within 28 digits.",
    },
    Code {
        id: "E0005",
        title: "an empty policy",
        explanation: "\
Reading the file gave no policy at all. A file with no `policy` header is normally reported
as E0001 (\"expected a `policy` header\"); this one is a safeguard should reading produce
nothing.

What to do: check that the file is a policy; it starts with
`policy \"Name\" version \"2026.1\" currency CNY`.",
    },
    Code {
        id: "E0006",
        title: "a policy file over the size limit",
        explanation: "\
A policy is a document people read and review: the seed plan is a few kilobytes. A file over
1 MiB (1,048,576 bytes) is almost certainly not a policy: a ledger or an export given by
mistake, or a generated file, so it is refused before it is read.

What to do: check that this is the policy file you meant; a plan that large should be split.",
    },
    Code {
        id: "E0007",
        title: "an expression with too many operators",
        explanation: "\
One `let`, `when`, `pay`, `cap`, `floor` or `metric` has more than 128 operators (`+ - * / =
< >`, `and`, `or`, `not`, `if`, `default`, `in`, `tiers`), whatever names it uses. Reading, checking and computing an expression go as
deep as its chain of operators, so a limit keeps a generated or hostile policy from
exhausting the program's stack; a readable expression has a handful.

What to do: split the expression into named parts with `let`, e.g. `let base = ...`, and
combine the parts.",
    },
    Code {
        id: "E0008",
        title: "brackets nested too deep",
        explanation: "\
Brackets (`(`, `[`, `{`, the component's own braces included) are nested more than 64 deep.
Reading, checking and computing go one level deeper for every bracket, so a limit keeps a
generated or hostile policy from exhausting the program's stack; people do not write that
deep.

What to do: name intermediate values with `let` instead of nesting them.",
    },
    Code {
        id: "E0009",
        title: "an invisible text-direction character",
        explanation: "\
The policy holds a bidirectional control character (U+202A to U+202E, U+2066 to U+2069,
U+200E, U+200F or U+061C). These characters are invisible; they change the order in which an
editor or a code review shows the text around them, so a line can display as one thing and be
read by the program as another (the \"Trojan Source\" attack). The compiler of the language this
program is written in refuses them in its own source for the same reason. They are refused
anywhere: in names, in quoted texts, in comments and in test rows. The message names the
character by its code, because shown as itself it would be invisible.

What to do: delete the character. Right-to-left text (Arabic, Hebrew) in a label or a comment
displays correctly without it.",
    },
    Code {
        id: "E0010",
        title: "digits grouped by commas",
        explanation: "\
A number in the policy is written with commas between groups of digits (`20,000`), as in a
spreadsheet. In a policy a comma separates the values of a list or of a call, so `min(x,
10,000)` would read as three values: 10, 0 and x. The program refuses the comma rather than
guess.

What to do: write `20_000` (an underscore groups digits and is ignored) or `20000`.",
    },
    Code {
        id: "E0011",
        title: "`&&` or `||` for `and` or `or`",
        explanation: "\
Conditions are combined with words, as they are read aloud: `and`, `or`, `not`. The symbols
`&&` and `||` of programming languages are not part of the policy language.

What to do: write `and` for `&&` and `or` for `||`.",
    },
    Code {
        id: "E0012",
        title: "`4% of x` instead of `4% * x`",
        explanation: "\
A share of an amount is written as a product: `4% * sum(sales.amount)`. `of` is not a word of
the language (it would read well, but `4% of a + b` could mean a share of `a` or of `a + b`; a
product with brackets cannot be misread).

What to do: write `*` for `of`, with brackets around a sum: `4% * (a + b)`.",
    },
    Code {
        id: "E0013",
        title: "a space before a percent sign",
        explanation: "\
A percentage is written in one piece, `4%`. With a space (`4 %`) the number and the sign are
read apart, and `%` alone means nothing in the language.

What to do: remove the space: `4%`.",
    },
    Code {
        id: "E0014",
        title: "a currency sign in an amount",
        explanation: "\
An amount is written with a currency sign or word (`500 元`, `¥500`, `$500`). The policy's
currency is declared once, in its header (`currency CNY`), and a plain number next to money is
an amount in that currency; an amount may also name the currency's code (`500 CNY`), which must
be the policy's.

What to do: write the number alone (`500`) or with the code (`500 CNY`).",
    },
    Code {
        id: "E0015",
        title: "`cap` or `floor` outside a component",
        explanation: "\
A `cap` (or `floor`) line stands among the declarations, outside every component. Inside a
component, `cap 20_000` limits what that component pays; a limit on what a whole monthly
statement pays, all components together, is a declaration of its own:
`statement cap 20_000 per month` (and `statement floor 3_000 per month`). It is shown on every
statement as a line of its own, `statement_cap`, holding the amount the cap takes off.

What to do: write `statement cap 20_000 per month`, or move the line into the component it
should limit.",
    },
    Code {
        id: "E0016",
        title: "a date or period that is not in the calendar",
        explanation: "\
A date literal (`2027-03-01`) or a period literal (`2027-07`, `2027-Q3`) in an expression names
a day or a period that does not exist: February 30th, month 13, quarter 5. The program does not
move it to the nearest real day, because the plan would then pay on a date nobody wrote.

What to do: correct the literal.",
    },
];
