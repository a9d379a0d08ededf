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

use super::state::AppState;
use crate::analysis::timeline::{buckets, Bucket, Granularity};
use crate::analysis::Filter;
use crate::format;
use crate::report::datetime::Day;

/// The chart's width in its own units: the window's width, within limits, so
/// axis text keeps a readable size from phones to wide screens.
fn chart_width() -> f64 {
    window().inner_width().ok().and_then(|w| w.as_f64()).unwrap_or(1000.0).clamp(380.0, 1000.0)
}
const BARS_H: f64 = 190.0;
const RATE_H: f64 = 70.0;
const GAP: f64 = 30.0;
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
                <div class="chart">{move || bars.with(|b| chart(b, state, active, brush))}</div>
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

fn chart(
    bars: &Bars,
    state: AppState,
    active: RwSignal<Option<usize>>,
    brush: RwSignal<Option<(usize, usize)>>,
) -> impl IntoView {
    #[allow(non_snake_case)]
    let W = chart_width();
    let list = bars.buckets.clone();
    let n = list.len().max(1) as f64;
    let plot_w = W - LEFT - RIGHT;
    let step = plot_w / n;
    let bar_w = (step * 0.8).max(1.5).min(step.max(1.0));
    let max = list.iter().map(|b| b.totals.sessions()).max().unwrap_or(0).max(1);
    let y = move |v: u128| TOP + BARS_H * (1.0 - v as f64 / max as f64);
    let rate_top = TOP + BARS_H + GAP;
    let height = rate_top + RATE_H + 24.0;
    let label_every = (list.len() / if W < 700.0 { 4 } else { 8 }).max(1);
    let first_with_data = list.iter().position(|b| b.has_data).unwrap_or(0);
    let tab_stop = move || active.get().unwrap_or(first_with_data);
    let granularity = bars.granularity;
    let is_day = granularity == Granularity::Day;
    let long = list.last().zip(list.first()).is_some_and(|(l, f)| l.to.0 - f.from.0 > 300);
    let label_of = move |d: Day| {
        let s = d.to_string();
        match granularity {
            Granularity::Month => s[..7].to_owned(),
            _ if long => s,
            _ => s[5..].to_owned(),
        }
    };
    let nav = list.clone();
    let on_key = move |ev: ev::KeyboardEvent| {
        let cur = active.get_untracked().unwrap_or(first_with_data);
        let to = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => next_with_data(&nav, cur, 1),
            "ArrowLeft" | "ArrowUp" => next_with_data(&nav, cur, -1),
            "Home" => nav.iter().position(|b| b.has_data),
            "End" => nav.iter().rposition(|b| b.has_data),
            "Enter" | " " => {
                ev.prevent_default();
                select_range(state, &nav, cur, cur);
                None
            }
            _ => return,
        };
        if let Some(i) = to {
            ev.prevent_default();
            active.set(Some(i));
            focus_bar(i);
        }
    };
    let bars_view = list
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let b = *b;
            let x = LEFT + step * i as f64 + (step - bar_w) / 2.0;
            let base = TOP + BARS_H;
            let ok_top = y(b.totals.successful);
            let all_top = y(b.totals.sessions());
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
            let title = label.clone();
            let selected = move || state.filter.with(|f| selected_in(f, &b));
            let in_brush = move || brush.get().is_some_and(|(a, z)| (a.min(z)..=a.max(z)).contains(&i));
            let tick = (i % label_every == 0).then(|| {
                view! { <text x=x + bar_w / 2.0 y=base + 16.0 class="axis" text-anchor="middle">{label_of(b.from)}</text> }
            });
            let day_hook = is_day.then(|| {
                view! {
                    <rect class="hit" data-testid="timeline-day" data-day=b.from.to_string()
                        data-successful=b.totals.successful.to_string() data-failed=b.totals.failed.to_string()
                        x=LEFT + step * i as f64 y=TOP width=step height=BARS_H></rect>
                }
            });
            let rate = b.totals.failure_rate().filter(|_| b.has_data).map(|r| {
                let cy = rate_top + RATE_H * (1.0 - r);
                view! { <circle cx=x + bar_w / 2.0 cy=cy r=2.8 class="rate"></circle> }
            });
            view! {
                <g
                    class="bucket"
                    class:gap=!b.has_data
                    class:selected=selected
                    class:brushed=in_brush
                    id=format!("tl-bar-{i}")
                    data-testid="timeline-bucket"
                    data-granularity=granularity.as_str()
                    data-from=b.from.to_string()
                    data-to=b.to.to_string()
                    data-successful=b.totals.successful.to_string()
                    data-failed=b.totals.failed.to_string()
                    role="button"
                    aria-pressed=move || if selected() { "true" } else { "false" }
                    aria-label=label
                    tabindex=move || if tab_stop() == i { "0" } else { "-1" }
                    on:focus=move |_| active.set(Some(i))
                    on:pointerdown=move |ev: ev::PointerEvent| {
                        ev.prevent_default();
                        brush.set(Some((i, i)));
                    }
                    on:pointerenter=move |_| brush.update(|r| if let Some(r) = r { r.1 = i })
                >
                    <title>{title}</title>
                    <rect class="hit" x=LEFT + step * i as f64 y=TOP width=step height=BARS_H></rect>
                    {day_hook}
                    {b.has_data.then(|| view! {
                        <rect class="ok" x=x y=ok_top width=bar_w height=(base - ok_top).max(0.0)></rect>
                        <rect class="bad" x=x y=all_top width=bar_w height=(ok_top - all_top).max(0.0)></rect>
                    })}
                    {(!b.has_data).then(|| view! { <rect class="gap-mark" x=x y=base - 2.0 width=bar_w height=2.0></rect> })}
                    {rate}
                    {tick}
                </g>
            }
        })
        .collect_view();
    let ticks = (0..=4)
        .map(|k| {
            let v = max as f64 * k as f64 / 4.0;
            let yy = TOP + BARS_H * (1.0 - k as f64 / 4.0);
            view! {
                <line x1=LEFT x2=W - RIGHT y1=yy y2=yy class="grid"></line>
                <text x=LEFT - 6.0 y=yy + 4.0 class="axis" text-anchor="end">{format::count(v.round() as u64)}</text>
            }
        })
        .collect_view();
    let rate_ticks = [0.0, 0.5, 1.0]
        .into_iter()
        .map(|r| {
            let yy = rate_top + RATE_H * (1.0 - r);
            view! {
                <line x1=LEFT x2=W - RIGHT y1=yy y2=yy class="grid"></line>
                <text x=LEFT - 6.0 y=yy + 4.0 class="axis" text-anchor="end">{format!("{:.0} %", r * 100.0)}</text>
            }
        })
        .collect_view();
    view! {
        <svg
            viewBox=format!("0 0 {W} {height}")
            class="timeline"
            role="group"
            aria-label="Sessions over time; the failure rate is in the strip below the bars"
            on:keydown=on_key
        >
            <defs>
                <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <rect width="6" height="6" class="hatch-bg"></rect>
                    <line x1="0" y1="0" x2="0" y2="6" class="hatch-line"></line>
                </pattern>
            </defs>
            {ticks}
            <text x=LEFT y=rate_top - 8.0 class="axis strip-label">"failure rate"</text>
            {rate_ticks}
            {bars_view}
        </svg>
    }
}
