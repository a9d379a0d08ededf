//! Table bodies written as markup ([`crate::markup`]), and the rows in them
//! that select a filter value.
//!
//! A selectable row is a `<tr>` with `data-row-key="<prefix>:<value>"`; the
//! body listens once for clicks and keys on any of its rows (the rows are
//! replaced whole whenever the views change, so they carry no listeners).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::AppState;
use crate::analysis::{Filter, FilterField};
use crate::markup::Markup;

/// A `<tbody>` showing `html`, replaced whole when it changes. With
/// `select`, a click, Enter or Space on a row toggles the row's value in
/// that filter field, and focus comes back to the row once the views show
/// the change.
#[component]
pub(super) fn MarkupBody(
    /// The rows.
    #[prop(into)]
    html: Signal<String>,
    /// The filter field the rows select, if they do.
    #[prop(optional)]
    select: Option<FilterField>,
    /// Called with the element clicked, for controls inside the rows.
    #[prop(optional, into)]
    on_click: Option<Callback<web_sys::Element>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let body = NodeRef::<leptos::html::Tbody>::new();
    // Rows are replaced only when their markup changes: the same rows again
    // (a later stage catching up to the same figures) keep their nodes, and
    // the focus on one of them.
    let html = Memo::new(move |_| html.get());
    Effect::new(move |_| {
        let html = html.get();
        if let Some(body) = body.get() {
            replace_rows(&body, &html);
        }
    });
    let pick = move |target: Option<web_sys::EventTarget>| -> bool {
        let (Some(field), Some(key)) = (select, target.as_ref().and_then(row_key_at)) else { return false };
        let Some((_, value)) = key.split_once(':') else { return false };
        state.filter.update(|f| f.toggle(field, value));
        refocus_row(key);
        true
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        // Only the focused row itself: nothing inside a row takes focus.
        let on_row =
            ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|e| e.tag_name() == "TR");
        if (ev.key() == "Enter" || ev.key() == " ") && on_row && pick(ev.target()) {
            // Space would scroll the page.
            ev.prevent_default();
        }
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        if pick(ev.target()) {
            return;
        }
        if let (Some(f), Some(el)) = (on_click, ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())) {
            f.run(el);
        }
    };
    view! { <tbody node_ref=body on:click=click on:keydown=on_key></tbody> }
}

/// Replaces a body's rows; a row (or a control in one) that had focus gives
/// it to its successor (the same `data-row-key`), so a keyboard user stays
/// where they were.
fn replace_rows(body: &web_sys::Element, html: &str) {
    let focused =
        document().active_element().filter(|e| body.contains(Some(e))).and_then(|e| e.get_attribute("data-row-key"));
    body.set_inner_html(html);
    if let Some(key) = focused {
        focus_row(body, &key);
    }
}

/// Focuses the row (or control) under `root` whose `data-row-key` is `key`, if any.
fn focus_row(root: &web_sys::Element, key: &str) -> bool {
    let Ok(rows) = root.query_selector_all("[data-row-key]") else { return false };
    for i in 0..rows.length() {
        let Some(el) = rows.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) else {
            continue;
        };
        if el.get_attribute("data-row-key").as_deref() == Some(key) {
            return el.focus().is_ok();
        }
    }
    false
}

/// The `data-row-key` of the row an event happened in.
fn row_key_at(target: &web_sys::EventTarget) -> Option<String> {
    let el = target.dyn_ref::<web_sys::Element>()?;
    el.closest("tr[data-row-key]").ok()??.get_attribute("data-row-key")
}

/// The number in attribute `attr` of the element an event happened in, or of
/// its closest ancestor that has one: which of the controls written as
/// markup (a report's button, a finding's title) was clicked.
pub(super) fn number_at(target: &web_sys::EventTarget, attr: &str) -> Option<usize> {
    let el = target.dyn_ref::<web_sys::Element>()?;
    el.closest(&format!("[{attr}]")).ok()??.get_attribute(attr)?.parse().ok()
}

/// Opens a list item of kind `class` (`error`, `warning`, `info`,
/// `skipped`) with its colored dot in front; the caller writes the text and
/// closes the `li`.
pub(super) fn begin_dot_item<'m>(m: &'m mut Markup, class: &str) -> &'m mut Markup {
    m.open("li", &[("class", Some(class))]).cell("span", Some(&format!("dot {class}")), "")
}

/// A row's first cell, naming it.
pub(super) fn row_head<'m>(m: &'m mut Markup, class: Option<&str>) -> &'m mut Markup {
    m.open("th", &[("scope", Some("row")), ("class", class)])
}

/// Opens a scrollable region named `label` (a keyboard user can scroll it)
/// holding a dense table with the column heads `heads` (name, cell class),
/// up to its open body; [`end_dense_table`] closes it.
pub(super) fn begin_dense_table(m: &mut Markup, label: &str, heads: &[(&str, Option<&str>)]) {
    m.open(
        "div",
        &[
            ("class", Some("table-wrap")),
            ("tabindex", Some("0")),
            ("role", Some("region")),
            ("aria-label", Some(label)),
        ],
    )
    .open("table", &[("class", Some("dense"))])
    .open("thead", &[])
    .open("tr", &[]);
    for (head, class) in heads {
        m.cell("th", *class, head);
    }
    m.close("tr").close("thead").open("tbody", &[]);
}

/// Closes what [`begin_dense_table`] opened.
pub(super) fn end_dense_table(m: &mut Markup) {
    m.close("tbody").close("table").close("div");
}

/// A right-aligned count.
pub(super) fn count_cell(m: &mut Markup, n: impl Into<u128>) {
    m.cell("td", Some("num"), &crate::format::count(n));
}

/// Moves focus back to the row with this key once the views have re-rendered
/// (a filter change can unmount a table and mount it again).
pub(super) fn refocus_row(key: String) {
    leptos::task::spawn_local(async move {
        gloo::timers::future::TimeoutFuture::new(0).await;
        let Some(root) = document().document_element() else { return };
        let focused = document().active_element().and_then(|e| e.get_attribute("data-row-key"));
        if focused.as_deref() != Some(key.as_str()) {
            focus_row(&root, &key);
        }
    });
}

/// Starts a row that selects `value` in `field` (`prefix` names the table,
/// so keys are unique on the page): focusable, its state announced. The
/// caller adds its test hooks and ends the tag ([`Markup::end_open`]).
pub(super) fn begin_select_row<'m>(
    m: &'m mut Markup,
    filter: &Filter,
    field: FilterField,
    prefix: &str,
    value: &str,
) -> &'m mut Markup {
    let selected = filter.selects(field, value);
    m.begin("tr")
        .attr("class", if selected { "clickable selected" } else { "clickable" })
        .attr("tabindex", "0")
        .attr("aria-selected", if selected { "true" } else { "false" });
    // The key written whole: `prefix:value`, split at the first colon.
    let mut key = String::with_capacity(prefix.len() + 1 + value.len());
    key.push_str(prefix);
    key.push(':');
    key.push_str(value);
    m.attr("data-row-key", &key)
}

/// A bar showing `value` as a share of `max` (the largest in its column).
/// An SVG rectangle: the CSP keeps inline styles out of parsed markup, and
/// a rectangle's width is an attribute.
/// `class` is the bar's (`"bar bad"`).
pub(super) fn bar(m: &mut Markup, value: u128, max: u128, class: &'static str) {
    let pct = if max > 0 { value as f64 * 100.0 / max as f64 } else { 0.0 };
    m.begin("svg")
        .attr("class", class)
        .attr("viewBox", "0 0 100 4")
        .attr("preserveAspectRatio", "none")
        .attr("aria-hidden", "true")
        .end_open()
        .begin("rect")
        .len_attr("width", pct)
        .attr("height", "4")
        .end_open()
        .close("rect")
        .close("svg");
}
