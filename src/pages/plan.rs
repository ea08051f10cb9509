//! The plan overview: titles, 总体要求, the phases on a timeline, 有关要求.

use super::load_page;
use crate::api::plan::get_overview;
use crate::components::layout::{PlanFrame, Tab, optional_id_param};
use crate::components::plan::{Timeline, numeral};
use chrono::Datelike;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PlanPage() -> impl IntoView {
    let plan = optional_id_param("plan", "工作方案");
    load_page(
        async move { get_overview(plan?.map(|p| p.to_string())).await },
        |o| {
            let id = o.header.id;
            let issued = o
                .issued_on
                .map(|d| format!("{}年{}月{}日", d.year(), d.month(), d.day()));
            let requirements = o
                .requirements
                .into_iter()
                .map(|r| {
                    view! {
                        <li>
                            <strong>{format!("({}){}。", numeral(r.number), r.title)}</strong>
                            <details>
                                <summary>"展开全文"</summary>
                                <p>{r.body}</p>
                            </details>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <Title text=o.header.title.clone() />
                <PlanFrame header=o.header.clone() tab=Tab::Overview>
                    <h1>{o.header.title.clone()}</h1>
                    <p class="proposal">
                        {format!(
                            "办理{}{}号议案《{}》",
                            o.header.proposal_session,
                            o.header.proposal_number,
                            o.header.proposal_title,
                        )}
                    </p>
                    <p class="meta">
                        {o.issuer.clone().unwrap_or_default()} " " {issued.unwrap_or_default()}
                    </p>
                    <ul class="stats">
                        <li>
                            <a href=format!("/plans/{id}/tasks")>
                                <b>{o.task_count}</b>
                                "项任务"
                            </a>
                        </li>
                        <li>
                            <a href=format!("/plans/{id}/tasks")>
                                <b>{o.section_count}</b>
                                "个方面"
                            </a>
                        </li>
                        <li>
                            <a href=format!("/plans/{id}/units")>
                                <b>{o.member_unit_count}</b>
                                "个成员单位"
                            </a>
                        </li>
                    </ul>
                    <section class="card">
                        <h2>"总体要求"</h2>
                        <p>{o.general_requirements}</p>
                    </section>
                    <section class="card">
                        <h2>"进度安排"</h2>
                        <Timeline phases=o.phases today=o.today />
                    </section>
                    <section class="card">
                        <h2>"有关要求"</h2>
                        <ol class="plain">{requirements}</ol>
                    </section>
                </PlanFrame>
            }
        },
    )
}
