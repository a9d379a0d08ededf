//! The findings panel: what is wrong, where, since when and what to do,
//! most important first, right under the KPIs.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::loader::yield_now;
use super::rows::number_at;
use super::state::AppState;
use super::tables::show_all_text;
use crate::analysis::findings::{all_clear, Finding, Judged, Judging};
use crate::markup::Markup;

/// Findings shown before "Show all".
const FIRST: usize = 6;

/// Findings shown at most: a hosting provider's 100,000 domains give over
/// 150,000, far more than a page can hold or a person read; the filters
/// narrow them (and their order puts the worst first).
const MOST: usize = 500;

/// The ranked findings, or a plain all-clear.
#[component]
pub fn FindingsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage = super::stages::current();
    // Judged over everything loaded, once a load has ended (not on every
    // refresh during one), a slice of domains per task.
    let list = RwSignal::new(None::<Arc<Judged>>);
    let run = StoredValue::new(0u64);
    Effect::new(move |_| {
        let shown = stage.shown.get();
        run.update_value(|r| *r += 1);
        list.set(None);
        state.judging.set(!shown.loading);
        if !shown.loading {
            spawn_local(judge_in_slices(state, run, list));
        }
    });
    let clear_line = move || {
        let all = stage.all.get();
        state.data.with_value(|d| all_clear(d, &all.overview))
    };
    let expanded = RwSignal::new(false);
    let problems = move || list.with(|l| l.as_ref().map_or(0, |l| l.problems));
    let shown = move || {
        list.with(|l| {
            let l = l.as_ref().map_or(&[][..], |l| &l.first[..]);
            let n = if expanded.get() { l.len() } else { l.len().min(FIRST) };
            l[..n].iter().cloned().enumerate().collect::<Vec<_>>()
        })
    };
    let total = move || list.with(|l| l.as_ref().map_or(0, |l| l.total));
    let items = Signal::derive(move || shown().iter().map(|(i, f)| finding_markup(*i, f)).collect::<String>());
    // One listener for the list: a finding's title narrows every view to its evidence.
    let pick = move |ev: leptos::ev::MouseEvent| {
        let Some(i) = ev.target().and_then(|t| number_at(&t, "data-finding")) else { return };
        if let Some(filter) = list.with_untracked(|l| l.as_ref().and_then(|l| l.first.get(i)).map(Finding::filter)) {
            state.filter.set(filter);
        }
    };
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
            <ol class="finding-list" on:click=pick inner_html=move || items.get()></ol>
            <Show when=move || { total() > FIRST }>
                <button type="button" class="btn small" aria-expanded=move || expanded.get().to_string() on:click=move |_| expanded.update(|e| *e = !*e)>
                    {move || show_all_text(expanded.get(), total(), MOST)}
                </button>
            </Show>
        </section>
    }
}

/// Domains judged per task: at 100,000 domains a slice takes a few
/// milliseconds, and judging them all at once was a task of ~130 ms.
const SLICE: usize = 4_000;

/// Judges the findings over the data set a slice at a time, yielding between
/// slices, and shows them; gives up when a newer judging started (`run`
/// moved on) or the data changed meanwhile (a new load: its end judges again).
async fn judge_in_slices(state: AppState, run: StoredValue<u64>, list: RwSignal<Option<Arc<Judged>>>) {
    let this = run.get_value();
    let version = state.version.get_untracked();
    let mut judging = Judging::keeping(MOST);
    loop {
        if run.get_value() != this || state.version.get_untracked() != version {
            return;
        }
        if state.data.with_value(|d| judging.step(d.finding_facts(), SLICE)) {
            break;
        }
        yield_now().await;
    }
    list.set(Some(Arc::new(judging.judged())));
    state.judging.set(false);
}

/// One finding, written as markup: severity, what, evidence, what to do.
/// Its title is a button (`data-finding`, its rank) that the list's one
/// listener turns into the finding's filter.
fn finding_markup(rank: usize, f: &Finding) -> String {
    let sev = f.severity.as_str();
    let mut m = Markup::new();
    m.begin("li")
        .attr("class", &format!("finding {sev}"))
        .attr("data-testid", "finding")
        .attr("data-severity", sev)
        .attr("data-kind", f.kind)
        .attr("data-domain", f.domain.as_deref().unwrap_or_default())
        .end_open()
        .cell("span", Some(&format!("badge sev {sev}")), sev)
        .open("div", &[("class", Some("finding-body"))])
        .begin("button")
        .attr("type", "button")
        .attr("class", "finding-title")
        .num_attr("data-finding", rank)
        .end_open()
        .text(&f.title())
        .close("button")
        .cell("p", Some("evidence small"), &f.evidence())
        .open("p", &[("class", Some("action small"))])
        .cell("strong", None, "What to do: ")
        .text(&f.action())
        .text(" ");
    if let Some(t) = &f.result_type {
        m.open("a", &[("class", Some("more")), ("href", Some(&format!("#explain-{t}")))])
            .text(&format!("What {t} means"))
            .close("a");
    }
    m.close("p").close("div").close("li");
    m.into_string()
}
