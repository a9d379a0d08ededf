//! One regression test per class of input that used to cost unbounded work
//! or lose reports without a word. Every input is built here, so the truth
//! (what the file holds) is known independently of the code under test.

use serde_json::json;
use tlsrpt_viewer::analysis::{Dataset, Overview, Status};
use tlsrpt_viewer::ingest::build::{gzip, mbox, zip};
use tlsrpt_viewer::ingest::{extract, Limits};
use tlsrpt_viewer::report::MAX_COUNT;

fn report(id: &str, ok: u64) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "organization-name": "Hostile Test", "report-id": id, "contact-info": "t@example.net",
        "date-range": {"start-datetime": "2026-04-01T00:00:00Z", "end-datetime": "2026-04-01T23:59:59Z"},
        "policies": [{"policy": {"policy-type": "sts", "policy-domain": "example.net"},
                      "summary": {"total-successful-session-count": ok, "total-failure-session-count": 0}}]
    }))
    .unwrap()
}

fn load(name: &str, bytes: &[u8]) -> (Dataset, usize) {
    let mut d = Dataset::new();
    let n = d.add_file(name, bytes).reports;
    (d, n)
}

fn messages(d: &Dataset) -> Vec<String> {
    d.files().iter().flat_map(|f| f.problems.iter().map(|p| p.message.clone())).collect()
}

#[test]
fn overlapping_zip_entries_are_refused() {
    // 2,000 directory entries all aimed at the same local data.
    let one = zip(&[("a.json", &report("o1", 1), true)]);
    let cd_at = one.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    let eocd_at = one.windows(4).position(|w| w == b"PK\x05\x06").unwrap();
    let (local, entry) = (&one[..cd_at], &one[cd_at..eocd_at]);
    let mut bomb = local.to_vec();
    let cd_start = bomb.len() as u32;
    for _ in 0..2000 {
        bomb.extend_from_slice(entry);
    }
    let cd_len = bomb.len() as u32 - cd_start;
    bomb.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    bomb.extend(2000u16.to_le_bytes());
    bomb.extend(2000u16.to_le_bytes());
    bomb.extend(cd_len.to_le_bytes());
    bomb.extend(cd_start.to_le_bytes());
    bomb.extend(0u16.to_le_bytes());
    let (d, n) = load("overlap.zip", &bomb);
    assert_eq!(n, 1, "the one real entry is read once");
    assert!(
        messages(&d).iter().any(|m| m.contains("1999 zip entries point at data another entry already uses")),
        "{:?}",
        messages(&d)
    );
}

#[test]
fn parts_are_capped_per_file_nested_archives_included() {
    let entries: Vec<(String, Vec<u8>)> = (0..50).map(|i| (format!("{i}.txt"), b"x".to_vec())).collect();
    let refs: Vec<(&str, &[u8], bool)> = entries.iter().map(|(n, b)| (n.as_str(), b.as_slice(), false)).collect();
    let inner = zip(&refs);
    let outer = zip(&[("a.zip", &inner, false), ("b.zip", &inner, false), ("c.zip", &inner, false)]);
    let limits = Limits { max_parts: 80, ..Limits::default() };
    let x = extract(&outer, &limits);
    assert!(x.errors.iter().any(|e| e.what.to_string().contains("more than 80 parts")), "{:?}", x.errors);
    assert!(x.skipped.len() < 80, "the walk stopped at the cap: {} parts read", x.skipped.len());
}

#[test]
fn the_skipped_list_is_capped_and_counted() {
    let entries: Vec<(String, Vec<u8>)> = (0..3000).map(|i| (format!("{i}.txt"), b"x".to_vec())).collect();
    let mut refs: Vec<(&str, &[u8], bool)> = entries.iter().map(|(n, b)| (n.as_str(), b.as_slice(), false)).collect();
    let good = report("s1", 1);
    refs.push(("good.json", &good, false));
    let (d, n) = load("many.zip", &zip(&refs));
    assert_eq!(n, 1);
    let f = &d.files()[0];
    assert_eq!(f.skipped_count, 3000);
    assert!(f.skipped.len() <= 200);
    assert!(f.hidden_problems() >= 2800);
}

#[test]
fn a_lying_entry_size_is_charged_what_it_inflated() {
    // Each entry says it is 1 byte and inflates to 2 MB: every one is refused
    // at the per-stream cap, and each refusal spends the file's budget.
    let big = vec![b' '; 2 << 20];
    let mut archive =
        zip(&(0..40).map(|i| (if i % 2 == 0 { "a.json" } else { "b.json" }, big.as_slice(), true)).collect::<Vec<_>>());
    // Patch every "uncompressed size" field (local and central) to 1.
    for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
        let mut at = 0;
        while let Some(i) = archive[at..].windows(4).position(|w| w == sig) {
            let p = at + i;
            let field = if sig == b"PK\x03\x04" { p + 22 } else { p + 24 };
            archive[field..field + 4].copy_from_slice(&1u32.to_le_bytes());
            at = p + 4;
        }
    }
    let limits = Limits { max_inflated: 1 << 20, max_total_inflated: 5 << 20, ..Limits::default() };
    let x = extract(&archive, &limits);
    let budget = x.errors.iter().filter(|e| e.what.to_string().contains("in all")).count();
    assert_eq!(budget, 1, "{:?}", x.errors);
    assert!(x.errors.len() <= 7, "{} entries inflated against a 5 MB budget", x.errors.len());
}

#[test]
fn many_empty_gzip_members_then_a_report() {
    let empty = gzip(b"");
    let mut file = Vec::new();
    for _ in 0..100_000 {
        file.extend_from_slice(&empty);
    }
    file.extend(gzip(&report("g1", 3)));
    let (d, n) = load("members.gz", &file);
    assert_eq!(n, 1);
    assert_eq!(Overview::compute(&d).kpis.totals.successful, 3);
}

#[test]
fn concatenated_gzip_members_are_each_a_report() {
    let mut file = gzip(&report("c1", 1));
    file.extend(gzip(&report("c2", 2)));
    let (d, n) = load("cat.json.gz", &file);
    assert_eq!(n, 2);
    assert_eq!(Overview::compute(&d).kpis.totals.successful, 3);
    // `gzip -c r.json >> all.gz` with newlines inside the members.
    let mut lines = gzip(&[report("c3", 1), b"\n".to_vec()].concat());
    lines.extend(gzip(&[report("c4", 1), b"\n".to_vec()].concat()));
    assert_eq!(load("all.gz", &lines).1, 2);
}

#[test]
fn trailing_bytes_are_a_warning_not_a_loss() {
    let mut padded = gzip(&report("t1", 1));
    padded.extend_from_slice(b"\n");
    let (d, n) = load("nl.json.gz", &padded);
    assert_eq!(n, 1);
    assert_eq!(d.files()[0].status(), Status::Warning);
    let mut json = report("t2", 1);
    json.extend_from_slice(&[0u8; 64]);
    let (d, n) = load("nul.json", &json);
    assert_eq!(n, 1);
    assert!(messages(&d).iter().any(|m| m.contains("64 bytes after the end of the report")), "{:?}", messages(&d));
    let mut junk = report("t3", 1);
    junk.extend_from_slice(b"\n-- sent from my phone");
    assert_eq!(load("junk.json", &junk).1, 1);
}

#[test]
fn json_lines_arrays_and_utf16() {
    let lines = [report("j1", 1), b"\n".to_vec(), report("j2", 1), b"\n".to_vec()].concat();
    assert_eq!(load("r.jsonl", &lines).1, 2);
    let array =
        format!("[{},{}]", String::from_utf8(report("a1", 1)).unwrap(), String::from_utf8(report("a2", 1)).unwrap());
    assert_eq!(load("r.json", array.as_bytes()).1, 2);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in String::from_utf8(report("u1", 4)).unwrap().encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let (d, n) = load("ps.json", &utf16);
    assert_eq!(n, 1);
    assert_eq!(Overview::compute(&d).kpis.totals.successful, 4);
    // A cut-off last line is an error of its own; the lines before it load.
    let cut = [report("k1", 1), b"\n".to_vec(), report("k2", 1)[..40].to_vec()].concat();
    let (d, n) = load("cut.jsonl", &cut);
    assert_eq!(n, 1);
    assert_eq!(d.files()[0].error_count, 1);
}

#[test]
fn zip_with_more_than_65535_entries_and_no_zip64_record() {
    let names: Vec<String> = (0..70_000).map(|i| format!("{i}.txt")).collect();
    let mut refs: Vec<(&str, &[u8], bool)> = names.iter().map(|n| (n.as_str(), &b"x"[..], false)).collect();
    let good = report("z1", 1);
    refs.push(("last.json", &good, false));
    let archive = zip(&refs);
    let (d, n) = load("big.zip", &archive);
    assert_eq!(n, 1, "the entry after the 65,536th is found");
    assert_eq!(d.files()[0].skipped_count, 70_000);
}

#[test]
fn mailbox_with_a_byte_order_mark() {
    let mail = |id: &str| {
        format!(
            "From: r@example.net\nSubject: Report\nContent-Type: application/tlsrpt+json\n\n{}\n",
            String::from_utf8(report(id, 1)).unwrap()
        )
        .into_bytes()
    };
    let mut file = b"\xEF\xBB\xBF".to_vec();
    file.extend(mbox(&[&mail("m1"), &mail("m2")]));
    assert_eq!(load("box.mbox", &file).1, 2, "the first message is not lost");
}

#[test]
fn emails_with_a_blank_line_first_and_base64_forwarded_messages() {
    let inner = format!(
        "From: r@example.net\r\nSubject: Report\r\nContent-Type: application/tlsrpt+json\r\n\r\n{}\r\n",
        String::from_utf8(report("e1", 1)).unwrap()
    );
    let blank_first = format!("\r\n{inner}");
    assert_eq!(load("blank.eml", blank_first.as_bytes()).1, 1);
    let b64 = tlsrpt_viewer::ingest::build::base64(inner.as_bytes());
    let forwarded = format!(
        "From: admin@example.net\r\nSubject: Fwd: report\r\nContent-Type: multipart/mixed; boundary=\"F\"\r\n\r\n--F\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--F\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--F--\r\n",
        String::from_utf8(b64).unwrap()
    );
    assert_eq!(load("fwd.eml", forwarded.as_bytes()).1, 1);
}

#[test]
fn long_encoded_words_decode_in_one_pass() {
    let subject = "=?".repeat(500_000);
    assert_eq!(tlsrpt_viewer::ingest::mime::decode_words(&subject), subject);
    let mixed = format!("{} =?utf-8?Q?ok?=", "=?x?".repeat(100_000));
    assert!(tlsrpt_viewer::ingest::mime::decode_words(&mixed).ends_with("ok"));
}

#[test]
fn reports_without_an_id_are_keyed_on_their_content() {
    let v = json!({
        "organization-name": "No Id", "contact-info": "x@example.net",
        "date-range": {"start-datetime": "2026-04-01T00:00:00Z", "end-datetime": "2026-04-01T23:59:59Z"},
        "policies": [{"policy": {"policy-type": "sts", "policy-domain": "example.net"},
                      "summary": {"total-successful-session-count": 5, "total-failure-session-count": 0}}]
    });
    let mut d = Dataset::new();
    d.add_file("compact.json", &serde_json::to_vec(&v).unwrap());
    d.add_file("pretty.json", &serde_json::to_vec_pretty(&v).unwrap());
    assert_eq!(d.reports().len(), 1, "the same report with other whitespace counts once");
    let mut other = v.clone();
    other["policies"][0]["summary"]["total-successful-session-count"] = json!(6);
    d.add_file("other.json", &serde_json::to_vec(&other).unwrap());
    assert_eq!(d.reports().len(), 2, "a different report is another report");
}

#[test]
fn numeric_report_ids_beyond_64_bits_stay_exact() {
    let with_id = |id: &str| {
        String::from_utf8(report("x", 1)).unwrap().replace("\"report-id\":\"x\"", &format!("\"report-id\":{id}"))
    };
    let mut d = Dataset::new();
    d.add_file("a.json", with_id("123456789012345678901234").as_bytes());
    d.add_file("b.json", with_id("123456789012345678901235").as_bytes());
    assert_eq!(d.reports().len(), 2);
    assert_eq!(d.reports()[0].report.report_id, "123456789012345678901234");
}

#[test]
fn session_totals_beyond_64_bits_are_exact() {
    let reports: Vec<serde_json::Value> =
        (0..3000).map(|i| serde_json::from_slice(&report(&format!("big-{i}"), MAX_COUNT)).unwrap()).collect();
    let (d, n) = load("huge.json", &serde_json::to_vec(&reports).unwrap());
    assert_eq!(n, 3000);
    let want = u128::from(MAX_COUNT) * 3000;
    assert!(want > u128::from(u64::MAX));
    assert_eq!(Overview::compute(&d).kpis.totals.successful, want);
}

#[test]
fn a_leap_second_belongs_to_the_day_it_ends() {
    let leap = String::from_utf8(report("l1", 1)).unwrap().replace("2026-04-01T00:00:00Z", "2026-04-01T23:59:60Z");
    let (d, _) = load("leap.json", leap.as_bytes());
    assert_eq!(Overview::compute(&d).timeline[0].day.to_string(), "2026-04-01");
}
