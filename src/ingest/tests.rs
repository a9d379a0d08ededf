//! Containers end to end: what `extract` finds in well-formed and malformed files.

use super::gzip::tests::gzip;
use super::zip::tests::build as zip;
use super::*;

const REPORT: &[u8] = br#"{"organization-name":"O","report-id":"1","date-range":{"start-datetime":"2024-01-01T00:00:00Z","end-datetime":"2024-01-01T23:59:59Z"},"policies":[]}"#;

fn email(attachment: &[u8], ctype: &str) -> Vec<u8> {
    let mut m = format!(
        "From: r@example.net\r\nSubject: Report Domain: example.com\r\nTLS-Report-Domain: example.com\r\n\
         Content-Type: multipart/report; report-type=tlsrpt; boundary=\"B\"\r\n\r\n--B\r\n\
         Content-Type: text/plain\r\n\r\nhello\r\n--B\r\nContent-Type: {ctype}\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n"
    )
    .into_bytes();
    m.extend(b64(attachment));
    m.extend(b"\r\n--B--\r\n");
    m
}

fn b64(data: &[u8]) -> Vec<u8> {
    super::build::base64(data)
}

fn run(bytes: &[u8]) -> Extracted {
    extract(bytes, &Limits::default())
}

fn errors(x: &Extracted) -> Vec<String> {
    x.errors.iter().map(|e| format!("{}|{}", e.origin, e.what)).collect()
}

#[test]
fn json_gzip_and_gzip_inside_zip() {
    assert_eq!(run(REPORT).payloads.len(), 1);
    assert_eq!(run(&gzip(REPORT)).payloads[0].json, REPORT);
    let z = zip(&[("a.json", REPORT, true), ("b.json.gz", &gzip(REPORT), false), ("README.txt", b"hi", false)]);
    let x = run(&z);
    assert_eq!(x.payloads.len(), 2);
    assert_eq!(x.payloads[1].origin, "b.json.gz");
    assert_eq!(x.skipped.len(), 1, "README is listed as skipped");
    assert!(x.errors.is_empty());
}

#[test]
fn mislabelled_containers_are_judged_by_content() {
    // A zip inside gzip, as if a .zip had been gzipped (or named .gz).
    let x = run(&gzip(&zip(&[("r.json", REPORT, true)])));
    assert_eq!(x.payloads.len(), 1);
}

#[test]
fn email_with_gzip_attachment_and_headers() {
    let x = run(&email(&gzip(REPORT), "application/tlsrpt+gzip; name=\"r.json.gz\""));
    assert_eq!(x.format, Some(Format::Email));
    assert_eq!(x.payloads.len(), 1);
    let meta = x.payloads[0].mail.as_ref().unwrap();
    assert_eq!(meta.report_domain.as_deref(), Some("example.com"));
    assert_eq!(x.payloads[0].origin, "r.json.gz");
}

#[test]
fn email_attachment_sniffed_from_octet_stream() {
    let x = run(&email(&gzip(REPORT), "application/octet-stream"));
    assert_eq!(x.payloads.len(), 1);
}

#[test]
fn email_without_report_is_an_error_with_reason() {
    let m = b"Subject: hello\r\nContent-Type: text/plain\r\n\r\nJust a note.\r\n";
    assert_eq!(errors(&run(m)), vec!["|the e-mail has no TLS report attached"]);
}

#[test]
fn corrupt_attachment_is_located() {
    let mut g = gzip(REPORT);
    g.truncate(g.len() / 2);
    let x = run(&email(&g, "application/tlsrpt+gzip; name=\"r.json.gz\""));
    assert_eq!(errors(&x), vec!["r.json.gz|gzip data is truncated (the file ends mid-stream)"]);
}

#[test]
fn mbox_messages_without_reports_are_skipped() {
    let mut mbox = Vec::new();
    for (i, msg) in
        [email(&gzip(REPORT), "application/tlsrpt+gzip"), b"Subject: spam\n\nbuy now\n".to_vec()].iter().enumerate()
    {
        mbox.extend(format!("From sender{i} Mon Jan  1 00:00:00 2024\n").as_bytes());
        mbox.extend(msg);
        mbox.extend(b"\n");
    }
    let x = run(&mbox);
    assert_eq!(x.format, Some(Format::Mbox));
    assert_eq!(x.payloads.len(), 1);
    assert_eq!(x.payloads[0].origin, "message 1 › part 2 (application/tlsrpt+gzip)");
    assert_eq!(x.skipped.len(), 1);
    assert_eq!(x.skipped[0].origin, "message 2");
    assert!(x.errors.is_empty());
}

#[test]
fn truncated_zip_is_recovered_and_said_so() {
    let z = zip(&[("a.json", REPORT, true), ("b.json", REPORT, true)]);
    let x = run(&z[..z.len() - 10]);
    assert_eq!(x.payloads.len(), 2);
    assert_eq!(
        errors(&x),
        vec!["|zip archive is truncated (no central directory); 2 entries recovered from what is there"]
    );
}

#[test]
fn limits_stop_bombs_and_floods() {
    let zeros = vec![b' '; 5_000_000];
    let bomb = gzip(&zeros);
    let small = Limits { max_inflated: 1_000_000, ..Limits::default() };
    let x = extract(&bomb, &small);
    assert!(errors(&x)[0].contains("possible decompression bomb"), "{:?}", errors(&x));
    // Many entries, each fine, together past the total budget.
    let entries: Vec<(String, Vec<u8>)> = (0..8).map(|i| (format!("{i}.json"), zeros[..900_000].to_vec())).collect();
    let refs: Vec<(&str, &[u8], bool)> = entries.iter().map(|(n, d)| (n.as_str(), d.as_slice(), true)).collect();
    let tight = Limits { max_inflated: 1_000_000, max_total_inflated: 3_000_000, ..Limits::default() };
    let x = extract(&zip(&refs), &tight);
    assert!(errors(&x).iter().any(|e| e.contains("in all (possible decompression bomb)")), "{:?}", errors(&x));
    let few = Limits { max_zip_entries: 3, ..Limits::default() };
    let x = extract(&zip(&refs), &few);
    assert_eq!(errors(&x), vec!["|zip archive lists 8 entries, more than the limit of 3"]);
    let deep = Limits { max_depth: 2, ..Limits::default() };
    let x = extract(&gzip(&gzip(&gzip(&gzip(REPORT)))), &deep);
    assert_eq!(errors(&x), vec!["|containers nest more than 2 levels deep"]);
}

#[test]
fn junk_and_empty_files() {
    assert_eq!(errors(&run(b"")), vec!["|the file is empty"]);
    assert!(errors(&run(b"\x00\x01binary"))[0].contains("not a TLS report"));
}
