//! Importing a plan from the browser, office only: paste the official text, preview what the
//! importer reads (nothing stored), import it in one transaction (recorded).

/// The import page.
pub mod view;

use crate::plan::model::ParsedPlan;
use crate::server::repo::account::Account;
use crate::server::repo::plan::{self, ImportError};
use crate::server::web::AppState;
use crate::server::web::extract::{Office, Staff, WebForm, see_other};
use crate::server::web::problem::Problem;
use crate::server::web::render::render;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use leptos::prelude::*;
use serde::Deserialize;
use view::PlanImportPage;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/desk/plans/new", get(get_plan_import))
        .route("/desk/plans/preview", post(post_plan_preview))
        .route("/desk/plans", post(post_plan_import))
}

fn plan_page(
    state: &AppState,
    who: Account,
    status: StatusCode,
    text: String,
    preview: Option<ParsedPlan>,
    error: Option<String>,
) -> Response {
    render(state, status, "导入工作方案", move || {
        view! { <PlanImportPage who text preview error /> }.into_any()
    })
}

fn unreadable(e: &crate::plan::ParseError) -> String {
    format!("无法读取这份方案（第{}行）：{}", e.line, e.message_zh)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PlanText {
    text: String,
}

/// `GET /desk/plans/new`
pub async fn get_plan_import(State(state): State<AppState>, staff: Staff<Office>) -> Response {
    plan_page(&state, staff.who, StatusCode::OK, String::new(), None, None)
}

/// `POST /desk/plans/preview` with `text`: what the importer reads, nothing stored.
pub async fn post_plan_preview(
    State(state): State<AppState>,
    staff: Staff<Office>,
    WebForm(PlanText { text }): WebForm<PlanText>,
) -> Result<Response, Problem> {
    // Reading a plan is CPU work of up to a second or so: off the async workers.
    let parsed = {
        let text = text.clone();
        tokio::task::spawn_blocking(move || crate::plan::parse_plan(&text))
            .await
            .map_err(|_| Problem::unavailable("the plan reader stopped"))?
    };
    Ok(match parsed {
        Ok(parsed) => plan_page(&state, staff.who, StatusCode::OK, text, Some(parsed), None),
        Err(e) => {
            let error = Some(unreadable(&e));
            plan_page(
                &state,
                staff.who,
                StatusCode::BAD_REQUEST,
                text,
                None,
                error,
            )
        }
    })
}

/// `POST /desk/plans` with `text`: imports it in one transaction (recorded).
pub async fn post_plan_import(
    State(state): State<AppState>,
    staff: Staff<Office>,
    WebForm(PlanText { text }): WebForm<PlanText>,
) -> Result<Response, Problem> {
    match plan::import_as(&state.pool, &text, &staff.who.login).await {
        Ok(outcome) => Ok(see_other(&format!("/plans/{}", outcome.plan_id))),
        Err(ImportError::Parse(e)) => {
            let error = Some(unreadable(&e));
            Ok(plan_page(
                &state,
                staff.who,
                StatusCode::BAD_REQUEST,
                text,
                None,
                error,
            ))
        }
        Err(e) => Err(Problem::unavailable(e)),
    }
}
