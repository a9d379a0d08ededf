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

/// A worker's answer, left in the array it arrived in and copied into the
/// module one chunk at a time ([`crate::engine::AnswerBytes`]).
pub struct JsAnswer(Uint8Array);

impl crate::engine::AnswerBytes for JsAnswer {
    fn len(&self) -> usize {
        self.0.length() as usize
    }

    fn range(&self, start: usize, end: usize) -> Option<std::borrow::Cow<'_, [u8]>> {
        (start <= end && end <= self.len())
            .then(|| std::borrow::Cow::Owned(self.0.subarray(start as u32, end as u32).to_vec()))
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
    /// A batch of files the page has read: `(sequence number, bytes)`.
    Read(Vec<(u64, Read)>),
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
    has("Worker") && has("tlsrptModule") && has("tlsrptWorker")
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

fn read_reply(worker: usize, data: &JsValue) -> Reply {
    let get = |v: &JsValue, k: &str| Reflect::get(v, &k.into()).unwrap_or(JsValue::UNDEFINED);
    if get(data, "ready").is_truthy() {
        return Reply::Ready;
    }
    if get(data, "failed").is_truthy() {
        return Reply::InitFailed;
    }
    let results = get(data, "results");
    if !js_sys::Array::is_array(&results) {
        return Reply::Died { worker, why: "the worker sent an unexpected message".into() };
    }
    let files = js_sys::Array::from(&results)
        .iter()
        .map(|r| {
            let seq = get(&r, "seq").as_f64().unwrap_or(0.0) as u64;
            if get(&r, "retry").is_truthy() {
                return FileReply::Retry { seq };
            }
            if let Some(why) = get(&r, "error").as_string() {
                return FileReply::Failed { seq, why };
            }
            if let Some(why) = get(&r, "unreadable").as_string() {
                return FileReply::Unreadable { seq, why };
            }
            let out = get(&r, "out");
            if out.is_instance_of::<Uint8Array>() {
                let bytes = JsAnswer(out.unchecked_into::<Uint8Array>());
                return FileReply::Done { seq, bytes, size: get(&r, "size").as_f64().unwrap_or(0.0) };
            }
            FileReply::Failed { seq, why: "the worker gave no answer".into() }
        })
        .collect();
    Reply::Batch { worker, files }
}
