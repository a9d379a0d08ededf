//! One row per file given, with its status and, for problems, the reasons.

use leptos::prelude::*;

use wasm_bindgen::JsCast;

use super::rows::begin_dot_item;
use super::stages::{FILES, FILE_GROUPS};
use super::state::AppState;
use super::tables::{range_text, Pager};
use crate::analysis::FileOutcome;
use crate::format;
use crate::markup::Markup;
use crate::text::lowercase;

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
        let needle = search.with(|s| lowercase(s.trim()).into_owned());
        state.data.with_value(|d| {
            d.finished_files()
                .iter()
                .filter(|f| needle.is_empty() || lowercase(&f.name).contains(&needle))
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
    let list = NodeRef::<leptos::html::Ul>::new();
    for g in 0..FILE_GROUPS {
        // Group g's rows, once its stage has shown a loaded file (the first
        // stages to show one must not write every row along with them).
        let slice = Memo::new(move |_| {
            if !state.views[FILES + g].shown.with(|s| s.files) {
                return Vec::new();
            }
            ids.with(|ids| ids.iter().skip(g * GROUP).take(GROUP).copied().collect::<Vec<usize>>())
        });
        Effect::new(move |_| {
            let html =
                slice.with(|ids| state.data.with_value(|d| group_markup(g, ids.iter().map(|&id| &d.files()[id]))));
            if let Some(list) = list.get() {
                replace_group(&list, g, &html);
            }
        });
    }
    // A file's details list its problems once opened: built for every row,
    // they would be most of the page's nodes, and almost nobody opens them
    // all. A click on the summary comes before the details open.
    let open_details = move |ev: leptos::ev::MouseEvent| {
        let Some(details) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("summary").ok().flatten()?.closest("details[data-details]").ok().flatten())
        else {
            return;
        };
        let Some(id) = details.get_attribute("data-details").and_then(|v| v.parse::<usize>().ok()) else { return };
        details.remove_attribute("data-details").ok();
        let html = state.data.with_value(|d| d.files().get(id).map(problems_markup)).unwrap_or_default();
        if let Ok(Some(ul)) = details.query_selector("ul.problems") {
            ul.set_inner_html(&html);
        }
    };
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
                <ul class="file-list" role="list" node_ref=list on:click=open_details></ul>
            </details>
            <Pager page=page pages=Signal::derive(pages) label="File list pages" text=Signal::derive(page_label) />
        </section>
    }
}

/// The rows of group `g` of a page (files in order), as markup.
fn group_markup<'a>(g: usize, files: impl Iterator<Item = &'a FileOutcome>) -> String {
    let mut m = Markup::new();
    for f in files {
        file_row(&mut m, g, f);
    }
    m.into_string()
}

/// Puts group `g`'s rows in the list, in place of its old ones: before the
/// first row of a later group, or at the end. (One list, so a screen reader
/// hears one list of files however its rows came in.)
fn replace_group(list: &web_sys::Element, g: usize, html: &str) {
    let rows = |h: usize| list.query_selector_all(&format!(":scope > li[data-group=\"{h}\"]")).ok();
    if let Some(old) = rows(g) {
        for i in 0..old.length() {
            if let Some(el) = old.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                el.remove();
            }
        }
    }
    if html.is_empty() {
        return;
    }
    let next = (g + 1..FILE_GROUPS).find_map(|h| rows(h).and_then(|r| r.item(0)));
    let _ = match next.and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
        Some(next) => next.insert_adjacent_html("beforebegin", html),
        None => list.insert_adjacent_html("beforeend", html),
    };
}

/// One file's row (outcomes never change once recorded). Its details, when
/// it has any, carry the file's id and an empty list ([`problems_markup`]
/// fills it when opened).
fn file_row(m: &mut Markup, g: usize, o: &FileOutcome) {
    let badge = o.status().as_str();
    let row_class = format!("file-row {badge}");
    m.begin("li")
        .attr("class", &row_class)
        .attr("data-testid", "file-row")
        .attr("data-file", o.name.rsplit('/').next().unwrap_or_default())
        .attr("data-path", &o.name)
        .attr("data-status", badge)
        .num_attr("data-reports", o.reports)
        .num_attr("data-group", g)
        .end_open();
    m.open("div", &[("class", Some("file-main"))]);
    m.cell("span", Some(&format!("badge {badge}")), badge);
    m.open("span", &[("class", Some("file-name")), ("title", Some(&o.name))]).text(&o.name).close("span");
    m.cell("span", Some("muted small"), &o.facts()).close("div");
    if let Some(mail) = o.mail_line() {
        m.cell("div", Some("file-mail small muted"), &mail);
    }
    let reason_class = format!("file-reason {badge}");
    let summary = o.summary_line();
    if !o.problems.is_empty() || !o.skipped.is_empty() {
        m.begin("details").attr("class", "file-details").num_attr("data-details", o.id).end_open();
        m.cell("summary", Some(&reason_class), summary.as_deref().unwrap_or("Details"));
        m.open("ul", &[("class", Some("problems"))]).close("ul").close("details");
    } else if let Some(s) = summary {
        m.cell("div", Some(&reason_class), &s);
    }
    m.close("li");
}

/// The items of a file's details: its problems, what was skipped, and how
/// many more problems there were than are kept.
fn problems_markup(o: &FileOutcome) -> String {
    let mut m = Markup::new();
    for p in &o.problems {
        begin_dot_item(&mut m, if p.is_error { "error" } else { "warning" });
        if !p.origin.is_empty() {
            m.text(&p.origin).text(" — ");
        }
        m.text(&p.message).close("li");
    }
    for s in &o.skipped {
        begin_dot_item(&mut m, "skipped").text(&format!("{} — skipped: {}", s.origin, s.what)).close("li");
    }
    let hidden = o.hidden_problems();
    if hidden > 0 {
        m.cell("li", Some("muted"), &format!("… and {hidden} more"));
    }
    m.into_string()
}
