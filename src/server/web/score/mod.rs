//! Evaluators' score sheets and the office's indicator system over plain form posts.
//!
//! - `GET  /score/{round}`: the evaluator's sheets and the submit button;
//! - `GET  /score/{round}/{item}`, `POST` the same: one sheet, saved whole or not at all;
//! - `POST /score/{round}/submit`: the sheets become final and count in the results;
//! - `GET  /desk/rounds/{round}/indicators`, `POST` the same: the office edits a draft round's
//!   indicators (weights adding up to 100) — in `indicators`.

mod indicators;
/// The evaluator's and the indicator pages.
pub mod view;

use crate::components::format::fmt_weight;
use crate::message::Bilingual;
use crate::results::weighted_score;
use crate::server::repo::account::Account;
use crate::server::repo::results::{ItemMeta, item_metas};
use crate::server::repo::round::{Round, RoundState};
use crate::server::repo::score::{self, IndicatorRow, ScoreError, parse_score};
use crate::server::web::AppState;
use crate::server::web::extract::{Evaluator, StaffRound, WebForm, see_other};
use crate::server::web::problem::Problem;
use crate::server::web::render::render;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use leptos::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;
use view::{ScoreOverview, SheetContext, SheetForm, SheetLine};

pub use indicators::MAX_INDICATORS;

type Page = Result<Response, Problem>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/score/{round}", get(get_overview))
        .route("/score/{round}/submit", post(post_submit))
        .route("/score/{round}/{item}", get(get_sheet).post(post_sheet))
        .route(
            "/desk/rounds/{round}/indicators",
            get(indicators::get_indicators).post(indicators::post_indicators),
        )
}

impl From<ScoreError> for Problem {
    fn from(e: ScoreError) -> Problem {
        if let ScoreError::Db(e) = e {
            return Problem::unavailable(e);
        }
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
        Problem::new(status, "未能完成", e.zh())
    }
}

/// An item id from a path: `t` or `u` and digits.
pub fn item_param(raw: &str) -> Option<&str> {
    let digits = raw.strip_prefix('t').or_else(|| raw.strip_prefix('u'))?;
    (!digits.is_empty() && digits.len() <= 12 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(raw)
}

fn no_item(why: &str) -> Problem {
    Problem::not_found("没有这一项", why)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Flags {
    done: Option<String>,
    saved: Option<String>,
}

/// `GET /score/{round}`
pub async fn get_overview(
    State(state): State<AppState>,
    StaffRound { who, round, .. }: StaffRound<Evaluator>,
    Query(q): Query<Flags>,
) -> Page {
    let round_id = round.id;
    let lines = lines_of(&state, round_id, &who).await?;
    let submitted = score::submission(&state.pool, round_id, who.id).await?;
    let notice = match q.done.as_deref() {
        Some("submitted") => Some("评分已提交，谢谢。".to_string()),
        Some("saved") => Some("已保存。".to_string()),
        _ => None,
    };
    let open = round.state == RoundState::Open;
    Ok(render(&state, StatusCode::OK, "评估打分", move || {
        view! {
            <ScoreOverview
                who
                round_id
                round_name=round.name
                open
                submitted
                lines
                notice
            />
        }
        .into_any()
    }))
}

/// An evaluator's line per item of the round: its sheet, if saved, and its weighted score.
async fn lines_of(
    state: &AppState,
    round_id: i64,
    who: &Account,
) -> Result<Vec<SheetLine>, Problem> {
    let metas = item_metas(&state.pool, round_id).await?;
    let set = score::indicators(&state.pool, round_id).await?;
    let mut sheets = score::sheets_of(&state.pool, round_id, who.id).await?;
    let engine_set = score::as_set(&set);
    Ok(metas
        .into_iter()
        .map(|meta| {
            let sheet = sheets.remove(&meta.item);
            let weighted = sheet
                .as_ref()
                .and_then(|s| weighted_score(&engine_set, &s.scores));
            SheetLine {
                meta,
                sheet,
                weighted,
            }
        })
        .collect())
}

struct SheetPage {
    ctx: SheetContext,
    indicators: Vec<IndicatorRow>,
}

/// One item's sheet: what is rated, its neighbours, whether it can still be changed.
async fn sheet_page(
    state: &AppState,
    who: &Account,
    round: &Round,
    raw_item: &str,
) -> Result<(String, SheetPage), Problem> {
    let item = item_param(raw_item).ok_or_else(|| no_item("链接中的项目编号无效。"))?;
    let metas = item_metas(&state.pool, round.id).await?;
    let indicators = score::indicators(&state.pool, round.id).await?;
    let submitted = score::submission(&state.pool, round.id, who.id).await?;
    let pos = metas
        .iter()
        .position(|m| m.item == item)
        .ok_or_else(|| no_item("本轮测评不包含这一项。"))?;
    let meta: ItemMeta = metas[pos].clone();
    let text = if meta.is_task {
        crate::server::repo::plan::task_text(&state.pool, meta.ref_id).await?
    } else {
        String::new()
    };
    let year = crate::server::web::handling::item_indicators(
        &state.pool,
        round.plan_id,
        meta.is_task,
        meta.ref_id,
    )
    .await
    .map_err(Problem::from)?;
    let page = SheetPage {
        ctx: SheetContext {
            year,
            round_id: round.id,
            round_name: round.name.clone(),
            text,
            next: metas.get(pos + 1).cloned(),
            prev: pos.checked_sub(1).and_then(|p| metas.get(p)).cloned(),
            meta,
            locked: match (&submitted, round.state) {
                (Some(at), _) => Some(format!(
                    "您已于{}提交本轮评分，评分已定稿，不能再修改。",
                    crate::components::format::human_time_zh(at)
                )),
                (None, RoundState::Draft) => Some("本轮测评尚未开始，开始后才能评分。".to_owned()),
                (None, RoundState::Closed) => {
                    Some("本轮测评已结束，评分不能再修改；未提交的评分不计入结果。".to_owned())
                }
                (None, RoundState::Open) => None,
            },
        },
        indicators,
    };
    Ok((item.to_string(), page))
}

/// `GET /score/{round}/{item}`
pub async fn get_sheet(
    State(state): State<AppState>,
    StaffRound { who, round, .. }: StaffRound<Evaluator>,
    Path((_, raw_item)): Path<(i64, String)>,
    Query(q): Query<Flags>,
) -> Page {
    let (item, page) = sheet_page(&state, &who, &round, &raw_item).await?;
    let sheet = score::sheets_of(&state.pool, round.id, who.id)
        .await?
        .remove(&item)
        .unwrap_or_default();
    let values = (0..page.indicators.len())
        .map(|k| {
            sheet
                .scores
                .get(k)
                .copied()
                .flatten()
                .map(fmt_weight)
                .unwrap_or_default()
        })
        .collect();
    let saved = q.saved.is_some();
    let title = page.ctx.meta.label.clone();
    Ok(render(&state, StatusCode::OK, &title, move || {
        view! {
            <SheetForm
                who
                ctx=page.ctx
                indicators=page.indicators
                values
                note=sheet.note
                errors=Vec::new()
                saved
            />
        }
        .into_any()
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SheetFields {
    note: String,
    /// `next` or `stay`.
    go: Option<String>,
    /// `s<position>` per indicator.
    #[serde(flatten)]
    scores: HashMap<String, String>,
}

/// `POST /score/{round}/{item}` with `s<position>` per indicator, `note`, and `go` = `next`
/// or `stay`. A refused save shows the form again with what was typed and stores nothing.
pub async fn post_sheet(
    State(state): State<AppState>,
    StaffRound { who, round, .. }: StaffRound<Evaluator>,
    Path((_, raw_item)): Path<(i64, String)>,
    WebForm(f): WebForm<SheetFields>,
) -> Page {
    let (item, page) = sheet_page(&state, &who, &round, &raw_item).await?;
    let round_id = round.id;
    let typed: Vec<String> = page
        .indicators
        .iter()
        .map(|i| {
            f.scores
                .get(&format!("s{}", i.position))
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    // Every value is checked, so the evaluator sees every mistake at once, each field marked.
    let mut scores = Vec::with_capacity(typed.len());
    let mut errors = Vec::new();
    let mut invalid = Vec::new();
    for (k, (raw, ind)) in typed.iter().zip(&page.indicators).enumerate() {
        match parse_score(raw) {
            Ok(v) => scores.push(v),
            Err(reason) => {
                errors.push(format!("“{}”{reason}", ind.name));
                invalid.push(k);
            }
        }
    }
    let mut status = StatusCode::BAD_REQUEST;
    if errors.is_empty()
        && let Err(e) =
            score::save_sheet(&state.pool, round_id, who.id, &item, &scores, &f.note).await
    {
        if let ScoreError::Db(e) = &e {
            tracing::error!(error = %e, "saving a score sheet failed");
        }
        status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
        errors.push(e.zh());
    }
    if !errors.is_empty() {
        let title = page.ctx.meta.label.clone();
        let note = f.note;
        return Ok(render(&state, status, &title, move || {
            view! {
                <SheetForm
                    who
                    ctx=page.ctx
                    indicators=page.indicators
                    values=typed
                    note
                    errors
                    invalid
                    saved=false
                />
            }
            .into_any()
        }));
    }
    let to = match (f.go.as_deref(), &page.ctx.next) {
        (Some("next"), Some(next)) => format!("/score/{round_id}/{}", next.item),
        (Some("next"), None) => format!("/score/{round_id}?done=saved"),
        _ => format!("/score/{round_id}/{item}?saved=1"),
    };
    Ok(see_other(&to))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SubmitFields {
    confirm: Option<String>,
}

/// `POST /score/{round}/submit`: with `confirm=1` the sheets become final; without, the
/// confirmation page, which names the items not yet scored in full.
pub async fn post_submit(
    State(state): State<AppState>,
    StaffRound { who, round, .. }: StaffRound<Evaluator>,
    WebForm(f): WebForm<SubmitFields>,
) -> Page {
    let round_id = round.id;
    if f.confirm.as_deref() != Some("1") {
        let lines = lines_of(&state, round_id, &who).await?;
        let total = lines.len();
        let unfinished: Vec<(String, String)> = lines
            .into_iter()
            .filter(|l| !l.sheet.as_ref().is_some_and(score::Sheet::complete))
            .map(|l| {
                (
                    l.meta.item.clone(),
                    format!("{} {}", l.meta.label, l.meta.title),
                )
            })
            .collect();
        return Ok(render(&state, StatusCode::OK, "请确认", move || {
            view! { <view::ConfirmSubmit who round_id round_name=round.name total unfinished /> }
                .into_any()
        }));
    }
    score::submit(&state.pool, round_id, &who)
        .await
        .map_err(|e| Problem::from(e).with_title("未能提交"))?;
    tracing::info!(login = %who.login, round = round_id, "evaluator submitted");
    Ok(see_other(&format!("/score/{round_id}?done=submitted")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_params_are_t_or_u_and_digits() {
        assert_eq!(item_param("t12"), Some("t12"));
        assert_eq!(item_param("u7"), Some("u7"));
        for bad in ["", "t", "x1", "t1a", "u-1", "t1234567890123", "T1"] {
            assert_eq!(item_param(bad), None, "{bad}");
        }
    }
}
