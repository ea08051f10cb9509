//! The year of handling as stored: each unit's sub-plan versions with their indicators and
//! milestones, its monthly reports, the office's reviews and audited values, and the
//! [`Ledger`] the pure measures (`crate::handling`) compute the board from.
//!
//! Nothing is overwritten. A draft sub-plan is edited in place until it is submitted; after
//! that a version is frozen, and revising means a new version. A report is filed whole; one the
//! office returns is answered by filing its next version. Every submission, return, approval
//! and audited value is an audit-chain entry in the same transaction.

use crate::clock::{now_text as now, stored_in_beijing};
use crate::handling::measure::{
    DEFAULT_AMBER_POINTS, DEFAULT_LEAD_WEIGHT, DEFAULT_RESPONSIBLE_WEIGHT, Direction,
};
use crate::handling::period::{DEFAULT_DUE_DAY, Period, filing_deadline};
use crate::handling::progress::{FilingRecord, IndicatorRecord, Ledger, Settings, TaskRecord};
use crate::handling::sample::{SAMPLE_ACTOR, SampleUnit};
use crate::handling::subplan::{Indicator, Milestone, SubplanState};
use crate::message::Bilingual;
use crate::server::repo::audit;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, thiserror::Error)]
pub enum HandlingError {
    #[error("no such unit")]
    NoUnit,
    #[error("this unit leads or shares no task of the plan, so it files no sub-plan")]
    NotReporting,
    #[error(
        "this is a collective (such as 各区人民政府): its members report, each with its own liaison"
    )]
    Collective,
    #[error("no such sub-plan")]
    NoSubplan,
    #[error("no such report")]
    NoReport,
    #[error(
        "the sub-plan is with the office for review and cannot be changed; wait for its decision"
    )]
    Frozen,
    #[error("there is no draft to submit")]
    NoDraft,
    #[error("a sub-plan needs at least one indicator before it is submitted")]
    NoIndicators,
    #[error("this version is {0}, so it cannot be {1}")]
    WrongState(&'static str, &'static str),
    #[error("reports are filed against an approved sub-plan; this unit has none yet")]
    NoApprovedSubplan,
    #[error("{0} is not a reporting month of this plan")]
    NotAPeriod(String),
    #[error("{0} has not begun yet: a month is reported once it is under way")]
    NotYet(String),
    #[error("the report for this month is waiting for the office's review")]
    ReportPending,
    #[error("the report for this month has been accepted")]
    ReportAccepted,
    #[error("a reason is required")]
    NoReason,
    #[error("the form has faults: {}", .0.join("; "))]
    Form(Vec<String>),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl Bilingual for HandlingError {
    fn zh(&self) -> String {
        match self {
            HandlingError::NoUnit => "没有这个单位。".into(),
            HandlingError::NotReporting => {
                "这个单位在工作方案中没有牵头或参与的任务，不需要报送分方案。".into()
            }
            HandlingError::Collective => {
                "这是集合单位（如各区人民政府），由其各成员单位分别报送，各设联络员。".into()
            }
            HandlingError::NoSubplan => "没有这个分方案。".into(),
            HandlingError::NoReport => "没有这份报告。".into(),
            HandlingError::Frozen => "分方案已报送办公室审核，审核结果出来前不能修改。".into(),
            HandlingError::NoDraft => "没有可以报送的草稿。".into(),
            HandlingError::NoIndicators => "分方案至少要有一项指标才能报送。".into(),
            HandlingError::WrongState(state, _) => {
                format!("这个版本的状态是“{state}”，不能进行这项操作。")
            }
            HandlingError::NoApprovedSubplan => "分方案经办公室审核通过后才能报送月度进展。".into(),
            HandlingError::NotAPeriod(p) => format!("{p} 不是本方案的报送月份。"),
            HandlingError::NotYet(p) => format!("{p}还没有到，月报在当月开始后报送。"),
            HandlingError::ReportPending => "本月报告已报送，正在等待办公室审核。".into(),
            HandlingError::ReportAccepted => "本月报告已审核通过，不能重复报送。".into(),
            HandlingError::NoReason => "请填写理由。".into(),
            HandlingError::Form(faults) => faults.join("；"),
            HandlingError::Db(_) => "数据库暂时无法使用，请稍后再试。".into(),
        }
    }
}

/// The plan's handling settings, the defaults filled in where the office set none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSettings {
    pub plan_id: i64,
    pub subplan_due: NaiveDate,
    pub first_period: Period,
    pub last_period: Period,
    pub measures: Settings,
}

/// The defaults: sub-plans due on the day the plan's text names (else 15 May of the plan's
/// year), monthly reports from that month through December, due on the 28th.
fn defaults(plan_id: i64, text: &str, year: i32) -> PlanSettings {
    let subplan_due = filing_deadline(text)
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 5, 15).expect("15 May exists"));
    let first_period = Period::of(subplan_due);
    let last_period = Period::new(subplan_due.year(), 12).expect("December exists");
    PlanSettings {
        plan_id,
        subplan_due,
        first_period,
        last_period,
        measures: Settings {
            periods: Period::range(first_period, last_period),
            due_day: DEFAULT_DUE_DAY,
            amber_points: DEFAULT_AMBER_POINTS,
            lead_weight: DEFAULT_LEAD_WEIGHT,
            responsible_weight: DEFAULT_RESPONSIBLE_WEIGHT,
        },
    }
}

pub async fn settings(pool: &SqlitePool, plan_id: i64) -> Result<PlanSettings, HandlingError> {
    let mut conn = pool.acquire().await?;
    settings_on(&mut conn, plan_id).await
}

async fn settings_on(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> Result<PlanSettings, HandlingError> {
    let plan: Option<(String, Option<String>, String)> =
        sqlx::query_as("SELECT source_text, issued_on, imported_at FROM plan WHERE id = ?")
            .bind(plan_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (text, issued_on, imported_at) = plan.ok_or(HandlingError::NoUnit)?;
    let year = issued_on
        .as_deref()
        .and_then(|d| d.get(..4))
        .or_else(|| imported_at.get(..4))
        .and_then(|y| y.parse().ok())
        .unwrap_or(2020);
    let mut s = defaults(plan_id, &text, year);
    type Row = (String, String, String, i64, f64, f64, f64);
    let row: Option<Row> = sqlx::query_as(
        "SELECT subplan_due, first_period, last_period, due_day, amber_points, lead_weight,
                responsible_weight
         FROM handling_setting WHERE plan_id = ?",
    )
    .bind(plan_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((due, first, last, due_day, amber, lead, resp)) = row
        && let (Ok(due), Some(first), Some(last)) =
            (due.parse(), Period::parse(&first), Period::parse(&last))
    {
        s.subplan_due = due;
        s.first_period = first;
        s.last_period = last;
        s.measures = Settings {
            periods: Period::range(first, last),
            due_day: due_day as u32,
            amber_points: amber,
            lead_weight: lead,
            responsible_weight: resp,
        };
    }
    Ok(s)
}

/// Stores the plan's reporting months (`first` to `last`), their due day and the sub-plan
/// deadline; the measures' weights stay as they were. An audit-chain entry.
pub async fn set_periods(
    pool: &SqlitePool,
    plan_id: i64,
    subplan_due: NaiveDate,
    first: Period,
    last: Period,
    due_day: u32,
    actor: &str,
) -> Result<PlanSettings, HandlingError> {
    if first > last || !(1..=28).contains(&due_day) {
        return Err(HandlingError::Form(vec![
            "报送月份应从早到晚，截止日应在每月1日至28日之间".into(),
        ]));
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let current = settings_on(&mut tx, plan_id).await?;
    let m = &current.measures;
    sqlx::query(
        "INSERT INTO handling_setting (plan_id, subplan_due, first_period, last_period, due_day,
             amber_points, lead_weight, responsible_weight)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (plan_id) DO UPDATE SET subplan_due = excluded.subplan_due,
             first_period = excluded.first_period, last_period = excluded.last_period,
             due_day = excluded.due_day",
    )
    .bind(plan_id)
    .bind(subplan_due.to_string())
    .bind(first.key())
    .bind(last.key())
    .bind(due_day)
    .bind(m.amber_points)
    .bind(m.lead_weight)
    .bind(m.responsible_weight)
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({
        "subplan_due": subplan_due.to_string(), "first": first.key(), "last": last.key(),
        "due_day": due_day,
    });
    audit::record(
        &mut tx,
        actor,
        "handling.settings",
        &format!("plan:{plan_id}"),
        detail,
    )
    .await?;
    let stored = settings_on(&mut tx, plan_id).await?;
    tx.commit().await?;
    Ok(stored)
}

/// A unit that reports: not a collective (各区人民政府 reports through its members), and
/// leading or sharing at least one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportingUnit {
    pub id: i64,
    pub plan_id: i64,
    pub name: String,
    /// (task, leads it), in the plan's order.
    pub tasks: Vec<(i64, bool)>,
}

/// The plan's reporting units, in the plan's order.
pub async fn reporting_units(
    pool: &SqlitePool,
    plan_id: i64,
) -> Result<Vec<ReportingUnit>, HandlingError> {
    let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
        "SELECT u.id, u.name, tu.task_id, tu.role
         FROM unit u JOIN task_unit tu ON tu.unit_id = u.id
         JOIN task t ON t.id = tu.task_id JOIN plan_section s ON s.id = t.section_id
         WHERE u.plan_id = ? AND u.kind <> 'collective'
         ORDER BY u.position, s.number, t.number, tu.role",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    let mut units: Vec<ReportingUnit> = Vec::new();
    for (id, name, task, role) in rows {
        if units.last().is_none_or(|u| u.id != id) {
            units.push(ReportingUnit {
                id,
                plan_id,
                name,
                tasks: Vec::new(),
            });
        }
        let unit = units.last_mut().expect("just pushed");
        let lead = role == "lead";
        // A unit both leading and sharing a task counts it once, as its lead.
        match unit.tasks.iter_mut().find(|(t, _)| *t == task) {
            Some(entry) => entry.1 |= lead,
            None => unit.tasks.push((task, lead)),
        }
    }
    Ok(units)
}

/// One reporting unit, by id.
pub async fn reporting_unit(
    pool: &SqlitePool,
    unit_id: i64,
) -> Result<ReportingUnit, HandlingError> {
    let plan: Option<(i64, String)> = sqlx::query_as("SELECT plan_id, kind FROM unit WHERE id = ?")
        .bind(unit_id)
        .fetch_optional(pool)
        .await?;
    let (plan_id, kind) = plan.ok_or(HandlingError::NoUnit)?;
    if kind == "collective" {
        return Err(HandlingError::Collective);
    }
    reporting_units(pool, plan_id)
        .await?
        .into_iter()
        .find(|u| u.id == unit_id)
        .ok_or(HandlingError::NotReporting)
}

/// The unit named `name` (its canonical name or an alias) in the latest plan that has it.
pub async fn unit_by_name(pool: &SqlitePool, name: &str) -> Result<i64, HandlingError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT u.id FROM unit u LEFT JOIN unit_alias a ON a.unit_id = u.id
         WHERE u.name = ?1 OR a.alias = ?1 ORDER BY u.plan_id DESC, u.position LIMIT 1",
    )
    .bind(name.trim())
    .fetch_optional(pool)
    .await?;
    row.map(|(id,)| id).ok_or(HandlingError::NoUnit)
}

/// A sub-plan version, whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subplan {
    pub id: i64,
    pub unit_id: i64,
    pub version: i64,
    pub state: SubplanState,
    pub measures: String,
    pub created_at: String,
    pub created_by: String,
    pub submitted_at: Option<String>,
    pub submitted_by: Option<String>,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
    /// (code, indicator), in the sub-plan's order.
    pub indicators: Vec<(i64, Indicator)>,
    pub milestones: Vec<Milestone>,
}

type SubplanRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

const SUBPLAN_COLUMNS: &str = "id, unit_id, version, state, measures, created_at, created_by,
     submitted_at, submitted_by, decided_at, decided_by, reason";

async fn fill(conn: &mut SqliteConnection, row: SubplanRow) -> Result<Subplan, HandlingError> {
    let (id, unit_id, version, state, measures, created_at, created_by) =
        (row.0, row.1, row.2, row.3, row.4, row.5, row.6);
    type IndRow = (
        i64,
        i64,
        String,
        String,
        f64,
        f64,
        String,
        String,
        String,
        f64,
    );
    let inds: Vec<IndRow> = sqlx::query_as(
        "SELECT code, task_id, name, measure_unit, baseline, target, direction, starts_on,
                due_on, weight
         FROM subplan_indicator WHERE subplan_id = ? ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let indicators = inds
        .into_iter()
        .filter_map(
            |(code, task_id, name, mu, baseline, target, dir, s, d, weight)| {
                Some((
                    code,
                    Indicator {
                        task_id,
                        name,
                        measure_unit: mu,
                        baseline,
                        target,
                        direction: Direction::parse(&dir)?,
                        starts_on: s.parse().ok()?,
                        due_on: d.parse().ok()?,
                        weight,
                    },
                ))
            },
        )
        .collect();
    let ms: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT task_id, due_on, what FROM subplan_milestone WHERE subplan_id = ?
         ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let milestones = ms
        .into_iter()
        .filter_map(|(task_id, due, what)| {
            Some(Milestone {
                task_id,
                due_on: due.parse().ok()?,
                what,
            })
        })
        .collect();
    Ok(Subplan {
        id,
        unit_id,
        version,
        state: SubplanState::parse(&state).unwrap_or(SubplanState::Draft),
        measures,
        created_at,
        created_by,
        submitted_at: row.7,
        submitted_by: row.8,
        decided_at: row.9,
        decided_by: row.10,
        reason: row.11,
        indicators,
        milestones,
    })
}

/// Every version of a unit's sub-plan, the newest first.
pub async fn subplans(pool: &SqlitePool, unit_id: i64) -> Result<Vec<Subplan>, HandlingError> {
    let mut conn = pool.acquire().await?;
    let rows: Vec<SubplanRow> = sqlx::query_as(&format!(
        "SELECT {SUBPLAN_COLUMNS} FROM subplan WHERE unit_id = ? ORDER BY version DESC"
    ))
    .bind(unit_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(fill(&mut conn, row).await?);
    }
    Ok(out)
}

pub async fn subplan(pool: &SqlitePool, id: i64) -> Result<Subplan, HandlingError> {
    let mut conn = pool.acquire().await?;
    subplan_on(&mut conn, id).await
}

async fn subplan_on(conn: &mut SqliteConnection, id: i64) -> Result<Subplan, HandlingError> {
    let row: Option<SubplanRow> = sqlx::query_as(&format!(
        "SELECT {SUBPLAN_COLUMNS} FROM subplan WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    fill(conn, row.ok_or(HandlingError::NoSubplan)?).await
}

/// What a liaison's sub-plan form holds once checked: each indicator with the code it had
/// (`None`: a new one).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubplanForm {
    pub measures: String,
    pub indicators: Vec<(Option<i64>, Indicator)>,
    pub milestones: Vec<Milestone>,
}

/// Saves the unit's draft: the open draft is replaced whole, or (when the unit has none) a new
/// version is started. Refused while a version waits for the office. Returns the draft's id.
pub async fn save_draft(
    pool: &SqlitePool,
    unit: &ReportingUnit,
    form: &SubplanForm,
    actor: &str,
) -> Result<i64, HandlingError> {
    let tasks: Vec<i64> = unit.tasks.iter().map(|(t, _)| *t).collect();
    if let Some(bad) = form
        .indicators
        .iter()
        .map(|(_, i)| i.task_id)
        .chain(form.milestones.iter().map(|m| m.task_id))
        .find(|t| !tasks.contains(t))
    {
        return Err(HandlingError::Form(vec![format!(
            "任务 {bad} 不是本单位牵头或参与的任务"
        )]));
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let open: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, state FROM subplan WHERE unit_id = ? AND state IN ('draft', 'submitted')",
    )
    .bind(unit.id)
    .fetch_optional(&mut *tx)
    .await?;
    let id = match open {
        Some((_, state)) if state == "submitted" => return Err(HandlingError::Frozen),
        Some((id, _)) => {
            for table in ["subplan_indicator", "subplan_milestone"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE subplan_id = ?"))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("UPDATE subplan SET measures = ? WHERE id = ?")
                .bind(&form.measures)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
        None => {
            let (version,): (i64,) = sqlx::query_as(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM subplan WHERE unit_id = ?",
            )
            .bind(unit.id)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO subplan (unit_id, version, state, measures, created_at, created_by)
                 VALUES (?, ?, 'draft', ?, ?, ?)",
            )
            .bind(unit.id)
            .bind(version)
            .bind(&form.measures)
            .bind(now())
            .bind(actor)
            .execute(&mut *tx)
            .await?
            .last_insert_rowid()
        }
    };
    // Codes the unit has used in any version; an unknown code is a new indicator.
    let used: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT i.code FROM subplan_indicator i JOIN subplan p ON p.id = i.subplan_id
         WHERE p.unit_id = ? AND p.id <> ?",
    )
    .bind(unit.id)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let used: Vec<i64> = used.into_iter().map(|(c,)| c).collect();
    let mut next = used.iter().copied().max().unwrap_or(0) + 1;
    let mut taken = Vec::new();
    for (position, (code, ind)) in form.indicators.iter().enumerate() {
        let code = match code {
            Some(c) if used.contains(c) && !taken.contains(c) => *c,
            _ => {
                next += 1;
                next - 1
            }
        };
        taken.push(code);
        insert_indicator(&mut tx, id, code, position, ind).await?;
    }
    for (position, m) in form.milestones.iter().enumerate() {
        sqlx::query(
            "INSERT INTO subplan_milestone (subplan_id, position, task_id, due_on, what)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(m.task_id)
        .bind(m.due_on.to_string())
        .bind(&m.what)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Submits the unit's draft to the office. Returns the version submitted.
pub async fn submit(pool: &SqlitePool, unit_id: i64, actor: &str) -> Result<i64, HandlingError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let draft: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, version FROM subplan WHERE unit_id = ? AND state = 'draft'")
            .bind(unit_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (id, version) = draft.ok_or(HandlingError::NoDraft)?;
    let (indicators,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM subplan_indicator WHERE subplan_id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if indicators == 0 {
        return Err(HandlingError::NoIndicators);
    }
    sqlx::query(
        "UPDATE subplan SET state = 'submitted', submitted_at = ?, submitted_by = ? WHERE id = ?",
    )
    .bind(now())
    .bind(actor)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let detail =
        serde_json::json!({ "unit": unit_id, "version": version, "indicators": indicators });
    audit::record(
        &mut tx,
        actor,
        "subplan.submit",
        &format!("subplan:{id}"),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// The most a reason (for a return or an audited value) may hold.
pub const MAX_REASON_CHARS: usize = 2000;

fn check_reason(reason: &str) -> Result<(), HandlingError> {
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(HandlingError::Form(vec![format!(
            "理由不能超过{MAX_REASON_CHARS}个字"
        )]));
    }
    Ok(())
}

/// The office's decision on a submitted version: approve it, or return it with a reason.
pub async fn decide(
    pool: &SqlitePool,
    subplan_id: i64,
    approve: bool,
    reason: &str,
    actor: &str,
) -> Result<Subplan, HandlingError> {
    let reason = reason.trim();
    if !approve && reason.is_empty() {
        return Err(HandlingError::NoReason);
    }
    check_reason(reason)?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let plan = subplan_on(&mut tx, subplan_id).await?;
    if plan.state != SubplanState::Submitted {
        let doing = if approve { "approved" } else { "returned" };
        return Err(HandlingError::WrongState(plan.state.label_zh(), doing));
    }
    let state = if approve { "approved" } else { "returned" };
    sqlx::query(
        "UPDATE subplan SET state = ?, decided_at = ?, decided_by = ?, reason = ? WHERE id = ?",
    )
    .bind(state)
    .bind(now())
    .bind(actor)
    .bind((!reason.is_empty()).then_some(reason))
    .bind(subplan_id)
    .execute(&mut *tx)
    .await?;
    let action = if approve {
        "subplan.approve"
    } else {
        "subplan.return"
    };
    let detail =
        serde_json::json!({ "unit": plan.unit_id, "version": plan.version, "reason": reason });
    audit::record(
        &mut tx,
        actor,
        action,
        &format!("subplan:{subplan_id}"),
        detail,
    )
    .await?;
    let decided = subplan_on(&mut tx, subplan_id).await?;
    tx.commit().await?;
    Ok(decided)
}

/// The unit's latest approved version: what its reports answer to.
async fn approved_on(
    conn: &mut SqliteConnection,
    unit_id: i64,
) -> Result<Option<Subplan>, HandlingError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM subplan WHERE unit_id = ? AND state = 'approved'
         ORDER BY version DESC LIMIT 1",
    )
    .bind(unit_id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some((id,)) => Ok(Some(subplan_on(conn, id).await?)),
        None => Ok(None),
    }
}

pub async fn approved(pool: &SqlitePool, unit_id: i64) -> Result<Option<Subplan>, HandlingError> {
    let mut conn = pool.acquire().await?;
    approved_on(&mut conn, unit_id).await
}

pub use crate::handling::report::TaskStatus;

/// A report as filed, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportForm {
    /// (indicator code, value to date, note).
    pub values: Vec<(i64, f64, String)>,
    /// (task, status, reason when behind, narrative).
    pub tasks: Vec<(i64, TaskStatus, String, String)>,
}

/// A report's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportState {
    Submitted,
    Accepted,
    Returned,
}

impl ReportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Submitted => "submitted",
            ReportState::Accepted => "accepted",
            ReportState::Returned => "returned",
        }
    }
    pub fn parse(s: &str) -> Option<ReportState> {
        match s {
            "submitted" => Some(ReportState::Submitted),
            "accepted" => Some(ReportState::Accepted),
            "returned" => Some(ReportState::Returned),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ReportState::Submitted => "待审核",
            ReportState::Accepted => "已通过",
            ReportState::Returned => "已退回",
        }
    }
}

/// An audited value and who set it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Audited {
    pub code: i64,
    pub value: f64,
    pub reason: String,
    pub set_by: String,
    pub set_at: String,
}

/// A filed report, whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub id: i64,
    pub unit_id: i64,
    pub period: Period,
    pub version: i64,
    pub subplan_id: i64,
    pub state: ReportState,
    pub submitted_at: String,
    pub submitted_by: String,
    pub reviewed_at: Option<String>,
    pub reviewed_by: Option<String>,
    pub reason: Option<String>,
    pub values: Vec<(i64, f64, String)>,
    pub tasks: Vec<(i64, TaskStatus, String, String)>,
    /// Every audited value set on this report, oldest first (the last per code counts).
    pub audited: Vec<Audited>,
    /// The evidence files it carries, in the order they were added.
    pub evidence: Vec<Evidence>,
}

/// An evidence file a report carries, as listed (its bytes are read only to download it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Evidence {
    pub id: i64,
    pub name: String,
    /// `pdf`, `jpeg`, `png`, `webp`, `xlsx` or `docx`: what its bytes say.
    pub kind: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_at: String,
    pub uploaded_by: String,
}

/// Most evidence files one report version carries.
pub const MAX_EVIDENCE_PER_REPORT: usize = 10;
/// The bytes of an evidence file are stored and read back this much at a time.
pub const EVIDENCE_CHUNK_BYTES: usize = 1024 * 1024;

/// A new evidence file to file with a report: already sniffed and hashed, waiting in a
/// temporary file (read from its start).
#[derive(Debug)]
pub struct NewEvidence {
    pub sha256: String,
    pub kind: &'static str,
    pub size: i64,
    pub name: String,
    pub file: std::fs::File,
}

/// The evidence a report version is filed with: new files, and the files of the returned
/// version it answers that the liaison keeps (their ids).
#[derive(Debug, Default)]
pub struct EvidenceToFile {
    pub new: Vec<NewEvidence>,
    pub keep: Vec<i64>,
}

const EVIDENCE_COLUMNS: &str =
    "e.id, e.name, b.kind, b.size, e.sha256, e.uploaded_at, e.uploaded_by";

impl Report {
    /// The audited value that counts for `code`.
    pub fn audited_value(&self, code: i64) -> Option<f64> {
        self.audited
            .iter()
            .rev()
            .find(|a| a.code == code)
            .map(|a| a.value)
    }
}

type ReportRow = (
    i64,
    i64,
    String,
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

const REPORT_COLUMNS: &str = "id, unit_id, period, version, subplan_id, state, submitted_at,
     submitted_by, reviewed_at, reviewed_by, reason";

async fn fill_report(conn: &mut SqliteConnection, row: ReportRow) -> Result<Report, HandlingError> {
    let id = row.0;
    let values: Vec<(i64, f64, String)> = sqlx::query_as(
        "SELECT code, value, note FROM report_value WHERE report_id = ? ORDER BY code",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let tasks: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT task_id, status, reason, narrative FROM report_task WHERE report_id = ?
         ORDER BY task_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let audited: Vec<(i64, f64, String, String, String)> = sqlx::query_as(
        "SELECT code, value, reason, set_by, set_at FROM audited_value WHERE report_id = ?
         ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let evidence: Vec<Evidence> = sqlx::query_as(&format!(
        "SELECT {EVIDENCE_COLUMNS} FROM report_evidence e JOIN evidence_blob b ON b.sha256 = e.sha256
         WHERE e.report_id = ? ORDER BY e.id"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Report {
        id,
        evidence,
        unit_id: row.1,
        period: Period::parse(&row.2).unwrap_or_else(|| Period::of(NaiveDate::MIN)),
        version: row.3,
        subplan_id: row.4,
        state: ReportState::parse(&row.5).unwrap_or(ReportState::Submitted),
        submitted_at: row.6,
        submitted_by: row.7,
        reviewed_at: row.8,
        reviewed_by: row.9,
        reason: row.10,
        values,
        tasks: tasks
            .into_iter()
            .filter_map(|(t, s, r, n)| Some((t, TaskStatus::parse(&s)?, r, n)))
            .collect(),
        audited: audited
            .into_iter()
            .map(|(code, value, reason, set_by, set_at)| Audited {
                code,
                value,
                reason,
                set_by,
                set_at,
            })
            .collect(),
    })
}

pub async fn report(pool: &SqlitePool, id: i64) -> Result<Report, HandlingError> {
    let mut conn = pool.acquire().await?;
    report_on(&mut conn, id).await
}

async fn report_on(conn: &mut SqliteConnection, id: i64) -> Result<Report, HandlingError> {
    let row: Option<ReportRow> = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM progress_report WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    fill_report(conn, row.ok_or(HandlingError::NoReport)?).await
}

/// Every report of a unit, by month and then version, the newest first.
pub async fn reports(pool: &SqlitePool, unit_id: i64) -> Result<Vec<Report>, HandlingError> {
    let mut conn = pool.acquire().await?;
    let rows: Vec<ReportRow> = sqlx::query_as(&format!(
        "SELECT {REPORT_COLUMNS} FROM progress_report WHERE unit_id = ?
         ORDER BY period DESC, version DESC"
    ))
    .bind(unit_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(fill_report(&mut conn, row).await?);
    }
    Ok(out)
}

/// Files the unit's report for `period` against its approved sub-plan: the first version, or
/// the next one after the office returned the last. Every indicator of the sub-plan must have
/// a value and every task of the unit a status. Returns the report's id.
pub async fn file_report(
    pool: &SqlitePool,
    unit: &ReportingUnit,
    period: Period,
    form: &ReportForm,
    actor: &str,
) -> Result<i64, HandlingError> {
    file_report_with(pool, unit, period, form, &EvidenceToFile::default(), actor).await
}

/// [`file_report`] with evidence files: the report and its files are stored in one
/// transaction, or none of it.
pub async fn file_report_with(
    pool: &SqlitePool,
    unit: &ReportingUnit,
    period: Period,
    form: &ReportForm,
    evidence: &EvidenceToFile,
    actor: &str,
) -> Result<i64, HandlingError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let settings = settings_on(&mut tx, unit.plan_id).await?;
    if !settings.measures.periods.contains(&period) {
        return Err(HandlingError::NotAPeriod(period.label_zh()));
    }
    if period > Period::of(crate::clock::today()) {
        return Err(HandlingError::NotYet(period.label_zh()));
    }
    let plan = approved_on(&mut tx, unit.id)
        .await?
        .ok_or(HandlingError::NoApprovedSubplan)?;
    let mut faults = Vec::new();
    for (code, ind) in &plan.indicators {
        if !form.values.iter().any(|(c, _, _)| c == code) {
            faults.push(format!("指标“{}”没有填写完成值", ind.name));
        }
    }
    if let Some((code, _, _)) = form
        .values
        .iter()
        .find(|(c, _, _)| !plan.indicators.iter().any(|(k, _)| k == c))
    {
        faults.push(format!("指标编号 {code} 不在本单位已通过的分方案中"));
    }
    for (task, _) in &unit.tasks {
        if !form.tasks.iter().any(|(t, ..)| t == task) {
            faults.push(format!("任务 {task} 没有填写进展状态"));
        }
    }
    for (task, status, reason, _) in &form.tasks {
        if !unit.tasks.iter().any(|(t, _)| t == task) {
            faults.push(format!("任务 {task} 不是本单位牵头或参与的任务"));
        }
        if *status == TaskStatus::Behind && reason.trim().is_empty() {
            faults.push(format!("任务 {task} 标为“滞后”，请说明原因"));
        }
    }
    if !faults.is_empty() {
        return Err(HandlingError::Form(faults));
    }
    let last: Option<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, version, state FROM progress_report WHERE unit_id = ? AND period = ?
         ORDER BY version DESC LIMIT 1",
    )
    .bind(unit.id)
    .bind(period.key())
    .fetch_optional(&mut *tx)
    .await?;
    let returned = last.as_ref().map(|(id, ..)| *id);
    let version = match last {
        None => 1,
        Some((_, v, state)) => match state.as_str() {
            "returned" => v + 1,
            "accepted" => return Err(HandlingError::ReportAccepted),
            _ => return Err(HandlingError::ReportPending),
        },
    };
    let id = sqlx::query(
        "INSERT INTO progress_report (unit_id, period, version, subplan_id, state, submitted_at,
             submitted_by)
         VALUES (?, ?, ?, ?, 'submitted', ?, ?)",
    )
    .bind(unit.id)
    .bind(period.key())
    .bind(version)
    .bind(plan.id)
    .bind(now())
    .bind(actor)
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    for (code, value, note) in &form.values {
        sqlx::query("INSERT INTO report_value (report_id, code, value, note) VALUES (?, ?, ?, ?)")
            .bind(id)
            .bind(code)
            .bind(value)
            .bind(note)
            .execute(&mut *tx)
            .await?;
    }
    for (task, status, reason, narrative) in &form.tasks {
        sqlx::query(
            "INSERT INTO report_task (report_id, task_id, status, reason, narrative)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(task)
        .bind(status.as_str())
        .bind(reason.trim())
        .bind(narrative)
        .execute(&mut *tx)
        .await?;
    }
    let files = file_evidence(&mut tx, id, returned, evidence, actor).await?;
    let detail = serde_json::json!({
        "unit": unit.id, "period": period.key(), "version": version, "subplan": plan.id,
        "evidence": files,
    });
    audit::record(
        &mut tx,
        actor,
        "report.submit",
        &format!("report:{id}"),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Stores a report version's evidence: the kept files of the version it answers, then the new
/// ones (each file's bytes once, by its SHA-256). Returns the SHA-256 of every file it carries.
async fn file_evidence(
    tx: &mut SqliteConnection,
    report_id: i64,
    returned: Option<i64>,
    evidence: &EvidenceToFile,
    actor: &str,
) -> Result<Vec<String>, HandlingError> {
    if let Some(previous) = returned {
        for keep in &evidence.keep {
            sqlx::query(
                "INSERT OR IGNORE INTO report_evidence (report_id, sha256, name, uploaded_at,
                     uploaded_by)
                 SELECT ?, sha256, name, uploaded_at, uploaded_by FROM report_evidence
                 WHERE id = ? AND report_id = ?",
            )
            .bind(report_id)
            .bind(keep)
            .bind(previous)
            .execute(&mut *tx)
            .await?;
        }
    }
    let at = now();
    for file in &evidence.new {
        let stored: Option<i64> =
            sqlx::query_scalar("SELECT size FROM evidence_blob WHERE sha256 = ?")
                .bind(&file.sha256)
                .fetch_optional(&mut *tx)
                .await?;
        if stored.is_none() {
            store_blob(&mut *tx, file).await?;
        }
        sqlx::query(
            "INSERT OR IGNORE INTO report_evidence (report_id, sha256, name, uploaded_at,
                 uploaded_by) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(report_id)
        .bind(&file.sha256)
        .bind(&file.name)
        .bind(&at)
        .bind(actor)
        .execute(&mut *tx)
        .await?;
    }
    let files: Vec<String> =
        sqlx::query_scalar("SELECT sha256 FROM report_evidence WHERE report_id = ? ORDER BY id")
            .bind(report_id)
            .fetch_all(&mut *tx)
            .await?;
    if files.len() > MAX_EVIDENCE_PER_REPORT {
        return Err(HandlingError::Form(vec![format!(
            "每份报告最多{MAX_EVIDENCE_PER_REPORT}个佐证材料，这份有{}个。请少保留或少上传几个。",
            files.len()
        )]));
    }
    Ok(files)
}

/// The evidence of the units' accepted reports: (unit, month, file), by month.
pub async fn accepted_evidence(
    pool: &SqlitePool,
    unit_ids: &[i64],
) -> Result<Vec<(i64, Period, Evidence)>, HandlingError> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; unit_ids.len()].join(", ");
    let sql = format!(
        "SELECT r.unit_id, r.period, {EVIDENCE_COLUMNS} FROM report_evidence e
         JOIN progress_report r ON r.id = e.report_id
         JOIN evidence_blob b ON b.sha256 = e.sha256
         WHERE r.state = 'accepted' AND r.unit_id IN ({marks})
         ORDER BY r.period, r.unit_id, e.id"
    );
    let mut q = sqlx::query_as::<
        _,
        (
            i64,
            String,
            i64,
            String,
            String,
            i64,
            String,
            String,
            String,
        ),
    >(&sql);
    for id in unit_ids {
        q = q.bind(id);
    }
    Ok(q.fetch_all(pool)
        .await?
        .into_iter()
        .filter_map(
            |(unit, period, id, name, kind, size, sha256, uploaded_at, uploaded_by)| {
                Some((
                    unit,
                    Period::parse(&period)?,
                    Evidence {
                        id,
                        name,
                        kind,
                        size,
                        sha256,
                        uploaded_at,
                        uploaded_by,
                    },
                ))
            },
        )
        .collect())
}

/// Stores a new file's bytes from its temporary file, a chunk at a time, checking on the way
/// that they are the bytes whose size and SHA-256 were taken as they arrived.
async fn store_blob(tx: &mut SqliteConnection, file: &NewEvidence) -> Result<(), HandlingError> {
    use sha2::Digest;
    use tokio::io::AsyncReadExt;
    let io = |e: std::io::Error| HandlingError::Db(sqlx::Error::Io(e));
    let chunks = (file.size as usize).div_ceil(EVIDENCE_CHUNK_BYTES).max(1) as i64;
    sqlx::query("INSERT INTO evidence_blob (sha256, kind, size, chunks) VALUES (?, ?, ?, ?)")
        .bind(&file.sha256)
        .bind(file.kind)
        .bind(file.size)
        .bind(chunks)
        .execute(&mut *tx)
        .await?;
    let mut input = tokio::fs::File::from_std(file.file.try_clone().map_err(io)?);
    tokio::io::AsyncSeekExt::seek(&mut input, std::io::SeekFrom::Start(0))
        .await
        .map_err(io)?;
    let mut hash = sha2::Sha256::new();
    let mut size = 0i64;
    for seq in 0..chunks {
        let mut chunk = Vec::with_capacity(EVIDENCE_CHUNK_BYTES);
        (&mut input)
            .take(EVIDENCE_CHUNK_BYTES as u64)
            .read_to_end(&mut chunk)
            .await
            .map_err(io)?;
        hash.update(&chunk);
        size += chunk.len() as i64;
        sqlx::query("INSERT INTO evidence_chunk (sha256, seq, bytes) VALUES (?, ?, ?)")
            .bind(&file.sha256)
            .bind(seq)
            .bind(chunk)
            .execute(&mut *tx)
            .await?;
    }
    let mut rest = [0u8; 1];
    let more = input.read(&mut rest).await.map_err(io)?;
    if size != file.size || more != 0 || hex::encode(hash.finalize()) != file.sha256 {
        return Err(HandlingError::Db(sqlx::Error::Protocol(
            "an evidence file changed on its way to the database".into(),
        )));
    }
    Ok(())
}

/// One chunk of an evidence file's bytes (`seq` from 0).
pub async fn evidence_chunk(
    pool: &SqlitePool,
    sha256: &str,
    seq: i64,
) -> Result<Option<Vec<u8>>, HandlingError> {
    Ok(
        sqlx::query_scalar("SELECT bytes FROM evidence_chunk WHERE sha256 = ? AND seq = ?")
            .bind(sha256)
            .bind(seq)
            .fetch_optional(pool)
            .await?,
    )
}

/// One evidence file to download: as listed, the unit whose report carries it, and how many
/// chunks its bytes are ([`evidence_chunk`] reads them).
pub async fn evidence_file(
    pool: &SqlitePool,
    id: i64,
) -> Result<Option<(Evidence, i64, i64)>, HandlingError> {
    let mut conn = pool.acquire().await?;
    let listed: Option<Evidence> = sqlx::query_as(&format!(
        "SELECT {EVIDENCE_COLUMNS} FROM report_evidence e JOIN evidence_blob b ON b.sha256 = e.sha256
         WHERE e.id = ?"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(listed) = listed else {
        return Ok(None);
    };
    let (unit, chunks): (i64, i64) = sqlx::query_as(
        "SELECT r.unit_id, b.chunks FROM report_evidence e
         JOIN progress_report r ON r.id = e.report_id
         JOIN evidence_blob b ON b.sha256 = e.sha256 WHERE e.id = ?",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some((listed, unit, chunks)))
}

/// The office's review of a submitted report: accept it, or return it with a reason.
pub async fn review_report(
    pool: &SqlitePool,
    report_id: i64,
    accept: bool,
    reason: &str,
    actor: &str,
) -> Result<Report, HandlingError> {
    let reason = reason.trim();
    if !accept && reason.is_empty() {
        return Err(HandlingError::NoReason);
    }
    check_reason(reason)?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let report = report_on(&mut tx, report_id).await?;
    if report.state != ReportState::Submitted {
        let doing = if accept { "accepted" } else { "returned" };
        return Err(HandlingError::WrongState(report.state.label_zh(), doing));
    }
    let state = if accept { "accepted" } else { "returned" };
    sqlx::query(
        "UPDATE progress_report SET state = ?, reviewed_at = ?, reviewed_by = ?, reason = ?
         WHERE id = ?",
    )
    .bind(state)
    .bind(now())
    .bind(actor)
    .bind((!reason.is_empty()).then_some(reason))
    .bind(report_id)
    .execute(&mut *tx)
    .await?;
    let action = if accept {
        "report.accept"
    } else {
        "report.return"
    };
    let detail = serde_json::json!({
        "unit": report.unit_id, "period": report.period.key(), "version": report.version,
        "reason": reason,
    });
    audit::record(
        &mut tx,
        actor,
        action,
        &format!("report:{report_id}"),
        detail,
    )
    .await?;
    let reviewed = report_on(&mut tx, report_id).await?;
    tx.commit().await?;
    Ok(reviewed)
}

/// Sets the office's audited value (审核值) of one indicator in a report, with the reason. A
/// later value for the same indicator supersedes it; both stay in the history.
pub async fn set_audited(
    pool: &SqlitePool,
    report_id: i64,
    code: i64,
    value: f64,
    reason: &str,
    actor: &str,
) -> Result<(), HandlingError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(HandlingError::NoReason);
    }
    check_reason(reason)?;
    if !value.is_finite() || value.abs() > crate::handling::subplan::MAX_MAGNITUDE {
        return Err(HandlingError::Form(vec![
            "审核值必须是合理范围内的数字".into(),
        ]));
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let report = report_on(&mut tx, report_id).await?;
    if report.state == ReportState::Returned {
        return Err(HandlingError::WrongState(
            report.state.label_zh(),
            "audited",
        ));
    }
    let Some((_, reported, _)) = report.values.iter().find(|(c, ..)| *c == code) else {
        return Err(HandlingError::Form(vec![format!(
            "这份报告没有编号 {code} 的指标"
        )]));
    };
    sqlx::query(
        "INSERT INTO audited_value (report_id, code, value, reason, set_by, set_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(report_id)
    .bind(code)
    .bind(value)
    .bind(reason)
    .bind(actor)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({
        "unit": report.unit_id, "period": report.period.key(), "code": code,
        "reported": reported, "audited": value, "reason": reason,
    });
    audit::record(
        &mut tx,
        actor,
        "report.audit",
        &format!("report:{report_id}"),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What waits for the office: submitted sub-plans and reports, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    /// (sub-plan id, unit id, unit name, version, submitted at).
    pub subplans: Vec<(i64, i64, String, i64, String)>,
    /// (report id, unit id, unit name, period, version, submitted at).
    pub reports: Vec<(i64, i64, String, String, i64, String)>,
}

pub async fn queue(pool: &SqlitePool, plan_id: i64) -> Result<Queue, HandlingError> {
    let subplans = sqlx::query_as(
        "SELECT p.id, u.id, u.name, p.version, p.submitted_at FROM subplan p
         JOIN unit u ON u.id = p.unit_id
         WHERE u.plan_id = ? AND p.state = 'submitted' ORDER BY p.submitted_at, p.id",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    let reports = sqlx::query_as(
        "SELECT r.id, u.id, u.name, r.period, r.version, r.submitted_at FROM progress_report r
         JOIN unit u ON u.id = r.unit_id
         WHERE u.plan_id = ? AND r.state = 'submitted' ORDER BY r.submitted_at, r.id",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    Ok(Queue { subplans, reports })
}

/// Each unit's latest sub-plan version and its state, in one read.
pub async fn latest_states(
    pool: &SqlitePool,
    plan_id: i64,
) -> Result<HashMap<i64, (i64, SubplanState)>, HandlingError> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT p.unit_id, p.version, p.state FROM subplan p JOIN unit u ON u.id = p.unit_id
         WHERE u.plan_id = ? AND p.version =
             (SELECT MAX(q.version) FROM subplan q WHERE q.unit_id = p.unit_id)",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(u, v, s)| Some((u, (v, SubplanState::parse(&s)?))))
        .collect())
}

/// The liaisons of each unit of a plan: unit id → logins (active accounts only).
pub async fn liaisons(
    pool: &SqlitePool,
    plan_id: i64,
) -> Result<HashMap<i64, Vec<String>>, HandlingError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT a.unit_id, a.login FROM account a JOIN unit u ON u.id = a.unit_id
         WHERE u.plan_id = ? AND a.role = 'liaison' AND a.disabled_at IS NULL
         ORDER BY a.login",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for (unit, login) in rows {
        out.entry(unit).or_default().push(login);
    }
    Ok(out)
}

/// The plan's settings and its board on `day` (the ledger of that day, measured): what every
/// page, the ballot's year lines, the report and the export show.
pub async fn board(
    pool: &SqlitePool,
    plan_id: i64,
    day: NaiveDate,
) -> Result<(PlanSettings, crate::handling::progress::Board), HandlingError> {
    let settings = settings(pool, plan_id).await?;
    let ledger = ledger(pool, plan_id, day).await?;
    let board = crate::handling::progress::compute(&ledger, &settings.measures, day);
    Ok((settings, board))
}

/// The plan's reporting units and its tasks with the units that lead or share each, in the
/// plan's order: what both readings of the ledger start from.
async fn ledger_tasks(
    pool: &SqlitePool,
    plan_id: i64,
) -> Result<(Vec<ReportingUnit>, Vec<TaskRecord>), HandlingError> {
    let units = reporting_units(pool, plan_id).await?;
    let mut tasks: BTreeMap<i64, TaskRecord> = BTreeMap::new();
    let order: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT t.id, s.number FROM task t JOIN plan_section s ON s.id = t.section_id
         WHERE t.plan_id = ? ORDER BY s.number, t.number",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    for u in &units {
        for (task, lead) in &u.tasks {
            let section = order
                .iter()
                .find(|(t, _)| t == task)
                .map(|(_, s)| *s)
                .unwrap_or(0);
            tasks
                .entry(*task)
                .or_insert_with(|| TaskRecord {
                    task_id: *task,
                    section,
                    units: Vec::new(),
                })
                .units
                .push((u.id, *lead));
        }
    }
    let tasks: Vec<TaskRecord> = order.iter().filter_map(|(t, _)| tasks.remove(t)).collect();
    Ok((units, tasks))
}

/// Everything the measures read for a plan on `day`: each reporting unit's latest approved
/// indicators with the value of its latest report filed by that day and not sent back (and that
/// report's audited value), and each unit's filings per month, as they stood on that day
/// (Beijing time). Pages read it for today; `ceping handling board --day` for any day.
pub async fn ledger(
    pool: &SqlitePool,
    plan_id: i64,
    day: NaiveDate,
) -> Result<Ledger, HandlingError> {
    let by_day = |at: &str| stored_in_beijing(at).is_some_and(|t| t.date_naive() <= day);
    let (units, tasks) = ledger_tasks(pool, plan_id).await?;

    // The latest approved version per unit, and its indicators.
    type IndRow = (
        i64,
        i64,
        i64,
        String,
        String,
        String,
        f64,
        f64,
        String,
        String,
        f64,
    );
    let rows: Vec<IndRow> = sqlx::query_as(
        "SELECT p.unit_id, i.code, i.task_id, i.name, i.measure_unit, i.direction, i.baseline,
                i.target, i.starts_on, i.due_on, i.weight
         FROM subplan p JOIN unit u ON u.id = p.unit_id
         JOIN subplan_indicator i ON i.subplan_id = p.id
         WHERE u.plan_id = ?1 AND p.state = 'approved' AND p.version = (
             SELECT MAX(q.version) FROM subplan q WHERE q.unit_id = p.unit_id
             AND q.state = 'approved')
         ORDER BY u.position, i.position",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    // The latest report not sent back, per unit: its values and audited values.
    // Only what the office accepted counts: a figure nobody has checked yet reaches neither
    // the board nor the ballot. (Reviewed after `day`: it counts from its filing, as the
    // office's acceptance confirms it was right when filed.)
    let latest: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT r.unit_id, r.id, r.submitted_at, r.period FROM progress_report r
         JOIN unit u ON u.id = r.unit_id
         WHERE u.plan_id = ? AND r.state = 'accepted'
         ORDER BY r.unit_id, r.period DESC, r.version DESC",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    let this_month = Period::of(day);
    let mut latest_report: HashMap<i64, i64> = HashMap::new();
    for (unit, id, at, period) in latest {
        let in_time = Period::parse(&period).is_some_and(|p| p <= this_month);
        if by_day(&at) && in_time {
            latest_report.entry(unit).or_insert(id);
        }
    }
    let values: Vec<(i64, i64, f64)> = sqlx::query_as(
        "SELECT v.report_id, v.code, v.value FROM report_value v
         JOIN progress_report r ON r.id = v.report_id JOIN unit u ON u.id = r.unit_id
         WHERE u.plan_id = ?",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    let values: HashMap<(i64, i64), f64> =
        values.into_iter().map(|(r, c, v)| ((r, c), v)).collect();
    let audited: Vec<(i64, i64, f64, String)> = sqlx::query_as(
        "SELECT a.report_id, a.code, a.value, a.set_at FROM audited_value a
         JOIN progress_report r ON r.id = a.report_id JOIN unit u ON u.id = r.unit_id
         WHERE u.plan_id = ? ORDER BY a.id",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    // Later rows supersede earlier ones.
    let audited: HashMap<(i64, i64), f64> = audited
        .into_iter()
        .filter(|a| by_day(&a.3))
        .map(|(r, c, v, _)| ((r, c), v))
        .collect();
    let indicators = rows
        .into_iter()
        .filter_map(
            |(unit_id, code, task_id, name, measure_unit, dir, baseline, target, s, d, weight)| {
                let report = latest_report.get(&unit_id).copied();
                Some(IndicatorRecord {
                    unit_id,
                    code,
                    task_id,
                    name,
                    measure_unit,
                    direction: Direction::parse(&dir)?,
                    baseline,
                    target,
                    starts_on: s.parse().ok()?,
                    due_on: d.parse().ok()?,
                    weight,
                    reported: report.and_then(|r| values.get(&(r, code)).copied()),
                    audited: report.and_then(|r| audited.get(&(r, code)).copied()),
                })
            },
        )
        .collect();

    // Filings: the first version's day (Beijing time) and whether the latest was returned.
    let filed: Vec<(i64, String, i64, String, String)> = sqlx::query_as(
        "SELECT r.unit_id, r.period, r.version, r.state, r.submitted_at FROM progress_report r
         JOIN unit u ON u.id = r.unit_id WHERE u.plan_id = ?
         ORDER BY r.unit_id, r.period, r.version",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    let mut filings: BTreeMap<(i64, Period), FilingRecord> = BTreeMap::new();
    for (unit_id, period, _version, state, at) in filed {
        let Some(period) = Period::parse(&period) else {
            continue;
        };
        if !by_day(&at) {
            continue;
        }
        let day = stored_in_beijing(&at).map(|t| t.date_naive());
        let entry = filings.entry((unit_id, period)).or_insert(FilingRecord {
            unit_id,
            period,
            first_filed: day,
            returned: false,
        });
        entry.returned = state == "returned";
    }
    Ok(Ledger {
        units: units.iter().map(|u| u.id).collect(),
        tasks,
        indicators,
        filings: filings.into_values().collect(),
    })
}

/// The same ledger as [`ledger`], read another way for `ceping handling check`: unit by unit,
/// through the reads each unit's own pages use ([`approved`], [`reports`]), the rules (only
/// accepted reports, filed by the day, of a month begun; the last audited value set by the day;
/// a month's first filing and whether its latest version was returned) written out again here.
pub async fn ledger_by_unit(
    pool: &SqlitePool,
    plan_id: i64,
    day: NaiveDate,
) -> Result<Ledger, HandlingError> {
    let by_day = |at: &str| stored_in_beijing(at).is_some_and(|t| t.date_naive() <= day);
    let this_month = Period::of(day);
    let reference = ledger_tasks(pool, plan_id).await?;
    let mut indicators = Vec::new();
    let mut filings = Vec::new();
    for unit in &reference.0 {
        let reports = reports(pool, unit.id).await?;
        if let Some(plan) = approved(pool, unit.id).await? {
            let latest = reports
                .iter()
                .filter(|r| {
                    r.state == ReportState::Accepted
                        && r.period <= this_month
                        && by_day(&r.submitted_at)
                })
                .max_by_key(|r| (r.period, r.version));
            for (code, i) in &plan.indicators {
                let reported = latest.and_then(|r| {
                    r.values
                        .iter()
                        .find(|(c, ..)| c == code)
                        .map(|(_, v, _)| *v)
                });
                let audited = latest.and_then(|r| {
                    r.audited
                        .iter()
                        .rfind(|a| a.code == *code && by_day(&a.set_at))
                        .map(|a| a.value)
                });
                indicators.push(IndicatorRecord {
                    unit_id: unit.id,
                    code: *code,
                    task_id: i.task_id,
                    name: i.name.clone(),
                    measure_unit: i.measure_unit.clone(),
                    direction: i.direction,
                    baseline: i.baseline,
                    target: i.target,
                    starts_on: i.starts_on,
                    due_on: i.due_on,
                    weight: i.weight,
                    reported,
                    audited,
                });
            }
        }
        let mut months: BTreeMap<Period, Vec<&Report>> = BTreeMap::new();
        for r in reports.iter().filter(|r| by_day(&r.submitted_at)) {
            months.entry(r.period).or_default().push(r);
        }
        for (period, mut versions) in months {
            versions.sort_by_key(|r| r.version);
            filings.push(FilingRecord {
                unit_id: unit.id,
                period,
                first_filed: stored_in_beijing(&versions[0].submitted_at).map(|t| t.date_naive()),
                returned: versions
                    .last()
                    .is_some_and(|r| r.state == ReportState::Returned),
            });
        }
    }
    Ok(Ledger {
        units: reference.0.iter().map(|u| u.id).collect(),
        tasks: reference.1,
        indicators,
        filings,
    })
}

/// One indicator row of a sub-plan version (a liaison's draft, or the sample year's).
async fn insert_indicator(
    tx: &mut SqliteConnection,
    subplan_id: i64,
    code: i64,
    position: usize,
    ind: &Indicator,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO subplan_indicator (subplan_id, code, position, task_id, name,
             measure_unit, baseline, target, direction, starts_on, due_on, weight)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(subplan_id)
    .bind(code)
    .bind(position as i64)
    .bind(ind.task_id)
    .bind(&ind.name)
    .bind(&ind.measure_unit)
    .bind(ind.baseline)
    .bind(ind.target)
    .bind(ind.direction.as_str())
    .bind(ind.starts_on.to_string())
    .bind(ind.due_on.to_string())
    .bind(ind.weight)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The plan holds the sample year (`crate::handling::sample`): its pages say 示例数据.
pub async fn has_sample(pool: &SqlitePool, plan_id: i64) -> Result<bool, HandlingError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM subplan p JOIN unit u ON u.id = p.unit_id
         WHERE u.plan_id = ? AND p.created_by = ?)",
    )
    .bind(plan_id)
    .bind(SAMPLE_ACTOR)
    .fetch_one(pool)
    .await?;
    Ok(n == 1)
}

/// A Beijing-time day at `hour` as stored (UTC).
fn stored_day(day: NaiveDate, hour: u32) -> String {
    let t = day
        .and_hms_opt(hour, 0, 0)
        .expect("a valid hour")
        .and_local_timezone(crate::clock::beijing())
        .single()
        .expect("a fixed offset");
    crate::clock::stored(t.with_timezone(&chrono::Utc))
}

/// Stores the sample year, whole or not at all. Refused (`Ok(None)`) when the plan's units
/// already have sub-plans or reports of their own; a plan that has the sample already gets
/// nothing more (`Ok(Some(0))`). Returns how many sub-plans it stored.
pub async fn insert_sample(
    pool: &SqlitePool,
    plan_id: i64,
    year: &[SampleUnit],
    actor: &str,
) -> Result<Option<usize>, HandlingError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let (sample, other): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(p.created_by = ?1), 0), COALESCE(SUM(p.created_by <> ?1), 0)
         FROM subplan p JOIN unit u ON u.id = p.unit_id WHERE u.plan_id = ?2",
    )
    .bind(SAMPLE_ACTOR)
    .bind(plan_id)
    .fetch_one(&mut *tx)
    .await?;
    if sample > 0 {
        return Ok(Some(0));
    }
    if other > 0 {
        return Ok(None);
    }
    let settings = settings_on(&mut tx, plan_id).await?;
    let due = settings.subplan_due;
    let submitted = stored_day(due - chrono::Days::new(3), 10);
    let decided = stored_day(due + chrono::Days::new(2), 15);
    let mut reports = 0;
    for unit in year {
        let subplan_id = sqlx::query(
            "INSERT INTO subplan (unit_id, version, state, measures, created_at, created_by,
                 submitted_at, submitted_by, decided_at, decided_by)
             VALUES (?, 1, 'approved', ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(unit.unit_id)
        .bind("（示例）成立工作专班，明确责任人和时间表，按月调度推进。")
        .bind(&submitted)
        .bind(SAMPLE_ACTOR)
        .bind(&submitted)
        .bind(SAMPLE_ACTOR)
        .bind(&decided)
        .bind(SAMPLE_ACTOR)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        for (position, ind) in unit.indicators.iter().enumerate() {
            insert_indicator(&mut tx, subplan_id, position as i64 + 1, position, ind).await?;
        }
        let tasks: Vec<i64> = {
            let mut t: Vec<i64> = unit.indicators.iter().map(|i| i.task_id).collect();
            t.dedup();
            t
        };
        for r in &unit.reports {
            let mut versions = Vec::new();
            if let Some(reason) = r.returned_first {
                let filed = r.filed_on - chrono::Days::new(4);
                versions.push(("returned", filed, Some(reason)));
            }
            versions.push(("accepted", r.filed_on, None));
            for (k, (state, filed, reason)) in versions.into_iter().enumerate() {
                let report_id = sqlx::query(
                    "INSERT INTO progress_report (unit_id, period, version, subplan_id, state,
                         submitted_at, submitted_by, reviewed_at, reviewed_by, reason)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(unit.unit_id)
                .bind(r.period.key())
                .bind(k as i64 + 1)
                .bind(subplan_id)
                .bind(state)
                .bind(stored_day(filed, 10))
                .bind(SAMPLE_ACTOR)
                .bind(stored_day(filed + chrono::Days::new(2), 16))
                .bind(SAMPLE_ACTOR)
                .bind(reason)
                .execute(&mut *tx)
                .await?
                .last_insert_rowid();
                for (position, value) in r.values.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO report_value (report_id, code, value, note)
                         VALUES (?, ?, ?, '')",
                    )
                    .bind(report_id)
                    .bind(position as i64 + 1)
                    .bind(value)
                    .execute(&mut *tx)
                    .await?;
                }
                for task in &tasks {
                    sqlx::query(
                        "INSERT INTO report_task (report_id, task_id, status, reason, narrative)
                         VALUES (?, ?, 'on_track', '', '（示例）按计划推进。')",
                    )
                    .bind(report_id)
                    .bind(task)
                    .execute(&mut *tx)
                    .await?;
                }
                reports += 1;
            }
        }
    }
    let detail = serde_json::json!({ "subplans": year.len(), "reports": reports });
    audit::record(
        &mut tx,
        actor,
        "handling.sample",
        &format!("plan:{plan_id}"),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(year.len()))
}

/// Removes the sample year of a plan: every sub-plan and report the sample stored (and only
/// those). Refused when a real report answers to a sample sub-plan. Returns (sub-plans,
/// reports) removed.
pub async fn remove_sample(
    pool: &SqlitePool,
    plan_id: i64,
    actor: &str,
) -> Result<(u64, u64), HandlingError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let (tied,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM progress_report r JOIN subplan p ON p.id = r.subplan_id
         JOIN unit u ON u.id = p.unit_id
         WHERE u.plan_id = ?1 AND p.created_by = ?2 AND r.submitted_by <> ?2",
    )
    .bind(plan_id)
    .bind(SAMPLE_ACTOR)
    .fetch_one(&mut *tx)
    .await?;
    if tied > 0 {
        return Err(HandlingError::Form(vec![format!(
            "{tied} 份真实报告是按示例分方案报送的，不能删除示例数据"
        )]));
    }
    let reports = sqlx::query(
        "DELETE FROM progress_report WHERE submitted_by = ?1 AND unit_id IN
         (SELECT id FROM unit WHERE plan_id = ?2)",
    )
    .bind(SAMPLE_ACTOR)
    .bind(plan_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let subplans = sqlx::query(
        "DELETE FROM subplan WHERE created_by = ?1 AND unit_id IN
         (SELECT id FROM unit WHERE plan_id = ?2)",
    )
    .bind(SAMPLE_ACTOR)
    .bind(plan_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if subplans + reports > 0 {
        let detail = serde_json::json!({ "subplans": subplans, "reports": reports });
        let subject = format!("plan:{plan_id}");
        audit::record(&mut tx, actor, "handling.sample-remove", &subject, detail).await?;
    }
    tx.commit().await?;
    Ok((subplans, reports))
}
