//! The findings panel: what is wrong, where, since when and what to do,
//! most important first, right under the KPIs.

use leptos::prelude::*;

use super::state::AppState;
use crate::analysis::findings::{all_clear, findings, Finding, Severity};

/// Findings shown before "Show all".
const FIRST: usize = 6;

/// The ranked findings, or a plain all-clear.
#[component]
pub fn FindingsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage = super::stages::current();
    // Judged over everything loaded, once a load has ended (not on every refresh during one).
    let list = Memo::new(move |_| {
        if stage.shown.get().loading {
            return None;
        }
        Some(state.data.with_value(findings))
    });
    let clear_line = move || {
        let all = stage.all.get();
        state.data.with_value(|d| all_clear(d, &all.overview))
    };
    let expanded = RwSignal::new(false);
    let problems =
        move || list.with(|l| l.as_ref().map_or(0, |l| l.iter().filter(|f| f.severity != Severity::Info).count()));
    let shown = move || {
        list.with(|l| {
            let l = l.as_deref().unwrap_or_default();
            let n = if expanded.get() { l.len() } else { l.len().min(FIRST) };
            l[..n].iter().cloned().enumerate().collect::<Vec<_>>()
        })
    };
    let total = move || list.with(|l| l.as_ref().map_or(0, Vec::len));
    view! {
        <section class="panel findings-panel" id="findings" aria-labelledby="findings-title">
            <div class="panel-head">
                <h2 id="findings-title">"Findings"</h2>
                <span class="muted small">
                    {move || match list.with(Option::is_none) {
                        true => "judged when the load ends".to_owned(),
                        false => format!("{} to look at, {} in all", problems(), total()),
                    }}
                </span>
            </div>
            <p class="all-clear" class:ok=move || problems() == 0 data-testid="findings-summary">
                {move || if problems() == 0 { format!("Nothing to fix. {}.", clear_line()) } else { format!("{}.", clear_line()) }}
            </p>
            <ol class="finding-list">
                <For each=shown key=|(i, f)| (*i, f.kind, f.domain.clone(), f.subject.clone()) let:item>
                    <FindingItem finding=item.1 />
                </For>
            </ol>
            <Show when=move || { total() > FIRST }>
                <button type="button" class="btn small" aria-expanded=move || expanded.get().to_string() on:click=move |_| expanded.update(|e| *e = !*e)>
                    {move || if expanded.get() { "Show fewer".to_owned() } else { format!("Show all ({})", total()) }}
                </button>
            </Show>
        </section>
    }
}

/// One finding: severity, what, evidence, what to do; a click shows its evidence.
#[component]
fn FindingItem(finding: Finding) -> impl IntoView {
    let state = expect_context::<AppState>();
    let sev = finding.severity.as_str();
    let filter = finding.filter.clone();
    let more = finding.result_type.clone().map(|t| {
        view! { <a class="more" href=format!("#explain-{t}")>{format!("What {t} means")}</a> }
    });
    view! {
        <li
            class=format!("finding {sev}")
            data-testid="finding"
            data-severity=sev
            data-kind=finding.kind
            data-domain=finding.domain.clone().unwrap_or_default()
        >
            <span class=format!("badge sev {sev}")>{sev}</span>
            <div class="finding-body">
                <button type="button" class="finding-title" on:click=move |_| state.filter.set(filter.clone())>
                    {finding.title.clone()}
                </button>
                <p class="evidence small">{finding.evidence.clone()}</p>
                <p class="action small">
                    <strong>"What to do: "</strong>
                    {finding.action.clone()}
                    " "
                    {more}
                </p>
            </div>
        </li>
    }
}
