//! Opening the count: each teller's decryption shares of the summed cells, with proofs, and
//! how any k verified shares give each level's count.
//!
//! A teller decrypts only sums they can recompute from the published sealed ballots (ElGamal
//! ciphertexts are malleable: a teller who decrypted whatever they were handed could be made to
//! open one deputy's ballot). The count's inputs and outputs are all public, so anyone can run
//! [`verify_share`] and [`open`] again.

use super::cell::{Cell, Tally};
use super::ceremony::TellerFile;
use super::comment::{Comments, SealedComment};
use super::{G, KeySet, SealError};
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::traits::Identity;
use elastic_elgamal::{
    CandidateDecryption, DiscreteLogTable, LogEqualityProof, VerifiableDecryption,
};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

/// Fewest ballots a round (other than a trial) is counted with: with fewer, the counts would
/// all but show each deputy's choices.
pub const MIN_BALLOTS: u64 = 5;

/// Most ballots a count opens (the table of possible counts is built up to the ballots).
pub const MAX_BALLOTS: u64 = 10_000_000;

/// Bytes of one decryption share with its proof: the point `x_i·c1`, then the proof.
pub const SHARE_BYTES: usize = 32 + 64;

/// One teller's part of the count: a decryption share with proof for every summed cell, and
/// one for every sealed comment's key point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountShare {
    pub context: String,
    /// 0-based.
    pub teller: usize,
    /// One per cell, hex of [`SHARE_BYTES`].
    pub shares: Vec<String>,
    /// One per sealed comment, in the order they were given, hex of [`SHARE_BYTES`].
    #[serde(default)]
    pub comments: Vec<String>,
}

/// What a teller's shares open: the sums, the number of ballots and the comments' key points,
/// hashed (hex).
pub fn sums_fingerprint(tally: &Tally, comments: &[SealedComment]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"ceping count sums v1\0");
    h.update(tally.ballots.to_le_bytes());
    h.update((tally.cells.len() as u64).to_le_bytes());
    h.update(tally.to_bytes());
    h.update((comments.len() as u64).to_le_bytes());
    for c in comments {
        h.update(c.key_point.compress().as_bytes());
    }
    hex::encode(h.finalize())
}

/// A ciphertext whose first half is `c1`: what a decryption share is made and checked on.
fn on(c1: RistrettoPoint) -> elastic_elgamal::Ciphertext<G> {
    Cell {
        c1,
        c2: RistrettoPoint::identity(),
    }
    .to_ciphertext()
}

impl TellerFile {
    /// Records in the file that this teller is about to make shares of these sums; refused when
    /// it made shares of other sums before. Save the file after this and before any share
    /// leaves, so that the memory survives whatever happens next.
    pub fn remember(&mut self, tally: &Tally, comments: &[SealedComment]) -> Result<(), SealError> {
        if self.remembers_other(tally, comments) {
            return Err(SealError::OtherSums);
        }
        self.decrypted = Some(sums_fingerprint(tally, comments));
        Ok(())
    }

    /// Whether this file made shares of other sums before (and so refuses to make these).
    pub fn remembers_other(&self, tally: &Tally, comments: &[SealedComment]) -> bool {
        self.decrypted
            .as_ref()
            .is_some_and(|before| *before != sums_fingerprint(tally, comments))
    }

    /// This teller's decryption shares of `tally` and of the sealed `comments` (which the teller
    /// should have summed and read from the published ballots themselves). Refused when this
    /// file has made shares of other sums before; the file remembers these (save it after).
    pub fn count_share<R: RngCore + CryptoRng>(
        &mut self,
        tally: &Tally,
        comments: &[SealedComment],
        rng: &mut R,
    ) -> Result<CountShare, SealError> {
        if self.participant().is_none() {
            return Err(SealError::NotReady);
        }
        self.remember(tally, comments)?;
        let p = self.participant().ok_or(SealError::NotReady)?;
        let mut share = |c1: RistrettoPoint| {
            let (share, proof) = p.decrypt_share(on(c1), rng);
            let mut bytes = share.to_bytes();
            bytes.extend_from_slice(&proof.to_bytes());
            hex::encode(bytes)
        };
        let shares = tally.cells.iter().map(|cell| share(cell.c1)).collect();
        let comments = comments.iter().map(|c| share(c.key_point)).collect();
        Ok(CountShare {
            context: self.context.clone(),
            teller: self.index,
            shares,
            comments,
        })
    }
}

/// A teller's checked shares: of the cells, and of the comments.
#[derive(Debug, Clone)]
pub struct Verified {
    pub teller: usize,
    pub cells: Vec<VerifiableDecryption<G>>,
    pub comments: Vec<VerifiableDecryption<G>>,
}

/// Checks a teller's count share against their public key share, cell by cell and comment by
/// comment.
pub fn verify_share(
    keys: &KeySet,
    context: &str,
    tally: &Tally,
    comments: &[SealedComment],
    share: &CountShare,
) -> Result<Verified, SealError> {
    let teller = share.teller;
    if teller >= keys.params().shares {
        return Err(SealError::NoSuchTeller(teller));
    }
    let bad = |why: String| SealError::BadShare { teller, why };
    if share.context != context {
        return Err(bad("it is for another ceremony".into()));
    }
    if share.shares.len() != tally.cells.len() {
        return Err(bad(format!(
            "{} shares for {} cells",
            share.shares.len(),
            tally.cells.len()
        )));
    }
    if share.comments.len() != comments.len() {
        return Err(bad(format!(
            "{} shares for {} comments",
            share.comments.len(),
            comments.len()
        )));
    }
    let check = |what: &str, i: usize, text: &str, c1: RistrettoPoint| {
        let bytes = hex::decode(text)
            .ok()
            .filter(|b| b.len() == SHARE_BYTES)
            .ok_or_else(|| bad(format!("{what} {i}'s share is not {SHARE_BYTES} bytes")))?;
        let candidate = CandidateDecryption::<G>::from_bytes(&bytes[..32])
            .ok_or_else(|| bad(format!("{what} {i}'s share is not a point")))?;
        let proof = LogEqualityProof::<G>::from_bytes(&bytes[32..])
            .ok_or_else(|| bad(format!("{what} {i}'s proof is malformed")))?;
        keys.verify_share(candidate, on(c1), teller, &proof)
            .map_err(|e| bad(format!("{what} {i}'s proof fails: {e}")))
    };
    let cells = share
        .shares
        .iter()
        .zip(&tally.cells)
        .enumerate()
        .map(|(i, (text, cell))| check("cell", i, text, cell.c1))
        .collect::<Result<Vec<_>, _>>()?;
    let comments = share
        .comments
        .iter()
        .zip(comments)
        .enumerate()
        .map(|(i, (text, c))| check("comment", i, text, c.key_point))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Verified {
        teller,
        cells,
        comments,
    })
}

/// The tellers of `verified` if they are at least k distinct tellers of this key set.
fn enough(keys: &KeySet, verified: &[Verified]) -> Result<(), SealError> {
    let params = keys.params();
    let mut tellers: Vec<usize> = verified.iter().map(|v| v.teller).collect();
    tellers.sort_unstable();
    tellers.dedup();
    if tellers.len() < params.threshold || tellers.len() != verified.len() {
        return Err(SealError::NotEnoughShares {
            needed: params.threshold,
            got: tellers.len(),
        });
    }
    if let Some(&t) = tellers.iter().find(|&&t| t >= params.shares) {
        return Err(SealError::NoSuchTeller(t));
    }
    Ok(())
}

/// `x·c1` for item `i` of each teller's list, combined from k tellers' shares.
fn combined(
    keys: &KeySet,
    verified: &[Verified],
    i: usize,
    list: fn(&Verified) -> &[VerifiableDecryption<G>],
) -> Result<VerifiableDecryption<G>, SealError> {
    let params = keys.params();
    params
        .combine_shares(verified.iter().map(|v| (v.teller, list(v)[i])))
        .ok_or(SealError::NotEnoughShares {
            needed: params.threshold,
            got: verified.len(),
        })
}

/// Opens the sealed comments with verified shares of at least k distinct tellers.
pub fn open_comments(
    keys: &KeySet,
    context: &str,
    comments: &[SealedComment],
    verified: &[Verified],
) -> Result<Vec<Comments>, SealError> {
    enough(keys, verified)?;
    if let Some(v) = verified.iter().find(|v| v.comments.len() != comments.len()) {
        return Err(SealError::BadShare {
            teller: v.teller,
            why: format!(
                "shares for {} comments, not {}",
                v.comments.len(),
                comments.len()
            ),
        });
    }
    comments
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let dh = combined(keys, verified, i, |v| &v.comments)?;
            c.open(context, dh.as_element())
        })
        .collect()
}

/// Each cell's count from verified shares of at least k distinct tellers.
pub fn open(keys: &KeySet, tally: &Tally, verified: &[Verified]) -> Result<Counts, SealError> {
    enough(keys, verified)?;
    if let Some(v) = verified.iter().find(|v| v.cells.len() != tally.cells.len()) {
        return Err(SealError::BadShare {
            teller: v.teller,
            why: format!(
                "shares for {} cells, not {}",
                v.cells.len(),
                tally.cells.len()
            ),
        });
    }
    // The table grows with the ballots: a tally claiming more than any round can hold is
    // refused before it is built.
    if tally.ballots > MAX_BALLOTS {
        return Err(SealError::CountOutOfRange { max: MAX_BALLOTS });
    }
    let table = DiscreteLogTable::<G>::new(0..=tally.ballots);
    let cells = tally
        .cells
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            combined(keys, verified, i, |v| &v.cells)?
                .decrypt(cell.to_ciphertext(), &table)
                .ok_or(SealError::CountOutOfRange { max: tally.ballots })
        })
        .collect::<Result<Vec<u64>, _>>()?;
    Ok(Counts {
        cells,
        ballots: tally.ballots,
    })
}

/// The opened count: how many ballots chose each (item, level), item by item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub cells: Vec<u64>,
    pub ballots: u64,
}

impl Counts {
    /// Per item, the ballots of each level and then those that left it unrated (what the
    /// results engine reads). Refused when an item's levels add up to more than the ballots.
    pub fn per_item(&self, levels: usize) -> Result<Vec<(Vec<u64>, u64)>, SealError> {
        self.cells
            .chunks(levels.max(1))
            .map(|chunk| {
                let rated: u64 = chunk.iter().sum();
                let unrated = self
                    .ballots
                    .checked_sub(rated)
                    .ok_or(SealError::CountOutOfRange { max: self.ballots })?;
                Ok((chunk.to_vec(), unrated))
            })
            .collect()
    }
}
