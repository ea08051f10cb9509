//! Signing in (evaluators and the office) and the desk a signed-in person lands on.

use super::load_page;
use crate::api::desk::get_desk;
use crate::components::format::human_time;
use leptos::prelude::*;
use leptos_meta::Title;

/// The sign-in form; a plain post to `/login`, so it works with JavaScript off.
#[component]
pub fn LoginForm(next: String, error: Option<String>, login: String) -> impl IntoView {
    let alert = error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> });
    view! {
        <Title text="登录" />
        <header class="top">
            <a class="brand" href="/">"测评"</a>
        </header>
        <main class="page narrow">
            <h1>"工作人员登录"</h1>
            <p class="lead-in">"供第三方评估人员和领导小组办公室使用。人大代表请使用邀请函上的链接或二维码，无需登录。"</p>
            {alert}
            <form method="post" action="/login" class="card login-form">
                <input type="hidden" name="next" value=next />
                <label for="login">"账号"</label>
                <input id="login" name="login" value=login autocomplete="username" autocapitalize="off" required />
                <label for="password">"密码"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required />
                <button class="button primary" type="submit">"登录"</button>
            </form>
        </main>
    }
}

/// The second step of a sign-in: the one-time code from the authenticator app (or a recovery
/// code), posted to `/login/code` with the token the right password gave.
#[component]
pub fn LoginCodeForm(
    next: String,
    error: Option<String>,
    pending: String,
    login: String,
) -> impl IntoView {
    let alert = error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> });
    view! {
        <Title text="动态验证码" />
        <header class="top">
            <a class="brand" href="/">"测评"</a>
        </header>
        <main class="page narrow">
            <h1>"两步验证"</h1>
            <p class="lead-in">{format!("账号“{login}”的密码正确。请打开手机上的验证器应用，输入“测评”显示的六位数字。")}</p>
            {alert}
            <form method="post" action="/login/code" class="card login-form">
                <input type="hidden" name="next" value=next />
                <input type="hidden" name="pending" value=pending />
                <label for="code">"动态验证码"</label>
                <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" autocapitalize="off" maxlength="14" required />
                <button class="button primary" type="submit">"验证并登录"</button>
                <p class="hint">"手机不在身边：输入一个未用过的恢复码（形如 ABCD-EFGH-JK），每个只能用一次。"</p>
            </form>
            <p><a href="/login">"重新登录"</a></p>
        </main>
    }
}

/// `/login?next=…`
#[component]
pub fn LoginPage() -> impl IntoView {
    let next = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("next"));
    #[cfg(feature = "ssr")]
    let next = crate::model::nav::safe_next(next.as_deref());
    #[cfg(not(feature = "ssr"))]
    let next = next.unwrap_or_else(|| "/desk".into());
    view! { <LoginForm next error=None login=String::new() /> }
}

/// `/desk`: who is signed in, and the rounds (with turnout for the office).
#[component]
pub fn DeskPage() -> impl IntoView {
    load_page(get_desk(), |d| {
        let office = d.is_office;
        let no_rounds = d.rounds.is_empty();
        let rows = d
            .rounds
            .into_iter()
            .map(|r| {
                let state = match r.state.as_str() {
                    "open" => "进行中",
                    "closed" => "已结束",
                    _ => "未开始",
                };
                // Each time whole on its line (never "2026-12-/31" on a phone); the cell breaks
                // only between the two.
                let time = |t: Option<&str>| t.map(human_time).unwrap_or_else(|| "未定".into());
                let when = view! {
                    <span>{time(r.opens_at.as_deref())}</span>
                    " — "
                    <span>{time(r.closes_at.as_deref())}</span>
                };
                let turnout = r.turnout.map(|(voted, invited)| {
                    view! { <td>{format!("{voted}/{invited}")}</td> }
                });
                let id = r.id;
                let score = (!office && r.state == "open").then(|| {
                    view! { <a href=format!("/score/{id}")>"评分"</a> }
                });
                let indicators = office.then(|| {
                    view! {
                        <a href=format!("/desk/rounds/{id}")>"管理"</a>
                        <a href=format!("/desk/rounds/{id}/indicators")>"指标"</a>
                    }
                });
                view! {
                    <tr>
                        <td>{r.name}</td>
                        <td>{state}</td>
                        <td class="when">{when}</td>
                        {turnout}
                        <td class="links">
                            {score} <a href=format!("/results/{id}")>"结果"</a> {indicators}
                            <a href=format!("/screen/{id}")>"大屏"</a>
                        </td>
                    </tr>
                }
                .into_any()
            })
            .collect_view();
        let turnout_head = office.then(|| view! { <th>"已投/邀请"</th> });
        let empty = no_rounds.then(|| {
            let next = if office {
                "还没有测评轮次。先导入工作方案，再点下面的“新建测评轮次”。"
            } else {
                "还没有测评轮次。办公室开始测评后，这里会出现“评分”链接。"
            };
            view! { <p class="empty">{next}</p> }
        });
        view! {
            <Title text="工作台" />
            <header class="top">
                <a class="brand" href="/">"测评"</a>
                <span class="plan-name">{format!("{} · {}", d.login, d.role_label)}</span>
            </header>
            <main class="page">
                <h1>"工作台"</h1>
                <section class="card">
                    <h2>"测评轮次"</h2>
                    {(!no_rounds).then(|| view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可左右滑动）">
                        <table class="rounds">
                            <thead>
                                <tr>
                                    <th>"名称"</th>
                                    <th>"状态"</th>
                                    <th>"时间（北京时间）"</th>
                                    {turnout_head}
                                    <th></th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    })}
                    {empty}
                </section>
                {office
                    .then(|| {
                        view! {
                            <section class="card">
                                <h2>"办公室"</h2>
                                <ul class="plain">
                                    <li><a href="/desk/rounds/new">"新建测评轮次"</a></li>
                                    <li><a href="/desk/plans/new">"导入工作方案"</a></li>
                                    <li><a href="/desk/handling">"办理进展审核"</a></li>
                                    <li><a href="/desk/audit">"审计日志"</a></li>
                                </ul>
                            </section>
                        }
                    })}
                <form method="post" action="/logout">
                    <button class="button secondary" type="submit">"退出登录"</button>
                </form>
            </main>
        }
    })
}
