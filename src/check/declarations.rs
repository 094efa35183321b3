//! Top-level declarations: header, rounding, inputs, payee, tables, components.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::expr::Scope;
use super::suggest;
use crate::diagnostics::Problem;
use crate::money::{Currency, Rounding};
use crate::plan::*;
use crate::source::SourceFile;
use crate::source::Span;
use crate::syntax::ast::{self, ColumnRole, Item, Literal, Statement};
use crate::value::Value;

pub struct Checker {
    pub problems: Vec<Problem>,
    pub inputs: Vec<InputSchema>,
    pub payee: Option<PayeeSource>,
    pub tables: Vec<Table>,
    pub aggregates: Vec<Aggregate>,
    pub lookups: Vec<Lookup>,
    /// The policy's currency: money literals must be written in it.
    pub currency: String,
    /// Columns whose declaration failed (input index, name): uses of them report nothing
    /// more, so one mistake gives one error.
    pub broken_columns: Vec<(usize, String)>,
    pub source: Option<SourceFile>,
}

impl Checker {
    pub fn new() -> Self {
        Checker {
            problems: Vec::new(),
            inputs: Vec::new(),
            payee: None,
            tables: Vec::new(),
            aggregates: Vec::new(),
            lookups: Vec::new(),
            currency: String::new(),
            broken_columns: Vec::new(),
            source: None,
        }
    }

    /// The policy text of a span, as the analyst wrote it (`100_000`, not `100000`).
    pub fn text(&self, span: Span) -> String {
        self.source.as_ref().and_then(|s| s.text.get(span.start..span.end)).unwrap_or("").to_string()
    }

    pub fn error(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    pub fn policy(&mut self, policy: &ast::Policy, source: SourceFile, sha256: String) -> Option<Plan> {
        self.source = Some(source.clone());
        let header = &policy.header;
        if header.name.value.trim().is_empty() {
            self.error(
                Problem::error("policy name is empty", header.name.span, "empty name")
                    .with_help("name the plan, e.g. `policy \"Telecom account manager commission\"`"),
            );
        }
        let currency = header.currency.name.clone();
        self.currency = currency.clone();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            self.error(
                Problem::error(
                    format!("`{currency}` is not a currency code"),
                    header.currency.span,
                    "expected a three-letter code",
                )
                .with_help("use an ISO 4217 code such as `CNY`, `USD` or `EUR`"),
            );
        }

        let mut rounding: Option<(Rounding, Span)> = None;
        for item in &policy.items {
            if let Item::Rounding(r) = item {
                if let Some((_, first)) = rounding {
                    self.error(
                        Problem::error("the policy sets its rounding twice", r.span, "second rounding")
                            .with_label(first, "first set here")
                            .with_help("keep one policy-wide `rounding`; override it inside a component where needed"),
                    );
                }
                rounding = Some((self.rounding(r), r.span));
            }
        }
        let rounding = rounding.map(|(r, _)| r).unwrap_or_default();

        for item in &policy.items {
            if let Item::Input(input) = item {
                self.input(input);
            }
        }
        self.payee_decl(policy);
        for item in &policy.items {
            if let Item::Table(table) = item {
                self.table(table);
            }
        }

        let mut components: Vec<Component> = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for item in &policy.items {
            if let Item::Component(c) = item {
                if let Some(first) = seen.get(c.name.name.as_str()) {
                    self.error(
                        Problem::error(
                            format!("component `{}` is declared twice", c.name.name),
                            c.name.span,
                            "second declaration",
                        )
                        .with_label(*first, "first declared here")
                        .with_help("give each component its own name"),
                    );
                    // Still check its body, so that its own mistakes show now, not next run.
                    let _ = self.component(c, rounding);
                    continue;
                }
                seen.insert(&c.name.name, c.name.span);
                if let Some(component) = self.component(c, rounding) {
                    components.push(component);
                }
            }
        }
        let mut metrics: Vec<Metric> = Vec::new();
        for item in &policy.items {
            if let Item::Metric(m) = item {
                if let Some(first) = seen.get(m.name.name.as_str()) {
                    self.error(
                        Problem::error(
                            format!("`{}` is declared twice", m.name.name),
                            m.name.span,
                            "second declaration",
                        )
                        .with_label(*first, "first declared here")
                        .with_help("components and metrics share one set of names; rename one"),
                    );
                    continue;
                }
                seen.insert(&m.name.name, m.name.span);
                let scope = Scope::Statement { lets: &[], broken: &[], cadence: m.cadence.value };
                if let Some(value) = self.expr(&m.value, &scope) {
                    metrics.push(Metric {
                        name: m.name.name.clone(),
                        label: m.label.as_ref().map(|l| l.value.clone()),
                        cadence: m.cadence.value,
                        value,
                        span: m.name.span,
                    });
                }
            }
        }
        if !policy.items.iter().any(|i| matches!(i, Item::Component(_))) {
            self.error(
                Problem::error("the policy has no components, so it pays nothing", header.span, "policy declared here")
                    .with_help(
                        "add a component, e.g. `component sales_commission monthly { pay 3% * sum(sales.amount) }`",
                    ),
            );
        }
        let payee = self.payee?;
        Some(Plan {
            name: header.name.value.clone(),
            version: header.version.value.clone(),
            currency: Currency::new(&currency),
            sha256,
            source,
            rounding,
            inputs: std::mem::take(&mut self.inputs),
            payee,
            tables: std::mem::take(&mut self.tables),
            aggregates: std::mem::take(&mut self.aggregates),
            lookups: std::mem::take(&mut self.lookups),
            components,
            metrics,
        })
    }

    pub fn rounding(&mut self, r: &ast::RoundingDecl) -> Rounding {
        if r.step.value <= Decimal::ZERO {
            self.error(
                Problem::error("rounding step must be positive", r.step.span, "not a positive step")
                    .with_help("round to a step such as `0.01` (the fen) or `1` (the yuan)"),
            );
            return Rounding::default();
        }
        Rounding { mode: r.mode.value, step: r.step.value }
    }

    fn input(&mut self, decl: &ast::InputDecl) {
        if let Some(first) = self.inputs.iter().find(|i| i.name == decl.name.name) {
            let first = first.span;
            self.error(
                Problem::error(
                    format!("input `{}` is declared twice", decl.name.name),
                    decl.name.span,
                    "second declaration",
                )
                .with_label(first, "first declared here"),
            );
            return;
        }
        if decl.name.name == "payee" {
            self.error(
                Problem::error("an input cannot be called `payee`", decl.name.span, "reserved name")
                    .with_help("`payee.<column>` refers to the payee's roster columns; choose another name"),
            );
        }
        let mut schema = InputSchema {
            name: decl.name.name.clone(),
            columns: Vec::new(),
            key: None,
            payee: None,
            period: None,
            span: decl.name.span,
        };
        if decl.columns.is_empty() {
            self.error(
                Problem::error(format!("input `{}` has no columns", decl.name.name), decl.span, "empty input")
                    .with_help("declare its columns, e.g. `amount: money`"),
            );
        }
        for col in &decl.columns {
            if let Some(first) = schema.columns.iter().find(|c| c.name == col.name.name) {
                let first = first.span;
                self.error(
                    Problem::error(
                        format!("column `{}` is declared twice in `{}`", col.name.name, decl.name.name),
                        col.name.span,
                        "second declaration",
                    )
                    .with_label(first, "first declared here"),
                );
                continue;
            }
            let Some(ty) = ColumnType::ALL.iter().find(|(n, _)| *n == col.ty.name).map(|(_, t)| *t) else {
                self.broken_columns.push((self.inputs.len(), col.name.name.clone()));
                self.error(
                    Problem::error(format!("unknown column type `{}`", col.ty.name), col.ty.span, "unknown type")
                        .with_help(suggest::help(&col.ty.name, "column type", ColumnType::ALL.iter().map(|(n, _)| *n))),
                );
                continue;
            };
            if let Some(values) = &col.values {
                if ty != ColumnType::Text {
                    self.error(
                        Problem::error(
                            "only text columns can list their values",
                            col.span,
                            format!("`{}` is {}", col.name.name, ty.name()),
                        )
                        .with_help("remove `in [...]`, or make the column `text`"),
                    );
                }
                let mut seen: Vec<&str> = Vec::new();
                for v in values {
                    if seen.contains(&v.value.as_str()) {
                        self.error(Problem::error(format!("value `{}` is listed twice", v.value), v.span, "repeated"));
                    }
                    seen.push(&v.value);
                }
            }
            if let Some(least) = &col.at_least {
                let numeric =
                    matches!(ty, ColumnType::Money | ColumnType::Integer | ColumnType::Decimal | ColumnType::Percent);
                if !numeric {
                    self.error(
                        Problem::error(
                            "only number columns can have a least value",
                            least.span,
                            format!("`{}` is {}", col.name.name, ty.name()),
                        )
                        .with_help("remove `>= ...`, or make the column `money`, `integer`, `decimal` or `percent`"),
                    );
                }
            }
            let index = schema.columns.len();
            for role in &col.roles {
                let (slot, what) = match role.value {
                    ColumnRole::Key => (&mut schema.key, "key"),
                    ColumnRole::Payee => (&mut schema.payee, "payee"),
                    ColumnRole::Period => (&mut schema.period, "period"),
                };
                if slot.is_some() {
                    self.problems.push(
                        Problem::error(
                            format!("input `{}` has more than one {what} column", decl.name.name),
                            role.span,
                            format!("second {what} column"),
                        )
                        .with_help(format!("mark exactly one column as `{what}`")),
                    );
                }
                *slot = Some(index);
                let ok = match role.value {
                    ColumnRole::Key | ColumnRole::Payee => ty == ColumnType::Text || ty == ColumnType::Integer,
                    ColumnRole::Period => ty.bucket().is_some(),
                };
                if !ok {
                    let help = match role.value {
                        ColumnRole::Period => "a period column is a `date`, `month` or `quarter`",
                        _ => "a key or payee column is `text` (or `integer`)",
                    };
                    self.problems.push(
                        Problem::error(
                            format!("column `{}` cannot be the {what} column", col.name.name),
                            col.ty.span,
                            format!("`{}` here", ty.name()),
                        )
                        .with_help(help),
                    );
                }
            }
            schema.columns.push(Column {
                name: col.name.name.clone(),
                ty,
                values: col.values.as_ref().map(|v| v.iter().map(|s| s.value.clone()).collect()),
                at_least: col.at_least.as_ref().map(|l| l.value),
                span: col.name.span,
            });
        }
        self.inputs.push(schema);
    }

    fn payee_decl(&mut self, policy: &ast::Policy) {
        let decls: Vec<&ast::PayeeDecl> =
            policy.items.iter().filter_map(|i| if let Item::Payee(p) = i { Some(p) } else { None }).collect();
        let Some(decl) = decls.first() else {
            let span = policy.header.span;
            let example = self
                .inputs
                .iter()
                .find_map(|i| {
                    i.payee.or(i.key).and_then(|c| i.columns.get(c)).map(|c| format!("{}.{}", i.name, c.name))
                })
                .unwrap_or_else(|| "sales.manager".to_string());
            self.error(
                Problem::error("the policy does not say who is paid", span, "no `payee` declaration")
                    .with_help(format!("add `payee {example}`: the distinct values of a ledger column, or the key column of a roster input")),
            );
            return;
        };
        for extra in decls.iter().skip(1) {
            self.error(
                Problem::error("`payee` is declared twice", extra.span, "second declaration")
                    .with_label(decl.span, "first declared here"),
            );
        }
        let Some(input) = self.inputs.iter().position(|i| i.name == decl.input.name) else {
            let names: Vec<&str> = self.inputs.iter().map(|i| i.name.as_str()).collect();
            let help = suggest::help(&decl.input.name, "input", names.iter().copied());
            self.error(
                Problem::error(format!("unknown input `{}`", decl.input.name), decl.input.span, "not declared")
                    .with_help(help),
            );
            return;
        };
        let schema = self.inputs.get(input);
        let Some(column) = schema.and_then(|s| s.column_index(&decl.column.name)) else {
            let names: Vec<String> =
                schema.map(|s| s.columns.iter().map(|c| c.name.clone()).collect()).unwrap_or_default();
            let help = suggest::help(&decl.column.name, "column", names.iter().map(String::as_str));
            self.error(
                Problem::error(
                    format!("input `{}` has no column `{}`", decl.input.name, decl.column.name),
                    decl.column.span,
                    "no such column",
                )
                .with_help(help),
            );
            return;
        };
        let Some(schema) = self.inputs.get_mut(input) else {
            return;
        };
        let col_ty = schema.columns.get(column).map(|c| c.ty);
        if !matches!(col_ty, Some(ColumnType::Text) | Some(ColumnType::Integer)) {
            self.problems.push(
                Problem::error(
                    "payees are identified by a text column",
                    decl.column.span,
                    format!("`{}` is not text", decl.column.name),
                )
                .with_help("point `payee` at a column holding ids or names"),
            );
        }
        if schema.key == Some(column) && schema.period.is_none() {
            self.payee = Some(PayeeSource::Roster { input, column });
            // The roster's own key is its payee column, so `payee.<column>` reads it.
            schema.payee = Some(column);
        } else {
            match schema.payee {
                Some(other) if other != column => {
                    self.problems.push(
                        Problem::error(
                            format!(
                                "`payee {}.{}` names a different column than the one marked `payee`",
                                decl.input.name, decl.column.name
                            ),
                            decl.span,
                            "here",
                        )
                        .with_help("mark the same column, or remove the `payee` mark from the input"),
                    );
                }
                _ => schema.payee = Some(column),
            }
            if schema.period.is_none() {
                self.problems.push(
                    Problem::error(format!("input `{}` has no period column", decl.input.name), decl.input.span, "payees come from here")
                        .with_help("mark the date column, e.g. `period date: date`, or make this input a roster: `key id: text` and `payee roster.id`"),
                );
            }
            self.payee = Some(PayeeSource::Ledger { input, column });
        }
    }

    fn table(&mut self, decl: &ast::TableDecl) {
        if self.tables.iter().any(|t| t.name == decl.name.name) {
            self.error(Problem::error(
                format!("table `{}` is declared twice", decl.name.name),
                decl.name.span,
                "second declaration",
            ));
            return;
        }
        let mut ty: Option<Ty> = None;
        let mut value_of = |checker: &mut Checker, lit: &ast::Spanned<Literal>| -> Value {
            let (v, t) = literal_value(&lit.value);
            checker.check_currency(&lit.value, lit.span);
            match ty {
                None => ty = Some(t),
                Some(prev)
                    if prev != t
                        && !(prev == Ty::Money && t == Ty::Number)
                        && !(prev == Ty::Number && t == Ty::Money) =>
                {
                    checker.error(
                        Problem::error(
                            format!("table `{}` mixes {} and {} values", decl.name.name, prev.name(), t.name()),
                            lit.span,
                            format!("{} here", t.name()),
                        )
                        .with_help("every row of a table gives the same kind of value"),
                    );
                }
                _ => {}
            }
            if t == Ty::Percent {
                if let Value::Number(n) = v {
                    if n > Decimal::ONE {
                        checker.problems.push(
                            Problem::warning("C0006", "rate above 100%", lit.span, "more than the whole amount")
                                .with_help("check the rate; a rate over 100% pays more than the sale itself"),
                        );
                    }
                }
            }
            v
        };
        let mut rows: Vec<TableRow> = Vec::new();
        for row in &decl.rows {
            if row.keys.len() != decl.params.len() {
                self.error(
                    Problem::error(
                        format!(
                            "row has {} keys, but table `{}` takes {}",
                            row.keys.len(),
                            decl.name.name,
                            decl.params.len()
                        ),
                        row.span,
                        "wrong number of keys",
                    )
                    .with_help("write one key per parameter, `_` for any value"),
                );
                continue;
            }
            let keys: Vec<Option<Value>> =
                row.keys.iter().map(|k| k.value.as_ref().map(|l| literal_value(l).0)).collect();
            if let Some(first) = rows.iter().find(|r| r.keys == keys) {
                let first = first.span;
                self.error(
                    Problem::error(
                        format!("table `{}` has the same row twice", decl.name.name),
                        row.span,
                        "repeated row",
                    )
                    .with_label(first, "first written here")
                    .with_help("remove one of them; rows are matched top to bottom"),
                );
                continue;
            }
            let value = value_of(self, &row.value);
            rows.push(TableRow { keys, value, span: row.span });
        }
        let otherwise = decl.otherwise.as_ref().map(|o| (value_of(self, o), o.span));
        if rows.is_empty() && otherwise.is_none() {
            self.error(Problem::error(format!("table `{}` has no rows", decl.name.name), decl.span, "empty table"));
        }
        self.tables.push(Table {
            name: decl.name.name.clone(),
            params: decl.params.iter().map(|p| p.name.clone()).collect(),
            rows,
            otherwise,
            ty: ty.unwrap_or(Ty::Percent),
            span: decl.name.span,
        });
    }

    fn component(&mut self, decl: &ast::ComponentDecl, policy_rounding: Rounding) -> Option<Component> {
        let cadence = decl.cadence.value;
        let mut lets: Vec<Let> = Vec::new();
        let mut gates = Vec::new();
        let mut pay: Option<(Expr, Span)> = None;
        let mut cap = None;
        let mut floor = None;
        let mut rounding = policy_rounding;
        let mut failed = false;
        let mut broken: Vec<String> = Vec::new();
        for statement in &decl.body {
            let scope = Scope::Statement { lets: &lets, broken: &broken, cadence };
            match statement {
                Statement::Let { name, value, .. } => {
                    if let Some(first) = lets.iter().find(|l| l.name == name.name) {
                        let first = first.span;
                        self.error(
                            Problem::error(format!("`{}` is defined twice", name.name), name.span, "second definition")
                                .with_label(first, "first defined here")
                                .with_help("a `let` name is defined once per component"),
                        );
                        failed = true;
                        continue;
                    }
                    match self.expr(value, &scope) {
                        Some(e) => lets.push(Let { name: name.name.clone(), value: e, span: name.span }),
                        None => {
                            failed = true;
                            broken.push(name.name.clone());
                        }
                    }
                }
                Statement::When { condition, .. } => match self.expr(condition, &scope) {
                    Some(e) if e.ty == Ty::Bool => gates.push(e),
                    Some(e) => {
                        self.error(
                            Problem::error(
                                "a `when` condition must be true or false",
                                e.span,
                                format!("this is {}", e.ty.name()),
                            )
                            .with_help("compare it, e.g. `when surveys.satisfaction >= 80%`"),
                        );
                        failed = true;
                    }
                    None => failed = true,
                },
                Statement::Pay { value, span } => {
                    if let Some((_, first)) = &pay {
                        self.error(
                            Problem::error(format!("component `{}` pays twice", decl.name.name), *span, "second `pay`")
                                .with_label(*first, "first `pay`")
                                .with_help("combine the amounts in one `pay`, or split them into two components"),
                        );
                        failed = true;
                        continue;
                    }
                    match self.money_expr(value, &scope, "what a component pays") {
                        Some(e) => pay = Some((e, *span)),
                        None => failed = true,
                    }
                }
                Statement::Cap { value, .. } => match self.money_expr(value, &scope, "a cap") {
                    Some(e) => cap = Some(e),
                    None => failed = true,
                },
                Statement::Floor { value, .. } => match self.money_expr(value, &scope, "a floor") {
                    Some(e) => floor = Some(e),
                    None => failed = true,
                },
                Statement::Rounding(r) => rounding = self.rounding(r),
            }
        }
        let Some((pay, _)) = pay else {
            if !failed {
                self.error(
                    Problem::error(
                        format!("component `{}` does not say what it pays", decl.name.name),
                        decl.name.span,
                        "no `pay`",
                    )
                    .with_help("add a `pay` line, e.g. `pay 5% * sum(sales.amount)`"),
                );
            }
            return None;
        };
        if let (Some(c), Some(f)) = (&cap, &floor) {
            if let (Node::Const(Value::Number(c_val)), Node::Const(Value::Number(f_val))) = (&c.node, &f.node) {
                if c_val < f_val {
                    self.error(
                        Problem::error("the cap is below the floor", c.span, "cap")
                            .with_label(f.span, "floor")
                            .with_help("a cap must be at least the floor"),
                    );
                }
            }
        }
        if failed {
            return None;
        }
        Some(Component {
            name: decl.name.name.clone(),
            label: decl.label.as_ref().map(|l| l.value.clone()),
            cadence,
            lets,
            gates,
            pay,
            cap,
            floor,
            rounding,
            span: decl.name.span,
        })
    }

    /// `500 USD` in a CNY policy is an error: amounts are in the policy's currency.
    pub fn check_currency(&mut self, lit: &Literal, span: Span) {
        if let Literal::Money { currency, .. } = lit {
            if *currency != self.currency {
                let help = format!("this policy pays in `{}`; write `... {}`", self.currency, self.currency);
                self.error(
                    Problem::error(
                        format!("amount in `{currency}`, but the policy's currency is `{}`", self.currency),
                        span,
                        "other currency",
                    )
                    .with_help(help),
                );
            }
        }
    }

    /// An expression that must be an amount of money (a literal number counts as one).
    fn money_expr(&mut self, value: &ast::Expr, scope: &Scope, what: &str) -> Option<Expr> {
        let mut e = self.expr(value, scope)?;
        super::expr::coerce_literal(&mut e, Ty::Money);
        if e.ty != Ty::Money {
            let help = match e.ty {
                Ty::Percent => "multiply the rate by an amount, e.g. `5% * sum(sales.amount)`".to_string(),
                _ => format!("{what} is an amount of money"),
            };
            self.error(
                Problem::error(format!("{what} must be money"), e.span, format!("this is {}", e.ty.name()))
                    .with_help(help),
            );
            return None;
        }
        Some(e)
    }
}

/// A literal's run-time value and static type.
pub fn literal_value(lit: &Literal) -> (Value, Ty) {
    match lit {
        Literal::Number(n) => (Value::Number(*n), Ty::Number),
        Literal::Money { amount, .. } => (Value::Number(*amount), Ty::Money),
        Literal::Percent(p) => (Value::Number(*p), Ty::Percent),
        Literal::Text(t) => (Value::text(t), Ty::Text),
        Literal::Bool(b) => (Value::Bool(*b), Ty::Bool),
    }
}
