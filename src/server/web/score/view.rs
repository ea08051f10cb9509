//! The evaluators' score sheets (`/score/{round}`, `/score/{round}/{item}`) and the office's
//! indicator system (`/desk/rounds/{round}/indicators`). Plain forms: they work with
//! JavaScript off, and every save is a whole sheet, checked before anything is stored.

use crate::components::format::human_time_zh;
use crate::components::format::{fmt_weight, fmt1};
use crate::components::textarea_text;
use crate::server::repo::account::Account;
use crate::server::repo::results::ItemMeta;
use crate::server::repo::score::{IndicatorRow, MAX_NOTE_CHARS, Sheet};
use crate::server::web::frame::StaffFrame;
use leptos::prelude::*;

/// One line of an evaluator's overview.
#[derive(Debug, Clone)]
pub struct SheetLine {
    pub meta: ItemMeta,
    pub sheet: Option<Sheet>,
    /// The weighted score, when every indicator is scored.
    pub weighted: Option<f64>,
}

/// Submitting asks once more: submitted scores are final, and unfinished items are named.
#[component]
pub fn ConfirmSubmit(
    who: Account,
    round_id: i64,
    round_name: String,
    total: usize,
    /// (item, label and title) of the items not scored in full.
    unfinished: Vec<(String, String)>,
) -> impl IntoView {
    let done = total - unfinished.len();
    let missing = (!unfinished.is_empty()).then(|| {
        let n = unfinished.len();
        let items = unfinished
            .into_iter()
            .map(|(item, name)| {
                view! { <li><a href=format!("/score/{round_id}/{item}")>{name}</a></li> }
            })
            .collect_view();
        view! {
            <div class="alert alert-error" role="alert">
                <strong>{format!("还有 {n} 项没有评完")}</strong>
                "，提交后这些项目不计入该项的评估得分："
                <ul class="unfinished">{items}</ul>
            </div>
        }
    });
    view! {
        <StaffFrame who=Some(who)>
            <h1>"确认提交评分"</h1>
            <p class="lead-in">{round_name}</p>
            <p>{format!("已评完 {done}/{total} 项。提交后评分定稿，不能再修改，并计入测评结果。")}</p>
            {missing}
            <form method="post" action=format!("/score/{round_id}/submit") class="office-form">
                <input type="hidden" name="confirm" value="1" />
                <div class="actions">
                    <button class="button primary" type="submit">"确认提交"</button>
                    <a class="button secondary" href=format!("/score/{round_id}")>"返回修改"</a>
                </div>
            </form>
        </StaffFrame>
    }
}

/// `/score/{round}`: every item with its state, and the submit button.
#[component]
pub fn ScoreOverview(
    who: Account,
    round_id: i64,
    round_name: String,
    open: bool,
    submitted: Option<String>,
    lines: Vec<SheetLine>,
    notice: Option<String>,
) -> impl IntoView {
    let total = lines.len();
    let complete = lines
        .iter()
        .filter(|l| l.sheet.as_ref().is_some_and(Sheet::complete))
        .count();
    let editable = open && submitted.is_none();
    let status = match (&submitted, open) {
        (Some(at), _) => view! {
            <div class="alert alert-review" role="status">
                {format!("您已于{}提交本轮评分，评分已定稿。", human_time_zh(at))}
            </div>
        }
        .into_any(),
        (None, false) => view! {
            <div class="alert alert-error" role="status">"本轮测评当前未开放，不能评分。"</div>
        }
        .into_any(),
        (None, true) => ().into_any(),
    };
    let notice = notice.map(|n| view! { <div class="alert alert-review" role="status">{n}</div> });
    let section = |title: &'static str, is_task: bool| {
        let rows = lines
            .iter()
            .filter(|l| l.meta.is_task == is_task)
            .map(|l| {
                let (state, class) = match &l.sheet {
                    Some(s) if s.complete() => ("已评分", "state done"),
                    Some(_) => ("未评完", "state partial"),
                    None => ("未评分", "state todo"),
                };
                let href = format!("/score/{round_id}/{}", l.meta.item);
                let action = if editable {
                    if l.sheet.is_some() {
                        "修改"
                    } else {
                        "评分"
                    }
                } else {
                    "查看"
                };
                view! {
                    <tr>
                        <td>
                            <a href=href.clone()>{l.meta.label.clone()}</a>
                            <span class="meta">{format!(" {}", l.meta.title)}</span>
                        </td>
                        <td class=class>{state}</td>
                        <td class="num">{fmt1(l.weighted)}</td>
                        <td>
                            <a href=href>{action}</a>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card">
                <h2>{title}</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可左右滑动）">
                    <table class="sheets">
                        <thead>
                            <tr>
                                <th>"项目"</th>
                                <th>"状态"</th>
                                <th>"加权得分"</th>
                                <th></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
        }
    };
    let tasks_section = section("工作任务", true);
    let units_section = section("成员单位", false);
    let submit = editable.then(|| {
        view! {
            <section class="card">
                <h2>"提交评分"</h2>
                <p>
                    {format!("已评完 {complete}/{total} 项。")}
                    "提交后评分定稿，不能再修改，并计入测评结果；未评完的项目不计入该项的评估得分。"
                </p>
                <form method="post" action=format!("/score/{round_id}/submit")>
                    <button class="button primary" type="submit">"提交全部评分"</button>
                </form>
            </section>
        }
    });
    view! {
        <StaffFrame who=Some(who)>
            <h1>"评估打分"</h1>
            <p class="lead-in">{round_name}</p>
            {notice}
            {status}
            <p class="progress-line">{format!("已评完 {complete}/{total} 项")}</p>
            {tasks_section}
            {units_section}
            {submit}
        </StaffFrame>
    }
}

/// What the sheet form shows besides the saved or typed values.
#[derive(Debug, Clone)]
pub struct SheetContext {
    pub round_id: i64,
    pub round_name: String,
    pub meta: ItemMeta,
    /// The task's text (empty for a unit).
    pub text: String,
    /// The item after this one, for "save and next".
    pub next: Option<ItemMeta>,
    pub prev: Option<ItemMeta>,
    /// Why the sheet cannot be changed (submitted, or the round not open); `None`: editable.
    pub locked: Option<String>,
    /// The item's year of handling: its units' indicators on today's board and the evidence
    /// of their accepted reports.
    pub year: crate::server::web::handling::ItemYear,
}

/// `/score/{round}/{item}`: a 0–100 score per indicator and an evidence note.
#[component]
pub fn SheetForm(
    who: Account,
    ctx: SheetContext,
    indicators: Vec<IndicatorRow>,
    /// The values to show: as saved, or as typed when a save was refused.
    values: Vec<String>,
    note: String,
    /// Every reason a save was refused, one line each.
    errors: Vec<String>,
    /// The indices (into `indicators`) of the values that were refused, marked on the form.
    #[prop(optional)]
    invalid: Vec<usize>,
    saved: bool,
) -> impl IntoView {
    let SheetContext {
        round_id,
        round_name,
        meta,
        text,
        next,
        prev,
        locked,
        year,
    } = ctx;
    let evidence = (!year.evidence.is_empty()).then(|| {
        let files = year
            .evidence
            .iter()
            .map(|(whose, f)| {
                let meta = format!(
                    "{whose} · {}",
                    crate::server::service::evidence::size_text(f.size)
                );
                view! {
                    <li class="evidence">
                        <a href=format!("/desk/evidence/{}", f.id) download="">{f.name.clone()}</a>
                        " "<span class="hint">{meta}</span>
                    </li>
                }
            })
            .collect_view();
        view! { <p><strong>"佐证材料（已审核通过的报告）"</strong></p><ul class="plain evidence-list">{files}</ul> }
    });
    let year = (!year.indicators.is_empty()).then(|| {
        let href = if meta.is_task {
            format!("/progress/tasks/{}", meta.ref_id)
        } else {
            format!("/progress/units/{}", meta.ref_id)
        };
        let items = year
            .indicators
            .into_iter()
            .map(|(unit, i)| {
                let r = &i.record;
                let shown = |v: Option<f64>| v.map(fmt_weight).unwrap_or_else(|| "—".into());
                view! {
                    <li>
                        <strong>{format!("{unit} · {}", r.name)}</strong>
                        <br />
                        {format!(
                            "目标 {} {} · 报送 {} · 审核 {} · 完成 {}（应达 {}）",
                            fmt_weight(r.target),
                            r.measure_unit,
                            shown(r.reported),
                            shown(r.audited),
                            crate::components::format::pct(Some(i.progress.completion)),
                            crate::components::format::pct(Some(i.progress.expected)),
                        )}
                    </li>
                }
            })
            .collect_view();
        view! {
            <details class="task-text year-record">
                <summary>"办理情况：分方案指标与报送、审核值"</summary>
                <ul class="plain">{items}</ul>
                {evidence}
                <p><a href=href>"查看全年记录"</a></p>
            </details>
        }
    });
    let editable = locked.is_none();
    let alert = (!errors.is_empty()).then(|| {
        let lines = errors
            .into_iter()
            .map(|e| view! { <li>{e}</li> })
            .collect_view();
        view! {
            <div class="alert alert-error" role="alert">
                <p>"没有保存，请改正后再保存："</p>
                <ul>{lines}</ul>
            </div>
        }
    });
    let locked_note =
        locked.map(|why| view! { <div class="alert alert-review" role="status">{why}</div> });
    let saved = saved.then(|| {
        view! { <div class="alert alert-review" role="status">"已保存。"</div> }
    });
    let public = if meta.is_task {
        format!("/tasks/{}", meta.ref_id)
    } else {
        format!("/units/{}", meta.ref_id)
    };
    let text = (!text.is_empty()).then(|| {
        view! {
            <details class="task-text">
                <summary>"任务原文"</summary>
                <p>{text}</p>
            </details>
        }
    });
    let fields = indicators
        .iter()
        .zip(values.iter().chain(std::iter::repeat(&String::new())))
        .enumerate()
        .map(|(k, (ind, value))| {
            let id = format!("s{}", ind.position);
            let bad = invalid.contains(&k);
            // A sheet that cannot change shows its figures as text, not as greyed fields that
            // look as if they could be typed in.
            let name = view! {
                <span class="ind-name">{ind.name.clone()}</span>
                <span class="meta">{format!("权重 {}", fmt_weight(ind.weight))}</span>
            };
            let head = if editable {
                view! { <label for=id.clone()>{name}</label> }.into_any()
            } else {
                view! { <p class="ind-head">{name}</p> }.into_any()
            };
            let field = if editable {
                view! {
                    <input
                        id=id.clone()
                        name=id.clone()
                        value=value.clone()
                        inputmode="decimal"
                        autocomplete="off"
                        placeholder="0–100"
                        class="score-input"
                        class:invalid=bad
                        aria-invalid=bad.then_some("true")
                    />
                }
                .into_any()
            } else {
                let shown = if value.is_empty() {
                    "未评".to_owned()
                } else {
                    format!("{value} 分")
                };
                view! { <p class="score-value">{shown}</p> }.into_any()
            };
            view! {
                <div class="indicator" class:invalid=bad>
                    {head}
                    <p class="meta">{ind.guidance.clone()}</p>
                    {field}
                </div>
            }
        })
        .collect_view();
    let prev_link = prev.map(|p| {
        view! { <a href=format!("/score/{round_id}/{}", p.item)>{format!("← {}", p.label)}</a> }
    });
    let next_link = next.as_ref().map(|n| {
        view! { <a href=format!("/score/{round_id}/{}", n.item)>{format!("{} →", n.label)}</a> }
    });
    let buttons = editable.then(|| {
        let has_next = next.is_some();
        view! {
            <div class="actions">
                <button class="button primary" type="submit" name="go" value="next">
                    {if has_next { "保存并评下一项" } else { "保存并返回列表" }}
                </button>
                <button class="button secondary" type="submit" name="go" value="stay">
                    "保存"
                </button>
            </div>
        }
    });
    view! {
        <StaffFrame who=Some(who)>
            <p class="crumb">
                <a href=format!("/score/{round_id}")>{round_name}</a>
            </p>
            <h1>{meta.label.clone()}</h1>
            <p class="lead-in">
                {meta.title.clone()} " " <a href=public>"查看方案中的内容"</a>
            </p>
            {text}
            {year}
            {locked_note}
            {alert}
            {saved}
            <form method="post" action=format!("/score/{round_id}/{}", meta.item) class="card sheet">
                {fields}
                {if editable {
                    view! {
                        <label for="note">"评分依据"</label>
                        <textarea
                            id="note"
                            name="note"
                            rows="4"
                            maxlength=MAX_NOTE_CHARS.to_string()
                        >
                            {textarea_text(&note)}
                        </textarea>
                        <p class="meta">
                            {format!("每项0–100分，可留空稍后再评；评分依据最多{MAX_NOTE_CHARS}字。")}
                        </p>
                    }
                    .into_any()
                } else {
                    let shown = if note.trim().is_empty() { "（未填写）".to_owned() } else { note.clone() };
                    view! {
                        <p class="ind-name">"评分依据"</p>
                        <p class="score-note">{shown}</p>
                    }
                    .into_any()
                }}
                {buttons}
            </form>
            <nav class="pager">{prev_link} {next_link}</nav>
        </StaffFrame>
    }
}

/// `/desk/rounds/{round}/indicators`: the office edits the indicator system of a draft round.
#[component]
pub fn IndicatorsForm(
    who: Account,
    round_id: i64,
    round_name: String,
    editable: bool,
    /// (name, guidance, weight as typed), with blank rows to add indicators.
    rows: Vec<(String, String, String)>,
    error: Option<String>,
    saved: bool,
) -> impl IntoView {
    let alert = error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> });
    let saved = saved.then(|| {
        view! { <div class="alert alert-review" role="status">"指标体系已保存。"</div> }
    });
    let frozen = (!editable).then(|| {
        view! { <p class="alert alert-error">"测评已开始，指标体系不能再修改。"</p> }
    });
    let body = rows
        .into_iter()
        .enumerate()
        .map(|(i, (name, guidance, weight))| {
            let n = i + 1;
            view! {
                <tr>
                    <td>
                        <input name=format!("name{n}") value=name aria-label=format!("第{n}个指标名称") disabled=!editable />
                    </td>
                    <td>
                        <input name=format!("guidance{n}") value=guidance aria-label=format!("第{n}个指标说明") disabled=!editable />
                    </td>
                    <td>
                        <input
                            name=format!("weight{n}")
                            value=weight
                            inputmode="decimal"
                            class="weight-input"
                            aria-label=format!("第{n}个指标权重")
                            disabled=!editable
                        />
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <StaffFrame who=Some(who)>
            <h1>"评估指标体系"</h1>
            <p class="lead-in">{round_name}</p>
            {alert}
            {saved}
            {frozen}
            <form method="post" action=format!("/desk/rounds/{round_id}/indicators") class="card">
                <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可左右滑动）">
                    <table class="indicators">
                        <thead>
                            <tr>
                                <th>"指标"</th>
                                <th>"说明"</th>
                                <th>"权重"</th>
                            </tr>
                        </thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
                <p class="meta">"权重之和须为100。名称留空的行不保存。"</p>
                {editable
                    .then(|| {
                        view! {
                            <button class="button primary" type="submit">
                                "保存指标体系"
                            </button>
                        }
                    })}
            </form>
        </StaffFrame>
    }
}
