//! The public board of the tellers' key ceremony: the steps each teller posts, the checks
//! every step passes before it is kept, the fingerprint the tellers compare, and the round's
//! key set derived from the public polynomials alone. The server keeps a board; anyone may read
//! it. See [`super::ceremony`] for the steps.

use super::{G, KeySet, SealError, params};
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use elastic_elgamal::PublicKey;
use elastic_elgamal::dkg::PublicInfo;
use elastic_elgamal::sharing::{Params, PublicKeySet};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One step a teller posts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Message {
    Commit {
        /// 32 bytes, hex.
        commitment: String,
        exchange_key: PublicKey<G>,
    },
    Polynomial {
        info: PublicInfo<'static, G>,
    },
    Shares {
        shares: Vec<SealedShare>,
    },
    Done {
        joint_key: PublicKey<G>,
        /// The board's fingerprint the teller confirmed.
        fingerprint: String,
    },
}

impl Message {
    /// The step's number, from 0.
    pub fn step(&self) -> usize {
        match self {
            Message::Commit { .. } => 0,
            Message::Polynomial { .. } => 1,
            Message::Shares { .. } => 2,
            Message::Done { .. } => 3,
        }
    }
}

/// Steps a teller posts.
pub const STEPS: usize = 4;

/// A secret share for teller `to`, sealed to their exchange key: `ephemeral = rG`, and the
/// share's 32 bytes XOR a hash of `r·E_to` (with the ceremony, sender and recipient in it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealedShare {
    pub to: usize,
    pub ephemeral: PublicKey<G>,
    /// 32 bytes, hex.
    pub sealed: String,
}

/// Everything posted, by teller: public, kept by the server, readable by anyone.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Board {
    /// What the ceremony is for (the round), with a random part: files and messages of
    /// another ceremony do not fit.
    pub context: String,
    pub params: Params,
    /// Teller by teller, the steps they posted, in order.
    pub posted: Vec<Vec<Message>>,
}

impl Board {
    /// An empty board for `n` tellers, any `k` of whom open the count.
    pub fn new<R: RngCore + CryptoRng>(
        purpose: &str,
        n: usize,
        k: usize,
        rng: &mut R,
    ) -> Result<Board, SealError> {
        let params = params(n, k)?;
        let mut nonce = [0u8; 16];
        rng.fill_bytes(&mut nonce);
        Ok(Board {
            context: format!("{purpose} / {}", hex::encode(nonce)),
            params,
            posted: vec![Vec::new(); n],
        })
    }

    /// How many tellers have posted step `step` (from 0).
    pub fn have_posted(&self, step: usize) -> usize {
        self.posted.iter().filter(|p| p.len() > step).count()
    }

    /// Whether every teller has finished.
    pub fn complete(&self) -> bool {
        self.have_posted(STEPS - 1) == self.params.shares
    }

    /// The step each teller is at (how many they posted).
    pub fn progress(&self) -> Vec<usize> {
        self.posted.iter().map(Vec::len).collect()
    }

    pub(super) fn everyone_posted(&self, step: usize) -> bool {
        self.have_posted(step) == self.params.shares
    }

    /// Takes one teller's next step, after checking it; nothing changes when it is refused.
    pub fn accept(&mut self, teller: usize, message: Message) -> Result<(), SealError> {
        let n = self.params.shares;
        let k = self.params.threshold;
        if teller >= n {
            return Err(SealError::NoSuchTeller(teller));
        }
        let next = self.posted[teller].len();
        let step = message.step();
        if step < next || next >= STEPS {
            return Err(SealError::AlreadyPosted { teller });
        }
        if step > next {
            return Err(SealError::OutOfOrder {
                teller,
                what: "an earlier step of this teller is missing",
            });
        }
        if step > 0 && !self.everyone_posted(step - 1) {
            return Err(SealError::OutOfOrder {
                teller,
                what: "not every teller has posted the step before",
            });
        }
        let invalid = |why: String| SealError::Invalid { teller, why };
        match &message {
            Message::Commit { commitment, .. } => {
                decode32(commitment)
                    .ok_or_else(|| invalid("the commitment is not 32 bytes".into()))?;
            }
            Message::Polynomial { info } => {
                if info.polynomial.len() != k {
                    return Err(invalid(format!(
                        "the polynomial has {} coefficients, not {k}",
                        info.polynomial.len()
                    )));
                }
                // Checks the proof of possession of the polynomial's secret coefficients.
                PublicKeySet::<G>::new(
                    self.params,
                    info.polynomial.clone(),
                    &info.proof_of_possession,
                )
                .map_err(|e| invalid(format!("the proof of possession fails: {e}")))?;
            }
            Message::Shares { shares } => {
                let mut to: Vec<usize> = shares.iter().map(|s| s.to).collect();
                to.sort_unstable();
                let others: Vec<usize> = (0..n).filter(|&j| j != teller).collect();
                if to != others {
                    return Err(invalid(
                        "there must be one share for each other teller".into(),
                    ));
                }
                if shares.iter().any(|s| decode32(&s.sealed).is_none()) {
                    return Err(invalid("a sealed share is not 32 bytes".into()));
                }
            }
            Message::Done {
                joint_key,
                fingerprint,
            } => {
                let keys = self.key_set()?;
                if joint_key != keys.shared_key() {
                    return Err(invalid(
                        "the joint key differs from the one the public polynomials give".into(),
                    ));
                }
                if Some(fingerprint) != self.fingerprint().as_ref() {
                    return Err(invalid("the fingerprint differs from the board's".into()));
                }
            }
        }
        self.posted[teller].push(message);
        Ok(())
    }

    /// The fingerprint of what every teller committed to and published (steps 1 and 2, with the
    /// ceremony and its parameters), once all have: 128 bits of SHA-256 as eight groups of four
    /// hexadecimal digits (`XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`).
    ///
    /// The board's messages are not signed, so the server that relays them could show one
    /// teller another teller's exchange key replaced by its own and read the shares sealed to
    /// it. Each teller's view then has another fingerprint: the tellers compare theirs with
    /// each other, in person or by phone, before any share is sent (see
    /// [`TellerFile::confirm`]).
    pub fn fingerprint(&self) -> Option<String> {
        if !self.everyone_posted(1) {
            return None;
        }
        let mut h = Sha256::new();
        h.update(b"ceping ceremony fingerprint v1\0");
        let context = serde_json::to_vec(&(&self.context, self.params)).expect("serializes");
        h.update((context.len() as u64).to_le_bytes());
        h.update(&context);
        for teller in &self.posted {
            for message in &teller[..2] {
                let bytes = serde_json::to_vec(message).expect("a message serializes");
                h.update((bytes.len() as u64).to_le_bytes());
                h.update(&bytes);
            }
        }
        // 128 bits: the relay chooses the exchange keys it would swap in, so a shorter print
        // could be made to collide between two tellers' views by a birthday search.
        Some(super::record::grouped_hex(&h.finalize()))
    }

    /// Checks a board read back from storage or from the server: its parameters, and every
    /// message replayed through [`Board::accept`] in order. A teller's tool uses only a board
    /// that passes.
    pub fn verified(&self) -> Result<Board, SealError> {
        let bad = |why: String| SealError::BadBoard(why);
        let params =
            params(self.params.shares, self.params.threshold).map_err(|e| bad(e.to_string()))?;
        if self.posted.len() != params.shares {
            return Err(bad(format!(
                "{} tellers' messages for {} tellers",
                self.posted.len(),
                params.shares
            )));
        }
        let mut replay = Board {
            context: self.context.clone(),
            params,
            posted: vec![Vec::new(); params.shares],
        };
        for step in 0..STEPS {
            for (teller, messages) in self.posted.iter().enumerate() {
                if let Some(m) = messages.get(step) {
                    replay
                        .accept(teller, m.clone())
                        .map_err(|e| bad(e.to_string()))?;
                }
            }
        }
        if self
            .posted
            .iter()
            .zip(&replay.posted)
            .any(|(a, b)| a.len() != b.len())
        {
            return Err(bad("a teller's steps are out of order".into()));
        }
        Ok(replay)
    }

    /// Teller `j`'s message of step `step`, if posted.
    pub(super) fn message(&self, j: usize, step: usize) -> Option<&Message> {
        self.posted.get(j)?.get(step)
    }

    pub(super) fn exchange_key(&self, j: usize) -> Option<&PublicKey<G>> {
        match self.message(j, 0)? {
            Message::Commit { exchange_key, .. } => Some(exchange_key),
            _ => None,
        }
    }

    pub(super) fn info(&self, j: usize) -> Option<&PublicInfo<'static, G>> {
        match self.message(j, 1)? {
            Message::Polynomial { info } => Some(info),
            _ => None,
        }
    }

    /// The round's key set, from the public polynomials (once every teller has posted one):
    /// the joint key is the sum of their constant terms, teller `i`'s key share the summed
    /// polynomial at `i + 1`.
    pub fn key_set(&self) -> Result<KeySet, SealError> {
        let n = self.params.shares;
        let polys: Vec<&Vec<RistrettoPoint>> = (0..n)
            .map(|j| self.info(j).map(|i| &i.polynomial))
            .collect::<Option<_>>()
            .ok_or(SealError::NotReady)?;
        let k = self.params.threshold;
        let sum: Vec<RistrettoPoint> = (0..k).map(|c| polys.iter().map(|p| p[c]).sum()).collect();
        let keys = (1..=n as u64)
            .map(|x| {
                let x = Scalar::from(x);
                // Horner's rule, highest coefficient first.
                let point = sum
                    .iter()
                    .rev()
                    .fold(RistrettoPoint::default(), |acc, c| acc * x + c);
                PublicKey::from_bytes(point.compress().as_bytes()).map_err(|e| SealError::Invalid {
                    teller: 0,
                    why: format!("a key share is not a valid key: {e}"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        PublicKeySet::from_participants(self.params, keys).map_err(|e| SealError::Invalid {
            teller: 0,
            why: format!("the key shares do not fit together: {e}"),
        })
    }

    /// The key set, once every teller has finished (a round may open with it).
    pub fn final_key_set(&self) -> Result<KeySet, SealError> {
        if !self.complete() {
            return Err(SealError::NotReady);
        }
        self.key_set()
    }
}

pub(super) fn decode32(text: &str) -> Option<[u8; 32]> {
    hex::decode(text).ok()?.try_into().ok()
}
