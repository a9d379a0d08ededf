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
mod loader;
mod panic;
mod progress;
mod setup_check;
mod state;
mod tables;
mod theme;
mod timeline;
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
    view! {
        <nav class="section-nav" aria-label="Sections">
            {SECTIONS
                .iter()
                .map(|(id, label)| view! { <a href=format!("#{id}") on:click=move |ev| jump(ev, id)>{*label}</a> })
                .collect_view()}
        </nav>
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
    filters::sync_hash(state);
    let has_data = move || state.file_count() > 0;
    view! {
        <div class="app" data-testid="app" data-state=move || state.phase().as_str() data-engine=move || state.engine.get().as_str()>
            <header class="topbar">
                <div class="brand">
                    <svg class="logo" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                        <rect x="4" y="10" width="16" height="11" rx="2.5" fill="currentColor" />
                        <path d="M8 10V7.5a4 4 0 0 1 8 0V10" fill="none" stroke="currentColor" stroke-width="2.2" />
                    </svg>
                    <span class="title">"TLS-RPT Viewer"</span>
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
                    <kpis::KpiStrip />
                    <findings::FindingsPanel />
                    <timeline::Timeline />
                    <tables::SummaryTables />
                    <breakdowns::Explanations />
                    <breakdowns::Breakdowns />
                    <tables::FailureTable />
                    <inspector::Inspector />
                    <file_list::FileList />
                </Show>
                <setup_check::SetupCheck />
            </main>
            <footer class="footer">
                "Reads SMTP TLS reports (RFC 8460): .json, .json.gz, .zip, .eml and .mbox. Open source."
            </footer>
        </div>
    }
}
