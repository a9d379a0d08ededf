//! gzip (RFC 1952) decoding on miniz_oxide's raw inflater, with a size cap.
//!
//! Written by hand rather than through a gzip crate because we need three
//! things at once: every member of a multi-member file, a hard cap on the
//! inflated size (bombs), and errors that say *what* is wrong (truncated vs
//! corrupt vs checksum). The header is small; the inflater does the real work.

use std::fmt;

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// Why a gzip stream could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GzipError {
    /// The data ends before the stream does.
    Truncated,
    /// The header is malformed (bad magic, unknown method, reserved flags).
    BadHeader(&'static str),
    /// The deflate data is corrupt.
    Corrupt,
    /// The CRC-32 or length in the trailer does not match the data.
    Checksum,
    /// The inflated data would exceed the cap.
    TooLarge { limit: usize },
}

impl fmt::Display for GzipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GzipError::Truncated => write!(f, "gzip data is truncated (the file ends mid-stream)"),
            GzipError::BadHeader(why) => write!(f, "gzip header is invalid: {why}"),
            GzipError::Corrupt => write!(f, "gzip data is corrupt"),
            GzipError::Checksum => write!(f, "gzip checksum does not match (the data is damaged)"),
            GzipError::TooLarge { limit } => {
                write!(f, "inflates to more than {} (possible decompression bomb)", crate::format::bytes(*limit as u64))
            }
        }
    }
}

impl std::error::Error for GzipError {}

const FHCRC: u8 = 2;
const FEXTRA: u8 = 4;
const FNAME: u8 = 8;
const FCOMMENT: u8 = 16;

/// First output buffer of a stream; it doubles with what the stream produces.
const INITIAL_OUT: usize = 4096;

/// Inflates every member of a gzip file into one buffer of at most `limit` bytes.
///
/// Trailing bytes after the last member that are not a gzip member (zero
/// padding, a newline, junk) are ignored; [`gunzip_into`] says how many.
pub fn gunzip(data: &[u8], limit: usize) -> Result<Vec<u8>, GzipError> {
    let mut out = Vec::new();
    gunzip_into(data, limit, &mut out).map(|_| out)
}

/// Like [`gunzip`], into `out`. Whatever the outcome, `out.len()` is what was
/// inflated, so a caller can charge a failed stream for the work it caused.
/// Returns how many bytes after the last member were not gzip (a newline,
/// padding, junk): the members before them stand.
pub fn gunzip_into(data: &[u8], limit: usize, out: &mut Vec<u8>) -> Result<usize, GzipError> {
    let mut pos = 0;
    loop {
        pos += member(&data[pos..], out, limit)?;
        let rest = &data[pos..];
        if rest.iter().all(|&b| b == 0) {
            return Ok(0);
        }
        if !rest.starts_with(&[0x1f, 0x8b]) {
            return Ok(rest.len());
        }
    }
}

fn member(data: &[u8], out: &mut Vec<u8>, limit: usize) -> Result<usize, GzipError> {
    let header = header_len(data)?;
    let start_len = out.len();
    let used = inflate_raw(&data[header..], out, limit)?;
    let trailer = header + used;
    let t = data.get(trailer..trailer + 8).ok_or(GzipError::Truncated)?;
    let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
    let isize = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
    let produced = &out[start_len..];
    if crc32(produced) != crc || produced.len() as u32 != isize {
        return Err(GzipError::Checksum);
    }
    Ok(trailer + 8)
}

fn header_len(d: &[u8]) -> Result<usize, GzipError> {
    if d.len() < 10 {
        return Err(if d.starts_with(&[0x1f, 0x8b]) || d.len() < 2 {
            GzipError::Truncated
        } else {
            GzipError::BadHeader("not gzip")
        });
    }
    if d[0] != 0x1f || d[1] != 0x8b {
        return Err(GzipError::BadHeader("not gzip"));
    }
    if d[2] != 8 {
        return Err(GzipError::BadHeader("compression method is not deflate"));
    }
    let flags = d[3];
    if flags & 0xe0 != 0 {
        return Err(GzipError::BadHeader("reserved flag bits are set"));
    }
    let mut pos = 10;
    if flags & FEXTRA != 0 {
        let n = d.get(pos..pos + 2).ok_or(GzipError::Truncated)?;
        pos += 2 + usize::from(u16::from_le_bytes([n[0], n[1]]));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let end = d.get(pos..).and_then(|r| r.iter().position(|&b| b == 0)).ok_or(GzipError::Truncated)?;
            pos += end + 1;
        }
    }
    if flags & FHCRC != 0 {
        pos += 2;
    }
    if pos > d.len() {
        return Err(GzipError::Truncated);
    }
    Ok(pos)
}

/// Inflates a raw deflate stream into `out`, keeping `out.len() <= limit`.
/// Returns the number of input bytes the stream occupied.
pub fn inflate_raw(input: &[u8], out: &mut Vec<u8>, limit: usize) -> Result<usize, GzipError> {
    // The decompressor's state is 11 KB of tables: allocated and zeroed once
    // per thread, reset per stream (a report is one or two small streams).
    thread_local! {
        static STATE: std::cell::RefCell<Box<DecompressorOxide>> = std::cell::RefCell::new(Box::default());
    }
    STATE.with(|cell| match cell.try_borrow_mut() {
        Ok(mut state) => {
            state.init();
            inflate_with(&mut state, input, out, limit)
        }
        // Not reentrant in practice; a fresh state if it ever were.
        Err(_) => inflate_with(&mut Box::default(), input, out, limit),
    })
}

fn inflate_with(
    state: &mut DecompressorOxide,
    input: &[u8],
    out: &mut Vec<u8>,
    limit: usize,
) -> Result<usize, GzipError> {
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut in_pos = 0;
    let start = out.len();
    let mut out_pos = start;
    // The buffer grows with what this stream has produced (doubling), never
    // with the size of the input: a file of 100,000 empty members must not
    // zero-fill megabytes for each.
    let grow = |out: &mut Vec<u8>, out_pos: usize| {
        let extra = (out_pos - start).max(INITIAL_OUT);
        let want = out_pos.saturating_add(extra).min(limit.saturating_add(1)).max(out_pos + 1);
        zero_extend(out, want);
    };
    grow(out, out_pos);
    loop {
        let (status, consumed, written) = decompress(state, &input[in_pos..], out, out_pos, flags);
        in_pos += consumed;
        out_pos += written;
        match status {
            TINFLStatus::Done => {
                out.truncate(out_pos);
                return Ok(in_pos);
            }
            TINFLStatus::HasMoreOutput => {
                if out.len() > limit {
                    out.truncate(out_pos);
                    return Err(GzipError::TooLarge { limit });
                }
                grow(out, out_pos);
            }
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                out.truncate(out_pos);
                return Err(GzipError::Truncated);
            }
            _ => {
                out.truncate(out_pos);
                return Err(GzipError::Corrupt);
            }
        }
        if out_pos > limit {
            out.truncate(out_pos);
            return Err(GzipError::TooLarge { limit });
        }
    }
}

/// Grows `out` to `want` bytes with zeros. `Vec::resize` compiles to a
/// byte-at-a-time loop at the size-optimized level the release build uses
/// (it was 11 % of a native load); copying from a block of zeros is a memcpy.
fn zero_extend(out: &mut Vec<u8>, want: usize) {
    static ZEROS: [u8; 4096] = [0; 4096];
    out.truncate(want);
    out.reserve(want - out.len());
    while out.len() < want {
        let n = (want - out.len()).min(ZEROS.len());
        out.extend_from_slice(&ZEROS[..n]);
    }
}

/// CRC-32 (IEEE), as gzip and zip use it. Eight bytes per step with eight
/// tables ("slicing by 8"): checking every entry's CRC was 6 % of a whole
/// load with the byte-at-a-time loop.
pub fn crc32(data: &[u8]) -> u32 {
    static TABLES: std::sync::OnceLock<[[u32; 256]; 8]> = std::sync::OnceLock::new();
    let t = TABLES.get_or_init(|| {
        let mut t = [[0u32; 256]; 8];
        for (i, slot) in t[0].iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            *slot = c;
        }
        for i in 0..256 {
            for k in 1..8 {
                let prev = t[k - 1][i];
                t[k][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            }
        }
        t
    });
    let mut c = !0u32;
    let mut chunks = data.chunks_exact(8);
    for b in &mut chunks {
        let lo = c ^ u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let hi = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
        c = t[7][(lo & 0xff) as usize]
            ^ t[6][((lo >> 8) & 0xff) as usize]
            ^ t[5][((lo >> 16) & 0xff) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][(hi & 0xff) as usize]
            ^ t[2][((hi >> 8) & 0xff) as usize]
            ^ t[1][((hi >> 16) & 0xff) as usize]
            ^ t[0][(hi >> 24) as usize];
    }
    for &b in chunks.remainder() {
        c = t[0][((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a gzip member around `data` (for tests).
    pub use crate::ingest::build::gzip;

    #[test]
    fn crc_known_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        // Every length around the 8-byte steps, against the bitwise definition.
        let bitwise = |data: &[u8]| {
            let mut c = !0u32;
            for &b in data {
                c ^= u32::from(b);
                for _ in 0..8 {
                    c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
                }
            }
            !c
        };
        let data: Vec<u8> = (0..100u32).map(|i| (i * 37 + 11) as u8).collect();
        for n in 0..data.len() {
            assert_eq!(crc32(&data[..n]), bitwise(&data[..n]), "length {n}");
        }
    }

    #[test]
    fn round_trip_and_multi_member() {
        assert_eq!(gunzip(&gzip(b"hello"), 100).unwrap(), b"hello");
        let mut two = gzip(b"{\"a\":");
        two.extend(gzip(b"1}"));
        two.extend([0, 0, 0]);
        assert_eq!(gunzip(&two, 100).unwrap(), b"{\"a\":1}");
    }

    #[test]
    fn truncated_and_corrupt() {
        let g = gzip(&vec![b'x'; 5000]);
        for cut in [1, 5, 12, g.len() / 2, g.len() - 4] {
            assert_eq!(gunzip(&g[..cut], 1 << 20), Err(GzipError::Truncated), "cut at {cut}");
        }
        let mut bad = g.clone();
        let n = bad.len();
        bad[n - 6] ^= 0xff; // CRC byte
        assert_eq!(gunzip(&bad, 1 << 20), Err(GzipError::Checksum));
        let mut bad = gzip(b"some text that compresses into a few deflate blocks");
        bad[24] ^= 0xff;
        assert!(matches!(gunzip(&bad, 1 << 20), Err(GzipError::Corrupt | GzipError::Checksum | GzipError::Truncated)));
        assert_eq!(
            gunzip(b"\x1f\x8b\x09\0\0\0\0\0\0\0", 10),
            Err(GzipError::BadHeader("compression method is not deflate"))
        );
    }

    #[test]
    fn cap_stops_a_bomb() {
        let bomb = gzip(&vec![0u8; 10_000_000]);
        assert!(bomb.len() < 20_000);
        assert_eq!(gunzip(&bomb, 1_000_000), Err(GzipError::TooLarge { limit: 1_000_000 }));
        assert_eq!(gunzip(&bomb, 10_000_000).map(|v| v.len()), Ok(10_000_000));
        assert!(GzipError::TooLarge { limit: 64_000_000 }.to_string().contains("64.0 MB"));
    }
}
