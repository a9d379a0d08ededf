//! The progress bar while files load, with Cancel, and the status line that
//! announces the start and end of every load to screen readers.

use leptos::prelude::*;

use super::loader;
use super::state::AppState;
use crate::format;

/// Files, reports and bytes done; a bar and Cancel while loading. The status
/// region itself always exists, so its changes are announced.
#[component]
pub fn ProgressBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let loading = move || state.pending.get() > 0;
    let text = move || {
        let p = state.progress.get();
        let reports = state.data.with_value(|d| d.reports().len());
        let left = format::time_left(js_sys::Date::now() - p.started_ms, p.files_done, p.files_total);
        format!(
            "Reading files: {} of {} done · {} reports · {} read{}",
            format::count(p.files_done as u64),
            format::count(p.files_total as u64),
            format::count(reports as u64),
            format::bytes(p.bytes_done + p.partial),
            left.map(|l| format!(" · {l}")).unwrap_or_default(),
        )
    };
    let summary = move || {
        state.version.track();
        state.data.with_value(|d| d.status_text())
    };
    let pct = move || {
        let p = state.progress.get();
        // Files are the measure across many files (their sizes are learnt as they
        // are read); within a single big archive, its bytes.
        if p.files_total > 1 {
            p.files_done as f64 * 100.0 / p.files_total as f64
        } else if p.bytes_total > 0 {
            (p.bytes_done + p.partial) as f64 * 100.0 / p.bytes_total as f64
        } else {
            0.0
        }
    };
    view! {
        <div class="progress" class:active=loading data-testid="progress">
            <Show when=loading>
                <div class="progress-track" aria-hidden="true">
                    <div class="progress-fill" style:transform=move || format!("scaleX({})", format::Fixed(pct() / 100.0, 3))></div>
                </div>
            </Show>
            <p class="small progress-text" role="status" aria-live="polite" data-testid="load-status">
                {move || if loading() { text() } else { summary() }}
            </p>
            <Show when=loading>
                <button type="button" class="btn small" data-testid="cancel-load" on:click=move |_| loader::cancel(state)>
                    "Cancel"
                </button>
            </Show>
        </div>
    }
}
