//! Evaluators' score sheets and the office's indicator system over plain form posts.
//!
//! - `GET  /score/{round}`: the evaluator's sheets and the submit button;
//! - `GET  /score/{round}/{item}`, `POST` the same: one sheet, saved whole or not at all;
//! - `POST /score/{round}/submit`: the sheets become final and count in the results;
//! - `GET  /desk/rounds/{round}/indicators`, `POST` the same: the office edits a draft round's
//!   indicators (weights adding up to 100).

use crate::pages::score::{
    IndicatorsForm, ScoreOverview, SheetContext, SheetForm, SheetLine, fmt_weight,
};
use crate::results::weighted_score;
use crate::server::http::AppState;
use crate::server::render::render;
use crate::server::repo::account::Account;
use crate::server::repo::results::{ItemMeta, item_metas};
use crate::server::repo::round::{Round, RoundState};
use crate::server::repo::score::{self, IndicatorRow, ScoreError, parse_score};
use crate::server::staff::{EVALUATOR, OFFICE, problem, require, round_of, see_other, unavailable};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leptos::prelude::*;
use std::collections::HashMap;

/// Most indicators a set may have (the form shows this many rows).
pub const MAX_INDICATORS: usize = 10;

/// An item id from a path: `t` or `u` and digits.
pub fn item_param(raw: &str) -> Option<&str> {
    let digits = raw.strip_prefix('t').or_else(|| raw.strip_prefix('u'))?;
    (!digits.is_empty() && digits.len() <= 12 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(raw)
}

fn form_pairs(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// `GET /score/{round}`
pub async fn get_overview(
    State(state): State<AppState>,
    Path(round_id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/score/{round_id}");
    let who = match require(&state, &headers, &path, EVALUATOR).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let round = match round_of(&state, &who, round_id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let loaded = async {
        let metas = item_metas(&state.pool, round_id).await?;
        let set = score::indicators(&state.pool, round_id).await?;
        let sheets = score::sheets_of(&state.pool, round_id, who.id).await?;
        let submitted = score::submission(&state.pool, round_id, who.id).await?;
        Ok::<_, sqlx::Error>((metas, set, sheets, submitted))
    }
    .await;
    let (metas, set, mut sheets, submitted) = match loaded {
        Ok(l) => l,
        Err(e) => return unavailable(&state, &who, e),
    };
    let engine_set = score::as_set(&set);
    let lines = metas
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
        .collect();
    let notice = match q.get("done").map(String::as_str) {
        Some("submitted") => Some("评分已提交，谢谢。".to_string()),
        Some("saved") => Some("已保存。".to_string()),
        _ => None,
    };
    let open = round.state == RoundState::Open;
    render(&state, StatusCode::OK, "评估打分", move || {
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
    })
}

struct SheetPage {
    ctx: SheetContext,
    indicators: Vec<IndicatorRow>,
}

async fn sheet_page(
    state: &AppState,
    who: &Account,
    round: &Round,
    item: &str,
) -> Result<SheetPage, Response> {
    let not_found = || {
        problem(
            state,
            Some(who),
            StatusCode::NOT_FOUND,
            "没有这一项",
            "本轮测评不包含这一项。".into(),
        )
    };
    let loaded = async {
        let metas = item_metas(&state.pool, round.id).await?;
        let set = score::indicators(&state.pool, round.id).await?;
        let submitted = score::submission(&state.pool, round.id, who.id).await?;
        Ok::<_, sqlx::Error>((metas, set, submitted))
    }
    .await;
    let (metas, indicators, submitted) = loaded.map_err(|e| unavailable(state, who, e))?;
    let Some(pos) = metas.iter().position(|m| m.item == item) else {
        return Err(not_found());
    };
    let meta: ItemMeta = metas[pos].clone();
    let text = if meta.is_task {
        let row: Result<Option<(String,)>, _> =
            sqlx::query_as("SELECT full_text FROM task WHERE id = ?")
                .bind(meta.ref_id)
                .fetch_optional(&state.pool)
                .await;
        row.map_err(|e| unavailable(state, who, e))?
            .map(|r| r.0)
            .unwrap_or_default()
    } else {
        String::new()
    };
    Ok(SheetPage {
        ctx: SheetContext {
            round_id: round.id,
            round_name: round.name.clone(),
            text,
            next: metas.get(pos + 1).cloned(),
            prev: pos.checked_sub(1).and_then(|p| metas.get(p)).cloned(),
            meta,
            editable: round.state == RoundState::Open && submitted.is_none(),
        },
        indicators,
    })
}

/// `GET /score/{round}/{item}`
pub async fn get_sheet(
    State(state): State<AppState>,
    Path((round_id, raw_item)): Path<(i64, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/score/{round_id}/{raw_item}");
    let who = match require(&state, &headers, &path, EVALUATOR).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let Some(item) = item_param(&raw_item) else {
        return problem(
            &state,
            Some(&who),
            StatusCode::NOT_FOUND,
            "没有这一项",
            "链接中的项目编号无效。".into(),
        );
    };
    let round = match round_of(&state, &who, round_id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let page = match sheet_page(&state, &who, &round, item).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let sheet = match score::sheets_of(&state.pool, round_id, who.id).await {
        Ok(mut s) => s.remove(item).unwrap_or_default(),
        Err(e) => return unavailable(&state, &who, e),
    };
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
    let saved = q.contains_key("saved");
    let title = page.ctx.meta.label.clone();
    render(&state, StatusCode::OK, &title, move || {
        view! {
            <SheetForm
                who
                ctx=page.ctx
                indicators=page.indicators
                values
                note=sheet.note
                error=None
                saved
            />
        }
        .into_any()
    })
}

/// `POST /score/{round}/{item}` with `s<position>` per indicator, `note`, and `go` = `next`
/// or `stay`. A refused save shows the form again with what was typed and stores nothing.
pub async fn post_sheet(
    State(state): State<AppState>,
    Path((round_id, raw_item)): Path<(i64, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/score/{round_id}/{raw_item}");
    let who = match require(&state, &headers, &path, EVALUATOR).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let Some(item) = item_param(&raw_item) else {
        return problem(
            &state,
            Some(&who),
            StatusCode::NOT_FOUND,
            "没有这一项",
            "链接中的项目编号无效。".into(),
        );
    };
    let round = match round_of(&state, &who, round_id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let page = match sheet_page(&state, &who, &round, item).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = form_pairs(&body);
    let typed: Vec<String> = page
        .indicators
        .iter()
        .map(|i| {
            form.get(&format!("s{}", i.position))
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    let note = form.get("note").cloned().unwrap_or_default();
    let mut scores = Vec::with_capacity(typed.len());
    let mut error = None;
    for (raw, ind) in typed.iter().zip(&page.indicators) {
        match parse_score(raw) {
            Ok(v) => scores.push(v),
            Err(reason) => {
                error = Some((StatusCode::BAD_REQUEST, format!("“{}”{reason}", ind.name)));
                break;
            }
        }
    }
    if error.is_none()
        && let Err(e) = score::save_sheet(&state.pool, round_id, who.id, item, &scores, &note).await
    {
        if let ScoreError::Db(e) = &e {
            tracing::error!(error = %e, "saving a score sheet failed");
        }
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
        error = Some((status, e.message_zh()));
    }
    if let Some((status, message)) = error {
        let title = page.ctx.meta.label.clone();
        return render(&state, status, &title, move || {
            view! {
                <SheetForm
                    who
                    ctx=page.ctx
                    indicators=page.indicators
                    values=typed
                    note
                    error=Some(message)
                    saved=false
                />
            }
            .into_any()
        });
    }
    let to = match (form.get("go").map(String::as_str), &page.ctx.next) {
        (Some("next"), Some(next)) => format!("/score/{round_id}/{}", next.item),
        (Some("next"), None) => format!("/score/{round_id}?done=saved"),
        _ => format!("/score/{round_id}/{item}?saved=1"),
    };
    see_other(&to)
}

/// `POST /score/{round}/submit`
pub async fn post_submit(
    State(state): State<AppState>,
    Path(round_id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/score/{round_id}");
    let who = match require(&state, &headers, &path, EVALUATOR).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    match score::submit(&state.pool, round_id, &who).await {
        Ok(()) => {
            tracing::info!(login = %who.login, round = round_id, "evaluator submitted");
            see_other(&format!("/score/{round_id}?done=submitted"))
        }
        Err(e) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
            problem(&state, Some(&who), status, "未能提交", e.message_zh())
        }
    }
}

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
    Path(round_id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/desk/rounds/{round_id}/indicators");
    let who = match require(&state, &headers, &path, OFFICE).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let round = match round_of(&state, &who, round_id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let set = match score::indicators(&state.pool, round_id).await {
        Ok(s) => s,
        Err(e) => return unavailable(&state, &who, e),
    };
    let rows = indicator_rows(&set);
    let saved = q.contains_key("saved");
    render(&state, StatusCode::OK, "评估指标体系", move || {
        view! {
            <IndicatorsForm
                who
                round_id
                round_name=round.name
                editable=round.state == RoundState::Draft
                rows
                error=None
                saved
            />
        }
        .into_any()
    })
}

/// `POST /desk/rounds/{round}/indicators` with `name<n>`, `guidance<n>`, `weight<n>` for
/// n = 1…10; rows with a blank name are left out.
pub async fn post_indicators(
    State(state): State<AppState>,
    Path(round_id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/desk/rounds/{round_id}/indicators");
    let who = match require(&state, &headers, &path, OFFICE).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let round = match round_of(&state, &who, round_id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let form = form_pairs(&body);
    let field = |name: &str, n: usize| form.get(&format!("{name}{n}")).cloned().unwrap_or_default();
    let rows: Vec<(String, String, String)> = (1..=MAX_INDICATORS)
        .map(|n| (field("name", n), field("guidance", n), field("weight", n)))
        .collect();
    let mut set = Vec::new();
    let mut error = None;
    for (name, guidance, weight) in rows.iter().filter(|r| !r.0.trim().is_empty()) {
        match parse_score(weight) {
            Ok(Some(w)) => set.push((name.clone(), guidance.clone(), w)),
            Ok(None) => {
                error = Some(format!("指标“{}”缺少权重。", name.trim()));
                break;
            }
            Err(_) => {
                error = Some(format!(
                    "指标“{}”的权重“{}”应为0到100之间的数。",
                    name.trim(),
                    weight.trim()
                ));
                break;
            }
        }
    }
    let result = match error {
        Some(e) => Err((StatusCode::BAD_REQUEST, e)),
        None => score::set_indicators(&state.pool, round_id, &set, &who.login)
            .await
            .map_err(|e| {
                (
                    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST),
                    crate::results::message_zh(&e.message_zh()).to_string(),
                )
            }),
    };
    match result {
        Ok(()) => {
            tracing::info!(login = %who.login, round = round_id, "indicators changed");
            see_other(&format!("/desk/rounds/{round_id}/indicators?saved=1"))
        }
        Err((status, message)) => render(&state, status, "评估指标体系", move || {
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
        }),
    }
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
