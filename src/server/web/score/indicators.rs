//! `GET /desk/rounds/{round}/indicators`, `POST` the same: the office edits a draft round's
//! indicator system (names, guidance, weights adding up to 100).

use super::Page;
use super::view::IndicatorsForm;
use crate::components::format::fmt_weight;
use crate::message::Bilingual;
use crate::server::repo::round::RoundState;
use crate::server::repo::score::{self, IndicatorRow, parse_score};
use crate::server::web::AppState;
use crate::server::web::extract::{Office, StaffRound, WebForm, see_other};
use crate::server::web::render::render;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use leptos::prelude::*;
use std::collections::HashMap;

/// Most indicators a set may have (the form shows this many rows).
pub const MAX_INDICATORS: usize = 10;

fn indicator_rows(set: &[IndicatorRow]) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = set
        .iter()
        .map(|i| (i.name.clone(), i.guidance.clone(), fmt_weight(i.weight)))
        .collect();
    rows.resize(MAX_INDICATORS.max(rows.len()), Default::default());
    rows
}

/// `GET /desk/rounds/{round}/indicators`
pub async fn get_indicators(
    State(state): State<AppState>,
    StaffRound { who, round, .. }: StaffRound<Office>,
    Query(q): Query<super::Flags>,
) -> Page {
    let rows = indicator_rows(&score::indicators(&state.pool, round.id).await?);
    let saved = q.saved.is_some();
    Ok(render(
        &state,
        StatusCode::OK,
        "评估指标体系",
        move || {
            view! {
                <IndicatorsForm
                    who
                    round_id=round.id
                    round_name=round.name
                    editable=round.state == RoundState::Draft
                    rows
                    error=None
                    saved
                />
            }
            .into_any()
        },
    ))
}

/// The rows as typed, checked: (name, guidance, weight) for each row with a name.
fn checked_set(rows: &[(String, String, String)]) -> Result<Vec<(String, String, f64)>, String> {
    let mut set = Vec::new();
    for (name, guidance, weight) in rows.iter().filter(|r| !r.0.trim().is_empty()) {
        match parse_score(weight) {
            Ok(Some(w)) => set.push((name.clone(), guidance.clone(), w)),
            Ok(None) => return Err(format!("指标“{}”缺少权重。", name.trim())),
            Err(_) => {
                return Err(format!(
                    "指标“{}”的权重“{}”应为0到100之间的数。",
                    name.trim(),
                    weight.trim()
                ));
            }
        }
    }
    Ok(set)
}

/// `POST /desk/rounds/{round}/indicators` with `name<n>`, `guidance<n>`, `weight<n>` for
/// n = 1…10; rows with a blank name are left out.
pub async fn post_indicators(
    State(state): State<AppState>,
    StaffRound { who, round, .. }: StaffRound<Office>,
    WebForm(form): WebForm<HashMap<String, String>>,
) -> Page {
    let field = |name: &str, n: usize| form.get(&format!("{name}{n}")).cloned().unwrap_or_default();
    let rows: Vec<(String, String, String)> = (1..=MAX_INDICATORS)
        .map(|n| (field("name", n), field("guidance", n), field("weight", n)))
        .collect();
    let round_id = round.id;
    let result = match checked_set(&rows) {
        Err(e) => Err((StatusCode::BAD_REQUEST, e)),
        Ok(set) => score::set_indicators(&state.pool, round_id, &set, &who.login)
            .await
            .map_err(|e| {
                (
                    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST),
                    e.zh(),
                )
            }),
    };
    match result {
        Ok(()) => {
            tracing::info!(login = %who.login, round = round_id, "indicators changed");
            Ok(see_other(&format!(
                "/desk/rounds/{round_id}/indicators?saved=1"
            )))
        }
        Err((status, message)) => Ok(render(&state, status, "评估指标体系", move || {
            view! {
                <IndicatorsForm
                    who
                    round_id
                    round_name=round.name
                    editable=round.state == RoundState::Draft
                    rows
                    error=Some(message)
                    saved=false
                />
            }
            .into_any()
        })),
    }
}
