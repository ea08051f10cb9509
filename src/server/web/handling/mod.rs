//! The year of handling over plain form posts: the liaison's unit desk (`/desk/unit`: its
//! sub-plan and monthly reports, its own unit only), the office's review (`/desk/handling`:
//! decisions, returns, audited values), and the public board (`/progress`, per plan, task and
//! unit). Every page and form works with JavaScript off; every action ends in a 303 to the
//! page that shows its result (a reload repeats nothing).

mod board;
/// Downloads: the templates and the evidence files.
mod files;
/// The liaison's forms as posted.
pub mod forms;
mod review;
mod unit_desk;
/// The handling pages.
pub mod view;

use crate::message::Bilingual;
use crate::plan::label::{heading_of, task_label};
use crate::server::repo::handling::HandlingError;
use crate::server::repo::plan::{self as read, ReadError};
use crate::server::web::AppState;
use crate::server::web::problem::Problem;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use sqlx::SqlitePool;
use view::{TaskName, TaskNames};

/// The handling pages' own stylesheet (the ballot does not carry it).
const HEAD: &str = r#"<link rel="stylesheet" href="/pkg/handling.css">"#;

/// The liaison's two forms that may bring files (`web::upload`): the router gives them their
/// own body limit.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/desk/unit/subplan",
            get(unit_desk::get_subplan).post(unit_desk::post_subplan),
        )
        .route(
            "/desk/unit/reports/{period}",
            get(unit_desk::get_report).post(unit_desk::post_report),
        )
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/desk/unit", get(unit_desk::get_desk))
        .route(
            "/desk/unit/subplan/template.xlsx",
            get(files::get_subplan_template),
        )
        .route(
            "/desk/unit/reports/{period}/template.xlsx",
            get(files::get_report_template),
        )
        .route(
            "/desk/handling/units/{unit}/template.xlsx",
            get(files::get_unit_template),
        )
        .route("/desk/evidence/{id}", get(files::get_evidence))
        .route("/desk/handling", get(review::get_queue))
        .route("/desk/handling/units/{unit}", get(review::get_unit))
        .route("/desk/handling/subplans/{id}", get(review::get_subplan))
        .route(
            "/desk/handling/subplans/{id}/decide",
            post(review::post_decide),
        )
        .route("/desk/handling/reports/{id}", get(review::get_report))
        .route(
            "/desk/handling/reports/{id}/review",
            post(review::post_review),
        )
        .route(
            "/desk/handling/reports/{id}/audit",
            post(review::post_audit),
        )
        .route("/progress", get(board::get_latest))
        .route("/plans/{plan}/progress", get(board::get_board))
        .route("/progress/units/{unit}", get(board::get_unit))
        .route("/progress/tasks/{task}", get(board::get_task))
        .route(
            "/plans/{plan}/progress/grid.svg",
            get(board::get_grid_chart),
        )
        .route(
            "/progress/tasks/{task}/progress.svg",
            get(board::get_task_chart),
        )
}

impl From<HandlingError> for Problem {
    fn from(e: HandlingError) -> Problem {
        let message = e.zh();
        match e {
            HandlingError::Db(e) => Problem::unavailable(e),
            HandlingError::NoUnit | HandlingError::NoSubplan | HandlingError::NoReport => {
                Problem::not_found("找不到", message)
            }
            HandlingError::NotReporting
            | HandlingError::Collective
            | HandlingError::NotAPeriod(_) => Problem::not_found("找不到", message),
            HandlingError::Form(_) | HandlingError::NoReason | HandlingError::NoIndicators => {
                Problem::bad_request("无法保存", message)
            }
            HandlingError::Frozen
            | HandlingError::NoDraft
            | HandlingError::WrongState(..)
            | HandlingError::NoApprovedSubplan
            | HandlingError::ReportPending
            | HandlingError::NotYet(_)
            | HandlingError::ReportAccepted => Problem::conflict("无法操作", message),
        }
    }
}

impl From<ReadError> for Problem {
    fn from(e: ReadError) -> Problem {
        match e {
            ReadError::NoPlan => Problem::not_found("找不到工作方案", "没有这个工作方案。"),
            ReadError::NoTask => Problem::not_found("找不到任务", "没有这项任务。"),
            ReadError::NoUnit => Problem::not_found("找不到单位", "没有这个单位。"),
            e => Problem::unavailable(e),
        }
    }
}

/// The status a refusal of a form answers with.
fn status_of(e: &HandlingError) -> StatusCode {
    match e {
        HandlingError::Form(_) | HandlingError::NoReason | HandlingError::NoIndicators => {
            StatusCode::BAD_REQUEST
        }
        HandlingError::NoUnit
        | HandlingError::NoSubplan
        | HandlingError::NoReport
        | HandlingError::NotReporting
        | HandlingError::Collective
        | HandlingError::NotAPeriod(_) => StatusCode::NOT_FOUND,
        HandlingError::Db(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::CONFLICT,
    }
}

/// Each task of the plan as pages name it.
async fn task_names(pool: &SqlitePool, plan_id: i64) -> Result<(String, TaskNames), ReadError> {
    let tasks = read::tasks(pool, plan_id).await?;
    let names = tasks
        .sections
        .iter()
        .flat_map(|s| &s.tasks)
        .map(|t| {
            (
                t.id,
                TaskName {
                    label: task_label(t.section_number, t.number),
                    heading: heading_of(t.title.as_deref(), &t.body),
                },
            )
        })
        .collect();
    Ok((tasks.header.title, names))
}

/// The notice a `?done=` after a redirect stands for.
fn notice_of(done: Option<&str>) -> Option<String> {
    Some(
        match done? {
            "saved" => "草稿已保存。",
            "submitted" => "分方案已报送办公室，审核结果会显示在这里。",
            "report" => "本月进展已报送办公室。",
            "sheet" => "已从表格读入分方案草稿。请打开“继续编辑草稿”核对后报送。",
            "approved" => "分方案已审核通过。",
            "returned" => "已退回，并告知理由。",
            "accepted" => "报告已审核通过。",
            "audited" => "审核值已设定，进展按审核值计算。",
            _ => return None,
        }
        .to_string(),
    )
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: Option<String>,
}

/// An item's indicators on today's board, each with its unit's name: a task's over every unit
/// that shares it, a unit's over its tasks. For the evaluator's score sheet.
pub async fn item_indicators(
    pool: &SqlitePool,
    plan_id: i64,
    is_task: bool,
    ref_id: i64,
) -> Result<ItemYear, HandlingError> {
    use crate::server::repo::handling;
    let (_, board) = handling::board(pool, plan_id, today()).await?;
    let names: std::collections::HashMap<i64, String> = handling::reporting_units(pool, plan_id)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let units: Vec<&crate::handling::progress::UnitTaskProgress> = board
        .tasks
        .iter()
        .filter(|t| !is_task || t.task_id == ref_id)
        .flat_map(|t| &t.units)
        .filter(|u| is_task || u.unit_id == ref_id)
        .collect();
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let indicators = units
        .iter()
        .flat_map(|u| u.indicators.iter().map(|i| (name(u.unit_id), i.clone())))
        .collect();
    let mut ids: Vec<i64> = units.iter().map(|u| u.unit_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let evidence = handling::accepted_evidence(pool, &ids)
        .await?
        .into_iter()
        .map(|(unit, period, file)| (format!("{} · {}", name(unit), period.label_zh()), file))
        .collect();
    Ok(ItemYear {
        indicators,
        evidence,
    })
}

/// What an evaluator's score sheet shows of an item's year: its units' indicators on today's
/// board, and the evidence files of their accepted reports (labelled unit · month).
#[derive(Debug, Clone, Default)]
pub struct ItemYear {
    pub indicators: Vec<(String, crate::handling::progress::IndicatorProgress)>,
    pub evidence: Vec<(String, crate::server::repo::handling::Evidence)>,
}

use crate::clock::today;
