//! `GET /track/{round}?t=CODE`: a deputy checks, by the tracking code their confirmation page
//! showed, that their sealed ballot is among the round's stored ballots — once the round has
//! closed, and before the tellers count, so a ballot that went missing is noticed before any
//! count is opened. Public, no sign-in: a tracking code says nothing of the choices.

use crate::pages::ballot::{TrackFound, TrackView};
use crate::seal::record::{TRACKING_SYMBOLS, group, tracking_code};
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

/// A typed tracking code in its canonical form (`7K3Q-XM9T-RB4F-2W8N`), forgiving as codes
/// are: any case, dashes or spaces, I/L read as 1, O as 0.
fn canonical(typed: &str) -> Option<String> {
    let symbols: Vec<char> = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        })
        .collect();
    (symbols.len() == TRACKING_SYMBOLS
        && symbols
            .iter()
            .all(|c| c.is_ascii() && crate::ballot::code::ALPHABET.contains(&(*c as u8))))
    .then(|| group(&symbols))
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
            // One indexed look-up finds the row; the code is recomputed from its cells, so a
            // ballot replaced under its old code shows as missing.
            let (stored, rows) = repo_ballot::by_tracking(&state.pool, round_id, &code).await?;
            ballots = stored;
            if rows.iter().any(|cells| tracking_code(cells) == code) {
                TrackFound::Found
            } else {
                TrackFound::Missing
            }
        }
    };
    let asked = canonical(&asked).unwrap_or(asked);
    // Once closed, the ballots are final: their list's fingerprint is what the tellers' pages
    // show for the ballots they sum, so tellers and deputies check the same set.
    let list = if closed {
        let codes = repo_ballot::tracking_codes(&state.pool, round_id).await?;
        ballots = codes.len() as u64;
        Some(crate::seal::record::list_fingerprint(&codes))
    } else {
        None
    };
    let minutes = crate::server::repo::tellers::check_minutes(&state.pool, round_id).await?;
    let check_until = crate::server::service::count::checking_now(&state.pool, &r, minutes).await?;
    let (name, counted) = (r.name.clone(), r.counted);
    Ok(render(&state, StatusCode::OK, "核对选票", move || {
        view! {
            <TrackView
                round_id
                round_name=name
                closed
                counted
                ballots
                list
                check_until
                asked
                found
            />
        }
        .into_any()
    }))
}
