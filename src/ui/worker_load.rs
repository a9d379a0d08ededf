//! Loading through the ingest workers: the page reads the files (the
//! cheapest way to get a file's bytes to a worker is to read it here and
//! transfer them), the workers parse, and the page merges their answers in
//! the order the files were given. A big file (see [`BLOB_BYTES`]) is read by
//! the workers themselves, from its `File`. A big archive or mailbox is read
//! in parts by several workers side by side ([`crate::engine::split_count`]);
//! its parts merge in order like files.
//!
//! Every file takes [`STRIDE`] sequence numbers: part `k` of a file answers
//! under its first number plus `k`, and the numbers a file does not use are
//! filled with [`Arrived::Nothing`] once its parts are known, so the in-order
//! merge ([`Reorder`]) sees one gap-free sequence.

use std::collections::{HashMap, HashSet, VecDeque};

use js_sys::Uint8Array;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::loader::{could_not_read, settled_bytes, too_large, Slicer, Source, CANCELLED, MAX_FILE_BYTES, READ_BATCH};
use super::state::AppState;
use super::workers::{FileReply, JsAnswer, Mailbox, Outgoing, Pool, Read, Reply};
use crate::engine::{split_count, ChunkReader, Reorder, MAX_SPLIT};
use crate::ingest::{sniff, Format};

/// Sequence numbers per file: one per part it may be read in.
const STRIDE: u64 = MAX_SPLIT as u64;

/// Batches each worker holds at once: one being parsed, one waiting, so a
/// worker never idles while the page merges its last answer.
const PER_WORKER: usize = 2;

/// Files per worker batch: enough to pay for a message's round trip many
/// times over, few enough that every worker gets some of a small load.
const BATCH: usize = 32;

/// Read batches in flight at once (256 reads, as many as the browser reads
/// concurrently to good effect).
const READS_IN_FLIGHT: usize = 8;

/// Longest stretch spent starting reads before the driver looks at replies (ms).
const READ_START_MS: f64 = 8.0;

/// Read batches this small are sized before they are read (see `Books::start_read`).
const SIZE_FIRST: usize = 8;

/// Files of at least this size, when their size is known before reading,
/// are read by the workers themselves (see `workers`).
const BLOB_BYTES: f64 = 1024.0 * 1024.0;

/// Bytes read and not yet handed to a worker, above which no new read
/// starts: reading outruns parsing on big archives, and memory is bounded.
const READY_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// A worker's answer for a file or part, or why there is none.
type Answer = Result<ChunkReader<JsAnswer>, String>;

/// An answer, waiting for its turn to be merged.
enum Arrived {
    /// A whole file's answer.
    Answer { name: String, reader: ChunkReader<JsAnswer>, size: f64 },
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
    /// A sequence number the file does not use.
    Nothing,
}

/// A file, or part of one, read and waiting for a worker.
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

/// How a file read in parts is read.
struct Split {
    parts: usize,
    format: Format,
    size: f64,
}

/// What the worker driver keeps track of during one load.
struct Books {
    /// The first sequence number of this load; replies before it belong to
    /// a cancelled load and are dropped.
    first: u64,
    /// The next file's first sequence number.
    seq: u64,
    /// Files taken from the queue and not yet answered, to read again if a
    /// worker stops (by their first sequence number).
    held: HashMap<u64, Source>,
    /// Their names, read once when they left the queue.
    names: HashMap<u64, String>,
    /// Files read in parts, by their first sequence number.
    splits: HashMap<u64, Split>,
    /// Which file's bytes each worker holds (for the parts of big files).
    holds: HashMap<usize, u64>,
    /// Files to read (again) before any new one: their worker stopped.
    retry: Vec<u64>,
    /// Files lost once with a worker that died: each goes to a worker in a
    /// batch of its own, so that a file that kills a worker by itself is told
    /// apart from the files that went down with it.
    alone: HashSet<u64>,
    /// Read batches not yet back.
    reading: usize,
    /// Files read and waiting for a worker, and their bytes in all.
    ready: VecDeque<ReadyItem>,
    ready_bytes: f64,
    /// Answers waiting for their turn to be merged.
    order: Reorder<Arrived>,
}

impl Books {
    fn new(first: u64) -> Books {
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
            ready_bytes: 0.0,
            order: Reorder::starting_at(first),
        }
    }

    /// The first sequence number of the file `seq` belongs to.
    fn file_of(&self, seq: u64) -> u64 {
        seq - (seq.saturating_sub(self.first) % STRIDE)
    }

    fn name(&self, seq: u64) -> String {
        self.names.get(&self.file_of(seq)).cloned().unwrap_or_default()
    }

    /// An error row for the file `seq` belongs to, with the numbers it leaves unused.
    fn unreadable(&self, seq: u64, why: impl Into<String>, size: f64) -> Vec<(u64, Arrived)> {
        let file = self.file_of(seq);
        let mut out = vec![(file, Arrived::Unreadable { name: self.name(file), why: why.into(), size })];
        out.extend((file + 1..file + STRIDE).map(|s| (s, Arrived::Nothing)));
        out
    }

    /// What became of sequence number `seq` when it failed: a part of a big
    /// file records the error on the file; anything else is an error row.
    fn failed(&self, seq: u64, why: String, size: f64) -> Vec<(u64, Arrived)> {
        match self.part(seq, Err(why)) {
            Ok(part) => vec![(seq, part)],
            Err(answer) => self.unreadable(seq, answer.err().unwrap_or_default(), size),
        }
    }

    /// `answer` as part `seq` of a file read in parts; handed back when the
    /// file is read whole.
    fn part(&self, seq: u64, answer: Answer) -> Result<Arrived, Answer> {
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
    fn drained(&self) -> bool {
        self.order.next_seq() == self.seq && self.retry.is_empty() && self.reading == 0 && self.ready.is_empty()
    }

    /// Takes the next files to read (those to read again first) and starts
    /// reading them; the bytes come back through `mailbox` as [`Reply::Read`].
    /// Reads not started by `deadline` (a `Date.now()`) wait for the next
    /// turn: starting one sometimes costs the page over a millisecond.
    fn start_read(&mut self, state: AppState, mailbox: &Mailbox, deadline: f64) -> bool {
        let mut batch: Vec<u64> = self.retry.drain(..self.retry.len().min(READ_BATCH)).collect();
        let room = READ_BATCH - batch.len();
        for src in state.queue.try_update_value(|q| q.take(room)).unwrap_or_default() {
            self.names.insert(self.seq, src.name());
            self.held.insert(self.seq, src);
            batch.push(self.seq);
            self.seq += STRIDE;
        }
        if batch.is_empty() {
            return false;
        }
        // `File.size` costs a synchronous lookup (~0.6 ms in Chromium, more
        // than reading a small file), so only a small batch, where one big
        // mailbox is likely, is sized before reading; the others learn their
        // sizes from the bytes read, and an oversized one is refused then.
        let size_first = batch.len() <= SIZE_FIRST;
        let mut sized = 0.0;
        let mut seqs = Vec::with_capacity(batch.len());
        let mut known: Vec<Option<Read>> = Vec::with_capacity(batch.len());
        let mut blobs: Vec<Option<(JsValue, f64)>> = Vec::with_capacity(batch.len());
        let reads = js_sys::Array::new();
        let mut batch = batch.into_iter();
        while let Some(s) = batch.next() {
            if !seqs.is_empty() && js_sys::Date::now() > deadline {
                // The rest first next time, in order.
                self.retry.splice(0..0, std::iter::once(s).chain(batch));
                break;
            }
            let Some(src) = self.held.get_mut(&s) else { continue };
            if size_first {
                sized += src.measure();
            }
            let (promise, now, blob) = start(src);
            reads.push(&promise);
            known.push(now);
            blobs.push(blob);
            seqs.push(s);
        }
        state.progress.update(|p| p.bytes_total += sized as u64);
        self.reading += 1;
        let mailbox = mailbox.clone();
        // One promise for the batch (allSettled: one unreadable file must not
        // fail the others): a future per file cost the page as much again.
        let settled = JsFuture::from(js_sys::Promise::all_settled(&reads));
        spawn_local(async move {
            let results = settled.await.ok().map(|v| v.unchecked_into::<js_sys::Array>());
            let files = seqs
                .into_iter()
                .zip(known.into_iter().zip(blobs))
                .enumerate()
                .map(|(i, (s, (now, blob)))| {
                    let read = now.unwrap_or_else(|| finish(results.as_ref().map(|r| r.get(i as u32))));
                    (s, with_file(read, blob))
                })
                .collect();
            mailbox.post(Reply::Read(files));
        });
        true
    }

    /// Books a file the page has read: a big archive or mailbox waits as
    /// parts (several workers read it side by side), anything else whole.
    fn read_done(&mut self, seq: u64, bytes: JsValue, size: f64, workers: usize) -> Vec<(u64, Arrived)> {
        if let Some(Source::File(_, _, known @ None)) = self.held.get_mut(&seq) {
            *known = Some(size);
        }
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
        let unused = (seq + parts as u64..seq + STRIDE).map(|s| (s, Arrived::Nothing)).collect();
        if parts == 1 {
            self.ready.push_back(ReadyItem { seq, bytes, size, held, part: None });
            return unused;
        }
        self.splits.insert(seq, Split { parts, format: sniff(prefix), size });
        count_split();
        for k in 0..parts {
            let held = if k + 1 == parts { held } else { 0.0 };
            self.ready.push_back(ReadyItem {
                seq: seq + k as u64,
                bytes: bytes.clone(),
                size,
                held,
                part: Some((k, parts)),
            });
        }
        unused
    }

    /// Hands files read to idle workers, [`BATCH`] at a time (a part of a
    /// big file ends a batch, so the parts spread over the workers); returns
    /// the files that could not be handed over.
    fn dispatch(&mut self, pool: &mut Pool) -> Vec<(u64, Arrived)> {
        let mut failed = Vec::new();
        while !self.ready.is_empty() {
            let Some(w) = pool.idle(PER_WORKER) else { break };
            let mut batch: Vec<ReadyItem> = Vec::new();
            while batch.len() < BATCH {
                let alone = self.ready.front().is_some_and(|item| self.alone.contains(&item.seq));
                if alone && !batch.is_empty() {
                    break;
                }
                let Some(item) = self.ready.pop_front() else { break };
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
            if !sent {
                self.holds.remove(&w);
                let why = "the browser could not hand the file to a worker";
                for item in &batch {
                    failed.extend(self.failed(item.seq, why.to_owned(), item.size));
                }
            }
        }
        failed
    }

    /// Sequence numbers this load has given out and not merged (Cancel gives their files rows).
    fn outstanding(&self) -> std::ops::Range<u64> {
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
fn count_worker_retry() {
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

/// Starts reading `src`: the promise to wait for, or what is known at once
/// (bytes the page holds, a file known to be too large); for a big file,
/// only its first bytes are read, and the `File` goes to the workers.
fn start(src: &Source) -> (js_sys::Promise, Option<Read>, Option<(JsValue, f64)>) {
    let now = |r: Read| (js_sys::Promise::resolve(&JsValue::NULL), Some(r), None);
    match src {
        Source::File(_, _, Some(size)) if *size > MAX_FILE_BYTES => now(Read::TooLarge(*size)),
        Source::File(f, _, Some(size)) if *size >= BLOB_BYTES => match f.slice_with_i32_and_i32(0, 64) {
            Ok(head) => (head.array_buffer(), None, Some((f.clone().into(), *size))),
            Err(_) => (f.array_buffer(), None, None),
        },
        Source::File(f, ..) => (f.array_buffer(), None, None),
        Source::Static(_, b) => now(Read::Bytes(Uint8Array::from(*b).into(), b.len() as f64)),
        Source::Owned(_, b) => now(Read::Bytes(Uint8Array::from(b.as_slice()).into(), b.len() as f64)),
    }
}

/// A read of a big file's first bytes, as the file the workers read.
fn with_file(read: Read, blob: Option<(JsValue, f64)>) -> Read {
    match (read, blob) {
        (Read::Bytes(head, _), Some((file, size))) => {
            Read::Blob { prefix: head.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec).unwrap_or_default(), file, size }
        }
        (read, _) => read,
    }
}

/// What one settled read gave (an `allSettled` entry).
fn finish(entry: Option<JsValue>) -> Read {
    let Some(entry) = entry else { return Read::Failed("unknown error".into()) };
    match settled_bytes(&entry) {
        Ok(bytes) if bytes.length() as f64 > MAX_FILE_BYTES => Read::TooLarge(bytes.length() as f64),
        Ok(bytes) => {
            let size = bytes.length() as f64;
            Read::Bytes(bytes.into(), size)
        }
        Err(why) => Read::Failed(why),
    }
}

/// Loads through the workers (see the module's documentation).
pub(super) async fn drive_workers(state: AppState, pool: &mut Pool, slicer: &mut Slicer) {
    let mailbox = pool.mailbox();
    let mut b = Books::new(pool.next_seq);
    loop {
        let stop = if state.cancelled.get_value() {
            Some(CANCELLED)
        } else if !pool.alive() {
            Some("no ingest worker could be started to read it")
        } else {
            None
        };
        if let Some(why) = stop {
            // What is being read or parsed is not merged; late answers carry
            // earlier sequence numbers than any later load, and are dropped.
            // A big file merged in part ends where it is.
            pool.next_seq = b.seq;
            state.data.update_value(|d| {
                if let Some(id) = d.open_id() {
                    d.cancel_file(id);
                }
            });
            for s in b.outstanding() {
                // A file not begun gets a row; the rest of a big file begun is in its row.
                let item = if s == b.file_of(s) {
                    Arrived::Unreadable { name: b.name(s), why: why.to_owned(), size: 0.0 }
                } else {
                    Arrived::Nothing
                };
                for item in b.order.push(s, item) {
                    merge(state, slicer, item).await;
                }
            }
            return;
        }
        // Starting a read costs the page ~0.35 ms (its name, the read itself):
        // a few batches per turn, the rest as replies come in. Reads have a
        // budget of their own, not what is left of the slice.
        let deadline = js_sys::Date::now() + READ_START_MS;
        while b.reading < READS_IN_FLIGHT
            && b.ready_bytes < READY_BYTES
            && js_sys::Date::now() < deadline
            && b.start_read(state, &mailbox, deadline)
        {}
        let mut arrived = b.dispatch(pool);
        if arrived.is_empty() && b.drained() {
            // Everything taken has been merged: stop, unless files were queued meanwhile.
            if state.queue.try_update_value(|q| q.finish()).unwrap_or(true) {
                pool.next_seq = b.seq;
                return;
            }
            continue;
        }
        // Replies already queued are taken without yielding, and a reply that
        // only brings bytes merges nothing: the loop itself gives the browser
        // its turn once the slice is used up (tasks of 50-90 ms otherwise),
        // after the reads it could start are started (they are what a load of
        // many files waits on).
        if slicer.due() {
            slicer.pause(0).await;
        }
        if arrived.is_empty() {
            let reply = pool.next().await;
            arrived = answers(&mut b, pool, reply);
        }
        for (s, a) in arrived {
            for item in b.order.push(s, a) {
                merge(state, slicer, item).await;
            }
        }
    }
}

/// Books one reply: bytes read wait for a worker; a worker's answers wait
/// for their turn to be merged, returned here.
fn answers(b: &mut Books, pool: &mut Pool, reply: Reply) -> Vec<(u64, Arrived)> {
    let mut arrived = Vec::new();
    match reply {
        Reply::Read(files) => {
            if files.first().is_some_and(|(s, _)| *s < b.first) {
                return arrived; // from a cancelled load
            }
            b.reading -= 1;
            for (s, read) in files {
                match read {
                    Read::Bytes(bytes, size) => arrived.extend(b.read_done(s, bytes, size, pool.size())),
                    Read::Blob { prefix, file, size } => {
                        arrived.extend(b.blob_done(s, &prefix, file, size, pool.size()))
                    }
                    Read::TooLarge(size) => arrived.extend(b.unreadable(s, too_large(size), size)),
                    Read::Failed(why) => arrived.extend(b.unreadable(s, could_not_read(&why), 0.0)),
                }
            }
        }
        Reply::Batch { worker, files } => {
            pool.answered(worker);
            let mut trapped = false;
            for f in files {
                match f {
                    FileReply::Done { seq, bytes, size } => match b.part(seq, Ok(ChunkReader::new(bytes))) {
                        Ok(part) => arrived.push((seq, part)),
                        Err(answer) => {
                            b.held.remove(&seq);
                            if let Ok(reader) = answer {
                                arrived.push((seq, Arrived::Answer { name: b.name(seq), reader, size }));
                            }
                        }
                    },
                    FileReply::Failed { seq, why } => {
                        b.held.remove(&seq);
                        trapped = true;
                        arrived.extend(b.failed(seq, format!("the file could not be read: {why}"), 0.0));
                    }
                    FileReply::Retry { seq } => arrived.extend(requeue(b, seq)),
                    FileReply::Unreadable { seq, why } => {
                        b.held.remove(&seq);
                        arrived.extend(b.failed(seq, could_not_read(&why), 0.0));
                    }
                }
            }
            if trapped {
                // The module may have trapped: this worker is not trusted again;
                // what it still holds is read again for a fresh one.
                b.holds.remove(&worker);
                for s in pool.replace(worker) {
                    arrived.extend(requeue(b, s));
                }
            }
        }
        Reply::Died { worker, why } => {
            // What it held is read again, each file alone; a file lost again
            // when alone (it kills workers by itself), or a part of a big file
            // (its bytes went with the worker), gets an error row.
            b.holds.remove(&worker);
            let why = format!("the worker reading it stopped ({why}); it may need more memory than the page has");
            for s in pool.replace(worker) {
                let whole = !b.splits.contains_key(&b.file_of(s)) && b.held.contains_key(&s);
                if b.alone.insert(s) && whole {
                    count_worker_retry();
                    b.retry.push(s);
                } else {
                    let size = b.held.remove(&s).map_or(0.0, |src| src.size());
                    arrived.extend(b.failed(s, why.clone(), size));
                }
            }
        }
        Reply::Ready | Reply::InitFailed | Reply::Interrupted => {}
    }
    arrived
}

/// A file a stopped worker had not read goes back to be read again; a part
/// of a big file is recorded as not read (its bytes went with the worker).
fn requeue(b: &mut Books, seq: u64) -> Vec<(u64, Arrived)> {
    if b.splits.contains_key(&b.file_of(seq)) {
        return b.failed(seq, "the worker reading this part stopped".to_owned(), 0.0);
    }
    b.retry.push(seq);
    Vec::new()
}

/// Merges one answer, a chunk per time slice.
async fn merge(state: AppState, slicer: &mut Slicer, item: Arrived) {
    match item {
        Arrived::Nothing => return,
        Arrived::Unreadable { name, why, size } => {
            state.data.update_value(|d| {
                d.add_unreadable(&name, size as usize, &why);
            });
            slicer.file_done(size as u64);
        }
        Arrived::Answer { name, reader, size } => {
            if let Some(id) = merge_chunks(state, slicer, reader, None, &name, size).await {
                state.data.update_value(|d| {
                    d.finish_file(id);
                });
            }
            slicer.file_done(size as u64);
        }
        Arrived::Part { name, part, parts, format, size, answer } => {
            // Part 0 opens the file; the others add to it.
            let open = state.data.with_value(|d| d.open_id()).filter(|_| part > 0);
            let id = match answer {
                Ok(reader) => merge_chunks(state, slicer, reader, open, &name, size).await,
                Err(why) => state.data.try_update_value(|d| {
                    let id = open.unwrap_or_else(|| d.start_file(&name, size as usize, format));
                    d.note_error(id, "", &format!("part {} of {parts} of the file could not be read: {why}", part + 1));
                    id
                }),
            };
            if part + 1 == parts {
                if let Some(id) = id {
                    state.data.update_value(|d| {
                        d.finish_file(id);
                    });
                }
                slicer.file_done(size as u64);
            }
        }
    }
    if slicer.due() {
        slicer.pause(0).await;
    }
}

/// Merges an answer's chunks into the file `open` (a part after the first),
/// or into a file the first chunk opens; returns the file's id.
async fn merge_chunks(
    state: AppState,
    slicer: &mut Slicer,
    mut reader: ChunkReader<JsAnswer>,
    open: Option<usize>,
    name: &str,
    size: f64,
) -> Option<usize> {
    let mut id = open;
    let continuing = open.is_some();
    while let Some(chunk) = reader.next_chunk() {
        match chunk {
            Ok(c) => state.data.update_value(|d| {
                match (c.outcome, id) {
                    (Some(outcome), Some(id)) if continuing => d.continue_result(id, outcome),
                    (Some(outcome), _) => id = Some(d.open_result(outcome)),
                    (None, _) => {}
                }
                if let Some(id) = id {
                    d.add_deliveries(id, c.deliveries);
                }
            }),
            Err(why) => {
                state.data.update_value(|d| match id {
                    Some(id) => d.note_error(id, "", &why),
                    None => {
                        d.add_unreadable(name, size as usize, &why);
                    }
                });
                break;
            }
        }
        if state.cancelled.get_value() {
            if let Some(id) = id.take() {
                state.data.update_value(|d| d.cancel_file(id));
            }
            break;
        }
        if slicer.due() {
            slicer.pause(0).await;
        }
    }
    id
}
