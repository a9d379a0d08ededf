//! The KPI strip: the numbers a postmaster looks at first. With a date range
//! set, each shows its change against the preceding period of the same length.

use leptos::prelude::*;

use super::state::AppState;
use crate::analysis::{Filter, Kpis, Overview};
use crate::format;
use crate::report::datetime::Day;

/// The filter for the period just before the filter's date range, same length.
fn previous_period(f: &Filter) -> Option<Filter> {
    let (from, to) = (f.from?, f.to?);
    let len = to.0 - from.0 + 1;
    Some(Filter { from: Some(Day(from.0 - len)), to: Some(Day(from.0 - 1)), ..f.clone() })
}

/// "+12 % vs the previous 7 days", or "new" when the previous period had none.
fn change(now: u128, before: u128, days: i64) -> String {
    if before == 0 {
        return if now == 0 { String::new() } else { format!("none in the previous {days} days") };
    }
    let pct = (now as f64 - before as f64) / before as f64 * 100.0;
    let sign = if pct > 0.0 { "+" } else { "" };
    format!("{sign}{} % vs the previous {days} days", format::Fixed(pct, 0))
}

/// One KPI tile.
#[component]
fn Kpi(
    label: &'static str,
    testid: &'static str,
    value: Signal<u128>,
    #[prop(into)] delta: Signal<String>,
    #[prop(optional)] tone: &'static str,
) -> impl IntoView {
    view! {
        <div class=format!("kpi {tone}") data-testid=testid data-value=move || value.get().to_string()>
            <div class="kpi-value">{move || format::count(value.get())}</div>
            <div class="kpi-label">{label}</div>
            <Show when=move || !delta.get().is_empty()>
                <div class="kpi-delta small">{move || delta.get()}</div>
            </Show>
        </div>
    }
}

/// Unique reports, organizations, domains, sessions and the success rate.
#[component]
pub fn KpiStrip() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage = super::stages::current();
    let k = move || stage.snapshot.get().overview.kpis.clone();
    // The preceding period: computed only while a date range is set.
    let before = Memo::new(move |_| {
        stage.shown.track();
        let f = state.filter.get();
        let prev = previous_period(&f)?;
        let days = f.to?.0 - f.from?.0 + 1;
        Some((state.data.with_value(|d| Overview::filtered(d, &prev).kpis), days))
    });
    let delta = move |pick: fn(&Kpis) -> u128| {
        Signal::derive(move || match before.get() {
            Some((b, days)) => change(pick(&k()), pick(&b), days),
            None => String::new(),
        })
    };
    let rate = move || k().totals.success_rate();
    view! {
        <section class="kpis" aria-label="Totals">
            <Kpi label="unique reports" testid="kpi-reports" value=Signal::derive(move || k().reports as u128) delta=delta(|k| k.reports as u128) />
            <Kpi label="reporting organizations" testid="kpi-orgs" value=Signal::derive(move || k().organizations as u128) delta=delta(|k| k.organizations as u128) />
            <Kpi label="policy domains" testid="kpi-domains" value=Signal::derive(move || k().domains as u128) delta=delta(|k| k.domains as u128) />
            <Kpi label="successful sessions" testid="kpi-successful" tone="good" value=Signal::derive(move || k().totals.successful) delta=delta(|k| k.totals.successful) />
            <Kpi label="failed sessions" testid="kpi-failed" tone="bad" value=Signal::derive(move || k().totals.failed) delta=delta(|k| k.totals.failed) />
            <div class="kpi rate" data-testid="kpi-rate" data-value=move || rate().map(|r| format::Fixed(r, 6).to_string()).unwrap_or_default()>
                <div class="kpi-value">{move || format::percent(rate())}</div>
                <div class="kpi-label">"success rate"</div>
                <div class="meter" aria-hidden="true">
                    <div class="meter-fill" style:width=move || format!("{}%", format::Fixed(rate().unwrap_or(0.0) * 100.0, 2))></div>
                </div>
            </div>
        </section>
    }
}
