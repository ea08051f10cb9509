// Checks of the ballot decoder, shared through `include!` by the fuzz target
// (fuzz/fuzz_targets/ballot_decode.rs) and the replay test (tests/fuzz_regressions.rs), so that
// both run exactly the same assertions. Needs the crate `ceping`.
//
// The round is shaped like the real one: 14 tasks and 30 member units (`t1`..`t14`,
// `u1`..`u30`), the three-level scale, and the server's body limit. Each body is decoded under
// three comment policies (the database default, no comments, a tight limit): they may only
// disagree about comments.

use std::sync::LazyLock;

use ceping::ballot::Scale;
use ceping::message::Bilingual;
use ceping::ballot::validate::{
    BallotError, CommentPolicy, ItemId, MAX_IDEMPOTENCY_KEY_LEN, MAX_RECEIPT_CHARS,
    SubmittedBallot, clean_comment, decode_ballot,
};

/// `server::http::MAX_BODY_BYTES` (server only, so repeated here).
pub const BALLOT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Longest field name or item id an error quotes.
const MAX_QUOTED_CHARS: usize = 40;

/// The round's items: 14 tasks, then 30 units.
pub static ROUND_ITEMS: LazyLock<Vec<ItemId>> = LazyLock::new(|| {
    (1..=14)
        .map(ItemId::task)
        .chain((1..=30).map(ItemId::unit))
        .collect()
});

/// The database default (`comment_max_chars DEFAULT 300`), a round without comments, and a
/// round with a tight limit.
pub const OPEN: CommentPolicy = CommentPolicy {
    allowed: true,
    max_chars: 300,
};
pub const CLOSED: CommentPolicy = CommentPolicy {
    allowed: false,
    max_chars: 300,
};
pub const TIGHT: CommentPolicy = CommentPolicy {
    allowed: true,
    max_chars: 3,
};

fn decode(
    body: &[u8],
    policy: CommentPolicy,
    limit: usize,
) -> Result<SubmittedBallot, BallotError> {
    decode_ballot(body, &ROUND_ITEMS, &Scale::three_level(), policy, limit)
}

/// One fuzz input: a posted form body.
pub fn check_ballot(body: &[u8]) {
    let open = decode(body, OPEN, BALLOT_MAX_BODY_BYTES);
    let closed = decode(body, CLOSED, BALLOT_MAX_BODY_BYTES);
    let tight = decode(body, TIGHT, BALLOT_MAX_BODY_BYTES);
    for (policy, result) in [(OPEN, &open), (CLOSED, &closed), (TIGHT, &tight)] {
        check_outcome(body, policy, BALLOT_MAX_BODY_BYTES, result);
    }

    // Blank comments pass any policy, so the policies differ only over non-blank comments.
    if closed.is_ok() {
        assert!(
            open == closed,
            "accepted without comments, but not the same with them"
        );
        assert!(
            tight == closed,
            "accepted without comments, but not under a tight limit"
        );
    }
    if tight.is_ok() {
        assert!(
            open == tight,
            "accepted under a tight limit, but not the same under 300"
        );
    }
    if open.is_ok() {
        assert!(
            closed == open || matches!(closed, Err(BallotError::CommentNotAllowed { .. })),
            "a round without comments refused a ballot for another reason"
        );
        assert!(
            tight == open || matches!(tight, Err(BallotError::CommentTooLong { .. })),
            "a tight comment limit refused a ballot for another reason"
        );
    }

    // The size limit is inclusive and checked first.
    assert!(
        decode(body, OPEN, body.len()) == open,
        "a body exactly at the limit is treated differently"
    );
    if let Some(limit) = body.len().checked_sub(1) {
        let got = decode(body, OPEN, limit);
        assert!(
            got == Err(BallotError::TooLarge {
                size: body.len(),
                limit
            }),
            "a body over the limit is not refused as too large"
        );
        assert_eq!(got.map(|_| ()).unwrap_err().status(), 413);
    }
}

fn check_comment(comment: &str, policy: CommentPolicy) {
    assert!(!comment.is_empty(), "an empty comment is kept");
    assert!(policy.allowed, "a comment kept in a round without comments");
    assert!(
        comment.chars().count() <= policy.max_chars,
        "a comment over the limit is kept"
    );
    assert!(
        clean_comment(comment) == comment,
        "a comment is not cleaned up"
    );
}

/// The documented shape of a decoded ballot, or of a refusal.
fn check_outcome(
    body: &[u8],
    policy: CommentPolicy,
    limit: usize,
    result: &Result<SubmittedBallot, BallotError>,
) {
    let items: &[ItemId] = &ROUND_ITEMS;
    let scale = Scale::three_level();
    match result {
        Ok(b) => {
            assert!(body.len() <= limit);
            // Exactly one choice per round item, in the round's order.
            assert_eq!(b.choices.len(), items.len(), "not one choice per item");
            for (choice, item) in b.choices.iter().zip(items) {
                assert!(choice.item == *item, "choices not in the round's order");
                if let Some(level) = choice.level {
                    assert!(
                        usize::from(level) < scale.levels.len(),
                        "a level outside the scale"
                    );
                }
                if let Some(comment) = &choice.comment {
                    check_comment(comment, policy);
                }
            }
            if let Some(comment) = &b.comment {
                check_comment(comment, policy);
            }
            assert_eq!(b.rated_count() + b.unrated().len(), items.len());
            // The idempotency key: 1–64 characters of [0-9A-Za-z_-].
            let key = &b.idempotency_key;
            assert!(
                (1..=MAX_IDEMPOTENCY_KEY_LEN).contains(&key.len())
                    && key
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-'),
                "an idempotency key outside [0-9A-Za-z_-]{{1,64}}"
            );
            // The receipt as typed: trimmed, non-empty, at most 64 characters, no controls.
            if let Some(receipt) = &b.receipt {
                assert!(!receipt.is_empty(), "an empty receipt is kept");
                assert!(receipt.trim() == receipt, "a receipt is not trimmed");
                assert!(
                    receipt.chars().count() <= MAX_RECEIPT_CHARS,
                    "a receipt too long"
                );
                assert!(
                    !receipt.chars().any(char::is_control),
                    "a receipt with controls"
                );
            }
            assert!(!format!("{b:?}").is_empty());
        }
        Err(e) => {
            let too_large = matches!(e, BallotError::TooLarge { .. });
            assert_eq!(
                too_large,
                body.len() > limit,
                "TooLarge and the limit disagree"
            );
            assert_eq!(e.status(), if too_large { 413 } else { 400 });
            if let Some(item) = e.item() {
                assert!(
                    items.contains(item),
                    "an error names an item not in the round"
                );
            }
            match e {
                BallotError::UnknownField { name } => {
                    assert!(
                        name.chars().count() <= MAX_QUOTED_CHARS,
                        "quoted name too long"
                    )
                }
                BallotError::UnknownItem { item } => {
                    assert!(
                        item.chars().count() <= MAX_QUOTED_CHARS,
                        "quoted item too long"
                    )
                }
                BallotError::CommentNotAllowed { .. } => assert!(!policy.allowed),
                BallotError::CommentTooLong { chars, max, .. } => {
                    assert!(policy.allowed && *max == policy.max_chars && chars > max)
                }
                BallotError::MissingEquals { position }
                | BallotError::BadEscape { position }
                | BallotError::InvalidUtf8 { position } => assert!(*position >= 1),
                _ => {}
            }
            assert!(!e.to_string().is_empty());
            assert!(!e.zh().is_empty());
        }
    }
}
