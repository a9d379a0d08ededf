//! The summary tables (domains, organizations, result types) and the flat
//! failure-details table. Each sorts by any column.

use leptos::prelude::*;

use super::state::AppState;
use crate::analysis::table::{top_indices, SortState, Sortable};
use crate::analysis::FilterField;
use crate::format;

/// A sortable column header.
#[component]
pub(super) fn SortHeader(
    label: &'static str,
    column: &'static str,
    sort: RwSignal<SortState>,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    let aria = move || {
        let s = sort.get();
        if s.column != column {
            "none"
        } else if s.descending {
            "descending"
        } else {
            "ascending"
        }
    };
    let arrow = move || match aria() {
        "descending" => "▼",
        "ascending" => "▲",
        _ => "",
    };
    view! {
        <th scope="col" class:num=numeric aria-sort=aria>
            <button type="button" class="sort" on:click=move |_| sort.update(|s| *s = s.clicked(column, numeric))>
                {label}<span class="arrow" aria-hidden="true">{arrow}</span>
            </button>
        </th>
    }
}

/// Previous/next buttons for a paged list, shown only when there is more than one page.
#[component]
pub(super) fn Pager(
    page: RwSignal<usize>,
    #[prop(into)] pages: Signal<usize>,
    label: &'static str,
    #[prop(into)] text: Signal<String>,
) -> impl IntoView {
    let many = move || pages.get() > 1;
    let prev_ref = NodeRef::<leptos::html::Button>::new();
    let next_ref = NodeRef::<leptos::html::Button>::new();
    view! {
        <Show when=many>
            <nav class="pager" aria-label=label>
                <button
                    type="button"
                    class="btn small"
                    node_ref=prev_ref
                    disabled=move || page.get() == 0
                    on:click=move |_| {
                        page.update(|p| *p = p.saturating_sub(1));
                        // A button that disables itself would drop focus to the page.
                        if page.get_untracked() == 0 {
                            if let Some(b) = next_ref.get_untracked() {
                                let _ = b.focus();
                            }
                        }
                    }
                >
                    "‹ Previous"
                </button>
                <span class="small" aria-live="polite">{move || text.get()}</span>
                <button
                    type="button"
                    class="btn small"
                    node_ref=next_ref
                    disabled=move || { page.get() + 1 >= pages.get() }
                    on:click=move |_| {
                        page.update(|p| *p += 1);
                        if page.get_untracked() + 1 >= pages.get_untracked() {
                            if let Some(b) = prev_ref.get_untracked() {
                                let _ = b.focus();
                            }
                        }
                    }
                >
                    "Next ›"
                </button>
            </nav>
        </Show>
    }
}

/// "page 2 of 7", clamped like the lists themselves.
pub(super) fn page_text(page: usize, pages: usize) -> String {
    format!("page {} of {}", page.min(pages.saturating_sub(1)) + 1, pages)
}

/// Rows of one overview table, in the order `sort` asks for, at most
/// [`MAX_ROWS`]. Rows past [`FIRST_ROWS`] stay in the page, hidden by CSS
/// until "Show all", so every row's hooks are there.
fn sorted<T: Sortable + Clone>(rows: &[T], sort: &SortState) -> Vec<T> {
    top_indices(rows, sort, MAX_ROWS).into_iter().map(|i| rows[i].clone()).collect()
}

/// Rows a table shows before "Show all".
pub(super) const FIRST_ROWS: usize = 10;

/// Rows a table holds at most (a hosting provider's 100,000 domains are
/// narrowed with the filters and read in full through the exports).
pub(super) const MAX_ROWS: usize = 2000;

/// "Show all (N)" under a table longer than [`FIRST_ROWS`].
#[component]
pub(super) fn ShowAll(expanded: RwSignal<bool>, #[prop(into)] total: Signal<usize>) -> impl IntoView {
    view! {
        <Show when=move || { total.get() > FIRST_ROWS }>
            <button
                type="button"
                class="btn small show-all"
                aria-expanded=move || expanded.get().to_string()
                on:click=move |_| expanded.update(|e| *e = !*e)
            >
                {move || match (expanded.get(), total.get()) {
                    (true, _) => "Show fewer".to_owned(),
                    (false, n) if n > MAX_ROWS => format!("Show the first {} of {}", format::count(MAX_ROWS as u64), format::count(n as u64)),
                    (false, n) => format!("Show all ({})", format::count(n as u64)),
                }}
            </button>
        </Show>
    }
}

/// A domain's daily failure rate as a small line (0 at the bottom, 100 % at the top).
fn sparkline(daily: &[(crate::report::datetime::Day, crate::analysis::Totals)]) -> impl IntoView {
    let (Some(first), Some(last)) = (daily.first(), daily.last()) else { return None };
    let span = (last.0 .0 - first.0 .0).max(1) as f64;
    let points: Vec<String> = daily
        .iter()
        .filter_map(|(d, t)| {
            let r = t.failure_rate()?;
            Some(format!("{:.1},{:.1}", (d.0 - first.0 .0) as f64 / span * 60.0, 14.0 - r * 12.0))
        })
        .collect();
    Some(view! {
        <svg class="spark" viewBox="0 0 60 16" width="60" height="16" aria-hidden="true">
            <line x1="0" y1="14" x2="60" y2="14" class="spark-base"></line>
            <polyline points=points.join(" ") class="spark-line"></polyline>
        </svg>
    })
}

/// A bar showing a share of the largest value in its column. The maximum
/// is a signal: when it changes, rows that stay mounted redraw their bar.
pub(super) fn bar(value: u128, max: Signal<u128>, tone: &'static str) -> impl IntoView {
    let width = move || {
        let max = max.get();
        let pct = if max > 0 { value as f64 * 100.0 / max as f64 } else { 0.0 };
        format!("{pct:.1}%")
    };
    view! { <span class=format!("bar {tone}") aria-hidden="true"><span style:width=width></span></span> }
}

/// A table row that selects a filter value: a click, Enter or Space toggles
/// it, and its state is announced. Attributes given after `{..}` (the test
/// hooks) land on the `<tr>`.
#[component]
pub(super) fn SelectRow(
    #[prop(into)] selected: Signal<bool>,
    #[prop(into)] on_toggle: Callback<()>,
    /// Identifies the row across re-renders, so focus can return to it.
    #[prop(into)]
    row_key: String,
    children: Children,
) -> impl IntoView {
    let key = row_key.clone();
    let toggle = move || {
        on_toggle.run(());
        refocus_row(key.clone());
    };
    let toggle_key = toggle.clone();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" || ev.key() == " " {
            // Space would scroll the page.
            ev.prevent_default();
            toggle_key();
        }
    };
    view! {
        <tr
            class="clickable"
            class:selected=move || selected.get()
            tabindex="0"
            aria-selected=move || if selected.get() { "true" } else { "false" }
            data-row-key=row_key
            on:click=move |_| toggle()
            on:keydown=on_key
        >
            {children()}
        </tr>
    }
}

/// Moves focus back to the row with this key once the views have re-rendered
/// (a filter change re-creates rows, which would drop focus to the page).
fn refocus_row(key: String) {
    leptos::task::spawn_local(async move {
        gloo::timers::future::TimeoutFuture::new(0).await;
        let Ok(rows) = document().query_selector_all("tr[data-row-key]") else { return };
        for i in 0..rows.length() {
            let Some(el) = rows.item(i).and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(n).ok())
            else {
                continue;
            };
            if el.get_attribute("data-row-key").as_deref() == Some(key.as_str()) {
                let _ = el.focus();
                return;
            }
        }
    });
}

/// Whether the filter selects `key` in `field`, and a callback that toggles it.
pub(super) fn selector(state: AppState, field: FilterField, key: String) -> (Signal<bool>, Callback<()>) {
    let k = key.clone();
    let selected = Signal::derive(move || state.filter.with(|f| f.selects(field, &k)));
    let on_toggle = Callback::new(move |()| state.filter.update(|f| f.toggle(field, &key)));
    (selected, on_toggle)
}

fn domain_label(d: &str) -> String {
    if d.is_empty() {
        "(no policy domain)".to_owned()
    } else {
        d.to_owned()
    }
}

/// Domains, organizations and result types side by side.
#[component]
pub fn SummaryTables() -> impl IntoView {
    view! {
        <DomainTable />
        <OrgTable />
        <ResultTypeTable />
    }
}

#[component]
fn DomainTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage = super::stages::current();
    let sort = RwSignal::new(SortState::new("failed", true));
    let expanded = RwSignal::new(false);
    let rows = move || sorted(&stage.snapshot.get().overview.domains, &sort.get());
    let total = Signal::derive(move || stage.snapshot.get().overview.domains.len());
    let last_day = Signal::derive(move || stage.snapshot.get().overview.timeline.last().map(|d| d.day));
    let max = Signal::derive(move || {
        stage.snapshot.get().overview.domains.iter().map(|r| r.totals.failed).max().unwrap_or(0)
    });
    view! {
        <section class="panel" id="domains" aria-labelledby="domains-title">
            <div class="panel-head"><h2 id="domains-title">"Policy domains"</h2></div>
            <div class="table-wrap">
                <table class:collapsed=move || !expanded.get()>
                    <caption class="visually-hidden">"Sessions per policy domain; select a row to filter every view"</caption>
                    <thead><tr>
                        <SortHeader label="Domain" column="domain" sort=sort />
                        <SortHeader label="Reports" column="reports" sort=sort numeric=true />
                        <SortHeader label="Successful" column="successful" sort=sort numeric=true />
                        <SortHeader label="Failed" column="failed" sort=sort numeric=true />
                        <SortHeader label="Success rate" column="rate" sort=sort numeric=true />
                        <th scope="col">"Daily failure rate"</th>
                    </tr></thead>
                    <tbody>
                        <For each=rows key=|r| (r.domain.clone(), r.reports, r.totals) let:r>
                            {
                                let (selected, on_toggle) = selector(state, FilterField::Domain, r.domain.clone());
                                let note = (r.multi_policy_reports > 0).then(|| multi_policy_note(r.multi_policy_reports));
                                let (label, reports, totals) = (domain_label(&r.domain), r.reports, r.totals);
                                let health = r.health(last_day.get_untracked()).as_str();
                                let spark = sparkline(&r.daily);
                                view! {
                                    <SelectRow selected=selected on_toggle={on_toggle} row_key=format!("domain:{}", r.domain) {..}
                                        data-testid="domain-row" data-domain=r.domain.clone()
                                        data-successful=r.totals.successful.to_string() data-failed=r.totals.failed.to_string()>
                                        <th scope="row" class="strong">
                                            <span class=format!("health {health}")>{health}</span>
                                            " "
                                            {label}
                                            {note.map(|n| view! { <span class="row-note small muted">{n}</span> })}
                                        </th>
                                        <td class="num">{format::count(reports as u64)}</td>
                                        <td class="num">{format::count(totals.successful)}</td>
                                        <td class="num">{format::count(totals.failed)}{bar(totals.failed, max, "bad")}</td>
                                        <td class="num">{format::percent(totals.success_rate())}</td>
                                        <td>{spark}</td>
                                    </SelectRow>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </div>
            <ShowAll expanded=expanded total=total />
        </section>
    }
}

#[component]
fn OrgTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage = super::stages::current();
    let sort = RwSignal::new(SortState::new("reports", true));
    let expanded = RwSignal::new(false);
    let rows = move || sorted(&stage.snapshot.get().overview.orgs, &sort.get());
    let total = Signal::derive(move || stage.snapshot.get().overview.orgs.len());
    view! {
        <section class="panel" id="orgs" aria-labelledby="orgs-title">
            <div class="panel-head"><h2 id="orgs-title">"Reporting organizations"</h2></div>
            <div class="table-wrap">
                <table class:collapsed=move || !expanded.get()>
                    <caption class="visually-hidden">"Sessions per reporting organization; select a row to filter every view"</caption>
                    <thead><tr>
                        <SortHeader label="Organization" column="org" sort=sort />
                        <SortHeader label="Reports" column="reports" sort=sort numeric=true />
                        <SortHeader label="Successful" column="successful" sort=sort numeric=true />
                        <SortHeader label="Failed" column="failed" sort=sort numeric=true />
                        <SortHeader label="Success rate" column="rate" sort=sort numeric=true />
                    </tr></thead>
                    <tbody>
                        <For each=rows key=|r| (r.org.clone(), r.reports, r.totals) let:r>
                            {
                                let (selected, on_toggle) = selector(state, FilterField::Org, r.org.clone());
                                let (org, reports, totals) = (r.org.clone(), r.reports, r.totals);
                                view! {
                                    <SelectRow selected=selected on_toggle={on_toggle} row_key=format!("org:{}", r.org) {..}
                                        data-testid="org-row" data-org=r.org.clone() data-reports=r.reports.to_string()
                                        data-successful=r.totals.successful.to_string() data-failed=r.totals.failed.to_string()>
                                        <th scope="row" class="strong">{org}</th>
                                        <td class="num">{format::count(reports as u64)}</td>
                                        <td class="num">{format::count(totals.successful)}</td>
                                        <td class="num">{format::count(totals.failed)}</td>
                                        <td class="num">{format::percent(totals.success_rate())}</td>
                                    </SelectRow>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </div>
            <ShowAll expanded=expanded total=total />
        </section>
    }
}

#[component]
fn ResultTypeTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage = super::stages::current();
    let sort = RwSignal::new(SortState::new("sessions", true));
    let expanded = RwSignal::new(false);
    let rows = move || sorted(&stage.snapshot.get().overview.result_types, &sort.get());
    let total = Signal::derive(move || stage.snapshot.get().overview.result_types.len());
    let max = Signal::derive(move || {
        stage.snapshot.get().overview.result_types.iter().map(|r| r.sessions).max().unwrap_or(0)
    });
    let empty = move || stage.snapshot.get().overview.result_types.is_empty();
    view! {
        <section class="panel" id="failures" aria-labelledby="types-title">
            <div class="panel-head"><h2 id="types-title">"Failures by result type"</h2></div>
            <Show when=move || !empty() fallback=|| view! { <p class="empty">"No failed sessions were reported."</p> }>
                <div class="table-wrap">
                    <table class:collapsed=move || !expanded.get()>
                        <caption class="visually-hidden">"Failed sessions per result type; select a row to filter every view"</caption>
                        <thead><tr>
                            <SortHeader label="Result type" column="result_type" sort=sort />
                            <SortHeader label="Failed sessions" column="sessions" sort=sort numeric=true />
                            <SortHeader label="Detail entries" column="details" sort=sort numeric=true />
                            <SortHeader label="Domains" column="domains" sort=sort numeric=true />
                        </tr></thead>
                        <tbody>
                            <For each=rows key=|r| (r.result_type.clone(), r.sessions, r.details, r.domains) let:r>
                                {
                                    let (selected, on_toggle) = selector(state, FilterField::ResultType, r.result_type.clone());
                                    let (rtype, sessions, details, domains) = (r.result_type.clone(), r.sessions, r.details, r.domains);
                                    view! {
                                        <SelectRow selected=selected on_toggle={on_toggle} row_key=format!("type:{}", r.result_type) {..}
                                            data-testid="result-type-row" data-result-type=r.result_type.clone() data-sessions=r.sessions.to_string()>
                                            <th scope="row"><code class="rtype">{rtype}</code></th>
                                            <td class="num">{format::count(sessions)}{bar(sessions, max, "bad")}</td>
                                            <td class="num">{format::count(details as u64)}</td>
                                            <td class="num">{format::count(domains as u64)}</td>
                                        </SelectRow>
                                    }
                                }
                            </For>
                        </tbody>
                    </table>
                </div>
                <ShowAll expanded=expanded total=total />
            </Show>
        </section>
    }
}

/// Rows per page of the failure-details table: a screenful or two, and
/// what a filter change rebuilds (100 rows were 1,200 new nodes each time).
const PAGE: usize = 50;

/// Every failure detail, flattened, sortable, a page at a time.
#[component]
pub fn FailureTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage = super::stages::current();
    let sort = RwSignal::new(SortState::new("count", true));
    let page = RwSignal::new(0usize);
    let total = move || stage.snapshot.get().overview.failures.count();
    let pages = move || total().div_ceil(PAGE).max(1);
    let any = move || total() > 0;
    let rows = move || {
        let snap = stage.snapshot.get();
        let all = &snap.overview.failures;
        let sort = sort.get();
        let p = page.get().min(pages() - 1);
        state.data.with_value(|d| {
            // The overview is already in the default order; other orders sort
            // views, only as far as the page shown.
            let idx: Vec<usize> = if sort == SortState::new("count", true) {
                (p * PAGE..((p + 1) * PAGE).min(all.len())).collect()
            } else {
                let views: Vec<_> = all.iter().map(|r| r.view(d)).collect();
                top_indices(&views, &sort, (p + 1) * PAGE).into_iter().skip(p * PAGE).collect()
            };
            idx.into_iter()
                .map(|i| {
                    let v = all[i].view(d);
                    let cells = [
                        v.result_type,
                        v.domain,
                        v.policy_type,
                        v.receiving_mx,
                        v.receiving_ip,
                        v.sending_ip,
                        v.reason,
                        v.org,
                    ]
                    .map(str::to_owned);
                    (all[i], cells)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=any>
            <section class="panel" aria-labelledby="failures-title">
                <div class="panel-head">
                    <h2 id="failures-title">"Failure details"</h2>
                    <span class="muted small">{move || format!("{} entries", format::count(total() as u64))}</span>
                </div>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Failure details (scrolls sideways on narrow screens)">
                    <table class="dense">
                        <caption class="visually-hidden">"Every failure detail, a page at a time"</caption>
                        <thead><tr>
                            <SortHeader label="Result type" column="result_type" sort=sort />
                            <SortHeader label="Policy domain" column="domain" sort=sort />
                            <SortHeader label="Policy" column="policy_type" sort=sort />
                            <SortHeader label="Receiving MX" column="receiving_mx" sort=sort />
                            <SortHeader label="Receiving IP" column="receiving_ip" sort=sort />
                            <SortHeader label="Sending MTA IP" column="sending_ip" sort=sort />
                            <SortHeader label="Sessions" column="count" sort=sort numeric=true />
                            <SortHeader label="Reason code" column="reason" sort=sort />
                            <SortHeader label="Organization" column="org" sort=sort />
                            <SortHeader label="Date" column="day" sort=sort />
                        </tr></thead>
                        <tbody>
                            <For each=rows key=|(row, _)| *row let:item>
                                {
                                    let (row, [result_type, domain, policy_type, mx, rip, sip, reason, org]) = item;
                                    view! {
                                        <tr data-testid="failure-row">
                                            <th scope="row"><code class="rtype">{result_type}</code></th>
                                            <td>{domain_label(&domain.to_ascii_lowercase())}</td>
                                            <td>{policy_type}</td>
                                            <td class="mono">{or_dash(mx)}</td>
                                            <td class="mono">{or_dash(rip)}</td>
                                            <td class="mono">{or_dash(sip)}</td>
                                            <td class="num">{format::count(row.count)}</td>
                                            <td class="reason">{or_dash(reason)}</td>
                                            <td>{org}</td>
                                            <td class="nowrap">{row.day.to_string()}</td>
                                        </tr>
                                    }
                                }
                            </For>
                        </tbody>
                    </table>
                </div>
                <Pager page=page pages=Signal::derive(pages) label="Failure details pages" text=Signal::derive(move || page_text(page.get(), pages())) />
            </section>
        </Show>
    }
}

/// The short note on a domain row whose sessions some reports gave twice.
pub(super) fn multi_policy_note(reports: usize) -> String {
    let n = format::count(reports as u64);
    let noun = if reports == 1 { "report" } else { "reports" };
    format!("evaluated under several policies in {n} {noun}; sessions counted once")
}

fn or_dash(s: String) -> String {
    if s.is_empty() {
        "–".to_owned()
    } else {
        s
    }
}
