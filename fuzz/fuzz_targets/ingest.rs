//! The whole ingest, bytes to reports: sniffing, every container, parsing,
//! de-duplication and aggregation. Any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlsrpt_viewer::analysis::{Dataset, Overview, Status};
use tlsrpt_viewer::ingest::Limits;

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; the code paths are the same.
    let limits = Limits { max_inflated: 1 << 20, max_total_inflated: 4 << 20, max_zip_entries: 1000, ..Limits::default() };
    let mut set = Dataset::with_limits(limits);
    let alone = set.add_file("fuzz", data).clone();
    if alone.status() == Status::Error {
        assert!(alone.reason().is_some_and(|r| !r.is_empty()), "an error row must say why");
    }
    // Independent truth by composition: the same bytes next to a known report
    // in a zip archive yield exactly one report more, and the input's
    // problems cannot take the neighbour down.
    let good: &[u8] = br#"{"organization-name":"F","report-id":"fuzz-neighbour","date-range":{"start-datetime":"2024-01-01T00:00:00Z","end-datetime":"2024-01-01T23:59:59Z"},"policies":[]}"#;
    let archive = tlsrpt_viewer::ingest::build::zip(&[("input", data, true), ("good.json", good, false)]);
    let mut fresh = Dataset::with_limits(set.limits().clone());
    let both = fresh.add_file("both.zip", &archive);
    if !both.problems.iter().any(|p| p.message.contains("in all (possible decompression bomb)")) {
        assert_eq!(both.reports, alone.reports + 1, "a neighbour's report was lost or one was invented");
    }
    let _ = Overview::compute(&set);
    let _ = tlsrpt_viewer::check::check(&String::from_utf8_lossy(data));
});
