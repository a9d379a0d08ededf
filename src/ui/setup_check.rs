//! "Check your setup": validate a pasted record or policy, and show what
//! reporters saw of each domain's policies. No DNS or HTTP requests: the
//! user pastes, and the panel says how to get what to paste.

use leptos::prelude::*;

use super::rows::{begin_dense_table, begin_dot_item, end_dense_table};
use super::state::AppState;
use super::tables::{range_text, Pager};
use crate::check::{check, DomainPolicies, Severity};
use crate::markup::Markup;

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
    let has_data = move || state.has_data(super::stages::STAGES - 1);
    let verdict = Memo::new(move |_| text.with(|t| verdict_markup(t)));
    // Commands use the busiest loaded domain, or a placeholder: from the
    // first stage's overview, which every catch-up computes anyway (this
    // stage's own would be a second overview whenever the data moved on
    // while the stages caught up: 70 ms at 100,000 domains).
    let domain = move || {
        state.views[0]
            .all
            .get()
            .overview
            .domains
            .first(2)
            .into_iter()
            .find(|d| !d.domain.is_empty())
            .map(|d| d.domain.to_string())
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
                <div class="check-result" aria-live="polite" inner_html=move || verdict.get()></div>
            </div>
            <Show when=has_data>
                <SeenPolicies />
            </Show>
        </section>
    }
}

/// What the checker says of the pasted text, as markup: the verdict, every
/// finding, and the facts read.
fn verdict_markup(text: &str) -> String {
    let mut m = Markup::new();
    if text.trim().is_empty() {
        m.cell("p", Some("muted small"), "The verdict appears here as you paste.");
        return m.into_string();
    }
    let v = check(text);
    let name = v.kind.name();
    m.begin("div")
        .attr("class", if v.valid { "verdict ok" } else { "verdict bad" })
        .attr("data-testid", "record-verdict")
        .attr("data-valid", if v.valid { "true" } else { "false" })
        .end_open()
        .cell("strong", None, &if v.valid { format!("Valid {name}") } else { format!("Not a valid {name}") });
    if let Some(e) = v.findings.iter().find(|f| f.severity == Severity::Error) {
        m.cell("span", None, &format!(": {e}"));
    }
    m.close("div").open("ul", &[("class", Some("findings"))]);
    for f in &v.findings {
        begin_dot_item(&mut m, severity_class(f.severity)).text(&f.to_string()).close("li");
    }
    m.close("ul").open("dl", &[("class", Some("meta small"))]);
    for (k, val) in &v.facts {
        m.cell("dt", None, k).cell("dd", Some("mono"), val);
    }
    m.close("dl");
    m.into_string()
}

/// Domains shown per page of the policy history.
const DOMAINS_PER_PAGE: usize = 25;

/// Policy versions shown per domain, the latest ones (a domain whose TLSA
/// records change daily would otherwise list hundreds).
const VERSIONS_SHOWN: usize = 20;

/// Per policy domain: the policies reporters saw over time and the
/// cross-checks, those with problems first, a page at a time.
#[component]
fn SeenPolicies() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Built only while the section is open, and only for the page shown: at
    // 3,000 domains every domain's tables at once were 124,000 nodes and a
    // task of 860 ms.
    let open = RwSignal::new(false);
    let page = RwSignal::new(0usize);
    // Refreshed when the views catch up with a load, not on every merge
    // (ranking 100,000 domains takes a tenth of a second).
    let stage = super::stages::current();
    let shown = Memo::new(move |_| {
        stage.shown.track();
        if !open.get() {
            return (0, String::new());
        }
        let start = page.get() * DOMAINS_PER_PAGE;
        let (total, list) = state.data.with_value(|d| d.finding_facts().policy_page(start, DOMAINS_PER_PAGE));
        (total, seen_markup(&list))
    });
    let total = move || shown.with(|s| s.0);
    let pages = Signal::derive(move || total().div_ceil(DOMAINS_PER_PAGE).max(1));
    let text = Signal::derive(move || range_text("domains", page.get(), DOMAINS_PER_PAGE, total()));
    view! {
        <details class="seen" on:toggle=move |ev| {
            let el: web_sys::HtmlDetailsElement = event_target(&ev);
            open.set(el.open());
        }>
            <summary data-testid="seen-toggle"><h3>"What reporters saw of your policies"</h3></summary>
            <Show when=move || open.get()>
                <Show when=move || { total() > 0 } fallback=|| view! { <p class="muted small">"No report carried an MTA-STS policy or TLSA records."</p> }>
                    <div inner_html=move || shown.with(|s| s.1.clone())></div>
                    <Pager page=page pages=pages label="Policy history pages" text=text />
                </Show>
            </Show>
        </details>
    }
}

/// A page of the policy history as markup: per domain its cross-checks and
/// a table of the policy versions reporters saw.
fn seen_markup(list: &[DomainPolicies]) -> String {
    let mut m = Markup::new();
    for d in list {
        m.begin("div")
            .attr("class", "seen-domain")
            .attr("data-testid", "seen-domain")
            .attr("data-domain", &d.domain)
            .end_open()
            .cell("h4", None, &d.domain)
            .open("ul", &[("class", Some("findings"))]);
        for i in &d.insights {
            begin_dot_item(&mut m, severity_class(i.severity)).text(&i.message).close("li");
        }
        m.close("ul");
        let label = format!("Policies reporters saw for {}", d.domain);
        begin_dense_table(
            &mut m,
            &label,
            &[
                ("Type", None),
                ("Mode", None),
                ("MX patterns", None),
                ("Seen", None),
                ("Reported by", None),
                ("Reports", Some("num")),
            ],
        );
        let skip = d.policies.len().saturating_sub(VERSIONS_SHOWN);
        for p in &d.policies[skip..] {
            let mx = if p.mx.is_empty() { "–".to_owned() } else { p.mx.join(" ") };
            let reporters = p.reporters.iter().map(String::as_str).collect::<Vec<_>>().join(", ");
            m.open("tr", &[])
                .cell("td", None, &p.policy_type)
                .cell("td", None, p.mode.as_deref().unwrap_or("–"))
                .cell("td", Some("mono wrap"), &mx)
                .cell("td", Some("nowrap"), &format!("{} → {}", p.first, p.last))
                .cell("td", None, &reporters)
                .cell("td", Some("num"), &p.reports.to_string())
                .close("tr");
        }
        end_dense_table(&mut m);
        if skip > 0 {
            let noun = if skip == 1 { "version" } else { "versions" };
            m.cell(
                "p",
                Some("muted small"),
                &format!("{skip} earlier policy {noun} not shown; the latest {VERSIONS_SHOWN} are."),
            );
        }
        m.close("div");
    }
    m.into_string()
}
