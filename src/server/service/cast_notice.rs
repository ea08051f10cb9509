//! What a cast ballot's answer carries to its confirmation page (post-redirect-get): the post
//! answers `303 See Other` to `/v/CODE/done` with this notice — the receipt, the tracking code
//! and the counts — sealed (ChaCha20-Poly1305, under the key that seals pending sign-ins, with
//! its own purpose) in a cookie sent only to that page, for 15 minutes. The server stores
//! nothing; Back and Reload on the confirmation show it again and cast nothing. The notice is
//! bound to the code (a notice of one code does not open on another code's page) and to the
//! round.

use crate::ballot::InviteCode;
use crate::totp::{Purpose, open, seal};
use axum::http::{HeaderMap, HeaderValue};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::{Deserialize, Serialize};

pub const COOKIE: &str = "ceping_cast";

/// How long the confirmation page can be shown again (Back, Reload).
pub const LIFETIME_SECS: u64 = 15 * 60;

/// The confirmation of one cast or revised ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CastNotice {
    /// The code's hash: the notice opens on this code's page only.
    pub code: String,
    /// The receipt to show (a new ballot, or a repeated post of one); `None` after a revision.
    pub receipt: Option<String>,
    pub tracking: Option<String>,
    pub revised: bool,
    pub rated: usize,
    pub total: usize,
}

/// The path of a code's confirmation page.
pub fn done_path(code: &InviteCode) -> String {
    format!("/v/{}/done", code.as_str())
}

/// The `Set-Cookie` value that carries `notice` to the confirmation page.
pub fn cookie(
    key: &[u8; 32],
    round: i64,
    code: &InviteCode,
    notice: &CastNotice,
    now: u64,
    secure: bool,
) -> HeaderValue {
    let plain = serde_json::to_vec(notice).unwrap_or_default();
    let sealed = seal(key, Purpose::Cast, round, now + LIFETIME_SECS, &plain);
    let cookie = Cookie::build((COOKIE, sealed))
        .path(done_path(code))
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(LIFETIME_SECS as i64))
        .secure(secure)
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The notice the request carries for `code` in `round`, if it is whole, unexpired and that
/// code's.
pub fn read(
    key: &[u8; 32],
    round: i64,
    code: &InviteCode,
    headers: &HeaderMap,
    now: u64,
) -> Option<CastNotice> {
    let jar = CookieJar::from_headers(headers);
    let sealed = jar.get(COOKIE)?.value().to_string();
    let plain = open(key, Purpose::Cast, round, now, &sealed)?;
    let notice: CastNotice = serde_json::from_slice(&plain).ok()?;
    (notice.code == code.hash()).then_some(notice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> InviteCode {
        InviteCode::parse(text).unwrap()
    }

    fn headers_with(set_cookie: &HeaderValue) -> HeaderMap {
        let pair = set_cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let mut h = HeaderMap::new();
        h.insert(axum::http::header::COOKIE, pair.parse().unwrap());
        h
    }

    #[test]
    fn a_notice_opens_only_for_its_code_its_round_and_its_quarter_hour() {
        let key = [5u8; 32];
        let mine = code(&InviteCode::generate(&mut rand::rngs::OsRng).display());
        let other = code(&InviteCode::generate(&mut rand::rngs::OsRng).display());
        let notice = CastNotice {
            code: mine.hash(),
            receipt: Some("AAAAA-BBBBB-CCCCC-DDDDD".into()),
            tracking: Some("7K3Q-XM9T-RB4F-2W8N".into()),
            revised: false,
            rated: 40,
            total: 44,
        };
        let set = cookie(&key, 3, &mine, &notice, 1000, false);
        let text = set.to_str().unwrap();
        assert!(text.contains("HttpOnly"), "{text}");
        assert!(
            text.contains(&format!("Path=/v/{}/done", mine.as_str())),
            "{text}"
        );
        assert!(
            !text.contains("AAAAA"),
            "the receipt is sealed, not in clear: {text}"
        );
        let h = headers_with(&set);
        assert_eq!(read(&key, 3, &mine, &h, 1000 + LIFETIME_SECS), Some(notice));
        assert_eq!(
            read(&key, 3, &mine, &h, 1001 + LIFETIME_SECS),
            None,
            "expired"
        );
        assert_eq!(read(&key, 3, &other, &h, 1000), None, "another code's page");
        assert_eq!(read(&key, 4, &mine, &h, 1000), None, "another round");
        assert_eq!(read(&[6u8; 32], 3, &mine, &h, 1000), None, "another key");
    }
}
