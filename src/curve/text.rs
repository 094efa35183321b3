//! A curve as an aligned table or as CSV, one row per sampled base.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::Curve;
use crate::money::{format_grouped, format_plain};

fn rate(r: Option<Decimal>, grouped: bool) -> String {
    match r {
        // Effective rates are shown to a hundredth of a percent.
        Some(r) => {
            let p = crate::money::round_display(r * Decimal::ONE_HUNDRED, 2);
            if grouped {
                format!("{}%", format_grouped(p, 2))
            } else {
                format!("{}%", format_plain(p, 2))
            }
        }
        None => "-".to_string(),
    }
}

fn note(curve: &Curve, i: usize) -> String {
    let Some(p) = curve.points.get(i) else { return String::new() };
    if let Some(j) = curve.jumps.iter().find(|j| j.at == p.base) {
        let diff = j.pay_at - j.pay_below;
        let word = if diff > Decimal::ZERO { "cliff" } else { "drop" };
        return format!(
            "{word}: {}{} from {}",
            if diff > Decimal::ZERO { "+" } else { "" },
            format_grouped(diff, curve.scale),
            format_grouped(j.below, curve.base_scale)
        );
    }
    if p.falls {
        return "falls".to_string();
    }
    String::new()
}

pub fn table(curve: &Curve, vs: Option<&Curve>) -> String {
    let mut out = String::new();
    let label = curve.label.as_deref().map(|l| format!(" ({l})")).unwrap_or_default();
    let _ = writeln!(out, "{}{label} in {}, by `{}` ({})", curve.component, curve.policy, curve.base, curve.currency);
    if let Some(v) = vs {
        let _ = writeln!(out, "vs {}", v.policy);
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header = vec!["base".to_string(), "payout".to_string(), "effective rate".to_string()];
    if vs.is_some() {
        header.extend(["vs payout".to_string(), "vs rate".to_string()]);
    }
    header.push("note".to_string());
    rows.push(header);
    for (i, p) in curve.points.iter().enumerate() {
        let mut row =
            vec![format_grouped(p.base, curve.base_scale), format_grouped(p.payout, curve.scale), rate(p.rate, true)];
        if let Some(v) = vs {
            match v.points.iter().find(|q| q.base == p.base) {
                Some(q) => row.extend([format_grouped(q.payout, v.scale), rate(q.rate, true)]),
                None => row.extend(["".to_string(), "".to_string()]),
            }
        }
        row.push(note(curve, i));
        rows.push(row);
    }
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let w = widths.get(c).copied().unwrap_or(0);
            if c + 1 == columns {
                line.push_str(cell);
            } else {
                // Figures right-aligned, two spaces between columns.
                let _ = write!(line, "{cell:>w$}  ");
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

pub fn csv(curve: &Curve, vs: Option<&Curve>) -> String {
    let mut out = String::from("base,payout,effective_rate");
    if vs.is_some() {
        out.push_str(",vs_payout,vs_effective_rate");
    }
    out.push_str(",note\n");
    for (i, p) in curve.points.iter().enumerate() {
        let _ = write!(
            out,
            "{},{},{}",
            format_plain(p.base, curve.base_scale),
            format_plain(p.payout, curve.scale),
            p.rate.map_or(String::new(), |r| format_plain(crate::money::round_display(r, 6), 6))
        );
        if let Some(v) = vs {
            match v.points.iter().find(|q| q.base == p.base) {
                Some(q) => {
                    let _ = write!(
                        out,
                        ",{},{}",
                        format_plain(q.payout, v.scale),
                        q.rate.map_or(String::new(), |r| format_plain(crate::money::round_display(r, 6), 6))
                    );
                }
                None => out.push_str(",,"),
            }
        }
        let n = note(curve, i);
        if n.is_empty() {
            out.push_str(",\n");
        } else {
            let _ = writeln!(out, ",\"{}\"", crate::report::csv::neutralise(&n).replace('"', "\"\""));
        }
    }
    out
}
