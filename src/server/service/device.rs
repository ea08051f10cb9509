//! The browser an account signed in from: after a good sign-in the browser gets a device
//! cookie, `ceping_device`: `DEVICE.DAY.MAC`, a random device id, the day it was issued and a
//! keyed hash of both and the login (lower-cased), so that it is checked without the
//! database. The key (`AppState::device_key`) is derived from the audit key, which is kept
//! outside the database: a copy of the database cannot mint cookies. A cookie older than
//! [`DAYS`] is refused whatever the browser keeps.
//!
//! Its only use is the sign-in throttle (`service::throttle`): a browser holding a valid one
//! for the account being signed in to is throttled by itself and the account's other trusted
//! browsers, so a stranger's failed guesses on the login cannot keep the owner out. It grants
//! nothing else: the password is still checked.
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

fn mac(key: &[u8], login: &str, device: &str, day: u32) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(b"ceping device v3\0");
    mac.update(device.as_bytes());
    mac.update(b"\0");
    mac.update(&day.to_be_bytes());
    mac.update(login.trim().to_lowercase().as_bytes());
    mac
}

/// Today, as days since 1970-01-01 (UTC): what a cookie's age is counted in.
pub fn today() -> u32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    u32::try_from(secs / 86_400).unwrap_or(u32::MAX)
}

/// A fresh device cookie's value for `login`, issued on `day`: `DEVICE.DAY.MAC`.
pub fn issue(key: &[u8], login: &str, day: u32) -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let device = hex::encode(bytes);
    let tag = hex::encode(mac(key, login, &device, day).finalize().into_bytes());
    format!("{device}.{day}.{tag}")
}

/// The device id in `value`, if it is a valid cookie for `login` (case aside) on `today`:
/// made with `key`, and issued at most [`DAYS`] ago.
pub fn check(key: &[u8], login: &str, value: &str, today: u32) -> Option<String> {
    let mut parts = value.split('.');
    let (device, day, tag) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || device.len() != 32
        || !device.chars().all(|c| c.is_ascii_hexdigit())
        || day.is_empty()
        || !day.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let day: u32 = day.parse().ok()?;
    let age = i64::from(today) - i64::from(day);
    if !(0..=DAYS).contains(&age) {
        return None;
    }
    let tag = hex::decode(tag).ok()?;
    mac(key, login, device, day)
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
        let key = b"device key";
        let day = 20_000;
        let value = issue(key, "Office", day);
        let device = check(key, "office", &value, day).expect("valid, case aside");
        assert_eq!(device.len(), 32);
        assert_eq!(check(key, "expert", &value, day), None, "another account");
        assert_eq!(
            check(b"other key", "office", &value, day),
            None,
            "another server"
        );
        let mut forged = value.clone();
        forged.pop();
        forged.push(if value.ends_with('0') { '1' } else { '0' });
        assert_eq!(check(key, "office", &forged, day), None, "changed tag");
        let other_id = format!("{}{}", "0".repeat(32), &value[32..]);
        assert_eq!(check(key, "office", &other_id, day), None, "changed id");
        // A later issue day (to make an old cookie young again) breaks the tag.
        let younger = value.replacen(".20000.", ".20100.", 1);
        assert_eq!(check(key, "office", &younger, 20_150), None, "changed day");
        for junk in ["", "7", "x.y", ".", "a.b.c", &format!("{value}.extra")] {
            assert_eq!(check(key, "office", junk, day), None, "{junk}");
        }
        assert_ne!(issue(key, "office", day), value, "each browser its own id");
    }

    #[test]
    fn a_cookie_ages_out_whatever_the_browser_keeps() {
        let key = b"device key";
        let value = issue(key, "office", 20_000);
        assert!(check(key, "office", &value, 20_000 + DAYS as u32).is_some());
        assert_eq!(check(key, "office", &value, 20_001 + DAYS as u32), None);
        assert_eq!(
            check(key, "office", &value, 19_999),
            None,
            "from the future"
        );
    }
}
