//! The office's list of staff accounts.

use crate::components::format::human_time_zh;
use crate::server::repo::account::{Account, AccountSummary, MIN_PASSWORD_CHARS};
use crate::server::web::frame::{StaffFrame, role_label};
use leptos::prelude::*;

/// `/desk/accounts`.
#[component]
pub fn AccountsPage(
    who: Account,
    accounts: Vec<AccountSummary>,
    /// A second factor is required of every account, not only the office's.
    required_of_all: bool,
    /// The units a liaison may report for: (id, name).
    units: Vec<(i64, String)>,
    error: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let error = error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> });
    let notice = notice.map(|n| view! { <div class="alert alert-review" role="status">{n}</div> });
    let min = MIN_PASSWORD_CHARS.to_string();
    let cards = accounts
        .into_iter()
        .map(|a| {
            let base = format!("/desk/accounts/{}", a.login);
            let state = match (&a.disabled_at, a.must_change_password) {
                (Some(at), _) => format!("已于{}停用", human_time_zh(at)),
                (None, true) => "待本人修改密码".to_string(),
                (None, false) => "正常".to_string(),
            };
            let toggle = if a.disabled_at.is_some() {
                view! {
                    <form method="post" action=format!("{base}/enable") class="inline">
                        <button class="button secondary" type="submit">"启用"</button>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    <form method="post" action=format!("{base}/disable") class="inline">
                        <button class="button secondary" type="submit">"停用"</button>
                    </form>
                }
                .into_any()
            };
            let id = format!("reset-{}", a.login);
            let factor = if a.totp { "两步验证已开启" } else { "未开启两步验证" };
            let reset_factor = a.totp.then(|| {
                view! {
                    <form method="post" action=format!("{base}/reset-totp") class="inline">
                        <button class="button secondary" type="submit">"重置两步验证"</button>
                    </form>
                }
            });
            view! {
                <li class="card account" data-login=a.login.clone()>
                    <h3>{a.login.clone()}</h3>
                    <p>
                        {role_label(a.role)}{a.unit.clone().map(|u| format!("（{u}）"))}" · "{state}" · "{factor}" · 创建于 "
                        {human_time_zh(&a.created_at)}" · 会话 "{a.sessions}" 个"
                    </p>
                    <div class="actions">
                        {toggle}
                        {reset_factor}
                        <form method="post" action=format!("{base}/end-sessions") class="inline">
                            <button class="button secondary" type="submit">"结束全部会话"</button>
                        </form>
                    </div>
                    <form method="post" action=format!("{base}/reset-password") class="inline-form">
                        <label for=id.clone()>"重置密码（临时密码）"</label>
                        <input id=id name="password" type="text" autocomplete="off" minlength=min.clone() required />
                        <button class="button secondary" type="submit">"重置"</button>
                    </form>
                </li>
            }
        })
        .collect_view();
    view! {
        <StaffFrame who=Some(who)>
            <h1>"账号管理"</h1>
            {notice}
            {error}
            <p class="hint">"停用的账号不能登录，已登录的会话立即结束。重置密码后，本人下次登录须先修改密码。以上操作都记入审计日志。"</p>
            <ul class="plain accounts">{cards}</ul>
            <section class="card" id="require-totp">
                <h2>"两步验证"</h2>
                <p class="hint">
                    "办公室账号必须开启两步验证（登录时输入手机验证器应用的动态验证码）。"
                    {if required_of_all {
                        "现在所有账号都必须开启。"
                    } else {
                        "第三方评估等其他账号可自愿开启。"
                    }}
                    "手机丢失时，“重置两步验证”后本人下次登录时重新设置。"
                </p>
                <form method="post" action="/desk/accounts/require-totp">
                    <input type="hidden" name="all" value=if required_of_all { "0" } else { "1" } />
                    <button class="button secondary" type="submit">
                        {if required_of_all { "改为仅要求办公室账号" } else { "要求所有账号开启" }}
                    </button>
                </form>
            </section>
            <section class="card">
                <h2>"新建账号"</h2>
                <form method="post" action="/desk/accounts" class="login-form">
                    <label for="new-login">"账号"</label>
                    <input id="new-login" name="login" autocapitalize="off" autocomplete="off" required />
                    <label for="new-role">"类型"</label>
                    <select id="new-role" name="role">
                        <option value="evaluator">"第三方评估"</option>
                        <option value="office">"领导小组办公室"</option>
                        <option value="liaison">"联络员（报送本单位分方案和月报）"</option>
                    </select>
                    <label for="new-unit">"联络员所在单位"</label>
                    <select id="new-unit" name="unit">
                        <option value="">"（新建联络员时选择）"</option>
                        {units
                            .into_iter()
                            .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
                            .collect_view()}
                    </select>
                    <label for="new-password">"初始密码"</label>
                    <input id="new-password" name="password" type="text" autocomplete="off" minlength=min required />
                    <p class="hint">"首次登录时本人须修改密码。"</p>
                    <button class="button primary" type="submit">"新建"</button>
                </form>
            </section>
        </StaffFrame>
    }
}
