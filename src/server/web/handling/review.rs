//! `/desk/handling`: the office's review — what waits (sub-plans and reports, oldest first),
//! each unit with its liaisons and the months it has not reported, a version's approval or
//! return, a report's acceptance or return, and audited values. Office only.

use super::view::{HandlingDeskPage, HandlingUnitPage, ReportReviewPage, SubplanReviewPage};
use super::{Done, HEAD, notice_of, task_names, today};
use crate::handling::period::Filing;
use crate::handling::subplan;
use crate::message::Bilingual;
use crate::server::repo::account::Account;
use crate::server::repo::handling::{self, HandlingError};
use crate::server::repo::plan::resolve_plan_id;
use crate::server::web::AppState;
use crate::server::web::extract::{Office, Staff, WebForm, see_other};
use crate::server::web::problem::Problem;
use crate::server::web::render::render_with_head;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

/// Each reporting unit of a plan with its latest sub-plan, the months it has not reported, its
/// summary and colour today (and, for the office, its liaisons); and the board they come from.
pub(super) async fn unit_lines(
    state: &AppState,
    plan_id: i64,
    with_liaisons: bool,
) -> Result<
    (
        handling::PlanSettings,
        Vec<super::view::UnitLine>,
        crate::handling::progress::Board,
    ),
    Problem,
> {
    let pool = &state.pool;
    let (settings, board) = handling::board(pool, plan_id, today()).await?;
    let units = handling::reporting_units(pool, plan_id).await?;
    let liaisons = if with_liaisons {
        handling::liaisons(pool, plan_id).await?
    } else {
        Default::default()
    };
    let states = handling::latest_states(pool, plan_id).await?;
    let mut lines = Vec::with_capacity(units.len());
    for u in units {
        let progress = board.unit(u.id);
        lines.push(super::view::UnitLine {
            id: u.id,
            name: u.name,
            liaisons: liaisons.get(&u.id).cloned().unwrap_or_default(),
            subplan: states.get(&u.id).copied(),
            missing: progress
                .map(|p| {
                    p.filings
                        .iter()
                        .filter(|(_, f)| *f == Filing::Missing)
                        .map(|(p, _)| *p)
                        .collect()
                })
                .unwrap_or_default(),
            summary: progress.map(|p| p.summary).unwrap_or_default(),
            rag: progress
                .and_then(|p| p.progress)
                .map(|p| p.rag(settings.measures.amber_points)),
        });
    }
    Ok((settings, lines, board))
}

/// `GET /desk/handling`: the latest plan's queue and units.
pub async fn get_queue(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    Query(q): Query<Done>,
) -> Result<Response, Problem> {
    let plan_id = resolve_plan_id(&state.pool, None)
        .await
        .map_err(|e| Problem::from(e).seen_by(&who))?;
    let queue = handling::queue(&state.pool, plan_id).await?;
    let (settings, units, _) = unit_lines(&state, plan_id, true).await?;
    let notice = notice_of(q.done.as_deref());
    let sample = handling::has_sample(&state.pool, plan_id).await?;
    Ok(render_with_head(
        &state,
        StatusCode::OK,
        "办理进展审核",
        HEAD,
        move || view! { <HandlingDeskPage who sample settings queue units notice /> }.into_any(),
    ))
}

/// `GET /desk/handling/units/{unit}`.
pub async fn get_unit(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    Path(unit): Path<String>,
) -> Result<Response, Problem> {
    let unit = match unit.parse::<i64>() {
        Ok(id) => handling::reporting_unit(&state.pool, id).await,
        Err(_) => Err(HandlingError::NoUnit),
    }
    .map_err(|e| Problem::from(e).seen_by(&who))?;
    let subplans = handling::subplans(&state.pool, unit.id).await?;
    let reports = handling::reports(&state.pool, unit.id).await?;
    Ok(render_with_head(
        &state,
        StatusCode::OK,
        &unit.name.clone(),
        HEAD,
        move || view! { <HandlingUnitPage who unit subplans reports /> }.into_any(),
    ))
}

fn id_of(raw: &str, missing: HandlingError) -> Result<i64, HandlingError> {
    raw.parse().map_err(|_| missing)
}

async fn subplan_page(
    state: &AppState,
    who: Account,
    id: i64,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, Problem> {
    let plan = handling::subplan(&state.pool, id)
        .await
        .map_err(|e| Problem::from(e).seen_by(&who))?;
    let unit = handling::reporting_unit(&state.pool, plan.unit_id).await?;
    let (_, names) = task_names(&state.pool, unit.plan_id).await?;
    let unit_name = unit.name;
    Ok(render_with_head(
        state,
        status,
        "分方案审核",
        HEAD,
        move || view! { <SubplanReviewPage who unit_name plan names error notice /> }.into_any(),
    ))
}

/// `GET /desk/handling/subplans/{id}`.
pub async fn get_subplan(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    Path(raw): Path<String>,
    Query(q): Query<Done>,
) -> Result<Response, Problem> {
    let id = id_of(&raw, HandlingError::NoSubplan).map_err(|e| Problem::from(e).seen_by(&who))?;
    let notice = notice_of(q.done.as_deref());
    subplan_page(&state, who, id, StatusCode::OK, None, notice).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Decision {
    decision: String,
    reason: String,
}

/// `POST /desk/handling/subplans/{id}/decide` with `decision` (`approve` or `return`) and
/// `reason` (required to return).
pub async fn post_decide(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    Path(raw): Path<String>,
    WebForm(f): WebForm<Decision>,
) -> Result<Response, Problem> {
    let id = id_of(&raw, HandlingError::NoSubplan).map_err(|e| Problem::from(e).seen_by(&who))?;
    let approve = match f.decision.as_str() {
        "approve" => true,
        "return" => false,
        _ => {
            let message = "请选择“审核通过”或“退回修改”。".to_string();
            return subplan_page(
                &state,
                who,
                id,
                StatusCode::BAD_REQUEST,
                Some(message),
                None,
            )
            .await;
        }
    };
    match handling::decide(&state.pool, id, approve, &f.reason, &who.login).await {
        Ok(_) => {
            let done = if approve { "approved" } else { "returned" };
            Ok(see_other(&format!(
                "/desk/handling/subplans/{id}?done={done}"
            )))
        }
        Err(e @ (HandlingError::NoReason | HandlingError::WrongState(..))) => {
            let status = super::status_of(&e);
            subplan_page(&state, who, id, status, Some(e.zh()), None).await
        }
        Err(e) => Err(Problem::from(e).seen_by(&who)),
    }
}

async fn report_page(
    state: &AppState,
    who: Account,
    id: i64,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, Problem> {
    let report = handling::report(&state.pool, id)
        .await
        .map_err(|e| Problem::from(e).seen_by(&who))?;
    let plan = handling::subplan(&state.pool, report.subplan_id).await?;
    let unit = handling::reporting_unit(&state.pool, report.unit_id).await?;
    let (_, names) = task_names(&state.pool, unit.plan_id).await?;
    let unit_name = unit.name;
    Ok(render_with_head(
        state,
        status,
        "报告审核",
        HEAD,
        move || {
            view! { <ReportReviewPage who unit_name report plan names error notice /> }.into_any()
        },
    ))
}

/// `GET /desk/handling/reports/{id}`.
pub async fn get_report(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    Path(raw): Path<String>,
    Query(q): Query<Done>,
) -> Result<Response, Problem> {
    let id = id_of(&raw, HandlingError::NoReport).map_err(|e| Problem::from(e).seen_by(&who))?;
    let notice = notice_of(q.done.as_deref());
    report_page(&state, who, id, StatusCode::OK, None, notice).await
}

/// `POST /desk/handling/reports/{id}/review` with `decision` (`accept` or `return`) and
/// `reason` (required to return).
pub async fn post_review(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    Path(raw): Path<String>,
    WebForm(f): WebForm<Decision>,
) -> Result<Response, Problem> {
    let id = id_of(&raw, HandlingError::NoReport).map_err(|e| Problem::from(e).seen_by(&who))?;
    let accept = match f.decision.as_str() {
        "accept" => true,
        "return" => false,
        _ => {
            let message = "请选择“审核通过”或“退回”。".to_string();
            return report_page(
                &state,
                who,
                id,
                StatusCode::BAD_REQUEST,
                Some(message),
                None,
            )
            .await;
        }
    };
    match handling::review_report(&state.pool, id, accept, &f.reason, &who.login).await {
        Ok(_) => {
            let done = if accept { "accepted" } else { "returned" };
            Ok(see_other(&format!(
                "/desk/handling/reports/{id}?done={done}"
            )))
        }
        Err(e @ (HandlingError::NoReason | HandlingError::WrongState(..))) => {
            let status = super::status_of(&e);
            report_page(&state, who, id, status, Some(e.zh()), None).await
        }
        Err(e) => Err(Problem::from(e).seen_by(&who)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditForm {
    code: String,
    value: String,
    reason: String,
}

/// `POST /desk/handling/reports/{id}/audit` with `code` (the indicator's), `value` and `reason`.
pub async fn post_audit(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    Path(raw): Path<String>,
    WebForm(f): WebForm<AuditForm>,
) -> Result<Response, Problem> {
    let id = id_of(&raw, HandlingError::NoReport).map_err(|e| Problem::from(e).seen_by(&who))?;
    let (Ok(code), Some(value)) = (f.code.trim().parse::<i64>(), subplan::number(&f.value)) else {
        let message = format!("审核值“{}”不是数字。", f.value.trim());
        return report_page(
            &state,
            who,
            id,
            StatusCode::BAD_REQUEST,
            Some(message),
            None,
        )
        .await;
    };
    match handling::set_audited(&state.pool, id, code, value, &f.reason, &who.login).await {
        Ok(()) => Ok(see_other(&format!(
            "/desk/handling/reports/{id}?done=audited"
        ))),
        Err(e @ (HandlingError::NoReason | HandlingError::Form(_))) => {
            report_page(&state, who, id, StatusCode::BAD_REQUEST, Some(e.zh()), None).await
        }
        Err(e) => Err(Problem::from(e).seen_by(&who)),
    }
}
