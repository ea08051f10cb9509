//! `/account`: a signed-in staff member's own account — change the password (required first
//! when the office reset it), see every live session with its browser, end one or all others.
//! Plain form posts; each action is in the audit trail.

use super::view::OwnAccountPage;
use crate::message::Bilingual;
use crate::server::repo::account::{self, AccountError, MIN_PASSWORD_CHARS};
use crate::server::service::session::session_token;
use crate::server::web::AppState;
use crate::server::web::extract::{AnyStaff, Staff, WebForm, see_other};
use crate::server::web::problem::Problem;
use crate::server::web::render::render;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    /// Sent here because the office reset the password.
    must: Option<String>,
    /// The password was just changed.
    changed: Option<String>,
    /// How many sessions were just ended.
    ended: Option<u64>,
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: account::Account,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, Problem> {
    let token = session_token(headers);
    let live = account::session(&state.pool, token.as_deref().unwrap_or(""))
        .await?
        .filter(|l| l.account.id == who.id);
    let must_change = live.is_some_and(|l| l.must_change_password);
    let sessions = account::sessions(&state.pool, who.id, token.as_deref()).await?;
    Ok(render(state, status, "我的账号", move || {
        view! { <OwnAccountPage who must_change sessions error notice /> }.into_any()
    }))
}

/// `GET /account`.
pub async fn get_account(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<AnyStaff>,
    headers: HeaderMap,
    Query(n): Query<Notice>,
) -> Result<Response, Problem> {
    let notice = if n.changed.is_some() {
        Some("密码已修改，其他设备上的登录已全部结束。".to_string())
    } else if let Some(k) = n.ended {
        Some(format!("已结束 {k} 个会话。"))
    } else {
        n.must
            .map(|_| "您的密码已由领导小组办公室重置，请先设置新密码再继续使用。".to_string())
    };
    page(&state, &headers, who, StatusCode::OK, None, notice).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordFields {
    current: String,
    new: String,
    confirm: String,
}

/// `POST /account/password` with `current`, `new`, `confirm`: the current password is checked
/// (throttled like a sign-in); every other session ends.
pub async fn post_password(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<AnyStaff>,
    headers: HeaderMap,
    WebForm(f): WebForm<PasswordFields>,
) -> Result<Response, Problem> {
    let refuse = |status, message: String| {
        let (state, headers, who) = (state.clone(), headers.clone(), who.clone());
        async move { page(&state, &headers, who, status, Some(message), None).await }
    };
    if f.new != f.confirm {
        return refuse(StatusCode::BAD_REQUEST, "两次输入的新密码不一致。".into()).await;
    }
    if f.new.chars().count() < MIN_PASSWORD_CHARS {
        return refuse(StatusCode::BAD_REQUEST, AccountError::WeakPassword.zh()).await;
    }
    if f.new == f.current {
        return refuse(StatusCode::BAD_REQUEST, "新密码不能与当前密码相同。".into()).await;
    }
    match state.signins.recheck(&state.pool, &who, &f.current).await {
        Ok(()) => {}
        Err(e @ AccountError::TooSoon(_)) => {
            return refuse(StatusCode::TOO_MANY_REQUESTS, e.zh()).await;
        }
        Err(e @ (AccountError::WrongCurrent | AccountError::Busy)) => {
            let status = match e {
                AccountError::Busy => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::BAD_REQUEST,
            };
            return refuse(status, e.zh()).await;
        }
        Err(e) => return Err(Problem::unavailable(e)),
    }
    let token = session_token(&headers);
    match account::set_password(
        &state.pool,
        &who,
        &f.new,
        false,
        token.as_deref(),
        &who.login,
    )
    .await
    {
        Ok(()) => Ok(see_other("/account?changed=1")),
        Err(e @ AccountError::WeakPassword) => refuse(StatusCode::BAD_REQUEST, e.zh()).await,
        Err(e) => Err(Problem::unavailable(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EndFields {
    /// The session to end (its handle from the list).
    session: String,
}

/// `POST /account/sessions/end` with `session`: ends one of one's own sessions (404 if it is
/// not one of them).
pub async fn post_end_session(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<AnyStaff>,
    WebForm(f): WebForm<EndFields>,
) -> Result<Response, Problem> {
    if account::end_session(&state.pool, &who, f.session.trim(), &who.login).await? {
        Ok(see_other("/account?ended=1"))
    } else {
        Err(Problem::not_found(
            "没有这个会话",
            "这个会话已经结束，或者不是您的。请回到“我的账号”查看。",
        ))
    }
}

/// `POST /account/sessions/end-others`: ends every session but this one.
pub async fn post_end_others(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<AnyStaff>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let token = session_token(&headers);
    let ended = account::end_sessions(&state.pool, &who, token.as_deref(), &who.login).await?;
    Ok(see_other(&format!("/account?ended={ended}")))
}
