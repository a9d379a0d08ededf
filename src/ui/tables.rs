//! The summary tables (domains, organizations, result types) and the flat
//! failure-details table. Each sorts by any column.

use std::fmt::Write;

use leptos::prelude::*;

use super::rows::{bar, begin_select_row, count_cell, row_head, MarkupBody};
use super::stages::DOMAIN_TAIL;
use super::state::{AppState, StageView};
use crate::analysis::table::{top_indices, SortState, Sortable};
use crate::analysis::{DomainRow, FailureRow, FailureView, Filter, FilterField, OrgRow, ResultTypeRow};
use crate::format;
use crate::markup::Markup;
use crate::report::datetime::Day;

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

/// "files 501–1,000 of 6,620": which of `n` items page `page` of `per` shows,
/// the page clamped like the lists themselves.
pub(super) fn range_text(noun: &str, page: usize, per: usize, n: usize) -> String {
    let p = page.min(n.div_ceil(per).max(1) - 1);
    format!("{noun} {}–{} of {}", (p * per + 1).min(n), ((p + 1) * per).min(n), format::count(n as u64))
}

/// The label of a "Show all" button over `n` items: all of them, or the
/// first `most` when there are more; "Show fewer" once expanded.
pub(super) fn show_all_text(expanded: bool, n: usize, most: usize) -> String {
    match (expanded, n) {
        (true, _) => "Show fewer".to_owned(),
        (false, n) if n > most => {
            format!("Show the first {} of {}", format::count(most as u64), format::count(n as u64))
        }
        (false, n) => format!("Show all ({})", format::count(n as u64)),
    }
}

/// Which rows of one overview table to show, in the order `sort` asks for,
/// at most [`MAX_ROWS`]: indices, so the rows are written from where they
/// are (a hosting provider's 2,000 domain rows each hold their daily sums).
/// Rows past [`FIRST_ROWS`] stay in the page, hidden by CSS until "Show
/// all", so every row's hooks are there.
fn sorted<T: Sortable>(rows: &[T], sort: &SortState) -> Vec<usize> {
    top_indices(rows, sort, MAX_ROWS)
}

/// Rows a table shows before "Show all".
pub(super) const FIRST_ROWS: usize = 10;

/// The domain table's rows written with the summary tables; the rest come
/// in the stages of [`DOMAIN_TAIL`].
const HEAD_ROWS: usize = 200;

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
                {move || show_all_text(expanded.get(), total.get(), MAX_ROWS)}
            </button>
        </Show>
    }
}

/// A domain's daily failure rate as a small line (0 at the bottom, 100 % at the top).
fn sparkline(m: &mut Markup, daily: &[(crate::report::datetime::Day, crate::analysis::Totals)]) {
    let (Some(first), Some(last)) = (daily.first(), daily.last()) else { return };
    let span = (last.0 .0 - first.0 .0).max(1) as f64;
    let mut points = String::new();
    for (d, t) in daily {
        if let Some(r) = t.failure_rate() {
            let sep = if points.is_empty() { "" } else { " " };
            let _ = write!(
                points,
                "{sep}{},{}",
                format::Fixed((d.0 - first.0 .0) as f64 / span * 60.0, 1),
                format::Fixed(14.0 - r * 12.0, 1)
            );
        }
    }
    m.open(
        "svg",
        &[
            ("class", Some("spark")),
            ("viewBox", Some("0 0 60 16")),
            ("width", Some("60")),
            ("height", Some("16")),
            ("aria-hidden", Some("true")),
        ],
    )
    .open(
        "line",
        &[("x1", Some("0")), ("y1", Some("14")), ("x2", Some("60")), ("y2", Some("14")), ("class", Some("spark-base"))],
    )
    .close("line")
    .open("polyline", &[("points", Some(&points)), ("class", Some("spark-line"))])
    .close("polyline")
    .close("svg");
}

fn domain_label(d: &str) -> &str {
    if d.is_empty() {
        "(no policy domain)"
    } else {
        d
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

/// The domain table's rows: `order` of `rows`, the first `sparks` of them
/// with their daily failure rate drawn (rows hidden until "Show all" need
/// none: at 2,000 domains the lines were a quarter of the table's nodes).
fn domain_rows(rows: &[DomainRow], order: &[usize], sparks: usize, filter: &Filter, last_day: Option<Day>) -> String {
    let max = rows.iter().map(|r| r.totals.failed).max().unwrap_or(0);
    let mut m = Markup::new();
    for (n, r) in order.iter().filter_map(|&i| rows.get(i)).enumerate() {
        let health = r.health(last_day).as_str();
        begin_select_row(&mut m, filter, FilterField::Domain, "domain", &r.domain)
            .attr("data-testid", "domain-row")
            .attr("data-domain", &r.domain)
            .num_attr("data-successful", r.totals.successful)
            .num_attr("data-failed", r.totals.failed)
            .end_open();
        row_head(&mut m, Some("strong")).open("span", &[("class", Some(&format!("health {health}")))]);
        m.text(health).close("span").text(" ").text(domain_label(&r.domain));
        if r.multi_policy_reports > 0 {
            m.cell("span", Some("row-note small muted"), &multi_policy_note(r.multi_policy_reports));
        }
        m.close("th");
        count_cell(&mut m, r.reports as u64);
        count_cell(&mut m, r.totals.successful);
        m.open("td", &[("class", Some("num"))]).text(&format::count(r.totals.failed));
        bar(&mut m, r.totals.failed, max, "bar bad");
        m.close("td").cell("td", Some("num"), &format::percent(r.totals.success_rate()));
        m.open("td", &[]);
        if n < sparks {
            sparkline(&mut m, &r.daily);
        }
        m.close("td").close("tr");
    }
    m.into_string()
}

/// The domain table's rows from `range` of its order, as `stage` shows
/// them.
fn domain_body(
    stage: StageView,
    sort: RwSignal<SortState>,
    expanded: RwSignal<bool>,
    range: std::ops::Range<usize>,
) -> Signal<String> {
    Signal::derive(move || {
        // A later stage that has not shown the loaded files yet has nothing
        // to write (reading its overview would work one out for a version
        // it is about to leave).
        if !stage.shown.get().files {
            return String::new();
        }
        let sort = sort.get();
        // Sparklines for the rows shown before "Show all", or for every row.
        let sparks = if expanded.get() { usize::MAX } else { FIRST_ROWS.saturating_sub(range.start) };
        stage.snapshot.with(|snap| {
            let last_day = snap.overview.timeline.last().map(|d| d.day);
            // The table orders the rows itself (ties by the overview's
            // order, said outright): no need to sort all 100,000 first.
            snap.overview.domains.with_any_order(|rows| {
                let order = sorted(rows, &sort);
                let part = order.get(range.start.min(order.len())..range.end.min(order.len())).unwrap_or_default();
                domain_rows(rows, part, sparks, snap.filter(), last_day)
            })
        })
    })
}

#[component]
fn DomainTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage = super::stages::current();
    let sort = RwSignal::new(SortState::new("failed", true));
    let expanded = RwSignal::new(false);
    let head = domain_body(stage, sort, expanded, 0..HEAD_ROWS);
    // A hosting provider's long tail of domains, hidden until "Show all",
    // is written in the stages after, a part each: its 2,000 rows in the
    // summary tables' stage made that one task 45-50 ms, and 1,800 of them
    // in one later stage 40-60 ms.
    let part = (MAX_ROWS - HEAD_ROWS).div_ceil(DOMAIN_TAIL.len());
    let tails = DOMAIN_TAIL
        .iter()
        .enumerate()
        .map(|(i, &at)| {
            let start = HEAD_ROWS + i * part;
            let html = domain_body(state.views[at], sort, expanded, start..start + part);
            view! { <MarkupBody html=html select=FilterField::Domain /> }
        })
        .collect_view();
    let total = Signal::derive(move || stage.snapshot.with(|s| s.overview.domains.count()));
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
                    <MarkupBody html=head select=FilterField::Domain />
                    {tails}
                </table>
            </div>
            <ShowAll expanded=expanded total=total />
        </section>
    }
}

/// The organization table's rows.
fn org_rows<'a>(rows: impl Iterator<Item = &'a OrgRow>, filter: &Filter) -> String {
    let mut m = Markup::new();
    for r in rows {
        begin_select_row(&mut m, filter, FilterField::Org, "org", &r.org)
            .attr("data-testid", "org-row")
            .attr("data-org", &r.org)
            .num_attr("data-reports", r.reports)
            .num_attr("data-successful", r.totals.successful)
            .num_attr("data-failed", r.totals.failed)
            .end_open();
        row_head(&mut m, Some("strong")).text(&r.org).close("th");
        count_cell(&mut m, r.reports as u64);
        count_cell(&mut m, r.totals.successful);
        count_cell(&mut m, r.totals.failed);
        m.cell("td", Some("num"), &format::percent(r.totals.success_rate())).close("tr");
    }
    m.into_string()
}

#[component]
fn OrgTable() -> impl IntoView {
    let stage = super::stages::current();
    let sort = RwSignal::new(SortState::new("reports", true));
    let expanded = RwSignal::new(false);
    let html = Signal::derive(move || {
        let sort = sort.get();
        stage.snapshot.with(|snap| {
            let rows = &snap.overview.orgs;
            org_rows(sorted(rows, &sort).into_iter().filter_map(|i| rows.get(i)), snap.filter())
        })
    });
    let total = Signal::derive(move || stage.snapshot.with(|s| s.overview.orgs.len()));
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
                    <MarkupBody html=html select=FilterField::Org />
                </table>
            </div>
            <ShowAll expanded=expanded total=total />
        </section>
    }
}

/// The result-type table's rows.
fn result_type_rows(rows: &[ResultTypeRow], order: &[usize], filter: &Filter) -> String {
    let max = rows.iter().map(|r| r.sessions).max().unwrap_or(0);
    let mut m = Markup::new();
    for r in order.iter().filter_map(|&i| rows.get(i)) {
        begin_select_row(&mut m, filter, FilterField::ResultType, "type", &r.result_type)
            .attr("data-testid", "result-type-row")
            .attr("data-result-type", &r.result_type)
            .num_attr("data-sessions", r.sessions)
            .end_open();
        row_head(&mut m, None).cell("code", Some("rtype"), &r.result_type).close("th");
        m.open("td", &[("class", Some("num"))]).text(&format::count(r.sessions));
        bar(&mut m, r.sessions, max, "bar bad");
        m.close("td");
        count_cell(&mut m, r.details as u64);
        count_cell(&mut m, r.domains as u64);
        m.close("tr");
    }
    m.into_string()
}

#[component]
fn ResultTypeTable() -> impl IntoView {
    let stage = super::stages::current();
    let sort = RwSignal::new(SortState::new("sessions", true));
    let expanded = RwSignal::new(false);
    let html = Signal::derive(move || {
        let sort = sort.get();
        stage.snapshot.with(|snap| {
            let rows = &snap.overview.result_types;
            result_type_rows(rows, &sorted(rows, &sort), snap.filter())
        })
    });
    let total = Signal::derive(move || stage.snapshot.with(|s| s.overview.result_types.len()));
    let empty = move || total.get() == 0;
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
                        <MarkupBody html=html select=FilterField::ResultType />
                    </table>
                </div>
                <ShowAll expanded=expanded total=total />
            </Show>
        </section>
    }
}

/// Rows per page of the failure-details table: a screenful or two, and
/// what a filter change rebuilds.
const PAGE: usize = 50;

/// One failure-details row.
fn failure_row(m: &mut Markup, v: &FailureView<'_>, count: u64, day: Day) {
    let or_dash = |s: &str| if s.is_empty() { "–".to_owned() } else { s.to_owned() };
    m.open("tr", &[("data-testid", Some("failure-row"))]);
    row_head(m, None).cell("code", Some("rtype"), v.result_type).close("th");
    m.cell("td", None, domain_label(&v.domain.to_ascii_lowercase()))
        .cell("td", None, v.policy_type)
        .cell("td", Some("mono"), &or_dash(v.receiving_mx))
        .cell("td", Some("mono"), &or_dash(v.receiving_ip))
        .cell("td", Some("mono"), &or_dash(v.sending_ip));
    count_cell(m, count);
    m.cell("td", Some("reason"), &or_dash(v.reason))
        .cell("td", None, v.org)
        .cell("td", Some("nowrap"), &day.to_string())
        .close("tr");
}

/// Every failure detail, flattened, sortable, a page at a time.
#[component]
pub fn FailureTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage = super::stages::current();
    let sort = RwSignal::new(SortState::new("count", true));
    let page = RwSignal::new(0usize);
    let total = move || stage.snapshot.with(|s| s.overview.failures.count());
    let pages = move || total().div_ceil(PAGE).max(1);
    let any = move || total() > 0;
    let html = Signal::derive(move || {
        let sort = sort.get();
        let p = page.get().min(pages() - 1);
        stage.snapshot.with(|snap| {
            let all = &snap.overview.failures;
            state.data.with_value(|d| {
                // The default order is the overview's own: the page's rows are
                // selected from it without sorting thousands of details (a
                // filter change at 64k reports sorted them for ~14 ms). Other
                // orders sort views, only as far as the page shown.
                let rows: Vec<FailureRow> = if sort == SortState::new("count", true) {
                    all.first((p + 1) * PAGE).into_iter().skip(p * PAGE).collect()
                } else {
                    let views: Vec<_> = all.iter().map(|r| r.view(d)).collect();
                    top_indices(&views, &sort, (p + 1) * PAGE).into_iter().skip(p * PAGE).map(|i| all[i]).collect()
                };
                let mut m = Markup::new();
                for r in rows {
                    failure_row(&mut m, &r.view(d), r.count, r.day);
                }
                m.into_string()
            })
        })
    });
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
                        <MarkupBody html=html />
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
