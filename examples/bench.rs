//! Native ingest benchmark: sniff, decompress, unpack containers, parse,
//! de-duplicate and aggregate a corpus made by gen_corpus.py; then the
//! reading alone (what a worker does), without the merge.
//!
//! `cargo run --release --example bench -- CORPUS_DIR [RUNS]` (see scripts/bench).
//! Files are read into memory first, so the timing is the pipeline alone.

use std::time::Instant;

use tlsrpt_viewer::analysis::{Dataset, FileResult, Overview};
use tlsrpt_viewer::engine::{ingest_encoded, merge_answer};
use tlsrpt_viewer::ingest::Limits;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: bench CORPUS_DIR [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let files_dir = std::path::Path::new(&dir).join("files");
    let mut names: Vec<_> = std::fs::read_dir(&files_dir).expect("corpus/files").map(|e| e.unwrap().path()).collect();
    names.sort();
    let files: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(p).unwrap()))
        .collect();
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    let mut best = f64::MAX;
    let mut summary = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut data = Dataset::new();
        let mut found = 0;
        for (name, b) in &files {
            found += data.add_file(name, b).reports;
        }
        let ov = Overview::compute(&data);
        let secs = t.elapsed().as_secs_f64();
        best = best.min(secs);
        summary = format!(
            "{} files, {:.1} MB, {} reports found, {} unique, {} successful / {} failed sessions",
            files.len(),
            bytes as f64 / 1e6,
            found,
            ov.kpis.reports,
            ov.kpis.totals.successful,
            ov.kpis.totals.failed
        );
        std::hint::black_box(ov);
    }
    let found: f64 =
        summary.split(", ").nth(2).and_then(|s| s.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0.0);
    println!("{summary}");
    println!("best of {runs}: {:.3} s, {:.0} reports/s, {:.1} MB/s", best, found / best, bytes as f64 / 1e6 / best);

    // The reading alone, what an ingest worker does with each file: sniff,
    // containers, the lenient parse with its warnings; no merge. Each file's
    // result is dropped, as the baseline drops its reports.
    let limits = Limits::default();
    let mut read_best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        for (name, b) in &files {
            std::hint::black_box(FileResult::read(name, b, &limits));
        }
        read_best = read_best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "reading alone (sniff, containers, lenient parse and warnings; no merge), best of {runs}: {:.3} s, {:.0} reports/s",
        read_best,
        found / read_best
    );

    // The page's side of a load through the workers: their answers (made
    // here first) decoded and merged in order, as the main thread does.
    let answers: Vec<Vec<u8>> = files.iter().map(|(name, b)| ingest_encoded(name, b)).collect();
    let mut merge_best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let mut data = Dataset::new();
        for answer in &answers {
            merge_answer(&mut data, answer.clone());
        }
        merge_best = merge_best.min(t.elapsed().as_secs_f64());
        std::hint::black_box(data);
    }
    println!(
        "the page's merge of the workers' answers (decode, de-duplicate, index), best of {runs}: {merge_best:.3} s"
    );
}
