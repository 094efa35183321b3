//! Which declaration each name in a policy stands for, from the policy as written (the AST),
//! so that hover, go to definition and completion work on a policy that parses, even when it
//! does not check yet. The rules follow the checker's (`check::names`): a bare name is an
//! earlier `let` of the component, or inside an aggregate a column of the aggregate's input
//! (the first input named in it); `input.column` and `payee.column` (a roster column) name
//! columns; a call names a rate table; a test names inputs and components.

use crate::source::Span;
use crate::syntax::ast::{self, Clause, ExprKind, Item};

/// A declaration a name can stand for. Indices count declarations of that sort in source
/// order (the `n`-th input, its `c`-th column, the `l`-th `let` of the `n`-th component).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Input(usize),
    Column(usize, usize),
    Table(usize),
    Component(usize),
    Let(usize, usize),
    Metric(usize),
}

/// A name written at `span` that stands for `target` (declarations included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub span: Span,
    pub target: Target,
}

/// The declarations of a policy, by sort, in source order, and every name that refers to one.
#[derive(Debug, Default)]
pub struct Symbols<'a> {
    pub inputs: Vec<&'a ast::InputDecl>,
    pub tables: Vec<&'a ast::TableDecl>,
    pub components: Vec<&'a ast::ComponentDecl>,
    pub metrics: Vec<&'a ast::MetricDecl>,
    /// The input that names the payees (`payee roster.id`), whose columns `payee.x` reads.
    pub payee_input: Option<usize>,
    pub occurrences: Vec<Occurrence>,
}

impl<'a> Symbols<'a> {
    pub fn of(policy: &'a ast::Policy) -> Self {
        let mut symbols = Symbols::default();
        for item in &policy.items {
            match item {
                Item::Input(i) => symbols.inputs.push(i),
                Item::Table(t) => symbols.tables.push(t),
                Item::Component(c) => symbols.components.push(c),
                Item::Metric(m) => symbols.metrics.push(m),
                Item::Payee(_) | Item::Credit(_) | Item::Rounding(_) | Item::StatementLimit(_) | Item::Test(_) => {}
            }
        }
        for item in &policy.items {
            if let Item::Payee(p) = item {
                symbols.payee_input = symbols.input(&p.input.name);
            }
        }
        for item in &policy.items {
            symbols.item(item);
        }
        symbols
    }

    pub fn input(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|i| i.name.name == name)
    }

    pub fn column(&self, input: usize, name: &str) -> Option<usize> {
        self.inputs.get(input)?.columns.iter().position(|c| c.name.name == name)
    }

    fn component(&self, name: &str) -> Option<usize> {
        self.components.iter().position(|c| c.name.name == name)
    }

    /// The name under a byte offset (a cursor just after a name's last character counts).
    pub fn at(&self, offset: usize) -> Option<Occurrence> {
        self.occurrences.iter().copied().find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// The name a declaration is written with: where "go to definition" lands.
    pub fn declaration(&self, target: Target) -> Option<&'a ast::Ident> {
        Some(match target {
            Target::Input(i) => &self.inputs.get(i)?.name,
            Target::Column(i, c) => &self.inputs.get(i)?.columns.get(c)?.name,
            Target::Table(t) => &self.tables.get(t)?.name,
            Target::Component(c) => &self.components.get(c)?.name,
            Target::Metric(m) => &self.metrics.get(m)?.name,
            Target::Let(c, l) => self
                .components
                .get(c)?
                .body
                .iter()
                .filter_map(|clause| match clause {
                    Clause::Let { name, .. } => Some(name),
                    _ => None,
                })
                .nth(l)?,
        })
    }

    fn add(&mut self, span: Span, target: Option<Target>) {
        if let Some(target) = target {
            self.occurrences.push(Occurrence { span, target });
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Input(decl) => {
                let i = self.input(&decl.name.name);
                self.add(decl.name.span, i.map(Target::Input));
                for column in &decl.columns {
                    let c = i.and_then(|i| Some((i, self.column(i, &column.name.name)?)));
                    self.add(column.name.span, c.map(|(i, c)| Target::Column(i, c)));
                }
            }
            Item::Credit(decl) => {
                let input = self.input(&decl.input.name);
                self.add(decl.input.span, input.map(Target::Input));
                let by = self.input(&decl.by.name);
                self.add(decl.by.span, by.map(Target::Input));
                let c = by.and_then(|i| Some((i, self.column(i, &decl.share.name)?)));
                self.add(decl.share.span, c.map(|(i, c)| Target::Column(i, c)));
            }
            Item::Payee(decl) => {
                let i = self.input(&decl.input.name);
                self.add(decl.input.span, i.map(Target::Input));
                let c = i.and_then(|i| Some((i, self.column(i, &decl.column.name)?)));
                self.add(decl.column.span, c.map(|(i, c)| Target::Column(i, c)));
            }
            Item::Table(decl) => {
                let t = self.tables.iter().position(|t| t.name.name == decl.name.name);
                self.add(decl.name.span, t.map(Target::Table));
            }
            Item::Metric(decl) => {
                let m = self.metrics.iter().position(|m| m.name.name == decl.name.name);
                self.add(decl.name.span, m.map(Target::Metric));
                self.expr(&decl.value, &Scope { component: None, lets: Vec::new(), row: None });
            }
            Item::Component(decl) => {
                let Some(c) = self.component(&decl.name.name) else { return };
                self.add(decl.name.span, Some(Target::Component(c)));
                let mut scope = Scope { component: Some(c), lets: Vec::new(), row: None };
                for clause in &decl.body {
                    match clause {
                        Clause::Let { name, value, .. } => {
                            self.expr(value, &scope);
                            self.add(name.span, Some(Target::Let(c, scope.lets.len())));
                            scope.lets.push(name.name.clone());
                        }
                        Clause::When { condition: e, .. }
                        | Clause::Pay { value: e, .. }
                        | Clause::Cap { value: e, .. }
                        | Clause::Floor { value: e, .. } => self.expr(e, &scope),
                        Clause::Rounding(_) => {}
                    }
                }
            }
            Item::Test(decl) => {
                for part in &decl.body {
                    match part {
                        ast::TestItem::Rows(rows) => {
                            let i = self.input(&rows.input.name);
                            self.add(rows.input.span, i.map(Target::Input));
                        }
                        ast::TestItem::Expect(expect) => {
                            let c = self.component(&expect.component.name);
                            self.add(expect.component.span, c.map(Target::Component));
                        }
                        ast::TestItem::Period(_) => {}
                    }
                }
            }
            Item::Rounding(_) | Item::StatementLimit(_) => {}
        }
    }

    fn expr(&mut self, e: &ast::Expr, scope: &Scope) {
        match &e.kind {
            ExprKind::Literal(_) => {}
            ExprKind::Name(n) => {
                let target = scope
                    .row
                    .and_then(|i| Some(Target::Column(i, self.column(i, &n.name)?)))
                    .or_else(|| {
                        let l = scope.lets.iter().rposition(|l| *l == n.name)?;
                        Some(Target::Let(scope.component?, l))
                    })
                    .or_else(|| self.input(&n.name).map(Target::Input));
                self.add(n.span, target);
            }
            ExprKind::Field { input, column } => {
                let i = if input.name == "payee" {
                    self.payee_input
                } else {
                    let i = self.input(&input.name);
                    self.add(input.span, i.map(Target::Input));
                    i
                };
                let c = i.and_then(|i| Some(Target::Column(i, self.column(i, &column.name)?)));
                self.add(column.span, c);
            }
            ExprKind::Unary { operand, .. } => self.expr(operand, scope),
            ExprKind::Between { value, low, high } => {
                self.expr(value, scope);
                self.expr(low, scope);
                self.expr(high, scope);
            }
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs, scope);
                self.expr(rhs, scope);
            }
            ExprKind::In { value, list } => {
                self.expr(value, scope);
                for x in list {
                    self.expr(x, scope);
                }
            }
            ExprKind::If { condition, then, otherwise } => {
                self.expr(condition, scope);
                self.expr(then, scope);
                self.expr(otherwise, scope);
            }
            ExprKind::Default { value, fallback } => {
                self.expr(value, scope);
                self.expr(fallback, scope);
            }
            ExprKind::Tiers(tiers) => self.expr(&tiers.base, scope),
            ExprKind::Call { function, args, filter, .. } => {
                let table = self.tables.iter().position(|t| t.name.name == function.name);
                self.add(function.span, table.map(Target::Table));
                let aggregate = AGGREGATES.contains(&function.name.as_str())
                    && !(matches!(function.name.as_str(), "min" | "max") && args.len() >= 2);
                let inner = if aggregate && scope.row.is_none() {
                    let row = args.iter().chain(filter.as_deref()).find_map(|a| self.first_input(a));
                    Scope { component: scope.component, lets: scope.lets.clone(), row }
                } else {
                    scope.clone()
                };
                for a in args.iter().chain(filter.as_deref()) {
                    self.expr(a, &inner);
                }
            }
        }
    }

    /// The input an aggregate ranges over: the first input named in it, as the checker says.
    fn first_input(&self, e: &ast::Expr) -> Option<usize> {
        match &e.kind {
            ExprKind::Field { input, .. } => self.input(&input.name),
            ExprKind::Name(n) => self.input(&n.name),
            ExprKind::Literal(_) => None,
            ExprKind::Unary { operand, .. } => self.first_input(operand),
            ExprKind::Binary { lhs, rhs, .. } => self.first_input(lhs).or_else(|| self.first_input(rhs)),
            ExprKind::In { value, list } => {
                self.first_input(value).or_else(|| list.iter().find_map(|x| self.first_input(x)))
            }
            ExprKind::Between { value, low, high } => {
                self.first_input(value).or_else(|| self.first_input(low)).or_else(|| self.first_input(high))
            }
            ExprKind::If { condition, then, otherwise } => {
                self.first_input(condition).or_else(|| self.first_input(then)).or_else(|| self.first_input(otherwise))
            }
            ExprKind::Default { value, fallback } => self.first_input(value).or_else(|| self.first_input(fallback)),
            ExprKind::Tiers(tiers) => self.first_input(&tiers.base),
            ExprKind::Call { args, filter, .. } => {
                args.iter().chain(filter.as_deref()).find_map(|a| self.first_input(a))
            }
        }
    }
}

/// The functions that fold rows (`min` and `max` with two or more arguments are scalar).
pub const AGGREGATES: [&str; 6] = ["sum", "count", "count_distinct", "avg", "min", "max"];

/// What a name in an expression can mean where it is written.
#[derive(Debug, Clone)]
struct Scope {
    component: Option<usize>,
    /// The component's `let`s written so far.
    lets: Vec<String>,
    /// Inside an aggregate: the input whose columns bare names are.
    row: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const BY_BUSINESS: &str = include_str!("../../policies/telecom-by-business.policy");

    /// The target of the name that starts `at` characters into the first occurrence of
    /// `context` in the policy.
    fn target(symbols: &Symbols<'_>, context: &str, at: usize) -> Option<Target> {
        let offset = BY_BUSINESS.find(context).unwrap() + at;
        symbols.at(offset).map(|o| o.target)
    }

    #[test]
    /// Inputs in order: roster 0, sales 1, surveys 2. Sales columns: id 0, date 1,
    /// employee 2, customer 3, kind 4, business 5, segment 6, amount 7. Roster: id 0, name 1,
    /// role 2, team 3. Tables: sales_rate 0, retention_rate 1. Components: sales_commission 0,
    /// volume_bonus 1, new_logo_bonus 2, retention 3, satisfaction_bonus 4.
    fn names_resolve_as_the_checker_resolves_them() {
        let policy = crate::syntax::parse(BY_BUSINESS).unwrap();
        let symbols = Symbols::of(&policy);
        // A rate table called inside `sum(sales.amount * ...)`: its arguments are columns of
        // the aggregate's input.
        let call = "sales_rate(business, segment))";
        assert_eq!(target(&symbols, call, 0), Some(Target::Table(0)));
        assert_eq!(target(&symbols, call, 11), Some(Target::Column(1, 5)));
        assert_eq!(target(&symbols, call, 21), Some(Target::Column(1, 6)));
        // `payee.role` is the roster's column; a bare name in a filter is the sales' column.
        let retention = "retention_rate(payee.role) * sum(sales.amount where kind in";
        assert_eq!(target(&symbols, retention, 0), Some(Target::Table(1)));
        assert_eq!(target(&symbols, retention, 21), Some(Target::Column(0, 2)));
        assert_eq!(target(&symbols, retention, 33), Some(Target::Input(1)));
        assert_eq!(target(&symbols, retention, 39), Some(Target::Column(1, 7)));
        assert_eq!(target(&symbols, retention, 52), Some(Target::Column(1, 4)));
        // `payee roster.id`, a test's rows and its `expect`.
        assert_eq!(target(&symbols, "payee roster.id", 6), Some(Target::Input(0)));
        assert_eq!(target(&symbols, "payee roster.id", 13), Some(Target::Column(0, 0)));
        assert_eq!(target(&symbols, "expect A1 volume_bonus", 10), Some(Target::Component(1)));
        // A quarterly gate on another input, and a metric's declaration.
        assert_eq!(target(&symbols, "when surveys.satisfaction", 13), Some(Target::Column(2, 2)));
        assert_eq!(target(&symbols, "metric customers", 7), Some(Target::Metric(1)));
        // Words that are no names: a keyword, a function, a literal.
        assert_eq!(target(&symbols, "pay sum(sales.amount * sales_rate", 0), None);
        assert_eq!(target(&symbols, "pay sum(sales.amount * sales_rate", 4), None);
        assert_eq!(target(&symbols, "\"account_manager\" -> 5%", 1), None);
        // Definitions land on the declared names.
        let declared = symbols.declaration(Target::Column(0, 2)).unwrap();
        assert_eq!(&BY_BUSINESS[declared.span.start..declared.span.end], "role");
        assert_eq!(BY_BUSINESS[..declared.span.start].lines().count(), 33, "line 33 of the file");
    }
}
