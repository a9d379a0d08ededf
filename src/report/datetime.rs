//! Timestamps in TLS-RPT reports.
//!
//! RFC 8460 asks for RFC 3339 `date-time` values, but real reporters deviate:
//! Microsoft has sent `2023-01-10T00:00:00` with no zone designator, and some
//! tools write a bare date. Those are read as UTC and the caller is told, so it
//! can attach a warning instead of rejecting the report.

use std::fmt;

/// Seconds since the Unix epoch, UTC.
pub type UnixSeconds = i64;

/// Seconds in a day; the timeline buckets by UTC day.
pub const DAY: i64 = 86_400;

/// How a timestamp deviated from RFC 3339 while still being readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leniency {
    /// Exactly RFC 3339.
    Strict,
    /// A date and time without `Z` or an offset; read as UTC.
    NoZone,
    /// Only a date; read as midnight UTC.
    DateOnly,
}

/// Parses an RFC 3339 timestamp, leniently. Returns the instant and how it deviated.
///
/// Accepts `T`, `t` or a space between date and time, optional fractional
/// seconds (dropped), `Z`/`z` or `±hh:mm`/`±hhmm` offsets, and no zone at all.
pub fn parse_timestamp(s: &str) -> Option<(UnixSeconds, Leniency)> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = digits(&b[0..4])? as i64;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if b.len() == 10 {
        return Some((days * DAY, Leniency::DateOnly));
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 19 || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let hour = digits(&b[11..13])? as i64;
    let minute = digits(&b[14..16])? as i64;
    let second = digits(&b[17..19])? as i64;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // 60 is a leap second: it belongs to the minute (and the day) it ends,
    // so 23:59:60 stays on its own day.
    let second = second.min(59);
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let (offset, leniency) = match rest {
        [] => (0, Leniency::NoZone),
        [b'Z' | b'z'] => (0, Leniency::Strict),
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (h, m) = match tail {
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => (digits(&[*h1, *h2])? as i64, digits(&[*m1, *m2])? as i64),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let off = h * 3600 + m * 60;
            (if *sign == b'-' { -off } else { off }, Leniency::Strict)
        }
        _ => return None,
    };
    Some((days * DAY + hour * 3600 + minute * 60 + second - offset, leniency))
}

fn digits(b: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date for a count of days since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// A UTC calendar day, as the timeline buckets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

impl Day {
    /// The UTC day that contains `t`.
    pub fn of(t: UnixSeconds) -> Day {
        Day(t.div_euclid(DAY))
    }
}

impl fmt::Display for Day {
    /// Formats as `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Formats an instant as RFC 3339 in UTC (`2024-02-22T00:00:00Z`).
pub fn format_utc(t: UnixSeconds) -> String {
    let day = Day::of(t);
    let secs = t - day.0 * DAY;
    format!("{day}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_forms() {
        assert_eq!(parse_timestamp("2016-04-01T00:00:00Z"), Some((1_459_468_800, Leniency::Strict)));
        assert_eq!(parse_timestamp("2016-04-01T02:00:00+02:00"), Some((1_459_468_800, Leniency::Strict)));
        assert_eq!(parse_timestamp("2016-03-31T19:00:00-0500"), Some((1_459_468_800, Leniency::Strict)));
        assert_eq!(parse_timestamp("2016-04-01t00:00:00.123z"), Some((1_459_468_800, Leniency::Strict)));
    }

    #[test]
    fn lenient_forms() {
        assert_eq!(parse_timestamp("2023-01-10T00:00:00"), Some((1_673_308_800, Leniency::NoZone)));
        assert_eq!(parse_timestamp("2023-01-10 00:00:00"), Some((1_673_308_800, Leniency::NoZone)));
        assert_eq!(parse_timestamp("2023-01-10"), Some((1_673_308_800, Leniency::DateOnly)));
    }

    #[test]
    fn nonsense_is_rejected() {
        for s in [
            "",
            "yesterday",
            "2023-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2023-01-10T25:00:00Z",
            "2023-01-10T00:00:00+",
            "2023-01-10T00:00:00Zjunk",
            "2023-01-10T00:00",
        ] {
            assert_eq!(parse_timestamp(s), None, "{s}");
        }
        assert!(parse_timestamp("2024-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn days_round_trip() {
        for z in [-800_000, -1, 0, 1, 19_000, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(Day::of(1_459_468_799).to_string(), "2016-03-31");
        assert_eq!(format_utc(1_459_468_800 + 3661), "2016-04-01T01:01:01Z");
    }
}
