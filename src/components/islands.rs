//! Islands: the only components whose code ships to the browser. Everything else on a page is
//! server-rendered HTML that works without JavaScript; an island only adds convenience.

use leptos::prelude::*;

/// Loads the WASM bundle on pages that contain islands (other pages ship no JavaScript).
#[component]
pub fn IslandScripts() -> impl IntoView {
    let options = use_context::<LeptosOptions>();
    options.map(|options| view! { <leptos::hydration::HydrationScripts options islands=true /> })
}

/// Marks the document as hydrated (`<html data-hydrated>`), so tests and styles can tell.
pub fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "1");
    }
}

/// Shows only the list items (`[data-names]`) whose names contain `query`; returns how many.
#[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
fn filter_items(query: &str) -> usize {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return 0;
        };
        let Ok(items) = doc.query_selector_all("[data-names]") else {
            return 0;
        };
        let q = query.trim();
        let mut shown = 0;
        for i in 0..items.length() {
            let Some(el) = items.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else {
                continue;
            };
            let names = el.get_attribute("data-names").unwrap_or_default();
            let hit = q.is_empty() || names.contains(q);
            if hit {
                shown += 1;
                let _ = el.remove_attribute("hidden");
            } else {
                let _ = el.set_attribute("hidden", "");
            }
        }
        shown
    }
    #[cfg(not(feature = "hydrate"))]
    0
}

/// A search box over the unit list. Without JavaScript it stays hidden and the full list shows.
#[island]
pub fn UnitFilter() -> impl IntoView {
    let (ready, set_ready) = signal(false);
    let (query, set_query) = signal(String::new());
    let (shown, set_shown) = signal(None::<usize>);
    Effect::new(move |_| {
        mark_hydrated();
        set_ready.set(true);
        let q = query.get();
        set_shown.set(Some(filter_items(&q)));
    });
    view! {
        <div class="filter" hidden=move || !ready.get()>
            <label for="unit-filter">"查找单位"</label>
            <input
                id="unit-filter"
                type="search"
                placeholder="输入名称，如“科技局”“江夏”"
                autocomplete="off"
                on:input=move |ev| set_query.set(event_target_value(&ev))
            />
            <span class="filter-count" aria-live="polite">
                {move || {
                    match (query.get().trim().is_empty(), shown.get()) {
                        (false, Some(n)) => format!("找到{n}个"),
                        _ => String::new(),
                    }
                }}
            </span>
        </div>
    }
}
