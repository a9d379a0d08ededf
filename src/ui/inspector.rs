//! The report inspector: a list of the reports behind the views, and one
//! report in full (metadata, policies, failure details, warnings, raw JSON).

use leptos::prelude::*;

use super::state::AppState;
use super::tables::{page_text, Pager};
use crate::analysis::StoredReport;
use crate::format;
use crate::report::datetime::format_utc;

const PAGE: usize = 25;

/// Only http(s) URIs become links; anything else stays inert text.
fn link_or_text(s: &str) -> AnyView {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    if (lower.starts_with("https://") || lower.starts_with("http://")) && !t.contains(char::is_whitespace) {
        view! { <a href=t.to_owned() target="_blank" rel="noopener noreferrer">{t.to_owned()}</a> }.into_any()
    } else {
        view! { <span>{t.to_owned()}</span> }.into_any()
    }
}

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
    let rows = move || {
        let p = page.get().min(pages() - 1);
        let ids: Vec<usize> =
            stage.snapshot.with(|s| s.overview.reports.iter().skip(p * PAGE).take(PAGE).copied().collect());
        state.data.with_value(|d| {
            ids.iter()
                .map(|&i| {
                    let s = &d.reports()[i];
                    let r = &s.report;
                    (
                        i,
                        r.organization_name.clone(),
                        r.report_id.clone(),
                        format_utc(r.date_range.start),
                        r.successful(),
                        r.failed(),
                        s.warnings.len(),
                    )
                })
                .collect::<Vec<_>>()
        })
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
                    <tbody>
                        <For each=rows key=|r| r.0 let:r>
                            <tr data-testid="report-row" data-report-id=r.2.clone() class:selected=move || open.get() == Some(r.0)>
                                <td>{r.1.clone()}</td>
                                <td class="mono wrap">{r.2.clone()}</td>
                                <td class="nowrap">{r.3.clone()}</td>
                                <td class="num">{format::count(r.4)}</td>
                                <td class="num">{format::count(r.5)}</td>
                                <td class="num">{r.6}</td>
                                <td>
                                    <button
                                        type="button"
                                        class="btn small"
                                        data-testid="open-report"
                                        aria-controls="report-detail"
                                        aria-expanded=move || (open.get() == Some(r.0)).to_string()
                                        aria-label={
                                            let (id, org) = (r.2.clone(), r.1.clone());
                                            move || format!("{} report {id} from {org}", if open.get() == Some(r.0) { "Close" } else { "Open" })
                                        }
                                        on:click=move |_| {
                                            let opening = open.get_untracked() != Some(r.0);
                                            open.set(opening.then_some(r.0));
                                            if opening {
                                                focus_detail();
                                            }
                                        }
                                    >
                                        {move || if open.get() == Some(r.0) { "Close" } else { "Open" }}
                                    </button>
                                </td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
            <Pager page=page pages=Signal::derive(pages) label="Report pages" text=Signal::derive(move || page_text(page.get(), pages())) />
            {move || open.get().map(|i| state.data.with_value(|d| report_view(&d.reports()[i], d.file_name(d.reports()[i].file).to_owned())))}
        </section>
    }
}

fn report_view(s: &StoredReport, file: String) -> impl IntoView {
    let r = &s.report;
    let origin = if s.origin.is_empty() { file } else { format!("{file} › {}", s.origin) };
    let counted = r.counted();
    let multi = r.multi_policy_domains();
    let multi_note = (!multi.is_empty()).then(|| {
        format!(
            "This reporter evaluated {} under several policies: the same sessions appear under each, so the totals count them once (the policy entry with the most sessions).",
            multi.join(", ")
        )
    });
    let policies = r
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let details = p
                .failure_details
                .iter()
                .map(|d| {
                    let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
                    view! {
                        <tr>
                            <td><code class="rtype">{d.result_type.as_str().to_owned()}</code></td>
                            <td class="mono">{o(&d.sending_mta_ip)}</td>
                            <td class="mono">{o(&d.receiving_mx_hostname)}</td>
                            <td class="mono">{o(&d.receiving_mx_helo)}</td>
                            <td class="mono">{o(&d.receiving_ip)}</td>
                            <td class="num">{format::count(d.failed_session_count)}</td>
                            <td class="reason">{o(&d.failure_reason_code)}</td>
                            <td class="reason">{d.additional_information.as_deref().map(link_or_text)}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="policy">
                    <h3>
                        {format!("Policy {} · {} · {}", i + 1, p.policy.policy_type.as_str(), p.policy.policy_domain.clone().unwrap_or_else(|| "(no domain)".into()))}
                        {(!counted.get(i).copied().unwrap_or(true)).then(|| view! { <span class="badge warning">"not counted again"</span> })}
                    </h3>
                    <p class="small">
                        {format!(
                            "{} successful, {} failed sessions · MX patterns: {}",
                            format::count(p.summary.successful),
                            format::count(p.summary.failed),
                            if p.policy.mx_host.is_empty() { "–".to_owned() } else { p.policy.mx_host.join(", ") }
                        )}
                    </p>
                    {(!p.policy.policy_string.is_empty()).then(|| view! { <pre class="code">{p.policy.policy_string.join("\n")}</pre> })}
                    {(!p.failure_details.is_empty()).then(|| view! {
                        <div class="table-wrap" tabindex="0" role="region" aria-label="Failure details of this policy">
                            <table class="dense">
                                <thead>
                                    <tr>
                                        <th>"Result type"</th>
                                        <th>"Sending MTA IP"</th>
                                        <th>"Receiving MX"</th>
                                        <th>"MX HELO"</th>
                                        <th>"Receiving IP"</th>
                                        <th class="num">"Sessions"</th>
                                        <th>"Reason code"</th>
                                        <th>"More information"</th>
                                    </tr>
                                </thead>
                                <tbody>{details}</tbody>
                            </table>
                        </div>
                    })}
                </div>
            }
        })
        .collect_view();
    let warnings = s.warnings.iter().map(|w| view! { <li>{w.to_string()}</li> }).collect_view();
    view! {
        <div class="report" id="report-detail" data-testid="report-detail" tabindex="-1" role="region" aria-label="The open report">
            <dl class="meta">
                <dt>"Organization"</dt>
                <dd>{r.organization_name.clone()}</dd>
                <dt>"Report ID"</dt>
                <dd class="mono">{r.report_id.clone()}</dd>
                <dt>"Period"</dt>
                <dd>{format!("{} → {}", format_utc(r.date_range.start), format_utc(r.date_range.end))}</dd>
                <dt>"Contact"</dt>
                <dd>{r.contact_info.clone().unwrap_or_else(|| "–".into())}</dd>
                <dt>"From file"</dt>
                <dd>{origin}</dd>
            </dl>
            {multi_note.map(|n| view! { <p class="note small" data-testid="multi-policy-note">{n}</p> })}
            {policies}
            {(!s.warnings.is_empty()).then(|| view! {
                <h3>"Warnings"</h3>
                <ul class="warnings small">{warnings}</ul>
            })}
            <details>
                <summary>"Raw JSON"</summary>
                <pre class="code" data-testid="report-raw" tabindex="0" aria-label="The report's JSON as received">{format::pretty_json(&s.raw)}</pre>
            </details>
        </div>
    }
}
