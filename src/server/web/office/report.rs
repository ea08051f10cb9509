//! `GET /desk/rounds/{id}/report`: the year-end report, ready to print.

use super::report_view::{ReportComments, ReportPage};
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
    let title = format!("{} 测评报告", report.round.name);
    // The report's own styles (A4, GB/T 9704), which no other page needs to load.
    let head = r#"<link rel="stylesheet" href="/pkg/report.css">"#;
    Ok(render_with_head(
        &state,
        StatusCode::OK,
        &title,
        head,
        move || view! { <ReportPage report comments today /> }.into_any(),
    ))
}
