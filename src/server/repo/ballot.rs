//! Reading a cast ballot back, which only its receipt allows (writing is `ballot_box`'s).

use sqlx::SqliteExecutor;

/// The ballot of a round whose receipt hashes to `receipt_hash`: its id and overall comment.
pub async fn by_receipt<'e>(
    db: impl SqliteExecutor<'e>,
    round_id: i64,
    receipt_hash: &str,
) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    sqlx::query_as("SELECT id, comment FROM ballot WHERE receipt_hash = ? AND round_id = ?")
        .bind(receipt_hash)
        .bind(round_id)
        .fetch_optional(db)
        .await
}

/// A ballot's choices: (item, level or NULL for not rated, comment).
pub async fn choices<'e>(
    db: impl SqliteExecutor<'e>,
    ballot_id: &str,
) -> Result<Vec<(String, Option<i64>, Option<String>)>, sqlx::Error> {
    sqlx::query_as("SELECT item, level, comment FROM ballot_choice WHERE ballot_id = ?")
        .bind(ballot_id)
        .fetch_all(db)
        .await
}
