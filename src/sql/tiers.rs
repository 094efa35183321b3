//! Bracket tables as SQL, as `eval::tiers` computes them: brackets are half-open (`from b`
//! covers `b <= base < next`); flat pays the whole base at the reached bracket, marginal
//! pays each slice at its own bracket. A missing base gives a missing payout.

use super::expr::{decimal, max_scale, num, same_scale, widen, Compiler, Sql};
use crate::lang::TierMode;
use crate::plan::{TierPay, TierTable};
use crate::source::Span;

pub fn tiers(c: &mut Compiler<'_>, table: &TierTable, base: &Sql, span: Span) -> Sql {
    let b = &base.text;
    let pays = |c: &mut Compiler<'_>, pays: TierPay, amount: &Sql| -> Sql {
        match pays {
            TierPay::Rate(r) => {
                let rate = decimal(r);
                let s = amount.scale() + rate.scale();
                if s > super::expr::MAX_SCALE {
                    c.refuse(
                        crate::diagnostics::tools::SqlKind::TooManyDecimals { places: s, max: super::expr::MAX_SCALE },
                        span,
                    );
                }
                num(format!("{} * {}", amount.text, rate.text), s)
            }
            TierPay::Fixed(a) => decimal(a),
        }
    };
    let terms: Vec<(String, Sql)> = match table.mode {
        TierMode::Flat => table
            .brackets
            .iter()
            .rev()
            .map(|bracket| (at_least(base, bracket.from), pays(c, bracket.pays, base)))
            .collect(),
        TierMode::Marginal => {
            let mut out = Vec::new();
            for (i, bracket) in table.brackets.iter().enumerate() {
                let from = decimal(bracket.from);
                let top = match table.brackets.get(i + 1) {
                    Some(next) => {
                        let (next, b) = same_scale(&decimal(next.from), base);
                        num(format!("CASE WHEN {n} < {b} THEN {n} ELSE {b} END", n = next.text, b = b.text), b.scale())
                    }
                    None => base.clone(),
                };
                let (top, from) = same_scale(&top, &from);
                let amount = num(format!("{} - {}", top.text, from.text), top.scale());
                out.push((at_least(base, bracket.from), pays(c, bracket.pays, &amount)));
            }
            out
        }
    };
    let s = max_scale(terms.iter().map(|(_, t)| t));
    let zero = num("0", s);
    let text = match table.mode {
        TierMode::Flat => {
            let mut text = format!("CASE WHEN {b} IS NULL THEN {}", c.null(zero.ty).text);
            for (condition, pay) in &terms {
                text.push_str(&format!(" WHEN {condition} THEN {}", widen(pay, s).text));
            }
            text.push_str(&format!(" ELSE {} END", zero.text));
            text
        }
        TierMode::Marginal => {
            let sum = terms
                .iter()
                .map(|(condition, pay)| {
                    format!("CASE WHEN {condition} THEN {} ELSE {} END", widen(pay, s).text, zero.text)
                })
                .collect::<Vec<_>>();
            let sum = if sum.is_empty() { zero.text.clone() } else { sum.join(" + ") };
            format!("CASE WHEN {b} IS NULL THEN {} ELSE {sum} END", c.null(zero.ty).text)
        }
    };
    num(text, s)
}

/// `base >= from`, both at one scale.
fn at_least(base: &Sql, from: rust_decimal::Decimal) -> String {
    let (b, f) = same_scale(base, &decimal(from));
    format!("{} >= {}", b.text, f.text)
}
