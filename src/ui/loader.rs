//! Reading files from the browser into the data set without freezing the page.

use js_sys::Promise;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

use super::state::{AppState, Engine, Progress};
use super::workers::PoolSlot;
use crate::format;
use crate::ingest::Job;

/// Files above this size are refused before reading; no real report comes close.
pub const MAX_FILE_BYTES: f64 = 1024.0 * 1024.0 * 1024.0;

/// Zip entries or mailbox messages processed between checks of the clock.
const UNITS_PER_STEP: usize = 16;

/// Files whose reads start together (two batches in flight): the browser
/// reads many files side by side much faster than a few, and starting an
/// unsized read costs the page ~0.07 ms, so a batch starts in under ten
/// milliseconds of main thread. (32 at a time, 6,620 small files were ready
/// at ~1.5× the read floor; 128 at a time ~1.4×.)
pub(super) const READ_BATCH: usize = 128;

/// Read batches this small are sized before they are read (`File.size` is a
/// synchronous lookup, ~0.4 ms in Chromium, more than reading a small file:
/// sizing every file kept the main-thread engine 2.8 s of 3.4 s on 6,620
/// small files). A small batch is where one big mailbox is likely, which is
/// then refused before it is read; a bigger batch learns its sizes from the
/// bytes read, and src/ui/lane.js refuses an oversized file then.
pub(super) const SIZE_FIRST: usize = 8;

/// Longest stretch of parsing before the page gets the main thread back (ms).
const SLICE_MS: f64 = 12.0;

/// The first refresh of the views while loading comes after this long (ms);
/// each later one waits twice as long as the one before. Every refresh
/// aggregates everything loaded so far, so refreshing at a fixed rate would
/// make a long load quadratic; doubling keeps it to a handful. None comes
/// when the end is expected within [`REFRESH_AHEAD_MS`]: it would show
/// numbers about to change, and delay them (a load of many small files
/// waits on the page's main thread, which reads them).
const REFRESH_MS: f64 = 1000.0;

/// A refresh while loading is skipped when the load's end is expected
/// sooner than this (ms).
const REFRESH_AHEAD_MS: f64 = 2000.0;

/// Progress is shown again at most this often while loading (ms): each
/// update lays the page out again, and a screen reader announces the status
/// line, so four times a second is plenty.
const PUBLISH_MS: f64 = 250.0;

/// A file to load: name and where its bytes come from.
pub enum Source {
    /// A file the user gave, with its path when it came from a dropped folder,
    /// and its size once known. The first `File.size` of a file on disk is a
    /// synchronous lookup (~0.2 ms in Chromium): sizing 6,000 files up front
    /// held the page for over a second, so a file is sized as its batch is
    /// read, or learns its size from the bytes read (see src/ui/lane.js).
    File(web_sys::File, Option<String>, Option<f64>),
    /// Bytes the page already holds (pasted text, the samples).
    Owned(String, Vec<u8>),
}

impl Source {
    /// A file given by the user.
    pub fn file(f: web_sys::File) -> Source {
        Source::File(f, None, None)
    }

    /// The name its file row shows.
    pub fn name(&self) -> String {
        match self {
            // A file from a folder keeps its path inside the folder.
            Source::File(_, Some(path), _) => path.clone(),
            Source::File(f, None, _) => f.name(),
            Source::Owned(n, _) => n.clone(),
        }
    }

    /// Records the size the page's read learned, for a file not sized yet.
    pub(super) fn learn_size(&mut self, size: f64) {
        if let Source::File(_, _, known @ None) = self {
            *known = Some(size);
        }
    }

    /// Its size in bytes, once known.
    pub fn size(&self) -> f64 {
        match self {
            Source::File(_, _, size) => size.unwrap_or(0.0),
            Source::Owned(_, b) => b.len() as f64,
        }
    }
}

/// Collects the files of a `FileList`; `folder` when a folder picker gave
/// it, so each file keeps its path inside the folder. (Only then: looking the
/// path up costs the page a property read per file, ~0.2 ms in Chromium,
/// and a plain pick or drop has none.)
pub fn from_file_list(list: &web_sys::FileList, folder: bool) -> Vec<Source> {
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|f| {
            let path = folder
                .then(|| js_sys::Reflect::get(&f, &"webkitRelativePath".into()).ok().and_then(|v| v.as_string()))
                .flatten()
                .filter(|p| !p.is_empty());
            Source::File(f, path, None)
        })
        .collect()
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
    if let Some(i) = state.mailbox.get_value() {
        i.interrupt();
    }
}

/// Why a file was not read when the load was cancelled.
pub(super) const CANCELLED: &str = "not read: the load was cancelled";

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
            state.mailbox.set_value(Some(pool.mailbox()));
            super::worker_load::drive_workers(state, &mut pool, &mut slicer).await;
            state.mailbox.set_value(None);
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
}

/// The error row of a file the browser could not read (on the page or in a worker).
pub(super) fn could_not_read(why: &str) -> String {
    format!("the browser could not read the file: {why}")
}

/// The error row of a file over [`MAX_FILE_BYTES`].
pub(super) fn too_large(size: f64) -> String {
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
            let batch = state.queue.try_update_value(|q| q.take(READ_BATCH)).unwrap_or_default();
            if batch.is_empty() {
                break;
            }
            // Sized first only when small (see [`SIZE_FIRST`]); the others
            // learn their sizes from the bytes read.
            let sized = batch.len() <= SIZE_FIRST;
            let reads = super::lane::read(&batch.iter().collect::<Vec<_>>(), sized, f64::INFINITY, MAX_FILE_BYTES);
            inflight.push_back((batch, reads));
        }
        let Some((mut batch, reads)) = inflight.pop_front() else {
            // Nothing in hand: stop, unless files were queued meanwhile.
            if state.queue.try_update_value(|q| q.finish()).unwrap_or(true) {
                break;
            }
            continue;
        };
        let contents = contents(state, &mut batch, reads.await);
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

/// Loads one file's contents into the data set, a few units per time slice.
async fn load_one(state: AppState, slicer: &mut Slicer, src: &Source, content: &Content) {
    let name = src.name();
    let size = src.size();
    let bytes: &[u8] = match (content, src) {
        (Content::Bytes(b), _) => b,
        (Content::Taken, Source::Owned(_, b)) => b,
        (Content::Taken, _) => &[],
        (Content::Refused, _) => {
            state.data.update_value(|d| {
                d.add_unreadable(&name, size as usize, &too_large(size));
            });
            return;
        }
        (Content::Failed(why), _) => {
            state.data.update_value(|d| {
                d.add_unreadable(&name, size as usize, &could_not_read(why));
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
pub(super) struct Slicer {
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

    pub(super) fn file_done(&mut self, size: u64) {
        self.files_done += 1;
        self.bytes_done += size;
    }

    /// The load's expected time left at `now` (ms), from the share done of
    /// its files (or of the one file's bytes); `None` before anything is done.
    fn time_left(&self, now: f64) -> Option<f64> {
        // Outside any reactive scope: `get` tracks nothing here.
        let p = self.state.progress.get();
        let share = if p.files_total > 1 {
            (p.files_done + self.files_done) as f64 / p.files_total as f64
        } else if p.bytes_total > 0 {
            (p.bytes_done + self.bytes_done + p.partial) as f64 / p.bytes_total as f64
        } else {
            return None;
        };
        (share > 0.0).then(|| (now - p.started_ms) * (1.0 - share) / share)
    }

    /// Whether the current slice is used up.
    pub(super) fn due(&self) -> bool {
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
    pub(super) async fn pause(&mut self, partial: u64) {
        let now = js_sys::Date::now();
        if now - self.last_publish > PUBLISH_MS {
            self.publish(partial);
            self.last_publish = now;
        }
        if now - self.last_refresh > self.refresh_every && self.time_left(now).is_none_or(|t| t > REFRESH_AHEAD_MS) {
            self.state.bump();
            self.last_refresh = now;
            self.refresh_every *= 2.0;
        }
        yield_now().await;
        self.slice_start = js_sys::Date::now();
    }
}

/// What the page read of a file loaded on the main thread.
enum Content {
    Bytes(Vec<u8>),
    /// The bytes are in the `Source` itself.
    Taken,
    Refused,
    Failed(String),
}

/// What the page read of each file of a batch (sized before reading, see
/// [`super::lane::read`]); their sizes go to the sources and the progress.
fn contents(state: AppState, batch: &mut [Source], read: Result<super::lane::Batch, String>) -> Vec<Content> {
    use super::lane::Kind;
    let read = match read {
        Ok(read) => read,
        Err(why) => return batch.iter().map(|_| Content::Failed(why.clone())).collect(),
    };
    state.progress.update(|p| p.bytes_total += read.total() as u64);
    batch
        .iter_mut()
        .enumerate()
        .map(|(i, src)| {
            src.learn_size(read.size(i));
            match (src, read.kind(i)) {
                (Source::Owned(..), _) => Content::Taken,
                (Source::File(..), kind) => match kind {
                    Kind::Read => Content::Bytes(read.copy(i)),
                    Kind::Large => Content::Refused,
                    Kind::Head | Kind::Failed => Content::Failed(read.error(i)),
                },
            }
        })
        .collect()
}

/// The message of a JavaScript error (a rejected read or import), or
/// "unknown error" when it has none.
pub(super) fn error_message(e: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// Gives the main thread back to the browser for one turn of the event loop,
/// as an ordinary task behind whatever is queued (input, timers, rendering).
/// A `MessageChannel` message is not clamped like nested `setTimeout(0)`
/// (4 ms each, seconds over thousands of slices), and unlike
/// `scheduler.yield()` it does not jump the queue ahead of the page's other work.
pub(super) async fn yield_now() {
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
