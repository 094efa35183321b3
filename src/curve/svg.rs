//! A curve as an SVG chart: payout against the base, the brackets shaded, cliffs and falling
//! segments marked in red, the effective rate on a second axis, and optionally a second
//! policy's curve for comparison. Coordinates are computed with decimals, like the figures.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::Curve;
use crate::money::format_grouped;

const WIDTH: i64 = 960;
const HEIGHT: i64 = 620;
const LEFT: i64 = 100;
const RIGHT: i64 = 80;
const TOP: i64 = 80;
const BOTTOM: i64 = 80;
const BLUE: &str = "#1f5fbf";
const ORANGE: &str = "#d9822b";
const RED: &str = "#c62828";

fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A "nice" tick step (1, 2 or 5 times a power of ten) giving about six ticks over `span`.
fn tick_step(span: Decimal) -> Decimal {
    if span <= Decimal::ZERO {
        return Decimal::ONE;
    }
    let rough = span / Decimal::from(6);
    let mut magnitude = Decimal::new(1, 6);
    // No cap on the magnitude: a capped step over a span of 10^20 drew 10^7 grid lines. The
    // span is at most 2 x 10^15 for payouts and bases, 10^8 for rates (`curve::MAX_VALUE`).
    while magnitude * Decimal::TEN <= rough {
        magnitude *= Decimal::TEN;
    }
    for m in [1, 2, 5, 10] {
        let step = magnitude * Decimal::from(m);
        if step >= rough {
            return step;
        }
    }
    magnitude * Decimal::TEN
}

/// Maps a value in [lo, hi] to a pixel in [a, b], to a tenth of a pixel.
fn scale(v: Decimal, lo: Decimal, hi: Decimal, a: i64, b: i64) -> Decimal {
    if hi == lo {
        return Decimal::from(a);
    }
    (Decimal::from(a) + (v - lo) / (hi - lo) * Decimal::from(b - a)).round_dp(1)
}

pub fn render(curve: &Curve, vs: Option<&Curve>) -> String {
    let (x0, x1) = match (curve.points.first(), curve.points.last()) {
        (Some(a), Some(b)) => (a.base, b.base),
        _ => (Decimal::ZERO, Decimal::ONE),
    };
    let all = curve.points.iter().chain(vs.into_iter().flat_map(|v| v.points.iter()));
    let (mut y0, mut y1) = (Decimal::ZERO, Decimal::ZERO);
    for p in all.clone() {
        y0 = y0.min(p.payout);
        y1 = y1.max(p.payout);
    }
    let ystep = tick_step(y1 - y0);
    y1 = ((y1 / ystep).ceil() * ystep).max(ystep);
    y0 = (y0 / ystep).floor() * ystep;
    let mut r1 = Decimal::ZERO;
    for p in all {
        r1 = r1.max(p.rate.unwrap_or_default());
    }
    let rstep = tick_step(r1 * Decimal::ONE_HUNDRED) / Decimal::ONE_HUNDRED;
    let r1 = ((r1 / rstep).ceil() * rstep).max(rstep);
    let (px0, px1, py0, py1) = (LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP);
    let x = |v: Decimal| scale(v, x0, x1, px0, px1);
    let y = |v: Decimal| scale(v, y0, y1, py0, py1);
    let yr = |v: Decimal| scale(v, Decimal::ZERO, r1, py0, py1);

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif" font-size="13">"#
    );
    let _ = writeln!(s, r#"<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>"#);
    // Title.
    let label = curve.label.as_deref().map(|l| format!(" {l}")).unwrap_or_default();
    let _ = writeln!(
        s,
        r#"<text x="{LEFT}" y="30" font-size="18" font-weight="bold">{}{} — payout by {}</text>"#,
        esc(&curve.component),
        esc(&label),
        esc(&curve.base)
    );
    let subtitle = match vs {
        Some(v) => format!("{} (blue) vs {} (orange)", curve.policy, v.policy),
        None => curve.policy.clone(),
    };
    let _ = writeln!(s, r##"<text x="{LEFT}" y="52" fill="#555">{}</text>"##, esc(&subtitle));

    // Brackets, shaded alternately, each labelled with its lower bound.
    let mut edges = vec![x0];
    edges.extend(curve.bounds.iter().copied());
    edges.push(x1);
    for (i, pair) in edges.windows(2).enumerate() {
        let (Some(a), Some(b)) = (pair.first(), pair.get(1)) else { continue };
        let fill = if i % 2 == 0 { "#eef3fb" } else { "#f8fafd" };
        let _ = writeln!(
            s,
            r#"<rect x="{}" y="{py1}" width="{}" height="{}" fill="{fill}"/>"#,
            x(*a),
            x(*b) - x(*a),
            py0 - py1
        );
        if i > 0 {
            let _ = writeln!(
                s,
                r##"<text x="{}" y="{}" fill="#4a6a9a" font-size="12">from {}</text>"##,
                x(*a) + Decimal::from(4),
                py1 + 16,
                format_grouped(*a, curve.base_scale)
            );
        }
    }

    // Grid and axes.
    let mut t = y0;
    while t <= y1 {
        let _ = writeln!(s, r##"<line x1="{px0}" x2="{px1}" y1="{0}" y2="{0}" stroke="#dde3ea"/>"##, y(t));
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            px0 - 8,
            y(t) + Decimal::from(4),
            format_grouped(t, 0)
        );
        t += ystep;
    }
    let xstep = tick_step(x1 - x0);
    let mut t = (x0 / xstep).ceil() * xstep;
    while t <= x1 {
        let _ = writeln!(s, r##"<line x1="{0}" x2="{0}" y1="{py0}" y2="{1}" stroke="#333"/>"##, x(t), py0 + 5);
        let _ =
            writeln!(s, r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#, x(t), py0 + 22, format_grouped(t, 0));
        t += xstep;
    }
    let mut t = Decimal::ZERO;
    while t <= r1 {
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" fill="#2e7d32">{}%</text>"##,
            px1 + 8,
            yr(t) + Decimal::from(4),
            (t * Decimal::ONE_HUNDRED).normalize()
        );
        t += rstep;
    }
    let _ = writeln!(s, r##"<line x1="{px0}" x2="{px1}" y1="{py0}" y2="{py0}" stroke="#333"/>"##);
    let _ = writeln!(s, r##"<line x1="{px0}" x2="{px0}" y1="{py0}" y2="{py1}" stroke="#333"/>"##);
    let _ = writeln!(s, r##"<line x1="{px1}" x2="{px1}" y1="{py0}" y2="{py1}" stroke="#2e7d32"/>"##);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">{} ({})</text>"#,
        (px0 + px1) / 2,
        HEIGHT - 30,
        esc(&curve.base),
        esc(&curve.currency)
    );
    let _ = writeln!(
        s,
        r#"<text transform="translate(28 {}) rotate(-90)" text-anchor="middle">payout ({})</text>"#,
        (py0 + py1) / 2,
        esc(&curve.currency)
    );
    let _ = writeln!(
        s,
        r##"<text transform="translate({} {}) rotate(90)" text-anchor="middle" fill="#2e7d32">effective rate</text>"##,
        WIDTH - 22,
        (py0 + py1) / 2
    );

    // Effective rate (thin, green), then the curves.
    let rate_points: Vec<String> =
        curve.points.iter().filter_map(|p| p.rate.map(|r| format!("{},{}", x(p.base), yr(r)))).collect();
    let _ = writeln!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#2e7d32" stroke-width="1" stroke-opacity="0.7"/>"##,
        rate_points.join(" ")
    );
    if let Some(v) = vs {
        let pts: Vec<String> = v.points.iter().map(|p| format!("{},{}", x(p.base), y(p.payout))).collect();
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{ORANGE}" stroke-width="2.5" stroke-dasharray="7 4"/>"#,
            pts.join(" ")
        );
    }
    let pts: Vec<String> = curve.points.iter().map(|p| format!("{},{}", x(p.base), y(p.payout))).collect();
    let _ = writeln!(s, r#"<polyline points="{}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>"#, pts.join(" "));

    // Falling segments and cliffs, in red.
    for pair in curve.points.windows(2) {
        if let (Some(a), Some(b)) = (pair.first(), pair.get(1)) {
            if b.falls {
                let _ = writeln!(
                    s,
                    r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{RED}" stroke-width="4"/>"#,
                    x(a.base),
                    y(a.payout),
                    x(b.base),
                    y(b.payout)
                );
            }
        }
    }
    for j in &curve.jumps {
        let diff = j.pay_at - j.pay_below;
        let _ = writeln!(
            s,
            r#"<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{RED}" stroke-width="3"/>"#,
            x(j.at),
            y(j.pay_below),
            y(j.pay_at)
        );
        let _ = writeln!(s, r#"<circle cx="{}" cy="{}" r="4" fill="{RED}"/>"#, x(j.at), y(j.pay_at));
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" fill="{RED}" font-weight="bold">{} {}{}</text>"#,
            x(j.at) + Decimal::from(6),
            (y(j.pay_below) + y(j.pay_at)) / Decimal::TWO,
            if diff > Decimal::ZERO { "cliff" } else { "drop" },
            if diff > Decimal::ZERO { "+" } else { "" },
            format_grouped(diff, curve.scale)
        );
    }

    // Legend.
    let lx = px0 + 16;
    let mut ly = py1 + 36;
    let mut legend = |s: &mut String, color: &str, dash: &str, text: &str| {
        let _ = writeln!(
            s,
            r#"<line x1="{lx}" x2="{}" y1="{ly}" y2="{ly}" stroke="{color}" stroke-width="2.5" stroke-dasharray="{dash}"/>"#,
            lx + 28
        );
        let _ = writeln!(s, r#"<text x="{}" y="{}">{}</text>"#, lx + 36, ly + 4, esc(text));
        ly += 20;
    };
    legend(&mut s, BLUE, "none", &format!("payout, {}", curve.policy));
    if let Some(v) = vs {
        legend(&mut s, ORANGE, "7 4", &format!("payout, {}", v.policy));
    }
    legend(&mut s, "#2e7d32", "none", "effective rate (right axis)");
    if !curve.jumps.is_empty() || curve.points.iter().any(|p| p.falls) {
        legend(&mut s, RED, "none", "cliff or falling segment");
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn nice_ticks() {
        assert_eq!(tick_step(dec!(500000)), dec!(100000));
        assert_eq!(tick_step(dec!(40000)), dec!(10000));
        assert_eq!(tick_step(dec!(0.08)), dec!(0.02));
    }
}
