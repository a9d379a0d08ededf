//! The views' costs at scale, natively: the overview, a domain filter, the
//! findings, over a corpus made by gen_corpus.py.
//!
//! `cargo run --release --example bench_views -- CORPUS_DIR` (see scripts/bench).

use std::time::Instant;

use tlsrpt_viewer::analysis::{findings, Dataset, Filter, Overview};
use tlsrpt_viewer::check::policy_insights;

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    println!("{what}: {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    out
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: bench_views CORPUS_DIR");
        std::process::exit(2);
    };
    let mut data = Dataset::new();
    let mut names: Vec<_> = std::fs::read_dir(std::path::Path::new(&dir).join("files"))
        .expect("corpus/files")
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    for p in &names {
        let bytes = std::fs::read(p).expect("readable corpus file");
        data.add_file(&p.file_name().unwrap_or_default().to_string_lossy(), &bytes);
    }
    println!("{} unique reports", data.reports().len());
    let all = timed("overview", || Overview::compute(&data));
    timed("  the same by scanning every report", || Overview::scan(&data, &Filter::default()));
    timed("findings", || findings::findings(&data));
    // What merging keeps up to date report by report, gathered here in one go.
    timed("policy history of every report, gathered and judged", || policy_insights(data.report_models()));
    for (what, row) in [("busiest domain", 0), ("quietest domain", all.domains.len().saturating_sub(1))] {
        let Some(d) = all.domains.get(row) else { continue };
        let filter = Filter { domain: Some(d.domain.to_string()), ..Filter::default() };
        let ov =
            timed(&format!("filtered to the {what} ({} reports)", d.reports), || Overview::filtered(&data, &filter));
        std::hint::black_box(ov);
        timed("  the same by scanning every report", || Overview::scan(&data, &filter));
    }
    if let Some(o) = all.orgs.first() {
        let filter = Filter { org: Some(o.org.to_string()), ..Filter::default() };
        timed(&format!("filtered to the busiest organization ({} reports)", o.reports), || {
            Overview::filtered(&data, &filter)
        });
    }
}
