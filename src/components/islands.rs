//! Islands: the only components whose code ships to the browser. Everything else on a page is
//! server-rendered HTML that works without JavaScript; an island only adds convenience.

use leptos::prelude::*;

/// Loads the WASM bundle on pages that contain islands (other pages ship no JavaScript).
///
/// Only the loader script: Leptos's preload hints are left out, since a browser fetches a
/// preloaded file even with JavaScript off, where it cannot help (the 80 KB of WASM were most of
/// a JavaScript-off ballot's weight). The script fetches the bundle itself when it runs.
#[component]
pub fn IslandScripts() -> impl IntoView {
    let options = use_context::<LeptosOptions>();
    options.map(|options| {
        let html = view! { <leptos::hydration::HydrationScripts options islands=true /> }.to_html();
        view! { <div class="island-scripts" hidden inner_html=without_preloads(&html)></div> }
    })
}

/// `html` without its `<link rel="preload">` and `<link rel="modulepreload">` elements.
pub fn without_preloads(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<link") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find('>').map_or(tail.len(), |e| e + 1);
        let tag = &tail[..end];
        if !(tag.contains("rel=\"preload\"") || tag.contains("rel=\"modulepreload\"")) {
            out.push_str(tag);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn preload_hints_go_and_the_loader_script_stays() {
        let html = r#"<link rel="modulepreload" href="/pkg/ceping.js" nonce="n"><link rel="preload" href="/pkg/ceping_bg.wasm" as="fetch" type="application/wasm" crossorigin="n"><link rel="stylesheet" href="/a.css"><script type="module" nonce="n">(()=>{})("", "pkg")</script>"#;
        assert_eq!(
            super::without_preloads(html),
            r#"<link rel="stylesheet" href="/a.css"><script type="module" nonce="n">(()=>{})("", "pkg")</script>"#
        );
        assert_eq!(super::without_preloads("<p>x</p>"), "<p>x</p>");
    }
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
            let Some(el) = items
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
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
        // A group with nothing left to show is hidden as a whole.
        if let Ok(groups) = doc.query_selector_all("[data-group]") {
            for i in 0..groups.length() {
                let Some(g) = groups
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                else {
                    continue;
                };
                let any = g
                    .query_selector("[data-names]:not([hidden])")
                    .ok()
                    .flatten()
                    .is_some();
                if any {
                    let _ = g.remove_attribute("hidden");
                } else {
                    let _ = g.set_attribute("hidden", "");
                }
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

/// The report's 打印 button: opens the browser's print dialog (where 另存为PDF is). Hidden until
/// the page is hydrated; without JavaScript the page says to use the browser's own 打印.
#[island]
pub fn PrintButton() -> impl IntoView {
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| {
        mark_hydrated();
        set_ready.set(true);
    });
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <button type="button" class="button print-button" hidden=move || !ready.get() on:click=print>
            "打印或另存为PDF"
        </button>
    }
}

/// Browser-side helpers of the ballot islands (localStorage and the form's inputs).
#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsCast;
    use web_sys::{Document, HtmlInputElement, HtmlTextAreaElement, Storage};

    pub fn document() -> Option<Document> {
        web_sys::window()?.document()
    }

    pub fn storage() -> Option<Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    /// This tab's storage: gone when the tab closes.
    pub fn tab_storage() -> Option<Storage> {
        web_sys::window()?.session_storage().ok().flatten()
    }

    /// How many rating groups of the ballot form have a choice.
    pub fn rated_count(doc: &Document) -> usize {
        let mut names = std::collections::BTreeSet::new();
        if let Ok(list) = doc.query_selector_all("#ballot .levels input[type=radio]:checked") {
            for i in 0..list.length() {
                if let Some(input) = list
                    .item(i)
                    .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
                {
                    names.insert(input.name());
                }
            }
        }
        names.len()
    }

    /// The first item with no level chosen, after the one the page shows at the top.
    pub fn next_unrated(doc: &Document) -> Option<web_sys::Element> {
        let list = doc.query_selector_all("#ballot fieldset.item").ok()?;
        let mut first = None;
        for i in 0..list.length() {
            let Some(item) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let rated = item
                .query_selector(".levels input:checked")
                .ok()
                .flatten()
                .is_some();
            if rated {
                continue;
            }
            // Below the sticky count bar: the next one further down the page.
            if item.get_bounding_client_rect().top() > 80.0 {
                return Some(item);
            }
            first.get_or_insert(item);
        }
        first
    }

    /// Writes "n/max字" under each comment box.
    pub fn update_counters(doc: &Document) {
        let Ok(list) = doc.query_selector_all("#ballot textarea") else {
            return;
        };
        for i in 0..list.length() {
            let Some(t) = list
                .item(i)
                .and_then(|n| n.dyn_into::<HtmlTextAreaElement>().ok())
            else {
                continue;
            };
            let Some(counter) = t
                .next_element_sibling()
                .filter(|e| e.class_list().contains("counter"))
            else {
                continue;
            };
            let max = counter.get_attribute("data-max").unwrap_or_default();
            let n = t.value().chars().count();
            counter.set_text_content(Some(&format!("{n}/{max}字")));
        }
    }

    /// The form's choices and comments as (name, value) pairs.
    pub fn snapshot(doc: &Document) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Ok(list) = doc.query_selector_all("#ballot input[type=radio]:checked") {
            for i in 0..list.length() {
                if let Some(input) = list
                    .item(i)
                    .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
                {
                    out.push((input.name(), input.value()));
                }
            }
        }
        if let Ok(list) = doc.query_selector_all("#ballot textarea") {
            for i in 0..list.length() {
                if let Some(t) = list
                    .item(i)
                    .and_then(|n| n.dyn_into::<HtmlTextAreaElement>().ok())
                    && !t.value().is_empty()
                {
                    out.push((t.name(), t.value()));
                }
            }
        }
        out
    }

    /// Puts a saved draft back into an untouched form.
    pub fn restore(doc: &Document, draft: &[(String, String)]) {
        for (name, value) in draft {
            if name.starts_with("r.") {
                let selector = format!(
                    "#ballot input[type=radio][name=\"{}\"][value=\"{}\"]",
                    css_escape(name),
                    css_escape(value)
                );
                if let Some(input) = doc
                    .query_selector(&selector)
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
                {
                    input.set_checked(true);
                }
            } else {
                let selector = format!("#ballot textarea[name=\"{}\"]", css_escape(name));
                if let Some(t) = doc
                    .query_selector(&selector)
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
                {
                    t.set_value(value);
                    if let Some(details) = t.parent_element() {
                        let _ = details.set_attribute("open", "");
                    }
                }
            }
        }
    }

    fn css_escape(s: &str) -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            .collect()
    }
}

/// Key of the draft of a ballot in localStorage.
pub fn draft_key(round: i64, code: &str) -> String {
    format!("ceping.draft.{round}.{code}")
}

/// Key of the mark, in this tab's sessionStorage, that the code's ballot was cast from it.
pub fn cast_key(code: &str) -> String {
    format!("ceping.cast.{code}")
}

/// On the review page: reached again with Back after the ballot was cast from this tab, it
/// goes on to the confirmation (`/v/CODE/done`, which shows the receipt while its notice
/// lasts) instead of offering to confirm again. Without JavaScript the review page stays (a
/// second 确认提交 would only show the same receipt).
#[island]
pub fn CastGuard(code: String) -> impl IntoView {
    #[cfg(not(feature = "hydrate"))]
    let _ = &code;
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            // Goes on to the confirmation when this tab cast the code's ballot.
            let go_on = |code: &str| {
                let cast = browser::tab_storage()
                    .and_then(|s| s.get_item(&cast_key(code)).ok().flatten())
                    .is_some();
                if cast && let Some(w) = web_sys::window() {
                    let _ = w.location().replace(&format!("/v/{code}/done"));
                }
            };
            let back = web_sys::window()
                .and_then(|w| w.performance())
                .is_some_and(|p| p.navigation().type_() == 2);
            if back {
                go_on(&code);
            }
            // A browser that keeps the page whole in its back/forward cache shows it again
            // without running this: ask on `pageshow` too.
            if let Some(w) = web_sys::window() {
                let code = code.clone();
                let again = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
                    move |e: web_sys::Event| {
                        if e.dyn_ref::<web_sys::PageTransitionEvent>()
                            .is_some_and(web_sys::PageTransitionEvent::persisted)
                        {
                            go_on(&code);
                        }
                    },
                );
                let _ =
                    w.add_event_listener_with_callback("pageshow", again.as_ref().unchecked_ref());
                again.forget();
            }
        }
        mark_hydrated();
    });
}

/// Key of the receipt of a code in localStorage.
pub fn receipt_key(code: &str) -> String {
    format!("ceping.receipt.{code}")
}

/// The live count ("已评 12/44") above the ballot, and the draft kept in the browser so that a
/// reload or a dropped connection loses nothing. Without JavaScript it stays hidden (the review
/// step counts on the server instead).
#[island]
pub fn BallotHelper(round: i64, total: usize, code: String) -> impl IntoView {
    let (ready, set_ready) = signal(false);
    let (rated, set_rated) = signal(0usize);
    let (restored, set_restored) = signal(false);
    #[cfg(not(feature = "hydrate"))]
    let _ = (round, &code, set_rated, set_restored);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            use wasm_bindgen::closure::Closure;
            let key = draft_key(round, &code);
            let Some(doc) = browser::document() else {
                return;
            };
            // Restore a draft only into an untouched form (not into the review step).
            if browser::rated_count(&doc) == 0
                && let Some(saved) =
                    browser::storage().and_then(|s| s.get_item(&key).ok().flatten())
                && let Ok(draft) = serde_json::from_str::<Vec<(String, String)>>(&saved)
                && !draft.is_empty()
            {
                browser::restore(&doc, &draft);
                set_restored.set(true);
            }
            set_rated.set(browser::rated_count(&doc));
            browser::update_counters(&doc);
            if let Some(form) = doc.get_element_by_id("ballot") {
                let save = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
                    let Some(doc) = browser::document() else {
                        return;
                    };
                    // The note about a restored draft has been read once the deputy goes on.
                    set_restored.set(false);
                    set_rated.set(browser::rated_count(&doc));
                    browser::update_counters(&doc);
                    if let (Some(store), Ok(json)) = (
                        browser::storage(),
                        serde_json::to_string(&browser::snapshot(&doc)),
                    ) {
                        let _ = store.set_item(&key, &json);
                    }
                });
                for ev in ["change", "input"] {
                    let _ =
                        form.add_event_listener_with_callback(ev, save.as_ref().unchecked_ref());
                }
                save.forget();
            }
        }
        mark_hydrated();
        set_ready.set(true);
    });
    let next = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(doc) = browser::document() {
            use wasm_bindgen::JsCast;
            let target =
                browser::next_unrated(&doc).or_else(|| doc.get_element_by_id("submit-row"));
            if let Some(el) = target {
                el.scroll_into_view();
                if let Some(input) = el
                    .query_selector("input")
                    .ok()
                    .flatten()
                    .and_then(|i| i.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = input.focus();
                }
            }
        }
    };
    view! {
        <div class="progress" hidden=move || !ready.get()>
            <span aria-live="polite">
                "已评 " <b>{move || rated.get()}</b> {format!("/{total}")}
                <span class="draft-note" hidden=move || !restored.get()>
                    "（已恢复本机保存的草稿）"
                </span>
            </span>
            <button type="button" class="next-unrated" on:click=next>
                {move || if rated.get() >= total { "去提交" } else { "下一项未评" }}
            </button>
        </div>
    }
}

/// After a ballot is cast: drops the draft, and offers to keep the receipt in this browser
/// (for a later revision) only if the deputy chooses to, with a warning: whoever holds the
/// phone could then revise the ballot. Hidden without JavaScript (there is nothing to keep).
#[island]
pub fn ReceiptKeeper(round: i64, code: String, receipt: String) -> impl IntoView {
    let (ready, set_ready) = signal(false);
    let (kept, set_kept) = signal(false);
    #[cfg(not(feature = "hydrate"))]
    let _ = (round, set_kept);
    {
        let (code, has_receipt) = (code.clone(), !receipt.is_empty());
        Effect::new(move |_| {
            #[cfg(feature = "hydrate")]
            if let Some(tab) = browser::tab_storage() {
                let _ = tab.set_item(&cast_key(&code), "1");
            }
            #[cfg(feature = "hydrate")]
            if let Some(store) = browser::storage() {
                let _ = store.remove_item(&draft_key(round, &code));
                // Kept before (this page reloaded, or a revision of a kept receipt).
                let before = store.get_item(&receipt_key(&code)).ok().flatten();
                set_kept.set(before.is_some());
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = &code;
            mark_hydrated();
            set_ready.set(has_receipt);
        });
    }
    let keep = {
        let (code, receipt) = (code.clone(), receipt.clone());
        move |_| {
            #[cfg(feature = "hydrate")]
            if let Some(store) = browser::storage()
                && store.set_item(&receipt_key(&code), &receipt).is_ok()
            {
                set_kept.set(true);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&code, &receipt);
        }
    };
    let forget = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(store) = browser::storage() {
            let _ = store.remove_item(&receipt_key(&code));
            set_kept.set(false);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &code;
    };
    view! {
        <section class="card receipt-keep" hidden=move || !ready.get()>
            <p hidden=move || kept.get()>
                "也可以把回执码保存在这部手机的浏览器里，修改时自动填入。"
            </p>
            <p class="meta" hidden=move || kept.get()>
                "注意：保存后，任何拿到这部手机的人都能用它修改您的测评（看不到您原来的选择）。不是您自己的手机，请不要保存。"
            </p>
            <button type="button" class="button secondary" hidden=move || kept.get() on:click=keep>
                "在本手机保存回执码"
            </button>
            <p hidden=move || !kept.get()>
                "回执码已保存在本手机的浏览器里。"
                <button type="button" class="link-button" on:click=forget>
                    "从本手机删除"
                </button>
            </p>
        </section>
    }
}

/// On the "already used" page: fills in the receipt this browser kept, if any.
#[island]
pub fn ReceiptFill(code: String) -> impl IntoView {
    let (filled, set_filled) = signal(false);
    #[cfg(not(feature = "hydrate"))]
    let _ = (&code, set_filled);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let saved =
                browser::storage().and_then(|s| s.get_item(&receipt_key(&code)).ok().flatten());
            let input = browser::document()
                .and_then(|d| d.get_element_by_id("receipt"))
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
            // Never over what the deputy already typed before the page woke up.
            let input = input.filter(|i| i.value().trim().is_empty());
            if let (Some(saved), Some(input)) = (saved, input) {
                input.set_value(&saved);
                set_filled.set(true);
            }
        }
        mark_hydrated();
    });
    view! {
        <p class="meta" hidden=move || !filled.get()>
            "已自动填入本机保存的回执码。"
        </p>
    }
}
