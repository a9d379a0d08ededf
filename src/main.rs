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

/// Called by an ingest worker for each file: reads it whole and returns its
/// result as chunks ([`tlsrpt_viewer::engine::encode_chunks`]).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn worker_ingest(name: &str, bytes: &[u8]) -> Vec<u8> {
    tlsrpt_viewer::engine::ingest_encoded(name, bytes)
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
