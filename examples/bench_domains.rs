//! Aggregation at hosting-provider scale: 100,000 reports, each for its own
//! policy domain, with failures spread over a few MX hosts. Times one
//! overview, a filtered overview and the policy cross-checks; all must stay
//! O(n log n) (they used to be quadratic in the number of domains).
//!
//! `cargo run --release --example bench_domains -- [REPORTS]` (see scripts/bench).

use std::time::Instant;

use serde_json::json;
use tlsrpt_viewer::analysis::findings::{findings, Judging};
use tlsrpt_viewer::analysis::{Dataset, Filter, Overview};
use tlsrpt_viewer::check::policy_insights;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let mut data = Dataset::new();
    let t = Instant::now();
    for i in 0..n {
        let domain = format!("customer{i}.example");
        let org = ["Google Inc.", "Microsoft Corporation", "Mail.ru"][i % 3];
        let rtype =
            ["certificate-expired", "starttls-not-supported", "validation-failure", "certificate-host-mismatch"][i % 4];
        let doc = json!({
            "organization-name": org,
            "report-id": format!("r{i}"),
            "contact-info": "x@example.net",
            "date-range": {"start-datetime": format!("2026-01-{:02}T00:00:00Z", 1 + i % 28), "end-datetime": format!("2026-01-{:02}T23:59:59Z", 1 + i % 28)},
            "policies": [{
                "policy": {"policy-type": "sts", "policy-domain": domain,
                           "policy-string": ["version: STSv1", "mode: testing", format!("mx: mx{}.hosting.example", i % 7), "max_age: 86400"]},
                "summary": {"total-successful-session-count": 100, "total-failure-session-count": i % 5},
                "failure-details": if i % 5 == 0 { json!([]) } else { json!([{
                    "result-type": rtype,
                    "sending-mta-ip": format!("192.0.2.{}", i % 250), "receiving-mx-hostname": format!("mx{}.hosting.example", i % 11),
                    "receiving-ip": format!("198.51.100.{}", i % 200), "failed-session-count": i % 5}]) }
            }]
        });
        data.add_file(&format!("{i}.json"), &serde_json::to_vec(&doc).expect("json"));
    }
    let load = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let all = Overview::compute(&data);
    let overview = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let filter = Filter { result_type: Some("certificate-expired".into()), ..Filter::default() };
    let some = Overview::filtered(&data, &filter);
    let filtered = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let insights = policy_insights(data.report_models());
    let checks = t.elapsed().as_secs_f64();
    // What the page does with the history it kept while merging: judge the
    // findings at the end of a load, and show one page of the policy history.
    let t = Instant::now();
    let found = findings(&data);
    let judged = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (listed, _) = data.finding_facts().policy_page(0, 25);
    let paged = t.elapsed().as_secs_f64();
    // As the page judges them: in slices of 4,000 domains keeping the best
    // 500, then those ranked; the longest step is what holds the page.
    let mut judging = Judging::keeping(500);
    let mut longest = 0f64;
    loop {
        let t = Instant::now();
        let done = judging.step(data.finding_facts(), 4_000);
        longest = longest.max(t.elapsed().as_secs_f64());
        if done {
            break;
        }
    }
    let t = Instant::now();
    let first = judging.judged();
    let ranked = t.elapsed().as_secs_f64();
    let t = Instant::now();
    drop(first);
    let dropped = t.elapsed().as_secs_f64();
    println!(
        "{n} reports, {} domains ({} with certificate-expired): load {load:.2} s, overview {overview:.3} s, filtered overview {filtered:.3} s, policy cross-checks {checks:.3} s ({} domains checked)",
        all.kpis.domains, some.kpis.domains, insights.len()
    );
    println!(
        "from the kept history: findings {judged:.3} s ({} findings), a page of the policy history {paged:.3} s (of {listed} domains)",
        found.len()
    );
    println!("in slices of 4,000 domains keeping 500: the longest {longest:.4} s, then ranking them {ranked:.4} s (dropping them {dropped:.4} s)");
}
