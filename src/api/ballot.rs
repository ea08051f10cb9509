//! The server function that opens a deputy's ballot.

use crate::error::AppError;
use crate::model::ballot::BallotGate;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// Opens the ballot of a code (`/v/CODE`): the form, or why it cannot be opened.
#[server(endpoint = "ballot/open", input = GetUrl)]
pub async fn open_ballot(code: String) -> Result<BallotGate, AppError> {
    use crate::api::context::{pool_from_context, respond, set_status};
    use crate::server::service::ballot_gate::{Gate, open_gate};
    use axum::http::{HeaderValue, header};
    respond(async move {
        let pool = pool_from_context()?;
        let gate = use_context::<std::sync::Arc<Gate>>()
            .ok_or_else(|| AppError::internal("no ballot gate in the Leptos context"))?;
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            // A ballot page is personal: never cached by the browser or a proxy.
            res.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        let answer = open_gate(&pool, &gate, &code).await?;
        if let BallotGate::Refused { reason, .. } = &answer {
            set_status(reason.status());
        }
        Ok(answer)
    })
    .await
}
