//! A panic must not leave a dead page: show what happened and how to report it.

use wasm_bindgen::JsCast;

/// Installs a panic hook that puts a visible error banner on the page.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&msg.clone().into());
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let Some(body) = doc.body() else { return };
        let Ok(el) = doc.create_element("div") else { return };
        el.set_class_name("fatal");
        el.set_attribute("role", "alert").ok();
        el.set_attribute("data-testid", "fatal-error").ok();
        // Text only: the message may quote file content.
        el.set_text_content(Some(&format!(
            "Something went wrong inside the viewer and it stopped. Reload the page to start again. \
             If you report this, please include this message (it contains no report data unless quoted): {msg}"
        )));
        if let Ok(html) = el.dyn_into::<web_sys::HtmlElement>() {
            body.prepend_with_node_1(&html).ok();
        }
    }));
}
