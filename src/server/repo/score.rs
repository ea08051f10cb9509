//! Third-party evaluators: a round's indicator system, and the score sheets evaluators save as
//! they go and then submit. Sheets are named (an evaluator is an account), never secret.

use crate::message::Bilingual;
use crate::results::{Indicator, IndicatorError, Indicators};
use crate::server::repo::account::Account;
use crate::server::repo::round::{self, RoundError, RoundState};
use sqlx::SqlitePool;

pub use crate::server::repo::indicator::{
    DEFAULT_INDICATORS, IndicatorRow, as_set, indicators, insert_default_indicators,
};
use std::collections::BTreeMap;

/// Longest evidence note kept, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Why scores or indicators were not saved. Each has a Chinese message for the page and an
/// English one for the CLI.
#[derive(Debug, thiserror::Error)]
pub enum ScoreError {
    #[error("round {0} does not exist")]
    NoRound(i64),
    #[error("item {0} is not rated in this round")]
    NoItem(String),
    #[error("the round is {0}; scores can be saved only while it is open")]
    NotOpen(&'static str),
    #[error("the indicators can be changed only while the round is a draft (it is {0})")]
    Frozen(&'static str),
    #[error("this evaluator has submitted the round already; the sheets are final")]
    Submitted,
    #[error("{indicator}: {reason}")]
    BadScore { indicator: String, reason: String },
    #[error("the note has {0} characters; at most {MAX_NOTE_CHARS} are kept")]
    NoteTooLong(usize),
    /// The indicator set breaks the engine's rules.
    #[error(transparent)]
    Indicators(#[from] IndicatorError),
    #[error("a sheet needs {expected} scores, one per indicator; it has {got}")]
    WrongCount { expected: usize, got: usize },
    #[error(transparent)]
    Round(RoundError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl Bilingual for ScoreError {
    /// What the evaluator or the office reads.
    fn zh(&self) -> String {
        match self {
            ScoreError::NoRound(_) => "没有这个测评轮次。".into(),
            ScoreError::NoItem(_) => "本轮测评不包含这一项。".into(),
            ScoreError::NotOpen(state) => format!(
                "本轮测评{}，现在不能保存评分。",
                if *state == "draft" {
                    "尚未开始"
                } else {
                    "已结束"
                }
            ),
            ScoreError::Frozen(_) => "测评已开始，指标体系不能再修改。".into(),
            ScoreError::Submitted => "您已提交本轮评分，评分已定稿，不能再修改。".into(),
            ScoreError::BadScore { indicator, reason } => format!("“{indicator}”{reason}"),
            ScoreError::NoteTooLong(n) => {
                format!("评分依据有{n}个字，最多{MAX_NOTE_CHARS}个字。")
            }
            ScoreError::Indicators(e) => e.zh(),
            ScoreError::WrongCount { expected, got } => {
                format!("评分应有{expected}项，收到{got}项。")
            }
            ScoreError::Round(e) => e.zh(),
            ScoreError::Db(_) => "服务器暂时无法保存，请稍后重试。".into(),
        }
    }
}

impl ScoreError {
    /// The HTTP status that goes with it.
    pub fn status(&self) -> u16 {
        match self {
            ScoreError::NoRound(_) | ScoreError::NoItem(_) => 404,
            ScoreError::NotOpen(_) | ScoreError::Frozen(_) | ScoreError::Submitted => 409,
            ScoreError::BadScore { .. }
            | ScoreError::NoteTooLong(_)
            | ScoreError::Indicators(_)
            | ScoreError::WrongCount { .. } => 400,
            ScoreError::Round(RoundError::Damaged { .. }) => 503,
            ScoreError::Round(_) => 409,
            ScoreError::Db(_) => 503,
        }
    }
}

impl From<RoundError> for ScoreError {
    fn from(e: RoundError) -> ScoreError {
        match e {
            RoundError::NotFound(id) => ScoreError::NoRound(id),
            RoundError::Db(e) => ScoreError::Db(e),
            other => ScoreError::Round(other),
        }
    }
}

use crate::clock::now_text as now;

/// Replaces a draft round's indicators: `(name, guidance, weight)` in order. Checked by the
/// results engine (names unique and non-empty, weights ≥ 0 adding up to 100) and written in one
/// transaction, so a round never has half a set.
pub async fn set_indicators(
    pool: &SqlitePool,
    round_id: i64,
    set: &[(String, String, f64)],
    actor: &str,
) -> Result<(), ScoreError> {
    let check = Indicators {
        indicators: set
            .iter()
            .map(|(n, _, w)| Indicator::new(n.trim(), *w))
            .collect(),
    };
    check.validate()?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    // The state is read inside the transaction that writes, so opening cannot slip between.
    let state: Option<(String,)> = sqlx::query_as("SELECT state FROM round WHERE id = ?")
        .bind(round_id)
        .fetch_optional(&mut *tx)
        .await?;
    let state = RoundState::parse(&state.ok_or(ScoreError::NoRound(round_id))?.0);
    if state != RoundState::Draft {
        return Err(ScoreError::Frozen(state.as_str()));
    }
    sqlx::query("DELETE FROM indicator WHERE round_id = ?")
        .bind(round_id)
        .execute(&mut *tx)
        .await?;
    for (i, (name, guidance, weight)) in set.iter().enumerate() {
        sqlx::query(
            "INSERT INTO indicator (round_id, position, name, guidance, weight)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(round_id)
        .bind(i64::try_from(i).unwrap_or(0) + 1)
        .bind(name.trim())
        .bind(guidance.trim())
        .bind(weight)
        .execute(&mut *tx)
        .await?;
    }
    let listed: Vec<serde_json::Value> = set
        .iter()
        .map(|(n, _, w)| serde_json::json!([n.trim(), w]))
        .collect();
    crate::server::repo::audit::record(
        &mut tx,
        actor,
        "round.indicators",
        &format!("round {round_id}"),
        serde_json::Value::Array(listed),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reads `name:weight` pairs separated by commas or new lines (`工作进度:25,指标完成:25`), with
/// an optional guidance after a second colon. Full-width colons and commas are accepted.
pub fn parse_indicator_list(text: &str) -> Result<Vec<(String, String, f64)>, String> {
    let text = text.replace('：', ":").replace(['，', '、'], ",");
    let mut out = Vec::new();
    for part in text
        .split([',', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let mut fields = part.splitn(3, ':');
        let name = fields.next().unwrap_or("").trim().to_string();
        let weight = fields
            .next()
            .ok_or_else(|| format!("“{part}” has no weight; write name:weight"))?
            .trim();
        let weight: f64 = weight
            .parse()
            .map_err(|_| format!("the weight of “{name}” is not a number: {weight}"))?;
        let guidance = fields.next().unwrap_or("").trim().to_string();
        out.push((name, guidance, weight));
    }
    Ok(out)
}

/// One evaluator's sheet for one item.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Sheet {
    /// Per indicator (in order), the score given, if any.
    pub scores: Vec<Option<f64>>,
    pub note: String,
    pub updated_at: Option<String>,
}

impl Sheet {
    /// Every indicator has a score.
    pub fn complete(&self) -> bool {
        !self.scores.is_empty() && self.scores.iter().all(Option::is_some)
    }
}

/// Reads one score as typed: blank is no score; otherwise a number from 0 to 100 (a decimal
/// comma and full-width digits are accepted). The error is the Chinese reason.
pub fn parse_score(raw: &str) -> Result<Option<f64>, String> {
    let folded: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + 0x30).unwrap_or(c),
            '．' | '，' | ',' => '.',
            c => c,
        })
        .collect();
    if folded.is_empty() {
        return Ok(None);
    }
    let value: f64 = folded
        .parse()
        .map_err(|_| format!("的分数“{}”不是数字，请填0到100之间的数。", raw.trim()))?;
    if !value.is_finite() || !(0.0..=100.0).contains(&value) {
        return Err(format!("的分数{}超出范围，应在0到100之间。", raw.trim()));
    }
    Ok(Some(value))
}

async fn submitted_at(
    conn: &mut sqlx::SqliteConnection,
    round_id: i64,
    account_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT submitted_at FROM score_submission WHERE round_id = ? AND account_id = ?",
    )
    .bind(round_id)
    .bind(account_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Saves one sheet, replacing what the evaluator saved before for that item. Checked first
/// (the round is open, the item is in it, the evaluator has not submitted, every score is in
/// 0–100, the note is not too long) and written in one transaction: nothing is half-saved.
pub async fn save_sheet(
    pool: &SqlitePool,
    round_id: i64,
    account_id: i64,
    item: &str,
    scores: &[Option<f64>],
    note: &str,
) -> Result<(), ScoreError> {
    let note = note.trim();
    let note_chars = note.chars().count();
    if note_chars > MAX_NOTE_CHARS {
        return Err(ScoreError::NoteTooLong(note_chars));
    }
    let round = round::get(pool, round_id).await?;
    let set = indicators(pool, round_id).await?;
    if scores.len() != set.len() {
        return Err(ScoreError::WrongCount {
            expected: set.len(),
            got: scores.len(),
        });
    }
    for (score, ind) in scores.iter().zip(&set) {
        if let Some(v) = *score
            && !(v.is_finite() && (0.0..=100.0).contains(&v))
        {
            return Err(ScoreError::BadScore {
                indicator: ind.name.clone(),
                reason: format!("的分数{v}超出范围，应在0到100之间。"),
            });
        }
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let state: (String,) = sqlx::query_as("SELECT state FROM round WHERE id = ?")
        .bind(round.id)
        .fetch_one(&mut *tx)
        .await?;
    let state = RoundState::parse(&state.0);
    if state != RoundState::Open {
        return Err(ScoreError::NotOpen(state.as_str()));
    }
    let known: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM round_item WHERE round_id = ? AND item = ?")
            .bind(round_id)
            .bind(item)
            .fetch_optional(&mut *tx)
            .await?;
    if known.is_none() {
        return Err(ScoreError::NoItem(item.to_string()));
    }
    if submitted_at(&mut tx, round_id, account_id).await?.is_some() {
        return Err(ScoreError::Submitted);
    }
    sqlx::query(
        "INSERT INTO score_sheet (round_id, account_id, item, note, updated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (round_id, account_id, item)
         DO UPDATE SET note = excluded.note, updated_at = excluded.updated_at",
    )
    .bind(round_id)
    .bind(account_id)
    .bind(item)
    .bind(note)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM score WHERE round_id = ? AND account_id = ? AND item = ?")
        .bind(round_id)
        .bind(account_id)
        .bind(item)
        .execute(&mut *tx)
        .await?;
    for (score, ind) in scores.iter().zip(&set) {
        if let Some(v) = score {
            sqlx::query(
                "INSERT INTO score (round_id, account_id, item, position, value)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(round_id)
            .bind(account_id)
            .bind(item)
            .bind(ind.position)
            .bind(v)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// An evaluator's sheets in a round, by item (only items with a saved sheet).
pub async fn sheets_of(
    pool: &SqlitePool,
    round_id: i64,
    account_id: i64,
) -> Result<BTreeMap<String, Sheet>, sqlx::Error> {
    let set = indicators(pool, round_id).await?;
    let notes: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT item, note, updated_at FROM score_sheet WHERE round_id = ? AND account_id = ?",
    )
    .bind(round_id)
    .bind(account_id)
    .fetch_all(pool)
    .await?;
    let mut out: BTreeMap<String, Sheet> = notes
        .into_iter()
        .map(|(item, note, updated_at)| {
            (
                item,
                Sheet {
                    scores: vec![None; set.len()],
                    note,
                    updated_at: Some(updated_at),
                },
            )
        })
        .collect();
    let scores: Vec<(String, i64, f64)> = sqlx::query_as(
        "SELECT item, position, value FROM score WHERE round_id = ? AND account_id = ?",
    )
    .bind(round_id)
    .bind(account_id)
    .fetch_all(pool)
    .await?;
    for (item, position, value) in scores {
        if let (Some(sheet), Some(slot)) = (
            out.get_mut(&item),
            set.iter().position(|i| i.position == position),
        ) {
            sheet.scores[slot] = Some(value);
        }
    }
    Ok(out)
}

/// Evaluators who saved sheets in a round but have not submitted it: (login, sheets saved),
/// by login. Closing the round leaves these sheets out of the results.
pub async fn unsubmitted(
    pool: &SqlitePool,
    round_id: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.login, COUNT(*) FROM score_sheet s JOIN account a ON a.id = s.account_id
         WHERE s.round_id = ?1 AND NOT EXISTS (
             SELECT 1 FROM score_submission sub
             WHERE sub.round_id = s.round_id AND sub.account_id = s.account_id)
         GROUP BY a.login ORDER BY a.login",
    )
    .bind(round_id)
    .fetch_all(pool)
    .await
}

/// When the evaluator submitted the round, if they have.
pub async fn submission(
    pool: &SqlitePool,
    round_id: i64,
    account_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    submitted_at(&mut conn, round_id, account_id).await
}

/// Submits an evaluator's sheets: from now on they are final and count in the results. Only
/// while the round is open; submitting twice is harmless (the first time stands).
pub async fn submit(pool: &SqlitePool, round_id: i64, account: &Account) -> Result<(), ScoreError> {
    let account_id = account.id;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let state: Option<(String,)> = sqlx::query_as("SELECT state FROM round WHERE id = ?")
        .bind(round_id)
        .fetch_optional(&mut *tx)
        .await?;
    let state = RoundState::parse(&state.ok_or(ScoreError::NoRound(round_id))?.0);
    if state != RoundState::Open {
        return Err(ScoreError::NotOpen(state.as_str()));
    }
    let new = sqlx::query(
        "INSERT INTO score_submission (round_id, account_id, submitted_at) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING",
    )
    .bind(round_id)
    .bind(account_id)
    .bind(now())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if new > 0 {
        crate::server::repo::audit::record(
            &mut tx,
            &account.login,
            "score.submit",
            &format!("round {round_id}"),
            serde_json::json!({}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Every submitted sheet of a round for the results engine: (evaluator login, item, scores by
/// indicator in order). Sheets saved but not submitted do not count.
pub async fn submitted_sheets(
    pool: &SqlitePool,
    round_id: i64,
    set: &[IndicatorRow],
) -> Result<Vec<crate::results::EvaluatorSheet>, sqlx::Error> {
    let rows: Vec<(String, String, Option<i64>, Option<f64>)> = sqlx::query_as(
        "SELECT a.login, s.item, sc.position, sc.value
         FROM score_sheet s
         JOIN score_submission sub ON sub.round_id = s.round_id AND sub.account_id = s.account_id
         JOIN account a ON a.id = s.account_id
         LEFT JOIN score sc ON sc.round_id = s.round_id AND sc.account_id = s.account_id
                           AND sc.item = s.item
         WHERE s.round_id = ?
         ORDER BY a.login, s.item",
    )
    .bind(round_id)
    .fetch_all(pool)
    .await?;
    let mut sheets: BTreeMap<(String, String), Vec<Option<f64>>> = BTreeMap::new();
    for (login, item, position, value) in rows {
        let slots = sheets
            .entry((login, item))
            .or_insert_with(|| vec![None; set.len()]);
        if let (Some(p), Some(v)) = (position, value)
            && let Some(slot) = set.iter().position(|i| i.position == p)
        {
            slots[slot] = Some(v);
        }
    }
    Ok(sheets
        .into_iter()
        .map(|((login, item), scores)| crate::results::EvaluatorSheet::new(&login, &item, scores))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_read_as_typed() {
        assert_eq!(parse_score(""), Ok(None));
        assert_eq!(parse_score("  "), Ok(None));
        assert_eq!(parse_score("85"), Ok(Some(85.0)));
        assert_eq!(parse_score("87,5"), Ok(Some(87.5)));
        assert_eq!(parse_score("９０．５"), Ok(Some(90.5)));
        assert_eq!(parse_score("0"), Ok(Some(0.0)));
        assert_eq!(parse_score("100"), Ok(Some(100.0)));
        assert!(parse_score("100.5").unwrap_err().contains("超出范围"));
        assert!(parse_score("-1").unwrap_err().contains("超出范围"));
        assert!(parse_score("NaN").unwrap_err().contains("超出范围"));
        assert!(parse_score("八十").unwrap_err().contains("不是数字"));
    }

    #[test]
    fn indicator_lists_are_read_with_either_punctuation() {
        let set = parse_indicator_list("工作进度：40，落实成效:60:看实效").unwrap();
        assert_eq!(
            set,
            vec![
                ("工作进度".to_string(), String::new(), 40.0),
                ("落实成效".to_string(), "看实效".to_string(), 60.0),
            ]
        );
        assert!(
            parse_indicator_list("工作进度")
                .unwrap_err()
                .contains("no weight")
        );
        assert!(
            parse_indicator_list("工作进度:四十")
                .unwrap_err()
                .contains("not a number")
        );
    }

    #[test]
    fn the_default_set_adds_up_to_100() {
        let set = Indicators {
            indicators: DEFAULT_INDICATORS
                .iter()
                .map(|(n, _, w)| Indicator::new(n, *w))
                .collect(),
        };
        assert_eq!(set.validate(), Ok(()));
    }

    #[test]
    fn a_sheet_is_complete_when_every_indicator_is_scored() {
        let mut sheet = Sheet {
            scores: vec![Some(80.0), None],
            ..Sheet::default()
        };
        assert!(!sheet.complete());
        sheet.scores[1] = Some(0.0);
        assert!(sheet.complete());
        assert!(!Sheet::default().complete());
    }
}
