//! The tasks grouped by section, with their lead and responsible units.

use super::load_page;
use crate::api::plan::get_tasks;
use crate::components::layout::{PlanFrame, Tab, optional_id_param};
use crate::components::plan::{TaskCard, numeral};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TasksPage() -> impl IntoView {
    let plan = optional_id_param("plan", "工作方案");
    load_page(
        async move { get_tasks(plan?.map(|p| p.to_string())).await },
        |t| {
            let count: usize = t.sections.iter().map(|s| s.tasks.len()).sum();
            let sections = t
                .sections
                .into_iter()
                .map(|s| {
                    let cards = s
                        .tasks
                        .into_iter()
                        .map(|task| view! { <TaskCard task /> })
                        .collect_view();
                    view! {
                        <section class="section">
                            <h2>{format!("({}){}", numeral(s.number), s.title)}</h2>
                            {cards}
                        </section>
                    }
                })
                .collect_view();
            view! {
                <Title text="工作任务" />
                <PlanFrame header=t.header tab=Tab::Tasks>
                    <h1>"工作任务" <small>{format!("共{count}项")}</small></h1>
                    {sections}
                </PlanFrame>
            }
        },
    )
}
