//! The statements as SQL: the grid (every payee × every month of the range, as `run`
//! builds it), each component's amount (due in the last month of its period; lets, gates,
//! pay, cap, floor, then the component's rounding, written out exactly), and the total.

use rust_decimal::Decimal;

use super::expr::{decimal, num, widen, At, Compiler, Sql, SqlTy, MAX_SCALE};
use super::inputs::{month_index, quarter_of_month, year_of};
use crate::diagnostics::tools::SqlKind;
use crate::lang::{Cadence, RoundingMode};
use crate::money::Rounding;
use crate::period::Period;
use crate::plan::Component;
use crate::source::Span;
use crate::value::Exact;

/// Rounds `x` to the rule's step, in its mode, exactly: the number of steps (x times the
/// step's inverse, a decimal) is rounded to a whole number by its absolute value (half-up
/// is `floor(|n| + 0.5)`, half-even looks at the half and the parity), given back its sign,
/// and multiplied by the step. Engines round half-even or truncate on their own; this never
/// leaves it to them.
pub fn round(c: &mut Compiler<'_>, x: &Sql, rounding: Rounding, span: Span) -> Sql {
    let step = rounding.step.normalize();
    let inverse = match Exact::Dec(Decimal::ONE).checked_div(&Exact::Dec(step)) {
        Ok(Exact::Dec(inv)) if !step.is_zero() => inv.normalize(),
        _ => {
            c.refuse(SqlKind::RoundingStep { step: step.to_string() }, span);
            return c.null(SqlTy::Num(rounding.scale()));
        }
    };
    let scale = x.scale() + inverse.scale();
    if scale > MAX_SCALE {
        c.refuse(SqlKind::TooManyDecimals { places: scale, max: MAX_SCALE }, span);
    }
    let n = num(format!("{} * {}", x.text, decimal(inverse).text), scale).text;
    let a = format!("ABS({n})");
    let whole = |t: String| num(t, 0).text;
    let half = widen(&decimal(Decimal::new(5, 1)), scale).text;
    let one = num("1", 0).text;
    let zero = num("0", scale).text;
    let count = match rounding.mode {
        RoundingMode::HalfUp => whole(format!("FLOOR({a} + {half})")),
        RoundingMode::Down => whole(format!("FLOOR({a})")),
        RoundingMode::Up => whole(format!("CEIL({a})")),
        RoundingMode::HalfEven => {
            let f = whole(format!("FLOOR({a})"));
            let rest = num(format!("{a} - {f}"), scale).text;
            let even = format!(
                "{} * {} = {f}",
                whole(format!("FLOOR({f} * {})", decimal(Decimal::new(5, 1)).text)),
                num("2", 0).text
            );
            whole(format!(
                "CASE WHEN {rest} > {half} THEN {f} + {one} WHEN {rest} < {half} THEN {f} WHEN {even} THEN {f} ELSE {f} + {one} END"
            ))
        }
    };
    let signed = whole(format!("CASE WHEN {n} < {zero} THEN -{count} ELSE {count} END"));
    let out = num(format!("{signed} * {}", decimal(step).text), step.scale());
    num(out.text, rounding.scale())
}

/// Whether a statement's month is the last of a cadence's period (`g.__month` is `YYYY-MM`).
fn due(cadence: Cadence) -> Option<&'static str> {
    match cadence {
        Cadence::Monthly => None,
        Cadence::Quarterly => Some("substr(g.__month, 6, 2) IN ('03', '06', '09', '12')"),
        Cadence::Yearly => Some("substr(g.__month, 6, 2) = '12'"),
    }
}

/// One component's amount on a statement before rounding: NULL when it is not due or a
/// gate does not hold (a gate that cannot be decided does not hold), else pay, cap and floor.
/// A pay, cap or floor without a value stops the query, as it stops `run`.
pub fn unrounded(c: &mut Compiler<'_>, component: &Component) -> Sql {
    let mut lets: Vec<Sql> = Vec::new();
    for l in &component.lets {
        let v = c.expr(&l.value, &At::Statement { cadence: component.cadence, lets: &lets });
        lets.push(v);
    }
    let at = At::Statement { cadence: component.cadence, lets: &lets };
    let gates: Vec<Sql> = component.gates.iter().map(|g| c.expr(g, &at)).collect();
    let name = &component.name;
    let needed = |c: &mut Compiler<'_>, e: &crate::plan::Expr, what: &str| -> Sql {
        let x = c.expr(e, &at);
        let stop = c.dialect.raise(&format!("`{name}` {what} no value"));
        Sql { text: format!("(CASE WHEN {} IS NULL THEN {stop} ELSE {} END)", x.text, x.text), ty: x.ty }
    };
    let pay = needed(c, &component.pay, "pays");
    let cap = component.cap.as_ref().map(|e| needed(c, e, "caps at"));
    let floor = component.floor.as_ref().map(|e| needed(c, e, "floors at"));
    let mut amount = pay;
    if let Some(cap) = cap {
        let s = amount.scale().max(cap.scale());
        let (a, b) = (widen(&amount, s), widen(&cap, s));
        amount = num(format!("CASE WHEN {} <= {} THEN {} ELSE {} END", a.text, b.text, a.text, b.text), s);
    }
    if let Some(floor) = floor {
        let s = amount.scale().max(floor.scale());
        let (a, b) = (widen(&amount, s), widen(&floor, s));
        amount = num(format!("CASE WHEN {} >= {} THEN {} ELSE {} END", a.text, b.text, a.text, b.text), s);
    }
    let mut conditions: Vec<String> = due(component.cadence).map(|d| format!("NOT ({d})")).into_iter().collect();
    conditions.extend(gates.iter().map(|g| format!("NOT COALESCE({}, FALSE)", g.text)));
    if conditions.is_empty() {
        return amount;
    }
    let mut text = String::from("CASE");
    for condition in conditions {
        text.push_str(&format!(" WHEN {condition} THEN {}", c.null(amount.ty).text));
    }
    text.push_str(&format!(" ELSE {} END", amount.text));
    num(text, amount.scale())
}

/// The amount on the statement: the unrounded amount (column `column`) rounded by the
/// component's rule; 0 when there is none.
pub fn rounded(c: &mut Compiler<'_>, component: &Component, column: &str, scale: u32) -> Sql {
    let x = num(column, scale);
    let r = round(c, &x, component.rounding, component.pay.span);
    let zero = num("0", component.rounding.scale()).text;
    num(format!("CASE WHEN {column} IS NULL THEN {zero} ELSE {} END", r.text), component.rounding.scale())
}

/// `span`: the first and last month index of the run. With a range, the range; without, the
/// months the rows of payees span in the inputs dated by day or month, as `run` finds them.
pub fn span_cte(c: &Compiler<'_>, range: Option<(Period, Period)>) -> String {
    let index = |p: Period| match p.first_month() {
        Period::Month { year, month } => i64::from(year) * 12 + i64::from(month) - 1,
        _ => 0,
    };
    if let Some((from, to)) = range {
        return format!("SELECT {} AS lo, {} AS hi", index(from), index(to.last_month()));
    }
    let monthly: Vec<String> = (0..c.plan.inputs.len())
        .filter(|i| super::expr::bucket_of(c.plan, *i) == Some(crate::period::Granularity::Month))
        .map(|i| format!("SELECT {} AS mi FROM rows_{i} r", month_index("r.__k")))
        .collect();
    if monthly.is_empty() {
        return "SELECT CAST(NULL AS INT) AS lo, CAST(NULL AS INT) AS hi".into();
    }
    format!("SELECT MIN(mi) AS lo, MAX(mi) AS hi FROM ({}) s", monthly.join(" UNION ALL "))
}

/// `grid`: every payee × every month of the span, with the month's quarter and year.
pub fn grid_cte(c: &Compiler<'_>) -> (String, String) {
    let d = c.dialect;
    let months = format!("SELECT {} FROM span", d.series("lo", "hi", "mi"));
    let month = d.month_of_index("m.mi");
    let named = format!("SELECT {month} AS __month FROM months m");
    let grid = format!(
        "SELECT p.*, k.__month, {} AS __quarter, {} AS __year FROM payees p CROSS JOIN ({named}) k",
        quarter_of_month(d, "k.__month"),
        year_of("k.__month"),
    );
    (months, grid)
}
