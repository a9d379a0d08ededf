//! The filter bar, the chips of active filters, and the URL-hash link.

use leptos::ev;
use leptos::prelude::*;

use super::state::AppState;
use crate::analysis::Filter;
use crate::markup::Markup;
use crate::report::datetime::{parse_timestamp, Day};

fn day_value(d: Option<Day>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn parse_day(s: &str) -> Option<Day> {
    parse_timestamp(s).map(|(t, _)| Day::of(t))
}

/// Keeps the filter and `location.hash` in step, so a reload or a shared link
/// shows the same view.
pub fn sync_hash(state: AppState) {
    let read = move || {
        let hash = window().location().hash().unwrap_or_default();
        let f = Filter::from_hash(&hash);
        if f != state.filter.get_untracked() {
            state.filter.set(f);
        }
    };
    read();
    let _ = window_event_listener(ev::hashchange, move |_| read());
    Effect::new(move |_| {
        let want = state.filter.with(Filter::to_hash);
        let have = window().location().hash().unwrap_or_default();
        if have.trim_start_matches('#') != want {
            let url =
                if want.is_empty() { window().location().pathname().unwrap_or_default() } else { format!("#{want}") };
            let _ =
                window().history().and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)));
        }
    });
}

/// After a chip is removed, focus goes to the next chip, or to the search box.
fn focus_after_chip() {
    leptos::task::spawn_local(async {
        gloo::timers::future::TimeoutFuture::new(0).await;
        let doc = document();
        let target = doc
            .query_selector("[data-testid=\"filter-chip\"]")
            .ok()
            .flatten()
            .or_else(|| doc.query_selector("[data-testid=\"filter-text\"]").ok().flatten());
        if let Some(el) = target.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
            let _ = el.focus();
        }
    });
}

/// The value of the "All" option. Printable: a NUL sentinel did not survive
/// as an option value, and the selects showed blank.
const ALL: &str = "*all*";

/// A `<select>` over values from the unfiltered data. Its options are
/// written as markup when the data changes (a hosting provider's thousands of
/// domains); a filter change only sets which one is selected.
#[component]
fn Choice(
    label: &'static str,
    testid: &'static str,
    options: Signal<Vec<String>>,
    value: Signal<Option<String>>,
    set: Callback<Option<String>>,
    /// Values left out of the options, said in a last option that cannot be chosen.
    #[prop(optional, into)]
    more: Signal<usize>,
) -> impl IntoView {
    let select = NodeRef::<leptos::html::Select>::new();
    let html = Memo::new(move |_| options.with(|o| options_markup(o, more.get())));
    let value = Memo::new(move |_| value.get());
    let show =
        move |el: &web_sys::HtmlSelectElement| value.with_untracked(|v| el.set_value(v.as_deref().unwrap_or(ALL)));
    // New options replace the old ones, and the selection is put back.
    Effect::new(move |_| {
        let html = html.get();
        if let Some(el) = select.get() {
            el.set_inner_html(&html);
            show(&el);
        }
    });
    Effect::new(move |_| {
        value.track();
        if let Some(el) = select.get_untracked() {
            show(&el);
        }
    });
    view! {
        <label class="field">
            <span>{label}</span>
            <select
                node_ref=select
                data-testid=testid
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    set.run(if v == ALL { None } else { Some(v) });
                }
            ></select>
        </label>
    }
}

/// "All", then one option per value (an empty value shown as "(none)"),
/// then, when `more` were left out, a line saying so.
fn options_markup(options: &[String], more: usize) -> String {
    let mut m = Markup::new();
    m.open("option", &[("value", Some(ALL))]).text("All").close("option");
    for o in options {
        m.open("option", &[("value", Some(o))]).text(if o.is_empty() { "(none)" } else { o }).close("option");
    }
    if more > 0 {
        let line = format!("… and {} more: find them with Search", crate::format::count(more as u64));
        m.open("option", &[("disabled", Some("")), ("value", Some(""))]).text(&line).close("option");
    }
    m.into_string()
}

/// Domains the domain select lists at most.
const MOST_OPTIONS: usize = 1000;

/// Filters, chips and the clear button.
#[component]
pub fn FilterBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage = super::stages::current();
    let f = state.filter;
    let all = move || stage.all.get().overview;
    // A hosting provider's 100,000 domains would be 100,000 options (a
    // second of the page's time to lay out, and no use to anyone): past
    // MOST_OPTIONS the select lists the domains with the most sessions, and
    // the one selected; the search box finds the others.
    let domains = Signal::derive(move || {
        let ov = all();
        // The busiest, selected without sorting them all.
        let mut v: Vec<String> = ov.domains.first(MOST_OPTIONS).iter().map(|d| d.domain.to_string()).collect();
        if let Some(selected) = f.with(|x| x.domain.clone()) {
            if !v.contains(&selected) {
                v.push(selected);
            }
        }
        crate::sort::sort(&mut v);
        v
    });
    let more_domains = Signal::derive(move || all().domains.count().saturating_sub(MOST_OPTIONS));
    let orgs = Signal::derive(move || {
        let mut v: Vec<String> = all().orgs.iter().map(|o| o.org.to_string()).collect();
        crate::sort::sort(&mut v);
        v
    });
    let policies = Signal::derive(move || all().policies.iter().map(|p| p.key.to_string()).collect());
    let types = Signal::derive(move || all().result_types.iter().map(|t| t.result_type.clone()).collect());
    let set = |edit: fn(&mut Filter, Option<String>)| Callback::new(move |v: Option<String>| f.update(|x| edit(x, v)));
    let first_day = move || all().timeline.first().map(|d| d.day.to_string()).unwrap_or_default();
    let last_day = move || all().timeline.last().map(|d| d.day.to_string()).unwrap_or_default();
    // At phone width the fields fold away behind a "Filters" button.
    let open = RwSignal::new(false);
    view! {
        <section class="filters" class:open=move || open.get() role="search" aria-label="Filters">
            <button
                type="button"
                class="btn small filters-toggle"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {move || {
                    let n = f.with(|x| x.chips().len());
                    if n == 0 { "Filters".to_owned() } else { format!("Filters ({n})") }
                }}
            </button>
            <div class="filter-fields">
                <label class="field">
                    <span>"From"</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        placeholder=first_day
                        size="11"
                        data-testid="filter-from"
                        aria-describedby="date-help"
                        prop:value=move || f.with(|x| day_value(x.from))
                        on:change=move |ev| f.update(|x| x.from = parse_day(&event_target_value(&ev)))
                    />
                </label>
                <label class="field">
                    <span>"To"</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        placeholder=last_day
                        size="11"
                        data-testid="filter-to"
                        aria-describedby="date-help"
                        prop:value=move || f.with(|x| day_value(x.to))
                        on:change=move |ev| f.update(|x| x.to = parse_day(&event_target_value(&ev)))
                    />
                </label>
                <Choice
                    label="Policy domain"
                    testid="filter-domain"
                    options=domains
                    more=more_domains
                    value=Signal::derive(move || f.with(|x| x.domain.clone()))
                    set=set(|x, v| x.domain = v)
                />
                <Choice
                    label="Organization"
                    testid="filter-org"
                    options=orgs
                    value=Signal::derive(move || f.with(|x| x.org.clone()))
                    set=set(|x, v| x.org = v)
                />
                <Choice
                    label="Policy"
                    testid="filter-policy"
                    options=policies
                    value=Signal::derive(move || f.with(|x| x.policy.clone()))
                    set=set(|x, v| x.policy = v)
                />
                <Choice
                    label="Result type"
                    testid="filter-result-type"
                    options=types
                    value=Signal::derive(move || f.with(|x| x.result_type.clone()))
                    set=set(|x, v| x.result_type = v)
                />
                <label class="field grow">
                    <span>"Search"</span>
                    <input
                        type="search"
                        data-testid="filter-text"
                        placeholder="domain, MX, IP, report-id, reason…"
                        prop:value=move || f.with(|x| x.text.clone())
                        on:input=move |ev| f.update(|x| x.text = event_target_value(&ev))
                    />
                </label>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="filter-problems"
                        prop:checked=move || f.with(|x| x.problems_only)
                        on:change=move |ev| f.update(|x| x.problems_only = event_target_checked(&ev))
                    />
                    "Problems only"
                </label>
            <button
                type="button"
                class="btn small clear"
                data-testid="clear-filters"
                class:inactive=move || !f.with(Filter::is_active)
                aria-disabled=move || (!f.with(Filter::is_active)).to_string()
                on:click=move |_| f.set(Filter::default())
            >
                "Clear filters"
            </button>
            </div>
            <p id="date-help" class="visually-hidden">"A UTC day, as YYYY-MM-DD (the placeholder is the first or last day of the data); or drag across the timeline."</p>
            <div class="chips" aria-live="polite">
                <For each=move || f.with(Filter::chips) key=|c| c.clone() let:chip>
                    <button
                        type="button"
                        class="chip"
                        data-testid="filter-chip"
                        aria-label=format!("Remove filter {}", chip.1)
                        on:click=move |_| {
                            f.update(|x| x.clear(chip.0));
                            focus_after_chip();
                        }
                    >
                        {chip.1.clone()}
                        <span aria-hidden="true">" ×"</span>
                    </button>
                </For>

            </div>
        </section>
    }
}
