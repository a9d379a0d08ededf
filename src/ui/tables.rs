//! The summary tables (domains, organizations, result types) and the flat
//! failure-details table. Each sorts by any column.

use leptos::prelude::*;

use super::state::AppState;
use crate::analysis::table::{sorted_indices, SortState, Sortable};
use crate::analysis::toggle;
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
    view! {
        <Show when=many>
            <nav class="pager" aria-label=label>
                <button
                    type="button"
                    class="btn small"
                    disabled=move || page.get() == 0
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))
                >
                    "‹ Previous"
                </button>
                <span class="small">{move || text.get()}</span>
                <button
                    type="button"
                    class="btn small"
                    disabled=move || { page.get() + 1 >= pages.get() }
                    on:click=move |_| page.update(|p| *p += 1)
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

/// Rows of one overview table, in the order `sort` asks for.
fn sorted<T: Sortable + Clone>(rows: &[T], sort: &SortState) -> Vec<T> {
    sorted_indices(rows, sort).into_iter().map(|i| rows[i].clone()).collect()
}

/// A bar showing a share of the largest value, for at-a-glance comparison.
pub(super) fn bar(value: u64, max: u64, tone: &'static str) -> impl IntoView {
    let pct = if max > 0 { value as f64 * 100.0 / max as f64 } else { 0.0 };
    view! { <span class=format!("bar {tone}") aria-hidden="true"><span style:width=format!("{pct:.1}%")></span></span> }
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
    let sort = RwSignal::new(SortState::new("failed", true));
    let rows = move || sorted(&state.snapshot.get().overview.domains, &sort.get());
    let max = move || state.snapshot.get().overview.domains.iter().map(|r| r.totals.failed).max().unwrap_or(0);
    view! {
        <section class="panel" aria-labelledby="domains-title">
            <div class="panel-head"><h2 id="domains-title">"Policy domains"</h2></div>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <SortHeader label="Domain" column="domain" sort=sort />
                        <SortHeader label="Reports" column="reports" sort=sort numeric=true />
                        <SortHeader label="Successful" column="successful" sort=sort numeric=true />
                        <SortHeader label="Failed" column="failed" sort=sort numeric=true />
                        <SortHeader label="Success rate" column="rate" sort=sort numeric=true />
                    </tr></thead>
                    <tbody>
                        <For each=rows key=|r| (r.domain.clone(), r.reports, r.totals) let:r>
                            <tr class="clickable"
                                tabindex="0"
                                class:selected={let k = r.domain.clone(); move || state.filter.with(|f| f.domain.as_deref() == Some(k.as_str()))}
                                on:click={let k = r.domain.clone(); move |_| state.filter.update(|f| toggle(&mut f.domain, &k))}
                                on:keydown={let k = r.domain.clone(); move |ev| if ev.key() == "Enter" { state.filter.update(|f| toggle(&mut f.domain, &k)) }}
                                data-testid="domain-row" data-domain=r.domain.clone()
                                data-successful=r.totals.successful.to_string() data-failed=r.totals.failed.to_string()>
                                <td class="strong">{domain_label(&r.domain)}</td>
                                <td class="num">{format::count(r.reports as u64)}</td>
                                <td class="num">{format::count(r.totals.successful)}</td>
                                <td class="num">{format::count(r.totals.failed)}{bar(r.totals.failed, max(), "bad")}</td>
                                <td class="num">{format::percent(r.totals.success_rate())}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn OrgTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let sort = RwSignal::new(SortState::new("reports", true));
    let rows = move || sorted(&state.snapshot.get().overview.orgs, &sort.get());
    view! {
        <section class="panel" aria-labelledby="orgs-title">
            <div class="panel-head"><h2 id="orgs-title">"Reporting organizations"</h2></div>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <SortHeader label="Organization" column="org" sort=sort />
                        <SortHeader label="Reports" column="reports" sort=sort numeric=true />
                        <SortHeader label="Successful" column="successful" sort=sort numeric=true />
                        <SortHeader label="Failed" column="failed" sort=sort numeric=true />
                        <SortHeader label="Success rate" column="rate" sort=sort numeric=true />
                    </tr></thead>
                    <tbody>
                        <For each=rows key=|r| (r.org.clone(), r.reports, r.totals) let:r>
                            <tr class="clickable"
                                tabindex="0"
                                class:selected={let k = r.org.clone(); move || state.filter.with(|f| f.org.as_deref() == Some(k.as_str()))}
                                on:click={let k = r.org.clone(); move |_| state.filter.update(|f| toggle(&mut f.org, &k))}
                                on:keydown={let k = r.org.clone(); move |ev| if ev.key() == "Enter" { state.filter.update(|f| toggle(&mut f.org, &k)) }}
                                data-testid="org-row" data-org=r.org.clone() data-reports=r.reports.to_string()
                                data-successful=r.totals.successful.to_string() data-failed=r.totals.failed.to_string()>
                                <td class="strong">{r.org.clone()}</td>
                                <td class="num">{format::count(r.reports as u64)}</td>
                                <td class="num">{format::count(r.totals.successful)}</td>
                                <td class="num">{format::count(r.totals.failed)}</td>
                                <td class="num">{format::percent(r.totals.success_rate())}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn ResultTypeTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let sort = RwSignal::new(SortState::new("sessions", true));
    let rows = move || sorted(&state.snapshot.get().overview.result_types, &sort.get());
    let max = move || state.snapshot.get().overview.result_types.iter().map(|r| r.sessions).max().unwrap_or(0);
    let empty = move || state.snapshot.get().overview.result_types.is_empty();
    view! {
        <section class="panel" aria-labelledby="types-title">
            <div class="panel-head"><h2 id="types-title">"Failures by result type"</h2></div>
            <Show when=move || !empty() fallback=|| view! { <p class="empty">"No failed sessions were reported."</p> }>
                <div class="table-wrap">
                    <table>
                        <thead><tr>
                            <SortHeader label="Result type" column="result_type" sort=sort />
                            <SortHeader label="Failed sessions" column="sessions" sort=sort numeric=true />
                            <SortHeader label="Detail entries" column="details" sort=sort numeric=true />
                            <SortHeader label="Domains" column="domains" sort=sort numeric=true />
                        </tr></thead>
                        <tbody>
                            <For each=rows key=|r| (r.result_type.clone(), r.sessions, r.details, r.domains) let:r>
                                <tr class="clickable"
                                tabindex="0"
                                class:selected={let k = r.result_type.clone(); move || state.filter.with(|f| f.result_type.as_deref() == Some(k.as_str()))}
                                on:click={let k = r.result_type.clone(); move |_| state.filter.update(|f| toggle(&mut f.result_type, &k))}
                                on:keydown={let k = r.result_type.clone(); move |ev| if ev.key() == "Enter" { state.filter.update(|f| toggle(&mut f.result_type, &k)) }}
                                data-testid="result-type-row" data-result-type=r.result_type.clone() data-sessions=r.sessions.to_string()>
                                    <td><code class="rtype">{r.result_type.clone()}</code></td>
                                    <td class="num">{format::count(r.sessions)}{bar(r.sessions, max(), "bad")}</td>
                                    <td class="num">{format::count(r.details as u64)}</td>
                                    <td class="num">{format::count(r.domains as u64)}</td>
                                </tr>
                            </For>
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}

/// Rows per page of the failure-details table.
const PAGE: usize = 100;

/// Every failure detail, flattened, sortable, a page at a time.
#[component]
pub fn FailureTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let sort = RwSignal::new(SortState::new("count", true));
    let page = RwSignal::new(0usize);
    let total = move || state.snapshot.get().overview.failures.len();
    let pages = move || total().div_ceil(PAGE).max(1);
    let any = move || total() > 0;
    let rows = move || {
        let snap = state.snapshot.get();
        let all = &snap.overview.failures;
        let sort = sort.get();
        let p = page.get().min(pages() - 1);
        state.data.with_value(|d| {
            // The overview is already in the default order; other orders sort views.
            let idx: Vec<usize> = if sort == SortState::new("count", true) {
                (0..all.len()).collect()
            } else {
                let views: Vec<_> = all.iter().map(|r| r.view(d)).collect();
                sorted_indices(&views, &sort)
            };
            idx.into_iter()
                .skip(p * PAGE)
                .take(PAGE)
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
                <div class="table-wrap">
                    <table class="dense">
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
                                            <td><code class="rtype">{result_type}</code></td>
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

fn or_dash(s: String) -> String {
    if s.is_empty() {
        "–".to_owned()
    } else {
        s
    }
}
