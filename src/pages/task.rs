//! One task: its full text, and every unit linked to it (collectives expanded).

use super::load_page;
use crate::api::plan::get_task;
use crate::components::layout::{PlanFrame, Tab, id_param};
use crate::components::plan::{TaskUnits, kind_label, task_heading, task_label};
use crate::plan::model::Role;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TaskPage() -> impl IntoView {
    let id = id_param("id", "任务");
    load_page(async move { get_task(Some(id?.to_string())).await }, |d| {
        let label = task_label(d.task.section_number, d.task.number);
        let heading = task_heading(&d.task);
        let rows = d
            .links
            .into_iter()
            .map(|l| {
                let role = match l.role {
                    Role::Lead => "牵头",
                    Role::Responsible => "责任",
                };
                let how = match (l.via, l.scope) {
                    (Some(v), _) => format!("通过“{v}”"),
                    (None, Some(s)) => format!("〈{s}〉"),
                    (None, None) => "直接列明".to_string(),
                };
                view! {
                    <tr>
                        <td>
                            <a href=format!("/units/{}", l.unit.id)>{l.unit.name}</a>
                        </td>
                        <td>{kind_label(&l.unit.kind)}</td>
                        <td>{role}</td>
                        <td>{how}</td>
                    </tr>
                }
            })
            .collect_view();
        let plan_id = d.header.id;
        view! {
            <Title text=format!("任务{label}") />
            <PlanFrame header=d.header tab=Tab::Tasks>
                <p class="crumb">
                    <a href=format!("/plans/{plan_id}/tasks")>"工作任务"</a>
                    " › "
                    {d.section_title}
                </p>
                <h1>
                    <span class="task-no">{label}</span>
                    {heading}
                </h1>
                <section class="card">
                    <p class="task-text">{d.full_text}</p>
                    <TaskUnits lead=d.task.lead responsible=d.task.responsible />
                </section>
                <section class="card">
                    <h2>"涉及单位"</h2>
                    <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可左右滑动）">
                        <table>
                            <thead>
                                <tr>
                                    <th>"单位"</th>
                                    <th>"类别"</th>
                                    <th>"职责"</th>
                                    <th>"来源"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </section>
            </PlanFrame>
        }
    })
}
