//! Where files come in: drag and drop anywhere on the zone, or pick them.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::loader::{self, from_file_list};
use super::state::AppState;

/// The drop zone with its file picker.
#[component]
pub fn DropZone() -> impl IntoView {
    let state = expect_context::<AppState>();
    let (over, set_over) = signal(false);
    let on_drop = move |ev: ev::DragEvent| {
        ev.prevent_default();
        ev.stop_propagation();
        set_over.set(false);
        if let Some(files) = ev.data_transfer().and_then(|dt| dt.files()) {
            loader::load(state, from_file_list(&files));
        }
    };
    let on_pick = move |ev: ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        if let Some(files) = input.files() {
            loader::load(state, from_file_list(&files));
        }
        // Picking the same file again must fire `change` again.
        input.set_value("");
    };
    // A drop that misses the zone would make the browser open the file instead.
    let _ = window_event_listener(ev::dragover, |ev| ev.prevent_default());
    let _ = window_event_listener(ev::drop, move |ev| {
        ev.prevent_default();
        if let Some(files) = ev.data_transfer().and_then(|dt| dt.files()) {
            loader::load(state, from_file_list(&files));
        }
    });
    view! {
        <section
            class="drop-zone"
            class:over=move || over.get()
            data-testid="drop-zone"
            aria-label="Drop report files here"
            on:dragenter=move |ev: ev::DragEvent| { ev.prevent_default(); set_over.set(true); }
            on:dragover=move |ev: ev::DragEvent| { ev.prevent_default(); set_over.set(true); }
            on:dragleave=move |_| set_over.set(false)
            on:drop=on_drop
        >
            <div class="drop-icon" aria-hidden="true">"⇩"</div>
            <p class="drop-title">"Drop report files here"</p>
            <p class="muted small">".json · .json.gz · .zip · .eml · .mbox, as many as you like"</p>
            <label class="btn">
                "Choose files…"
                <input type="file" multiple class="visually-hidden" data-testid="file-input" on:change=on_pick />
            </label>
        </section>
    }
}
