//! Number formatting for people: thousands separators, percentages, sizes.

/// `1234567` → `"1,234,567"`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage with one decimal, never rounding to a misleading
/// 100.0 % or 0.0 % when the share is not exactly that; `None` → `"–"`.
pub fn percent(share: Option<f64>) -> String {
    let Some(s) = share else { return "–".to_owned() };
    let p = s * 100.0;
    if p > 99.9 && p < 100.0 {
        ">99.9 %".to_owned()
    } else if p > 0.0 && p < 0.1 {
        "<0.1 %".to_owned()
    } else {
        format!("{p:.1} %")
    }
}

pub use crate::ingest::gzip::human_bytes as bytes;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_percentages() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(percent(None), "–");
        assert_eq!(percent(Some(1.0)), "100.0 %");
        assert_eq!(percent(Some(0.9999)), ">99.9 %");
        assert_eq!(percent(Some(0.0001)), "<0.1 %");
        assert_eq!(percent(Some(0.5)), "50.0 %");
        assert_eq!(bytes(1_500_000), "1.5 MB");
    }
}
