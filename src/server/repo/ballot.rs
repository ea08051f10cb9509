//! Ballots as stored, sealed (`crate::seal`): finding a cast ballot by its receipt, reading the
//! sealed ballots for the count, and the statements the ballot box (`service::ballot_box`, the
//! one writer) runs to cast and revise.

use sqlx::{SqliteConnection, SqliteExecutor};

/// A ballot as stored: its cells and its comments, sealed to the round's tellers, and the
/// tracking code of its cells.
pub struct Sealed {
    pub cells: Vec<u8>,
    pub comments: Option<Vec<u8>>,
    pub tracking: String,
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealed({} bytes)", self.cells.len())
    }
}

/// The id of the ballot of a round whose receipt hashes to `receipt_hash`.
pub async fn by_receipt<'e>(
    db: impl SqliteExecutor<'e>,
    round_id: i64,
    receipt_hash: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT id FROM ballot WHERE receipt_hash = ? AND round_id = ?")
            .bind(receipt_hash)
            .bind(round_id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(id,)| id))
}

/// The sealed cells of the ballot whose receipt hashes to `receipt_hash`.
pub async fn cells_by_receipt<'e>(
    db: impl SqliteExecutor<'e>,
    round_id: i64,
    receipt_hash: &str,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let row: Option<(Option<Vec<u8>>,)> =
        sqlx::query_as("SELECT cells FROM ballot WHERE receipt_hash = ? AND round_id = ?")
            .bind(receipt_hash)
            .bind(round_id)
            .fetch_optional(db)
            .await?;
    Ok(row.and_then(|(c,)| c))
}

/// How many ballots a round has, and the cells of those stored under `tracking` (one, unless
/// the rows were tampered with). The stored code only finds the row: the caller recomputes it
/// from the cells, so a ballot replaced under its old code does not pass.
pub async fn by_tracking(
    pool: &sqlx::SqlitePool,
    round_id: i64,
    tracking: &str,
) -> Result<(u64, Vec<Vec<u8>>), sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ballot WHERE round_id = ?")
        .bind(round_id)
        .fetch_one(pool)
        .await?;
    let cells: Vec<(Option<Vec<u8>>,)> =
        sqlx::query_as("SELECT cells FROM ballot WHERE round_id = ? AND tracking = ? LIMIT 8")
            .bind(round_id)
            .bind(tracking)
            .fetch_all(pool)
            .await?;
    Ok((
        u64::try_from(n).unwrap_or(0),
        cells.into_iter().filter_map(|(c,)| c).collect(),
    ))
}

/// Every stored ballot's tracking code of a round (as stored with the ballot; a teller's page
/// recomputes them from the cells it sums), for the round's ballot-list fingerprint.
pub async fn tracking_codes(
    pool: &sqlx::SqlitePool,
    round_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT tracking FROM ballot WHERE round_id = ? AND tracking IS NOT NULL")
        .bind(round_id)
        .fetch_all(pool)
        .await
}

/// Up to `limit` sealed ballots of a round after ballot id `after`, in id order (random, not
/// arrival): (id, cells).
pub async fn sealed_after<'e>(
    db: impl SqliteExecutor<'e>,
    round_id: i64,
    after: &str,
    limit: i64,
) -> Result<Vec<(String, Option<Vec<u8>>)>, sqlx::Error> {
    sqlx::query_as("SELECT id, cells FROM ballot WHERE round_id = ? AND id > ? ORDER BY id LIMIT ?")
        .bind(round_id)
        .bind(after)
        .bind(limit)
        .fetch_all(db)
        .await
}

/// A round's sealed comments, in ballot id order.
pub async fn sealed_comments<'e>(
    db: impl SqliteExecutor<'e>,
    round_id: i64,
) -> Result<Vec<Vec<u8>>, sqlx::Error> {
    let rows: Vec<(Vec<u8>,)> = sqlx::query_as(
        "SELECT sealed_comments FROM ballot
         WHERE round_id = ? AND sealed_comments IS NOT NULL ORDER BY id",
    )
    .bind(round_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(b,)| b).collect())
}

// Writing, for the ballot box (`service::ballot_box`), which runs these inside its batch's
// transaction and one savepoint per ballot; each takes the connection of that transaction.

/// A round's stored state word and stated closing time, if the round exists. A round with a
/// count (one counted in the clear before sealing, still open at the upgrade) reads as closed:
/// a ballot added now could never be counted.
pub async fn round_state(
    conn: &mut SqliteConnection,
    round_id: i64,
) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM round_count c WHERE c.round_id = round.id)
                     THEN 'closed' ELSE state END,
                closes_at FROM round WHERE id = ?",
    )
    .bind(round_id)
    .fetch_optional(conn)
    .await
}

/// Claims an unused, unrevoked code of the round for a new ballot; whether it was claimed.
/// The conditional update decides, so two posts of one code can never both claim it.
pub async fn claim_code(
    conn: &mut SqliteConnection,
    code_hash: &str,
    round_id: i64,
    day: &str,
) -> Result<bool, sqlx::Error> {
    let claimed: Option<(i64,)> = sqlx::query_as(
        "UPDATE invitation SET used = 1, used_on = ?
         WHERE code_hash = ? AND round_id = ? AND used = 0 AND revoked = 0
         RETURNING id",
    )
    .bind(day)
    .bind(code_hash)
    .bind(round_id)
    .fetch_optional(conn)
    .await?;
    Ok(claimed.is_some())
}

/// A code's invitation as the ballot box needs it: (revoked, used, failed receipts).
pub async fn invitation_state(
    conn: &mut SqliteConnection,
    code_hash: &str,
    round_id: i64,
) -> Result<Option<(bool, bool, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT revoked, used, failed_receipts FROM invitation
         WHERE code_hash = ? AND round_id = ?",
    )
    .bind(code_hash)
    .bind(round_id)
    .fetch_optional(conn)
    .await
}

/// Inserts a new sealed ballot.
pub async fn insert_ballot(
    conn: &mut SqliteConnection,
    id: &str,
    round_id: i64,
    receipt_hash: &str,
    sealed: &Sealed,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO ballot (id, round_id, receipt_hash, cells, sealed_comments, tracking)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(round_id)
    .bind(receipt_hash)
    .bind(&sealed.cells)
    .bind(sealed.comments.as_deref())
    .bind(&sealed.tracking)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces a ballot's sealed contents (a revision).
pub async fn replace_sealed(
    conn: &mut SqliteConnection,
    ballot_id: &str,
    sealed: &Sealed,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE ballot SET cells = ?, sealed_comments = ?, tracking = ? WHERE id = ?")
        .bind(&sealed.cells)
        .bind(sealed.comments.as_deref())
        .bind(&sealed.tracking)
        .bind(ballot_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds `n` new ballots to a round's turnout.
pub async fn add_to_turnout(
    conn: &mut SqliteConnection,
    round_id: i64,
    n: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE round_turnout SET ballots = ballots + ? WHERE round_id = ?")
        .bind(n)
        .bind(round_id)
        .execute(conn)
        .await?;
    Ok(())
}
