//! The load engine's plain-Rust parts: the one queue every load goes
//! through, the work a worker does on one file, and the in-order merge.
//!
//! The browser's loader drives it, through Web Workers or on the main thread;
//! nothing here knows about browsers, so the rules (a second load appends,
//! cancel keeps what was loaded, the merge is the same whatever order the
//! workers finish in) are tested natively.

mod queue;
mod rehearsal;
mod reorder;
pub mod wire;

pub use queue::LoadQueue;
pub use rehearsal::Rehearsal;
pub use reorder::Reorder;

use crate::analysis::{Dataset, Delivery, FileOutcome, FileResult};
use crate::ingest::Limits;

/// Reports per chunk of a worker's answer: the main thread merges one chunk
/// per time slice, so even a 100,000-report archive never holds it for long.
/// Merging a report into a data set of 64k costs the page 50–100 µs (its
/// index, sums and findings' facts), so a chunk is ~10 ms at most.
pub const REPORTS_PER_CHUNK: usize = 128;

/// One piece of a worker's answer for a file. The first carries the file's
/// outcome; each carries some of its reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// The file's outcome, in the first chunk only.
    pub outcome: Option<FileOutcome>,
    /// Reports, in file order.
    pub deliveries: Vec<Delivery>,
}

/// What a worker does with one file: reads it whole, and returns its result
/// as length-prefixed chunks in the compact form that crosses the boundary.
pub fn ingest_encoded(name: &str, bytes: &[u8]) -> Vec<u8> {
    encode_chunks(FileResult::read(name, bytes, &Limits::default()), REPORTS_PER_CHUNK)
}

/// What a worker does with a batch of small files the page read together
/// (src/ui/lane.js): `all` holds them side by side, file `i` ending at
/// `ends[i]`, and `names` their names, each followed by a NUL (no file name
/// holds one). Returns their answers ([`ingest_encoded`]) side by side, and
/// where each ends. `started(i)` is told before file `i` is read, so a
/// worker whose module traps knows on which file. A file whose bounds are
/// out of order gets an empty answer (the page says it gave none).
pub fn ingest_batch(names: &str, all: &[u8], ends: &[f64], mut started: impl FnMut(usize)) -> (Vec<u8>, Vec<f64>) {
    let mut out = Vec::new();
    let mut out_ends = Vec::with_capacity(ends.len());
    let mut names = names.split('\0');
    let mut start = 0usize;
    for (i, &end) in ends.iter().enumerate() {
        let end = end as usize;
        let name = names.next().unwrap_or_default();
        if let Some(bytes) = all.get(start..end) {
            started(i);
            out.extend(ingest_encoded(name, bytes));
        }
        out_ends.push(out.len() as f64);
        start = end;
    }
    (out, out_ends)
}

/// What a worker does with part `part` of `parts` of a big archive or
/// mailbox ([`crate::ingest::Job::part`]).
pub fn ingest_part_encoded(name: &str, bytes: &[u8], part: usize, parts: usize) -> Vec<u8> {
    encode_chunks(FileResult::read_part(name, bytes, &Limits::default(), part, parts), REPORTS_PER_CHUNK)
}

/// Files at least this large, if zip archives or mailboxes, are read in parts.
pub const SPLIT_BYTES: usize = 2 << 20;

/// Most parts one file is read in (each gets 1/parts of its budgets).
pub const MAX_SPLIT: usize = 8;

/// In how many parts `workers` workers should read a file of `size` bytes
/// that begins with `prefix`: archives and mailboxes over [`SPLIT_BYTES`] are
/// cut in parts of about that size, their number rounded up to a multiple of
/// the workers so each gets as much (three parts for two workers left one
/// of them with twice the work), and at most [`MAX_SPLIT`]; everything else,
/// or anything with one worker, is read whole.
pub fn split_count(prefix: &[u8], size: usize, workers: usize) -> usize {
    use crate::ingest::{sniff, Format};
    if workers < 2 || size <= SPLIT_BYTES || !matches!(sniff(prefix), Format::Zip | Format::Mbox) {
        return 1;
    }
    let even = size.div_ceil(SPLIT_BYTES).div_ceil(workers) * workers;
    let most = (MAX_SPLIT / workers * workers).max(1);
    even.min(most)
}

/// Reads a file a few parts at a time and hands each report to `each` as
/// soon as it is parsed, so memory holds the file and one step's reports,
/// never all of them (the command line's streaming exports). Returns the
/// file's outcome.
pub fn for_each_report(name: &str, bytes: &[u8], limits: &Limits, mut each: impl FnMut(Delivery)) -> FileOutcome {
    let mut job = crate::ingest::Job::new(bytes, limits);
    let mut result = FileResult::new(name, bytes.len(), Some(job.format()));
    while !job.is_done() {
        result.add_extracted(job.step(16));
        for d in result.deliveries.drain(..) {
            each(d);
        }
    }
    result.finish();
    result.outcome
}

/// Merges one chunk of a worker's answer into `data`, as the page does with
/// each: the chunk's outcome opens the file, or, for a later part of a file
/// already open (`continuing`, with `id` the open file), adds to it; its
/// reports merge into the open file. Returns the open file's id.
pub fn merge_chunk(data: &mut Dataset, id: Option<usize>, continuing: bool, chunk: Chunk) -> Option<usize> {
    let id = match (chunk.outcome, id) {
        (Some(outcome), Some(id)) if continuing => {
            data.continue_result(id, outcome);
            Some(id)
        }
        (Some(outcome), _) => Some(data.open_result(outcome)),
        (None, id) => id,
    };
    if let Some(id) = id {
        data.add_deliveries(id, chunk.deliveries);
    }
    id
}

/// Merges a worker's whole answer for a file into `data`, chunk by chunk,
/// and finishes the file; a damaged chunk ends it there. What the page does
/// with an answer, in one go rather than a chunk per time slice (the
/// page's rehearsal, the native benchmark).
pub fn merge_answer<B: AnswerBytes>(data: &mut Dataset, answer: B) {
    let mut reader = ChunkReader::new(answer);
    let mut id = None;
    while let Some(Ok(chunk)) = reader.next_chunk() {
        id = merge_chunk(data, id, false, chunk);
    }
    if let Some(id) = id {
        data.finish_file(id);
    }
}

/// Splits a result into chunks of `per_chunk` reports: `[u32 length][chunk]`... (see [`wire`]).
pub fn encode_chunks(result: FileResult, per_chunk: usize) -> Vec<u8> {
    let FileResult { outcome, deliveries } = result;
    let mut out = Vec::new();
    let mut outcome = Some(outcome);
    let mut rest = deliveries.into_iter().peekable();
    loop {
        let deliveries: Vec<Delivery> = rest.by_ref().take(per_chunk.max(1)).collect();
        let chunk = Chunk { outcome: outcome.take(), deliveries };
        let bytes = wire::encode(&chunk);
        out.extend((bytes.len() as u32).to_le_bytes());
        out.extend(bytes);
        if rest.peek().is_none() {
            return out;
        }
    }
}

/// Where an encoded answer is read from: bytes in memory, or, in the
/// browser, the worker's array, copied into the module a chunk at a time so
/// that a 100,000-report answer never sits in wasm memory whole (wasm memory
/// never shrinks: its peak is what the page keeps).
pub trait AnswerBytes {
    /// Its length in bytes.
    fn len(&self) -> usize;
    /// Whether it is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// A copy of (or a view on) `start..end`; `None` when out of bounds.
    fn range(&self, start: usize, end: usize) -> Option<std::borrow::Cow<'_, [u8]>>;
}

impl AnswerBytes for Vec<u8> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn range(&self, start: usize, end: usize) -> Option<std::borrow::Cow<'_, [u8]>> {
        self.get(start..end).map(std::borrow::Cow::Borrowed)
    }
}

/// Reads the chunks [`encode_chunks`] wrote, one at a time.
pub struct ChunkReader<B: AnswerBytes = Vec<u8>> {
    bytes: B,
    pos: usize,
}

impl<B: AnswerBytes> ChunkReader<B> {
    /// Reads from an encoded answer.
    pub fn new(bytes: B) -> ChunkReader<B> {
        ChunkReader { bytes, pos: 0 }
    }

    /// The next chunk; `None` at the end; an error for damaged bytes.
    pub fn next_chunk(&mut self) -> Option<Result<Chunk, String>> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let damaged = || Some(Err("a worker's answer could not be read".to_owned()));
        let Some(len) = self.bytes.range(self.pos, self.pos + 4) else { return damaged() };
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let start = self.pos + 4;
        let Some(body) = self.bytes.range(start, start + len) else { return damaged() };
        self.pos = start + len;
        Some(wire::decode(&body).map_err(|e| format!("a worker's answer could not be read: {e}")))
    }
}
