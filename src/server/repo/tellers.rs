//! A round's tellers (监票人) and the board of their key ceremony: who they are, what they
//! posted, and the joint key once they have all finished. Public data only; each teller's
//! secrets stay in their own key file.

use crate::message::Bilingual;
use crate::seal::{Board, Message, SealError, TellerFile, ceremony};
use crate::server::repo::audit;
use crate::server::repo::round::{RoundError, RoundState};
use sqlx::SqlitePool;

/// A round's tellers and where their ceremony stands.
#[derive(Debug, Clone)]
pub struct Tellers {
    pub round_id: i64,
    /// In order; teller `i` is `names[i]`.
    pub names: Vec<String>,
    pub board: Board,
    /// One person made every key.
    pub solo: bool,
    /// Hex, once the ceremony is complete.
    pub joint_key: Option<String>,
    /// The checking period: minutes after the round closes before its count may begin.
    pub check_minutes: u32,
}

/// The checking period a round's tellers are named with unless another is given: time for the
/// deputies in the hall to look for their tracking codes before anything is decrypted.
pub const DEFAULT_CHECK_MINUTES: u32 = 15;

/// The longest checking period: a week.
pub const MAX_CHECK_MINUTES: u32 = 7 * 24 * 60;

impl Tellers {
    pub fn threshold(&self) -> usize {
        self.board.params.threshold
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TellerError {
    #[error("round {0} does not exist")]
    NoRound(i64),
    #[error("round {id} is {}; its tellers can be named only while it is a draft", .state.as_str())]
    NotDraft { id: i64, state: RoundState },
    #[error("round {0} has no tellers yet (ceping tellers set)")]
    NoTellers(i64),
    #[error("give 1 to {max} tellers' names, each non-empty and different")]
    BadNames { max: usize },
    #[error("the checking period must be 0 to {MAX_CHECK_MINUTES} minutes (a week)")]
    BadCheck,
    #[error("the key ceremony has begun; only a new list of tellers starts it again")]
    Begun,
    #[error(
        "the threshold must be more than half of the {tellers} tellers: two groups that do not \
         overlap could otherwise each open a count"
    )]
    NoMajority { tellers: usize },
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("the stored board of round {0} is damaged: {1}")]
    Damaged(i64, String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl Bilingual for TellerError {
    fn zh(&self) -> String {
        match self {
            TellerError::NoRound(_) => "链接中的测评轮次不存在。".into(),
            TellerError::NotDraft { .. } => "测评已开始，监票人不能再更改。".into(),
            TellerError::NoTellers(_) => "本轮测评还没有指定监票人。".into(),
            TellerError::BadNames { max } => {
                format!("请填写1至{max}位监票人的姓名，姓名不能为空或重复。")
            }
            TellerError::BadCheck => {
                format!("核对期应为0至{MAX_CHECK_MINUTES}分钟（一周）。")
            }
            TellerError::Begun => "监票人已开始生成密钥。".into(),
            TellerError::NoMajority { tellers } => {
                format!("开启计票所需人数应超过监票人总数（{tellers}人）的一半。")
            }
            TellerError::Seal(e) => e.zh(),
            TellerError::Damaged(..) | TellerError::Db(_) => {
                "服务器暂时无法完成这个请求，请稍后再试。".into()
            }
        }
    }
}

impl From<RoundError> for TellerError {
    fn from(e: RoundError) -> TellerError {
        match e {
            RoundError::NotFound(id) => TellerError::NoRound(id),
            RoundError::Db(e) => TellerError::Db(e),
            other => TellerError::Damaged(0, other.to_string()),
        }
    }
}

/// What the ceremony is for, in every message's context: the round, its items in order and
/// its scale (`seal::record::context_of`), so a count or a record that relabels items no longer
/// matches the keys.
async fn purpose(pool: &SqlitePool, round_id: i64) -> Result<String, TellerError> {
    let round = crate::server::repo::round::get(pool, round_id).await?;
    let items: Vec<String> = crate::server::repo::round::items(pool, round_id)
        .await?
        .into_iter()
        .map(|i| i.item.0)
        .collect();
    let levels: Vec<String> = round.scale.levels.iter().map(|l| l.label.clone()).collect();
    Ok(crate::seal::record::context_of(round_id, &items, &levels))
}

async fn draft_state(conn: &mut sqlx::SqliteConnection, id: i64) -> Result<(), TellerError> {
    let state: Option<(String,)> = sqlx::query_as("SELECT state FROM round WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let state = RoundState::parse(&state.ok_or(TellerError::NoRound(id))?.0);
    if state != RoundState::Draft {
        return Err(TellerError::NotDraft { id, state });
    }
    Ok(())
}

/// Names a draft round's tellers, any `threshold` of whom will open the count no sooner than
/// `check_minutes` after the round closes, and starts a new key ceremony for them (replacing
/// one begun before: its keys would no longer fit).
pub async fn set(
    pool: &SqlitePool,
    round_id: i64,
    names: &[String],
    threshold: usize,
    check_minutes: u32,
    actor: &str,
) -> Result<Tellers, TellerError> {
    if check_minutes > MAX_CHECK_MINUTES {
        return Err(TellerError::BadCheck);
    }
    let names: Vec<String> = names.iter().map(|n| n.trim().to_string()).collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    if names.is_empty()
        || names.len() > crate::seal::MAX_TELLERS
        || unique.len() != names.len()
        || names.iter().any(|n| n.is_empty() || n.chars().count() > 60)
    {
        return Err(TellerError::BadNames {
            max: crate::seal::MAX_TELLERS,
        });
    }
    // A majority at least: two groups of tellers that do not overlap could otherwise each
    // open a count of their own, of different ballots, and the difference would show them.
    if threshold * 2 <= names.len() {
        return Err(TellerError::NoMajority {
            tellers: names.len(),
        });
    }
    let board = Board::new(
        &purpose(pool, round_id).await?,
        names.len(),
        threshold,
        &mut rand::rngs::OsRng,
    )?;
    let json = serde_json::to_string(&board).expect("a board serializes");
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    draft_state(&mut tx, round_id).await?;
    sqlx::query("DELETE FROM teller WHERE round_id = ?")
        .bind(round_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO round_tellers
           (round_id, tellers, threshold, solo, board_json, joint_key, check_minutes)
         VALUES (?1, ?2, ?3, 0, ?4, NULL, ?5)
         ON CONFLICT (round_id) DO UPDATE SET tellers = ?2, threshold = ?3, solo = 0,
           board_json = ?4, joint_key = NULL, check_minutes = ?5",
    )
    .bind(round_id)
    .bind(names.len() as i64)
    .bind(threshold as i64)
    .bind(&json)
    .bind(check_minutes)
    .execute(&mut *tx)
    .await?;
    for (position, name) in names.iter().enumerate() {
        sqlx::query("INSERT INTO teller (round_id, position, name) VALUES (?, ?, ?)")
            .bind(round_id)
            .bind(position as i64)
            .bind(name)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        actor,
        "tellers.set",
        &format!("round {round_id}"),
        serde_json::json!({
            "tellers": names,
            "threshold": threshold,
            "check_minutes": check_minutes,
        }),
    )
    .await?;
    tx.commit().await?;
    get(pool, round_id)
        .await?
        .ok_or(TellerError::NoTellers(round_id))
}

/// The round's checking period in minutes (0 when it has no tellers): what the deputies' check
/// page reads, without the board.
pub async fn check_minutes(pool: &SqlitePool, round_id: i64) -> Result<u32, sqlx::Error> {
    let row: Option<(u32,)> =
        sqlx::query_as("SELECT check_minutes FROM round_tellers WHERE round_id = ?")
            .bind(round_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map_or(0, |(m,)| m))
}

/// The round's tellers, if named.
pub async fn get(pool: &SqlitePool, round_id: i64) -> Result<Option<Tellers>, TellerError> {
    let row: Option<(String, bool, Option<String>, u32)> = sqlx::query_as(
        "SELECT board_json, solo, joint_key, check_minutes FROM round_tellers WHERE round_id = ?",
    )
    .bind(round_id)
    .fetch_optional(pool)
    .await?;
    let Some((json, solo, joint_key, check_minutes)) = row else {
        return Ok(None);
    };
    let board: Board =
        serde_json::from_str(&json).map_err(|e| TellerError::Damaged(round_id, e.to_string()))?;
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM teller WHERE round_id = ? ORDER BY position")
            .bind(round_id)
            .fetch_all(pool)
            .await?;
    Ok(Some(Tellers {
        round_id,
        names: names.into_iter().map(|(n,)| n).collect(),
        board,
        solo,
        joint_key,
        check_minutes,
    }))
}

/// Reads and locks the board for a change, in the transaction that writes it back.
async fn board_for_update(
    conn: &mut sqlx::SqliteConnection,
    round_id: i64,
) -> Result<Board, TellerError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT board_json FROM round_tellers WHERE round_id = ?")
            .bind(round_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (json,) = row.ok_or(TellerError::NoTellers(round_id))?;
    serde_json::from_str(&json).map_err(|e| TellerError::Damaged(round_id, e.to_string()))
}

async fn store_board(
    conn: &mut sqlx::SqliteConnection,
    round_id: i64,
    board: &Board,
    solo: Option<bool>,
) -> Result<(), TellerError> {
    let joint_key = if board.complete() {
        Some(hex::encode(board.final_key_set()?.shared_key().as_bytes()))
    } else {
        None
    };
    sqlx::query(
        "UPDATE round_tellers SET board_json = ?2, joint_key = ?3, solo = COALESCE(?4, solo)
         WHERE round_id = ?1",
    )
    .bind(round_id)
    .bind(serde_json::to_string(board).expect("a board serializes"))
    .bind(joint_key)
    .bind(solo)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Takes one teller's next step (checked by the board; nothing changes when refused).
pub async fn post(
    pool: &SqlitePool,
    round_id: i64,
    teller: usize,
    message: Message,
) -> Result<Board, TellerError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    draft_state(&mut tx, round_id).await?;
    let mut board = board_for_update(&mut tx, round_id).await?;
    let step = message.step();
    board.accept(teller, message)?;
    store_board(&mut tx, round_id, &board, None).await?;
    if board.complete() {
        audit::record(
            &mut tx,
            &format!("teller:{}", teller + 1),
            "tellers.keys-made",
            &format!("round {round_id}"),
            serde_json::json!({ "after_step": step + 1 }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(board)
}

/// Makes every teller's key in this process, for trying Ceping alone: the files are returned
/// (write them out; they are not kept) and the round is marked as keyed by one person.
pub async fn solo(
    pool: &SqlitePool,
    round_id: i64,
    actor: &str,
) -> Result<Vec<TellerFile>, TellerError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    draft_state(&mut tx, round_id).await?;
    let board = board_for_update(&mut tx, round_id).await?;
    if board.have_posted(0) > 0 {
        return Err(TellerError::Begun);
    }
    let (board, files) = ceremony::solo_on(board, &mut rand::rngs::OsRng)?;
    store_board(&mut tx, round_id, &board, Some(true)).await?;
    audit::record(
        &mut tx,
        actor,
        "tellers.solo",
        &format!("round {round_id}"),
        serde_json::json!({ "tellers": files.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(files)
}
