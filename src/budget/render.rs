//! A budget as text: summary, then one table per grouping; CSV is the groupings in long
//! form; JSON has everything, amounts as strings.

use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

use crate::budget::{Breakdown, Budget, Grouping, PER, UPLIFT};
use crate::money::percent;
use crate::report::sections::{self, Section};
use crate::report::sections::{fixed2, reads_footer, Style};

pub const ALLOCATION_NOTE: &str = "a payee's payout is split over the values of a sales column pro rata to the payee's sales with each value in the component's period (the month for monthly components, the quarter for quarterly ones); values with negative net sales get nothing";

fn range(b: &Budget<'_>) -> String {
    match (b.evaluation.months.first(), b.evaluation.months.last()) {
        (Some(a), Some(z)) if a != z => format!("{a}..{z}"),
        (Some(a), _) => a.to_string(),
        _ => "no months".into(),
    }
}

pub fn heading(b: &Budget<'_>) -> Vec<String> {
    vec![
        format!("Budget of {} (version {}, {})", b.plan.name, b.plan.version, b.plan.source.name),
        format!(
            "{}, {} months, amounts in {}, sales = {}",
            range(b),
            b.evaluation.months.len(),
            b.plan.currency,
            b.measure_name
        ),
    ]
}

fn marginal_notes(history: bool) -> [String; 2] {
    [
        if history {
            "marginal cost at the current brackets: not computed for a plan whose statements read earlier ones (true-ups, caps, draws); the line below runs the whole plan again".to_string()
        } else {
            format!(
                "marginal cost at the current brackets: the slope of the payout when every sale grows a little (by one millionth), each payee paid at the bracket they are in, per {} of extra sales",
                crate::money::format_grouped(PER, 0)
            )
        },
        format!(
            "with every sale {}% larger: the plan run again on sales 1% larger (same payees, months and mix), so payees near a bracket bound cross it",
            ((UPLIFT - Decimal::ONE) * Decimal::ONE_HUNDRED).normalize()
        ),
    ]
}

pub fn sections(b: &Budget<'_>, style: Style) -> Vec<Section> {
    let months = Decimal::from(b.evaluation.months.len().max(1));
    let mut summary = Section::new("Summary", &["figure", "value"], 1);
    let pct = |p: Option<Decimal>| p.map_or("-".into(), |p| format!("{}%", fixed2(p)));
    summary.row(vec!["total payout".into(), style.amount(b.payout)]);
    summary.row(vec![
        "payout per month (average)".into(),
        style.amount(crate::money::round_display(b.payout / months, style.scale)),
    ]);
    summary.row(vec![format!("sales ({})", b.measure_name), style.amount(b.sales)]);
    summary.row(vec!["payout as a share of sales (cost of sales)".into(), pct(percent(b.payout, b.sales))]);
    summary.row(vec!["payees".into(), b.payees.count.to_string()]);
    summary.row(vec!["average payout per payee".into(), style.amount(b.payees.average)]);
    summary.row(vec!["median payout per payee".into(), style.amount(b.payees.median)]);
    summary.row(vec![
        format!(
            "share of the payout to the top decile ({} payee{})",
            b.payees.top_decile_count,
            if b.payees.top_decile_count == 1 { "" } else { "s" }
        ),
        pct(percent(b.payees.top_decile_payout, b.payout)),
    ]);
    let cost = |m: Option<Decimal>| {
        m.map_or("-".into(), |m| format!("{} ({}%)", style.amount(m), fixed2(m / PER * Decimal::ONE_HUNDRED)))
    };
    summary.row(vec![
        format!("marginal cost of {} more sales, at the current brackets", style.amount(PER)),
        cost(b.marginal_cost()),
    ]);
    summary.row(vec![
        format!("marginal cost of {} more sales, with every sale 1% larger", style.amount(PER)),
        cost(b.uplift_cost()),
    ]);
    for note in marginal_notes(b.plan.reads_history()) {
        summary.note(note);
    }
    let mut out = vec![summary];
    for breakdown in &b.breakdowns {
        out.push(breakdown_section(b, breakdown, style));
    }
    out
}

fn breakdown_section(b: &Budget<'_>, breakdown: &Breakdown, style: Style) -> Section {
    let by = breakdown.grouping.name();
    let with_sales = !matches!(breakdown.grouping, Grouping::Component);
    let header: Vec<&str> = if with_sales {
        vec![by, "payout", "share of payout", "sales", "payout / sales"]
    } else {
        vec![by, "payout", "share of payout", "payout / all sales"]
    };
    let mut s = Section::new(format!("By {by}"), &header, 1);
    let pct = |p: Option<Decimal>| p.map_or("-".into(), |p| format!("{}%", fixed2(p)));
    for row in &breakdown.rows {
        let mut cells = vec![row.key.clone(), style.amount(row.payout), pct(percent(row.payout, b.payout))];
        match row.sales {
            Some(sales) if with_sales => {
                cells.push(style.amount(sales));
                cells.push(pct(percent(row.payout, sales)));
            }
            _ => cells.push(pct(percent(row.payout, b.sales))),
        }
        s.row(cells);
    }
    let total: Decimal = breakdown.rows.iter().map(|r| r.payout).sum();
    let mut cells = vec!["total".into(), style.amount(total), pct(percent(total, b.payout))];
    if with_sales {
        let sales: Decimal = breakdown.rows.iter().filter_map(|r| r.sales).sum();
        cells.push(style.amount(sales));
        cells.push(pct(percent(total, sales)));
    } else {
        cells.push(pct(percent(total, b.sales)));
    }
    s.row(cells);
    if matches!(breakdown.grouping, Grouping::SalesColumn { .. }) {
        s.note(format!("allocation: {ALLOCATION_NOTE}"));
    }
    s
}

pub fn table(b: &Budget<'_>) -> String {
    let style = Style { scale: b.plan.rounding.scale(), grouped: true };
    sections::table(&heading(b), &sections(b, style), &reads_footer(&b.evaluation, "the plan and its three variants"))
}

pub fn markdown(b: &Budget<'_>) -> String {
    let style = Style { scale: b.plan.rounding.scale(), grouped: true };
    sections::markdown(&[format!("# {}", heading(b).join("  \n"))], &sections(b, style), &[])
}

/// Every grouping in long form: `by,group,payout,sales,share_of_payout_pct,payout_to_sales_pct`.
pub fn csv(b: &Budget<'_>) -> String {
    let style = Style { scale: b.plan.rounding.scale(), grouped: false };
    let mut s = Section::new("", &["by", "group", "payout", "sales", "share_of_payout_pct", "payout_to_sales_pct"], 2);
    let pct = |p: Option<Decimal>| p.map(fixed2).unwrap_or_default();
    for breakdown in &b.breakdowns {
        for row in &breakdown.rows {
            s.row(vec![
                breakdown.grouping.name().to_string(),
                row.key.clone(),
                style.amount(row.payout),
                row.sales.map(|d| style.amount(d)).unwrap_or_default(),
                pct(percent(row.payout, b.payout)),
                row.sales.and_then(|d| percent(row.payout, d)).map(fixed2).unwrap_or_default(),
            ]);
        }
    }
    sections::csv(&s)
}

/// The workbook of `budget --format xlsx`: the summary, one sheet per grouping, the row
/// counts of the plan's run, and what was budgeted.
pub fn xlsx(b: &Budget<'_>) -> Vec<crate::report::xlsx::Sheet> {
    use crate::report::xlsx;
    let style = Style { scale: b.plan.rounding.scale(), grouped: false };
    let mut sheets: Vec<xlsx::Sheet> = sections(b, style)
        .iter()
        .enumerate()
        .map(|(i, section)| {
            let name = if i == 0 { "summary".to_string() } else { section.title.to_lowercase() };
            xlsx::from_section(&name, section)
        })
        .collect();
    if let Some(run) = b.evaluation.runs.first() {
        sheets.push(xlsx::row_counts_sheet(&[("", b.plan, &run.folded.counts)]));
    }
    let mut about = heading(b);
    about.extend(reads_footer(&b.evaluation, "the plan and its three variants"));
    sheets.push(xlsx::about_sheet(&about));
    sheets
}

pub fn json(b: &Budget<'_>) -> String {
    let style = Style { scale: b.plan.rounding.scale(), grouped: false };
    let amount = |d: Decimal| Json::String(style.amount(d));
    let pct = |p: Option<Decimal>| p.map_or(Json::Null, |p| Json::String(fixed2(p)));
    let breakdowns: Vec<Json> = b
        .breakdowns
        .iter()
        .map(|br| {
            let groups: Vec<Json> = br
                .rows
                .iter()
                .map(|r| {
                    json!({
                        "group": r.key,
                        "payout": amount(r.payout),
                        "sales": r.sales.map(amount),
                        "share_of_payout_pct": pct(percent(r.payout, b.payout)),
                    })
                })
                .collect();
            let allocation = matches!(br.grouping, Grouping::SalesColumn { .. }).then_some(ALLOCATION_NOTE);
            json!({"by": br.grouping.name(), "allocation": allocation, "groups": groups})
        })
        .collect();
    let reads: Vec<Json> =
        b.evaluation.passes().into_iter().map(|(path, n)| json!({"file": path, "passes": n})).collect();
    let doc = json!({
        "policy": {"name": b.plan.name, "version": b.plan.version, "sha256": b.plan.sha256, "source": b.plan.source.name},
        "currency": b.plan.currency,
        "range": {"from": b.evaluation.months.first(), "to": b.evaluation.months.last(), "months": b.evaluation.months.len()},
        "sales_measure": b.measure_name,
        "payout": amount(b.payout),
        "sales": amount(b.sales),
        "cost_of_sales_pct": pct(percent(b.payout, b.sales)),
        "payees": {
            "count": b.payees.count,
            "average": amount(b.payees.average),
            "median": amount(b.payees.median),
            "top_decile": {
                "count": b.payees.top_decile_count,
                "payout": amount(b.payees.top_decile_payout),
                "share_pct": pct(percent(b.payees.top_decile_payout, b.payout)),
            },
        },
        "marginal": {
            "per": amount(PER),
            "at_current_brackets": {
                "cost": b.marginal_cost().map(amount),
                "rate_pct": pct(b.marginal_cost().map(|m| m / PER * Decimal::ONE_HUNDRED)),
            },
            "every_sale_one_percent_larger": {
                "cost": b.uplift_cost().map(amount),
                "rate_pct": pct(b.uplift_cost().map(|m| m / PER * Decimal::ONE_HUNDRED)),
                "extra_payout": b.uplift.map(|(p, _)| amount(p)),
                "extra_sales": b.uplift.map(|(_, s)| amount(s)),
            },
        },
        "breakdowns": breakdowns,
        "reads": reads,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
