//! Results over HTTP: pages for evaluators and the office, SVG charts (`charts`), and the
//! venue's big screen.
//!
//! Who sees what: no per-item figure exists before the round has closed and its tellers have
//! opened the count (ballots are sealed), so results wait for that, for everyone. Staff pages
//! need an evaluator or office session; anyone may open the big screen, which shows turnout,
//! and the results once counted.

mod charts;
/// One task's or unit's results page.
pub mod item_view;
/// The venue's big screen.
pub mod screen_view;
/// The round's results pages and the pieces the others share.
pub mod view;

pub use charts::{CHARTS, draw};

use crate::message::Bilingual;
use crate::results::unit_view;
use crate::server::repo::results::{self as repo_results, Report, ReportError};
use crate::server::repo::round::{RoundError, RoundState};
use crate::server::web::AppState;
use crate::server::web::extract::{AnyStaff, Staff};
use crate::server::web::problem::Problem;
use crate::server::web::render::{render, render_with_head};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use item_view::ItemResultPage;
use leptos::prelude::*;
use screen_view::ScreenPage;
use serde::Deserialize;
use view::{CompareLine, Comparison, ResultsOverview, ResultsWithheld};

type Page = Result<Response, Problem>;

/// How often the big screen reloads while the round is open, in seconds.
pub const SCREEN_REFRESH_SECONDS: u32 = 10;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/results/{round}", get(get_results))
        .route("/results/{round}/tasks/{id}", get(get_task_result))
        .route("/results/{round}/units/{id}", get(get_unit_result))
        .route("/results/{round}/charts/{name}", get(charts::get_chart))
        .route("/screen/{round}", get(get_screen))
        .route("/results/{round}/record.json", get(get_record))
}

/// The results of a round, or the page that says why not.
async fn report_for(state: &AppState, round_id: i64) -> Result<Report, Problem> {
    match repo_results::load(&state.pool, round_id).await {
        Ok(r) => Ok(r),
        Err(ReportError::NoRound(_)) => Err(Problem::no_round()),
        Err(e) => {
            tracing::error!(error = %e, round = round_id, "results failed");
            Err(Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "暂时无法计算结果",
                "结果暂时无法计算，请稍后刷新；已保存的票和评分不受影响。",
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Versus {
    /// Another round of the same plan to compare with.
    vs: Option<String>,
    /// `1`: the chart drawn for a phone (the level distributions: labels above the bars).
    narrow: Option<String>,
}

impl Versus {
    fn id(&self) -> Option<i64> {
        self.vs.as_deref().and_then(|v| v.parse::<i64>().ok())
    }
}

/// `GET /results/{round}[?vs=ID]`
pub async fn get_results(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<AnyStaff>,
    Path(round_id): Path<i64>,
    Query(q): Query<Versus>,
) -> Page {
    let report = report_for(&state, round_id).await?;
    if !report.published() {
        return Ok(render(&state, StatusCode::OK, "测评结果", move || {
            view! { <ResultsWithheld who report /> }.into_any()
        }));
    }
    let siblings = repo_results::sibling_rounds(&state.pool, &report.round).await?;
    let compare = match q.id().filter(|v| siblings.iter().any(|s| s.0 == *v)) {
        Some(other_id) => {
            let other = report_for(&state, other_id).await?;
            other.published().then(|| Comparison {
                other_id,
                other_name: other.round.name.clone(),
                rows: compare_rows(&report, &other),
            })
        }
        None => None,
    };
    Ok(render(&state, StatusCode::OK, "测评结果", move || {
        view! { <ResultsOverview who report siblings compare /> }.into_any()
    }))
}

/// One task's or unit's results: counts, scores, evaluators' notes, deputies' comments.
async fn item_page(
    state: AppState,
    Staff { who, .. }: Staff<AnyStaff>,
    round_id: i64,
    item: String,
) -> Page {
    let report = report_for(&state, round_id).await?;
    if !report.published() {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "结果尚未公布",
            "为保护投票秘密，各项结果在测评结束、监票人计票后才产生。",
        ));
    }
    let meta = report
        .meta(&item)
        .cloned()
        .ok_or_else(|| Problem::not_found("没有这一项", "本轮测评不包含这一项。"))?;
    let notes = repo_results::evaluator_notes(&state.pool, round_id, &item).await?;
    let comments = repo_results::deputy_comments(&state.pool, round_id, &item, 500).await?;
    let unit = (!meta.is_task).then(|| {
        let links = report.links.get(&item).cloned().unwrap_or_default();
        unit_view(&item, &links, &report.results.items)
    });
    let title = meta.label.clone();
    Ok(render(&state, StatusCode::OK, &title, move || {
        view! { <ItemResultPage who report meta notes comments unit /> }.into_any()
    }))
}

/// `GET /results/{round}/tasks/{id}`
pub async fn get_task_result(
    State(state): State<AppState>,
    staff: Staff<AnyStaff>,
    Path((round_id, id)): Path<(i64, i64)>,
) -> Page {
    item_page(state, staff, round_id, format!("t{id}")).await
}

/// `GET /results/{round}/units/{id}`
pub async fn get_unit_result(
    State(state): State<AppState>,
    staff: Staff<AnyStaff>,
    Path((round_id, id)): Path<(i64, i64)>,
) -> Page {
    item_page(state, staff, round_id, format!("u{id}")).await
}

/// Longest a record download may take (1.13 GB for 100,000 ballots is 15 minutes at
/// 10 Mbit/s); then it is cut and its turn given to the next.
const RECORD_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// `GET /results/{round}/record.json`: a counted round's public record (`seal::record`), for
/// anyone, no sign-in: the tellers' board, every sealed ballot with its tracking code, every
/// teller's decryption shares and the counts. `ceping round verify --record FILE` checks it.
/// Streamed a page of ballots at a time (a round of 100,000 ballots is about 1.1 GB of JSON);
/// while [`RECORD_STREAMS`](crate::server::web::RECORD_STREAMS) are, 503 with `Retry-After`.
pub async fn get_record(
    State(state): State<AppState>,
    Path(round_id): Path<i64>,
) -> Result<Response, Problem> {
    use crate::server::service::count::{CountError, RECORD_PAGE, RecordWriter};
    use axum::http::header;
    let writer = match RecordWriter::open(&state.pool, round_id, RECORD_PAGE).await {
        Ok(writer) => writer,
        Err(CountError::Round(RoundError::NotFound(_))) => return Err(Problem::no_round()),
        Err(e @ (CountError::NotCounted(_) | CountError::NoKeys(_))) => {
            return Err(Problem::conflict("计票后公开选票记录", e.zh()));
        }
        Err(e) => return Err(Problem::unavailable(e)),
    };
    let Ok(permit) = state.records.clone().try_acquire_owned() else {
        let busy = Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "选票记录下载繁忙",
            "同时下载选票记录的人较多，请稍后再试。",
        );
        return Ok(([(header::RETRY_AFTER, "30")], busy).into_response());
    };
    // A task writes the record into a short channel the body reads, holding the permit: it
    // gives the permit back when the download ends, fails, is dropped, or has taken longer
    // than RECORD_DEADLINE (a reader that stops reading cannot keep it).
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<axum::body::Bytes, std::io::Error>>(2);
    tokio::spawn(async move {
        let mut writer = writer;
        let deadline = tokio::time::Instant::now() + RECORD_DEADLINE;
        loop {
            let chunk = match writer.next_chunk().await {
                Ok(Some(chunk)) => Ok(axum::body::Bytes::from(chunk)),
                Ok(None) => break,
                Err(e) => {
                    // The client sees the body cut short; a cut record does not parse.
                    tracing::error!(error = %e, round = round_id, "the record stream failed");
                    Err(std::io::Error::other(e.to_string()))
                }
            };
            let failed = chunk.is_err();
            match tokio::time::timeout_at(deadline, tx.send(chunk)).await {
                Ok(Ok(())) if !failed => {}
                Ok(_) => break,
                Err(_) => {
                    tracing::warn!(round = round_id, "a record download took too long; cut");
                    break;
                }
            }
        }
        // The permit first: the body ends when the channel closes, after it is given back.
        drop(permit);
        drop(tx);
    });
    let chunks = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"round-{round_id}-record.json\""),
            ),
        ],
        axum::body::Body::from_stream(chunks),
    )
        .into_response())
}

/// The big screen's query: `?page=N` (1-based; anything else is the first page) and `?all=1`
/// (every item on one page, no turning: to scroll through or print).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScreenQuery {
    page: Option<String>,
    all: Option<String>,
}

/// Rows of each column on one page of the big screen: what fits at 1920×1080 under the turnout.
pub const SCREEN_ROWS: usize = 10;
/// Seconds a page of results stays on the big screen before it turns to the next.
pub const SCREEN_PAGE_SECONDS: u32 = 15;

/// Which page of `pages` a `?page=` asks for (1-based): out of range or not a number is page 1.
fn screen_page(raw: Option<&str>, pages: usize) -> usize {
    raw.and_then(|p| p.trim().parse::<usize>().ok())
        .filter(|p| (1..=pages).contains(p))
        .unwrap_or(1)
}

/// `GET /screen/{round}`: no sign-in; reloads itself until the count is out, then turns
/// through the results' pages. Never for a draft: its name and schedule are the office's own
/// until it opens, so a draft is a 404, as a round that does not exist. (A closed round waiting
/// for its tellers keeps its screen: the hall's screen must not turn into an error the moment
/// voting ends.)
pub async fn get_screen(
    State(state): State<AppState>,
    Path(round_id): Path<i64>,
    Query(q): Query<ScreenQuery>,
) -> Page {
    let report = report_for(&state, round_id).await?;
    if report.round.state == RoundState::Draft {
        return Err(Problem::no_round());
    }
    // Reloads until the count is out (turnout while open); once counted, turns through the
    // results a page at a time, back to the first after the last (no script needed).
    let longest = report.tasks().count().max(report.units().count());
    let pages = longest.div_ceil(SCREEN_ROWS).max(1);
    let paging = (report.published() && q.all.is_none())
        .then(|| (screen_page(q.page.as_deref(), pages), pages));
    let head = match paging {
        _ if !report.published() => {
            format!(r#"<meta http-equiv="refresh" content="{SCREEN_REFRESH_SECONDS}">"#)
        }
        Some((page, pages)) if pages > 1 => format!(
            r#"<meta http-equiv="refresh" content="{SCREEN_PAGE_SECONDS};url=/screen/{round_id}?page={}">"#,
            page % pages + 1
        ),
        _ => String::new(),
    };
    let title = report.round.name.clone();
    Ok(render_with_head(
        &state,
        StatusCode::OK,
        &title,
        &head,
        move || view! { <ScreenPage report paging /> }.into_any(),
    ))
}
