//! Every finding rule, with a case where it fires and one where it must not.

use serde_json::{json, Value};
use tlsrpt_viewer::analysis::findings::{findings, Finding, Severity};
use tlsrpt_viewer::analysis::Dataset;

/// One report: `day` is a day number in January–March 2026 (1 = Jan 1).
fn rep(org: &str, day: i64, domain: &str, policy: Value, ok: u64, fails: &[(&str, u64, &str)]) -> Vec<u8> {
    let date = |d: i64| {
        let (m, dd) = if d <= 31 {
            (1, d)
        } else if d <= 59 {
            (2, d - 31)
        } else {
            (3, d - 59)
        };
        format!("2026-{m:02}-{dd:02}")
    };
    let total: u64 = fails.iter().map(|f| f.1).sum();
    let mut policy = policy;
    policy["policy-domain"] = json!(domain);
    serde_json::to_vec(&json!({
        "organization-name": org, "report-id": format!("{org}-{domain}-{day}-{}", policy["policy-type"]), "contact-info": "x@example.net",
        "date-range": {"start-datetime": format!("{}T00:00:00Z", date(day)), "end-datetime": format!("{}T23:59:59Z", date(day))},
        "policies": [{"policy": policy, "summary": {"total-successful-session-count": ok, "total-failure-session-count": total},
                      "failure-details": fails.iter().map(|(t, n, mx)| json!({"result-type": t, "failed-session-count": n, "receiving-mx-hostname": mx})).collect::<Vec<_>>()}]
    }))
    .unwrap()
}

fn sts(mode: &str) -> Value {
    json!({"policy-type": "sts", "policy-string": ["version: STSv1", format!("mode: {mode}"), "mx: mx.a.example", "max_age: 86400"]})
}

fn of_kind<'a>(f: &'a [Finding], kind: &str) -> Vec<&'a Finding> {
    f.iter().filter(|x| x.kind == kind).collect()
}

fn load(reports: Vec<Vec<u8>>) -> Vec<Finding> {
    let mut d = Dataset::new();
    for (i, r) in reports.iter().enumerate() {
        d.add_file(&format!("{i}.json"), r);
    }
    findings(&d)
}

/// `days` days of clean daily reports from Google for a.example.
fn clean(days: std::ops::RangeInclusive<i64>, mode: &str) -> Vec<Vec<u8>> {
    days.map(|d| rep("Google", d, "a.example", sts(mode), 100, &[])).collect()
}

#[test]
fn failing_domain_by_type_and_mx_ranks_first() {
    let mut r = clean(1..=10, "enforce");
    r.push(rep(
        "Microsoft",
        10,
        "b.example",
        sts("enforce"),
        90,
        &[("certificate-expired", 8, "mx1.b.example"), ("starttls-not-supported", 2, "mx2.b.example")],
    ));
    let f = load(r);
    let failing = of_kind(&f, "failing-domain");
    assert_eq!(failing.len(), 1);
    assert_eq!(f[0].kind, "failing-domain", "the failing domain comes first");
    assert_eq!(failing[0].severity, Severity::Critical, "failures in the last days are critical");
    assert_eq!(failing[0].domain.as_deref(), Some("b.example"));
    assert_eq!(failing[0].subject.as_deref(), Some("mx1.b.example"));
    assert_eq!(failing[0].result_type.as_deref(), Some("certificate-expired"));
    assert!(failing[0].evidence().contains("10 of 100 sessions failed (10.0 %)"), "{}", failing[0].evidence());
    assert_eq!(failing[0].filter().domain.as_deref(), Some("b.example"));
    // Not when nothing failed.
    assert!(of_kind(&load(clean(1..=10, "enforce")), "failing-domain").is_empty());
}

#[test]
fn a_failure_type_new_in_the_last_days() {
    let mut r = clean(1..=20, "enforce");
    r.push(rep("Google", 5, "a.example", sts("enforce"), 1, &[("certificate-expired", 1, "mx.a.example")]));
    r.push(rep("Microsoft", 18, "a.example", sts("enforce"), 1, &[("starttls-not-supported", 3, "mx.a.example")]));
    let f = load(r);
    let new = of_kind(&f, "new-failure-type");
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0].result_type.as_deref(), Some("starttls-not-supported"));
    // A type seen before the last days is not new.
    let mut r = clean(1..=20, "enforce");
    r.push(rep("Microsoft", 5, "a.example", sts("enforce"), 1, &[("starttls-not-supported", 1, "mx.a.example")]));
    r.push(rep("Microsoft", 18, "a.example", sts("enforce"), 1, &[("starttls-not-supported", 3, "mx.a.example")]));
    assert!(of_kind(&load(r), "new-failure-type").is_empty());
}

#[test]
fn ready_to_enforce_after_30_clean_testing_days() {
    let f = load(clean(1..=31, "testing"));
    assert_eq!(of_kind(&f, "ready-to-enforce").len(), 1);
    assert_eq!(of_kind(&f, "ready-to-enforce")[0].severity, Severity::Info);
    assert!(of_kind(&load(clean(1..=20, "testing")), "ready-to-enforce").is_empty(), "20 days are not enough");
    let mut r = clean(1..=31, "testing");
    r.push(rep("Microsoft", 25, "a.example", sts("testing"), 1, &[("certificate-expired", 1, "mx.a.example")]));
    assert!(of_kind(&load(r), "ready-to-enforce").is_empty(), "a recent failure");
}

#[test]
fn mode_none() {
    let mut r = clean(1..=5, "enforce");
    r.push(rep("Google", 6, "a.example", sts("none"), 10, &[]));
    let f = load(r);
    let none = of_kind(&f, "mode-none");
    assert_eq!(none.len(), 1);
    assert_eq!(none[0].title(), "a.example: the MTA-STS policy is in mode none");
    assert_eq!(none[0].evidence(), "the latest policy reporters saw, on 2026-01-06, says mode: none");
    assert!(none[0].action().starts_with("Mode none withdraws the policy"), "{}", none[0].action());
    let mut r = clean(2..=5, "enforce");
    r.push(rep("Google", 1, "a.example", sts("none"), 10, &[]));
    assert!(of_kind(&load(r), "mode-none").is_empty(), "mode none was replaced later");
}

#[test]
fn no_policy_found_despite_an_sts_policy() {
    let mut r = clean(1..=5, "enforce");
    r.push(rep("Mail.ru", 5, "a.example", json!({"policy-type": "no-policy-found"}), 7, &[]));
    let f = load(r);
    let found = of_kind(&f, "no-policy-despite-sts");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].evidence(), "7 sessions under no-policy-found");
    assert!(found[0].action().contains("https://mta-sts.a.example/.well-known/mta-sts.txt"), "{}", found[0].action());
    let r = vec![rep("Mail.ru", 5, "c.example", json!({"policy-type": "no-policy-found"}), 7, &[])];
    assert!(of_kind(&load(r), "no-policy-despite-sts").is_empty(), "a domain without MTA-STS");
}

#[test]
fn reporters_seeing_different_policies_on_one_day() {
    let r = vec![
        rep("Google", 3, "a.example", sts("enforce"), 10, &[]),
        rep("Microsoft", 3, "a.example", sts("testing"), 10, &[]),
    ];
    let f = load(r);
    let disagree = of_kind(&f, "reporters-disagree");
    assert_eq!(disagree.len(), 1);
    assert_eq!(disagree[0].title(), "a.example: reporters saw different MTA-STS policies on the same day");
    assert!(disagree[0].action().starts_with("Change the id in the _mta-sts TXT record"), "{}", disagree[0].action());
    let r = vec![
        rep("Google", 3, "a.example", sts("enforce"), 10, &[]),
        rep("Microsoft", 3, "a.example", sts("enforce"), 10, &[]),
    ];
    assert!(of_kind(&load(r), "reporters-disagree").is_empty());
}

#[test]
fn a_failing_mx_outside_the_policy() {
    let r = vec![rep(
        "Google",
        3,
        "a.example",
        sts("enforce"),
        10,
        &[("certificate-host-mismatch", 4, "backup.other.example")],
    )];
    let f = load(r);
    let mx = of_kind(&f, "mx-not-covered");
    assert_eq!(mx.len(), 1);
    assert_eq!(mx[0].filter().receiving_mx.as_deref(), Some("backup.other.example"));
    let r =
        vec![rep("Google", 3, "a.example", sts("enforce"), 10, &[("certificate-host-mismatch", 4, "mx.a.example")])];
    assert!(of_kind(&load(r), "mx-not-covered").is_empty());
}

#[test]
fn a_failing_mx_outside_the_policy_sums_over_reports_that_repeat_it() {
    // The same policy and hosts in every report, as reporters send them day
    // after day (each host's verdict is remembered once worked out): the
    // covered host never counts, the other's sessions add up, in either case.
    let fails: &[(&str, u64, &str)] = &[
        ("certificate-host-mismatch", 4, "backup.other.example"),
        ("certificate-expired", 2, "MX.a.example."),
        ("certificate-host-mismatch", 1, "Backup.Other.Example"),
    ];
    let r = (1..=3).map(|day| rep("Google", day, "a.example", sts("enforce"), 10, fails)).collect();
    let f = load(r);
    let mx = of_kind(&f, "mx-not-covered");
    assert_eq!(mx.len(), 1, "{mx:?}");
    assert_eq!(mx[0].filter().receiving_mx.as_deref(), Some("backup.other.example"));
    assert_eq!(mx[0].sessions, 15, "5 failed sessions a day for three days");
}

#[test]
fn a_reporter_gone_silent() {
    let mut r = clean(1..=20, "enforce");
    r.extend((1..=12).map(|d| rep("Microsoft", d, "a.example", sts("enforce"), 5, &[])));
    let f = load(r);
    let silent = of_kind(&f, "reporter-silent");
    assert_eq!(silent.len(), 1);
    assert_eq!(silent[0].subject.as_deref(), Some("Microsoft"));
    let mut r = clean(1..=20, "enforce");
    r.extend((1..=18).map(|d| rep("Microsoft", d, "a.example", sts("enforce"), 5, &[])));
    assert!(of_kind(&load(r), "reporter-silent").is_empty(), "two days is not silence");
}

#[test]
fn sessions_evaluated_under_several_policies() {
    let doc = json!({
        "organization-name": "Microsoft Corporation", "report-id": "m1",
        "date-range": {"start-datetime": "2026-01-01T00:00:00Z", "end-datetime": "2026-01-01T23:59:59Z"},
        "policies": [
            {"policy": {"policy-type": "sts", "policy-domain": "a.example"}, "summary": {"total-successful-session-count": 2, "total-failure-session-count": 0}},
            {"policy": {"policy-type": "tlsa", "policy-domain": "a.example"}, "summary": {"total-successful-session-count": 2, "total-failure-session-count": 0}}
        ]
    });
    let f = load(vec![serde_json::to_vec(&doc).unwrap()]);
    assert_eq!(of_kind(&f, "double-evaluated").len(), 1);
    assert!(of_kind(&load(clean(1..=2, "enforce")), "double-evaluated").is_empty());
}

#[test]
fn a_failure_rate_that_doubled() {
    let mut r = clean(1..=20, "enforce");
    r.push(rep("Microsoft", 3, "a.example", sts("enforce"), 99, &[("certificate-expired", 1, "mx.a.example")]));
    r.push(rep("Microsoft", 19, "a.example", sts("enforce"), 90, &[("certificate-expired", 10, "mx.a.example")]));
    assert_eq!(of_kind(&load(r), "failure-rate-rising").len(), 1);
    let mut r = clean(1..=20, "enforce");
    r.push(rep("Microsoft", 3, "a.example", sts("enforce"), 90, &[("certificate-expired", 10, "mx.a.example")]));
    r.push(rep("Microsoft", 19, "a.example", sts("enforce"), 90, &[("certificate-expired", 1, "mx.a.example")]));
    assert!(of_kind(&load(r), "failure-rate-rising").is_empty(), "the rate fell");
}

#[test]
fn the_all_clear_line_counts_failures_of_the_last_days_of_the_data() {
    use tlsrpt_viewer::analysis::{findings::all_clear, Overview};
    // Failures on day 10 only; the latest report is on day 40, so the last
    // seven days have none, and a report added on day 12 (merged last) must
    // not move "the last days" back.
    let mut d = Dataset::new();
    for (i, r) in [
        rep("a", 40, "a.example", sts("enforce"), 100, &[]),
        rep("a", 10, "a.example", sts("enforce"), 90, &[("certificate-expired", 5, "mx.a.example")]),
        rep("b", 12, "a.example", sts("enforce"), 80, &[]),
    ]
    .iter()
    .enumerate()
    {
        d.add_file(&format!("r{i}.json"), r);
    }
    let line = all_clear(&d, &Overview::compute(&d));
    assert!(line.contains("no failures in the last 7 days"), "{line}");
    // With a failure on the latest day, it is counted.
    d.add_file(
        "r3.json",
        &rep("c", 40, "a.example", sts("enforce"), 1, &[("starttls-not-supported", 3, "mx.a.example")]),
    );
    let line = all_clear(&d, &Overview::compute(&d));
    assert!(line.contains("3 failed sessions"), "{line}");
}

#[test]
fn the_setup_checkers_policy_pages_put_problems_first_and_cover_every_domain_once() {
    // Twelve quiet domains, one whose reporters disagree (a warning) and one
    // with a failing MX outside its policy (an error), and a domain without
    // a policy (nothing to show).
    let mut r: Vec<Vec<u8>> =
        (0..12).map(|i| rep("Google", 3, &format!("q{i:02}.example"), sts("enforce"), 10, &[])).collect();
    r.push(rep("Google", 3, "warn.example", sts("enforce"), 10, &[]));
    r.push(rep("Microsoft", 3, "warn.example", sts("testing"), 10, &[]));
    r.push(rep("Google", 4, "err.example", sts("enforce"), 10, &[("certificate-expired", 5, "mx.elsewhere.example")]));
    r.push(rep("Google", 4, "none.example", json!({"policy-type": "no-policy-found"}), 10, &[]));
    let mut d = Dataset::new();
    for (i, bytes) in r.iter().enumerate() {
        d.add_file(&format!("{i}.json"), bytes);
    }
    let facts = d.finding_facts();
    let all = facts.policy_insights();
    let (total, first) = facts.policy_page(0, 5);
    assert_eq!(total, all.len(), "the pages count what the whole list holds");
    assert_eq!(total, 14);
    assert_eq!(first.iter().map(|p| p.domain.as_str()).collect::<Vec<_>>()[..2], ["err.example", "warn.example"]);
    let mut seen = Vec::new();
    for start in (0..total).step_by(5) {
        let (n, page) = facts.policy_page(start, 5);
        assert_eq!(n, total);
        assert!(page.len() <= 5);
        seen.extend(page);
    }
    // Every domain once, judged as the whole list judges it.
    let mut by_name = seen.clone();
    by_name.sort_by(|a, b| a.domain.cmp(&b.domain));
    assert_eq!(by_name, all);
    assert!(facts.policy_page(total, 5).1.is_empty(), "past the end");
}

#[test]
fn judged_in_slices_of_any_size_the_findings_are_the_same() {
    use tlsrpt_viewer::analysis::findings::{judge, Judging};
    // Many domains, most with something to find: failures, testing and
    // none modes, no policy, MX outside the policy, quiet reporters.
    let mut reports = Vec::new();
    for i in 0..800 {
        let domain = format!("d{i:03}.example");
        let mode = ["enforce", "testing", "none"][i % 3];
        for day in 1..=32 {
            let fails: Vec<(&str, u64, &str)> = match (i % 4, day) {
                (0, 30..) => vec![("certificate-expired", 5 + (i % 7) as u64, "mx.a.example")],
                (1, _) => vec![("starttls-not-supported", 1, "mx.other.example")],
                _ => vec![],
            };
            reports.push(rep("Google", day, &domain, sts(mode), 100, &fails));
            if i % 5 == 0 && day < 10 {
                reports.push(rep("Microsoft", day, &domain, json!({"policy-type": "no-policy-found"}), 10, &[]));
            }
        }
    }
    let mut d = Dataset::new();
    for (i, r) in reports.iter().enumerate() {
        d.add_file(&format!("{i}.json"), r);
    }
    let whole = judge(d.finding_facts());
    // Enough that keeping a few prunes, several times (past 2n + 1024 found).
    assert!(whole.len() > 1500, "{} findings", whole.len());
    assert!(whole.iter().any(|f| f.severity == Severity::Info), "some findings are only information");
    for budget in [1, 7, 50, 799, 800, 801, 10_000] {
        let mut j = Judging::default();
        let mut steps = 0;
        while !j.step(d.finding_facts(), budget) {
            steps += 1;
            assert!(steps < 10_000, "judging in steps of {budget} ends");
        }
        assert_eq!(j.finish(), whole, "steps of {budget}");
        for n in [0, 1, 6, 100, whole.len(), whole.len() + 5] {
            // Kept few, the findings are pruned as they come (past 2n + 1024).
            let mut j = Judging::keeping(n);
            while !j.step(d.finding_facts(), budget) {}
            let judged = j.judged();
            assert_eq!(judged.total, whole.len());
            assert_eq!(judged.problems, whole.iter().filter(|f| f.severity != Severity::Info).count());
            assert_eq!(judged.first, whole[..n.min(whole.len())], "the first {n}, steps of {budget}");
        }
    }
    // Nothing loaded: nothing to judge, in one step.
    assert!(Judging::default().step(Dataset::new().finding_facts(), 5));
}
