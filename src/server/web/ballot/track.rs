//! `GET /track/{round}?t=CODE`: a deputy checks, by the tracking code their confirmation page
//! showed, that their sealed ballot is among the round's stored ballots — once the round has
//! closed, and before the tellers count, so a ballot that went missing is noticed before any
//! count is opened. Public, no sign-in: a tracking code says nothing of the choices.

use crate::pages::ballot::{TrackFound, TrackView};
use crate::seal::record::tracking_code;
use crate::server::repo::ballot as repo_ballot;
use crate::server::repo::round::{self, RoundError, RoundState};
use crate::server::web::AppState;
use crate::server::web::problem::Problem;
use crate::server::web::render::render;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Asked {
    t: Option<String>,
}

/// A typed tracking code in its canonical form (`7K3QX-M9TRB`), forgiving as codes are:
/// any case, dashes or spaces, I/L read as 1, O as 0.
fn canonical(typed: &str) -> Option<String> {
    let symbols: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        })
        .collect();
    (symbols.len() == 10
        && symbols
            .bytes()
            .all(|b| crate::ballot::code::ALPHABET.contains(&b)))
    .then(|| format!("{}-{}", &symbols[..5], &symbols[5..]))
}

pub async fn get_track(
    State(state): State<AppState>,
    Path(round_id): Path<i64>,
    Query(q): Query<Asked>,
) -> Result<Response, Problem> {
    let r = match round::get(&state.pool, round_id).await {
        Ok(r) => r,
        Err(RoundError::NotFound(_)) => return Err(Problem::no_round()),
        Err(e) => return Err(e.into()),
    };
    let closed = r.state == RoundState::Closed;
    let asked = q.t.unwrap_or_default();
    let mut ballots = 0u64;
    let found = match (closed, asked.trim().is_empty(), canonical(&asked)) {
        (false, _, _) | (true, true, _) => TrackFound::Asked,
        (true, false, None) => TrackFound::Malformed,
        (true, false, Some(code)) => {
            let mut hit = false;
            let mut after = String::new();
            loop {
                let page = repo_ballot::sealed_after(&state.pool, round_id, &after, 2000).await?;
                let Some((last, _)) = page.last() else { break };
                after = last.clone();
                ballots += page.len() as u64;
                hit |= page
                    .iter()
                    .any(|(_, c)| c.as_deref().is_some_and(|c| tracking_code(c) == code));
            }
            if hit {
                TrackFound::Found
            } else {
                TrackFound::Missing
            }
        }
    };
    let asked = canonical(&asked).unwrap_or(asked);
    let (name, counted) = (r.name.clone(), r.counted);
    Ok(render(&state, StatusCode::OK, "核对选票", move || {
        view! {
            <TrackView
                round_id
                round_name=name
                closed
                counted
                ballots
                asked
                found
            />
        }
        .into_any()
    }))
}
