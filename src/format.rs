//! Number formatting for people: thousands separators, percentages, sizes.

use std::fmt;

/// `x` written with `decimals` digits after the point (at most 9), rounded
/// as `format!("{x:.N}")` rounds: on the exact binary value, half to even.
///
/// Written by hand so that the standard library's float formatting (Grisu
/// and Dragon4 with their tables, ~13 KB of the page's module) is not
/// compiled in: the page only ever prints fixed decimals. Magnitudes beyond
/// 2^128 (no count or share comes near) print as that bound.
pub struct Fixed(pub f64, pub u8);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Fixed(x, decimals) = *self;
        if x.is_nan() {
            return f.write_str("NaN");
        }
        if x.is_sign_negative() {
            f.write_str("-")?;
        }
        if x.is_infinite() {
            return f.write_str("inf");
        }
        let d = u32::from(decimals.min(9));
        let scale = 10u128.pow(d);
        let scaled = scaled_round_half_even(x.abs(), scale);
        let (int, frac) = (scaled / scale, scaled % scale);
        if d == 0 {
            write!(f, "{int}")
        } else {
            write!(f, "{int}.{frac:0width$}", width = d as usize)
        }
    }
}

/// `x * scale` rounded to an integer, half to even, computed exactly from
/// the float's bits (`x` = m · 2^e with m < 2^53, `scale` ≤ 10^9 < 2^30).
fn scaled_round_half_even(x: f64, scale: u128) -> u128 {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    let (m, e) = if exp == 0 { (frac, -1074) } else { (frac | 1 << 52, exp - 1075) };
    let p = u128::from(m) * scale; // < 2^83
    if e >= 0 {
        // An integer already; saturate rather than overflow.
        return if e >= 45 { u128::MAX } else { p << e };
    }
    let k = (-e) as u32;
    if k > 84 {
        return 0; // below a quarter: rounds to zero
    }
    let (q, r, half) = (p >> k, p & ((1u128 << k) - 1), 1u128 << (k - 1));
    if r > half || (r == half && q & 1 == 1) {
        q + 1
    } else {
        q
    }
}

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
        let t = Fixed(p, 2).to_string();
        if t == "100.00" {
            ">99.99 %".to_owned()
        } else {
            format!("{t} %")
        }
    } else if p < 1.0 {
        let t = Fixed(p, 2).to_string();
        if t == "0.00" {
            "<0.01 %".to_owned()
        } else {
            format!("{t} %")
        }
    } else {
        format!("{} %", Fixed(p, 1))
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
        format!("about {} s left", Fixed(secs.ceil().max(1.0), 0))
    } else {
        format!("about {} min left", Fixed((secs / 60.0).ceil(), 0))
    })
}

/// A large count in a few characters: `1.2 M`, `34 k`, `950`.
pub fn compact(n: u128) -> String {
    match n {
        0..=9_999 => count(n),
        10_000..=999_999 => format!("{} k", Fixed(n as f64 / 1e3, 0)),
        1_000_000..=999_999_999 => format!("{} M", Fixed(n as f64 / 1e6, 1)),
        _ => format!("{} G", Fixed(n as f64 / 1e9, 1)),
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
    format!("{} {}", Fixed(v, 1), UNITS[unit])
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

    #[test]
    fn fixed_rounds_as_the_standard_library_does() {
        // Ties that are exact in binary go to even; others by their exact value.
        let cases = [
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            0.125,
            0.375,
            1.005,
            2.675,
            0.045,
            99.995,
            99.985,
            1e-300,
            5e-324,
            -0.04,
            123456.789,
            1e15 + 0.5,
            4503599627370497.0,
            0.1,
            0.7,
            33.333333333,
            66.666666666,
            9.999999999,
        ];
        for x in cases {
            for d in 0..=9u8 {
                assert_eq!(Fixed(x, d).to_string(), format!("{x:.*}", d as usize), "{x:e} to {d} decimals");
            }
        }
        // And over many shares of session counts, as the page computes them.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let (a, b) = (seed % 100_000, (seed >> 20) % 100_000 + 1);
            let x = a as f64 / b as f64 * 100.0;
            for d in [0u8, 1, 2, 6] {
                assert_eq!(Fixed(x, d).to_string(), format!("{x:.*}", d as usize), "{a}/{b} to {d} decimals");
            }
        }
        assert_eq!(Fixed(f64::NAN, 1).to_string(), "NaN");
        assert_eq!(Fixed(f64::NEG_INFINITY, 1).to_string(), "-inf");
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
