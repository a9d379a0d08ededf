//! Failures explained per result type, and breakdowns by policy, MX and IP.

use leptos::prelude::*;

use super::rows::{bar, begin_select_row, count_cell, row_head, MarkupBody};
use super::stages::{Stage, BY_ADDRESS};
use super::state::StageView;
use super::tables::SortHeader;
use crate::analysis::explain::explain;
use crate::analysis::table::{top_indices, SortState};
use crate::analysis::{BreakdownRow, Filter, FilterField, ResultTypeRow, Sorted};
use crate::format;
use crate::markup::Markup;

/// One card per result type present: what it means and what to fix.
#[component]
pub fn Explanations() -> impl IntoView {
    let stage = super::stages::current();
    let any = move || stage.snapshot.with(|s| !s.overview.result_types.is_empty());
    let cards = Signal::derive(move || stage.snapshot.with(|s| explanation_cards(&s.overview.result_types)));
    view! {
        <Show when=any>
            <section class="panel" aria-labelledby="explain-title">
                <div class="panel-head">
                    <h2 id="explain-title">"What the failures mean"</h2>
                </div>
                <div class="cards" inner_html=move || cards.get()></div>
            </section>
        </Show>
    }
}

/// The cards' markup: each result type, its failed sessions, what it means
/// and what to do (naming the affected domain when there is just one). Each
/// card is the target of the findings' "What … means" links.
fn explanation_cards(types: &[ResultTypeRow]) -> String {
    let mut m = Markup::new();
    for t in types {
        let domain = if t.domains == 1 { t.first_domain.as_str() } else { "" };
        let e = explain(&t.result_type, domain);
        m.begin("article")
            .attr("class", "card")
            .attr("id", &format!("explain-{}", t.result_type))
            .end_open()
            .open("h3", &[])
            .cell("code", Some("rtype"), &t.result_type)
            .cell("span", Some("muted small"), &format!(" {} failed sessions", format::count(t.sessions)))
            .close("h3")
            .cell("p", None, &e.meaning)
            .open("p", &[("class", Some("fix"))])
            .cell("strong", None, "What to do: ")
            .text(&e.fix)
            .close("p")
            .close("article");
    }
    m.into_string()
}

/// Which breakdown a table shows, and which filter its rows set.
#[derive(Clone, Copy)]
enum Kind {
    Policy,
    ReceivingMx,
    ReceivingIp,
    SendingIp,
}

impl Kind {
    /// Reads its rows in place: a breakdown by sending IP can hold tens of
    /// thousands, and copying them for every cell that reads them showed up
    /// as ~50 ms at the end of a 64k-report load.
    fn with_rows<T>(self, stage: &StageView, f: impl FnOnce(&[BreakdownRow]) -> T) -> T {
        stage.snapshot.with(|snap| {
            let o = &snap.overview;
            f(match self {
                Kind::Policy => &o.policies,
                Kind::ReceivingMx => &o.receiving_mx,
                Kind::ReceivingIp => &o.receiving_ip,
                Kind::SendingIp => &o.sending_ip,
            })
        })
    }

    /// The address and MX lists, which are sorted only when something needs
    /// them all in order (47,000 sending IPs at 64k reports: sorting them was
    /// the longest stage of a load); `None` for the policies.
    fn with_long_list<T>(self, stage: &StageView, f: impl FnOnce(&Sorted<BreakdownRow>) -> T) -> Option<T> {
        stage.snapshot.with(|snap| {
            let o = &snap.overview;
            match self {
                Kind::Policy => None,
                Kind::ReceivingMx => Some(f(&o.receiving_mx)),
                Kind::ReceivingIp => Some(f(&o.receiving_ip)),
                Kind::SendingIp => Some(f(&o.sending_ip)),
            }
        })
    }

    /// The first `n` rows in the overview's order.
    fn first(self, stage: &StageView, n: usize) -> Vec<BreakdownRow> {
        self.with_long_list(stage, |list| list.first(n))
            .unwrap_or_else(|| self.with_rows(stage, |rows| rows.iter().take(n).cloned().collect()))
    }

    /// How many rows, and the most failed sessions of any, without sorting.
    fn count_and_max(self, stage: &StageView) -> (usize, u128) {
        let of = |rows: &[BreakdownRow]| (rows.len(), rows.iter().map(|r| r.failed).max().unwrap_or(0));
        self.with_long_list(stage, |list| list.with_any_order(of)).unwrap_or_else(|| self.with_rows(stage, of))
    }

    /// The filter field a row selects, exactly.
    fn field(self) -> FilterField {
        match self {
            Kind::Policy => FilterField::Policy,
            Kind::ReceivingMx => FilterField::ReceivingMx,
            Kind::ReceivingIp => FilterField::ReceivingIp,
            Kind::SendingIp => FilterField::SendingIp,
        }
    }

    /// The `data-kind` of its rows.
    fn hook(self) -> &'static str {
        match self {
            Kind::Policy => "policy",
            Kind::ReceivingMx => "receiving-mx",
            Kind::ReceivingIp => "receiving-ip",
            Kind::SendingIp => "sending-ip",
        }
    }
}

/// Rows shown per breakdown; the rest are counted in the header.
const TOP: usize = 50;

/// A breakdown's rows; `max` is the most failed sessions of any row.
fn breakdown_rows(rows: &[BreakdownRow], filter: &Filter, kind: Kind, with_successful: bool, max: u128) -> String {
    let mut m = Markup::new();
    for r in rows {
        begin_select_row(&mut m, filter, kind.field(), kind.hook(), &r.key)
            .attr("data-testid", "breakdown-row")
            .attr("data-kind", kind.hook())
            .attr("data-key", &r.key)
            .num_attr("data-sessions", r.failed)
            .end_open();
        row_head(&mut m, Some("mono")).text(if r.key.is_empty() { "(not reported)" } else { &r.key }).close("th");
        if with_successful {
            count_cell(&mut m, r.successful);
        }
        m.open("td", &[("class", Some("num"))]).text(&format::count(r.failed)).text(" ");
        bar(&mut m, r.failed, max, "bar bad");
        m.close("td");
        count_cell(&mut m, r.entries as u64);
        m.close("tr");
    }
    m.into_string()
}

#[component]
fn BreakdownTable(title: &'static str, kind: Kind, with_successful: bool) -> impl IntoView {
    let stage = super::stages::current();
    let sort = RwSignal::new(SortState::new("failed", true));
    let rows = move || {
        let sort = sort.get();
        if sort == SortState::new("failed", true) {
            // The overview's own order: most failed first (ties by
            // successful, then key).
            kind.first(&stage, TOP)
        } else {
            kind.with_rows(&stage, |rows| {
                top_indices(rows, &sort, TOP).into_iter().map(|i| rows[i].clone()).collect::<Vec<_>>()
            })
        }
    };
    let count_and_max = Memo::new(move |_| kind.count_and_max(&stage));
    let html = Signal::derive(move || {
        let rows = rows();
        let max = count_and_max.get().1;
        stage.snapshot.with(|snap| breakdown_rows(&rows, snap.filter(), kind, with_successful, max))
    });
    let total = move || count_and_max.get().0;
    let any = move || total() > 0;
    view! {
        <section class="panel">
            <div class="panel-head">
                <h2>{title}</h2>
                <span class="muted small">
                    {move || if total() > TOP { format!("top {TOP} of {}", total()) } else { String::new() }}
                </span>
            </div>
            <Show when=any fallback=|| view! { <p class="empty">"Nothing to show."</p> }>
                <div class="table-wrap">
                    <table class="dense">
                        <caption class="visually-hidden">{title}</caption>
                        <thead>
                            <tr>
                                <SortHeader label="Value" column="key" sort=sort />
                                {with_successful
                                    .then(|| view! { <SortHeader label="Successful" column="successful" sort=sort numeric=true /> })}
                                <SortHeader label="Failed" column="failed" sort=sort numeric=true />
                                <SortHeader label="Entries" column="entries" sort=sort numeric=true />
                            </tr>
                        </thead>
                        <MarkupBody html=html select=kind.field() />
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
        <div class="grid-2" id="infrastructure">
            <BreakdownTable title="By policy and MTA-STS mode" kind=Kind::Policy with_successful=true />
            <BreakdownTable title="Failures by receiving MX" kind=Kind::ReceivingMx with_successful=false />
            // The address breakdowns (tens of thousands of rows at scale) a stage later.
            <Stage at=BY_ADDRESS>
                <BreakdownTable title="Failures by receiving IP" kind=Kind::ReceivingIp with_successful=false />
                <BreakdownTable title="Failures by sending MTA IP" kind=Kind::SendingIp with_successful=false />
            </Stage>
        </div>
    }
}
