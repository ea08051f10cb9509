//! Who is signed in: the session cookie read from a request and looked up.
//!
//! The cookie is HttpOnly and SameSite=Lax, and Secure when the request came through a TLS
//! proxy (`X-Forwarded-Proto: https`); its value is 32 random bytes in hex.

use crate::server::repo::account::{self, Account};
use axum::http::{HeaderMap, header};

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

/// Who is signed in, if anyone. A failed look-up is logged and counts as nobody.
pub async fn current_account(pool: &sqlx::SqlitePool, headers: &HeaderMap) -> Option<Account> {
    account_for_token(pool, &session_token(headers)?).await
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
