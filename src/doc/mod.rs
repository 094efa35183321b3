//! `commission doc`: the policy as the plain-language plan document staff are trained on
//! (the seed's 培训 step). Worked examples are computed by the interpreter itself, so the
//! document cannot disagree with the pay it describes. Its own words are English or Chinese,
//! chosen as the report's are (`performance::Lang`: Chinese for a Chinese plan).

use rust_decimal::Decimal;

use crate::eval::tiers;
use crate::lang::{BinaryOp, Cadence, RoundingMode, TierMode, UnaryOp};
use crate::money::{format_grouped, Rounding};
pub use crate::performance::Lang;
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

/// English or Chinese: the one choice every fixed word of the document goes through.
fn t<'a>(lang: Lang, en: &'a str, zh: &'a str) -> &'a str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

fn pct(lang: Lang, d: Decimal) -> String {
    match d.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", p.normalize()),
        // Only a rate above 10^26% gets here: shown as the fraction it is.
        None => format!("{}{}", d.normalize(), t(lang, " (as a fraction)", "（以小数表示）")),
    }
}

fn literal(lang: Lang, v: &Value, ty: Ty) -> String {
    match (v, ty) {
        (Value::Number(n), Ty::Percent) => pct(lang, *n),
        (Value::Number(n), Ty::Money) => money(*n),
        (Value::Number(n), _) => n.normalize().to_string(),
        (Value::Text(t), _) => format!("\"{t}\""),
        (other, _) => other.to_string(),
    }
}

/// A text constant compared with a column that labels its values, with its label:
/// `"account_manager" (客户经理)`; `None` when either is not so.
fn labelled(plan: &Plan, ctx: Ctx<'_>, column: &Expr, constant: &Expr) -> Option<String> {
    let Node::Const(Value::Text(text)) = &constant.node else { return None };
    let (input, col) = match (&column.node, &plan.payee) {
        (Node::PayeeAttr(i), PayeeSource::Roster { input, .. }) => (*input, *i),
        (Node::Column(i), _) => (ctx.row_input?, *i),
        _ => return None,
    };
    let label = plan.label_of_value(input, col, text);
    (label != **text).then(|| match ctx.lang {
        Lang::En => format!("\"{text}\" ({label})"),
        Lang::Zh => format!("\"{text}\"（{label}）"),
    })
}

fn cadence_words(lang: Lang, c: Cadence) -> &'static str {
    match c {
        Cadence::Monthly => t(lang, "Paid every month, on that month's figures.", "每月发放，按当月数据计算。"),
        Cadence::Quarterly => t(
            lang,
            "Paid once a quarter, in the quarter's last month (March, June, September, December), on the whole quarter's figures.",
            "每季度发放一次，在季度最后一个月（3 月、6 月、9 月、12 月）发放，按整个季度的数据计算。",
        ),
        Cadence::Yearly => {
            t(lang, "Paid once a year, in December, on the whole year's figures.", "每年发放一次，在 12 月发放，按全年数据计算。")
        }
    }
}

fn rounding_words(lang: Lang, mode: RoundingMode, step: Decimal) -> String {
    let how = match mode {
        RoundingMode::HalfUp => {
            t(lang, "half up (四舍五入: 0.005 and above rounds up)", "四舍五入（0.005 及以上进位）")
        }
        RoundingMode::HalfEven => t(lang, "half to even (banker's rounding)", "四舍六入五成双（银行家舍入）"),
        RoundingMode::Down => t(lang, "down (towards zero)", "向零舍去"),
        RoundingMode::Up => t(lang, "up (away from zero)", "远离零进位"),
    };
    match lang {
        Lang::En => format!("rounded {how} to {}", step.normalize()),
        Lang::Zh => format!("按{how}保留到 {}", step.normalize()),
    }
}

/// Where an expression is read: in a component (its `let`s) or per row of an input.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    component: Option<&'a Component>,
    row_input: Option<usize>,
    lang: Lang,
}

/// An expression in words, for people who do not read the policy language.
pub fn words(plan: &Plan, e: &Expr, component: Option<&Component>, lang: Lang) -> String {
    say(plan, e, Ctx { component, row_input: None, lang })
}

/// "the sum of X over this quarter's earlier months" and the like.
fn history_words(lang: Lang, what: &str, window: crate::plan::Window, current: bool) -> String {
    if matches!(window, crate::plan::Window::Month) {
        return match lang {
            Lang::En => format!("{what} this month"),
            Lang::Zh => format!("本月的 {what}"),
        };
    }
    let quarter = matches!(window, crate::plan::Window::Quarter);
    match (lang, current) {
        (Lang::En, true) => {
            format!("{what} from the start of the {} to this month", if quarter { "quarter" } else { "year" })
        }
        (Lang::En, false) => format!("{what} in the {}'s earlier months", if quarter { "quarter" } else { "year" }),
        (Lang::Zh, true) => format!("本{}初至本月的 {what} 合计", if quarter { "季" } else { "年" }),
        (Lang::Zh, false) => format!("本{}此前各月的 {what} 合计", if quarter { "季" } else { "年" }),
    }
}

fn say(plan: &Plan, e: &Expr, ctx: Ctx<'_>) -> String {
    let w = |x: &Expr| say(plan, x, ctx);
    // The right side of a comparison, with the label of a text value of the left side's column.
    let rhs = |l: &Expr, r: &Expr| labelled(plan, ctx, l, r).unwrap_or_else(|| w(r));
    let lang = ctx.lang;
    let zh = lang == Lang::Zh;
    match &e.node {
        Node::Const(v) => literal(lang, v, e.ty),
        Node::Column(i) => {
            let name = ctx.row_input.and_then(|input| plan.inputs.get(input)).and_then(|s| s.columns.get(*i));
            format!("`{}`", name.map_or("", |c| c.name.as_str()))
        }
        Node::Let(i) => ctx
            .component
            .and_then(|c| c.lets.get(*i))
            .map_or(t(lang, "(value)", "（数值）").into(), |l| format!("*{}*", l.name)),
        Node::Aggregate(i) => {
            let Some(agg) = plan.aggregates.get(*i) else { return String::new() };
            let input = plan.inputs.get(agg.input).map_or("", |i| i.name.as_str());
            let row = Ctx { component: ctx.component, row_input: Some(agg.input), lang };
            let arg = agg.arg.as_ref().map(|a| say(plan, a, row)).unwrap_or_default();
            let filter = agg.filter.as_ref().map(|f| say(plan, f, row));
            if zh {
                let what = match agg.func {
                    AggFunc::Sum => format!("中 {arg} 的合计"),
                    AggFunc::Count => "的条数".to_string(),
                    AggFunc::CountDistinct => format!("中不同 {arg} 的个数"),
                    AggFunc::Avg => format!("中 {arg} 的平均值"),
                    AggFunc::Min => format!("中 {arg} 的最小值"),
                    AggFunc::Max => format!("中 {arg} 的最大值"),
                };
                let filter = filter.map(|f| format!("（仅计 {f} 的记录）")).unwrap_or_default();
                let whose = if agg.reports { "该人员直接下属" } else { "该人员" };
                return format!("{whose}本期 `{input}` 记录{what}{filter}");
            }
            let what = match agg.func {
                AggFunc::Sum => format!("the total of {arg}"),
                AggFunc::Count => "the number".to_string(),
                AggFunc::CountDistinct => format!("the number of different {arg}"),
                AggFunc::Avg => format!("the average of {arg}"),
                AggFunc::Min => format!("the smallest {arg}"),
                AggFunc::Max => format!("the largest {arg}"),
            };
            let filter = filter.map(|f| format!(" where {f}")).unwrap_or_default();
            let whose = if agg.reports { "the payee's direct reports'" } else { "the payee's" };
            format!("{what} of {whose} `{input}` rows in the period{filter}")
        }
        Node::Lookup(i) => {
            let Some(l) = plan.lookups.get(*i) else { return String::new() };
            let input = plan.inputs.get(l.input);
            let col = input.and_then(|s| s.columns.get(l.column)).map_or("", |c| c.name.as_str());
            let input = input.map_or("", |s| s.name.as_str());
            match lang {
                Lang::En => format!("the payee's `{col}` in `{input}` for the period"),
                Lang::Zh => format!("该人员本期在 `{input}` 中的 `{col}`"),
            }
        }
        Node::PayeeId => t(lang, "the payee's id", "该人员的编号").to_string(),
        Node::Joined(r, c) => {
            let schema = ctx.row_input.and_then(|i| plan.inputs.get(i));
            let reference = schema.and_then(|s| s.columns.get(*r));
            let target = reference.and_then(|col| plan.inputs.get(col.refers_to?));
            let column = target.and_then(|s| s.columns.get(*c)).map_or("", |c| c.name.as_str());
            let via = reference.map_or("", |c| c.name.as_str());
            match lang {
                Lang::En => format!("the `{column}` of the row's `{via}`"),
                Lang::Zh => format!("该记录 `{via}` 所指记录的 `{column}`"),
            }
        }
        Node::Period => t(lang, "the statement's period", "本期").to_string(),
        Node::Employed => {
            t(lang, "the share of the period the payee was employed", "该人员在本期在职天数的占比").to_string()
        }
        Node::MonthsSince(d) => match lang {
            Lang::En => format!("the months from {} to the statement's month", w(d)),
            Lang::Zh => format!("自 {} 起至本月的月数", w(d)),
        },
        Node::InMonthOf(d, v) => {
            let month = Ctx { component: ctx.component, row_input: None, lang };
            match lang {
                Lang::En => format!("{} in the month of {}", say(plan, v, month), w(d)),
                Lang::Zh => format!("{} 所在月份的 {}", w(d), say(plan, v, month)),
            }
        }
        Node::DaysBetween(a, b) => match lang {
            Lang::En => format!("the days from {} to {}", w(a), w(b)),
            Lang::Zh => format!("自 {} 至 {} 的天数", w(a), w(b)),
        },
        Node::Between(x, lo, hi) => match lang {
            Lang::En => format!("{} is from {} to {}", w(x), w(lo), w(hi)),
            Lang::Zh => format!("{} 介于 {} 与 {} 之间（含）", w(x), w(lo), w(hi)),
        },
        Node::ComponentAmount(c) => {
            let name = plan.components.get(*c).map_or("", |c| c.name.as_str());
            match lang {
                Lang::En => format!("this month's *{name}*"),
                Lang::Zh => format!("本月的 *{name}*"),
            }
        }
        Node::History { of, window, current, reports } => {
            let what = match of {
                crate::plan::Earlier::Total => t(lang, "statement totals", "对账单合计").to_string(),
                crate::plan::Earlier::Component(c) => {
                    format!("*{}*", plan.components.get(*c).map_or("", |c| c.name.as_str()))
                }
            };
            let what = match (reports, lang) {
                (false, _) => what,
                (true, Lang::En) => format!("the direct reports' {what}"),
                (true, Lang::Zh) => format!("直接下属的 {what}"),
            };
            history_words(lang, &what, *window, *current)
        }
        Node::ToDate { window, current, value } => history_words(lang, &w(value), *window, *current),
        Node::StatementSoFar => {
            t(lang, "the sum of the statement's components above this one", "本期对账单中此前各项之和").to_string()
        }
        Node::PayeeAttr(i) => {
            let name = plan.roster().and_then(|r| r.columns.get(*i)).map_or("", |c| c.name.as_str());
            format!("{} `{name}`", t(lang, "the payee's", "该人员的"))
        }
        Node::Unary(UnaryOp::Neg, x) => format!("{} {}", t(lang, "minus", "负"), w(x)),
        Node::Unary(UnaryOp::Not, x) => match lang {
            Lang::En => format!("not ({})", w(x)),
            Lang::Zh => format!("并非（{}）", w(x)),
        },
        Node::Binary(op, l, r) if zh => {
            let word = match op {
                BinaryOp::Add => "加",
                BinaryOp::Sub => "减",
                BinaryOp::Mul => "乘以",
                BinaryOp::Div => "除以",
                BinaryOp::Eq => "为",
                BinaryOp::Ne => "不为",
                BinaryOp::Lt => "低于",
                BinaryOp::Le => "不高于",
                BinaryOp::Gt => "高于",
                BinaryOp::Ge => "不低于",
                BinaryOp::And => "且",
                BinaryOp::Or => "或",
            };
            format!("{} {word} {}", w(l), rhs(l, r))
        }
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
            format!("{} {word} {}", w(l), rhs(l, r))
        }
        Node::In(x, list) => {
            let items: Vec<String> = list.iter().map(|item| rhs(x, item)).collect();
            match lang {
                Lang::En => format!("{} is {}", w(x), items.join(" or ")),
                Lang::Zh => format!("{} 为 {}", w(x), items.join(" 或 ")),
            }
        }
        Node::If(c, th, o) => match lang {
            Lang::En => format!("if {} then {}, otherwise {}", w(c), w(th), w(o)),
            Lang::Zh => format!("若 {}，则为 {}，否则为 {}", w(c), w(th), w(o)),
        },
        Node::Min(xs) | Node::Max(xs) => {
            let min = matches!(e.node, Node::Min(_));
            match lang {
                Lang::En => format!(
                    "the {} of {}",
                    if min { "smaller" } else { "larger" },
                    xs.iter().map(&w).collect::<Vec<_>>().join(" and ")
                ),
                Lang::Zh => format!(
                    "{} 中的{}",
                    xs.iter().map(&w).collect::<Vec<_>>().join(" 与 "),
                    if min { "较小者" } else { "较大者" }
                ),
            }
        }
        Node::Abs(x) => match lang {
            Lang::En => format!("the absolute value of {}", w(x)),
            Lang::Zh => format!("{} 的绝对值", w(x)),
        },
        Node::Round(x, r) => format!("{}{}{}", w(x), t(lang, ", ", "，"), rounding_words(lang, r.mode, r.step)),
        Node::Table(tb, args) => {
            let name = plan.tables.get(*tb).map_or("", |tb| tb.name.as_str());
            match lang {
                Lang::En => {
                    format!("the value in table *{name}* for {}", args.iter().map(&w).collect::<Vec<_>>().join(" and "))
                }
                Lang::Zh => format!("表 *{name}* 中 {} 对应的值", args.iter().map(&w).collect::<Vec<_>>().join(" 与 ")),
            }
        }
        Node::Default(x, f) => match lang {
            Lang::En => format!("{} (or {} when there is none)", w(x), w(f)),
            Lang::Zh => format!("{}（没有时取 {}）", w(x), w(f)),
        },
        Node::Tiers(tb) => match lang {
            Lang::En => format!("the bracket table below, applied to {}", w(&tb.base)),
            Lang::Zh => format!("对 {} 按下方档位表计算的金额", w(&tb.base)),
        },
    }
}

/// The document's blocks, its own words in `lang`.
pub fn document(plan: &Plan, lang: Lang) -> Vec<Block> {
    let mut b = Vec::new();
    let sha = plan.sha256.get(..16).unwrap_or(&plan.sha256);
    b.push(Block::Heading(1, plan.name.clone()));
    b.push(Block::Para(match lang {
        Lang::En => format!(
            "Version {} · amounts in {} · generated by `commission doc` from `{}` (SHA-256 `{sha}`), the same file that computes pay.",
            plan.version, plan.currency, plan.source.name
        ),
        Lang::Zh => format!(
            "版本 {} · 金额单位 {} · 由 `commission doc` 根据 `{}`（SHA-256 `{sha}`）生成，与计算提成的是同一个文件。",
            plan.version, plan.currency, plan.source.name
        ),
    }));
    b.push(Block::Heading(2, t(lang, "Who is paid", "发放对象").into()));
    b.push(Block::Para(match plan.payee {
        PayeeSource::Ledger { input, column } => {
            let s = plan.inputs.get(input);
            let column = s.and_then(|s| s.columns.get(column)).map_or("", |c| c.name.as_str());
            let input = s.map_or("", |s| s.name.as_str());
            match lang {
                Lang::En => format!(
                    "Everyone who appears in the `{column}` column of the `{input}` ledger. Each person gets a statement for every month, including months without sales."
                ),
                Lang::Zh => format!(
                    "`{input}` 台账 `{column}` 列中出现的每一个人。每人每月都有一张结算单，没有销售的月份也有。"
                ),
            }
        }
        PayeeSource::Roster { input, .. } => {
            let input = plan.inputs.get(input).map_or("", |s| s.name.as_str());
            match lang {
                Lang::En => format!(
                    "Everyone listed in the `{input}` roster. A sale booked to someone who is not in the roster stops the calculation, so no sale is lost."
                ),
                Lang::Zh => format!(
                    "`{input}` 名册中列出的每一个人。若有销售记在名册之外的人名下，计算会停止，因此不会漏掉任何一笔销售。"
                ),
            }
        }
    }));
    if let Some(credit) = plan.credit {
        let name = |i: usize| plan.inputs.get(i).map_or("", |s| s.name.as_str());
        let (credited, by) = (name(credit.input), name(credit.by));
        b.push(Block::Para(match lang {
            Lang::En => format!(
                "A row of `{credited}` named by rows of `{by}` is credited to their payees, each by their share (the shares of a row total exactly 100%); every sum over `{credited}` is the payee's share of it. A row no `{by}` row names is its own payee's, whole."
            ),
            Lang::Zh => format!(
                "被 `{by}` 中记录指向的 `{credited}` 记录按比例计入各相关人员（同一记录的比例合计恰为 100%）；对 `{credited}` 的求和均按该人员的比例计算。未被指向的记录全部计入其本人。"
            ),
        }));
    }
    if plan.reads_history() || plan.reads_reports() {
        b.push(Block::Para(t(
            lang,
            "Statements read earlier statements (figures to date), so the calculation always starts in January of the first month's year, whatever months are printed.",
            "结算单会读取此前的结算单（累计数），因此无论打印哪些月份，计算总是从该年一月开始。",
        ).into()));
    }
    let rounding = rounding_words(lang, plan.rounding.mode, plan.rounding.step);
    b.push(Block::Para(match lang {
        Lang::En => format!(
            "Every component is {rounding} for each statement, and a statement's total is the sum of its rounded components."
        ),
        Lang::Zh => format!("每张结算单中的每个项目均{rounding}，结算单合计为各项目舍入后金额之和。"),
    }));
    for c in &plan.components {
        component_blocks(plan, c, lang, &mut b);
    }
    if !plan.tables.is_empty() {
        b.push(Block::Heading(2, t(lang, "Rate tables", "费率表").into()));
        for tb in &plan.tables {
            b.push(Block::Heading(3, tb.name.clone()));
            let mut header: Vec<String> = tb.params.clone();
            header.push(t(lang, "value", "取值").into());
            let mut rows: Vec<Vec<String>> = tb
                .rows
                .iter()
                .map(|r| {
                    let mut row: Vec<String> = r
                        .keys
                        .iter()
                        .map(|k| k.as_ref().map_or(t(lang, "any", "任意").into(), |v| literal(lang, v, Ty::Text)))
                        .collect();
                    row.push(literal(lang, &r.value, tb.ty));
                    row
                })
                .collect();
            if let Some((v, _)) = &tb.otherwise {
                let mut row = vec![t(lang, "anything else", "其他情况").to_string()];
                row.extend(std::iter::repeat_n(String::new(), tb.params.len().saturating_sub(1)));
                row.push(literal(lang, v, tb.ty));
                rows.push(row);
            }
            b.push(Block::Table(header, rows));
            b.push(Block::Para(
                t(
                    lang,
                    "Rows are read from the top; the first row that matches gives the value.",
                    "从上往下逐行查找，第一条匹配的行给出取值。",
                )
                .into(),
            ));
        }
    }
    if !plan.metrics.is_empty() {
        b.push(Block::Heading(2, t(lang, "Figures in the monthly report", "月度报告中的指标").into()));
        b.push(Block::List(
            plan.metrics
                .iter()
                .map(|m| {
                    format!(
                        "**{}**{}{}",
                        m.label.clone().unwrap_or_else(|| m.name.clone()),
                        t(lang, ": ", "："),
                        words(plan, &m.value, None, lang)
                    )
                })
                .collect(),
        ));
    }
    b.push(Block::Heading(2, t(lang, "The data the calculation reads", "计算所读取的数据").into()));
    for input in &plan.inputs {
        b.push(Block::Heading(3, format!("`{}`", input.name)));
        let rows = input
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut notes = Vec::new();
                if input.key == Some(i) {
                    notes.push(t(lang, "unique", "唯一").to_string());
                }
                if input.payee == Some(i) {
                    notes.push(t(lang, "whose row it is", "该行所属的人员").to_string());
                }
                if input.period == Some(i) {
                    notes.push(t(lang, "which period it counts in", "该行计入的期间").to_string());
                }
                if let Some(target) = c.refers_to.and_then(|t| plan.inputs.get(t)) {
                    notes.push(match (lang, plan.roster().is_some_and(|r| r.name == target.name)) {
                        (Lang::En, true) if target.name == input.name => {
                            "the payee's manager: an `id` of this roster, or empty".to_string()
                        }
                        (Lang::Zh, true) if target.name == input.name => {
                            "该人员的直属上级：本名册中的编号，或空".to_string()
                        }
                        (Lang::En, _) => format!("names a row of `{}` by its key; each must exist", target.name),
                        (Lang::Zh, _) => format!("以编号指向 `{}` 中的一行，须存在", target.name),
                    });
                }
                if let Some((via, of)) = c.within {
                    let via = input.columns.get(via).map_or("", |c| c.name.as_str());
                    let target =
                        input.columns.iter().find(|x| x.name == via).and_then(|x| plan.inputs.get(x.refers_to?));
                    let of = target.and_then(|t| t.columns.get(of)).map_or("", |c| c.name.as_str());
                    notes.push(match lang {
                        Lang::En => format!("the rows naming one `{via}` total at most its `{of}`"),
                        Lang::Zh => format!("指向同一 `{via}` 的各行合计不超过其 `{of}`"),
                    });
                }
                if input.start == Some(i) {
                    notes.push(
                        t(
                            lang,
                            "the day the payee was hired; their rows may not be earlier",
                            "入职日期；该人员的记录不得早于此日",
                        )
                        .to_string(),
                    );
                }
                if input.end == Some(i) {
                    notes.push(
                        t(lang, "the day the payee left (empty while employed)", "离职日期（在职时为空）").to_string(),
                    );
                }
                if plan.credit.is_some_and(|cr| {
                    cr.by == plan.inputs.iter().position(|x| x.name == input.name).unwrap_or(usize::MAX)
                        && cr.share == i
                }) {
                    notes.push(
                        t(
                            lang,
                            "the payee's share of the row it names; a row's shares total 100%",
                            "该人员在所指记录中的分成比例；同一记录的比例合计须为 100%",
                        )
                        .to_string(),
                    );
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
                    notes.push(match lang {
                        Lang::En => format!("one of {}", shown.join(", ")),
                        Lang::Zh => format!("取值为 {} 之一", shown.join("、")),
                    });
                }
                let name = match &c.label {
                    Some(label) => format!("`{}` ({label})", c.name),
                    None => format!("`{}`", c.name),
                };
                vec![name, type_words(lang, c.ty), notes.join(t(lang, "; ", "；"))]
            })
            .collect();
        if input.ignores_others {
            b.push(Block::Para(
                t(lang, "The file may have other columns; they are not read.", "文件中的其他列不读取。").into(),
            ));
        }
        b.push(Block::Table(
            vec![t(lang, "column", "列").into(), t(lang, "kind", "类型").into(), t(lang, "notes", "说明").into()],
            rows,
        ));
    }
    b
}

fn type_words(lang: Lang, ty: ColumnType) -> String {
    match ty {
        ColumnType::Text => t(lang, "text", "文本"),
        ColumnType::Integer => t(lang, "whole number", "整数"),
        ColumnType::Decimal => t(lang, "number", "数字"),
        ColumnType::Money => t(lang, "amount of money", "金额"),
        ColumnType::Percent => t(lang, "percentage (85.5% or 0.855)", "百分比（85.5% 或 0.855）"),
        ColumnType::Date => t(lang, "date (YYYY-MM-DD)", "日期（YYYY-MM-DD）"),
        ColumnType::Month => t(lang, "month (YYYY-MM)", "月份（YYYY-MM）"),
        ColumnType::Quarter => t(lang, "quarter (YYYY-Qn)", "季度（YYYY-Qn）"),
        ColumnType::Bool => t(lang, "true or false", "是或否（true / false）"),
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

fn component_blocks(plan: &Plan, c: &Component, lang: Lang, b: &mut Vec<Block>) {
    if c.limits_statement {
        b.push(Block::Heading(2, c.name.clone()));
        let (cap, floor) = statement_limits(c);
        let mut items = vec![t(
            lang,
            "Applied to every monthly statement, after the other components.",
            "在其他各项之后，作用于每月的对账单。",
        )
        .to_string()];
        if let Some(cap) = cap {
            let m = money(cap);
            items.push(match lang {
                Lang::En => format!(
                    "When the other components together pay more than {m}, this line takes off the excess, so the statement pays {m}."
                ),
                Lang::Zh => format!("其他各项合计超过 {m} 时，本行扣除超出部分，对账单支付 {m}。"),
            });
        }
        if let Some(floor) = floor {
            let m = money(floor);
            items.push(match lang {
                Lang::En => {
                    format!("When they pay less than {m}, this line adds the difference, so the statement pays {m}.")
                }
                Lang::Zh => format!("其他各项合计不足 {m} 时，本行补足差额，对账单支付 {m}。"),
            });
        }
        b.push(Block::List(items));
        return;
    }
    let title = match &c.label {
        Some(l) => format!("{l} ({})", c.name),
        None => c.name.clone(),
    };
    b.push(Block::Heading(2, title));
    let w = |e: &Expr| words(plan, e, Some(c), lang);
    let mut items = vec![cadence_words(lang, c.cadence).to_string()];
    for l in &c.lets {
        items.push(match lang {
            Lang::En => format!("*{}* is {}.", l.name, w(&l.value)),
            Lang::Zh => format!("*{}* 为 {}。", l.name, w(&l.value)),
        });
    }
    for g in &c.gates {
        items.push(match lang {
            Lang::En => format!("It is paid only when {}.", w(g)),
            Lang::Zh => format!("仅当 {} 时发放。", w(g)),
        });
    }
    items.push(match lang {
        Lang::En => format!("It pays {}.", w(&c.pay)),
        Lang::Zh => format!("发放金额为 {}。", w(&c.pay)),
    });
    if let Some(cap) = &c.cap {
        items.push(match lang {
            Lang::En => format!("It never pays more than {}.", w(cap)),
            Lang::Zh => format!("金额不超过 {}。", w(cap)),
        });
    }
    if let Some(floor) = &c.floor {
        items.push(match lang {
            Lang::En => format!("It never pays less than {}.", w(floor)),
            Lang::Zh => format!("金额不低于 {}。", w(floor)),
        });
    }
    if c.rounding != plan.rounding {
        let rounding = rounding_words(lang, c.rounding.mode, c.rounding.step);
        items.push(match lang {
            Lang::En => format!("Its amount is {rounding}."),
            Lang::Zh => format!("该项目金额{rounding}。"),
        });
    }
    b.push(Block::List(items));
    // Relative bounds name their figure (`50% of target`).
    let scale =
        |tb: &TierTable| tb.scale.as_ref().map(|s| say(plan, s, Ctx { component: Some(c), row_input: None, lang }));
    for_each_tiers(&c.pay, &mut |tb| tier_blocks(tb, scale(tb), c.rounding, lang, b));
    for l in &c.lets {
        for_each_tiers(&l.value, &mut |tb| tier_blocks(tb, scale(tb), c.rounding, lang, b));
    }
}

fn for_each_tiers<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a TierTable)) {
    crate::plan::visit::visit(e, &mut |x| {
        if let Node::Tiers(t) = &x.node {
            f(t);
        }
    });
}

fn tier_blocks(tb: &TierTable, scale: Option<String>, rounding: Rounding, lang: Lang, b: &mut Vec<Block>) {
    // Bounds that are shares of a figure (`from 50% of target`) read as such; their examples
    // depend on the figure, so none are worked.
    let scaled = scale.is_some();
    let money = |d: Decimal| match (&scale, lang) {
        (Some(of), Lang::En) => format!("{} of {of}", pct(lang, d)),
        (Some(of), Lang::Zh) => format!("{of} 的 {}", pct(lang, d)),
        (None, _) => money(d),
    };
    let rows = tb
        .brackets
        .iter()
        .enumerate()
        .map(|(i, br)| {
            let to = tb.brackets.get(i + 1).map_or(t(lang, "and above", "及以上").to_string(), |n| match lang {
                Lang::En => format!("below {}", money(n.from)),
                Lang::Zh => format!("低于 {}", money(n.from)),
            });
            let pays = match br.pays {
                TierPay::Rate(r) => pct(lang, r),
                TierPay::Fixed(a) => format!("{}{}", money(a), t(lang, " (fixed)", "（固定）")),
            };
            vec![money(br.from), to, pays]
        })
        .collect();
    b.push(Block::Table(
        vec![t(lang, "from", "起点").into(), t(lang, "to", "上限").into(), t(lang, "pays", "支付").into()],
        rows,
    ));
    b.push(Block::Para(match (tb.mode, lang) {
        (TierMode::Flat, Lang::En) => "These brackets are **whole-amount** (全额累进): find the bracket the amount reaches, and the whole amount is paid at that bracket's rate. A bracket includes its lower bound.".into(),
        (TierMode::Flat, Lang::Zh) => "以上档位为**全额累进**：看金额达到哪一档，全部金额按该档费率计算。每档包含其下限。".into(),
        (TierMode::Marginal, Lang::En) => "These brackets are **marginal** (超额累进): the amount is cut at the bracket bounds and each slice is paid at its own bracket's rate. A bracket includes its lower bound.".into(),
        (TierMode::Marginal, Lang::Zh) => "以上档位为**超额累进**：金额按档位界限切分，每一段按所在档的费率计算。每档包含其下限。".into(),
    }));
    if scaled {
        return;
    }
    // Worked examples at each bound and one fen below it, computed by the interpreter.
    // A base that cannot be formed (a bound near the largest number held) has no example,
    // as one whose payout cannot be computed has none; a note says so below the table.
    let mut bases: Vec<Decimal> = Vec::new();
    let mut left_out = false;
    for br in &tb.brackets {
        if br.from > Decimal::ZERO {
            bases.push(br.from - Decimal::new(1, 2));
        }
        bases.push(br.from);
    }
    if let Some(last) = tb.brackets.last() {
        match last.from.checked_add((last.from.max(Decimal::ONE_HUNDRED) / Decimal::TWO).round()) {
            Some(above) => bases.push(above),
            None => left_out = true,
        }
    }
    bases.dedup();
    let other = if tb.mode == TierMode::Flat { TierMode::Marginal } else { TierMode::Flat };
    let name = |m: TierMode| {
        if m == TierMode::Flat {
            t(lang, "whole-amount (this plan)", "全额累进（本方案）")
        } else {
            t(lang, "marginal (this plan)", "超额累进（本方案）")
        }
    };
    let other_name = if other == TierMode::Flat {
        t(lang, "if it were whole-amount", "若为全额累进")
    } else {
        t(lang, "if it were marginal", "若为超额累进")
    };
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
            let this = paid(tiers::apply(tb.mode, &tb.brackets, *base)?.0)?;
            let alt = paid(tiers::apply(other, &tb.brackets, *base)?.0)?;
            Some(vec![money(*base), this, alt])
        })
        .collect();
    left_out |= rows.len() < bases.len();
    b.push(Block::Para(
        t(
            lang,
            "Worked examples, computed by the same program that computes pay:",
            "计算示例（由计算提成的同一程序算出）：",
        )
        .into(),
    ));
    b.push(Block::Table(vec![t(lang, "amount", "金额").into(), name(tb.mode).into(), other_name.into()], rows));
    if left_out {
        b.push(Block::Para(
            t(
                lang,
                "Some amounts have no example: the amount or its payout is too large for the program to compute exactly.",
                "部分金额没有示例：金额或其提成太大，程序无法精确计算。",
            )
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

/// Whether every non-empty cell of a column is a figure (`100,000.00`, `5%`, `-3.50 (fixed)`):
/// such columns are right-aligned and kept on one line.
fn numeric_column(rows: &[Vec<String>], column: usize) -> bool {
    let mut cells = rows.iter().filter_map(|r| r.get(column)).filter(|c| !c.is_empty()).peekable();
    cells.peek().is_some()
        && cells.all(|c| {
            let c = c.strip_prefix('-').unwrap_or(c);
            c.starts_with(|ch: char| ch.is_ascii_digit())
        })
}

pub fn render_html(plan: &Plan, blocks: &[Block], lang: Lang) -> String {
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
                let class = |i: usize| if numeric_column(rows, i) { " class=\"n\"" } else { "" };
                body.push_str("<table><tr>");
                for (i, h) in header.iter().enumerate() {
                    body.push_str(&format!("<th{}>{}</th>", class(i), inline(h)));
                }
                body.push_str("</tr>");
                for row in rows {
                    body.push_str("<tr>");
                    for (i, c) in row.iter().enumerate() {
                        body.push_str(&format!("<td{}>{}</td>", class(i), inline(c)));
                    }
                    body.push_str("</tr>");
                }
                body.push_str("</table>\n");
            }
        }
    }
    let lang_code = match lang {
        Lang::En => "en",
        Lang::Zh => "zh-CN",
    };
    // Text cells wrap and figures do not, except on a phone, where a figure with its exact
    // value (`3,000.00 (2,999.9997)`) wraps at the space: the worked examples' three columns
    // are wider than 390 px on one line each.
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang_code}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>\
         *{{box-sizing:border-box}}\
         body{{font-family:-apple-system,'Segoe UI','Noto Sans CJK SC','PingFang SC',sans-serif;color:#1d2733;margin:0;padding:16px;line-height:1.5}}\
         main{{max-width:820px;margin:0 auto;overflow-wrap:anywhere}}h1{{font-size:1.5rem}}h2{{font-size:1.15rem;border-bottom:2px solid #2e6da4;padding-bottom:4px;margin-top:28px}}\
         table{{border-collapse:collapse;margin:8px 0}}th,td{{border-bottom:1px solid #d9dee4;padding:4px 10px;text-align:left;vertical-align:top}}\
         .n{{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}}th.n{{white-space:normal}}\
         code{{background:#f2f4f7;padding:1px 4px;border-radius:3px;word-break:break-all}}@page{{size:A4;margin:15mm}}\
         @media (max-width:640px){{body{{padding:10px}}table{{font-size:.85rem}}th,td{{padding:3px 5px}}.n{{white-space:normal;overflow-wrap:normal}}}}\
         @media print{{body{{padding:0}}main{{max-width:none}}table{{font-size:.8rem}}}}\
         </style></head><body><main>\n{body}</main></body></html>\n",
        escape(&plan.name)
    )
}
