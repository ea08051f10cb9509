//! Opening the count: each teller's decryption shares of the summed cells, with proofs, and
//! how any k verified shares give each level's count.
//!
//! A teller decrypts only sums they can recompute from the published sealed ballots (ElGamal
//! ciphertexts are malleable: a teller who decrypted whatever they were handed could be made to
//! open one deputy's ballot). The count's inputs and outputs are all public, so anyone can run
//! [`verify_share`] and [`open`] again.

use super::cell::Tally;
use super::ceremony::TellerFile;
use super::{G, KeySet, SealError};
use elastic_elgamal::{
    CandidateDecryption, DiscreteLogTable, LogEqualityProof, VerifiableDecryption,
};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

/// Most ballots a count opens (the table of possible counts is built up to the ballots).
pub const MAX_BALLOTS: u64 = 10_000_000;

/// Bytes of one decryption share with its proof: the point `x_i·c1`, then the proof.
pub const SHARE_BYTES: usize = 32 + 64;

/// One teller's part of the count: a decryption share with proof for every summed cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountShare {
    pub context: String,
    /// 0-based.
    pub teller: usize,
    /// One per cell, hex of [`SHARE_BYTES`].
    pub shares: Vec<String>,
}

impl TellerFile {
    /// This teller's decryption shares of `tally` (which the teller should have summed from the
    /// published ballots themselves).
    pub fn count_share<R: RngCore + CryptoRng>(
        &self,
        tally: &Tally,
        rng: &mut R,
    ) -> Result<CountShare, SealError> {
        let p = self.participant().ok_or(SealError::NotReady)?;
        let shares = tally
            .cells
            .iter()
            .map(|cell| {
                let (share, proof) = p.decrypt_share(cell.to_ciphertext(), rng);
                let mut bytes = share.to_bytes();
                bytes.extend_from_slice(&proof.to_bytes());
                hex::encode(bytes)
            })
            .collect();
        Ok(CountShare {
            context: self.context.clone(),
            teller: self.index,
            shares,
        })
    }
}

/// Checks a teller's count share against their public key share, cell by cell.
pub fn verify_share(
    keys: &KeySet,
    context: &str,
    tally: &Tally,
    share: &CountShare,
) -> Result<Vec<VerifiableDecryption<G>>, SealError> {
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
    share
        .shares
        .iter()
        .zip(&tally.cells)
        .enumerate()
        .map(|(i, (text, cell))| {
            let bytes = hex::decode(text)
                .ok()
                .filter(|b| b.len() == SHARE_BYTES)
                .ok_or_else(|| bad(format!("share {i} is not {SHARE_BYTES} bytes")))?;
            let candidate = CandidateDecryption::<G>::from_bytes(&bytes[..32])
                .ok_or_else(|| bad(format!("share {i} is not a point")))?;
            let proof = LogEqualityProof::<G>::from_bytes(&bytes[32..])
                .ok_or_else(|| bad(format!("share {i}'s proof is malformed")))?;
            keys.verify_share(candidate, cell.to_ciphertext(), teller, &proof)
                .map_err(|e| bad(format!("share {i}'s proof fails: {e}")))
        })
        .collect()
}

/// Each cell's count from verified shares of at least k distinct tellers.
pub fn open(
    keys: &KeySet,
    tally: &Tally,
    verified: &[(usize, Vec<VerifiableDecryption<G>>)],
) -> Result<Counts, SealError> {
    let params = keys.params();
    let mut tellers: Vec<usize> = verified.iter().map(|(t, _)| *t).collect();
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
    if let Some((t, v)) = verified.iter().find(|(_, v)| v.len() != tally.cells.len()) {
        return Err(SealError::BadShare {
            teller: *t,
            why: format!("shares for {} cells, not {}", v.len(), tally.cells.len()),
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
            let combined = params
                .combine_shares(verified.iter().map(|(t, v)| (*t, v[i])))
                .ok_or(SealError::NotEnoughShares {
                    needed: params.threshold,
                    got: verified.len(),
                })?;
            combined
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
