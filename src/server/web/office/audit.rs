//! `GET /desk/audit`: the newest 200 entries of the audit trail and whether its chain holds.

use super::view::AuditPage;
use crate::server::repo::audit;
use crate::server::web::AppState;
use crate::server::web::extract::{Office, Staff};
use crate::server::web::problem::Problem;
use crate::server::web::render::render;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

pub async fn get_audit(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
) -> Result<Response, Problem> {
    let entries = audit::latest(&state.pool, 200).await?;
    let mut status = audit::verify(&state.pool, None)
        .await?
        .map_err(|b| b.to_string());
    // The head signed with the audit key, to copy and hand over (as `ceping audit head`); not
    // if the chain lost the head the key signed last (it was re-chained).
    let mut signed = None;
    if let (Ok(_), Some(signer)) = (&status, &state.audit_key) {
        let head = signer.sign_head(&state.pool).await;
        match head.map_err(Problem::unavailable)? {
            Ok(head) => signed = Some(head.to_string()),
            Err(why) => status = Err(why),
        }
    }
    Ok(render(&state, StatusCode::OK, "审计日志", move || {
        view! { <AuditPage who entries status signed /> }.into_any()
    }))
}
