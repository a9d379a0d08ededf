//! The page rehearses merging before the first load (see
//! [`crate::engine::Rehearsal`]): half a second after it has shown itself,
//! it merges the warm-up samples' answers over and over for a tenth of a
//! second, in slices of a few milliseconds, and stops as soon as a load
//! begins. A person takes longer than that to pick files.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::loader::yield_now;
use super::state::AppState;
use crate::engine::Rehearsal;

/// How long after the page starts the rehearsal begins (ms).
const AFTER_MS: u32 = 500;

/// How long it lasts (ms).
const FOR_MS: f64 = 100.0;

/// Longest stretch of it in one task (ms).
const SLICE_MS: f64 = 8.0;

/// Starts the rehearsal; called once, by the app root.
pub fn when_idle(state: AppState) {
    spawn_local(async move {
        gloo::timers::future::TimeoutFuture::new(AFTER_MS).await;
        let idle = || state.pending.get_untracked() == 0 && state.data.with_value(|d| d.finished_files().is_empty());
        if !idle() {
            return;
        }
        let rehearsal = Rehearsal::new();
        let until = js_sys::Date::now() + FOR_MS;
        while idle() && js_sys::Date::now() < until {
            let slice_end = js_sys::Date::now() + SLICE_MS;
            while js_sys::Date::now() < slice_end {
                std::hint::black_box(rehearsal.round());
            }
            yield_now().await;
        }
    });
}
