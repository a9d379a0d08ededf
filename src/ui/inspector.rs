//! The report inspector: a list of the reports behind the views, and one
//! report in full (metadata, policies, failure details, warnings, raw JSON).

use leptos::prelude::*;

use super::rows::{begin_dense_table, end_dense_table, number_at, MarkupBody};
use super::state::AppState;
use super::tables::{page_text, Pager};
use crate::analysis::{Dataset, StoredReport};
use crate::format;
use crate::markup::Markup;
use crate::report::datetime::format_utc;

const PAGE: usize = 25;

/// Moves focus into the report just opened, once it is drawn.
fn focus_detail() {
    leptos::task::spawn_local(async {
        gloo::timers::future::TimeoutFuture::new(0).await;
        if let Some(el) = document().get_element_by_id("report-detail") {
            if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                let _ = el.focus();
            }
        }
    });
}

/// The list and, when one is open, the report.
#[component]
pub fn Inspector() -> impl IntoView {
    let state = expect_context::<AppState>();
    let stage = super::stages::current();
    let open = RwSignal::new(None::<usize>);
    let page = RwSignal::new(0usize);
    // Counted and paged in place: the list holds every report the filter keeps.
    let count = move || stage.snapshot.with(|s| s.overview.reports.len());
    let pages = move || count().div_ceil(PAGE).max(1);
    let html = Signal::derive(move || {
        let p = page.get().min(pages() - 1);
        let ids: Vec<usize> =
            stage.snapshot.with(|s| s.overview.reports.iter().skip(p * PAGE).take(PAGE).copied().collect());
        let open = open.get();
        state.data.with_value(|d| report_rows(d, &ids, open))
    });
    let on_click = move |el: web_sys::Element| {
        let Some(i) = number_at(&el, "data-open-report") else { return };
        let opening = open.get_untracked() != Some(i);
        open.set(opening.then_some(i));
        if opening {
            focus_detail();
        }
    };
    view! {
        <section class="panel" id="reports" aria-labelledby="reports-title">
            <div class="panel-head">
                <h2 id="reports-title">"Reports"</h2>
                <span class="muted small">{move || format!("{} reports", format::count(count() as u64))}</span>
            </div>
            <div class="table-wrap">
                <table class="dense">
                    <thead>
                        <tr>
                            <th scope="col">"Organization"</th>
                            <th scope="col">"Report ID"</th>
                            <th scope="col">"Start"</th>
                            <th scope="col" class="num">"Successful"</th>
                            <th scope="col" class="num">"Failed"</th>
                            <th scope="col" class="num">"Warnings"</th>
                            <th scope="col"><span class="visually-hidden">"Details"</span></th>
                        </tr>
                    </thead>
                    <MarkupBody html=html on_click=on_click />
                </table>
            </div>
            <Pager page=page pages=Signal::derive(pages) label="Report pages" text=Signal::derive(move || page_text(page.get(), pages())) />
            {move || open.get().map(|i| state.data.with_value(|d| report_view(&d.reports()[i], d.file_name(d.reports()[i].file))))}
        </section>
    }
}

/// The open report, written as markup (see [`crate::markup`]): it is shown
/// once per opening and holds nothing interactive but a link or two and the
/// raw JSON's disclosure.
fn report_view(s: &StoredReport, file: &str) -> impl IntoView {
    let html = report_markup(s, file);
    view! {
        <div class="report" id="report-detail" data-testid="report-detail" tabindex="-1" role="region" aria-label="The open report" inner_html=html></div>
    }
}

/// The list's rows: reports `ids` of `d`, the one `open` marked, each with
/// the button that opens or closes it (`data-open-report`, taken by the
/// body's one click listener).
fn report_rows(d: &Dataset, ids: &[usize], open: Option<usize>) -> String {
    let mut m = Markup::new();
    for &i in ids {
        let Some(s) = d.reports().get(i) else { continue };
        let r = &s.report;
        let is_open = open == Some(i);
        m.begin("tr").attr("data-testid", "report-row").attr("data-report-id", &r.report_id);
        if is_open {
            m.attr("class", "selected");
        }
        m.end_open()
            .cell("td", None, &r.organization_name)
            .cell("td", Some("mono wrap"), &r.report_id)
            .cell("td", Some("nowrap"), &format_utc(r.date_range.start))
            .cell("td", Some("num"), &format::count(r.successful()))
            .cell("td", Some("num"), &format::count(r.failed()))
            .cell("td", Some("num"), &s.warnings.len().to_string())
            .open("td", &[]);
        let verb = if is_open { "Close" } else { "Open" };
        m.begin("button")
            .attr("type", "button")
            .attr("class", "btn small")
            .attr("data-testid", "open-report")
            .num_attr("data-open-report", i)
            .attr("data-row-key", &format!("report:{i}"))
            .attr("aria-controls", "report-detail")
            .attr("aria-expanded", if is_open { "true" } else { "false" })
            .attr("aria-label", &format!("{verb} report {} from {}", r.report_id, r.organization_name))
            .end_open()
            .text(verb)
            .close("button")
            .close("td")
            .close("tr");
    }
    m.into_string()
}

/// An `http(s)` URI as a link that opens elsewhere; anything else as inert text.
fn link_or_text(m: &mut Markup, s: &str) {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    if (lower.starts_with("https://") || lower.starts_with("http://")) && !t.contains(char::is_whitespace) {
        m.open("a", &[("href", Some(t)), ("target", Some("_blank")), ("rel", Some("noopener noreferrer"))])
            .text(t)
            .close("a");
    } else {
        m.cell("span", None, t);
    }
}

/// The report's metadata, policies with their failure details, warnings and raw JSON.
fn report_markup(s: &StoredReport, file: &str) -> String {
    let r = &s.report;
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
    let mut m = Markup::new();
    m.open("dl", &[("class", Some("meta"))]);
    let origin = if s.origin.is_empty() { file.to_owned() } else { format!("{file} › {}", s.origin) };
    let period = format!("{} → {}", format_utc(r.date_range.start), format_utc(r.date_range.end));
    for (term, value, class) in [
        ("Organization", r.organization_name.as_str(), None),
        ("Report ID", r.report_id.as_str(), Some("mono")),
        ("Period", period.as_str(), None),
        ("Contact", r.contact_info.as_deref().unwrap_or("–"), None),
        ("From file", origin.as_str(), None),
    ] {
        m.cell("dt", None, term).cell("dd", class, value);
    }
    m.close("dl");
    let multi = r.multi_policy_domains();
    if !multi.is_empty() {
        m.open("p", &[("class", Some("note small")), ("data-testid", Some("multi-policy-note"))])
            .text(&format!(
                "This reporter evaluated {} under several policies: the same sessions appear under each, so the totals count them once (the policy entry with the most sessions).",
                multi.join(", ")
            ))
            .close("p");
    }
    let counted = r.counted();
    for (i, p) in r.policies.iter().enumerate() {
        m.open("div", &[("class", Some("policy"))]).open("h3", &[]).text(&format!(
            "Policy {} · {} · {}",
            i + 1,
            p.policy.policy_type.as_str(),
            p.policy.policy_domain.as_deref().unwrap_or("(no domain)")
        ));
        if !counted.get(i).copied().unwrap_or(true) {
            m.cell("span", Some("badge warning"), "not counted again");
        }
        m.close("h3").cell(
            "p",
            Some("small"),
            &format!(
                "{} successful, {} failed sessions · MX patterns: {}",
                format::count(p.summary.successful),
                format::count(p.summary.failed),
                if p.policy.mx_host.is_empty() { "–".to_owned() } else { p.policy.mx_host.join(", ") }
            ),
        );
        if !p.policy.policy_string.is_empty() {
            m.cell("pre", Some("code"), &p.policy.policy_string.join("\n"));
        }
        if !p.failure_details.is_empty() {
            begin_dense_table(
                &mut m,
                "Failure details of this policy",
                &[
                    ("Result type", None),
                    ("Sending MTA IP", None),
                    ("Receiving MX", None),
                    ("MX HELO", None),
                    ("Receiving IP", None),
                    ("Sessions", Some("num")),
                    ("Reason code", None),
                    ("More information", None),
                ],
            );
            for d in &p.failure_details {
                m.open("tr", &[]).open("td", &[]).cell("code", Some("rtype"), d.result_type.as_str()).close("td");
                for v in [&d.sending_mta_ip, &d.receiving_mx_hostname, &d.receiving_mx_helo, &d.receiving_ip] {
                    m.cell("td", Some("mono"), &dash(v));
                }
                m.cell("td", Some("num"), &format::count(d.failed_session_count))
                    .cell("td", Some("reason"), &dash(&d.failure_reason_code))
                    .open("td", &[("class", Some("reason"))]);
                if let Some(info) = &d.additional_information {
                    link_or_text(&mut m, info);
                }
                m.close("td").close("tr");
            }
            end_dense_table(&mut m);
        }
        m.close("div");
    }
    if !s.warnings.is_empty() {
        m.cell("h3", None, "Warnings").open("ul", &[("class", Some("warnings small"))]);
        for w in &s.warnings {
            m.cell("li", None, &w.to_string());
        }
        m.close("ul");
    }
    m.open("details", &[])
        .cell("summary", None, "Raw JSON")
        .open(
            "pre",
            &[
                ("class", Some("code")),
                ("data-testid", Some("report-raw")),
                ("tabindex", Some("0")),
                ("aria-label", Some("The report's JSON as received")),
            ],
        )
        .text(&format::pretty_json(&s.raw))
        .close("pre")
        .close("details");
    m.into_string()
}
