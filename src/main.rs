//! Entry point: mounts the app in the browser, or, inside an ingest worker,
//! only exports what the worker calls. All logic lives in the library.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::wasm_bindgen;

#[cfg(target_arch = "wasm32")]
fn main() {
    // The same module runs in the ingest workers, which have no page to mount.
    if web_sys::window().is_none() {
        return;
    }
    tlsrpt_viewer::ui::install_panic_hook();
    leptos::mount::mount_to_body(tlsrpt_viewer::ui::App);
}

/// Called by an ingest worker for a batch of files (a file read whole is a
/// batch of one): [`tlsrpt_viewer::engine::ingest_batch`], one call for the
/// batch where a call per file cost the worker ~10 µs each in copies. Each
/// file's answer ends at the offset `out_ends[i]` of what it returns.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn worker_ingest_batch(names: &str, all: &[u8], ends: &[f64], out_ends: &mut [f64]) -> Vec<u8> {
    let (out, done) = tlsrpt_viewer::engine::ingest_batch(names, all, ends, |i| IN_HAND.with(|c| c.set(i as u32)));
    out_ends.iter_mut().zip(done).for_each(|(o, d)| *o = d);
    out
}

// The file of a batch being read ([`worker_ingest_batch`]), for the worker
// to tell after a trap which file it was.
#[cfg(target_arch = "wasm32")]
thread_local! {
    static IN_HAND: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Which file of its batch [`worker_ingest_batch`] was reading (after a trap:
/// the file that caused it). Allocates nothing, so it can be called on a
/// module that has trapped.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn worker_in_hand() -> u32 {
    IN_HAND.with(|c| c.get())
}

// The big file whose parts this worker reads, kept in the module between
// parts: handing it over with every part copied the whole file into wasm
// memory once per part (41 MB eight times for a 100k-report zip).
#[cfg(target_arch = "wasm32")]
thread_local! {
    static HELD: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Called by an ingest worker when it is given a big file to read in parts:
/// keeps its bytes for [`worker_ingest_held`] (an empty array lets them go).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn worker_hold(bytes: Vec<u8>) {
    HELD.with(|h| *h.borrow_mut() = bytes);
}

/// Called by an ingest worker for part `part` of `parts` of the file it holds
/// ([`worker_hold`]): [`tlsrpt_viewer::engine::ingest_part_encoded`] on its bytes.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn worker_ingest_held(name: &str, part: usize, parts: usize) -> Vec<u8> {
    HELD.with(|h| tlsrpt_viewer::engine::ingest_part_encoded(name, &h.borrow(), part, parts))
}

/// Called once by each ingest worker as it starts: reads the warm-up samples
/// over and over for about `ms` milliseconds, and returns how many rounds it
/// made. V8 runs wasm first through its baseline compiler and optimizes a
/// function once it is hot; without this, the first load of a page ran its
/// workers at a fraction of their speed (a zip of 10k reports: ~1 s first,
/// ~0.3 s when loaded again; docs/benchmarks.md).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn worker_warm_up(ms: f64) -> u32 {
    let until = js_sys::Date::now() + ms;
    let mut rounds = 0;
    while js_sys::Date::now() < until {
        for (name, bytes) in tlsrpt_viewer::samples::WARM_UP {
            std::hint::black_box(tlsrpt_viewer::engine::ingest_encoded(name, bytes));
        }
        rounds += 1;
    }
    rounds
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The viewer runs in the browser: start it with ./scripts/serve (see README.md).");
}
