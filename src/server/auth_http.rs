//! Sign-in and sign-out over plain form posts (they work with JavaScript off), and reading the
//! session cookie. The cookie is HttpOnly and SameSite=Lax, and Secure when the request came
//! through a TLS proxy (`X-Forwarded-Proto: https`).

use crate::pages::account::LoginForm;
use crate::server::db::internal;
use crate::server::http::AppState;
use crate::server::render::render;
use crate::server::repo::account::{self, Account, AccountError, SESSION_HOURS};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

pub const COOKIE: &str = "ceping_session";

/// The session token from the request's cookies.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|t| t.len() == 64 && t.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Who is signed in, if anyone.
pub async fn current_account(pool: &sqlx::SqlitePool, headers: &HeaderMap) -> Option<Account> {
    let token = session_token(headers)?;
    match account::from_session(pool, &token).await {
        Ok(a) => a,
        Err(e) => {
            internal(e);
            None
        }
    }
}

fn secure(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let flag = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{flag}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("ceping_session=; Path=/; Max-Age=0"))
}

/// Only a path of this site may follow a sign-in (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        // A path of this site only: browsers drop tabs and new lines from URLs, so "/\t/x"
        // would become "//x", another site.
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_string()
        }
        _ => "/desk".to_string(),
    }
}

fn see_other(location: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

fn login_page(
    state: &AppState,
    status: StatusCode,
    next: String,
    error: Option<String>,
    login: String,
) -> Response {
    render(state, status, "登录", move || {
        view! { <LoginForm next error login /> }.into_any()
    })
}

/// `POST /login` with `login`, `password` and `next`.
pub async fn post_login(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let field = |name: &str| {
        form_urlencoded::parse(&body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let next = safe_next(field("next").as_deref());
    let login = field("login").unwrap_or_default();
    let password = field("password").unwrap_or_default();
    if login.trim().is_empty() || password.is_empty() {
        return login_page(
            &state,
            StatusCode::BAD_REQUEST,
            next,
            Some("请输入账号和密码。".into()),
            login,
        );
    }
    match account::sign_in(&state.pool, &login, &password).await {
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
                internal(e);
            }
            let mut res = see_other(&next);
            res.headers_mut().insert(
                header::SET_COOKIE,
                cookie(&token, SESSION_HOURS * 3600, secure(&headers)),
            );
            res
        }
        Err(AccountError::Invalid) => {
            tracing::info!(login = %login, "failed sign-in");
            // Not in the audit trail: anyone can post here, and the trail cannot be pruned.
            login_page(
                &state,
                StatusCode::UNAUTHORIZED,
                next,
                Some("账号或密码不正确。".into()),
                login,
            )
        }
        Err(AccountError::TooSoon(secs)) => login_page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            next,
            Some(format!("登录失败次数过多，请{secs}秒后再试。")),
            login,
        ),
        Err(e) => {
            internal(e);
            login_page(
                &state,
                StatusCode::INTERNAL_SERVER_ERROR,
                next,
                Some("服务器出错了，请稍后再试。".into()),
                login,
            )
        }
    }
}

/// `POST /logout`: ends the session and clears the cookie.
pub async fn post_logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers)
        && let Err(e) = account::sign_out(&state.pool, &token).await
    {
        internal(e);
    }
    let mut res = see_other("/");
    res.headers_mut()
        .insert(header::SET_COOKIE, cookie("", 0, secure(&headers)));
    res
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_follow_a_sign_in() {
        assert_eq!(safe_next(Some("/results/1")), "/results/1");
        assert_eq!(safe_next(Some("/score/1?x=1")), "/score/1?x=1");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/x",
            "https://evil.example",
            "",
            "desk",
        ] {
            assert_eq!(safe_next(Some(bad)), "/desk", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/desk");
    }
}
