//! A signed head of the audit trail: its last sequence number and hash, signed with the
//! server's audit key (Ed25519), as one line an office can print and hand to the Standing
//! Committee or the evaluators: `SEQ:HASH:SIGNATURE` (the signature in unpadded base64url).
//!
//! The hash chain alone already commits to every entry up to a head written down earlier.
//! What the signature adds: a head can be shown to come from this server's key, which lives in
//! a file outside the database. Whoever can write the database can rewrite the chain so that
//! it verifies, but cannot sign its new head; and an earlier signed head no longer matches.

use base64ct::{Base64UrlUnpadded, Encoding};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

/// A head as `--expect-head` takes it: signed, or (as printed before heads were signed) not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedHead {
    pub seq: i64,
    pub hash: String,
    pub signature: Option<[u8; 64]>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeadError {
    #[error("a head is SEQ:HASH:SIGNATURE, as `ceping audit head` prints it (or SEQ:HASH)")]
    Unreadable,
    #[error(
        "the head's signature is not this server's audit key: it was not printed by `ceping audit head` with this key, or it was altered"
    )]
    BadSignature,
    #[error("the head has no signature to check")]
    Unsigned,
}

/// The bytes a head's signature covers.
fn message(seq: i64, hash: &str) -> Vec<u8> {
    let mut m = b"ceping audit head v1\0".to_vec();
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(hash.as_bytes());
    m
}

/// The signed head of a chain whose last entry is `seq` with `hash`.
pub fn sign(key: &SigningKey, seq: i64, hash: &str) -> ExpectedHead {
    ExpectedHead {
        seq,
        hash: hash.to_string(),
        signature: Some(key.sign(&message(seq, hash)).to_bytes()),
    }
}

/// A public key as printed: `ed25519:` and its 32 bytes in base64url.
pub fn key_text(key: &VerifyingKey) -> String {
    format!(
        "ed25519:{}",
        Base64UrlUnpadded::encode_string(key.as_bytes())
    )
}

/// Reads [`key_text`].
pub fn parse_key(text: &str) -> Option<VerifyingKey> {
    let b64 = text.trim().strip_prefix("ed25519:")?;
    let bytes: [u8; 32] = Base64UrlUnpadded::decode_vec(b64).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

impl ExpectedHead {
    /// Reads `SEQ:HASH:SIGNATURE` or `SEQ:HASH`.
    pub fn parse(text: &str) -> Result<ExpectedHead, HeadError> {
        let mut parts = text.trim().split(':');
        let seq = parts
            .next()
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|s| *s >= 0)
            .ok_or(HeadError::Unreadable)?;
        let hash = parts.next().ok_or(HeadError::Unreadable)?;
        if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(HeadError::Unreadable);
        }
        let signature = match parts.next() {
            None => None,
            Some(s) => Some(
                Base64UrlUnpadded::decode_vec(s)
                    .ok()
                    .and_then(|b| <[u8; 64]>::try_from(b).ok())
                    .ok_or(HeadError::Unreadable)?,
            ),
        };
        if parts.next().is_some() {
            return Err(HeadError::Unreadable);
        }
        Ok(ExpectedHead {
            seq,
            hash: hash.to_ascii_lowercase(),
            signature,
        })
    }

    /// Checks the signature with `key`.
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), HeadError> {
        let sig = self.signature.as_ref().ok_or(HeadError::Unsigned)?;
        key.verify(&message(self.seq, &self.hash), &Signature::from_bytes(sig))
            .map_err(|_| HeadError::BadSignature)
    }
}

impl std::fmt::Display for ExpectedHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)?;
        if let Some(sig) = &self.signature {
            write!(f, ":{}", Base64UrlUnpadded::encode_string(sig))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn a_signed_head_reads_back_and_verifies_only_with_its_key() {
        let hash = "ab".repeat(32);
        let head = sign(&key(1), 42, &hash);
        let text = head.to_string();
        assert!(text.starts_with(&format!("42:{hash}:")));
        let back = ExpectedHead::parse(&text).unwrap();
        assert_eq!(back, head);
        assert_eq!(back.verify(&key(1).verifying_key()), Ok(()));
        assert_eq!(
            back.verify(&key(2).verifying_key()),
            Err(HeadError::BadSignature)
        );
        // Another sequence number or hash under the same signature is refused.
        let moved = ExpectedHead {
            seq: 41,
            ..back.clone()
        };
        assert_eq!(
            moved.verify(&key(1).verifying_key()),
            Err(HeadError::BadSignature)
        );
        let other = ExpectedHead {
            hash: "cd".repeat(32),
            ..back.clone()
        };
        assert_eq!(
            other.verify(&key(1).verifying_key()),
            Err(HeadError::BadSignature)
        );
        // Unsigned heads (as printed by `verify`) still read, and say they are unsigned.
        let plain = ExpectedHead::parse(&format!("42:{hash}")).unwrap();
        assert_eq!(plain.signature, None);
        assert_eq!(
            plain.verify(&key(1).verifying_key()),
            Err(HeadError::Unsigned)
        );
        for junk in [
            "",
            "x:y",
            "42",
            &format!("-1:{hash}"),
            "42:abc",
            &format!("{text}:more"),
            &format!("42:{hash}:!!"),
        ] {
            assert_eq!(
                ExpectedHead::parse(junk),
                Err(HeadError::Unreadable),
                "{junk}"
            );
        }
    }

    #[test]
    fn public_keys_read_back() {
        let k = key(7).verifying_key();
        assert_eq!(parse_key(&key_text(&k)), Some(k));
        assert_eq!(parse_key("ed25519:short"), None);
        assert_eq!(parse_key("rsa:AAAA"), None);
    }
}
