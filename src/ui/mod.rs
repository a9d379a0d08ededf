//! The page: small components that call into the pure logic. Views hold no
//! business logic; they render what `analysis` derived.

mod breakdowns;
mod drop_zone;
mod export;
mod file_list;
mod filters;
mod findings;
mod folders;
mod inspector;
mod intro;
mod kpis;
mod lane;
mod launch;
mod loader;
mod panic;
mod progress;
mod rehearse;
mod rows;
mod setup_check;
mod stages;
mod state;
mod tables;
mod theme;
mod timeline;
mod worker_load;
mod workers;

use leptos::prelude::*;

pub use panic::install_panic_hook;
use state::AppState;

/// The sections, one click away; sticky, and the filters stay as they are.
#[component]
fn SectionNav() -> impl IntoView {
    const SECTIONS: [(&str, &str); 9] = [
        ("findings", "Findings"),
        ("timeline", "Timeline"),
        ("domains", "Domains"),
        ("orgs", "Organizations"),
        ("failures", "Failures"),
        ("infrastructure", "Infrastructure"),
        ("reports", "Reports"),
        ("files", "Files"),
        ("setup", "Setup"),
    ];
    // One Tab stop; the arrow keys move between the links (a roving tabindex).
    let current = RwSignal::new(0usize);
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let n = SECTIONS.len();
        let to = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => (current.get_untracked() + 1) % n,
            "ArrowLeft" | "ArrowUp" => (current.get_untracked() + n - 1) % n,
            "Home" => 0,
            "End" => n - 1,
            _ => return,
        };
        ev.prevent_default();
        current.set(to);
        if let Some(a) = document().get_element_by_id(&format!("nav-{}", SECTIONS[to].0)) {
            if let Ok(a) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(a) {
                let _ = a.focus();
            }
        }
    };
    view! {
        <nav class="section-nav" aria-label="Sections (arrow keys move between them)" on:keydown=on_key>
            {SECTIONS
                .iter()
                .enumerate()
                .map(|(i, (id, label))| {
                    view! {
                        <a
                            href=format!("#{id}")
                            id=format!("nav-{id}")
                            tabindex=move || if current.get() == i { "0" } else { "-1" }
                            on:click=move |ev| {
                                current.set(i);
                                jump(ev, id)
                            }
                        >
                            {*label}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// Moves focus to the results (or to the drop zone before any are loaded).
fn skip_to_results(ev: leptos::ev::MouseEvent) {
    ev.prevent_default();
    let doc = document();
    let target = doc
        .get_element_by_id("results")
        .or_else(|| doc.query_selector("[data-testid=\"drop-zone\"] input").ok().flatten());
    if let Some(el) = target.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
        let _ = el.focus();
        el.scroll_into_view();
    }
}

/// Scrolls to a section without touching the URL hash (it holds the filters).
fn jump(ev: leptos::ev::MouseEvent, id: &str) {
    ev.prevent_default();
    if let Some(el) = document().get_element_by_id(id) {
        el.scroll_into_view();
    }
}

/// The application root.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    workers::start_with_page(state.pool);
    launch::consume(state);
    filters::sync_hash(state);
    stages::follow(state);
    rehearse::when_idle(state);
    // Results appear with the first stage of the views (see `stages`).
    let has_data = move || state.has_data(0);
    view! {
        <a class="skip-link" href="#results" on:click=skip_to_results>"Skip to results"</a>
        <div class="app" data-testid="app" data-state=move || state.phase().as_str() data-engine=move || state.engine.get().as_str()>
            <header class="topbar">
                <div class="brand">
                    <svg class="logo" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                        <rect x="4" y="10" width="16" height="11" rx="2.5" fill="currentColor" />
                        <path d="M8 10V7.5a4 4 0 0 1 8 0V10" fill="none" stroke="currentColor" stroke-width="2.2" />
                    </svg>
                    // The page's one h1 once the introduction (with its own h1) is gone.
                    {move || if has_data() {
                        view! { <h1 class="title">"TLS-RPT Viewer"</h1> }.into_any()
                    } else {
                        view! { <span class="title">"TLS-RPT Viewer"</span> }.into_any()
                    }}
                </div>
                <div class="topbar-right">
                    <p class="privacy">"Runs entirely in your browser: no file leaves this machine, nothing is stored."</p>
                    <theme::ThemeToggle />
                </div>
            </header>
            <main>
                <Show when=move || !has_data()>
                    <intro::Intro />
                </Show>
                <drop_zone::DropZone compact=Signal::derive(has_data) />
                <progress::ProgressBar />
                <Show when=has_data>
                    <SectionNav />
                    <div class="toolbar">
                        <filters::FilterBar />
                        <export::ExportBar />
                    </div>
                    <h2 id="results" class="visually-hidden" tabindex="-1">"Results"</h2>
                    // Mounted and refreshed one stage per browser task, most important first.
                    <stages::Stage at=0>
                        <kpis::KpiStrip />
                    </stages::Stage>
                    <stages::Stage at=1>
                        <findings::FindingsPanel />
                    </stages::Stage>
                    <stages::Stage at=2>
                        <timeline::Timeline />
                    </stages::Stage>
                    <stages::Stage at=3>
                        <tables::SummaryTables />
                    </stages::Stage>
                    <stages::Stage at=4>
                        <breakdowns::Explanations />
                    </stages::Stage>
                    <stages::Stage at=5>
                        <breakdowns::Breakdowns />
                    </stages::Stage>
                    // Stage 6: the breakdowns by address (stages::BY_ADDRESS).
                    <stages::Stage at=7>
                        <tables::FailureTable />
                    </stages::Stage>
                    // The file list's later rows come in the stages after (see file_list).
                    <stages::Stage at=stages::FILES>
                        <inspector::Inspector />
                        <file_list::FileList />
                    </stages::Stage>
                </Show>
                <setup_check::SetupCheck />
            </main>
            <footer class="footer">
                "Reads SMTP TLS reports (RFC 8460): .json, .json.gz, .zip, .tar.gz, .eml, .msg and .mbox. Open source."
            </footer>
        </div>
    }
}
