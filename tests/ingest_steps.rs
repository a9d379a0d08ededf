//! One walking path: stepping a file's job one unit at a time (what the
//! browser does between time slices) finds exactly what one-shot extraction
//! finds, for every fixture and every kind of container; and a spent
//! decompression budget ends the walk the same way at the top level and nested.

mod common;

use tlsrpt_viewer::ingest::build::zip;
use tlsrpt_viewer::ingest::{extract, Extracted, IngestError, Job, Limits};

/// Payloads (origin, bytes), then skipped parts, errors and notes, each as text.
type Found = (Vec<(String, Vec<u8>)>, Vec<String>, Vec<String>, Vec<String>);

/// Everything an extraction found, in a comparable form.
fn summary(x: &Extracted) -> Found {
    (
        x.payloads.iter().map(|p| (p.origin.clone(), p.json.clone())).collect(),
        x.skipped.iter().map(|s| format!("{}|{}", s.origin, s.what)).collect(),
        x.errors.iter().map(|e| format!("{}|{}", e.origin, e.what)).collect(),
        x.notes.iter().map(|n| format!("{}|{}", n.origin, n.what)).collect(),
    )
}

fn stepwise(bytes: &[u8], limits: &Limits) -> Extracted {
    let mut job = Job::new(bytes, limits);
    let mut all = Extracted::default();
    let mut steps = 0;
    while !job.is_done() {
        let x = job.step(1);
        all.payloads.extend(x.payloads);
        all.skipped.extend(x.skipped);
        all.errors.extend(x.errors);
        all.notes.extend(x.notes);
        steps += 1;
        assert!(steps <= 10_000_000, "the job never ends");
    }
    all
}

fn same_both_ways(name: &str, bytes: &[u8], limits: &Limits) -> usize {
    let once = extract(bytes, limits);
    let steps = stepwise(bytes, limits);
    assert_eq!(summary(&once), summary(&steps), "{name}: step(1) differs from one-shot extraction");
    once.payloads.len()
}

#[test]
fn stepping_one_unit_at_a_time_finds_what_one_shot_finds() {
    let limits = Limits::default();
    let mut payloads = 0;
    for (name, bytes) in common::fixtures().iter().chain(common::containers().iter()) {
        payloads += same_both_ways(name, bytes, &limits);
    }
    assert!(payloads > 100, "only {payloads} payloads: the containers were not read");
    // Tight budgets must cut both paths at the same place.
    let tight = Limits { max_inflated: 64 << 10, max_total_inflated: 256 << 10, ..Limits::default() };
    for (name, bytes) in common::containers() {
        same_both_ways(&name, &bytes, &tight);
    }
}

#[test]
fn stepping_a_generated_corpus_of_every_container() {
    let gen = std::path::Path::new("../shared/tools/gen_corpus.py");
    if !gen.is_file() {
        eprintln!("SKIPPED: ../shared/tools/gen_corpus.py is not present beside the repository");
        return;
    }
    let out = std::env::temp_dir().join(format!("tlsrpt-steps-{}", std::process::id()));
    let status = std::process::Command::new("python3")
        .arg(gen)
        .arg(&out)
        .args(["--reports", "300", "--seed", "7", "--dup-rate", "0.1"])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3 runs");
    assert!(status.success());
    let mut files = 0;
    for e in std::fs::read_dir(out.join("files")).unwrap() {
        let p = e.unwrap().path();
        same_both_ways(&p.display().to_string(), &std::fs::read(&p).unwrap(), &Limits::default());
        files += 1;
    }
    assert!(files > 10);
    std::fs::remove_dir_all(out).ok();
}

fn budget_errors(x: &Extracted) -> usize {
    x.errors.iter().filter(|e| matches!(e.what, IngestError::TotalTooLarge { .. })).count()
}

#[test]
fn a_spent_budget_ends_the_walk_top_level_and_nested_alike() {
    let big = vec![b' '; 100_000];
    let entries: Vec<(String, Vec<u8>)> = (0..20).map(|i| (format!("{i}.json"), big.clone())).collect();
    let refs: Vec<(&str, &[u8], bool)> = entries.iter().map(|(n, d)| (n.as_str(), d.as_slice(), true)).collect();
    let archive = zip(&refs);
    let nested = zip(&[("inner.zip", &archive, true)]);
    let limits = Limits { max_inflated: 1 << 20, max_total_inflated: 450_000, ..Limits::default() };
    for (name, bytes) in [("top", &archive), ("nested", &nested)] {
        let once = extract(bytes, &limits);
        assert_eq!(budget_errors(&once), 1, "{name}: the budget error is reported once");
        // Only the entries before the budget ran out were read (as skipped
        // whitespace): the walk stopped.
        assert!(once.skipped.len() <= 4, "{name}: {} entries read after the budget was spent", once.skipped.len());
        let steps = stepwise(bytes, &limits);
        assert_eq!(summary(&once), summary(&steps), "{name}");
    }
}
