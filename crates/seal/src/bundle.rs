//! A closed round's sealed ballots and comments as one byte string: what a teller's browser
//! downloads to sum the ballots itself before making its decryption shares (a teller decrypts
//! only sums it computed, never a ciphertext handed to it: one deputy's ballot passed off as
//! "the sums" would otherwise be opened).
//!
//! Layout, integers as little-endian `u32`: `CPB1`, the cells per ballot, the number of
//! ballots, every ballot's cells ([`CELL_BYTES`] each), the number of comments, then each
//! sealed comment as its length and its bytes.

use super::SealError;
use super::cell::{CELL_BYTES, Tally};
use super::comment::SealedComment;

const MAGIC: &[u8; 4] = b"CPB1";

/// Most cells a ballot may have (items × levels; the plan has 44 × 4).
pub const MAX_CELLS: usize = 1 << 16;

/// Writes the bundle of `ballots` (each `cells` cells, as stored) and sealed `comments`.
pub fn write<B: AsRef<[u8]>, C: AsRef<[u8]>>(
    cells: usize,
    ballots: &[B],
    comments: &[C],
) -> Vec<u8> {
    let size = 16
        + ballots.len() * cells * CELL_BYTES
        + comments.iter().map(|c| 4 + c.as_ref().len()).sum::<usize>();
    let mut out = Vec::with_capacity(size);
    let n = |v: usize| u32::try_from(v).expect("fewer than 2^32").to_le_bytes();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&n(cells));
    out.extend_from_slice(&n(ballots.len()));
    for b in ballots {
        out.extend_from_slice(b.as_ref());
    }
    out.extend_from_slice(&n(comments.len()));
    for c in comments {
        out.extend_from_slice(&n(c.as_ref().len()));
        out.extend_from_slice(c.as_ref());
    }
    out
}

/// The bundle read from the front, every read checked against its end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], SealError> {
        let end = self.at.checked_add(len).ok_or_else(damaged)?;
        let part = self.bytes.get(self.at..end).ok_or_else(damaged)?;
        self.at = end;
        Ok(part)
    }

    fn number(&mut self) -> Result<usize, SealError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize)
    }
}

fn damaged() -> SealError {
    SealError::BadBoard("the downloaded ballots are cut short or damaged".into())
}

/// Reads a bundle and sums it: the tally of its ballots and its comments, each comment's proof
/// checked for this ceremony's `context`. Refused, whole, when any part is damaged.
pub fn sum(context: &str, bytes: &[u8]) -> Result<(Tally, Vec<SealedComment>), SealError> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != MAGIC {
        return Err(damaged());
    }
    let cells = r.number()?;
    if cells > MAX_CELLS {
        return Err(damaged());
    }
    let ballots = r.number()?;
    let mut tally = Tally::new(cells);
    let ballot_bytes = cells * CELL_BYTES;
    // A ballot stored twice is refused as the server's count refuses it (fresh randomness makes
    // a repeat impossible otherwise): copies would weigh one deputy's ballot more.
    let mut firsts = std::collections::HashSet::with_capacity(ballots.min(1 << 20));
    for _ in 0..ballots {
        let ballot = r.take(ballot_bytes)?;
        if cells > 0 && !firsts.insert(&ballot[..32]) {
            return Err(SealError::BadBoard("a sealed ballot appears twice".into()));
        }
        tally.add(ballot)?;
    }
    let n = r.number()?;
    let mut comments = Vec::with_capacity(n.min(bytes.len() / 4));
    for _ in 0..n {
        let len = r.number()?;
        comments.push(SealedComment::read(context, r.take(len)?)?);
    }
    if r.at != bytes.len() {
        return Err(damaged());
    }
    Ok((tally, comments))
}
