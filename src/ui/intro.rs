//! What TLS-RPT is, and a way to see the tool working at once.

use leptos::prelude::*;

use super::loader::{self, Source};
use super::state::AppState;
use crate::samples::SAMPLES;

/// The introduction with the "Try sample reports" button.
#[component]
pub fn Intro() -> impl IntoView {
    let state = expect_context::<AppState>();
    let try_samples = move |_| {
        // This button goes away with the introduction: focus moves to the
        // results once they are shown (see `stages`).
        state.focus_results.set_value(true);
        loader::load(state, SAMPLES.iter().map(|s| Source::Static(s.name, s.bytes)).collect());
    };
    let sources = SAMPLES
        .iter()
        .map(|s| s.source)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <section class="intro" aria-labelledby="intro-title">
            <h1 id="intro-title">"See whether mail to your domains arrives encrypted"</h1>
            <p>
                "Domains that publish a TLSRPT record ("<code>"_smtp._tls.example.com TXT \"v=TLSRPTv1; rua=mailto:…\""</code>
                ") receive daily reports (RFC 8460) from Google, Microsoft, Mail.ru and others. Each says how many SMTP sessions to your MX hosts used TLS successfully and, for failures, why: an expired certificate, no STARTTLS, an MTA-STS policy that could not be fetched."
            </p>
            <p>"Drop the reports you have, as they arrived: JSON, gzip, zip archives, saved e-mails or whole mailboxes. They are decompressed, de-duplicated and summed up here, in your browser."</p>
            <div class="intro-actions">
                <button type="button" class="btn primary" data-testid="try-samples" on:click=try_samples>
                    "Try sample reports"
                </button>
                <span class="muted small">{format!("{} real reports from public projects ({sources})", SAMPLES.len())}</span>
            </div>
        </section>
    }
}
