//! One row per file given, with its status and, for problems, the reasons.

use leptos::prelude::*;

use super::stages::{Stage, FILES, FILE_GROUPS};
use super::state::AppState;
use super::tables::{range_text, Pager};
use crate::analysis::FileOutcome;
use crate::format;

/// File rows per page: every file of a typical drop shows at once, and a
/// mailbox-sized drop does not put tens of thousands of rows in the page.
const FILE_PAGE: usize = 500;

/// A page's rows are mounted in groups of this many, one stage each
/// (`stages::FILE_GROUPS` of them): 500 rows at once were a 75 ms task.
const GROUP: usize = FILE_PAGE / FILE_GROUPS;

/// The file list: its totals, a search box, and a page of rows.
#[component]
pub fn FileList() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage = super::stages::current();
    let page = RwSignal::new(0usize);
    let search = RwSignal::new(String::new());
    // Ids of the finished files whose name matches the search.
    let matching = Memo::new(move |_| {
        stage.shown.track();
        let needle = search.get().trim().to_lowercase();
        state.data.with_value(|d| {
            d.finished_files()
                .iter()
                .filter(|f| needle.is_empty() || f.name.to_lowercase().contains(&needle))
                .map(|f| f.id)
                .collect::<Vec<usize>>()
        })
    });
    let pages = move || matching.with(Vec::len).div_ceil(FILE_PAGE).max(1);
    // Memos: each group of rows reads the page's ids, and five attributes and
    // the header read the counts (a walk over every file).
    let ids = Memo::new(move |_| {
        let p = page.get().min(pages() - 1);
        matching.with(|m| m.iter().skip(p * FILE_PAGE).take(FILE_PAGE).copied().collect::<Vec<_>>())
    });
    let counts = Memo::new(move |_| {
        stage.shown.track();
        state.data.with_value(|d| (d.finished_files().len(), d.status_counts(), d.duplicate_count()))
    });
    let counts = move || counts.get();
    let page_label = move || range_text("files", page.get(), FILE_PAGE, matching.with(Vec::len));
    view! {
        <section class="panel" id="files" aria-labelledby="files-title" data-testid="file-list"
            data-total=move || counts().0.to_string()
            data-ok=move || counts().1[0].to_string()
            data-warning=move || counts().1[1].to_string()
            data-error=move || counts().1[2].to_string()>
            <div class="panel-head">
                <h2 id="files-title">"Files"</h2>
                <span class="muted small">
                    {move || {
                        let (n, [ok, warn, err], dups) = counts();
                        let mut s = format!("{} files: {} ok, {} with warnings, {} with errors", format::count(n as u64), ok, warn, err);
                        if dups > 0 {
                            let noun = if dups == 1 { "delivery" } else { "deliveries" };
                            s.push_str(&format!(" · {} duplicate {noun} skipped", format::count(dups as u64)));
                        }
                        s
                    }}
                </span>
            </div>
            <input
                type="search"
                class="file-search"
                data-testid="file-search"
                aria-label="Find a file by name"
                placeholder="Find a file by name"
                prop:value=move || search.get()
                on:input=move |ev| {
                    search.set(event_target_value(&ev));
                    page.set(0);
                }
            />
            // Folded to its summary when every file loaded cleanly.
            <details class="file-fold" prop:open=move || { let (_, [_, w, e], _) = counts(); w + e > 0 }>
                <summary class="small">{move || format!("Show the {} files", format::count(counts().0 as u64))}</summary>
                <ul class="file-list" role="list">
                    {(0..FILE_GROUPS)
                        .map(|g| {
                            let group = move || ids.with(|ids| ids.iter().skip(g * GROUP).take(GROUP).copied().collect::<Vec<_>>());
                            view! {
                                <Stage at=FILES + g>
                                    <For each=group key=|id| *id let:id>
                                        <FileRow outcome=state.data.with_value(|d| d.files()[id].clone()) />
                                    </For>
                                </Stage>
                            }
                        })
                        .collect_view()}
                </ul>
            </details>
            <Pager page=page pages=Signal::derive(pages) label="File list pages" text=Signal::derive(page_label) />
        </section>
    }
}

/// One file's row. Outcomes never change once recorded, so the row is static.
#[component]
fn FileRow(outcome: FileOutcome) -> impl IntoView {
    let status = outcome.status();
    let badge = status.as_str();
    let facts = outcome.facts();
    let mail = outcome.mail_line();
    let summary_line = outcome.summary_line();
    let has_details = !outcome.problems.is_empty() || !outcome.skipped.is_empty();
    let hidden = outcome.hidden_problems();
    let problems = outcome.problems.clone();
    let skipped = outcome.skipped.clone();
    view! {
        <li
            class=format!("file-row {badge}")
            data-testid="file-row"
            data-file=outcome.name.rsplit('/').next().unwrap_or_default().to_owned()
            data-path=outcome.name.clone()
            data-status=status.as_str()
            data-reports=outcome.reports.to_string()
        >
            <div class="file-main">
                <span class=format!("badge {badge}")>{badge}</span>
                <span class="file-name" title=outcome.name.clone()>{outcome.name.clone()}</span>
                <span class="muted small">{facts}</span>
            </div>
            {mail.map(|m| view! { <div class="file-mail small muted">{m}</div> })}
            {if has_details {
                let label = summary_line.unwrap_or_else(|| "Details".to_owned());
                // The list is built only when opened: a thousand rows of details would be
                // most of the page's DOM, and almost nobody opens them all.
                let opened = RwSignal::new(false);
                view! {
                    <details class="file-details" on:toggle=move |_| opened.set(true)>
                        <summary class=format!("file-reason {badge}")>{label}</summary>
                        <Show when=move || opened.get()>
                        <ul class="problems">
                            {problems
                                .clone()
                                .into_iter()
                                .map(|p| {
                                    let kind = if p.is_error { "error" } else { "warning" };
                                    let at = if p.origin.is_empty() { String::new() } else { format!("{} — ", p.origin) };
                                    view! {
                                        <li class=kind>
                                            <span class=format!("dot {kind}")></span>
                                            {at}
                                            {p.message}
                                        </li>
                                    }
                                })
                                .collect_view()}
                            {skipped
                                .clone()
                                .into_iter()
                                .map(|s| {
                                    view! {
                                        <li class="skipped">
                                            <span class="dot skipped"></span>
                                            {format!("{} — skipped: {}", s.origin, s.what)}
                                        </li>
                                    }
                                })
                                .collect_view()}
                            {(hidden > 0).then(|| view! { <li class="muted">{format!("… and {hidden} more")}</li> })}
                        </ul>
                        </Show>
                    </details>
                }
                    .into_any()
            } else {
                summary_line.map(|s| view! { <div class=format!("file-reason {badge}")>{s}</div> }).into_any()
            }}
        </li>
    }
}
