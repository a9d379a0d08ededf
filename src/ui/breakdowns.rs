//! Failures explained per result type, and breakdowns by policy, MX and IP.

use leptos::prelude::*;

use super::state::AppState;
use super::tables::{bar, SortHeader};
use crate::analysis::explain::explain;
use crate::analysis::table::{sorted_indices, SortState};
use crate::analysis::{toggle, BreakdownRow, Filter};
use crate::format;

/// One card per result type present: what it means and what to fix.
#[component]
pub fn Explanations() -> impl IntoView {
    let state = expect_context::<AppState>();
    let cards = move || {
        let snap = state.snapshot.get();
        let ov = &snap.overview;
        ov.result_types
            .iter()
            .map(|t| {
                // Name the affected domain in the advice when there is just one.
                let domain = if t.domains == 1 { t.first_domain.clone() } else { String::new() };
                (t.result_type.clone(), t.sessions, explain(&t.result_type, &domain))
            })
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || !cards().is_empty()>
            <section class="panel" aria-labelledby="explain-title">
                <div class="panel-head">
                    <h2 id="explain-title">"What the failures mean"</h2>
                </div>
                <div class="cards">
                    <For each=cards key=|c| (c.0.clone(), c.1) let:card>
                        <article class="card">
                            <h3>
                                <code class="rtype">{card.0.clone()}</code>
                                <span class="muted small">{format!(" {} failed sessions", format::count(card.1))}</span>
                            </h3>
                            <p>{card.2.meaning.clone()}</p>
                            <p class="fix">
                                <strong>"What to do: "</strong>
                                {card.2.fix.clone()}
                            </p>
                        </article>
                    </For>
                </div>
            </section>
        </Show>
    }
}

/// Which breakdown a table shows, and how a click on its row filters.
#[derive(Clone, Copy)]
enum Kind {
    Policy,
    ReceivingMx,
    ReceivingIp,
    SendingIp,
}

impl Kind {
    fn rows(self, state: &AppState) -> Vec<BreakdownRow> {
        let snap = state.snapshot.get();
        let o = &snap.overview;
        match self {
            Kind::Policy => o.policies.clone(),
            Kind::ReceivingMx => o.receiving_mx.clone(),
            Kind::ReceivingIp => o.receiving_ip.clone(),
            Kind::SendingIp => o.sending_ip.clone(),
        }
    }

    fn select(self, f: &mut Filter, key: &str) {
        match self {
            Kind::Policy => toggle(&mut f.policy, key),
            // Hosts and addresses have no filter field of their own: search for them.
            _ => f.text = if f.text == key { String::new() } else { key.to_owned() },
        }
    }
}

#[component]
fn BreakdownTable(title: &'static str, kind: Kind, testid: &'static str, with_successful: bool) -> impl IntoView {
    let state = expect_context::<AppState>();
    let sort = RwSignal::new(SortState::new("failed", true));
    let rows = move || {
        let rows = kind.rows(&state);
        sorted_indices(&rows, &sort.get()).into_iter().take(50).map(|i| rows[i].clone()).collect::<Vec<_>>()
    };
    let max = move || kind.rows(&state).iter().map(|r| r.failed).max().unwrap_or(0);
    let total = move || kind.rows(&state).len();
    let any = move || total() > 0;
    view! {
        <section class="panel">
            <div class="panel-head">
                <h2>{title}</h2>
                <span class="muted small">
                    {move || if total() > 50 { format!("top 50 of {}", total()) } else { String::new() }}
                </span>
            </div>
            <Show when=any fallback=|| view! { <p class="empty">"Nothing to show."</p> }>
                <div class="table-wrap">
                    <table class="dense">
                        <thead>
                            <tr>
                                <SortHeader label="Value" column="key" sort=sort />
                                {with_successful
                                    .then(|| view! { <SortHeader label="Successful" column="successful" sort=sort numeric=true /> })}
                                <SortHeader label="Failed" column="failed" sort=sort numeric=true />
                                <SortHeader label="Entries" column="entries" sort=sort numeric=true />
                            </tr>
                        </thead>
                        <tbody>
                            <For each=rows key=|r| r.clone() let:r>
                                {
                                    let key = r.key.clone();
                                    view! {
                                        <tr
                                            class="clickable"
                                            data-testid=testid
                                            data-key=r.key.clone()
                                            data-failed=r.failed.to_string()
                                            tabindex="0"
                                            on:click=move |_| state.filter.update(|f| kind.select(f, &key))
                                        >
                                            <td class="mono">
                                                {if r.key.is_empty() { "(not reported)".to_owned() } else { r.key.clone() }}
                                            </td>
                                            {with_successful.then(|| view! { <td class="num">{format::count(r.successful)}</td> })}
                                            <td class="num">{format::count(r.failed)} {bar(r.failed, max(), "bad")}</td>
                                            <td class="num">{format::count(r.entries as u64)}</td>
                                        </tr>
                                    }
                                }
                            </For>
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}

/// The four breakdown tables.
#[component]
pub fn Breakdowns() -> impl IntoView {
    view! {
        <div class="grid-2">
            <BreakdownTable title="By policy and MTA-STS mode" kind=Kind::Policy testid="policy-row" with_successful=true />
            <BreakdownTable title="Failures by receiving MX" kind=Kind::ReceivingMx testid="mx-row" with_successful=false />
            <BreakdownTable title="Failures by receiving IP" kind=Kind::ReceivingIp testid="receiving-ip-row" with_successful=false />
            <BreakdownTable title="Failures by sending MTA IP" kind=Kind::SendingIp testid="sending-ip-row" with_successful=false />
        </div>
    }
}
