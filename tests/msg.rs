//! The Outlook `.msg` reader (src/ingest/msg.rs) against messages written by
//! an independent implementation (the `cfb` crate): both sector sizes, the
//! mini stream and regular sectors, a FAT long enough to need DIFAT sectors,
//! attachments inside forwarded messages, caps, and broken files.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Cursor, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use tlsrpt_viewer::ingest::msg::{self, Attachment, MsgError, Reading};

/// Counts the bytes allocated, so a test can bound what a hostile file makes
/// the reader allocate (the peak since it was last reset).
struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

mod common;
use common::{msg, msg_with};

/// Deterministic bytes that do not repeat within a sector, so a sector read
/// from the wrong place shows.
fn bytes(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// The reader with no total: at most `max_count` attachments of `cap` bytes.
fn attachments(file: &[u8], max_count: usize, cap: usize) -> Result<(Option<String>, Vec<Attachment>), MsgError> {
    msg::attachments(file, Reading { max_count, cap, total: usize::MAX })
}

fn read_all(file: &[u8]) -> (Option<String>, Vec<Attachment>) {
    // No cap at all: the limit arithmetic must not overflow.
    attachments(file, 1000, usize::MAX).expect("a well-formed message")
}

#[test]
fn every_size_either_side_of_the_mini_stream_cutoff_in_both_versions() {
    let sizes = [0, 1, 63, 64, 65, 4095, 4096, 4097, 70_000];
    let data: Vec<Vec<u8>> = sizes.iter().enumerate().map(|(i, &n)| bytes(n, i as u32)).collect();
    let names: Vec<String> = sizes.iter().map(|n| format!("part-{n}.json")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(String::as_str).zip(data.iter().map(Vec::as_slice)).collect();
    for v4 in [false, true] {
        let (subject, got) = read_all(&msg_with(v4, "Report Domain: example.net", &files));
        assert_eq!(subject.as_deref(), Some("Report Domain: example.net"), "v4 {v4}");
        assert_eq!(got.len(), sizes.len(), "v4 {v4}");
        for (a, (name, d)) in got.iter().zip(&files) {
            assert_eq!((a.name.as_str(), a.truncated), (*name, false), "v4 {v4}");
            assert!(a.data == *d, "v4 {v4}: {name} differs ({} bytes read, {} written)", a.data.len(), d.len());
        }
    }
}

#[test]
fn a_fat_past_the_headers_109_sectors_is_found_through_difat() {
    // 512-byte sectors: 109 FAT sectors map 109 × 128 sectors ≈ 7.1 MB, so
    // 8 MB needs the FAT's further sectors listed in a DIFAT sector.
    let big = bytes(8 << 20, 7);
    let (_, got) = read_all(&msg("big", &[("big.json", &big), ("after.json", b"{}")]));
    assert_eq!(got.len(), 2);
    assert!(got[0].data == big, "the 8 MB attachment differs");
    assert_eq!(got[1].data, b"{}");
}

#[test]
fn attachments_come_in_the_directorys_order_and_max_count_keeps_the_first() {
    let data: Vec<Vec<u8>> = (0..40).map(|i| format!("{{\"n\":{i}}}").into_bytes()).collect();
    let names: Vec<String> = (0..40).map(|i| format!("r{i}.json")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(String::as_str).zip(data.iter().map(Vec::as_slice)).collect();
    let file = msg("many", &files);
    let (_, got) = read_all(&file);
    assert_eq!(got.iter().map(|a| a.name.clone()).collect::<Vec<_>>(), names);
    let (_, first) = attachments(&file, 5, 1 << 20).unwrap();
    assert_eq!(
        first.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        ["r0.json", "r1.json", "r2.json", "r3.json", "r4.json"]
    );
}

#[test]
fn the_cap_cuts_an_attachment_and_says_so() {
    for len in [100, 5000] {
        let data = bytes(len, 3);
        let file = msg("cap", &[("a.json", &data)]);
        let (_, got) = attachments(&file, 10, 99).unwrap();
        assert_eq!((got[0].data.as_slice(), got[0].truncated), (&data[..99], true), "{len} bytes");
        let (_, whole) = attachments(&file, 10, len).unwrap();
        assert_eq!((whole[0].data.len(), whole[0].truncated), (len, false), "{len} bytes at exactly the cap");
    }
}

#[test]
fn a_forwarded_messages_attachments_and_nameless_ones_are_found() {
    let utf16 = |s: &str| s.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>();
    let mut comp = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    let put = |c: &mut cfb::CompoundFile<Cursor<Vec<u8>>>, path: &str, data: &[u8]| {
        c.create_stream(path).unwrap().write_all(data).unwrap();
    };
    // An attachment that is a message (PR_ATTACH_DATA_OBJ, a storage), with
    // a report attached to it; and an attachment without a file name.
    let outer = "/__attach_version1.0_#00000000";
    let inner = format!("{outer}/__substg1.0_3701000D");
    comp.create_storage(outer).unwrap();
    comp.create_storage(&inner).unwrap();
    comp.create_storage(format!("{inner}/__attach_version1.0_#00000000")).unwrap();
    put(&mut comp, &format!("{inner}/__attach_version1.0_#00000000/__substg1.0_37010102"), b"inner");
    put(&mut comp, &format!("{inner}/__attach_version1.0_#00000000/__substg1.0_3704001F"), &utf16("inner.json"));
    comp.create_storage("/__attach_version1.0_#00000001").unwrap();
    put(&mut comp, "/__attach_version1.0_#00000001/__substg1.0_37010102", b"nameless");
    comp.flush().unwrap();
    let (subject, got) = read_all(&comp.into_inner().into_inner());
    assert_eq!(subject, None);
    let found: Vec<(&str, &[u8])> = got.iter().map(|a| (a.name.as_str(), a.data.as_slice())).collect();
    assert_eq!(found, [("inner.json", &b"inner"[..]), ("__attach_version1.0_#00000001", b"nameless")]);
}

/// Offsets of the directory entries whose name starts with `prefix`.
fn entries_named(file: &[u8], prefix: &str) -> Vec<usize> {
    let needle: Vec<u8> = prefix.encode_utf16().flat_map(u16::to_le_bytes).collect();
    (0..file.len().saturating_sub(needle.len())).filter(|&i| i % 128 == 0 && file[i..].starts_with(&needle)).collect()
}

#[test]
fn broken_files_are_errors_or_fewer_attachments_never_a_panic_or_a_hang() {
    let data = bytes(9000, 1);
    let good = msg("x", &[("a.json", &data), ("b.json", b"{}")]);
    // Cut anywhere.
    for end in (0..good.len()).step_by(61) {
        let _ = attachments(&good[..end], 10, 1 << 20);
    }
    assert!(attachments(&good[..good.len() / 2], 10, 1 << 20).map_or(true, |(_, a)| a.len() < 2));
    // Every byte of the header and the first sectors set to 0x00 and 0xFF.
    for at in 0..good.len().min(4096) {
        for v in [0x00, 0xFF] {
            let mut bad = good.clone();
            bad[at] = v;
            let _ = attachments(&bad, 10, 1 << 20);
        }
    }
    // The directory chain pointing at itself.
    let mut looped = good.clone();
    let dir = u32::from_le_bytes(looped[0x30..0x34].try_into().unwrap()) as usize;
    let fat = (u32::from_le_bytes(looped[0x4C..0x50].try_into().unwrap()) as usize + 1) * 512;
    looped[fat + dir * 4..fat + dir * 4 + 4].copy_from_slice(&(dir as u32).to_le_bytes());
    assert!(attachments(&looped, 10, 1 << 20).is_err(), "a looping chain is corrupt");
    // A stream's own chain looping back, cut by the cap before it could be
    // told by length: an error (skipped), never sectors repeated as data.
    let e = entries_named(&good, "__substg1.0_37010102")[0];
    let start = u32::from_le_bytes(good[e + 0x74..e + 0x78].try_into().unwrap()) as usize;
    let mut self_loop = good.clone();
    self_loop[fat + start * 4..fat + start * 4 + 4].copy_from_slice(&(start as u32).to_le_bytes());
    let (_, got) = attachments(&self_loop, 10, 4096).unwrap();
    assert!(
        got.iter().all(|a| a.name != "a.json"),
        "read from a looping chain: {:?}",
        got.iter().map(|a| a.data.len()).collect::<Vec<_>>()
    );
    // Every sibling and child link of every entry pointing at one entry.
    let mut tangled = good.clone();
    for e in entries_named(&good, "__").into_iter().chain([(dir + 1) * 512]) {
        for link in [0x44, 0x48, 0x4C] {
            tangled[e + link..e + link + 4].copy_from_slice(&1u32.to_le_bytes());
        }
    }
    let _ = attachments(&tangled, 10, 1 << 20);
    // Not a compound file at all.
    assert!(attachments(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and nothing else", 10, 100).is_err());
}

#[test]
fn a_stream_size_beyond_its_chain_is_an_error_not_a_short_read() {
    let good = msg("x", &[("a.json", &bytes(6000, 2))]);
    let mut bad = good.clone();
    let e = entries_named(&good, "__substg1.0_37010102")[0];
    bad[e + 0x78..e + 0x7C].copy_from_slice(&600_000u32.to_le_bytes());
    let (_, got) = attachments(&bad, 10, 1 << 20).unwrap();
    assert!(got.is_empty(), "an attachment whose sectors run out is skipped, not read short");
}

#[test]
fn attachments_stop_at_the_total_and_the_last_is_not_marked_cut() {
    let data: Vec<Vec<u8>> = (0..20).map(|i| bytes(5000, i)).collect();
    let names: Vec<String> = (0..20).map(|i| format!("r{i}.json")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(String::as_str).zip(data.iter().map(Vec::as_slice)).collect();
    let file = msg("many", &files);
    let (_, got) = msg::attachments(&file, Reading { max_count: 100, cap: 6000, total: 12_001 }).unwrap();
    // Two whole, the third up to what is left; the caller's budget then says
    // the total is spent (not that one attachment was too large).
    let sizes: Vec<(usize, bool)> = got.iter().map(|a| (a.data.len(), a.truncated)).collect();
    assert_eq!(sizes, [(5000, false), (5000, false), (2001, false)]);
    assert!(got[2].data == data[2][..2001]);
}

#[test]
fn a_version_3_size_with_junk_in_its_high_half_is_read_by_its_low_half() {
    // MS-CFB: version 3 writers may leave the size's upper 32 bits unset.
    let data = bytes(5000, 4);
    let mut file = msg("x", &[("a.json", &data)]);
    let e = entries_named(&file, "__substg1.0_37010102")[0];
    file[e + 0x7C..e + 0x80].copy_from_slice(&0xDEAD_BEEFu32.to_le_bytes());
    let (_, got) = read_all(&file);
    assert!(got[0].data == data);
}

/// Writes well-formed messages as seeds for the fuzz target
/// (fuzz/fuzz_targets/msg.rs): `cargo test --test msg -- --ignored`.
#[test]
#[ignore = "writes fuzz seeds; run by hand"]
fn write_fuzz_seeds() {
    let dir = std::path::Path::new("fuzz/corpus/msg");
    std::fs::create_dir_all(dir).unwrap();
    let small = bytes(300, 1);
    let big = bytes(9000, 2);
    let seeds = [
        ("v3-two.msg", msg("Report Domain: example.net", &[("a.json", &small), ("b.json.gz", &big)])),
        ("v4-one.msg", msg_with(true, "x", &[("a.json", &small)])),
        ("v3-none.msg", msg("lunch?", &[])),
    ];
    for (name, data) in seeds {
        std::fs::write(dir.join(name), data).unwrap();
    }
}

#[test]
fn a_difat_naming_one_sector_over_and_over_builds_no_huge_table() {
    // 4 MB of sectors, every one a DIFAT sector that lists sector 0 as a FAT
    // sector 127 times and names the next: read as written, a FAT of
    // 127 × 128 entries per sector, ~500 MB. The FAT is capped by what the
    // file can hold, so this ends quickly and small (an error or nothing).
    let sectors = 8192;
    let mut file = vec![0u8; 512 * (sectors + 1)];
    file[..8].copy_from_slice(&msg::MAGIC);
    file[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
    file[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
    file[0x2C..0x30].copy_from_slice(&u32::MAX.to_le_bytes());
    file[0x44..0x48].copy_from_slice(&0u32.to_le_bytes());
    for n in 0..sectors {
        let at = 512 * (n + 1);
        let next = if n + 1 < sectors { (n + 1) as u32 } else { 0xFFFF_FFFE };
        file[at + 508..at + 512].copy_from_slice(&next.to_le_bytes());
    }
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let got = attachments(&file, 10, 1 << 20);
    let grew = PEAK.load(Ordering::Relaxed) - before;
    assert!(got.map_or(true, |(_, a)| a.is_empty()));
    // Uncapped, the table alone is ~530 MB (the other tests, running beside
    // this one, allocate tens of MB at most).
    assert!(grew < 256 << 20, "reading a 4 MB file allocated {} MB", grew >> 20);
}
