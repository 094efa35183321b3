//! Why a figure is what it is, in a sentence or two per component: the condition and its
//! threshold, the basis and the rate (or bracket) applied, a cap or floor, the rounding. Every
//! value is read from the statement's explanation (`eval::trace`), none is computed again.

use rust_decimal::Decimal;

use super::Lang;
use crate::eval::trace::{ComponentExplanation, Fact, Operand, Step, StepKind, TierSlice};
use crate::explain::show;
use crate::lang::{BinaryOp, Cadence, TierMode};
use crate::money::{format_grouped, mode_name};
use crate::plan::{Plan, TierPay, Ty};
use crate::value::Value;

/// The sentences explaining one component's figure on a statement. A component that is not
/// due this month gets none (the report says when it pays).
pub fn sentences(lang: Lang, plan: &Plan, c: &ComponentExplanation, scale: u32) -> Vec<String> {
    let mut out = Vec::new();
    if !c.due {
        return out;
    }
    let zero = format_grouped(Decimal::ZERO, scale);
    for step in c.steps.iter().filter(|s| s.kind == StepKind::When) {
        let met = step.value == Value::Bool(true);
        out.push(gate(lang, plan, c, step, met, &zero));
        if !met {
            return out;
        }
    }
    if let Some(pay) = c.steps.iter().find(|s| s.kind == StepKind::Pay) {
        out.push(basis(lang, plan, c, pay));
    }
    if let (Some(paid), Some(limited)) = (c.payout.paid, c.payout.limited) {
        if paid != limited {
            out.push(match lang {
                Lang::En => format!("limited by the cap or floor: {} becomes {}", money(paid), money(limited)),
                Lang::Zh => format!("受上限或下限约束：{} 调整为 {}", money(paid), money(limited)),
            });
        }
        if limited != c.payout.amount {
            let rule = format!("{} {}", mode_name(c.rounding.mode), c.rounding.step.normalize());
            let amount = format_grouped(c.payout.amount, scale);
            out.push(match lang {
                Lang::En => format!("rounded ({rule}): {} becomes {amount}", money(limited)),
                Lang::Zh => format!("按 {rule} 舍入：{} 记为 {amount}", money(limited)),
            });
        }
    }
    out
}

/// A `when` line: each comparison's figure against its threshold, and whether it held.
fn gate(lang: Lang, plan: &Plan, c: &ComponentExplanation, step: &Step, met: bool, zero: &str) -> String {
    let comparisons: Vec<String> = step
        .operands
        .iter()
        .filter(|o| is_comparison(o.op))
        .map(|o| {
            let (figure, threshold) = (value(lang, &o.left), value(lang, &o.right));
            let (name, op) = (name_of(plan, c, &o.left), symbol(o.op));
            // An order comparison has a threshold; an equality names what is required.
            let equality = matches!(o.op, BinaryOp::Eq | BinaryOp::Ne);
            let missing = o.left.value == Value::Missing;
            match (lang, equality) {
                (Lang::En, false) if missing => format!("{name} has no data, the threshold is {op} {threshold}"),
                (Lang::En, true) if missing => format!("{name} has no data, required {op} {threshold}"),
                (Lang::En, false) => format!("{name} is {figure}, the threshold is {op} {threshold}"),
                (Lang::En, true) => format!("{name} is {figure}, required {op} {threshold}"),
                (Lang::Zh, false) => format!("{name}：{figure}，门槛 {op} {threshold}"),
                (Lang::Zh, true) => format!("{name}：{figure}，要求 {op} {threshold}"),
            }
        })
        .collect();
    let condition = format!("`{}`", step.text);
    let (en, zh) = if comparisons.is_empty() {
        (format!("condition {condition}"), format!("条件 {condition}"))
    } else {
        (comparisons.join("; "), comparisons.join("；"))
    };
    match (lang, met) {
        (Lang::En, true) => format!("{en}: met"),
        (Lang::En, false) => format!("{en}: not met, so it pays {zero}"),
        (Lang::Zh, true) => format!("{zh}：已达到"),
        (Lang::Zh, false) => format!("{zh}：未达到，本项为 {zero}"),
    }
}

/// The `pay` line: the bracket reached and its rate, or the basis and the rate, or the
/// expression and its value.
fn basis(lang: Lang, plan: &Plan, c: &ComponentExplanation, pay: &Step) -> String {
    if let Some(Fact::Tiers { mode, base, slices, result, .. }) =
        pay.facts.iter().find(|f| matches!(f, Fact::Tiers { .. }))
    {
        return tiers(lang, *mode, *base, slices, *result);
    }
    let product = pay.operands.iter().find_map(|o| {
        if o.op != BinaryOp::Mul {
            return None;
        }
        match (o.left.ty, o.right.ty) {
            (Ty::Percent, _) => Some((&o.right, &o.left)),
            (_, Ty::Percent) => Some((&o.left, &o.right)),
            _ => None,
        }
    });
    let result = value(lang, &Operand { text: String::new(), value: pay.value.clone(), ty: pay.ty });
    match product {
        Some((on, rate)) => {
            let (name, on, rate) = (name_of(plan, c, on), value(lang, on), value(lang, rate));
            match lang {
                Lang::En => format!("basis {name} {on} × rate {rate} = {result}"),
                Lang::Zh => format!("计算基数（{name}）{on} × 比例 {rate} = {result}"),
            }
        }
        None => match lang {
            Lang::En => format!("pays `{}` = {result}", pay.text),
            Lang::Zh => format!("按 `{}` 计算 = {result}", pay.text),
        },
    }
}

fn tiers(lang: Lang, mode: TierMode, base: Decimal, slices: &[TierSlice], result: Decimal) -> String {
    let base = money(base);
    if slices.is_empty() {
        return match lang {
            Lang::En => format!("basis {base} is below the first bracket: {}", money(result)),
            Lang::Zh => format!("计算基数 {base} 低于最低档：{}", money(result)),
        };
    }
    let bracket = |s: &TierSlice| match (lang, s.slice.to) {
        (Lang::En, Some(to)) => format!("{} to under {}", money(s.slice.from), money(to)),
        (Lang::En, None) => format!("{} and above", money(s.slice.from)),
        (Lang::Zh, Some(to)) => format!("{}（含）至 {}（不含）", money(s.slice.from), money(to)),
        (Lang::Zh, None) => format!("{}（含）以上", money(s.slice.from)),
    };
    let pays = |s: &TierSlice| match s.slice.pays {
        TierPay::Rate(r) => {
            let rate = percent(r);
            let product = format!("{} × {rate} = {}", money(s.slice.amount), money(s.slice.payout));
            (rate, product)
        }
        TierPay::Fixed(a) => (money(a), money(a)),
    };
    match mode {
        TierMode::Flat => {
            let Some(s) = slices.last() else { return String::new() };
            let (rate, product) = pays(s);
            match (lang, s.slice.pays) {
                (Lang::En, TierPay::Rate(_)) => {
                    format!("basis {base} reaches the bracket {} at {rate}: {product}", bracket(s))
                }
                (Lang::En, TierPay::Fixed(_)) => {
                    format!("basis {base} reaches the bracket {}, which pays a fixed {rate}", bracket(s))
                }
                (Lang::Zh, TierPay::Rate(_)) => {
                    format!("计算基数 {base}，所在档位 {}，适用 {rate}：{product}", bracket(s))
                }
                (Lang::Zh, TierPay::Fixed(_)) => format!("计算基数 {base}，所在档位 {}，固定金额 {rate}", bracket(s)),
            }
        }
        TierMode::Marginal => {
            let parts: Vec<String> =
                slices.iter().map(|s| format!("{} ({}) {}", bracket(s), pays(s).0, pays(s).1)).collect();
            match lang {
                Lang::En => {
                    format!(
                        "basis {base}, each slice at its bracket's rate: {}; in all {}",
                        parts.join("; "),
                        money(result)
                    )
                }
                Lang::Zh => {
                    format!("计算基数 {base}，超额累进，各段按本档费率：{}；合计 {}", parts.join("；"), money(result))
                }
            }
        }
    }
}

fn is_comparison(op: BinaryOp) -> bool {
    matches!(op, BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge)
}

/// `>=` as `≥`: the sentences are read, not typed.
fn symbol(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Ge => "≥",
        BinaryOp::Le => "≤",
        BinaryOp::Ne => "≠",
        other => other.symbol(),
    }
}

/// A side's name for a reader: the label of the report figure (metric) computed by the very
/// same expression when there is one (`sum(sales.amount)` is 销售额), else the policy text;
/// with the component's period when it covers more than the month (the quarter's sales).
fn name_of(plan: &Plan, c: &ComponentExplanation, o: &Operand) -> String {
    let name = plan
        .metrics
        .iter()
        .find(|m| crate::eval::expr::excerpt(plan, &m.value) == o.text)
        .and_then(|m| m.label.clone())
        .unwrap_or_else(|| format!("`{}`", o.text));
    if c.cadence == Cadence::Monthly {
        name
    } else {
        format!("{name} {}", c.period)
    }
}

fn value(lang: Lang, o: &Operand) -> String {
    match (&o.value, o.ty) {
        (Value::Missing, _) => lang.word(super::Word::NoValue).to_string(),
        (Value::Number(n), Ty::Money) => money(*n),
        (v, ty) => show(v, ty),
    }
}

/// Money with every significant decimal, at least two (as `explain` shows it).
fn money(d: Decimal) -> String {
    format_grouped(d, d.normalize().scale().max(2))
}

fn percent(r: Decimal) -> String {
    format!("{}%", (r * Decimal::ONE_HUNDRED).normalize())
}
