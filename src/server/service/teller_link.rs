//! Each teller's link to their page, `/teller/{round}/{n}#TOKEN`: the token lets whoever holds
//! it post that teller's steps of the key ceremony and their share of the count. It is a keyed
//! hash of the ceremony (whose context changes whenever the tellers are named again) and the
//! teller's number under a key derived from the audit key (`audit_key::TELLER_LINKS`), so
//! nothing is stored, the office's desk can show it again, and a copy of the database (which
//! does not hold the audit key) cannot recompute it; it travels after `#`, which browsers never send, so no request line or log
//! carries it (the page's script sends it in the body of its posts).
//!
//! What it guards against: anyone who is not the teller (nor the office, who hands the links
//! out) taking a teller's place on the board. The office could post in a teller's place before
//! the teller does, but the teller would then find their place taken, and every teller compares
//! the board's fingerprint with the others before any share is sent.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Symbols of a token (100 bits of the keyed hash, in Crockford's base32).
pub const TOKEN_SYMBOLS: usize = 20;

fn mac(secret: &[u8], context: &str, teller: usize) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(b"ceping teller link v1\0");
    mac.update(context.as_bytes());
    mac.update(b"\0");
    mac.update(&(teller as u64).to_le_bytes());
    mac
}

/// Teller `teller`'s (0-based) token for the ceremony with this `context`.
pub fn token(secret: &[u8], context: &str, teller: usize) -> String {
    let digest = mac(secret, context, teller).finalize().into_bytes();
    crate::seal::record::crockford(&digest, TOKEN_SYMBOLS)
}

/// Whether `given` is teller `teller`'s token (compared in constant time; case and spaces
/// forgiven).
pub fn check(secret: &[u8], context: &str, teller: usize, given: &str) -> bool {
    let given: String = given
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let want = token(secret, context, teller);
    given.len() == want.len() && subtle_eq(given.as_bytes(), want.as_bytes())
}

fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The path of teller `teller`'s page with their token (0-based teller, shown from 1).
pub fn link(secret: &[u8], round_id: i64, context: &str, teller: usize) -> String {
    format!(
        "/teller/{round_id}/{}#{}",
        teller + 1,
        token(secret, context, teller)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_per_teller_per_ceremony_and_per_secret() {
        let s = b"0123456789abcdef0123456789abcdef";
        let t = token(s, "round 1 abc", 0);
        assert_eq!(t.len(), TOKEN_SYMBOLS);
        assert!(check(s, "round 1 abc", 0, &t));
        assert!(check(s, "round 1 abc", 0, &t.to_lowercase()));
        assert!(!check(s, "round 1 abc", 1, &t), "another teller");
        assert!(!check(s, "round 1 abd", 0, &t), "another ceremony");
        assert!(!check(b"another secret", "round 1 abc", 0, &t));
        assert!(!check(s, "round 1 abc", 0, &t[..19]));
        assert!(!check(s, "round 1 abc", 0, ""));
        assert_ne!(token(s, "round 1 abc", 1), t);
        assert_eq!(link(s, 1, "round 1 abc", 0), format!("/teller/1/1#{t}"));
        // The sealed-ballot crate's alphabet is the codes' alphabet (it cannot name the app's).
        assert_eq!(
            crate::ballot::code::ALPHABET,
            crate::seal::record::CROCKFORD
        );
    }
}
