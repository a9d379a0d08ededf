//! Download buttons for the (filtered) data, and printing.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::AppState;
use crate::analysis::export::{failures_csv, normalized_json, parsedmarc_csv, parsedmarc_json, policies_csv};

/// Offers `text` as a file download, built in the page (a blob: URL, no network).
fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let doc = document();
    if let Some(a) = doc.create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok()) {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Export and print buttons.
#[component]
pub fn ExportBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let run = move |what: &'static str| {
        let filter = state.filter.get_untracked();
        state.data.with_value(|d| match what {
            "csv" => download("tlsrpt-policies.csv", "text/csv", &policies_csv(d, &filter)),
            "failures" => download("tlsrpt-failure-details.csv", "text/csv", &failures_csv(d, &filter)),
            "pm-json" => download("smtp_tls.json", "application/json", &parsedmarc_json(d, &filter)),
            "pm-csv" => download("smtp_tls.csv", "text/csv", &parsedmarc_csv(d, &filter)),
            _ => download("tlsrpt-reports.json", "application/json", &normalized_json(d, &filter)),
        });
    };
    view! {
        <div class="export" role="group" aria-label="Export">
            <span class="muted small">"Export (filtered):"</span>
            <button type="button" class="btn small" data-testid="export-csv" on:click=move |_| run("csv")>
                "Policies CSV"
            </button>
            <button type="button" class="btn small" data-testid="export-csv-failures" on:click=move |_| run("failures")>
                "Failure details CSV"
            </button>
            <button type="button" class="btn small" data-testid="export-json" on:click=move |_| run("json")>
                "JSON"
            </button>
            <button type="button" class="btn small" data-testid="export-parsedmarc-json" title="smtp_tls.json, as parsedmarc writes it" on:click=move |_| run("pm-json")>
                "parsedmarc JSON"
            </button>
            <button type="button" class="btn small" data-testid="export-parsedmarc-csv" title="smtp_tls.csv, as parsedmarc writes it" on:click=move |_| run("pm-csv")>
                "parsedmarc CSV"
            </button>
            <button type="button" class="btn small" on:click=move |_| { let _ = window().print(); }>
                "Print"
            </button>
        </div>
    }
}
