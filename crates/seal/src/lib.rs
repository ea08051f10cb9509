//! Sealed ballots: what the server stores of a ballot is encrypted to the round's tellers
//! (监票人), and only k of the n tellers together can open the count.
//!
//! The scheme is exponential ElGamal over Ristretto255 (`elastic-elgamal`), as Helios and
//! Belenios use it:
//!
//! - **Keys** ([`ceremony`]): the tellers run Pedersen's distributed key generation with
//!   commitments. Each teller keeps a file with their secret share; the server keeps the public
//!   parts only (a bulletin [`Board`]) and derives the round's joint key from them. Nobody, the
//!   server included, ever holds the whole secret key.
//! - **Sealing** ([`cell`]): a ballot is one ciphertext per (item, level), encrypting 1 for the
//!   level chosen and 0 for the others (all 0 when the item is left unrated).
//! - **Counting** ([`count`]): ciphertexts add up to an encryption of each level's count. After
//!   the round closes, each teller turns the summed ciphertexts into decryption shares with
//!   proofs (a Chaum–Pedersen proof that the share matches their public key share); any k
//!   verified shares open the counts, which are small enough to read off a table.
//!
//! Pure: no database, no HTTP. The server stores what these types write as bytes or JSON.

pub mod board;
pub mod bundle;
pub mod cell;
pub mod ceremony;
pub mod comment;
pub mod count;
pub mod record;
mod share;

#[cfg(test)]
mod tests;

pub use cell::{Blank, CELL_BYTES, Cell, Sealer, Tally};
pub use ceremony::{Board, Message, TellerFile};
pub use comment::{Comments, SealedComment};
pub use count::{CountShare, Counts};

/// The group everything is computed in.
pub type G = elastic_elgamal::group::Ristretto;

/// The round's public key set: the joint key ballots are sealed to, and each teller's public key
/// share (what their decryption shares are checked against).
pub type KeySet = elastic_elgamal::sharing::PublicKeySet<G>;

/// Why sealed data could not be used. Tellers are counted from 0 in the fields and from 1 in
/// the messages, as people number them. Messages are English; these are refusals the CLI prints or
/// the server logs; [`SealError::zh`] is the Chinese a page shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the tellers must be 1 to {max}, with a threshold from 1 to their number")]
    BadParams { max: usize },
    #[error("teller {} is not one of this round's tellers", .0 + 1)]
    NoSuchTeller(usize),
    #[error("a sealed ballot must be {expected} bytes; this one is {got}")]
    BallotLength { expected: usize, got: usize },
    #[error("a sealed ballot holds a value that is not a point of the group")]
    NotAPoint,
    #[error("teller {} has already posted this step of the key ceremony", .teller + 1)]
    AlreadyPosted { teller: usize },
    #[error("teller {} posted a step out of order: {what}", .teller + 1)]
    OutOfOrder { teller: usize, what: &'static str },
    #[error("teller {}'s message does not check: {why}", .teller + 1)]
    Invalid { teller: usize, why: String },
    #[error("this teller file belongs to another round or ceremony")]
    OtherCeremony,
    #[error("the key ceremony is not complete")]
    NotReady,
    #[error("teller {}'s decryption shares do not check: {why}", .teller + 1)]
    BadShare { teller: usize, why: String },
    #[error("{got} tellers' shares are not enough: {needed} are needed")]
    NotEnoughShares { needed: usize, got: usize },
    #[error("a count could not be read: it is not between 0 and {max}")]
    CountOutOfRange { max: u64 },
    #[error(
        "the board's fingerprint is {board}, not {given}: the tellers do not all see the same \
         board; do not go on, and tell the office and the other tellers"
    )]
    FingerprintDiffers { board: String, given: String },
    #[error("the board is damaged or changed: {0}")]
    BadBoard(String),
    #[error("a sealed comment is damaged or its proof does not check")]
    BadComment,
    #[error(
        "this key file has already made shares of other ballots in this round; a teller opens \
         one count only (two counts that differ would show the ballots between them)"
    )]
    OtherSums,
}

impl SealError {
    /// The Chinese sentence a page shows (the `Display` text is the English one).
    pub fn zh(&self) -> String {
        match self {
            SealError::BadParams { max } => {
                format!("监票人应为1至{max}人，开启计票所需人数应在1至监票人数之间。")
            }
            SealError::NoSuchTeller(_) => "不是本轮测评的监票人。".into(),
            SealError::BallotLength { .. } | SealError::NotAPoint => {
                "密封选票的数据已损坏。".into()
            }
            SealError::AlreadyPosted { .. } => "这一步已经提交过了。".into(),
            SealError::OutOfOrder { .. } => "请等其他监票人完成上一步后再继续。".into(),
            SealError::Invalid { .. } => "提交的密钥数据未通过校验。".into(),
            SealError::OtherCeremony => "这个密钥文件不属于本轮测评。".into(),
            SealError::NotReady => "监票人密钥尚未全部生成。".into(),
            SealError::BadShare { .. } => "提交的计票份额未通过校验。".into(),
            SealError::NotEnoughShares { needed, got } => {
                format!("需要{needed}位监票人的计票份额，现在只有{got}位。")
            }
            SealError::CountOutOfRange { .. } => "计票结果超出范围，请核对选票记录。".into(),
            SealError::FingerprintDiffers { .. } => {
                "校验码不一致：各位监票人看到的密钥数据不同。请停止操作，并告知办公室和其他监票人。"
                    .into()
            }
            SealError::BadBoard(_) => "密钥生成记录已损坏或被改动。".into(),
            SealError::BadComment => "密封的意见数据已损坏或未通过校验。".into(),
            SealError::OtherSums => {
                "这个密钥已经为本轮另一组选票提交过计票份额；每位监票人只开启一次计票。".into()
            }
        }
    }
}

/// Most tellers a round may have (the key ceremony's messages grow with the square).
pub const MAX_TELLERS: usize = 9;

/// The scheme's parameters: `n` tellers, any `k` of whom open the count.
pub fn params(n: usize, k: usize) -> Result<elastic_elgamal::sharing::Params, SealError> {
    if !(1..=MAX_TELLERS).contains(&n) || !(1..=n).contains(&k) {
        return Err(SealError::BadParams { max: MAX_TELLERS });
    }
    Ok(elastic_elgamal::sharing::Params::new(n, k))
}
