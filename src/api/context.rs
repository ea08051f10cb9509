//! What server functions share: the pool from the Leptos context, and the HTTP status of a
//! failed answer (the JSON answer of the API and the page that called it alike). Server only.

use crate::error::AppError;
use sqlx::SqlitePool;

/// The pool, as provided to pages and server functions by the router.
pub fn pool_from_context() -> Result<SqlitePool, AppError> {
    leptos::prelude::use_context::<SqlitePool>().ok_or_else(|| {
        tracing::error!("no database pool in the Leptos context");
        AppError::Internal
    })
}

/// Awaits a server function's work and, when it fails, sets the HTTP status of the response
/// (the JSON answer of the API and the page that called it alike).
pub async fn respond<T>(work: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = work.await;
    if let Err(e) = &result {
        set_status(e.status());
    }
    result
}

/// Sets the status of the response being rendered (a page or a server function's answer).
/// A redirect already decided (e.g. to the sign-in page) is kept.
pub fn set_status(code: u16) {
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let redirecting = res
            .0
            .read()
            .map(|parts| parts.status.is_some_and(|s| s.is_redirection()))
            .unwrap_or(false);
        if redirecting {
            return;
        }
        res.set_status(
            axum::http::StatusCode::from_u16(code)
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
}
