//! `GET /desk/rounds/{id}/report`: the year-end report, ready to print.

use super::report_view::{ReportComments, ReportPage, ReportYear, YearRow};
use crate::server::repo::results::{self as repo_results, ReportError};
use crate::server::web::AppState;
use crate::server::web::extract::{Office, Staff};
use crate::server::web::problem::Problem;
use crate::server::web::render::render_with_head;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

/// Overall comments printed in full up to this many (the export has them all).
const OVERALL_COMMENTS: usize = 40;
/// Comments printed per item, at most (the export has them all).
const ITEM_COMMENTS: usize = 8;

impl From<ReportError> for Problem {
    fn from(e: ReportError) -> Problem {
        match e {
            ReportError::NoRound(_) => Problem::no_round(),
            e => Problem::unavailable(e),
        }
    }
}

/// The plan's year of handling today, for the report's 办理情况 chapter.
async fn report_year(state: &AppState, plan_id: i64) -> Result<ReportYear, Problem> {
    use crate::handling::period::Filing;
    use crate::plan::label::{heading_of, task_label};
    use crate::server::repo::{handling, plan};
    let pool = &state.pool;
    let day = crate::clock::today();
    let (settings, board) = handling::board(pool, plan_id, day).await?;
    let ledger = handling::ledger(pool, plan_id, day).await?;
    let amber = settings.measures.amber_points;
    let tasks = plan::tasks(pool, plan_id)
        .await
        .map_err(Problem::unavailable)?;
    let rows = tasks
        .sections
        .iter()
        .flat_map(|s| &s.tasks)
        .map(|t| {
            let p = board.task(t.id);
            let progress = p.and_then(|p| p.progress);
            YearRow {
                label: task_label(t.section_number, t.number),
                heading: heading_of(t.title.as_deref(), &t.body),
                summary: p.map(|p| p.summary).unwrap_or_default(),
                progress,
                rag: progress.map(|p| p.rag(amber)),
            }
        })
        .collect();
    let filings: Vec<Filing> = board
        .units
        .iter()
        .flat_map(|u| u.filings.iter().map(|(_, f)| *f))
        .collect();
    let count = |f: Filing| filings.iter().filter(|x| **x == f).count();
    let mut filed: Vec<i64> = ledger.indicators.iter().map(|i| i.unit_id).collect();
    filed.dedup();
    Ok(ReportYear {
        day: crate::clock::date_zh(crate::clock::now()),
        sample: handling::has_sample(pool, plan_id).await?,
        units_filed: filed.len(),
        units: ledger.units.len(),
        rows,
        on_time: count(Filing::OnTime),
        late: count(Filing::Late),
        missing: count(Filing::Missing),
        returned: count(Filing::Returned),
    })
}

pub async fn get_report(
    State(state): State<AppState>,
    _office: Staff<Office>,
    Path(id): Path<i64>,
) -> Result<Response, Problem> {
    let report = repo_results::load(&state.pool, id).await?;
    if !report.published() {
        return Err(Problem::conflict(
            "计票后才能生成报告",
            "为保护投票秘密，报告在测评结束、监票人计票后生成。",
        ));
    }
    let groups =
        repo_results::report_comments(&state.pool, id, OVERALL_COMMENTS, ITEM_COMMENTS).await?;
    let comments = ReportComments::arrange(&report, groups);
    let today = crate::clock::date_zh(crate::clock::now());
    let year = report_year(&state, report.round.plan_id).await?;
    let title = format!("{} 测评报告", report.round.name);
    // The report's own styles (A4, GB/T 9704), which no other page needs to load.
    let head = r#"<link rel="stylesheet" href="/pkg/report.css">"#;
    Ok(render_with_head(
        &state,
        StatusCode::OK,
        &title,
        head,
        move || view! { <ReportPage report comments today year /> }.into_any(),
    ))
}
