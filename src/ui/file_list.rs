//! One row per file given, with its status and, for problems, the reasons.

use leptos::prelude::*;

use super::state::AppState;
use super::tables::Pager;
use crate::analysis::{FileOutcome, Status};
use crate::format;

/// File rows per page: every file of a typical drop shows at once, and a
/// mailbox-sized drop does not put tens of thousands of rows in the page.
const FILE_PAGE: usize = 1000;

/// The file list.
#[component]
pub fn FileList() -> impl IntoView {
    let state = expect_context::<AppState>();
    let page = RwSignal::new(0usize);
    let pages = move || state.file_count().div_ceil(FILE_PAGE).max(1);
    let ids = move || {
        let n = state.file_count();
        let p = page.get().min(pages() - 1);
        p * FILE_PAGE..n.min((p + 1) * FILE_PAGE)
    };
    let counts = move || {
        state.version.track();
        state.data.with_value(|d| {
            let mut by = [0usize; 3];
            for f in d.finished_files() {
                by[f.status() as usize] += 1;
            }
            (d.finished_files().len(), by, d.duplicate_count())
        })
    };
    view! {
        <section class="panel" aria-labelledby="files-title">
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
            <ul class="file-list" role="list">
                <For each=ids key=|id| *id let:id>
                    <FileRow outcome=state.data.with_value(|d| d.files()[id].clone()) />
                </For>
            </ul>
            <Pager page=page pages=Signal::derive(pages) label="File list pages" text=Signal::derive(move || format!("files {}–{} of {}", ids().start + 1, ids().end, format::count(state.file_count() as u64))) />
        </section>
    }
}

/// One file's row. Outcomes never change once recorded, so the row is static.
#[component]
fn FileRow(outcome: FileOutcome) -> impl IntoView {
    let status = outcome.status();
    let badge = match status {
        Status::Ok => "ok",
        Status::Warning => "warning",
        Status::Error => "error",
    };
    let mut facts = vec![format::bytes(outcome.size as u64)];
    if let Some(f) = outcome.format {
        facts.push(f.name().to_owned());
    }
    facts.push(match outcome.reports {
        1 => "1 report".to_owned(),
        n => format!("{} reports", format::count(n as u64)),
    });
    if outcome.duplicates > 0 {
        facts.push(format!("{} already loaded (skipped)", format::count(outcome.duplicates as u64)));
    }
    if !outcome.skipped.is_empty() {
        facts.push(format!("{} parts without a report", outcome.skipped.len()));
    }
    let mail = outcome.mail.clone().map(|m| {
        let mut bits = Vec::new();
        if let Some(s) = m.subject {
            bits.push(format!("Subject: {s}"));
        }
        if let Some(d) = m.report_domain {
            bits.push(format!("TLS-Report-Domain: {d}"));
        }
        if let Some(s) = m.report_submitter {
            bits.push(format!("TLS-Report-Submitter: {s}"));
        }
        bits.join(" · ")
    });
    let summary_line = match status {
        Status::Error => outcome.reason(),
        Status::Warning => Some(match (outcome.error_count, outcome.warning_count) {
            (0, w) => format!("{w} warning{}", if w == 1 { "" } else { "s" }),
            (e, w) => format!(
                "{e} part{} unreadable, {w} warning{}",
                if e == 1 { "" } else { "s" },
                if w == 1 { "" } else { "s" }
            ),
        }),
        Status::Ok => None,
    };
    let has_details = !outcome.problems.is_empty() || !outcome.skipped.is_empty();
    let hidden = (outcome.error_count + outcome.warning_count).saturating_sub(outcome.problems.len());
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
                <span class="muted small">{facts.join(" · ")}</span>
            </div>
            {mail.filter(|m| !m.is_empty()).map(|m| view! { <div class="file-mail small muted">{m}</div> })}
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
