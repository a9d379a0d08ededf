//! Outlook `.msg` files (what dragging a message out of Outlook for Windows
//! makes): a compound file whose attachments are storages holding the data
//! (`__substg1.0_37010102`) and the file name (`3707001F`, or `3704001F`).

use std::fmt;
use std::io::{Cursor, Read};

/// The compound-file signature.
pub const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Why a `.msg` file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MsgError {
    /// The compound file is malformed.
    Corrupt(String),
}

impl fmt::Display for MsgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MsgError::Corrupt(why) => write!(f, "Outlook message could not be read: {why}"),
        }
    }
}

impl std::error::Error for MsgError {}

/// An attachment: its file name and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file name it was attached with.
    pub name: String,
    /// Its bytes, at most the cap given to [`attachments`].
    pub data: Vec<u8>,
    /// Whether it was cut at the cap.
    pub truncated: bool,
}

/// A message's subject and its attachments (at most `max_count`, each read
/// up to `cap` bytes).
pub fn attachments(bytes: &[u8], max_count: usize, cap: usize) -> Result<(Option<String>, Vec<Attachment>), MsgError> {
    let bad = |e: std::io::Error| MsgError::Corrupt(e.to_string());
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(bad)?;
    let storages: Vec<String> = file
        .walk()
        .filter(|e| e.is_storage() && e.name().starts_with("__attach_version1.0_"))
        .map(|e| e.path().to_string_lossy().into_owned())
        .take(max_count)
        .collect();
    let read = |file: &mut cfb::CompoundFile<Cursor<&[u8]>>, path: &str, limit: usize| -> Option<(Vec<u8>, bool)> {
        let stream = file.open_stream(path).ok()?;
        let mut out = Vec::new();
        stream.take(limit as u64 + 1).read_to_end(&mut out).ok()?;
        let cut = out.len() > limit;
        out.truncate(limit);
        Some((out, cut))
    };
    let text = |b: Vec<u8>| {
        let units: Vec<u16> = b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units).trim_end_matches('\0').to_owned()
    };
    let subject = read(&mut file, "/__substg1.0_0037001F", 4096).map(|(b, _)| text(b));
    let mut out = Vec::new();
    for dir in storages {
        let Some((data, truncated)) = read(&mut file, &format!("{dir}/__substg1.0_37010102"), cap) else { continue };
        let name = ["3707001F", "3704001F"]
            .iter()
            .find_map(|id| read(&mut file, &format!("{dir}/__substg1.0_{id}"), 1024).map(|(b, _)| text(b)))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| dir.rsplit('/').next().unwrap_or_default().to_owned());
        out.push(Attachment { name, data, truncated });
    }
    Ok((subject, out))
}
