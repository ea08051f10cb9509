//! Storing an imported plan (one transaction) and reading it back for the pages.

use crate::error::AppError;
use crate::model::plan::*;
use crate::plan::model::{ParsedPlan, Role, RosterRole, UnitKind, Warning};
use crate::plan::{ParseError, parse_plan};
use sha2::{Digest, Sha256};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::collections::HashMap;

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub plan_id: i64,
    /// False when the same text had been imported before (nothing was written).
    pub created: bool,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the plan could not be parsed: {0}")]
    Parse(#[from] ParseError),
    #[error("the plan could not be stored: {0}")]
    Db(#[from] sqlx::Error),
}

/// The text's fingerprint: line endings and trailing spaces do not make a new plan.
pub fn source_fingerprint(text: &str) -> String {
    let mut hasher = Sha256::new();
    for line in text.lines() {
        hasher.update(line.trim_end().as_bytes());
        hasher.update(b"\n");
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Parses `text` and stores the plan in one transaction. Importing the same text again
/// returns the plan stored the first time. Recorded in the audit trail as done by `system`.
pub async fn import(pool: &SqlitePool, text: &str) -> Result<ImportOutcome, ImportError> {
    import_as(pool, text, "system").await
}

/// [`import`] on behalf of `actor` (a login, or `cli:<user>`).
pub async fn import_as(
    pool: &SqlitePool,
    text: &str,
    actor: &str,
) -> Result<ImportOutcome, ImportError> {
    let parsed = parse_plan(text)?;
    let fingerprint = source_fingerprint(text);
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM plan WHERE source_sha256 = ?")
        .bind(&fingerprint)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some((plan_id,)) = existing {
        return Ok(ImportOutcome {
            plan_id,
            created: false,
            warnings: parsed.warnings,
        });
    }
    let plan_id = insert_plan(&mut tx, &parsed, text, &fingerprint).await?;
    crate::server::repo::audit::record(
        &mut tx,
        actor,
        "plan.import",
        &format!("plan {plan_id}"),
        serde_json::json!({
            "title": parsed.title, "sha256": fingerprint, "warnings": parsed.warnings.len(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(ImportOutcome {
        plan_id,
        created: true,
        warnings: parsed.warnings,
    })
}

pub fn kind_str(kind: &UnitKind) -> &'static str {
    match kind {
        UnitKind::Municipal => "municipal",
        UnitKind::District => "district",
        UnitKind::Zone => "zone",
        UnitKind::Collective => "collective",
    }
}

fn kind_from(s: &str) -> UnitKind {
    match s {
        "district" => UnitKind::District,
        "zone" => UnitKind::Zone,
        "collective" => UnitKind::Collective,
        _ => UnitKind::Municipal,
    }
}

fn unit_ref(id: i64, name: String, kind: &str) -> UnitRef {
    UnitRef {
        id,
        name,
        kind: kind_from(kind),
    }
}

fn role_str(role: &Role) -> &'static str {
    match role {
        Role::Lead => "lead",
        Role::Responsible => "responsible",
    }
}

fn role_from(s: &str) -> Role {
    if s == "lead" {
        Role::Lead
    } else {
        Role::Responsible
    }
}

fn roster_role_str(role: &RosterRole) -> &'static str {
    match role {
        RosterRole::Leader => "leader",
        RosterRole::DeputyLeader => "deputy_leader",
        RosterRole::Member => "member",
    }
}

fn roster_role_from(s: &str) -> RosterRole {
    match s {
        "leader" => RosterRole::Leader,
        "deputy_leader" => RosterRole::DeputyLeader,
        _ => RosterRole::Member,
    }
}

async fn insert_plan(
    tx: &mut Transaction<'_, Sqlite>,
    p: &ParsedPlan,
    text: &str,
    fingerprint: &str,
) -> Result<i64, sqlx::Error> {
    let warnings = serde_json::to_string(&p.warnings).unwrap_or_else(|_| "[]".into());
    let plan_id = sqlx::query(
        "INSERT INTO plan (source_sha256, title, proposal_session, proposal_number, proposal_title,
             issuer, issued_on, published_at, general_requirements, office_unit, source_text,
             warnings_json, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(fingerprint)
    .bind(&p.title)
    .bind(&p.proposal.session)
    .bind(p.proposal.number as i64)
    .bind(&p.proposal.title)
    .bind(&p.issuer)
    .bind(p.issued_on.map(|d| d.to_string()))
    .bind(&p.published_at)
    .bind(&p.general_requirements)
    .bind(&p.office_unit)
    .bind(text)
    .bind(warnings)
    .bind(crate::clock::now().to_rfc3339())
    .execute(&mut **tx)
    .await?
    .last_insert_rowid();

    let mut unit_ids: HashMap<&str, i64> = HashMap::new();
    for (position, unit) in p.units.iter().enumerate() {
        let id = sqlx::query(
            "INSERT INTO unit (plan_id, name, kind, is_member, position) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(plan_id)
        .bind(&unit.name)
        .bind(kind_str(&unit.kind))
        .bind(unit.member)
        .bind(position as i64)
        .execute(&mut **tx)
        .await?
        .last_insert_rowid();
        for alias in &unit.aliases {
            sqlx::query("INSERT OR IGNORE INTO unit_alias (unit_id, alias) VALUES (?, ?)")
                .bind(id)
                .bind(alias)
                .execute(&mut **tx)
                .await?;
        }
        unit_ids.insert(unit.name.as_str(), id);
    }
    let unit_id = |name: &str| -> Result<i64, sqlx::Error> {
        unit_ids.get(name).copied().ok_or_else(|| {
            sqlx::Error::Protocol(format!("the importer linked an unknown unit: {name}"))
        })
    };

    for section in &p.sections {
        let section_id =
            sqlx::query("INSERT INTO plan_section (plan_id, number, title) VALUES (?, ?, ?)")
                .bind(plan_id)
                .bind(section.number as i64)
                .bind(&section.title)
                .execute(&mut **tx)
                .await?
                .last_insert_rowid();
        for task in &section.tasks {
            let task_id = sqlx::query(
                "INSERT INTO task (plan_id, section_id, number, title, body, full_text, source_line)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(plan_id)
            .bind(section_id)
            .bind(task.number as i64)
            .bind(&task.title)
            .bind(&task.body)
            .bind(&task.text)
            .bind(task.line as i64)
            .execute(&mut **tx)
            .await?
            .last_insert_rowid();
            for (position, link) in task.links.iter().enumerate() {
                let via = match &link.via {
                    Some(v) => Some(unit_id(v)?),
                    None => None,
                };
                sqlx::query(
                    "INSERT INTO task_unit (task_id, unit_id, role, via_unit_id, scope, position)
                     VALUES (?, ?, ?, ?, ?, ?)",
                )
                .bind(task_id)
                .bind(unit_id(&link.unit)?)
                .bind(role_str(&link.role))
                .bind(via)
                .bind(&link.scope)
                .bind(position as i64)
                .execute(&mut **tx)
                .await?;
            }
        }
    }

    for phase in &p.phases {
        sqlx::query(
            "INSERT INTO phase (plan_id, number, name, start_on, end_on, description)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(plan_id)
        .bind(phase.number as i64)
        .bind(&phase.name)
        .bind(phase.start.to_string())
        .bind(phase.end.to_string())
        .bind(&phase.text)
        .execute(&mut **tx)
        .await?;
    }
    for r in &p.requirements {
        sqlx::query("INSERT INTO requirement (plan_id, number, title, body) VALUES (?, ?, ?, ?)")
            .bind(plan_id)
            .bind(r.number as i64)
            .bind(&r.title)
            .bind(&r.text)
            .execute(&mut **tx)
            .await?;
    }
    for (position, m) in p.roster.iter().enumerate() {
        let unit = match &m.unit {
            Some(u) => Some(unit_id(u)?),
            None => None,
        };
        sqlx::query(
            "INSERT INTO roster_member (plan_id, position, role, role_label, name, title,
                 title_as_written, unit_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(plan_id)
        .bind(position as i64)
        .bind(roster_role_str(&m.role))
        .bind(&m.role_label)
        .bind(&m.name)
        .bind(&m.title)
        .bind(&m.title_as_written)
        .bind(unit)
        .execute(&mut **tx)
        .await?;
    }
    Ok(plan_id)
}

// ---------------------------------------------------------------------------------------------
// Reading, for the pages.

fn not_found_plan() -> AppError {
    AppError::NotFound("找不到这个工作方案。".into())
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
pub async fn resolve_plan_id(pool: &SqlitePool, plan: Option<i64>) -> Result<i64, AppError> {
    let row: Option<(i64,)> = match plan {
        Some(id) => sqlx::query_as("SELECT id FROM plan WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(AppError::internal)?,
        None => sqlx::query_as("SELECT id FROM plan ORDER BY id DESC LIMIT 1")
            .fetch_optional(pool)
            .await
            .map_err(AppError::internal)?,
    };
    row.map(|(id,)| id).ok_or_else(not_found_plan)
}

async fn header(pool: &SqlitePool, plan_id: i64) -> Result<PlanHeader, AppError> {
    let row: Option<(i64, String, String, i64, String)> = sqlx::query_as(
        "SELECT id, title, proposal_session, proposal_number, proposal_title FROM plan WHERE id = ?",
    )
    .bind(plan_id)
    .fetch_optional(pool)
    .await
    .map_err(AppError::internal)?;
    let (id, title, proposal_session, proposal_number, proposal_title) =
        row.ok_or_else(not_found_plan)?;
    Ok(PlanHeader {
        id,
        title,
        proposal_session,
        proposal_number,
        proposal_title,
    })
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, AppError> {
    s.parse().map_err(AppError::internal)
}

pub async fn overview(pool: &SqlitePool, plan_id: i64) -> Result<PlanOverview, AppError> {
    let header = header(pool, plan_id).await?;
    let (issuer, issued_on, general_requirements): (Option<String>, Option<String>, String) =
        sqlx::query_as("SELECT issuer, issued_on, general_requirements FROM plan WHERE id = ?")
            .bind(plan_id)
            .fetch_one(pool)
            .await
            .map_err(AppError::internal)?;
    let phase_rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT number, name, start_on, end_on, description FROM phase
         WHERE plan_id = ? ORDER BY number",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await
    .map_err(AppError::internal)?;
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
    .await
    .map_err(AppError::internal)?
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
    .await
    .map_err(AppError::internal)?;
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
        today: chrono::Local::now().date_naive(),
    })
}

/// Rows of `task` with their directly named units, in document order.
async fn task_rows(
    pool: &SqlitePool,
    plan_id: i64,
    only_task: Option<i64>,
) -> Result<Vec<TaskRow>, AppError> {
    let tasks: Vec<(i64, i64, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT t.id, s.number, t.number, t.title, t.body
         FROM task t JOIN plan_section s ON s.id = t.section_id
         WHERE t.plan_id = ?1 AND (?2 IS NULL OR t.id = ?2)
         ORDER BY s.number, t.number",
    )
    .bind(plan_id)
    .bind(only_task)
    .fetch_all(pool)
    .await
    .map_err(AppError::internal)?;
    let links: Vec<(i64, String, i64, String, String)> = sqlx::query_as(
        "SELECT tu.task_id, tu.role, u.id, u.name, u.kind
         FROM task_unit tu JOIN task t ON t.id = tu.task_id JOIN unit u ON u.id = tu.unit_id
         WHERE t.plan_id = ?1 AND (?2 IS NULL OR t.id = ?2) AND tu.via_unit_id IS NULL
         ORDER BY tu.task_id, tu.position",
    )
    .bind(plan_id)
    .bind(only_task)
    .fetch_all(pool)
    .await
    .map_err(AppError::internal)?;
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

pub async fn tasks(pool: &SqlitePool, plan_id: i64) -> Result<PlanTasks, AppError> {
    let header = header(pool, plan_id).await?;
    let sections: Vec<(i64, String)> =
        sqlx::query_as("SELECT number, title FROM plan_section WHERE plan_id = ? ORDER BY number")
            .bind(plan_id)
            .fetch_all(pool)
            .await
            .map_err(AppError::internal)?;
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

fn not_found_task() -> AppError {
    AppError::NotFound("找不到这项任务。".into())
}

pub async fn task_detail(pool: &SqlitePool, task_id: i64) -> Result<TaskDetail, AppError> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT t.plan_id, s.title, t.full_text
         FROM task t JOIN plan_section s ON s.id = t.section_id WHERE t.id = ?",
    )
    .bind(task_id)
    .fetch_optional(pool)
    .await
    .map_err(AppError::internal)?;
    let (plan_id, section_title, full_text) = row.ok_or_else(not_found_task)?;
    let header = header(pool, plan_id).await?;
    let task = task_rows(pool, plan_id, Some(task_id))
        .await?
        .pop()
        .ok_or_else(not_found_task)?;
    let links = sqlx::query_as::<_, (i64, String, String, String, Option<String>, Option<String>)>(
        "SELECT u.id, u.name, u.kind, tu.role, v.name, tu.scope
         FROM task_unit tu JOIN unit u ON u.id = tu.unit_id
         LEFT JOIN unit v ON v.id = tu.via_unit_id
         WHERE tu.task_id = ? ORDER BY tu.position",
    )
    .bind(task_id)
    .fetch_all(pool)
    .await
    .map_err(AppError::internal)?
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
) -> Result<Vec<UnitSummary>, AppError> {
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
    .await
    .map_err(AppError::internal)?;
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

pub async fn units(pool: &SqlitePool, plan_id: i64) -> Result<PlanUnits, AppError> {
    Ok(PlanUnits {
        header: header(pool, plan_id).await?,
        units: unit_summaries(pool, plan_id, None).await?,
    })
}

async fn roster(
    pool: &SqlitePool,
    plan_id: i64,
    only_unit: Option<i64>,
) -> Result<Vec<RosterView>, AppError> {
    let rows: Vec<RosterRow> = sqlx::query_as(
        "SELECT r.role, r.role_label, r.name, r.title, u.id, u.name, u.kind
             FROM roster_member r LEFT JOIN unit u ON u.id = r.unit_id
             WHERE r.plan_id = ?1 AND (?2 IS NULL OR r.unit_id = ?2) ORDER BY r.position",
    )
    .bind(plan_id)
    .bind(only_unit)
    .fetch_all(pool)
    .await
    .map_err(AppError::internal)?;
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

pub async fn unit_detail(pool: &SqlitePool, unit_id: i64) -> Result<UnitDetail, AppError> {
    let plan: Option<(i64,)> = sqlx::query_as("SELECT plan_id FROM unit WHERE id = ?")
        .bind(unit_id)
        .fetch_optional(pool)
        .await
        .map_err(AppError::internal)?;
    let (plan_id,) = plan.ok_or_else(|| AppError::NotFound("找不到这个单位。".into()))?;
    let header = header(pool, plan_id).await?;
    let summary = unit_summaries(pool, plan_id, Some(unit_id))
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound("找不到这个单位。".into()))?;
    let links: Vec<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT tu.task_id, tu.role, v.name, tu.scope
         FROM task_unit tu JOIN task t ON t.id = tu.task_id
         LEFT JOIN unit v ON v.id = tu.via_unit_id
         WHERE tu.unit_id = ? ORDER BY tu.role, t.id",
    )
    .bind(unit_id)
    .fetch_all(pool)
    .await
    .map_err(AppError::internal)?;
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
    .await
    .map_err(AppError::internal)?
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

pub async fn leading_group(pool: &SqlitePool, plan_id: i64) -> Result<LeadingGroup, AppError> {
    let header = header(pool, plan_id).await?;
    let office_unit = sqlx::query_as::<_, (i64, String, String)>(
        "SELECT u.id, u.name, u.kind FROM plan p JOIN unit u
           ON u.plan_id = p.id AND u.name = p.office_unit WHERE p.id = ?",
    )
    .bind(plan_id)
    .fetch_optional(pool)
    .await
    .map_err(AppError::internal)?
    .map(|(id, name, kind)| unit_ref(id, name, &kind));
    Ok(LeadingGroup {
        header,
        office_unit,
        roster: roster(pool, plan_id, None).await?,
    })
}
