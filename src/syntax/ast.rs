//! The policy as written: an owned tree where every node keeps the byte span it came from.
//! Nothing here knows what a name means; `check` resolves names and types into a `Plan`.

use rust_decimal::Decimal;

use crate::lang::{BinaryOp, Cadence, RoundingMode, TierMode, UnaryOp};
use crate::source::Span;

/// A value together with where it was written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub header: Header,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub name: Spanned<String>,
    pub version: Spanned<String>,
    pub currency: Ident,
    /// `effective 2027-07`: the month this version takes over from.
    pub effective: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Rounding(RoundingDecl),
    StatementLimit(StatementLimit),
    Input(InputDecl),
    Payee(PayeeDecl),
    Credit(CreditDecl),
    Table(TableDecl),
    Component(ComponentDecl),
    Metric(MetricDecl),
    Test(TestDecl),
}

/// `statement cap 20_000 per month`: the most (or, with `floor`, the least) one monthly
/// statement pays, all components together.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementLimit {
    pub kind: Spanned<LimitKind>,
    /// A number or an amount (`20_000`, `20_000 CNY`) as written.
    pub amount: Spanned<Literal>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    Cap,
    Floor,
}

/// `metric customers "客户数" monthly = count_distinct(sales.customer)`
#[derive(Debug, Clone, PartialEq)]
pub struct MetricDecl {
    pub name: Ident,
    pub label: Option<Spanned<String>>,
    pub cadence: Spanned<Cadence>,
    pub value: Expr,
    pub span: Span,
}

/// `test "name" { period ...; input { rows }; expect ... }`: a policy test. The checker
/// checks it against the plan; `run` never reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct TestDecl {
    pub name: Spanned<String>,
    pub body: Vec<TestItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TestItem {
    /// The period the test runs over, as written (`2026-01`, `2026-Q1`, `2026`).
    Period(Spanned<String>),
    Rows(TestRows),
    Expect(Expect),
}

/// Inline ledger rows for one input: CSV text, a header line first.
#[derive(Debug, Clone, PartialEq)]
pub struct TestRows {
    pub input: Ident,
    /// One entry per non-blank line, the header first: its fields, trimmed, quotes kept.
    pub rows: Vec<Spanned<Vec<String>>>,
    /// The text between the braces, as written.
    pub body: Span,
    pub span: Span,
}

/// `expect PAYEE COMPONENT = FIGURE [within TOLERANCE]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub payee: Spanned<String>,
    pub component: Ident,
    /// `in 2027-05`: the figure of one month (or quarter) of the test's period.
    pub period: Option<Spanned<String>>,
    pub figure: Spanned<Decimal>,
    pub tolerance: Option<Spanned<Decimal>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoundingDecl {
    pub mode: Spanned<RoundingMode>,
    pub step: Spanned<Decimal>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InputDecl {
    pub name: Ident,
    /// `ignoring other columns`, where it is written: the file may hold undeclared columns.
    pub ignores_others: Option<Span>,
    pub columns: Vec<ColumnDecl>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    Key,
    Payee,
    Period,
    /// The date a payee was hired (a roster column).
    Start,
    /// The date a payee left (a roster column).
    End,
}

impl ColumnRole {
    /// The word as written.
    pub fn word(self) -> &'static str {
        match self {
            ColumnRole::Key => "key",
            ColumnRole::Payee => "payee",
            ColumnRole::Period => "period",
            ColumnRole::Start => "start",
            ColumnRole::End => "end",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDecl {
    pub roles: Vec<Spanned<ColumnRole>>,
    pub name: Ident,
    /// `team "团队": text`: the column's display label.
    pub label: Option<Spanned<String>>,
    /// The type as written (`money`); `check` turns it into a column type.
    pub ty: Ident,
    pub values: Option<Vec<Spanned<String>>>,
    /// One per value of `values` (`"sales_rep" as "销售代表"`): its display label, if given.
    pub value_labels: Vec<Option<Spanned<String>>>,
    /// `>= 0`: the least value a numeric column may hold.
    pub at_least: Option<Spanned<Decimal>>,
    /// `within sale.amount`: the rows naming one row of another input total at most that
    /// row's column.
    pub within: Option<(Ident, Ident)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PayeeDecl {
    pub input: Ident,
    pub column: Ident,
    pub span: Span,
}

/// `credit sales by credits.share`
#[derive(Debug, Clone, PartialEq)]
pub struct CreditDecl {
    pub input: Ident,
    pub by: Ident,
    pub share: Ident,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableDecl {
    pub name: Ident,
    pub params: Vec<Ident>,
    pub rows: Vec<TableRow>,
    pub otherwise: Option<Spanned<Literal>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// `None` is the wildcard `_`.
    pub keys: Vec<Spanned<Option<Literal>>>,
    pub value: Spanned<Literal>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Number(Decimal),
    /// `500 CNY`
    Money {
        amount: Decimal,
        currency: String,
    },
    Percent(Decimal),
    Text(String),
    Bool(bool),
    /// `2027-03-01`
    Date(chrono::NaiveDate),
    /// `2027-07`, `2027-Q3`
    Period(crate::period::Period),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ComponentDecl {
    pub name: Ident,
    pub label: Option<Spanned<String>>,
    pub cadence: Spanned<Cadence>,
    pub body: Vec<Clause>,
    pub span: Span,
}

/// One line of a component's body: `let`, `when`, `pay`, `cap`, `floor` or `rounding`. (A
/// payee's monthly statement is `eval::Statement`; this is a clause of a component.)
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Let { name: Ident, value: Expr, span: Span },
    When { condition: Expr, span: Span },
    Pay { value: Expr, span: Span },
    Cap { value: Expr, span: Span },
    Floor { value: Expr, span: Span },
    Rounding(RoundingDecl),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    /// A bare name: a `let`, or a column inside an aggregate, or an input in `count(sales)`.
    Name(Ident),
    /// `sales.amount`, `surveys.satisfaction`, `payee.role`.
    Field {
        input: Ident,
        column: Ident,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    In {
        value: Box<Expr>,
        list: Vec<Expr>,
    },
    If {
        condition: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    Call {
        function: Ident,
        args: Vec<Expr>,
        filter: Option<Box<Expr>>,
        /// `for reports`: over the payee's direct reports instead of the payee.
        reports: Option<Span>,
    },
    /// `value in low to high`, both ends included.
    Between {
        value: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
    },
    Default {
        value: Box<Expr>,
        fallback: Box<Expr>,
    },
    Tiers(Box<Tiers>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tiers {
    pub mode: Spanned<TierMode>,
    pub base: Expr,
    pub brackets: Vec<Bracket>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bracket {
    /// The bound, or its share of `of` (`50% of target`: 0.5).
    pub from: Spanned<Decimal>,
    /// The bound was written as a percent (`50%`).
    pub percent: bool,
    /// `of target`: the bound is `from` times this figure.
    pub of: Option<Ident>,
    pub pays: BracketPay,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BracketPay {
    Rate(Spanned<Decimal>),
    Fixed(Spanned<Decimal>),
}
