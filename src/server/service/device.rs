//! The browser an account signed in from: after a good sign-in the browser gets a device
//! cookie, `ceping_device`: a random device id and a keyed hash, under the server's secret, of
//! the id and the login (lower-cased), so that it is checked without the database. Its only use is the sign-in throttle (`service::throttle`): a
//! browser holding a valid one for the account being signed in to is throttled by itself, so
//! a stranger's failed guesses on the login cannot keep the owner out. It grants nothing else:
//! the password is still checked.
//!
//! The cookie is HttpOnly, SameSite=Strict and sent only to `/login`; nothing is stored.

use axum::http::{HeaderMap, HeaderValue};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

pub const COOKIE: &str = "ceping_device";
/// How long a browser stays known without signing in again.
pub const DAYS: i64 = 180;

fn mac(secret: &[u8], login: &str, device: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(b"ceping device v2\0");
    mac.update(device.as_bytes());
    mac.update(b"\0");
    mac.update(login.trim().to_lowercase().as_bytes());
    mac
}

/// A fresh device cookie's value for `login`: `DEVICE.MAC`.
pub fn issue(secret: &[u8], login: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let device = hex::encode(bytes);
    let tag = hex::encode(mac(secret, login, &device).finalize().into_bytes());
    format!("{device}.{tag}")
}

/// The device id in `value`, if it is a valid cookie for `login` (case aside).
pub fn check(secret: &[u8], login: &str, value: &str) -> Option<String> {
    let (device, tag) = value.split_once('.')?;
    if device.len() != 32 || !device.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let tag = hex::decode(tag).ok()?;
    mac(secret, login, device)
        .verify_slice(&tag)
        .ok()
        .map(|()| device.to_string())
}

/// The device cookie the request carries, if any.
pub fn from_headers(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() <= 200)
}

/// The `Set-Cookie` value that gives the browser `value`.
pub fn cookie(value: &str, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((COOKIE, value.to_string()))
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::days(DAYS))
        .secure(secure)
        .build();
    HeaderValue::from_str(&cookie.to_string())
        .unwrap_or_else(|_| HeaderValue::from_static("ceping_device=; Path=/login; Max-Age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_valid_for_its_account_only_and_cannot_be_forged() {
        let secret = b"server secret";
        let value = issue(secret, "Office");
        let device = check(secret, "office", &value).expect("valid, case aside");
        assert_eq!(device.len(), 32);
        assert_eq!(check(secret, "expert", &value), None, "another account");
        assert_eq!(
            check(b"other secret", "office", &value),
            None,
            "another server"
        );
        let mut forged = value.clone();
        forged.pop();
        forged.push(if value.ends_with('0') { '1' } else { '0' });
        assert_eq!(check(secret, "office", &forged), None, "changed tag");
        let other_id = format!("{}{}", "0".repeat(32), &value[32..]);
        assert_eq!(check(secret, "office", &other_id), None, "changed id");
        for junk in ["", "7", "x.y", ".", &format!("{value}.extra")] {
            assert_eq!(check(secret, "office", junk), None, "{junk}");
        }
        assert_ne!(issue(secret, "office"), value, "each browser its own id");
    }
}
