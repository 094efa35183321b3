//! Synthetic ledgers for trying a plan before real data exists: sales with kinds, business
//! types and customer groups, and quarterly satisfaction surveys, for the seed plan's inputs
//! (`--layout seed`) or for a roster-based plan (`--layout roster`).
//!
//! The model, with every parameter in [`Model`] (defaults in brackets):
//! - Each month's sales through the payees are exactly `monthly_sales x share`
//!   [5,000,000 x 50%, the seed's section 4].
//! - They are split over payees by weight `w x e`, where `w` is the payee's log-normal
//!   level exp(`spread` x Z), fixed for the whole run [spread 0.8], and `e` a monthly
//!   log-normal wobble exp(`wobble` x Z) [0.25]. So a few payees sell a lot and many sell
//!   little, and nobody's months are all alike.
//! - A payee-month's sales are cut into about `total / average_sale` sales [25,000] of
//!   log-normal relative size (sigma 0.6), at least one, on uniformly drawn days.
//! - Kind: new 55%, renewal 30%, upsell 15%. A renewal or upsell goes to one of the payee's
//!   30 existing customers; a new sale to a new customer. A customer keeps its segment.
//! - Business type: mobile 30%, broadband 20%, iot 15%, cloud 20%, ict 15%.
//!   Customer group: consumer 25%, sme 35%, enterprise 25%, government 15%.
//! - Surveys: one per payee per quarter touched by the months, satisfaction normal with mean
//!   86% and sd 6%, kept within 50%..100%, to 0.5%; about one in six is below 80%.
//! - Roster layout: ids `E0001`.., Chinese names, roles account_manager 50%, sales_rep 30%,
//!   bd_specialist 20%, teams north, south, east, west; the ledgers name payees `employee`.
//!   Seed layout: ids `AM0001`.., column `manager`.
//!
//! Every draw comes from one ChaCha8 stream seeded with `seed`, in a fixed order, and
//! amounts are whole fen computed by integer splits, so a seed gives byte-identical files.

mod random;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::diagnostics::tools::ToolKind;
use crate::generate::random::{split, Rng};
use crate::period::Period;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `sales(id,date,manager,...)`, `surveys(manager,quarter,satisfaction)`.
    Seed,
    /// `roster(id,name,role,team)`, and `employee` instead of `manager`.
    Roster,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub payees: usize,
    pub from: Period,
    pub to: Period,
    /// Company sales per month.
    pub monthly_sales: Decimal,
    /// The part of it sold by the payees (the ledger's monthly total), 0..=1.
    pub share: Decimal,
    pub seed: u64,
    /// Sigma of the payees' log-normal sales levels.
    pub spread: f64,
    /// Sigma of the month-to-month log-normal wobble of each payee.
    pub wobble: f64,
    pub average_sale: Decimal,
    pub layout: Layout,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            payees: 200,
            from: Period::month(2026, 1),
            to: Period::month(2026, 12),
            monthly_sales: Decimal::from(5_000_000),
            share: Decimal::new(5, 1),
            seed: 42,
            spread: 0.8,
            wobble: 0.25,
            average_sale: Decimal::from(25_000),
            layout: Layout::Seed,
        }
    }
}

/// The most payees `generate` writes.
pub const MAX_PAYEES: usize = 100_000;
/// The most months (a century).
pub const MAX_MONTHS: usize = 1_200;
/// The largest company sales a month, and the largest average sale: amounts are whole fen
/// in 64 bits, and the ledger's total over every month must be too.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;
/// The most sales rows a run may write.
pub const MAX_ROWS: u64 = 10_000_000;

/// Refuses parameters `generate` cannot write exactly, or would take too long to: each is a
/// [`ToolKind`] naming the parameter. Before, huge sales overflowed to zero sales or a
/// crash, and a huge number of payees or rows ran out of memory.
pub fn check(model: &Model) -> Result<(), ToolKind> {
    let out = |flag: &'static str, value: String, range: &str| {
        Err(ToolKind::GenerateOutOfRange { flag, value, range: range.to_string() })
    };
    if model.payees == 0 || model.payees > MAX_PAYEES {
        return out("--managers", model.payees.to_string(), "1 to 100,000");
    }
    let months = Period::months_between(model.from, model.to).len();
    if months > MAX_MONTHS {
        return out("--months", format!("{}..{} ({months} months)", model.from, model.to), "at most 1,200 months");
    }
    let max = Decimal::from(MAX_AMOUNT);
    if model.monthly_sales <= Decimal::ZERO || model.monthly_sales > max {
        return out("--monthly-sales", model.monthly_sales.to_string(), "more than 0, up to 1,000,000,000,000");
    }
    let cent = Decimal::new(1, 2);
    if model.average_sale < cent || model.average_sale > max {
        return out("--average-sale", model.average_sale.to_string(), "0.01 up to 1,000,000,000,000");
    }
    // Within these bounds every product below fits: at most 10^14 fen a month.
    let month_fen = fen(model.monthly_sales * model.share);
    let average_fen = fen(model.average_sale).max(1);
    let per_month = (month_fen / average_fen).max(model.payees as u64);
    let rows = per_month.saturating_mul(months as u64);
    if rows > MAX_ROWS {
        return Err(ToolKind::GenerateTooManyRows {
            rows: crate::money::format_grouped(Decimal::from(rows), 0),
            max: crate::money::format_grouped(Decimal::from(MAX_ROWS), 0),
        });
    }
    Ok(())
}

/// The files a layout writes, by name (what `generate` would replace in its folder).
pub fn file_names(layout: Layout) -> &'static [&'static str] {
    match layout {
        Layout::Seed => &["sales.csv", "surveys.csv"],
        Layout::Roster => &["roster.csv", "sales.csv", "surveys.csv"],
    }
}

/// An amount in whole fen (0 when it does not fit, which [`check`] rules out).
fn fen(amount: Decimal) -> u64 {
    amount.checked_mul(Decimal::ONE_HUNDRED).map(|f| f.round()).and_then(|f| f.to_u64()).unwrap_or(0)
}

/// A generated file: its name in the output folder and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub name: &'static str,
    pub text: String,
}

/// What was generated, for the summary line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub files: Vec<File>,
    pub sales_rows: usize,
    /// Total of the sales ledger, in fen.
    pub total_fen: u64,
}

const KINDS: [(&str, u64); 3] = [("new", 55), ("renewal", 30), ("upsell", 15)];
const BUSINESS: [(&str, u64); 5] = [("mobile", 30), ("broadband", 20), ("iot", 15), ("cloud", 20), ("ict", 15)];
const SEGMENTS: [(&str, u64); 4] = [("consumer", 25), ("sme", 35), ("enterprise", 25), ("government", 15)];
const ROLES: [(&str, u64); 3] = [("account_manager", 50), ("sales_rep", 30), ("bd_specialist", 20)];
const TEAMS: [&str; 4] = ["north", "south", "east", "west"];
const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗",
];
const GIVEN: [&str; 24] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞",
    "平", "刚", "英", "华", "玲",
];
const EXISTING_CUSTOMERS: usize = 30;

fn weights<T>(table: &[(T, u64)]) -> Vec<u64> {
    table.iter().map(|(_, w)| *w).collect()
}

fn name_of<'a>(table: &[(&'a str, u64)], i: usize) -> &'a str {
    table.get(i).map_or("", |(n, _)| n)
}

struct Customer {
    id: String,
    segment: usize,
}

struct Sale {
    day: u32,
    payee: usize,
    customer: String,
    kind: usize,
    business: usize,
    segment: usize,
    fen: u64,
}

/// Writes the ledgers for `model`. Pure: the same model gives the same files.
pub fn generate(model: &Model) -> Generated {
    let mut rng = Rng::new(model.seed);
    let n = model.payees.max(1);
    let (prefix, column) = match model.layout {
        Layout::Seed => ("AM", "manager"),
        Layout::Roster => ("E", "employee"),
    };
    let ids: Vec<String> = (1..=n).map(|i| format!("{prefix}{i:04}")).collect();
    let levels: Vec<f64> = (0..n).map(|_| rng.lognormal(model.spread)).collect();

    let mut files = Vec::new();
    if model.layout == Layout::Roster {
        let mut roster = String::from("id,name,role,team\n");
        for id in &ids {
            let surname = SURNAMES.get(rng.below(SURNAMES.len() as u64) as usize).copied().unwrap_or("王");
            let mut name = surname.to_string();
            for _ in 0..=rng.below(2) {
                name.push_str(GIVEN.get(rng.below(GIVEN.len() as u64) as usize).copied().unwrap_or("伟"));
            }
            let role = name_of(&ROLES, rng.pick(&weights(&ROLES)));
            let team = TEAMS.get(rng.below(TEAMS.len() as u64) as usize).copied().unwrap_or("north");
            roster.push_str(&format!("{id},{name},{role},{team}\n"));
        }
        files.push(File { name: "roster.csv", text: roster });
    }

    let mut next_customer = 0usize;
    let mut new_customer = |rng: &mut Rng| {
        next_customer += 1;
        Customer { id: format!("C{next_customer:06}"), segment: rng.pick(&weights(&SEGMENTS)) }
    };
    let mut portfolios: Vec<Vec<Customer>> =
        (0..n).map(|_| (0..EXISTING_CUSTOMERS).map(|_| new_customer(&mut rng)).collect()).collect();

    let month_fen = fen(model.monthly_sales * model.share);
    let average_fen = fen(model.average_sale).max(1);
    let mut sales = format!("id,date,{column},customer,kind,business,segment,amount\n");
    let mut sale_id = 0usize;
    let mut total_fen = 0u64;
    for month in Period::months_between(model.from, model.to) {
        let Period::Month { year, month: m } = month else { continue };
        let days = days_in_month(year, m);
        let shares: Vec<f64> = levels.iter().map(|l| l * rng.lognormal(model.wobble)).collect();
        let mut rows: Vec<Sale> = Vec::new();
        for (payee, fen) in split(month_fen, &shares).into_iter().enumerate() {
            if fen == 0 {
                continue;
            }
            // About one sale per `average_sale`, at least one, never below 1.00 each.
            let count = ((fen + average_fen / 2) / average_fen).clamp(1, (fen / 100).max(1));
            let sizes: Vec<f64> = (0..count).map(|_| rng.lognormal(0.6)).collect();
            // Each sale gets 1.00 up front so that none is zero; the rest is split by size.
            let base = if fen >= 100 * count { 100 } else { 0 };
            let mut amounts = split(fen - base * count, &sizes);
            amounts.iter_mut().for_each(|a| *a += base);
            for fen in amounts {
                let kind = rng.pick(&weights(&KINDS));
                let portfolio = portfolios.get_mut(payee);
                let (customer, segment) = match (kind, portfolio) {
                    (0, Some(p)) => {
                        let c = new_customer(&mut rng);
                        let out = (c.id.clone(), c.segment);
                        p.push(c);
                        out
                    }
                    (_, Some(p)) => {
                        let c = p.get(rng.below(EXISTING_CUSTOMERS as u64) as usize);
                        c.map_or((String::new(), 0), |c| (c.id.clone(), c.segment))
                    }
                    _ => (String::new(), 0),
                };
                rows.push(Sale {
                    day: 1 + rng.below(u64::from(days)) as u32,
                    payee,
                    customer,
                    kind,
                    business: rng.pick(&weights(&BUSINESS)),
                    segment,
                    fen,
                });
            }
        }
        // Ids follow date order, as an export from a billing system would.
        rows.sort_by_key(|s| (s.day, s.payee));
        for s in rows {
            sale_id += 1;
            total_fen += s.fen;
            sales.push_str(&format!(
                "S{sale_id:07},{year:04}-{m:02}-{:02},{},{},{},{},{},{}.{:02}\n",
                s.day,
                ids.get(s.payee).map_or("", String::as_str),
                s.customer,
                name_of(&KINDS, s.kind),
                name_of(&BUSINESS, s.business),
                name_of(&SEGMENTS, s.segment),
                s.fen / 100,
                s.fen % 100
            ));
        }
    }
    files.push(File { name: "sales.csv", text: sales });

    let mut surveys = format!("{column},quarter,satisfaction\n");
    let quarters: Vec<Period> = {
        let mut q: Vec<Period> = Period::months_between(model.from, model.to)
            .into_iter()
            .filter_map(|m| m.coarsen(crate::period::Granularity::Quarter))
            .collect();
        q.dedup();
        q
    };
    for quarter in quarters {
        for id in &ids {
            let score = (86.0 + 6.0 * rng.normal()).clamp(50.0, 100.0);
            let halves = (score * 2.0).round() as u64;
            surveys.push_str(&format!("{id},{quarter},{}.{}%\n", halves / 2, if halves % 2 == 1 { 5 } else { 0 }));
        }
    }
    files.push(File { name: "surveys.csv", text: surveys });
    Generated { files, sales_rows: sale_id, total_fen }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_total_exactly_and_seeds_repeat() {
        let model = Model { payees: 12, from: Period::month(2026, 1), to: Period::month(2026, 3), ..Model::default() };
        let a = generate(&model);
        assert_eq!(a, generate(&model));
        assert_ne!(a, generate(&Model { seed: 7, ..model.clone() }));
        // 5,000,000 x 50% = 2,500,000.00 a month = 250,000,000 fen, for 3 months.
        assert_eq!(a.total_fen, 3 * 250_000_000);
        assert_eq!(days_in_month(2028, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
    }

    #[test]
    fn parameters_out_of_range_are_refused() {
        let code = |m: Model| check(&m).err().map(|k| crate::diagnostics::code::Kind::describe(&k).code);
        assert_eq!(code(Model::default()), None);
        // The limits themselves pass (100,000 payees x 12 months, one sale each: 1,200,000
        // rows); one over does not.
        let max = Decimal::from(MAX_AMOUNT);
        assert_eq!(code(Model { payees: MAX_PAYEES, monthly_sales: max, average_sale: max, ..Model::default() }), None);
        assert_eq!(code(Model { payees: MAX_PAYEES + 1, ..Model::default() }), Some("E0520"));
        assert_eq!(
            code(Model { monthly_sales: Decimal::from(MAX_AMOUNT) + Decimal::ONE, ..Model::default() }),
            Some("E0520")
        );
        // Before: 7.9e28 x 50% x 100 overflowed (a crash), and 1e20 wrote zero sales.
        assert_eq!(code(Model { monthly_sales: Decimal::MAX, ..Model::default() }), Some("E0520"));
        assert_eq!(code(Model { average_sale: Decimal::MAX, ..Model::default() }), Some("E0520"));
        assert_eq!(code(Model { average_sale: Decimal::new(1, 3), ..Model::default() }), Some("E0520"));
        // 2026-01..2126-12: 101 years, 1,212 months.
        assert_eq!(code(Model { to: Period::month(2126, 12), ..Model::default() }), Some("E0520"));
        // 12 months of 1e12 x 50% in sales of 0.01 each: 5e13 fen a month, 6e14 rows.
        assert_eq!(
            code(Model {
                monthly_sales: Decimal::from(MAX_AMOUNT),
                average_sale: Decimal::new(1, 2),
                ..Model::default()
            }),
            Some("E0521")
        );
        // 1,000 payees x 1,200 months: 1,200,000 rows at least one each, fine; 100,000 x 1,200 is not.
        let century = Period::month(2125, 12);
        assert_eq!(code(Model { payees: 1_000, to: century, ..Model::default() }), None);
        assert_eq!(code(Model { payees: MAX_PAYEES, to: century, ..Model::default() }), Some("E0521"));
    }
}
