//! Corpora from ../shared/tools/gen_corpus.py, in every container (json, gz,
//! eml, mbox, zip), must give exactly the totals and rows of their expected.json.
//! Skipped with a message when ../shared is not beside the repository.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use tlsrpt_viewer::analysis::{Dataset, Overview, Status};

const GEN: &str = "../shared/tools/gen_corpus.py";

#[derive(Deserialize, Debug, PartialEq, Eq)]
struct Sessions {
    successful: u128,
    failed: u128,
}

#[derive(Deserialize, Debug, PartialEq, Eq)]
struct OrgExpect {
    reports: usize,
    successful: u128,
    failed: u128,
}

#[derive(Deserialize)]
struct Expected {
    unique_reports: usize,
    duplicate_deliveries: usize,
    total_successful: u128,
    total_failed: u128,
    by_domain: BTreeMap<String, Sessions>,
    by_organization: BTreeMap<String, OrgExpect>,
    by_result_type: BTreeMap<String, u128>,
    by_policy_type: BTreeMap<String, Sessions>,
    by_day: BTreeMap<String, Sessions>,
    file_contents: BTreeMap<String, Vec<(String, String)>>,
}

fn generate(name: &str, args: &[&str]) -> Option<PathBuf> {
    if !Path::new(GEN).is_file() {
        eprintln!("SKIPPED: {GEN} is not present beside the repository");
        return None;
    }
    let out = std::env::temp_dir().join(format!("tlsrpt-gen-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new("python3").arg(GEN).arg(&out).args(args).status().expect("python3 runs");
    assert!(status.success(), "gen_corpus failed");
    Some(out)
}

fn check_corpus(dir: &Path) {
    let expected: Expected =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let mut names: Vec<String> =
        std::fs::read_dir(dir.join("files")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert!(!names.is_empty());
    let mut data = Dataset::new();
    let mut deliveries = 0;
    for name in &names {
        let bytes = std::fs::read(dir.join("files").join(name)).unwrap();
        let o = data.add_file(name, &bytes);
        assert_ne!(o.status(), Status::Error, "{name}: {:?}", o.reason());
        let want = &expected.file_contents[name];
        assert_eq!(o.reports, want.len(), "reports in {name}");
        deliveries += o.reports;
    }
    let ov = Overview::compute(&data);
    assert_eq!(ov.kpis.reports, expected.unique_reports);
    // Deliveries the generator wrote over each other (same name twice) are not on disk.
    assert_eq!(data.duplicate_count(), deliveries - expected.unique_reports);
    assert!(data.duplicate_count() <= expected.duplicate_deliveries);
    assert_eq!(ov.kpis.totals.successful, expected.total_successful);
    assert_eq!(ov.kpis.totals.failed, expected.total_failed);
    let domains: BTreeMap<String, Sessions> = ov
        .domains
        .iter()
        .map(|d| (d.domain.to_string(), Sessions { successful: d.totals.successful, failed: d.totals.failed }))
        .collect();
    assert_eq!(domains, expected.by_domain);
    let orgs: BTreeMap<String, OrgExpect> = ov
        .orgs
        .iter()
        .map(|o| {
            (
                o.org.to_string(),
                OrgExpect { reports: o.reports, successful: o.totals.successful, failed: o.totals.failed },
            )
        })
        .collect();
    assert_eq!(orgs, expected.by_organization);
    let types: BTreeMap<String, u128> = ov.result_types.iter().map(|t| (t.result_type.clone(), t.sessions)).collect();
    assert_eq!(types, expected.by_result_type);
    // The timeline has every day between the first and last; compare the days with data.
    let days: BTreeMap<String, Sessions> = ov
        .timeline
        .iter()
        .filter(|d| d.totals.sessions() > 0 || expected.by_day.contains_key(&d.day.to_string()))
        .map(|d| (d.day.to_string(), Sessions { successful: d.totals.successful, failed: d.totals.failed }))
        .collect();
    assert_eq!(days, expected.by_day);
    // Policy rows are split by MTA-STS mode; summed per type they match.
    let mut by_type: BTreeMap<String, Sessions> = BTreeMap::new();
    for p in &ov.policies {
        let t = p.key.split(' ').next().unwrap_or_default().to_owned();
        let e = by_type.entry(t).or_insert(Sessions { successful: 0, failed: 0 });
        e.successful += p.successful;
        e.failed += p.failed;
    }
    assert_eq!(by_type, expected.by_policy_type);
}

#[test]
fn every_container_seed_1() {
    if let Some(dir) = generate("all-1", &["--reports", "500", "--seed", "1"]) {
        check_corpus(&dir);
        std::fs::remove_dir_all(dir).ok();
    }
}

#[test]
fn every_container_seed_2() {
    if let Some(dir) = generate("all-2", &["--reports", "500", "--seed", "2", "--dup-rate", "0.2"]) {
        check_corpus(&dir);
        std::fs::remove_dir_all(dir).ok();
    }
}

#[test]
fn one_big_zip_and_one_big_mailbox() {
    if let Some(dir) =
        generate("zip", &["--reports", "1500", "--seed", "3", "--containers", "zip,mbox", "--batch", "1500"])
    {
        check_corpus(&dir);
        std::fs::remove_dir_all(dir).ok();
    }
}
