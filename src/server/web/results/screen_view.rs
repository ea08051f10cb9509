//! `/screen/{round}`: the venue's big screen.

use crate::components::format::{fmt1, pct};
use crate::server::repo::results::{ItemMeta, Report};
use leptos::prelude::*;

/// `/screen/{round}`: large type for the venue. Turnout always; results once published, a page
/// of [`super::SCREEN_ROWS`] rows per column at a time (`paging` = (page, pages), 1-based), or
/// all of them when `paging` is `None`.
#[component]
pub fn ScreenPage(report: Report, paging: Option<(usize, usize)>) -> impl IntoView {
    let id = report.round.id;
    let (voted, invited) = report.turnout;
    let share = if invited > 0 {
        voted as f64 * 100.0 / invited as f64
    } else {
        0.0
    };
    let results = report.published().then(|| {
        let tasks = report.by_rank(true);
        let units = report.by_rank(false);
        // Sorted by 综合指数, and 综合指数 is what the first figure shows (then 满意率 and the
        // result): the order can be read off the column.
        let row = |m: &ItemMeta| {
            let r = report.result(&m.item);
            let rank = report
                .rank(&m.item)
                .map(|n| n.to_string())
                .unwrap_or_else(|| "—".into());
            let index = fmt1(r.and_then(|r| r.combined.value));
            let rate = pct(r.and_then(|r| r.deputies.satisfaction_rate));
            let class = r
                .and_then(|r| r.deputies.classification)
                .map(|c| c.label())
                .unwrap_or("—");
            view! {
                <tr>
                    <td class="num">{rank}</td>
                    <th scope="row">{m.full_label()}</th>
                    <td class="num">{index}</td>
                    <td class="num">{rate}</td>
                    <td>{class}</td>
                </tr>
            }
        };
        let head = || {
            view! {
                <thead>
                    <tr>
                        <th class="num">"排名"</th>
                        <th>"项目"</th>
                        <th class="num">"综合指数"</th>
                        <th class="num">"满意率"</th>
                        <th>"测评结果"</th>
                    </tr>
                </thead>
            }
        };
        let slice = |all: &[ItemMeta]| -> Vec<ItemMeta> {
            match paging {
                Some((page, _)) => all
                    .iter()
                    .skip((page - 1) * super::SCREEN_ROWS)
                    .take(super::SCREEN_ROWS)
                    .cloned()
                    .collect(),
                None => all.to_vec(),
            }
        };
        let (tasks, units) = (slice(&tasks), slice(&units));
        // One column: its page of rows, or a word that the column ended on an earlier page.
        let column = |items: &[ItemMeta]| {
            if items.is_empty() {
                view! { <p class="screen-done">"已在前页列完。"</p> }.into_any()
            } else {
                view! {
                    <table class="screen-table">
                        {head()}
                        <tbody>{items.iter().map(row).collect_view()}</tbody>
                    </table>
                }
                .into_any()
            }
        };
        let pager = match paging {
            Some((page, pages)) if pages > 1 => view! {
                <p class="screen-pager">
                    {format!("第 {page} / {pages} 页 · 每{}秒自动翻页 · ", super::SCREEN_PAGE_SECONDS)}
                    <a href=format!("/screen/{id}?all=1")>"全部显示"</a>
                </p>
            }
            .into_any(),
            _ => ().into_any(),
        };
        let chart = paging.is_none().then(|| {
            view! {
                <img
                    class="screen-chart"
                    src=format!("/results/{id}/charts/units-ranked.svg")
                    alt="成员单位按综合指数排名"
                />
            }
        });
        view! {
            <div class="screen-results">
                <section>
                    <h2>"工作任务（按综合指数排名）"</h2>
                    {column(&tasks)}
                </section>
                <section>
                    <h2>"成员单位（按综合指数排名）"</h2>
                    {column(&units)}
                    {chart}
                </section>
            </div>
            {pager}
        }
    });
    let waiting = (!report.published()).then(|| {
        let words = if report.round.state == crate::server::repo::round::RoundState::Closed {
            "测评已结束，监票人计票后公布结果。"
        } else {
            "测评结束、监票人计票后公布结果。"
        };
        view! { <p class="screen-wait">{words}</p> }
    });
    view! {
        <main class="screen">
            <h1>{report.round.name.clone()}</h1>
            <p class="screen-plan">{report.plan_title.clone()}</p>
            // Once there are results, the turnout gives them the screen: one line, not a poster.
            <section class="screen-turnout" class:compact=report.published() aria-live="polite">
                <p class="screen-count">
                    <span class="voted">{voted}</span>
                    " / "
                    {invited}
                </p>
                <div class="screen-bar" role="img" aria-label=format!("已投 {voted} / 应投 {invited}")>
                    <div class="screen-fill" style=format!("width:{share:.1}%")></div>
                </div>
                <p>{format!("已投票 {:.1}% · {}", crate::results::round1(share), report.round.state.label_zh())}</p>
            </section>
            {waiting}
            {results}
        </main>
    }
}
