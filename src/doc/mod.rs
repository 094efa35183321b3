//! `commission doc`: the policy as the plain-language plan document staff are trained on
//! (the seed's 培训 step). Worked examples are computed by the interpreter itself, so the
//! document cannot disagree with the pay it describes.

use rust_decimal::Decimal;

use crate::eval::tiers;
use crate::lang::{BinaryOp, Cadence, RoundingMode, TierMode, UnaryOp};
use crate::money::{format_grouped, Rounding};
use crate::plan::{AggFunc, ColumnType, Component, Expr, Node, PayeeSource, Plan, TierPay, TierTable, Ty};
use crate::report::svg::escape;
use crate::value::Value;

/// A document as blocks, rendered to Markdown or HTML.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(u8, String),
    Para(String),
    List(Vec<String>),
    Table(Vec<String>, Vec<Vec<String>>),
}

fn money(d: Decimal) -> String {
    format_grouped(d, d.normalize().scale().max(2))
}

fn pct(d: Decimal) -> String {
    match d.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", p.normalize()),
        // Only a rate above 10^26% gets here: shown as the fraction it is.
        None => format!("{} (as a fraction)", d.normalize()),
    }
}

fn literal(v: &Value, ty: Ty) -> String {
    match (v, ty) {
        (Value::Number(n), Ty::Percent) => pct(*n),
        (Value::Number(n), Ty::Money) => money(*n),
        (Value::Number(n), _) => n.normalize().to_string(),
        (Value::Text(t), _) => format!("\"{t}\""),
        (other, _) => other.to_string(),
    }
}

fn cadence_words(c: Cadence) -> &'static str {
    match c {
        Cadence::Monthly => "Paid every month, on that month's figures.",
        Cadence::Quarterly => "Paid once a quarter, in the quarter's last month (March, June, September, December), on the whole quarter's figures.",
        Cadence::Yearly => "Paid once a year, in December, on the whole year's figures.",
    }
}

fn rounding_words(mode: RoundingMode, step: Decimal) -> String {
    let how = match mode {
        RoundingMode::HalfUp => "half up (四舍五入: 0.005 and above rounds up)",
        RoundingMode::HalfEven => "half to even (banker's rounding)",
        RoundingMode::Down => "down (towards zero)",
        RoundingMode::Up => "up (away from zero)",
    };
    format!("rounded {how} to {}", step.normalize())
}

/// Where an expression is read: in a component (its `let`s) or per row of an input.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    component: Option<&'a Component>,
    row_input: Option<usize>,
}

/// An expression in words, for people who do not read the policy language.
pub fn words(plan: &Plan, e: &Expr, component: Option<&Component>) -> String {
    say(plan, e, Ctx { component, row_input: None })
}

fn say(plan: &Plan, e: &Expr, ctx: Ctx<'_>) -> String {
    let w = |x: &Expr| say(plan, x, ctx);
    match &e.node {
        Node::Const(v) => literal(v, e.ty),
        Node::Column(i) => {
            let name = ctx.row_input.and_then(|input| plan.inputs.get(input)).and_then(|s| s.columns.get(*i));
            format!("`{}`", name.map_or("", |c| c.name.as_str()))
        }
        Node::Let(i) => {
            ctx.component.and_then(|c| c.lets.get(*i)).map_or("(value)".into(), |l| format!("*{}*", l.name))
        }
        Node::Aggregate(i) => {
            let Some(agg) = plan.aggregates.get(*i) else { return String::new() };
            let input = plan.inputs.get(agg.input).map_or("", |i| i.name.as_str());
            let row = Ctx { component: ctx.component, row_input: Some(agg.input) };
            let arg = agg.arg.as_ref().map(|a| say(plan, a, row)).unwrap_or_default();
            let what = match agg.func {
                AggFunc::Sum => format!("the total of {arg}"),
                AggFunc::Count => "the number".to_string(),
                AggFunc::CountDistinct => format!("the number of different {arg}"),
                AggFunc::Avg => format!("the average of {arg}"),
                AggFunc::Min => format!("the smallest {arg}"),
                AggFunc::Max => format!("the largest {arg}"),
            };
            let filter = agg.filter.as_ref().map(|f| format!(" where {}", say(plan, f, row))).unwrap_or_default();
            format!("{what} of the payee's `{input}` rows in the period{filter}")
        }
        Node::Lookup(i) => {
            let Some(l) = plan.lookups.get(*i) else { return String::new() };
            let input = plan.inputs.get(l.input);
            let col = input.and_then(|s| s.columns.get(l.column)).map_or("", |c| c.name.as_str());
            format!("the payee's `{col}` in `{}` for the period", input.map_or("", |s| s.name.as_str()))
        }
        Node::PayeeId => "the payee's id".to_string(),
        Node::StatementSoFar => "the sum of the statement's other components".to_string(),
        Node::PayeeAttr(i) => {
            let name = plan.roster().and_then(|r| r.columns.get(*i)).map_or("", |c| c.name.as_str());
            format!("the payee's `{name}`")
        }
        Node::Unary(UnaryOp::Neg, x) => format!("minus {}", w(x)),
        Node::Unary(UnaryOp::Not, x) => format!("not ({})", w(x)),
        Node::Binary(op, l, r) => {
            let word = match op {
                BinaryOp::Add => "plus",
                BinaryOp::Sub => "minus",
                BinaryOp::Mul if l.ty == Ty::Percent && ctx.row_input.is_none() => "of",
                BinaryOp::Mul => "times",
                BinaryOp::Div => "divided by",
                BinaryOp::Eq => "is",
                BinaryOp::Ne => "is not",
                BinaryOp::Lt => "is below",
                BinaryOp::Le => "is at most",
                BinaryOp::Gt => "is above",
                BinaryOp::Ge => "is at least",
                BinaryOp::And => "and",
                BinaryOp::Or => "or",
            };
            format!("{} {word} {}", w(l), w(r))
        }
        Node::In(x, list) => {
            let items: Vec<String> = list.iter().map(&w).collect();
            format!("{} is {}", w(x), items.join(" or "))
        }
        Node::If(c, t, o) => format!("if {} then {}, otherwise {}", w(c), w(t), w(o)),
        Node::Min(xs) => format!("the smaller of {}", xs.iter().map(&w).collect::<Vec<_>>().join(" and ")),
        Node::Max(xs) => format!("the larger of {}", xs.iter().map(&w).collect::<Vec<_>>().join(" and ")),
        Node::Abs(x) => format!("the absolute value of {}", w(x)),
        Node::Round(x, r) => format!("{}, {}", w(x), rounding_words(r.mode, r.step)),
        Node::Table(t, args) => {
            let name = plan.tables.get(*t).map_or("", |t| t.name.as_str());
            format!("the value in table *{name}* for {}", args.iter().map(&w).collect::<Vec<_>>().join(" and "))
        }
        Node::Default(x, f) => format!("{} (or {} when there is none)", w(x), w(f)),
        Node::Tiers(t) => format!("the bracket table below, applied to {}", w(&t.base)),
    }
}

/// The document's blocks.
pub fn document(plan: &Plan) -> Vec<Block> {
    let mut b = Vec::new();
    b.push(Block::Heading(1, plan.name.clone()));
    b.push(Block::Para(format!(
        "Version {} · amounts in {} · generated by `commission doc` from `{}` (SHA-256 `{}`), the same file that computes pay.",
        plan.version,
        plan.currency,
        plan.source.name,
        plan.sha256.get(..16).unwrap_or(&plan.sha256)
    )));
    b.push(Block::Heading(2, "Who is paid".into()));
    b.push(Block::Para(match plan.payee {
        PayeeSource::Ledger { input, column } => {
            let s = plan.inputs.get(input);
            format!(
                "Everyone who appears in the `{}` column of the `{}` ledger. Each person gets a statement for every month, including months without sales.",
                s.and_then(|s| s.columns.get(column)).map_or("", |c| c.name.as_str()),
                s.map_or("", |s| s.name.as_str())
            )
        }
        PayeeSource::Roster { input, .. } => format!(
            "Everyone listed in the `{}` roster. A sale booked to someone who is not in the roster stops the calculation, so no sale is lost.",
            plan.inputs.get(input).map_or("", |s| s.name.as_str())
        ),
    }));
    b.push(Block::Para(format!(
        "Every component is {} for each statement, and a statement's total is the sum of its rounded components.",
        rounding_words(plan.rounding.mode, plan.rounding.step)
    )));
    for c in &plan.components {
        component_blocks(plan, c, &mut b);
    }
    if !plan.tables.is_empty() {
        b.push(Block::Heading(2, "Rate tables".into()));
        for t in &plan.tables {
            b.push(Block::Heading(3, t.name.clone()));
            let mut header: Vec<String> = t.params.clone();
            header.push("value".into());
            let mut rows: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|r| {
                    let mut row: Vec<String> =
                        r.keys.iter().map(|k| k.as_ref().map_or("any".into(), |v| literal(v, Ty::Text))).collect();
                    row.push(literal(&r.value, t.ty));
                    row
                })
                .collect();
            if let Some((v, _)) = &t.otherwise {
                let mut row = vec!["anything else".to_string()];
                row.extend(std::iter::repeat_n(String::new(), t.params.len().saturating_sub(1)));
                row.push(literal(v, t.ty));
                rows.push(row);
            }
            b.push(Block::Table(header, rows));
            b.push(Block::Para("Rows are read from the top; the first row that matches gives the value.".into()));
        }
    }
    if !plan.metrics.is_empty() {
        b.push(Block::Heading(2, "Figures in the monthly report".into()));
        b.push(Block::List(
            plan.metrics
                .iter()
                .map(|m| {
                    format!(
                        "**{}**: {}",
                        m.label.clone().unwrap_or_else(|| m.name.clone()),
                        words(plan, &m.value, None)
                    )
                })
                .collect(),
        ));
    }
    b.push(Block::Heading(2, "The data the calculation reads".into()));
    for input in &plan.inputs {
        b.push(Block::Heading(3, format!("`{}`", input.name)));
        let rows = input
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut notes = Vec::new();
                if input.key == Some(i) {
                    notes.push("unique".to_string());
                }
                if input.payee == Some(i) {
                    notes.push("whose row it is".to_string());
                }
                if input.period == Some(i) {
                    notes.push("which period it counts in".to_string());
                }
                if let Some(v) = &c.values {
                    // A value with a label is shown as both: `sales_rep` (销售代表).
                    let shown: Vec<String> = v
                        .iter()
                        .map(|x| match c.value_labels.iter().find(|(value, _)| value == x) {
                            Some((_, label)) => format!("{x} ({label})"),
                            None => x.clone(),
                        })
                        .collect();
                    notes.push(format!("one of {}", shown.join(", ")));
                }
                let name = match &c.label {
                    Some(label) => format!("`{}` ({label})", c.name),
                    None => format!("`{}`", c.name),
                };
                vec![name, type_words(c.ty), notes.join("; ")]
            })
            .collect();
        if input.ignores_others {
            b.push(Block::Para("The file may have other columns; they are not read.".into()));
        }
        b.push(Block::Table(vec!["column".into(), "kind".into(), "notes".into()], rows));
    }
    b
}

fn type_words(t: ColumnType) -> String {
    match t {
        ColumnType::Text => "text",
        ColumnType::Integer => "whole number",
        ColumnType::Decimal => "number",
        ColumnType::Money => "amount of money",
        ColumnType::Percent => "percentage (85.5% or 0.855)",
        ColumnType::Date => "date (YYYY-MM-DD)",
        ColumnType::Month => "month (YYYY-MM)",
        ColumnType::Quarter => "quarter (YYYY-Qn)",
        ColumnType::Bool => "true or false",
    }
    .to_string()
}

/// The statement's cap and floor, read back from the line the checker made of them
/// (`min(max(S, floor), cap) - S`).
fn statement_limits(c: &Component) -> (Option<Decimal>, Option<Decimal>) {
    let constant = |e: &Expr| match &e.node {
        Node::Const(Value::Number(n)) => Some(*n),
        _ => None,
    };
    let Node::Binary(BinaryOp::Sub, limited, _) = &c.pay.node else { return (None, None) };
    let (mut cap, mut floor) = (None, None);
    let mut inner = &**limited;
    if let Node::Min(xs) = &inner.node {
        cap = xs.get(1).and_then(constant);
        match xs.first() {
            Some(x) => inner = x,
            None => return (cap, floor),
        }
    }
    if let Node::Max(xs) = &inner.node {
        floor = xs.get(1).and_then(constant);
    }
    (cap, floor)
}

fn component_blocks(plan: &Plan, c: &Component, b: &mut Vec<Block>) {
    if c.limits_statement {
        b.push(Block::Heading(2, c.name.clone()));
        let (cap, floor) = statement_limits(c);
        let mut items = vec!["Applied to every monthly statement, after the other components.".to_string()];
        if let Some(cap) = cap {
            items.push(format!(
                "When the other components together pay more than {}, this line takes off the excess, so the statement pays {}.",
                money(cap),
                money(cap)
            ));
        }
        if let Some(floor) = floor {
            items.push(format!(
                "When they pay less than {}, this line adds the difference, so the statement pays {}.",
                money(floor),
                money(floor)
            ));
        }
        b.push(Block::List(items));
        return;
    }
    let title = match &c.label {
        Some(l) => format!("{l} ({})", c.name),
        None => c.name.clone(),
    };
    b.push(Block::Heading(2, title));
    let mut items = vec![cadence_words(c.cadence).to_string()];
    for l in &c.lets {
        items.push(format!("*{}* is {}.", l.name, words(plan, &l.value, Some(c))));
    }
    for g in &c.gates {
        items.push(format!("It is paid only when {}.", words(plan, g, Some(c))));
    }
    items.push(format!("It pays {}.", words(plan, &c.pay, Some(c))));
    if let Some(cap) = &c.cap {
        items.push(format!("It never pays more than {}.", words(plan, cap, Some(c))));
    }
    if let Some(floor) = &c.floor {
        items.push(format!("It never pays less than {}.", words(plan, floor, Some(c))));
    }
    if c.rounding != plan.rounding {
        items.push(format!("Its amount is {}.", rounding_words(c.rounding.mode, c.rounding.step)));
    }
    b.push(Block::List(items));
    for_each_tiers(&c.pay, &mut |t| tier_blocks(t, c.rounding, b));
    for l in &c.lets {
        for_each_tiers(&l.value, &mut |t| tier_blocks(t, c.rounding, b));
    }
}

fn for_each_tiers<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a TierTable)) {
    crate::plan::visit::visit(e, &mut |x| {
        if let Node::Tiers(t) = &x.node {
            f(t);
        }
    });
}

fn tier_blocks(t: &TierTable, rounding: Rounding, b: &mut Vec<Block>) {
    let rows = t
        .brackets
        .iter()
        .enumerate()
        .map(|(i, br)| {
            let to = t.brackets.get(i + 1).map_or("and above".to_string(), |n| format!("below {}", money(n.from)));
            let pays = match br.pays {
                TierPay::Rate(r) => pct(r),
                TierPay::Fixed(a) => format!("{} (fixed)", money(a)),
            };
            vec![money(br.from), to, pays]
        })
        .collect();
    b.push(Block::Table(vec!["from".into(), "to".into(), "pays".into()], rows));
    b.push(Block::Para(match t.mode {
        TierMode::Flat => "These brackets are **whole-amount** (全额累进): find the bracket the amount reaches, and the whole amount is paid at that bracket's rate. A bracket includes its lower bound.".into(),
        TierMode::Marginal => "These brackets are **marginal** (超额累进): the amount is cut at the bracket bounds and each slice is paid at its own bracket's rate. A bracket includes its lower bound.".into(),
    }));
    // Worked examples at each bound and one fen below it, computed by the interpreter.
    // A base that cannot be formed (a bound near the largest number held) has no example,
    // as one whose payout cannot be computed has none; a note says so below the table.
    let mut bases: Vec<Decimal> = Vec::new();
    let mut left_out = false;
    for br in &t.brackets {
        if br.from > Decimal::ZERO {
            bases.push(br.from - Decimal::new(1, 2));
        }
        bases.push(br.from);
    }
    if let Some(last) = t.brackets.last() {
        match last.from.checked_add((last.from.max(Decimal::ONE_HUNDRED) / Decimal::TWO).round()) {
            Some(above) => bases.push(above),
            None => left_out = true,
        }
    }
    bases.dedup();
    let other = if t.mode == TierMode::Flat { TierMode::Marginal } else { TierMode::Flat };
    let name = |m: TierMode| if m == TierMode::Flat { "whole-amount (this plan)" } else { "marginal (this plan)" };
    let other_name = if other == TierMode::Flat { "if it were whole-amount" } else { "if it were marginal" };
    // Each cell: the rounded amount paid, and the exact figure when rounding changed it.
    let paid = |exact: Decimal| -> Option<String> {
        let rounded = rounding.apply(exact)?;
        Some(if rounded == exact {
            money(rounded)
        } else {
            format!("{} ({})", format_grouped(rounded, rounding.scale()), money(exact))
        })
    };
    let rows: Vec<Vec<String>> = bases
        .iter()
        .filter_map(|base| {
            let this = paid(tiers::apply(t.mode, &t.brackets, *base)?.0)?;
            let alt = paid(tiers::apply(other, &t.brackets, *base)?.0)?;
            Some(vec![money(*base), this, alt])
        })
        .collect();
    left_out |= rows.len() < bases.len();
    b.push(Block::Para("Worked examples, computed by the same program that computes pay:".into()));
    b.push(Block::Table(vec!["amount".into(), name(t.mode).into(), other_name.into()], rows));
    if left_out {
        b.push(Block::Para(
            "Some amounts have no example: the amount or its payout is too large for the program to compute exactly."
                .into(),
        ));
    }
}

pub fn render_md(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading(level, text) => out.push_str(&format!("{} {text}\n\n", "#".repeat(usize::from(*level)))),
            Block::Para(text) => out.push_str(&format!("{text}\n\n")),
            Block::List(items) => {
                for item in items {
                    out.push_str(&format!("- {item}\n"));
                }
                out.push('\n');
            }
            Block::Table(header, rows) => {
                out.push_str(&format!("| {} |\n", header.join(" | ")));
                out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
                for row in rows {
                    let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Markdown's inline `code`, *emphasis* and **strong**, as HTML (after escaping).
fn inline(text: &str) -> String {
    let mut out = String::new();
    let escaped = escape(text);
    let mut rest = escaped.as_str();
    let (mut code, mut strong, mut em) = (false, false, false);
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("**") && !code {
            out.push_str(if strong { "</strong>" } else { "<strong>" });
            strong = !strong;
            rest = rest.get(2..).unwrap_or("");
            continue;
        }
        match c {
            '`' => {
                out.push_str(if code { "</code>" } else { "<code>" });
                code = !code;
            }
            '*' if !code => {
                out.push_str(if em { "</em>" } else { "<em>" });
                em = !em;
            }
            _ => out.push(c),
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

pub fn render_html(plan: &Plan, blocks: &[Block]) -> String {
    let mut body = String::new();
    for block in blocks {
        match block {
            Block::Heading(level, text) => body.push_str(&format!("<h{level}>{}</h{level}>\n", inline(text))),
            Block::Para(text) => body.push_str(&format!("<p>{}</p>\n", inline(text))),
            Block::List(items) => {
                body.push_str("<ul>");
                for item in items {
                    body.push_str(&format!("<li>{}</li>", inline(item)));
                }
                body.push_str("</ul>\n");
            }
            Block::Table(header, rows) => {
                body.push_str("<div class=\"scroll\"><table><tr>");
                for h in header {
                    body.push_str(&format!("<th>{}</th>", inline(h)));
                }
                body.push_str("</tr>");
                for row in rows {
                    body.push_str("<tr>");
                    for c in row {
                        body.push_str(&format!("<td>{}</td>", inline(c)));
                    }
                    body.push_str("</tr>");
                }
                body.push_str("</table></div>\n");
            }
        }
    }
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>\
         body{{font-family:-apple-system,'Segoe UI','Noto Sans CJK SC','PingFang SC',sans-serif;color:#1d2733;margin:0;padding:16px;line-height:1.5}}\
         main{{max-width:820px;margin:0 auto}}h1{{font-size:1.5rem}}h2{{font-size:1.15rem;border-bottom:2px solid #2e6da4;padding-bottom:4px;margin-top:28px}}\
         .scroll{{overflow-x:auto}}table{{border-collapse:collapse;margin:8px 0}}th,td{{border-bottom:1px solid #d9dee4;padding:4px 10px;text-align:left}}\
         code{{background:#f2f4f7;padding:1px 4px;border-radius:3px}}@page{{size:A4;margin:15mm}}\
         </style></head><body><main>\n{body}</main></body></html>\n",
        escape(&plan.name)
    )
}
