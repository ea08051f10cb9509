//! The office's pages over plain form posts, office only: rounds and their settings
//! (`rounds`), invitations and slips (`invitations`), exports (`exports`), the year-end report
//! (`report`), the audit trail (`audit`) and staff accounts (`accounts`). Each action is recorded in the audit trail by the
//! repository function that performs it, in the same transaction.

mod accounts;
/// The office's list of accounts.
pub mod accounts_view;
mod audit;
mod exports;
mod invitations;
mod report;
/// The year-end report's page.
pub mod report_view;
mod rounds;
/// The office's views.
pub mod view;

pub use invitations::{MAX_CODES_AT_ONCE, base_url, qr_svg};
pub use rounds::settings_from_form;

use crate::server::web::AppState;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/desk/rounds/new", get(rounds::get_new_round))
        .route("/desk/rounds", post(rounds::post_new_round))
        .route("/desk/rounds/{round}", get(rounds::get_round))
        .route("/desk/rounds/{round}/state", post(rounds::post_state))
        .route("/desk/rounds/{round}/settings", post(rounds::post_settings))
        .route("/desk/rounds/{round}/tellers", post(rounds::post_tellers))
        .route(
            "/desk/rounds/{round}/non-voters.csv",
            get(invitations::get_non_voters),
        )
        .route(
            "/desk/rounds/{round}/invitations",
            get(invitations::get_invitations).post(invitations::post_invitations),
        )
        .route(
            "/desk/rounds/{round}/invitations/{inv}/revoke",
            post(invitations::post_revoke),
        )
        .route("/desk/audit", get(audit::get_audit))
        .route(
            "/desk/accounts",
            get(accounts::get_accounts).post(accounts::post_new_account),
        )
        .route(
            "/desk/accounts/{login}/disable",
            post(accounts::post_disable),
        )
        .route("/desk/accounts/{login}/enable", post(accounts::post_enable))
        .route(
            "/desk/accounts/{login}/reset-password",
            post(accounts::post_reset),
        )
        .route(
            "/desk/accounts/{login}/end-sessions",
            post(accounts::post_end_sessions),
        )
        .route(
            "/desk/accounts/{login}/reset-totp",
            post(accounts::post_reset_totp),
        )
        .route(
            "/desk/accounts/require-totp",
            post(accounts::post_require_totp),
        )
        .route("/desk/rounds/{round}/report", get(report::get_report))
        .route("/desk/rounds/{round}/{export}", get(exports::get_export))
}

/// A download that is never cached.
fn download(body: impl IntoResponse, content_type: &'static str, file_name: &str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        file_name.replace(['"', '\\'], "")
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
