//! Loads files natively and prints what the page would show per file.
//!
//! `cargo run --release --example summarize -- FILE...`

use tlsrpt_viewer::analysis::{Dataset, Overview};
use tlsrpt_viewer::format;

fn main() {
    let mut data = Dataset::new();
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                data.add_unreadable(&path, 0, &e.to_string());
                continue;
            }
        };
        let o = data.add_file(&path, &bytes);
        println!("{} [{}] reports={} dups={}", o.name, o.status().as_str(), o.reports, o.duplicates);
        for p in &o.problems {
            let sev = if p.is_error { "error" } else { "warn " };
            let at = if p.origin.is_empty() { String::new() } else { format!("{}: ", p.origin) };
            println!("   {sev} {at}{}", p.message);
        }
        for s in &o.skipped {
            println!("   skip  {}: {}", s.origin, s.what);
        }
    }
    let ov = Overview::compute(&data);
    let k = &ov.kpis;
    println!(
        "\nreports {}  orgs {}  domains {}  successful {}  failed {}  rate {}",
        format::count(k.reports as u64),
        k.organizations,
        k.domains,
        format::count(k.totals.successful),
        format::count(k.totals.failed),
        format::percent(k.totals.success_rate())
    );
}
