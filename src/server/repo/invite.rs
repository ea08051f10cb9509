//! Invitation codes: made in bulk, revoked, reissued; looked up by the hash of a code.

use crate::ballot::InviteCode;
use crate::message::Bilingual;
use rand::rngs::OsRng;
use sqlx::SqlitePool;

/// A code just made. The plain code exists only here and in what is handed to the deputy.
#[derive(Debug)]
pub struct Issued {
    pub id: i64,
    pub code: InviteCode,
    pub label: Option<String>,
    pub delegation: Option<String>,
}

/// A deputy to invite: a name and a delegation, both optional.
#[derive(Debug, Clone, Default)]
pub struct Invitee {
    pub label: Option<String>,
    pub delegation: Option<String>,
}

/// Longest reason for a code issued after opening.
pub const MAX_REASON_CHARS: usize = 200;

/// Wrong receipts allowed per code before revision is locked.
pub const MAX_FAILED_RECEIPTS: i64 = 10;

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("no round with id {0}")]
    NoRound(i64),
    #[error("round {0} is closed; its codes can no longer change")]
    Closed(i64),
    #[error("no such invitation code in round {0}")]
    UnknownCode(i64),
    #[error("this code was already revoked")]
    AlreadyRevoked,
    #[error("this deputy has voted already; the code cannot be revoked or reissued")]
    AlreadyUsed,
    #[error(
        "round {0} is open: a code issued or reissued now needs a reason (--reason TEXT, up to \
         {MAX_REASON_CHARS} characters); it is marked on the turnout page and in the audit \
         trail, and counted on the results"
    )]
    ReasonNeeded(i64),
    #[error("this batch of {0} codes was made already; nothing was issued again")]
    BatchIssued(i64),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl Bilingual for InviteError {
    fn zh(&self) -> String {
        match self {
            InviteError::Closed(_) => "测评已结束，邀请码不能再变动。".into(),
            InviteError::NoRound(_) | InviteError::UnknownCode(_) => "没有这个邀请码。".into(),
            InviteError::AlreadyRevoked => "这个邀请码已经作废。".into(),
            InviteError::AlreadyUsed => "这位代表已经投票，邀请码不能作废或补发。".into(),
            InviteError::BatchIssued(n) => format!(
                "这批邀请码（{n}个）已经生成过，没有重复生成。出于保密，邀请码只在生成时显示一次；如果还没有打印，请在下方把它们作废后补发。"
            ),
            InviteError::ReasonNeeded(_) => format!(
                "测评已经开始：此时发放或补发邀请码必须填写理由（{MAX_REASON_CHARS}字以内）。这些邀请码会在投票情况页和审计日志中标出，数量印在测评结果和报告上。"
            ),
            InviteError::Db(_) => "服务器暂时无法保存，请稍后重试。".into(),
        }
    }
}

/// Reads a list of deputies: one per line, `name[,delegation]` (a comma or a Chinese comma or a
/// tab between), UTF-8 with or without a BOM, an optional header line (姓名/代表/name/label).
/// Blank lines are skipped. The error names the line.
pub fn parse_invitees(text: &str) -> Result<Vec<Invitee>, String> {
    let text = text
        .trim_start_matches('\u{feff}')
        .replace(['，', '\t'], ",");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("line {}: {e}", i + 1))?;
        let name = record.get(0).unwrap_or("").to_string();
        let delegation = record.get(1).map(str::to_string).filter(|d| !d.is_empty());
        if i == 0 && matches!(name.as_str(), "name" | "label" | "姓名" | "代表") {
            continue;
        }
        if name.is_empty() && delegation.is_none() {
            continue;
        }
        if name.chars().count() > 100
            || delegation.as_ref().is_some_and(|d| d.chars().count() > 100)
        {
            return Err(format!(
                "line {}: a name or delegation is longer than 100 characters",
                i + 1
            ));
        }
        out.push(Invitee {
            label: (!name.is_empty()).then_some(name),
            delegation,
        });
    }
    Ok(out)
}

/// One invitation as the office sees it: who, and whether the code was used — never how.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvitationRow {
    pub id: i64,
    pub label: Option<String>,
    pub delegation: Option<String>,
    pub used: bool,
    pub revoked: bool,
    /// Why it was made after the round opened (none for the codes made before).
    pub late_reason: Option<String>,
}

/// A round's invitations in the order they were made.
pub async fn list(pool: &SqlitePool, round_id: i64) -> Result<Vec<InvitationRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, label, delegation, used, revoked, late_reason FROM invitation
         WHERE round_id = ? ORDER BY id",
    )
    .bind(round_id)
    .fetch_all(pool)
    .await
}

/// Turnout by delegation: (delegation, codes issued and not revoked, codes used), by
/// delegation name; deputies without one are under `None`.
pub async fn turnout_by_delegation(
    pool: &SqlitePool,
    round_id: i64,
) -> Result<Vec<(Option<String>, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT delegation, COUNT(*), COALESCE(SUM(used), 0) FROM invitation
         WHERE round_id = ? AND revoked = 0 GROUP BY delegation ORDER BY delegation IS NULL, delegation",
    )
    .bind(round_id)
    .fetch_all(pool)
    .await
}

/// What a round's codes say about who could have voted: codes issued or reissued after it
/// opened (each with a reason), and deputies' reports that their code showed as used though
/// they had not voted. Printed on the desk, the results and the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodeChecks {
    pub late_codes: i64,
    pub used_reports: i64,
}

impl CodeChecks {
    /// The sentence the pages print.
    pub fn zh(&self) -> String {
        format!(
            "测评开始后发放或补发的邀请码 {} 个；代表报告“没有投票却显示已提交” {} 起。",
            self.late_codes, self.used_reports
        )
    }
}

pub async fn code_checks(pool: &SqlitePool, round_id: i64) -> Result<CodeChecks, sqlx::Error> {
    let (late_codes, used_reports): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM invitation WHERE round_id = ?1 AND late_reason IS NOT NULL),
                (SELECT COUNT(*) FROM code_report WHERE round_id = ?1)",
    )
    .bind(round_id)
    .fetch_one(pool)
    .await?;
    Ok(CodeChecks {
        late_codes,
        used_reports,
    })
}

use crate::clock::now_text as now;

/// The round's state word; refused when there is no such round or it is closed.
async fn check_round(
    conn: &mut sqlx::SqliteConnection,
    round_id: i64,
) -> Result<String, InviteError> {
    let state: Option<(String,)> = sqlx::query_as("SELECT state FROM round WHERE id = ?")
        .bind(round_id)
        .fetch_optional(conn)
        .await?;
    match state {
        None => Err(InviteError::NoRound(round_id)),
        Some((s,)) if s == "closed" => Err(InviteError::Closed(round_id)),
        Some((s,)) => Ok(s),
    }
}

/// The reason a code made now is kept with: none while the round is a draft; once it is open,
/// a non-empty one of at most [`MAX_REASON_CHARS`] characters, or the code is refused.
fn late_reason(
    state: &str,
    round_id: i64,
    reason: Option<&str>,
) -> Result<Option<String>, InviteError> {
    if state != "open" {
        return Ok(None);
    }
    let reason = reason.map(str::trim).unwrap_or("");
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(InviteError::ReasonNeeded(round_id));
    }
    Ok(Some(reason.to_string()))
}

/// Fresh codes for the invitees, not yet stored (so they can be written out first).
pub fn prepare(invitees: &[Invitee]) -> Vec<(InviteCode, Invitee)> {
    invitees
        .iter()
        .map(|who| (InviteCode::generate(&mut OsRng), who.clone()))
        .collect()
}

/// Stores prepared codes in one transaction; only the codes' hashes are stored. Once the round
/// is open a `reason` is required, and kept with each code.
pub async fn issue(
    pool: &SqlitePool,
    round_id: i64,
    prepared: &[(InviteCode, Invitee)],
    reason: Option<&str>,
    actor: &str,
) -> Result<Vec<Issued>, InviteError> {
    issue_batch(pool, round_id, prepared, reason, actor, None).await
}

/// [`issue`], once per `batch` (the key the office's form carried): a second post of the same
/// form issues nothing and is refused with [`InviteError::BatchIssued`].
pub async fn issue_batch(
    pool: &SqlitePool,
    round_id: i64,
    prepared: &[(InviteCode, Invitee)],
    reason: Option<&str>,
    actor: &str,
    batch: Option<&str>,
) -> Result<Vec<Issued>, InviteError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let state = check_round(&mut tx, round_id).await?;
    let late = late_reason(&state, round_id, reason)?;
    if let Some(batch) = batch {
        let taken = sqlx::query(
            "INSERT INTO invite_batch (batch, round_id, codes, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (batch) DO NOTHING",
        )
        .bind(batch)
        .bind(round_id)
        .bind(i64::try_from(prepared.len()).unwrap_or(i64::MAX))
        .bind(now())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken == 0 {
            let (codes,): (i64,) = sqlx::query_as("SELECT codes FROM invite_batch WHERE batch = ?")
                .bind(batch)
                .fetch_one(&mut *tx)
                .await?;
            return Err(InviteError::BatchIssued(codes));
        }
    }
    let mut out = Vec::with_capacity(prepared.len());
    for (code, who) in prepared {
        let code = code.clone();
        let id = sqlx::query(
            "INSERT INTO invitation (round_id, code_hash, label, delegation, created_at,
                 late_reason)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(round_id)
        .bind(code.hash())
        .bind(&who.label)
        .bind(&who.delegation)
        .bind(now())
        .bind(&late)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        out.push(Issued {
            id,
            code,
            label: who.label.clone(),
            delegation: who.delegation.clone(),
        });
    }
    let first = out.first().map(|i| i.id);
    let last = out.last().map(|i| i.id);
    crate::server::repo::audit::record(
        &mut tx,
        actor,
        "invite.issue",
        &format!("round {round_id}"),
        serde_json::json!({
            "count": out.len(),
            "first_id": first,
            "last_id": last,
            "after_opening": late.is_some(),
            "reason": late,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// Revokes a code; with `reissue`, makes a fresh code for the same deputy in the same
/// transaction (once the round is open, only with a reason). A revoked code that was already
/// used keeps its ballot (it was cast legitimately).
pub async fn revoke(
    pool: &SqlitePool,
    round_id: i64,
    code: &InviteCode,
    reissue: Option<Reissue<'_>>,
    actor: &str,
) -> Result<Option<Issued>, InviteError> {
    let id: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM invitation WHERE code_hash = ? AND round_id = ?")
            .bind(code.hash())
            .bind(round_id)
            .fetch_optional(pool)
            .await?;
    let Some((id,)) = id else {
        check_round(&mut *pool.acquire().await?, round_id).await?;
        return Err(InviteError::UnknownCode(round_id));
    };
    revoke_id(pool, round_id, id, reissue, actor).await
}

/// A fresh code in place of a revoked one, with the reason (required once the round is open).
#[derive(Debug, Clone, Copy, Default)]
pub struct Reissue<'a> {
    pub reason: Option<&'a str>,
}

/// [`revoke`] by the invitation's id, as the office's page knows it (the page never has codes).
pub async fn revoke_id(
    pool: &SqlitePool,
    round_id: i64,
    invitation_id: i64,
    reissue: Option<Reissue<'_>>,
    actor: &str,
) -> Result<Option<Issued>, InviteError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    // Revoking alone needs no reason (it adds no voter); reissuing does once the round is open.
    let state = check_round(&mut tx, round_id).await?;
    let late = match reissue {
        Some(r) => late_reason(&state, round_id, r.reason)?,
        None => None,
    };
    let row: Option<InvitationRow> = sqlx::query_as(
        "SELECT id, label, delegation, used, revoked, late_reason FROM invitation
         WHERE id = ? AND round_id = ?",
    )
    .bind(invitation_id)
    .bind(round_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(InvitationRow {
        id,
        label,
        delegation,
        used,
        revoked,
        ..
    }) = row
    else {
        return Err(InviteError::UnknownCode(round_id));
    };
    if revoked {
        return Err(InviteError::AlreadyRevoked);
    }
    // A new code for a deputy who has voted would be a second vote.
    if used {
        return Err(InviteError::AlreadyUsed);
    }
    sqlx::query("UPDATE invitation SET revoked = 1 WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let fresh = if reissue.is_some() {
        let code = InviteCode::generate(&mut OsRng);
        let new_id = sqlx::query(
            "INSERT INTO invitation (round_id, code_hash, label, delegation, reissued_from,
                 created_at, late_reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(round_id)
        .bind(code.hash())
        .bind(&label)
        .bind(&delegation)
        .bind(id)
        .bind(now())
        .bind(&late)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        Some(Issued {
            id: new_id,
            code,
            label,
            delegation,
        })
    } else {
        None
    };
    crate::server::repo::audit::record(
        &mut tx,
        actor,
        if reissue.is_some() {
            "invite.reissue"
        } else {
            "invite.revoke"
        },
        &format!("round {round_id}"),
        serde_json::json!({
            "invitation": id,
            "new_invitation": fresh.as_ref().map(|f| f.id),
            "after_opening": late.is_some(),
            "reason": late,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(fresh)
}

/// The state of an invitation, as the ballot page needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeState {
    Unknown,
    Revoked,
    Used { locked: bool },
    Fresh,
}

/// Looks a code up in any round; returns the round and the code's state.
pub async fn lookup(
    pool: &SqlitePool,
    code: &InviteCode,
) -> Result<(Option<i64>, CodeState), sqlx::Error> {
    let row: Option<(i64, bool, bool, i64)> = sqlx::query_as(
        "SELECT round_id, revoked, used, failed_receipts FROM invitation WHERE code_hash = ?",
    )
    .bind(code.hash())
    .fetch_optional(pool)
    .await?;
    Ok(match row {
        None => (None, CodeState::Unknown),
        Some((round, true, _, _)) => (Some(round), CodeState::Revoked),
        Some((round, false, true, failed)) => (
            Some(round),
            CodeState::Used {
                locked: failed >= MAX_FAILED_RECEIPTS,
            },
        ),
        Some((round, false, false, _)) => (Some(round), CodeState::Fresh),
    })
}

/// A deputy reports that their code shows as used though they did not vote. Kept once per code,
/// with the day only; `Ok(false)` when the code is not used (there is nothing to report).
pub async fn report_used(
    pool: &SqlitePool,
    round_id: i64,
    code: &InviteCode,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let id: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM invitation WHERE code_hash = ? AND round_id = ? AND used = 1 AND revoked = 0",
    )
    .bind(code.hash())
    .bind(round_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id,)) = id else {
        return Ok(false);
    };
    let fresh = sqlx::query(
        "INSERT INTO code_report (round_id, invitation_id, reported_on) VALUES (?, ?, ?)
         ON CONFLICT (invitation_id) DO NOTHING",
    )
    .bind(round_id)
    .bind(id)
    .bind(crate::clock::today().to_string())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if fresh > 0 {
        crate::server::repo::audit::record(
            &mut tx,
            "deputy",
            "invite.reported-used",
            &format!("round {round_id}"),
            serde_json::json!({ "invitation": id }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Counts a wrong receipt tried with a code (revision locks at `MAX_FAILED_RECEIPTS`).
pub async fn count_failed_receipt<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    code_hash: &str,
    round_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE invitation SET failed_receipts = failed_receipts + 1
         WHERE code_hash = ? AND round_id = ?",
    )
    .bind(code_hash)
    .bind(round_id)
    .execute(db)
    .await?;
    Ok(())
}
