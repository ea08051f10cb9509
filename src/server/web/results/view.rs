//! A round's results pages (`/results/{round}`, withheld or in full) and the pieces the item
//! page and the big screen share. Every chart has the same numbers in a table beside it.

use crate::charts::{NOT_RATED_COLOUR, level_colours};
use crate::components::format::pct;
use crate::components::format::{fmt_weight, fmt1};
use crate::results::{Denominator, NEEDS_REWORK_LABEL, indicator_means};
use crate::server::repo::account::Account;
use crate::server::repo::results::{ItemMeta, Report};
use crate::server::repo::round::RoundState;
use crate::server::web::frame::StaffFrame;
use leptos::prelude::*;

fn turnout_line(report: &Report) -> String {
    let (voted, invited) = report.turnout;
    let rate = if invited > 0 {
        format!("（{}）", pct(Some(voted as f64 / invited as f64)))
    } else {
        String::new()
    };
    format!("已投 {voted} / 应投 {invited}{rate}")
}

/// How the figures are computed, in words, so a reader can recompute them.
#[component]
fn Method(report: Report) -> impl IntoView {
    let m = &report.results.method;
    let n = match m.config.denominator {
        Denominator::ValidBallots => "有效票数（该项已评价的票）".to_string(),
        Denominator::Invited(n) => format!("应到代表数 {n}"),
        Denominator::Present(n) => format!("实到代表数 {n}"),
    };
    let levels: Vec<String> = m
        .scale
        .levels
        .iter()
        .zip(&m.level_weights)
        .map(|(l, w)| format!("{} {}", l.label, fmt_weight(*w)))
        .collect();
    let (dw, ew) = m.config.group_weights;
    let satisfied: Vec<String> = m
        .satisfied_levels
        .iter()
        .filter_map(|&l| m.scale.levels.get(usize::from(l)).map(|x| x.label.clone()))
        .collect();
    let indicators: Vec<String> = report
        .indicators
        .iter()
        .map(|i| format!("{} {}", i.name, fmt_weight(i.weight)))
        .collect();
    view! {
        <details class="card method">
            <summary>"计算方法"</summary>
            <ul>
                <li>
                    {format!(
                        "满意率 = （{}）÷ N，N = {n}；未评价的票不计入该项。",
                        satisfied.join(" + "),
                    )}
                </li>
                <li>"测评结果按多数规则：满意票超过N的一半为“满意”；否则满意与基本满意合计超过一半为“基本满意”；否则为“不满意”。"</li>
                <li>{format!("代表得分按等级分值加权：{}。", levels.join("、"))}</li>
                <li>
                    {format!(
                        "评估得分 = 各指标得分按权重加权（{}），再取已提交评估人的平均{}；等级：优 ≥90，良 ≥80，中 ≥60，差 <60。",
                        indicators.join("、"),
                        if m.config.trim { "（5人及以上时去掉一个最高分和一个最低分）" } else { "" },
                    )}
                </li>
                <li>
                    {format!(
                        "综合指数 = 代表得分 × {} + 评估得分 × {}（按比例；某一方没有数据时只计另一方）。",
                        fmt_weight(dw),
                        fmt_weight(ew),
                    )}
                </li>
                <li>
                    {format!(
                        "“{NEEDS_REWORK_LABEL}”：测评结果为不满意，或满意率低于{}。",
                        pct(Some(m.config.rework_threshold)),
                    )}
                </li>
            </ul>
        </details>
    }
}

/// The level counts, rates, scores and flags of `items`, one row each.
/// The results in one look, before any table: the 测评结果 counts, and every item to re-handle
/// with why, each a link to its page.
#[component]
fn Summary(report: Report) -> impl IntoView {
    let o = report.overview();
    let id = report.round.id;
    let threshold = report.results.method.config.rework_threshold;
    let flagged = if o.flagged.is_empty() {
        view! { <p>{format!("没有{NEEDS_REWORK_LABEL}的项目。")}</p> }.into_any()
    } else {
        let items = o
            .flagged
            .iter()
            .map(|m| {
                let why = report
                    .result(&m.item)
                    .map(|r| r.rework_explained(threshold))
                    .unwrap_or_default();
                view! {
                    <li>
                        <a href=m.href(id)>{m.full_label()}</a>
                        <span class="meta">{format!("：{why}")}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <p>{format!("{NEEDS_REWORK_LABEL}的 {} 项：", o.flagged.len())}</p>
            <ul class="flagged-list">{items}</ul>
        }
        .into_any()
    };
    view! {
        <section class="card results-summary">
            <h2>"概况"</h2>
            <p>{format!("共测评工作任务 {} 项、成员单位 {} 个。", o.tasks, o.units)}</p>
            <ul class="class-counts">
                <li><strong>{o.by_class[0]}</strong>" 项满意"</li>
                <li><strong>{o.by_class[1]}</strong>" 项基本满意"</li>
                <li><strong>{o.by_class[2]}</strong>" 项不满意"</li>
            </ul>
            {flagged}
        </section>
    }
}

#[component]
pub fn ResultsTable(report: Report, items: Vec<ItemMeta>, show_rank: bool) -> impl IntoView {
    let round = report.round.id;
    let labels: Vec<String> = report
        .round
        .scale
        .levels
        .iter()
        .map(|l| l.label.clone())
        .collect();
    let colours = level_colours(labels.len());
    let heads = labels
        .iter()
        .zip(colours.iter())
        .map(|(l, c)| {
            view! {
                <th class="num">
                    <span class="swatch" style=format!("background:{c}")></span>
                    {l.clone()}
                </th>
            }
        })
        .collect_view();
    let rows = items
        .iter()
        .filter_map(|m| report.result(&m.item).map(|r| (m, r)))
        .map(|(m, r)| {
            let counts = r
                .deputies
                .counts
                .iter()
                .map(|c| view! { <td class="num">{*c}</td> })
                .collect_view();
            let rank = show_rank.then(|| {
                let rank = report.rank(&m.item);
                view! { <td class="num">{rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into())}</td> }
            });
            let class = r
                .deputies
                .classification
                .map(|c| c.label())
                .unwrap_or("—");
            let grade = r.evaluators.grade.map(|g| g.label()).unwrap_or("");
            let flag = r.needs_rework.then(|| view! { <span class="flag">{NEEDS_REWORK_LABEL}</span> });
            view! {
                <tr class:rework=r.needs_rework>
                    {rank}
                    <th scope="row">
                        <a href=m.href(round)>{m.label.clone()}</a>
                        <span class="meta">{format!(" {}", m.title)}</span>
                    </th>
                    <td class="num">{pct(r.deputies.satisfaction_rate)}</td>
                    <td>{class}</td>
                    <td class="num">{fmt1(r.combined.value)}</td>
                    <td>{flag}</td>
                    {counts}
                    <td class="num">{r.deputies.not_rated}</td>
                    <td class="num">{fmt1(r.deputies.satisfaction_score)}</td>
                    <td class="num">{format!("{} {grade}", fmt1(r.evaluators.score))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可左右滑动）">
            <table class="results">
                <thead>
                    <tr>
                        {show_rank.then(|| view! { <th class="num">"排名"</th> })}
                        <th>"项目"</th>
                        // What a reader looks for first, then the detail (on a phone or a
                        // 1366 px screen the first five columns are in view without scrolling).
                        <th class="num">"满意率"</th>
                        <th>"测评结果"</th>
                        <th class="num">"综合指数"</th>
                        <th>"需重新办理"</th>
                        {heads}
                        <th class="num">
                            <span class="swatch" style=format!("background:{NOT_RATED_COLOUR}")></span>
                            "未评"
                        </th>
                        <th class="num">"代表得分"</th>
                        <th class="num">"评估得分"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The evaluators' mean per indicator for `items`, as a table under the chart.
#[component]
fn IndicatorTable(report: Report, items: Vec<ItemMeta>) -> impl IntoView {
    let set = crate::server::repo::score::as_set(&report.indicators);
    let heads = report
        .indicators
        .iter()
        .map(|i| view! { <th class="num">{format!("{}（{}）", i.name, fmt_weight(i.weight))}</th> })
        .collect_view();
    let rows = items
        .iter()
        .filter_map(|m| report.result(&m.item).map(|r| (m, r)))
        .map(|(m, r)| {
            let cells = indicator_means(&set, &r.evaluators)
                .into_iter()
                .map(|v| view! { <td class="num">{fmt1(v)}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{m.label.clone()}</th>
                    {cells}
                    <td class="num">{fmt1(r.evaluators.score)}</td>
                    <td class="num">{r.evaluators.used}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可左右滑动）">
            <table class="results">
                <thead>
                    <tr>
                        <th>"项目"</th>
                        {heads}
                        <th class="num">"加权"</th>
                        <th class="num">"计入人数"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// A chart with its caption; the table with the same numbers follows it. It is scaled to
/// its box, never cut; `narrow` charts (the level distributions, the ranked bars) come in a
/// phone layout too,
/// chosen by the browser below 40rem.
#[component]
fn Chart(src: String, caption: String, #[prop(optional)] narrow: bool) -> impl IntoView {
    let phone = narrow.then(|| {
        let joint = if src.contains('?') { '&' } else { '?' };
        view! { <source media="(max-width: 40rem)" srcset=format!("{src}{joint}narrow=1") /> }
    });
    view! {
        <figure class="chart">
            <picture>
                {phone}
                <img src=src.clone() alt=caption.clone() loading="lazy" />
            </picture>
            <figcaption>
                {caption} " " <a href=src class="chart-full">"查看大图"</a>
            </figcaption>
        </figure>
    }
}

/// One item's 满意率 in another round (`a`) and in this one (`b`).
pub type CompareLine = (ItemMeta, Option<f64>, Option<f64>);

/// This round against another of the same plan.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub other_id: i64,
    pub other_name: String,
    pub rows: Vec<CompareLine>,
}

/// `/results/{round}` before the tellers' count: turnout only. The ballots are sealed and no
/// per-item figure exists before the count, for anyone, staff included.
#[component]
pub fn ResultsWithheld(who: Account, report: Report) -> impl IntoView {
    let id = report.round.id;
    view! {
        <StaffFrame who=Some(who)>
            <h1>"测评结果"</h1>
            <p class="lead-in">
                {format!(
                    "{} · {} · {}",
                    report.round.name,
                    report.round.state.label_zh(),
                    report.plan_title,
                )}
            </p>
            <div class="alert alert-review" role="status">
                {if report.round.state == RoundState::Closed {
                    "测评已结束，等待监票人计票。选票已密封保存，计票前任何人（包括办公室和本系统）都看不到各项结果。"
                } else {
                    "选票已密封保存。各项结果在测评结束、监票人计票后才产生，此前任何人（包括办公室和本系统）都看不到。"
                }}
            </div>
            <section class="card">
                <h2>"参与情况"</h2>
                <p class="big-number">{turnout_line(&report)}</p>
                <p class="code-checks">{report.codes.zh()}</p>
                <p>{format!("已提交评分的评估人：{} 人", report.evaluators_submitted)}</p>
                <Chart src=format!("/results/{id}/charts/turnout.svg") caption="代表投票情况".to_string() />
            </section>
        </StaffFrame>
    }
}

/// `/results/{round}`
#[component]
pub fn ResultsOverview(
    who: Account,
    report: Report,
    /// Other rounds of the plan: (id, name).
    siblings: Vec<(i64, String)>,
    /// The round compared against, if any.
    compare: Option<Comparison>,
) -> impl IntoView {
    let id = report.round.id;
    let charts = format!("/results/{id}/charts");
    let tasks: Vec<ItemMeta> = report.tasks().cloned().collect();
    let units_ranked = report.by_rank(false);
    let tasks_ranked = report.by_rank(true);
    let state = report.round.state.label_zh();
    let open_note = report.trial.then(|| {
        view! {
            <p class="alert alert-error" role="note">
                "试用轮次：全部监票人密钥由一人生成并保管，本轮选票不保密，结果不能作为正式测评结果。"
            </p>
        }
    });
    let compare_section = (!siblings.is_empty()).then(|| {
        let options = siblings
            .iter()
            .map(|(sid, name)| {
                let selected = compare.as_ref().is_some_and(|c| c.other_id == *sid);
                view! { <option value=sid.to_string() selected=selected>{name.clone()}</option> }
            })
            .collect_view();
        let body = compare.clone().map(|c| {
            let Comparison {
                other_id: other,
                other_name,
                rows,
            } = c;
            let table = rows
                .into_iter()
                .map(|(m, a, b)| {
                    let delta = match (a, b) {
                        (Some(a), Some(b)) => format!(
                            "{:+.1}",
                            crate::results::round1(
                                crate::results::percent1(b) - crate::results::percent1(a)
                            )
                        ),
                        _ => "—".into(),
                    };
                    view! {
                        <tr>
                            <th scope="row">{m.full_label()}</th>
                            <td class="num">{pct(a)}</td>
                            <td class="num">{pct(b)}</td>
                            <td class="num">{delta}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <Chart
                    src=format!("{charts}/compare.svg?vs={other}")
                    caption=format!("各项满意率：{other_name} 与 {}", report.round.name)
                />
                <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可左右滑动）">
                    <table class="results">
                        <thead>
                            <tr>
                                <th>"项目"</th>
                                <th class="num">{other_name.clone()}</th>
                                <th class="num">{report.round.name.clone()}</th>
                                <th class="num">"变化（百分点）"</th>
                            </tr>
                        </thead>
                        <tbody>{table}</tbody>
                    </table>
                </div>
            }
        });
        view! {
            <section class="card">
                <h2>"轮次对比"</h2>
                <form method="get" action=format!("/results/{id}") class="inline-form">
                    <label for="vs">"对比轮次"</label>
                    <select id="vs" name="vs">{options}</select>
                    <button class="button secondary" type="submit">"对比"</button>
                </form>
                {body}
            </section>
        }
    });
    view! {
        <StaffFrame who=Some(who)>
            <h1>"测评结果"</h1>
            <p class="lead-in">
                {format!("{} · {} · {}", report.round.name, state, report.plan_title)}
            </p>
            {open_note}
            <Summary report=report.clone() />
            <section class="card">
                <h2>"参与情况"</h2>
                <p class="big-number">{turnout_line(&report)}</p>
                <p class="code-checks">{report.codes.zh()}</p>
                <p>{format!("已提交评分的评估人：{} 人", report.evaluators_submitted)}</p>
                <Chart src=format!("{charts}/turnout.svg") caption="代表投票情况".to_string() />
                <p>
                    <a href=format!("/screen/{id}")>"打开会场大屏"</a>
                </p>
                <p>
                    <a href=format!("/results/{id}/record.json")>"下载公开选票记录（JSON）"</a>
                    " · 密封的选票、监票人的计票份额和证明，任何人可用 "
                    <code>{format!("ceping round verify --record round-{id}-record.json")}</code>
                    " 自行核验；代表可凭核对码查到自己的选票。"
                </p>
            </section>
            <Method report=report.clone() />
            <section class="card">
                <h2>"工作任务"</h2>
                <Chart
                    src=format!("{charts}/tasks-levels.svg")
                    caption="各项任务的代表评价分布".to_string()
                    narrow=true
                />
                <Chart
                    src=format!("{charts}/tasks-ranked.svg")
                    caption="工作任务按综合指数排名".to_string()
                    narrow=true
                />
                <ResultsTable report=report.clone() items=tasks_ranked show_rank=true />
            </section>
            <section class="card">
                <h2>"成员单位"</h2>
                <Chart
                    src=format!("{charts}/units-ranked.svg")
                    caption="成员单位按综合指数排名".to_string()
                    narrow=true
                />
                <Chart
                    src=format!("{charts}/units-levels.svg")
                    caption="各成员单位的代表评价分布".to_string()
                    narrow=true
                />
                <ResultsTable report=report.clone() items=units_ranked show_rank=true />
            </section>
            <section class="card">
                <h2>"评估指标得分"</h2>
                <Chart
                    src=format!("{charts}/task-indicators.svg")
                    caption="各项任务的评估指标平均分".to_string()
                />
                <IndicatorTable report=report.clone() items=tasks />
            </section>
            {compare_section}
        </StaffFrame>
    }
}
