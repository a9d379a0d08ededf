//! MTA-STS (RFC 8461): the `_mta-sts` TXT record (section 3.1) and the
//! policy file at `https://mta-sts.<domain>/.well-known/mta-sts.txt` (3.2).

use super::{unquote_txt, Findings, Kind, Verdict};

/// Longest `max_age` allowed: one year (RFC 8461 section 3.2).
pub const MAX_AGE_LIMIT: u64 = 31_557_600;

/// Whether `host` matches an `mx` pattern: exact, or `*.` covering exactly one
/// leftmost label (RFC 8461 section 4.1). Case and a trailing dot are ignored.
pub fn mx_matches(pattern: &str, host: &str) -> bool {
    // Compared in place: this runs for every failure detail against every pattern.
    let p = pattern.trim().trim_end_matches('.');
    let h = host.trim().trim_end_matches('.');
    match p.strip_prefix("*.") {
        Some(suffix) => {
            h.split_once('.').is_some_and(|(label, rest)| !label.is_empty() && rest.eq_ignore_ascii_case(suffix))
        }
        None => p.eq_ignore_ascii_case(h),
    }
}

fn is_domain(s: &str) -> bool {
    let s = s.trim_end_matches('.');
    s.contains('.')
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Validates an `_mta-sts` TXT record (`v=STSv1; id=…;`).
pub fn check_sts_record(text: &str) -> Verdict {
    let mut r = Findings::default();
    let records: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(unquote_txt).collect();
    if records.iter().filter(|x| x.to_ascii_lowercase().starts_with("v=sts")).count() > 1 {
        r.error(
            None,
            "more than one MTA-STS TXT record: senders then treat the domain as having none. Publish exactly one.",
        );
    }
    let record = records.first().cloned().unwrap_or_default();
    let fields: Vec<&str> = record.split(';').map(|f| f.trim_matches([' ', '\t'])).collect();
    match fields.first() {
        Some(&"v=STSv1") => r.fact("version", "STSv1"),
        Some(v) if v.eq_ignore_ascii_case("v=STSv1") => {
            r.error(None, format!("\"{v}\" must be written exactly \"v=STSv1\""))
        }
        _ => r.error(None, "the record must start with \"v=STSv1\""),
    }
    let mut id_seen = false;
    for (i, f) in fields.iter().enumerate().skip(1) {
        if f.is_empty() {
            if i + 1 != fields.len() {
                r.warn(None, "an empty field (\";;\")");
            }
            continue;
        }
        match f.split_once('=') {
            Some(("id", id)) => {
                id_seen = true;
                if id.is_empty() || id.len() > 32 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    r.error(
                        None,
                        format!("id \"{id}\" must be 1 to 32 letters and digits (no dashes, dots or colons)"),
                    );
                } else {
                    r.fact("id", id.to_owned());
                }
            }
            Some((k, _)) if k.eq_ignore_ascii_case("id") => {
                r.error(None, format!("\"{k}=\" must be lower-case \"id=\""))
            }
            Some((k, v)) if !k.is_empty() && !v.is_empty() => {
                r.info(None, format!("extension field \"{f}\" (allowed; receivers ignore what they do not know)"))
            }
            _ => r.error(None, format!("\"{f}\" is not a name=value field")),
        }
    }
    if !id_seen {
        r.error(
            None,
            "no id= field: senders use it to notice a changed policy; change it whenever the policy file changes",
        );
    }
    r.finish(Kind::StsRecord)
}

/// The fields of a policy file as read line by line, before judging the whole.
#[derive(Default)]
struct PolicyFields {
    version: Option<String>,
    mode: Option<String>,
    max_age: Option<u64>,
    mx: Vec<String>,
    /// No field has been read yet (version should come first).
    seen_field: bool,
}

/// Validates an MTA-STS policy file, line by line.
pub fn check_sts_policy(text: &str) -> Verdict {
    let mut r = Findings::default();
    if text.len() > 64 * 1024 {
        r.error(None, "the policy is larger than 64 KB, the most senders read");
    }
    let mut fields = PolicyFields::default();
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if !line.trim().is_empty() {
            fields.read_line(line, Some(i + 1), &mut r);
        }
    }
    fields.judge(text, &mut r);
    r.finish(Kind::StsPolicy)
}

impl PolicyFields {
    /// Reads one non-blank line `n`, recording what is wrong with it.
    fn read_line(&mut self, line: &str, n: Option<usize>, r: &mut Findings) {
        let Some((key, value)) = line.split_once(':') else {
            r.error(n, format!("\"{line}\" is not a \"key: value\" line"));
            return;
        };
        if key != key.trim() {
            r.error(n, format!("\"{key}\": no whitespace is allowed before the colon or at the start of the line"));
        }
        let key = key.trim();
        let value = value.trim();
        match key {
            "version" => self.read_version(value, n, r),
            "mode" => self.read_mode(value, n, r),
            "max_age" => self.read_max_age(value, n, r),
            "mx" => self.read_mx(value, n, r),
            k if ["version", "mode", "mx", "max_age"].iter().any(|f| k.eq_ignore_ascii_case(f))
                || k == "max-age"
                || k == "maxage" =>
            {
                let want = if k.to_ascii_lowercase().starts_with("max") { "max_age" } else { "lower-case" };
                r.error(n, format!("\"{k}\" must be written \"{want}\""));
            }
            k => r.info(n, format!("extension field \"{k}\" (ignored by senders that do not know it)")),
        }
        self.seen_field = true;
    }

    fn read_version(&mut self, value: &str, n: Option<usize>, r: &mut Findings) {
        if self.version.is_some() {
            r.error(n, "version appears twice");
        }
        if value != "STSv1" {
            r.error(n, format!("version is \"{value}\"; it must be \"STSv1\""));
        }
        if self.seen_field {
            r.warn(n, "version should be the first line of the policy");
        }
        self.version = Some(value.to_owned());
    }

    fn read_mode(&mut self, value: &str, n: Option<usize>, r: &mut Findings) {
        if self.mode.is_some() {
            r.error(n, "mode appears twice");
        }
        let lower = value.to_ascii_lowercase();
        self.mode = Some(match value {
            "enforce" | "testing" | "none" => value.to_owned(),
            v if ["enforce", "testing", "none"].contains(&lower.as_str()) => {
                r.error(n, format!("mode \"{v}\" must be lower-case"));
                lower
            }
            v => {
                r.error(n, format!("mode \"{v}\" is not enforce, testing or none"));
                String::new()
            }
        });
    }

    fn read_max_age(&mut self, value: &str, n: Option<usize>, r: &mut Findings) {
        if self.max_age.is_some() {
            r.error(n, "max_age appears twice");
        }
        match value.parse::<u64>() {
            Ok(v) if value.len() <= 10 && v <= MAX_AGE_LIMIT => {
                if v < 86_400 {
                    r.warn(n, format!("max_age {v} is under a day; RFC 8461 suggests weeks (e.g. 604800 or more) once the policy is stable"));
                }
                self.max_age = Some(v);
            }
            Ok(v) => {
                r.error(n, format!("max_age {v} is more than {MAX_AGE_LIMIT} seconds (one year)"));
                self.max_age = Some(v);
            }
            Err(_) => r.error(n, format!("max_age \"{value}\" is not a number of seconds")),
        }
    }

    fn read_mx(&mut self, value: &str, n: Option<usize>, r: &mut Findings) {
        let host = value.strip_prefix("*.").unwrap_or(value);
        if !is_domain(host) {
            r.error(n, format!("mx \"{value}\" is not a host name or a \"*.\" wildcard pattern"));
        } else if value.contains('*') && !value.starts_with("*.") {
            r.error(n, format!("mx \"{value}\": a wildcard may only be the whole leftmost label (\"*.example.com\")"));
        }
        self.mx.push(value.to_owned());
    }

    /// Judges the policy as a whole: required fields, mode advice, facts.
    fn judge(self, text: &str, r: &mut Findings) {
        if self.version.is_none() {
            r.error(None, "no \"version: STSv1\" line");
        }
        match self.mode.as_deref() {
            None => r.error(None, "no \"mode:\" line (enforce, testing or none)"),
            Some("testing") => r.info(None, "mode is testing: failures are reported but mail is still delivered; switch to enforce once reports show no failures"),
            Some("none") => r.info(None, "mode is none: the policy is being withdrawn"),
            _ => {}
        }
        if self.max_age.is_none() {
            r.error(None, "no \"max_age:\" line");
        }
        if self.mx.is_empty() && self.mode.as_deref() != Some("none") {
            r.error(None, "no \"mx:\" line: list every MX host (or a \"*.\" pattern covering them)");
        }
        if !text.contains("\r\n") && text.contains('\n') {
            r.info(None, "lines end in LF only; RFC 8461 allows both, and a few senders prefer CRLF");
        }
        if let Some(m) = self.mode {
            r.fact("mode", m);
        }
        if let Some(a) = self.max_age {
            r.fact("max_age", format!("{a} seconds ({} days)", crate::format::Fixed(a as f64 / 86_400.0, 1)));
        }
        for p in self.mx {
            r.fact("mx", p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Severity;
    use super::*;

    fn errors(v: &Verdict) -> Vec<String> {
        v.findings.iter().filter(|f| f.severity == Severity::Error).map(|f| f.to_string()).collect()
    }

    #[test]
    fn mx_pattern_matching() {
        assert!(mx_matches("mail.example.com", "MAIL.example.com."));
        assert!(mx_matches("*.example.com", "mx1.example.com"));
        assert!(!mx_matches("*.example.com", "example.com"));
        assert!(!mx_matches("*.example.com", "a.b.example.com"));
        assert!(!mx_matches("mx1.example.com", "mx2.example.com"));
    }

    #[test]
    fn rfc_policy_example_is_valid() {
        // RFC 8461 section 3.2 example, CRLF.
        let v = check_sts_policy("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n");
        assert!(v.valid, "{:?}", v.findings);
        assert_eq!(v.facts.iter().filter(|(k, _)| k == "mx").count(), 3);
        let v = check_sts_policy("version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 86400\n");
        assert!(v.valid, "LF works too: {:?}", v.findings);
    }

    #[test]
    fn policy_mistakes_are_located() {
        let v = check_sts_policy(
            "version: STSv2\nmode: Enforce\nmx: mx.example.com\nmax_age: 99999999999\nmx: *mx.example.com\n",
        );
        let e = errors(&v);
        assert!(e.iter().any(|m| m.starts_with("line 1: version is \"STSv2\"")), "{e:?}");
        assert!(e.iter().any(|m| m.starts_with("line 2: mode \"Enforce\" must be lower-case")), "{e:?}");
        assert!(e.iter().any(|m| m.starts_with("line 4: max_age")), "{e:?}");
        assert!(e.iter().any(|m| m.starts_with("line 5: mx \"*mx.example.com\"")), "{e:?}");
        let v = check_sts_policy("version: STSv1\nmode: enforce\n");
        let e = errors(&v);
        assert!(e.iter().any(|m| m.contains("no \"max_age:\"")) && e.iter().any(|m| m.contains("no \"mx:\"")), "{e:?}");
    }

    #[test]
    fn sts_txt_record() {
        assert!(check_sts_record("v=STSv1; id=20160831085700Z;").valid);
        assert!(check_sts_record("\"v=STSv1; id=20240101T000000\"").valid);
        assert!(errors(&check_sts_record("v=STSv1; id=2024-01-01")).iter().any(|m| m.contains("letters and digits")));
        assert!(errors(&check_sts_record("v=STSv1;")).iter().any(|m| m.contains("no id=")));
        assert!(errors(&check_sts_record("id=1; v=STSv1")).iter().any(|m| m.contains("must start with")));
    }
}
