//! Ballots as stored: reading a cast ballot back (which only its receipt allows), and the
//! statements the ballot box (`service::ballot_box`, the one writer) runs to cast and revise.

use sqlx::{SqliteConnection, SqliteExecutor};

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

// Writing, for the ballot box (`service::ballot_box`), which runs these inside its batch's
// transaction and one savepoint per ballot; each takes the connection of that transaction.

/// A round's stored state word and stated closing time, if the round exists.
pub async fn round_state(
    conn: &mut SqliteConnection,
    round_id: i64,
) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    sqlx::query_as("SELECT state, closes_at FROM round WHERE id = ?")
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

/// Inserts a new ballot (without its choices).
pub async fn insert_ballot(
    conn: &mut SqliteConnection,
    id: &str,
    round_id: i64,
    receipt_hash: &str,
    comment: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO ballot (id, round_id, receipt_hash, comment) VALUES (?, ?, ?, ?)")
        .bind(id)
        .bind(round_id)
        .bind(receipt_hash)
        .bind(comment)
        .execute(conn)
        .await?;
    Ok(())
}

/// Inserts a ballot's choices: (item, level or `None` for not rated, comment).
pub async fn insert_choices(
    conn: &mut SqliteConnection,
    ballot_id: &str,
    choices: &[(&str, Option<i64>, Option<&str>)],
) -> Result<(), sqlx::Error> {
    // SQLite allows 32,766 parameters per statement: 4 per row, so chunks of 1,000 rows.
    for chunk in choices.chunks(1000) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO ballot_choice (ballot_id, item, level, comment) ",
        );
        q.push_values(chunk, |mut row, (item, level, comment)| {
            row.push_bind(ballot_id)
                .push_bind(*item)
                .push_bind(*level)
                .push_bind(*comment);
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Clears a ballot for its revision: its choices go, its overall comment is replaced.
pub async fn clear_for_revision(
    conn: &mut SqliteConnection,
    ballot_id: &str,
    comment: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM ballot_choice WHERE ballot_id = ?")
        .bind(ballot_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE ballot SET comment = ? WHERE id = ?")
        .bind(comment)
        .bind(ballot_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Adds `delta` to one tally (round, item, level; level -1 = not rated).
pub async fn add_to_tally(
    conn: &mut SqliteConnection,
    round_id: i64,
    item: &str,
    level: i64,
    delta: i64,
) -> Result<(), sqlx::Error> {
    // A decrease always meets an existing row (the ballot being revised was counted);
    // an upsert would trip the CHECK on its proposed row before the conflict is resolved.
    let sql = match delta.signum() {
        0 => return Ok(()),
        1 => {
            "INSERT INTO tally (round_id, item, level, count) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (round_id, item, level) DO UPDATE SET count = count + ?4"
        }
        _ => "UPDATE tally SET count = count + ?4 WHERE round_id = ?1 AND item = ?2 AND level = ?3",
    };
    sqlx::query(sql)
        .bind(round_id)
        .bind(item)
        .bind(level)
        .bind(delta)
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
