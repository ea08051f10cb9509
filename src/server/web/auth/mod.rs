//! Sign-in and sign-out over plain form posts (they work with JavaScript off). The session
//! cookie is read in `service::session`.

use crate::message::Bilingual;
use crate::model::nav::safe_next;
use crate::pages::account::LoginForm;
use crate::server::repo::account::{self, AccountError, SESSION_HOURS};
use crate::server::service::session::{secure, session_cookie, session_token};
use crate::server::web::AppState;
use crate::server::web::extract::{WebForm, see_other};
use crate::server::web::render::render;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::post;
use leptos::prelude::*;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", post(post_login))
        .route("/logout", post(post_logout))
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
    headers: HeaderMap,
    WebForm(f): WebForm<LoginFields>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    let refuse =
        |status, message: &str| login_page(&state, status, next.clone(), message, f.login.clone());
    if f.login.trim().is_empty() || f.password.is_empty() {
        return refuse(StatusCode::BAD_REQUEST, "请输入账号和密码。");
    }
    match account::sign_in(&state.pool, &f.login, &f.password).await {
        Ok((who, token)) => {
            tracing::info!(login = %who.login, role = who.role.as_str(), "signed in");
            let logged = crate::server::repo::audit::log(
                &state.pool,
                &who.login,
                "sign-in",
                &who.login,
                serde_json::json!({ "role": who.role.as_str() }),
            )
            .await;
            if let Err(e) = logged {
                tracing::error!(error = %e, "recording a sign-in failed");
            }
            let mut res = see_other(&next);
            res.headers_mut().insert(
                header::SET_COOKIE,
                session_cookie(&token, SESSION_HOURS * 3600, secure(&headers)),
            );
            res
        }
        Err(e @ AccountError::Invalid) => {
            tracing::info!(login = %f.login, "failed sign-in");
            // Not in the audit trail: anyone can post here, and the trail cannot be pruned.
            refuse(StatusCode::UNAUTHORIZED, &e.zh())
        }
        Err(e @ AccountError::TooSoon(_)) => refuse(StatusCode::TOO_MANY_REQUESTS, &e.zh()),
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.zh())
        }
    }
}

/// `POST /logout`: ends the session and clears the cookie.
pub async fn post_logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers)
        && let Err(e) = account::sign_out(&state.pool, &token).await
    {
        tracing::error!(error = %e, "signing out failed");
    }
    let mut res = see_other("/");
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0, secure(&headers)));
    res
}
