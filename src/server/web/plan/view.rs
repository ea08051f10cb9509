//! Importing a plan from the browser (`/desk/plans/new`): paste or upload the official text,
//! see what the importer read with its warnings highlighted, then import (one transaction).

use crate::components::textarea_text;
use crate::plan::model::{ParsedPlan, UnitKind, warning_codes as w};
use crate::server::repo::account::Account;
use crate::server::web::frame::StaffFrame;
use leptos::prelude::*;

/// What a warning is about, in Chinese (the detail is the importer's English message).
pub fn warning_label(code: &str) -> &'static str {
    match code {
        w::TITLE_MISSING => "未找到方案标题",
        w::PROPOSAL_INCOMPLETE => "议案信息不完整",
        w::CHAPTER_UNKNOWN => "无法识别的章节",
        w::LINE_IGNORED => "忽略的行",
        w::SECTION_IMPLIED => "推定的任务分组",
        w::ITEM_RENUMBERED => "编号不连续",
        w::TASK_WITHOUT_UNITS => "任务未写明单位",
        w::UNIT_NOTE_UNLABELLED => "单位注释未标明牵头或责任",
        w::UNIT_PREFIX_MATCHED => "单位名称按前缀合并",
        w::UNIT_SUFFIX_MATCHED => "单位名称按后缀合并",
        w::UNIT_MISPRINT_MATCHED => "单位名称疑似笔误，已合并",
        w::UNIT_NOT_IN_ROSTER => "单位不在领导小组名单中",
        w::MEMBER_WITHOUT_TASKS => "成员单位没有任务",
        w::COLLECTIVE_NOT_EXPANDED => "集合单位未展开",
        w::PHASE_START_ASSUMED => "阶段开始日期为推定",
        w::PHASE_YEAR_ASSUMED => "阶段年份为推定",
        w::PHASE_DATES_INVALID => "阶段日期有误",
        w::ROSTER_MISSING => "未找到领导小组名单",
        w::ROSTER_ROLE_MISSING => "名单缺少职务",
        w::ROSTER_UNIT_UNRECOGNISED => "名单中的单位无法识别",
        _ => "需要核对",
    }
}

fn kind_label(kind: UnitKind) -> &'static str {
    crate::components::plan::kind_label(&kind)
}

/// `/desk/plans/new`: the text box, and after "预览" what the importer read.
#[component]
pub fn PlanImportPage(
    who: Account,
    text: String,
    preview: Option<ParsedPlan>,
    error: Option<String>,
) -> impl IntoView {
    let alert = error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> });
    let preview = preview.map(|p| {
        let tasks: usize = p.sections.iter().map(|s| s.tasks.len()).sum();
        let members = p.units.iter().filter(|u| u.member).count();
        let warnings = p
            .warnings
            .iter()
            .map(|w| {
                view! {
                    <li class="warning">
                        <strong>{warning_label(&w.code)}</strong>
                        {w.line.map(|l| format!("（第{l}行）"))}
                        <span class="meta">" "{w.message.clone()}</span>
                    </li>
                }
            })
            .collect_view();
        let sections = p
            .sections
            .iter()
            .map(|s| {
                view! {
                    <li>
                        {format!(
                            "({}) {} — {} 项任务",
                            crate::components::plan::numeral(i64::from(s.number)),
                            s.title,
                            s.tasks.len(),
                        )}
                    </li>
                }
            })
            .collect_view();
        let units = p
            .units
            .iter()
            .filter(|u| u.member)
            .map(|u| {
                let aliases = (!u.aliases.is_empty())
                    .then(|| format!("（又作：{}）", u.aliases.join("、")));
                view! {
                    <li>
                        {u.name.clone()} <span class="meta">{format!(" {}", kind_label(u.kind))}</span>
                        <span class="alias">{aliases}</span>
                    </li>
                }
            })
            .collect_view();
        let n_warnings = p.warnings.len();
        view! {
            <section class="card preview">
                <h2>"预览"</h2>
                <p class="proposal">{p.title.clone()}</p>
                <p>{format!("{}第{}号议案：{}", p.proposal.session, p.proposal.number, p.proposal.title)}</p>
                <p>
                    {format!(
                        "{} 组 {tasks} 项任务；{} 个单位，其中成员单位 {members} 个；进度安排 {} 个阶段；领导小组 {} 人。",
                        p.sections.len(),
                        p.units.len(),
                        p.phases.len(),
                        p.roster.len(),
                    )}
                </p>
                <h3>{format!("需要核对的地方（{n_warnings}）")}</h3>
                <ul class="warnings">{warnings}</ul>
                <h3>"任务分组"</h3>
                <ul>{sections}</ul>
                <details>
                    <summary>{format!("成员单位（{members}）")}</summary>
                    <ul>{units}</ul>
                </details>
                <form method="post" action="/desk/plans" class="office-form">
                    <textarea name="text" hidden>{textarea_text(&text)}</textarea>
                    <button class="button primary" type="submit">"确认导入"</button>
                </form>
            </section>
        }
    });
    view! {
        <StaffFrame who=Some(who)>
            <h1>"导入工作方案"</h1>
            <p class="lead-in">"把政府发布的工作方案全文粘贴到下面（网页上复制即可，页脚等内容会被忽略），先预览，核对无误后导入。同一份方案导入两次不会重复。"</p>
            {alert}
            <form method="post" action="/desk/plans/preview" class="card office-form">
                <label for="text">"方案全文"</label>
                <textarea id="text" name="text" rows="12" required>{textarea_text(&text)}</textarea>
                <button class="button secondary" type="submit">"预览"</button>
            </form>
            {preview}
        </StaffFrame>
    }
}
