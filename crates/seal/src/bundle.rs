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
use super::record::{list_fingerprint, tracking_code};

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

/// A bundle read and summed.
#[derive(Debug)]
pub struct Summed {
    pub tally: Tally,
    pub comments: Vec<SealedComment>,
    /// [`list_fingerprint`] of the ballots summed: what the teller compares with the one
    /// `/track/{round}` publishes before posting any share.
    pub list: String,
}

/// Reads a bundle and sums it: the tally of its ballots, its comments (each comment's proof
/// checked for this ceremony's `context`) and the fingerprint of its ballots' tracking codes.
/// Refused, whole, when any part is damaged, when a ballot appears twice, or when its sizes
/// do not fit its length (so a forged header cannot make the reader spin or allocate).
pub fn sum(context: &str, bytes: &[u8]) -> Result<Summed, SealError> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != MAGIC {
        return Err(damaged());
    }
    let cells = r.number()?;
    if cells == 0 || cells > MAX_CELLS {
        return Err(damaged());
    }
    let ballots = r.number()?;
    let ballot_bytes = cells * CELL_BYTES;
    if ballots > (bytes.len() - r.at) / ballot_bytes {
        return Err(damaged());
    }
    let mut tally = Tally::new(cells);
    // A ballot stored twice is refused as the server's count refuses it (fresh randomness makes
    // a repeat impossible otherwise): copies would weigh one deputy's ballot more.
    let mut firsts = std::collections::HashSet::with_capacity(ballots);
    let mut codes = Vec::with_capacity(ballots);
    for _ in 0..ballots {
        let ballot = r.take(ballot_bytes)?;
        if !firsts.insert(&ballot[..32]) {
            return Err(SealError::BadBoard("a sealed ballot appears twice".into()));
        }
        tally.add(ballot)?;
        codes.push(tracking_code(ballot));
    }
    let n = r.number()?;
    if n > (bytes.len() - r.at) / 4 {
        return Err(damaged());
    }
    let mut comments = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.number()?;
        comments.push(SealedComment::read(context, r.take(len)?)?);
    }
    if r.at != bytes.len() {
        return Err(damaged());
    }
    Ok(Summed {
        tally,
        comments,
        list: list_fingerprint(&codes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forged_headers_are_refused_before_any_work() {
        let header = |cells: u32, ballots: u32| {
            let mut b = MAGIC.to_vec();
            b.extend_from_slice(&cells.to_le_bytes());
            b.extend_from_slice(&ballots.to_le_bytes());
            b.extend_from_slice(&0u32.to_le_bytes());
            b
        };
        for bad in [
            header(0, u32::MAX),
            header(2, u32::MAX),
            header(u32::MAX, 1),
            header(2, 1),
        ] {
            assert!(sum("c", &bad).is_err());
        }
        // No ballots at all is a bundle (a teller's page refuses to count it, not the reader).
        let empty = write::<&[u8], &[u8]>(2, &[], &[]);
        let s = sum("c", &empty).unwrap();
        assert_eq!((s.tally.ballots, s.comments.len()), (0, 0));
        assert_eq!(s.list, list_fingerprint::<&str>(&[]));
    }
}
