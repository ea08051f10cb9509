//! The server function behind the staff desk.

use crate::error::AppError;
use crate::model::desk::DeskView;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The desk of whoever is signed in; anyone else is sent to the sign-in page.
#[server(endpoint = "desk", input = GetUrl)]
pub async fn get_desk() -> Result<DeskView, AppError> {
    use crate::api::context::{pool_from_context, respond};
    use crate::model::desk::DeskRound;
    use crate::server::repo::account::AccountRole;
    use crate::server::repo::round;
    use crate::server::service::session::current;
    respond(async move {
        let pool = pool_from_context()?;
        let headers: axum::http::HeaderMap =
            leptos_axum::extract().await.map_err(AppError::internal)?;
        let Some(live) = current(&pool, &headers).await else {
            leptos_axum::redirect("/login?next=/desk");
            return Err(AppError::Unauthorized);
        };
        // A password the office reset is changed, and a required second factor set up, first.
        if let Some(first) = live.first_step() {
            leptos_axum::redirect(first);
            return Err(AppError::Unauthorized);
        }
        let who = live.account;
        // A liaison's desk is their unit's.
        if who.role == AccountRole::Liaison {
            leptos_axum::redirect("/desk/unit");
            return Err(AppError::Unauthorized);
        }
        let is_office = who.role == AccountRole::Office;
        let mut rounds = Vec::new();
        for r in round::list(&pool).await.map_err(AppError::internal)? {
            let turnout = if is_office {
                Some(
                    round::turnout(&pool, r.id)
                        .await
                        .map_err(AppError::internal)?,
                )
            } else {
                None
            };
            rounds.push(DeskRound {
                id: r.id,
                name: r.name,
                state: r.state.as_str().to_string(),
                opens_at: r.opens_at,
                closes_at: r.closes_at,
                turnout,
            });
        }
        Ok(DeskView {
            login: who.login,
            role_label: if is_office {
                "领导小组办公室"
            } else {
                "第三方评估"
            }
            .to_string(),
            is_office,
            rounds,
        })
    })
    .await
}
