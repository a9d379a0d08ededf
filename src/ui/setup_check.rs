//! "Check your setup": validate a pasted record or policy, and show what
//! reporters saw of each domain's policies. No DNS or HTTP requests: the
//! user pastes, and the panel says how to get what to paste.

use leptos::prelude::*;

use super::state::AppState;
use crate::check::{check, Severity};

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The paste-and-check panel plus, with data loaded, the policy history.
#[component]
pub fn SetupCheck() -> impl IntoView {
    let state = expect_context::<AppState>();
    let text = RwSignal::new(String::new());
    // Below every other view: shown with the last stage.
    let stage = state.views[super::stages::STAGES - 1];
    let has_data = move || state.has_data(super::stages::STAGES - 1);
    let verdict = Memo::new(move |_| text.with(|t| (!t.trim().is_empty()).then(|| check(t))));
    // Commands use the busiest loaded domain, or a placeholder.
    let domain = move || {
        stage
            .all
            .get()
            .overview
            .domains
            .iter()
            .find(|d| !d.domain.is_empty())
            .map(|d| d.domain.clone())
            .unwrap_or_else(|| "example.com".into())
    };
    view! {
        <section class="panel" id="setup" aria-labelledby="check-title">
            <div class="panel-head">
                <h2 id="check-title">"Check your setup"</h2>
                <span class="muted small">"Nothing is looked up: paste what you published."</span>
            </div>
            <div class="check-body">
                <div class="check-input">
                    <label for="record-input" class="small muted">
                        "Paste a _smtp._tls TXT record, an _mta-sts TXT record, or your mta-sts.txt policy file"
                    </label>
                    <textarea
                        id="record-input"
                        data-testid="record-input"
                        rows="6"
                        spellcheck="false"
                        placeholder="v=TLSRPTv1; rua=mailto:tlsrpt@example.com"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    ></textarea>
                    <p class="small muted">"To get them:"</p>
                    <pre class="code small">
                        {move || {
                            let d = domain();
                            format!(
                                "dig +short TXT _smtp._tls.{d}\ndig +short TXT _mta-sts.{d}\ncurl https://mta-sts.{d}/.well-known/mta-sts.txt"
                            )
                        }}
                    </pre>
                </div>
                <div class="check-result" aria-live="polite">
                    {move || {
                        verdict
                            .get()
                            .map(|v| {
                                let headline = if v.valid {
                                    format!("Valid {}", v.kind.name())
                                } else {
                                    format!("Not a valid {}", v.kind.name())
                                };
                                let first_error = v
                                    .findings
                                    .iter()
                                    .find(|f| f.severity == Severity::Error)
                                    .map(|f| f.to_string());
                                view! {
                                    <div
                                        class=if v.valid { "verdict ok" } else { "verdict bad" }
                                        data-testid="record-verdict"
                                        data-valid=v.valid.to_string()
                                    >
                                        <strong>{headline}</strong>
                                        {first_error.map(|e| view! { <span>": " {e}</span> })}
                                    </div>
                                    <ul class="findings">
                                        {v
                                            .findings
                                            .into_iter()
                                            .map(|f| {
                                                let c = severity_class(f.severity);
                                                view! {
                                                    <li class=c>
                                                        <span class=format!("dot {c}")></span>
                                                        {f.to_string()}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                    <dl class="meta small">
                                        {v
                                            .facts
                                            .into_iter()
                                            .map(|(k, val)| view! {
                                                <dt>{k}</dt>
                                                <dd class="mono">{val}</dd>
                                            })
                                            .collect_view()}
                                    </dl>
                                }
                                    .into_any()
                            })
                            .unwrap_or_else(|| {
                                view! { <p class="muted small">"The verdict appears here as you paste."</p> }.into_any()
                            })
                    }}
                </div>
            </div>
            <Show when=has_data>
                <SeenPolicies />
            </Show>
        </section>
    }
}

/// Per policy domain: the policies reporters saw over time and the cross-checks.
#[component]
fn SeenPolicies() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Built only while the section is open: it walks every report, and doing
    // that on each refresh of a 100,000-report load would stall the page.
    let open = RwSignal::new(false);
    let domains = move || {
        state.version.track();
        state.data.with_value(|d| d.finding_facts().policy_insights())
    };
    view! {
        <details class="seen" on:toggle=move |ev| {
            let el: web_sys::HtmlDetailsElement = event_target(&ev);
            open.set(el.open());
        }>
            <summary data-testid="seen-toggle"><h3>"What reporters saw of your policies"</h3></summary>
            <Show when=move || open.get()>
            {move || {
                let list = domains();
                if list.is_empty() {
                    return view! { <p class="muted small">"No report carried an MTA-STS policy or TLSA records."</p> }.into_any();
                }
                list.into_iter()
                    .map(|d| {
                        let insights = d
                            .insights
                            .into_iter()
                            .map(|i| {
                                let c = severity_class(i.severity);
                                view! { <li class=c><span class=format!("dot {c}")></span>{i.message}</li> }
                            })
                            .collect_view();
                        let rows = d
                            .policies
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <tr>
                                        <td>{p.policy_type}</td>
                                        <td>{p.mode.unwrap_or_else(|| "–".into())}</td>
                                        <td class="mono wrap">{if p.mx.is_empty() { "–".to_owned() } else { p.mx.join(" ") }}</td>
                                        <td class="nowrap">{format!("{} → {}", p.first, p.last)}</td>
                                        <td>{p.reporters.into_iter().collect::<Vec<_>>().join(", ")}</td>
                                        <td class="num">{p.reports}</td>
                                    </tr>
                                }
                            })
                            .collect_view();
                        view! {
                            <div class="seen-domain" data-testid="seen-domain" data-domain=d.domain.clone()>
                                <h4>{d.domain.clone()}</h4>
                                <ul class="findings">{insights}</ul>
                                <div class="table-wrap" tabindex="0" role="region" aria-label={format!("Policies reporters saw for {}", d.domain)}>
                                    <table class="dense">
                                        <thead>
                                            <tr>
                                                <th>"Type"</th>
                                                <th>"Mode"</th>
                                                <th>"MX patterns"</th>
                                                <th>"Seen"</th>
                                                <th>"Reported by"</th>
                                                <th class="num">"Reports"</th>
                                            </tr>
                                        </thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                </div>
                            </div>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
            </Show>
        </details>
    }
}
