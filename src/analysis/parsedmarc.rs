//! Exports in parsedmarc's SMTP TLS shape (`smtp_tls.json`, `smtp_tls.csv`),
//! so the data can feed the Elasticsearch/OpenSearch, Splunk and Grafana
//! dashboards people already run on parsedmarc's output.
//!
//! Where this differs from parsedmarc on purpose: `mx_host_patterns` is filled
//! from the policy's `mx:` lines and, when it has none, from `mx-host` (which
//! parsedmarc leaves empty for Microsoft's reports); failure rows carry their
//! policy's `policy_domain` and `policy_type`; dates are RFC 3339 in UTC.

use serde_json::{json, Value};

use super::export::row;
use crate::report::datetime::format_utc;
use crate::report::{PolicyResult, Report};

/// parsedmarc's CSV columns, in its order.
pub const CSV_COLUMNS: [&str; 17] = [
    "organization_name",
    "begin_date",
    "end_date",
    "report_id",
    "result_type",
    "successful_session_count",
    "failed_session_count",
    "policy_domain",
    "policy_type",
    "policy_strings",
    "mx_host_patterns",
    "sending_mta_ip",
    "receiving_ip",
    "receiving_mx_hostname",
    "receiving_mx_helo",
    "additional_info_uri",
    "failure_reason_code",
];

/// The header line of [`csv_rows`].
pub fn csv_header() -> String {
    row(&CSV_COLUMNS)
}

/// One report as parsedmarc writes it, with only the policies `keep` selects
/// and, in them, only the failure details `keep_detail` selects.
pub fn report_json(
    r: &Report,
    keep: impl Fn(&PolicyResult) -> bool,
    keep_detail: impl Fn(&crate::report::FailureDetail) -> bool,
) -> Value {
    let policies: Vec<Value> = r
        .policies
        .iter()
        .filter(|p| keep(p))
        .map(|p| {
            let details: Vec<Value> = p
                .failure_details
                .iter()
                .filter(|d| keep_detail(d))
                .map(|d| {
                    json!({
                        "result_type": d.result_type.as_str(),
                        "failed_session_count": d.failed_session_count,
                        "sending_mta_ip": d.sending_mta_ip,
                        "receiving_ip": d.receiving_ip,
                        "receiving_mx_hostname": d.receiving_mx_hostname,
                        "receiving_mx_helo": d.receiving_mx_helo,
                        "additional_info_uri": d.additional_information,
                        "failure_reason_code": d.failure_reason_code,
                    })
                })
                .collect();
            json!({
                "policy_domain": p.policy.policy_domain,
                "policy_type": p.policy.policy_type.as_str(),
                "policy_strings": p.policy.policy_string,
                "mx_host_patterns": p.policy.mx_patterns(),
                "successful_session_count": p.summary.successful,
                "failed_session_count": p.summary.failed,
                "failure_details": details,
            })
        })
        .collect();
    json!({
        "organization_name": r.organization_name,
        "begin_date": format_utc(r.date_range.start),
        "end_date": format_utc(r.date_range.end),
        "contact_info": r.contact_info,
        "report_id": r.report_id,
        "policies": policies,
    })
}

/// A report's CSV rows: a summary row per policy (empty `result_type`), then
/// a row per failure detail; lists joined with `|`.
pub fn csv_rows(
    r: &Report,
    keep: impl Fn(&PolicyResult) -> bool,
    keep_detail: impl Fn(&crate::report::FailureDetail) -> bool,
    out: &mut String,
) {
    let (begin, end) = (format_utc(r.date_range.start), format_utc(r.date_range.end));
    for p in r.policies.iter().filter(|p| keep(p)) {
        let domain = p.policy.policy_domain.as_deref().unwrap_or("");
        let strings = p.policy.policy_string.join("|");
        let patterns = p.policy.mx_patterns().join("|");
        let (ok, failed) = (p.summary.successful.to_string(), p.summary.failed.to_string());
        out.push_str(&row(&[
            &r.organization_name,
            &begin,
            &end,
            &r.report_id,
            "",
            &ok,
            &failed,
            domain,
            p.policy.policy_type.as_str(),
            &strings,
            &patterns,
            "",
            "",
            "",
            "",
            "",
            "",
        ]));
        for d in p.failure_details.iter().filter(|d| keep_detail(d)) {
            let o = |v: &Option<String>| v.clone().unwrap_or_default();
            out.push_str(&row(&[
                &r.organization_name,
                &begin,
                &end,
                &r.report_id,
                d.result_type.as_str(),
                "",
                &d.failed_session_count.to_string(),
                domain,
                p.policy.policy_type.as_str(),
                &strings,
                &patterns,
                &o(&d.sending_mta_ip),
                &o(&d.receiving_ip),
                &o(&d.receiving_mx_hostname),
                &o(&d.receiving_mx_helo),
                &o(&d.additional_information),
                &o(&d.failure_reason_code),
            ]));
        }
    }
}
