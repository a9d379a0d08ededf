//! Entry point: mounts the app in the browser. All logic lives in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    tlsrpt_viewer::ui::install_panic_hook();
    leptos::mount::mount_to_body(tlsrpt_viewer::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The viewer runs in the browser: start it with ./scripts/serve (see README.md).");
}
