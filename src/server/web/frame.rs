//! The frame of the pages for evaluators and the office (server-rendered, no islands): who is
//! signed in, the way back to the desk, sign-out.

use crate::server::repo::account::{Account, AccountRole};
use leptos::prelude::*;

/// The role as the page names it.
pub fn role_label(role: AccountRole) -> &'static str {
    match role {
        AccountRole::Office => "领导小组办公室",
        AccountRole::Evaluator => "第三方评估",
        AccountRole::Liaison => "联络员",
    }
}

/// Header with who is signed in, a way back to the desk and a sign-out button.
#[component]
pub fn StaffFrame(who: Option<Account>, children: Children) -> impl IntoView {
    let name = who
        .as_ref()
        .map(|w| format!("{} · {}", w.login, role_label(w.role)));
    let signed_in = who.is_some();
    let office = who.as_ref().is_some_and(|w| w.role == AccountRole::Office);
    view! {
        <header class="top">
            <a class="brand" href="/desk">"测评"</a>
            <span class="plan-name">{name}</span>
        </header>
        <main class="page">
            {children()}
            {signed_in
                .then(|| {
                    view! {
                        <nav class="staff-nav">
                            <a href="/desk">"返回工作台"</a>
                            <a href="/account">"我的账号"</a>
                            {office.then(|| view! { <a href="/desk/accounts">"账号管理"</a> })}
                            <form method="post" action="/logout" class="inline">
                                <button class="link-button" type="submit">"退出登录"</button>
                            </form>
                        </nav>
                    }
                })}
        </main>
    }
}
