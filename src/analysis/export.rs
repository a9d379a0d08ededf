//! Exports of what the filter selects: CSV of policies, CSV of failure
//! details (one row each, every field) and normalized JSON.

use serde_json::{json, Value};

use super::dataset::Dataset;
use super::filter::Filter;
use crate::report::datetime::format_utc;

/// Quotes a CSV field (RFC 4180). Text that a spreadsheet would run as a
/// formula (leading `=`, `+`, `@`, tab or CR) gets a leading `'`: these
/// fields come from strangers' reports.
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One CSV line (CRLF-terminated) of quoted fields.
pub(crate) fn row(cells: &[&str]) -> String {
    let mut line = cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// One row per selected policy entry.
pub fn policies_csv(data: &Dataset, filter: &Filter) -> String {
    let mut out = row(&[
        "organization-name",
        "report-id",
        "start-datetime",
        "end-datetime",
        "contact-info",
        "policy-type",
        "policy-domain",
        "sts-mode",
        "policy-string",
        "mx-host",
        "total-successful-session-count",
        "total-failure-session-count",
        "failure-detail-count",
        "counted-in-totals",
    ]);
    for e in filter.entries(data) {
        let (r, p, domain) = (e.report, e.policy, &*e.domain);
        out.push_str(&row(&[
            &r.organization_name,
            &r.report_id,
            &format_utc(r.date_range.start),
            &format_utc(r.date_range.end),
            r.contact_info.as_deref().unwrap_or(""),
            p.policy.policy_type.as_str(),
            domain,
            &p.policy.sts_mode().unwrap_or_default(),
            &p.policy.policy_string.join(" | "),
            &p.policy.mx_host.join(" "),
            &p.summary.successful.to_string(),
            &p.summary.failed.to_string(),
            &p.failure_details.len().to_string(),
            if e.counted { "yes" } else { "no" },
        ]));
    }
    out
}

/// One row per selected failure detail.
pub fn failures_csv(data: &Dataset, filter: &Filter) -> String {
    let mut out = row(&[
        "organization-name",
        "report-id",
        "start-datetime",
        "end-datetime",
        "policy-type",
        "policy-domain",
        "result-type",
        "sending-mta-ip",
        "receiving-mx-hostname",
        "receiving-mx-helo",
        "receiving-ip",
        "failed-session-count",
        "failure-reason-code",
        "additional-information",
    ]);
    for e in filter.entries(data) {
        let (r, p, domain) = (e.report, e.policy, &*e.domain);
        for d in p.failure_details.iter().filter(|d| filter.detail_matches(d)) {
            let o = |v: &Option<String>| v.clone().unwrap_or_default();
            out.push_str(&row(&[
                &r.organization_name,
                &r.report_id,
                &format_utc(r.date_range.start),
                &format_utc(r.date_range.end),
                p.policy.policy_type.as_str(),
                domain,
                d.result_type.as_str(),
                &o(&d.sending_mta_ip),
                &o(&d.receiving_mx_hostname),
                &o(&d.receiving_mx_helo),
                &o(&d.receiving_ip),
                &d.failed_session_count.to_string(),
                &o(&d.failure_reason_code),
                &o(&d.additional_information),
            ]));
        }
    }
    out
}

/// The selected reports, normalized to RFC 8460 field names, with the
/// warnings each raised. Only selected policies and details are included.
pub fn normalized_json(data: &Dataset, filter: &Filter) -> String {
    let mut reports: Vec<Value> = Vec::new();
    let mut last: Option<usize> = None;
    for e in filter.entries(data) {
        let (r, p) = (e.report, e.policy);
        if last != Some(e.report_index) {
            last = Some(e.report_index);
            reports.push(json!({
                "organization-name": r.organization_name,
                "report-id": r.report_id,
                "contact-info": r.contact_info,
                "date-range": {
                    "start-datetime": format_utc(r.date_range.start),
                    "end-datetime": format_utc(r.date_range.end),
                },
                "policies": [],
                "warnings": e.stored.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
            }));
        }
        let details: Vec<Value> = p
            .failure_details
            .iter()
            .filter(|d| filter.detail_matches(d))
            .map(|d| {
                json!({
                    "result-type": d.result_type.as_str(),
                    "sending-mta-ip": d.sending_mta_ip,
                    "receiving-mx-hostname": d.receiving_mx_hostname,
                    "receiving-mx-helo": d.receiving_mx_helo,
                    "receiving-ip": d.receiving_ip,
                    "failed-session-count": d.failed_session_count,
                    "additional-information": d.additional_information,
                    "failure-reason-code": d.failure_reason_code,
                })
            })
            .collect();
        let entry = json!({
            "policy": {
                "policy-type": p.policy.policy_type.as_str(),
                "policy-string": p.policy.policy_string,
                "policy-domain": p.policy.policy_domain,
                "mx-host": p.policy.mx_host,
            },
            "summary": {
                "total-successful-session-count": p.summary.successful,
                "total-failure-session-count": p.summary.failed,
            },
            "failure-details": details,
        });
        if let Some(Value::Array(list)) = reports.last_mut().and_then(|r| r.get_mut("policies")) {
            list.push(entry);
        }
    }
    let doc = json!({
        "generator": "tlsrpt-viewer",
        "filter": filter.to_hash(),
        "report-count": reports.len(),
        "reports": reports,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// The filtered data in parsedmarc's `smtp_tls.json` shape: an array of reports.
pub fn parsedmarc_json(data: &Dataset, filter: &Filter) -> String {
    let reports: Vec<Value> = selected_reports(data, filter)
        .map(|(r, kept)| {
            super::parsedmarc::report_json(
                r,
                |p| kept.iter().any(|k| std::ptr::eq(*k, p)),
                |d| filter.detail_matches(d),
            )
        })
        .collect();
    serde_json::to_string_pretty(&reports).unwrap_or_default()
}

/// The filtered data in parsedmarc's `smtp_tls.csv` shape.
pub fn parsedmarc_csv(data: &Dataset, filter: &Filter) -> String {
    let mut out = super::parsedmarc::csv_header();
    for (r, kept) in selected_reports(data, filter) {
        super::parsedmarc::csv_rows(
            r,
            |p| kept.iter().any(|k| std::ptr::eq(*k, p)),
            |d| filter.detail_matches(d),
            &mut out,
        );
    }
    out
}

/// Each report with a selected policy, and its selected policies.
fn selected_reports<'a>(
    data: &'a Dataset,
    filter: &'a Filter,
) -> impl Iterator<Item = (&'a crate::report::Report, Vec<&'a crate::report::PolicyResult>)> + 'a {
    let mut entries = filter.entries(data).peekable();
    std::iter::from_fn(move || {
        let first = entries.next()?;
        let mut kept = vec![first.policy];
        while let Some(e) = entries.next_if(|e| e.report_index == first.report_index) {
            kept.push(e.policy);
        }
        Some((first.report, kept))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting_and_formula_guard() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("2001:db8::1"), "2001:db8::1");
    }
}
