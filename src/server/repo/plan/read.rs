//! Reading a stored plan back as the pages show it: the overview, tasks, units, the leading
//! group, one task or unit.

use super::{role_from, roster_role_from, unit_ref};
use crate::message::Bilingual;
use crate::model::plan::*;
use crate::plan::model::Role;
use sqlx::SqlitePool;
use std::collections::HashMap;

/// Why a plan, task or unit could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("no such plan")]
    NoPlan,
    #[error("no such task")]
    NoTask,
    #[error("no such unit")]
    NoUnit,
    /// A stored date that no longer reads (a damaged database).
    #[error("a stored date is damaged: {0}")]
    Damaged(#[from] chrono::ParseError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl Bilingual for ReadError {
    fn zh(&self) -> String {
        match self {
            ReadError::NoPlan => "找不到这个工作方案。".into(),
            ReadError::NoTask => "找不到这项任务。".into(),
            ReadError::NoUnit => "找不到这个单位。".into(),
            ReadError::Damaged(_) | ReadError::Db(_) => "服务器出错了，请稍后再试。".into(),
        }
    }
}

/// A task's full text as the document gives it (empty when there is no such task).
pub async fn task_text(pool: &SqlitePool, task_id: i64) -> Result<String, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT full_text FROM task WHERE id = ?")
        .bind(task_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| r.0).unwrap_or_default())
}

/// The title of the most recently imported plan (empty when there is none).
pub async fn latest_title(pool: &SqlitePool) -> Result<String, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT title FROM plan ORDER BY id DESC LIMIT 1")
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| r.0).unwrap_or_default())
}

/// The plan asked for, or the most recently imported one.
pub async fn resolve_plan_id(pool: &SqlitePool, plan: Option<i64>) -> Result<i64, ReadError> {
    let row: Option<(i64,)> = match plan {
        Some(id) => {
            sqlx::query_as("SELECT id FROM plan WHERE id = ?")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }
        None => {
            sqlx::query_as("SELECT id FROM plan ORDER BY id DESC LIMIT 1")
                .fetch_optional(pool)
                .await?
        }
    };
    row.map(|(id,)| id).ok_or(ReadError::NoPlan)
}

async fn header(pool: &SqlitePool, plan_id: i64) -> Result<PlanHeader, ReadError> {
    let row: Option<(i64, String, String, i64, String)> = sqlx::query_as(
        "SELECT id, title, proposal_session, proposal_number, proposal_title FROM plan WHERE id = ?",
    )
    .bind(plan_id)
    .fetch_optional(pool)
    .await?;
    let (id, title, proposal_session, proposal_number, proposal_title) =
        row.ok_or(ReadError::NoPlan)?;
    Ok(PlanHeader {
        id,
        title,
        proposal_session,
        proposal_number,
        proposal_title,
    })
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, ReadError> {
    Ok(s.parse()?)
}

pub async fn overview(pool: &SqlitePool, plan_id: i64) -> Result<PlanOverview, ReadError> {
    let header = header(pool, plan_id).await?;
    let (issuer, issued_on, general_requirements): (Option<String>, Option<String>, String) =
        sqlx::query_as("SELECT issuer, issued_on, general_requirements FROM plan WHERE id = ?")
            .bind(plan_id)
            .fetch_one(pool)
            .await?;
    let phase_rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT number, name, start_on, end_on, description FROM phase
         WHERE plan_id = ? ORDER BY number",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    let mut phases = Vec::with_capacity(phase_rows.len());
    for (number, name, start, end, description) in phase_rows {
        phases.push(PhaseView {
            number,
            name,
            start: parse_date(&start)?,
            end: parse_date(&end)?,
            description,
        });
    }
    let requirements = sqlx::query_as::<_, (i64, String, String)>(
        "SELECT number, title, body FROM requirement WHERE plan_id = ? ORDER BY number",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(number, title, body)| RequirementView {
        number,
        title,
        body,
    })
    .collect();
    let (section_count, task_count, member_unit_count): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM plan_section WHERE plan_id = ?1),
                (SELECT COUNT(*) FROM task WHERE plan_id = ?1),
                (SELECT COUNT(*) FROM unit WHERE plan_id = ?1 AND is_member = 1)",
    )
    .bind(plan_id)
    .fetch_one(pool)
    .await?;
    Ok(PlanOverview {
        header,
        issuer,
        issued_on: issued_on.as_deref().map(parse_date).transpose()?,
        general_requirements,
        phases,
        requirements,
        section_count,
        task_count,
        member_unit_count,
        today: crate::clock::today(),
    })
}

/// Rows of `task` with their directly named units, in document order.
async fn task_rows(
    pool: &SqlitePool,
    plan_id: i64,
    only_task: Option<i64>,
) -> Result<Vec<TaskRow>, ReadError> {
    let tasks: Vec<(i64, i64, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT t.id, s.number, t.number, t.title, t.body
         FROM task t JOIN plan_section s ON s.id = t.section_id
         WHERE t.plan_id = ?1 AND (?2 IS NULL OR t.id = ?2)
         ORDER BY s.number, t.number",
    )
    .bind(plan_id)
    .bind(only_task)
    .fetch_all(pool)
    .await?;
    let links: Vec<(i64, String, i64, String, String)> = sqlx::query_as(
        "SELECT tu.task_id, tu.role, u.id, u.name, u.kind
         FROM task_unit tu JOIN task t ON t.id = tu.task_id JOIN unit u ON u.id = tu.unit_id
         WHERE t.plan_id = ?1 AND (?2 IS NULL OR t.id = ?2) AND tu.via_unit_id IS NULL
         ORDER BY tu.task_id, tu.position",
    )
    .bind(plan_id)
    .bind(only_task)
    .fetch_all(pool)
    .await?;
    let mut by_task: HashMap<i64, (Vec<UnitRef>, Vec<UnitRef>)> = HashMap::new();
    for (task_id, role, id, name, kind) in links {
        let unit = unit_ref(id, name, &kind);
        let entry = by_task.entry(task_id).or_default();
        match role_from(&role) {
            Role::Lead => entry.0.push(unit),
            Role::Responsible => entry.1.push(unit),
        }
    }
    Ok(tasks
        .into_iter()
        .map(|(id, section_number, number, title, body)| {
            let (lead, responsible) = by_task.remove(&id).unwrap_or_default();
            TaskRow {
                id,
                section_number,
                number,
                title,
                body,
                lead,
                responsible,
            }
        })
        .collect())
}

pub async fn tasks(pool: &SqlitePool, plan_id: i64) -> Result<PlanTasks, ReadError> {
    let header = header(pool, plan_id).await?;
    let sections: Vec<(i64, String)> =
        sqlx::query_as("SELECT number, title FROM plan_section WHERE plan_id = ? ORDER BY number")
            .bind(plan_id)
            .fetch_all(pool)
            .await?;
    let mut rows = task_rows(pool, plan_id, None).await?;
    let sections = sections
        .into_iter()
        .map(|(number, title)| {
            let (mine, rest): (Vec<_>, Vec<_>) =
                rows.drain(..).partition(|t| t.section_number == number);
            rows = rest;
            SectionView {
                number,
                title,
                tasks: mine,
            }
        })
        .collect();
    Ok(PlanTasks { header, sections })
}

pub async fn task_detail(pool: &SqlitePool, task_id: i64) -> Result<TaskDetail, ReadError> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT t.plan_id, s.title, t.full_text
         FROM task t JOIN plan_section s ON s.id = t.section_id WHERE t.id = ?",
    )
    .bind(task_id)
    .fetch_optional(pool)
    .await?;
    let (plan_id, section_title, full_text) = row.ok_or(ReadError::NoTask)?;
    let header = header(pool, plan_id).await?;
    let task = task_rows(pool, plan_id, Some(task_id))
        .await?
        .pop()
        .ok_or(ReadError::NoTask)?;
    let links = sqlx::query_as::<_, (i64, String, String, String, Option<String>, Option<String>)>(
        "SELECT u.id, u.name, u.kind, tu.role, v.name, tu.scope
         FROM task_unit tu JOIN unit u ON u.id = tu.unit_id
         LEFT JOIN unit v ON v.id = tu.via_unit_id
         WHERE tu.task_id = ? ORDER BY tu.position",
    )
    .bind(task_id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(id, name, kind, role, via, scope)| TaskLink {
        unit: unit_ref(id, name, &kind),
        role: role_from(&role),
        via,
        scope,
    })
    .collect();
    Ok(TaskDetail {
        header,
        section_title,
        task,
        full_text,
        links,
    })
}

/// id, name, kind, is_member, lead count, share count, aliases joined with 、
type UnitSummaryRow = (i64, String, String, bool, i64, i64, Option<String>);
/// role, role label, name, title, unit id, unit name, unit kind
type RosterRow = (
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
);

/// Units of a plan with how many tasks each leads and shares, in the importer's order.
async fn unit_summaries(
    pool: &SqlitePool,
    plan_id: i64,
    only_unit: Option<i64>,
) -> Result<Vec<UnitSummary>, ReadError> {
    let rows: Vec<UnitSummaryRow> = sqlx::query_as(
        "SELECT u.id, u.name, u.kind, u.is_member,
            (SELECT COUNT(DISTINCT task_id) FROM task_unit WHERE unit_id = u.id AND role = 'lead'),
            (SELECT COUNT(DISTINCT task_id) FROM task_unit
               WHERE unit_id = u.id AND role = 'responsible'),
            (SELECT group_concat(alias, '、') FROM unit_alias WHERE unit_id = u.id)
         FROM unit u WHERE u.plan_id = ?1 AND (?2 IS NULL OR u.id = ?2) ORDER BY u.position",
    )
    .bind(plan_id)
    .bind(only_unit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, kind, is_member, lead_count, share_count, aliases)| UnitSummary {
                unit: unit_ref(id, name, &kind),
                is_member,
                aliases: aliases
                    .map(|a| a.split('、').map(str::to_string).collect())
                    .unwrap_or_default(),
                lead_count,
                share_count,
            },
        )
        .collect())
}

pub async fn units(pool: &SqlitePool, plan_id: i64) -> Result<PlanUnits, ReadError> {
    Ok(PlanUnits {
        header: header(pool, plan_id).await?,
        units: unit_summaries(pool, plan_id, None).await?,
    })
}

async fn roster(
    pool: &SqlitePool,
    plan_id: i64,
    only_unit: Option<i64>,
) -> Result<Vec<RosterView>, ReadError> {
    let rows: Vec<RosterRow> = sqlx::query_as(
        "SELECT r.role, r.role_label, r.name, r.title, u.id, u.name, u.kind
             FROM roster_member r LEFT JOIN unit u ON u.id = r.unit_id
             WHERE r.plan_id = ?1 AND (?2 IS NULL OR r.unit_id = ?2) ORDER BY r.position",
    )
    .bind(plan_id)
    .bind(only_unit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(role, role_label, name, title, uid, uname, ukind)| RosterView {
                role: roster_role_from(&role),
                role_label,
                name,
                title,
                unit: match (uid, uname, ukind) {
                    (Some(id), Some(name), Some(kind)) => Some(unit_ref(id, name, &kind)),
                    _ => None,
                },
            },
        )
        .collect())
}

/// Every (unit, task, leads it) link of a plan, a unit that shares a task through a collective
/// included, in the plan's task order.
pub async fn unit_task_roles(
    pool: &SqlitePool,
    plan_id: i64,
) -> Result<Vec<(i64, i64, bool)>, ReadError> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT tu.unit_id, tu.task_id, tu.role
         FROM task_unit tu JOIN task t ON t.id = tu.task_id
         JOIN plan_section s ON s.id = t.section_id
         WHERE t.plan_id = ? ORDER BY s.number, t.number, tu.position",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(unit, task, role)| (unit, task, matches!(role_from(&role), Role::Lead)))
        .collect())
}

pub async fn unit_detail(pool: &SqlitePool, unit_id: i64) -> Result<UnitDetail, ReadError> {
    let plan: Option<(i64,)> = sqlx::query_as("SELECT plan_id FROM unit WHERE id = ?")
        .bind(unit_id)
        .fetch_optional(pool)
        .await?;
    let (plan_id,) = plan.ok_or(ReadError::NoUnit)?;
    let header = header(pool, plan_id).await?;
    let summary = unit_summaries(pool, plan_id, Some(unit_id))
        .await?
        .pop()
        .ok_or(ReadError::NoUnit)?;
    let links: Vec<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT tu.task_id, tu.role, v.name, tu.scope
         FROM task_unit tu JOIN task t ON t.id = tu.task_id
         LEFT JOIN unit v ON v.id = tu.via_unit_id
         WHERE tu.unit_id = ? ORDER BY tu.role, t.id",
    )
    .bind(unit_id)
    .fetch_all(pool)
    .await?;
    let all: HashMap<i64, TaskRow> = task_rows(pool, plan_id, None)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut tasks: Vec<UnitTask> = links
        .into_iter()
        .filter_map(|(task_id, role, via, scope)| {
            all.get(&task_id).cloned().map(|task| UnitTask {
                task,
                role: role_from(&role),
                via,
                scope,
            })
        })
        .collect();
    tasks.sort_by_key(|t| {
        (
            matches!(t.role, Role::Responsible),
            t.task.section_number,
            t.task.number,
        )
    });
    let members = sqlx::query_as::<_, (i64, String, String)>(
        "SELECT DISTINCT u.id, u.name, u.kind FROM task_unit tu JOIN unit u ON u.id = tu.unit_id
         WHERE tu.via_unit_id = ? ORDER BY u.position",
    )
    .bind(unit_id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(id, name, kind)| unit_ref(id, name, &kind))
    .collect();
    Ok(UnitDetail {
        header,
        summary,
        tasks,
        roster: roster(pool, plan_id, Some(unit_id)).await?,
        members,
    })
}

pub async fn leading_group(pool: &SqlitePool, plan_id: i64) -> Result<LeadingGroup, ReadError> {
    let header = header(pool, plan_id).await?;
    let office_unit = sqlx::query_as::<_, (i64, String, String)>(
        "SELECT u.id, u.name, u.kind FROM plan p JOIN unit u
           ON u.plan_id = p.id AND u.name = p.office_unit WHERE p.id = ?",
    )
    .bind(plan_id)
    .fetch_optional(pool)
    .await?
    .map(|(id, name, kind)| unit_ref(id, name, &kind));
    Ok(LeadingGroup {
        header,
        office_unit,
        roster: roster(pool, plan_id, None).await?,
    })
}
