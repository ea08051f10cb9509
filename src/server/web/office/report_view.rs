//! The year-end report (`/desk/rounds/{id}/report`): one print-ready A4 document in the style of
//! an official report — title, summary, the tables, the charts, the items that need re-handling,
//! the comments — that prints cleanly to PDF from the browser.

use crate::components::format::fmt1;
use crate::components::format::pct;
use crate::results::NEEDS_REWORK_LABEL;
use crate::server::repo::results::{ItemMeta, Report};
use leptos::prelude::*;

/// Most comments printed per report (the export has them all).
pub const MAX_COMMENTS: usize = 200;

fn table(report: &Report, items: Vec<ItemMeta>) -> impl IntoView + use<> {
    let rows = items
        .iter()
        .enumerate()
        .filter_map(|(i, m)| report.result(&m.item).map(|r| (i, m, r)))
        .map(|(i, m, r)| {
            view! {
                <tr class:rework=r.needs_rework>
                    <td class="num">{i + 1}</td>
                    <td>{m.full_label()}</td>
                    <td class="num">{pct(r.deputies.satisfaction_rate)}</td>
                    <td>{r.deputies.classification.map(|c| c.label()).unwrap_or("—")}</td>
                    <td class="num">{fmt1(r.deputies.satisfaction_score)}</td>
                    <td class="num">{fmt1(r.evaluators.score)}</td>
                    <td class="num">{fmt1(r.combined.value)}</td>
                    <td>{r.needs_rework.then_some(NEEDS_REWORK_LABEL)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="report-table">
            <thead>
                <tr>
                    <th class="num">"序"</th>
                    <th>"项目"</th>
                    <th class="num">"满意率"</th>
                    <th>"测评结果"</th>
                    <th class="num">"代表得分"</th>
                    <th class="num">"评估得分"</th>
                    <th class="num">"综合指数"</th>
                    <th>"标记"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The report document (no site header: it is meant for paper).
#[component]
pub fn ReportPage(report: Report, comments: Vec<(String, String)>, today: String) -> impl IntoView {
    let id = report.round.id;
    let (voted, invited) = report.turnout;
    let rate = (invited > 0).then(|| voted as f64 / invited as f64);
    let tasks = report.by_rank(true);
    let units = report.by_rank(false);
    let rated: Vec<_> = report
        .items
        .iter()
        .filter_map(|m| report.result(&m.item))
        .collect();
    let count = |label: &str| {
        rated
            .iter()
            .filter(|r| r.deputies.classification.map(|c| c.label()) == Some(label))
            .count()
    };
    let flagged: Vec<ItemMeta> = report
        .items
        .iter()
        .filter(|m| report.result(&m.item).is_some_and(|r| r.needs_rework))
        .cloned()
        .collect();
    let summary = format!(
        "本次测评应参加代表{invited}人，实际参加{voted}人，参加率{}；第三方评估机构{}人提交评分。共测评工作任务{}项、成员单位{}个，测评结果为“满意”的{}项，“基本满意”的{}项，“不满意”的{}项；需重新办理的{}项。",
        pct(rate),
        report.evaluators_submitted,
        tasks.len(),
        units.len(),
        count("满意"),
        count("基本满意"),
        count("不满意"),
        flagged.len(),
    );
    let m = &report.results.method;
    let satisfied: Vec<&str> = m
        .satisfied_levels
        .iter()
        .filter_map(|&l| m.scale.levels.get(usize::from(l)).map(|x| x.label.as_str()))
        .collect();
    let method = format!(
        "满意率 =（{}）÷ {}；满意票超过半数为“满意”，满意与基本满意合计超过半数为“基本满意”，否则为“不满意”。综合指数 = 代表得分 × {} + 评估得分 × {}（按比例）。满意率低于{}或测评结果为不满意的，标记为“{NEEDS_REWORK_LABEL}”。",
        satisfied.join(" + "),
        m.config.denominator.label(),
        m.config.group_weights.0,
        m.config.group_weights.1,
        pct(Some(m.config.rework_threshold)),
    );
    let flagged_list = if flagged.is_empty() {
        view! { <p>"无。"</p> }.into_any()
    } else {
        let items = flagged
            .iter()
            .map(|f| {
                let why: Vec<&str> = report
                    .result(&f.item)
                    .map(|r| r.rework_reasons.iter().map(|w| w.label()).collect())
                    .unwrap_or_default();
                view! { <li>{format!("{}（{}）", f.full_label(), why.join("；"))}</li> }
            })
            .collect_view();
        view! { <ol>{items}</ol> }.into_any()
    };
    let comment_list = (!comments.is_empty()).then(|| {
        let items = comments
            .into_iter()
            .map(|(item, text)| view! { <li><span class="meta">{item}</span>" "{text}</li> })
            .collect_view();
        view! {
            <h2>"五、代表意见摘录"</h2>
            <ol class="report-comments">{items}</ol>
        }
    });
    let task_table = table(&report, tasks);
    let unit_table = table(&report, units);
    view! {
        <div class="no-print report-bar">
            <a href=format!("/desk/rounds/{id}")>"返回"</a>
            " · 用浏览器的“打印”另存为PDF（A4纸）"
        </div>
        <article class="report">
            <h1>{format!("关于{}满意度测评情况的报告", report.plan_title)}</h1>
            <p class="report-meta">{format!("{} · {}", report.round.name, today)}</p>
            <h2>"一、总体情况"</h2>
            <p>{summary}</p>
            <p class="code-checks">{report.codes.zh()}</p>
            <p class="report-method">{method}</p>
            <h2>"二、工作任务测评结果"</h2>
            <figure class="report-chart">
                <img src=format!("/results/{id}/charts/tasks-levels.svg") alt="各项任务的代表评价分布" />
            </figure>
            {task_table}
            <h2>"三、成员单位测评结果"</h2>
            <figure class="report-chart">
                <img src=format!("/results/{id}/charts/units-ranked.svg") alt="成员单位按综合指数排名" />
            </figure>
            {unit_table}
            <h2>{format!("四、{NEEDS_REWORK_LABEL}的项目")}</h2>
            {flagged_list}
            {comment_list}
            <p class="report-sign">"领导小组办公室"</p>
        </article>
    }
}
