//! The count as stored: each teller's share while the count waits for enough of them, and what
//! the count wrote once opened (the per-item tallies, the comments in random order, the
//! round's count record). The arithmetic is `crate::seal::count`, run by `service::count`.

use crate::seal::CountShare;
use crate::server::repo::audit;
use sqlx::SqlitePool;

/// What became of a posted share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    Stored,
    /// The round is not closed, or is counted already.
    NotOpen,
    /// The round's last closing is not the one the share's sums were made after.
    ClosedAgain,
    /// The checking period after that closing has not passed.
    Checking,
}

/// Stores a teller's share for a closed, uncounted round (replacing one the same teller posted
/// before), made on sums read after the closing event `closing`, once `check_minutes` have
/// passed since it by `now`. Everything is checked in the transaction that stores the share, so
/// a reopening or a second closing between the caller's checks and this write is caught.
pub async fn post_share(
    pool: &SqlitePool,
    round_id: i64,
    share: &CountShare,
    closing: Option<i64>,
    check_minutes: u32,
    now: chrono::DateTime<chrono::Utc>,
    actor: &str,
) -> Result<Posted, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let open: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM round WHERE id = ? AND state = 'closed'
           AND NOT EXISTS (SELECT 1 FROM round_count WHERE round_id = round.id)",
    )
    .bind(round_id)
    .fetch_optional(&mut *tx)
    .await?;
    if open.is_none() {
        return Ok(Posted::NotOpen);
    }
    let last: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, at FROM round_event WHERE round_id = ? AND action = 'close'
         ORDER BY id DESC LIMIT 1",
    )
    .bind(round_id)
    .fetch_optional(&mut *tx)
    .await?;
    if last.as_ref().map(|(event, _)| *event) != closing {
        return Ok(Posted::ClosedAgain);
    }
    if check_minutes > 0 {
        // A closing time that does not read keeps the period from ending.
        let over = last
            .and_then(|(_, at)| crate::clock::minutes_after(&at, check_minutes))
            .is_some_and(|end| end <= now);
        if !over {
            return Ok(Posted::Checking);
        }
    }
    sqlx::query(
        "INSERT OR REPLACE INTO count_share (round_id, teller, share_json, posted_at)
         VALUES (?, ?, ?, ?)",
    )
    .bind(round_id)
    .bind(i64::try_from(share.teller).unwrap_or(i64::MAX))
    .bind(serde_json::to_string(share).expect("a share serializes"))
    .bind(crate::clock::now_text())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "count.share",
        &format!("round {round_id}"),
        serde_json::json!({ "teller": share.teller + 1 }),
    )
    .await?;
    tx.commit().await?;
    Ok(Posted::Stored)
}

/// The shares posted for a round, by teller. A row that no longer reads is left out (and
/// logged): the count then waits for that teller to post again.
pub async fn shares(pool: &SqlitePool, round_id: i64) -> Result<Vec<CountShare>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT teller, share_json FROM count_share WHERE round_id = ? ORDER BY teller",
    )
    .bind(round_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(teller, json)| match serde_json::from_str(&json) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::error!(round_id, teller, error = %e, "a stored count share is damaged");
                None
            }
        })
        .collect())
}

/// Which tellers (0-based) have posted their share.
pub async fn posted(pool: &SqlitePool, round_id: i64) -> Result<Vec<usize>, sqlx::Error> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT teller FROM count_share WHERE round_id = ? ORDER BY teller")
            .bind(round_id)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(t,)| usize::try_from(t).ok())
        .collect())
}

/// Drops the comments' parts of a round's posted shares (a count that could not be written:
/// they must not stay where they could open each ballot's comment). The tellers post again.
pub async fn forget_comment_shares(pool: &SqlitePool, round_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE count_share SET share_json = json_set(share_json, '$.comments', json('[]'))
         WHERE round_id = ?",
    )
    .bind(round_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// What an opened count writes.
pub struct Opened {
    pub ballots: i64,
    /// 1-based tellers whose shares opened it.
    pub tellers: Vec<usize>,
    /// (item, level, count); level −1 counts "not rated".
    pub tallies: Vec<(String, i64, i64)>,
    /// (item or `None` for an overall comment, text), in the order to store them (shuffled).
    pub comments: Vec<(Option<String>, String)>,
}

/// Why an opened count was not written.
#[derive(Debug, thiserror::Error)]
pub enum FinishError {
    #[error("the round is not closed, or was counted meanwhile")]
    Moved,
    #[error(
        "the round's ballots changed while it was being counted ({stored} stored, {counted} counted)"
    )]
    Changed { stored: i64, counted: i64 },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Writes an opened count in one transaction: the tallies, the comments, the record; and then
/// drops the sealed comments (their text is now in `round_comment`, in an order nothing ties to
/// a ballot) and the comments' parts of the shares.
pub async fn finish(pool: &SqlitePool, round_id: i64, o: &Opened) -> Result<(), FinishError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let state: Option<(i64,)> = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM ballot WHERE round_id = round.id) FROM round
         WHERE id = ? AND state = 'closed'
           AND NOT EXISTS (SELECT 1 FROM round_count WHERE round_id = round.id)",
    )
    .bind(round_id)
    .fetch_optional(&mut *tx)
    .await?;
    let stored = state.ok_or(FinishError::Moved)?.0;
    if stored != o.ballots {
        return Err(FinishError::Changed {
            stored,
            counted: o.ballots,
        });
    }
    sqlx::query("DELETE FROM tally WHERE round_id = ?")
        .bind(round_id)
        .execute(&mut *tx)
        .await?;
    for chunk in o.tallies.chunks(1000) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO tally (round_id, item, level, count) ",
        );
        q.push_values(chunk, |mut row, (item, level, count)| {
            row.push_bind(round_id)
                .push_bind(item)
                .push_bind(level)
                .push_bind(count);
        });
        q.build().execute(&mut *tx).await?;
    }
    for chunk in o.comments.chunks(1000) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO round_comment (round_id, item, body) ",
        );
        q.push_values(chunk, |mut row, (item, body)| {
            row.push_bind(round_id).push_bind(item).push_bind(body);
        });
        q.build().execute(&mut *tx).await?;
    }
    sqlx::query("UPDATE ballot SET sealed_comments = NULL WHERE round_id = ?")
        .bind(round_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE count_share SET share_json = json_set(share_json, '$.comments', json('[]'))
         WHERE round_id = ?",
    )
    .bind(round_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO round_count (round_id, counted_at, ballots, tellers, sealed)
         VALUES (?, ?, ?, ?, 1)",
    )
    .bind(round_id)
    .bind(crate::clock::now_text())
    .bind(o.ballots)
    .bind(serde_json::to_string(&o.tellers).expect("numbers serialize"))
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "count",
        "round.count",
        &format!("round {round_id}"),
        serde_json::json!({ "ballots": o.ballots, "tellers": o.tellers, "comments": o.comments.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A round's count record: (counted at, ballots, 1-based tellers, sealed), if counted.
pub async fn record(
    pool: &SqlitePool,
    round_id: i64,
) -> Result<Option<(String, i64, Vec<usize>, bool)>, sqlx::Error> {
    let row: Option<(String, i64, String, bool)> = sqlx::query_as(
        "SELECT counted_at, ballots, tellers, sealed FROM round_count WHERE round_id = ?",
    )
    .bind(round_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(at, n, tellers, sealed)| {
        (
            at,
            n,
            serde_json::from_str(&tellers).unwrap_or_default(),
            sealed,
        )
    }))
}

/// The stored tallies of a round: (item, level, count).
pub async fn tallies(
    pool: &SqlitePool,
    round_id: i64,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT item, level, count FROM tally WHERE round_id = ? ORDER BY item, level")
        .bind(round_id)
        .fetch_all(pool)
        .await
}

/// Compacts the database after a count: what was deleted (the sealed comments) is overwritten
/// (`secure_delete` is on for every connection) and the free pages and the WAL are given
/// back, so no copy taken afterwards holds the old pages.
///
/// A checkpoint that other connections hold up reports "busy" in its row, not as an error: it
/// is tried again for a while, and then reported as an error.
pub async fn compact(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query("VACUUM").execute(pool).await?;
    for _ in 0..50 {
        let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(pool)
            .await?;
        if busy == 0 {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    Err(sqlx::Error::Protocol(
        "the write-ahead log could not be truncated after the count (other connections kept \
         it busy); run `ceping round count` again once the server is idle, or stop it and \
         open the database once"
            .into(),
    ))
}
