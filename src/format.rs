//! Number formatting for people: thousands separators, percentages, sizes.

/// `1234567` → `"1,234,567"`.
pub fn count(n: impl Into<u128>) -> String {
    let digits = n.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage with sensible precision: one decimal, two near
/// the ends (99.98 %, 0.02 %), and never a misleading 100 % or 0 % when the
/// share is not exactly that; `None` → `"–"`.
pub fn percent(share: Option<f64>) -> String {
    let Some(s) = share else { return "–".to_owned() };
    let p = s * 100.0;
    if p >= 100.0 {
        "100 %".to_owned()
    } else if p <= 0.0 {
        "0 %".to_owned()
    } else if p > 99.0 {
        let t = format!("{p:.2}");
        if t == "100.00" {
            ">99.99 %".to_owned()
        } else {
            format!("{t} %")
        }
    } else if p < 1.0 {
        let t = format!("{p:.2}");
        if t == "0.00" {
            "<0.01 %".to_owned()
        } else {
            format!("{t} %")
        }
    } else {
        format!("{p:.1} %")
    }
}

/// The time a load has left, from how long the part done took: `"about 40 s
/// left"`. `None` until there is enough to go by (a second, and some done).
pub fn time_left(elapsed_ms: f64, done: usize, total: usize) -> Option<String> {
    if done == 0 || done >= total || elapsed_ms < 1000.0 {
        return None;
    }
    let secs = elapsed_ms / done as f64 * (total - done) as f64 / 1000.0;
    Some(if secs < 60.0 {
        format!("about {} s left", secs.ceil().max(1.0))
    } else {
        format!("about {} min left", (secs / 60.0).ceil())
    })
}

/// A large count in a few characters: `1.2 M`, `34 k`, `950`.
pub fn compact(n: u128) -> String {
    match n {
        0..=9_999 => count(n),
        10_000..=999_999 => format!("{:.0} k", n as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.1} M", n as f64 / 1e6),
        _ => format!("{:.1} G", n as f64 / 1e9),
    }
}

/// A byte count as `12.3 MB` (decimal units).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1000.0;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_percentages() {
        assert_eq!(count(0u8), "0");
        assert_eq!(count(999u32), "999");
        assert_eq!(count(1000u32), "1,000");
        assert_eq!(count(1_234_567u64), "1,234,567");
        assert_eq!(percent(None), "–");
        assert_eq!(percent(Some(1.0)), "100 %");
        assert_eq!(percent(Some(0.9998)), "99.98 %");
        assert_eq!(percent(Some(0.999_999)), ">99.99 %");
        assert_eq!(percent(Some(0.000_001)), "<0.01 %");
        assert_eq!(percent(Some(0.0002)), "0.02 %");
        assert_eq!(percent(Some(0.5)), "50.0 %");
        assert_eq!(percent(Some(0.0)), "0 %");
        assert_eq!(compact(1_234_567), "1.2 M");
        assert_eq!(compact(950), "950");
        assert_eq!(time_left(2000.0, 10, 30), Some("about 4 s left".to_owned()));
        assert_eq!(time_left(60_000.0, 10, 30), Some("about 2 min left".to_owned()));
        assert_eq!(time_left(500.0, 10, 30), None);
        assert_eq!(time_left(5000.0, 0, 30), None);
        assert_eq!(bytes(1_500_000), "1.5 MB");
    }
}

/// Re-indents JSON text without parsing it, so key order and number spelling
/// stay exactly as sent. Input that is not JSON comes out re-indented as best
/// it can be; nothing is dropped.
pub fn pretty_json(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    let mut chars = raw.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // Keep empty containers on one line.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}') | Some(']')) {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod pretty_tests {
    use super::pretty_json;

    #[test]
    fn reindents_keeping_order_and_strings() {
        let raw = r#"{"z":1,"a":[ ],"s":"a, {b}: \"c\"","n":[1,2.50]}"#;
        assert_eq!(
            pretty_json(raw),
            "{\n  \"z\": 1,\n  \"a\": [],\n  \"s\": \"a, {b}: \\\"c\\\"\",\n  \"n\": [\n    1,\n    2.50\n  ]\n}"
        );
    }
}
