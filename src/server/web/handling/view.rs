//! The handling pages: the liaison's unit desk and forms, the office's review, the public
//! board. Server-rendered, no islands: every page and form works with JavaScript off.

use crate::components::format::{fmt_weight, human_time, human_time_zh, pct};
use crate::handling::measure::{Direction, Progress, Rag};
use crate::handling::period::{Filing, Period};
use crate::handling::progress::{Board, IndicatorProgress, Summary};
use crate::handling::subplan::SubplanState;
use crate::server::repo::account::Account;
use crate::server::repo::handling::{
    Evidence, PlanSettings, Queue, Report, ReportState, ReportingUnit, Subplan, TaskStatus,
};
use crate::server::service::evidence::{EvidenceKind, size_text};
use crate::server::web::frame::StaffFrame;
use crate::server::web::handling::forms::{ReportDraftForm, SPARE_ROWS, SubplanDraftForm};
use leptos::prelude::*;
use std::collections::HashMap;

/// A task as the pages name it: `(一)2` and its heading.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskName {
    pub label: String,
    pub heading: String,
}

pub type TaskNames = HashMap<i64, TaskName>;

/// What the file pickers offer (the server still reads each file's first bytes).
const EVIDENCE_ACCEPT: &str =
    ".pdf,.jpg,.jpeg,.png,.webp,.xlsx,.docx,application/pdf,image/jpeg,image/png,image/webp";
const SHEET_ACCEPT: &str =
    ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn task_label(names: &TaskNames, task: i64) -> String {
    names
        .get(&task)
        .map(|n| n.label.clone())
        .unwrap_or_else(|| format!("任务{task}"))
}

fn alerts(error: Vec<String>, notice: Option<String>) -> impl IntoView {
    let error = (!error.is_empty()).then(|| {
        let items = error
            .into_iter()
            .map(|e| view! { <li>{e}</li> })
            .collect_view();
        view! {
            <div class="alert alert-error" role="alert">
                <p>"未能保存，请修改以下各处后重新提交："</p>
                <ul>{items}</ul>
            </div>
        }
    });
    let notice = notice.map(|n| view! { <div class="alert alert-review" role="status">{n}</div> });
    view! { {notice} {error} }
}

/// A colour badge that says its colour in words too.
#[component]
pub fn RagBadge(rag: Option<Rag>) -> impl IntoView {
    match rag {
        Some(r) => {
            view! { <span class=format!("rag rag-{}", r.as_str())>{r.label_zh()}</span> }.into_any()
        }
        None => view! { <span class="rag rag-none">"暂无数据"</span> }.into_any(),
    }
}

fn progress_text(p: Option<&Progress>) -> String {
    match p {
        Some(p) => format!(
            "完成 {} · 应达 {}",
            pct(Some(p.completion)),
            pct(Some(p.expected))
        ),
        None => "尚无已审核通过的指标".into(),
    }
}

fn state_label(s: SubplanState) -> &'static str {
    s.label_zh()
}

fn filing_class(f: Filing) -> &'static str {
    match f {
        Filing::OnTime => "filing ontime",
        Filing::Late => "filing late",
        Filing::Missing => "filing missing",
        Filing::Returned => "filing returned",
        Filing::NotDue => "filing notdue",
    }
}

/// A sub-plan version's indicators and milestones as a table.
#[component]
pub fn SubplanTable(plan: Subplan, names: TaskNames) -> impl IntoView {
    let rows = plan
        .indicators
        .iter()
        .map(|(code, i)| {
            let target = match i.direction {
                Direction::Milestone => "完成".to_string(),
                _ => format!("{} {}", fmt_weight(i.target), i.measure_unit),
            };
            view! {
                <tr data-code=code.to_string()>
                    <td>{task_label(&names, i.task_id)}</td>
                    <td>{i.name.clone()}</td>
                    <td>{fmt_weight(i.baseline)}</td>
                    <td>{target}</td>
                    <td>{i.direction.label_zh()}</td>
                    <td>
                        <span class="nowrap">{i.starts_on.to_string()}</span>" 至 "
                        <span class="nowrap">{i.due_on.to_string()}</span>
                    </td>
                    <td>{fmt_weight(i.weight)}</td>
                </tr>
            }
        })
        .collect_view();
    let milestones = (!plan.milestones.is_empty()).then(|| {
        let items = plan
            .milestones
            .iter()
            .map(|m| {
                view! { <li>{format!("{} {} · {}", task_label(&names, m.task_id), m.due_on, m.what)}</li> }
            })
            .collect_view();
        view! { <h3>"推进节点"</h3> <ul>{items}</ul> }
    });
    let measures = (!plan.measures.is_empty()).then(|| {
        view! { <h3>"工作措施"</h3> <p class="prose">{plan.measures.clone()}</p> }
    });
    view! {
        {measures}
        <div class="table-wrap" tabindex="0" role="region" aria-label="指标表（可左右滑动）">
            <table class="indicators">
                <thead>
                    <tr>
                        <th>"任务"</th><th>"指标"</th><th>"基期值"</th><th>"目标值"</th>
                        <th>"方向"</th><th>"期限"</th><th>"权重"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {milestones}
    }
}

fn version_line(p: &Subplan) -> String {
    let mut line = format!("第{}版 · {}", p.version, state_label(p.state));
    if let Some(at) = &p.submitted_at {
        line.push_str(&format!(" · 报送于 {}", human_time(at)));
    }
    if let Some(at) = &p.decided_at {
        line.push_str(&format!(" · 审核于 {}", human_time(at)));
    }
    line
}

/// `/desk/unit`: the liaison's desk.
#[component]
pub fn UnitDeskPage(
    who: Account,
    unit: ReportingUnit,
    settings: PlanSettings,
    subplans: Vec<Subplan>,
    reports: Vec<Report>,
    board: Board,
    names: TaskNames,
    notice: Option<String>,
) -> impl IntoView {
    let latest = subplans.first().cloned();
    let approved = subplans
        .iter()
        .find(|p| p.state == SubplanState::Approved)
        .cloned();
    let status = match &latest {
        None => format!("还没有分方案。请在 {} 前填写并报送。", settings.subplan_due),
        Some(p) => version_line(p),
    };
    let returned = latest
        .as_ref()
        .filter(|p| p.state == SubplanState::Returned)
        .and_then(|p| p.reason.clone())
        .map(|r| view! { <div class="alert alert-error" role="alert">"办公室退回理由："{r}</div> });
    let edit_label = match latest.as_ref().map(|p| p.state) {
        None => Some("填写分方案"),
        Some(SubplanState::Draft) => Some("继续编辑草稿"),
        Some(SubplanState::Submitted) => None,
        Some(SubplanState::Returned) => Some("修改后重新报送"),
        Some(SubplanState::Approved) => Some("修订分方案（新版本须经办公室审核）"),
    };
    let edit = edit_label
        .map(|l| view! { <p><a class="button primary" href="/desk/unit/subplan">{l}</a></p> });
    let current = approved.clone().map(|p| {
        let names = names.clone();
        view! {
            <h3>{format!("现行分方案（第{}版）", p.version)}</h3>
            <SubplanTable plan=p names=names />
        }
    });
    let filings = board
        .unit(unit.id)
        .map(|u| u.filings.clone())
        .unwrap_or_default();
    let rows = filings
        .into_iter()
        .map(|(period, filing)| {
            let versions: Vec<&Report> = reports.iter().filter(|r| r.period == period).collect();
            let last = versions.first().copied();
            let state = last
                .map(|r| format!("第{}版 · {}", r.version, r.state.label_zh()))
                .unwrap_or_else(|| "未报送".into());
            let reason = last
                .filter(|r| r.state == ReportState::Returned)
                .and_then(|r| r.reason.clone())
                .map(|r| view! { <div class="hint">"退回理由："{r}</div> });
            // A month under way or past, not yet filed or sent back.
            let can_file = approved.is_some()
                && last.is_none_or(|r| r.state == ReportState::Returned)
                && period <= Period::of(board.day);
            let key = period.key();
            let action = can_file.then(|| {
                view! { <a href=format!("/desk/unit/reports/{key}")>"报送"</a> }
            });
            let checkpoints = period
                .checkpoints()
                .into_iter()
                .map(|c| c.label_zh())
                .collect::<Vec<_>>()
                .join("、");
            view! {
                <tr data-period=period.key()>
                    <td><span class="nowrap">{format!("{}月", period.month)}</span>
                        {(!checkpoints.is_empty()).then(|| view! { <div class="hint">{checkpoints.clone()}</div> })}</td>
                    <td>{period.due(settings.measures.due_day).to_string()}</td>
                    <td><span class=filing_class(filing)>{filing.label_zh()}</span></td>
                    <td>{state}{reason}</td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view();
    let no_plan_hint = approved.is_none().then(|| {
        view! { <p class="hint">"分方案经办公室审核通过后，才能报送月度进展。"</p> }
    });
    let history = (subplans.len() > 1).then(|| {
        let items = subplans
            .iter()
            .map(|p| view! { <li>{version_line(p)}</li> })
            .collect_view();
        view! { <details><summary>"全部版本"</summary><ul>{items}</ul></details> }
    });
    view! {
        <StaffFrame who=Some(who)>
            <h1>{unit.name.clone()}</h1>
            {alerts(Vec::new(), notice)}
            <section class="card" id="subplan">
                <h2>"分方案"</h2>
                <p>{status}</p>
                {returned}
                {edit}
                {current}
                {history}
            </section>
            <section class="card" id="reports">
                <h2>{format!("月度进展报送（{}年）", settings.first_period.year)}</h2>
                {no_plan_hint}
                <p class="hint">{format!("每月{}日前报送；季度调度、半年检查和全年总结月份已标出。", settings.measures.due_day)}</p>
                <div class="table-wrap" tabindex="0" role="region" aria-label="报送表（可左右滑动）">
                    <table class="filings">
                        <thead><tr><th>"月份"</th><th>"截止"</th><th>"情况"</th><th>"审核"</th><th></th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
            <p><a href=format!("/progress/units/{}", unit.id)>"查看本单位的公开进展页"</a></p>
        </StaffFrame>
    }
}

/// `/desk/unit/subplan`: the sub-plan form.
#[component]
pub fn SubplanFormPage(
    who: Account,
    unit: ReportingUnit,
    names: TaskNames,
    form: SubplanDraftForm,
    version: i64,
    errors: Vec<String>,
) -> impl IntoView {
    let tasks: Vec<(i64, String)> = unit
        .tasks
        .iter()
        .map(|(t, lead)| {
            let n = names.get(t);
            let role = if *lead { "牵头" } else { "责任" };
            let text = match n {
                Some(n) => format!("{} {}（{role}）", n.label, n.heading),
                None => format!("任务{t}（{role}）"),
            };
            (*t, text)
        })
        .collect();
    let task_select = move |id: String, name: String, chosen: String| {
        let options = tasks
            .iter()
            .map(|(t, text)| {
                let v = t.to_string();
                let selected = v == chosen;
                view! { <option value=v selected=selected>{text.clone()}</option> }
            })
            .collect_view();
        view! { <select id=id name=name>{options}</select> }
    };
    let mut rows = form.indicators.clone();
    rows.extend((0..SPARE_ROWS).map(|_| Default::default()));
    let indicator_rows = rows
        .into_iter()
        .enumerate()
        .map(|(n, (code, d))| {
            let f = |field: &str| format!("i{n}_{field}");
            let dirs = [Direction::Higher, Direction::Lower, Direction::Milestone]
                .into_iter()
                .map(|dir| {
                    let selected = d.direction == dir.as_str();
                    view! { <option value=dir.as_str() selected=selected>{dir.label_zh()}</option> }
                })
                .collect_view();
            view! {
                <fieldset class="row-card">
                    <legend>{format!("指标 {}", n + 1)}</legend>
                    <input type="hidden" name=f("code") value=code />
                    <label for=f("task")>"所属任务"</label>
                    {task_select(f("task"), f("task"), d.task_id.clone())}
                    <label for=f("name")>"指标名称"</label>
                    <input id=f("name") name=f("name") value=d.name maxlength="100" />
                    <div class="pair">
                        <span>
                            <label for=f("baseline")>"基期值"</label>
                            <input id=f("baseline") name=f("baseline") value=d.baseline inputmode="decimal" />
                        </span>
                        <span>
                            <label for=f("target")>"目标值"</label>
                            <input id=f("target") name=f("target") value=d.target inputmode="decimal" />
                        </span>
                        <span>
                            <label for=f("unit")>"计量单位"</label>
                            <input id=f("unit") name=f("unit") value=d.measure_unit maxlength="20" placeholder="个、亿元、%" />
                        </span>
                    </div>
                    <label for=f("direction")>"方向"</label>
                    <select id=f("direction") name=f("direction")>{dirs}</select>
                    <div class="pair dates">
                        <span>
                            <label for=f("starts")>"开始日期"</label>
                            <input id=f("starts") name=f("starts") type="date" value=d.starts_on />
                        </span>
                        <span>
                            <label for=f("due")>"完成期限"</label>
                            <input id=f("due") name=f("due") type="date" value=d.due_on />
                        </span>
                        <span>
                            <label for=f("weight")>"权重"</label>
                            <input id=f("weight") name=f("weight") value=d.weight inputmode="decimal" placeholder="1" />
                        </span>
                    </div>
                </fieldset>
            }
        })
        .collect_view();
    let mut ms = form.milestones.clone();
    ms.extend((0..2).map(|_| Default::default()));
    let tasks_for_ms: Vec<(i64, String)> = unit
        .tasks
        .iter()
        .map(|(t, _)| (*t, task_label(&names, *t)))
        .collect();
    let milestone_rows = ms
        .into_iter()
        .enumerate()
        .map(|(n, m)| {
            let f = |field: &str| format!("m{n}_{field}");
            let options = tasks_for_ms
                .iter()
                .map(|(t, label)| {
                    let v = t.to_string();
                    let selected = v == m.task_id;
                    view! { <option value=v selected=selected>{label.clone()}</option> }
                })
                .collect_view();
            view! {
                <fieldset class="row-card">
                    <legend>{format!("节点 {}", n + 1)}</legend>
                    <label for=f("task")>"所属任务"</label>
                    <select id=f("task") name=f("task")>{options}</select>
                    <label for=f("due")>"日期"</label>
                    <input id=f("due") name=f("due") type="date" value=m.due_on />
                    <label for=f("what")>"完成事项"</label>
                    <input id=f("what") name=f("what") value=m.what maxlength="100" />
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <StaffFrame who=Some(who)>
            <h1>{format!("{} · 分方案第{}版", unit.name, version)}</h1>
            {alerts(errors, None)}
            <p class="hint">"指标须可量化、可完成、可考核。空白的行不保存。保存草稿后可以继续修改；报送后由办公室审核，审核期间不能修改。"</p>
            <form method="post" action="/desk/unit/subplan" class="subplan-form">
                <label for="measures">"工作措施"</label>
                <textarea id="measures" name="measures" rows="4">{form.measures.clone()}</textarea>
                <h2>"指标"</h2>
                {indicator_rows}
                <h2>"推进节点"</h2>
                {milestone_rows}
                <div class="actions">
                    <button class="button secondary" type="submit" name="action" value="save">"保存草稿"</button>
                    <button class="button primary" type="submit" name="action" value="submit">"保存并报送办公室"</button>
                </div>
            </form>
            <section class="card" id="sheet">
                <h2>"用表格填写"</h2>
                <p class="hint">"指标多时，可下载模板（含本单位的任务和已填的指标），在 Excel 或 WPS 中填好后上传：全部无误即替换草稿中的指标和节点（工作措施不变），有误则列出每个出错的单元格，什么也不保存。"</p>
                <p><a class="button secondary" href="/desk/unit/subplan/template.xlsx" download="">"下载分方案模板（XLSX）"</a></p>
                <form method="post" action="/desk/unit/subplan" enctype="multipart/form-data">
                    <input type="hidden" name="action" value="save" />
                    <label for="sheet-file">"填好的模板"</label>
                    <input id="sheet-file" name="sheet" type="file" required accept=SHEET_ACCEPT />
                    <div class="actions">
                        <button class="button primary" type="submit">"上传到草稿"</button>
                    </div>
                </form>
            </section>
        </StaffFrame>
    }
}

/// `/desk/unit/reports/{period}`: the month's report form.
#[component]
pub fn ReportFormPage(
    who: Account,
    unit: ReportingUnit,
    period: Period,
    due: String,
    plan: Subplan,
    names: TaskNames,
    form: ReportDraftForm,
    returned: Option<String>,
    kept: Vec<Evidence>,
    errors: Vec<String>,
) -> impl IntoView {
    let key = period.key();
    let kept = (!kept.is_empty()).then(|| {
        let items = kept
            .into_iter()
            .map(|f| {
                let id = format!("keep-{}", f.id);
                view! {
                    <li><input type="checkbox" id=id.clone() name="keep" value=f.id.to_string() checked />
                    " "<label for=id class="inline">{format!("保留“{}”（{}）", f.name, size_text(f.size))}</label></li>
                }
            })
            .collect_view();
        view! {
            <p class="hint">"退回的版本带有以下佐证材料，取消勾选的不再随本版报送："</p>
            <ul class="plain">{items}</ul>
        }
    });
    let values = plan
        .indicators
        .iter()
        .map(|(code, i)| {
            let (value, note) = form.values.get(code).cloned().unwrap_or_default();
            let v = format!("v{code}");
            let n = format!("n{code}");
            let hint = match i.direction {
                Direction::Milestone => "完成填 1，未完成填 0".to_string(),
                _ => format!(
                    "目标 {} {}，基期 {}",
                    fmt_weight(i.target),
                    i.measure_unit,
                    fmt_weight(i.baseline)
                ),
            };
            view! {
                <fieldset class="row-card">
                    <legend>{format!("{} {}", task_label(&names, i.task_id), i.name)}</legend>
                    <p class="hint">{hint}</p>
                    <label for=v.clone()>"截至本月完成值"</label>
                    <input id=v.clone() name=v value=value inputmode="decimal" required />
                    <label for=n.clone()>"说明"</label>
                    <input id=n.clone() name=n value=note />
                </fieldset>
            }
        })
        .collect_view();
    let tasks = unit
        .tasks
        .iter()
        .map(|(t, _)| {
            let (status, reason, narrative) = form.tasks.get(t).cloned().unwrap_or_default();
            let name = names.get(t).cloned();
            let legend = name
                .map(|n| format!("{} {}", n.label, n.heading))
                .unwrap_or_else(|| format!("任务{t}"));
            let s = format!("s{t}");
            let r = format!("r{t}");
            let x = format!("t{t}");
            let options = TaskStatus::ALL
                .into_iter()
                .map(|st| {
                    let selected = status == st.as_str();
                    view! { <option value=st.as_str() selected=selected>{st.label_zh()}</option> }
                })
                .collect_view();
            view! {
                <fieldset class="row-card">
                    <legend>{legend}</legend>
                    <label for=s.clone()>"进展状态"</label>
                    <select id=s.clone() name=s>{options}</select>
                    <label for=r.clone()>"滞后原因（标为滞后时必填）"</label>
                    <input id=r.clone() name=r value=reason />
                    <label for=x.clone()>"本月进展"</label>
                    <textarea id=x.clone() name=x rows="3">{narrative}</textarea>
                </fieldset>
            }
        })
        .collect_view();
    let returned = returned.map(|r| {
        view! { <div class="alert alert-error" role="alert">"办公室退回理由："{r}</div> }
    });
    view! {
        <StaffFrame who=Some(who)>
            <h1>{format!("{} · {}进展报告", unit.name, period.label_zh())}</h1>
            <p class="hint">{format!("截止日期 {due}。按现行分方案第{}版填写；报送后由办公室审核。", plan.version)}</p>
            {returned}
            {alerts(errors, None)}
            <form method="post" action=format!("/desk/unit/reports/{key}") enctype="multipart/form-data">
                <h2>"指标完成情况"</h2>
                {values}
                <h2>"任务进展"</h2>
                {tasks}
                <h2>"佐证材料"</h2>
                {kept.clone()}
                <label for="evidence">"上传佐证材料（PDF、照片、XLSX、DOCX，每个不超过20 MB，一次最多5个）"</label>
                <input id="evidence" name="evidence" type="file" multiple accept=EVIDENCE_ACCEPT />
                <div class="actions">
                    <button class="button primary" type="submit">"报送"</button>
                </div>
            </form>
            <section class="card" id="sheet">
                <h2>"用表格填报"</h2>
                <p class="hint">"指标多时，可下载本月模板，在 Excel 或 WPS 中填好后上传：全部无误即报送办公室，有误则列出每个出错的单元格，什么也不保存。"</p>
                <p><a class="button secondary" href=format!("/desk/unit/reports/{key}/template.xlsx") download="">"下载本月模板（XLSX）"</a></p>
                <form method="post" action=format!("/desk/unit/reports/{key}") enctype="multipart/form-data">
                    <label for="sheet-file">"填好的模板"</label>
                    <input id="sheet-file" name="sheet" type="file" required accept=SHEET_ACCEPT />
                    {kept}
                    <label for="sheet-evidence">"佐证材料（可选）"</label>
                    <input id="sheet-evidence" name="evidence" type="file" multiple accept=EVIDENCE_ACCEPT />
                    <div class="actions">
                        <button class="button primary" type="submit">"上传并报送"</button>
                    </div>
                </form>
            </section>
        </StaffFrame>
    }
}

/// A unit's name, its liaisons and what is overdue, for the office's list.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitLine {
    pub id: i64,
    pub name: String,
    pub liaisons: Vec<String>,
    pub subplan: Option<(i64, SubplanState)>,
    pub missing: Vec<Period>,
    pub summary: Summary,
    pub rag: Option<Rag>,
}

/// `/desk/handling`: what waits for the office, and who is behind.
#[component]
pub fn HandlingDeskPage(
    who: Account,
    sample: bool,
    settings: PlanSettings,
    queue: Queue,
    units: Vec<UnitLine>,
    notice: Option<String>,
) -> impl IntoView {
    let subplans = queue
        .subplans
        .iter()
        .map(|(id, _, name, version, at)| {
            view! {
                <li><a href=format!("/desk/handling/subplans/{id}")>{format!("{name} · 分方案第{version}版")}</a>
                " "<span class="hint">{human_time_zh(at)}</span></li>
            }
        })
        .collect_view();
    let reports = queue
        .reports
        .iter()
        .map(|(id, _, name, period, version, at)| {
            let month = Period::parse(period).map(|p| p.label_zh()).unwrap_or_default();
            view! {
                <li><a href=format!("/desk/handling/reports/{id}")>{format!("{name} · {month}第{version}版")}</a>
                " "<span class="hint">{human_time_zh(at)}</span></li>
            }
        })
        .collect_view();
    let empty = (queue.subplans.is_empty() && queue.reports.is_empty())
        .then(|| view! { <p class="empty">"没有待审核的分方案或报告。"</p> });
    let due = settings.subplan_due;
    let rows = units
        .into_iter()
        .map(|u| {
            let liaisons = if u.liaisons.is_empty() {
                "未设联络员".to_string()
            } else {
                u.liaisons.join("、")
            };
            let plan = match u.subplan {
                None => "未报送".to_string(),
                Some((v, s)) => format!("第{v}版 · {}", s.label_zh()),
            };
            let missing = if u.missing.is_empty() {
                "—".to_string()
            } else {
                u.missing
                    .iter()
                    .map(|p| p.label_zh())
                    .collect::<Vec<_>>()
                    .join("、")
            };
            view! {
                <tr data-unit=u.id.to_string()>
                    <td><a href=format!("/desk/handling/units/{}", u.id)>{u.name}</a></td>
                    <td>{liaisons}</td>
                    <td>{plan}</td>
                    <td><RagBadge rag=u.rag /></td>
                    <td>{u.summary.line_zh()}</td>
                    <td>{missing}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <StaffFrame who=Some(who)>
            <h1>"办理进展 · 审核"</h1>
            <SampleBanner sample />
            {alerts(Vec::new(), notice)}
            <section class="card" id="queue">
                <h2>"待审核"</h2>
                {empty}
                <ul class="plain">{subplans}{reports}</ul>
            </section>
            <section class="card" id="units">
                <h2>"各单位"</h2>
                <p class="hint">{format!("分方案报送截止 {due}；月报每月{}日前报送。联络员账号在“账号管理”中新建。", settings.measures.due_day)}</p>
                <div class="table-wrap" tabindex="0" role="region" aria-label="各单位（可左右滑动）">
                    <table class="units-progress">
                        <thead><tr><th>"单位"</th><th>"联络员"</th><th>"分方案"</th><th>"状态"</th><th>"进展"</th><th>"逾期未报"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
            <p><a href=format!("/plans/{}/progress", settings.plan_id)>"公开的办理进展页"</a></p>
        </StaffFrame>
    }
}

/// `/desk/handling/units/{id}`: one unit's versions and reports, for the office.
#[component]
pub fn HandlingUnitPage(
    who: Account,
    unit: ReportingUnit,
    subplans: Vec<Subplan>,
    reports: Vec<Report>,
) -> impl IntoView {
    let versions = subplans
        .iter()
        .map(|p| {
            view! { <li><a href=format!("/desk/handling/subplans/{}", p.id)>{version_line(p)}</a></li> }
        })
        .collect_view();
    let filed = reports
        .iter()
        .map(|r| {
            view! {
                <li><a href=format!("/desk/handling/reports/{}", r.id)>
                    {format!("{} · 第{}版 · {}", r.period.label_zh(), r.version, r.state.label_zh())}
                </a>" "<span class="hint">{human_time_zh(&r.submitted_at)}</span></li>
            }
        })
        .collect_view();
    view! {
        <StaffFrame who=Some(who)>
            <h1>{unit.name.clone()}</h1>
            <section class="card"><h2>"分方案各版本"</h2><ul class="plain">{versions}</ul></section>
            <section class="card"><h2>"月度报告"</h2><ul class="plain">{filed}</ul></section>
            <p><a href="/desk/handling">"返回审核列表"</a></p>
        </StaffFrame>
    }
}

/// `/desk/handling/subplans/{id}`: a version and the office's decision.
#[component]
pub fn SubplanReviewPage(
    who: Account,
    unit_name: String,
    plan: Subplan,
    names: TaskNames,
    error: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let id = plan.id;
    let decide = (plan.state == SubplanState::Submitted).then(|| {
        view! {
            <section class="card" id="decide">
                <h2>"审核"</h2>
                <form method="post" action=format!("/desk/handling/subplans/{id}/decide")>
                    <label for="reason">"退回理由（退回时必填）"</label>
                    <textarea id="reason" name="reason" rows="3"></textarea>
                    <div class="actions">
                        <button class="button primary" type="submit" name="decision" value="approve">"审核通过"</button>
                        <button class="button secondary" type="submit" name="decision" value="return">"退回修改"</button>
                    </div>
                </form>
            </section>
        }
    });
    let reason = plan.reason.clone().map(|r| view! { <p>"理由："{r}</p> });
    let by = format!(
        "{}{}",
        plan.submitted_by
            .as_ref()
            .map(|b| format!("报送人 {b}"))
            .unwrap_or_default(),
        plan.decided_by
            .as_ref()
            .map(|b| format!(" · 审核人 {b}"))
            .unwrap_or_default()
    );
    let line = version_line(&plan);
    view! {
        <StaffFrame who=Some(who)>
            <h1>{format!("{unit_name} · 分方案")}</h1>
            {notice.map(|n| view! { <div class="alert alert-review" role="status">{n}</div> })}
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
            <p>{line}</p>
            <p class="hint">{by}</p>
            {reason}
            <SubplanTable plan=plan names=names />
            {decide}
            <p><a href="/desk/handling">"返回审核列表"</a></p>
        </StaffFrame>
    }
}

/// `/desk/handling/reports/{id}`: a report, its review and audited values.
#[component]
pub fn ReportReviewPage(
    who: Account,
    unit_name: String,
    report: Report,
    plan: Subplan,
    names: TaskNames,
    error: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let id = report.id;
    let rows = plan
        .indicators
        .iter()
        .map(|(code, i)| {
            let reported = report.values.iter().find(|(c, ..)| c == code);
            let audited = report.audited_value(*code);
            let history = report
                .audited
                .iter()
                .filter(|a| a.code == *code)
                .map(|a| {
                    view! {
                        <li>{format!("{} → {}：{}（{} {}）", fmt_weight(reported.map(|r| r.1).unwrap_or(0.0)), fmt_weight(a.value), a.reason, a.set_by, human_time(&a.set_at))}</li>
                    }
                })
                .collect_view();
            let field = format!("audit-{code}");
            let figures = format!(
                "目标 {} {} · 报送值 {} · 审核值 {}",
                fmt_weight(i.target),
                i.measure_unit,
                reported.map(|r| fmt_weight(r.1)).unwrap_or_else(|| "—".into()),
                audited.map(fmt_weight).unwrap_or_else(|| "—".into())
            );
            let note = reported
                .filter(|r| !r.2.is_empty())
                .map(|r| view! { <p class="hint">"说明："{r.2.clone()}</p> });
            view! {
                <div class="row-card" data-code=code.to_string()>
                    <h3>{format!("{} {}", task_label(&names, i.task_id), i.name)}</h3>
                    <p>{figures}</p>
                    {note}
                    <ul class="plain hint">{history}</ul>
                    <form method="post" action=format!("/desk/handling/reports/{id}/audit")>
                        <input type="hidden" name="code" value=code.to_string() />
                        <div class="pair">
                            <span>
                                <label for=format!("{field}-v")>"审核值"</label>
                                <input id=format!("{field}-v") name="value" inputmode="decimal" required />
                            </span>
                            <span>
                                <label for=format!("{field}-r")>"理由"</label>
                                <input id=format!("{field}-r") name="reason" required />
                            </span>
                        </div>
                        <div class="actions">
                            <button class="button secondary" type="submit">"设定审核值"</button>
                        </div>
                    </form>
                </div>
            }
        })
        .collect_view();
    let tasks = report
        .tasks
        .iter()
        .map(|(t, s, r, n)| {
            let reason = (!r.is_empty()).then(|| format!("（原因：{r}）"));
            view! { <li><strong>{task_label(&names, *t)}</strong>" "{s.label_zh()}{reason}" "{n.clone()}</li> }
        })
        .collect_view();
    let review = (report.state == ReportState::Submitted).then(|| {
        view! {
            <section class="card" id="review">
                <h2>"审核"</h2>
                <form method="post" action=format!("/desk/handling/reports/{id}/review")>
                    <label for="reason">"退回理由（退回时必填）"</label>
                    <textarea id="reason" name="reason" rows="3"></textarea>
                    <div class="actions">
                        <button class="button primary" type="submit" name="decision" value="accept">"审核通过"</button>
                        <button class="button secondary" type="submit" name="decision" value="return">"退回"</button>
                    </div>
                </form>
            </section>
        }
    });
    let line = format!(
        "{} · 第{}版 · {} · {} 报送（{}）",
        report.period.label_zh(),
        report.version,
        report.state.label_zh(),
        human_time(&report.submitted_at),
        report.submitted_by
    );
    let reason = report
        .reason
        .clone()
        .map(|r| view! { <p>"退回理由："{r}</p> });
    view! {
        <StaffFrame who=Some(who)>
            <h1>{format!("{unit_name} · 进展报告")}</h1>
            {notice.map(|n| view! { <div class="alert alert-review" role="status">{n}</div> })}
            {error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
            <p>{line}</p>
            {reason}
            <section class="card">
                <h2>"指标"</h2>
                <p class="hint">"佐证材料不支持报送值时，设定审核值：进展按审核值计算，报送值和每次审核值都保留。"</p>
                <div class="indicators-review">{rows}</div>
            </section>
            <section class="card"><h2>"任务进展"</h2><ul class="plain">{tasks}</ul></section>
            <section class="card" id="evidence"><h2>"佐证材料"</h2><EvidenceList files=report.evidence.clone() links=true /></section>
            {review}
            <p><a href="/desk/handling">"返回审核列表"</a></p>
        </StaffFrame>
    }
}

/// A report's evidence files: name, kind, size and the start of its SHA-256 (to check a copy
/// against), each a download link where `links` (signed-in readers), else named only.
#[component]
pub fn EvidenceList(files: Vec<Evidence>, links: bool) -> impl IntoView {
    if files.is_empty() {
        return view! { <p class="hint">"没有佐证材料。"</p> }.into_any();
    }
    let items = files
        .into_iter()
        .map(|f| {
            let kind = EvidenceKind::parse(&f.kind)
                .map(|k| k.label_zh())
                .unwrap_or("文件");
            let meta = format!(
                "{kind} · {} · SHA-256 {}…",
                size_text(f.size),
                f.sha256.chars().take(12).collect::<String>()
            );
            let name = if links {
                view! { <a href=format!("/desk/evidence/{}", f.id) download="">{f.name.clone()}</a> }
                    .into_any()
            } else {
                view! { <span>{f.name.clone()}</span> }.into_any()
            };
            view! { <li class="evidence">{name}" "<span class="hint">{meta}</span></li> }
        })
        .collect_view();
    view! { <ul class="plain evidence-list">{items}</ul> }.into_any()
}

/// The label every page showing the sample year carries.
#[component]
pub fn SampleBanner(sample: bool) -> impl IntoView {
    sample.then(|| {
        view! {
            <div class="alert sample-banner" role="note">
                <strong>"示例数据"</strong>
                "：以下分方案和月报是为演示生成的示例，不是真实办理情况。办公室可用 "
                <code>"ceping handling sample --remove"</code>" 一键删除。"
            </div>
        }
    })
}

fn public_frame(title: String, sample: bool, children: impl IntoView) -> impl IntoView {
    view! {
        <header class="top">
            <a class="brand" href="/">"测评"</a>
            <span class="plan-name">{title}</span>
        </header>
        <main class="page"><SampleBanner sample />{children}</main>
    }
}

/// One task on the board.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardTask {
    pub id: i64,
    pub name: TaskName,
    pub progress: Option<Progress>,
    pub summary: Summary,
    pub rag: Option<Rag>,
}

/// One section on the board.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardSection {
    pub title: String,
    pub progress: Option<Progress>,
    pub rag: Option<Rag>,
    pub tasks: Vec<BoardTask>,
}

/// `/plans/{plan}/progress`: the plan's board, for everyone.
#[component]
pub fn BoardPage(
    plan_id: i64,
    plan_title: String,
    sample: bool,
    day: String,
    plan: Option<Progress>,
    plan_rag: Option<Rag>,
    sections: Vec<BoardSection>,
    units: Vec<UnitLine>,
    periods: Vec<Period>,
    grid: Vec<(i64, Vec<Filing>)>,
) -> impl IntoView {
    let sections = sections
        .into_iter()
        .map(|s| {
            let tasks = s
                .tasks
                .into_iter()
                .map(|t| {
                    view! {
                        <li class="board-task" data-task=t.id.to_string()>
                            <a href=format!("/progress/tasks/{}", t.id)>
                                <strong>{t.name.label}</strong>" "{t.name.heading}
                            </a>
                            <div><RagBadge rag=t.rag />" "{progress_text(t.progress.as_ref())}</div>
                            <div class="hint">{t.summary.line_zh()}</div>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="card">
                    <h2>{s.title}</h2>
                    <p><RagBadge rag=s.rag />" "{progress_text(s.progress.as_ref())}</p>
                    <ul class="plain board">{tasks}</ul>
                </section>
            }
        })
        .collect_view();
    let heads = periods
        .iter()
        .map(|p| view! { <th>{format!("{}月", p.month)}</th> })
        .collect_view();
    let names: HashMap<i64, String> = units.iter().map(|u| (u.id, u.name.clone())).collect();
    let grid_rows = grid
        .into_iter()
        .map(|(unit, cells)| {
            let cells = cells
                .into_iter()
                .map(|f| view! { <td><span class=filing_class(f) title=f.label_zh()>{f.label_zh()}</span></td> })
                .collect_view();
            let name = names.get(&unit).cloned().unwrap_or_default();
            view! {
                <tr><th scope="row"><a href=format!("/progress/units/{unit}")>{name}</a></th>{cells}</tr>
            }
        })
        .collect_view();
    let unit_rows = units
        .into_iter()
        .map(|u| {
            view! {
                <tr data-unit=u.id.to_string()>
                    <td><a href=format!("/progress/units/{}", u.id)>{u.name}</a></td>
                    <td><RagBadge rag=u.rag /></td>
                    <td>{u.summary.line_zh()}</td>
                </tr>
            }
        })
        .collect_view();
    let title = plan_title.clone();
    public_frame(
        title,
        sample,
        view! {
            <h1>"办理进展"</h1>
            <p class="hint">{format!("截至 {day}（北京时间）。进展按各单位经审核通过的分方案指标计算；办公室设定审核值的，按审核值计算。“应达”为按时间进度应完成的比例。")}</p>
            <section class="card" id="plan-progress">
                <h2>"全方案"</h2>
                <p><RagBadge rag=plan_rag />" "{progress_text(plan.as_ref())}</p>
            </section>
            {sections}
            <section class="card" id="units">
                <h2>"各单位"</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-label="各单位（可左右滑动）">
                    <table class="units-progress">
                        <thead><tr><th>"单位"</th><th>"状态"</th><th>"进展"</th></tr></thead>
                        <tbody>{unit_rows}</tbody>
                    </table>
                </div>
            </section>
            <section class="card" id="grid">
                <h2>"月报报送情况"</h2>
                <img class="chart" src=format!("/plans/{plan_id}/progress/grid.svg") alt="各单位月报报送情况图（与下表相同）" />
                <div class="table-wrap" tabindex="0" role="region" aria-label="报送情况（可左右滑动）">
                    <table class="filing-grid">
                        <thead><tr><th>"单位"</th>{heads}</tr></thead>
                        <tbody>{grid_rows}</tbody>
                    </table>
                </div>
            </section>
        },
    )
}

fn indicator_rows(
    inds: Vec<IndicatorProgress>,
    names: &TaskNames,
    unit_names: &HashMap<i64, String>,
) -> AnyView {
    inds.into_iter()
        .map(|i| {
            let r = &i.record;
            view! {
                <tr data-code=r.code.to_string()>
                    <td>{unit_names.get(&r.unit_id).cloned().unwrap_or_default()}</td>
                    <td>{format!("{} {}", task_label(names, r.task_id), r.name)}</td>
                    <td>{format!("{} {}", fmt_weight(r.target), r.measure_unit)}</td>
                    <td>{r.reported.map(fmt_weight).unwrap_or_else(|| "—".into())}</td>
                    <td>{r.audited.map(fmt_weight).unwrap_or_else(|| "—".into())}</td>
                    <td>{pct(Some(i.progress.completion))}" / "{pct(Some(i.progress.expected))}</td>
                    <td><RagBadge rag=Some(i.rag) /></td>
                </tr>
            }
        })
        .collect_view()
        .into_any()
}

fn indicator_table(rows: impl IntoView) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="指标（可左右滑动）">
            <table class="indicators">
                <thead><tr><th>"单位"</th><th>"指标"</th><th>"目标"</th><th>"报送值"</th><th>"审核值"</th><th>"完成/应达"</th><th>"状态"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// `/progress/units/{id}`: one unit's year, for everyone.
#[component]
pub fn UnitRecordPage(
    plan_title: String,
    sample: bool,
    unit: ReportingUnit,
    names: TaskNames,
    approved: Option<Subplan>,
    indicators: Vec<IndicatorProgress>,
    filings: Vec<(Period, Filing)>,
    summary: Summary,
    progress: Option<Progress>,
    rag: Option<Rag>,
    reports: Vec<Report>,
) -> impl IntoView {
    let unit_names: HashMap<i64, String> = [(unit.id, unit.name.clone())].into();
    // Every audited value the office set, with who, when and why: the values' history.
    let code_names: HashMap<i64, String> = indicators
        .iter()
        .map(|i| (i.record.code, i.record.name.clone()))
        .collect();
    let audits: Vec<_> = reports
        .iter()
        .flat_map(|r| {
            r.audited.iter().map(move |a| {
                let reported = r
                    .values
                    .iter()
                    .find(|(c, ..)| *c == a.code)
                    .map(|v| fmt_weight(v.1))
                    .unwrap_or_else(|| "—".into());
                (r.period, r.version, reported, a.clone())
            })
        })
        .collect();
    let history = (!audits.is_empty()).then(|| {
        let items = audits
            .into_iter()
            .map(|(period, version, reported, a)| {
                let name = code_names.get(&a.code).cloned().unwrap_or_default();
                view! {
                    <li>
                        {format!(
                            "{}第{}版 · {name}：报送 {reported} → 审核 {}。{}（{}，{}）",
                            period.label_zh(),
                            version,
                            fmt_weight(a.value),
                            a.reason,
                            a.set_by,
                            human_time(&a.set_at)
                        )}
                    </li>
                }
            })
            .collect_view();
        view! {
            <h3>"审核记录"</h3>
            <ul class="plain hint audit-history">{items}</ul>
        }
    });
    let rows = indicator_rows(indicators, &names, &unit_names);
    let plan = match approved {
        Some(p) => {
            let line = version_line(&p);
            let names = names.clone();
            view! { <p class="hint">{line}</p> <SubplanTable plan=p names=names /> }.into_any()
        }
        None => view! { <p class="empty">"分方案尚未审核通过。"</p> }.into_any(),
    };
    let filings = filings
        .into_iter()
        .map(|(p, f)| {
            let versions: Vec<&Report> = reports.iter().filter(|r| r.period == p).collect();
            let note = versions
                .first()
                .map(|r| format!("第{}版 · {} · {}", r.version, r.state.label_zh(), human_time(&r.submitted_at)))
                .unwrap_or_default();
            view! {
                <tr><td>{p.label_zh()}</td><td><span class=filing_class(f)>{f.label_zh()}</span></td><td>{note}</td></tr>
            }
        })
        .collect_view();
    public_frame(
        plan_title,
        sample,
        view! {
            <h1>{unit.name.clone()}</h1>
            <p><RagBadge rag=rag />" "{progress_text(progress.as_ref())}</p>
            <p class="hint">{summary.line_zh()}</p>
            <section class="card">
                <h2>"指标进展"</h2>
                {indicator_table(rows)}
                {history}
            </section>
            <section class="card">
                <h2>"分方案"</h2>
                {plan}
            </section>
            <section class="card">
                <h2>"月报报送"</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-label="月报（可左右滑动）">
                    <table class="filings">
                        <thead><tr><th>"月份"</th><th>"情况"</th><th>"最新版本"</th></tr></thead>
                        <tbody>{filings}</tbody>
                    </table>
                </div>
            </section>
            <p><a href=format!("/units/{}", unit.id)>"本单位在工作方案中的任务"</a></p>
        },
    )
}

/// `/progress/tasks/{id}`: one task's indicators over its units, for everyone.
#[component]
pub fn TaskRecordPage(
    plan_title: String,
    sample: bool,
    task_id: i64,
    name: TaskName,
    progress: Option<Progress>,
    rag: Option<Rag>,
    summary: Summary,
    indicators: Vec<IndicatorProgress>,
    names: TaskNames,
    unit_names: HashMap<i64, String>,
) -> impl IntoView {
    let rows = indicator_rows(indicators, &names, &unit_names);
    public_frame(
        plan_title,
        sample,
        view! {
            <h1>{format!("{} {}", name.label, name.heading)}</h1>
            <p><RagBadge rag=rag />" "{progress_text(progress.as_ref())}</p>
            <p class="hint">{summary.line_zh()}</p>
            <section class="card">
                <h2>"完成进度"</h2>
                <img class="chart" src=format!("/progress/tasks/{task_id}/progress.svg") alt="本任务各月完成比例与时间进度对比图" />
            </section>
            <section class="card">
                <h2>"各单位指标"</h2>
                {indicator_table(rows)}
            </section>
            <p><a href=format!("/tasks/{task_id}")>"任务原文"</a></p>
        },
    )
}
