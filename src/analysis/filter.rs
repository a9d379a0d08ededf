//! Filters that narrow every view, and their form in the URL hash.
//!
//! A filter selects policy entries (one policy of one report). KPIs and tables
//! sum the summaries of the entries that match. Filters on a failure detail's
//! fields (result type, receiving MX, receiving IP, sending MTA IP) select the
//! entries that have a matching detail, and narrow the failure-detail views
//! to the matching details. They compare exactly: `10.0.0.1` never selects
//! `10.0.0.10`.

use std::borrow::Cow;

use crate::report::datetime::{parse_timestamp, Day};
use crate::report::{counted_entries, normalize_domain, FailureDetail, PolicyResult, Report};

use super::dataset::{Dataset, StoredReport};

/// The active filters; `Filter::default()` shows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// First UTC day (by `start-datetime`) to include.
    pub from: Option<Day>,
    /// Last UTC day to include.
    pub to: Option<Day>,
    /// Policy domain (normalized); `Some("")` selects entries without one.
    pub domain: Option<String>,
    /// `organization-name`.
    pub org: Option<String>,
    /// Policy type with an optional MTA-STS mode, as [`PolicyResult::label`] writes it.
    pub policy: Option<String>,
    /// `result-type`.
    pub result_type: Option<String>,
    /// `receiving-mx-hostname`, exactly (case-insensitive, trailing dot ignored);
    /// `Some("")` selects details that do not name one.
    pub receiving_mx: Option<String>,
    /// `receiving-ip`, exactly; `Some("")` selects details without one.
    pub receiving_ip: Option<String>,
    /// `sending-mta-ip`, exactly; `Some("")` selects details without one.
    pub sending_ip: Option<String>,
    /// Only entries with failed sessions.
    pub problems_only: bool,
    /// Case-insensitive text that must occur in the entry's fields.
    pub text: String,
}

/// Whether a detail's host name field matches a host filter: case-insensitive,
/// trailing dot ignored; a missing field is the empty name. No filter matches all.
pub(crate) fn host_matches(want: Option<&str>, got: Option<&str>) -> bool {
    want.is_none_or(|w| {
        let g = got.map(|g| g.trim().trim_end_matches('.')).unwrap_or("");
        w.trim_end_matches('.').eq_ignore_ascii_case(g)
    })
}

/// Whether a detail's address field matches an address filter exactly
/// (surrounding blanks ignored); a missing field is the empty address.
pub(crate) fn exact_matches(want: Option<&str>, got: Option<&str>) -> bool {
    want.is_none_or(|w| w == got.map(str::trim).unwrap_or(""))
}

/// Selects `value`, or clears the selection when `value` is already selected:
/// clicking a selected row again undoes it.
pub fn toggle(slot: &mut Option<String>, value: &str) {
    if slot.as_deref() == Some(value) {
        *slot = None;
    } else {
        *slot = Some(value.to_owned());
    }
}

/// One field of a [`Filter`], for chips that remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterField {
    /// `from`.
    From,
    /// `to`.
    To,
    /// `domain`.
    Domain,
    /// `org`.
    Org,
    /// `policy`.
    Policy,
    /// `result_type`.
    ResultType,
    /// `receiving_mx`.
    ReceivingMx,
    /// `receiving_ip`.
    ReceivingIp,
    /// `sending_ip`.
    SendingIp,
    /// `problems_only`.
    ProblemsOnly,
    /// `text`.
    Text,
}

/// A policy entry that a filter selects, and where it is in the data set.
pub struct Entry<'a> {
    /// Index of the unique report.
    pub report_index: usize,
    /// The report.
    pub report: &'a Report,
    /// The report as stored (warnings, origin).
    pub stored: &'a StoredReport,
    /// Index of the policy in the report.
    pub policy_index: usize,
    /// The policy entry.
    pub policy: &'a PolicyResult,
    /// The normalized policy domain (empty when there is none).
    pub domain: Cow<'a, str>,
    /// Whether this entry counts its report's sessions for this domain (the
    /// session rule); false for a second evaluation of the same domain.
    pub counted: bool,
}

impl Filter {
    /// Every policy entry of `data` this filter selects, in data order. The
    /// one selection loop that aggregation and the exports share. Each entry
    /// says whether it counts its report's sessions: the session rule
    /// ([`counted_entries`]) applied among the entries of a report the filter keeps.
    pub fn entries<'a>(&'a self, data: &'a Dataset) -> impl Iterator<Item = Entry<'a>> + 'a {
        data.reports().iter().enumerate().filter(|(_, s)| self.report_matches(&s.report)).flat_map(
            move |(report_index, stored)| {
                let report = &stored.report;
                let mut kept: Vec<Entry<'a>> = report
                    .policies
                    .iter()
                    .enumerate()
                    .filter_map(|(policy_index, policy)| {
                        let domain = policy.policy.domain_key();
                        self.entry_matches(report, policy, &domain).then_some(Entry {
                            report_index,
                            report,
                            stored,
                            policy_index,
                            policy,
                            domain,
                            counted: true,
                        })
                    })
                    .collect();
                if kept.len() > 1 {
                    let counted = counted_entries(kept.iter().map(|e| (e.domain.as_ref(), e.policy.summary)));
                    for (e, c) in kept.iter_mut().zip(counted) {
                        e.counted = c;
                    }
                }
                kept
            },
        )
    }

    /// The active filters as (field, label) chips, in a fixed order.
    pub fn chips(&self) -> Vec<(FilterField, String)> {
        let mut out = Vec::new();
        if let Some(d) = self.from {
            out.push((FilterField::From, format!("from {d}")));
        }
        if let Some(d) = self.to {
            out.push((FilterField::To, format!("to {d}")));
        }
        if let Some(v) = &self.domain {
            out.push((FilterField::Domain, format!("domain: {}", if v.is_empty() { "(none)" } else { v })));
        }
        if let Some(v) = &self.org {
            out.push((FilterField::Org, format!("organization: {v}")));
        }
        if let Some(v) = &self.policy {
            out.push((FilterField::Policy, format!("policy: {v}")));
        }
        if let Some(v) = &self.result_type {
            out.push((FilterField::ResultType, format!("result: {v}")));
        }
        let shown = |v: &str| if v.is_empty() { "(not reported)".to_owned() } else { v.to_owned() };
        if let Some(v) = &self.receiving_mx {
            out.push((FilterField::ReceivingMx, format!("receiving MX: {}", shown(v))));
        }
        if let Some(v) = &self.receiving_ip {
            out.push((FilterField::ReceivingIp, format!("receiving IP: {}", shown(v))));
        }
        if let Some(v) = &self.sending_ip {
            out.push((FilterField::SendingIp, format!("sending IP: {}", shown(v))));
        }
        if self.problems_only {
            out.push((FilterField::ProblemsOnly, "problems only".to_owned()));
        }
        if !self.text.is_empty() {
            out.push((FilterField::Text, format!("“{}”", self.text)));
        }
        out
    }

    /// The value slot of a field that holds one (`None` for dates and flags).
    pub fn slot_mut(&mut self, field: FilterField) -> Option<&mut Option<String>> {
        Some(match field {
            FilterField::Domain => &mut self.domain,
            FilterField::Org => &mut self.org,
            FilterField::Policy => &mut self.policy,
            FilterField::ResultType => &mut self.result_type,
            FilterField::ReceivingMx => &mut self.receiving_mx,
            FilterField::ReceivingIp => &mut self.receiving_ip,
            FilterField::SendingIp => &mut self.sending_ip,
            FilterField::From | FilterField::To | FilterField::ProblemsOnly | FilterField::Text => return None,
        })
    }

    /// Whether `field` selects exactly `value`.
    pub fn selects(&self, field: FilterField, value: &str) -> bool {
        let v = match field {
            FilterField::Domain => &self.domain,
            FilterField::Org => &self.org,
            FilterField::Policy => &self.policy,
            FilterField::ResultType => &self.result_type,
            FilterField::ReceivingMx => &self.receiving_mx,
            FilterField::ReceivingIp => &self.receiving_ip,
            FilterField::SendingIp => &self.sending_ip,
            FilterField::From | FilterField::To | FilterField::ProblemsOnly | FilterField::Text => return false,
        };
        v.as_deref() == Some(value)
    }

    /// Selects `value` in `field`, or clears it when it is already selected
    /// (clicking a selected row again undoes it).
    pub fn toggle(&mut self, field: FilterField, value: &str) {
        if let Some(slot) = self.slot_mut(field) {
            toggle(slot, value);
        }
    }

    /// Clears one field.
    pub fn clear(&mut self, field: FilterField) {
        match field {
            FilterField::From => self.from = None,
            FilterField::To => self.to = None,
            FilterField::Domain => self.domain = None,
            FilterField::Org => self.org = None,
            FilterField::Policy => self.policy = None,
            FilterField::ResultType => self.result_type = None,
            FilterField::ReceivingMx => self.receiving_mx = None,
            FilterField::ReceivingIp => self.receiving_ip = None,
            FilterField::SendingIp => self.sending_ip = None,
            FilterField::ProblemsOnly => self.problems_only = false,
            FilterField::Text => self.text.clear(),
        }
    }

    /// Whether any filter is set.
    pub fn is_active(&self) -> bool {
        *self != Filter::default()
    }

    /// Whether a report passes the report-level filters (dates, organization).
    pub fn report_matches(&self, r: &Report) -> bool {
        let day = Day::of(r.date_range.start);
        self.from.is_none_or(|f| day >= f)
            && self.to.is_none_or(|t| day <= t)
            && self.org.as_deref().is_none_or(|o| o == r.organization_name)
    }

    /// Whether a policy entry of a matching report passes the entry-level filters.
    pub fn entry_matches(&self, r: &Report, p: &PolicyResult, domain: &str) -> bool {
        if self.domain.as_deref().is_some_and(|d| d != domain) {
            return false;
        }
        if self.policy.as_deref().is_some_and(|want| want != p.label().as_ref()) {
            return false;
        }
        if self.problems_only && p.summary.failed == 0 && p.failure_details.is_empty() {
            return false;
        }
        if self.filters_details() && !p.failure_details.iter().any(|d| self.detail_matches(d)) {
            return false;
        }
        self.text.trim().is_empty() || self.text_matches(r, p, domain)
    }

    /// Whether any filter looks at failure details.
    pub fn filters_details(&self) -> bool {
        self.result_type.is_some()
            || self.receiving_mx.is_some()
            || self.receiving_ip.is_some()
            || self.sending_ip.is_some()
    }

    /// Whether a failure detail of a matching entry is shown: every detail
    /// filter must match the detail's field exactly.
    pub fn detail_matches(&self, d: &FailureDetail) -> bool {
        self.result_type.as_deref().is_none_or(|t| t == d.result_type.as_str())
            && host_matches(self.receiving_mx.as_deref(), d.receiving_mx_hostname.as_deref())
            && exact_matches(self.receiving_ip.as_deref(), d.receiving_ip.as_deref())
            && exact_matches(self.sending_ip.as_deref(), d.sending_mta_ip.as_deref())
    }

    fn text_matches(&self, r: &Report, p: &PolicyResult, domain: &str) -> bool {
        let needle = crate::text::lowercase(self.text.trim());
        let hit = |s: &str| crate::text::lowercase(s).contains(&*needle);
        hit(&r.organization_name)
            || hit(&r.report_id)
            || hit(domain)
            || p.policy.mx_host.iter().any(|m| hit(m))
            || p.failure_details.iter().any(|d| {
                hit(d.result_type.as_str())
                    || [&d.sending_mta_ip, &d.receiving_mx_hostname, &d.receiving_ip, &d.failure_reason_code]
                        .into_iter()
                        .flatten()
                        .any(|s| hit(s))
            })
    }

    /// The filter as a URL hash fragment (without `#`), keys in a fixed order.
    pub fn to_hash(&self) -> String {
        let mut parts = Vec::new();
        let mut put = |k: &str, v: &str| parts.push(format!("{k}={}", encode(v)));
        if let Some(d) = self.from {
            put("from", &d.to_string());
        }
        if let Some(d) = self.to {
            put("to", &d.to_string());
        }
        if let Some(v) = &self.domain {
            put("domain", v);
        }
        if let Some(v) = &self.org {
            put("org", v);
        }
        if let Some(v) = &self.policy {
            put("policy", v);
        }
        if let Some(v) = &self.result_type {
            put("result", v);
        }
        if let Some(v) = &self.receiving_mx {
            put("mx", v);
        }
        if let Some(v) = &self.receiving_ip {
            put("rip", v);
        }
        if let Some(v) = &self.sending_ip {
            put("sip", v);
        }
        if self.problems_only {
            put("problems", "1");
        }
        if !self.text.is_empty() {
            put("q", &self.text);
        }
        parts.join("&")
    }

    /// Reads a hash fragment (with or without `#`); unknown or malformed keys are ignored.
    pub fn from_hash(hash: &str) -> Filter {
        let mut f = Filter::default();
        for pair in hash.trim_start_matches('#').split('&') {
            let Some((k, v)) = pair.split_once('=') else { continue };
            let v = decode(v);
            let day = |v: &str| parse_timestamp(v).map(|(t, _)| Day::of(t));
            match k {
                "from" => f.from = day(&v),
                "to" => f.to = day(&v),
                "domain" => f.domain = Some(normalize_domain(&v)),
                "org" => f.org = Some(v),
                "policy" => f.policy = Some(v),
                "result" => f.result_type = Some(v),
                "mx" => f.receiving_mx = Some(v),
                "rip" => f.receiving_ip = Some(v),
                "sip" => f.sending_ip = Some(v),
                "problems" => f.problems_only = v == "1",
                "q" => f.text = v,
                _ => {}
            }
        }
        f
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() + 1 {
            if let Some(v) = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_round_trip() {
        let f = Filter {
            from: Some(Day(20_000)),
            to: Some(Day(20_010)),
            domain: Some("example.com".into()),
            org: Some("Google Inc. & co/=?".into()),
            policy: Some("sts (testing)".into()),
            result_type: Some("certificate-expired".into()),
            receiving_mx: Some("mx1.example.com".into()),
            receiving_ip: Some("10.0.0.1".into()),
            sending_ip: Some("2001:db8::1".into()),
            problems_only: true,
            text: "mx1 é".into(),
        };
        let h = f.to_hash();
        assert!(
            h.starts_with("from=2024-10-04&to=2024-10-14&domain=example.com&org=Google%20Inc.%20%26%20co%2F%3D%3F"),
            "{h}"
        );
        assert_eq!(Filter::from_hash(&format!("#{h}")), f);
        assert_eq!(Filter::from_hash(""), Filter::default());
        assert_eq!(Filter::from_hash("#junk&from=notadate&x=1"), Filter::default());
        assert!(!Filter::default().is_active());
    }

    #[test]
    fn toggling_selects_and_clears() {
        let mut slot = None;
        toggle(&mut slot, "a");
        assert_eq!(slot.as_deref(), Some("a"));
        toggle(&mut slot, "b");
        assert_eq!(slot.as_deref(), Some("b"));
        toggle(&mut slot, "b");
        assert_eq!(slot, None);
    }

    #[test]
    fn detail_filters_match_exactly() {
        let detail = |mx: Option<&str>, ip: Option<&str>| FailureDetail {
            result_type: crate::report::ResultType("certificate-expired".into()),
            sending_mta_ip: None,
            receiving_mx_hostname: mx.map(Into::into),
            receiving_mx_helo: None,
            receiving_ip: ip.map(Into::into),
            failed_session_count: 1,
            additional_information: None,
            failure_reason_code: None,
        };
        let f = Filter { receiving_ip: Some("10.0.0.1".into()), ..Filter::default() };
        assert!(f.detail_matches(&detail(None, Some("10.0.0.1"))));
        assert!(!f.detail_matches(&detail(None, Some("10.0.0.10"))));
        assert!(!f.detail_matches(&detail(None, None)));
        let f = Filter { receiving_mx: Some("mx.example.com".into()), ..Filter::default() };
        assert!(f.detail_matches(&detail(Some("MX.example.com."), None)));
        assert!(!f.detail_matches(&detail(Some("mx.example.com.evil"), None)));
        let f = Filter { receiving_mx: Some(String::new()), ..Filter::default() };
        assert!(f.detail_matches(&detail(None, None)));
        assert!(!f.detail_matches(&detail(Some("mx.example.com"), None)));
    }
}
