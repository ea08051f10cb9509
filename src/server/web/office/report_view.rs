//! The year-end report (`/desk/rounds/{id}/report`): one A4 document laid out after the
//! conventions of 党政机关公文格式 (GB/T 9704-2012) — title, addressee, body in numbered parts,
//! the attachments' list, the issuer and date, then each chart as an attachment on a page of
//! its own — that prints to PDF from the browser with page numbers "— 1 —" at the foot.
//! The print rules are in `style/main.css` under "The year-end report".

use crate::components::format::{fmt1, pct};
use crate::components::islands::{IslandScripts, PrintButton};
use crate::plan::label::work_name;
use crate::results::{NEEDS_REWORK_LABEL, percent1};
use crate::server::repo::results::{CommentGroup, ItemMeta, Report};
use leptos::prelude::*;

/// The deputies' comments as the report prints them: the overall ones, then each item's in
/// ballot order, every group with its full count (the export has them all).
#[derive(Debug, Clone, Default)]
pub struct ReportComments {
    pub overall: Option<CommentGroup>,
    /// (item, its comments), in ballot order.
    pub items: Vec<(ItemMeta, CommentGroup)>,
}

impl ReportComments {
    /// Puts the stored groups in the report's order; a group whose item is not in the round
    /// (none should be) is left out rather than printed without a name.
    pub fn arrange(report: &Report, groups: Vec<CommentGroup>) -> ReportComments {
        let mut overall = None;
        let mut by_item = std::collections::HashMap::new();
        for g in groups {
            match g.item.clone() {
                None => overall = Some(g),
                Some(item) => {
                    by_item.insert(item, g);
                }
            }
        }
        let items = report
            .items
            .iter()
            .filter_map(|m| by_item.remove(&m.item).map(|g| (m.clone(), g)))
            .collect();
        ReportComments { overall, items }
    }
}

/// "共12条" or, when only some are printed, "共12条，摘录8条".
fn count_note(g: &CommentGroup) -> String {
    let shown = g.shown.len() as u64;
    if shown < g.total {
        format!("共{}条，摘录{shown}条", g.total)
    } else {
        format!("共{}条", g.total)
    }
}

/// An item as the tables name it: its label, and for a task its whole text.
fn item_cell(m: &ItemMeta) -> impl IntoView + use<> {
    let text = (!m.text.is_empty())
        .then(|| view! { " "<span class="report-text">{m.text.clone()}</span> });
    view! { <strong>{m.label.clone()}</strong>{text} }
}

fn table(
    report: &Report,
    number: usize,
    caption: &str,
    items: Vec<ItemMeta>,
) -> impl IntoView + use<> {
    let rows = items
        .iter()
        .filter_map(|m| report.result(&m.item).map(|r| (m, r)))
        .map(|(m, r)| {
            let rank = report
                .rank(&m.item)
                .map_or_else(|| "—".to_owned(), |x| x.to_string());
            view! {
                <tr class:rework=r.needs_rework>
                    <td class="num">{rank}</td>
                    <td class="report-item">{item_cell(m)}</td>
                    <td class="num">{pct(r.deputies.satisfaction_rate)}</td>
                    <td>{r.deputies.classification.map(|c| c.label()).unwrap_or("—")}</td>
                    <td class="num">{fmt1(r.deputies.satisfaction_score)}</td>
                    <td class="num">{fmt1(r.evaluators.score)}</td>
                    <td class="num">{fmt1(r.combined.value)}</td>
                    <td>{if r.needs_rework { "是" } else { "" }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="report-table">
            <caption>{format!("表{number}　{caption}")}</caption>
            <colgroup>
                <col class="c-rank" />
                <col />
                <col class="c-rate" />
                <col class="c-word" />
                <col class="c-num" />
                <col class="c-num" />
                <col class="c-num" />
                <col class="c-word" />
            </colgroup>
            <thead>
                <tr>
                    <th class="num">"名次"</th>
                    <th>"项目"</th>
                    <th class="num">"满意率"</th>
                    <th>"测评结果"</th>
                    <th class="num">"代表得分"</th>
                    <th class="num">"评估得分"</th>
                    <th class="num">"综合指数"</th>
                    <th>{NEEDS_REWORK_LABEL}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn comment_list(g: CommentGroup) -> impl IntoView {
    let items = g
        .shown
        .into_iter()
        .map(|t| view! { <li>{t}</li> })
        .collect_view();
    view! { <ol class="report-comments">{items}</ol> }
}

/// One task's year of handling, as the report's 办理情况 chapter lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct YearRow {
    pub label: String,
    pub heading: String,
    pub summary: crate::handling::progress::Summary,
    pub progress: Option<crate::handling::measure::Progress>,
    pub rag: Option<crate::handling::measure::Rag>,
}

/// The plan's year of handling on the report's day: per task, and the filings in all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportYear {
    pub day: String,
    pub sample: bool,
    /// Units with an approved sub-plan, of the reporting units.
    pub units_filed: usize,
    pub units: usize,
    pub rows: Vec<YearRow>,
    /// Reports on time, late, missing, sent back and not refiled.
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    pub returned: usize,
}

/// 六、办理情况: what the year's record says, next to the vote.
fn year_chapter(year: ReportYear) -> impl IntoView + use<> {
    let indicators: usize = year.rows.iter().map(|r| r.summary.indicators).sum();
    let done: usize = year.rows.iter().map(|r| r.summary.done).sum();
    let sample = year.sample.then(|| {
        view! { <p class="report-warning">"说明：以下办理数据为系统生成的示例数据，不是真实办理情况。"</p> }
    });
    if indicators == 0 {
        return view! {
            <h2>"六、办理情况"</h2>
            {sample}
            <p>{format!("截至{}，尚无经领导小组办公室审核通过的分方案指标。", year.day)}</p>
        }
        .into_any();
    }
    let rows = year
        .rows
        .into_iter()
        .map(|r| {
            let (completion, expected) = r
                .progress
                .map(|p| (pct(Some(p.completion)), pct(Some(p.expected))))
                .unwrap_or_else(|| ("—".into(), "—".into()));
            view! {
                <tr>
                    <td class="report-item"><strong>{r.label}</strong>" "{r.heading}</td>
                    <td class="num">{format!("{}/{}", r.summary.done, r.summary.indicators)}</td>
                    <td class="num">{completion}</td>
                    <td class="num">{expected}</td>
                    <td>{r.rag.map(|g| g.label_zh()).unwrap_or("—")}</td>
                    <td class="num">{r.summary.missing_reports}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>"六、办理情况"</h2>
        {sample}
        <p>{format!(
            "截至{}，{}个报送单位中{}个的分方案经审核通过，共有指标{indicators}项，已完成{done}项。各单位月度进展报告按时报送{}份、逾期报送{}份、逾期未报{}份，被退回尚未重报{}份。各项工作任务的办理情况见表3（完成率按审核值优先计算，“应达”为按时间进度应完成的比例）。",
            year.day, year.units, year.units_filed, year.on_time, year.late, year.missing, year.returned,
        )}</p>
        <table class="report-table">
            <caption>"表3　各项工作任务办理情况"</caption>
            <thead>
                <tr>
                    <th>"工作任务"</th><th>"指标完成"</th><th>"完成率"</th><th>"应达"</th>
                    <th>"状态"</th><th>"逾期未报"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// The report document (no site header: it is meant for paper).
#[component]
pub fn ReportPage(
    report: Report,
    comments: ReportComments,
    today: String,
    year: ReportYear,
) -> impl IntoView {
    let id = report.round.id;
    let work = work_name(&report.plan_title);
    let issuer = if work.is_empty() {
        "领导小组办公室".to_owned()
    } else {
        format!("{work}领导小组办公室")
    };
    let (voted, invited) = report.turnout;
    let rate = (invited > 0).then(|| voted as f64 / invited as f64);
    let tasks = report.by_rank(true);
    let units = report.by_rank(false);
    let overview = report.overview();
    let m = &report.results.method;
    let threshold = m.config.rework_threshold;
    let flagged: Vec<(ItemMeta, String)> = overview
        .flagged
        .iter()
        .map(|meta| {
            let why = report
                .result(&meta.item)
                .map(|r| r.rework_explained(threshold))
                .unwrap_or_default();
            (meta.clone(), why)
        })
        .collect();
    let summary = format!(
        "本次测评应参加代表{invited}人，实际参加{voted}人，参加率{}；第三方评估机构{}人提交评分。共测评工作任务{}项、成员单位{}个，测评结果为“满意”的{}项，“基本满意”的{}项，“不满意”的{}项；{NEEDS_REWORK_LABEL}的{}项。",
        pct(rate),
        report.evaluators_submitted,
        overview.tasks,
        overview.units,
        overview.by_class[0],
        overview.by_class[1],
        overview.by_class[2],
        overview.flagged.len(),
    );
    let satisfied: Vec<&str> = m
        .satisfied_levels
        .iter()
        .filter_map(|&l| m.scale.levels.get(usize::from(l)).map(|x| x.label.as_str()))
        .collect();
    let method = format!(
        "满意率 =（{}）÷ {}；满意票超过半数为“满意”，满意与基本满意合计超过半数为“基本满意”，否则为“不满意”。综合指数 = 代表得分 × {} + 评估得分 × {}（一方无数据时按另一方计）。测评结果为不满意，或满意率低于{:.1}%的，{NEEDS_REWORK_LABEL}。表中数字保留一位小数；名次按综合指数排列，并列的名次相同。",
        satisfied.join(" + "),
        m.config.denominator.label(),
        m.config.group_weights.0,
        m.config.group_weights.1,
        percent1(threshold),
    );
    let trial = report.trial.then(|| {
        view! {
            <p class="report-warning">
                "说明：本轮为试用测评，全部监票人密钥由一人持有，投票不具备秘密性，结果仅供试用。"
            </p>
        }
    });
    let flagged_part = if flagged.is_empty() {
        view! { <p>{format!("本次测评没有{NEEDS_REWORK_LABEL}的项目。")}</p> }.into_any()
    } else {
        let n = flagged.len();
        let items = flagged
            .into_iter()
            .map(|(f, why)| {
                view! {
                    <li>
                        <strong>{f.label.clone()}</strong>
                        {(!f.text.is_empty()).then(|| format!(" {}", f.text))}
                        {format!("：{why}。")}
                    </li>
                }
            })
            .collect_view();
        view! {
            <p>{format!("按照测评办法，以下{n}项{NEEDS_REWORK_LABEL}：")}</p>
            <ol class="report-flagged">{items}</ol>
        }
        .into_any()
    };
    let ReportComments { overall, items } = comments;
    let overall_part = match overall {
        None => view! { <p>"代表未填写总体意见。"</p> }.into_any(),
        Some(g) => view! {
            <p>{format!("代表填写的总体意见{}：", count_note(&g))}</p>
            {comment_list(g)}
        }
        .into_any(),
    };
    let items_part = if items.is_empty() {
        view! { <p>"代表未对具体项目填写意见。"</p> }.into_any()
    } else {
        items
            .into_iter()
            .map(|(meta, g)| {
                let note = count_note(&g);
                view! {
                    <div class="report-comment-group">
                        <p class="report-comment-item">
                            <strong>{meta.label.clone()}</strong>
                            {(!meta.text.is_empty()).then(|| format!(" {}", meta.text))}
                            {format!("（{note}）")}
                        </p>
                        {comment_list(g)}
                    </div>
                }
            })
            .collect_view()
            .into_any()
    };
    let task_table = table(&report, 1, "工作任务测评结果（按综合指数排名）", tasks);
    let unit_table = table(&report, 2, "成员单位测评结果（按综合指数排名）", units);
    view! {
        <div class="no-print report-bar">
            <a href=format!("/desk/rounds/{id}")>"返回"</a>
            <PrintButton />
            <span class="js-off-only">"用浏览器的“打印”（Ctrl+P）另存为PDF，纸张选A4。"</span>
        </div>
        <article class="report">
            <h1>{format!("关于{work}")}<span class="title-end">"满意度测评情况的报告"</span></h1>
            <p class="report-to">"市人大常委会："</p>
            <p>
                {format!(
                    "{}已结束，监票人已完成计票。现将测评情况报告如下。",
                    report.round.name,
                )}
            </p>
            <h2>"一、总体情况"</h2>
            <p>{summary}</p>
            {trial}
            <p>{report.codes.zh()}</p>
            <p>{method}</p>
            <h2>"二、工作任务测评结果"</h2>
            <p>"各项工作任务的测评结果见表1，代表评价的分布见附件1。"</p>
            {task_table}
            <h2>"三、成员单位测评结果"</h2>
            <p>"各成员单位的测评结果见表2，综合指数排名见附件2。"</p>
            {unit_table}
            <h2>{format!("四、{NEEDS_REWORK_LABEL}的项目")}</h2>
            {flagged_part}
            <h2>"五、代表意见"</h2>
            <p>"代表意见按计票时的随机顺序摘录，不与任何代表对应；全部意见见导出文件。"</p>
            <h3>"（一）总体意见"</h3>
            {overall_part}
            <h3>"（二）对各项目的意见"</h3>
            {items_part}
            {year_chapter(year)}
            <div class="report-close">
            <div class="report-attachments">
                <span>"附件："</span>
                <ol>
                    <li>"各项工作任务代表评价分布图"</li>
                    <li>"成员单位综合指数排名图"</li>
                </ol>
            </div>
            <div class="report-sign">
                <p>{issuer}</p>
                <p>{today}</p>
            </div>
            </div>
            <section class="report-annex">
                <p class="annex-no">"附件1"</p>
                <h2 class="annex-title">"各项工作任务代表评价分布图"</h2>
                <img src=format!("/results/{id}/charts/tasks-levels.svg") alt="各项工作任务的代表评价分布" />
            </section>
            <section class="report-annex">
                <p class="annex-no">"附件2"</p>
                <h2 class="annex-title">"成员单位综合指数排名图"</h2>
                <img src=format!("/results/{id}/charts/units-ranked.svg") alt="成员单位按综合指数排名" />
            </section>
        </article>
        <IslandScripts />
    }
}
