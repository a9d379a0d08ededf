//! The timeline: sessions per day, ISO week or month as stacked bars, and
//! the failure rate on its own 0–100 % scale in a strip below. Written by
//! hand: one chart does not justify a charting crate, and hand-written SVG
//! keeps the test hooks and accessibility under our control.
//!
//! The chart is one Tab stop: arrow keys move between bars with data (a
//! roving tabindex), Enter or Space selects one; dragging across bars sets
//! the date filter to the range.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::rows::number_at;
use super::state::AppState;
use crate::analysis::timeline::{buckets, Bucket, Granularity};
use crate::analysis::Filter;
use crate::format;
use crate::markup::Markup;
use crate::report::datetime::Day;

/// The chart's width in its own units: the window's width, within limits, so
/// axis text keeps a readable size from phones to wide screens.
fn chart_width() -> f64 {
    window().inner_width().ok().and_then(|w| w.as_f64()).unwrap_or(1000.0).clamp(380.0, 1000.0)
}
const BARS_H: f64 = 190.0;
const RATE_H: f64 = 70.0;
// Room for the bars' date labels above the failure-rate strip's own label.
const GAP: f64 = 44.0;
const TOP: f64 = 10.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 10.0;

/// The bars shown and the granularity they use.
#[derive(Clone, PartialEq)]
struct Bars {
    granularity: Granularity,
    buckets: Vec<Bucket>,
}

/// The chart section, with its granularity control and a text summary.
#[component]
pub fn Timeline() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage = super::stages::current();
    let choice = RwSignal::new(None::<Granularity>);
    let bars = Memo::new(move |_| {
        let snap = stage.snapshot.get();
        let days = &snap.overview.timeline;
        let granularity = choice.get().unwrap_or_else(|| match (days.first(), days.last()) {
            (Some(f), Some(l)) => Granularity::auto(f.day, l.day),
            _ => Granularity::Day,
        });
        Bars { granularity, buckets: buckets(days, granularity) }
    });
    let active = RwSignal::new(None::<usize>);
    let brush = RwSignal::new(None::<(usize, usize)>);
    // A drag ends wherever the pointer is released.
    let _ = window_event_listener(ev::pointerup, move |_| {
        if let Some((a, b)) = brush.get_untracked() {
            brush.set(None);
            bars.with_untracked(|bars| select_range(state, &bars.buckets, a.min(b), a.max(b)));
        }
    });
    // The chart is markup, written when the buckets change (one string the
    // browser parses, not a node per wasm call); the selection, the drag and
    // the Tab stop are set on its elements.
    let chart = NodeRef::<leptos::html::Div>::new();
    let html = Memo::new(move |_| bars.with(|b| chart_markup(b, chart_width())));
    let first_with_data = move || bars.with(|b| b.buckets.iter().position(|x| x.has_data).unwrap_or(0));
    // One effect, so the marks are always set on the markup in place: the
    // markup is replaced only when it changed (the previous one is the
    // effect's value).
    Effect::new(move |prev: Option<String>| {
        let (brushed, tab) = (brush.get(), active.get().unwrap_or_else(first_with_data));
        let Some(el) = chart.get() else { return prev.unwrap_or_default() };
        let shown = html.with(|h| match prev {
            Some(p) if p == *h => p,
            _ => {
                replace_chart(&el, h);
                h.clone()
            }
        });
        state.filter.with(|f| bars.with(|b| mark_buckets(&el, &b.buckets, f, brushed, tab)));
        shown
    });
    let on_key = move |ev: ev::KeyboardEvent| {
        let cur = active.get_untracked().unwrap_or_else(first_with_data);
        let to = bars.with_untracked(|b| {
            let nav = &b.buckets;
            match ev.key().as_str() {
                "ArrowRight" | "ArrowDown" => Some(next_with_data(nav, cur, 1)),
                "ArrowLeft" | "ArrowUp" => Some(next_with_data(nav, cur, -1)),
                "Home" => Some(nav.iter().position(|b| b.has_data)),
                "End" => Some(nav.iter().rposition(|b| b.has_data)),
                "Enter" | " " => {
                    ev.prevent_default();
                    select_range(state, nav, cur, cur);
                    Some(None)
                }
                _ => None,
            }
        });
        if let Some(Some(i)) = to {
            ev.prevent_default();
            active.set(Some(i));
            focus_bar(i);
        }
    };
    let on_focus = move |ev: ev::FocusEvent| {
        if let Some(i) = bucket_at(ev.target()) {
            active.set(Some(i));
        }
    };
    let on_down = move |ev: ev::PointerEvent| {
        if let Some(i) = bucket_at(ev.target()) {
            ev.prevent_default();
            brush.set(Some((i, i)));
        }
    };
    let on_over = move |ev: ev::PointerEvent| {
        if let Some(i) = bucket_at(ev.target()) {
            brush.update(|r| {
                if let Some(r) = r {
                    r.1 = i
                }
            });
        }
    };
    let title = move || match bars.with(|b| b.granularity) {
        Granularity::Day => "Sessions per day (UTC)",
        Granularity::Week => "Sessions per week (UTC, ISO weeks)",
        Granularity::Month => "Sessions per month (UTC)",
    };
    view! {
        <Show when=move || bars.with(|b| !b.buckets.is_empty())>
            <section class="panel" id="timeline" aria-labelledby="timeline-title">
                <div class="panel-head">
                    <h2 id="timeline-title">{title}</h2>
                    <span class="legend small" aria-hidden="true">
                        <span class="key good"></span>
                        "successful "
                        <span class="key bad"></span>
                        "failed "
                        <span class="key line"></span>
                        "failure rate"
                    </span>
                    <label class="field inline small">
                        <span>"Show"</span>
                        <select
                            data-testid="timeline-granularity"
                            on:change=move |ev| choice.set(Granularity::parse(&event_target_value(&ev)))
                        >
                            <option value="auto" selected=move || choice.get().is_none()>"auto"</option>
                            <option value="day" selected=move || choice.get() == Some(Granularity::Day)>"days"</option>
                            <option value="week" selected=move || choice.get() == Some(Granularity::Week)>"weeks"</option>
                            <option value="month" selected=move || choice.get() == Some(Granularity::Month)>"months"</option>
                        </select>
                    </label>
                </div>
                <p class="small muted chart-summary" data-testid="timeline-summary">{move || bars.with(summary)}</p>
                <div class="chart" node_ref=chart on:keydown=on_key on:focusin=on_focus on:pointerdown=on_down on:pointerover=on_over></div>
                <p class="small muted">"Drag across the bars to filter a date range; use the arrow keys to move between them."</p>
            </section>
        </Show>
    }
}

/// A sentence that says what the chart shows (its text alternative).
fn summary(b: &Bars) -> String {
    let with_data: Vec<&Bucket> = b.buckets.iter().filter(|x| x.has_data).collect();
    let (Some(first), Some(last)) = (b.buckets.first(), b.buckets.last()) else { return String::new() };
    let unit = b.granularity.as_str();
    let failed: u128 = with_data.iter().map(|x| x.totals.failed).sum();
    let all: u128 = with_data.iter().map(|x| x.totals.sessions()).sum();
    let worst = with_data
        .iter()
        .filter(|x| x.totals.failed > 0)
        .max_by(|a, b| a.totals.failure_rate().unwrap_or(0.0).total_cmp(&b.totals.failure_rate().unwrap_or(0.0)));
    let plural = if with_data.len() == 1 { "" } else { "s" };
    let mut s = format!(
        "{} {unit}{plural} with reports from {} to {}: {} sessions, {} failed ({}).",
        with_data.len(),
        first.from,
        last.to,
        format::count(all),
        format::count(failed),
        format::percent((all > 0).then(|| failed as f64 / all as f64)),
    );
    if let Some(w) = worst {
        s.push_str(&format!(
            " Highest failure rate: the {unit} from {} ({}).",
            w.from,
            format::percent(w.totals.failure_rate())
        ));
    }
    s
}

/// Sets the date filter to buckets `a..=b`; a single bucket already selected is cleared.
fn select_range(state: AppState, buckets: &[Bucket], a: usize, b: usize) {
    let (Some(from), Some(to)) = (buckets.get(a).map(|x| x.from), buckets.get(b).map(|x| x.to)) else { return };
    state.filter.update(|f| {
        if f.from == Some(from) && f.to == Some(to) {
            f.from = None;
            f.to = None;
        } else {
            f.from = Some(from);
            f.to = Some(to);
        }
    });
}

/// The bucket to move to from `i` by `step`, skipping buckets without data.
fn next_with_data(buckets: &[Bucket], i: usize, step: isize) -> Option<usize> {
    let mut j = i as isize + step;
    while j >= 0 && (j as usize) < buckets.len() {
        if buckets[j as usize].has_data {
            return Some(j as usize);
        }
        j += step;
    }
    None
}

fn focus_bar(i: usize) {
    let el = document().get_element_by_id(&format!("tl-bar-{i}"));
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::SvgElement>().ok()) {
        let _ = el.focus();
    }
}

fn selected_in(f: &Filter, b: &Bucket) -> bool {
    f.from.is_some_and(|from| from <= b.from) && f.to.is_some_and(|to| to >= b.to)
}

/// The bucket an event happened in (its `data-index`).
fn bucket_at(target: Option<web_sys::EventTarget>) -> Option<usize> {
    number_at(&target?, "data-index")
}

/// Sets each bucket's selected and brushed state and the one Tab stop on
/// the chart's elements: these change with the filter, a drag and the
/// arrow keys, and the chart itself (its markup) only with the data.
fn mark_buckets(
    chart: &web_sys::Element,
    buckets: &[Bucket],
    filter: &Filter,
    brush: Option<(usize, usize)>,
    tab: usize,
) {
    let Ok(nodes) = chart.query_selector_all("g.bucket") else { return };
    for k in 0..nodes.length() {
        let Some(el) = nodes.item(k).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        let Some(i) = el.get_attribute("data-index").and_then(|v| v.parse::<usize>().ok()) else { continue };
        let Some(b) = buckets.get(i) else { continue };
        let selected = selected_in(filter, b);
        let brushed = brush.is_some_and(|(a, z)| (a.min(z)..=a.max(z)).contains(&i));
        let mut class = String::from(if b.has_data { "bucket" } else { "bucket gap" });
        if selected {
            class.push_str(" selected");
        }
        if brushed {
            class.push_str(" brushed");
        }
        let _ = el.set_attribute("class", &class);
        let _ = el.set_attribute("aria-pressed", if selected { "true" } else { "false" });
        let _ = el.set_attribute("tabindex", if i == tab { "0" } else { "-1" });
    }
}

/// Puts new chart markup in place; a bucket that had focus gives it to the
/// bucket starting on the same day, if there is one.
fn replace_chart(chart: &web_sys::Element, html: &str) {
    let focused = document()
        .active_element()
        .filter(|e| chart.contains(Some(e)))
        .and_then(|e| e.closest("g.bucket").ok().flatten())
        .and_then(|g| g.get_attribute("data-from"));
    chart.set_inner_html(html);
    if let Some(from) = focused {
        if let Ok(Some(el)) = chart.query_selector(&format!("g.bucket[data-from=\"{from}\"]")) {
            if let Ok(el) = el.dyn_into::<web_sys::SvgElement>() {
                let _ = el.focus();
            }
        }
    }
}

/// The chart as SVG markup: bars for sessions, dots for the failure rate,
/// axes, and a bucket group per bar carrying its test hooks and label.
/// Selection, brushing and the Tab stop are set afterwards ([`mark_buckets`]).
fn chart_markup(bars: &Bars, width: f64) -> String {
    let list = &bars.buckets;
    let n = list.len().max(1) as f64;
    let plot_w = width - LEFT - RIGHT;
    let step = plot_w / n;
    let bar_w = (step * 0.8).max(1.5).min(step.max(1.0));
    let max = list.iter().map(|b| b.totals.sessions()).max().unwrap_or(0).max(1);
    let y = |v: u128| TOP + BARS_H * (1.0 - v as f64 / max as f64);
    let rate_top = TOP + BARS_H + GAP;
    let height = rate_top + RATE_H + 24.0;
    let label_every = (list.len() / if width < 700.0 { 4 } else { 8 }).max(1);
    let granularity = bars.granularity;
    let long = list.last().zip(list.first()).is_some_and(|(l, f)| l.to.0 - f.from.0 > 300);
    let label_of = |d: Day| {
        let s = d.to_string();
        match granularity {
            Granularity::Month => s[..7].to_owned(),
            _ if long => s,
            _ => s[5..].to_owned(),
        }
    };
    let mut m = Markup::new();
    m.begin("svg")
        .attr("viewBox", &format!("0 0 {} {}", format::Fixed(width, 2), format::Fixed(height, 2)))
        .attr("class", "timeline")
        .attr("role", "group")
        .attr("aria-label", "Sessions over time; the failure rate is in the strip below the bars")
        .end_open();
    // Failed sessions are hatched (style/main.css), not told apart by hue alone.
    m.open("defs", &[])
        .open(
            "pattern",
            &[
                ("id", Some("hatch")),
                ("width", Some("6")),
                ("height", Some("6")),
                ("patternUnits", Some("userSpaceOnUse")),
                ("patternTransform", Some("rotate(45)")),
            ],
        )
        .open("rect", &[("width", Some("6")), ("height", Some("6")), ("class", Some("hatch-bg"))])
        .close("rect")
        .open(
            "line",
            &[
                ("x1", Some("0")),
                ("y1", Some("0")),
                ("x2", Some("0")),
                ("y2", Some("6")),
                ("class", Some("hatch-line")),
            ],
        )
        .close("line")
        .close("pattern")
        .close("defs");
    let grid = |m: &mut Markup, yy: f64, label: &str| {
        m.begin("line")
            .len_attr("x1", LEFT)
            .len_attr("x2", width - RIGHT)
            .len_attr("y1", yy)
            .len_attr("y2", yy)
            .attr("class", "grid")
            .end_open()
            .close("line");
        text(m, LEFT - 6.0, yy + 4.0, "axis", Some("end"), label);
    };
    for k in 0..=4 {
        let v = max as f64 * k as f64 / 4.0;
        grid(&mut m, TOP + BARS_H * (1.0 - k as f64 / 4.0), &format::count(v.round() as u64));
    }
    text(&mut m, LEFT, rate_top - 8.0, "axis strip-label", None, "failure rate");
    for r in [0.0, 0.5, 1.0] {
        grid(&mut m, rate_top + RATE_H * (1.0 - r), &format!("{} %", format::Fixed(r * 100.0, 0)));
    }
    let base = TOP + BARS_H;
    for (i, b) in list.iter().enumerate() {
        let left = LEFT + step * i as f64;
        let x = left + (step - bar_w) / 2.0;
        let range = if b.from == b.to { b.from.to_string() } else { format!("{} to {}", b.from, b.to) };
        let label = if b.has_data {
            format!(
                "{range}: {} successful, {} failed ({} failure rate)",
                format::count(b.totals.successful),
                format::count(b.totals.failed),
                format::percent(b.totals.failure_rate())
            )
        } else {
            format!("{range}: no reports")
        };
        m.begin("g")
            .attr("class", if b.has_data { "bucket" } else { "bucket gap" })
            .attr("id", &format!("tl-bar-{i}"))
            .num_attr("data-index", i)
            .attr("data-testid", "timeline-bucket")
            .attr("data-granularity", granularity.as_str())
            .num_attr("data-from", b.from)
            .num_attr("data-to", b.to)
            .num_attr("data-successful", b.totals.successful)
            .num_attr("data-failed", b.totals.failed)
            .attr("role", "button")
            .attr("aria-pressed", "false")
            .attr("aria-label", &label)
            .attr("tabindex", "-1")
            .end_open()
            .cell("title", None, &label);
        rect(&mut m, "hit", left, TOP, step, BARS_H);
        if granularity == Granularity::Day {
            m.begin("rect")
                .attr("class", "hit")
                .attr("data-testid", "timeline-day")
                .num_attr("data-day", b.from)
                .num_attr("data-successful", b.totals.successful)
                .num_attr("data-failed", b.totals.failed)
                .len_attr("x", left)
                .len_attr("y", TOP)
                .len_attr("width", step)
                .len_attr("height", BARS_H)
                .end_open()
                .close("rect");
        }
        if b.has_data {
            let ok_top = y(b.totals.successful);
            let all_top = y(b.totals.sessions());
            rect(&mut m, "ok", x, ok_top, bar_w, (base - ok_top).max(0.0));
            rect(&mut m, "bad", x, all_top, bar_w, (ok_top - all_top).max(0.0));
            if let Some(r) = b.totals.failure_rate() {
                m.begin("circle")
                    .len_attr("cx", x + bar_w / 2.0)
                    .len_attr("cy", rate_top + RATE_H * (1.0 - r))
                    .attr("r", "2.8")
                    .attr("class", "rate")
                    .end_open()
                    .close("circle");
            }
        } else {
            rect(&mut m, "gap-mark", x, base - 2.0, bar_w, 2.0);
        }
        if i % label_every == 0 {
            text(&mut m, x + bar_w / 2.0, base + 16.0, "axis", Some("middle"), &label_of(b.from));
        }
        m.close("g");
    }
    m.close("svg");
    m.into_string()
}

fn rect(m: &mut Markup, class: &str, x: f64, y: f64, width: f64, height: f64) {
    m.begin("rect")
        .attr("class", class)
        .len_attr("x", x)
        .len_attr("y", y)
        .len_attr("width", width)
        .len_attr("height", height)
        .end_open()
        .close("rect");
}

fn text(m: &mut Markup, x: f64, y: f64, class: &str, anchor: Option<&str>, label: &str) {
    m.begin("text").len_attr("x", x).len_attr("y", y).attr("class", class);
    if let Some(a) = anchor {
        m.attr("text-anchor", a);
    }
    m.end_open().text(label).close("text");
}
