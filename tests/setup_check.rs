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

/// Reporters write the same policy in their own ways and their reports come
/// interleaved; merging remembers the policies it worked out lately, a
/// bounded number. With more variants than it keeps, in any order, the
/// history must be the one a fresh reading of each report gives.
#[test]
fn many_interleaved_policy_variants_give_the_same_history_in_any_order() {
    let mut files = Vec::new();
    for n in 1..=50u32 {
        let mx = format!("mx{}.example.com", n % 45);
        for (org, reversed) in [("Google", false), ("Microsoft", true)] {
            let mut bytes = sts_report(
                org,
                &format!("{org}{n}"),
                &day(1 + n % 28),
                "enforce",
                &[&mx, "*.example.com"],
                &[(&mx, 1)],
            );
            if reversed {
                // The same lines in another order: the same policy version.
                let text = String::from_utf8(bytes).unwrap();
                let first = format!("\"mx: {mx}\",\"mx: *.example.com\"");
                assert!(text.contains(&first), "{text}");
                bytes = text.replace(&first, &format!("\"mx: *.example.com\",\"mx: {mx}\"")).into_bytes();
            }
            files.push(bytes);
        }
    }
    let history = |order: &[&Vec<u8>]| {
        let mut data = Dataset::new();
        for f in order {
            data.add_file("r.json", f);
        }
        let d = policy_insights(data.report_models()).remove(0);
        let mut versions: Vec<_> = d.policies.iter().map(|p| (p.mx.clone(), p.reports, p.reporters.len())).collect();
        versions.sort();
        let mut insights: Vec<_> = d.insights.iter().map(|i| i.message.clone()).collect();
        insights.sort();
        (versions, insights)
    };
    let forward: Vec<&Vec<u8>> = files.iter().collect();
    let (versions, insights) = history(&forward);
    // 45 distinct mx lines, each version read by both reporters in both line orders.
    assert_eq!(versions.len(), 45, "{versions:?}");
    assert_eq!(versions.iter().map(|v| v.1).sum::<usize>(), 100);
    assert!(versions.iter().all(|v| v.2 == 2), "{versions:?}");
    let backward: Vec<&Vec<u8>> = files.iter().rev().collect();
    assert_eq!(history(&backward), (versions.clone(), insights.clone()));
    let mut grouped = forward.clone();
    grouped.sort_by_key(|f| f.len());
    assert_eq!(history(&grouped), (versions, insights));
}
