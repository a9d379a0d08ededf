//! Each real-world deviation from RFC 8460 is accepted with a warning (and the
//! numbers survive); each kind of nonsense is an error naming the field.

use serde_json::{json, Value};
use tlsrpt_viewer::report::{parse_report, ReportError, WarningKind};

/// A clean RFC 8460 report: 100 successful, 3 failed sessions.
fn base() -> Value {
    json!({
        "organization-name": "Example Reporter",
        "date-range": {"start-datetime": "2024-01-01T00:00:00Z", "end-datetime": "2024-01-01T23:59:59Z"},
        "contact-info": "tlsrpt@reporter.example",
        "report-id": "2024-01-01_example.com",
        "policies": [{
            "policy": {
                "policy-type": "sts",
                "policy-string": ["version: STSv1", "mode: enforce", "mx: mx1.example.com", "max_age: 86400"],
                "policy-domain": "example.com",
                "mx-host": ["mx1.example.com"]
            },
            "summary": {"total-successful-session-count": 100, "total-failure-session-count": 3},
            "failure-details": [{
                "result-type": "certificate-expired",
                "sending-mta-ip": "192.0.2.1",
                "receiving-mx-hostname": "mx1.example.com",
                "receiving-ip": "198.51.100.7",
                "failed-session-count": 3
            }]
        }]
    })
}

fn parse(v: &Value) -> Result<tlsrpt_viewer::report::Parsed, ReportError> {
    parse_report(serde_json::to_string(v).unwrap().as_bytes())
}

/// Applies `edit` to the base report and returns the warnings, checking the totals survived.
fn warnings_after(edit: impl FnOnce(&mut Value)) -> Vec<WarningKind> {
    let mut v = base();
    edit(&mut v);
    let p = parse(&v).unwrap_or_else(|e| panic!("should load, got error: {e}"));
    assert_eq!(p.report.successful(), 100);
    p.warnings.into_iter().map(|w| w.kind).collect()
}

fn policy(v: &mut Value) -> &mut Value {
    &mut v["policies"][0]["policy"]
}

fn detail(v: &mut Value) -> &mut Value {
    &mut v["policies"][0]["failure-details"][0]
}

#[test]
fn the_base_report_is_clean() {
    let p = parse(&base()).unwrap();
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    assert_eq!((p.report.successful(), p.report.failed()), (100, 3));
}

#[test]
fn date_without_zone() {
    let w = warnings_after(|v| v["date-range"]["start-datetime"] = json!("2024-01-01T00:00:00"));
    assert!(matches!(&w[..], [WarningKind::DateWithoutZone(s)] if s == "2024-01-01T00:00:00"), "{w:?}");
}

#[test]
fn end_at_next_midnight() {
    let w = warnings_after(|v| v["date-range"]["end-datetime"] = json!("2024-01-02T00:00:00Z"));
    assert_eq!(w, vec![WarningKind::EndAtNextMidnight]);
}

#[test]
fn mx_host_as_string_absent_or_prefixed() {
    let w = warnings_after(|v| policy(v)["mx-host"] = json!("mx1.example.com"));
    assert_eq!(w, vec![WarningKind::MxHostString]);
    let w = warnings_after(|v| {
        policy(v).as_object_mut().unwrap().remove("mx-host");
    });
    assert_eq!(w, vec![WarningKind::MxHostMissing]);
    let mut v = base();
    policy(&mut v)["mx-host"] = json!(["mx: mx1.example.com"]);
    let p = parse(&v).unwrap();
    assert_eq!(p.report.policies[0].policy.mx_host, vec!["mx1.example.com"]);
    assert!(matches!(&p.warnings[0].kind, WarningKind::MxHostPrefix(_)));
}

#[test]
fn tlsa_records_packed_in_a_string() {
    let mut v = base();
    policy(&mut v)["policy-type"] = json!("tlsa");
    policy(&mut v)["policy-string"] = json!(["[\"3 1 1 abcd\",\"3 1 1 ef01\"]"]);
    let p = parse(&v).unwrap();
    assert_eq!(p.report.policies[0].policy.policy_string, vec!["3 1 1 abcd", "3 1 1 ef01"]);
    assert_eq!(p.warnings[0].kind, WarningKind::PackedPolicyString(2));
}

#[test]
fn failure_detail_without_ip_or_mx() {
    let w = warnings_after(|v| {
        let d = detail(v).as_object_mut().unwrap();
        d.remove("sending-mta-ip");
        d.remove("receiving-mx-hostname");
        d.remove("receiving-ip");
    });
    assert_eq!(w, vec![WarningKind::MissingSendingIp, WarningKind::MissingReceivingMx]);
}

#[test]
fn contact_info_null() {
    let w = warnings_after(|v| v["contact-info"] = Value::Null);
    assert_eq!(w, vec![WarningKind::Null]);
}

#[test]
fn no_policy_found_without_domain() {
    let mut v = base();
    let p = policy(&mut v).as_object_mut().unwrap();
    p.remove("policy-domain");
    p.remove("mx-host");
    p.remove("policy-string");
    p.insert("policy-type".into(), json!("no-policy-found"));
    let parsed = parse(&v).unwrap();
    assert_eq!(parsed.report.policies[0].policy.policy_domain, None);
    assert_eq!(parsed.warnings.iter().map(|w| &w.kind).collect::<Vec<_>>(), vec![&WarningKind::MissingPolicyDomain]);
}

#[test]
fn empty_failure_details() {
    let mut v = base();
    v["policies"][0]["failure-details"] = json!([]);
    v["policies"][0]["summary"]["total-failure-session-count"] = json!(0);
    let p = parse(&v).unwrap();
    assert_eq!(p.warnings[0].kind, WarningKind::EmptyFailureDetails);
}

#[test]
fn totals_that_do_not_add_up_keep_both_numbers() {
    let mut v = base();
    detail(&mut v)["failed-session-count"] = json!(5);
    let p = parse(&v).unwrap();
    assert_eq!(p.report.failed(), 3, "the summary total is what the KPI counts");
    assert_eq!(p.report.policies[0].failure_details[0].failed_session_count, 5);
    assert_eq!(p.warnings[0].kind, WarningKind::TotalsMismatch { summary: 3, details: 5 });
    assert!(p.warnings[0].to_string().contains("is 3 but failure-details add up to 5"));
}

#[test]
fn unknown_result_and_policy_types_are_kept() {
    let mut v = base();
    detail(&mut v)["result-type"] = json!("quantum-tunnel-collapse");
    policy(&mut v)["policy-type"] = json!("future-policy");
    let p = parse(&v).unwrap();
    assert_eq!(p.report.policies[0].failure_details[0].result_type.as_str(), "quantum-tunnel-collapse");
    assert_eq!(p.report.policies[0].policy.policy_type.as_str(), "future-policy");
    let kinds: Vec<_> = p.warnings.into_iter().map(|w| w.kind).collect();
    assert!(kinds.contains(&WarningKind::UnknownResultType("quantum-tunnel-collapse".into())));
    assert!(kinds.contains(&WarningKind::UnknownPolicyType("future-policy".into())));
}

#[test]
fn free_text_reason_code() {
    let w = warnings_after(|v| detail(v)["failure-reason-code"] = json!("bad https response code: 404"));
    assert_eq!(w, vec![WarningKind::FreeTextReasonCode]);
    let w = warnings_after(|v| detail(v)["failure-reason-code"] = json!("X509_V_ERR_CERT_HAS_EXPIRED"));
    assert!(w.is_empty());
}

#[test]
fn utf8_byte_order_mark() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(serde_json::to_vec(&base()).unwrap());
    let p = parse_report(&bytes).unwrap();
    assert_eq!(p.warnings[0].kind, WarningKind::ByteOrderMark);
    assert_eq!(p.report.successful(), 100);
}

#[test]
fn legacy_field_names_and_unknown_fields() {
    let w = warnings_after(|v| {
        let d = detail(v).as_object_mut().unwrap();
        d.insert("failure-error-code".into(), json!("X509_V_ERR_CERT_HAS_EXPIRED"));
        v["x-vendor"] = json!({"a": 1});
    });
    assert!(w.iter().any(|k| matches!(k, WarningKind::LegacyFieldName { standard: "failure-reason-code", .. })));
    assert!(w.contains(&WarningKind::UnknownField("x-vendor".into())));
}

fn error_after(edit: impl FnOnce(&mut Value)) -> ReportError {
    let mut v = base();
    edit(&mut v);
    parse(&v).expect_err("should be rejected")
}

#[test]
fn nonsense_is_an_error_naming_the_field() {
    assert_eq!(parse_report(b"[1, 2]").unwrap_err(), ReportError::NotAnObject { found: "an array" });
    let e = error_after(|v| {
        v.as_object_mut().unwrap().remove("policies");
    });
    assert_eq!(e.to_string(), "required field policies is missing");
    let e = error_after(|v| {
        v.as_object_mut().unwrap().remove("date-range");
    });
    assert_eq!(e.to_string(), "required field date-range is missing");
    let e = error_after(|v| v["policies"][0]["summary"]["total-successful-session-count"] = json!(-1));
    assert_eq!(e.to_string(), "policies[0].summary.total-successful-session-count is -1, which is negative");
    let e = error_after(|v| detail(v)["failed-session-count"] = json!(2.5));
    assert_eq!(
        e.to_string(),
        "policies[0].failure-details[0].failed-session-count is 2.5, which is not a whole number"
    );
    let e = error_after(|v| v["policies"][0]["summary"]["total-failure-session-count"] = json!(1e300));
    assert!(e.to_string().ends_with("which is out of range"), "{e}");
    let e = error_after(|v| v["policies"][0]["summary"]["total-failure-session-count"] = json!(u64::MAX));
    assert!(e.to_string().ends_with("which is out of range"), "{e}");
    let e = error_after(|v| v["policies"] = json!({"a": 1}));
    assert_eq!(e.to_string(), "policies should be an array but is an object");
    let e = error_after(|v| v["organization-name"] = json!(42));
    assert_eq!(e.to_string(), "organization-name should be a string but is a number");
    let e = error_after(|v| v["date-range"]["end-datetime"] = json!("last tuesday"));
    assert_eq!(e.to_string(), "date-range.end-datetime \"last tuesday\" is not a date-time");
}

#[test]
fn json_syntax_errors_carry_line_and_column() {
    let e = parse_report(b"{\n  \"policies\": [\n    {\"policy\": }\n  ]\n}").unwrap_err();
    match e {
        ReportError::Syntax { line, column, .. } => assert_eq!((line, column), (3, 16)),
        other => panic!("expected a syntax error, got {other:?}"),
    }
    let e = parse_report(b"\xff\xfe{}").unwrap_err();
    assert!(matches!(e, ReportError::Syntax { .. }));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(parse_report(deep.as_bytes()), Err(ReportError::Syntax { .. })));
}
