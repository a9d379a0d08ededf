//! Reading zip archives: stored and deflate entries, zip64, and recovery of
//! entries from an archive whose central directory was cut off.

use std::fmt;

use super::gzip::{crc32, inflate_raw, GzipError};
use super::le::{u16_at, u32_at, u64_at};

/// Why a zip archive or entry could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ZipError {
    /// Neither a central directory nor any local entry was found.
    NoEntries,
    /// A structure points outside the file or is cut short.
    Truncated,
    /// The archive lists more entries than the limit.
    TooManyEntries { count: u64, limit: usize },
    /// An entry is encrypted.
    Encrypted,
    /// An entry uses a compression method other than stored or deflate.
    UnsupportedMethod(u16),
    /// An entry's deflate data is corrupt.
    Corrupt,
    /// An entry's CRC-32 does not match.
    Checksum,
    /// An entry inflates past the cap.
    TooLarge { limit: usize },
    /// The central directory was missing; entries were recovered from local headers.
    Recovered { entries: usize },
    /// Entries point at data another entry already uses (a zip-bomb trick).
    Overlapping { entries: usize },
}

impl fmt::Display for ZipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZipError::NoEntries => write!(f, "zip archive has no readable entries"),
            ZipError::Truncated => write!(f, "zip archive is truncated"),
            ZipError::TooManyEntries { count, limit } => {
                write!(f, "zip archive lists {count} entries, more than the limit of {limit}")
            }
            ZipError::Encrypted => write!(f, "zip entry is encrypted"),
            ZipError::UnsupportedMethod(m) => {
                write!(f, "zip entry uses compression method {m} (only stored and deflate are read)")
            }
            ZipError::Corrupt => write!(f, "zip entry data is corrupt"),
            ZipError::Checksum => write!(f, "zip entry checksum does not match (the data is damaged)"),
            ZipError::TooLarge { limit } => write!(
                f,
                "zip entry inflates to more than {} (possible decompression bomb)",
                crate::format::bytes(*limit as u64)
            ),
            ZipError::Overlapping { entries } => write!(
                f,
                "{entries} zip entries point at data another entry already uses (a decompression-bomb trick); they were not read"
            ),
            ZipError::Recovered { entries } => write!(
                f,
                "zip archive is truncated (no central directory); {entries} entries recovered from what is there"
            ),
        }
    }
}

impl std::error::Error for ZipError {}

/// One entry as the archive describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The entry's path inside the archive.
    pub name: String,
    /// Whether it is a directory.
    pub is_dir: bool,
    method: u16,
    flags: u16,
    crc: u32,
    compressed: u64,
    uncompressed: u64,
    /// Offset of the local header, or of the data itself when recovered.
    local_offset: u64,
    /// Set when the entry was recovered by scanning: data starts here.
    data_offset: Option<u64>,
}

const EOCD: &[u8; 4] = b"PK\x05\x06";
const CDH: u32 = 0x0201_4b50;
const LFH: u32 = 0x0403_4b50;

/// Lists the entries of an archive. When the central directory is missing,
/// local headers are scanned instead; [`entries_with_status`] also says so.
pub fn entries(b: &[u8], limit: usize) -> Result<Vec<Entry>, ZipError> {
    entries_with_status(b, limit, DEFAULT_SCAN_BUDGET).map(|(e, _)| e)
}

/// Bytes a scan of a cut-off archive may inflate by default (see [`entries_with_status`]).
pub const DEFAULT_SCAN_BUDGET: usize = 64 << 20;

/// Like [`entries`], also saying whether the entries were recovered by scanning.
/// A cut-off archive whose entries put their sizes after the data must be
/// inflated to find where each entry ends: `scan_budget` bounds the bytes
/// that scan may inflate in all (the entries found before it ran out stand).
pub fn entries_with_status(b: &[u8], limit: usize, scan_budget: usize) -> Result<(Vec<Entry>, bool), ZipError> {
    match find_eocd(b) {
        Some(eocd) => central_directory(b, eocd, limit).map(|e| (e, false)),
        None => {
            let found = scan_local_headers(b, limit, scan_budget)?;
            if found.is_empty() {
                Err(ZipError::NoEntries)
            } else {
                Ok((found, true))
            }
        }
    }
}

fn find_eocd(b: &[u8]) -> Option<usize> {
    // The record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
    let from = b.len().saturating_sub(22 + 65_535);
    (from..=b.len().checked_sub(22)?).rev().find(|&i| &b[i..i + 4] == EOCD)
}

fn central_directory(b: &[u8], eocd: usize, limit: usize) -> Result<Vec<Entry>, ZipError> {
    let t = ZipError::Truncated;
    let mut count = u64::from(u16_at(b, eocd + 10).ok_or(t.clone())?);
    let mut cd_size = u64::from(u32_at(b, eocd + 12).ok_or(t.clone())?);
    let mut cd_offset = u64::from(u32_at(b, eocd + 16).ok_or(t.clone())?);
    let mut zip64 = false;
    if count == 0xffff || cd_offset == 0xffff_ffff || cd_size == 0xffff_ffff {
        // zip64: a locator sits just before the classic record.
        let loc = eocd.checked_sub(20).ok_or(t.clone())?;
        if u32_at(b, loc) == Some(0x0706_4b50) {
            let rec = usize::try_from(u64_at(b, loc + 8).ok_or(t.clone())?).map_err(|_| t.clone())?;
            if u32_at(b, rec) != Some(0x0606_4b50) {
                return Err(t);
            }
            count = u64_at(b, rec + 32).ok_or(t.clone())?;
            cd_size = u64_at(b, rec + 40).ok_or(t.clone())?;
            cd_offset = u64_at(b, rec + 48).ok_or(t.clone())?;
            zip64 = true;
        }
    }
    if count > limit as u64 {
        return Err(ZipError::TooManyEntries { count, limit });
    }
    // The 16-bit entry count of the classic record wraps past 65,535 entries
    // (some tools write no zip64 record then): walk the directory to its
    // stated size instead, and trust the count only for zip64.
    let start = usize::try_from(cd_offset).map_err(|_| t.clone())?;
    let cd_end = usize::try_from(cd_offset.saturating_add(cd_size)).map_err(|_| t.clone())?.min(eocd);
    let by_size = !zip64 && cd_end > start;
    let mut out = Vec::with_capacity(count.min(65_536) as usize);
    let mut pos = start;
    loop {
        let more = if by_size { pos < cd_end } else { (out.len() as u64) < count };
        if !more {
            break;
        }
        if out.len() >= limit {
            return Err(ZipError::TooManyEntries { count: out.len() as u64 + 1, limit });
        }
        if u32_at(b, pos) != Some(CDH) {
            if by_size && !out.is_empty() {
                // The stated size overshoots; the entries read so far stand.
                break;
            }
            return Err(t);
        }
        let h = b.get(pos..pos + 46).ok_or(t.clone())?;
        let name_len = usize::from(u16_at(h, 28).ok_or(t.clone())?);
        let extra_len = usize::from(u16_at(h, 30).ok_or(t.clone())?);
        let comment_len = usize::from(u16_at(h, 32).ok_or(t.clone())?);
        let name_bytes = b.get(pos + 46..pos + 46 + name_len).ok_or(t.clone())?;
        let extra = b.get(pos + 46 + name_len..pos + 46 + name_len + extra_len).ok_or(t.clone())?;
        let mut e = Entry {
            name: String::from_utf8_lossy(name_bytes).into_owned(),
            is_dir: name_bytes.ends_with(b"/"),
            flags: u16_at(h, 8).ok_or(t.clone())?,
            method: u16_at(h, 10).ok_or(t.clone())?,
            crc: u32_at(h, 16).ok_or(t.clone())?,
            compressed: u64::from(u32_at(h, 20).ok_or(t.clone())?),
            uncompressed: u64::from(u32_at(h, 24).ok_or(t.clone())?),
            local_offset: u64::from(u32_at(h, 42).ok_or(t.clone())?),
            data_offset: None,
        };
        apply_zip64_extra(&mut e, extra);
        out.push(e);
        pos += 46 + name_len + extra_len + comment_len;
    }
    Ok(out)
}

/// Replaces 0xffffffff sizes and offsets with their zip64 extra-field values.
fn apply_zip64_extra(e: &mut Entry, mut extra: &[u8]) {
    while extra.len() >= 4 {
        let id = u16::from_le_bytes([extra[0], extra[1]]);
        let len = usize::from(u16::from_le_bytes([extra[2], extra[3]]));
        let Some(data) = extra.get(4..4 + len) else { return };
        if id == 1 {
            let mut at = 0;
            for field in [&mut e.uncompressed, &mut e.compressed, &mut e.local_offset] {
                if *field == 0xffff_ffff {
                    if let Some(v) = u64_at(data, at) {
                        *field = v;
                        at += 8;
                    }
                }
            }
        }
        extra = &extra[4 + len..];
    }
}

/// Walks local headers from the start, for archives cut before their directory.
fn scan_local_headers(b: &[u8], limit: usize, mut budget: usize) -> Result<Vec<Entry>, ZipError> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    // One buffer for every entry that must be inflated to be measured.
    let mut sink = Vec::new();
    while u32_at(b, pos) == Some(LFH) {
        if out.len() >= limit {
            return Err(ZipError::TooManyEntries { count: out.len() as u64 + 1, limit });
        }
        let Some(h) = b.get(pos..pos + 30) else { break };
        let flags = u16::from_le_bytes([h[6], h[7]]);
        let method = u16::from_le_bytes([h[8], h[9]]);
        let name_len = usize::from(u16::from_le_bytes([h[26], h[27]]));
        let extra_len = usize::from(u16::from_le_bytes([h[28], h[29]]));
        let Some(name_bytes) = b.get(pos + 30..pos + 30 + name_len) else { break };
        let data = pos + 30 + name_len + extra_len;
        let mut compressed = u64::from(u32::from_le_bytes([h[18], h[19], h[20], h[21]]));
        let mut crc = u32::from_le_bytes([h[14], h[15], h[16], h[17]]);
        let mut uncompressed = u64::from(u32::from_le_bytes([h[22], h[23], h[24], h[25]]));
        let mut next = data.saturating_add(compressed as usize);
        if flags & 8 != 0 && method == 8 {
            // Sizes follow the data in a descriptor: inflate to find where the data ends.
            let Some(rest) = b.get(data..) else { break };
            sink.clear();
            let result = inflate_raw(rest, &mut sink, budget);
            budget = budget.saturating_sub(sink.len());
            let Ok(used) = result else { break };
            compressed = used as u64;
            uncompressed = sink.len() as u64;
            crc = crc32(&sink);
            next = data + used;
            // The descriptor: optional signature, CRC, sizes (zip64 would be larger; we stop there).
            next += if u32_at(b, next) == Some(0x0807_4b50) { 16 } else { 12 };
        } else if flags & 8 != 0 {
            break;
        }
        if next > b.len() {
            break;
        }
        out.push(Entry {
            name: String::from_utf8_lossy(name_bytes).into_owned(),
            is_dir: name_bytes.ends_with(b"/"),
            method,
            flags,
            crc,
            compressed,
            uncompressed,
            local_offset: pos as u64,
            data_offset: Some(data as u64),
        });
        pos = next;
    }
    Ok(out)
}

/// Drops entries whose data overlaps an earlier entry's: in a real archive
/// each entry's local header and data follow the previous one's, so an entry
/// starting inside another is a bomb built from one piece of data read many
/// times. Returns the kept entries, in directory order, and how many were dropped.
pub fn without_overlaps(entries: Vec<Entry>) -> (Vec<Entry>, usize) {
    let order = crate::sort::order(entries.len(), &|a, b| entries[a].data_start().cmp(&entries[b].data_start()));
    let mut keep = vec![false; entries.len()];
    let mut end = 0u64;
    for i in order {
        let e = &entries[i];
        if e.is_dir || e.data_start() >= end {
            keep[i] = true;
            if !e.is_dir {
                end = e.data_start().saturating_add(30).saturating_add(e.compressed);
            }
        }
    }
    let dropped = keep.iter().filter(|k| !**k).count();
    let kept = entries.into_iter().zip(keep).filter(|(_, k)| *k).map(|(e, _)| e).collect();
    (kept, dropped)
}

impl Entry {
    /// Where the entry's local header (or recovered data) starts.
    fn data_start(&self) -> u64 {
        self.data_offset.map_or(self.local_offset, |d| d.saturating_sub(30))
    }
}

/// Reads and checks one entry, inflating at most `cap` bytes.
pub fn read(b: &[u8], e: &Entry, cap: usize) -> Result<Vec<u8>, ZipError> {
    let mut out = Vec::new();
    read_into(b, e, cap, &mut out).map(|()| out)
}

/// Like [`read`], into `out`. Whatever the outcome, `out.len()` is what was
/// inflated, so a caller can charge a failed entry for the work it caused.
pub fn read_into(b: &[u8], e: &Entry, cap: usize, out: &mut Vec<u8>) -> Result<(), ZipError> {
    if e.flags & 1 != 0 {
        return Err(ZipError::Encrypted);
    }
    let start = match e.data_offset {
        Some(d) => usize::try_from(d).map_err(|_| ZipError::Truncated)?,
        None => {
            let lo = usize::try_from(e.local_offset).map_err(|_| ZipError::Truncated)?;
            if u32_at(b, lo) != Some(LFH) {
                return Err(ZipError::Truncated);
            }
            let n = usize::from(u16_at(b, lo + 26).ok_or(ZipError::Truncated)?);
            let x = usize::from(u16_at(b, lo + 28).ok_or(ZipError::Truncated)?);
            lo + 30 + n + x
        }
    };
    let len = usize::try_from(e.compressed).map_err(|_| ZipError::Truncated)?;
    let data = b.get(start..start.checked_add(len).ok_or(ZipError::Truncated)?).ok_or(ZipError::Truncated)?;
    match e.method {
        0 => {
            if data.len() > cap {
                return Err(ZipError::TooLarge { limit: cap });
            }
            out.extend_from_slice(data);
        }
        8 => {
            if e.uncompressed > cap as u64 {
                return Err(ZipError::TooLarge { limit: cap });
            }
            inflate_raw(data, out, cap).map_err(|err| match err {
                GzipError::TooLarge { limit } => ZipError::TooLarge { limit },
                GzipError::Truncated => ZipError::Truncated,
                _ => ZipError::Corrupt,
            })?;
        }
        m => return Err(ZipError::UnsupportedMethod(m)),
    }
    if crc32(out) != e.crc {
        return Err(ZipError::Checksum);
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub use crate::ingest::build::zip as build;

    #[test]
    fn stored_and_deflate() {
        let z = build(&[("a.json", b"{\"a\":1}", false), ("dir/b.json", b"{\"b\":2}", true)]);
        let es = entries(&z, 10).unwrap();
        assert_eq!(es.len(), 2);
        assert_eq!(read(&z, &es[0], 100).unwrap(), b"{\"a\":1}");
        assert_eq!(read(&z, &es[1], 100).unwrap(), b"{\"b\":2}");
        assert_eq!(es[1].name, "dir/b.json");
    }

    #[test]
    fn limits_and_damage() {
        let z = build(&[("a", b"1", false), ("b", b"2", false), ("c", b"3", false)]);
        assert_eq!(entries(&z, 2), Err(ZipError::TooManyEntries { count: 3, limit: 2 }));
        let big = vec![b'x'; 100_000];
        let z = build(&[("big", &big, true)]);
        let es = entries(&z, 10).unwrap();
        assert_eq!(read(&z, &es[0], 1000), Err(ZipError::TooLarge { limit: 1000 }));
        let mut bad = z.clone();
        bad[12] ^= 1; // stored CRC in the local header is not used; corrupt the CD copy instead
        let cd_crc = find_eocd(&bad).map(|e| u32_at(&bad, e + 16).unwrap() as usize + 16).unwrap();
        bad[cd_crc] ^= 0xff;
        let es = entries(&bad, 10).unwrap();
        assert_eq!(read(&bad, &es[0], 1 << 20), Err(ZipError::Checksum));
    }

    #[test]
    fn truncated_archive_is_recovered() {
        let z = build(&[("a.json", b"{\"a\":1}", true), ("b.json", b"{\"b\":2}", true)]);
        let cut = &z[..z.len() - 30];
        let (es, recovered) = entries_with_status(cut, 10, DEFAULT_SCAN_BUDGET).unwrap();
        assert!(recovered);
        assert_eq!(es.len(), 2);
        assert_eq!(read(cut, &es[1], 100).unwrap(), b"{\"b\":2}");
        assert_eq!(entries(b"PK\x03\x04\0\0", 10), Err(ZipError::NoEntries));
    }
}
