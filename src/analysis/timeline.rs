//! The timeline at any span: days, ISO weeks or months, chosen by the span
//! of the data or by hand; days without reports stay gaps, never zeros.

use super::aggregate::{DayRow, Totals};
use crate::report::datetime::{civil_from_days, days_from_civil, Day};

/// How many days one bar of the timeline covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    /// One UTC day.
    Day,
    /// One ISO week (Monday to Sunday).
    Week,
    /// One calendar month.
    Month,
}

impl Granularity {
    /// The `data-granularity` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Day => "day",
            Granularity::Week => "week",
            Granularity::Month => "month",
        }
    }

    /// Reads a control value; `auto` (or anything else) is `None`.
    pub fn parse(s: &str) -> Option<Granularity> {
        match s {
            "day" => Some(Granularity::Day),
            "week" => Some(Granularity::Week),
            "month" => Some(Granularity::Month),
            _ => None,
        }
    }

    /// What fits a span: days up to 120 days, weeks up to about two years, months beyond.
    pub fn auto(first: Day, last: Day) -> Granularity {
        match last.0 - first.0 + 1 {
            span if span <= 120 => Granularity::Day,
            span if span <= 740 => Granularity::Week,
            _ => Granularity::Month,
        }
    }

    /// The first day of the bucket holding `day`.
    fn start(self, day: Day) -> Day {
        match self {
            Granularity::Day => day,
            // 1970-01-01 was a Thursday: Monday is three days earlier.
            Granularity::Week => Day((day.0 + 3).div_euclid(7) * 7 - 3),
            Granularity::Month => {
                let (y, m, _) = civil_from_days(day.0);
                Day(days_from_civil(y, m, 1))
            }
        }
    }

    /// The first day of the bucket after the one starting at `start`.
    fn next(self, start: Day) -> Day {
        match self {
            Granularity::Day => Day(start.0 + 1),
            Granularity::Week => Day(start.0 + 7),
            Granularity::Month => {
                let (y, m, _) = civil_from_days(start.0);
                let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                Day(days_from_civil(y, m, 1))
            }
        }
    }
}

/// One bar of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// First UTC day covered.
    pub from: Day,
    /// Last UTC day covered.
    pub to: Day,
    /// Sessions of the reports starting in it.
    pub totals: Totals,
    /// Whether any report starts in it.
    pub has_data: bool,
}

/// The timeline's days grouped into buckets, in order, gaps included.
pub fn buckets(days: &[DayRow], g: Granularity) -> Vec<Bucket> {
    let mut out: Vec<Bucket> = Vec::new();
    for d in days {
        let from = g.start(d.day);
        if out.last().is_none_or(|b| b.from != from) {
            out.push(Bucket { from, to: Day(g.next(from).0 - 1), totals: Totals::default(), has_data: false });
        }
        if let Some(b) = out.last_mut() {
            b.totals.successful += d.totals.successful;
            b.totals.failed += d.totals.failed;
            b.has_data |= d.has_data;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::of(crate::report::datetime::parse_timestamp(s).expect("date").0)
    }

    fn rows(from: &str, n: i64) -> Vec<DayRow> {
        let f = day(from);
        (0..n)
            .map(|i| DayRow {
                day: Day(f.0 + i),
                totals: Totals { successful: 1, failed: u128::from(i % 2 == 0) },
                has_data: i % 3 != 1,
            })
            .collect()
    }

    #[test]
    fn granularity_fits_the_span() {
        assert_eq!(Granularity::auto(day("2026-01-01"), day("2026-04-30")), Granularity::Day);
        assert_eq!(Granularity::auto(day("2026-01-01"), day("2027-06-30")), Granularity::Week);
        assert_eq!(Granularity::auto(day("2016-01-01"), day("2026-06-30")), Granularity::Month);
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        // 2026-01-01 is a Thursday.
        let w = buckets(&rows("2026-01-01", 12), Granularity::Week);
        assert_eq!(
            w.iter().map(|b| (b.from.to_string(), b.to.to_string())).collect::<Vec<_>>(),
            [
                ("2025-12-29".to_owned(), "2026-01-04".to_owned()),
                ("2026-01-05".to_owned(), "2026-01-11".to_owned()),
                ("2026-01-12".to_owned(), "2026-01-18".to_owned()),
            ]
        );
        assert_eq!(w.iter().map(|b| b.totals.successful).sum::<u128>(), 12, "every day lands in one bucket");
        let m = buckets(&rows("2026-01-20", 50), Granularity::Month);
        assert_eq!(
            m.iter().map(|b| b.from.to_string()).collect::<Vec<_>>(),
            ["2026-01-01", "2026-02-01", "2026-03-01"]
        );
        assert_eq!(m[1].to.to_string(), "2026-02-28");
        assert_eq!(m.iter().map(|b| b.totals.failed).sum::<u128>(), 25);
    }

    #[test]
    fn days_without_reports_are_gaps() {
        let d = buckets(&rows("2026-01-01", 3), Granularity::Day);
        assert_eq!(d.iter().map(|b| b.has_data).collect::<Vec<_>>(), [true, false, true]);
    }
}
