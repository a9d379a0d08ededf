//! Reading tar archives (ustar, GNU long names, pax path records): a folder
//! compressed with `tar czf`. Written by hand: the format is 512-byte headers
//! followed by the data, and we need only names and byte ranges.

use std::fmt;

/// Why a tar archive could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TarError {
    /// A header's checksum does not match (the archive is damaged).
    Checksum { at: usize },
    /// An entry's data runs past the end of the archive.
    Truncated,
    /// The archive lists more entries than the limit.
    TooManyEntries { limit: usize },
}

impl fmt::Display for TarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TarError::Checksum { at } => write!(f, "tar header at byte {at} is damaged (checksum mismatch)"),
            TarError::Truncated => write!(f, "tar archive is truncated"),
            TarError::TooManyEntries { limit } => write!(f, "tar archive holds more than {limit} entries"),
        }
    }
}

impl std::error::Error for TarError {}

/// One regular file in the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its path inside the archive.
    pub name: String,
    /// Where its data starts.
    pub start: usize,
    /// Its size in bytes.
    pub len: usize,
}

/// Whether the bytes start with a ustar or GNU tar header.
pub fn is_tar(b: &[u8]) -> bool {
    b.len() >= 512 && b.get(257..262) == Some(b"ustar") && checksum_ok(&b[..512])
}

fn octal(field: &[u8]) -> Option<usize> {
    let s = std::str::from_utf8(field).ok()?;
    let s = s.trim_matches(|c: char| c == '\0' || c == ' ');
    if s.is_empty() {
        return Some(0);
    }
    usize::from_str_radix(s, 8).ok()
}

fn checksum_ok(h: &[u8]) -> bool {
    let want = octal(&h[148..156]);
    let sum: usize =
        h.iter().enumerate().map(|(i, &b)| if (148..156).contains(&i) { 32 } else { usize::from(b) }).sum();
    want == Some(sum)
}

fn text(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

/// The regular files of an archive, in order. Directories, links and
/// metadata records are left out; a long name (GNU `L`, pax `path=`) names
/// the entry after it.
pub fn entries(b: &[u8], limit: usize) -> Result<Vec<Entry>, TarError> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut long_name: Option<String> = None;
    loop {
        if pos >= b.len() {
            break;
        }
        let Some(h) = b.get(pos..pos + 512) else { return Err(TarError::Truncated) };
        if h.iter().all(|&x| x == 0) {
            break; // end-of-archive marker
        }
        if !checksum_ok(h) {
            return Err(TarError::Checksum { at: pos });
        }
        let size = octal(&h[124..136]).ok_or(TarError::Checksum { at: pos })?;
        let start = pos + 512;
        let end = start.checked_add(size).ok_or(TarError::Truncated)?;
        if end > b.len() {
            return Err(TarError::Truncated);
        }
        let data = &b[start..end];
        match h[156] {
            b'L' => long_name = Some(text(data)),
            b'x' => {
                // pax: records "LEN path=VALUE\n"
                for rec in String::from_utf8_lossy(data).split('\n') {
                    if let Some((_, kv)) = rec.split_once(' ') {
                        if let Some(p) = kv.strip_prefix("path=") {
                            long_name = Some(p.to_owned());
                        }
                    }
                }
            }
            b'0' | 0 | b'7' => {
                if out.len() >= limit {
                    return Err(TarError::TooManyEntries { limit });
                }
                let name = long_name.take().unwrap_or_else(|| {
                    let prefix = text(&h[345..500]);
                    let name = text(&h[..100]);
                    if prefix.is_empty() {
                        name
                    } else {
                        format!("{prefix}/{name}")
                    }
                });
                out.push(Entry { name, start, len: size });
            }
            _ => long_name = None,
        }
        pos = start + size.div_ceil(512) * 512;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::build::tar;

    #[test]
    fn ustar_with_long_names() {
        let long = format!("{}/report.json", "a-folder-with-a-very-long-name".repeat(5));
        let archive = tar(&[("short.json", b"{}"), (long.as_str(), b"[1]")]);
        assert!(is_tar(&archive));
        let e = entries(&archive, 10).unwrap();
        assert_eq!(e.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["short.json", long.as_str()]);
        assert_eq!(&archive[e[1].start..e[1].start + e[1].len], b"[1]");
        assert_eq!(entries(&archive, 1), Err(TarError::TooManyEntries { limit: 1 }));
        assert_eq!(entries(&archive[..archive.len() - 1600], 10), Err(TarError::Truncated));
        let mut bad = archive.clone();
        bad[0] ^= 1;
        assert!(!is_tar(&bad));
    }
}
