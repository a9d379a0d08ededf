//! Files opened with the installed app from the file manager (the manifest's
//! `file_handlers`): Chromium hands them over through `window.launchQueue`.
//! Browsers without it are unaffected.

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::loader::{self, Source};
use super::state::AppState;

/// Registers the consumer: each launch's files go through the load queue
/// like any drop.
pub fn consume(state: AppState) {
    let Some(queue) = Reflect::get(&js_sys::global(), &"launchQueue".into()).ok().filter(|q| q.is_object()) else {
        return;
    };
    let Some(set) = Reflect::get(&queue, &"setConsumer".into()).ok().and_then(|f| f.dyn_into::<Function>().ok()) else {
        return;
    };
    let consumer = Closure::<dyn FnMut(JsValue)>::new(move |params: JsValue| {
        let handles = Reflect::get(&params, &"files".into()).map(|v| Array::from(&v)).unwrap_or_default();
        leptos::task::spawn_local(async move {
            let mut sources = Vec::new();
            for h in handles.iter() {
                let file = Reflect::get(&h, &"getFile".into())
                    .ok()
                    .and_then(|f| f.dyn_into::<Function>().ok())
                    .and_then(|f| f.call0(&h).ok())
                    .and_then(|p| p.dyn_into::<Promise>().ok());
                if let Some(p) = file {
                    if let Ok(f) = JsFuture::from(p).await {
                        if let Ok(f) = f.dyn_into::<web_sys::File>() {
                            sources.push(Source::file(f));
                        }
                    }
                }
            }
            loader::load(state, sources);
        });
    });
    let _ = set.call1(&queue, consumer.as_ref());
    // The consumer lives as long as the page.
    consumer.forget();
}
