//! The body of every page that refuses or reports a problem: a heading, what happened, and
//! what the visitor may do now. The router's error page and every handler's problem page
//! (`server::web::problem`) use this one piece.

use leptos::prelude::*;

#[component]
pub fn Notice(
    title: String,
    message: String,
    /// A further sentence: what the visitor may do now.
    #[prop(optional_no_strip)]
    hint: Option<String>,
    /// A link onwards (address, words).
    #[prop(optional_no_strip)]
    next: Option<(String, String)>,
) -> impl IntoView {
    view! {
        <section class="refusal">
            <h1>{title}</h1>
            <p>{message}</p>
            {hint.map(|h| view! { <p>{h}</p> })}
            {next.map(|(href, words)| view! { <p><a class="button" href=href>{words}</a></p> })}
        </section>
    }
}
