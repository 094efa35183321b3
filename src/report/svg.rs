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

/// A bin width that reads well: 1, 2, 2.5 or 5 times a power of ten, the smallest of those
/// that covers `span` in at most `target` bins ("nice numbers", as chart axes use).
pub fn nice_width(span: Decimal, target: usize) -> Decimal {
    let raw = span.checked_div(Decimal::from(target.max(1))).unwrap_or(Decimal::ONE);
    if raw <= Decimal::ZERO {
        return Decimal::ONE;
    }
    let ten = Decimal::TEN;
    // The power of ten at or below `raw` (a decimal holds 10^-28 to 10^28: the loops end).
    let mut power = Decimal::ONE;
    while power > raw && power.scale() < 28 {
        power /= ten;
    }
    while let Some(up) = power.checked_mul(ten).filter(|up| *up <= raw) {
        power = up;
    }
    [Decimal::ONE, Decimal::TWO, Decimal::new(25, 1), Decimal::from(5), ten]
        .into_iter()
        .filter_map(|m| power.checked_mul(m))
        .find(|w| *w >= raw)
        .unwrap_or(raw)
        .normalize()
}

/// The bins of a histogram over `values`: half-open `[from, from + width)` with a nice width
/// and edges on multiples of it, about `target` of them. Returns the first edge, the width
/// and the count in each bin.
/// `None` (no histogram) when the figures are too far apart to hold their span or the edges
/// (near the largest decimal there is), so that no figure can make the report fail.
pub fn bins(values: &[Decimal], target: usize) -> Option<(Decimal, Decimal, Vec<usize>)> {
    let lo = values.iter().min().copied()?;
    let hi = values.iter().max().copied()?;
    let width = nice_width(hi.checked_sub(lo)?, target);
    let start = lo.checked_div(width)?.floor().checked_mul(width)?;
    let index = |v: Decimal| v.checked_sub(start)?.checked_div(width)?.floor().to_usize();
    // The last edge must be a number too.
    let last = index(hi)?;
    start.checked_add(width.checked_mul(Decimal::from(last + 1))?)?;
    let mut counts = vec![0usize; last + 1];
    for v in values {
        if let Some(c) = index(*v).and_then(|i| counts.get_mut(i)) {
            *c += 1;
        }
    }
    Some((start, width, counts))
}

/// A histogram of values in bins of a nice width (0, 500, 1,000 ...), the edges labelled under
/// the axis and the count above each bar.
pub fn histogram(values: &[Decimal], target: usize) -> String {
    let Some((start, step, counts)) = bins(values, target) else { return String::new() };
    let scale = step.scale();
    let (width, height, top, bottom) = (480i64, 200i64, 24i64, 34i64);
    let (left, right) = (24i64, 24i64);
    let plot = height - top - bottom;
    let n = i64::try_from(counts.len().max(1)).unwrap_or(1);
    let slot = (width - left - right) / n;
    let max = Decimal::from(counts.iter().copied().max().unwrap_or(0));
    // Every edge is at most the last one, which `bins` has checked can be formed.
    let edge = |i: i64| {
        let at = step.checked_mul(Decimal::from(i)).and_then(|d| start.checked_add(d)).unwrap_or(start);
        format_grouped(at, scale)
    };
    let mut out = format!(
        "<svg class=\"histogram\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"12\">\
         <line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/>",
        height - bottom,
        left + slot * n,
        height - bottom
    );
    for (i, count) in counts.iter().enumerate() {
        let i = i64::try_from(i).unwrap_or(0);
        let h = px(Decimal::from(*count), max, plot);
        let x = left + i * slot;
        let y = height - bottom - h;
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{h}\" fill=\"#2e6da4\"><title>{} – {}: {count}</title></rect>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{count}</text>",
            x + 1,
            (slot - 2).max(1),
            edge(i),
            edge(i + 1),
            x + slot / 2,
            (y - 6).max(10),
        ));
    }
    for i in 0..=n {
        let x = left + i * slot;
        // Every edge when there is room, else every other one (and the last).
        if slot >= 56 || i % 2 == 0 || i == n {
            out.push_str(&format!(
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#999\"/>\
                 <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
                height - bottom,
                height - bottom + 5,
                height - bottom + 18,
                edge(i)
            ));
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// Widths by hand: a span of 40,500 over 6 bins needs 6,750 each; the nice numbers
    /// around it are 5,000 (too small) and 10,000. 2,951 / 6 = 491.8 -> 500. 12 / 6 = 2 -> 2.
    /// 0.9 / 6 = 0.15 -> 0.2. 1,300 / 6 = 216.7 -> 250 (2.5 x 100).
    #[test]
    fn nice_widths() {
        assert_eq!(nice_width(dec!(40500), 6), dec!(10000));
        assert_eq!(nice_width(dec!(2951), 6), dec!(500));
        assert_eq!(nice_width(dec!(12), 6), dec!(2));
        assert_eq!(nice_width(dec!(0.9), 6), dec!(0.2));
        assert_eq!(nice_width(dec!(1300), 6), dec!(250));
        assert_eq!(nice_width(Decimal::ZERO, 6), Decimal::ONE);
    }

    /// 0.00, 1,000.03, 3,030.00 and 40,500.00 over a width of 10,000 (span 40,500 / 6):
    /// bins from 0: [0, 10,000) holds three, [10,000, 20,000) to [30,000, 40,000) none and
    /// [40,000, 50,000) one. Negative values start the edges below zero: -150 and 320 span
    /// 470 / 6 = 78.3 -> 100, from -200: [-200,-100) one, ..., [300, 400) one.
    #[test]
    fn bins_start_on_a_multiple_of_the_width() {
        let (start, width, counts) = bins(&[dec!(0), dec!(1000.03), dec!(3030), dec!(40500)], 6).unwrap();
        assert_eq!((start, width, counts), (dec!(0), dec!(10000), vec![3, 0, 0, 0, 1]));
        let (start, width, counts) = bins(&[dec!(-150), dec!(320)], 6).unwrap();
        assert_eq!((start, width, counts), (dec!(-200), dec!(100), vec![1, 0, 0, 0, 0, 1]));
        // The span from the smallest decimal to the largest cannot be held: no histogram.
        assert_eq!(bins(&[Decimal::MIN, Decimal::MAX], 6), None);
        assert_eq!(histogram(&[Decimal::MIN, Decimal::MAX], 6), "");
    }
}
