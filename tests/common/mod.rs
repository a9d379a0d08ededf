//! Helpers shared by the integration tests: the in-repo fixtures, and
//! containers built from them whose content is known.
#![allow(dead_code)]

use tlsrpt_viewer::ingest::build::{gzip, mbox, zip};

/// Every in-repo real fixture, `(name, bytes)`, sorted by name.
pub fn fixtures() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir("tests/fixtures/real")
        .expect("fixture dir")
        .filter_map(|e| {
            let p = e.ok()?.path();
            let name = p.file_name()?.to_str()?.to_owned();
            (name != "SOURCES.md").then(|| (name, std::fs::read(&p).expect("read fixture")))
        })
        .collect();
    out.sort();
    assert!(out.len() > 20, "fixtures missing");
    out
}

/// Containers of every kind built from the fixtures: a zip of all (stored
/// and deflated), each JSON gzipped, an mbox of every e-mail, and archives
/// nested in archives and e-mails.
pub fn containers() -> Vec<(String, Vec<u8>)> {
    let fx = fixtures();
    let entries: Vec<(&str, &[u8], bool)> =
        fx.iter().enumerate().map(|(i, (n, b))| (n.as_str(), b.as_slice(), i % 2 == 0)).collect();
    let all_zip = zip(&entries);
    let mails: Vec<&[u8]> =
        fx.iter().filter(|(n, _)| n.ends_with(".eml") || n.ends_with(".elm")).map(|(_, b)| b.as_slice()).collect();
    let all_mbox = mbox(&mails);
    let mut out = vec![
        ("all.zip".to_owned(), all_zip.clone()),
        ("all.mbox".to_owned(), all_mbox.clone()),
        ("all.zip.gz".to_owned(), gzip(&all_zip)),
        (
            "nested.zip".to_owned(),
            zip(&[("inner.zip", &all_zip, true), ("box.mbox", &all_mbox, false), ("junk.txt", b"hello", false)]),
        ),
    ];
    for (n, b) in &fx {
        if n.ends_with(".json") {
            out.push((format!("{n}.gz"), gzip(b)));
        }
    }
    out
}
