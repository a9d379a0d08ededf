//! Aggregation, filters and exports on a small data set whose numbers can be
//! checked by reading it.

use serde_json::{json, Value};
use tlsrpt_viewer::analysis::export::{failures_csv, normalized_json, policies_csv};
use tlsrpt_viewer::analysis::{Dataset, Filter, Overview};
use tlsrpt_viewer::report::datetime::Day;

fn report(org: &str, id: &str, day: &str, policies: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "organization-name": org,
        "report-id": id,
        "contact-info": "x@example.net",
        "date-range": {"start-datetime": format!("{day}T00:00:00Z"), "end-datetime": format!("{day}T23:59:59Z")},
        "policies": policies,
    }))
    .unwrap()
}

fn sts(domain: &str, mode: &str, ok: u64, failed: Vec<(&str, u64, &str)>) -> Value {
    let total: u64 = failed.iter().map(|f| f.1).sum();
    json!({
        "policy": {"policy-type": "sts", "policy-domain": domain,
                   "policy-string": ["version: STSv1", format!("mode: {mode}"), format!("mx: mx.{domain}"), "max_age: 86400"],
                   "mx-host": [format!("mx.{domain}")]},
        "summary": {"total-successful-session-count": ok, "total-failure-session-count": total},
        "failure-details": failed.iter().map(|(t, n, ip)| json!({
            "result-type": t, "sending-mta-ip": ip, "receiving-mx-hostname": format!("mx.{domain}"),
            "receiving-ip": "192.0.2.9", "failed-session-count": n})).collect::<Vec<_>>(),
    })
}

/// Four reports over three days, two organizations, two domains.
fn data() -> Dataset {
    let mut d = Dataset::new();
    d.add_file(
        "a.json",
        &report(
            "Google",
            "g1",
            "2026-01-01",
            json!([sts("a.example", "enforce", 100, vec![("certificate-expired", 5, "198.51.100.1")])]),
        ),
    );
    d.add_file("b.json", &report("Google", "g2", "2026-01-03", json!([sts("b.example", "testing", 50, vec![])])));
    d.add_file(
        "c.json",
        &report(
            "Microsoft",
            "m1",
            "2026-01-03",
            json!([
                sts("a.example", "enforce", 30, vec![("starttls-not-supported", 2, "203.0.113.7"), ("certificate-expired", 1, "203.0.113.7")]),
                {"policy": {"policy-type": "no-policy-found", "policy-domain": "b.example"},
                 "summary": {"total-successful-session-count": 7, "total-failure-session-count": 0}}
            ]),
        ),
    );
    // The same report again, from another file: counted once.
    d.add_file("c-again.json", &report("Microsoft", "m1", "2026-01-03", json!([])));
    d
}

fn totals(o: &Overview) -> (usize, u128, u128) {
    (o.kpis.reports, o.kpis.totals.successful, o.kpis.totals.failed)
}

#[test]
fn unfiltered_overview() {
    let d = data();
    let o = Overview::compute(&d);
    assert_eq!(totals(&o), (3, 187, 8));
    assert_eq!(d.duplicate_count(), 1);
    assert_eq!((o.kpis.organizations, o.kpis.domains), (2, 2));
    let days: Vec<(String, u128, u128)> =
        o.timeline.iter().map(|r| (r.day.to_string(), r.totals.successful, r.totals.failed)).collect();
    assert_eq!(
        days,
        vec![("2026-01-01".into(), 100, 5), ("2026-01-02".into(), 0, 0), ("2026-01-03".into(), 87, 3)],
        "days in order, the empty day filled in"
    );
    let policies: Vec<(&str, u128, u128)> = o.policies.iter().map(|p| (&*p.key, p.successful, p.failed)).collect();
    assert_eq!(policies, vec![("sts (enforce)", 130, 8), ("sts (testing)", 50, 0), ("no-policy-found", 7, 0)]);
    let mx: Vec<(&str, u128)> = o.receiving_mx.iter().map(|r| (&*r.key, r.failed)).collect();
    assert_eq!(mx, vec![("mx.a.example", 8)]);
    let sending: Vec<(&str, u128, usize)> = o.sending_ip.iter().map(|r| (&*r.key, r.failed, r.entries)).collect();
    assert_eq!(sending, vec![("198.51.100.1", 5, 1), ("203.0.113.7", 3, 2)]);
    let types: Vec<(&str, u128, usize)> =
        o.result_types.iter().map(|t| (t.result_type.as_str(), t.sessions, t.details)).collect();
    assert_eq!(types, vec![("certificate-expired", 6, 2), ("starttls-not-supported", 2, 1)]);
    assert_eq!(o.failures.len(), 3);
    assert_eq!(o.reports, vec![0, 1, 2]);
}

#[test]
fn each_filter_narrows_every_view() {
    let d = data();
    let f = |filter: Filter| Overview::filtered(&d, &filter);

    let o = f(Filter { domain: Some("a.example".into()), ..Filter::default() });
    assert_eq!(totals(&o), (2, 130, 8));
    assert_eq!(o.domains.len(), 1);

    let o = f(Filter { org: Some("Google".into()), ..Filter::default() });
    assert_eq!(totals(&o), (2, 150, 5));
    assert_eq!(o.orgs.len(), 1);

    let o = f(Filter { policy: Some("sts (testing)".into()), ..Filter::default() });
    assert_eq!(totals(&o), (1, 50, 0));

    let o = f(Filter { result_type: Some("starttls-not-supported".into()), ..Filter::default() });
    assert_eq!(totals(&o), (1, 30, 3), "entries with that failure; KPIs sum their summaries");
    assert_eq!(o.failures.len(), 1, "detail views show only that type");
    assert_eq!(o.result_types.len(), 1);

    let o = f(Filter { problems_only: true, ..Filter::default() });
    assert_eq!(totals(&o), (2, 130, 8));

    let o = f(Filter { text: "198.51.100".into(), ..Filter::default() });
    assert_eq!(totals(&o), (1, 100, 5));

    let day = |s: &str| Some(Day::of(tlsrpt_viewer::report::datetime::parse_timestamp(s).unwrap().0));
    let o = f(Filter { from: day("2026-01-02"), ..Filter::default() });
    assert_eq!(totals(&o), (2, 87, 3));
    let o = f(Filter { to: day("2026-01-01"), ..Filter::default() });
    assert_eq!(totals(&o), (1, 100, 5));

    // Filters combine.
    let o = f(Filter { org: Some("Microsoft".into()), domain: Some("b.example".into()), ..Filter::default() });
    assert_eq!(totals(&o), (1, 7, 0));
    let o = f(Filter { org: Some("Nobody".into()), ..Filter::default() });
    assert_eq!(totals(&o), (0, 0, 0));
    assert!(o.timeline.is_empty());
}

/// Reads exported CSV with a real CSV reader: every row has every column,
/// and the column's values add up.
fn csv_column_sum(csv_text: &str, column: &str) -> (usize, u128) {
    let mut reader = csv::ReaderBuilder::new().from_reader(csv_text.as_bytes());
    let header = reader.headers().expect("a header row").clone();
    let i = header.iter().position(|h| h == column).expect("the column exists");
    let mut rows = 0;
    let mut sum = 0u128;
    for record in reader.records() {
        let record = record.expect("a well-formed CSV row");
        assert_eq!(record.len(), header.len(), "every row has every column");
        sum += record[i].parse::<u128>().expect("a count");
        rows += 1;
    }
    (rows, sum)
}

#[test]
fn exports_honour_the_filter_and_add_up() {
    let d = data();
    for filter in [Filter::default(), Filter { domain: Some("a.example".into()), ..Filter::default() }] {
        let o = Overview::filtered(&d, &filter);
        let p = policies_csv(&d, &filter);
        let (rows, ok) = csv_column_sum(&p, "total-successful-session-count");
        assert_eq!(ok, o.kpis.totals.successful);
        assert_eq!(rows, o.policies.iter().map(|b| b.entries).sum::<usize>());
        let (rows, failed) = csv_column_sum(&failures_csv(&d, &filter), "failed-session-count");
        assert_eq!(rows, o.failures.len());
        assert_eq!(failed, o.failures.iter().map(|r| u128::from(r.count)).sum::<u128>());
        let doc: Value = serde_json::from_str(&normalized_json(&d, &filter)).unwrap();
        let reports = doc["reports"].as_array().unwrap();
        assert_eq!(reports.len(), o.kpis.reports);
        let sum: u128 = reports
            .iter()
            .flat_map(|r| r["policies"].as_array().unwrap())
            .map(|p| u128::from(p["summary"]["total-failure-session-count"].as_u64().unwrap()))
            .sum();
        assert_eq!(sum, o.kpis.totals.failed);
        assert_eq!(doc["filter"], filter.to_hash());
    }
}

/// A Microsoft-style report: one domain evaluated under `sts` and `tlsa`, the
/// same 2 sessions under each, plus a `no-policy-found` entry without a domain.
fn double_evaluated() -> Dataset {
    let mut d = Dataset::new();
    let tlsa = json!({
        "policy": {"policy-type": "tlsa", "policy-domain": "a.example",
                   "policy-string": ["3 1 1 AAAA"]},
        "summary": {"total-successful-session-count": 2, "total-failure-session-count": 0}});
    let nodomain = json!({
        "policy": {"policy-type": "no-policy-found"},
        "summary": {"total-successful-session-count": 4, "total-failure-session-count": 1},
        "failure-details": [{"result-type": "validation-failure", "failed-session-count": 1,
                             "receiving-ip": "10.0.0.10"}]});
    let policies = json!([sts("a.example", "enforce", 2, vec![]), tlsa, nodomain]);
    d.add_file("ms.json", &report("Microsoft", "ms1", "2026-02-01", policies));
    d
}

#[test]
fn one_report_counts_a_domain_once_whatever_the_policies() {
    let d = double_evaluated();
    let o = Overview::compute(&d);
    // 2 sessions for a.example (not 4), plus the 4 + 1 of the entry without a domain.
    assert_eq!(totals(&o), (1, 6, 1));
    let a = o.domains.iter().find(|r| &*r.domain == "a.example").unwrap();
    assert_eq!((a.totals.successful, a.totals.failed, a.multi_policy_reports), (2, 0, 1));
    assert_eq!(o.orgs[0].totals.successful, 6);
    assert_eq!(o.timeline.iter().map(|r| r.totals.successful).sum::<u128>(), 6);
    // The per-policy breakdown still shows every entry.
    let by_policy: Vec<(&str, u128)> = o.policies.iter().map(|p| (&*p.key, p.successful)).collect();
    assert_eq!(by_policy, vec![("no-policy-found", 4), ("sts (enforce)", 2), ("tlsa", 2)]);
    // The entry without a domain is not a domain.
    assert_eq!(o.kpis.domains, 1);
    assert_eq!(o.result_types[0].domains, 0);
    assert_eq!(d.reports()[0].report.multi_policy_domains(), vec!["a.example".to_owned()]);
    // A policy filter keeps one of the two entries: it counts.
    let o = Overview::filtered(&d, &Filter { policy: Some("tlsa".into()), ..Filter::default() });
    assert_eq!(totals(&o), (1, 2, 0));
    // The CSV lists both entries and says which one counts.
    let csv_text = policies_csv(&d, &Filter::default());
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let counted: Vec<String> = reader.records().map(|r| r.unwrap()[13].to_owned()).collect();
    assert_eq!(counted, ["yes", "no", "yes"]);
}

#[test]
fn address_and_host_filters_match_exactly() {
    let mut d = data();
    d.add_file(
        "ip.json",
        &report(
            "Other",
            "o1",
            "2026-01-04",
            json!([sts("c.example", "enforce", 1, vec![("certificate-expired", 4, "198.51.100.10")])]),
        ),
    );
    let f = |filter: Filter| Overview::filtered(&d, &filter);
    let o = f(Filter { sending_ip: Some("198.51.100.1".into()), ..Filter::default() });
    assert_eq!(totals(&o), (1, 100, 5), "198.51.100.1 does not select 198.51.100.10");
    assert_eq!(o.failures.len(), 1);
    let o = f(Filter { sending_ip: Some("198.51.100.10".into()), ..Filter::default() });
    assert_eq!(totals(&o), (1, 1, 4));
    let o = f(Filter { receiving_mx: Some("MX.a.example.".into()), ..Filter::default() });
    assert_eq!(o.failures.len(), 3, "host names compare without case or trailing dot");
    let o = f(Filter {
        receiving_ip: Some("192.0.2.9".into()),
        result_type: Some("starttls-not-supported".into()),
        ..Filter::default()
    });
    assert_eq!(o.failures.len(), 1, "detail filters combine on the same detail");
    let o = f(Filter { receiving_mx: Some("a.example".into()), ..Filter::default() });
    assert_eq!(totals(&o), (0, 0, 0), "no substring matches");
    // The filter survives the URL hash.
    let filter =
        Filter { receiving_ip: Some("192.0.2.9".into()), sending_ip: Some("198.51.100.1".into()), ..Filter::default() };
    assert_eq!(Filter::from_hash(&filter.to_hash()), filter);
}
