//! The audit trail as stored (`audit_log`, `audit_head`); the chain logic is `crate::audit`.

use crate::audit::{self, Broken, Entry, Head};
use sqlx::{SqliteConnection, SqlitePool};

use crate::clock::now_text as now;

/// Appends an entry inside the caller's transaction, so the action and its record are stored
/// together or not at all. `detail` is JSON (`serde_json::json!({...})`).
pub async fn record(
    conn: &mut SqliteConnection,
    actor: &str,
    action: &str,
    subject: &str,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    // The write lock first (see the migration), then the previous hash.
    sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    let (prev_seq, prev_hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
    let seq = prev_seq + 1;
    let at = now();
    let detail = detail.to_string();
    let hash = audit::entry_hash(&prev_hash, seq, &at, actor, action, subject, &detail);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(seq)
    .bind(&at)
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(&detail)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")
        .bind(seq)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// [`record`] in a transaction of its own, for actions that store nothing else.
pub async fn log(
    pool: &SqlitePool,
    actor: &str,
    action: &str,
    subject: &str,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    record(&mut tx, actor, action, subject, detail).await?;
    tx.commit().await
}

type Row = (i64, String, String, String, String, String, String, String);

fn entry(r: Row) -> Entry {
    let (seq, at, actor, action, subject, detail, prev_hash, hash) = r;
    Entry {
        seq,
        at,
        actor,
        action,
        subject,
        detail,
        prev_hash,
        hash,
    }
}

/// The whole trail in order.
pub async fn all(pool: &SqlitePool) -> Result<Vec<Entry>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log
         ORDER BY seq",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(entry).collect())
}

/// The newest `limit` entries, newest first.
pub async fn latest(pool: &SqlitePool, limit: i64) -> Result<Vec<Entry>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log
         ORDER BY seq DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(entry).collect())
}

/// Verifies the stored chain, and that the stored head is its last entry; with `expected`,
/// also against a head written down earlier.
pub async fn verify(
    pool: &SqlitePool,
    expected: Option<&Head>,
) -> Result<Result<Head, Broken>, sqlx::Error> {
    let entries = all(pool).await?;
    let checked = match expected {
        Some(h) => audit::verify_against(&entries, h),
        None => audit::verify(&entries),
    };
    let (seq, hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(pool)
            .await?;
    Ok(checked.and_then(|head| {
        if head == (seq, hash.clone()) {
            Ok(head)
        } else if seq > head.0 {
            Err(Broken::Truncated {
                seq: head.0,
                expected_seq: seq,
            })
        } else {
            Err(Broken::HeadMismatch)
        }
    }))
}
