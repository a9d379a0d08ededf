//! `tlsrpt`: the viewer's engine on the command line, for loads that outgrow
//! a browser tab. Reads files, folders, mailboxes and archives (the same
//! ingest as the page), prints the page's totals and tables (text or
//! `--json`), or streams an export with memory bounded by the largest file.
//!
//! ```text
//! tlsrpt [--json] PATH...                    totals, tables and findings
//! tlsrpt --format FORMAT PATH... > out       stream an export:
//!        parsedmarc-json | parsedmarc-csv | ndjson
//! ```

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::run(std::env::args().skip(1).collect()));
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::collections::HashSet;
    use std::io::{self, BufWriter, Write};
    use std::path::{Path, PathBuf};

    use tlsrpt_viewer::analysis::findings::findings;
    use tlsrpt_viewer::analysis::{parsedmarc, Dataset, Overview, Status};
    use tlsrpt_viewer::engine::for_each_report;
    use tlsrpt_viewer::format;
    use tlsrpt_viewer::ingest::Limits;

    const USAGE: &str = "usage: tlsrpt [--json] PATH...\n       tlsrpt --format parsedmarc-json|parsedmarc-csv|ndjson PATH...\n\nReads SMTP TLS reports (RFC 8460) from files, folders, mailboxes and archives.\nWithout --format: prints totals, tables and findings (text, or JSON with --json).\nWith --format: streams every unique report to standard output.";

    #[derive(Clone, Copy, PartialEq)]
    enum Export {
        ParsedmarcJson,
        ParsedmarcCsv,
        Ndjson,
    }

    struct Args {
        json: bool,
        export: Option<Export>,
        paths: Vec<PathBuf>,
    }

    fn parse(args: Vec<String>) -> Result<Args, String> {
        let mut out = Args { json: false, export: None, paths: Vec::new() };
        let mut it = args.into_iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "-h" | "--help" => return Err(String::new()),
                "--json" => out.json = true,
                "--format" => {
                    out.export = Some(match it.next().as_deref() {
                        Some("parsedmarc-json") => Export::ParsedmarcJson,
                        Some("parsedmarc-csv") => Export::ParsedmarcCsv,
                        Some("ndjson") => Export::Ndjson,
                        other => return Err(format!("unknown --format {:?}", other.unwrap_or(""))),
                    })
                }
                s if s.starts_with("--") => return Err(format!("unknown option {s}")),
                _ => out.paths.push(PathBuf::from(a)),
            }
        }
        if out.paths.is_empty() {
            return Err("no file or folder given".into());
        }
        Ok(out)
    }

    /// Every file under the given paths, folders walked in name order.
    fn files(paths: &[PathBuf]) -> Vec<PathBuf> {
        fn walk(p: &Path, out: &mut Vec<PathBuf>) {
            if p.is_dir() {
                let mut entries: Vec<PathBuf> = match std::fs::read_dir(p) {
                    Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                    Err(e) => {
                        eprintln!("{}: {e}", p.display());
                        return;
                    }
                };
                entries.sort();
                for e in entries {
                    walk(&e, out);
                }
            } else {
                out.push(p.to_owned());
            }
        }
        let mut out = Vec::new();
        for p in paths {
            walk(p, &mut out);
        }
        out
    }

    pub fn run(args: Vec<String>) -> i32 {
        let args = match parse(args) {
            Ok(a) => a,
            Err(e) if e.is_empty() => {
                println!("{USAGE}");
                return 0;
            }
            Err(e) => {
                eprintln!("tlsrpt: {e}\n{USAGE}");
                return 2;
            }
        };
        let files = files(&args.paths);
        let result = match args.export {
            Some(export) => stream(&files, export),
            None => summarize(&files, args.json),
        };
        match result {
            Ok(code) => code,
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
            Err(e) => {
                eprintln!("tlsrpt: {e}");
                1
            }
        }
    }

    /// Streams every unique report; memory holds one file and the set of
    /// report keys seen (16 bytes each), never the reports already written.
    fn stream(files: &[PathBuf], export: Export) -> io::Result<i32> {
        let out = io::stdout();
        let mut out = BufWriter::with_capacity(1 << 16, out.lock());
        let mut seen: HashSet<u128> = HashSet::new();
        let mut first = true;
        let (mut written, mut errors) = (0usize, 0usize);
        match export {
            Export::ParsedmarcJson => out.write_all(b"[\n")?,
            Export::ParsedmarcCsv => out.write_all(parsedmarc::csv_header().as_bytes())?,
            Export::Ndjson => {}
        }
        let limits = Limits::default();
        let mut failure: io::Result<()> = Ok(());
        for path in files {
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("{}: {e}", path.display());
                    errors += 1;
                    continue;
                }
            };
            let name = path.display().to_string();
            let outcome = for_each_report(&name, &bytes, &limits, |d| {
                if failure.is_err() || !seen.insert(key(&d.report.organization_name, &d.report.report_id)) {
                    return;
                }
                written += 1;
                let mut text = String::new();
                match export {
                    Export::ParsedmarcCsv => parsedmarc::csv_rows(&d.report, |_| true, |_| true, &mut text),
                    Export::ParsedmarcJson | Export::Ndjson => {
                        let v = parsedmarc::report_json(&d.report, |_| true, |_| true);
                        if export == Export::ParsedmarcJson && !std::mem::take(&mut first) {
                            text.push_str(",\n");
                        }
                        text.push_str(&v.to_string());
                        if export == Export::Ndjson {
                            text.push('\n');
                        }
                    }
                }
                failure = out.write_all(text.as_bytes());
            });
            std::mem::replace(&mut failure, Ok(()))?;
            if outcome.status() == Status::Error {
                errors += 1;
                eprintln!("{name}: {}", outcome.reason().unwrap_or_default());
            }
        }
        if export == Export::ParsedmarcJson {
            out.write_all(b"\n]\n")?;
        }
        out.flush()?;
        eprintln!("tlsrpt: {} files, {written} unique reports written, {errors} files with errors", files.len());
        Ok(0)
    }

    /// A 128-bit key of (organization, report-id): two FNV-1a halves over
    /// the two fields with a separator no field can contain.
    fn key(org: &str, id: &str) -> u128 {
        let h = |seed: u64| {
            let mut x = seed;
            for b in org.bytes().chain([0xff]).chain(id.bytes()) {
                x = (x ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
            x
        };
        (u128::from(h(0xcbf2_9ce4_8422_2325)) << 64) | u128::from(h(0x8422_2325_cbf2_9ce4))
    }

    /// Totals, tables and findings, as the page shows them.
    fn summarize(files: &[PathBuf], json: bool) -> io::Result<i32> {
        let mut data = Dataset::new();
        for path in files {
            match std::fs::read(path) {
                Ok(bytes) => {
                    data.add_file(&path.display().to_string(), &bytes);
                }
                Err(e) => {
                    data.add_unreadable(&path.display().to_string(), 0, &e.to_string());
                }
            }
        }
        let ov = Overview::compute(&data);
        let found = findings(&data);
        let out = io::stdout();
        let mut out = BufWriter::new(out.lock());
        if json {
            let v = serde_json::json!({
                "unique_reports": ov.kpis.reports,
                "organizations": ov.kpis.organizations,
                "domains": ov.kpis.domains,
                "total_successful": ov.kpis.totals.successful.to_string(),
                "total_failed": ov.kpis.totals.failed.to_string(),
                "duplicate_deliveries": data.duplicate_count(),
                "by_domain": ov.domains.iter().map(|d| (d.domain.to_string(), serde_json::json!({"reports": d.reports, "successful": d.totals.successful as u64, "failed": d.totals.failed as u64}))).collect::<serde_json::Map<_, _>>(),
                "by_organization": ov.orgs.iter().map(|o| (o.org.to_string(), serde_json::json!({"reports": o.reports, "successful": o.totals.successful as u64, "failed": o.totals.failed as u64}))).collect::<serde_json::Map<_, _>>(),
                "by_result_type": ov.result_types.iter().map(|t| (t.result_type.clone(), serde_json::json!(t.sessions as u64))).collect::<serde_json::Map<_, _>>(),
                "files": data.files().iter().map(|f| serde_json::json!({"file": f.name, "status": f.status().as_str(), "reports": f.reports, "reason": f.reason()})).collect::<Vec<_>>(),
                "findings": found.iter().map(|f| serde_json::json!({"severity": f.severity.as_str(), "kind": f.kind, "domain": f.domain, "title": f.title(), "evidence": f.evidence(), "action": f.action()})).collect::<Vec<_>>(),
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&v).unwrap_or_default())?;
        } else {
            let k = &ov.kpis;
            writeln!(
                out,
                "{} files, {} unique reports from {} organizations, {} policy domains",
                format::count(data.files().len() as u64),
                format::count(k.reports as u64),
                k.organizations,
                k.domains
            )?;
            writeln!(
                out,
                "sessions: {} successful, {} failed ({} success)\n",
                format::count(k.totals.successful),
                format::count(k.totals.failed),
                format::percent(k.totals.success_rate())
            )?;
            writeln!(out, "Findings")?;
            for f in &found {
                writeln!(
                    out,
                    "  [{}] {}\n      {}\n      what to do: {}",
                    f.severity.as_str(),
                    f.title(),
                    f.evidence(),
                    f.action()
                )?;
            }
            if found.is_empty() {
                writeln!(out, "  nothing to fix")?;
            }
            writeln!(
                out,
                "\n{:<40} {:>8} {:>14} {:>10} {:>9}",
                "policy domain", "reports", "successful", "failed", "success"
            )?;
            for d in &ov.domains {
                let name = if d.domain.is_empty() { "(no policy domain)" } else { &d.domain };
                writeln!(
                    out,
                    "{name:<40} {:>8} {:>14} {:>10} {:>9}",
                    d.reports,
                    format::count(d.totals.successful),
                    format::count(d.totals.failed),
                    format::percent(d.totals.success_rate())
                )?;
            }
            writeln!(out, "\n{:<40} {:>8} {:>14} {:>10}", "organization", "reports", "successful", "failed")?;
            for o in &ov.orgs {
                writeln!(
                    out,
                    "{:<40} {:>8} {:>14} {:>10}",
                    o.org,
                    o.reports,
                    format::count(o.totals.successful),
                    format::count(o.totals.failed)
                )?;
            }
            if !ov.result_types.is_empty() {
                writeln!(out, "\n{:<40} {:>14}", "result type", "failed")?;
                for t in &ov.result_types {
                    writeln!(out, "{:<40} {:>14}", t.result_type, format::count(t.sessions))?;
                }
            }
            for f in data.files().iter().filter(|f| f.status() == Status::Error) {
                writeln!(out, "\nerror: {}: {}", f.name, f.reason().unwrap_or_default())?;
            }
        }
        out.flush()?;
        Ok(0)
    }
}
