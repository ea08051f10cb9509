//! Rendering a whole page outside the Leptos router: the pages that plain handlers answer
//! (form posts, which must work with JavaScript off, and the staff pages).

use crate::server::web::AppState;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::*;

/// Renders `body` in the app's document, with `status`; never cached (these pages are personal).
pub fn render(
    state: &AppState,
    status: StatusCode,
    title: &str,
    body: impl FnOnce() -> AnyView,
) -> Response {
    render_page(Some(&state.leptos_options), status, title, "", body)
}

/// [`render`] with `extra_head` (trusted HTML, such as a refresh `<meta>`) in the head.
pub fn render_with_head(
    state: &AppState,
    status: StatusCode,
    title: &str,
    extra_head: &str,
    body: impl FnOnce() -> AnyView,
) -> Response {
    render_page(Some(&state.leptos_options), status, title, extra_head, body)
}

/// The one renderer. `options` are needed by pages with islands (their scripts); a page
/// without islands, such as a problem page, renders without them.
pub fn render_page(
    options: Option<&LeptosOptions>,
    status: StatusCode,
    title: &str,
    extra_head: &str,
    body: impl FnOnce() -> AnyView,
) -> Response {
    // A root of its own. `Owner::new()` would make it the child of whatever owner is current
    // on this worker thread, which can be another request's (Leptos leaves one set across the
    // awaits of its own page renders); dropping the two on different threads then deadlocked
    // on the owners' locks: a request that never answered and a server that never stopped
    // (seen under the load generator, with a backtrace in OwnerInner::drop).
    let owner = Owner::new_root(None);
    let html = owner.with(|| {
        if let Some(options) = options {
            provide_context(options.clone());
        }
        // The request's nonce, so that the islands' inline script carries it (the guard put
        // the same nonce in the answer's policy).
        if let Some(nonce) = crate::server::web::nonce::CspNonce::current() {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0));
        }
        leptos_meta::provide_meta_context();
        let body = body().to_html();
        crate::app::document_with(title, extra_head, &body)
    });
    let mut res = (status, Html(html)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
