//! Reading files from the browser into the data set without freezing the page.

use js_sys::{Array, Promise, Uint8Array};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::state::AppState;
use crate::format;
use crate::ingest::Job;

/// Files above this size are refused before reading; no real report comes close.
pub const MAX_FILE_BYTES: f64 = 1024.0 * 1024.0 * 1024.0;

/// Zip entries or mailbox messages processed between checks of the clock.
const UNITS_PER_STEP: usize = 16;

/// Files read concurrently: the browser reads in parallel much faster than one by one.
const READ_BATCH: usize = 256;

/// Longest stretch of parsing before the page gets the main thread back (ms).
const SLICE_MS: f64 = 12.0;

/// The first refresh of the views while loading comes after this long (ms);
/// each later one waits twice as long as the one before. Every refresh
/// aggregates everything loaded so far, so refreshing at a fixed rate would
/// make a long load quadratic; doubling keeps it to a handful.
const REFRESH_MS: f64 = 1000.0;

/// A file to load: name and where its bytes come from.
pub enum Source {
    /// A file the user gave, with its path when it came from a dropped folder.
    File(web_sys::File, Option<String>),
    /// Bytes bundled into the app (the samples).
    Static(&'static str, &'static [u8]),
    /// Bytes the page already holds (pasted text).
    Owned(String, Vec<u8>),
}

impl Source {
    fn name(&self) -> String {
        match self {
            // A file from a folder keeps its path inside the folder.
            Source::File(_, Some(path)) => path.clone(),
            Source::File(f, None) => {
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

    fn size(&self) -> f64 {
        match self {
            Source::File(f, _) => f.size(),
            Source::Static(_, b) => b.len() as f64,
            Source::Owned(_, b) => b.len() as f64,
        }
    }
}

/// Collects the files of a `FileList`.
pub fn from_file_list(list: &web_sys::FileList) -> Vec<Source> {
    (0..list.length()).filter_map(|i| list.item(i)).map(|f| Source::File(f, None)).collect()
}

/// Loads `sources` into the data set in the background, with progress.
pub fn load(state: AppState, sources: Vec<Source>) {
    if sources.is_empty() {
        return;
    }
    let bytes: f64 = sources.iter().map(Source::size).sum();
    state.progress.update(|p| {
        if state.pending.get_untracked() == 0 {
            *p = Default::default();
        }
        p.files_total += sources.len();
        p.bytes_total += bytes as u64;
    });
    state.pending.update(|n| *n += 1);
    spawn_local(async move {
        let mut slice_start = js_sys::Date::now();
        let mut last_refresh = slice_start;
        let mut refresh_every = REFRESH_MS;
        // Done since progress was last published.
        let (mut files_done, mut bytes_done) = (0usize, 0u64);
        let mut sources = sources.into_iter().peekable();
        while sources.peek().is_some() {
            let batch: Vec<Source> = sources.by_ref().take(READ_BATCH).collect();
            let contents = read_batch(&batch).await;
            for (src, content) in batch.into_iter().zip(contents) {
                let name = src.name();
                let size = src.size();
                let bytes: &[u8] = match (&content, &src) {
                    (Content::Bytes(b), _) => b,
                    (Content::Static(b), _) => b,
                    (Content::Taken, Source::Owned(_, b)) => b,
                    (Content::Taken, _) => &[],
                    (Content::Refused, _) => {
                        let why = format!(
                            "the file is {}, larger than the {} this page reads; it was not opened",
                            format::bytes(size as u64),
                            format::bytes(MAX_FILE_BYTES as u64)
                        );
                        state.data.update_value(|d| {
                            d.add_unreadable(&name, size as usize, &why);
                        });
                        &[]
                    }
                    (Content::Failed(why), _) => {
                        let why = format!("the browser could not read the file: {why}");
                        state.data.update_value(|d| {
                            d.add_unreadable(&name, size as usize, &why);
                        });
                        &[]
                    }
                };
                if matches!(content, Content::Bytes(_) | Content::Static(_) | Content::Taken) {
                    // Big archives and mailboxes are read a few entries at a time.
                    let limits = state.data.with_value(|d| d.limits().clone());
                    let mut job = Job::new(bytes, &limits);
                    let id =
                        state.data.try_update_value(|d| d.start_file(&name, bytes.len(), job.format())).unwrap_or(0);
                    let mut partial = false;
                    while !job.is_done() {
                        let found = job.step(UNITS_PER_STEP);
                        state.data.update_value(|d| d.add_extracted(id, found));
                        let now = js_sys::Date::now();
                        if now - slice_start > SLICE_MS {
                            let (done, total) = job.progress();
                            state.progress.update(|p| {
                                p.files_done += files_done;
                                p.bytes_done += bytes_done;
                                p.partial = (size * done as f64 / total.max(1) as f64) as u64;
                            });
                            (files_done, bytes_done, partial) = (0, 0, true);
                            if now - last_refresh > refresh_every {
                                state.bump();
                                last_refresh = now;
                                refresh_every *= 2.0;
                            }
                            yield_now().await;
                            slice_start = js_sys::Date::now();
                        }
                    }
                    state.data.update_value(|d| {
                        d.finish_file(id);
                    });
                    if partial {
                        state.progress.update(|p| p.partial = 0);
                    }
                }
                files_done += 1;
                bytes_done += size as u64;
                let now = js_sys::Date::now();
                if now - slice_start > SLICE_MS {
                    // Progress is published once per slice, not per file: each update re-renders.
                    state.progress.update(|p| {
                        p.files_done += files_done;
                        p.bytes_done += bytes_done;
                    });
                    (files_done, bytes_done) = (0, 0);
                    if now - last_refresh > refresh_every {
                        state.bump();
                        last_refresh = now;
                        refresh_every *= 2.0;
                    }
                    yield_now().await;
                    slice_start = js_sys::Date::now();
                }
            }
        }
        state.progress.update(|p| {
            p.files_done += files_done;
            p.bytes_done += bytes_done;
        });
        state.pending.update(|n| *n -= 1);
        state.bump();
    });
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
async fn read_batch(batch: &[Source]) -> Vec<Content> {
    let promises = Array::new();
    for src in batch {
        if let Source::File(f, _) = src {
            if f.size() <= MAX_FILE_BYTES {
                promises.push(&f.array_buffer());
                continue;
            }
        }
        promises.push(&Promise::resolve(&wasm_bindgen::JsValue::NULL));
    }
    // allSettled: one unreadable file must not fail the batch.
    let settled = match JsFuture::from(Promise::all_settled(&promises)).await {
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
            Source::File(f, _) if f.size() > MAX_FILE_BYTES => Content::Refused,
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

/// Gives the main thread back to the browser for one turn of the event loop.
/// `scheduler.yield()` where the browser has it: nested `setTimeout(0)` is
/// clamped to 4 ms, which at thousands of slices adds seconds.
async fn yield_now() {
    let scheduler = js_sys::Reflect::get(&js_sys::global(), &"scheduler".into()).ok().filter(|s| s.is_object());
    if let Some(s) = scheduler {
        if let Ok(f) = js_sys::Reflect::get(&s, &"yield".into()).and_then(|f| f.dyn_into::<js_sys::Function>()) {
            if let Ok(p) = f.call0(&s).and_then(|p| p.dyn_into::<Promise>()) {
                let _ = JsFuture::from(p).await;
                return;
            }
        }
    }
    gloo::timers::future::TimeoutFuture::new(0).await;
}
