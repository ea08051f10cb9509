//! `/results/{round}/tasks/{id}` and `/units/{id}`: one item's figures, the evaluators' notes
//! and the deputies' comments.

use crate::charts::{NOT_RATED_COLOUR, level_colours};
use crate::components::format::fmt1;
use crate::components::format::pct;
use crate::results::{ItemResult, NEEDS_REWORK_LABEL, UnitView};
use crate::server::repo::account::Account;
use crate::server::repo::results::{ItemMeta, Report};
use crate::server::web::frame::StaffFrame;
use leptos::prelude::*;

use super::view::ResultsTable;

/// `/results/{round}/tasks/{id}` and `/results/{round}/units/{id}`.
#[component]
pub fn ItemResultPage(
    who: Account,
    report: Report,
    meta: ItemMeta,
    /// Evaluators' notes on this item: (login, note).
    notes: Vec<(String, String)>,
    /// Deputies' comments on this item (anonymous, in random order).
    comments: Vec<String>,
    /// For a unit: its own result and the tasks it leads and shares.
    unit: Option<UnitView>,
) -> impl IntoView {
    let id = report.round.id;
    let result: Option<ItemResult> = report.result(&meta.item).cloned();
    let threshold = report.results.method.config.rework_threshold;
    let public = if meta.is_task {
        format!("/tasks/{}", meta.ref_id)
    } else {
        format!("/units/{}", meta.ref_id)
    };
    let figures = result.as_ref().map(|r| {
        let colours = level_colours(r.deputies.counts.len());
        let levels = report
            .round
            .scale
            .levels
            .iter()
            .zip(&r.deputies.counts)
            .zip(colours)
            .map(|((l, n), c)| {
                view! {
                    <dt>
                        <span class="swatch" style=format!("background:{c}")></span>
                        {l.label.clone()}
                    </dt>
                    <dd>{format!("{n} 票")}</dd>
                }
            })
            .collect_view();
        let flag = if r.needs_rework {
            format!("{NEEDS_REWORK_LABEL}（{}）", r.rework_explained(threshold))
        } else {
            "—".to_string()
        };
        view! {
            <dl class="figures">
                {levels}
                <dt>
                    <span class="swatch" style=format!("background:{NOT_RATED_COLOUR}")></span>
                    "未评"
                </dt>
                <dd>{format!("{} 票（不计入）", r.deputies.not_rated)}</dd>
                <dt>"满意率"</dt>
                <dd>{format!("{}（N = {}）", pct(r.deputies.satisfaction_rate), r.deputies.n)}</dd>
                <dt>"测评结果"</dt>
                <dd>{r.deputies.classification.map(|c| c.label()).unwrap_or("—")}</dd>
                <dt>"代表得分"</dt>
                <dd>{fmt1(r.deputies.satisfaction_score)}</dd>
                <dt>"评估得分"</dt>
                <dd>
                    {format!(
                        "{}{}",
                        fmt1(r.evaluators.score),
                        r.evaluators.grade.map(|g| format!("（{}）", g.label())).unwrap_or_default(),
                    )}
                </dd>
                <dt>"综合指数"</dt>
                <dd class="strong">{fmt1(r.combined.value)}</dd>
                <dt>"标记"</dt>
                <dd>{flag}</dd>
            </dl>
        }
    });
    let lines = result.as_ref().filter(|r| !r.evaluators.lines.is_empty()).map(|r| {
        let heads = report
            .indicators
            .iter()
            .map(|i| view! { <th class="num">{i.name.clone()}</th> })
            .collect_view();
        let rows = r
            .evaluators
            .lines
            .iter()
            .map(|l| {
                let cells = l
                    .scores
                    .iter()
                    .map(|s| view! { <td class="num">{fmt1(*s)}</td> })
                    .collect_view();
                let note = if l.dropped {
                    "去掉（最高或最低）"
                } else if l.weighted.is_none() {
                    "未评完，不计入"
                } else {
                    ""
                };
                view! {
                    <tr>
                        <th scope="row">{l.evaluator.clone()}</th>
                        {cells}
                        <td class="num">{fmt1(l.weighted)}</td>
                        <td>{note}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card">
                <h2>"评估打分"</h2>
                <p>
                    {format!(
                        "评估得分 {}{}，计入 {} 人。",
                        fmt1(r.evaluators.score),
                        r.evaluators.grade.map(|g| format!("（{}）", g.label())).unwrap_or_default(),
                        r.evaluators.used,
                    )}
                </p>
                <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可左右滑动）">
                    <table class="results">
                        <thead>
                            <tr>
                                <th>"评估人"</th>
                                {heads}
                                <th class="num">"加权"</th>
                                <th></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
        }
    });
    let no_lines = result
        .as_ref()
        .is_some_and(|r| r.evaluators.lines.is_empty())
        .then(|| {
            view! {
                <section class="card">
                    <h2>"评估打分"</h2>
                    <p class="meta">"暂无已提交的评估打分。"</p>
                </section>
            }
        });
    let unit_section = unit.map(|u| {
        let list = |title: &'static str, rs: Vec<ItemResult>, mean: Option<f64>| {
            let metas: Vec<ItemMeta> = rs
                .iter()
                .filter_map(|r| report.meta(&r.item).cloned())
                .collect();
            view! {
                <h3>{format!("{title}（平均综合指数 {}）", fmt1(mean))}</h3>
                <ResultsTable report=report.clone() items=metas show_rank=false />
            }
        };
        view! {
            <section class="card">
                <h2>"相关工作任务"</h2>
                {list("牵头的任务", u.led_tasks, u.led_mean.mean)}
                {list("参与的任务", u.shared_tasks, u.shared_mean.mean)}
            </section>
        }
    });
    let notes = (!notes.is_empty()).then(|| {
        let items = notes
            .into_iter()
            .map(|(who, note)| view! { <li><strong>{who}</strong>"："{note}</li> })
            .collect_view();
        view! {
            <section class="card">
                <h2>"评分依据"</h2>
                <ul class="notes evaluator-notes">{items}</ul>
            </section>
        }
    });
    let comments = (!comments.is_empty()).then(|| {
        let items = comments
            .into_iter()
            .map(|c| view! { <li>{c}</li> })
            .collect_view();
        view! {
            <section class="card">
                <h2>"代表意见"</h2>
                <ul class="notes deputy-comments">{items}</ul>
            </section>
        }
    });
    view! {
        <StaffFrame who=Some(who)>
            <p class="crumb">
                <a href=format!("/results/{id}")>{report.round.name.clone()}</a>
            </p>
            <h1>{meta.label.clone()}</h1>
            <p class="lead-in">
                {meta.title.clone()} " " <a href=public>"查看方案中的内容"</a>
            </p>
            <section class="card">
                <h2>"测评结果"</h2>
                {figures}
            </section>
            {lines}
            {no_lines}
            {notes}
            {comments}
            {unit_section}
        </StaffFrame>
    }
}
