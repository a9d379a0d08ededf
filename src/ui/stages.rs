//! The views catch up with the data in stages, one browser task each, so no
//! refresh holds the page for long.
//!
//! Mounting or re-rendering every view in one task took ~200 ms at a few
//! thousand reports (the longest task of a load). Instead each group of views
//! (a stage) shows a version of the data set of its own ([`Shown`]): when the
//! data changes, stage 0 (the totals) catches up first, then the next stage
//! (the findings) one task later, and so on; in the last round of a load, when
//! nothing else waits, short stages share a task ([`CHAIN_MS`]). A stage that
//! has never shown any data is not mounted at all, so the first refresh of a
//! load mounts the page piece by piece. Filter changes are not staged: every stage reads the active
//! filter directly, so a filter change is shown whole, in one go.
//!
//! The page says `ready` only once the last stage shows the end of the load
//! ([`AppState::phase`]).

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::loader::yield_now;
use super::state::{AppState, Shown, StageView};

/// How many stages the views are shown in.
pub const STAGES: usize = FILES + FILE_GROUPS;

/// The stage of the file list's first rows; each later group of rows a stage later.
pub const FILES: usize = 8;

/// The groups a page of the file list is mounted in.
pub const FILE_GROUPS: usize = 5;

/// The stages of the domain table's rows past its first 200, a part each
/// (inside the summary tables' stage: the three after it, whose own views
/// take a few milliseconds).
pub const DOMAIN_TAIL: [usize; 3] = [4, 5, 6];

/// The stage of the breakdowns by receiving and sending IP (inside the
/// breakdowns' own stage, one later).
pub const BY_ADDRESS: usize = 6;

/// The longest task a load's last round of stages may run in, as
/// foreseen: at its end the page has nothing else to do, and a stage that
/// waits for a task of its own costs another style and layout pass over
/// what the ones before added (~40 ms of a 100 ms last round at 6,620
/// reports). A stage follows the one before in the same task when the task
/// so far plus the round's longest stage stays under this.
const CHAIN_MS: f64 = 35.0;

/// Which stage the components inside a [`Stage`] belong to.
#[derive(Clone, Copy)]
struct StageIndex(usize);

/// The view of the stage the calling component belongs to (stage 0 outside
/// any [`Stage`]: the toolbar, the filters).
pub fn current() -> StageView {
    let state = expect_context::<AppState>();
    let i = use_context::<StageIndex>().map_or(0, |s| s.0);
    state.views[i.min(STAGES - 1)]
}

/// Mounts its children once stage `at` shows data, and tells them which
/// stage they belong to.
#[component]
pub fn Stage(at: usize, children: ChildrenFn) -> impl IntoView {
    let state = expect_context::<AppState>();
    let at = at.min(STAGES - 1);
    let shown = state.views[at].shown;
    // Not before this stage has shown a loaded file: the first stages to
    // show one must not mount the later ones along with them.
    let mounted = Memo::new(move |_| shown.get().files);
    move || {
        mounted.get().then(|| {
            provide_context(StageIndex(at));
            children()
        })
    }
}

/// Starts the stages catching up whenever the data set changes or a load
/// starts or ends. Called once, by the app root.
pub fn follow(state: AppState) {
    let running = StoredValue::new(false);
    Effect::new(move |_| {
        state.version.track();
        state.pending.track();
        if running.get_value() {
            return;
        }
        running.set_value(true);
        spawn_local(async move {
            catch_up(state).await;
            running.set_value(false);
        });
    });
}

/// What every stage should show now.
fn target(state: AppState) -> Shown {
    Shown {
        version: state.version.get_untracked(),
        loading: state.pending.get_untracked() > 0,
        files: state.files_at_bump.get_value(),
    }
}

/// Moves each stage to the current version, one task per stage, until all
/// show the newest (the data may change again while they catch up).
async fn catch_up(state: AppState) {
    // Not in the task that changed the data: at the end of a load that task
    // has merged and finished the last file, and the totals' stage after it
    // (~40 ms at 100,000 domains) made one task of over 50 ms.
    yield_now().await;
    loop {
        let mut moved = false;
        // One target per round: a later stage never shows newer data than an
        // earlier one (a file finishing mid-round would otherwise let the
        // later stages mount before the first, and all in its task).
        let to = target(state);
        if state.views[0].shown.get_untracked().version != to.version {
            // The totals' overview first, in a task of its own.
            state.prepare_overviews(to.version);
            yield_now().await;
        }
        let now = js_sys::Date::now;
        let (mut task_start, mut longest) = (now(), 0.0f64);
        for (i, shown) in state.views.map(|v| v.shown).into_iter().enumerate() {
            if shown.get_untracked() != to {
                let perf = window().performance();
                let name = format!("stage {i}");
                if let Some(p) = &perf {
                    let _ = p.mark(&name);
                }
                let started = now();
                shown.set(to);
                // Timed for the benchmark (a `stage N` measure per catch-up),
                // once the stage has rendered.
                leptos::task::tick().await;
                if let Some(p) = perf {
                    let _ = p.measure_with_start_mark(&name, &name);
                }
                moved = true;
                longest = longest.max(now() - started);
                // The stage renders in this task's microtasks; the next one
                // waits for a task of its own, unless the load is over and
                // the task stays short ([`CHAIN_MS`]).
                if to.loading || now() - task_start + longest > CHAIN_MS {
                    yield_now().await;
                    task_start = now();
                }
            }
        }
        if !moved {
            if !to.loading {
                focus_results_if_asked(state);
            }
            return;
        }
    }
}

/// Moves focus to the results once a load asked for it ("Try sample
/// reports") has been shown by every stage: earlier, the heading may not be
/// mounted yet.
fn focus_results_if_asked(state: AppState) {
    if state.focus_results.get_value() {
        state.focus_results.set_value(false);
        if let Some(el) =
            document().get_element_by_id("results").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    }
}
