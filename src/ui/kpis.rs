//! The KPI strip: the numbers a postmaster looks at first.

use leptos::prelude::*;

use super::state::AppState;
use crate::format;

/// One KPI tile.
#[component]
fn Kpi(
    label: &'static str,
    testid: &'static str,
    value: Signal<u128>,
    #[prop(optional)] tone: &'static str,
) -> impl IntoView {
    view! {
        <div class=format!("kpi {tone}") data-testid=testid data-value=move || value.get().to_string()>
            <div class="kpi-value">{move || format::count(value.get())}</div>
            <div class="kpi-label">{label}</div>
        </div>
    }
}

/// Unique reports, organizations, domains, sessions and the success rate.
#[component]
pub fn KpiStrip() -> impl IntoView {
    let state = expect_context::<AppState>();
    let k = move || state.snapshot.get().overview.kpis.clone();
    let rate = move || k().totals.success_rate();
    view! {
        <section class="kpis" aria-label="Totals">
            <Kpi label="unique reports" testid="kpi-reports" value=Signal::derive(move || k().reports as u128) />
            <Kpi label="reporting organizations" testid="kpi-orgs" value=Signal::derive(move || k().organizations as u128) />
            <Kpi label="policy domains" testid="kpi-domains" value=Signal::derive(move || k().domains as u128) />
            <Kpi label="successful sessions" testid="kpi-successful" tone="good" value=Signal::derive(move || k().totals.successful) />
            <Kpi label="failed sessions" testid="kpi-failed" tone="bad" value=Signal::derive(move || k().totals.failed) />
            <div class="kpi rate" data-testid="kpi-rate" data-value=move || rate().map(|r| format!("{r:.6}")).unwrap_or_default()>
                <div class="kpi-value">{move || format::percent(rate())}</div>
                <div class="kpi-label">"success rate"</div>
                <div class="meter" aria-hidden="true">
                    <div class="meter-fill" style:width=move || format!("{:.2}%", rate().unwrap_or(0.0) * 100.0)></div>
                </div>
            </div>
        </section>
    }
}
