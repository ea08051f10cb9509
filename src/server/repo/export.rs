//! What the exports read: a counted round's comments a page at a time, in the random order the
//! count stored them, so an export of any size runs in flat memory.

use sqlx::SqlitePool;

/// The audit chain's head: (sequence number, hash), printed in an export's summary so a copy
/// can be tied to the trail.
pub async fn audit_head(pool: &SqlitePool) -> Result<(i64, String), sqlx::Error> {
    sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await
}

/// The submitted evaluators' notes of a round: (login, item, note).
pub async fn evaluator_notes(
    pool: &SqlitePool,
    round_id: i64,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.login, s.item, s.note FROM score_sheet s
         JOIN score_submission sub ON sub.round_id = s.round_id AND sub.account_id = s.account_id
         JOIN account a ON a.id = s.account_id WHERE s.round_id = ?",
    )
    .bind(round_id)
    .fetch_all(pool)
    .await
}

/// How many comments a counted round has.
pub async fn comment_count(pool: &SqlitePool, round_id: i64) -> Result<u64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM round_comment WHERE round_id = ?")
        .bind(round_id)
        .fetch_one(pool)
        .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Up to `limit` comments of a counted round after row `after`, in the random order the count
/// stored them: (row, item or `None` for an overall comment, text).
pub async fn comments_after(
    pool: &SqlitePool,
    round_id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, Option<String>, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, item, body FROM round_comment WHERE round_id = ? AND id > ?
         ORDER BY id LIMIT ?",
    )
    .bind(round_id)
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await
}
