//! The browser an account signed in from: after a good sign-in the browser gets a device
//! cookie, `ceping_device`, that names the account and a random device id under a keyed hash
//! of the server's secret. Its only use is the sign-in throttle (`service::throttle`): a
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

fn mac(secret: &[u8], account_id: i64, device: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(b"ceping device v1\0");
    mac.update(&account_id.to_le_bytes());
    mac.update(device.as_bytes());
    mac
}

/// A fresh device cookie's value for `account_id`: `ACCOUNT.DEVICE.MAC`.
pub fn issue(secret: &[u8], account_id: i64) -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let device = hex::encode(bytes);
    let tag = hex::encode(mac(secret, account_id, &device).finalize().into_bytes());
    format!("{account_id}.{device}.{tag}")
}

/// The device id in `value`, if it is a valid cookie for `account_id`.
pub fn check(secret: &[u8], account_id: i64, value: &str) -> Option<String> {
    let mut parts = value.split('.');
    let (id, device, tag) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || id.parse::<i64>().ok()? != account_id || device.len() != 32 {
        return None;
    }
    let tag = hex::decode(tag).ok()?;
    mac(secret, account_id, device)
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
        let value = issue(secret, 7);
        let device = check(secret, 7, &value).expect("valid");
        assert_eq!(device.len(), 32);
        assert_eq!(check(secret, 8, &value), None, "another account");
        assert_eq!(check(b"other secret", 7, &value), None, "another server");
        let moved = value.replacen("7.", "8.", 1);
        assert_eq!(check(secret, 8, &moved), None, "renamed account");
        let mut forged = value.clone();
        forged.pop();
        forged.push(if value.ends_with('0') { '1' } else { '0' });
        assert_eq!(check(secret, 7, &forged), None, "changed tag");
        for junk in ["", "7", "7..", "7.x.y", &format!("{value}.extra")] {
            assert_eq!(check(secret, 7, junk), None, "{junk}");
        }
        assert_ne!(issue(secret, 7), value, "each browser its own id");
    }
}
