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

/// An Outlook `.msg` file with a subject and `(file name, data)` attachments,
/// written by the `cfb` crate: an implementation independent of the page's
/// own reader (src/ingest/msg.rs). `v4` picks 4096-byte sectors.
pub fn msg_with(v4: bool, subject: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::{Cursor, Write};
    fn put(comp: &mut cfb::CompoundFile<Cursor<Vec<u8>>>, path: &str, data: &[u8]) {
        comp.create_stream(path).and_then(|mut s| s.write_all(data)).expect("write a stream");
    }
    let utf16 = |s: &str| s.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>();
    let version = if v4 { cfb::Version::V4 } else { cfb::Version::V3 };
    let mut comp = cfb::CompoundFile::create_with_version(version, Cursor::new(Vec::new())).expect("create");
    put(&mut comp, "/__substg1.0_0037001F", &utf16(subject));
    for (i, (name, data)) in files.iter().enumerate() {
        let dir = format!("/__attach_version1.0_#{i:08X}");
        comp.create_storage(&dir).expect("create a storage");
        put(&mut comp, &format!("{dir}/__substg1.0_3707001F"), &utf16(name));
        put(&mut comp, &format!("{dir}/__substg1.0_37010102"), data);
    }
    comp.flush().expect("flush");
    comp.into_inner().into_inner()
}

/// [`msg_with`] in version 3 (512-byte sectors), what Outlook writes.
pub fn msg(subject: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    msg_with(false, subject, files)
}
