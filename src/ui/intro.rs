//! What TLS-RPT is, and a way to see the tool working at once.

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::loader::{self, error_message, Source};
use super::state::AppState;
use crate::samples::SAMPLES;

/// The introduction with the "Try sample reports" button.
#[component]
pub fn Intro() -> impl IntoView {
    let state = expect_context::<AppState>();
    let failed = RwSignal::new(None::<String>);
    let try_samples = move |_| {
        // This button goes away with the introduction: focus moves to the
        // results once they are shown (see `stages`).
        state.focus_results.set_value(true);
        spawn_local(async move {
            match sample_sources().await {
                Ok(sources) => loader::load(state, sources),
                Err(why) => failed.set(Some(format!("The sample reports could not be loaded: {why}"))),
            }
        });
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
            <p class="intro-error small" role="alert">{move || failed.get()}</p>
        </section>
    }
}

/// The samples' files, from the build's own script that holds them (the boot
/// module's `tlsrptSamples`, see scripts/finalize.mjs): `[name, bytes]` pairs.
async fn sample_sources() -> Result<Vec<Source>, String> {
    let import = Reflect::get(&js_sys::global(), &"tlsrptSamples".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or("this build has no samples")?;
    let promise = import.call0(&wasm_bindgen::JsValue::UNDEFINED).map_err(|e| error_message(&e))?;
    let files = JsFuture::from(promise.unchecked_into::<Promise>()).await.map_err(|e| error_message(&e))?;
    Array::from(&files)
        .iter()
        .map(|pair| {
            let pair = Array::from(&pair);
            let name = pair.get(0).as_string().ok_or("a sample has no name")?;
            let bytes = pair.get(1).dyn_into::<Uint8Array>().map_err(|_| format!("{name} has no bytes"))?;
            Ok(Source::Owned(name, bytes.to_vec()))
        })
        .collect()
}
