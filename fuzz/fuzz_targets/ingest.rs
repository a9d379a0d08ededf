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
    let outcome = set.add_file("fuzz", data);
    assert_eq!(outcome.status() == Status::Error, outcome.reports == 0);
    let _ = Overview::compute(&set);
    let _ = tlsrpt_viewer::check::check(&String::from_utf8_lossy(data));
});
