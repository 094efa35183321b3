//! The monthly performance report (每月业绩报告): what a payee sold and earned this month, how
//! far the next bracket is, and the trend; plus a team overview. This module builds the
//! report's content (the explanation of each statement comes from `eval::trace`); `html`
//! and `markdown` lay it out and compute nothing.
//!
//! May use: `eval`, `explain` (how a value is shown), `plan`, `data`, `report`'s svg
//! charts, `money`, `period`, `value`, `diagnostics`. Never `cli`.

pub mod html;
pub mod markdown;
pub mod why;

use std::collections::HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::data::InputFile;
use crate::diagnostics::tools::ToolKind;
use crate::diagnostics::{DataError, Error};
use crate::eval::aggregate::Folded;
use crate::eval::trace::{explain_folded, Fact};
use crate::eval::RunResult;
use crate::explain::show;
use crate::money::format_grouped;
use crate::period::Period;
use crate::plan::{Plan, TierPay, Ty};

/// The language of the report's own words; labels always come from the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// Chinese when the policy's labels are Chinese, so a Chinese plan gives a Chinese report.
    pub fn for_plan(plan: &Plan) -> Lang {
        let labels = plan
            .components
            .iter()
            .filter_map(|c| c.label.as_deref())
            .chain(plan.metrics.iter().filter_map(|m| m.label.as_deref()));
        if labels.flat_map(str::chars).any(is_cjk) {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The report's fixed words.
    pub fn word(self, key: Word) -> &'static str {
        use Word::*;
        match (self, key) {
            (Lang::En, Title) => "Monthly performance report",
            (Lang::Zh, Title) => "月度业绩报告",
            (Lang::En, TeamTitle) => "Team overview",
            (Lang::Zh, TeamTitle) => "团队总览",
            (Lang::En, Figures) => "This month",
            (Lang::Zh, Figures) => "本月业绩",
            (Lang::En, Pay) => "Commission",
            (Lang::Zh, Pay) => "提成明细",
            (Lang::En, Total) => "Total",
            (Lang::Zh, Total) => "合计",
            (Lang::En, NextBracket) => "Next bracket",
            (Lang::Zh, NextBracket) => "距下一档",
            (Lang::En, Trend) => "Trend",
            (Lang::Zh, Trend) => "趋势",
            (Lang::En, Month) => "Month",
            (Lang::Zh, Month) => "月份",
            (Lang::En, Payee) => "Payee",
            (Lang::Zh, Payee) => "人员",
            (Lang::En, Distribution) => "Distribution of payouts",
            (Lang::Zh, Distribution) => "提成分布",
            (Lang::En, NotDue) => "paid in",
            (Lang::Zh, NotDue) => "发放月份",
            (Lang::En, NoValue) => "no data",
            (Lang::Zh, NoValue) => "无数据",
            (Lang::En, TopBracket) => "top bracket reached",
            (Lang::Zh, TopBracket) => "已达最高档",
            (Lang::En, Explain) => "Every figure can be traced with",
            (Lang::Zh, Explain) => "每个数字的计算过程可用以下命令查看",
            (Lang::En, Policy) => "Plan",
            (Lang::Zh, Policy) => "方案",
            (Lang::En, Median) => "median",
            (Lang::Zh, Median) => "中位数",
            (Lang::En, Mean) => "mean",
            (Lang::Zh, Mean) => "平均",
            (Lang::En, Lowest) => "lowest",
            (Lang::Zh, Lowest) => "最低",
            (Lang::En, Highest) => "highest",
            (Lang::Zh, Highest) => "最高",
            (Lang::En, Payees) => "payees",
            (Lang::Zh, Payees) => "人",
            (Lang::En, Rank) => "Rank",
            (Lang::Zh, Rank) => "排名",
            (Lang::En, Why) => "How each figure was reached",
            (Lang::Zh, Why) => "计算依据",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    Title,
    TeamTitle,
    Figures,
    Pay,
    Total,
    NextBracket,
    Trend,
    Month,
    Payee,
    Distribution,
    NotDue,
    NoValue,
    TopBracket,
    Explain,
    Policy,
    Median,
    Mean,
    Lowest,
    Highest,
    Payees,
    Rank,
    Why,
}

/// Splits a sentence at its backticks: `(text, is_code)` pieces, the policy's own text being
/// the code (an unmatched backtick leaves the rest as code, which only changes the look).
pub fn code_pieces(sentence: &str) -> impl Iterator<Item = (&str, bool)> {
    sentence.split('`').enumerate().filter(|(_, t)| !t.is_empty()).map(|(i, t)| (t, i % 2 == 1))
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}')
}

/// One line of the commission table.
#[derive(Debug, Clone)]
pub struct Line {
    pub label: String,
    pub name: String,
    pub amount: Decimal,
    /// The decimals of the component's rounding step, which its amount is shown with.
    pub scale: u32,
    /// When the component is not due this month: the month it pays in.
    pub pays_in: Option<Period>,
    /// Why the amount is what it is: the condition and its threshold, the basis and rate.
    pub why: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PayeeReport {
    pub payee: Arc<str>,
    pub attrs: Vec<(String, String)>,
    pub month: Period,
    /// Metric label and formatted value.
    pub figures: Vec<(String, String)>,
    pub lines: Vec<Line>,
    pub total: Decimal,
    /// Sentences about the next bracket of each tiered component.
    pub next: Vec<String>,
    /// Total per month, from the first month of the range to the report's month.
    pub trend: Vec<(Period, Decimal)>,
}

#[derive(Debug, Clone)]
pub struct TeamRow {
    /// 1 for the highest total; payees with equal totals share a rank (1, 2, 2, 4).
    pub rank: usize,
    pub payee: Arc<str>,
    pub attrs: Vec<String>,
    /// The month's money figures (the policy's money metrics: the sales the pay is based on).
    pub basis: Vec<Option<Decimal>>,
    pub amounts: Vec<Decimal>,
    pub total: Decimal,
}

#[derive(Debug, Clone)]
pub struct TeamReport {
    pub month: Period,
    pub headers: Vec<String>,
    /// Labels of the money metrics shown before the components (销售额).
    pub basis_headers: Vec<String>,
    /// One row per payee, highest total first (by payee within a rank).
    pub rows: Vec<TeamRow>,
    /// Sums of the basis columns over the team (`None` when no payee has a figure).
    pub basis_totals: Vec<Option<Decimal>>,
    pub component_totals: Vec<Decimal>,
    pub total: Decimal,
    pub attr_names: Vec<String>,
}

/// Everything for one month: a report per payee (or only the one asked for) and the team.
#[derive(Debug, Clone)]
pub struct Reports {
    pub plan_name: String,
    pub plan_version: String,
    pub policy_file: String,
    /// The `--data` arguments of this run, quoted for a shell, to print the `explain`
    /// command for each figure.
    pub data_args: String,
    pub currency: String,
    /// Decimals of totals: the finest of the components' and the policy's.
    pub scale: u32,
    /// Decimals of each component's amounts (its rounding step's).
    pub component_scales: Vec<u32>,
    pub lang: Lang,
    pub payees: Vec<PayeeReport>,
    pub team: TeamReport,
}

fn label(name: &str, label: Option<&str>) -> String {
    label.map_or_else(|| name.to_string(), str::to_string)
}

/// `text` as one word for a POSIX shell: as it is when it holds nothing the shell would
/// read (`M001`), else in single quotes (`'$(rm -rf ~)'`), by the `shell-escape` crate.
pub fn shell_quote(text: &str) -> String {
    shell_escape::unix::escape(text.into()).into_owned()
}

impl Reports {
    /// The command that explains `payee`'s statement for `month`, every argument quoted
    /// for a shell, so that copying it runs exactly that and nothing else.
    pub fn explain_command(&self, payee: &str, month: Period) -> String {
        format!(
            "commission explain {} {} --payee {} --period {month}",
            shell_quote(&self.policy_file),
            self.data_args,
            shell_quote(payee)
        )
    }
}

/// Builds the reports for `month` from a run over the range ending at `month`.
pub fn build(
    plan: &Plan,
    files: &[InputFile],
    folded: &Folded,
    result: &RunResult,
    month: Period,
    only: Option<&str>,
    lang: Lang,
) -> Result<Reports, Error> {
    let scale = crate::report::total_scale(plan);
    // Roster headers and values by their labels, when the policy gives them.
    let attr_cols = plan.payee_column_labels();
    let this_month: Vec<_> = result.statements.iter().filter(|s| s.period == month).collect();
    // Each payee's months up to the report's, in one pass (not one pass per payee).
    let mut trends: HashMap<&Arc<str>, Vec<(Period, Decimal)>> = HashMap::new();
    for t in result.statements.iter().filter(|t| t.period <= month) {
        trends.entry(&t.payee).or_default().push((t.period, t.total));
    }
    let mut payees = Vec::new();
    for s in this_month.iter().filter(|s| only.is_none_or(|p| *p == *s.payee)) {
        let explanation = explain_folded(plan, files, folded, &s.payee, month)?;
        let figures = plan
            .metrics
            .iter()
            .zip(&s.metrics)
            .map(|(m, v)| {
                let text = match v {
                    crate::value::Value::Missing => lang.word(Word::NoValue).to_string(),
                    v => show(v, m.value.ty),
                };
                (label(&m.name, m.label.as_deref()), text)
            })
            .collect();
        let lines = plan
            .components
            .iter()
            .zip(&explanation.components)
            .map(|(c, e)| Line {
                label: label(&c.name, c.label.as_deref()),
                name: c.name.clone(),
                amount: e.payout.amount,
                scale: c.rounding.scale(),
                pays_in: (!e.due).then(|| e.period.last_month()),
                why: why::sentences(lang, plan, e, c.rounding.scale()),
            })
            .collect();
        let mut next = Vec::new();
        for (c, e) in plan.components.iter().zip(&explanation.components) {
            for fact in e.steps.iter().flat_map(|st| st.facts.iter()) {
                if let Fact::Tiers { base, next: upcoming, result: paid, .. } = fact {
                    let name = label(&c.name, c.label.as_deref());
                    next.push(next_sentence(lang, &name, *base, *paid, upcoming.as_ref(), &plan.currency.code, scale));
                }
            }
        }
        let trend = trends.get(&s.payee).cloned().unwrap_or_default();
        let attrs = attr_cols
            .iter()
            .map(|(i, n)| (n.clone(), s.attrs.get(*i).map(|v| plan.payee_value_label(*i, v)).unwrap_or_default()))
            .collect();
        payees.push(PayeeReport { payee: s.payee.clone(), attrs, month, figures, lines, total: s.total, next, trend });
    }
    let basis_metrics: Vec<usize> =
        plan.metrics.iter().enumerate().filter(|(_, m)| m.value.ty == Ty::Money).map(|(i, _)| i).collect();
    let mut rows = this_month
        .iter()
        .map(|s| {
            let attrs = attr_cols
                .iter()
                .map(|(i, _)| s.attrs.get(*i).map(|v| plan.payee_value_label(*i, v)).unwrap_or_default())
                .collect();
            let basis =
                basis_metrics.iter().map(|i| s.metrics.get(*i).and_then(crate::value::Value::as_number)).collect();
            TeamRow { rank: 0, payee: s.payee.clone(), attrs, basis, amounts: s.amounts.clone(), total: s.total }
        })
        .collect::<Vec<_>>();
    rank(&mut rows);
    let mut component_totals = vec![Decimal::ZERO; plan.components.len()];
    let too_large = || Error::from(DataError::of("", ToolKind::TeamTotalsTooLarge));
    let mut basis_totals: Vec<Option<Decimal>> = vec![None; basis_metrics.len()];
    for row in &rows {
        for (t, b) in basis_totals.iter_mut().zip(&row.basis) {
            if let Some(b) = b {
                *t = Some(t.unwrap_or_default().checked_add(*b).ok_or_else(too_large)?);
            }
        }
    }
    let mut total = Decimal::ZERO;
    for row in &rows {
        for (t, a) in component_totals.iter_mut().zip(&row.amounts) {
            *t = t.checked_add(*a).ok_or_else(too_large)?;
        }
        total = total.checked_add(row.total).ok_or_else(too_large)?;
    }
    let team = TeamReport {
        month,
        headers: plan.components.iter().map(|c| label(&c.name, c.label.as_deref())).collect(),
        basis_headers: basis_metrics
            .iter()
            .filter_map(|i| plan.metrics.get(*i))
            .map(|m| label(&m.name, m.label.as_deref()))
            .collect(),
        rows,
        basis_totals,
        component_totals,
        total,
        attr_names: attr_cols.iter().map(|(_, n)| n.clone()).collect(),
    };
    Ok(Reports {
        plan_name: plan.name.clone(),
        plan_version: plan.version.clone(),
        policy_file: plan.source.name.clone(),
        data_args: files
            .iter()
            .filter_map(|f| {
                plan.inputs
                    .get(f.input)
                    .map(|i| format!("--data {}", shell_quote(&format!("{}={}", i.name, f.source.shown()))))
            })
            .collect::<Vec<_>>()
            .join(" "),
        currency: plan.currency.code.clone(),
        scale,
        component_scales: crate::report::component_scales(plan),
        lang,
        payees,
        team,
    })
}

/// Orders the rows by total, highest first (by payee within equal totals), and numbers them
/// by standard competition ranking: equal totals share a rank, the next rank skips.
fn rank(rows: &mut [TeamRow]) {
    rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.payee.cmp(&b.payee)));
    let mut previous: Option<(Decimal, usize)> = None;
    for (i, row) in rows.iter_mut().enumerate() {
        row.rank = match previous {
            Some((total, rank)) if total == row.total => rank,
            _ => i + 1,
        };
        previous = Some((row.total, row.rank));
    }
}

/// "¥23,400.00 more this month reaches 8% (sales commission 24,000.00 instead of 13,830.00)".
fn next_sentence(
    lang: Lang,
    name: &str,
    base: Decimal,
    paid: Decimal,
    next: Option<&crate::eval::trace::NextBracket>,
    currency: &str,
    scale: u32,
) -> String {
    let money = |d: Decimal| format_grouped(d, scale);
    let Some(next) = next else {
        return format!("{name}: {}", lang.word(Word::TopBracket));
    };
    let gap = next.from - base;
    let reaches = match next.pays {
        TierPay::Rate(r) => format!("{}%", (r * Decimal::ONE_HUNDRED).normalize()),
        TierPay::Fixed(a) => format!("{} {currency}", money(a)),
    };
    match lang {
        Lang::En => format!(
            "{name}: {} {currency} more this month reaches the {reaches} bracket (it would pay {} instead of {})",
            money(gap),
            money(next.payout_at),
            money(paid)
        ),
        Lang::Zh => format!(
            "{name}：本月再增加 {} {currency} 即达到 {reaches} 档（提成将为 {}，目前为 {}）",
            money(gap),
            money(next.payout_at),
            money(paid)
        ),
    }
}

/// Summary statistics of the month's totals: lowest, median, mean, highest.
pub fn stats(totals: &[Decimal], scale: u32) -> Option<[Decimal; 4]> {
    let mut sorted = totals.to_vec();
    sorted.sort();
    let n = sorted.len();
    let lowest = *sorted.first()?;
    let highest = *sorted.last()?;
    // Checked: figures near the largest decimal give no summary rather than a failure.
    let median = if n % 2 == 1 {
        *sorted.get(n / 2)?
    } else {
        sorted.get(n / 2 - 1)?.checked_add(*sorted.get(n / 2)?)? / Decimal::TWO
    };
    let sum = sorted.iter().try_fold(Decimal::ZERO, |sum, v| sum.checked_add(*v))?;
    let mean = sum.checked_div(Decimal::from(n))?;
    Some([lowest, median, crate::money::round_display(mean, scale), highest])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn row(payee: &str, total: Decimal) -> TeamRow {
        TeamRow { rank: 0, payee: payee.into(), attrs: vec![], basis: vec![], amounts: vec![], total }
    }

    /// Totals 5, 7, 5, 1: 7 is first; the two 5s share second (by payee: a before b); 1 is
    /// fourth, not third (standard competition ranking).
    #[test]
    fn equal_totals_share_a_rank() {
        let mut rows = vec![row("b", dec!(5)), row("x", dec!(7)), row("a", dec!(5)), row("z", dec!(1))];
        rank(&mut rows);
        let ranked: Vec<(usize, &str)> = rows.iter().map(|r| (r.rank, &*r.payee)).collect();
        assert_eq!(ranked, vec![(1, "x"), (2, "a"), (2, "b"), (4, "z")]);
    }
}
