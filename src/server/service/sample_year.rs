//! The sample year (`crate::handling::sample`) stored for a plan: loaded on the first start of
//! an empty database (the seed plan), with `ceping handling sample`; removed with
//! `ceping handling sample --remove`.

use crate::handling::sample::{PER_LEAD, PER_SHARE, SampleInput, year_with};
use crate::plan::label::heading_of;
use crate::server::repo::handling::{self, HandlingError};
use crate::server::repo::plan;
use sqlx::SqlitePool;

/// What loading did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loaded {
    /// This many units' sub-plans and reports were stored.
    Units(usize),
    /// The plan has the sample already.
    Already,
    /// The plan has real sub-plans or reports: the sample would mix with them.
    RealData,
}

/// Loads the sample year ([`crate::handling::sample::year`]).
pub async fn load(pool: &SqlitePool, plan_id: i64, actor: &str) -> Result<Loaded, HandlingError> {
    load_with(pool, plan_id, actor, PER_LEAD, PER_SHARE).await
}

/// [`load`] with `per_lead` and `per_share` indicators per task (`scripts/bench-handling.sh`
/// loads a full year of 5 and 5).
pub async fn load_with(
    pool: &SqlitePool,
    plan_id: i64,
    actor: &str,
    per_lead: usize,
    per_share: usize,
) -> Result<Loaded, HandlingError> {
    let settings = handling::settings(pool, plan_id).await?;
    let tasks = plan::tasks(pool, plan_id).await.map_err(|e| match e {
        plan::ReadError::Db(e) => HandlingError::Db(e),
        _ => HandlingError::NoUnit,
    })?;
    let heading = |task: i64| {
        tasks
            .sections
            .iter()
            .flat_map(|s| &s.tasks)
            .find(|t| t.id == task)
            .map(|t| heading_of(t.title.as_deref(), &t.body))
            .unwrap_or_default()
    };
    let inputs: Vec<SampleInput> = handling::reporting_units(pool, plan_id)
        .await?
        .into_iter()
        .map(|u| SampleInput {
            unit_id: u.id,
            tasks: u
                .tasks
                .iter()
                .map(|(t, lead)| (*t, *lead, heading(*t)))
                .collect(),
        })
        .collect();
    let (periods, due_day) = (&settings.measures.periods, settings.measures.due_day);
    let sample = year_with(&inputs, periods, due_day, per_lead, per_share);
    Ok(
        match handling::insert_sample(pool, plan_id, &sample, actor).await? {
            None => Loaded::RealData,
            Some(0) => Loaded::Already,
            Some(n) => Loaded::Units(n),
        },
    )
}
