//! The decoder against liblzma (through Python's lzma module) as the
//! encoder: every input comes back byte for byte with each setting the build
//! might use, and damage gives an error or other bytes, never a panic.

use std::io::Write;
use std::process::{Command, Stdio};

use unlzma::{decode, probs_len, Error};

const ENCODE: &str = "
import lzma, sys
lc, lp, pb = (int(x) for x in sys.argv[1:4])
f = [{'id': lzma.FILTER_LZMA1, 'preset': 9 | lzma.PRESET_EXTREME, 'lc': lc, 'lp': lp, 'pb': pb}]
sys.stdout.buffer.write(lzma.compress(sys.stdin.buffer.read(), format=lzma.FORMAT_RAW, filters=f))
";

fn encode(data: &[u8], lc: u32, lp: u32, pb: u32) -> Vec<u8> {
    let mut child = Command::new("python3")
        .args(["-c", ENCODE, &lc.to_string(), &lp.to_string(), &pb.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs (the build needs it too)");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data).expect("write"));
    let out = child.wait_with_output().expect("python3 finishes");
    writer.join().expect("writer");
    assert!(out.status.success(), "python3's lzma failed");
    out.stdout
}

fn unpack(packed: &[u8], size: usize, lc: u32, lp: u32, pb: u32) -> Result<Vec<u8>, Error> {
    let mut out = vec![0; size];
    let mut probs = vec![0; probs_len(lc, lp)];
    decode(packed, &mut out, &mut probs, lc, lp, pb).map(|()| out)
}

fn random(n: usize, mut x: u32) -> Vec<u8> {
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// Text-like bytes: words from a small vocabulary, so matches repeat at
/// many distances.
fn words(n: usize, seed: u32) -> Vec<u8> {
    const VOCABULARY: [&str; 12] = [
        "policy",
        "sts",
        "tlsa",
        "mx",
        "starttls",
        "failure",
        "session",
        "count",
        "report",
        "domain",
        "\n",
        "{\"result\": ",
    ];
    let mut out = Vec::with_capacity(n + 16);
    for r in random(n, seed) {
        if out.len() >= n {
            break;
        }
        out.extend_from_slice(VOCABULARY[r as usize % VOCABULARY.len()].as_bytes());
        out.push(b' ');
    }
    out
}

/// Inputs that reach every branch: long repeats, text (matches at repeated
/// distances), incompressible bytes (literals and long distances), a real
/// binary, and the empty and one-byte cases.
fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    let text = words(60_000, 3);
    let mut mixed = random(70_000, 7);
    mixed.extend_from_slice(&text);
    mixed.extend(random(3000, 9));
    mixed.extend_from_slice(&text[..5000]);
    vec![
        ("empty", vec![]),
        ("one byte", vec![42]),
        ("zeros", vec![0; 100_000]),
        ("text", text),
        ("random", random(50_000, 1)),
        ("mixed", mixed),
        ("icon", include_bytes!("../../../assets/icon-512.png").to_vec()),
    ]
}

#[test]
fn every_input_comes_back_whole_with_each_setting() {
    for (name, data) in inputs() {
        for (lc, lp, pb) in [(3, 0, 2), (4, 0, 0), (0, 2, 2), (1, 1, 1)] {
            let packed = encode(&data, lc, lp, pb);
            let back = unpack(&packed, data.len(), lc, lp, pb)
                .unwrap_or_else(|e| panic!("{name} lc={lc} lp={lp} pb={pb}: {e}"));
            assert!(back == data, "{name} lc={lc} lp={lp} pb={pb}: decoded bytes differ");
        }
    }
}

#[test]
fn a_truncated_stream_is_an_error() {
    let (_, text) = &inputs()[3];
    let packed = encode(text, 4, 0, 0);
    assert_eq!(unpack(&packed[..packed.len() / 2], text.len(), 4, 0, 0), Err(Error::Truncated));
    assert_eq!(unpack(&packed[..3], text.len(), 4, 0, 0), Err(Error::Truncated));
}

#[test]
fn a_stream_that_is_not_lzma_is_an_error() {
    assert_eq!(unpack(&[1, 2, 3, 4, 5, 6], 10, 4, 0, 0), Err(Error::Corrupt));
    // A match before any byte was written.
    assert!(unpack(&[0, 0xff, 0xff, 0xff, 0xf0, 0xff, 0xff, 0xff, 0xff], 10, 4, 0, 0).is_err());
}

#[test]
fn damaged_bytes_give_an_error_or_other_bytes_never_a_panic() {
    let (_, mixed) = &inputs()[5];
    let packed = encode(mixed, 4, 0, 0);
    let mut errors = 0;
    // The last bytes are the end marker and the range coder's flush, which
    // decoding to a known size need not read.
    for i in (6..packed.len() - 16).step_by(packed.len() / 60) {
        let mut bad = packed.clone();
        bad[i] ^= 0x55;
        match unpack(&bad, mixed.len(), 4, 0, 0) {
            Ok(back) => assert!(back != *mixed, "a damaged byte at {i} of {} changed nothing", packed.len()),
            Err(_) => errors += 1,
        }
    }
    assert!(errors > 0, "no damage was noticed");
}

#[test]
fn settings_out_of_range_are_refused() {
    let mut probs = vec![0; probs_len(0, 0)];
    let mut out = [0; 4];
    assert_eq!(decode(&[0, 0, 0, 0, 0], &mut out, &mut probs, 9, 0, 0), Err(Error::Corrupt));
    assert_eq!(decode(&[0, 0, 0, 0, 0], &mut out, &mut probs, 4, 0, 0), Err(Error::Corrupt), "too few probabilities");
}
