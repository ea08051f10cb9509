//! The public board: the plan's progress by section and task, each unit's colour and the
//! unit × month grid of filings (`/plans/{plan}/progress`, `/progress` for the latest plan),
//! one unit's year (`/progress/units/{id}`), one task's indicators (`/progress/tasks/{id}`).
//! Everything is computed from the stored reports by `handling::progress::compute`.

use super::review::unit_lines;
use super::view::{BoardPage, BoardSection, BoardTask, TaskName, TaskRecordPage, UnitRecordPage};
use super::{HEAD, task_names, today};
use crate::handling::progress::compute;
use crate::plan::label::numeral;
use crate::server::repo::handling::{self, HandlingError};
use crate::server::repo::plan::{self as read, resolve_plan_id};
use crate::server::web::AppState;
use crate::server::web::problem::Problem;
use crate::server::web::render::render_with_head;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use std::collections::HashMap;

/// `GET /progress`: the latest plan's board.
pub async fn get_latest(State(state): State<AppState>) -> Result<Response, Problem> {
    let plan_id = resolve_plan_id(&state.pool, None).await?;
    board(&state, plan_id).await
}

/// `GET /plans/{plan}/progress`.
pub async fn get_board(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    let id = raw.parse().map_err(|_| read::ReadError::NoPlan)?;
    let plan_id = resolve_plan_id(&state.pool, Some(id)).await?;
    board(&state, plan_id).await
}

async fn board(state: &AppState, plan_id: i64) -> Result<Response, Problem> {
    let pool = &state.pool;
    let (settings, units, board) = unit_lines(state, plan_id, false).await?;
    let day = board.day;
    let amber = settings.measures.amber_points;
    let tasks = read::tasks(pool, plan_id).await?;
    let (_, names) = task_names(pool, plan_id).await?;
    let sections = tasks
        .sections
        .iter()
        .map(|s| {
            let progress = board
                .sections
                .iter()
                .find(|p| p.number == s.number)
                .and_then(|p| p.progress);
            BoardSection {
                title: format!("（{}）{}", numeral(s.number), s.title),
                progress,
                rag: progress.map(|p| p.rag(amber)),
                tasks: s
                    .tasks
                    .iter()
                    .map(|t| {
                        let tp = board.task(t.id);
                        let progress = tp.and_then(|p| p.progress);
                        BoardTask {
                            id: t.id,
                            name: names.get(&t.id).cloned().unwrap_or(TaskName {
                                label: String::new(),
                                heading: String::new(),
                            }),
                            progress,
                            summary: tp.map(|p| p.summary).unwrap_or_default(),
                            rag: progress.map(|p| p.rag(amber)),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let periods = settings.measures.periods.clone();
    let grid = board
        .units
        .iter()
        .map(|u| (u.unit_id, u.filings.iter().map(|(_, f)| *f).collect()))
        .collect();
    let plan = board.plan;
    let plan_rag = plan.map(|p| p.rag(amber));
    let plan_title = tasks.header.title;
    let day = day.to_string();
    let sample = handling::has_sample(pool, plan_id).await?;
    Ok(render_with_head(
        state,
        StatusCode::OK,
        "办理进展",
        HEAD,
        move || {
            view! { <BoardPage plan_id plan_title sample day plan plan_rag sections units periods grid /> }
                .into_any()
        },
    ))
}

/// `GET /progress/units/{unit}`.
pub async fn get_unit(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    let pool = &state.pool;
    let unit = match raw.parse::<i64>() {
        Ok(id) => handling::reporting_unit(pool, id).await?,
        Err(_) => return Err(HandlingError::NoUnit.into()),
    };
    let (settings, board) = handling::board(pool, unit.plan_id, today()).await?;
    let (plan_title, names) = task_names(pool, unit.plan_id).await?;
    let approved = handling::approved(pool, unit.id).await?;
    let reports = handling::reports(pool, unit.id).await?;
    let amber = settings.measures.amber_points;
    let mine = board.unit(unit.id).cloned();
    let indicators = board
        .tasks
        .iter()
        .flat_map(|t| &t.units)
        .filter(|u| u.unit_id == unit.id)
        .flat_map(|u| u.indicators.clone())
        .collect();
    let filings = mine.as_ref().map(|u| u.filings.clone()).unwrap_or_default();
    let summary = mine.as_ref().map(|u| u.summary).unwrap_or_default();
    let progress = mine.as_ref().and_then(|u| u.progress);
    let rag = progress.map(|p| p.rag(amber));
    let title = unit.name.clone();
    let sample = handling::has_sample(pool, unit.plan_id).await?;
    Ok(render_with_head(
        &state,
        StatusCode::OK,
        &title,
        HEAD,
        move || {
            view! {
            <UnitRecordPage plan_title sample unit names approved indicators filings summary progress rag reports />
        }
        .into_any()
        },
    ))
}

/// `GET /progress/tasks/{task}`.
pub async fn get_task(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    let pool = &state.pool;
    let task_id: i64 = raw.parse().map_err(|_| read::ReadError::NoTask)?;
    let detail = read::task_detail(pool, task_id).await?;
    let plan_id = detail.header.id;
    let (settings, board) = handling::board(pool, plan_id, today()).await?;
    let (plan_title, names) = task_names(pool, plan_id).await?;
    let unit_names: HashMap<i64, String> = handling::reporting_units(pool, plan_id)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let amber = settings.measures.amber_points;
    let tp = board.task(task_id).cloned();
    let progress = tp.as_ref().and_then(|t| t.progress);
    let rag = progress.map(|p| p.rag(amber));
    let summary = tp.as_ref().map(|t| t.summary).unwrap_or_default();
    let indicators = tp
        .map(|t| t.units.into_iter().flat_map(|u| u.indicators).collect())
        .unwrap_or_default();
    let name = names
        .get(&task_id)
        .cloned()
        .ok_or(read::ReadError::NoTask)?;
    let sample = handling::has_sample(pool, plan_id).await?;
    Ok(render_with_head(
        &state,
        StatusCode::OK,
        &name.label.clone(),
        HEAD,
        move || {
            view! {
            <TaskRecordPage plan_title sample task_id name progress rag summary indicators names unit_names />
        }
        .into_any()
        },
    ))
}

fn svg(body: String) -> Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml; charset=utf-8"),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `GET /plans/{plan}/progress/grid.svg`: the unit × month grid of filings as a chart.
pub async fn get_grid_chart(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    use crate::charts::handling::{Cell, GridRow, filing_grid};
    use crate::handling::period::Filing;
    let id = raw.parse().map_err(|_| read::ReadError::NoPlan)?;
    let plan_id = resolve_plan_id(&state.pool, Some(id)).await?;
    let (settings, units, board) = unit_lines(&state, plan_id, false).await?;
    let names: HashMap<i64, String> = units.into_iter().map(|u| (u.id, u.name)).collect();
    let months: Vec<String> = settings
        .measures
        .periods
        .iter()
        .map(|p| format!("{}月", p.month))
        .collect();
    let rows: Vec<GridRow> = board
        .units
        .iter()
        .map(|u| GridRow {
            label: names.get(&u.unit_id).cloned().unwrap_or_default(),
            cells: u
                .filings
                .iter()
                .map(|(_, f)| match f {
                    Filing::OnTime => Cell::OnTime,
                    Filing::Late => Cell::Late,
                    Filing::Missing => Cell::Missing,
                    Filing::Returned => Cell::Returned,
                    Filing::NotDue => Cell::NotDue,
                })
                .collect(),
        })
        .collect();
    Ok(svg(filing_grid("各单位月报报送情况", &months, &rows)))
}

/// `GET /progress/tasks/{task}/progress.svg`: the task's completion at each month's end, as
/// the board stood then, against the time-proportional expectation.
pub async fn get_task_chart(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    let pool = &state.pool;
    let task_id: i64 = raw.parse().map_err(|_| read::ReadError::NoTask)?;
    let detail = read::task_detail(pool, task_id).await?;
    let plan_id = detail.header.id;
    let settings = handling::settings(pool, plan_id).await?;
    let now = today();
    let mut months = Vec::new();
    let (mut expected, mut actual) = (Vec::new(), Vec::new());
    let latest = handling::ledger(pool, plan_id, now).await?;
    for p in &settings.measures.periods {
        let end = p.last_day();
        let (ledger, day) = if end <= now {
            (handling::ledger(pool, plan_id, end).await?, end)
        } else {
            (latest.clone(), end)
        };
        let board = compute(&ledger, &settings.measures, day);
        let progress = board.task(task_id).and_then(|t| t.progress);
        months.push(format!("{}月", p.month));
        expected.push(progress.map(|p| p.expected).unwrap_or(0.0));
        actual.push(progress.filter(|_| end <= now).map(|p| p.completion));
    }
    let label = crate::plan::label::task_label(detail.task.section_number, detail.task.number);
    let title = format!("{label} 完成进度");
    Ok(svg(crate::charts::handling::progress_line(
        &title, &months, &expected, &actual,
    )))
}
