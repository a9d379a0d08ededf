//! Where files come in: drop files or folders, pick files or a folder, or paste.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::DataTransfer;

use super::folders;
use super::loader::{self, from_file_list, Source};
use super::state::AppState;

/// Loads what a drop carries: folders are walked, plain files taken as they are.
fn load_drop(state: AppState, dt: &DataTransfer) {
    let entries = folders::entries(dt);
    if folders::has_folder(&entries) {
        // Counted as pending from now on, so the page never claims "ready" mid-walk.
        state.pending.update(|n| *n += 1);
        spawn_local(async move {
            let files = folders::walk(entries).await;
            state.pending.update(|n| *n -= 1);
            loader::load(state, files);
            state.bump();
        });
    } else if let Some(files) = dt.files() {
        // Folders in a drop are walked above; what is left are plain files.
        loader::load(state, from_file_list(&files, false));
    }
}

/// Loads pasted text as a report file, numbered in paste order.
fn load_text(state: AppState, text: String) {
    if text.trim().is_empty() {
        return;
    }
    // Numbered when given, not when loaded: pastes may wait in the queue.
    state.pastes.update_value(|n| *n += 1);
    let n = state.pastes.get_value();
    loader::load(state, vec![Source::Owned(format!("pasted-{n}.json"), text.into_bytes())]);
}

fn input_files(ev: &ev::Event) -> Option<(web_sys::HtmlInputElement, Vec<Source>)> {
    let input = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let folder = input.webkitdirectory();
    let files = input.files().map(|f| from_file_list(&f, folder)).unwrap_or_default();
    Some((input, files))
}

/// The drop zone with its pickers and paste box; `compact` once data is shown.
#[component]
pub fn DropZone(compact: Signal<bool>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let (over, set_over) = signal(false);
    let pasted = RwSignal::new(String::new());
    let on_drop = move |ev: ev::DragEvent| {
        ev.prevent_default();
        ev.stop_propagation();
        set_over.set(false);
        if let Some(dt) = ev.data_transfer() {
            load_drop(state, &dt);
        }
    };
    let on_pick = move |ev: ev::Event| {
        if let Some((input, files)) = input_files(&ev) {
            loader::load(state, files);
            // Picking the same file again must fire `change` again.
            input.set_value("");
        }
    };
    // A drop that misses the zone would make the browser open the file instead.
    let _ = window_event_listener(ev::dragover, |ev| ev.prevent_default());
    let _ = window_event_listener(ev::drop, move |ev| {
        ev.prevent_default();
        if let Some(dt) = ev.data_transfer() {
            load_drop(state, &dt);
        }
    });
    // Ctrl+V anywhere on the page (outside text fields) loads pasted reports or files.
    let _ = window_event_listener(ev::paste, move |ev| {
        let in_field = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "TEXTAREA" | "INPUT"));
        if in_field {
            return;
        }
        let Some(dt) = ev.clipboard_data() else { return };
        if dt.files().is_some_and(|f| f.length() > 0) {
            ev.prevent_default();
            load_drop(state, &dt);
        } else if let Ok(text) = dt.get_data("text") {
            ev.prevent_default();
            load_text(state, text);
        }
    });
    view! {
        <section
            class="drop-zone"
            class:over=move || over.get()
            class:compact=move || compact.get()
            data-testid="drop-zone"
            aria-label="Drop report files or folders here"
            on:dragenter=move |ev: ev::DragEvent| {
                ev.prevent_default();
                set_over.set(true);
            }
            on:dragover=move |ev: ev::DragEvent| {
                ev.prevent_default();
                set_over.set(true);
            }
            on:dragleave=move |_| set_over.set(false)
            on:drop=on_drop
        >
            <div class="drop-icon" aria-hidden="true">"⇩"</div>
            <p class="drop-title">"Drop report files or folders here"</p>
            <p class="muted small">".json · .json.gz · .zip · .tar.gz · .eml · .msg · .mbox, as many as you like, or paste with Ctrl+V"</p>
            <div class="drop-actions">
                <label class="btn">
                    "Choose files…"
                    <input type="file" multiple class="visually-hidden" data-testid="file-input" on:change=on_pick />
                </label>
                <label class="btn">
                    "Choose a folder…"
                    <input
                        type="file"
                        multiple
                        prop:webkitdirectory=true
                        class="visually-hidden"
                        data-testid="folder-input"
                        on:change=on_pick
                    />
                </label>
            </div>
            <details class="paste">
                <summary>"Paste report JSON"</summary>
                <textarea
                    data-testid="paste-input"
                    aria-label="Report JSON to load"
                    rows="6"
                    spellcheck="false"
                    placeholder="{\"organization-name\": …, \"policies\": [ … ] }"
                    prop:value=move || pasted.get()
                    on:input=move |ev| pasted.set(event_target_value(&ev))
                ></textarea>
                <button
                    type="button"
                    class="btn small"
                    data-testid="paste-load"
                    on:click=move |_| {
                        load_text(state, pasted.get_untracked());
                        pasted.set(String::new());
                    }
                >
                    "Load pasted report"
                </button>
            </details>
        </section>
    }
}
