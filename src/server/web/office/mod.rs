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

/// A download that is never cached, saved under `zh_name` (RFC 6266 `filename*`, UTF-8),
/// or `ascii_name` by a client that reads only the plain `filename`.
fn download(
    body: impl IntoResponse,
    content_type: &'static str,
    ascii_name: &str,
    zh_name: &str,
) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(ascii_name, zh_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `attachment; filename="ASCII"; filename*=UTF-8''PERCENT-ENCODED`, the name made safe for
/// every file system (no path separators, quotes or control characters).
pub fn content_disposition(ascii_name: &str, zh_name: &str) -> String {
    let safe: String = zh_name
        .chars()
        .map(|c| {
            // Control characters, and the invisible ones that could turn a name around
            // (U+202E and its kin) or hide in it.
            let invisible = matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}');
            if c.is_control()
                || invisible
                || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in safe.trim().as_bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(b) {
            encoded.push(char::from(*b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let ascii: String = ascii_name
        .chars()
        .filter(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\\'))
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn download_names_are_chinese_with_an_ascii_fallback_and_cannot_escape() {
        assert_eq!(
            super::content_disposition("round-1-export.xlsx", "2020年度/测评 结果.xlsx"),
            "attachment; filename=\"round-1-export.xlsx\"; filename*=UTF-8''2020%E5%B9%B4%E5%BA%A6_%E6%B5%8B%E8%AF%84%20%E7%BB%93%E6%9E%9C.xlsx"
        );
        // A right-to-left override cannot turn "…cod.exe" into something else.
        let bidi = super::content_disposition("x", "测评\u{202E}gpj.exe");
        assert!(bidi.ends_with("%E6%B5%8B%E8%AF%84_gpj.exe"), "{bidi}");
        let evil = super::content_disposition("a\"b", "..\\x\r\n\"y");
        assert!(!evil.contains('\r') && !evil.contains('\n'), "{evil}");
        assert!(
            evil.starts_with("attachment; filename=\"ab\"; filename*=UTF-8''.._x__"),
            "{evil}"
        );
    }
}
