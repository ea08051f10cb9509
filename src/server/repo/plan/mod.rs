//! Storing an imported plan (one transaction) and reading it back for the pages.

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
    hex::encode(hasher.finalize())
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

mod read;
pub use read::*;
