//! The page's reads, as the module sees them: every file the page reads
//! goes through `tlsrptLane.read` (src/ui/lane.js), a batch per call, and a
//! batch of small files goes to a worker through `tlsrptLane.send`.

use js_sys::{Array, Float64Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Worker;

use super::loader::{error_message, Source};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = tlsrptLane, js_name = read, catch)]
    fn lane_read(files: &Array, paths: &JsValue, sized: bool, blob: f64, most: f64) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = tlsrptLane, js_name = send, catch)]
    fn lane_send(worker: &Worker, seqs: &[f64], names: &JsValue, bytes: &JsValue) -> Result<(), JsValue>;
}

/// What the page read of a file ([`Batch::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The whole file.
    Read,
    /// Its first 64 bytes only: a big file the workers read from its `File`.
    Head,
    /// Nothing: it is larger than the page reads.
    Large,
    /// Nothing: the browser could not read it ([`Batch::error`] says why).
    Failed,
}

/// Starts reading `sources` side by side (see src/ui/lane.js for `sized`,
/// `blob` and `most`); what they gave, or why the batch could not be read.
pub fn read(
    sources: &[&Source],
    sized: bool,
    blob: f64,
    most: f64,
) -> impl std::future::Future<Output = Result<Batch, String>> {
    let files = Array::new();
    let mut paths: Option<Array> = None;
    let mut path = |i: usize, p: &str| {
        paths.get_or_insert_with(Array::new).set(i as u32, JsValue::from_str(p));
    };
    for (i, src) in sources.iter().enumerate() {
        match src {
            Source::File(f, p, _) => {
                files.push(f);
                if let Some(p) = p {
                    path(i, p);
                }
            }
            Source::Owned(name, bytes) => {
                files.push(&Uint8Array::from(bytes.as_slice()));
                path(i, name);
            }
        }
    }
    let paths = paths.map_or(JsValue::UNDEFINED, JsValue::from);
    let started = lane_read(&files, &paths, sized, blob, most).map_err(|e| error_message(&e));
    async move {
        let read = JsFuture::from(started?).await.map_err(|e| error_message(&e))?;
        Ok(Batch::new(read.unchecked_into()))
    }
}

/// What a batch's read gave: `[names, bytes, sizes, kinds, errors]`, an
/// entry a file (src/ui/lane.js).
pub struct Batch {
    /// The files' names, as given to the workers.
    pub names: JsValue,
    /// Their bytes (a `Uint8Array` each, or null), as given to the workers.
    pub bytes: JsValue,
    /// Their sizes (known before reading, or the bytes read).
    pub sizes: Vec<f64>,
    kinds: Vec<u8>,
    errors: JsValue,
}

impl Batch {
    fn new(read: Array) -> Batch {
        let [names, bytes, sizes, kinds, errors] = [0, 1, 2, 3, 4].map(|i| read.get(i));
        Batch {
            names,
            bytes,
            sizes: sizes.dyn_into::<Float64Array>().map(|a| a.to_vec()).unwrap_or_default(),
            kinds: kinds.dyn_into::<Uint8Array>().map(|a| a.to_vec()).unwrap_or_default(),
            errors,
        }
    }

    /// What was read of file `i` (a batch that lost its entries reads as failed).
    pub fn kind(&self, i: usize) -> Kind {
        match self.kinds.get(i) {
            Some(0) => Kind::Read,
            Some(1) => Kind::Head,
            Some(2) => Kind::Large,
            _ => Kind::Failed,
        }
    }

    /// Whether every file was read whole.
    pub fn all_read(&self, files: usize) -> bool {
        self.kinds.len() == files && self.sizes.len() == files && self.kinds.iter().all(|&k| k == 0)
    }

    /// The files' sizes in all.
    pub fn total(&self) -> f64 {
        self.sizes.iter().sum()
    }

    /// The size of file `i`.
    pub fn size(&self, i: usize) -> f64 {
        self.sizes.get(i).copied().unwrap_or(0.0)
    }

    /// The bytes read of file `i` (a `Uint8Array`, or null).
    pub fn bytes(&self, i: usize) -> JsValue {
        self.bytes.unchecked_ref::<Array>().get(i as u32)
    }

    /// The bytes read of file `i`, copied into the module (none when nothing was read).
    pub fn copy(&self, i: usize) -> Vec<u8> {
        self.bytes(i).dyn_into::<Uint8Array>().map(|b| b.to_vec()).unwrap_or_default()
    }

    /// Why the browser could not read file `i`.
    pub fn error(&self, i: usize) -> String {
        self.errors
            .unchecked_ref::<Array>()
            .get(i as u32)
            .as_string()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "unknown error".into())
    }
}

/// Hands a batch read whole to `worker` ([`Batch::names`], [`Batch::bytes`]),
/// its bytes transferred; false if the browser refused.
pub fn send(worker: &Worker, seqs: &[u64], names: &JsValue, bytes: &JsValue) -> bool {
    let numbers: Vec<f64> = seqs.iter().map(|&s| s as f64).collect();
    lane_send(worker, &numbers, names, bytes).is_ok()
}
