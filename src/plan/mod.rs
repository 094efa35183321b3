//! The checked plan: names resolved to indices, every expression typed, tiers validated.
//! It is the only thing the evaluator accepts, so evaluation never meets an unknown name.
//!
//! The shape leaves room for what comes next: a plan is a list of components over declared
//! inputs and aggregates, so effective-dated versions are a list of (from, Plan); quotas,
//! splits and overrides are new aggregate kinds or payee attributes, not new engines.

use rust_decimal::Decimal;

use crate::lang::{BinaryOp, Cadence, TierMode, UnaryOp};
use crate::money::{Currency, Rounding};
use crate::period::{Granularity, Period};
use crate::source::SourceFile;
use crate::source::Span;
use crate::value::Value;

pub mod visit;

#[derive(Debug, Clone)]
pub struct Plan {
    pub name: String,
    pub version: String,
    pub currency: Currency,
    /// SHA-256 of the policy source, hex, so every output names the exact plan it came from.
    pub sha256: String,
    pub source: SourceFile,
    pub rounding: Rounding,
    pub inputs: Vec<InputSchema>,
    pub payee: PayeeSource,
    pub tables: Vec<Table>,
    pub aggregates: Vec<Aggregate>,
    pub lookups: Vec<Lookup>,
    pub components: Vec<Component>,
    /// Figures shown in outputs and reports (sales, customers, ...); they pay nothing.
    pub metrics: Vec<Metric>,
    /// `credit sales by credits.share`: a ledger whose rows are credited to several payees.
    pub credit: Option<Credit>,
    /// `effective 2027-07`: the month this version of the plan takes over from.
    pub effective: Option<Period>,
}

/// `credit sales by credits.share`: each row of `input` is credited to the payees of the
/// rows of `by` that name it (through `by`'s reference column `reference`), each by the
/// percent in `share`; a row no row of `by` names is its own payee's, whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credit {
    pub input: usize,
    pub by: usize,
    pub reference: usize,
    pub share: usize,
}

/// How far back a figure to date reaches: from the start of the statement's quarter or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// This month alone (`this_month(total for reports)`).
    Month,
    Quarter,
    Year,
}

impl Window {
    pub fn granularity(self) -> Granularity {
        match self {
            Window::Month => Granularity::Month,
            Window::Quarter => Granularity::Quarter,
            Window::Year => Granularity::Year,
        }
    }

    /// The function names, `quarter_to_date` and `earlier_this_quarter` for a quarter.
    pub fn function(self, current: bool) -> &'static str {
        match (self, current) {
            (Window::Month, _) => "this_month",
            (Window::Quarter, true) => "quarter_to_date",
            (Window::Year, true) => "year_to_date",
            (Window::Quarter, false) => "earlier_this_quarter",
            (Window::Year, false) => "earlier_this_year",
        }
    }
}

/// What a figure to date adds up over earlier statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Earlier {
    /// A component's rounded amounts.
    Component(usize),
    /// Statement totals.
    Total,
}

impl Plan {
    /// Whether a statement depends on earlier months (figures to date, balances): then a run
    /// computes from the start of its first month's year, whatever range it prints.
    pub fn reads_history(&self) -> bool {
        let mut found = false;
        for e in self.expressions() {
            visit::visit(e, &mut |x| found |= matches!(x.node, Node::History { .. } | Node::ToDate { .. }));
        }
        found
    }

    /// Every expression of the components and metrics (not those inside aggregates).
    pub fn expressions(&self) -> Vec<&Expr> {
        let mut out: Vec<&Expr> = Vec::new();
        for c in &self.components {
            out.extend(c.lets.iter().map(|l| &l.value));
            out.extend(c.gates.iter().chain(std::iter::once(&c.pay)).chain(c.cap.iter()).chain(c.floor.iter()));
        }
        out.extend(self.metrics.iter().map(|m| &m.value));
        out
    }

    /// Whether a statement reads its payee's direct reports' statements (`this_month(total
    /// for reports)`): then every payee's month is computed after their reports'.
    pub fn reads_reports(&self) -> bool {
        let mut found = false;
        for e in self.expressions() {
            visit::visit(e, &mut |x| found |= matches!(x.node, Node::History { reports: true, .. }));
        }
        found
    }

    /// Whether some row reads a figure of another month (`in_month_of`): then every month of
    /// the ledgers is folded, whatever the range.
    pub fn reads_other_months(&self) -> bool {
        let mut found = false;
        for a in &self.aggregates {
            for e in a.arg.iter().chain(a.filter.iter()) {
                visit::visit(e, &mut |x| found |= matches!(x.node, Node::InMonthOf(..)));
            }
        }
        found
    }

    /// The roster column naming each payee's manager (`manager: roster`).
    pub fn manager_column(&self) -> Option<usize> {
        let PayeeSource::Roster { input, .. } = self.payee else { return None };
        self.inputs.get(input)?.columns.iter().position(|c| c.refers_to == Some(input))
    }

    pub fn roster(&self) -> Option<&InputSchema> {
        match self.payee {
            PayeeSource::Roster { input, .. } => self.inputs.get(input),
            PayeeSource::Ledger { .. } => None,
        }
    }

    /// Roster columns shown beside the payee id (all but the key).
    pub fn payee_columns(&self) -> Vec<(usize, String)> {
        match self.roster() {
            Some(roster) => roster
                .columns
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != roster.key)
                .map(|(i, c)| (i, c.name.clone()))
                .collect(),
            None => Vec::new(),
        }
    }

    /// A column's display label, or its name when it has none.
    pub fn label_of_column(&self, input: usize, column: usize) -> String {
        let col = self.inputs.get(input).and_then(|i| i.columns.get(column));
        col.map_or(String::new(), |c| c.label.clone().unwrap_or_else(|| c.name.clone()))
    }

    /// A column value's display label (`销售代表` for `sales_rep`), or the value itself.
    pub fn label_of_value(&self, input: usize, column: usize, value: &str) -> String {
        self.inputs
            .get(input)
            .and_then(|i| i.columns.get(column))
            .and_then(|c| c.value_labels.iter().find(|(v, _)| v == value))
            .map_or_else(|| value.to_string(), |(_, l)| l.clone())
    }

    /// Roster columns shown beside the payee id, by label (as [`Plan::payee_columns`]).
    pub fn payee_column_labels(&self) -> Vec<(usize, String)> {
        match self.payee {
            PayeeSource::Roster { input, .. } => {
                self.payee_columns().into_iter().map(|(i, _)| (i, self.label_of_column(input, i))).collect()
            }
            PayeeSource::Ledger { .. } => Vec::new(),
        }
    }

    /// A roster value of the payee as shown in reports: its label, if the policy gives one.
    pub fn payee_value_label(&self, column: usize, value: &Value) -> String {
        match self.payee {
            PayeeSource::Roster { input, .. } => self.label_of_value(input, column, &value.plain()),
            PayeeSource::Ledger { .. } => value.plain(),
        }
    }

    /// 1-based policy line of a span, for traces and explanations.
    pub fn line(&self, span: Span) -> usize {
        self.source.line_of(span.start)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Integer,
    Decimal,
    Money,
    Percent,
    Date,
    Month,
    Quarter,
    Bool,
}

impl ColumnType {
    pub const ALL: [(&'static str, ColumnType); 9] = [
        ("text", ColumnType::Text),
        ("integer", ColumnType::Integer),
        ("decimal", ColumnType::Decimal),
        ("money", ColumnType::Money),
        ("percent", ColumnType::Percent),
        ("date", ColumnType::Date),
        ("month", ColumnType::Month),
        ("quarter", ColumnType::Quarter),
        ("bool", ColumnType::Bool),
    ];

    pub fn name(self) -> &'static str {
        ColumnType::ALL.iter().find(|(_, t)| *t == self).map_or("?", |(n, _)| n)
    }

    pub fn ty(self) -> Ty {
        match self {
            ColumnType::Text => Ty::Text,
            ColumnType::Integer | ColumnType::Decimal => Ty::Number,
            ColumnType::Money => Ty::Money,
            ColumnType::Percent => Ty::Percent,
            ColumnType::Date => Ty::Date,
            ColumnType::Month | ColumnType::Quarter => Ty::Period,
            ColumnType::Bool => Ty::Bool,
        }
    }

    /// The finest period a row can be placed in, for a period column of this type.
    pub fn bucket(self) -> Option<Granularity> {
        match self {
            ColumnType::Date | ColumnType::Month => Some(Granularity::Month),
            ColumnType::Quarter => Some(Granularity::Quarter),
            _ => None,
        }
    }
}

/// Static types. Money, percent and number are units of the same decimal: the checker
/// keeps them apart so that `money + percent` is an error while `money * percent` is money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Money,
    Percent,
    Number,
    Bool,
    Text,
    Date,
    Period,
}

impl Ty {
    pub fn name(self) -> &'static str {
        match self {
            Ty::Money => "money",
            Ty::Percent => "percent",
            Ty::Number => "number",
            Ty::Bool => "true/false",
            Ty::Text => "text",
            Ty::Date => "date",
            Ty::Period => "period",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Ty::Money | Ty::Percent | Ty::Number)
    }
}

#[derive(Debug, Clone)]
pub struct InputSchema {
    pub name: String,
    pub columns: Vec<Column>,
    pub key: Option<usize>,
    pub payee: Option<usize>,
    pub period: Option<usize>,
    /// `start hired: date`: the day a payee was hired (a roster column).
    pub start: Option<usize>,
    /// `end left: date`: the day a payee left (a roster column; empty while employed).
    pub end: Option<usize>,
    /// `ignoring other columns`: a file's columns that are not declared are skipped, not
    /// refused.
    pub ignores_others: bool,
    pub span: Span,
}

impl InputSchema {
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Whether a file read against `other` yields the same rows, value for value, as read
    /// against this schema: the same columns in the same order, with the same types, allowed
    /// values and marks. Then one pass over the file can feed both plans.
    pub fn same_shape(&self, other: &InputSchema) -> bool {
        self.key == other.key
            && self.payee == other.payee
            && self.period == other.period
            && self.ignores_others == other.ignores_others
            && self.columns.len() == other.columns.len()
            && self
                .columns
                .iter()
                .zip(&other.columns)
                .all(|(a, b)| a.name == b.name && a.ty == b.ty && a.values == b.values)
    }

    /// Granularity of the buckets rows fall into, if the input has a period column.
    pub fn bucket(&self) -> Option<Granularity> {
        self.period.and_then(|i| self.columns.get(i)).and_then(|c| c.ty.bucket())
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    /// The enumerated values (`in [...]`) a text column may take.
    pub values: Option<Vec<String>>,
    /// Display label of the column (`team "团队": text`), for reports and tables.
    pub label: Option<String>,
    /// Display labels of enumerated values (`"sales_rep" as "销售代表"`): (value, label).
    pub value_labels: Vec<(String, String)>,
    /// The least value a numeric column may hold (`amount: money >= 0`); below it a row is
    /// rejected. Without it, negative amounts (refunds) are allowed.
    pub at_least: Option<Decimal>,
    /// The input whose key this column holds (`sale: sales`).
    pub refers_to: Option<usize>,
    /// `within sale.amount`: (the reference column, the referenced input's column) that the
    /// rows naming one row total at most.
    pub within: Option<(usize, usize)>,
    pub span: Span,
}

/// Where the payees of a run come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayeeSource {
    /// Every distinct value of a ledger column (`payee sales.manager`).
    Ledger { input: usize, column: usize },
    /// The rows of a roster input, identified by its key column (`payee roster.id`).
    Roster { input: usize, column: usize },
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub params: Vec<String>,
    pub rows: Vec<TableRow>,
    pub otherwise: Option<(Value, Span)>,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct TableRow {
    /// `None` matches anything (`_`).
    pub keys: Vec<Option<Value>>,
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    Sum,
    Count,
    CountDistinct,
    Avg,
    Min,
    Max,
}

impl AggFunc {
    pub fn name(self) -> &'static str {
        match self {
            AggFunc::Sum => "sum",
            AggFunc::Count => "count",
            AggFunc::CountDistinct => "count_distinct",
            AggFunc::Avg => "avg",
            AggFunc::Min => "min",
            AggFunc::Max => "max",
        }
    }
}

/// One aggregate the plan uses, known statically: the streaming pass folds each ledger row
/// into every aggregate of its input, per (payee, bucket).
#[derive(Debug, Clone)]
pub struct Aggregate {
    pub input: usize,
    pub func: AggFunc,
    /// The per-row value (`sales.amount * 2%`); `None` for `count(sales)`.
    pub arg: Option<Expr>,
    pub filter: Option<Expr>,
    pub ty: Ty,
    /// `for reports`: the sum over the payee's direct reports, not over the payee.
    pub reports: bool,
    pub span: Span,
}

/// A value read from the one row of an input for the payee and period (`surveys.satisfaction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookup {
    pub input: usize,
    pub column: usize,
}

#[derive(Debug, Clone)]
pub struct Component {
    pub name: String,
    pub label: Option<String>,
    pub cadence: Cadence,
    pub lets: Vec<Let>,
    pub gates: Vec<Expr>,
    pub pay: Expr,
    pub cap: Option<Expr>,
    pub floor: Option<Expr>,
    pub rounding: Rounding,
    /// The statement's cap or floor (`statement cap 20_000 per month`), made by the checker
    /// into the last component: it pays the (negative or positive) adjustment that brings the
    /// sum of the other components within the limits.
    pub limits_statement: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Metric {
    pub name: String,
    pub label: Option<String>,
    pub cadence: Cadence,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Let {
    pub name: String,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub node: Node,
    pub ty: Ty,
    pub span: Span,
}

impl Expr {
    /// The same computation, wherever it is written (spans are ignored).
    pub fn same(&self, other: &Expr) -> bool {
        self.same_with(other, &|a, b| match (a, b) {
            (Node::Aggregate(a), Node::Aggregate(b))
            | (Node::Lookup(a), Node::Lookup(b))
            | (Node::ComponentAmount(a), Node::ComponentAmount(b))
            | (Node::Table(a, _), Node::Table(b, _)) => a == b,
            (Node::StatementSoFar, Node::StatementSoFar) => true,
            (
                Node::History { of: a, window: w, current: c, reports: r },
                Node::History { of: b, window: v, current: d, reports: s },
            ) => a == b && w == v && c == d && r == s,
            _ => false,
        })
    }

    /// The same computation, spans ignored, where `what` decides whether what an expression
    /// names outside itself is the same: an aggregate, a lookup, a table (its name: the
    /// arguments are compared here), a component's amount, the statement so far, an earlier
    /// statement. Within a plan these are the same when their numbers are; across two plans
    /// (`eval::reuse`) when what they number is.
    pub fn same_with(&self, other: &Expr, what: &dyn Fn(&Node, &Node) -> bool) -> bool {
        let one = |a: &Expr, b: &Expr| a.same_with(b, what);
        let all = |a: &[Expr], b: &[Expr]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| one(x, y));
        self.ty == other.ty
            && match (&self.node, &other.node) {
                (Node::Const(a), Node::Const(b)) => a == b,
                (Node::Column(a), Node::Column(b))
                | (Node::Let(a), Node::Let(b))
                | (Node::PayeeAttr(a), Node::PayeeAttr(b)) => a == b,
                (Node::PayeeId, Node::PayeeId) | (Node::Period, Node::Period) | (Node::Employed, Node::Employed) => {
                    true
                }
                (Node::Joined(a, b), Node::Joined(c, d)) => a == c && b == d,
                (a @ Node::Aggregate(_), b @ Node::Aggregate(_))
                | (a @ Node::Lookup(_), b @ Node::Lookup(_))
                | (a @ Node::ComponentAmount(_), b @ Node::ComponentAmount(_))
                | (a @ Node::StatementSoFar, b @ Node::StatementSoFar)
                | (a @ Node::History { .. }, b @ Node::History { .. }) => what(a, b),
                (
                    Node::ToDate { window: w, current: c, value: a },
                    Node::ToDate { window: v, current: d, value: b },
                ) => w == v && c == d && one(a, b),
                (Node::MonthsSince(a), Node::MonthsSince(b)) => one(a, b),
                (Node::DaysBetween(a1, b1), Node::DaysBetween(a2, b2))
                | (Node::InMonthOf(a1, b1), Node::InMonthOf(a2, b2)) => one(a1, a2) && one(b1, b2),
                (Node::Between(a1, b1, c1), Node::Between(a2, b2, c2)) => one(a1, a2) && one(b1, b2) && one(c1, c2),
                (Node::Unary(o1, a), Node::Unary(o2, b)) => o1 == o2 && one(a, b),
                (Node::Abs(a), Node::Abs(b)) => one(a, b),
                (Node::Round(a, r1), Node::Round(b, r2)) => r1 == r2 && one(a, b),
                (Node::Binary(o1, a1, b1), Node::Binary(o2, a2, b2)) => o1 == o2 && one(a1, a2) && one(b1, b2),
                (Node::Default(a1, b1), Node::Default(a2, b2)) => one(a1, a2) && one(b1, b2),
                (Node::In(a, xs), Node::In(b, ys)) => one(a, b) && all(xs, ys),
                (Node::If(c1, t1, o1), Node::If(c2, t2, o2)) => one(c1, c2) && one(t1, t2) && one(o1, o2),
                (Node::Min(xs), Node::Min(ys)) | (Node::Max(xs), Node::Max(ys)) => all(xs, ys),
                (a @ Node::Table(_, xs), b @ Node::Table(_, ys)) => what(a, b) && all(xs, ys),
                (Node::Tiers(a), Node::Tiers(b)) => {
                    a.mode == b.mode
                        && one(&a.base, &b.base)
                        && match (&a.scale, &b.scale) {
                            (Some(x), Some(y)) => one(x, y),
                            (None, None) => true,
                            _ => false,
                        }
                        && a.brackets.len() == b.brackets.len()
                        && a.brackets.iter().zip(&b.brackets).all(|(x, y)| x.from == y.from && x.pays == y.pays)
                }
                _ => false,
            }
    }
}

#[derive(Debug, Clone)]
pub enum Node {
    Const(Value),
    /// A column of the row being folded (only inside an aggregate).
    Column(usize),
    /// An earlier `let` of the same component.
    Let(usize),
    Aggregate(usize),
    Lookup(usize),
    /// The payee's id.
    PayeeId,
    /// A roster column of the payee.
    PayeeAttr(usize),
    /// The sum of the statement's components before this one, as rounded (only in the
    /// statement limits' component).
    StatementSoFar,
    /// A column of the row the row's reference column names (`sale.date` in a cancellation):
    /// (reference column, column of the referenced input).
    Joined(usize, usize),
    /// The statement's period (the component's: a quarter for a quarterly component).
    Period,
    /// The share of the period the payee was employed (roster `start`/`end`), a percent.
    Employed,
    /// Whole months from a date's month to the statement's month (0 in the same month).
    MonthsSince(Box<Expr>),
    /// Days from the first date to the second (negative when the second is earlier).
    DaysBetween(Box<Expr>, Box<Expr>),
    /// `x in low to high`, both ends included.
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `in_month_of(sale.date, figure)` in a row that names another row: the figure (over
    /// the ledgers) for the row's payee in the month of the date.
    InMonthOf(Box<Expr>, Box<Expr>),
    /// This statement's rounded amount of an earlier component.
    ComponentAmount(usize),
    /// Rounded amounts of earlier statements (and, with `current`, this one) in the window;
    /// with `reports`, the sum over the payee's direct reports' statements.
    History {
        of: Earlier,
        window: Window,
        current: bool,
        reports: bool,
    },
    /// An expression over aggregates, its aggregates taken over the window's months up to this
    /// month (`current`) or up to the month before.
    ToDate {
        window: Window,
        current: bool,
        value: Box<Expr>,
    },
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Vec<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Min(Vec<Expr>),
    Max(Vec<Expr>),
    Abs(Box<Expr>),
    Round(Box<Expr>, Rounding),
    Table(usize, Vec<Expr>),
    Default(Box<Expr>, Box<Expr>),
    Tiers(Box<TierTable>),
}

#[derive(Debug, Clone)]
pub struct TierTable {
    pub mode: TierMode,
    pub base: Expr,
    /// `from 50% of target`: the bounds are shares of this figure.
    pub scale: Option<Expr>,
    pub brackets: Vec<TierBracket>,
}

#[derive(Debug, Clone, Copy)]
pub struct TierBracket {
    /// Inclusive lower bound; the bracket runs up to the next bracket's bound (exclusive).
    pub from: Decimal,
    pub pays: TierPay,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierPay {
    Rate(Decimal),
    Fixed(Decimal),
}
