//! Accounts of evaluators and the office: argon2id passwords, and sessions whose tokens are
//! stored only as hashes. (Signing in, with its throttle, is `service::signin`.)

use crate::server::repo::audit;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

/// How long a session lasts at most.
pub const SESSION_HOURS: i64 = 12;
/// How long a session lasts without a request.
pub const IDLE_MINUTES: i64 = 60;
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountRole {
    Evaluator,
    Office,
    /// A unit's 联络员: files its sub-plan and monthly reports, for that one unit only.
    Liaison,
}

impl AccountRole {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountRole::Evaluator => "evaluator",
            AccountRole::Office => "office",
            AccountRole::Liaison => "liaison",
        }
    }
    pub fn parse(s: &str) -> Option<AccountRole> {
        match s {
            "evaluator" => Some(AccountRole::Evaluator),
            "office" => Some(AccountRole::Office),
            "liaison" => Some(AccountRole::Liaison),
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
    #[error("this account is disabled")]
    Disabled,
    #[error("no account has this login")]
    NoSuchAccount,
    #[error("this is the last office account that can sign in; enable or create another first")]
    LastOffice,
    #[error("the current password is not right")]
    WrongCurrent,
    #[error("the one-time code is not right (or was used already)")]
    WrongCode,
    #[error("the sign-in took too long; sign in again")]
    CodeExpired,
    #[error("too many wrong one-time codes: the office must set a new password first")]
    CodeLocked,
    #[error("the second factor cannot be read with this server's audit key")]
    FactorUnreadable,
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
            AccountError::Disabled => "这个账号已停用，请联系领导小组办公室。".into(),
            AccountError::NoSuchAccount => "没有这个账号。".into(),
            AccountError::LastOffice => {
                "这是最后一个可以登录的办公室账号，不能停用。请先启用或新建另一个办公室账号。"
                    .into()
            }
            AccountError::WrongCurrent => "当前密码不正确。".into(),
            AccountError::WrongCode => {
                "动态验证码不正确或已经用过。请输入验证器应用中当前显示的六位数字，或一个未用过的恢复码。"
                    .into()
            }
            AccountError::CodeExpired => "登录已超时，请重新输入账号和密码。".into(),
            AccountError::CodeLocked => {
                "动态验证码连续错误次数过多，这个账号暂时不能登录。请联系领导小组办公室重置密码。"
                    .into()
            }
            AccountError::FactorUnreadable => {
                "服务器无法读取这个账号的两步验证密钥（服务器的审计密钥可能已更换）。请输入一个恢复码，或联系领导小组办公室重置两步验证。"
                    .into()
            }
            AccountError::Hash(_) | AccountError::Db(_) => "服务器出错了，请稍后再试。".into(),
        }
    }
}

use crate::clock::now;

pub fn valid_login(login: &str) -> bool {
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
    create_with(pool, login, role, password, false, None).await
}

/// [`create`]; with `must_change`, the holder must choose their own password at the first
/// sign-in (an account the office made for someone). With an `actor`, the creation is
/// recorded in the audit trail as theirs, in the same transaction.
pub async fn create_with(
    pool: &SqlitePool,
    login: &str,
    role: AccountRole,
    password: &str,
    must_change: bool,
    actor: Option<&str>,
) -> Result<i64, AccountError> {
    insert(pool, login, role, None, password, must_change, actor).await
}

/// A liaison (联络员) account for `unit_id`, which the caller has checked is a reporting unit
/// (`repo::handling::reporting_unit`).
pub async fn create_liaison(
    pool: &SqlitePool,
    login: &str,
    unit_id: i64,
    password: &str,
    must_change: bool,
    actor: Option<&str>,
) -> Result<i64, AccountError> {
    let role = AccountRole::Liaison;
    insert(
        pool,
        login,
        role,
        Some(unit_id),
        password,
        must_change,
        actor,
    )
    .await
}

/// The unit a liaison reports for (`None` for every other account).
pub async fn unit_of(pool: &SqlitePool, account_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(Option<i64>,)> = sqlx::query_as("SELECT unit_id FROM account WHERE id = ?")
        .bind(account_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.and_then(|(u,)| u))
}

async fn insert(
    pool: &SqlitePool,
    login: &str,
    role: AccountRole,
    unit_id: Option<i64>,
    password: &str,
    must_change: bool,
    actor: Option<&str>,
) -> Result<i64, AccountError> {
    let login = login.trim();
    if !valid_login(login) {
        return Err(AccountError::BadLogin);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::WeakPassword);
    }
    let hash = hash_password(password.to_string()).await?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let res = sqlx::query(
        "INSERT INTO account (login, role, password_hash, created_at, must_change_password,
             unit_id)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(login)
    .bind(role.as_str())
    .bind(hash)
    .bind(now().to_rfc3339())
    .bind(must_change)
    .bind(unit_id)
    .execute(&mut *tx)
    .await;
    let id = match res {
        Ok(r) => r.last_insert_rowid(),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AccountError::Exists);
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(actor) = actor {
        let mut detail = serde_json::json!({ "role": role.as_str(), "id": id });
        if let Some(unit) = unit_id {
            detail["unit"] = unit.into();
        }
        audit::record(&mut tx, actor, "account.create", login, detail).await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// What a sign-in needs to know of an account.
pub struct Credentials {
    pub account: Account,
    /// argon2id, PHC string.
    pub password_hash: String,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
}

/// The account a sign-in names, if there is one (logins compare without case).
pub async fn credentials(
    pool: &SqlitePool,
    login: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    let row: Option<(i64, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT id, login, role, password_hash, disabled_at FROM account WHERE login = ?",
    )
    .bind(login.trim())
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|(id, login, role, password_hash, disabled)| {
        AccountRole::parse(&role).map(|role| Credentials {
            account: Account { id, login, role },
            password_hash,
            disabled: disabled.is_some(),
        })
    }))
}

/// Opens a session for `account_id`: its token, for the cookie.
pub async fn open_session(pool: &SqlitePool, account_id: i64) -> Result<String, sqlx::Error> {
    open_session_from(pool, account_id, "", false).await
}

/// [`open_session`] from a browser that calls itself `agent` (its `User-Agent`, kept short,
/// so that the holder can tell their sessions apart); `second_factor`: it passed the code.
pub async fn open_session_from(
    pool: &SqlitePool,
    account_id: i64,
    agent: &str,
    second_factor: bool,
) -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let at = now();
    sqlx::query(
        "INSERT INTO session
           (token_hash, account_id, created_at, expires_at, last_seen_at, agent, second_factor)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(token_hash(&token))
    .bind(account_id)
    .bind(at.to_rfc3339())
    .bind((at + chrono::Duration::hours(SESSION_HOURS)).to_rfc3339())
    .bind(at.to_rfc3339())
    .bind(agent.chars().take(160).collect::<String>())
    .bind(second_factor)
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

/// A live session: whose it is, and whether its holder must first choose a new password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    pub account: Account,
    pub must_change_password: bool,
    /// A second factor is required of the account and it has none yet: it sets one up
    /// before anything else (`/account/totp`).
    pub must_enrol_totp: bool,
}

impl Live {
    /// Where the holder must go before anything else, if anywhere: a password the office
    /// reset is changed first, then a required second factor is set up.
    pub fn first_step(&self) -> Option<&'static str> {
        if self.must_change_password {
            Some("/account?must=1")
        } else if self.must_enrol_totp {
            Some("/account/totp?must=1")
        } else {
            None
        }
    }
}

/// The account of a session token, if the session is live: not past its lifetime, used
/// within [`IDLE_MINUTES`], and its account not disabled. Marks it used (at most once a
/// minute, so that reading pages does not write on every request).
pub async fn session(pool: &SqlitePool, token: &str) -> Result<Option<Live>, sqlx::Error> {
    let at = now();
    let idle_since = (at - chrono::Duration::minutes(IDLE_MINUTES)).to_rfc3339();
    let hash = token_hash(token);
    let row: Option<(i64, String, String, bool, bool)> = sqlx::query_as(
        "SELECT a.id, a.login, a.role, a.must_change_password,
                a.totp_secret IS NULL AND (a.role = 'office' OR EXISTS (
                    SELECT 1 FROM setting WHERE name = 'totp.required' AND value = 'all'))
         FROM session s JOIN account a ON a.id = s.account_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND s.last_seen_at > ?
           AND a.disabled_at IS NULL
           AND (a.totp_secret IS NULL OR s.second_factor)",
    )
    .bind(&hash)
    .bind(at.to_rfc3339())
    .bind(&idle_since)
    .fetch_optional(pool)
    .await?;
    let Some((id, login, role, must_change_password, must_enrol_totp)) = row else {
        return Ok(None);
    };
    sqlx::query("UPDATE session SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?")
        .bind(at.to_rfc3339())
        .bind(&hash)
        .bind((at - chrono::Duration::seconds(60)).to_rfc3339())
        .execute(pool)
        .await?;
    Ok(AccountRole::parse(&role).map(|role| Live {
        account: Account { id, login, role },
        must_change_password,
        must_enrol_totp,
    }))
}

/// The account of a session token, if the session is live ([`session`]).
pub async fn from_session(pool: &SqlitePool, token: &str) -> Result<Option<Account>, sqlx::Error> {
    Ok(session(pool, token).await?.map(|l| l.account))
}

/// One of an account's sessions, as its holder sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// A handle that names it in forms (a prefix of the token's hash; not the token).
    pub handle: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub agent: String,
    /// The session this list is shown in.
    pub current: bool,
}

/// Characters of a session's handle.
const HANDLE_CHARS: usize = 16;

/// An account's live sessions, newest first; `current` marks the one asking.
pub async fn sessions(
    pool: &SqlitePool,
    account_id: i64,
    current: Option<&str>,
) -> Result<Vec<SessionInfo>, sqlx::Error> {
    let at = now();
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT token_hash, created_at, last_seen_at, agent FROM session
         WHERE account_id = ? AND expires_at > ? AND last_seen_at > ?
         ORDER BY created_at DESC",
    )
    .bind(account_id)
    .bind(at.to_rfc3339())
    .bind((at - chrono::Duration::minutes(IDLE_MINUTES)).to_rfc3339())
    .fetch_all(pool)
    .await?;
    let current = current.map(token_hash);
    Ok(rows
        .into_iter()
        .map(|(hash, created_at, last_seen_at, agent)| SessionInfo {
            handle: hash[..HANDLE_CHARS].to_string(),
            current: current.as_deref() == Some(hash.as_str()),
            created_at,
            last_seen_at,
            agent,
        })
        .collect())
}

/// Ends `who`'s session named by `handle`, recorded in the audit trail as `actor`'s;
/// whether there was one.
pub async fn end_session(
    pool: &SqlitePool,
    who: &Account,
    handle: &str,
    actor: &str,
) -> Result<bool, sqlx::Error> {
    if handle.len() != HANDLE_CHARS || !handle.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(false);
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let done =
        sqlx::query("DELETE FROM session WHERE account_id = ? AND substr(token_hash, 1, ?) = ?")
            .bind(who.id)
            .bind(HANDLE_CHARS as i64)
            .bind(handle.to_ascii_lowercase())
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    let detail = serde_json::json!({ "session": handle });
    audit::record(&mut tx, actor, "session.end", &who.login, detail).await?;
    tx.commit().await?;
    Ok(true)
}

/// Ends every session of `who` but `keep` (a token), recorded as `actor`'s: how many ended.
pub async fn end_sessions(
    pool: &SqlitePool,
    who: &Account,
    keep: Option<&str>,
    actor: &str,
) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let done = sqlx::query("DELETE FROM session WHERE account_id = ? AND token_hash <> ?")
        .bind(who.id)
        .bind(keep.map(token_hash).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    let ended = done.rows_affected();
    let detail = serde_json::json!({ "ended": ended, "kept_current": keep.is_some() });
    audit::record(&mut tx, actor, "session.end-all", &who.login, detail).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Sets `who`'s password, recorded as `actor`'s. `must_change`: the holder must choose
/// another at the next sign-in (a reset by the office). Every session but `keep` ends.
pub async fn set_password(
    pool: &SqlitePool,
    who: &Account,
    password: &str,
    must_change: bool,
    keep: Option<&str>,
    actor: &str,
) -> Result<(), AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::WeakPassword);
    }
    let hash = hash_password(password.to_string()).await?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let done =
        // A new password reopens a code step closed by wrong codes.
        sqlx::query(
            "UPDATE account SET password_hash = ?, must_change_password = ?, totp_failures = 0
             WHERE id = ?",
        )
            .bind(hash)
            .bind(must_change)
            .bind(who.id)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(AccountError::NoSuchAccount);
    }
    let ended = sqlx::query("DELETE FROM session WHERE account_id = ? AND token_hash <> ?")
        .bind(who.id)
        .bind(keep.map(token_hash).unwrap_or_default())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let action = if must_change {
        "account.reset-password"
    } else {
        "account.change-password"
    };
    let detail = serde_json::json!({ "sessions_ended": ended });
    audit::record(&mut tx, actor, action, &who.login, detail).await?;
    tx.commit().await?;
    Ok(())
}

/// The account with this login.
pub async fn by_login(pool: &SqlitePool, login: &str) -> Result<Account, AccountError> {
    credentials(pool, login)
        .await?
        .map(|c| c.account)
        .ok_or(AccountError::NoSuchAccount)
}

/// Disables (`true`) or enables an account. Disabling ends its sessions, and is refused for
/// the last office account that can sign in (nobody could then run the office).
pub async fn set_disabled(
    pool: &SqlitePool,
    login: &str,
    disabled: bool,
    actor: &str,
) -> Result<Account, AccountError> {
    let account = by_login(pool, login).await?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    if disabled && account.role == AccountRole::Office {
        let (others,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM account
             WHERE role = 'office' AND disabled_at IS NULL AND id <> ?",
        )
        .bind(account.id)
        .fetch_one(&mut *tx)
        .await?;
        if others == 0 {
            return Err(AccountError::LastOffice);
        }
    }
    sqlx::query("UPDATE account SET disabled_at = ? WHERE id = ?")
        .bind(disabled.then(|| now().to_rfc3339()))
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    let mut ended = 0;
    if disabled {
        ended = sqlx::query("DELETE FROM session WHERE account_id = ?")
            .bind(account.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    let action = if disabled {
        "account.disable"
    } else {
        "account.enable"
    };
    let detail = serde_json::json!({ "sessions_ended": ended });
    audit::record(&mut tx, actor, action, &account.login, detail).await?;
    tx.commit().await?;
    Ok(account)
}

/// An account as the office's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    pub login: String,
    pub role: AccountRole,
    pub created_at: String,
    pub disabled_at: Option<String>,
    pub must_change_password: bool,
    /// Live sessions.
    pub sessions: i64,
    /// It has a second factor.
    pub totp: bool,
    /// A liaison's unit, by name.
    pub unit: Option<String>,
}

/// Every account, by login.
pub async fn list(pool: &SqlitePool) -> Result<Vec<AccountSummary>, sqlx::Error> {
    let at = now();
    type Row = (
        String,
        String,
        String,
        Option<String>,
        bool,
        i64,
        bool,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.login, a.role, a.created_at, a.disabled_at, a.must_change_password,
                (SELECT COUNT(*) FROM session s WHERE s.account_id = a.id
                   AND s.expires_at > ? AND s.last_seen_at > ?),
                a.totp_secret IS NOT NULL, u.name
         FROM account a LEFT JOIN unit u ON u.id = a.unit_id ORDER BY a.login",
    )
    .bind(at.to_rfc3339())
    .bind((at - chrono::Duration::minutes(IDLE_MINUTES)).to_rfc3339())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(login, role, created_at, disabled_at, must, sessions, totp, unit)| {
                AccountRole::parse(&role).map(|role| AccountSummary {
                    login,
                    role,
                    created_at,
                    disabled_at,
                    must_change_password: must,
                    sessions,
                    totp,
                    unit,
                })
            },
        )
        .collect())
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
