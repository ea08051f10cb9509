//! The ballot: invitation codes and receipts, the rating scale, and the decoding of a
//! submitted ballot form. Pure logic: no database, no HTTP, no logging.

/// Invitation codes, receipts, ballot ids and idempotency keys (server only).
#[cfg(feature = "ssr")]
pub mod code;

/// The rating scale of a round (满意 / 基本满意 / 不满意, or four levels).
pub mod scale;

/// Decoding and validating a posted ballot form.
pub mod validate;

#[cfg(feature = "ssr")]
pub use code::{
    CodeError, CodeKind, InviteCode, Receipt, bound_receipt_hash, derive_receipt, new_ballot_id,
    new_idempotency_key,
};
pub use scale::{Level, Scale};
pub use validate::{
    Action, BallotError, Choice, CommentPolicy, ItemId, SubmittedBallot, decode_ballot,
};
