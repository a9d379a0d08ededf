//! Every container users have, built here with known content: tar and
//! tar.gz, gzip inside gzip, macOS Finder zips, Maildir files, Thunderbird
//! mailboxes without an extension, and DMARC reports named for what they are.

use serde_json::json;
use tlsrpt_viewer::analysis::{Dataset, Status};
use tlsrpt_viewer::ingest::build::{gzip, mbox, tar, zip};

mod common;
use common::msg;

fn report(id: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "organization-name": "Containers", "report-id": id, "contact-info": "t@example.net",
        "date-range": {"start-datetime": "2026-04-01T00:00:00Z", "end-datetime": "2026-04-01T23:59:59Z"},
        "policies": [{"policy": {"policy-type": "sts", "policy-domain": "example.net", "mx-host": ["mx.example.net"]},
                      "summary": {"total-successful-session-count": 3, "total-failure-session-count": 0}}]
    }))
    .unwrap()
}

fn load(name: &str, bytes: &[u8]) -> (usize, Status, Vec<String>) {
    let mut d = Dataset::new();
    let o = d.add_file(name, bytes).clone();
    let mut notes: Vec<String> = o.problems.iter().map(|p| p.message.clone()).collect();
    notes.extend(o.skipped.iter().map(|s| format!("skipped {}: {}", s.origin, s.what)));
    (o.reports, o.status(), notes)
}

fn email(id: &str) -> Vec<u8> {
    format!(
        "From: noreply@example.org\r\nSubject: Report Domain: example.net\r\nContent-Type: application/tlsrpt+json\r\n\r\n{}\r\n",
        String::from_utf8(report(id)).unwrap()
    )
    .into_bytes()
}

#[test]
fn tar_and_tar_gz_with_long_names() {
    let long = format!("{}/b.json", "reports-from-the-mail-server".repeat(5));
    let (r1, r2) = (report("t1"), gzip(&report("t2")));
    let archive = tar(&[("a.json", &r1), (long.as_str(), &r2), ("notes.txt", b"hello")]);
    let (n, status, notes) = load("reports.tar", &archive);
    assert_eq!(n, 2, "{notes:?}");
    assert_eq!(status, Status::Ok, "{notes:?}");
    assert_eq!(load("reports.tgz", &gzip(&archive)).0, 2);
    let (n, status, notes) = load("cut.tar", &archive[..700]);
    assert_eq!((n, status), (0, Status::Error));
    assert!(notes.iter().any(|m| m.contains("tar archive is truncated")), "{notes:?}");
}

#[test]
fn gzip_inside_gzip() {
    assert_eq!(load("twice.json.gz.gz", &gzip(&gzip(&report("g1")))).0, 1);
}

#[test]
fn macos_finder_metadata_is_skipped_quietly() {
    let (r1, junk) = (report("m1"), vec![0u8, 5, 22, 7, 0, 2, 0, 0]);
    let archive = zip(&[
        ("reports/a.json", &r1, true),
        ("__MACOSX/reports/._a.json", &junk, true),
        ("reports/._a.json", &junk, false),
    ]);
    let (n, status, notes) = load("Archive.zip", &archive);
    assert_eq!((n, status), (1, Status::Ok), "{notes:?}");
    assert!(notes.is_empty(), "nothing listed for Finder's files: {notes:?}");
    let t = tar(&[("._a.json", &junk), ("a.json", &r1)]);
    assert_eq!(load("a.tar", &t).2, Vec::<String>::new());
}

#[test]
fn maildir_files_and_thunderbird_mailboxes_without_extension() {
    // A Maildir file: an e-mail named like 1700000000.M1P2.host:2,S.
    assert_eq!(load("1700000000.M1P2.host:2,S", &email("md1")).0, 1);
    // Thunderbird writes "From - <date>" separators and no extension.
    let mut tb = Vec::new();
    for id in ["tb1", "tb2"] {
        tb.extend_from_slice(b"From - Mon Jan 05 10:00:00 2026\r\n");
        tb.extend(email(id));
        tb.extend_from_slice(b"\r\n");
    }
    assert_eq!(load("Inbox", &tb).0, 2);
    // Gmail Takeout's .mbox.
    assert_eq!(load("All mail Including Spam and Trash.mbox", &mbox(&[&email("g1"), &email("g2")])).0, 2);
}

#[test]
fn dmarc_reports_are_named_for_what_they_are() {
    let dmarc = b"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<feedback>\n  <report_metadata><org_name>google.com</org_name></report_metadata>\n</feedback>\n";
    let (n, status, notes) = load("google.com!example.net!1700000000!1700086399.xml", dmarc);
    assert_eq!((n, status), (0, Status::Error));
    assert!(notes.iter().any(|m| m.contains("a DMARC aggregate report")), "{notes:?}");
    let (n, _, notes) = load("dmarc.xml.gz", &gzip(dmarc));
    assert_eq!(n, 0);
    assert!(notes.iter().any(|m| m.contains("DMARC aggregate report")), "{notes:?}");
    // In a mailbox next to TLS reports: the TLS reports load, the DMARC one is named.
    let dmarc_mail = format!(
        "From: noreply-dmarc-support@google.com\r\nSubject: Report domain: example.net\r\nContent-Type: application/gzip; name=\"google.com!example.net.xml.gz\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        String::from_utf8(tlsrpt_viewer::ingest::build::base64(&gzip(dmarc))).unwrap()
    );
    let boxed = mbox(&[&email("x1"), dmarc_mail.as_bytes(), &email("x2")]);
    let (n, status, notes) = load("mixed.mbox", &boxed);
    assert_eq!((n, status), (2, Status::Ok), "{notes:?}");
    assert!(notes.iter().any(|m| m.contains("DMARC aggregate report, not a TLS report")), "{notes:?}");
}

#[test]
fn outlook_msg_with_report_attachments() {
    let (r1, r2) = (gzip(&report("o1")), report("o2"));
    let file = msg(
        "Report Domain: example.net",
        &[("google.com!example.net!1.json.gz", &r1), ("microsoft.json", &r2), ("logo.png", b"\x89PNG")],
    );
    let (n, status, notes) = load("report.msg", &file);
    assert_eq!((n, status), (2, Status::Ok), "{notes:?}");
    let (n, status, notes) = load("hello.msg", &msg("lunch?", &[]));
    assert_eq!((n, status), (0, Status::Error));
    assert!(notes.iter().any(|m| m.contains("no TLS report attached")), "{notes:?}");
    let (_, status, notes) = load("cut.msg", &file[..file.len() / 2]);
    assert_eq!(status, Status::Error, "{notes:?}");
}
