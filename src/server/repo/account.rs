//! Accounts of evaluators and the office: argon2id passwords, and sessions whose tokens are
//! stored only as hashes. (Signing in, with its throttle, is `service::signin`.)

use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

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
    #[error("too many sign-ins at once; try again shortly")]
    Busy,
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
            AccountError::Busy => "同时登录的人太多，请稍后再试。".into(),
            AccountError::Hash(_) | AccountError::Db(_) => "服务器出错了，请稍后再试。".into(),
        }
    }
}

use crate::clock::now;

fn valid_login(login: &str) -> bool {
    (1..=64).contains(&login.len())
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Hashes a password with argon2id on a blocking thread (it takes ~50 ms of CPU on purpose).
pub async fn hash_password(password: String) -> Result<String, AccountError> {
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

/// Whether `password` matches the PHC string `hash` (argon2id: ~50 ms of CPU and ~19 MiB;
/// call it on a blocking thread).
pub fn password_matches(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`password_matches`] on a blocking thread.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || password_matches(&password, &hash))
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

/// What a sign-in needs to know of an account.
pub struct Credentials {
    pub account: Account,
    /// argon2id, PHC string.
    pub password_hash: String,
}

/// The account a sign-in names, if there is one (logins compare without case).
pub async fn credentials(
    pool: &SqlitePool,
    login: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    let row: Option<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, login, role, password_hash FROM account WHERE login = ?")
            .bind(login.trim())
            .fetch_optional(pool)
            .await?;
    Ok(row.and_then(|(id, login, role, password_hash)| {
        AccountRole::parse(&role).map(|role| Credentials {
            account: Account { id, login, role },
            password_hash,
        })
    }))
}

/// Opens a session for `account_id`: its token, for the cookie.
pub async fn open_session(pool: &SqlitePool, account_id: i64) -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    sqlx::query(
        "INSERT INTO session (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    )
    .bind(token_hash(&token))
    .bind(account_id)
    .bind(now().to_rfc3339())
    .bind((now() + chrono::Duration::hours(SESSION_HOURS)).to_rfc3339())
    .execute(pool)
    .await?;
    Ok(token)
}

/// Whether `password` is the account's, without a session or any throttling: for the command
/// line, which can read the database anyway. The web signs in through `service::signin`.
pub async fn check_password(
    pool: &SqlitePool,
    login: &str,
    password: &str,
) -> Result<Option<Account>, sqlx::Error> {
    let Some(c) = credentials(pool, login).await? else {
        return Ok(None);
    };
    Ok(verify_password(password.to_string(), c.password_hash)
        .await
        .then_some(c.account))
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
    fn logins_are_plain() {
        assert!(valid_login("office.li"));
        assert!(!valid_login(""));
        assert!(!valid_login("有空格 的"));
        assert!(!valid_login(&"x".repeat(65)));
    }
}
