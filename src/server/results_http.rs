//! Results over HTTP: pages for evaluators and the office, SVG charts, and the venue's big
//! screen.
//!
//! Who sees what: results wait until the round closes (or the office publishes them early),
//! for everyone — counts watched while ballots arrive would tell how a late voter voted. Staff
//! pages need an evaluator or office session; anyone may open the big screen, which shows
//! turnout, and the results once they are published.

use crate::charts::{self, CompareRow, IndicatorRow, LevelRow, RankedRow, TurnoutRow};
use crate::pages::results::{
    CompareLine, Comparison, ItemResultPage, ResultsOverview, ResultsWithheld, ScreenPage, by_rank,
};
use crate::results::{indicator_means, unit_view};
use crate::server::auth_http::current_account;
use crate::server::http::AppState;
use crate::server::render::{render, render_with_head};
use crate::server::repo::account::Account;
use crate::server::repo::results::{self as repo_results, Report, ReportError};
use crate::server::repo::round::RoundState;
use crate::server::repo::score;
use crate::server::staff::{STAFF, no_round, problem, require, unavailable};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use std::collections::HashMap;

/// How often the big screen reloads while the round is open, in seconds.
pub const SCREEN_REFRESH_SECONDS: u32 = 10;

async fn report_for(
    state: &AppState,
    who: Option<&Account>,
    round_id: i64,
) -> Result<Report, Response> {
    match repo_results::load(&state.pool, round_id).await {
        Ok(r) => Ok(r),
        Err(ReportError::NoRound(_)) => Err(no_round(state, who)),
        Err(e) => {
            tracing::error!(error = %e, round = round_id, "results failed");
            Err(problem(
                state,
                who,
                StatusCode::SERVICE_UNAVAILABLE,
                "暂时无法计算结果",
                "结果暂时无法计算，请稍后刷新；已保存的票和评分不受影响。".into(),
            ))
        }
    }
}

/// 满意率 per item of `report`, with the same items' rate in `other`.
fn compare_rows(report: &Report, other: &Report) -> Vec<CompareLine> {
    report
        .items
        .iter()
        .map(|m| {
            let rate = |r: &Report| r.result(&m.item).and_then(|x| x.deputies.satisfaction_rate);
            (m.clone(), rate(other), rate(report))
        })
        .collect()
}

/// `GET /results/{round}[?vs=ID]`
pub async fn get_results(
    State(state): State<AppState>,
    Path(round_id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let who = match require(&state, &headers, &format!("/results/{round_id}"), STAFF).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let report = match report_for(&state, Some(&who), round_id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    if !report.published() {
        return render(&state, StatusCode::OK, "测评结果", move || {
            view! { <ResultsWithheld who report /> }.into_any()
        });
    }
    let siblings = match repo_results::sibling_rounds(&state.pool, &report.round).await {
        Ok(s) => s,
        Err(e) => return unavailable(&state, &who, e),
    };
    let vs = q.get("vs").and_then(|v| v.parse::<i64>().ok());
    let compare = match vs.filter(|v| siblings.iter().any(|s| s.0 == *v)) {
        Some(other_id) => match report_for(&state, Some(&who), other_id).await {
            Ok(other) if !other.published() => None,
            Ok(other) => Some(Comparison {
                other_id,
                other_name: other.round.name.clone(),
                rows: compare_rows(&report, &other),
            }),
            Err(r) => return r,
        },
        None => None,
    };
    render(&state, StatusCode::OK, "测评结果", move || {
        view! { <ResultsOverview who report siblings compare /> }.into_any()
    })
}

async fn item_page(
    state: AppState,
    headers: HeaderMap,
    round_id: i64,
    kind: &str,
    ref_id: i64,
) -> Response {
    let path = format!("/results/{round_id}/{kind}/{ref_id}");
    let who = match require(&state, &headers, &path, STAFF).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let report = match report_for(&state, Some(&who), round_id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    if !report.published() {
        return problem(
            &state,
            Some(&who),
            StatusCode::FORBIDDEN,
            "结果尚未公布",
            "为保护投票秘密，各项结果在测评结束后显示。".into(),
        );
    }
    let item = format!("{}{ref_id}", if kind == "tasks" { 't' } else { 'u' });
    let Some(meta) = report.meta(&item).cloned() else {
        return problem(
            &state,
            Some(&who),
            StatusCode::NOT_FOUND,
            "没有这一项",
            "本轮测评不包含这一项。".into(),
        );
    };
    let loaded = async {
        let notes: Vec<(String, String)> = sqlx::query_as(
            "SELECT a.login, s.note FROM score_sheet s
             JOIN score_submission sub ON sub.round_id = s.round_id AND sub.account_id = s.account_id
             JOIN account a ON a.id = s.account_id
             WHERE s.round_id = ? AND s.item = ? AND s.note != '' ORDER BY a.login",
        )
        .bind(round_id)
        .bind(&item)
        .fetch_all(&state.pool)
        .await?;
        // Ballot ids are random, so this order says nothing about who wrote what or when.
        let comments: Vec<(String,)> = sqlx::query_as(
            "SELECT c.comment FROM ballot_choice c JOIN ballot b ON b.id = c.ballot_id
             WHERE b.round_id = ? AND c.item = ? AND c.comment IS NOT NULL AND c.comment != ''
             ORDER BY c.ballot_id LIMIT 500",
        )
        .bind(round_id)
        .bind(&item)
        .fetch_all(&state.pool)
        .await?;
        Ok::<_, sqlx::Error>((notes, comments))
    }
    .await;
    let (notes, comments) = match loaded {
        Ok(l) => l,
        Err(e) => return unavailable(&state, &who, e),
    };
    let unit = (!meta.is_task).then(|| {
        let links = report.links.get(&item).cloned().unwrap_or_default();
        unit_view(&item, &links, &report.results.items)
    });
    let title = meta.label.clone();
    render(&state, StatusCode::OK, &title, move || {
        view! {
            <ItemResultPage
                who
                report
                meta
                notes
                comments=comments.into_iter().map(|c| c.0).collect()
                unit
            />
        }
        .into_any()
    })
}

/// `GET /results/{round}/tasks/{id}`
pub async fn get_task_result(
    State(state): State<AppState>,
    Path((round_id, id)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> Response {
    item_page(state, headers, round_id, "tasks", id).await
}

/// `GET /results/{round}/units/{id}`
pub async fn get_unit_result(
    State(state): State<AppState>,
    Path((round_id, id)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> Response {
    item_page(state, headers, round_id, "units", id).await
}

/// `GET /screen/{round}`: no sign-in; reloads itself while the round is open.
pub async fn get_screen(State(state): State<AppState>, Path(round_id): Path<i64>) -> Response {
    let report = match report_for(&state, None, round_id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let head = if report.round.state == RoundState::Open {
        format!(r#"<meta http-equiv="refresh" content="{SCREEN_REFRESH_SECONDS}">"#)
    } else {
        String::new()
    };
    let title = report.round.name.clone();
    render_with_head(&state, StatusCode::OK, &title, &head, move || {
        view! { <ScreenPage report /> }.into_any()
    })
}

/// The charts a round has, by file name.
pub const CHARTS: [&str; 7] = [
    "turnout.svg",
    "tasks-levels.svg",
    "units-levels.svg",
    "tasks-ranked.svg",
    "units-ranked.svg",
    "task-indicators.svg",
    "compare.svg",
];

/// `GET /results/{round}/charts/{name}`: an SVG. Staff may see every chart; anyone may see
/// the turnout, and the rest once the results are published (the big screen shows them).
pub async fn get_chart(
    State(state): State<AppState>,
    Path((round_id, name)): Path<(i64, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if !CHARTS.contains(&name.as_str()) {
        return (StatusCode::NOT_FOUND, "no such chart").into_response();
    }
    let who = current_account(&state.pool, &headers).await;
    let report = match repo_results::load(&state.pool, round_id).await {
        Ok(r) => r,
        Err(ReportError::NoRound(_)) => {
            return (StatusCode::NOT_FOUND, "no such round").into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, round = round_id, "chart failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "results unavailable").into_response();
        }
    };
    // Results only once published (closed, or published early by the office), for everyone:
    // counts watched while ballots arrive would tell how a late voter voted.
    if name != "turnout.svg" && !report.published() {
        let status = if who.is_some() {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::UNAUTHORIZED
        };
        return (status, "results are shown once the round closes").into_response();
    }
    let other = if name == "compare.svg" {
        let Some(vs) = q.get("vs").and_then(|v| v.parse::<i64>().ok()) else {
            return (StatusCode::BAD_REQUEST, "compare.svg needs ?vs=ROUND").into_response();
        };
        match repo_results::load(&state.pool, vs).await {
            Ok(o)
                if o.round.plan_id == report.round.plan_id
                    && o.round.id != round_id
                    && o.published() =>
            {
                Some(o)
            }
            Ok(_) | Err(ReportError::NoRound(_)) => {
                return (StatusCode::NOT_FOUND, "no such round of this plan").into_response();
            }
            Err(e) => {
                tracing::error!(error = %e, round = vs, "chart failed");
                return (StatusCode::SERVICE_UNAVAILABLE, "results unavailable").into_response();
            }
        }
    } else {
        None
    };
    let svg = draw(&name, &report, other.as_ref());
    let mut res = svg.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml; charset=utf-8"),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Draws chart `name` of `report` (`other` for the comparison).
pub fn draw(name: &str, report: &Report, other: Option<&Report>) -> String {
    let level_labels: Vec<&str> = report
        .round
        .scale
        .levels
        .iter()
        .map(|l| l.label.as_str())
        .collect();
    let levels = |tasks: bool, title: &str| {
        let rows: Vec<LevelRow> = report
            .items
            .iter()
            .filter(|m| m.is_task == tasks)
            .filter_map(|m| {
                report.result(&m.item).map(|r| LevelRow {
                    label: m.label.clone(),
                    counts: r.deputies.counts.clone(),
                    not_rated: r.deputies.not_rated,
                })
            })
            .collect();
        charts::level_distribution(title, &level_labels, &rows)
    };
    let ranked = |tasks: bool, title: &str| {
        let rows: Vec<RankedRow> = by_rank(report, tasks)
            .iter()
            .map(|m| RankedRow {
                label: if tasks {
                    m.full_label()
                } else {
                    m.label.clone()
                },
                value: report.result(&m.item).and_then(|r| r.combined.value),
            })
            .collect();
        charts::ranked_bars(title, "综合指数", &rows, None)
    };
    match name {
        "turnout.svg" => {
            let (voted, invited) = report.turnout;
            charts::turnout(
                "代表投票情况",
                &[TurnoutRow {
                    label: "全体代表".into(),
                    voted: u64::try_from(voted).unwrap_or(0),
                    invited: u64::try_from(invited).unwrap_or(0),
                }],
            )
        }
        "tasks-levels.svg" => levels(true, "工作任务：代表评价分布"),
        "units-levels.svg" => levels(false, "成员单位：代表评价分布"),
        "tasks-ranked.svg" => ranked(true, "工作任务综合指数排名"),
        "units-ranked.svg" => ranked(false, "成员单位综合指数排名"),
        "task-indicators.svg" => {
            let set = score::as_set(&report.indicators);
            let names: Vec<&str> = report.indicators.iter().map(|i| i.name.as_str()).collect();
            let rows: Vec<IndicatorRow> = report
                .tasks()
                .filter_map(|m| {
                    report.result(&m.item).map(|r| IndicatorRow {
                        label: m.label.clone(),
                        scores: indicator_means(&set, &r.evaluators),
                    })
                })
                .collect();
            charts::indicator_scores("工作任务：评估指标平均分", &names, &rows)
        }
        "compare.svg" => {
            let other = other.unwrap_or(report);
            let rows: Vec<CompareRow> = compare_rows(report, other)
                .into_iter()
                .map(|(m, a, b)| CompareRow {
                    label: m.label,
                    a: a.map(|v| v * 100.0),
                    b: b.map(|v| v * 100.0),
                })
                .collect();
            charts::round_compare(
                "各项满意率对比",
                "满意率（%）",
                (&other.round.name, &report.round.name),
                &rows,
            )
        }
        _ => String::new(),
    }
}
