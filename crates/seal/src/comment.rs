//! A deputy's comments, sealed to the tellers like their choices: hybrid encryption with an
//! ElGamal key and ChaCha20-Poly1305 for the text.
//!
//! A sealed comment is `R ‖ e ‖ s ‖ body`:
//! - `R = rG` carries the key: `rX` (`X` the round's joint key) hashed with `R` and the round
//!   gives the text's key. Only `x·R`, which k tellers make together, gives `rX` back.
//! - `(e, s)` is a Schnorr proof that whoever made `R` knows `r`, bound to the round and the
//!   body. Tellers check it before they help open a comment: without it the server could pass
//!   off one deputy's sealed choice (its `c1`) as a "comment" and have the tellers open it.
//! - `body` is the comments as JSON, encrypted (its tag refuses any change).
//!
//! Pure: no database, no HTTP.

use super::SealError;
use super::cell::Sealer;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use curve25519_dalek::constants::RISTRETTO_BASEPOINT_TABLE;
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256, Sha512};

/// What one ballot said in words: its overall comment and its comments on items.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comments {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overall: Option<String>,
    /// (item, text), e.g. ("t3", "…").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<(String, String)>,
}

impl Comments {
    pub fn is_empty(&self) -> bool {
        self.overall.is_none() && self.items.is_empty()
    }
}

/// The text is padded to a multiple of this many bytes.
const PAD: usize = 256;

/// Bytes before the encrypted body: `R`, `e`, `s`.
const HEAD: usize = 96;

/// A sealed comment read back, its proof checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedComment {
    /// `R`, the point the tellers decrypt.
    pub key_point: RistrettoPoint,
    bytes: Vec<u8>,
}

fn text_key(context: &str, r: &[u8], dh: &RistrettoPoint) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"ceping comment key v1\0");
    h.update((context.len() as u64).to_le_bytes());
    h.update(context.as_bytes());
    h.update(r);
    h.update(dh.compress().as_bytes());
    h.finalize().into()
}

fn challenge(context: &str, r: &[u8], commitment: &RistrettoPoint, body: &[u8]) -> Scalar {
    let mut h = Sha512::new();
    h.update(b"ceping comment proof v1\0");
    h.update((context.len() as u64).to_le_bytes());
    h.update(context.as_bytes());
    h.update(r);
    h.update(commitment.compress().as_bytes());
    h.update(Sha256::digest(body));
    Scalar::from_bytes_mod_order_wide(&h.finalize().into())
}

/// The associated data of the body: the round and `R`, so a body cannot be moved elsewhere.
fn aad(context: &str, r: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(context.len() + 33);
    out.extend_from_slice(context.as_bytes());
    out.push(0);
    out.extend_from_slice(r);
    out
}

impl Sealer {
    /// Seals a ballot's comments for the round `context` (the tellers' ceremony context).
    pub fn seal_comments<R: RngCore + CryptoRng>(
        &self,
        context: &str,
        comments: &Comments,
        rng: &mut R,
    ) -> Vec<u8> {
        let r = Scalar::random(rng);
        let big_r = (RISTRETTO_BASEPOINT_TABLE * &r).compress();
        let dh = self.key_times(&r);
        let key = text_key(context, big_r.as_bytes(), &dh);
        let mut plain = serde_json::to_vec(comments).expect("comments serialize");
        // Padded to a multiple of 256 bytes (JSON allows the trailing spaces), so the stored
        // size tells little of how much was said.
        plain.resize(plain.len().div_ceil(PAD) * PAD, b' ');
        // Each key is used once (a fresh r), so a fixed nonce is safe.
        let body = ChaCha20Poly1305::new(&key.into())
            .encrypt(
                Nonce::from_slice(&[0u8; 12]),
                Payload {
                    msg: &plain,
                    aad: &aad(context, big_r.as_bytes()),
                },
            )
            .expect("encryption of a bounded text does not fail");
        let w = Scalar::random(rng);
        let commitment = RISTRETTO_BASEPOINT_TABLE * &w;
        let e = challenge(context, big_r.as_bytes(), &commitment, &body);
        let s = w + e * r;
        let mut out = Vec::with_capacity(HEAD + body.len());
        out.extend_from_slice(big_r.as_bytes());
        out.extend_from_slice(e.as_bytes());
        out.extend_from_slice(s.as_bytes());
        out.extend_from_slice(&body);
        out
    }
}

impl SealedComment {
    /// Reads a stored sealed comment and checks its proof; refused when anything is off.
    pub fn read(context: &str, bytes: &[u8]) -> Result<SealedComment, SealError> {
        let bad = || SealError::BadComment;
        if bytes.len() < HEAD + 16 {
            return Err(bad());
        }
        let key_point = CompressedRistretto::from_slice(&bytes[..32])
            .map_err(|_| bad())?
            .decompress()
            .ok_or_else(bad)?;
        let scalar = |b: &[u8]| -> Option<Scalar> {
            Scalar::from_canonical_bytes(b.try_into().ok()?).into()
        };
        let e = scalar(&bytes[32..64]).ok_or_else(bad)?;
        let s = scalar(&bytes[64..96]).ok_or_else(bad)?;
        // sG − eR is the commitment the challenge was computed over.
        let commitment = RistrettoPoint::vartime_double_scalar_mul_basepoint(&-e, &key_point, &s);
        if challenge(context, &bytes[..32], &commitment, &bytes[HEAD..]) != e {
            return Err(bad());
        }
        Ok(SealedComment {
            key_point,
            bytes: bytes.to_vec(),
        })
    }

    /// Opens the comment with `x·R`, which k tellers' shares combine to.
    pub fn open(&self, context: &str, dh: &RistrettoPoint) -> Result<Comments, SealError> {
        let r = &self.bytes[..32];
        let key = text_key(context, r, dh);
        let plain = ChaCha20Poly1305::new(&key.into())
            .decrypt(
                Nonce::from_slice(&[0u8; 12]),
                Payload {
                    msg: &self.bytes[HEAD..],
                    aad: &aad(context, r),
                },
            )
            .map_err(|_| SealError::BadComment)?;
        serde_json::from_slice(&plain).map_err(|_| SealError::BadComment)
    }
}
