//! How a teller's secret share travels to another teller through the server: sealed to the
//! recipient's exchange key (an ephemeral Diffie–Hellman key and a one-time pad from SHA-256).
//! No MAC is needed: the recipient checks every opened share against the sender's public
//! polynomial, so a changed share is refused, never used.

use super::G;
use super::board::{SealedShare, decode32};
use curve25519_dalek::constants::RISTRETTO_BASEPOINT_TABLE;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use elastic_elgamal::{PublicKey, SecretKey};
use rand::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};

/// The pad a share is sealed with: SHA-256 over the ceremony, both tellers, the ephemeral key
/// and the shared point.
fn pad(
    context: &str,
    from: usize,
    to: usize,
    ephemeral: &[u8],
    shared: &RistrettoPoint,
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"ceping teller share v1\0");
    h.update((context.len() as u64).to_le_bytes());
    h.update(context.as_bytes());
    h.update((from as u64).to_le_bytes());
    h.update((to as u64).to_le_bytes());
    h.update(ephemeral);
    h.update(shared.compress().as_bytes());
    h.finalize().into()
}

pub(super) fn seal_share<R: RngCore + CryptoRng>(
    context: &str,
    from: usize,
    to: usize,
    to_key: &PublicKey<G>,
    share: &SecretKey<G>,
    rng: &mut R,
) -> SealedShare {
    let r = Scalar::random(rng);
    let ephemeral = RISTRETTO_BASEPOINT_TABLE * &r;
    let ephemeral_bytes = ephemeral.compress().to_bytes();
    let shared = to_key.as_element() * r;
    let pad = pad(context, from, to, &ephemeral_bytes, &shared);
    let plain = share.expose_scalar().to_bytes();
    let sealed: Vec<u8> = plain.iter().zip(pad).map(|(a, b)| a ^ b).collect();
    SealedShare {
        to,
        ephemeral: PublicKey::from_bytes(&ephemeral_bytes).expect("rG is a valid key"),
        sealed: hex::encode(sealed),
    }
}

pub(super) fn open_share(
    context: &str,
    from: usize,
    to: usize,
    exchange: &SecretKey<G>,
    sealed: &SealedShare,
) -> Option<SecretKey<G>> {
    let bytes = decode32(&sealed.sealed)?;
    let shared = sealed.ephemeral.as_element() * exchange.expose_scalar();
    let pad = pad(context, from, to, sealed.ephemeral.as_bytes(), &shared);
    let plain: Vec<u8> = bytes.iter().zip(pad).map(|(a, b)| a ^ b).collect();
    SecretKey::from_bytes(&plain)
}
