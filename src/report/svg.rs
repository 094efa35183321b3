//! Small inline SVG charts for the HTML reports. Geometry is computed in decimals and
//! rounded to whole pixels; labels are printed from the decimals themselves.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::money::format_grouped;

/// Escapes text for XML/HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn px(value: Decimal, max: Decimal, span: i64) -> i64 {
    if max <= Decimal::ZERO {
        return 0;
    }
    (value.max(Decimal::ZERO) * Decimal::from(span) / max).round().to_i64().unwrap_or(0)
}

/// A vertical bar chart: one bar per (label, value), the value printed above each bar.
pub fn bars(items: &[(String, Decimal)], scale: u32, highlight_last: bool) -> String {
    let (width, height, top, bottom) = (480i64, 200i64, 24i64, 30i64);
    let plot = height - top - bottom;
    let max = items.iter().map(|(_, v)| *v).max().unwrap_or(Decimal::ZERO);
    let n = i64::try_from(items.len().max(1)).unwrap_or(1);
    let slot = width / n;
    let bar = (slot * 6 / 10).max(4);
    let mut out = format!(
        "<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"13\">\
         <line x1=\"0\" y1=\"{}\" x2=\"{width}\" y2=\"{}\" stroke=\"#999\"/>",
        height - bottom,
        height - bottom
    );
    for (i, (label, value)) in items.iter().enumerate() {
        let i = i64::try_from(i).unwrap_or(0);
        let h = px(*value, max, plot);
        let x = i * slot + (slot - bar) / 2;
        let y = height - bottom - h;
        let last = highlight_last && i == n - 1;
        let fill = if last { "#c0392b" } else { "#2e6da4" };
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{h}\" fill=\"{fill}\"><title>{}: {}</title></rect>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            escape(label),
            format_grouped(*value, scale),
            x + bar / 2,
            (y - 6).max(10),
            format_grouped(value.round(), 0),
            x + bar / 2,
            height - bottom + 16,
            escape(label)
        ));
    }
    out.push_str("</svg>");
    out
}

/// A histogram of values in `bins` equal-width bins, with counts above the bars.
pub fn histogram(values: &[Decimal], bins: usize) -> String {
    let (Some(lo), Some(hi)) = (values.iter().min().copied(), values.iter().max().copied()) else {
        return String::new();
    };
    let bins = bins.max(1);
    let width = if hi > lo { (hi - lo) / Decimal::from(bins) } else { Decimal::ONE };
    let mut counts = vec![0usize; bins];
    for v in values {
        let index = ((*v - lo) / width).floor().to_usize().unwrap_or(0).min(bins - 1);
        if let Some(c) = counts.get_mut(index) {
            *c += 1;
        }
    }
    let items: Vec<(String, Decimal)> = counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let from = lo + width * Decimal::from(i);
            (format!("≥{}", format_grouped(crate::money::round_display(from, 0), 0)), Decimal::from(*c))
        })
        .collect();
    bars(&items, 0, false)
}
