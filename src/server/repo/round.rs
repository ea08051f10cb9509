//! Evaluation rounds: create, open, close, reopen (each recorded), list; and what a round rates.

use crate::ballot::{ItemId, Scale};
use crate::message::Bilingual;
use sqlx::SqlitePool;

pub use crate::model::round::{RoundAction, RoundState};

/// A round as stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Round {
    pub id: i64,
    pub plan_id: i64,
    pub name: String,
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    pub state: RoundState,
    pub scale: Scale,
    pub comments_allowed: bool,
    pub comment_max_chars: i64,
    /// How results are counted (`round.results_config_json`).
    pub results_config: crate::results::ResultsConfig,
    /// Whether the tellers have opened the count (or the round was counted in the clear,
    /// before sealing existed): only then does any per-item figure exist.
    pub counted: bool,
}

impl Round {
    /// Whether the round's stated closing time has come by `now` (a round without one never
    /// closes by itself). A stored time that does not read as RFC 3339 counts as past: a
    /// ballot is refused rather than taken after a deadline nobody can check.
    pub fn past_closing(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        past(self.closes_at.as_deref(), now)
    }
}

/// Whether a stored closing time (RFC 3339) has come by `now`.
pub fn past(closes_at: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> bool {
    match closes_at {
        None => false,
        Some(t) => chrono::DateTime::parse_from_rfc3339(t).map_or(true, |t| t <= now),
    }
}

/// Open rounds whose stated closing time has come by `now`: the ones to close.
pub async fn due_to_close(
    pool: &SqlitePool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64, Option<String>)> = sqlx::query_as(
        "SELECT id, closes_at FROM round WHERE state = 'open' AND closes_at IS NOT NULL",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, t)| past(t.as_deref(), now))
        .map(|(id, _)| id)
        .collect())
}

/// What a new round rates and how.
#[derive(Debug, Clone)]
pub struct NewRound {
    pub plan_id: i64,
    pub name: String,
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    pub rate_tasks: bool,
    pub rate_units: bool,
    pub scale: Scale,
    pub comments_allowed: bool,
    pub comment_max_chars: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    #[error("no round with id {0}")]
    NotFound(i64),
    #[error("no plan with id {0}")]
    NoPlan(i64),
    #[error("a round needs a name")]
    NoName,
    #[error("a round must rate tasks, units or both")]
    NothingRated,
    /// The scale's own message ([`Scale::validate`](crate::ballot::scale::Scale::validate),
    /// Chinese).
    #[error("the rating scale is invalid")]
    BadScale(String),
    #[error("the closing time has passed already; give a later one")]
    ClosesInThePast,
    /// A stored column that no longer reads (a damaged database): logged, never shown.
    #[error("round {id} has a damaged {what}: {detail}")]
    Damaged {
        id: i64,
        what: &'static str,
        detail: String,
    },
    #[error("round {0}'s closing time has passed; it cannot be opened again (start a new round)")]
    PastClosing(i64),
    #[error(
        "round {0} has no tellers' key yet: name its tellers and let them make their keys \
         (ceping tellers set, ceping tellers keygen) before opening it"
    )]
    NoKeys(i64),
    #[error("round {0} has been counted; it cannot be opened again (start a new round)")]
    Counted(i64),
    #[error(
        "round {0}'s tellers have begun the count; it cannot be opened again (start a new round)"
    )]
    Counting(i64),
    #[error("round {id} is {}; cannot {action} it", state.as_str())]
    WrongState {
        id: i64,
        state: RoundState,
        /// What was refused, in words ("close", "change how results are counted in").
        action: &'static str,
    },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn damaged(id: i64, what: &'static str, e: serde_json::Error) -> RoundError {
    RoundError::Damaged {
        id,
        what,
        detail: e.to_string(),
    }
}

impl Bilingual for RoundError {
    fn zh(&self) -> String {
        match self {
            RoundError::NotFound(_) => "链接中的测评轮次不存在。".into(),
            RoundError::NoPlan(_) => "请先导入工作方案。".into(),
            RoundError::NoName => "请填写测评轮次的名称。".into(),
            RoundError::NothingRated => "请至少选择测评任务或测评单位中的一项。".into(),
            RoundError::BadScale(m) => m.clone(),
            RoundError::ClosesInThePast => "结束时间已经过去，请填写以后的时间。".into(),
            RoundError::PastClosing(_) => {
                "本轮测评的结束时间已过，不能再开始或重新开放。如需继续测评，请新建测评轮次。"
                    .into()
            }
            RoundError::NoKeys(_) => {
                "本轮测评的监票人还没有生成密钥，不能开始。请先指定监票人并由他们生成密钥。".into()
            }
            RoundError::Counted(_) => {
                "本轮测评已经计票，不能重新开放。如需更正，请新建测评轮次。".into()
            }
            RoundError::Counting(_) => {
                "监票人已开始计票，本轮测评不能重新开放。如需更正，请新建测评轮次。".into()
            }
            RoundError::WrongState { state, .. } => {
                format!("测评当前{}，不能进行这项操作。", state.sentence_zh())
            }
            RoundError::Damaged { .. } | RoundError::Db(_) => {
                "服务器暂时无法完成这个请求，请稍后再试。".into()
            }
        }
    }
}

use crate::clock::now_text as now;

pub async fn create(pool: &SqlitePool, r: &NewRound, actor: &str) -> Result<i64, RoundError> {
    if r.name.trim().is_empty() {
        return Err(RoundError::NoName);
    }
    if !r.rate_tasks && !r.rate_units {
        return Err(RoundError::NothingRated);
    }
    r.scale.validate().map_err(RoundError::BadScale)?;
    if past(r.closes_at.as_deref(), crate::clock::now()) {
        return Err(RoundError::ClosesInThePast);
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let plan: Option<(i64,)> = sqlx::query_as("SELECT id FROM plan WHERE id = ?")
        .bind(r.plan_id)
        .fetch_optional(&mut *tx)
        .await?;
    if plan.is_none() {
        return Err(RoundError::NoPlan(r.plan_id));
    }
    let scale_json = serde_json::to_string(&r.scale).expect("a scale serializes");
    let id = sqlx::query(
        "INSERT INTO round (plan_id, name, opens_at, closes_at, scale_json, comments_allowed,
             comment_max_chars, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(r.plan_id)
    .bind(r.name.trim())
    .bind(&r.opens_at)
    .bind(&r.closes_at)
    .bind(scale_json)
    .bind(r.comments_allowed)
    .bind(r.comment_max_chars)
    .bind(now())
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    // The items, in the order deputies see them: tasks by section, then member units.
    if r.rate_tasks {
        sqlx::query(
            "INSERT INTO round_item (round_id, item, kind, ref_id, position)
             SELECT ?1, 't' || t.id, 'task', t.id, ROW_NUMBER() OVER (ORDER BY s.number, t.number)
             FROM task t JOIN plan_section s ON s.id = t.section_id WHERE t.plan_id = ?2",
        )
        .bind(id)
        .bind(r.plan_id)
        .execute(&mut *tx)
        .await?;
    }
    if r.rate_units {
        sqlx::query(
            "INSERT INTO round_item (round_id, item, kind, ref_id, position)
             SELECT ?1, 'u' || u.id, 'unit', u.id, 1000 + ROW_NUMBER() OVER (ORDER BY u.position)
             FROM unit u WHERE u.plan_id = ?2 AND u.is_member = 1",
        )
        .bind(id)
        .bind(r.plan_id)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("INSERT INTO round_turnout (round_id, ballots) VALUES (?, 0)")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    crate::server::repo::indicator::insert_default_indicators(&mut tx, id).await?;
    record(&mut tx, id, "create", actor, None).await?;
    crate::server::repo::audit::record(
        &mut tx,
        actor,
        "round.create",
        &format!("round {id}"),
        serde_json::json!({
            "plan": r.plan_id, "name": r.name.trim(), "opens_at": r.opens_at,
            "closes_at": r.closes_at, "tasks": r.rate_tasks, "units": r.rate_units,
            "levels": r.scale.levels.len(), "comments": r.comments_allowed,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    round_id: i64,
    action: &str,
    actor: &str,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO round_event (round_id, action, actor, at, note) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(round_id)
    .bind(action)
    .bind(actor)
    .bind(now())
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What happened to a round and when, oldest first: (action — `create`, `open`, `close`,
/// `reopen` —, when, as stored).
pub async fn events(
    pool: &SqlitePool,
    round_id: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT action, at FROM round_event WHERE round_id = ? ORDER BY id")
        .bind(round_id)
        .fetch_all(pool)
        .await
}

/// The round's last closing (by the office, the command line or its closing time): the
/// event's id and when, as stored; `None` if it never closed.
pub async fn last_closed(
    pool: &SqlitePool,
    round_id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, at FROM round_event WHERE round_id = ? AND action = 'close' \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(round_id)
    .fetch_optional(pool)
    .await
}

/// The id of the round's last closing event: what sums made after it are tied to (a later
/// closing means the ballots may have changed).
pub async fn last_closing(pool: &SqlitePool, round_id: i64) -> Result<Option<i64>, sqlx::Error> {
    Ok(last_closed(pool, round_id).await?.map(|(event, _)| event))
}

/// Moves a round between states: open (from draft), close (from open), reopen (from closed).
/// The change and who made it are recorded in the same transaction.
pub async fn transition(
    pool: &SqlitePool,
    id: i64,
    action: RoundAction,
    actor: &str,
    note: Option<&str>,
) -> Result<RoundState, RoundError> {
    let (from, to) = action.moves();
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    // A round whose closing time has come would be closed again by the clock within seconds
    // and take no ballot meanwhile: opening it would only look as if it worked.
    if to == RoundState::Open {
        let closes: Option<(Option<String>,)> =
            sqlx::query_as("SELECT closes_at FROM round WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((closes,)) = closes
            && past(closes.as_deref(), crate::clock::now())
        {
            return Err(RoundError::PastClosing(id));
        }
        // Ballots are sealed to the tellers' joint key from the first one: no key, no ballot.
        // A counted round's figures are out, and once a teller has posted a share the ballots
        // are fixed (reopening and counting again would give two counts that differ by the
        // ballots cast in between): a correction is a new round.
        let (keyed, counted, begun): (bool, bool, bool) = sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM round_tellers WHERE round_id = ?1 AND joint_key IS NOT NULL),
                    EXISTS (SELECT 1 FROM round_count WHERE round_id = ?1),
                    EXISTS (SELECT 1 FROM count_share WHERE round_id = ?1)",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if !keyed {
            return Err(RoundError::NoKeys(id));
        }
        if counted {
            return Err(RoundError::Counted(id));
        }
        if begun {
            return Err(RoundError::Counting(id));
        }
    }
    let done = sqlx::query("UPDATE round SET state = ? WHERE id = ? AND state = ?")
        .bind(to.as_str())
        .bind(id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if done == 0 {
        let current: Option<(String,)> = sqlx::query_as("SELECT state FROM round WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match current {
            None => RoundError::NotFound(id),
            Some((s,)) => RoundError::WrongState {
                id,
                state: RoundState::parse(&s),
                action: action.as_str(),
            },
        });
    }
    record(&mut tx, id, action.as_str(), actor, note).await?;
    crate::server::repo::audit::record(
        &mut tx,
        actor,
        &format!("round.{}", action.as_str()),
        &format!("round {id}"),
        serde_json::json!({ "note": note }),
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

#[derive(sqlx::FromRow)]
struct RoundRow {
    id: i64,
    plan_id: i64,
    name: String,
    opens_at: Option<String>,
    closes_at: Option<String>,
    state: String,
    scale_json: String,
    comments_allowed: bool,
    comment_max_chars: i64,
    results_config_json: String,
    counted: bool,
}

fn from_row(r: RoundRow) -> Result<Round, RoundError> {
    let RoundRow {
        id,
        plan_id,
        name,
        opens_at,
        closes_at,
        state,
        scale_json,
        comments_allowed,
        comment_max_chars: max,
        results_config_json,
        counted,
    } = r;
    Ok(Round {
        id,
        plan_id,
        name,
        opens_at,
        closes_at,
        state: RoundState::parse(&state),
        scale: serde_json::from_str(&scale_json).map_err(|e| damaged(id, "scale", e))?,
        comments_allowed,
        comment_max_chars: max,
        results_config: serde_json::from_str(&results_config_json)
            .map_err(|e| damaged(id, "results configuration", e))?,
        counted,
    })
}

const ROUND_COLUMNS: &str = "id, plan_id, name, opens_at, closes_at, state, scale_json, \
                             comments_allowed, comment_max_chars, results_config_json, \
                             EXISTS (SELECT 1 FROM round_count c WHERE c.round_id = round.id) \
                             AS counted";

pub async fn get(pool: &SqlitePool, id: i64) -> Result<Round, RoundError> {
    let row: Option<RoundRow> =
        sqlx::query_as(&format!("SELECT {ROUND_COLUMNS} FROM round WHERE id = ?"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    from_row(row.ok_or(RoundError::NotFound(id))?)
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<Round>, RoundError> {
    let rows: Vec<RoundRow> =
        sqlx::query_as(&format!("SELECT {ROUND_COLUMNS} FROM round ORDER BY id"))
            .fetch_all(pool)
            .await?;
    rows.into_iter().map(from_row).collect()
}

/// Replaces how a round's results are counted (while it is a draft). The caller checks the
/// configuration against the scale.
pub async fn configure(
    pool: &SqlitePool,
    id: i64,
    config: &crate::results::ResultsConfig,
    actor: &str,
) -> Result<(), RoundError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let current: Option<(String, String)> =
        sqlx::query_as("SELECT state, results_config_json FROM round WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let (state, stored) = current.ok_or(RoundError::NotFound(id))?;
    let before: crate::results::ResultsConfig =
        serde_json::from_str(&stored).map_err(|e| damaged(id, "results configuration", e))?;
    let after = config.clone();
    let json = serde_json::to_string(&after).expect("a configuration serializes");
    // What changes a result is settled before anyone votes.
    if after != before && state != RoundState::Draft.as_str() {
        return Err(RoundError::WrongState {
            id,
            state: RoundState::parse(&state),
            action: "change how results are counted in",
        });
    }
    sqlx::query("UPDATE round SET results_config_json = ? WHERE id = ?")
        .bind(&json)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    crate::server::repo::audit::record(
        &mut tx,
        actor,
        "round.configure",
        &format!("round {id}"),
        serde_json::json!({
            "results": serde_json::from_str::<serde_json::Value>(&json).unwrap_or_default(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A rated item with what a deputy needs to see to rate it.
#[derive(Debug, Clone)]
pub struct RoundItem {
    pub item: ItemId,
    pub kind: String,
    pub ref_id: i64,
}

pub async fn items(pool: &SqlitePool, round_id: i64) -> Result<Vec<RoundItem>, sqlx::Error> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT item, kind, ref_id FROM round_item WHERE round_id = ? ORDER BY position",
    )
    .bind(round_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(item, kind, ref_id)| RoundItem {
            item: ItemId(item),
            kind,
            ref_id,
        })
        .collect())
}

/// Ballots cast in a round (kept with the tallies; no row scan).
pub async fn turnout(pool: &SqlitePool, round_id: i64) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT ballots FROM round_turnout WHERE round_id = ?1),
                (SELECT COUNT(*) FROM invitation WHERE round_id = ?1 AND revoked = 0)",
    )
    .bind(round_id)
    .fetch_one(pool)
    .await
}

/// A check of a round's stored ballots against its counters. (For a sealed round the
/// homomorphic recount, against the tellers' count, is `ceping round verify`.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Audit {
    /// Ballot rows stored.
    pub ballots: i64,
    /// The running turnout counter.
    pub turnout: i64,
    /// Invitations marked as used.
    pub used_codes: i64,
    /// A round counted in the clear (before sealing): (item, level) pairs whose tally differs
    /// from a recount of its choices. Always 0 for a sealed round, which keeps no plain choice.
    pub tally_mismatches: i64,
    /// Half-stored ballots: a sealed ballot without a cell for every (item, level), or a ballot
    /// of the clear days without one choice per item.
    pub incomplete_ballots: i64,
}

impl Audit {
    pub fn consistent(&self) -> bool {
        self.ballots == self.turnout
            && self.ballots == self.used_codes
            && self.tally_mismatches == 0
            && self.incomplete_ballots == 0
    }
}

/// Checks a round's stored ballots against its counters (and, for a round of the clear days,
/// recounts its choices against its tallies in SQL).
pub async fn audit(pool: &SqlitePool, round_id: i64) -> Result<Audit, sqlx::Error> {
    let (ballots, turnout, used_codes, sealed): (i64, i64, i64, bool) = sqlx::query_as(
        "SELECT
           (SELECT COUNT(*) FROM ballot WHERE round_id = ?1),
           COALESCE((SELECT ballots FROM round_turnout WHERE round_id = ?1), 0),
           (SELECT COUNT(*) FROM invitation WHERE round_id = ?1 AND used = 1),
           EXISTS (SELECT 1 FROM round_tellers WHERE round_id = ?1 AND joint_key IS NOT NULL)",
    )
    .bind(round_id)
    .fetch_one(pool)
    .await?;
    if sealed {
        let (incomplete_ballots,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM ballot b, round r
             WHERE b.round_id = ?1 AND r.id = ?1
               AND (b.cells IS NULL OR length(b.cells) !=
                    64 * json_array_length(r.scale_json, '$.levels')
                       * (SELECT COUNT(*) FROM round_item WHERE round_id = ?1))",
        )
        .bind(round_id)
        .fetch_one(pool)
        .await?;
        return Ok(Audit {
            ballots,
            turnout,
            used_codes,
            tally_mismatches: 0,
            incomplete_ballots,
        });
    }
    let (tally_mismatches,): (i64,) = sqlx::query_as(
        "WITH recount AS (
             SELECT c.item, COALESCE(c.level, -1) AS level, COUNT(*) AS n
             FROM ballot_choice c JOIN ballot b ON b.id = c.ballot_id
             WHERE b.round_id = ?1 GROUP BY 1, 2),
         kept AS (SELECT item, level, count AS n FROM tally WHERE round_id = ?1 AND count > 0)
         SELECT
           (SELECT COUNT(*) FROM recount r LEFT JOIN kept k USING (item, level)
              WHERE k.n IS NULL OR k.n != r.n)
           + (SELECT COUNT(*) FROM kept k LEFT JOIN recount r USING (item, level) WHERE r.n IS NULL)",
    )
    .bind(round_id)
    .fetch_one(pool)
    .await?;
    let (incomplete_ballots,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM ballot b
         WHERE b.round_id = ?1
           AND (SELECT COUNT(*) FROM ballot_choice c WHERE c.ballot_id = b.id)
             != (SELECT COUNT(*) FROM round_item WHERE round_id = ?1)",
    )
    .bind(round_id)
    .fetch_one(pool)
    .await?;
    Ok(Audit {
        ballots,
        turnout,
        used_codes,
        tally_mismatches,
        incomplete_ballots,
    })
}
