//! The command-line tool against independent truth: generated corpora's
//! expected.json (when ../shared is there) and the in-repo fixtures' golden
//! numbers; its streaming exports read back with a real CSV parser.

mod common;

use std::path::Path;
use std::process::Command;

fn tlsrpt(args: &[&str]) -> (String, String, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_tlsrpt")).args(args).output().expect("the CLI runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

/// Unique reports and session totals of the in-repo fixtures, by the golden file.
fn golden_totals() -> (usize, u128, u128) {
    let golden: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/fixtures/real-expected.json").unwrap()).unwrap();
    let mut unique = std::collections::BTreeMap::new();
    for (name, _) in common::fixtures() {
        for r in golden[&name].as_array().unwrap() {
            let key = format!("{}|{}", r["organization"], r["report_id"]);
            unique.insert(key, (r["successful"].as_u64().unwrap(), r["failed"].as_u64().unwrap()));
        }
    }
    let ok = unique.values().map(|v| u128::from(v.0)).sum();
    let failed = unique.values().map(|v| u128::from(v.1)).sum();
    (unique.len(), ok, failed)
}

#[test]
fn totals_of_the_fixtures_as_json() {
    let (stdout, stderr, ok) = tlsrpt(&["--json", "tests/fixtures/real"]);
    assert!(ok, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let (reports, successful, failed) = golden_totals();
    assert_eq!(v["unique_reports"], reports);
    assert_eq!(v["total_successful"].as_str().unwrap().parse::<u128>().unwrap(), successful);
    assert_eq!(v["total_failed"].as_str().unwrap().parse::<u128>().unwrap(), failed);
    let (text, _, ok) = tlsrpt(&["tests/fixtures/real"]);
    assert!(ok && text.contains("Findings") && text.contains("policy domain"), "{text}");
}

#[test]
fn streaming_exports_hold_every_unique_report() {
    let (reports, _, failed) = golden_totals();
    let (csv_text, stderr, ok) = tlsrpt(&["--format", "parsedmarc-csv", "tests/fixtures/real"]);
    assert!(ok, "{stderr}");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(header.iter().collect::<Vec<_>>(), tlsrpt_viewer::analysis::parsedmarc::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row")).collect();
    // Summary rows (empty result_type) carry each policy's failed sessions; the
    // session rule does not apply in a per-policy export, so compare with the
    // summaries summed per report under it only where a report has one policy per domain.
    let ids: std::collections::BTreeSet<(String, String)> =
        rows.iter().map(|r| (r[0].to_owned(), r[3].to_owned())).collect();
    assert_eq!(ids.len(), reports, "one report per unique (organization, report-id)");
    let summary_failed: u128 = rows.iter().filter(|r| r[4].is_empty()).map(|r| r[6].parse::<u128>().unwrap()).sum();
    assert!(summary_failed >= failed, "every policy's failures are there");
    let (nd, _, ok) = tlsrpt(&["--format", "ndjson", "tests/fixtures/real"]);
    assert!(ok);
    assert_eq!(nd.lines().count(), reports);
    for line in nd.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("one JSON object per line");
        assert!(v["policies"].is_array() && v["report_id"].is_string());
    }
    let (pj, _, ok) = tlsrpt(&["--format", "parsedmarc-json", "tests/fixtures/real"]);
    assert!(ok);
    let all: serde_json::Value = serde_json::from_str(&pj).expect("a JSON array");
    assert_eq!(all.as_array().unwrap().len(), reports);
}

#[test]
fn a_generated_corpus_matches_its_expected_json() {
    let gen = Path::new("../shared/tools/gen_corpus.py");
    if !gen.is_file() {
        eprintln!("SKIPPED: ../shared/tools/gen_corpus.py is not present beside the repository");
        return;
    }
    let dir = std::env::temp_dir().join(format!("tlsrpt-cli-{}", std::process::id()));
    let status = Command::new("python3")
        .arg(gen)
        .arg(&dir)
        .args(["--reports", "400", "--seed", "61", "--dup-rate", "0.15"])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let files = dir.join("files");
    let (stdout, stderr, ok) = tlsrpt(&["--json", files.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["unique_reports"], expected["unique_reports"]);
    assert_eq!(v["total_successful"].as_str().unwrap(), expected["total_successful"].to_string());
    assert_eq!(v["total_failed"].as_str().unwrap(), expected["total_failed"].to_string());
    for (domain, want) in expected["by_domain"].as_object().unwrap() {
        assert_eq!(v["by_domain"][domain]["successful"], want["successful"], "{domain}");
        assert_eq!(v["by_domain"][domain]["failed"], want["failed"], "{domain}");
    }
    for (t, n) in expected["by_result_type"].as_object().unwrap() {
        assert_eq!(&v["by_result_type"][t], n, "{t}");
    }
    let (nd, _, ok) = tlsrpt(&["--format", "ndjson", files.to_str().unwrap()]);
    assert!(ok);
    assert_eq!(nd.lines().count() as u64, expected["unique_reports"].as_u64().unwrap(), "duplicates are streamed once");
    std::fs::remove_dir_all(dir).ok();
}
