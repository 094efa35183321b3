//! Calendar periods: months (`2026-03`), quarters (`2026-Q1`) and years (`2026`).
//!
//! Statements are monthly; a component's cadence picks the period containing the statement's
//! month, and the component pays in that period's last month. Ledger rows fall into a
//! *bucket*, the finest period their period column can name (a date falls into its month).
//!
//! A leaf: uses only `lang` (cadences).

use std::fmt;

use serde::Serialize;

use crate::lang::Cadence;

/// The periods a period splits into: at most a year's twelve months, kept in place.
pub type Periods = smallvec::SmallVec<[Period; 12]>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Year { year: i32 },
}

/// How fine a period is; `Month` is the finest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Granularity {
    Month,
    Quarter,
    Year,
}

impl From<Cadence> for Granularity {
    fn from(c: Cadence) -> Self {
        match c {
            Cadence::Monthly => Granularity::Month,
            Cadence::Quarterly => Granularity::Quarter,
            Cadence::Yearly => Granularity::Year,
        }
    }
}

impl Period {
    pub fn month(year: i32, month: u32) -> Period {
        Period::Month { year, month }
    }

    pub fn year(self) -> i32 {
        match self {
            Period::Month { year, .. } | Period::Quarter { year, .. } | Period::Year { year } => year,
        }
    }

    /// Its place among the periods of its granularity (consecutive months, quarters or years
    /// are consecutive numbers).
    pub fn ordinal(self) -> i64 {
        match self {
            Period::Month { year, month } => i64::from(year) * 12 + i64::from(month) - 1,
            Period::Quarter { year, quarter } => i64::from(year) * 4 + i64::from(quarter) - 1,
            Period::Year { year } => i64::from(year),
        }
    }

    pub fn granularity(self) -> Granularity {
        match self {
            Period::Month { .. } => Granularity::Month,
            Period::Quarter { .. } => Granularity::Quarter,
            Period::Year { .. } => Granularity::Year,
        }
    }

    /// First and last month, as (year, month) pairs.
    pub fn first_month(self) -> Period {
        match self {
            Period::Month { .. } => self,
            Period::Quarter { year, quarter } => Period::month(year, quarter * 3 - 2),
            Period::Year { year } => Period::month(year, 1),
        }
    }

    pub fn last_month(self) -> Period {
        match self {
            Period::Month { .. } => self,
            Period::Quarter { year, quarter } => Period::month(year, quarter * 3),
            Period::Year { year } => Period::month(year, 12),
        }
    }

    /// The period of the given granularity that contains this one, if it is not finer.
    pub fn coarsen(self, to: Granularity) -> Option<Period> {
        if to < self.granularity() {
            return None;
        }
        let (year, month) = match self.first_month() {
            Period::Month { year, month } => (year, month),
            _ => return None,
        };
        Some(match to {
            Granularity::Month => Period::Month { year, month },
            Granularity::Quarter => Period::Quarter { year, quarter: (month - 1) / 3 + 1 },
            Granularity::Year => Period::Year { year },
        })
    }

    pub fn contains(self, other: Period) -> bool {
        other.coarsen(self.granularity()) == Some(self)
    }

    /// The periods of a finer (or equal) granularity that make up this one, in order.
    pub fn split(self, into: Granularity) -> Periods {
        let mut out = Periods::new();
        if into > self.granularity() {
            return out;
        }
        let mut month = self.first_month();
        let last = self.last_month();
        while month <= last {
            if let Some(p) = month.coarsen(into) {
                if out.last() != Some(&p) {
                    out.push(p);
                }
            }
            month = month.next_month();
        }
        out
    }

    /// The first day of the period.
    pub fn first_day(self) -> Option<chrono::NaiveDate> {
        match self.first_month() {
            Period::Month { year, month } => chrono::NaiveDate::from_ymd_opt(year, month, 1),
            _ => None,
        }
    }

    /// The last day of the period.
    pub fn last_day(self) -> Option<chrono::NaiveDate> {
        match self.last_month().next_month() {
            Period::Month { year, month } => chrono::NaiveDate::from_ymd_opt(year, month, 1)?.pred_opt(),
            _ => None,
        }
    }

    /// The month after this period's first month: on a month, the next month.
    pub fn next_month(self) -> Period {
        match self.first_month() {
            Period::Month { year, month: 12 } => Period::month(year + 1, 1),
            Period::Month { year, month } => Period::month(year, month + 1),
            other => other,
        }
    }

    /// Months from `from` to `to` inclusive.
    pub fn months_between(from: Period, to: Period) -> Vec<Period> {
        let mut out = Vec::new();
        let (mut m, last) = (from.first_month(), to.last_month());
        while m <= last {
            out.push(m);
            m = m.next_month();
        }
        out
    }

    /// Parses `2026-03`, `2026-Q1` or `2026`.
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        if let Some((y, rest)) = text.split_once('-') {
            let year = parse_year(y)?;
            if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
                let quarter: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
                return (q.len() == 1).then_some(Period::Quarter { year, quarter });
            }
            let month: u32 = rest.parse().ok().filter(|m| (1..=12).contains(m))?;
            return (rest.len() == 2).then_some(Period::Month { year, month });
        }
        parse_year(text).map(|year| Period::Year { year })
    }
}

fn parse_year(text: &str) -> Option<i32> {
    if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A year of four digits and a month or quarter of at most two, written from their
        // digits (a report writes a statement's period on every line); any other by `write!`.
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let (year, tail, len) = match *self {
            Period::Month { year, month } if month < 100 => (year, [b'-', digit(month / 10), digit(month)], 7),
            Period::Quarter { year, quarter } if quarter < 10 => (year, [b'-', b'Q', digit(quarter)], 7),
            Period::Year { year } => (year, [0; 3], 4),
            _ => (-1, [0; 3], 0),
        };
        if let Ok(y @ 0..=9999) = u32::try_from(year) {
            let [a, b, c] = tail;
            let text = [digit(y / 1000), digit(y / 100), digit(y / 10), digit(y), a, b, c];
            if let Some(shown) = text.get(..len).and_then(|t| std::str::from_utf8(t).ok()) {
                return f.write_str(shown);
            }
        }
        match self {
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Period::Year { year } => write!(f, "{year:04}"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        for text in ["2026-03", "2026-Q1", "2026", "1999-12", "2026-Q4"] {
            assert_eq!(Period::parse(text).unwrap().to_string(), text);
        }
        for bad in ["2026-13", "2026-00", "2026-Q5", "26-01", "2026-1", "2026-Q", "x"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        /// A period written from its digits reads as `write!` with the same widths writes
        /// it, for years and months in and out of the digits' reach.
        #[test]
        fn periods_are_written_as_their_format_writes_them(year in -20i32..12_000, part in 0u32..130) {
            proptest::prop_assert_eq!(Period::Month { year, month: part }.to_string(), format!("{year:04}-{part:02}"));
            proptest::prop_assert_eq!(Period::Quarter { year, quarter: part }.to_string(), format!("{year:04}-Q{part}"));
            proptest::prop_assert_eq!(Period::Year { year }.to_string(), format!("{year:04}"));
        }
    }

    #[test]
    fn quarters_and_years_contain_their_months() {
        let q1 = Period::parse("2026-Q1").unwrap();
        assert!(q1.contains(Period::month(2026, 3)));
        assert!(!q1.contains(Period::month(2026, 4)));
        assert_eq!(q1.last_month(), Period::month(2026, 3));
        assert_eq!(Period::month(2026, 11).coarsen(Granularity::Quarter), Period::parse("2026-Q4"));
        assert_eq!(Period::Year { year: 2026 }.split(Granularity::Quarter).len(), 4);
        assert_eq!(
            q1.split(Granularity::Month).to_vec(),
            vec![Period::month(2026, 1), Period::month(2026, 2), Period::month(2026, 3)]
        );
        assert_eq!(Period::month(2026, 12).next_month(), Period::month(2027, 1));
        assert_eq!(Period::months_between(Period::month(2025, 11), Period::month(2026, 2)).len(), 4);
    }
}
