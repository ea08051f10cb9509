//! Two factors for staff accounts: time-based one-time codes (RFC 6238: HMAC-SHA1, 6 digits,
//! 30-second steps, what every authenticator app speaks; the codes come from the `totp-rs`
//! crate), one-time recovery codes, and the sealing of what the server keeps. Pure: the
//! caller passes the time, the keys and the last step used.
//!
//! - **Skew.** A code of the step before or after the current one is accepted too (a phone's
//!   clock a little off, a code typed as it turns).
//! - **No replay.** A code is accepted only for a step later than the last one accepted for
//!   the account ([`check_code`] returns the step to keep), so a code seen over a shoulder
//!   is worth nothing once used.
//! - **Recovery codes** are ten random codes shown once at enrolment (`XXXX-XXXX-XX`, 49.5 bits
//!   each); only their SHA-256 is kept (they are random, so no slow hash is needed), and each
//!   works once.
//! - **Sealed secrets.** A TOTP secret is kept sealed (ChaCha20-Poly1305) with a key the
//!   database does not hold (derived from the audit key), so a copy of the database gives no
//!   codes. A secret being enrolled, and a sign-in waiting for its code, travel in the page as
//!   sealed tokens bound to the account and a deadline; nothing half-done is stored.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, TOTP};

/// Seconds per step.
pub const STEP: u64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Steps before and after the current one also accepted.
pub const SKEW: u64 = 1;
/// Bytes of a secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;
/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// A fresh random secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

/// The secret as an authenticator app takes it by hand: base32, in groups of four.
pub fn secret_text(secret: &[u8]) -> String {
    let b32 = base32_of(secret);
    b32.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads [`secret_text`] back (spaces and case aside).
pub fn parse_secret_text(text: &str) -> Option<Vec<u8>> {
    let b32: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    totp_rs::Secret::Encoded(b32).to_bytes().ok()
}

fn base32_of(secret: &[u8]) -> String {
    totp(secret).get_secret_base32()
}

fn totp(secret: &[u8]) -> TOTP {
    // Not `TOTP::new`: it refuses secrets under 128 bits, and ours are always 160.
    TOTP::new_unchecked(Algorithm::SHA1, DIGITS, 0, STEP, secret.to_vec())
}

/// The `otpauth://` link the enrolment QR code holds: issuer "测评", the login as the label.
pub fn otpauth_uri(secret: &[u8], login: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let issuer = utf8_percent_encode("测评", NON_ALPHANUMERIC).to_string();
    let label = utf8_percent_encode(login, NON_ALPHANUMERIC).to_string();
    format!(
        "otpauth://totp/{issuer}:{label}?secret={}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP}",
        base32_of(secret)
    )
}

/// The step of `unix` seconds.
pub fn step_of(unix: u64) -> u64 {
    unix / STEP
}

/// The code of `step`.
pub fn code_at(secret: &[u8], step: u64) -> String {
    totp(secret).generate(step * STEP)
}

/// The step `code` belongs to, if it is right at `unix` (within [`SKEW`] steps) and later than
/// `last_step`, the last one accepted. Spaces and dashes in the code are ignored.
pub fn check_code(secret: &[u8], code: &str, unix: u64, last_step: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if code.len() != DIGITS || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let now = step_of(unix);
    let mut found = None;
    // Every candidate is computed and compared in constant time, whichever matches.
    for step in now.saturating_sub(SKEW)..=now + SKEW {
        let right = code_at(secret, step);
        if constant_time_eq(right.as_bytes(), code.as_bytes()) && step > last_step {
            found = Some(step);
        }
    }
    found
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Whether `text` looks like a recovery code rather than a six-digit code.
pub fn is_recovery_code(text: &str) -> bool {
    normalize_recovery(text).len() == 10
}

/// New recovery codes, as shown: `XXXX-XXXX-XX` from an alphabet without 0/O, 1/I/L.
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    (0..RECOVERY_CODES)
        .map(|_| {
            // Each character from a byte below 248 (8 × 31), so that every one is as likely.
            let mut chars = String::with_capacity(10);
            while chars.len() < 10 {
                let mut byte = [0u8; 1];
                rand::rngs::OsRng.fill_bytes(&mut byte);
                if usize::from(byte[0]) < 248 {
                    chars.push(ALPHABET[usize::from(byte[0]) % ALPHABET.len()] as char);
                }
            }
            format!("{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..])
        })
        .collect()
}

/// A recovery code as typed, made comparable: upper case, without spaces or dashes.
fn normalize_recovery(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// What is kept of a recovery code.
pub fn recovery_hash(code: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"ceping recovery code v1\0");
    h.update(normalize_recovery(code).as_bytes());
    hex::encode(h.finalize())
}

/// What a sealed value is for; part of what the seal covers, so that one kind cannot be
/// passed off as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// An account's secret, as stored.
    Stored,
    /// A secret shown for enrolment, until its first code confirms it.
    Enrolling,
    /// A sign-in whose password was right, waiting for its code.
    Pending,
    /// A cast ballot's confirmation on its way to its page (`service::cast_notice`).
    Cast,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Stored => b"stored",
            Purpose::Enrolling => b"enrolling",
            Purpose::Pending => b"pending",
            Purpose::Cast => b"cast",
        }
    }
}

fn aad(purpose: Purpose, account: i64, until: u64) -> Vec<u8> {
    let mut aad = b"ceping totp v1\0".to_vec();
    aad.extend_from_slice(purpose.label());
    aad.push(0);
    aad.extend_from_slice(&account.to_be_bytes());
    aad.extend_from_slice(&until.to_be_bytes());
    aad
}

/// Seals `plain` for `account` and `purpose`, valid until `until` (unix seconds; 0 for
/// ever): `UNTIL.` and base64url of the nonce and the ciphertext.
pub fn seal(key: &[u8; 32], purpose: Purpose, account: i64, until: u64, plain: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let cipher = ChaCha20Poly1305::new(key.into());
    let mut nonce = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plain,
                aad: &aad(purpose, account, until),
            },
        )
        .expect("ChaCha20-Poly1305 seals any length a secret has");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    format!("{until}.{}", Base64UrlUnpadded::encode_string(&out))
}

/// Opens what [`seal`] made for `account` and `purpose`, if it is whole and not past its
/// deadline at `unix`.
pub fn open(
    key: &[u8; 32],
    purpose: Purpose,
    account: i64,
    unix: u64,
    text: &str,
) -> Option<Vec<u8>> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let (until, b64) = text.split_once('.')?;
    let until: u64 = until.parse().ok()?;
    if until != 0 && unix > until {
        return None;
    }
    let bytes = Base64UrlUnpadded::decode_vec(b64).ok()?;
    if bytes.len() < 12 + 16 {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(12);
    ChaCha20Poly1305::new(key.into())
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: &aad(purpose, account, until),
            },
        )
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's SHA-1 test secret, "12345678901234567890".
    const RFC: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_are_rfc_6238s() {
        // RFC 6238 appendix B gives 8 digits; the last 6 are ours.
        for (unix, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(code_at(RFC, step_of(unix)), eight[2..], "{unix}");
        }
    }

    #[test]
    fn a_code_is_right_within_one_step_either_side_and_only_once() {
        let secret = new_secret();
        let unix = 1_800_000_015;
        let now = step_of(unix);
        for step in [now - 1, now, now + 1] {
            let code = code_at(&secret, step);
            assert_eq!(check_code(&secret, &code, unix, 0), Some(step), "{step}");
        }
        for step in [now - 2, now + 2] {
            let code = code_at(&secret, step);
            assert_eq!(check_code(&secret, &code, unix, 0), None, "{step}");
        }
        // Used once at `now`: it, and any earlier step's code, is refused after.
        let code = code_at(&secret, now);
        assert_eq!(check_code(&secret, &code, unix, now), None, "replayed");
        let earlier = code_at(&secret, now - 1);
        assert_eq!(check_code(&secret, &earlier, unix, now), None);
        let later = code_at(&secret, now + 1);
        assert_eq!(check_code(&secret, &later, unix, now), Some(now + 1));
        // Typed with a space or a dash; not digits; not six of them.
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(check_code(&secret, &spaced, unix, 0), Some(now));
        for bad in ["", "12345", "1234567", "abcdef", "12 34 5x"] {
            assert_eq!(check_code(&secret, bad, unix, 0), None, "{bad}");
        }
    }

    #[test]
    fn the_enrolment_link_and_text_carry_the_secret() {
        let uri = otpauth_uri(RFC, "office.li");
        assert!(uri.starts_with("otpauth://totp/%E6%B5%8B%E8%AF%84:office%2Eli?secret="));
        assert!(
            uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&"),
            "{uri}"
        );
        assert!(uri.ends_with("&algorithm=SHA1&digits=6&period=30"), "{uri}");
        assert_eq!(secret_text(RFC), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
        assert_eq!(
            parse_secret_text("gezd gnbv GY3T QOJQ GEZDGNBVGY3TQOJQ").as_deref(),
            Some(RFC)
        );
        assert_eq!(parse_secret_text("not base32!"), None);
    }

    #[test]
    fn recovery_codes_are_random_and_compared_as_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 12);
        assert!(is_recovery_code(code) && !is_recovery_code("123456"));
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(recovery_hash(&typed), recovery_hash(code));
        assert_ne!(recovery_hash(code), recovery_hash(&codes[1]));
    }

    #[test]
    fn a_seal_opens_only_for_its_account_purpose_key_and_time() {
        let key = [7u8; 32];
        let sealed = seal(&key, Purpose::Enrolling, 3, 1000, b"secret");
        assert_eq!(
            open(&key, Purpose::Enrolling, 3, 999, &sealed).as_deref(),
            Some(&b"secret"[..])
        );
        assert_eq!(
            open(&key, Purpose::Enrolling, 3, 1001, &sealed),
            None,
            "late"
        );
        assert_eq!(
            open(&key, Purpose::Enrolling, 4, 999, &sealed),
            None,
            "other account"
        );
        assert_eq!(
            open(&key, Purpose::Pending, 3, 999, &sealed),
            None,
            "other purpose"
        );
        assert_eq!(
            open(&[8u8; 32], Purpose::Enrolling, 3, 999, &sealed),
            None,
            "other key"
        );
        let extended = sealed.replacen("1000.", "9999.", 1);
        assert_eq!(
            open(&key, Purpose::Enrolling, 3, 1001, &extended),
            None,
            "deadline moved"
        );
        let stored = seal(&key, Purpose::Stored, 3, 0, b"s");
        assert!(
            open(&key, Purpose::Stored, 3, u64::MAX, &stored).is_some(),
            "no deadline"
        );
        for junk in ["", ".", "1000.", "x.abc", "1000.AAAA"] {
            assert_eq!(open(&key, Purpose::Enrolling, 3, 0, junk), None, "{junk}");
        }
    }
}
