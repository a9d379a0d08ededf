//! Reading files from the browser into the data set without freezing the page.

use js_sys::{Array, Promise, Uint8Array};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use std::collections::HashMap;

use super::state::{AppState, Engine, Progress};
use super::workers::{FileReply, JsAnswer, Mailbox, Pool, PoolSlot, Read, Reply};
use crate::engine::{ChunkReader, Reorder};
use crate::format;
use crate::ingest::Job;

/// Files above this size are refused before reading; no real report comes close.
pub const MAX_FILE_BYTES: f64 = 1024.0 * 1024.0 * 1024.0;

/// Zip entries or mailbox messages processed between checks of the clock.
const UNITS_PER_STEP: usize = 16;

/// Files whose reads start together: the browser reads in parallel much
/// faster than one by one, but starting a read costs the page ~0.2 ms, so a
/// batch is kept to a dozen milliseconds of main thread.
const READ_BATCH: usize = 64;

/// Longest stretch of parsing before the page gets the main thread back (ms).
const SLICE_MS: f64 = 12.0;

/// The first refresh of the views while loading comes after this long (ms);
/// each later one waits twice as long as the one before. Every refresh
/// aggregates everything loaded so far, so refreshing at a fixed rate would
/// make a long load quadratic; doubling keeps it to a handful.
const REFRESH_MS: f64 = 1000.0;

/// Progress is shown again at most this often while loading (ms).
const PUBLISH_MS: f64 = 100.0;

/// A file to load: name and where its bytes come from.
pub enum Source {
    /// A file the user gave, with its path when it came from a dropped folder,
    /// and its size once known. The first `File.size` of a file on disk is a
    /// synchronous lookup (~0.2 ms in Chromium): sizing 6,000 files up front
    /// held the page for over a second, so each batch is sized just before
    /// its reads start, while the previous batch is still being read.
    File(web_sys::File, Option<String>, Option<f64>),
    /// Bytes bundled into the app (the samples).
    Static(&'static str, &'static [u8]),
    /// Bytes the page already holds (pasted text).
    Owned(String, Vec<u8>),
}

impl Source {
    /// A file given by the user.
    pub fn file(f: web_sys::File) -> Source {
        Source::File(f, None, None)
    }

    /// Reads the size (once) and returns it.
    fn measure(&mut self) -> f64 {
        match self {
            Source::File(f, _, size @ None) => *size.insert(f.size()),
            other => other.size(),
        }
    }

    /// The name its file row shows.
    pub fn name(&self) -> String {
        match self {
            // A file from a folder keeps its path inside the folder.
            Source::File(_, Some(path), _) => path.clone(),
            Source::File(f, None, _) => {
                let rel = js_sys::Reflect::get(f, &"webkitRelativePath".into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                if rel.is_empty() {
                    f.name()
                } else {
                    rel
                }
            }
            Source::Static(n, _) => (*n).to_owned(),
            Source::Owned(n, _) => n.clone(),
        }
    }

    /// Its size in bytes, once known.
    pub fn size(&self) -> f64 {
        match self {
            Source::File(_, _, size) => size.unwrap_or(0.0),
            Source::Static(_, b) => b.len() as f64,
            Source::Owned(_, b) => b.len() as f64,
        }
    }
}

/// Collects the files of a `FileList`.
pub fn from_file_list(list: &web_sys::FileList) -> Vec<Source> {
    (0..list.length()).filter_map(|i| list.item(i)).map(Source::file).collect()
}

/// Queues `sources` for loading. Every drop, pick, paste and the samples
/// button come through here: files are appended to the one queue, and a
/// driver is started only when none is running, so loads never interleave.
pub fn load(state: AppState, sources: Vec<Source>) {
    if sources.is_empty() {
        return;
    }
    let idle = state.pending.get_untracked() == 0;
    state.progress.update(|p| {
        if idle {
            *p = Progress { started_ms: js_sys::Date::now(), ..Default::default() };
        }
        p.files_total += sources.len();
    });
    let start = state.queue.try_update_value(|q| q.push(sources)).unwrap_or(false);
    if start {
        state.pending.update(|n| *n += 1);
        spawn_local(drive(state));
    }
}

/// Stops the running load: files still waiting get a row saying they were
/// not read, the file being read ends where it is, and what was loaded stays.
/// The driver writes those rows, in order, when it stops.
pub fn cancel(state: AppState) {
    let dropped = state.queue.try_update_value(|q| q.cancel()).unwrap_or_default();
    state.cancelled.set_value(true);
    state.dropped.update_value(|d| d.extend(dropped));
    // A driver waiting for a worker's answer looks up at once.
    if let Some(i) = state.interrupter.get_value() {
        i.interrupt();
    }
}

/// Why a file was not read when the load was cancelled.
const CANCELLED: &str = "not read: the load was cancelled";

/// The one driver: takes files from the queue until it is drained, through
/// the ingest workers, or on the main thread in time slices when workers
/// cannot start here.
async fn drive(state: AppState) {
    state.cancelled.set_value(false);
    let mut slicer = Slicer::new(state);
    // The pool is started with the page (its script requests happen while the
    // page loads); the driver borrows it for the length of a load.
    let pool = loop {
        match state.pool.try_update_value(|p| std::mem::replace(p, PoolSlot::Starting)) {
            Some(PoolSlot::Starting) => gloo::timers::future::TimeoutFuture::new(10).await,
            Some(slot) => break slot,
            None => break PoolSlot::Unavailable,
        }
    };
    match pool {
        PoolSlot::Ready(mut pool) => {
            state.engine.set(Engine::Workers);
            state.interrupter.set_value(Some(pool.mailbox()));
            drive_workers(state, &mut pool, &mut slicer).await;
            state.interrupter.set_value(None);
            state.pool.set_value(PoolSlot::Ready(pool));
        }
        _ => {
            state.engine.set(Engine::MainThread);
            state.pool.set_value(PoolSlot::Unavailable);
            drive_main(state, &mut slicer).await;
        }
    }
    // Files dropped by Cancel get their rows after everything read before them.
    let dropped = state.dropped.try_update_value(std::mem::take).unwrap_or_default();
    state.data.update_value(|d| {
        for src in &dropped {
            d.add_unreadable(&src.name(), src.size() as usize, CANCELLED);
        }
    });
    slicer.files_done += dropped.len();
    slicer.publish(0);
    state.cancelled.set_value(false);
    state.pending.update(|n| *n -= 1);
    state.bump();
    if state.focus_results.get_value() {
        state.focus_results.set_value(false);
        // After the views have rendered the new data.
        leptos::task::spawn_local(async {
            gloo::timers::future::TimeoutFuture::new(0).await;
            if let Some(el) =
                document().get_element_by_id("results").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        });
    }
}

/// Batches each worker holds at once: one being parsed, one waiting, so a
/// worker never idles while the page merges its last answer.
const PER_WORKER: usize = 2;

/// Files per worker batch: enough to pay for a message's round trip many
/// times over, few enough that every worker gets some of a small load.
const BATCH: usize = 32;

/// Read batches in flight at once (256 reads, as many as the browser reads
/// concurrently to good effect).
const READS_IN_FLIGHT: usize = 4;

/// Read batches this small are sized before they are read (see `Books::start_read`).
const SIZE_FIRST: usize = 8;

/// Bytes read and not yet handed to a worker, above which no new read
/// starts: reading outruns parsing on big archives, and memory is bounded.
const READY_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// A file's answer, waiting for its turn to be merged.
enum Arrived {
    Answer { name: String, reader: ChunkReader<JsAnswer>, size: f64 },
    Unreadable { name: String, why: String, size: f64 },
}

/// An error row for file `seq`.
fn unreadable(names: &HashMap<u64, String>, seq: u64, why: impl Into<String>, size: f64) -> Arrived {
    Arrived::Unreadable { name: names.get(&seq).cloned().unwrap_or_default(), why: why.into(), size }
}

/// What the worker driver keeps track of during one load.
struct Books {
    /// The first sequence number of this load; replies before it belong to
    /// a cancelled load and are dropped.
    first: u64,
    /// The next sequence number to give out.
    seq: u64,
    /// Files taken from the queue and not yet answered, to read again if a worker stops.
    held: HashMap<u64, Source>,
    /// Their names, read once when they left the queue.
    names: HashMap<u64, String>,
    /// Files to read (again) before any new one: their worker stopped.
    retry: Vec<u64>,
    /// Read batches not yet back.
    reading: usize,
    /// Files read and waiting for a worker, and their bytes in all.
    ready: std::collections::VecDeque<(u64, wasm_bindgen::JsValue, f64)>,
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
            retry: Vec::new(),
            reading: 0,
            ready: Default::default(),
            ready_bytes: 0.0,
            order: Reorder::starting_at(first),
        }
    }

    /// Whether every file taken from the queue has been merged.
    fn drained(&self) -> bool {
        self.order.next_seq() == self.seq && self.retry.is_empty() && self.reading == 0 && self.ready.is_empty()
    }

    /// Takes the next files to read (those to read again first) and starts
    /// reading them; the bytes come back through `mailbox` as [`Reply::Read`].
    fn start_read(&mut self, state: AppState, mailbox: &Mailbox) -> bool {
        let mut batch: Vec<u64> = self.retry.drain(..self.retry.len().min(READ_BATCH)).collect();
        let room = READ_BATCH - batch.len();
        for src in state.queue.try_update_value(|q| q.take(room)).unwrap_or_default() {
            self.names.insert(self.seq, src.name());
            self.held.insert(self.seq, src);
            batch.push(self.seq);
            self.seq += 1;
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
        let mut pending: Vec<(u64, Pending)> = Vec::with_capacity(batch.len());
        for s in batch {
            let Some(src) = self.held.get_mut(&s) else { continue };
            if size_first {
                sized += src.measure();
            }
            pending.push((s, Pending::start(src)));
        }
        state.progress.update(|p| p.bytes_total += sized as u64);
        self.reading += 1;
        let mailbox = mailbox.clone();
        spawn_local(async move {
            let mut files = Vec::with_capacity(pending.len());
            for (s, p) in pending {
                files.push((s, p.finish().await));
            }
            mailbox.post(Reply::Read(files));
        });
        true
    }

    /// Hands files read to idle workers, [`BATCH`] at a time; returns the
    /// files that could not be handed over.
    fn dispatch(&mut self, pool: &mut Pool) -> Vec<(u64, Arrived)> {
        let mut failed = Vec::new();
        while !self.ready.is_empty() {
            let Some(w) = pool.idle(PER_WORKER) else { break };
            let n = self.ready.len().min(BATCH);
            let batch: Vec<(u64, wasm_bindgen::JsValue, f64)> = self.ready.drain(..n).collect();
            self.ready_bytes -= batch.iter().map(|(.., size)| size).sum::<f64>();
            let files: Vec<(u64, &str, &wasm_bindgen::JsValue)> = batch
                .iter()
                .map(|(s, bytes, _)| (*s, self.names.get(s).map(String::as_str).unwrap_or_default(), bytes))
                .collect();
            if !pool.send(w, &files) {
                let why = "the browser could not hand the file to a worker";
                failed.extend(batch.iter().map(|(s, _, size)| (*s, unreadable(&self.names, *s, why, *size))));
            }
        }
        failed
    }

    /// Files this load has taken and not merged (Cancel gives them rows).
    fn outstanding(&self) -> std::ops::Range<u64> {
        self.order.next_seq()..self.seq
    }
}

/// A read the page has started.
enum Pending {
    Reading(JsFuture),
    Done(Read),
}

impl Pending {
    fn start(src: &Source) -> Pending {
        match src {
            Source::File(_, _, Some(size)) if *size > MAX_FILE_BYTES => Pending::Done(Read::TooLarge(*size)),
            Source::File(f, ..) => Pending::Reading(JsFuture::from(f.array_buffer())),
            Source::Static(_, b) => Pending::Done(Read::Bytes(Uint8Array::from(*b).into(), b.len() as f64)),
            Source::Owned(_, b) => Pending::Done(Read::Bytes(Uint8Array::from(b.as_slice()).into(), b.len() as f64)),
        }
    }

    async fn finish(self) -> Read {
        match self {
            Pending::Done(r) => r,
            Pending::Reading(read) => match read.await {
                Ok(buf) => {
                    let bytes = Uint8Array::new(&buf);
                    let size = bytes.length() as f64;
                    if size > MAX_FILE_BYTES {
                        Read::TooLarge(size)
                    } else {
                        Read::Bytes(bytes.into(), size)
                    }
                }
                Err(e) => {
                    let why = js_sys::Reflect::get(&e, &"message".into())
                        .ok()
                        .and_then(|m| m.as_string())
                        .unwrap_or_else(|| "unknown error".into());
                    Read::Failed(why)
                }
            },
        }
    }
}

/// Loads through the workers: the page reads the files (the cheapest way
/// to get a file's bytes to a worker is to read it here and transfer them),
/// the workers parse, and the page merges their answers in the order the
/// files were given.
async fn drive_workers(state: AppState, pool: &mut Pool, slicer: &mut Slicer) {
    let mailbox = pool.mailbox();
    let mut b = Books::new(pool.next_seq);
    loop {
        if state.cancelled.get_value() {
            // What is being read or parsed is not merged; late answers carry
            // earlier sequence numbers than any later load, and are dropped.
            pool.next_seq = b.seq;
            for s in b.outstanding() {
                for item in b.order.push(s, unreadable(&b.names, s, CANCELLED, 0.0)) {
                    merge(state, slicer, item).await;
                }
            }
            return;
        }
        if !pool.alive() {
            // No worker left (none could be restarted): what remains gets rows.
            pool.next_seq = b.seq;
            let why = "no ingest worker could be started to read it";
            for s in b.outstanding() {
                for item in b.order.push(s, unreadable(&b.names, s, why, 0.0)) {
                    merge(state, slicer, item).await;
                }
            }
            return;
        }
        while b.reading < READS_IN_FLIGHT && b.ready_bytes < READY_BYTES && b.start_read(state, &mailbox) {}
        let mut arrived = b.dispatch(pool);
        if arrived.is_empty() && b.drained() {
            // Everything taken has been merged: stop, unless files were queued meanwhile.
            if state.queue.try_update_value(|q| q.finish()).unwrap_or(true) {
                pool.next_seq = b.seq;
                return;
            }
            continue;
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
                    Read::Bytes(bytes, size) => {
                        if let Some(Source::File(_, _, known @ None)) = b.held.get_mut(&s) {
                            *known = Some(size);
                        }
                        b.ready_bytes += size;
                        b.ready.push_back((s, bytes, size));
                    }
                    Read::TooLarge(size) => arrived.push((s, unreadable(&b.names, s, too_large(size), size))),
                    Read::Failed(why) => arrived
                        .push((s, unreadable(&b.names, s, format!("the browser could not read the file: {why}"), 0.0))),
                }
            }
        }
        Reply::Batch { worker, files } => {
            pool.answered(worker);
            let mut trapped = false;
            for f in files {
                match f {
                    FileReply::Done { seq, bytes, size } => {
                        b.held.remove(&seq);
                        let name = b.names.get(&seq).cloned().unwrap_or_default();
                        arrived.push((seq, Arrived::Answer { name, reader: ChunkReader::new(bytes), size }));
                    }
                    FileReply::Failed { seq, why } => {
                        b.held.remove(&seq);
                        trapped = true;
                        arrived
                            .push((seq, unreadable(&b.names, seq, format!("the file could not be read: {why}"), 0.0)));
                    }
                    FileReply::Retry { seq } => b.retry.push(seq),
                }
            }
            if trapped {
                // The module may have trapped: this worker is not trusted again;
                // what it still holds is read again for a fresh one.
                b.retry.extend(pool.replace(worker));
            }
        }
        Reply::Died { worker, why } => {
            // Its files are lost with it: each gets an error row.
            let why = format!("the worker reading it stopped ({why}); it may need more memory than the page has");
            for s in pool.replace(worker) {
                b.held.remove(&s);
                arrived.push((s, unreadable(&b.names, s, why.clone(), 0.0)));
            }
        }
        Reply::Ready | Reply::InitFailed | Reply::Interrupted => {}
    }
    arrived
}

/// Merges one file's answer, a chunk per time slice.
async fn merge(state: AppState, slicer: &mut Slicer, item: Arrived) {
    match item {
        Arrived::Unreadable { name, why, size } => {
            state.data.update_value(|d| {
                d.add_unreadable(&name, size as usize, &why);
            });
            slicer.file_done(size as u64);
        }
        Arrived::Answer { name, mut reader, size } => {
            let mut id = None;
            while let Some(chunk) = reader.next_chunk() {
                match chunk {
                    Ok(c) => state.data.update_value(|d| {
                        if let Some(outcome) = c.outcome {
                            id = Some(d.open_result(outcome));
                        }
                        if let Some(id) = id {
                            d.add_deliveries(id, c.deliveries);
                        }
                    }),
                    Err(why) if id.is_none() => {
                        state.data.update_value(|d| {
                            d.add_unreadable(&name, size as usize, &why);
                        });
                        break;
                    }
                    Err(_) => break,
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
            if let Some(id) = id {
                state.data.update_value(|d| {
                    d.finish_file(id);
                });
            }
            slicer.file_done(size as u64);
        }
    }
    if slicer.due() {
        slicer.pause(0).await;
    }
}

/// The error row of a file over [`MAX_FILE_BYTES`].
fn too_large(size: f64) -> String {
    format!(
        "the file is {}, larger than the {} this page reads; it was not opened",
        format::bytes(size as u64),
        format::bytes(MAX_FILE_BYTES as u64)
    )
}

/// Loads on the main thread, in time slices (when workers cannot start).
async fn drive_main(state: AppState, slicer: &mut Slicer) {
    // Up to two batches in flight: the next one is sized and its reads
    // started while the browser is still reading this one.
    let mut inflight = std::collections::VecDeque::new();
    loop {
        while inflight.len() < 2 {
            let (batch, reads) = next_batch(state);
            if batch.is_empty() {
                break;
            }
            inflight.push_back((batch, reads));
        }
        let Some((batch, reads)) = inflight.pop_front() else {
            // Nothing in hand: stop, unless files were queued meanwhile.
            if state.queue.try_update_value(|q| q.finish()).unwrap_or(true) {
                break;
            }
            continue;
        };
        let contents = finish_reads(&batch, reads).await;
        for (src, content) in batch.into_iter().zip(contents) {
            if state.cancelled.get_value() {
                state.data.update_value(|d| {
                    d.add_unreadable(&src.name(), src.size() as usize, CANCELLED);
                });
            } else {
                load_one(state, slicer, &src, &content).await;
            }
            slicer.file_done(src.size() as u64);
            if slicer.due() {
                slicer.pause(0).await;
            }
        }
    }
}

/// Takes the next batch from the queue and starts reading it.
fn next_batch(state: AppState) -> (Vec<Source>, Promise) {
    let mut batch = state.queue.try_update_value(|q| q.take(READ_BATCH)).unwrap_or_default();
    let reads = start_reads(state, &mut batch);
    (batch, reads)
}

/// Loads one file's contents into the data set, a few units per time slice.
async fn load_one(state: AppState, slicer: &mut Slicer, src: &Source, content: &Content) {
    let name = src.name();
    let size = src.size();
    let bytes: &[u8] = match (content, src) {
        (Content::Bytes(b), _) => b,
        (Content::Static(b), _) => b,
        (Content::Taken, Source::Owned(_, b)) => b,
        (Content::Taken, _) => &[],
        (Content::Refused, _) => {
            state.data.update_value(|d| {
                d.add_unreadable(&name, size as usize, &too_large(size));
            });
            return;
        }
        (Content::Failed(why), _) => {
            let why = format!("the browser could not read the file: {why}");
            state.data.update_value(|d| {
                d.add_unreadable(&name, size as usize, &why);
            });
            return;
        }
    };
    // Big archives and mailboxes are read a few entries at a time.
    let limits = state.data.with_value(|d| d.limits().clone());
    let mut job = Job::new(bytes, &limits);
    let Some(id) = state.data.try_update_value(|d| d.start_file(&name, bytes.len(), job.format())) else { return };
    let mut partial = false;
    while !job.is_done() {
        if state.cancelled.get_value() {
            state.data.update_value(|d| d.cancel_file(id));
            break;
        }
        let found = job.step(UNITS_PER_STEP);
        state.data.update_value(|d| d.add_extracted(id, found));
        if slicer.due() {
            let (done, total) = job.progress();
            slicer.pause((size * done as f64 / total.max(1) as f64) as u64).await;
            partial = true;
        }
    }
    state.data.update_value(|d| {
        d.finish_file(id);
    });
    if partial {
        state.progress.update(|p| p.partial = 0);
    }
}

/// Cuts a load into short slices of main-thread time: publishes progress
/// once per slice (each update re-renders), refreshes the views at a doubling
/// interval, and yields to the browser.
struct Slicer {
    state: AppState,
    slice_start: f64,
    last_refresh: f64,
    last_publish: f64,
    refresh_every: f64,
    /// Files and bytes finished since progress was last published.
    files_done: usize,
    bytes_done: u64,
}

impl Slicer {
    fn new(state: AppState) -> Slicer {
        let now = js_sys::Date::now();
        Slicer {
            state,
            slice_start: now,
            last_refresh: now,
            last_publish: 0.0,
            refresh_every: REFRESH_MS,
            files_done: 0,
            bytes_done: 0,
        }
    }

    fn file_done(&mut self, size: u64) {
        self.files_done += 1;
        self.bytes_done += size;
    }

    /// Whether the current slice is used up.
    fn due(&self) -> bool {
        js_sys::Date::now() - self.slice_start > SLICE_MS
    }

    /// Publishes progress; `partial` is what is done of the file being read.
    fn publish(&mut self, partial: u64) {
        let (files, bytes) = (std::mem::take(&mut self.files_done), std::mem::take(&mut self.bytes_done));
        self.state.progress.update(|p| {
            p.files_done += files;
            p.bytes_done += bytes;
            p.partial = partial;
        });
    }

    /// Ends a slice: publishes progress (at most every [`PUBLISH_MS`]: each
    /// update lays the page out again), refreshes the views when due, yields.
    async fn pause(&mut self, partial: u64) {
        let now = js_sys::Date::now();
        if now - self.last_publish > PUBLISH_MS {
            self.publish(partial);
            self.last_publish = now;
        }
        if now - self.last_refresh > self.refresh_every {
            self.state.bump();
            self.last_refresh = now;
            self.refresh_every *= 2.0;
        }
        yield_now().await;
        self.slice_start = js_sys::Date::now();
    }
}

enum Content {
    Bytes(Vec<u8>),
    Static(&'static [u8]),
    /// The bytes are in the `Source` itself.
    Taken,
    Refused,
    Failed(String),
}

/// Reads a batch of files concurrently.
/// Starts reading a batch of files; the browser reads them while we parse the
/// previous batch. Resolves (allSettled) when all are read.
fn start_reads(state: AppState, batch: &mut [Source]) -> Promise {
    let promises = Array::new();
    let sized: f64 = batch.iter_mut().map(Source::measure).sum();
    state.progress.update(|p| p.bytes_total += sized as u64);
    for src in batch.iter() {
        if let Source::File(f, _, Some(size)) = src {
            if *size <= MAX_FILE_BYTES {
                promises.push(&f.array_buffer());
                continue;
            }
        }
        promises.push(&Promise::resolve(&wasm_bindgen::JsValue::NULL));
    }
    // allSettled: one unreadable file must not fail the batch.
    Promise::all_settled(&promises)
}

/// The contents of a batch whose reads [`start_reads`] began.
async fn finish_reads(batch: &[Source], reads: Promise) -> Vec<Content> {
    let settled = match JsFuture::from(reads).await {
        Ok(v) => v.unchecked_into::<Array>(),
        Err(e) => {
            let why = e.as_string().unwrap_or_else(|| "unknown error".into());
            return batch.iter().map(|_| Content::Failed(why.clone())).collect();
        }
    };
    batch
        .iter()
        .enumerate()
        .map(|(i, src)| match src {
            Source::Static(_, b) => Content::Static(b),
            Source::Owned(..) => Content::Taken,
            Source::File(_, _, Some(size)) if *size > MAX_FILE_BYTES => Content::Refused,
            Source::File(..) => {
                let entry = settled.get(i as u32);
                let get = |k: &str| js_sys::Reflect::get(&entry, &k.into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
                if get("status").as_string().as_deref() == Some("fulfilled") {
                    Content::Bytes(Uint8Array::new(&get("value")).to_vec())
                } else {
                    let reason = get("reason");
                    let why = js_sys::Reflect::get(&reason, &"message".into())
                        .ok()
                        .and_then(|m| m.as_string())
                        .unwrap_or_else(|| "unknown error".into());
                    Content::Failed(why)
                }
            }
        })
        .collect()
}

/// Gives the main thread back to the browser for one turn of the event loop,
/// as an ordinary task behind whatever is queued (input, timers, rendering).
/// A `MessageChannel` message is not clamped like nested `setTimeout(0)`
/// (4 ms each, seconds over thousands of slices), and unlike
/// `scheduler.yield()` it does not jump the queue ahead of the page's other work.
async fn yield_now() {
    let promise = Promise::new(&mut |resolve, _reject| match web_sys::MessageChannel::new() {
        Ok(channel) => {
            channel.port1().set_onmessage(Some(&resolve));
            if channel.port2().post_message(&wasm_bindgen::JsValue::NULL).is_err() {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
        }
        Err(_) => {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}
