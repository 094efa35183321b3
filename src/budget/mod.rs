//! A plan's cost on a ledger, as the seed plan's budget analysis (its section 4) asks:
//! total payout and its share of sales, by component, by month, by any column of the payees
//! or of the sales, the average and median payee, the top decile's share, and the marginal
//! cost of more sales.
//!
//! Component amounts are computed per payee, so a payee's payout is split by a sales column
//! (business type, customer group) *pro rata to that payee's sales in each group over the
//! component's period*: a monthly component by the month's sales, a quarterly one by the
//! quarter's. Groups with negative net sales get nothing; a payout with no positive sales to
//! split by goes to `(no sales)`. Shares are exact to the rounding step ([`super::allocate`]).

pub mod allocate;
pub mod render;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::budget::allocate::pro_rata;
use crate::data::InputFile;
use crate::diagnostics::io::IoKind;
use crate::diagnostics::tools::ToolKind;
use crate::diagnostics::{DataError, Error};
use crate::eval::aggregate::{PayeeFold, TallyByValue, TallySpec};
use crate::eval::compute::{policy_error, unrounded_component};
use crate::eval::passes::{evaluate, Evaluation, Job, Keep};
use crate::eval::{Folded, Scale};
use crate::period::{Granularity, Period};
use crate::plan::ColumnType;
use crate::plan::Plan;
use crate::quantiles::quantile;
use crate::suggest;

/// The sales every ratio is taken against: a money column of a dated, per-payee input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    pub input: usize,
    pub column: usize,
}

/// How to group the payout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grouping {
    Component,
    Month,
    Payee,
    /// A roster column: each payee's whole payout goes to their value.
    PayeeColumn {
        column: usize,
        name: String,
    },
    /// A column of the sales input: payouts split pro rata to sales (see the module doc).
    SalesColumn {
        column: usize,
        name: String,
    },
}

impl Grouping {
    pub fn name(&self) -> &str {
        match self {
            Grouping::Component => "component",
            Grouping::Month => "month",
            Grouping::Payee => "payee",
            Grouping::PayeeColumn { name, .. } | Grouping::SalesColumn { name, .. } => name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub key: String,
    pub payout: Decimal,
    /// The group's sales in the range, when the grouping has them (not for components).
    pub sales: Option<Decimal>,
}

#[derive(Debug, Clone)]
pub struct Breakdown {
    pub grouping: Grouping,
    pub rows: Vec<GroupRow>,
}

/// One payee's payout over the range.
#[derive(Debug, Clone)]
pub struct PayeeStats {
    pub count: usize,
    pub average: Decimal,
    pub median: Decimal,
    /// The top 10% of payees by payout (at least one), and their share of the payout.
    pub top_decile_count: usize,
    pub top_decile_payout: Decimal,
}

#[derive(Debug)]
pub struct Budget<'a> {
    pub plan: &'a Plan,
    pub measure_name: String,
    pub evaluation: Evaluation,
    pub payout: Decimal,
    pub sales: Decimal,
    pub breakdowns: Vec<Breakdown>,
    pub payees: PayeeStats,
    /// At the current brackets: extra unrounded payout for every sale larger by a factor
    /// of `1 + SLOPE_STEP` (no payee crossing a bracket bound), and the extra sales.
    pub slope: Option<(Decimal, Decimal)>,
    /// Extra payout when every sale is 1% larger (brackets may be crossed), and the extra
    /// sales that makes.
    pub uplift: Option<(Decimal, Decimal)>,
}

/// The uplift of the second marginal figure: every sale 1% larger.
pub const UPLIFT: Decimal = Decimal::from_parts(101, 0, 0, false, 2);
/// The relative step of the slope: one millionth.
pub const SLOPE_STEP: Decimal = Decimal::from_parts(1, 0, 0, false, 6);
/// Marginal cost is quoted per this much more sales.
pub const PER: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

impl Budget<'_> {
    /// Payout per `PER` of extra sales at the current brackets: the slope of the payout
    /// when every sale grows in proportion, each payee paid at the bracket they are in.
    pub fn marginal_cost(&self) -> Option<Decimal> {
        per_ten_thousand(self.slope?)
    }

    /// Payout per `PER` of extra sales if every sale were 1% larger: the slope plus the
    /// brackets some payees would reach.
    pub fn uplift_cost(&self) -> Option<Decimal> {
        per_ten_thousand(self.uplift?)
    }
}

/// Adds exactly; a total too large for 28 digits is a diagnostic, never a panic.
fn add(acc: &mut Decimal, v: Decimal) -> Result<(), DataError> {
    *acc = acc.checked_add(v).ok_or_else(|| DataError::of("", ToolKind::TotalsTooLarge))?;
    Ok(())
}

fn per_ten_thousand((extra_payout, extra_sales): (Decimal, Decimal)) -> Option<Decimal> {
    if extra_sales.is_zero() {
        return None;
    }
    let per = extra_payout.checked_mul(PER)?.checked_div(extra_sales)?;
    Some(crate::money::round_display(per, 2))
}

/// The sales measure: `INPUT.COLUMN` if given, else the one money column of an input that
/// has a payee and a date or month column. A `--sales` that names no such column is an
/// argument's problem (an [`IoKind`]); a policy with none, or several and no `--sales`, is
/// the budget's (a [`ToolKind`]).
pub fn measure(plan: &Plan, named: Option<&str>) -> Result<Measure, DataError> {
    let mut candidates = Vec::new();
    for (i, input) in plan.inputs.iter().enumerate() {
        if input.payee.is_none() || input.bucket() != Some(Granularity::Month) {
            continue;
        }
        for (c, column) in input.columns.iter().enumerate() {
            if column.ty == ColumnType::Money {
                candidates.push((Measure { input: i, column: c }, format!("{}.{}", input.name, column.name)));
            }
        }
    }
    let names: Vec<&str> = candidates.iter().map(|(_, n)| n.as_str()).collect();
    match named {
        Some(name) => candidates.iter().find(|(_, n)| n == name).map(|(m, _)| *m).ok_or_else(|| {
            DataError::of(
                format!("--sales {name}"),
                IoKind::NotASalesColumn { suggestion: suggest::help(name, "sales column", names.iter().copied()) },
            )
        }),
        None => match candidates.as_slice() {
            [(m, _)] => Ok(*m),
            [] => Err(DataError::of("", ToolKind::NoSalesMeasure)),
            _ => Err(DataError::of(
                "",
                ToolKind::SeveralSalesMeasures { names: names.iter().map(ToString::to_string).collect() },
            )),
        },
    }
}

/// `--by NAME` as a grouping: `component`, `month`, `payee`, a roster column, or a column of
/// the sales input. A name that is none of them is an argument's problem (an [`IoKind`]),
/// found here because only the plan knows its columns.
pub fn grouping(plan: &Plan, measure: Measure, name: &str) -> Result<Grouping, DataError> {
    match name {
        "component" => return Ok(Grouping::Component),
        "month" => return Ok(Grouping::Month),
        "payee" => return Ok(Grouping::Payee),
        _ => {}
    }
    let mut options: Vec<String> = vec!["component".into(), "month".into(), "payee".into()];
    if let Some(roster) = plan.roster() {
        for (i, c) in roster.columns.iter().enumerate() {
            if Some(i) == roster.key {
                continue;
            }
            if c.name == name {
                return Ok(Grouping::PayeeColumn { column: i, name: name.to_string() });
            }
            options.push(c.name.clone());
        }
    }
    if let Some(sales) = plan.inputs.get(measure.input) {
        for (i, c) in sales.columns.iter().enumerate() {
            if Some(i) == sales.period || Some(i) == sales.key || c.ty == ColumnType::Money {
                continue;
            }
            if c.name == name {
                return Ok(Grouping::SalesColumn { column: i, name: name.to_string() });
            }
            options.push(c.name.clone());
        }
    }
    Err(DataError::of(
        format!("--by {name}"),
        IoKind::UnknownGrouping {
            name: name.to_string(),
            suggestion: suggest::help(name, "grouping", options.iter().map(String::as_str)),
            options,
        },
    ))
}

/// Runs the plan (and the plan on sales 1% larger) in one pass and breaks the cost down.
pub fn budget<'a>(
    plan: &'a Plan,
    files: &[InputFile],
    range: Option<(Period, Period)>,
    measure: Measure,
    groupings: Vec<Grouping>,
) -> Result<Budget<'a>, Error> {
    let sales_columns: Vec<usize> = groupings
        .iter()
        .filter_map(|g| match g {
            Grouping::SalesColumn { column, .. } => Some(*column),
            _ => None,
        })
        .collect();
    // Sales per (payee, bucket), in total and per value of each sales column grouped by,
    // tallied by the fold over the rows the plan uses (a split sale by each payee's share, so
    // the sales add up once).
    let tally = TallySpec { input: measure.input, column: measure.column, by: sales_columns };
    let scaled = |factor| Some(Scale { input: measure.input, column: measure.column, factor });
    // The run on sales 1% larger is only added up; the two for the slope are only folded
    // (`slope` computes from their folds the components it compares).
    let jobs = [
        Job { plan, files, scale: None, tally: Some(tally), keep: Keep::Statements },
        Job { plan, files, scale: scaled(UPLIFT), tally: None, keep: Keep::Totals },
        Job { plan, files, scale: scaled(Decimal::ONE + SLOPE_STEP), tally: None, keep: Keep::Fold },
        Job { plan, files, scale: scaled(Decimal::ONE - SLOPE_STEP), tally: None, keep: Keep::Fold },
    ];
    let evaluation = evaluate(&jobs, range)?;
    let Some((base, Some(result))) = evaluation.runs.first().map(|r| (r, &r.result)) else {
        return Err(DataError::of("", ToolKind::NothingEvaluated).into());
    };
    let tally = &base.folded.tally;
    if tally.overflow {
        return Err(DataError::of("", ToolKind::SalesTooLarge).into());
    }
    let months = evaluation.months.clone();
    let in_range = |bucket: &Period| months.contains(&bucket.last_month());
    let mut sales = Decimal::ZERO;
    for (_, b, v) in tally.total.iter() {
        if in_range(&b) {
            add(&mut sales, *v)?;
        }
    }
    let uplift = evaluation
        .runs
        .get(1)
        .and_then(|up| up.result.as_ref())
        .map(|up| (up.total - result.total, sales * (UPLIFT - Decimal::ONE)));
    // A statement that reads earlier statements (a true-up, a cap, a draw) has no slope one
    // component at a time: only the 1% line, which runs the whole plan again, prices it.
    let slope = match (evaluation.runs.get(2), evaluation.runs.get(3)) {
        _ if plan.reads_history() => None,
        (Some(up), Some(down)) => {
            Some((slope(plan, &months, &base.folded, &up.folded, &down.folded)?, sales * SLOPE_STEP))
        }
        _ => None,
    };
    let step = plan.rounding.step;
    let measure_input = plan.inputs.get(measure.input);
    let bucket_gran = measure_input.and_then(|i| i.bucket()).unwrap_or(Granularity::Month);

    let mut breakdowns = Vec::new();
    let mut sales_group = 0;
    for grouping in groupings {
        let rows = match &grouping {
            Grouping::Component => plan
                .components
                .iter()
                .zip(&result.component_totals)
                .map(|(c, t)| GroupRow { key: c.name.clone(), payout: *t, sales: None })
                .collect(),
            Grouping::Month => {
                let mut by_month: BTreeMap<Period, (Decimal, Decimal)> =
                    months.iter().map(|m| (*m, (Decimal::ZERO, Decimal::ZERO))).collect();
                for s in &result.statements {
                    if let Some(row) = by_month.get_mut(&s.period) {
                        add(&mut row.0, s.total)?;
                    }
                }
                for (_, b, v) in tally.total.iter() {
                    if let Some(row) = by_month.get_mut(&b.last_month()) {
                        add(&mut row.1, *v)?;
                    }
                }
                by_month
                    .into_iter()
                    .map(|(m, (payout, sales))| GroupRow { key: m.to_string(), payout, sales: Some(sales) })
                    .collect()
            }
            Grouping::Payee => {
                let mut by_payee: HashMap<&Arc<str>, Decimal> = HashMap::new();
                for (p, b, v) in tally.total.iter() {
                    if in_range(&b) {
                        add(by_payee.entry(p).or_default(), *v)?;
                    }
                }
                base.payee_totals
                    .iter()
                    .map(|(p, t)| GroupRow {
                        sales: Some(by_payee.get(p).copied().unwrap_or_default()),
                        key: p.to_string(),
                        payout: *t,
                    })
                    .collect()
            }
            Grouping::PayeeColumn { column, .. } => {
                let mut groups: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
                let attrs: HashMap<Arc<str>, String> = base
                    .folded
                    .payees
                    .iter()
                    .map(|p| (p.id.clone(), p.attrs.get(*column).map(crate::value::Value::plain).unwrap_or_default()))
                    .collect();
                for s in &result.statements {
                    let key = attrs.get(&s.payee).cloned().unwrap_or_default();
                    add(&mut groups.entry(key).or_default().0, s.total)?;
                }
                for (p, b, v) in tally.total.iter() {
                    if in_range(&b) {
                        let key = attrs.get(p).cloned().unwrap_or_default();
                        add(&mut groups.entry(key).or_default().1, *v)?;
                    }
                }
                groups.into_iter().map(|(key, (payout, sales))| GroupRow { key, payout, sales: Some(sales) }).collect()
            }
            Grouping::SalesColumn { .. } => {
                let none = TallyByValue::default();
                let by = tally.by.get(sales_group).unwrap_or(&none);
                sales_group += 1;
                split_by_sales(plan, result, by, bucket_gran, step, &in_range)?
            }
        };
        breakdowns.push(Breakdown { grouping, rows });
    }

    let mut totals: Vec<Decimal> = base.payee_totals.iter().map(|(_, t)| *t).collect();
    totals.sort();
    let count = totals.len();
    let top = count.div_ceil(10).max(1).min(count);
    let payees = PayeeStats {
        count,
        average: if count == 0 {
            Decimal::ZERO
        } else {
            crate::money::round_display(result.total / Decimal::from(count), plan.rounding.scale())
        },
        median: crate::money::round_display(
            quantile(&totals, Decimal::new(5, 1)).unwrap_or_default(),
            plan.rounding.scale(),
        ),
        top_decile_count: top,
        top_decile_payout: totals.iter().rev().take(top).sum(),
    };
    let measure_name = measure_input
        .and_then(|i| i.columns.get(measure.column).map(|c| format!("{}.{}", i.name, c.name)))
        .unwrap_or_default();
    let payout = result.total;
    Ok(Budget { plan, measure_name, evaluation, payout, sales, breakdowns, payees, slope, uplift })
}

/// The extra unrounded payout for sales larger by `SLOPE_STEP`, summed over every payee,
/// month and component. Each term is the smaller (in size) of the step up and the step
/// down: a payee within a millionth below a bracket bound would jump a whole bracket going
/// up, and one exactly on a bound would fall a bracket going down, but never both, so the
/// smaller step is the slope at the bracket the payee is in.
fn slope<'a>(
    plan: &Plan,
    months: &[Period],
    base: &Folded,
    up: &'a Folded,
    down: &'a Folded,
) -> Result<Decimal, Error> {
    // Each payee of the scaled runs by id, indexed once: looking each one up by a walk over
    // all payees made the slope quadratic in payees (16,000 payees: seconds).
    let index = |folded: &'_ Folded| -> HashMap<Arc<str>, usize> {
        folded.payees.iter().enumerate().map(|(i, p)| (p.id.clone(), i)).collect()
    };
    let (up_index, down_index) = (index(up), index(down));
    let find = |folded: &'a Folded, index: &HashMap<Arc<str>, usize>, id: &Arc<str>| {
        index.get(id).and_then(|&i| folded.payees.get(i))
    };
    let too_large = || Error::from(DataError::of("", ToolKind::PayoutTooLarge));
    // One payee's steps, added up in month and component order.
    let payee_slope = |payee: &crate::eval::aggregate::Payee| -> Result<Decimal, Error> {
        let mut total = Decimal::ZERO;
        let (Some(payee_up), Some(payee_down)) = (find(up, &up_index, &payee.id), find(down, &down_index, &payee.id))
        else {
            return Ok(total);
        };
        // The payee's part of each run's folded ledgers, each bucket found once.
        let of = [PayeeFold::new(base, payee), PayeeFold::new(up, payee_up), PayeeFold::new(down, payee_down)];
        for month in months {
            // The month's components so far, in each of the three runs (a statement cap
            // adjusts their sum).
            let mut earlier = [Decimal::ZERO; 3];
            for component in &plan.components {
                let Some(period) = month.coarsen(component.cadence.into()) else { continue };
                if period.last_month() != *month {
                    continue;
                }
                let mut value = |run: usize| {
                    let so_far = earlier.get(run).copied().unwrap_or_default();
                    let Some(of) = of.get(run) else { return Ok(Decimal::ZERO) };
                    let v = unrounded_component(plan, of, period, component, so_far)
                        .map_err(|e| policy_error(plan, e, &format!("payee `{}`, {period}", payee.id)))?;
                    if let Some(e) = earlier.get_mut(run) {
                        *e = e.checked_add(v).ok_or_else(too_large)?;
                    }
                    Ok::<Decimal, Error>(v)
                };
                let here = value(0)?;
                let step_up = value(1)?.checked_sub(here).ok_or_else(too_large)?;
                let step_down = here.checked_sub(value(2)?).ok_or_else(too_large)?;
                let step = if step_up.abs() <= step_down.abs() { step_up } else { step_down };
                total = total.checked_add(step).ok_or_else(too_large)?;
            }
        }
        Ok(total)
    };
    // Each payee's on all cores; added up in payee order (the first error in that order), so
    // the slope does not depend on the number of threads.
    let slopes: Vec<Result<Decimal, Error>> = crate::eval::chunked::on_all_cores(|| {
        use rayon::prelude::*;
        base.payees.par_iter().map(payee_slope).collect()
    });
    let mut total = Decimal::ZERO;
    for slope in slopes {
        total = total.checked_add(slope?).ok_or_else(too_large)?;
    }
    Ok(total)
}

/// Splits every statement's components over the groups of a sales column, pro rata to the
/// payee's sales in each group over the component's period.
fn split_by_sales(
    plan: &Plan,
    result: &crate::eval::RunResult,
    by: &TallyByValue,
    bucket_gran: Granularity,
    step: Decimal,
    in_range: &dyn Fn(&Period) -> bool,
) -> Result<Vec<GroupRow>, Error> {
    const NO_SALES: &str = "(no sales)";
    // Statements a few thousand at a time on all cores, each stretch's payout per group added
    // up, then the stretches' in order: shares are whole steps, so the sums are exact in any
    // order, and the first error is the first statement's in order.
    let stretches: Vec<Result<BTreeMap<&str, Decimal>, Error>> = crate::eval::chunked::on_all_cores(|| {
        use rayon::prelude::*;
        result
            .statements
            .par_chunks(4096)
            .map(|statements| {
                let mut payout: BTreeMap<&str, Decimal> = BTreeMap::new();
                let mut weights: BTreeMap<&str, Decimal> = BTreeMap::new();
                let (mut keys, mut values): (Vec<&str>, Vec<Decimal>) = (Vec::new(), Vec::new());
                for s in statements {
                    for (component, amount) in plan.components.iter().zip(&s.amounts) {
                        if amount.is_zero() {
                            continue;
                        }
                        let Some(period) = s.period.coarsen(component.cadence.into()) else { continue };
                        weights.clear();
                        for bucket in period.split(bucket_gran) {
                            if let Some(groups) = by.get(&s.payee, bucket) {
                                for (g, v) in groups {
                                    add(weights.entry(&**g).or_default(), *v)?;
                                }
                            }
                        }
                        keys.clear();
                        values.clear();
                        keys.extend(weights.keys().copied());
                        values.extend(weights.values().copied());
                        match pro_rata(*amount, &values, step) {
                            Some(shares) => {
                                for (k, share) in keys.iter().zip(shares) {
                                    add(payout.entry(k).or_default(), share)?;
                                }
                            }
                            None => add(payout.entry(NO_SALES).or_default(), *amount)?,
                        }
                    }
                }
                Ok(payout)
            })
            .collect()
    });
    let mut payout: BTreeMap<String, Decimal> = BTreeMap::new();
    for stretch in stretches {
        for (k, v) in stretch? {
            add(payout.entry(k.to_string()).or_default(), v)?;
        }
    }
    let mut sales: BTreeMap<String, Decimal> = BTreeMap::new();
    for (_, bucket, groups) in by.iter() {
        if in_range(&bucket) {
            for (g, v) in groups {
                add(sales.entry(g.to_string()).or_default(), *v)?;
            }
        }
    }
    let mut keys: Vec<String> = payout.keys().chain(sales.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    // Groups by payout, largest first: the order an analyst reads a cost breakdown in.
    let mut rows: Vec<GroupRow> = keys
        .into_iter()
        .map(|k| GroupRow {
            payout: payout.get(&k).copied().unwrap_or_default(),
            sales: Some(sales.get(&k).copied().unwrap_or_default()),
            key: k,
        })
        .filter(|r| !r.payout.is_zero() || r.sales.is_some_and(|s| !s.is_zero()))
        .collect();
    rows.sort_by(|a, b| b.payout.cmp(&a.payout).then_with(|| a.key.cmp(&b.key)));
    Ok(rows)
}
