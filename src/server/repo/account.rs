//! Accounts of evaluators and the office: argon2id passwords, sign-in with a growing delay
//! after failures, and sessions whose tokens are stored only as hashes.

use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;
use std::time::Duration;

/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountRole {
    Evaluator,
    Office,
}

impl AccountRole {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountRole::Evaluator => "evaluator",
            AccountRole::Office => "office",
        }
    }
    pub fn parse(s: &str) -> Option<AccountRole> {
        match s {
            "evaluator" => Some(AccountRole::Evaluator),
            "office" => Some(AccountRole::Office),
            _ => None,
        }
    }
}

/// A signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub role: AccountRole,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("the login must be 1–64 letters, digits, '.', '_' or '-'")]
    BadLogin,
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    #[error("an account with this login exists already")]
    Exists,
    #[error("wrong login or password")]
    Invalid,
    #[error("too many failed sign-ins; try again in {0} s")]
    TooSoon(i64),
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl crate::message::Bilingual for AccountError {
    fn zh(&self) -> String {
        match self {
            AccountError::BadLogin => "账号应为1至64个字母、数字或“.”“_”“-”。".into(),
            AccountError::WeakPassword => format!("密码至少需要{MIN_PASSWORD_CHARS}个字符。"),
            AccountError::Exists => "这个账号已经存在。".into(),
            AccountError::Invalid => "账号或密码不正确。".into(),
            AccountError::TooSoon(secs) => format!("登录失败次数过多，请{secs}秒后再试。"),
            AccountError::Hash(_) | AccountError::Db(_) => "服务器出错了，请稍后再试。".into(),
        }
    }
}

/// Wait before the next attempt after `failures` failed sign-ins in a row: 1 s, 2 s, 4 s, …
/// up to 5 minutes. It slows guessing without locking the office out for good.
pub fn signin_delay(failures: i64) -> Duration {
    if failures <= 0 {
        return Duration::ZERO;
    }
    let exp = u32::try_from(failures - 1).unwrap_or(u32::MAX).min(16);
    Duration::from_secs((1u64 << exp).min(300))
}

use crate::clock::now;

fn valid_login(login: &str) -> bool {
    (1..=64).contains(&login.len())
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Hashes a password with argon2id on a blocking thread (it takes ~50 ms of CPU on purpose).
async fn hash_password(password: String) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::generate(&mut OsRng);
        argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AccountError::Hash(e.to_string()))
    })
    .await
    .map_err(|e| AccountError::Hash(e.to_string()))?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        PasswordHash::new(&hash)
            .map(|parsed| {
                argon2::Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

pub async fn create(
    pool: &SqlitePool,
    login: &str,
    role: AccountRole,
    password: &str,
) -> Result<i64, AccountError> {
    let login = login.trim();
    if !valid_login(login) {
        return Err(AccountError::BadLogin);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::WeakPassword);
    }
    let hash = hash_password(password.to_string()).await?;
    let res = sqlx::query(
        "INSERT INTO account (login, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(login)
    .bind(role.as_str())
    .bind(hash)
    .bind(now().to_rfc3339())
    .execute(pool)
    .await;
    match res {
        Ok(r) => Ok(r.last_insert_rowid()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(AccountError::Exists),
        Err(e) => Err(e.into()),
    }
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Checks a login and password; on success opens a session and returns its token (for the
/// cookie). Each failure makes the next attempt on this account wait longer.
pub async fn sign_in(
    pool: &SqlitePool,
    login: &str,
    password: &str,
) -> Result<(Account, String), AccountError> {
    let row: Option<(i64, String, String, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT id, login, role, password_hash, failed_signins, next_attempt_at
         FROM account WHERE login = ?",
    )
    .bind(login.trim())
    .fetch_optional(pool)
    .await?;
    let Some((id, login, role, hash, failures, next_at)) = row else {
        return Err(AccountError::Invalid);
    };
    if let Some(next) = next_at.and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok()) {
        let wait = (next.with_timezone(&chrono::Utc) - now()).num_seconds();
        if wait > 0 {
            return Err(AccountError::TooSoon(wait));
        }
    }
    if !verify_password(password.to_string(), hash).await {
        let failures = failures + 1;
        let next = now() + chrono::Duration::from_std(signin_delay(failures)).unwrap_or_default();
        sqlx::query("UPDATE account SET failed_signins = ?, next_attempt_at = ? WHERE id = ?")
            .bind(failures)
            .bind(next.to_rfc3339())
            .bind(id)
            .execute(pool)
            .await?;
        return Err(AccountError::Invalid);
    }
    let role = AccountRole::parse(&role).ok_or(AccountError::Invalid)?;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE account SET failed_signins = 0, next_attempt_at = NULL WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO session (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    )
    .bind(token_hash(&token))
    .bind(id)
    .bind(now().to_rfc3339())
    .bind((now() + chrono::Duration::hours(SESSION_HOURS)).to_rfc3339())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((Account { id, login, role }, token))
}

/// The account of a session token, if the session exists and has not expired.
pub async fn from_session(pool: &SqlitePool, token: &str) -> Result<Option<Account>, sqlx::Error> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT a.id, a.login, a.role FROM session s JOIN account a ON a.id = s.account_id
         WHERE s.token_hash = ? AND s.expires_at > ?",
    )
    .bind(token_hash(token))
    .bind(now().to_rfc3339())
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|(id, login, role)| {
        AccountRole::parse(&role).map(|role| Account { id, login, role })
    }))
}

/// Ends a session (sign-out).
pub async fn sign_out(pool: &SqlitePool, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM session WHERE token_hash = ?")
        .bind(token_hash(token))
        .execute(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_grows_and_is_capped() {
        let cases = [
            (0, 0),
            (1, 1),
            (2, 2),
            (3, 4),
            (5, 16),
            (9, 256),
            (10, 300),
            (1000, 300),
        ];
        for (failures, secs) in cases {
            assert_eq!(
                signin_delay(failures),
                Duration::from_secs(secs),
                "{failures}"
            );
        }
    }

    #[test]
    fn logins_are_plain() {
        assert!(valid_login("office.li"));
        assert!(!valid_login(""));
        assert!(!valid_login("有空格 的"));
        assert!(!valid_login(&"x".repeat(65)));
    }
}
