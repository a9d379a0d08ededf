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

/// Called by an ingest worker for part `part` of `parts` of a big archive or
/// mailbox ([`tlsrpt_viewer::engine::ingest_part_encoded`]).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn worker_ingest_part(name: &str, bytes: &[u8], part: usize, parts: usize) -> Vec<u8> {
    tlsrpt_viewer::engine::ingest_part_encoded(name, bytes, part, parts)
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The viewer runs in the browser: start it with ./scripts/serve (see README.md).");
}
