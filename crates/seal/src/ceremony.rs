//! The tellers' key ceremony: Pedersen's distributed key generation with commitments
//! (`elastic_elgamal::dkg`), over a public board the server keeps.
//!
//! Each teller walks through four steps, each posted to the [`Board`] once every teller has
//! posted the step before:
//!
//! 1. **Commit**: a hash commitment to their secret polynomial, and an exchange key (a fresh
//!    key pair kept in their file) that the others seal this teller's shares to;
//! 2. **Polynomial**: the public polynomial, its proof of possession, the commitment's opening;
//! 3. **Shares**: for every other teller, their secret share, sealed to that teller's exchange
//!    key, so the server relays it without reading it;
//! 4. **Done**: the teller opened every share sent to them, checked each against its sender's
//!    public polynomial, and states the joint key they computed.
//!
//! The board checks every step it is given (order, shape, proofs of possession, that every
//! teller states the same joint key) and derives the round's [`KeySet`] from the public
//! polynomials alone. A teller's secrets live in their [`TellerFile`] only: the file is the
//! key. [`solo`] runs every teller in one place, for trying Ceping alone.

use super::board::decode32;
pub use super::board::{Board, Message, STEPS, SealedShare};
use super::share::{open_share, seal_share};
use super::{G, SealError};
use elastic_elgamal::dkg::{
    ParticipantCollectingCommitments, ParticipantCollectingPolynomials,
    ParticipantExchangingSecrets,
};
use elastic_elgamal::sharing::ActiveParticipant;
use elastic_elgamal::{PublicKey, SecretKey};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

/// What a teller file says it is.
pub const FILE_FORMAT: &str = "ceping-teller-key-1";

/// Where a teller's own ceremony stands (secret: it holds their polynomial or share).
#[derive(Clone, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum State {
    Committing {
        p: ParticipantCollectingCommitments<G>,
    },
    Polynomials {
        p: ParticipantCollectingPolynomials<G>,
    },
    Exchanging {
        p: ParticipantExchangingSecrets<G>,
    },
    Done {
        p: ActiveParticipant<G>,
    },
}

/// A teller's key file: the only place their secrets are. Whoever holds it can take part in
/// the count as this teller; without it, this teller cannot.
#[derive(Clone, Serialize, Deserialize)]
pub struct TellerFile {
    pub format: String,
    pub context: String,
    /// 0-based; tellers are shown numbered from 1.
    pub index: usize,
    exchange: SecretKey<G>,
    state: State,
    /// The board fingerprint the teller compared with the others and confirmed.
    #[serde(default)]
    confirmed: Option<String>,
    /// The fingerprint of the sums this teller has made decryption shares of: a teller opens
    /// one count per round, never a second one of other ballots (two counts that differ by one
    /// ballot would show it). Kept in the file, so it holds across runs.
    #[serde(default)]
    pub(super) decrypted: Option<String>,
}

impl std::fmt::Debug for TellerFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secrets.
        f.debug_struct("TellerFile")
            .field("context", &self.context)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl TellerFile {
    /// Starts teller `index`'s part: their file and their first step.
    pub fn new<R: RngCore + CryptoRng>(
        board: &Board,
        index: usize,
        rng: &mut R,
    ) -> Result<(TellerFile, Message), SealError> {
        if index >= board.params.shares {
            return Err(SealError::NoSuchTeller(index));
        }
        let p = ParticipantCollectingCommitments::<G>::new(board.params, index, rng);
        let exchange = SecretKey::<G>::generate(rng);
        let message = Message::Commit {
            commitment: hex::encode(p.commitment()),
            exchange_key: PublicKey::from(&exchange),
        };
        let file = TellerFile {
            format: FILE_FORMAT.into(),
            context: board.context.clone(),
            index,
            exchange,
            state: State::Committing { p },
            confirmed: None,
            decrypted: None,
        };
        Ok((file, message))
    }

    /// Whether this teller has finished the ceremony (their file can open the count).
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done { .. })
    }

    /// The fingerprint this teller must compare with the other tellers before sending any share,
    /// when that is what the ceremony waits for.
    pub fn needs_confirmation(&self, board: &Board) -> Option<String> {
        match self.state {
            State::Polynomials { .. } if self.confirmed.is_none() => board.fingerprint(),
            _ => None,
        }
    }

    /// Records that the teller compared the board's fingerprint with every other teller and
    /// they all saw `fingerprint`. Refused when this board shows another one.
    pub fn confirm(&mut self, board: &Board, fingerprint: &str) -> Result<(), SealError> {
        let given = fingerprint.trim().to_ascii_uppercase();
        match board.fingerprint() {
            Some(f) if f == given => {
                self.confirmed = Some(f);
                Ok(())
            }
            Some(f) => Err(SealError::FingerprintDiffers { board: f, given }),
            None => Err(SealError::NotReady),
        }
    }

    /// The joint key this teller computed (hex), once done: compare it with the round's.
    pub fn joint_key(&self) -> Option<String> {
        self.participant()
            .map(|p| hex::encode(p.key_set().shared_key().as_bytes()))
    }

    /// The teller's share of the key, once done.
    pub(super) fn participant(&self) -> Option<&ActiveParticipant<G>> {
        match &self.state {
            State::Done { p } => Some(p),
            _ => None,
        }
    }

    /// Takes the next step if the board allows it: the new state is kept in the file (save it
    /// before posting) and the message to post is returned. `None`: wait for the others.
    pub fn advance<R: RngCore + CryptoRng>(
        &mut self,
        board: &Board,
        rng: &mut R,
    ) -> Result<Option<Message>, SealError> {
        if board.context != self.context || board.params.shares <= self.index {
            return Err(SealError::OtherCeremony);
        }
        let board = &board.verified()?;
        let me = self.index;
        let n = board.params.shares;
        let ours = match &self.state {
            State::Committing { p } => *p.params(),
            State::Polynomials { p } => *p.params(),
            State::Exchanging { p } => *p.params(),
            State::Done { p } => p.key_set().params(),
        };
        if board.params != ours {
            return Err(SealError::BadBoard("its parameters changed".into()));
        }
        let mine = board.posted[me].len();
        // A step taken (and saved) whose post never arrived: post it again.
        if let Some(again) = self.repost(board, mine, rng)? {
            return Ok(Some(again));
        }
        let invalid = |teller: usize, why: String| SealError::Invalid { teller, why };
        // Each arm works on a copy: a refusal leaves the file as it was.
        let (state, message) = match &self.state {
            State::Committing { p } if mine == 1 && board.everyone_posted(0) => {
                let mut p = p.clone();
                for j in (0..n).filter(|&j| j != me) {
                    let Some(Message::Commit { commitment, .. }) = board.message(j, 0) else {
                        return Err(SealError::NotReady);
                    };
                    let c = decode32(commitment)
                        .ok_or_else(|| invalid(j, "the commitment is not 32 bytes".into()))?;
                    p.insert_commitment(j, c);
                }
                let p = p.finish_commitment_phase();
                let info = p.public_info().into_owned();
                (State::Polynomials { p }, Message::Polynomial { info })
            }
            State::Polynomials { p } if mine == 2 && board.everyone_posted(1) => {
                // No share leaves before the tellers have compared the board's fingerprint.
                match (&self.confirmed, board.fingerprint()) {
                    (Some(c), Some(f)) if *c == f => {}
                    (Some(c), Some(f)) => {
                        return Err(SealError::FingerprintDiffers {
                            board: f,
                            given: c.clone(),
                        });
                    }
                    _ => return Ok(None),
                }
                let mut p = p.clone();
                for j in (0..n).filter(|&j| j != me) {
                    let info = board.info(j).ok_or(SealError::NotReady)?;
                    if info.polynomial.len() != board.params.threshold {
                        return Err(invalid(j, "the polynomial has the wrong length".into()));
                    }
                    p.insert_public_polynomial(j, info.clone())
                        .map_err(|e| invalid(j, e.to_string()))?;
                }
                let p = p.finish_polynomials_phase();
                let mut shares = Vec::with_capacity(n - 1);
                for j in (0..n).filter(|&j| j != me) {
                    let to = board.exchange_key(j).ok_or(SealError::NotReady)?;
                    let share = p.secret_share_for_participant(j);
                    shares.push(seal_share(&self.context, me, j, to, &share, rng));
                }
                (State::Exchanging { p }, Message::Shares { shares })
            }
            State::Exchanging { p } if mine == 3 && board.everyone_posted(2) => {
                let mut p = p.clone();
                for j in (0..n).filter(|&j| j != me) {
                    let Some(Message::Shares { shares }) = board.message(j, 2) else {
                        return Err(SealError::NotReady);
                    };
                    let sealed = shares
                        .iter()
                        .find(|s| s.to == me)
                        .ok_or_else(|| invalid(j, "no share for this teller".into()))?;
                    let share = open_share(&self.context, j, me, &self.exchange, sealed)
                        .ok_or_else(|| invalid(j, "the share does not open".into()))?;
                    p.insert_secret_share(j, share)
                        .map_err(|e| invalid(j, e.to_string()))?;
                }
                let p = p.complete().map_err(|e| invalid(me, e.to_string()))?;
                let joint_key = p.key_set().shared_key().clone();
                let fingerprint = self.confirmed.clone().unwrap_or_default();
                (
                    State::Done { p },
                    Message::Done {
                        joint_key,
                        fingerprint,
                    },
                )
            }
            _ => return Ok(None),
        };
        self.state = state;
        Ok(Some(message))
    }
}

impl TellerFile {
    /// The message of the step this file has taken but the board lacks (a post that failed
    /// after the file was saved), made again; checks that what the board holds of this teller
    /// is what this file posted.
    fn repost<R: RngCore + CryptoRng>(
        &self,
        board: &Board,
        mine: usize,
        rng: &mut R,
    ) -> Result<Option<Message>, SealError> {
        let me = self.index;
        let changed = || SealError::BadBoard(format!("teller {}'s own steps were changed", me + 1));
        // What this file says its own first two steps were, where it knows them.
        if let Some(Message::Commit { exchange_key, .. }) = board.message(me, 0)
            && *exchange_key != PublicKey::from(&self.exchange)
        {
            return Err(changed());
        }
        match &self.state {
            State::Committing { p } if mine == 0 => Ok(Some(Message::Commit {
                commitment: hex::encode(p.commitment()),
                exchange_key: PublicKey::from(&self.exchange),
            })),
            State::Polynomials { p } if mine == 1 => Ok(Some(Message::Polynomial {
                info: p.public_info().into_owned(),
            })),
            State::Polynomials { p } if mine >= 2 => match board.info(me) {
                Some(info) if info.polynomial == p.public_info().polynomial => Ok(None),
                _ => Err(changed()),
            },
            State::Exchanging { p } if mine == 2 => {
                let mut shares = Vec::new();
                for j in (0..board.params.shares).filter(|&j| j != me) {
                    let to = board.exchange_key(j).ok_or(SealError::NotReady)?;
                    let share = p.secret_share_for_participant(j);
                    shares.push(seal_share(&self.context, me, j, to, &share, rng));
                }
                Ok(Some(Message::Shares { shares }))
            }
            State::Done { p } if mine == 3 => Ok(Some(Message::Done {
                joint_key: p.key_set().shared_key().clone(),
                fingerprint: self.confirmed.clone().unwrap_or_default(),
            })),
            _ => Ok(None),
        }
    }
}

/// Runs the whole ceremony in one place: every teller's file, and the finished board. For
/// trying Ceping alone (one person then holds every share, and the round says so).
pub fn solo<R: RngCore + CryptoRng>(
    purpose: &str,
    n: usize,
    k: usize,
    rng: &mut R,
) -> Result<(Board, Vec<TellerFile>), SealError> {
    solo_on(Board::new(purpose, n, k, rng)?, rng)
}

/// [`solo`] on a board made already (nobody may have posted to it).
pub fn solo_on<R: RngCore + CryptoRng>(
    mut board: Board,
    rng: &mut R,
) -> Result<(Board, Vec<TellerFile>), SealError> {
    if board.have_posted(0) > 0 {
        return Err(SealError::AlreadyPosted { teller: 0 });
    }
    let n = board.params.shares;
    let mut files = Vec::with_capacity(n);
    for i in 0..n {
        let (file, message) = TellerFile::new(&board, i, rng)?;
        board.accept(i, message)?;
        files.push(file);
    }
    while !board.complete() {
        let mut moved = false;
        for file in &mut files {
            // One person holds every file: the fingerprint is the same for all by construction.
            if let Some(f) = file.needs_confirmation(&board) {
                file.confirm(&board, &f)?;
            }
            if let Some(message) = file.advance(&board, rng)? {
                board.accept(file.index, message)?;
                moved = true;
            }
        }
        if !moved {
            return Err(SealError::NotReady);
        }
    }
    Ok((board, files))
}
