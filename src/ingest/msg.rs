//! Outlook `.msg` files (what dragging a message out of Outlook for Windows
//! makes): a compound file whose attachments are storages holding the data
//! (`__substg1.0_37010102`) and the file name (`3707001F`, or `3704001F`).
//!
//! The compound file (MS-CFB) is read here by hand, and only as far as this
//! needs: the sector tables, the directory and a stream's bytes. A general
//! reader (with writing, timestamps and validation of every field) weighed
//! 15 KB of the page's 300 gzipped; this one about 3. It is checked against
//! that general crate, which writes the tests' messages (tests/msg.rs).

use std::fmt;

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

/// How much of a message [`attachments`] reads.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    /// Attachments read at most.
    pub max_count: usize,
    /// Bytes read of one attachment at most; one cut here says so.
    pub cap: usize,
    /// Bytes read of all attachments together at most. Attachments may all
    /// point at the same sectors, so a small file could otherwise make
    /// `max_count` copies of its largest stream; the attachment that reaches
    /// this is the last read (whole up to what is left, not marked cut).
    pub total: usize,
}

/// A message's subject and its attachments, read as `how` allows.
/// Attachments are found at any depth (a forwarded message's own
/// attachments included), in the directory's order.
pub fn attachments(bytes: &[u8], how: Reading) -> Result<(Option<String>, Vec<Attachment>), MsgError> {
    let file = Compound::open(bytes).map_err(|why| MsgError::Corrupt(why.to_owned()))?;
    let text = |e: &Entry, limit: usize| file.read(e, limit).ok().map(|(b, _)| utf16(&b));
    let tree = file.tree();
    let subject = file.stream(&tree[0].1, "__substg1.0_0037001F").and_then(|e| text(e, 4096));
    let mut out = Vec::new();
    let mut left = how.total;
    for (dir, kids) in
        tree.iter().filter(|(i, _)| file.entries[*i].name.starts_with("__attach_version1.0_")).take(how.max_count)
    {
        if left == 0 {
            break;
        }
        let limit = how.cap.min(left);
        let Some(Ok((data, cut))) = file.stream(kids, "__substg1.0_37010102").map(|e| file.read(e, limit)) else {
            continue;
        };
        left -= data.len();
        let name = ["__substg1.0_3707001F", "__substg1.0_3704001F"]
            .iter()
            .find_map(|id| file.stream(kids, id).and_then(|e| text(e, 1024)))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| file.entries[*dir].name.clone());
        out.push(Attachment { name, data, truncated: cut && limit == how.cap });
    }
    Ok((subject, out))
}

/// UTF-16LE text as MAPI stores it, without its trailing NULs.
fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    String::from_utf16_lossy(&units).trim_end_matches('\0').to_owned()
}

/// Sector numbers above this mark the end of a chain, free sectors and the
/// tables' own sectors.
const MAX_SECTOR: u32 = 0xFFFF_FFFA;
/// "No entry" in the directory's sibling and child links.
const NO_ENTRY: u32 = 0xFFFF_FFFF;
const STORAGE: u8 = 1;
const STREAM: u8 = 2;

/// One directory entry, as far as reading needs it.
struct Entry {
    name: String,
    kind: u8,
    left: u32,
    right: u32,
    child: u32,
    start: u32,
    size: u64,
}

/// A compound file opened for reading: its sector tables and directory.
struct Compound<'a> {
    bytes: &'a [u8],
    /// log2 of the sector size (9: 512 bytes, 12: 4096).
    shift: u32,
    /// log2 of the mini stream's sector size (64 bytes).
    mini_shift: u32,
    /// Streams shorter than this live in the mini stream.
    cutoff: u64,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    /// The sectors holding the mini stream (the root entry's stream).
    mini_sectors: Vec<u32>,
    entries: Vec<Entry>,
}

/// A field of the header or a directory entry; one past the end reads as
/// "no entry" (a sector number or link) or 0.
fn u32_at(b: &[u8], at: usize) -> u32 {
    super::le::u32_at(b, at).unwrap_or(NO_ENTRY)
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    super::le::u16_at(b, at).unwrap_or(0)
}

/// The u32s a run of sectors holds, in order.
fn table_of(sectors: &[&[u8]]) -> Vec<u32> {
    sectors.iter().flat_map(|s| s.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))).collect()
}

impl<'a> Compound<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, &'static str> {
        if bytes.len() < 512 || !bytes.starts_with(&MAGIC) {
            return Err("not a compound file");
        }
        let shift = u32::from(u16_at(bytes, 0x1E));
        let mini_shift = u32::from(u16_at(bytes, 0x20));
        // Version 3 uses 512-byte sectors and version 4 4096; anything else
        // was not written by Outlook.
        if !(shift == 9 || shift == 12) || mini_shift == 0 || mini_shift > shift {
            return Err("unknown sector size");
        }
        let mut file = Compound {
            bytes,
            shift,
            mini_shift,
            cutoff: u64::from(u32_at(bytes, 0x38)),
            fat: Vec::new(),
            mini_fat: Vec::new(),
            mini_sectors: Vec::new(),
            entries: Vec::new(),
        };
        file.fat = file.read_fat()?;
        let dir = file.chain(&file.fat, u32_at(bytes, 0x30), usize::MAX)?;
        file.entries = file.sectors(&dir)?.iter().flat_map(|s| s.chunks_exact(128)).map(|e| file.entry(e)).collect();
        let root = file.entries.first().ok_or("no directory")?;
        let mini_len = usize::try_from(root.size >> shift).unwrap_or(usize::MAX).saturating_add(1);
        file.mini_sectors = file.chain(&file.fat, root.start, mini_len)?;
        let mini_fat = file.chain(&file.fat, u32_at(bytes, 0x3C), usize::MAX)?;
        file.mini_fat = table_of(&file.sectors(&mini_fat)?);
        Ok(file)
    }

    /// The sector allocation table, from the sector numbers the header lists
    /// (the first 109) and the DIFAT chain lists (the rest).
    fn read_fat(&self) -> Result<Vec<u32>, &'static str> {
        let per = (1usize << self.shift) / 4 - 1;
        // No more FAT sectors than it takes to map every sector the file
        // holds: a header or DIFAT naming one sector over and over would
        // otherwise build a table ~127 times the file's size.
        let count = (u32_at(self.bytes, 0x2C) as usize).min(self.sector_count().div_ceil(per + 1));
        let mut ids: Vec<u32> = table_of(&[&self.bytes[0x4C..0x200]]);
        let mut next = u32_at(self.bytes, 0x44);
        // Each DIFAT sector names the next one; a loop would never end, so
        // the walk stops after as many sectors as the file can hold.
        for _ in 0..self.sector_count() {
            if next > MAX_SECTOR || ids.len() >= count {
                break;
            }
            let s = self.sector(next).ok_or("truncated")?;
            ids.extend(table_of(&[s.get(..per * 4).ok_or("truncated")?]));
            next = u32_at(s, per * 4);
        }
        ids.truncate(count);
        ids.retain(|&id| id <= MAX_SECTOR);
        Ok(table_of(&self.sectors(&ids)?))
    }

    /// How many whole or partial sectors follow the header.
    fn sector_count(&self) -> usize {
        (self.bytes.len() >> self.shift) + 1
    }

    /// Sector `n`'s bytes; the file's last sector may be short.
    fn sector(&self, n: u32) -> Option<&'a [u8]> {
        let size = 1usize << self.shift;
        let at = (n as usize).checked_add(1)?.checked_mul(size)?;
        let end = self.bytes.len().min(at.checked_add(size)?);
        if at >= end {
            return None;
        }
        // A full-size slice keeps the tables' arithmetic simple; a short last
        // sector is only ever read up to the stream's size.
        self.bytes.get(at..end)
    }

    fn sectors(&self, ids: &[u32]) -> Result<Vec<&'a [u8]>, &'static str> {
        ids.iter().map(|&n| self.sector(n).ok_or("truncated")).collect()
    }

    /// The chain of sectors from `start` in `table`, at most `max` long. A
    /// chain that loops or leaves the table is corrupt.
    fn chain(&self, table: &[u32], start: u32, max: usize) -> Result<Vec<u32>, &'static str> {
        let mut out = Vec::new();
        // Every sector once: a chain that comes back to one loops, even if
        // it would be cut at `max` before a length check could tell (a
        // stream read from it would repeat sectors as if they were data).
        let mut seen = foldhash::HashSet::default();
        let mut at = start;
        while at <= MAX_SECTOR && out.len() < max {
            if !seen.insert(at) {
                return Err("a sector chain loops");
            }
            out.push(at);
            at = *table.get(at as usize).ok_or("a sector chain leaves the table")?;
        }
        Ok(out)
    }

    fn entry(&self, e: &[u8]) -> Entry {
        let units = (usize::from(u16_at(e, 0x40)) / 2).saturating_sub(1).min(31);
        let size = super::le::u64_at(e, 0x78).unwrap_or(0);
        Entry {
            name: utf16(&e[..units * 2]),
            kind: e[0x42],
            left: u32_at(e, 0x44),
            right: u32_at(e, 0x48),
            child: u32_at(e, 0x4C),
            start: u32_at(e, 0x74),
            // Version 3 files may leave junk in the size's high half.
            size: if self.shift == 9 { size & 0xFFFF_FFFF } else { size },
        }
    }

    /// The entries directly inside storage `parent`, in the directory's
    /// order (an in-order walk of its sibling tree). Each entry is visited
    /// once, so a tree that links back into itself still ends.
    fn children(&self, parent: usize, seen: &mut [bool]) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = Vec::new();
        let mut at = self.entries[parent].child;
        loop {
            while let Some(done) = seen.get_mut(at as usize).filter(|done| !**done) {
                *done = true;
                stack.push(at as usize);
                at = self.entries[at as usize].left;
            }
            let Some(i) = stack.pop() else { return out };
            out.push(i);
            at = self.entries[i].right;
        }
    }

    /// Every storage with the entries directly inside it, the root first and
    /// parents before their children, in the directory's order. One `seen`
    /// for the whole walk: each entry is placed once, however it is linked.
    fn tree(&self) -> Vec<(usize, Vec<usize>)> {
        let mut seen = vec![false; self.entries.len()];
        seen[0] = true;
        let mut out = Vec::new();
        let mut todo = vec![0];
        while let Some(i) = todo.pop() {
            let kids = self.children(i, &mut seen);
            // Reversed, so the first storage is the next one expanded.
            todo.extend(kids.iter().rev().filter(|&&k| self.entries[k].kind == STORAGE));
            out.push((i, kids));
        }
        out
    }

    /// The stream called `name` among `kids`.
    fn stream(&self, kids: &[usize], name: &str) -> Option<&Entry> {
        kids.iter().map(|&i| &self.entries[i]).find(|e| e.kind == STREAM && e.name.eq_ignore_ascii_case(name))
    }

    /// A stream's bytes, at most `limit`, and whether there were more.
    fn read(&self, e: &Entry, limit: usize) -> Result<(Vec<u8>, bool), &'static str> {
        let want = usize::try_from(e.size.min((limit as u64).saturating_add(1))).unwrap_or(usize::MAX);
        let mut out = Vec::with_capacity(want.min(self.bytes.len()));
        if e.size < self.cutoff {
            let per = 1usize << self.mini_shift;
            for m in self.chain(&self.mini_fat, e.start, want.div_ceil(per))? {
                // In 64 bits: a mini sector number shifted in a 32-bit usize
                // (the page) would lose its high bits and alias another one.
                let at = u64::from(m) << self.mini_shift;
                let host = usize::try_from(at >> self.shift)
                    .ok()
                    .and_then(|i| self.mini_sectors.get(i))
                    .ok_or("a stream leaves the mini stream")?;
                let s = self.sector(*host).ok_or("truncated")?;
                let within = (at & ((1 << self.shift) - 1)) as usize;
                out.extend_from_slice(
                    s.get(within..within + per).unwrap_or_else(|| s.get(within..).unwrap_or_default()),
                );
            }
        } else {
            for n in self.chain(&self.fat, e.start, want.div_ceil(1 << self.shift))? {
                out.extend_from_slice(self.sector(n).ok_or("truncated")?);
            }
        }
        if out.len() < want {
            return Err("a stream is shorter than its size");
        }
        out.truncate(want);
        let cut = out.len() > limit;
        out.truncate(limit);
        Ok((out, cut))
    }
}
