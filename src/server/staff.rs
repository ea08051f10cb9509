//! Pages for named accounts (evaluators and the office) answered by plain handlers: who may see
//! them, and the frame and error pages they share.

use crate::pages::staff::{StaffFrame, StaffNotice};
use crate::server::auth_http::current_account;
use crate::server::http::AppState;
use crate::server::render::render;
use crate::server::repo::account::{Account, AccountRole};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

/// Both staff roles.
pub const STAFF: &[AccountRole] = &[AccountRole::Evaluator, AccountRole::Office];
/// The office only.
pub const OFFICE: &[AccountRole] = &[AccountRole::Office];
/// Evaluators only.
pub const EVALUATOR: &[AccountRole] = &[AccountRole::Evaluator];

/// The signed-in account if its role is one of `roles`. Nobody signed in (or an expired
/// session): a 303 to the sign-in page, which comes back to `path`. The wrong role: 403.
pub async fn require(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    roles: &[AccountRole],
) -> Result<Account, Response> {
    let Some(who) = current_account(&state.pool, headers).await else {
        return Err(see_other(&format!("/login?next={}", encode(path))));
    };
    if !roles.contains(&who.role) {
        let need = if roles == OFFICE {
            "领导小组办公室"
        } else {
            "第三方评估人员"
        };
        return Err(problem(
            state,
            Some(&who),
            StatusCode::FORBIDDEN,
            "无权访问",
            format!("此页面仅供{need}使用。您当前登录的账号是“{}”。", who.login),
        ));
    }
    Ok(who)
}

/// A 303 to `to` (after a form post, or to the sign-in page).
pub fn see_other(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Percent-encodes a path for a query value (only what a path of this site can hold).
fn encode(path: &str) -> String {
    path.chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '/' | '-' | '_' | '.' => c.to_string(),
            c => {
                let mut buf = [0u8; 4];
                c.encode_utf8(&mut buf)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect()
            }
        })
        .collect()
}

/// A staff page with a message: not found, not allowed, not saved.
pub fn problem(
    state: &AppState,
    who: Option<&Account>,
    status: StatusCode,
    title: &'static str,
    message: String,
) -> Response {
    let who = who.cloned();
    render(state, status, title, move || {
        view! {
            <StaffFrame who>
                <StaffNotice title message />
            </StaffFrame>
        }
        .into_any()
    })
}

/// The page for a round id that does not exist.
pub fn no_round(state: &AppState, who: Option<&Account>) -> Response {
    problem(
        state,
        who,
        StatusCode::NOT_FOUND,
        "没有这个测评轮次",
        "链接中的测评轮次不存在。".into(),
    )
}

/// The round a staff page is about, or the page to answer instead (404, or 503).
pub async fn round_of(
    state: &AppState,
    who: &Account,
    id: i64,
) -> Result<crate::server::repo::round::Round, Response> {
    use crate::server::repo::round::{self, RoundError};
    match round::get(&state.pool, id).await {
        Ok(r) => Ok(r),
        Err(RoundError::NotFound(_)) => Err(no_round(state, Some(who))),
        Err(e) => Err(unavailable(state, who, e)),
    }
}

/// The engine or the database failed: a 503 page that says nothing was lost.
pub fn unavailable(state: &AppState, who: &Account, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "staff page failed");
    problem(
        state,
        Some(who),
        StatusCode::SERVICE_UNAVAILABLE,
        "暂时无法显示",
        "服务器暂时无法完成这个请求，请稍后刷新。已保存的内容不受影响。".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn next_paths_are_encoded() {
        assert_eq!(encode("/results/1"), "/results/1");
        assert_eq!(encode("/score/1?x=1&y"), "/score/1%3Fx%3D1%26y");
        assert_eq!(encode("/结果"), "/%E7%BB%93%E6%9E%9C");
    }
}
