//! Who is signed in: the session cookie read from a request and looked up.
//!
//! The cookie is HttpOnly and SameSite=Lax, and Secure when the request came through a TLS
//! proxy (`X-Forwarded-Proto: https`); its value is 32 random bytes in hex.

use crate::server::repo::account::{self, Account, Live};
use axum::http::{HeaderMap, HeaderValue};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

pub const COOKIE: &str = "ceping_session";

/// The session token from the request's cookies (only a well-formed one).
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(COOKIE)
        .map(|c| c.value().to_string())
        .filter(|t| t.len() == 64 && t.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value that gives the browser a session (`max_age_secs` 0 and an empty
/// token end it).
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((COOKIE, token.to_string()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(max_age_secs))
        .secure(secure)
        .build();
    HeaderValue::from_str(&cookie.to_string())
        .unwrap_or_else(|_| HeaderValue::from_static("ceping_session=; Path=/; Max-Age=0"))
}

/// Who is signed in, if anyone. A failed look-up is logged and counts as nobody, and so does
/// a session whose holder must first change their password or set up a second factor.
pub async fn current_account(pool: &sqlx::SqlitePool, headers: &HeaderMap) -> Option<Account> {
    current(pool, headers)
        .await
        .filter(|l| l.first_step().is_none())
        .map(|l| l.account)
}

/// The live session of the request, if any (with whether its holder must change their
/// password first). A failed look-up is logged and counts as nobody.
pub async fn current(pool: &sqlx::SqlitePool, headers: &HeaderMap) -> Option<Live> {
    let token = session_token(headers)?;
    match account::session(pool, &token).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "reading a session failed");
            None
        }
    }
}

/// The account a session token belongs to, if it is live. A failed look-up is logged and
/// counts as nobody.
pub async fn account_for_token(pool: &sqlx::SqlitePool, token: &str) -> Option<Account> {
    match account::from_session(pool, token).await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "reading a session failed");
            None
        }
    }
}

/// Whether the browser reached us over TLS (through the proxy), so cookies can be Secure.
pub fn secure(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}
