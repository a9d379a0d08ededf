//! Hostile input, natively: a bounded, deterministic mutation run over every
//! fixture (a short fuzz for CI; the long one is `cargo fuzz`, see README),
//! and the named cases of the malformed-input suite.

use tlsrpt_viewer::analysis::{Dataset, Overview, Status};
use tlsrpt_viewer::ingest::Limits;

/// xorshift64*: deterministic, so a failure reproduces from its iteration number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

mod common;

/// The fixtures with the report count the independent decoder found in each
/// (tests/fixtures/real-expected.json).
fn fixtures() -> Vec<(Vec<u8>, usize)> {
    let golden: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/fixtures/real-expected.json").unwrap()).unwrap();
    common::fixtures()
        .into_iter()
        .map(|(name, bytes)| {
            let n = golden[&name].as_array().map_or(0, Vec::len);
            (bytes, n)
        })
        .collect()
}

/// Structure-aware mutations: the shapes that used to cost unbounded work.
fn structured(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    use tlsrpt_viewer::ingest::build::{gzip, zip};
    match rng.below(4) {
        // Overlapping entries: one entry's directory record repeated.
        0 => {
            let one = zip(&[("a", seed, true)]);
            let cd = one.windows(4).position(|w| w == b"PK\x01\x02").unwrap_or(one.len());
            let end = one.windows(4).position(|w| w == b"PK\x05\x06").unwrap_or(one.len());
            let n = 2 + rng.below(100);
            let mut v = one[..cd].to_vec();
            for _ in 0..n {
                v.extend_from_slice(&one[cd..end]);
            }
            let size = (v.len() - cd) as u32;
            v.extend_from_slice(b"PK\x05\x06\0\0\0\0");
            v.extend((n as u16).to_le_bytes());
            v.extend((n as u16).to_le_bytes());
            v.extend(size.to_le_bytes());
            v.extend((cd as u32).to_le_bytes());
            v.extend(0u16.to_le_bytes());
            v
        }
        // Lying sizes: every size field of a zip says 1 byte.
        1 => {
            let mut v = zip(&[("a", seed, true), ("b", seed, false)]);
            for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
                let starts: Vec<usize> = v.windows(4).enumerate().filter(|(_, w)| *w == sig).map(|(i, _)| i).collect();
                for p in starts {
                    let at = if sig == b"PK\x03\x04" { p + 18 + 4 * rng.below(2) } else { p + 20 + 4 * rng.below(2) };
                    if at + 4 <= v.len() {
                        v[at..at + 4].copy_from_slice(&1u32.to_le_bytes());
                    }
                }
            }
            v
        }
        // Many gzip members, empty ones around the real one.
        2 => {
            let empty = gzip(b"");
            let mut v = Vec::new();
            for _ in 0..rng.below(500) {
                v.extend_from_slice(&empty);
            }
            v.extend(gzip(seed));
            for _ in 0..rng.below(500) {
                v.extend_from_slice(&empty);
            }
            v
        }
        // Long encoded words in the headers of an e-mail carrying the seed.
        _ => {
            let mut v =
                format!("Subject: {}\r\nContent-Type: application/tlsrpt+json\r\n", "=?".repeat(rng.below(20_000)))
                    .into_bytes();
            v.extend_from_slice(
                format!("Content-Disposition: attachment; filename=\"{}\"\r\n\r\n", "=?x?".repeat(rng.below(5_000)))
                    .as_bytes(),
            );
            v.extend_from_slice(seed);
            v
        }
    }
}

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    if rng.below(10) == 0 {
        return structured(rng, seed);
    }
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => v.truncate(rng.below(v.len() + 1)),
            2 => {
                let i = rng.below(v.len() + 1);
                let b = [b'{', b'}', b'[', b']', b'"', b',', b':', b'\\', 0, 0xff, b'-', b'9'][rng.below(12)];
                v.insert(i, b);
            }
            3 if !other.is_empty() => {
                // Splice a piece of another fixture in.
                let a = rng.below(other.len());
                let b = (a + rng.below(200)).min(other.len());
                let at = rng.below(v.len() + 1);
                v.splice(at..at, other[a..b].iter().copied());
            }
            4 if !v.is_empty() => {
                let i = rng.below(v.len());
                let n = rng.below(64).min(v.len() - i);
                v.drain(i..i + n);
            }
            _ => {
                let i = rng.below(v.len() + 1);
                v.splice(i..i, std::iter::repeat_n(b'9', rng.below(30)));
            }
        }
    }
    v
}

const NEIGHBOUR: &[u8] = br#"{"organization-name":"N","report-id":"neighbour","date-range":{"start-datetime":"2024-01-01T00:00:00Z","end-datetime":"2024-01-01T23:59:59Z"},"policies":[]}"#;

/// Loads mutated bytes and checks them against what is known independently:
/// no more reports than the two fixtures it was made from hold, an error row
/// says why, and the same bytes beside a known report in an archive give
/// exactly one report more (a broken part never takes its neighbour down).
fn load(bytes: &[u8], at_most: usize) {
    let limits = Limits { max_inflated: 1 << 20, max_total_inflated: 4 << 20, ..Limits::default() };
    let mut set = Dataset::with_limits(limits.clone());
    let o = set.add_file("m", bytes).clone();
    assert!(o.reports <= at_most, "{} reports from inputs that hold {at_most}", o.reports);
    if o.status() == Status::Error {
        assert!(o.reason().is_some_and(|r| !r.is_empty()), "an error row must say why");
    }
    let _ = Overview::compute(&set);
    let archive = tlsrpt_viewer::ingest::build::zip(&[("m", bytes, true), ("n.json", NEIGHBOUR, false)]);
    let mut fresh = Dataset::with_limits(limits);
    let both = fresh.add_file("both.zip", &archive);
    assert_eq!(both.reports, o.reports + 1, "the neighbour's report must load beside the mutated bytes");
}

#[test]
fn bounded_mutation_fuzz() {
    let seeds = fixtures();
    assert!(seeds.len() > 20);
    let mut rng = Rng(0x8460_8461_dead_beef);
    for i in 0..4000 {
        let (a, na) = &seeds[rng.below(seeds.len())];
        let (b, nb) = &seeds[rng.below(seeds.len())];
        let m = mutate(&mut rng, a, b);
        let r = std::panic::catch_unwind(|| load(&m, 2 * na + nb));
        assert!(r.is_ok(), "iteration {i} panicked on {} bytes", m.len());
    }
}

#[test]
fn named_hostile_cases_are_per_file_errors() {
    let zeros = vec![b' '; 30 << 20];
    let mut bomb = Vec::new();
    {
        // A gzip bomb built from the project's own gzip round trip.
        use miniz_oxide::deflate::compress_to_vec;
        let crc = tlsrpt_viewer::ingest::gzip::crc32(&zeros);
        bomb.extend([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
        bomb.extend(compress_to_vec(&zeros, 9));
        bomb.extend(crc.to_le_bytes());
        bomb.extend((zeros.len() as u32).to_le_bytes());
    }
    let deep = format!("{}1{}", "[".repeat(50_000), "]".repeat(50_000));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bomb.json.gz", bomb, "possible decompression bomb"),
        ("deep.json", deep.into_bytes(), "not valid JSON"),
        ("huge-number.json", br#"{"date-range":{"start-datetime":"2024-01-01T00:00:00Z","end-datetime":"2024-01-01T23:59:59Z"},"policies":[{"policy":{"policy-type":"sts"},"summary":{"total-successful-session-count":1e400}}]}"#.to_vec(), "not valid JSON"),
        ("latin1.json", b"{\"organization-name\":\"M\xfcller\"}".to_vec(), "not valid JSON"),
        ("binary.bin", (0..=255u8).cycle().take(4096).collect(), "not a TLS report"),
    ];
    let limits = Limits { max_inflated: 16 << 20, ..Limits::default() };
    let mut set = Dataset::with_limits(limits);
    for (name, bytes, phrase) in cases {
        let o = set.add_file(name, &bytes).clone();
        assert_eq!(o.status(), Status::Error, "{name}");
        let why = o.reason().unwrap_or_default();
        assert!(why.contains(phrase), "{name}: {why}");
    }
    // The next file still loads.
    let good = std::fs::read("tests/fixtures/real/parsedmarc__rfc8460.json").unwrap();
    assert_eq!(set.add_file("good.json", &good).reports, 1);
}
