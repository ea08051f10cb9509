//! What the exports read, a page at a time in the order of the ballots' random ids (the order
//! tells nothing about who voted when), so an export of any size runs in flat memory.

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

/// Up to `limit` item comments after `after` (ballot id, item): (ballot id, item, comment).
pub async fn item_comments_after(
    pool: &SqlitePool,
    round_id: i64,
    after: &(String, String),
    limit: i64,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.ballot_id, c.item, c.comment FROM ballot_choice c
         JOIN ballot b ON b.id = c.ballot_id
         WHERE b.round_id = ? AND c.comment IS NOT NULL AND c.comment != ''
           AND (c.ballot_id, c.item) > (?, ?)
         ORDER BY c.ballot_id, c.item LIMIT ?",
    )
    .bind(round_id)
    .bind(&after.0)
    .bind(&after.1)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Up to `limit` overall comments of ballots after `after`: (ballot id, comment).
pub async fn overall_comments_after(
    pool: &SqlitePool,
    round_id: i64,
    after: &str,
    limit: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, comment FROM ballot
         WHERE round_id = ? AND comment IS NOT NULL AND comment != '' AND id > ?
         ORDER BY id LIMIT ?",
    )
    .bind(round_id)
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Up to `limit` ballots after `after`: (ballot id, overall comment, choices folded by SQLite
/// into "item=level,…", so a page is 1,000 rows to decode rather than 44,000).
pub async fn ballots_after(
    pool: &SqlitePool,
    round_id: i64,
    after: &str,
    limit: i64,
) -> Result<Vec<(String, Option<String>, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT b.id, b.comment, group_concat(c.item || '=' || COALESCE(c.level, ''), ',')
         FROM ballot b LEFT JOIN ballot_choice c ON c.ballot_id = b.id
         WHERE b.round_id = ? AND b.id > ?
         GROUP BY b.id ORDER BY b.id LIMIT ?",
    )
    .bind(round_id)
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await
}
