//! The progress bar while files load.

use leptos::prelude::*;

use super::state::AppState;
use crate::format;

/// Files and bytes done, and what is left; shown only while loading.
#[component]
pub fn ProgressBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let loading = move || state.pending.get() > 0;
    let text = move || {
        let p = state.progress.get();
        format!(
            "{} of {} files · {} read · {} files left",
            format::count(p.files_done as u64),
            format::count(p.files_total as u64),
            format::bytes(p.bytes_done + p.partial),
            format::count(p.files_total.saturating_sub(p.files_done) as u64)
        )
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
        <Show when=loading>
            <div class="progress" data-testid="progress" role="status">
                <div class="progress-track">
                    <div class="progress-fill" style:width=move || format!("{:.1}%", pct())></div>
                </div>
                <span class="small">{text}</span>
            </div>
        </Show>
    }
}
