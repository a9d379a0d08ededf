//! The index ([`tlsrpt_viewer::analysis::index`]) must give exactly the
//! overview the scan over every report gives ([`Overview::scan`], the
//! reference), under every filter a user can set: each domain, organization,
//! policy, result type, MX host and address the data holds, date ranges,
//! "problems only", combinations, and values that occur nowhere.

mod common;

use std::path::Path;
use std::process::Command;

use tlsrpt_viewer::analysis::{Dataset, Filter, Overview};
use tlsrpt_viewer::report::datetime::Day;

/// Every filter worth trying on `data`, built from what its overview shows.
fn filters(data: &Dataset) -> Vec<Filter> {
    let all = Overview::scan(data, &Filter::default());
    let mut out = vec![Filter::default(), Filter { problems_only: true, ..Filter::default() }];
    let one = |set: &dyn Fn(&mut Filter)| {
        let mut f = Filter::default();
        set(&mut f);
        f
    };
    for d in &all.domains {
        out.push(one(&|f| f.domain = Some(d.domain.to_string())));
        out.push(one(&|f| {
            f.domain = Some(d.domain.to_string());
            f.problems_only = true;
        }));
    }
    for o in &all.orgs {
        out.push(one(&|f| f.org = Some(o.org.to_string())));
    }
    for p in &all.policies {
        out.push(one(&|f| f.policy = Some(p.key.to_string())));
    }
    for t in &all.result_types {
        out.push(one(&|f| f.result_type = Some(t.result_type.clone())));
        if let Some(d) = all.domains.rows().first() {
            out.push(one(&|f| {
                f.result_type = Some(t.result_type.clone());
                f.domain = Some(d.domain.to_string());
            }));
        }
    }
    for r in &all.receiving_mx {
        out.push(one(&|f| f.receiving_mx = Some(r.key.to_string())));
        // Host filters ignore case and a trailing dot.
        out.push(one(&|f| f.receiving_mx = Some(format!("{}.", r.key.to_ascii_uppercase()))));
    }
    for r in &all.receiving_ip {
        out.push(one(&|f| f.receiving_ip = Some(r.key.trim().to_owned())));
    }
    for r in &all.sending_ip {
        out.push(one(&|f| {
            f.sending_ip = Some(r.key.trim().to_owned());
            f.problems_only = true;
        }));
    }
    let days: Vec<Day> = all.timeline.iter().map(|d| d.day).collect();
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        let mid = Day((first.0 + last.0) / 2);
        out.push(one(&|f| f.from = Some(mid)));
        out.push(one(&|f| f.to = Some(mid)));
        out.push(one(&|f| {
            f.from = Some(mid);
            f.to = Some(mid);
        }));
        if let Some(o) = all.orgs.first() {
            out.push(one(&|f| {
                f.org = Some(o.org.to_string());
                f.from = Some(mid);
                f.problems_only = true;
            }));
        }
    }
    out.push(one(&|f| f.domain = Some("nowhere.invalid".into())));
    out.push(one(&|f| f.org = Some("No Such Org".into())));
    out.push(one(&|f| f.result_type = Some("no-such-result".into())));
    out.push(one(&|f| f.receiving_mx = Some("no-such-mx.invalid".into())));
    out
}

fn check(data: &Dataset) -> usize {
    let fs = filters(data);
    for f in &fs {
        assert_eq!(Overview::filtered(data, f), Overview::scan(data, f), "filter {f:?}");
    }
    fs.len()
}

#[test]
fn index_equals_scan_on_the_real_fixtures() {
    let mut data = Dataset::new();
    for (name, bytes) in common::fixtures() {
        data.add_file(&name, &bytes);
    }
    assert!(data.index().len() == data.reports().len() && !data.index().is_empty());
    assert!(check(&data) > 40);
}

/// Reports that stress the rules: one domain under several policies in one
/// report (the session rule among the entries kept), domains and hosts in
/// mixed case with trailing dots, addresses with blanks, missing fields.
#[test]
fn index_equals_scan_on_awkward_reports() {
    let report = |id: &str, org: &str, day: &str, policies: &str| {
        format!(
            r#"{{"organization-name":"{org}","report-id":"{id}","date-range":{{"start-datetime":"{day}T00:00:00Z","end-datetime":"{day}T23:59:59Z"}},"policies":[{policies}]}}"#
        )
    };
    let policy = |ty: &str, domain: &str, ok: u64, bad: u64, details: &str| {
        format!(
            r#"{{"policy":{{"policy-type":"{ty}","policy-string":["version: STSv1","mode: testing"],"policy-domain":"{domain}"}},"summary":{{"total-successful-session-count":{ok},"total-failure-session-count":{bad}}},"failure-details":[{details}]}}"#
        )
    };
    let detail = |rt: &str, mx: &str, rip: &str, n: u64| {
        format!(
            r#"{{"result-type":"{rt}","sending-mta-ip":" 192.0.2.{n} ","receiving-mx-hostname":"{mx}","receiving-ip":"{rip}","failed-session-count":{n}}}"#
        )
    };
    let files = [
        report(
            "a",
            "Org A",
            "2026-01-01",
            &[
                policy(
                    "sts",
                    "Example.COM.",
                    10,
                    2,
                    &detail("certificate-expired", "MX1.example.com.", "198.51.100.1", 2),
                ),
                policy("tlsa", "example.com", 20, 0, ""),
                policy(
                    "no-policy-found",
                    "other.example",
                    5,
                    1,
                    &detail("starttls-not-supported", "mx.other.example", " 198.51.100.2", 1),
                ),
            ]
            .join(","),
        ),
        report(
            "b",
            "Org B",
            "2026-01-03",
            &[
                policy(
                    "sts",
                    "example.com",
                    7,
                    3,
                    &[
                        detail("certificate-expired", "mx1.example.com", "198.51.100.1", 3),
                        detail("validation-failure", "mx2.example.com", "", 0),
                    ]
                    .join(","),
                ),
                policy("sts", "", 1, 0, ""),
            ]
            .join(","),
        ),
        report(
            "c",
            "Org A",
            "2026-01-05",
            &policy("sts", "third.example", 0, 0, &detail("sts-webpki-invalid", "", "", 4)),
        ),
        report("d", "Org B", "2026-01-05", &policy("tlsa", "other.example", 3, 0, "")),
    ];
    let mut data = Dataset::new();
    for (i, f) in files.iter().enumerate() {
        data.add_file(&format!("r{i}.json"), f.as_bytes());
    }
    assert_eq!(data.reports().len(), 4);
    assert!(check(&data) > 30);
}

/// A generated corpus, when ../shared is beside the repository.
#[test]
fn index_equals_scan_on_a_generated_corpus() {
    let gen = "../shared/tools/gen_corpus.py";
    if !Path::new(gen).is_file() {
        eprintln!("SKIPPED: {gen} is not present beside the repository");
        return;
    }
    let out = std::env::temp_dir().join(format!("tlsrpt-index-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new("python3")
        .arg(gen)
        .arg(&out)
        .args(["--reports", "600", "--containers", "gz", "--seed", "7"])
        .status()
        .expect("python3 runs");
    assert!(status.success());
    let mut data = Dataset::new();
    let mut names: Vec<_> = std::fs::read_dir(out.join("files")).expect("files").flatten().map(|e| e.path()).collect();
    names.sort();
    for p in names {
        data.add_file(&p.to_string_lossy(), &std::fs::read(&p).expect("readable"));
    }
    assert!(data.reports().len() > 300);
    assert!(check(&data) > 50);
    let _ = std::fs::remove_dir_all(&out);
}
