//! One unit: the tasks it leads and shares, and its member of the leading group.

use super::load_page;
use crate::api::plan::get_unit;
use crate::components::layout::{PlanFrame, Tab, id_param};
use crate::components::plan::{UnitChips, kind_label, task_heading, task_label};
use crate::plan::model::Role;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn UnitPage() -> impl IntoView {
    let id = id_param("id", "单位");
    load_page(async move { get_unit(Some(id?.to_string())).await }, |d| {
        let s = d.summary;
        let plan_id = d.header.id;
        let tasks = d
                .tasks
                .into_iter()
                .map(|t| {
                    let role = match t.role {
                        Role::Lead => "牵头",
                        Role::Responsible => "责任",
                    };
                    let via = t.via.map(|v| view! { <span class="via">{format!("通过“{v}”")}</span> });
                    view! {
                        <li>
                            <span class=format!("role role-{}", if role == "牵头" { "lead" } else { "resp" })>{role}</span>
                            <a href=format!("/tasks/{}", t.task.id)>
                                <span class="task-no">{task_label(t.task.section_number, t.task.number)}</span>
                                {task_heading(&t.task)}
                            </a>
                            {via}
                        </li>
                    }
                })
                .collect_view();
        let roster = d
            .roster
            .into_iter()
            .map(|r| view! { <li>{format!("{}：{} {}", r.role_label, r.name, r.title)}</li> })
            .collect_view();
        let members = (!d.members.is_empty()).then(|| {
            view! {
                <section class="card">
                    <h2>"包括"</h2>
                    <p class="chips">
                        <UnitChips units=d.members />
                    </p>
                </section>
            }
        });
        let aliases = (!s.aliases.is_empty())
            .then(|| view! { <p class="alias">{format!("又称：{}", s.aliases.join("、"))}</p> });
        let member_note = if s.is_member {
            "领导小组成员单位"
        } else {
            "非领导小组成员单位"
        };
        view! {
            <Title text=s.unit.name.clone() />
            <PlanFrame header=d.header tab=Tab::Units>
                <p class="crumb">
                    <a href=format!("/plans/{plan_id}/units")>"责任单位"</a>
                </p>
                <h1>{s.unit.name.clone()}</h1>
                <p class="meta">{kind_label(&s.unit.kind)} " · " {member_note}</p>
                {aliases}
                <ul class="stats">
                    <li>
                        <b>{s.lead_count}</b>
                        "项牵头"
                    </li>
                    <li>
                        <b>{s.share_count}</b>
                        "项参与"
                    </li>
                </ul>
                <section class="card">
                    <h2>"承担的任务"</h2>
                    <ul class="unit-tasks">{tasks}</ul>
                </section>
                {members}
                <section class="card">
                    <h2>"领导小组成员"</h2>
                    <ul class="plain">{roster}</ul>
                </section>
            </PlanFrame>
        }
    })
}
