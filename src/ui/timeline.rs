//! Sessions per UTC day as an SVG chart: successful and failed sessions
//! stacked, and the failure rate as a line. Written by hand: one chart of
//! bars does not justify a charting crate, and hand-written SVG keeps the
//! test hooks and accessibility under our control.

use leptos::prelude::*;

use super::state::AppState;
use crate::analysis::DayRow;
use crate::format;

const W: f64 = 1000.0;
const H: f64 = 220.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 26.0;
const LEFT: f64 = 56.0;

/// The chart, with a caption of the days shown.
#[component]
pub fn Timeline() -> impl IntoView {
    let state = expect_context::<AppState>();
    let days = move || state.snapshot.get().overview.timeline.clone();
    view! {
        <Show when=move || !days().is_empty()>
            <section class="panel" aria-labelledby="timeline-title">
                <div class="panel-head">
                    <h2 id="timeline-title">"Sessions per day (UTC)"</h2>
                    <span class="legend small">
                        <span class="key good"></span>
                        "successful "
                        <span class="key bad"></span>
                        "failed "
                        <span class="key line"></span>
                        "failure rate"
                    </span>
                </div>
                <div class="chart">{move || chart(days(), state)}</div>
            </section>
        </Show>
    }
}

fn chart(days: Vec<DayRow>, state: AppState) -> impl IntoView {
    let n = days.len().max(1) as f64;
    let plot_w = W - LEFT - 8.0;
    let step = plot_w / n;
    let bar_w = (step * 0.78).max(2.0).min(step.max(1.0));
    let max = days.iter().map(|d| d.totals.sessions()).max().unwrap_or(0).max(1);
    let max_rate =
        days.iter().filter_map(|d| d.totals.success_rate().map(|r| 1.0 - r)).fold(0.0f64, f64::max).max(0.01);
    let plot_h = H - TOP - BOTTOM;
    let y = move |v: u128| TOP + plot_h * (1.0 - v as f64 / max as f64);
    let selected = state.filter.with_untracked(|f| (f.from, f.to));
    let label_every = (days.len() / 8).max(1);
    // Over a year, labels need the year; within one, month and day are clearer.
    let long = days.last().zip(days.first()).is_some_and(|(l, f)| l.day.0 - f.day.0 > 300);
    // The failure rate as a marker per day with sessions: a line would invent
    // values for the days in between, which reports do not have.
    let markers = days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let r = d.totals.success_rate()?;
            let x = LEFT + step * (i as f64 + 0.5);
            let yy = TOP + plot_h * (1.0 - (1.0 - r) / max_rate);
            Some(view! { <circle cx=x cy=yy r=2.6 class="rate"></circle> })
        })
        .collect_view();
    let bars = days
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let x = LEFT + step * i as f64 + (step - bar_w) / 2.0;
            let ok_top = y(d.totals.successful);
            let all_top = y(d.totals.sessions());
            let base = TOP + plot_h;
            let day = d.day;
            let is_sel = selected == (Some(day), Some(day));
            let title = format!(
                "{day}: {} successful, {} failed ({} failure rate)",
                format::count(d.totals.successful),
                format::count(d.totals.failed),
                format::percent(d.totals.success_rate().map(|r| 1.0 - r))
            );
            let pick = move || {
                state.filter.update(|f| {
                    if f.from == Some(day) && f.to == Some(day) {
                        f.from = None;
                        f.to = None;
                    } else {
                        f.from = Some(day);
                        f.to = Some(day);
                    }
                })
            };
            let label = (i % label_every == 0).then(|| {
                view! {
                    <text x=x + bar_w / 2.0 y=H - 8.0 class="axis" text-anchor="middle">
                        {if long { day.to_string() } else { day.to_string()[5..].to_owned() }}
                    </text>
                }
            });
            let aria = title.clone();
            view! {
                <g
                    class="day"
                    class:selected=is_sel
                    data-testid="timeline-day"
                    data-day=day.to_string()
                    data-successful=d.totals.successful.to_string()
                    data-failed=d.totals.failed.to_string()
                    tabindex="0"
                    role="button"
                    aria-label=aria
                    on:click=move |_| pick()
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" || ev.key() == " " {
                            ev.prevent_default();
                            pick();
                        }
                    }
                >
                    <title>{title}</title>
                    <rect class="hit" x=LEFT + step * i as f64 y=TOP width=step height=plot_h></rect>
                    <rect class="ok" x=x y=ok_top width=bar_w height=(base - ok_top).max(0.0)></rect>
                    <rect class="bad" x=x y=all_top width=bar_w height=(ok_top - all_top).max(0.0)></rect>
                    {label}
                </g>
            }
        })
        .collect_view();
    let ticks = (0..=4)
        .map(|k| {
            let v = max as f64 * k as f64 / 4.0;
            let yy = TOP + plot_h * (1.0 - k as f64 / 4.0);
            view! {
                <line x1=LEFT x2=W - 8.0 y1=yy y2=yy class="grid"></line>
                <text x=LEFT - 6.0 y=yy + 4.0 class="axis" text-anchor="end">
                    {format::count(v.round() as u64)}
                </text>
            }
        })
        .collect_view();
    view! {
        <svg viewBox=format!("0 0 {W} {H}") class="timeline" role="group" aria-label="Sessions per day">
            {ticks}
            {bars}
            {markers}
        </svg>
    }
}
