//! A comparison of two plans as text: the terminal table, Markdown, CSV (one row per payee)
//! and JSON (everything, amounts as strings).

use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

use crate::money::percent;
use crate::report::sections::{self, fixed2, reads_footer, Section, Style};
use crate::report::xlsx;

use std::collections::BTreeMap;

use crate::period::Period;

use crate::diff::{component_name, Comparison, PayeeChange};
use crate::plan::Plan;

fn plan_line(role: &str, plan: &Plan) -> String {
    format!("{role}: {} (version {}, {})", plan.name, plan.version, plan.source.name)
}

pub fn heading(cmp: &Comparison<'_>) -> Vec<String> {
    let months = cmp.months();
    let range = match (months.first(), months.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}..{b}"),
        (Some(a), _) => a.to_string(),
        _ => "no months".into(),
    };
    vec![
        plan_line("old", cmp.old_plan),
        plan_line("new", cmp.new_plan),
        format!("{range}, {} payees, amounts in {}", cmp.payees.len(), cmp.old_plan.currency),
    ]
}

fn payee_row(p: &PayeeChange, style: Style) -> Vec<String> {
    let opt = |d: Option<Decimal>| d.map(|d| style.amount(d)).unwrap_or_default();
    let note = match (p.old, p.new) {
        (None, Some(_)) => "only in new",
        (Some(_), None) => "only in old",
        _ => "",
    };
    vec![
        p.payee.to_string(),
        opt(p.old),
        opt(p.new),
        style.change(p.change()),
        style.pct(p.old.and_then(|o| percent(p.change(), o))),
        note.to_string(),
    ]
}

const PAYEE_HEADER: [&str; 6] = ["payee", "old", "new", "change", "change %", "note"];

/// The cost of each component under both plans, and the total.
fn components_section(cmp: &Comparison<'_>, style: Style) -> Section {
    let mut totals = Section::new("Cost by component", &["component", "old", "new", "change", "change %", "note"], 1);
    totals.figures = 1..5;
    for c in &cmp.components {
        let label = c
            .new
            .and_then(|i| cmp.new_plan.components.get(i))
            .or_else(|| c.old.and_then(|i| cmp.old_plan.components.get(i)))
            .and_then(|c| c.label.clone())
            .unwrap_or_default();
        let name = component_name(c, cmp.old_plan, cmp.new_plan);
        let shown = if label.is_empty() { name } else { format!("{name} {label}") };
        totals.row(vec![
            shown,
            style.amount(c.old_total),
            style.amount(c.new_total),
            style.change(c.new_total - c.old_total),
            style.pct(percent(c.new_total - c.old_total, c.old_total)),
            c.pairing.name().to_string(),
        ]);
    }
    let (old, new) = (cmp.old_total(), cmp.new_total());
    totals.row(vec![
        "total".into(),
        style.amount(old),
        style.amount(new),
        style.change(new - old),
        style.pct(percent(new - old, old)),
        String::new(),
    ]);
    totals
}

fn distribution_section(cmp: &Comparison<'_>, style: Style) -> Section {
    let mut dist = Section::new("Distribution of the change per payee", &["quantile", "change"], 1);
    for (name, q) in cmp.distribution() {
        dist.row(vec![name.to_string(), style.change(q)]);
    }
    dist.note("quantiles interpolate between ranks, as a spreadsheet's PERCENTILE.INC does");
    dist
}

/// Every section of the comparison, `top` payees in the gainers' and losers' lists.
pub fn sections(cmp: &Comparison<'_>, top: usize, style: Style) -> Vec<Section> {
    let mut out = vec![components_section(cmp, style)];

    let (gain, lose, equal) = cmp.tally();
    let mut who = Section::new("Who gains and who loses", &["payees", "count"], 1);
    who.row(vec!["gain".into(), gain.to_string()]);
    who.row(vec!["lose".into(), lose.to_string()]);
    who.row(vec!["equal".into(), equal.to_string()]);
    let only_old: Vec<String> = cmp.only_old().map(|p| p.payee.to_string()).collect();
    let only_new: Vec<String> = cmp.only_new().map(|p| p.payee.to_string()).collect();
    if !only_old.is_empty() {
        who.note(format!("paid only by the old plan: {}", only_old.join(", ")));
    }
    if !only_new.is_empty() {
        who.note(format!("paid only by the new plan: {}", only_new.join(", ")));
    }
    out.push(who);

    out.push(distribution_section(cmp, style));

    let mut gainers = Section::new(format!("Largest gains (top {top})"), &PAYEE_HEADER, 1);
    gainers.figures = 1..5;
    cmp.gainers(top).into_iter().for_each(|p| gainers.row(payee_row(p, style)));
    out.push(gainers);
    let mut losers = Section::new(format!("Largest losses (top {top})"), &PAYEE_HEADER, 1);
    losers.figures = 1..5;
    cmp.losers(top).into_iter().for_each(|p| losers.row(payee_row(p, style)));
    out.push(losers);
    out.push(every_payee(cmp, style));
    out
}

/// One row per payee, largest gain first (the CSV output).
pub fn every_payee(cmp: &Comparison<'_>, style: Style) -> Section {
    // CSV headers are read by programs: no spaces or signs.
    let header = if style.grouped { PAYEE_HEADER } else { ["payee", "old", "new", "change", "change_pct", "note"] };
    let mut all = Section::new("Every payee, by change", &header, 1);
    all.figures = 1..5;
    cmp.payees.iter().for_each(|p| all.row(payee_row(p, style)));
    all
}

pub fn table(cmp: &Comparison<'_>, top: usize) -> String {
    let style = Style { scale: cmp.scale, grouped: true };
    sections::table(&heading(cmp), &sections(cmp, top, style), &reads_footer(&cmp.evaluation, "both plans"))
}

pub fn markdown(cmp: &Comparison<'_>, top: usize) -> String {
    let style = Style { scale: cmp.scale, grouped: true };
    let mut heading = heading(cmp);
    if let Some(first) = heading.first_mut() {
        *first = format!("# Comparison\n\n{first}");
    }
    let heading: Vec<String> = vec![heading.join("  \n")];
    sections::markdown(&heading, &sections(cmp, top, style), &[])
}

pub fn csv(cmp: &Comparison<'_>) -> String {
    sections::csv(&every_payee(cmp, Style { scale: cmp.scale, grouped: false }))
}

/// A statement's total under the old and the new plan (`None`: that plan has no such payee).
type OldNew = (Option<Decimal>, Option<Decimal>);

/// The workbook of `diff --format xlsx`: every statement (payee and month) under both plans,
/// the components, every payee, the distribution of the change, the row counts, and what
/// was compared.
pub fn xlsx(cmp: &Comparison<'_>) -> Vec<xlsx::Sheet> {
    let style = Style { scale: cmp.scale, grouped: false };
    let mut by_statement: BTreeMap<(&str, Period), OldNew> = BTreeMap::new();
    for (side, run) in cmp.evaluation.runs.iter().take(2).enumerate() {
        for s in run.statements() {
            let entry = by_statement.entry((&*s.payee, s.period)).or_default();
            if side == 0 {
                entry.0 = Some(s.total);
            } else {
                entry.1 = Some(s.total);
            }
        }
    }
    let header = ["payee", "period", "old", "new", "change", "note"].map(String::from).to_vec();
    let mut statements = xlsx::Sheet::new("statements", header);
    let amount = |d: Option<Decimal>| d.map_or(xlsx::Cell::Empty, |d| xlsx::Cell::Amount(d, cmp.scale));
    for ((payee, period), (old, new)) in &by_statement {
        let note = match (old, new) {
            (None, Some(_)) => "only in new",
            (Some(_), None) => "only in old",
            _ => "",
        };
        statements.rows.push(vec![
            xlsx::Cell::Text((*payee).to_string()),
            xlsx::Cell::Text(period.to_string()),
            amount(*old),
            amount(*new),
            xlsx::Cell::Amount(new.unwrap_or_default() - old.unwrap_or_default(), cmp.scale),
            if note.is_empty() { xlsx::Cell::Empty } else { xlsx::Cell::Text(note.into()) },
        ]);
    }
    let (old, new) = (cmp.old_total(), cmp.new_total());
    statements.rows.push(vec![
        xlsx::Cell::Text("total".into()),
        xlsx::Cell::Text(xlsx::range_text(cmp.months())),
        xlsx::Cell::Amount(old, cmp.scale),
        xlsx::Cell::Amount(new, cmp.scale),
        xlsx::Cell::Amount(new - old, cmp.scale),
        xlsx::Cell::Empty,
    ]);
    statements.totals_last = true;
    let counts: Vec<(&str, &Plan, &[crate::data::RowCounts])> = cmp
        .evaluation
        .runs
        .iter()
        .zip([("old", cmp.old_plan), ("new", cmp.new_plan)])
        .map(|(run, (label, plan))| (label, plan, run.folded.counts.as_slice()))
        .collect();
    let mut about = heading(cmp);
    about.extend(reads_footer(&cmp.evaluation, "both plans"));
    vec![
        statements,
        xlsx::from_section("components", &components_section(cmp, style)),
        xlsx::from_section("payees", &every_payee(cmp, style)),
        xlsx::from_section("distribution", &distribution_section(cmp, style)),
        xlsx::row_counts_sheet(&counts),
        xlsx::about_sheet(&about),
    ]
}

fn policy_json(plan: &Plan) -> Json {
    json!({"name": plan.name, "version": plan.version, "sha256": plan.sha256, "source": plan.source.name})
}

/// The JSON document, serialised as it is written: a payee's figures are not first made
/// into a value each (over 100,000 payees, making and dropping them was most of the time
/// `diff` spent after computing, on one core).
#[derive(serde::Serialize)]
struct Doc<'a> {
    old: Json,
    new: Json,
    currency: Json,
    range: Json,
    total: Json,
    components: Vec<Json>,
    payees: Json,
    largest_gains: Vec<PayeeJson<'a>>,
    largest_losses: Vec<PayeeJson<'a>>,
    distribution: serde_json::Map<String, Json>,
    per_payee: PerPayee<'a>,
    reads: Vec<Json>,
}

/// One payee's figures in the document.
#[derive(serde::Serialize)]
struct PayeeJson<'a> {
    payee: &'a str,
    old: Option<String>,
    new: Option<String>,
    change: String,
    change_pct: Option<String>,
}

impl<'a> PayeeJson<'a> {
    fn of(p: &'a PayeeChange, style: Style) -> PayeeJson<'a> {
        PayeeJson {
            payee: &p.payee,
            old: p.old.map(|d| style.amount(d)),
            new: p.new.map(|d| style.amount(d)),
            change: style.amount(p.change()),
            change_pct: p.old.and_then(|o| percent(p.change(), o)).map(fixed2),
        }
    }
}

/// Every payee's figures, each made as it is written.
struct PerPayee<'a> {
    payees: &'a [PayeeChange],
    style: Style,
}

impl serde::Serialize for PerPayee<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.payees.iter().map(|p| PayeeJson::of(p, self.style)))
    }
}

/// What every JSON document of a comparison opens with: the two plans, the currency and the
/// range (the side-by-side one too).
pub(crate) fn head(cmp: &Comparison<'_>) -> [(&'static str, Json); 4] {
    [
        ("old", policy_json(cmp.old_plan)),
        ("new", policy_json(cmp.new_plan)),
        ("currency", json!(cmp.old_plan.currency)),
        ("range", json!({"from": cmp.months().first(), "to": cmp.months().last()})),
    ]
}

/// The files read and how many passes each took.
pub(crate) fn reads(cmp: &Comparison<'_>) -> Vec<Json> {
    cmp.evaluation.passes().into_iter().map(|(path, n)| json!({"file": path, "passes": n})).collect()
}

fn doc<'a>(cmp: &'a Comparison<'_>, top: usize) -> Doc<'a> {
    let style = Style { scale: cmp.scale, grouped: false };
    let amount = |d: Decimal| Json::String(style.amount(d));
    let pct = |p: Option<Decimal>| p.map_or(Json::Null, |p| Json::String(fixed2(p)));
    let components: Vec<Json> = cmp
        .components
        .iter()
        .map(|c| {
            let name = |plan: &Plan, i: Option<usize>| {
                i.and_then(|i| plan.components.get(i)).map_or(Json::Null, |c| Json::String(c.name.clone()))
            };
            json!({
                "old_name": name(cmp.old_plan, c.old),
                "new_name": name(cmp.new_plan, c.new),
                "status": if c.pairing.name().is_empty() { "same" } else { c.pairing.name() },
                "old": amount(c.old_total),
                "new": amount(c.new_total),
                "change": amount(c.new_total - c.old_total),
                "change_pct": pct(percent(c.new_total - c.old_total, c.old_total)),
            })
        })
        .collect();
    let (old, new) = (cmp.old_total(), cmp.new_total());
    let (gain, lose, equal) = cmp.tally();
    let distribution: serde_json::Map<String, Json> =
        cmp.distribution().into_iter().map(|(n, q)| (n.to_string(), amount(q))).collect();
    let [(_, old_plan), (_, new_plan), (_, currency), (_, range)] = head(cmp);
    Doc {
        old: old_plan,
        new: new_plan,
        currency,
        range,
        total: json!({"old": amount(old), "new": amount(new), "change": amount(new - old), "change_pct": pct(percent(new - old, old))}),
        components,
        payees: json!({
            "count": cmp.payees.len(),
            "gain": gain,
            "lose": lose,
            "equal": equal,
            "only_old": cmp.only_old().map(|p| p.payee.to_string()).collect::<Vec<_>>(),
            "only_new": cmp.only_new().map(|p| p.payee.to_string()).collect::<Vec<_>>(),
        }),
        largest_gains: cmp.gainers(top).into_iter().map(|p| PayeeJson::of(p, style)).collect(),
        largest_losses: cmp.losers(top).into_iter().map(|p| PayeeJson::of(p, style)).collect(),
        distribution,
        per_payee: PerPayee { payees: &cmp.payees, style },
        reads: reads(cmp),
    }
}

pub fn json(cmp: &Comparison<'_>, top: usize) -> String {
    let mut text = serde_json::to_string_pretty(&doc(cmp, top)).unwrap_or_default();
    text.push('\n');
    text
}
