//! Server functions of the plan pages: the overview, tasks, units and the leading group.

use crate::error::AppError;
use crate::model::plan::*;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
impl From<crate::server::repo::plan::ReadError> for AppError {
    fn from(e: crate::server::repo::plan::ReadError) -> AppError {
        use crate::message::Bilingual;
        use crate::server::repo::plan::ReadError;
        match e {
            ReadError::NoPlan | ReadError::NoTask | ReadError::NoUnit => AppError::NotFound(e.zh()),
            ReadError::Damaged(_) | ReadError::Db(_) => AppError::internal(e),
        }
    }
}

/// The overview of a plan; `None` means the most recently imported one.
#[server(endpoint = "plan/overview", input = GetUrl)]
pub async fn get_overview(plan: Option<String>) -> Result<PlanOverview, AppError> {
    use crate::api::context::{pool_from_context, respond};
    use crate::server::repo;
    respond(async move {
        let pool = pool_from_context()?;
        let id = repo::plan::resolve_plan_id(&pool, parse_id("plan", plan.as_deref())?).await?;
        Ok(repo::plan::overview(&pool, id).await?)
    })
    .await
}

#[server(endpoint = "plan/tasks", input = GetUrl)]
pub async fn get_tasks(plan: Option<String>) -> Result<PlanTasks, AppError> {
    use crate::api::context::{pool_from_context, respond};
    use crate::server::repo;
    respond(async move {
        let pool = pool_from_context()?;
        let id = repo::plan::resolve_plan_id(&pool, parse_id("plan", plan.as_deref())?).await?;
        Ok(repo::plan::tasks(&pool, id).await?)
    })
    .await
}

#[server(endpoint = "plan/task", input = GetUrl)]
pub async fn get_task(id: Option<String>) -> Result<TaskDetail, AppError> {
    use crate::api::context::{pool_from_context, respond};
    use crate::server::repo;
    respond(async move {
        let pool = pool_from_context()?;
        Ok(repo::plan::task_detail(&pool, require_id(id.as_deref())?).await?)
    })
    .await
}

#[server(endpoint = "plan/units", input = GetUrl)]
pub async fn get_units(plan: Option<String>) -> Result<PlanUnits, AppError> {
    use crate::api::context::{pool_from_context, respond};
    use crate::server::repo;
    respond(async move {
        let pool = pool_from_context()?;
        let id = repo::plan::resolve_plan_id(&pool, parse_id("plan", plan.as_deref())?).await?;
        Ok(repo::plan::units(&pool, id).await?)
    })
    .await
}

#[server(endpoint = "plan/unit", input = GetUrl)]
pub async fn get_unit(id: Option<String>) -> Result<UnitDetail, AppError> {
    use crate::api::context::{pool_from_context, respond};
    use crate::server::repo;
    respond(async move {
        let pool = pool_from_context()?;
        Ok(repo::plan::unit_detail(&pool, require_id(id.as_deref())?).await?)
    })
    .await
}

#[server(endpoint = "plan/group", input = GetUrl)]
pub async fn get_group(plan: Option<String>) -> Result<LeadingGroup, AppError> {
    use crate::api::context::{pool_from_context, respond};
    use crate::server::repo;
    respond(async move {
        let pool = pool_from_context()?;
        let id = repo::plan::resolve_plan_id(&pool, parse_id("plan", plan.as_deref())?).await?;
        Ok(repo::plan::leading_group(&pool, id).await?)
    })
    .await
}
