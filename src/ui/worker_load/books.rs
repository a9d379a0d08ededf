//! The ingest workers' bookkeeping on the page: which files are taken from
//! the queue, being read, waiting for a worker or held by one; how a file is
//! cut into parts; and what arrives for each sequence number, to be merged
//! in order by the driver ([`super::drive_workers`]).

use std::collections::VecDeque;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use js_sys::Uint8Array;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

use crate::engine::{split_count, ChunkReader, Reorder, MAX_SPLIT, SPLIT_BYTES};
use crate::ingest::{sniff, Format};
use crate::ui::lane::{self, Kind};
use crate::ui::loader::{could_not_read, too_large, Source, MAX_FILE_BYTES, SIZE_FIRST};
use crate::ui::state::AppState;
use crate::ui::workers::{JsAnswer, Mailbox, Outgoing, Pool, Read, Reply};

/// Sequence numbers per file: one per part it may be read in.
pub(super) const STRIDE: u64 = MAX_SPLIT as u64;

/// Batches each worker holds at once: one being parsed, one waiting, so a
/// worker never idles while the page merges its last answer.
const PER_WORKER: usize = 2;

/// Files per worker batch: enough to pay for a message's round trip many
/// times over, few enough that every worker gets some of a small load.
const BATCH: usize = 32;

/// Files whose reads start together, and go to one worker together when
/// they are small (a lane batch, see `Books::start_lane`).
const READ_BATCH: usize = 128;

/// The smallest read batch toward the end of a load (see `Books::start_read`).
const TAIL_BATCH: usize = 32;

/// Read batches in flight at once (512 reads: the browser reads many files
/// side by side much faster than a few).
pub(super) const READS_IN_FLIGHT: usize = 4;

/// Longest stretch spent starting reads before the driver looks at replies (ms).
pub(super) const READ_START_MS: f64 = 8.0;

/// Why a batch has error rows when posting it to a worker failed.
const HAND_OVER_FAILED: &str = "the browser could not hand the file to a worker";

/// Files of at least this size, when their size is known before reading,
/// are read by the workers themselves (see `workers`).
pub(super) const BLOB_BYTES: f64 = 1024.0 * 1024.0;

/// Bytes read and not yet handed to a worker, above which no new read
/// starts: reading outruns parsing on big archives, and memory is bounded.
pub(super) const READY_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// A worker's answer for a file or part, or why there is none.
pub(super) type Answer = Result<ChunkReader<JsAnswer>, String>;

/// A file's name, as an error row would show it: read from its `File` only
/// when one needs it (each read costs the page a call and a copy).
pub(super) enum FileName {
    /// Read already (a file read on its own, or in parts).
    Known(String),
    /// The file's, when asked.
    Of(Source),
}

impl FileName {
    /// The name.
    pub(super) fn get(&self) -> String {
        match self {
            FileName::Known(name) => name.clone(),
            FileName::Of(src) => src.name(),
        }
    }
}

/// An answer, waiting for its turn to be merged.
pub(super) enum Arrived {
    /// A whole file's answer.
    Answer { name: FileName, reader: ChunkReader<JsAnswer>, size: f64 },
    /// A file that gets an error row.
    Unreadable { name: String, why: String, size: f64 },
    /// Part `part` of `parts` of a file: its answer, or why it has none.
    Part {
        name: String,
        part: usize,
        parts: usize,
        format: Format,
        size: f64,
        answer: Result<ChunkReader<JsAnswer>, String>,
    },
    /// The sequence numbers of a file from this one on: it does not use
    /// them (see [`Books::span`]).
    Nothing,
}

/// A file, or part of one, read and waiting for a worker.
#[derive(Clone)]
struct ReadyItem {
    seq: u64,
    /// A `Uint8Array`, or the `File` of a big file the workers read.
    bytes: JsValue,
    size: f64,
    /// Bytes the page holds for it, given back once it is handed over (the
    /// whole file's on its last part).
    held: f64,
    /// `(part, parts)` for a part of a big file.
    part: Option<(usize, usize)>,
}

/// Small files the page read together, handed to one worker as they are
/// (see [`Books::lane_done`]).
struct LaneBatch {
    seqs: Vec<u64>,
    /// Their names, bytes (`Uint8Array`s) as `tlsrptLane.read` gave them.
    names: JsValue,
    bytes: JsValue,
    /// Their bytes in all.
    held: f64,
}

/// What waits for a worker: a file or part, or a batch of small files.
enum Ready {
    Item(ReadyItem),
    Lane(LaneBatch),
}

/// How a file read in parts is read.
struct Split {
    parts: usize,
    format: Format,
    size: f64,
}

/// What the worker driver keeps track of during one load.
pub(super) struct Books {
    /// The first sequence number of this load; replies before it belong to
    /// a cancelled load and are dropped.
    pub(super) first: u64,
    /// The next file's first sequence number.
    pub(super) seq: u64,
    /// Files taken from the queue and not yet answered, to read again if a
    /// worker stops (by their first sequence number).
    pub(super) held: HashMap<u64, Source>,
    /// The names of files booked one by one (a file read in parts needs its
    /// name for every part); a batch handed over whole keeps its names in
    /// the page, and an error row reads a name from its `File` ([`FileName`]).
    names: HashMap<u64, String>,
    /// Files read in parts, by their first sequence number.
    splits: HashMap<u64, Split>,
    /// Which file's bytes each worker holds (for the parts of big files).
    pub(super) holds: HashMap<usize, u64>,
    /// Files to read (again) before any new one: their worker stopped.
    retry: Vec<u64>,
    /// Files lost once with a worker that died: each goes to a worker in a
    /// batch of its own, so that a file that kills a worker by itself is told
    /// apart from the files that went down with it.
    pub(super) alone: HashSet<u64>,
    /// Read batches not yet back.
    pub(super) reading: usize,
    /// Files read and waiting for a worker, and their bytes in all.
    ready: VecDeque<Ready>,
    /// Parts of big files handed to a worker and not yet answered, to hand
    /// to another if that worker stops (the page still has the file).
    sent_parts: HashMap<u64, ReadyItem>,
    pub(super) ready_bytes: f64,
    /// Answers waiting for their turn to be merged.
    pub(super) order: Reorder<Arrived>,
}

impl Books {
    pub(super) fn new(first: u64) -> Books {
        Books {
            first,
            seq: first,
            held: HashMap::new(),
            names: HashMap::new(),
            splits: HashMap::new(),
            holds: HashMap::new(),
            retry: Vec::new(),
            alone: HashSet::new(),
            reading: 0,
            ready: VecDeque::new(),
            sent_parts: HashMap::new(),
            ready_bytes: 0.0,
            order: Reorder::starting_at(first),
        }
    }

    /// Whether `seq` belongs to a file read in parts.
    pub(super) fn in_parts(&self, seq: u64) -> bool {
        self.splits.contains_key(&self.file_of(seq))
    }

    /// How many sequence numbers what arrived for `seq` stands for: an
    /// [`Arrived::Nothing`] for the rest of its file's, anything else for its own.
    pub(super) fn span(&self, seq: u64, arrived: &Arrived) -> u64 {
        match arrived {
            Arrived::Nothing => STRIDE - (seq - self.file_of(seq)),
            _ => 1,
        }
    }

    /// The first sequence number of the file `seq` belongs to.
    pub(super) fn file_of(&self, seq: u64) -> u64 {
        seq - (seq.saturating_sub(self.first) % STRIDE)
    }

    pub(super) fn name(&self, seq: u64) -> String {
        let file = self.file_of(seq);
        match self.names.get(&file) {
            Some(name) => name.clone(),
            None => self.held.get(&file).map(Source::name).unwrap_or_default(),
        }
    }

    /// An error row for the file `seq` belongs to, with the numbers it leaves unused.
    pub(super) fn unreadable(&self, seq: u64, why: impl Into<String>, size: f64) -> Vec<(u64, Arrived)> {
        let file = self.file_of(seq);
        let mut out = vec![(file, Arrived::Unreadable { name: self.name(file), why: why.into(), size })];
        out.push((file + 1, Arrived::Nothing));
        out
    }

    /// What became of sequence number `seq` when it failed: a part of a big
    /// file records the error on the file; anything else is an error row.
    pub(super) fn failed(&self, seq: u64, why: String, size: f64) -> Vec<(u64, Arrived)> {
        match self.part(seq, Err(why)) {
            Ok(part) => vec![(seq, part)],
            Err(answer) => self.unreadable(seq, answer.err().unwrap_or_default(), size),
        }
    }

    /// `answer` as part `seq` of a file read in parts; handed back when the
    /// file is read whole.
    pub(super) fn part(&self, seq: u64, answer: Answer) -> Result<Arrived, Answer> {
        let file = self.file_of(seq);
        let Some(split) = self.splits.get(&file) else { return Err(answer) };
        Ok(Arrived::Part {
            name: self.name(file),
            part: (seq - file) as usize,
            parts: split.parts,
            format: split.format,
            size: split.size,
            answer,
        })
    }

    /// Whether every file taken from the queue has been merged.
    pub(super) fn drained(&self) -> bool {
        self.order.next_seq() == self.seq && self.retry.is_empty() && self.reading == 0 && self.ready.is_empty()
    }

    /// Takes the next files to read (those to read again first) and starts
    /// reading them; the bytes come back through `mailbox` as [`Reply::Read`].
    /// Reads not started by `deadline` (a `Date.now()`) wait for the next
    /// turn: starting one sometimes costs the page over a millisecond.
    pub(super) fn start_read(&mut self, state: AppState, mailbox: &Mailbox) -> bool {
        // Toward the end of a load, smaller batches: the last files are then
        // parsed by every worker side by side, not by one while the others idle.
        let left = state.queue.try_with_value(|q| q.len()).unwrap_or(0);
        let size = (left / 4).clamp(TAIL_BATCH, READ_BATCH);
        let mut batch: Vec<u64> = self.retry.drain(..self.retry.len().min(size)).collect();
        let room = size - batch.len();
        for src in state.queue.try_update_value(|q| q.take(room)).unwrap_or_default() {
            self.held.insert(self.seq, src);
            batch.push(self.seq);
            self.seq += STRIDE;
        }
        if batch.is_empty() {
            return false;
        }
        self.start_lane(&batch, mailbox);
        true
    }

    /// Starts reading the files `seqs` together (src/ui/lane.js). `File.size`
    /// costs a synchronous lookup (~0.6 ms in Chromium, more than reading a
    /// small file), so only a small batch, where one big mailbox is likely,
    /// is sized before reading; the others learn their sizes from the bytes
    /// read, and an oversized one is refused then.
    fn start_lane(&mut self, seqs: &[u64], mailbox: &Mailbox) {
        // Every file taken is held until answered.
        let sources: Vec<&Source> = seqs.iter().filter_map(|s| self.held.get(s)).collect();
        let sized = seqs.len() <= SIZE_FIRST;
        let read = lane::read(&sources, sized, BLOB_BYTES, MAX_FILE_BYTES);
        self.reading += 1;
        let seqs = seqs.to_vec();
        let mailbox = mailbox.clone();
        spawn_local(async move {
            let read = read.await;
            mailbox.post(Reply::Lane { seqs, read, sized });
        });
    }

    /// Books a batch read together: as one batch for a worker when every
    /// file was read whole and none is big enough to be read in parts or was
    /// lost with a worker (the usual case: nothing of it crosses into the
    /// module but sizes), else each file on its own. `sized` says whether
    /// the sizes were known before reading.
    pub(super) fn lane_done(
        &mut self,
        state: AppState,
        seqs: Vec<u64>,
        read: Result<lane::Batch, String>,
        sized: bool,
        workers: usize,
    ) -> Vec<(u64, Arrived)> {
        let read = match read {
            Ok(read) => read,
            Err(why) => {
                let mut arrived = Vec::new();
                for s in seqs {
                    arrived.extend(self.read(s, Read::Failed(why.clone()), workers));
                }
                return arrived;
            }
        };
        if sized {
            // Only a sized batch changes the total: any update of the progress
            // lays the page out again.
            state.progress.update(|p| p.bytes_total += read.total() as u64);
        }
        for (s, &size) in seqs.iter().zip(&read.sizes) {
            if let Some(src) = self.held.get_mut(s) {
                src.learn_size(size);
            }
        }
        let whole = read.all_read(seqs.len())
            && read.sizes.iter().all(|&n| n <= SPLIT_BYTES as f64)
            && !seqs.iter().any(|s| self.alone.contains(s));
        let mut arrived = Vec::new();
        if whole {
            for &s in &seqs {
                arrived.push((s + 1, Arrived::Nothing));
            }
            let held = read.total();
            self.ready_bytes += held;
            self.ready.push_back(Ready::Lane(LaneBatch { seqs, names: read.names, bytes: read.bytes, held }));
            return arrived;
        }
        for (i, s) in seqs.into_iter().enumerate() {
            let size = read.size(i);
            let one = match read.kind(i) {
                Kind::Read => Read::Bytes(read.bytes(i), size),
                Kind::Head => match self.held.get(&s) {
                    Some(Source::File(f, ..)) => Read::Blob { prefix: read.copy(i), file: f.clone().into(), size },
                    _ => Read::Failed("unknown error".into()),
                },
                Kind::Large => Read::TooLarge(size),
                Kind::Failed => Read::Failed(read.error(i)),
            };
            arrived.extend(self.read(s, one, workers));
        }
        arrived
    }

    /// Books what the page's read of file `seq` gave.
    pub(super) fn read(&mut self, seq: u64, read: Read, workers: usize) -> Vec<(u64, Arrived)> {
        match read {
            Read::Bytes(bytes, size) => self.read_done(seq, bytes, size, workers),
            Read::Blob { prefix, file, size } => self.blob_done(seq, &prefix, file, size, workers),
            Read::TooLarge(size) => self.unreadable(seq, too_large(size), size),
            Read::Failed(why) => self.unreadable(seq, could_not_read(&why), 0.0),
        }
    }

    /// Books a file the page has read: a big archive or mailbox waits as
    /// parts (several workers read it side by side), anything else whole.
    /// (Its size is recorded already, see [`Books::lane_done`].)
    fn read_done(&mut self, seq: u64, bytes: JsValue, size: f64, workers: usize) -> Vec<(u64, Arrived)> {
        let prefix: Vec<u8> =
            bytes.dyn_ref::<Uint8Array>().map(|b| b.subarray(0, b.length().min(64)).to_vec()).unwrap_or_default();
        self.ready_bytes += size;
        self.book(seq, &prefix, bytes, size, size, workers)
    }

    /// Books a big file the workers read themselves (`file` is its `File`).
    fn blob_done(&mut self, seq: u64, prefix: &[u8], file: JsValue, size: f64, workers: usize) -> Vec<(u64, Arrived)> {
        count_worker_read();
        self.book(seq, prefix, file, size, 0.0, workers)
    }

    /// Queues a file for the workers, whole or in parts (the page holds
    /// `held` bytes of it until it is handed over).
    fn book(
        &mut self,
        seq: u64,
        prefix: &[u8],
        bytes: JsValue,
        size: f64,
        held: f64,
        workers: usize,
    ) -> Vec<(u64, Arrived)> {
        let parts = split_count(prefix, size as usize, workers);
        // The numbers its parts leave (none when it is read in STRIDE parts).
        let unused: Vec<_> =
            ((parts as u64) < STRIDE).then_some((seq + parts as u64, Arrived::Nothing)).into_iter().collect();
        if !self.names.contains_key(&seq) {
            // Read in the lane, then found to be big: its parts need the name.
            self.names.insert(seq, self.name(seq));
        }
        if parts == 1 {
            self.ready.push_back(Ready::Item(ReadyItem { seq, bytes, size, held, part: None }));
            return unused;
        }
        self.splits.insert(seq, Split { parts, format: sniff(prefix), size });
        count_split();
        for k in 0..parts {
            let held = if k + 1 == parts { held } else { 0.0 };
            self.ready.push_back(Ready::Item(ReadyItem {
                seq: seq + k as u64,
                bytes: bytes.clone(),
                size,
                held,
                part: Some((k, parts)),
            }));
        }
        unused
    }

    /// Hands files read to idle workers, [`BATCH`] at a time (a part of a
    /// big file ends a batch, so the parts spread over the workers); returns
    /// the files that could not be handed over.
    pub(super) fn dispatch(&mut self, pool: &mut Pool) -> Vec<(u64, Arrived)> {
        let mut failed = Vec::new();
        while !self.ready.is_empty() {
            let Some(w) = pool.idle(PER_WORKER) else { break };
            if let Some(Ready::Lane(_)) = self.ready.front() {
                let Some(Ready::Lane(lane)) = self.ready.pop_front() else { break };
                self.ready_bytes -= lane.held;
                if !pool.send_lane(w, &lane.seqs, &lane.names, &lane.bytes) {
                    for &s in &lane.seqs {
                        failed.extend(self.failed(s, HAND_OVER_FAILED.to_owned(), 0.0));
                    }
                }
                continue;
            }
            let mut batch: Vec<ReadyItem> = Vec::new();
            while batch.len() < BATCH {
                let Some(Ready::Item(front)) = self.ready.front() else { break };
                let alone = self.alone.contains(&front.seq);
                if alone && !batch.is_empty() {
                    break;
                }
                let Some(Ready::Item(item)) = self.ready.pop_front() else { break };
                let part = item.part.is_some();
                batch.push(item);
                if part || alone {
                    break;
                }
            }
            // A part carries the file's bytes only to a worker without them.
            let mut bytes_left = 0.0;
            let mut with_bytes = Vec::with_capacity(batch.len());
            for item in &batch {
                let file = self.file_of(item.seq);
                let send = item.part.is_none() || self.holds.get(&w) != Some(&file);
                if item.part.is_some() && send {
                    self.holds.insert(w, file);
                }
                bytes_left += item.held;
                with_bytes.push((file, send));
            }
            let files: Vec<Outgoing<'_>> = batch
                .iter()
                .zip(&with_bytes)
                .map(|(item, &(file, send))| Outgoing {
                    seq: item.seq,
                    name: self.names.get(&file).map(String::as_str).unwrap_or_default(),
                    bytes: send.then_some(&item.bytes),
                    part: item.part,
                    file,
                })
                .collect();
            let sent = pool.send(w, &files);
            drop(files);
            self.ready_bytes -= bytes_left;
            if sent {
                for item in batch.iter().filter(|item| item.part.is_some()) {
                    self.sent_parts.insert(item.seq, ReadyItem { held: 0.0, ..item.clone() });
                }
            } else {
                self.holds.remove(&w);
                for item in &batch {
                    failed.extend(self.failed(item.seq, HAND_OVER_FAILED.to_owned(), item.size));
                }
            }
        }
        failed
    }

    /// Forgets what was kept to send `seq` again (the file's source, the
    /// part handed out), once a worker has answered for it; returns the
    /// file's name for its answer.
    pub(super) fn answered(&mut self, seq: u64) -> FileName {
        self.sent_parts.remove(&seq);
        let src = self.held.remove(&seq);
        match (self.names.get(&self.file_of(seq)), src) {
            (Some(name), _) => FileName::Known(name.clone()),
            (None, Some(src)) => FileName::Of(src),
            (None, None) => FileName::Known(String::new()),
        }
    }

    /// Sends `seq` back, after its worker stopped: a file to be read again,
    /// a part of a big file to be handed to a worker again; false if the page
    /// no longer has what that takes.
    pub(super) fn try_again(&mut self, seq: u64) -> bool {
        if self.in_parts(seq) {
            self.hand_again(seq)
        } else if self.held.contains_key(&seq) {
            self.retry.push(seq);
            true
        } else {
            false
        }
    }

    /// Hands part `seq` again, before anything else, to the next idle worker
    /// (the one that had it stopped); false if it was not handed out.
    fn hand_again(&mut self, seq: u64) -> bool {
        match self.sent_parts.remove(&seq) {
            Some(item) => {
                self.ready.push_front(Ready::Item(item));
                true
            }
            None => false,
        }
    }

    /// Sequence numbers this load has given out and not merged (Cancel gives their files rows).
    pub(super) fn outstanding(&self) -> std::ops::Range<u64> {
        self.order.next_seq()..self.seq
    }
}

thread_local! {
    static SPLIT_FILES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static WORKER_READ_FILES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static WORKER_RETRIES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts a file read again after its worker died on the app root
/// (`data-worker-retries`), for the browser tests.
pub(super) fn count_worker_retry() {
    count(&WORKER_RETRIES, "data-worker-retries");
}

/// Counts a file read in parts on the app root (`data-split-files`), so the
/// browser tests can tell that a big archive really went to several workers.
fn count_split() {
    count(&SPLIT_FILES, "data-split-files");
}

/// Counts a file the workers read from its `File` on the app root
/// (`data-worker-read-files`), for the browser tests.
fn count_worker_read() {
    count(&WORKER_READ_FILES, "data-worker-read-files");
}

fn count(counter: &'static std::thread::LocalKey<std::cell::Cell<usize>>, attribute: &str) {
    let n = counter.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    if let Some(app) = document().query_selector("[data-testid=app]").ok().flatten() {
        let _ = app.set_attribute(attribute, &n.to_string());
    }
}
