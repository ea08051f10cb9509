//! Sign-in and sign-out over plain form posts (they work with JavaScript off), and one's own
//! account (`account`). The session cookie is read in `service::session`.

/// `/account`: one's password and sessions.
mod account;
/// The own-account page.
pub mod view;

use crate::message::Bilingual;
use crate::model::nav::safe_next;
use crate::pages::account::{LoginCodeForm, LoginForm};
use crate::server::repo::account::{AccountError, SESSION_HOURS};
use crate::server::service::device;
use crate::server::service::session::{secure, session_cookie, session_token};
use crate::server::service::signin::{Attempt, CodeAttempt, Outcome, SignedIn};
use crate::server::web::AppState;
use crate::server::web::extract::{ClientAddr, WebForm, see_other};
use crate::server::web::render::render;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use serde::Deserialize;

/// Largest sign-in form accepted.
pub const MAX_SIGNIN_BYTES: usize = 4096;

pub fn routes() -> Router<AppState> {
    Router::new()
        // A sign-in form is a few hundred bytes; a storm of large ones must not fill the
        // memory while they wait for a password check.
        .route(
            "/login",
            post(post_login).layer(axum::extract::DefaultBodyLimit::max(MAX_SIGNIN_BYTES)),
        )
        .route(
            "/login/code",
            post(post_login_code).layer(axum::extract::DefaultBodyLimit::max(MAX_SIGNIN_BYTES)),
        )
        .route("/logout", post(post_logout))
        .route(
            "/account/totp",
            get(account::get_totp).post(account::post_totp),
        )
        .route("/account/totp/off", post(account::post_totp_off))
        .route("/account", get(account::get_account))
        .route("/account/password", post(account::post_password))
        .route("/account/sessions/end", post(account::post_end_session))
        .route(
            "/account/sessions/end-others",
            post(account::post_end_others),
        )
}

fn login_page(
    state: &AppState,
    status: StatusCode,
    next: String,
    error: &str,
    login: String,
) -> Response {
    let error = Some(error.to_string());
    render(state, status, "登录", move || {
        view! { <LoginForm next error login /> }.into_any()
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginFields {
    login: String,
    password: String,
    next: Option<String>,
}

/// `POST /login` with `login`, `password` and `next`.
pub async fn post_login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    WebForm(f): WebForm<LoginFields>,
) -> Response {
    // A storm of sign-ins is answered from a fixed page, without rendering, so that it cannot
    // take the cores the ballots need: only a few sign-ins are handled at once.
    let Some(_handling) = state.signins.enter() else {
        return busy_page();
    };
    let next = safe_next(f.next.as_deref());
    let refuse =
        |status, message: &str| login_page(&state, status, next.clone(), message, f.login.clone());
    if f.login.trim().is_empty() || f.password.is_empty() {
        return refuse(StatusCode::BAD_REQUEST, "请输入账号和密码。");
    }
    let device = device::from_headers(&headers);
    // What is logged of the login: anyone can post anything here (newlines, 4 KB, a password
    // typed in the wrong field), so it is cut short and escaped.
    let logged_login = format!("{:?}", f.login.chars().take(64).collect::<String>());
    let attempt = Attempt {
        login: &f.login,
        password: &f.password,
        addr,
        device: device.as_deref(),
        agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    };
    match state
        .signins
        .sign_in(&state.pool, state.signin_keys(), attempt)
        .await
    {
        Ok(Outcome::SignedIn(signed)) => {
            signed_in(&state, &headers, &next, signed, "password").await
        }
        Ok(Outcome::NeedsCode { login, pending }) => {
            tracing::info!(login = %login, "right password; waiting for the one-time code");
            code_page(&state, StatusCode::OK, next.clone(), None, pending, login)
        }
        Err(e @ AccountError::Invalid) => {
            tracing::info!(login = %logged_login, addr = ?addr, "failed sign-in");
            // Not in the audit trail: anyone can post here, and the trail cannot be pruned.
            refuse(StatusCode::UNAUTHORIZED, &e.zh())
        }
        Err(e @ AccountError::TooSoon(secs)) => {
            tracing::info!(login = %logged_login, addr = ?addr, "sign-in refused: too soon");
            let mut res = refuse(StatusCode::TOO_MANY_REQUESTS, &e.zh());
            res.headers_mut().insert(header::RETRY_AFTER, secs.into());
            res
        }
        Err(e @ AccountError::Disabled) => {
            tracing::info!(login = %logged_login, "sign-in refused: account disabled");
            refuse(StatusCode::FORBIDDEN, &e.zh())
        }
        Err(e @ AccountError::Busy) => {
            tracing::warn!(addr = ?addr, "sign-in refused: too many at once");
            let mut res = refuse(StatusCode::SERVICE_UNAVAILABLE, &e.zh());
            res.headers_mut().insert(
                header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.zh())
        }
    }
}

/// A session opened: recorded, and the browser given its cookies and sent on.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    next: &str,
    signed: SignedIn,
    factors: &str,
) -> Response {
    let SignedIn {
        account: who,
        token,
        device,
    } = signed;
    tracing::info!(login = %who.login, role = who.role.as_str(), factors, "signed in");
    let logged = crate::server::repo::audit::log(
        &state.pool,
        &who.login,
        "sign-in",
        &who.login,
        serde_json::json!({ "role": who.role.as_str(), "with": factors }),
    )
    .await;
    if let Err(e) = logged {
        tracing::error!(error = %e, "recording a sign-in failed");
    }
    let mut res = see_other(next);
    let cookies = res.headers_mut();
    cookies.insert(
        header::SET_COOKIE,
        session_cookie(&token, SESSION_HOURS * 3600, secure(headers)),
    );
    cookies.append(header::SET_COOKIE, device::cookie(&device, secure(headers)));
    res
}

fn code_page(
    state: &AppState,
    status: StatusCode,
    next: String,
    error: Option<String>,
    pending: String,
    login: String,
) -> Response {
    render(state, status, "两步验证", move || {
        view! { <LoginCodeForm next error pending login /> }.into_any()
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeFields {
    pending: String,
    code: String,
    next: Option<String>,
}

/// `POST /login/code` with `pending` (from the password step), `code` (six digits, or a
/// recovery code) and `next`.
pub async fn post_login_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    WebForm(f): WebForm<CodeFields>,
) -> Response {
    let Some(_handling) = state.signins.enter() else {
        return busy_page();
    };
    let next = safe_next(f.next.as_deref());
    let device = device::from_headers(&headers);
    let attempt = CodeAttempt {
        pending: &f.pending,
        code: &f.code,
        device: device.as_deref(),
        agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    };
    let factors = if crate::totp::is_recovery_code(&f.code) {
        "password+recovery-code"
    } else {
        "password+totp"
    };
    match state
        .signins
        .second_step(&state.pool, state.signin_keys(), attempt)
        .await
    {
        Ok(signed) => signed_in(&state, &headers, &next, signed, factors).await,
        Err(
            e @ (AccountError::WrongCode
            | AccountError::TooSoon(_)
            | AccountError::FactorUnreadable),
        ) => {
            // The token was sealed for this account, so its id is the account's.
            let id = f
                .pending
                .split_once(':')
                .and_then(|(id, _)| id.parse().ok());
            let login = match id {
                Some(id) => crate::server::repo::two_factor::account(&state.pool, id)
                    .await
                    .ok()
                    .flatten()
                    .map(|(a, _)| a.login)
                    .unwrap_or_default(),
                None => String::new(),
            };
            tracing::info!(login = %login, "one-time code refused");
            let status = match e {
                AccountError::WrongCode => StatusCode::UNAUTHORIZED,
                AccountError::FactorUnreadable => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::TOO_MANY_REQUESTS,
            };
            let mut res = code_page(&state, status, next, Some(e.zh()), f.pending.clone(), login);
            if let AccountError::TooSoon(secs) = e {
                res.headers_mut().insert(header::RETRY_AFTER, secs.into());
            }
            res
        }
        Err(
            e @ (AccountError::CodeExpired | AccountError::Disabled | AccountError::CodeLocked),
        ) => {
            let status = if matches!(e, AccountError::CodeExpired) {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::FORBIDDEN
            };
            login_page(&state, status, next, &e.zh(), String::new())
        }
        Err(e @ AccountError::Busy) => {
            let mut res = login_page(
                &state,
                StatusCode::SERVICE_UNAVAILABLE,
                next,
                &e.zh(),
                String::new(),
            );
            res.headers_mut().insert(
                header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "the one-time code step failed");
            login_page(
                &state,
                StatusCode::INTERNAL_SERVER_ERROR,
                next,
                &e.zh(),
                String::new(),
            )
        }
    }
}

/// The answer to a sign-in while [`SignIns::enter`] has no room: a fixed page (no rendering),
/// 503 with `Retry-After`.
///
/// [`SignIns::enter`]: crate::server::service::signin::SignIns::enter
fn busy_page() -> Response {
    const PAGE: &str = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
        <link rel=\"stylesheet\" href=\"/pkg/ceping.css\"><title>请稍后再试 · 测评</title></head>\
        <body><main class=\"page narrow\"><h1>请稍后再试</h1>\
        <div class=\"alert alert-error\" role=\"alert\">同时登录的人太多，请稍后再试。</div>\
        <p><a href=\"/login\">返回登录</a></p></main></body></html>";
    let mut res = (StatusCode::SERVICE_UNAVAILABLE, axum::response::Html(PAGE)).into_response();
    res.headers_mut().insert(
        header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("5"),
    );
    res
}

/// `POST /logout`: ends the session and clears the cookie.
pub async fn post_logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers)
        && let Err(e) = crate::server::repo::account::sign_out(&state.pool, &token).await
    {
        tracing::error!(error = %e, "signing out failed");
    }
    let mut res = see_other("/");
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0, secure(&headers)));
    res
}
