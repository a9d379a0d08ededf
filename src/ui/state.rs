//! The page's state: the loaded data set, load progress, and what is derived from them.

use std::sync::Arc;

use leptos::prelude::*;

use super::loader::Source;
use super::workers::{Mailbox, PoolSlot};
use crate::analysis::{Dataset, Filter, Overview};
use crate::engine::LoadQueue;

/// Where the page is in its life, as `data-state` on the app root shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Nothing loaded yet.
    Idle,
    /// Files are being read.
    Loading,
    /// Everything given so far is loaded and shown.
    Ready,
}

impl Phase {
    /// The `data-state` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Loading => "loading",
            Phase::Ready => "ready",
        }
    }
}

/// Where files are read, as `data-engine` on the app root shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// In Web Workers; the page only merges and renders.
    Workers,
    /// On the page's main thread, in time slices (workers could not start).
    MainThread,
}

impl Engine {
    /// The `data-engine` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Workers => "workers",
            Engine::MainThread => "main-thread",
        }
    }
}

/// How far a load has got.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// Files finished.
    pub files_done: usize,
    /// Files given in all (across overlapping drops).
    pub files_total: usize,
    /// Bytes finished.
    pub bytes_done: u64,
    /// Bytes given in all.
    pub bytes_total: u64,
    /// Bytes done of the file being read now (a big archive, read in steps).
    pub partial: u64,
    /// When this load began (ms since the epoch), for the time left.
    pub started_ms: f64,
}

/// The overview for one version of the data set and one filter. Compared by
/// those only, so the memo never compares every row to see what changed.
#[derive(Clone)]
pub struct Snapshot {
    version: u64,
    filter: Filter,
    /// The aggregated views.
    pub overview: Arc<Overview>,
}

impl PartialEq for Snapshot {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && self.filter == other.filter
    }
}

/// All page state. `Copy`: every field is an arena handle.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The data set. Local storage: it holds `Rc`s and never leaves the main thread.
    pub data: StoredValue<Dataset, LocalStorage>,
    /// Bumped whenever `data` changes; everything shown derives from it.
    pub version: RwSignal<u64>,
    /// Work still running: the load driver and folder walks.
    pub pending: RwSignal<usize>,
    /// Files waiting to be loaded: the one queue every load goes through.
    pub queue: StoredValue<LoadQueue<Source>, LocalStorage>,
    /// Set by Cancel; the driver stops reading and clears it when it ends.
    pub cancelled: StoredValue<bool>,
    /// Pastes so far, to number pasted files even while they wait in the queue.
    pub pastes: StoredValue<usize>,
    /// Files Cancel took out of the queue; the driver gives them rows when it stops.
    pub dropped: StoredValue<Vec<Source>, LocalStorage>,
    /// Where files are read.
    pub engine: RwSignal<Engine>,
    /// The ingest workers (started with the page).
    pub pool: StoredValue<PoolSlot, LocalStorage>,
    /// Set when focus should move to the results once a load ends (the
    /// control that started it is gone).
    pub focus_results: StoredValue<bool>,
    /// Wakes the driver while it waits on the workers or its reads (for Cancel).
    pub interrupter: StoredValue<Option<Mailbox>, LocalStorage>,
    /// Progress of the current load.
    pub progress: RwSignal<Progress>,
    /// The active filters; everything shown derives from them and `data`.
    pub filter: RwSignal<Filter>,
    /// The overview of everything loaded, unfiltered (filter choices come from it).
    pub all: Memo<Snapshot>,
    /// The overview under the active filters.
    pub snapshot: Memo<Snapshot>,
}

impl AppState {
    /// Fresh state with nothing loaded.
    pub fn new() -> AppState {
        let data = StoredValue::new_local(Dataset::new());
        let version = RwSignal::new(0u64);
        let filter = RwSignal::new(Filter::default());
        let all = Memo::new(move |_| {
            let v = version.get();
            Snapshot { version: v, filter: Filter::default(), overview: Arc::new(data.with_value(Overview::compute)) }
        });
        let snapshot = Memo::new(move |_| {
            let f = filter.get();
            if !f.is_active() {
                return all.get();
            }
            let v = version.get();
            let overview = Arc::new(data.with_value(|d| Overview::filtered(d, &f)));
            Snapshot { version: v, filter: f, overview }
        });
        AppState {
            data,
            version,
            pending: RwSignal::new(0),
            queue: StoredValue::new_local(LoadQueue::new()),
            cancelled: StoredValue::new(false),
            pastes: StoredValue::new(0),
            dropped: StoredValue::new_local(Vec::new()),
            engine: RwSignal::new(if super::workers::supported() { Engine::Workers } else { Engine::MainThread }),
            pool: StoredValue::new_local(PoolSlot::Unavailable),
            interrupter: StoredValue::new_local(None),
            focus_results: StoredValue::new(false),
            progress: RwSignal::new(Progress::default()),
            filter,
            all,
            snapshot,
        }
    }

    /// The page phase, derived from what is loaded and what is pending.
    pub fn phase(&self) -> Phase {
        if self.pending.get() > 0 {
            Phase::Loading
        } else if self.data.with_value(|d| d.finished_files().is_empty()) && self.version.get() == 0 {
            Phase::Idle
        } else {
            Phase::Ready
        }
    }

    /// Marks the data set as changed.
    pub fn bump(&self) {
        self.version.update(|v| *v += 1);
    }

    /// Files loaded so far.
    pub fn file_count(&self) -> usize {
        self.version.track();
        self.data.with_value(|d| d.finished_files().len())
    }
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new()
    }
}
