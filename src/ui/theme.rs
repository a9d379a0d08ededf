//! Light and dark themes: follow the system until the user picks one.
//! The choice is not stored: nothing is persisted.

use leptos::prelude::*;

/// A button that cycles system → light → dark.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = RwSignal::new("system");
    Effect::new(move |_| {
        let t = theme.get();
        if let Some(root) = document().document_element() {
            let _ =
                if t == "system" { root.remove_attribute("data-theme") } else { root.set_attribute("data-theme", t) };
        }
    });
    let next = move |_| {
        theme.update(|t| {
            *t = match *t {
                "system" => "light",
                "light" => "dark",
                _ => "system",
            }
        })
    };
    view! {
        <button
            type="button"
            class="btn small ghost"
            data-testid="theme-toggle"
            aria-label=move || format!("Colour theme: {} (change)", theme.get())
            on:click=next
        >
            {move || match theme.get() {
                "light" => "☀ Light",
                "dark" => "☾ Dark",
                _ => "◐ System",
            }}
        </button>
    }
}
