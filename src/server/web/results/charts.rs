//! `GET /results/{round}/charts/{name}`: the results as SVG charts, drawn from the report.

use super::compare_rows;
use crate::charts::{self, CompareRow, IndicatorRow, LevelRow, RankedRow, TurnoutRow};
use crate::results::indicator_means;
use crate::server::repo::results::{self as repo_results, Report, ReportError};
use crate::server::repo::score;
use crate::server::service::session::current_account;
use crate::server::web::AppState;
use crate::server::web::problem::Problem;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

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
    Query(q): Query<super::Versus>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    if !CHARTS.contains(&name.as_str()) {
        return Err(Problem::not_found(
            "没有这张图",
            "可以查看的图表见测评结果页。",
        ));
    }
    let who = current_account(&state.pool, &headers).await;
    let report = super::report_for(&state, round_id).await?;
    // Results only once counted by the tellers, for everyone:
    // counts watched while ballots arrive would tell how a late voter voted.
    if name != "turnout.svg" && !report.published() {
        let status = if who.is_some() {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::UNAUTHORIZED
        };
        return Err(Problem::new(
            status,
            "结果尚未公布",
            "为保护投票秘密，各项结果在测评结束、监票人计票后才产生。",
        ));
    }
    let other = if name == "compare.svg" {
        let Some(vs) = q.id() else {
            return Err(Problem::bad_request(
                "缺少对比轮次",
                "对比图需要指明另一个测评轮次（?vs=轮次编号）。",
            ));
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
                return Err(Problem::not_found(
                    "没有这个测评轮次",
                    "对比的轮次不存在，或不属于同一工作方案，或结果尚未公布。",
                ));
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let narrow = q.narrow.as_deref() == Some("1");
    let svg = draw(&name, &report, other.as_ref(), narrow);
    let mut res = svg.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml; charset=utf-8"),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Draws chart `name` of `report` (`other` for the comparison); `narrow`, the level
/// distributions and the ranked bars for a phone.
pub fn draw(name: &str, report: &Report, other: Option<&Report>, narrow: bool) -> String {
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
                    // A phone's chart has the width for a task's title on its own line.
                    label: if narrow && m.is_task {
                        m.full_label()
                    } else {
                        m.label.clone()
                    },
                    counts: r.deputies.counts.clone(),
                    not_rated: r.deputies.not_rated,
                })
            })
            .collect();
        if narrow {
            charts::level_distribution_narrow(title, &level_labels, &rows)
        } else {
            charts::level_distribution(title, &level_labels, &rows)
        }
    };
    let ranked = |tasks: bool, title: &str| {
        let rows: Vec<RankedRow> = report
            .by_rank(tasks)
            .iter()
            .map(|m| RankedRow {
                // The results' rank, ties kept (1, 1, 3), as the tables and the report give it.
                rank: report.rank(&m.item),
                label: if tasks {
                    m.full_label()
                } else {
                    m.label.clone()
                },
                value: report.result(&m.item).and_then(|r| r.combined.value),
            })
            .collect();
        if narrow {
            charts::ranked_bars_narrow(title, "综合指数", &rows, None)
        } else {
            charts::ranked_bars(title, "综合指数", &rows, None)
        }
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
