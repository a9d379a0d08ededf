//! Golden tests over real reports: every fixture loads with the report count
//! and session totals that an independent decoder (tests/tools/expected_real.py)
//! found in it.
//!
//! The in-repo fixtures always run. The shared corpus (`../shared/corpus/real`)
//! runs too when it is present beside the repository, and is skipped with a
//! message when it is not.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use tlsrpt_viewer::analysis::{Dataset, Status};

#[derive(Deserialize)]
struct Expected {
    organization: Option<String>,
    report_id: Option<String>,
    successful: u128,
    failed: u128,
}

fn expected() -> BTreeMap<String, Vec<Expected>> {
    let text = std::fs::read_to_string("tests/fixtures/real-expected.json").expect("golden file");
    serde_json::from_str(&text).expect("golden file is JSON")
}

fn is_fixture(name: &str) -> bool {
    [".json", ".json.gz", ".eml", ".elm"].iter().any(|s| name.ends_with(s)) && name != "expected.json"
}

/// Checks every fixture in `dir`; returns how many ran.
fn run_dir(dir: &Path) -> usize {
    let golden = expected();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| is_fixture(n))
        .collect();
    names.sort();
    let mut failures = Vec::new();
    for name in &names {
        let Some(want) = golden.get(name) else {
            failures.push(format!("{name}: no entry in tests/fixtures/real-expected.json (regenerate it)"));
            continue;
        };
        let bytes = std::fs::read(dir.join(name)).expect("read fixture");
        let mut data = Dataset::new();
        let outcome = data.add_file(name, &bytes).clone();
        if outcome.status() == Status::Error {
            failures.push(format!("{name}: status error: {:?}", outcome.reason()));
            continue;
        }
        if outcome.reports != want.len() {
            failures.push(format!("{name}: {} reports, expected {}", outcome.reports, want.len()));
            continue;
        }
        for (got, want) in data.reports().iter().zip(want) {
            let r = &got.report;
            if let Some(org) = &want.organization {
                if &r.organization_name != org {
                    failures.push(format!("{name}: organization {:?}, expected {org:?}", r.organization_name));
                }
            }
            if let Some(id) = &want.report_id {
                if &r.report_id != id {
                    failures.push(format!("{name}: report-id {:?}, expected {id:?}", r.report_id));
                }
            }
            if (r.successful(), r.failed()) != (want.successful, want.failed) {
                failures.push(format!(
                    "{name}: sessions {}/{}, expected {}/{}",
                    r.successful(),
                    r.failed(),
                    want.successful,
                    want.failed
                ));
            }
        }
    }
    assert!(failures.is_empty(), "golden mismatches:\n{}", failures.join("\n"));
    names.len()
}

#[test]
fn in_repo_fixtures_load_with_their_numbers() {
    let ran = run_dir(Path::new("tests/fixtures/real"));
    assert!(ran >= 25, "only {ran} fixtures ran");
}

#[test]
fn shared_real_corpus_loads_with_its_numbers() {
    let dir = Path::new("../shared/corpus/real");
    if !dir.is_dir() {
        eprintln!("SKIPPED: ../shared/corpus/real is not present beside the repository");
        return;
    }
    let ran = run_dir(dir);
    assert!(ran > 40, "only {ran} fixtures ran from the shared corpus");
}

#[test]
fn bundled_samples_all_load() {
    let mut data = Dataset::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    for s in tlsrpt_viewer::samples::SAMPLES {
        let bytes = std::fs::read(dir.join(s.name)).expect("a bundled sample is a fixture");
        let o = data.add_file(s.name, &bytes);
        assert_ne!(o.status(), Status::Error, "{}: {:?}", s.name, o.reason());
        assert!(o.reports >= 1, "{}", s.name);
    }
}
