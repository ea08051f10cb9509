//! The signed-in desk: who you are and the rounds; the office also sees turnout.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskRound {
    pub id: i64,
    pub name: String,
    pub state: String,
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    /// Ballots cast and codes issued: shown to the office only.
    pub turnout: Option<(i64, i64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskView {
    pub login: String,
    pub role_label: String,
    pub is_office: bool,
    pub rounds: Vec<DeskRound>,
}

/// The desk of whoever is signed in; anyone else is sent to the sign-in page.
#[server(endpoint = "desk", input = GetUrl)]
pub async fn get_desk() -> Result<DeskView, AppError> {
    use crate::server::repo::account::AccountRole;
    use crate::server::repo::round;
    use crate::server::{auth_http, db};
    db::respond(async move {
        let pool = db::pool_from_context()?;
        let headers: axum::http::HeaderMap = leptos_axum::extract().await.map_err(db::internal)?;
        let Some(who) = auth_http::current_account(&pool, &headers).await else {
            leptos_axum::redirect("/login?next=/desk");
            return Err(AppError::Unauthorized);
        };
        let is_office = who.role == AccountRole::Office;
        let mut rounds = Vec::new();
        for r in round::list(&pool).await.map_err(db::internal)? {
            let turnout = if is_office {
                Some(round::turnout(&pool, r.id).await.map_err(db::internal)?)
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
