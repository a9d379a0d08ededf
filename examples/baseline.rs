//! The floor for the native pipeline: only inflate and decode each file into
//! typed structs with serde_json (no containers beyond gzip and zip, no
//! leniency, no warnings, no de-duplication). `scripts/bench native` runs it
//! beside examples/bench.rs, so the lenient parser's overhead is visible.
//!
//! `cargo run --release --example baseline -- CORPUS_DIR [RUNS]`

#![allow(dead_code)]

use std::time::Instant;

use serde::Deserialize;
use tlsrpt_viewer::ingest::{gzip, zip};

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Report {
    organization_name: String,
    date_range: DateRange,
    contact_info: Option<String>,
    report_id: String,
    policies: Vec<PolicyResult>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct DateRange {
    start_datetime: String,
    end_datetime: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct PolicyResult {
    policy: Policy,
    summary: Summary,
    #[serde(default)]
    failure_details: Vec<FailureDetail>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Policy {
    policy_type: String,
    #[serde(default)]
    policy_string: Vec<String>,
    policy_domain: Option<String>,
    #[serde(default)]
    mx_host: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Summary {
    total_successful_session_count: u64,
    #[serde(default)]
    total_failure_session_count: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct FailureDetail {
    result_type: String,
    sending_mta_ip: Option<String>,
    receiving_mx_hostname: Option<String>,
    receiving_mx_helo: Option<String>,
    receiving_ip: Option<String>,
    failed_session_count: u64,
    additional_information: Option<String>,
    failure_reason_code: Option<String>,
}

fn decode(bytes: &[u8], out: &mut usize) {
    match bytes.first() {
        Some(0x1f) => decode(&gzip::gunzip(bytes, 64 << 20).expect("gzip"), out),
        Some(b'P') => {
            for e in zip::entries(bytes, 1_000_000).expect("zip") {
                decode(&zip::read(bytes, &e, 64 << 20).expect("entry"), out);
            }
        }
        _ => {
            let r: Report = serde_json::from_slice(bytes).expect("a report");
            std::hint::black_box(&r);
            *out += 1;
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: baseline CORPUS_DIR [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let files: Vec<Vec<u8>> = std::fs::read_dir(std::path::Path::new(&dir).join("files"))
        .expect("corpus/files")
        .map(|e| std::fs::read(e.expect("entry").path()).expect("read"))
        .collect();
    let bytes: usize = files.iter().map(Vec::len).sum();
    let mut best = f64::MAX;
    let mut reports = 0;
    for _ in 0..runs {
        let t = Instant::now();
        reports = 0;
        for f in &files {
            decode(f, &mut reports);
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("{} files, {:.1} MB, {reports} reports decoded", files.len(), bytes as f64 / 1e6);
    println!(
        "best of {runs}: {best:.3} s, {:.0} reports/s, {:.1} MB/s (inflate + typed serde_json only)",
        reports as f64 / best,
        bytes as f64 / 1e6 / best
    );
}
