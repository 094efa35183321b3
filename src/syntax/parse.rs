//! pest's tree -> AST, after the [prescan](super::prescan) and pest have accepted the text
//! (pest's error is put in words by [`syntax_error`](super::syntax_error)). No meaning is
//! given to names here; only shape and literals. A number too large or too precise for an
//! exact decimal is the one problem found while building, and every one of the file is
//! collected.

use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;
use rust_decimal::Decimal;

use super::ast::*;
use crate::diagnostics::syntax::SyntaxKind;
use crate::diagnostics::Problem;
use crate::lang::*;
use crate::source::Span;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
struct PolicyParser;

/// Parses a policy: the prescan, pest, then the AST. On failure, returns the problems found
/// (the prescan and pest stop at the first one; building the AST collects every one).
pub fn parse(source: &str) -> Result<Policy, Vec<Problem>> {
    super::prescan::check(source).map_err(|p| vec![p])?;
    let mut pairs =
        PolicyParser::parse(Rule::policy_file, source).map_err(|e| vec![super::syntax_error::problem(source, &e)])?;
    let file = pairs.next().ok_or_else(|| vec![Problem::new(SyntaxKind::EmptyPolicy, [Span::default()])])?;
    let mut builder = Builder { problems: Vec::new(), source };
    let policy = builder.policy(file);
    // `10,000,000` is found from both of its groups (each expression's operands are built
    // apart, so the check cannot see the other): one problem per place and code.
    let mut seen = Vec::new();
    builder.problems.retain(|p| {
        let key = (p.code, p.labels.first().map(|(s, _)| *s));
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    if builder.problems.is_empty() {
        Ok(policy)
    } else {
        Err(builder.problems)
    }
}

/// A pair's span, without the spaces and comments pest skips after its last token: for
/// `operand ~ postfix*`, pest skips them before trying a postfix that is not there, so an
/// expression (and a `metric` that ends with one) reached over the comment below it, and an
/// `# allow(...)` above the next component was taken for the metric's.
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.start() + without_trailing_trivia(s.as_str()))
}

/// The length of `text` less the spaces and comments at its end. Only the last lines are
/// looked at: a comment runs to the end of its line, and a line starts outside any quoted
/// text (texts end at a line break).
fn without_trailing_trivia(text: &str) -> usize {
    let mut end = text.len();
    loop {
        let t = text.get(..end).unwrap_or("").trim_end_matches(|c: char| c.is_whitespace());
        let line_start = t.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = t.get(line_start..).unwrap_or("");
        let comment = super::comments::classify(line).find(|&(_, _, class)| class == super::comments::Class::Comment);
        match comment {
            Some((at, _, _)) => end = line_start + at,
            None => return t.len(),
        }
    }
}

fn pratt() -> PrattParser<Rule> {
    PrattParser::new()
        .op(Op::infix(Rule::or_op, Assoc::Left))
        .op(Op::infix(Rule::and_op, Assoc::Left))
        .op(Op::prefix(Rule::not_op))
        .op(Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left)
            | Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left)
            | Op::postfix(Rule::in_list)
            | Op::postfix(Rule::in_range))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg))
}

struct Builder<'s> {
    problems: Vec<Problem>,
    /// The whole policy, to look around a literal (`10,000` read as `10` and `000`).
    source: &'s str,
}

/// Children of a pair without the keyword tokens, which only exist for error messages.
fn children<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::policy_kw
            | Rule::version_kw
            | Rule::currency_kw
            | Rule::rounding_kw
            | Rule::input_kw
            | Rule::payee_kw
            | Rule::table_kw
            | Rule::else_kw
            | Rule::component_kw
            | Rule::let_kw
            | Rule::when_kw
            | Rule::pay_kw
            | Rule::cap_kw
            | Rule::floor_kw
            | Rule::if_kw
            | Rule::then_kw
            | Rule::tiers_kw
            | Rule::from_kw
            | Rule::rate_kw
            | Rule::fixed_kw
            | Rule::where_kw
            | Rule::metric_kw
            | Rule::in_kw
            | Rule::default_kw
            | Rule::test_kw
            | Rule::period_kw
            | Rule::expect_kw
            | Rule::within_kw
            | Rule::ignoring_kw
            | Rule::other_kw
            | Rule::columns_kw
            | Rule::statement_kw
            | Rule::per_kw
            | Rule::month_kw
            | Rule::as_kw
            | Rule::credit_kw
            | Rule::by_kw
            | Rule::to_kw
            | Rule::for_kw
            | Rule::reports_kw
            | Rule::of_kw
            | Rule::effective_kw
            | Rule::EOI
    )
}

impl Builder<'_> {
    fn policy(&mut self, file: Pair<'_, Rule>) -> Policy {
        let mut inner = children(file);
        let header = match inner.next() {
            Some(h) => self.header(h),
            None => Header {
                name: Spanned { value: String::new(), span: Span::default() },
                version: Spanned { value: String::new(), span: Span::default() },
                currency: Ident { name: String::new(), span: Span::default() },
                effective: None,
                span: Span::default(),
            },
        };
        let items = inner.filter_map(|p| self.item(p)).collect();
        Policy { header, items }
    }

    fn header(&mut self, pair: Pair<'_, Rule>) -> Header {
        let span = span_of(&pair);
        let mut it = children(pair);
        let name = self.string(it.next());
        let version = self.string(it.next());
        let currency = ident(it.next());
        let effective = it.next().map(|p| Spanned { value: p.as_str().to_string(), span: span_of(&p) });
        Header { name, version, currency, effective, span }
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        Some(match pair.as_rule() {
            Rule::rounding_decl => Item::Rounding(self.rounding(pair)),
            Rule::statement_limit => Item::StatementLimit(self.statement_limit(pair)),
            Rule::input_decl => Item::Input(self.input(pair)),
            Rule::payee_decl => {
                let span = span_of(&pair);
                let mut it = children(pair);
                Item::Payee(PayeeDecl { input: ident(it.next()), column: ident(it.next()), span })
            }
            Rule::credit_decl => {
                let span = span_of(&pair);
                let mut it = children(pair);
                Item::Credit(CreditDecl {
                    input: ident(it.next()),
                    by: ident(it.next()),
                    share: ident(it.next()),
                    span,
                })
            }
            Rule::table_decl => Item::Table(self.table(pair)),
            Rule::component_decl => Item::Component(self.component(pair)),
            Rule::metric_decl => Item::Metric(self.metric(pair)),
            Rule::test_decl => Item::Test(self.test(pair)),
            _ => return None,
        })
    }

    fn rounding(&mut self, pair: Pair<'_, Rule>) -> RoundingDecl {
        let span = span_of(&pair);
        let mut it = children(pair);
        let mode_pair = it.next();
        let mode = match &mode_pair {
            Some(p) => Spanned {
                value: match p.as_str() {
                    "half_even" => RoundingMode::HalfEven,
                    "down" => RoundingMode::Down,
                    "up" => RoundingMode::Up,
                    _ => RoundingMode::HalfUp,
                },
                span: span_of(p),
            },
            None => Spanned { value: RoundingMode::HalfUp, span },
        };
        let step = self.number(it.next());
        RoundingDecl { mode, step, span }
    }

    fn statement_limit(&mut self, pair: Pair<'_, Rule>) -> StatementLimit {
        let span = span_of(&pair);
        let mut it = children(pair);
        let kind = match it.next() {
            Some(p) if p.as_str() == "floor" => Spanned { value: LimitKind::Floor, span: span_of(&p) },
            Some(p) => Spanned { value: LimitKind::Cap, span: span_of(&p) },
            None => Spanned { value: LimitKind::Cap, span },
        };
        let amount = match it.next() {
            Some(p) => self.literal(p),
            None => Spanned { value: Literal::Number(Decimal::ZERO), span },
        };
        StatementLimit { kind, amount, span }
    }

    fn input(&mut self, pair: Pair<'_, Rule>) -> InputDecl {
        let span = span_of(&pair);
        let mut it = children(pair);
        let name = ident(it.next());
        let mut ignores_others = None;
        let mut columns = Vec::new();
        for p in it {
            match p.as_rule() {
                Rule::ignoring_others => ignores_others = Some(span_of(&p)),
                _ => columns.push(self.column(p)),
            }
        }
        InputDecl { name, ignores_others, columns, span }
    }

    fn column(&mut self, pair: Pair<'_, Rule>) -> ColumnDecl {
        let span = span_of(&pair);
        let mut roles = Vec::new();
        let mut idents = Vec::new();
        let mut values = None;
        let mut value_labels = Vec::new();
        let mut label = None;
        let mut at_least = None;
        let mut within = None;
        for p in children(pair) {
            match p.as_rule() {
                Rule::column_role => roles.push(Spanned {
                    value: match p.as_str() {
                        "key" => ColumnRole::Key,
                        "payee" => ColumnRole::Payee,
                        "start" => ColumnRole::Start,
                        "end" => ColumnRole::End,
                        _ => ColumnRole::Period,
                    },
                    span: span_of(&p),
                }),
                Rule::ident => idents.push(ident(Some(p))),
                Rule::string => label = Some(self.string(Some(p))),
                Rule::enum_values => {
                    let mut list = Vec::new();
                    for v in children(p) {
                        let mut it = children(v);
                        list.push(self.string(it.next()));
                        value_labels.push(it.next().map(|l| self.string(Some(l))));
                    }
                    values = Some(list);
                }
                Rule::at_least => {
                    let at = span_of(&p);
                    at_least = Some(self.signed_number(children(p).next(), at));
                }
                Rule::within => {
                    let mut it = children(p);
                    within = Some((ident(it.next()), ident(it.next())));
                }
                _ => {}
            }
        }
        let mut idents = idents.into_iter();
        let name = ident_or_empty(idents.next(), span);
        let ty = ident_or_empty(idents.next(), span);
        ColumnDecl { roles, name, label, ty, values, value_labels, at_least, within, span }
    }

    fn table(&mut self, pair: Pair<'_, Rule>) -> TableDecl {
        let span = span_of(&pair);
        let mut name = None;
        let mut params = Vec::new();
        let mut rows = Vec::new();
        let mut otherwise = None;
        for p in children(pair) {
            match p.as_rule() {
                Rule::ident if name.is_none() => name = Some(ident(Some(p))),
                Rule::ident => params.push(ident(Some(p))),
                Rule::table_row => {
                    let row_span = span_of(&p);
                    let mut keys = Vec::new();
                    let mut value = None;
                    let parts: Vec<_> = children(p).collect();
                    let count = parts.len();
                    for (i, part) in parts.into_iter().enumerate() {
                        let part_span = span_of(&part);
                        if i + 1 == count {
                            value = Some(self.literal(part));
                        } else if part.as_rule() == Rule::wildcard {
                            keys.push(Spanned { value: None, span: part_span });
                        } else {
                            let lit = self.literal(part);
                            keys.push(Spanned { value: Some(lit.value), span: lit.span });
                        }
                    }
                    let value = value.unwrap_or(Spanned { value: Literal::Bool(false), span: row_span });
                    rows.push(TableRow { keys, value, span: row_span });
                }
                Rule::table_else => otherwise = children(p).next().map(|l| self.literal(l)),
                _ => {}
            }
        }
        TableDecl { name: ident_or_empty(name, span), params, rows, otherwise, span }
    }

    /// A `signed_literal` (or a bare literal rule) as a literal value.
    fn literal(&mut self, pair: Pair<'_, Rule>) -> Spanned<Literal> {
        let span = span_of(&pair);
        let pair = if pair.as_rule() == Rule::signed_literal {
            match pair.into_inner().next() {
                Some(p) => p,
                None => return Spanned { value: Literal::Bool(false), span },
            }
        } else {
            pair
        };
        let value = match pair.as_rule() {
            Rule::neg_literal => match self.literal(match pair.into_inner().next() {
                Some(p) => p,
                None => return Spanned { value: Literal::Bool(false), span },
            }) {
                Spanned { value: Literal::Number(n), .. } => Literal::Number(-n),
                Spanned { value: Literal::Percent(n), .. } => Literal::Percent(-n),
                other => other.value,
            },
            Rule::number => Literal::Number(self.decimal(pair.as_str(), span)),
            Rule::money => {
                let mut it = pair.into_inner();
                let amount = it.next().map_or(Decimal::ZERO, |n| self.decimal(n.as_str(), span));
                Literal::Money { amount, currency: it.next().map_or(String::new(), |c| c.as_str().to_string()) }
            }
            Rule::percent => Literal::Percent(self.percent(pair.as_str(), span)),
            Rule::string => Literal::Text(unescape(pair.into_inner().next().map_or("", |p| p.as_str()))),
            Rule::boolean => Literal::Bool(pair.as_str() == "true"),
            _ => Literal::Bool(false),
        };
        Spanned { value, span }
    }

    fn metric(&mut self, pair: Pair<'_, Rule>) -> MetricDecl {
        let span = span_of(&pair);
        let mut name = None;
        let mut label = None;
        let mut cadence = Spanned { value: Cadence::Monthly, span };
        let mut value = None;
        for p in children(pair) {
            match p.as_rule() {
                Rule::ident => name = Some(ident(Some(p))),
                Rule::string => label = Some(self.string(Some(p))),
                Rule::cadence => cadence = Spanned { value: cadence_of(p.as_str()), span: span_of(&p) },
                Rule::expr => value = Some(self.expr(p)),
                _ => {}
            }
        }
        let value = value.unwrap_or(Expr { kind: ExprKind::Literal(Literal::Bool(false)), span });
        MetricDecl { name: ident_or_empty(name, span), label, cadence, value, span }
    }

    fn test(&mut self, pair: Pair<'_, Rule>) -> TestDecl {
        let span = span_of(&pair);
        let mut name = Spanned { value: String::new(), span };
        let mut body = Vec::new();
        for p in children(pair) {
            let s = span_of(&p);
            match p.as_rule() {
                Rule::string => name = self.string(Some(p)),
                Rule::test_period => {
                    let text = children(p).next().map_or(String::new(), |v| v.as_str().to_string());
                    body.push(TestItem::Period(Spanned { value: text, span: s }));
                }
                Rule::test_rows => {
                    let mut it = children(p);
                    let input = ident(it.next());
                    let (rows, raw_span) = it.next().map_or((Vec::new(), s), |r| {
                        (super::inline_rows::lines(r.as_str(), span_of(&r).start), span_of(&r))
                    });
                    body.push(TestItem::Rows(TestRows { input, rows, body: raw_span, span: s }));
                }
                Rule::test_expect => {
                    let mut it = children(p);
                    let payee = match it.next() {
                        Some(p) if p.as_rule() == Rule::string => self.string(Some(p)),
                        Some(p) => Spanned { value: p.as_str().to_string(), span: span_of(&p) },
                        None => Spanned { value: String::new(), span: s },
                    };
                    let component = ident(it.next());
                    let mut next = it.next();
                    let period = match &next {
                        Some(p) if p.as_rule() == Rule::period_value => {
                            let v = Spanned { value: p.as_str().to_string(), span: span_of(p) };
                            next = it.next();
                            Some(v)
                        }
                        _ => None,
                    };
                    let figure = self.signed_number(next, s);
                    let tolerance = it.next().map(|t| self.number(Some(t)));
                    body.push(TestItem::Expect(Expect { payee, component, period, figure, tolerance, span: s }));
                }
                _ => {}
            }
        }
        TestDecl { name, body, span }
    }

    fn component(&mut self, pair: Pair<'_, Rule>) -> ComponentDecl {
        let span = span_of(&pair);
        let mut name = None;
        let mut label = None;
        let mut cadence = Spanned { value: Cadence::Monthly, span };
        let mut body = Vec::new();
        for p in children(pair) {
            let s = span_of(&p);
            match p.as_rule() {
                Rule::ident => name = Some(ident(Some(p))),
                Rule::string => label = Some(self.string(Some(p))),
                Rule::cadence => cadence = Spanned { value: cadence_of(p.as_str()), span: s },
                Rule::let_stmt => {
                    let mut it = children(p);
                    let name = ident(it.next());
                    let value = self.expr_opt(it.next(), s);
                    body.push(Clause::Let { name, value, span: s });
                }
                Rule::when_stmt => body.push(Clause::When { condition: self.expr_opt(children(p).next(), s), span: s }),
                Rule::pay_stmt => body.push(Clause::Pay { value: self.expr_opt(children(p).next(), s), span: s }),
                Rule::cap_stmt => body.push(Clause::Cap { value: self.expr_opt(children(p).next(), s), span: s }),
                Rule::floor_stmt => body.push(Clause::Floor { value: self.expr_opt(children(p).next(), s), span: s }),
                Rule::rounding_decl => body.push(Clause::Rounding(self.rounding(p))),
                _ => {}
            }
        }
        ComponentDecl { name: ident_or_empty(name, span), label, cadence, body, span }
    }

    fn expr_opt(&mut self, pair: Option<Pair<'_, Rule>>, fallback: Span) -> Expr {
        match pair {
            Some(p) => self.expr(p),
            None => Expr { kind: ExprKind::Literal(Literal::Bool(false)), span: fallback },
        }
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let pratt = pratt();
        self.expr_pairs(&pratt, pair.into_inner())
    }

    fn expr_pairs(&mut self, pratt: &PrattParser<Rule>, pairs: Pairs<'_, Rule>) -> Expr {
        // The Pratt parser holds all four closures at once and each may find problems, so
        // they cannot all borrow `self` mutably: each builds with its own `Builder` and
        // pours what it found into one shared list (a RefCell, borrowed one call at a time),
        // merged into `self` afterwards.
        let problems = std::cell::RefCell::new(Vec::new());
        let source = self.source;
        let expr = pratt
            .map_primary(|p| {
                let mut b = Builder { problems: Vec::new(), source };
                let e = b.operand(pratt, p);
                problems.borrow_mut().extend(b.problems);
                e
            })
            .map_prefix(|op, rhs| {
                let span = span_of(&op).to(rhs.span);
                let op = if op.as_rule() == Rule::neg { UnaryOp::Neg } else { UnaryOp::Not };
                Expr { kind: ExprKind::Unary { op, operand: Box::new(rhs) }, span }
            })
            .map_postfix(|lhs, op| {
                let span = lhs.span.to(span_of(&op));
                let mut b = Builder { problems: Vec::new(), source };
                let kind = if op.as_rule() == Rule::in_range {
                    let mut bounds = children(op).map(|bound| {
                        let at = span_of(&bound);
                        let e = b.expr_pairs(pratt, bound.into_inner());
                        Expr { span: at, ..e }
                    });
                    let zero = || Expr { kind: ExprKind::Literal(Literal::Number(Decimal::ZERO)), span };
                    let low = Box::new(bounds.next().unwrap_or_else(zero));
                    let high = Box::new(bounds.next().unwrap_or_else(zero));
                    ExprKind::Between { value: Box::new(lhs), low, high }
                } else {
                    ExprKind::In { value: Box::new(lhs), list: children(op).map(|e| b.expr(e)).collect() }
                };
                problems.borrow_mut().extend(b.problems);
                Expr { kind, span }
            })
            .map_infix(|lhs, op, rhs| {
                let span = lhs.span.to(rhs.span);
                let op = match op.as_rule() {
                    Rule::add => BinaryOp::Add,
                    Rule::sub => BinaryOp::Sub,
                    Rule::mul => BinaryOp::Mul,
                    Rule::div => BinaryOp::Div,
                    Rule::eq => BinaryOp::Eq,
                    Rule::ne => BinaryOp::Ne,
                    Rule::lt => BinaryOp::Lt,
                    Rule::le => BinaryOp::Le,
                    Rule::gt => BinaryOp::Gt,
                    Rule::ge => BinaryOp::Ge,
                    Rule::and_op => BinaryOp::And,
                    _ => BinaryOp::Or,
                };
                Expr { kind: ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span }
            })
            .parse(pairs);
        self.problems.extend(problems.into_inner());
        expr
    }

    /// `primary (default primary)?`
    fn operand(&mut self, pratt: &PrattParser<Rule>, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        let mut it = children(pair);
        let value = match it.next() {
            Some(p) => self.primary(pratt, p),
            None => return Expr { kind: ExprKind::Literal(Literal::Bool(false)), span },
        };
        match it.next() {
            Some(fallback) => {
                let fallback = self.primary(pratt, fallback);
                Expr { kind: ExprKind::Default { value: Box::new(value), fallback: Box::new(fallback) }, span }
            }
            None => value,
        }
    }

    fn primary(&mut self, pratt: &PrattParser<Rule>, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        let kind = match pair.as_rule() {
            Rule::expr => return self.expr_pairs(pratt, pair.into_inner()),
            Rule::number | Rule::money | Rule::percent | Rule::string | Rule::boolean => {
                ExprKind::Literal(self.literal(pair).value)
            }
            Rule::date_lit => match chrono::NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d") {
                Ok(d) => ExprKind::Literal(Literal::Date(d)),
                Err(_) => {
                    self.problems.push(Problem::new(SyntaxKind::BadDate { text: pair.as_str().to_string() }, [span]));
                    ExprKind::Literal(Literal::Bool(false))
                }
            },
            Rule::period_lit => match crate::period::Period::parse(pair.as_str()) {
                Some(p) => ExprKind::Literal(Literal::Period(p)),
                None => {
                    self.problems.push(Problem::new(SyntaxKind::BadDate { text: pair.as_str().to_string() }, [span]));
                    ExprKind::Literal(Literal::Bool(false))
                }
            },
            Rule::name => ExprKind::Name(ident(pair.into_inner().next())),
            Rule::field => {
                let mut it = pair.into_inner();
                ExprKind::Field { input: ident(it.next()), column: ident(it.next()) }
            }
            Rule::if_expr => {
                let mut it = children(pair);
                let condition = Box::new(self.expr_opt(it.next(), span));
                let then = Box::new(self.expr_opt(it.next(), span));
                let otherwise = Box::new(self.expr_opt(it.next(), span));
                ExprKind::If { condition, then, otherwise }
            }
            Rule::call => {
                let mut function = None;
                let mut args = Vec::new();
                let mut filter = None;
                let mut reports = None;
                for p in children(pair) {
                    match p.as_rule() {
                        Rule::ident => function = Some(ident(Some(p))),
                        Rule::where_clause => filter = children(p).next().map(|e| Box::new(self.expr(e))),
                        Rule::for_reports => reports = Some(span_of(&p)),
                        _ => args.push(self.expr(p)),
                    }
                }
                ExprKind::Call { function: ident_or_empty(function, span), args, filter, reports }
            }
            Rule::tiers_expr => {
                let mut mode = Spanned { value: TierMode::Flat, span };
                let mut base = None;
                let mut brackets = Vec::new();
                for p in children(pair) {
                    match p.as_rule() {
                        Rule::tier_mode => {
                            mode = Spanned {
                                value: if p.as_str() == "marginal" { TierMode::Marginal } else { TierMode::Flat },
                                span: span_of(&p),
                            }
                        }
                        Rule::expr => base = Some(self.expr(p)),
                        Rule::bracket => brackets.push(self.bracket(p)),
                        _ => {}
                    }
                }
                let base = base.unwrap_or(Expr { kind: ExprKind::Literal(Literal::Number(Decimal::ZERO)), span });
                ExprKind::Tiers(Box::new(Tiers { mode, base, brackets }))
            }
            _ => ExprKind::Literal(Literal::Bool(false)),
        };
        Expr { kind, span }
    }

    fn bracket(&mut self, pair: Pair<'_, Rule>) -> Bracket {
        let span = span_of(&pair);
        let mut it = children(pair);
        let (mut from, mut percent, mut of) = (Spanned { value: Decimal::ONE, span }, false, None);
        if let Some(bound) = it.next() {
            for p in children(bound) {
                match p.as_rule() {
                    Rule::percent => {
                        let s = span_of(&p);
                        from = Spanned { value: self.percent(p.as_str(), s), span: s };
                        percent = true;
                    }
                    Rule::signed_number => from = self.signed_number(Some(p), span),
                    _ => {
                        // `from target` is 100% of it.
                        if from.span == span {
                            from = Spanned { value: Decimal::ONE, span: span_of(&p) };
                            percent = true;
                        }
                        of = Some(ident(Some(p)));
                    }
                }
            }
        }
        let pays = match it.next() {
            Some(p) if p.as_rule() == Rule::rate_pay => {
                let rate = children(p).next();
                let s = rate.as_ref().map_or(span, span_of);
                BracketPay::Rate(Spanned {
                    value: self.percent(rate.as_ref().map_or("0%", |r| r.as_str()), s),
                    span: s,
                })
            }
            Some(p) => BracketPay::Fixed(self.signed_number(children(p).next(), span)),
            None => BracketPay::Fixed(Spanned { value: Decimal::ZERO, span }),
        };
        Bracket { from, percent, of, pays, span }
    }

    fn signed_number(&mut self, pair: Option<Pair<'_, Rule>>, fallback: Span) -> Spanned<Decimal> {
        match pair {
            Some(p) => {
                let span = span_of(&p);
                let text = p.as_str();
                let (negative, digits) = match text.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, text),
                };
                let value = self.decimal(digits, span);
                Spanned { value: if negative { -value } else { value }, span }
            }
            None => Spanned { value: Decimal::ZERO, span: fallback },
        }
    }

    fn number(&mut self, pair: Option<Pair<'_, Rule>>) -> Spanned<Decimal> {
        match pair {
            Some(p) => {
                let span = span_of(&p);
                Spanned { value: self.decimal(p.as_str(), span), span }
            }
            None => Spanned { value: Decimal::ZERO, span: Span::default() },
        }
    }

    fn decimal(&mut self, text: &str, span: Span) -> Decimal {
        self.check_thousands_comma(text, span);
        let cleaned: String = text.chars().filter(|c| *c != '_').collect();
        match Decimal::from_str_exact(&cleaned) {
            Ok(d) => d,
            Err(_) => {
                self.problems.push(Problem::new(SyntaxKind::NumberTooLarge { text: text.to_string() }, [span]));
                Decimal::ZERO
            }
        }
    }

    /// `min(x, 10,000)` parses, as three values (`x`, `10`, `000`): a group of three digits
    /// right after a digit and a comma is a number grouped by commas, refused as in
    /// `cap 10,000` (where the grammar stops at the comma).
    fn check_thousands_comma(&mut self, text: &str, span: Span) {
        let before = self.source.get(..span.start).unwrap_or("");
        let group = text.trim_end_matches('%');
        let grouped = group.len() == 3 && group.bytes().all(|b| b.is_ascii_digit());
        if !grouped || !before.ends_with(',') || !before.trim_end_matches(',').ends_with(|c: char| c.is_ascii_digit()) {
            return;
        }
        let (start, end) = super::syntax_error::grouped_number(self.source, span.start.saturating_sub(1));
        let span = Span::new(start, end);
        if self.problems.iter().any(|p| p.labels.first().is_some_and(|(s, _)| *s == span)) {
            return;
        }
        let text = self.source.get(start..end).unwrap_or("").to_string();
        self.problems.push(Problem::new(SyntaxKind::ThousandsComma { text }, [span]));
    }

    fn percent(&mut self, text: &str, span: Span) -> Decimal {
        let number = self.decimal(text.trim_end_matches('%'), span);
        // Dividing by 100 only moves the point, unless the percentage already has more than
        // 26 decimals: then the rate would be rounded, so it is refused instead.
        match number.checked_div(Decimal::ONE_HUNDRED).filter(|_| number.normalize().scale() <= 26) {
            Some(rate) => rate,
            None => {
                self.problems.push(Problem::new(SyntaxKind::PercentTooPrecise { text: text.to_string() }, [span]));
                Decimal::ZERO
            }
        }
    }

    fn string(&mut self, pair: Option<Pair<'_, Rule>>) -> Spanned<String> {
        match pair {
            Some(p) => {
                let span = span_of(&p);
                let inner = p.into_inner().next().map_or("", |i| i.as_str());
                Spanned { value: unescape(inner), span }
            }
            None => Spanned { value: String::new(), span: Span::default() },
        }
    }
}

fn ident(pair: Option<Pair<'_, Rule>>) -> Ident {
    match pair {
        Some(p) => Ident { name: p.as_str().to_string(), span: span_of(&p) },
        None => Ident { name: String::new(), span: Span::default() },
    }
}

fn cadence_of(word: &str) -> Cadence {
    match word {
        "quarterly" => Cadence::Quarterly,
        "yearly" => Cadence::Yearly,
        _ => Cadence::Monthly,
    }
}

fn ident_or_empty(ident: Option<Ident>, span: Span) -> Ident {
    ident.unwrap_or(Ident { name: String::new(), span })
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_header_and_component() {
        let src = "policy \"P\" version \"1\" currency CNY\ncomponent a monthly { pay 1 + 2 * 3 }";
        let policy = parse(src).unwrap();
        assert_eq!(policy.header.name.value, "P");
        assert_eq!(policy.items.len(), 1);
    }

    #[test]
    fn precedence_multiplication_binds_tighter() {
        let src = "policy \"P\" version \"1\" currency CNY\ncomponent a monthly { pay 1 + 2 * 3 }";
        let policy = parse(src).unwrap();
        let Some(Item::Component(c)) = policy.items.first() else { panic!("no component") };
        let Some(Clause::Pay { value, .. }) = c.body.first() else { panic!("no pay") };
        let ExprKind::Binary { op, rhs, .. } = &value.kind else { panic!("not binary") };
        assert_eq!(*op, BinaryOp::Add);
        assert!(matches!(rhs.kind, ExprKind::Binary { op: BinaryOp::Mul, .. }));
    }

    #[test]
    fn percent_is_exact() {
        let src = "policy \"P\" version \"1\" currency CNY\ncomponent a monthly { pay 3% }";
        let policy = parse(src).unwrap();
        let Some(Item::Component(c)) = policy.items.first() else { panic!("no component") };
        let Some(Clause::Pay { value, .. }) = c.body.first() else { panic!("no pay") };
        assert_eq!(value.kind, ExprKind::Literal(Literal::Percent(Decimal::new(3, 2))));
    }

    #[test]
    fn missing_tier_mode_names_both_modes() {
        let src = "policy \"P\" version \"1\" currency CNY\ncomponent a monthly { pay tiers x { from 0 rate 3% } }";
        let problems = parse(src).unwrap_err();
        assert!(problems[0].message.contains("tier mode"), "{}", problems[0].message);
        assert!(problems[0].help.as_deref().unwrap_or("").contains("marginal"));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let src = format!(
            "policy \"P\" version \"1\" currency CNY\ncomponent a monthly {{ pay {}1{} }}",
            "(".repeat(200),
            ")".repeat(200)
        );
        let problems = parse(&src).unwrap_err();
        assert!(problems[0].message.contains("nested"));
    }
}
