//! The leading group (领导小组) roster and where its office sits.

use super::load_page;
use crate::api::plan::get_group;
use crate::components::layout::{PlanFrame, Tab, optional_id_param};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn GroupPage() -> impl IntoView {
    let plan = optional_id_param("plan", "工作方案");
    load_page(
        async move { get_group(plan?.map(|p| p.to_string())).await },
        |g| {
            let count = g.roster.len();
            let rows = g
                .roster
                .into_iter()
                .map(|r| {
                    let unit = r.unit.map(|u| {
                        view! { <a href=format!("/units/{}", u.id)>{u.name}</a> }
                    });
                    view! {
                        <tr>
                            <td>{r.role_label}</td>
                            <td>{r.name}</td>
                            <td>{unit}</td>
                            <td>{r.title}</td>
                        </tr>
                    }
                })
                .collect_view();
            let office = g.office_unit.map(|u| {
                view! {
                    <p class="lead-in">
                        "领导小组办公室设在" <a href=format!("/units/{}", u.id)>{u.name}</a> "。"
                    </p>
                }
            });
            view! {
                <Title text="领导小组" />
                <PlanFrame header=g.header tab=Tab::Group>
                    <h1>"领导小组" <small>{format!("{count}人")}</small></h1>
                    {office}
                    <div class="table-wrap card">
                        <table class="roster">
                            <thead>
                                <tr>
                                    <th>"职务"</th>
                                    <th>"姓名"</th>
                                    <th>"单位"</th>
                                    <th>"职务（单位内）"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </PlanFrame>
            }
        },
    )
}
