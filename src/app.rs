//! The HTML shell and the route table.

use crate::pages::{
    account::{DeskPage, LoginPage},
    ballot::BallotPage,
    group::GroupPage,
    not_found::NotFound,
    plan::PlanPage,
    task::TaskPage,
    tasks::TasksPage,
    unit::UnitPage,
    units::UnitsPage,
};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The document around every page. Pages that contain islands add the hydration scripts
/// themselves (`components::islands::IslandScripts`), so a page without islands ships no WASM.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    provide_context(options);
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="format-detection" content="telephone=no" />
                <link rel="stylesheet" href="/pkg/ceping.css" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// A whole document around `body` (already rendered HTML), for pages answered outside the
/// router: the responses to the ballot's form posts. Same head as `shell`.
pub fn document(title: &str, body: &str) -> String {
    document_with(title, "", body)
}

/// [`document`] with `extra_head`, trusted HTML put at the end of the head.
pub fn document_with(title: &str, extra_head: &str, body: &str) -> String {
    let head = view! {
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="format-detection" content="telephone=no" />
        <link rel="stylesheet" href="/pkg/ceping.css" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <title>{format!("{title} · 测评")}</title>
    }
    .to_html();
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head>{head}{extra_head}</head><body>{body}</body></html>"
    )
}

/// Every page renders completely on the server before it is sent (`SsrMode::Async`), so it
/// reads the same with JavaScript off.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|t: String| if t.is_empty() { "测评".to_string() } else { format!("{t} · 测评") } />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=PlanPage ssr=SsrMode::Async />
                <Route path=path!("/plans/:plan") view=PlanPage ssr=SsrMode::Async />
                <Route path=path!("/plans/:plan/tasks") view=TasksPage ssr=SsrMode::Async />
                <Route path=path!("/plans/:plan/units") view=UnitsPage ssr=SsrMode::Async />
                <Route path=path!("/plans/:plan/group") view=GroupPage ssr=SsrMode::Async />
                <Route path=path!("/tasks/:id") view=TaskPage ssr=SsrMode::Async />
                <Route path=path!("/units/:id") view=UnitPage ssr=SsrMode::Async />
                <Route path=path!("/v/:code") view=BallotPage ssr=SsrMode::Async />
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/desk") view=DeskPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}
