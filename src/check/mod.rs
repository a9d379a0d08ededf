//! "Check your setup": validators for what a domain publishes (the TLSRPT
//! record, the MTA-STS TXT record and policy file), and cross-checks of those
//! policies against what reporters saw. Pure; the page only pastes text in.

mod seen;
mod sts;
mod tlsrpt;

use std::fmt;

pub use seen::{policy_insights, DomainPolicies, Insight, PolicyHistory, SeenPolicy};
pub use sts::{check_sts_policy, check_sts_record, mx_matches};
pub use tlsrpt::check_tlsrpt_record;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Breaks the record: senders will ignore it or fail.
    Error,
    /// Works, but is risky or unusual.
    Warning,
    /// Worth knowing.
    Info,
}

/// One thing a validator noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// 1-based line of the pasted text, where it applies to one line.
    pub line: Option<usize>,
    /// Plain-words message.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(l) = self.line {
            write!(f, "line {l}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// What was pasted, as recognized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A `_smtp._tls` TXT record (RFC 8460 section 3).
    TlsRptRecord,
    /// An `_mta-sts` TXT record (RFC 8461 section 3.1).
    StsRecord,
    /// An `mta-sts.txt` policy file (RFC 8461 section 3.2).
    StsPolicy,
    /// None of these.
    Unknown,
}

impl Kind {
    /// A name for the verdict.
    pub fn name(self) -> &'static str {
        match self {
            Kind::TlsRptRecord => "TLSRPT record",
            Kind::StsRecord => "MTA-STS TXT record",
            Kind::StsPolicy => "MTA-STS policy file",
            Kind::Unknown => "unrecognized text",
        }
    }
}

/// The verdict on a paste.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// What the text was taken to be.
    pub kind: Kind,
    /// Whether it is valid (no errors).
    pub valid: bool,
    /// Every finding, errors first.
    pub findings: Vec<Finding>,
    /// Facts read from it, for display (`rua` URIs, mode, mx patterns, …).
    pub facts: Vec<(String, String)>,
}

/// Collects findings and facts while a validator runs.
#[derive(Default)]
pub(crate) struct Findings {
    pub findings: Vec<Finding>,
    pub facts: Vec<(String, String)>,
}

impl Findings {
    pub fn error(&mut self, line: Option<usize>, message: impl Into<String>) {
        self.findings.push(Finding { severity: Severity::Error, line, message: message.into() });
    }
    pub fn warn(&mut self, line: Option<usize>, message: impl Into<String>) {
        self.findings.push(Finding { severity: Severity::Warning, line, message: message.into() });
    }
    pub fn info(&mut self, line: Option<usize>, message: impl Into<String>) {
        self.findings.push(Finding { severity: Severity::Info, line, message: message.into() });
    }
    pub fn fact(&mut self, k: &str, v: impl Into<String>) {
        self.facts.push((k.to_owned(), v.into()));
    }
    pub fn finish(mut self, kind: Kind) -> Verdict {
        crate::sort::sort_by_key(&mut self.findings, |f| (f.severity, f.line));
        let valid = kind != Kind::Unknown && !self.findings.iter().any(|f| f.severity == Severity::Error);
        Verdict { kind, valid, findings: self.findings, facts: self.facts }
    }
}

/// Turns what `dig` or a zone file shows into the record text: drops a
/// leading owner/TTL/class/type, and joins quoted character-strings.
pub(crate) fn unquote_txt(line: &str) -> String {
    let line = line.trim();
    let body = match line.find('"') {
        Some(q) => &line[q..],
        None => {
            // `name TTL IN TXT v=...` without quotes: drop the zone-file prefix only.
            let upper = line.to_ascii_uppercase();
            match upper.find(" TXT ") {
                Some(i) => line[i + 5..].trim_start(),
                None => line,
            }
        }
    };
    if !body.starts_with('"') {
        return body.to_owned();
    }
    // "part1" "part2" -> part1part2 (RFC 7208 style concatenation).
    let mut out = String::new();
    let mut in_q = false;
    let mut esc = false;
    for c in body.chars() {
        if in_q {
            if esc {
                out.push(c);
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_q = false;
            } else {
                out.push(c);
            }
        } else if c == '"' {
            in_q = true;
        }
    }
    out
}

/// Recognizes what was pasted and validates it.
pub fn check(text: &str) -> Verdict {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if t.is_empty() {
        let mut r = Findings::default();
        r.error(None, "nothing pasted");
        return r.finish(Kind::Unknown);
    }
    if lower.contains("v=sts") && !lower.contains("version:") {
        return check_sts_record(t);
    }
    if lower.contains("version:") || lower.contains("mode:") || lower.contains("max_age") {
        return check_sts_policy(t);
    }
    if lower.contains("tlsrpt") || lower.contains("tslrpt") || lower.contains("rua=") || lower.contains("_smtp._tls") {
        return check_tlsrpt_record(t);
    }
    let mut r = Findings::default();
    r.error(
        None,
        "not recognized: paste a _smtp._tls TXT record, an _mta-sts TXT record, or an mta-sts.txt policy file",
    );
    r.finish(Kind::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_presentation_forms() {
        assert_eq!(unquote_txt("\"v=TLSRPTv1; rua=mailto:a@b.example\""), "v=TLSRPTv1; rua=mailto:a@b.example");
        assert_eq!(
            unquote_txt("_smtp._tls.example.com. 300 IN TXT \"v=TLSRPTv1; \" \"rua=mailto:a@b\""),
            "v=TLSRPTv1; rua=mailto:a@b"
        );
        assert_eq!(unquote_txt("v=TLSRPTv1;rua=mailto:x@y"), "v=TLSRPTv1;rua=mailto:x@y");
        assert_eq!(
            unquote_txt("_smtp._tls.example.com IN TXT v=TLSRPTv1; rua=mailto:x@y"),
            "v=TLSRPTv1; rua=mailto:x@y"
        );
        assert_eq!(unquote_txt("rua=mailto:x@y; v=TLSRPTv1"), "rua=mailto:x@y; v=TLSRPTv1");
    }

    #[test]
    fn recognizes_what_was_pasted() {
        assert_eq!(check("v=TLSRPTv1; rua=mailto:tlsrpt@example.com").kind, Kind::TlsRptRecord);
        assert_eq!(check("v=STSv1; id=20240101T000000").kind, Kind::StsRecord);
        assert_eq!(check("version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 604800").kind, Kind::StsPolicy);
        let v = check("hello world");
        assert_eq!(v.kind, Kind::Unknown);
        assert!(!v.valid);
        assert!(!check("").valid);
    }
}
