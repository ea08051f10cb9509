//! What is stored of staff accounts' second factors (`crate::totp`): each account's sealed
//! secret and the step of its last accepted code, its recovery codes' hashes, and whether the
//! office requires a second factor of every account. Each change is in the audit trail, in
//! the same transaction.

use crate::clock::now;
use crate::server::repo::account::{Account, AccountRole, token_hash};
use crate::server::repo::audit;
use sqlx::SqlitePool;

/// The account with id `id`, and whether it is disabled.
pub async fn account(pool: &SqlitePool, id: i64) -> Result<Option<(Account, bool)>, sqlx::Error> {
    let row: Option<(String, String, bool)> =
        sqlx::query_as("SELECT login, role, disabled_at IS NOT NULL FROM account WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(row.and_then(|(login, role, disabled)| {
        AccountRole::parse(&role).map(|role| (Account { id, login, role }, disabled))
    }))
}

/// An account's second factor, as stored.
#[derive(Debug, Clone)]
pub struct Factor {
    /// The secret, sealed (`totp::Purpose::Stored`).
    pub sealed_secret: String,
    /// The step of the last code accepted.
    pub last_step: u64,
    /// Wrong codes in a row.
    pub failures: i64,
}

/// Wrong codes in a row after which the code step is closed until the password is set again:
/// whoever has the password gets at most this many guesses at a six-digit code (three right
/// ones in each window), however long they take.
pub const MAX_CODE_FAILURES: i64 = 10;

/// The account's second factor, if it has one.
pub async fn factor(pool: &SqlitePool, account_id: i64) -> Result<Option<Factor>, sqlx::Error> {
    let row: Option<(Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT totp_secret, totp_last_step, totp_failures FROM account WHERE id = ?",
    )
    .bind(account_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|(secret, step, failures)| {
        secret.map(|sealed_secret| Factor {
            sealed_secret,
            last_step: u64::try_from(step).unwrap_or(0),
            failures,
        })
    }))
}

/// How many accounts have a second factor.
pub async fn enrolled(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM account WHERE totp_secret IS NOT NULL")
        .fetch_one(pool)
        .await?;
    Ok(n)
}

/// Counts a wrong code for `who` (recorded in the audit trail: only a holder of the password
/// gets this far); how many in a row now.
pub async fn code_failed(pool: &SqlitePool, who: &Account) -> Result<i64, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let (failures,): (i64,) = sqlx::query_as(
        "UPDATE account SET totp_failures = totp_failures + 1 WHERE id = ?
         RETURNING totp_failures",
    )
    .bind(who.id)
    .fetch_one(&mut *tx)
    .await?;
    let detail =
        serde_json::json!({ "in_a_row": failures, "closed": failures >= MAX_CODE_FAILURES });
    audit::record(
        &mut tx,
        &who.login,
        "sign-in.code-failed",
        &who.login,
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(failures)
}

/// A right code: the wrong ones in a row are forgotten.
pub async fn code_passed(pool: &SqlitePool, account_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE account SET totp_failures = 0 WHERE id = ? AND totp_failures <> 0")
        .bind(account_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Whether the account must have a second factor: every office account, and every account
/// when the office requires it of all.
pub async fn required(pool: &SqlitePool, who: &Account) -> Result<bool, sqlx::Error> {
    Ok(who.role == AccountRole::Office || required_of_all(pool).await?)
}

/// Whether the office requires a second factor of every account (not only its own).
pub async fn required_of_all(pool: &SqlitePool) -> Result<bool, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT value FROM setting WHERE name = 'totp.required'")
            .fetch_optional(pool)
            .await?;
    Ok(row.is_some_and(|(v,)| v == "all"))
}

/// Requires a second factor of every account (`all`), or of office accounts only.
pub async fn set_required_of_all(
    pool: &SqlitePool,
    all: bool,
    actor: &str,
) -> Result<(), sqlx::Error> {
    let value = if all { "all" } else { "office" };
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(
        "INSERT INTO setting (name, value) VALUES ('totp.required', ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(value)
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({ "required_of": value });
    audit::record(&mut tx, actor, "totp.require", "all accounts", detail).await?;
    tx.commit().await
}

/// Turns the second factor on for `who`: its sealed secret, the step of the code that
/// confirmed it (so that code cannot be used again), and new recovery codes (replacing any).
/// The session `current` (its token) passed the factor; every other session of the account
/// ends, since none of them did. Refused (false) if the account has one already: a second
/// enrolment from a stale page must not replace the first.
pub async fn enable(
    pool: &SqlitePool,
    who: &Account,
    sealed_secret: &str,
    step: u64,
    recovery_hashes: &[String],
    current: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let done = sqlx::query(
        "UPDATE account SET totp_secret = ?, totp_enabled_at = ?, totp_last_step = ?,
                            totp_failures = 0
         WHERE id = ? AND totp_secret IS NULL",
    )
    .bind(sealed_secret)
    .bind(now().to_rfc3339())
    .bind(i64::try_from(step).unwrap_or(i64::MAX))
    .bind(who.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    let current = current.map(token_hash).unwrap_or_default();
    sqlx::query("UPDATE session SET second_factor = 1 WHERE account_id = ? AND token_hash = ?")
        .bind(who.id)
        .bind(&current)
        .execute(&mut *tx)
        .await?;
    let ended = sqlx::query("DELETE FROM session WHERE account_id = ? AND token_hash <> ?")
        .bind(who.id)
        .bind(&current)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM recovery_code WHERE account_id = ?")
        .bind(who.id)
        .execute(&mut *tx)
        .await?;
    for hash in recovery_hashes {
        sqlx::query("INSERT INTO recovery_code (account_id, code_hash) VALUES (?, ?)")
            .bind(who.id)
            .bind(hash)
            .execute(&mut *tx)
            .await?;
    }
    let detail = serde_json::json!({
        "recovery_codes": recovery_hashes.len(),
        "other_sessions_ended": ended,
    });
    audit::record(&mut tx, &who.login, "totp.enable", &who.login, detail).await?;
    tx.commit().await?;
    Ok(true)
}

/// Takes `step` as the account's last accepted one, if it is later than the last: false if
/// it is not (the code was used already, perhaps by a request at the same moment).
pub async fn use_step(pool: &SqlitePool, account_id: i64, step: u64) -> Result<bool, sqlx::Error> {
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let done = sqlx::query(
        "UPDATE account SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?
           AND totp_secret IS NOT NULL",
    )
    .bind(step)
    .bind(account_id)
    .bind(step)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Uses up the recovery code with `hash`, if the account has it unused (recorded in the
/// audit trail, with how many are left). It counts as a code of `step`: sign-ins waiting for a
/// code from before it are spent.
pub async fn use_recovery_code(
    pool: &SqlitePool,
    who: &Account,
    hash: &str,
    step: u64,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let done = sqlx::query(
        "UPDATE recovery_code SET used_at = ?
         WHERE account_id = ? AND code_hash = ? AND used_at IS NULL",
    )
    .bind(now().to_rfc3339())
    .bind(who.id)
    .bind(hash)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE account SET totp_last_step = MAX(totp_last_step, ?) WHERE id = ?")
        .bind(i64::try_from(step).unwrap_or(i64::MAX))
        .bind(who.id)
        .execute(&mut *tx)
        .await?;
    let (left,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM recovery_code WHERE account_id = ? AND used_at IS NULL",
    )
    .bind(who.id)
    .fetch_one(&mut *tx)
    .await?;
    let detail = serde_json::json!({ "left": left });
    audit::record(
        &mut tx,
        &who.login,
        "totp.recovery-used",
        &who.login,
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Unused recovery codes of the account.
pub async fn recovery_codes_left(pool: &SqlitePool, account_id: i64) -> Result<i64, sqlx::Error> {
    let (left,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM recovery_code WHERE account_id = ? AND used_at IS NULL",
    )
    .bind(account_id)
    .fetch_one(pool)
    .await?;
    Ok(left)
}

/// Removes `who`'s second factor and recovery codes, recorded as `actor`'s: the holder lost
/// the phone (the office resets it, and with `end_sessions` their sessions end), or turns an
/// optional one off (every session but `keep` ends). If it is required, the holder sets up a
/// new one before anything else at the next sign-in. False: there was none to remove.
pub async fn remove(
    pool: &SqlitePool,
    who: &Account,
    actor: &str,
    end_sessions: bool,
    keep: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let done = sqlx::query(
        "UPDATE account SET totp_secret = NULL, totp_enabled_at = NULL, totp_failures = 0
         WHERE id = ? AND totp_secret IS NOT NULL",
    )
    .bind(who.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM recovery_code WHERE account_id = ?")
        .bind(who.id)
        .execute(&mut *tx)
        .await?;
    let ended = if end_sessions {
        sqlx::query("DELETE FROM session WHERE account_id = ? AND token_hash <> ?")
            .bind(who.id)
            .bind(keep.map(token_hash).unwrap_or_default())
            .execute(&mut *tx)
            .await?
            .rows_affected()
    } else {
        0
    };
    let detail = serde_json::json!({ "sessions_ended": ended });
    audit::record(&mut tx, actor, "totp.remove", &who.login, detail).await?;
    tx.commit().await?;
    Ok(true)
}
