//! One ciphertext per (item, level), how a ballot is sealed, and how sealed ballots add up.
//!
//! A cell is exponential ElGamal: `(rG, rX + mG)` for the round's joint key `X`, `m` 0 or 1.
//! Sealing is the hot path of the ballot box, so it avoids the general-purpose calls: both
//! multiplications use precomputed tables (`G`'s is built in, `X`'s is made once per round),
//! and the points are compressed together with one field inversion for the whole ballot
//! (`double_and_compress_batch`, with the scalar halved so that doubling gives the point).
//!
//! The arithmetic can also be done ahead, while the server is idle: a [`Blank`] is a cell's
//! randomness already applied (`rG`, `rX` and `rX + G`), and sealing a ballot from blanks is
//! only choosing, per cell, which second half to keep ([`Sealer::seal_ahead`]).

use super::{KeySet, SealError};
use curve25519_dalek::constants::{RISTRETTO_BASEPOINT_POINT, RISTRETTO_BASEPOINT_TABLE};
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoBasepointTable, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use rand::{CryptoRng, RngCore};
use subtle::{Choice, ConditionallySelectable};
use zeroize::{Zeroize, Zeroizing};

/// Bytes of one stored cell: two compressed points.
pub const CELL_BYTES: usize = 64;

/// One ciphertext: `c1 = rG`, `c2 = rX + mG`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub c1: RistrettoPoint,
    pub c2: RistrettoPoint,
}

impl Cell {
    /// The encryption of 0 with no randomness: what sums start from.
    pub fn zero() -> Cell {
        Cell {
            c1: RistrettoPoint::identity(),
            c2: RistrettoPoint::identity(),
        }
    }

    pub fn to_bytes(&self) -> [u8; CELL_BYTES] {
        let mut out = [0u8; CELL_BYTES];
        out[..32].copy_from_slice(self.c1.compress().as_bytes());
        out[32..].copy_from_slice(self.c2.compress().as_bytes());
        out
    }

    /// Reads a stored cell; `None` when either half is not a canonical point encoding.
    pub fn from_bytes(bytes: &[u8]) -> Option<Cell> {
        if bytes.len() != CELL_BYTES {
            return None;
        }
        let point = |b: &[u8]| CompressedRistretto::from_slice(b).ok()?.decompress();
        Some(Cell {
            c1: point(&bytes[..32])?,
            c2: point(&bytes[32..])?,
        })
    }

    /// The library's ciphertext type, for decryption shares and their proofs. (Its fields are
    /// private, so it is read from its own serialized form.)
    pub fn to_ciphertext(&self) -> elastic_elgamal::Ciphertext<super::G> {
        use base64ct::{Base64UrlUnpadded, Encoding};
        let b64 = |p: &RistrettoPoint| Base64UrlUnpadded::encode_string(p.compress().as_bytes());
        let json = serde_json::json!({
            "random_element": b64(&self.c1),
            "blinded_element": b64(&self.c2),
        });
        serde_json::from_value(json).expect("two compressed points are a ciphertext")
    }
}

impl std::ops::Add for Cell {
    type Output = Cell;
    fn add(self, rhs: Cell) -> Cell {
        Cell {
            c1: self.c1 + rhs.c1,
            c2: self.c2 + rhs.c2,
        }
    }
}

impl std::ops::AddAssign for Cell {
    fn add_assign(&mut self, rhs: Cell) {
        self.c1 += rhs.c1;
        self.c2 += rhs.c2;
    }
}

impl std::ops::SubAssign for Cell {
    fn sub_assign(&mut self, rhs: Cell) {
        self.c1 -= rhs.c1;
        self.c2 -= rhs.c2;
    }
}

/// Seals ballots to one round's joint key. Made once per round (building `X`'s table costs
/// about as much as sealing a few ballots) and shared by every request.
pub struct Sealer {
    key: RistrettoPoint,
    key_table: RistrettoBasepointTable,
    /// `G / 2`: adding it before the batch's doubling adds `G`.
    half_g: RistrettoPoint,
    levels: usize,
}

impl Sealer {
    /// `levels`: the round's scale has this many levels; every item gets that many cells.
    pub fn new(keys: &KeySet, levels: usize) -> Sealer {
        let key = keys.shared_key().as_element();
        Sealer {
            key,
            key_table: RistrettoBasepointTable::create(&key),
            half_g: RISTRETTO_BASEPOINT_POINT * Scalar::from(2u64).invert(),
            levels,
        }
    }

    pub fn levels(&self) -> usize {
        self.levels
    }

    /// The joint key, compressed (what the round shows as its fingerprint).
    pub fn key_bytes(&self) -> [u8; 32] {
        self.key.compress().to_bytes()
    }

    /// `r·X`: the joint key times `r` (from its table).
    pub(super) fn key_times(&self, r: &Scalar) -> RistrettoPoint {
        &self.key_table * r
    }

    /// Bytes of a sealed ballot of `items` items.
    pub fn ballot_bytes(&self, items: usize) -> usize {
        items * self.levels * CELL_BYTES
    }

    /// Seals one ballot: for each item its level (`None`: left unrated). The result is
    /// `items × levels` cells, item by item, as bytes.
    ///
    /// # Panics
    /// If a level is not below the sealer's number of levels (the ballot decoder has refused
    /// such a ballot before it gets here).
    pub fn seal<R: RngCore + CryptoRng>(&self, choices: &[Option<usize>], rng: &mut R) -> Vec<u8> {
        self.check_levels(choices);
        let mut halves = Vec::with_capacity(choices.len() * self.levels * 2);
        for choice in choices {
            for level in 0..self.levels {
                // r/2 is as uniformly random as r: pick it, and let the doubling make r.
                let half_r = Scalar::random(rng);
                let chosen = chosen(*choice, level);
                let m = RistrettoPoint::conditional_select(
                    &RistrettoPoint::identity(),
                    &self.half_g,
                    chosen,
                );
                halves.push(RISTRETTO_BASEPOINT_TABLE * &half_r);
                halves.push(&self.key_table * &half_r + m);
            }
        }
        let compressed = RistrettoPoint::double_and_compress_batch(&halves);
        let mut out = Vec::with_capacity(compressed.len() * 32);
        for p in &compressed {
            out.extend_from_slice(p.as_bytes());
        }
        out
    }

    /// Panics, before anything is sealed, if a level is off the scale (the ballot decoder has
    /// refused such a ballot before it gets here).
    fn check_levels(&self, choices: &[Option<usize>]) {
        for level in choices.iter().flatten() {
            assert!(*level < self.levels, "level {level} is off the scale");
        }
    }

    /// Seals with the general-purpose path (a fresh `r` per cell, no tables): the reference
    /// the fast path is tested against.
    #[cfg(test)]
    pub fn seal_plainly<R: RngCore + CryptoRng>(
        &self,
        choices: &[Option<usize>],
        rng: &mut R,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        for choice in choices {
            for level in 0..self.levels {
                let r = Scalar::random(rng);
                let m = if *choice == Some(level) {
                    RISTRETTO_BASEPOINT_POINT
                } else {
                    RistrettoPoint::identity()
                };
                let cell = Cell {
                    c1: RISTRETTO_BASEPOINT_POINT * r,
                    c2: self.key * r + m,
                };
                out.extend_from_slice(&cell.to_bytes());
            }
        }
        out
    }
}

/// Whether the cell of `level` is the one chosen, without a branch on the choice.
fn chosen(choice: Option<usize>, level: usize) -> Choice {
    use subtle::ConstantTimeEq;
    let rated = Choice::from(u8::from(choice.is_some()));
    rated & (choice.unwrap_or(0) as u64).ct_eq(&(level as u64))
}

/// One cell sealed ahead of its ballot: for a fresh `r` (wiped as soon as they are made), `rG`,
/// `rX` and `rX + G`, compressed. Sealing a cell keeps `rG` and one of the other two, chosen in
/// constant time; the blank is then wiped. Whoever reads a blank before it is used can tell
/// which of the two a stored cell kept, so a blank is used once (it is not `Clone`) and wiped
/// when it is dropped.
pub struct Blank {
    c1: [u8; 32],
    zero: [u8; 32],
    one: [u8; 32],
}

impl Drop for Blank {
    fn drop(&mut self) {
        self.c1.zeroize();
        self.zero.zeroize();
        self.one.zeroize();
    }
}

impl std::fmt::Debug for Blank {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Blank(..)")
    }
}

impl Blank {
    /// Moves blanks from the end of `from` into `into`, as many as `into` has room for, by
    /// copying them and wiping the originals (a plain move would leave their bytes behind in
    /// `from`'s buffer). Returns how many moved.
    pub fn transfer(from: &mut Vec<Blank>, into: &mut Vec<Blank>) -> usize {
        let n = from.len().min(into.capacity() - into.len());
        let start = from.len() - n;
        for b in &from[start..] {
            into.push(Blank {
                c1: b.c1,
                zero: b.zero,
                one: b.one,
            });
        }
        from.truncate(start);
        n
    }
}

impl Sealer {
    /// Cells of one ballot of `items` items.
    pub fn cells(&self, items: usize) -> usize {
        items * self.levels
    }

    /// Makes up to `count` blanks at the end of `into`, as many as fit in its capacity: `into`
    /// is never grown, so no copy of a blank is left behind in a buffer it moved out of.
    /// Returns how many were made.
    ///
    /// Each point is compressed on its own, not with the batch compression [`Sealer::seal`]
    /// uses: that one keeps intermediate values of every point in buffers of its own, which it
    /// frees without wiping, and they would outlive the blank. (Blanks are made while the
    /// server is idle, so the slower compression costs no ballot any time.) The randomness and
    /// the uncompressed points are wiped; what the arithmetic leaves on the stack is not.
    pub fn make_blanks<R: RngCore + CryptoRng>(
        &self,
        count: usize,
        into: &mut Vec<Blank>,
        rng: &mut R,
    ) -> usize {
        let count = count.min(into.capacity() - into.len());
        for _ in 0..count {
            let r = Zeroizing::new(Scalar::random(rng));
            let mut c1 = RISTRETTO_BASEPOINT_TABLE * &*r;
            let mut times_key = &self.key_table * &*r;
            let mut plus_g = times_key + RISTRETTO_BASEPOINT_POINT;
            into.push(Blank {
                c1: c1.compress().to_bytes(),
                zero: times_key.compress().to_bytes(),
                one: plus_g.compress().to_bytes(),
            });
            c1.zeroize();
            times_key.zeroize();
            plus_g.zeroize();
        }
        count
    }

    /// Seals one ballot, as [`Sealer::seal`] does, from the last [`Sealer::cells`] blanks of
    /// `ahead`, which are wiped as they are used; `None` (and nothing used) when fewer are left.
    ///
    /// # Panics
    /// If a level is not below the sealer's number of levels.
    pub fn seal_ahead(&self, choices: &[Option<usize>], ahead: &mut Vec<Blank>) -> Option<Vec<u8>> {
        self.check_levels(choices);
        let needed = self.cells(choices.len());
        let start = ahead.len().checked_sub(needed)?;
        let mut out = Vec::with_capacity(needed * CELL_BYTES);
        for (choice, blanks) in choices.iter().zip(ahead[start..].chunks_exact(self.levels)) {
            for (level, b) in blanks.iter().enumerate() {
                let chosen = chosen(*choice, level);
                out.extend_from_slice(&b.c1);
                out.extend(
                    b.zero
                        .iter()
                        .zip(&b.one)
                        .map(|(z, o)| u8::conditional_select(z, o, chosen)),
                );
            }
        }
        ahead.truncate(start);
        Some(out)
    }
}

/// The running sum of a round's sealed ballots: one cell per (item, level), and how many
/// ballots went in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub cells: Vec<Cell>,
    pub ballots: u64,
}

impl Tally {
    pub fn new(cells: usize) -> Tally {
        Tally {
            cells: vec![Cell::zero(); cells],
            ballots: 0,
        }
    }

    /// Adds one sealed ballot (as stored).
    pub fn add(&mut self, ballot: &[u8]) -> Result<(), SealError> {
        let expected = self.cells.len() * CELL_BYTES;
        if ballot.len() != expected {
            return Err(SealError::BallotLength {
                expected,
                got: ballot.len(),
            });
        }
        // Every cell is read before any is added: a damaged ballot changes nothing.
        let cells = cells_of(ballot)?;
        for (sum, cell) in self.cells.iter_mut().zip(cells) {
            *sum += cell;
        }
        self.ballots += 1;
        Ok(())
    }

    /// Adds another partial sum (of other ballots).
    pub fn merge(&mut self, other: Tally) {
        for (sum, cell) in self.cells.iter_mut().zip(other.cells) {
            *sum += cell;
        }
        self.ballots += other.ballots;
    }

    /// Sums sealed ballots on `threads` threads (reading a point back is the costly part).
    pub fn of_ballots<B: AsRef<[u8]> + Sync>(
        cells: usize,
        ballots: &[B],
        threads: usize,
    ) -> Result<Tally, SealError> {
        let threads = threads.max(1);
        let chunk = ballots.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let parts: Vec<_> = ballots
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        let mut t = Tally::new(cells);
                        for b in part {
                            t.add(b.as_ref())?;
                        }
                        Ok::<_, SealError>(t)
                    })
                })
                .collect();
            let mut total = Tally::new(cells);
            for part in parts {
                total.merge(part.join().expect("a summing thread panicked")?);
            }
            Ok(total)
        })
    }

    /// The sums as stored: cells in order, 64 bytes each.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.cells.iter().flat_map(|c| c.to_bytes()).collect()
    }

    /// Reads stored sums back.
    pub fn from_bytes(bytes: &[u8], ballots: u64) -> Result<Tally, SealError> {
        if !bytes.len().is_multiple_of(CELL_BYTES) {
            return Err(SealError::BallotLength {
                expected: bytes.len() / CELL_BYTES * CELL_BYTES,
                got: bytes.len(),
            });
        }
        Ok(Tally {
            cells: cells_of(bytes)?,
            ballots,
        })
    }
}

/// Stored cells read back, all or none.
fn cells_of(bytes: &[u8]) -> Result<Vec<Cell>, SealError> {
    bytes
        .chunks_exact(CELL_BYTES)
        .map(Cell::from_bytes)
        .collect::<Option<Vec<_>>>()
        .ok_or(SealError::NotAPoint)
}
