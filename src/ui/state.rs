//! The page's state: the loaded data set, load progress, and what is derived from them.

use std::sync::Arc;

use leptos::prelude::*;

use super::loader::Source;
use super::stages::STAGES;
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

impl Snapshot {
    /// The filter this overview is under.
    pub fn filter(&self) -> &Filter {
        &self.filter
    }
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
    /// Set when focus should move to the results once every stage shows the
    /// end of the load (the control that started it is gone).
    pub focus_results: StoredValue<bool>,
    /// Whether the findings are still being judged (in slices, after a
    /// load ends): the page is ready only once they are shown.
    pub judging: RwSignal<bool>,
    /// The running driver's mailbox: Cancel posts to it, so a driver waiting on
    /// the workers or its reads looks up at once.
    pub mailbox: StoredValue<Option<Mailbox>, LocalStorage>,
    /// Progress of the current load.
    pub progress: RwSignal<Progress>,
    /// Whether any file had been loaded whole when the data set last
    /// changed ([`AppState::bump`]): the views mount then, not as soon as a
    /// first file is in (mounting them early only to refresh them soon
    /// after cost a short load a fifth of its time).
    pub files_at_bump: StoredValue<bool>,
    /// The active filters; everything shown derives from them and `data`.
    pub filter: RwSignal<Filter>,
    /// Each stage of the views: what it shows, and its overviews (see
    /// [`super::stages`]).
    pub views: [StageView; STAGES],
    /// The overviews the stages computed, shared between them.
    overviews: Cache,
}

/// The data version a stage of the views shows, and whether a load was
/// running when that stage last caught up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shown {
    /// The data set's version.
    pub version: u64,
    /// Whether files were still being read.
    pub loading: bool,
    /// Whether any file had been loaded whole.
    pub files: bool,
}

/// What the components of one stage read: the version it shows, and the
/// overviews for that version (unfiltered, and under the active filters).
#[derive(Clone, Copy)]
pub struct StageView {
    /// The version and load state this stage shows.
    pub shown: RwSignal<Shown>,
    /// The overview of everything loaded, unfiltered (filter choices come from it).
    pub all: Memo<Snapshot>,
    /// The overview under the active filters.
    pub snapshot: Memo<Snapshot>,
}

/// The last overviews computed, shared by the stages: when a later stage
/// catches up to a version an earlier one computed, it reuses that overview.
type Cache = StoredValue<Vec<Snapshot>, LocalStorage>;

/// The overview of `data` at `version` under `filter`, from the cache when
/// an earlier stage computed it.
fn overview_at(data: StoredValue<Dataset, LocalStorage>, cache: Cache, version: u64, filter: Filter) -> Snapshot {
    let hit = cache.with_value(|c| c.iter().find(|s| s.version == version && s.filter == filter).cloned());
    if let Some(hit) = hit {
        return hit;
    }
    let overview = Arc::new(data.with_value(|d| Overview::filtered(d, &filter)));
    let snap = Snapshot { version, filter, overview };
    cache.update_value(|c| {
        // Two versions (stages catching up) times filtered and unfiltered.
        if c.len() >= 4 {
            c.remove(0);
        }
        c.push(snap.clone());
    });
    snap
}

impl StageView {
    fn new(data: StoredValue<Dataset, LocalStorage>, cache: Cache, filter: RwSignal<Filter>) -> StageView {
        let shown = RwSignal::new(Shown::default());
        let all = Memo::new(move |_| overview_at(data, cache, shown.get().version, Filter::default()));
        // Filters apply to every stage at once: a filter change is shown whole.
        let snapshot = Memo::new(move |_| {
            let f = filter.get();
            if !f.is_active() {
                return all.get();
            }
            overview_at(data, cache, shown.get().version, f)
        });
        StageView { shown, all, snapshot }
    }
}

impl AppState {
    /// Fresh state with nothing loaded.
    pub fn new() -> AppState {
        let data = StoredValue::new_local(Dataset::new());
        let version = RwSignal::new(0u64);
        let filter = RwSignal::new(Filter::default());
        let cache: Cache = StoredValue::new_local(Vec::new());
        let views: [StageView; STAGES] = std::array::from_fn(|_| StageView::new(data, cache, filter));
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
            mailbox: StoredValue::new_local(None),
            focus_results: StoredValue::new(false),
            judging: RwSignal::new(false),
            progress: RwSignal::new(Progress::default()),
            files_at_bump: StoredValue::new(false),
            filter,
            views,
            overviews: cache,
        }
    }

    /// Computes the overviews of data version `version` (unfiltered, and
    /// under the active filter) before the stages show it: at 100,000
    /// domains that is ~40 ms, better a task of its own than a part of the
    /// totals' stage.
    pub fn prepare_overviews(&self, version: u64) {
        overview_at(self.data, self.overviews, version, Filter::default());
        let filter = self.filter.get_untracked();
        if filter.is_active() {
            overview_at(self.data, self.overviews, version, filter);
        }
    }

    /// The page phase, derived from what is loaded and what is pending.
    pub fn phase(&self) -> Phase {
        // Loading until the last stage of the views shows the end of the load.
        let last = self.views[STAGES - 1].shown.get();
        if self.pending.get() > 0 || last.loading || last.version != self.version.get() || self.judging.get() {
            Phase::Loading
        } else if self.data.with_value(|d| d.finished_files().is_empty()) && self.version.get() == 0 {
            Phase::Idle
        } else {
            Phase::Ready
        }
    }

    /// Marks the data set as changed.
    pub fn bump(&self) {
        self.files_at_bump.set_value(self.data.with_value(|d| !d.finished_files().is_empty()));
        self.version.update(|v| *v += 1);
    }

    /// Whether stage `stage` of the views shows any loaded file.
    pub fn has_data(&self, stage: usize) -> bool {
        self.views[stage].shown.get().files
    }
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new()
    }
}
