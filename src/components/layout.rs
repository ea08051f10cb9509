//! The frame of every page: header with the plan's name and navigation, error and loading states.

use crate::components::notice::Notice;
use crate::error::AppError;
use crate::model::plan::PlanHeader;
use leptos::prelude::*;

/// Which navigation tab is current.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Tasks,
    Units,
    Group,
    None,
}

/// Header with the product name, the plan and its navigation.
#[component]
pub fn PlanFrame(header: PlanHeader, tab: Tab, children: Children) -> impl IntoView {
    let id = header.id;
    let link = move |t: Tab, href: String, label: &'static str| {
        let current = (t == tab).then_some("page");
        view! { <a href=href aria-current=current>{label}</a> }
    };
    view! {
        <header class="top">
            <a class="brand" href="/">"测评"</a>
            <span class="plan-name">
                {format!("{}{}号议案", header.proposal_session, header.proposal_number)}
            </span>
        </header>
        <nav class="tabs" aria-label="方案导航">
            {link(Tab::Overview, format!("/plans/{id}"), "概览")}
            {link(Tab::Tasks, format!("/plans/{id}/tasks"), "任务")}
            {link(Tab::Units, format!("/plans/{id}/units"), "单位")}
            {link(Tab::Group, format!("/plans/{id}/group"), "领导小组")}
        </nav>
        <main class="page">{children()}</main>
    }
}

/// A full page for an error: sets the HTTP status on the server and says what happened.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::api::context::set_status(error.status());
    let heading = match error {
        AppError::NotFound(_) => "页面不存在",
        AppError::BadRequest(_) => "请求有误",
        AppError::Unauthorized => "请先登录",
        AppError::Forbidden => "没有权限",
        _ => "出错了",
    };
    view! {
        <leptos_meta::Title text=heading />
        <header class="top">
            <a class="brand" href="/">"测评"</a>
        </header>
        <main class="page error-page">
            <Notice
                title=heading.to_string()
                message=error.to_string()
                hint=None
                next=Some(("/".to_string(), "返回首页".to_string()))
            />
        </main>
    }
}

/// Shown only while a page waits for its data (never with SsrMode::Async, which waits).
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading">"正在加载……"</p> }
}

/// Reads a numeric route parameter; a missing or malformed id becomes a 404.
pub fn id_param(name: &str, what: &str) -> Result<i64, AppError> {
    let params = leptos_router::hooks::use_params_map();
    params
        .with_untracked(|p| p.get(name))
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::NotFound(format!("找不到这个{what}。")))
}

/// An optional numeric route parameter (absent → `Ok(None)`, malformed → 404).
pub fn optional_id_param(name: &str, what: &str) -> Result<Option<i64>, AppError> {
    let params = leptos_router::hooks::use_params_map();
    match params.with_untracked(|p| p.get(name)) {
        None => Ok(None),
        Some(_) => id_param(name, what).map(Some),
    }
}
