//! Cross-checks of published policies against what reporters saw.

use serde_json::json;
use tlsrpt_viewer::analysis::Dataset;
use tlsrpt_viewer::check::{check, policy_insights, Severity};

fn sts_report(org: &str, id: &str, day: &str, mode: &str, mx: &[&str], failures: &[(&str, u64)]) -> Vec<u8> {
    let mut lines = vec!["version: STSv1".to_owned(), format!("mode: {mode}")];
    lines.extend(mx.iter().map(|m| format!("mx: {m}")));
    lines.push("max_age: 604800".into());
    let total: u64 = failures.iter().map(|f| f.1).sum();
    serde_json::to_vec(&json!({
        "organization-name": org, "report-id": id, "contact-info": "x@y.example",
        "date-range": {"start-datetime": format!("{day}T00:00:00Z"), "end-datetime": format!("{day}T23:59:59Z")},
        "policies": [{
            "policy": {"policy-type": "sts", "policy-domain": "example.com", "policy-string": lines, "mx-host": mx},
            "summary": {"total-successful-session-count": 10, "total-failure-session-count": total},
            "failure-details": failures.iter().map(|(host, n)| json!({
                "result-type": "certificate-host-mismatch", "sending-mta-ip": "192.0.2.1",
                "receiving-mx-hostname": host, "failed-session-count": n})).collect::<Vec<_>>()
        }]
    }))
    .unwrap()
}

fn day(n: u32) -> String {
    let (m, d) = if n <= 31 { (1, n) } else { (2, n - 31) };
    format!("2026-{m:02}-{d:02}")
}

#[test]
fn testing_policy_without_failures_for_30_days_is_ready_to_enforce() {
    let mut data = Dataset::new();
    for n in 1..=30 {
        data.add_file("r.json", &sts_report("Google", &format!("g{n}"), &day(n), "testing", &["*.example.com"], &[]));
    }
    let d = &policy_insights(data.report_models())[0];
    assert_eq!(d.domain, "example.com");
    assert_eq!(d.policies.len(), 1);
    assert_eq!(d.policies[0].reports, 30);
    assert!(
        d.insights.iter().any(|i| i.severity == Severity::Info && i.message.contains("ready for mode: enforce")),
        "{:?}",
        d.insights
    );

    // One failure in the window: not ready.
    data.add_file(
        "f.json",
        &sts_report("Google", "g-fail", &day(29), "testing", &["*.example.com"], &[("mx1.example.com", 1)]),
    );
    let d = &policy_insights(data.report_models())[0];
    assert!(!d.insights.iter().any(|i| i.message.contains("ready for mode: enforce")), "{:?}", d.insights);
}

#[test]
fn short_history_is_not_called_ready() {
    let mut data = Dataset::new();
    for n in 1..=10 {
        data.add_file("r.json", &sts_report("Google", &format!("g{n}"), &day(n), "testing", &["*.example.com"], &[]));
    }
    assert!(!policy_insights(data.report_models())[0].insights.iter().any(|i| i.message.contains("ready")));
}

#[test]
fn reporters_disagreeing_on_the_same_day_and_uncovered_mx() {
    let mut data = Dataset::new();
    data.add_file("a.json", &sts_report("Google", "g1", "2026-03-01", "enforce", &["mx1.example.com"], &[]));
    data.add_file("b.json", &sts_report("Microsoft", "m1", "2026-03-01", "testing", &["mx1.example.com"], &[]));
    data.add_file(
        "c.json",
        &sts_report(
            "Google",
            "g2",
            "2026-03-02",
            "enforce",
            &["mx1.example.com"],
            &[("mx2.example.com", 4), ("mx1.example.com", 1)],
        ),
    );
    let d = &policy_insights(data.report_models())[0];
    let msgs: Vec<&str> = d.insights.iter().map(|i| i.message.as_str()).collect();
    assert!(msgs.iter().any(|m| m.contains("On 2026-03-01 reporters saw different MTA-STS policies")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.starts_with("4 failed sessions went to mx2.example.com")), "{msgs:?}");
    assert!(!msgs.iter().any(|m| m.contains("went to mx1.example.com")), "covered hosts are fine: {msgs:?}");
    assert_eq!(d.policies.len(), 2, "two versions: enforce and testing");
}

#[test]
fn paste_verdicts() {
    assert!(check("v=TLSRPTv1; rua=mailto:tlsrpt@example.com").valid);
    let v = check("v=TLSRPTv1; ru=mailto:tlsrpt@example.com");
    assert!(!v.valid);
    assert!(v.findings[0].message.contains("did you mean"));
}
