//! The own-account page.

use crate::components::format::human_time;
use crate::server::repo::account::{Account, MIN_PASSWORD_CHARS, SessionInfo};
use crate::server::web::frame::StaffFrame;
use leptos::prelude::*;

/// A browser as a person names it, from its `User-Agent`: "微信 · Android", "Chrome ·
/// Windows", … (the full string stays in the cell's `title`).
pub fn browser_label(agent: &str) -> String {
    let has = |s: &str| agent.contains(s);
    let browser = if has("MicroMessenger") {
        "微信"
    } else if has("Edg/") {
        "Edge"
    } else if has("Firefox/") {
        "Firefox"
    } else if has("Chrome/") || has("CriOS/") {
        "Chrome"
    } else if has("Safari/") {
        "Safari"
    } else {
        "浏览器"
    };
    let system = if has("Android") {
        "Android"
    } else if has("iPhone") || has("iPad") {
        "iOS"
    } else if has("Windows") {
        "Windows"
    } else if has("Mac OS X") || has("Macintosh") {
        "macOS"
    } else if has("Linux") {
        "Linux"
    } else {
        ""
    };
    match (agent.is_empty(), system.is_empty()) {
        (true, _) => "未知浏览器".into(),
        (false, true) => browser.into(),
        (false, false) => format!("{browser} · {system}"),
    }
}

/// An account's second factor as its page shows it.
#[derive(Debug, Clone, Copy)]
pub struct FactorStatus {
    pub on: bool,
    /// The account must have one (office accounts; all when the office requires it).
    pub required: bool,
    pub recovery_left: i64,
}

/// The "两步验证" card of `/account`.
fn factor_card(f: FactorStatus) -> impl IntoView {
    let body = if f.on {
        let off = (!f.required).then(|| {
            view! {
                <form method="post" action="/account/totp/off" class="login-form">
                    <label for="off-password">"关闭两步验证：当前密码"</label>
                    <input id="off-password" name="password" type="password" autocomplete="current-password" required />
                    <label for="off-code">"动态验证码或恢复码"</label>
                    <input id="off-code" name="code" autocomplete="one-time-code" autocapitalize="off" maxlength="14" required />
                    <button class="button secondary" type="submit">"关闭两步验证"</button>
                </form>
            }
        });
        view! {
            <p class="factor-state">{format!("已开启。登录时需输入验证器应用中的动态验证码。剩余恢复码 {} 个。", f.recovery_left)}</p>
            {off}
        }
        .into_any()
    } else {
        let why = if f.required {
            "您的账号必须开启两步验证。"
        } else {
            "未开启。开启后，登录时除密码外还需输入手机验证器应用中的动态验证码。"
        };
        view! {
            <p class="factor-state">{why}</p>
            <p><a class="button primary" href="/account/totp">"开启两步验证"</a></p>
        }
        .into_any()
    };
    view! {
        <section class="card" id="two-factor">
            <h2>"两步验证"</h2>
            {body}
        </section>
    }
}

/// `/account/totp`: set up a second factor — the QR code for an authenticator app (and the
/// secret to type in by hand), and the first code to confirm it.
#[component]
pub fn TotpEnrolPage(
    who: Account,
    must: bool,
    qr: String,
    secret: String,
    sealed: String,
    error: Option<String>,
) -> impl IntoView {
    let error = error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> });
    let must = must.then(|| {
        view! {
            <div class="alert alert-review" role="status">
                "您的账号必须开启两步验证，完成后才能继续使用。"
            </div>
        }
    });
    view! {
        <StaffFrame who=Some(who)>
            <h1>"开启两步验证"</h1>
            {must}
            {error}
            <section class="card">
                <ol class="steps">
                    <li>"在手机上打开验证器应用（如微信小程序“腾讯身份验证器”、Google Authenticator、Microsoft Authenticator）。"</li>
                    <li>"扫描下面的二维码；不能扫码时，手动输入密钥。"</li>
                    <li>"输入应用中“测评”显示的六位数字。"</li>
                </ol>
                <div class="totp-qr" inner_html=qr></div>
                <p class="hint">"密钥（手动输入时使用）"</p>
                <p><code class="totp-secret">{secret}</code></p>
                <form method="post" action="/account/totp" class="login-form">
                    <input type="hidden" name="sealed" value=sealed />
                    <label for="enrol-password">"当前密码"</label>
                    <input id="enrol-password" name="password" type="password" autocomplete="current-password" required />
                    <label for="code">"六位动态验证码"</label>
                    <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="7" required />
                    <button class="button primary" type="submit">"确认开启"</button>
                </form>
                <p class="hint">"本页二维码15分钟内有效；过期请刷新页面。"</p>
            </section>
        </StaffFrame>
    }
}

/// The recovery codes, shown once right after a second factor is set up.
#[component]
pub fn RecoveryCodesPage(who: Account, codes: Vec<String>) -> impl IntoView {
    let codes = codes
        .into_iter()
        .map(|c| view! { <li><code>{c}</code></li> })
        .collect_view();
    view! {
        <StaffFrame who=Some(who)>
            <h1>"两步验证已开启"</h1>
            <div class="alert alert-review" role="status">
                "请立即抄下或打印这些恢复码，放在安全的地方。手机丢失时，每个恢复码可代替动态验证码登录一次。它们只显示这一次。"
            </div>
            <section class="card">
                <ul class="recovery-codes">{codes}</ul>
            </section>
            <p><a class="button primary" href="/desk">"我已保存，继续"</a></p>
        </StaffFrame>
    }
}

/// `/account`: change the password; the second factor; the live sessions, each with a way to
/// end it.
#[component]
pub fn OwnAccountPage(
    who: Account,
    must_change: bool,
    factor: FactorStatus,
    sessions: Vec<SessionInfo>,
    error: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let error = error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> });
    let notice = notice.map(|n| view! { <div class="alert alert-review" role="status">{n}</div> });
    let others = sessions.iter().filter(|s| !s.current).count();
    let rows = sessions
        .into_iter()
        .map(|s| {
            let end = if s.current {
                view! { <span class="current">"本次会话"</span> }.into_any()
            } else {
                view! {
                    <form method="post" action="/account/sessions/end" class="inline">
                        <input type="hidden" name="session" value=s.handle.clone() />
                        <button class="link-button" type="submit">"结束"</button>
                    </form>
                }
                .into_any()
            };
            let agent = browser_label(&s.agent);
            let full = s.agent;
            view! {
                <tr>
                    <td>{human_time(&s.created_at)}</td>
                    <td>{human_time(&s.last_seen_at)}</td>
                    <td title=full>{agent}</td>
                    <td>{end}</td>
                </tr>
            }
        })
        .collect_view();
    let end_others = (others > 0).then(|| {
        view! {
            <form method="post" action="/account/sessions/end-others">
                <button class="button secondary" type="submit">"结束其他所有会话"</button>
            </form>
        }
    });
    let hint = format!("至少{MIN_PASSWORD_CHARS}个字符。修改后，其他设备上的登录会全部结束。");
    view! {
        <StaffFrame who=Some(who)>
            <h1>"我的账号"</h1>
            {notice}
            {error}
            <section class="card">
                <h2>{if must_change { "请设置新密码" } else { "修改密码" }}</h2>
                <form method="post" action="/account/password" class="login-form">
                    <label for="current">{if must_change { "办公室给您的临时密码" } else { "当前密码" }}</label>
                    <input id="current" name="current" type="password" autocomplete="current-password" required />
                    <label for="new">"新密码"</label>
                    <input id="new" name="new" type="password" autocomplete="new-password" minlength=MIN_PASSWORD_CHARS.to_string() required />
                    <label for="confirm">"再次输入新密码"</label>
                    <input id="confirm" name="confirm" type="password" autocomplete="new-password" required />
                    <p class="hint">{hint}</p>
                    <button class="button primary" type="submit">"保存新密码"</button>
                </form>
            </section>
            {factor_card(factor)}
            <section>
                <h2>"登录中的会话"</h2>
                <p class="hint">"每个会话最长12小时，60分钟不操作即结束。不认识的会话请结束，并修改密码。"</p>
                <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可左右滑动）">
                    <table class="results sessions">
                        <thead>
                            <tr>
                                <th>"登录时间（北京时间）"</th>
                                <th>"最近使用（北京时间）"</th>
                                <th>"浏览器"</th>
                                <th></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                {end_others}
            </section>
        </StaffFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::browser_label;

    #[test]
    fn browsers_get_short_names() {
        let cases = [
            (
                "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.42",
                "微信 · Android",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0",
                "Edge · Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1",
                "Safari · iOS",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
                "Chrome · Linux",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.0; rv:121.0) Gecko/20100101 Firefox/121.0",
                "Firefox · macOS",
            ),
            ("curl/8.5", "浏览器"),
            ("", "未知浏览器"),
        ];
        for (agent, label) in cases {
            assert_eq!(browser_label(agent), label, "{agent}");
        }
    }
}
