//! The ingest workers: message plumbing only. Each worker runs the same
//! compiled module (posted to it, never downloaded again) and calls
//! `engine::ingest_encoded` on the bytes it is sent; the page merges the
//! answers in order ([`crate::engine::Reorder`], `Dataset::open_result`).
//!
//! The page reads the files and *transfers* their bytes: handing a `File`
//! itself to a worker costs the page about 0.3-0.5 ms per file in Chromium
//! (each blob is registered for the other context), more than reading it,
//! while a transferred `ArrayBuffer` costs nothing (measured,
//! docs/benchmarks.md). A big file is the exception: its `File` goes to the
//! workers, which read it themselves, so the page never holds or copies its
//! bytes (several workers reading parts of it each need all of them).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

/// Most workers started, whatever the core count: beyond this the page's
/// own merging is the limit, and every worker holds a copy of the module.
const MAX_WORKERS: usize = 4;

/// A batch's answers up to this many bytes are copied into the module in
/// one go; a bigger one (a big archive's part) stays in the worker's array
/// and is copied a chunk at a time, so wasm memory, which never shrinks,
/// does not peak at its size.
const COPY_BYTES: u32 = 4 << 20;

/// A worker's answer for one file ([`crate::engine::AnswerBytes`]).
pub enum JsAnswer {
    /// `start..end` of its batch's answers, copied into the module.
    Copied(Rc<Vec<u8>>, usize, usize),
    /// Left in the array it arrived in, copied a chunk at a time.
    Js(Uint8Array),
}

impl crate::engine::AnswerBytes for JsAnswer {
    fn len(&self) -> usize {
        match self {
            JsAnswer::Copied(_, start, end) => end - start,
            JsAnswer::Js(a) => a.length() as usize,
        }
    }

    fn range(&self, start: usize, end: usize) -> Option<std::borrow::Cow<'_, [u8]>> {
        if start > end || end > self.len() {
            return None;
        }
        Some(match self {
            JsAnswer::Copied(all, from, _) => std::borrow::Cow::Borrowed(all.get(from + start..from + end)?),
            JsAnswer::Js(a) => std::borrow::Cow::Owned(a.subarray(start as u32, end as u32).to_vec()),
        })
    }
}

/// A file, or a part of one, on its way to a worker.
pub struct Outgoing<'a> {
    /// Its sequence number (a part has its own).
    pub seq: u64,
    /// The file's name.
    pub name: &'a str,
    /// Its bytes; `None` for a part whose file the worker already holds.
    pub bytes: Option<&'a JsValue>,
    /// `(part, parts)` when the file is read in parts.
    pub part: Option<(usize, usize)>,
    /// The file's own sequence number (its first part's), naming the bytes a worker holds.
    pub file: u64,
}

/// What a worker said of one file.
pub enum FileReply {
    /// The file's answer: its chunks (left in the worker's array, see
    /// [`JsAnswer`]), and its size in bytes.
    Done { seq: u64, bytes: JsAnswer, size: f64 },
    /// Reading the file failed (or the module trapped on it).
    Failed { seq: u64, why: String },
    /// The worker could not read the file it was handed (a big file the
    /// page did not read itself); the worker is fine.
    Unreadable { seq: u64, why: String },
    /// Not read: the worker stopped before it; it must be sent again.
    Retry { seq: u64 },
}

/// A file the page has read, or why it has no bytes.
pub enum Read {
    /// Its bytes (a `Uint8Array`, to be transferred to a worker) and size.
    Bytes(JsValue, f64),
    /// A big file the workers read themselves: its first bytes (to tell how
    /// to split it), the `File`, and its size.
    Blob { prefix: Vec<u8>, file: JsValue, size: f64 },
    /// Larger than the page reads; not opened.
    TooLarge(f64),
    /// The browser could not read it.
    Failed(String),
}

/// What a worker, or the page's own reads, said.
pub enum Reply {
    /// A batch of files the page has read ([`super::lane::read`]): their
    /// sequence numbers, what the read gave (or why it failed), and whether
    /// their sizes were read first.
    Lane { seqs: Vec<u64>, read: Result<super::lane::Batch, String>, sized: bool },
    /// Its answers for a batch of files.
    Batch { worker: usize, files: Vec<FileReply> },
    /// The worker died (an uncaught error); what it held is lost.
    Died { worker: usize, why: String },
    /// A worker has instantiated the module.
    Ready,
    /// A worker could not instantiate the module.
    InitFailed,
    /// The page asked the driver to look up (Cancel was pressed).
    Interrupted,
}

/// Hands a reply to a driver waiting on [`Pool::next`], from outside the
/// workers: a finished read, or Cancel.
#[derive(Clone)]
pub struct Mailbox {
    inbox: Rc<RefCell<VecDeque<Reply>>>,
    wake: Rc<RefCell<Option<js_sys::Function>>>,
}

impl Mailbox {
    /// Queues `reply` and wakes the driver.
    pub fn post(&self, reply: Reply) {
        self.inbox.borrow_mut().push_back(reply);
        if let Some(f) = self.wake.borrow_mut().take() {
            let _ = f.call0(&JsValue::NULL);
        }
    }

    /// Makes the waiting driver return [`Reply::Interrupted`].
    pub fn interrupt(&self) {
        self.post(Reply::Interrupted);
    }
}

struct Slot {
    worker: Worker,
    /// Batches sent and not yet answered, oldest first (their sequence numbers).
    inflight: Vec<Vec<u64>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

/// A set of ingest workers and the replies they have sent.
pub struct Pool {
    slots: Vec<Slot>,
    /// Where the workers' replies (and the page's reads, and Cancel) arrive.
    mailbox: Mailbox,
    module: JsValue,
    url: String,
    /// The next file's sequence number; it never restarts, so an answer
    /// from an earlier, cancelled load can never pass for a current one.
    pub next_seq: u64,
}

/// The page's worker pool, as the load driver finds it.
pub enum PoolSlot {
    /// Being started (the page has just opened).
    Starting,
    /// Running and idle; the driver takes it for a load and puts it back.
    Ready(Pool),
    /// Workers cannot run here: files are read on the main thread.
    Unavailable,
}

/// Starts the pool as the page opens, so the worker scripts are requested
/// while the page itself loads, never later.
pub fn start_with_page(slot: leptos::prelude::StoredValue<PoolSlot, leptos::prelude::LocalStorage>) {
    use leptos::prelude::*;
    slot.set_value(PoolSlot::Starting);
    leptos::task::spawn_local(async move {
        let pool = Pool::start().await;
        slot.set_value(match pool {
            Some(p) => PoolSlot::Ready(p),
            None => PoolSlot::Unavailable,
        });
    });
}

/// Whether this page can run ingest workers at all (a `Worker` constructor
/// and the compiled module the boot script left).
pub fn supported() -> bool {
    let g = js_sys::global();
    let has = |k: &str| Reflect::get(&g, &k.into()).is_ok_and(|v| !v.is_undefined() && !v.is_null());
    has("Worker") && has("tlsrptModule") && has("tlsrptWorker") && has("tlsrptLane")
}

fn worker_count() -> usize {
    let cores = web_sys::window().map(|w| w.navigator().hardware_concurrency()).unwrap_or(1.0);
    (cores as usize).clamp(1, MAX_WORKERS)
}

impl Pool {
    /// Starts the workers and waits until each has the module; `None` when
    /// workers cannot start here (the caller then reads on the main thread).
    pub async fn start() -> Option<Pool> {
        if !supported() {
            return None;
        }
        let g = js_sys::global();
        let module = Reflect::get(&g, &"tlsrptModule".into()).ok()?;
        let url = Reflect::get(&g, &"tlsrptWorker".into()).ok()?.as_string()?;
        let mut pool = Pool {
            slots: Vec::new(),
            mailbox: Mailbox { inbox: Rc::new(RefCell::new(VecDeque::new())), wake: Rc::new(RefCell::new(None)) },
            module,
            url,
            next_seq: 0,
        };
        for i in 0..worker_count() {
            let slot = pool.spawn(i)?;
            pool.slots.push(slot);
        }
        let mut ready = 0;
        while ready < pool.slots.len() {
            match pool.next().await {
                Reply::Ready => ready += 1,
                Reply::InitFailed | Reply::Died { .. } => {
                    pool.stop();
                    return None;
                }
                _ => {}
            }
        }
        Some(pool)
    }

    fn spawn(&self, index: usize) -> Option<Slot> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(&self.url, &options).ok()?;
        let mailbox = self.mailbox();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            mailbox.post(read_reply(index, &ev.data()));
        });
        let mailbox = self.mailbox();
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
            ev.prevent_default();
            mailbox.post(Reply::Died { worker: index, why: ev.message() });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let init = Object::new();
        Reflect::set(&init, &"module".into(), &self.module).ok()?;
        worker.post_message(&init).ok()?;
        Some(Slot { worker, inflight: Vec::new(), _on_message: on_message, _on_error: on_error })
    }

    /// Replaces worker `index` (after it died or trapped) and returns the
    /// files it still held.
    pub fn replace(&mut self, index: usize) -> Vec<u64> {
        let Some(old) = self.slots.get_mut(index) else { return Vec::new() };
        old.worker.terminate();
        let lost: Vec<u64> = std::mem::take(&mut old.inflight).into_iter().flatten().collect();
        if let Some(fresh) = self.spawn(index) {
            self.slots[index] = fresh;
        }
        lost
    }

    /// The worker with the fewest batches in hand, if it has room for one more.
    pub fn idle(&self, per_worker: usize) -> Option<usize> {
        (0..self.slots.len())
            .filter(|&i| self.slots[i].inflight.len() < per_worker)
            .min_by_key(|&i| self.slots[i].inflight.len())
    }

    /// A handle that posts to whoever waits on [`Pool::next`].
    pub fn mailbox(&self) -> Mailbox {
        self.mailbox.clone()
    }

    /// Workers running.
    pub fn size(&self) -> usize {
        self.slots.len()
    }

    /// Whether any worker is running.
    pub fn alive(&self) -> bool {
        !self.slots.is_empty()
    }

    /// Sends worker `index` a batch of files. Whole files' bytes are
    /// transferred, not copied; a part of a big file carries a copy of the
    /// file's bytes only when this worker does not hold them yet.
    pub fn send(&mut self, index: usize, files: &[Outgoing<'_>]) -> bool {
        let list = js_sys::Array::new();
        let transfer = js_sys::Array::new();
        for f in files {
            let item = Object::new();
            let set = |k: &str, v: &JsValue| Reflect::set(&item, &k.into(), v).is_ok();
            let mut ok = set("seq", &JsValue::from_f64(f.seq as f64)) && set("name", &JsValue::from_str(f.name));
            if let Some(bytes) = f.bytes {
                ok &= set("bytes", bytes);
                if f.part.is_none() {
                    if let Some(b) = bytes.dyn_ref::<Uint8Array>() {
                        transfer.push(&b.buffer());
                    }
                }
            }
            if let Some((part, parts)) = f.part {
                ok &= set("file", &JsValue::from_f64(f.file as f64))
                    && set("part", &JsValue::from_f64(part as f64))
                    && set("parts", &JsValue::from_f64(parts as f64));
            }
            if !ok {
                return false;
            }
            list.push(&item);
        }
        let msg = Object::new();
        if Reflect::set(&msg, &"files".into(), &list).is_err() {
            return false;
        }
        let Some(slot) = self.slots.get_mut(index) else { return false };
        if slot.worker.post_message_with_transfer(&msg, &transfer).is_err() {
            return false;
        }
        slot.inflight.push(files.iter().map(|f| f.seq).collect());
        true
    }

    /// Sends worker `index` a batch of small files the page has read
    /// together (src/ui/lane.js): their names and bytes as that read gave
    /// them, the bytes transferred.
    pub fn send_lane(&mut self, index: usize, seqs: &[u64], names: &JsValue, bytes: &JsValue) -> bool {
        let Some(slot) = self.slots.get_mut(index) else { return false };
        if !super::lane::send(&slot.worker, seqs, names, bytes) {
            return false;
        }
        slot.inflight.push(seqs.to_vec());
        true
    }

    /// Marks a batch of worker `index` answered.
    pub fn answered(&mut self, index: usize) {
        if let Some(slot) = self.slots.get_mut(index) {
            if !slot.inflight.is_empty() {
                slot.inflight.remove(0);
            }
        }
    }

    /// Waits for the next reply.
    pub async fn next(&self) -> Reply {
        loop {
            if let Some(r) = self.mailbox.inbox.borrow_mut().pop_front() {
                return r;
            }
            let wake = self.mailbox.wake.clone();
            let p = Promise::new(&mut |resolve, _| {
                *wake.borrow_mut() = Some(resolve);
            });
            let _ = JsFuture::from(p).await;
        }
    }

    /// Stops every worker (their memory is freed with them).
    pub fn stop(&mut self) {
        for s in &self.slots {
            s.worker.terminate();
        }
        self.slots.clear();
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A worker's message: `{ready}` or `{failed}` as it starts, then one per
/// batch (scripts/finalize.mjs, `answer`): `[seqs, kinds, sizes, ends,
/// whys, out]`, parallel arrays with an entry a file, and every answer side
/// by side in `out` (`ends[i]` where file i's ends).
fn read_reply(worker: usize, data: &JsValue) -> Reply {
    let Some(m) = data.dyn_ref::<js_sys::Array>() else {
        let get = |k: &str| Reflect::get(data, &k.into()).is_ok_and(|v| v.is_truthy());
        return if get("ready") {
            Reply::Ready
        } else if get("failed") {
            Reply::InitFailed
        } else {
            Reply::Died { worker, why: "the worker sent an unexpected message".into() }
        };
    };
    let numbers = |i: u32| m.get(i).dyn_into::<js_sys::Float64Array>().ok().map(|a| a.to_vec());
    let (Some(seqs), Ok(kinds), Some(sizes), Some(ends), Ok(whys), Ok(out)) = (
        numbers(0),
        m.get(1).dyn_into::<Uint8Array>(),
        numbers(2),
        numbers(3),
        m.get(4).dyn_into::<js_sys::Array>(),
        m.get(5).dyn_into::<Uint8Array>(),
    ) else {
        return Reply::Died { worker, why: "the worker sent an unexpected message".into() };
    };
    let kinds = kinds.to_vec();
    let copied = (out.length() <= COPY_BYTES).then(|| Rc::new(out.to_vec()));
    let mut start = 0usize;
    let files = seqs
        .iter()
        .enumerate()
        .map(|(i, &seq)| {
            let seq = seq as u64;
            let end = ends.get(i).map_or(start, |&e| e as usize);
            let span = (start, end);
            start = end;
            let why = || whys.get(i as u32).as_string().unwrap_or_default();
            match kinds.get(i) {
                Some(0) if span.0 <= span.1 && span.1 <= out.length() as usize => {
                    let bytes = match &copied {
                        Some(all) => JsAnswer::Copied(all.clone(), span.0, span.1),
                        None => JsAnswer::Js(out.subarray(span.0 as u32, span.1 as u32)),
                    };
                    FileReply::Done { seq, bytes, size: sizes.get(i).copied().unwrap_or(0.0) }
                }
                Some(2) => FileReply::Unreadable { seq, why: why() },
                Some(3) => FileReply::Retry { seq },
                Some(1) => FileReply::Failed { seq, why: why() },
                _ => FileReply::Failed { seq, why: "the worker gave no answer".into() },
            }
        })
        .collect();
    Reply::Batch { worker, files }
}
