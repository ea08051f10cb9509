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

use super::{G, KeySet, SealError, params};
use curve25519_dalek::constants::RISTRETTO_BASEPOINT_TABLE;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use elastic_elgamal::dkg::{
    ParticipantCollectingCommitments, ParticipantCollectingPolynomials,
    ParticipantExchangingSecrets, PublicInfo,
};
use elastic_elgamal::sharing::{ActiveParticipant, Params, PublicKeySet};
use elastic_elgamal::{PublicKey, SecretKey};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a teller file says it is.
pub const FILE_FORMAT: &str = "ceping-teller-key-1";

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

    fn everyone_posted(&self, step: usize) -> bool {
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
    /// ceremony and its parameters), once all have: 64 bits of SHA-256 as `XXXX-XXXX-XXXX-XXXX`.
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
        let d = hex::encode_upper(&h.finalize()[..8]);
        Some(format!(
            "{}-{}-{}-{}",
            &d[..4],
            &d[4..8],
            &d[8..12],
            &d[12..]
        ))
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
    fn message(&self, j: usize, step: usize) -> Option<&Message> {
        self.posted.get(j)?.get(step)
    }

    fn exchange_key(&self, j: usize) -> Option<&PublicKey<G>> {
        match self.message(j, 0)? {
            Message::Commit { exchange_key, .. } => Some(exchange_key),
            _ => None,
        }
    }

    fn info(&self, j: usize) -> Option<&PublicInfo<'static, G>> {
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

fn decode32(text: &str) -> Option<[u8; 32]> {
    hex::decode(text).ok()?.try_into().ok()
}

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

fn seal_share<R: RngCore + CryptoRng>(
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

fn open_share(
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
