//! The units of a plan, grouped by kind, with how many tasks each leads and shares.

use super::load_page;
use crate::api::plan::get_units;
use crate::components::islands::{IslandScripts, UnitFilter};
use crate::components::layout::{PlanFrame, Tab, optional_id_param};
use crate::model::plan::UnitSummary;
use crate::plan::model::UnitKind;
use leptos::prelude::*;
use leptos_meta::Title;

fn unit_item(u: UnitSummary) -> impl IntoView {
    let names = std::iter::once(u.unit.name.clone())
        .chain(u.aliases.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    let aliases = (!u.aliases.is_empty()).then(|| {
        view! { <span class="alias">{format!("又称{}", u.aliases.join("、"))}</span> }
    });
    view! {
        <li class="unit-item" data-names=names>
            <a href=format!("/units/{}", u.unit.id)>{u.unit.name}</a>
            {aliases}
            <span class="counts">
                <span title="牵头任务数">{format!("牵头 {}", u.lead_count)}</span>
                <span title="参与任务数">{format!("参与 {}", u.share_count)}</span>
            </span>
        </li>
    }
}

#[component]
pub fn UnitsPage() -> impl IntoView {
    let plan = optional_id_param("plan", "工作方案");
    load_page(
        async move { get_units(plan?.map(|p| p.to_string())).await },
        |p| {
            let groups = [
                (UnitKind::Municipal, "市直部门和单位"),
                (UnitKind::Zone, "开发区管委会"),
                (UnitKind::District, "区人民政府"),
                (UnitKind::Collective, "统称"),
            ];
            let members = p.units.iter().filter(|u| u.is_member).count();
            let sections = groups
                .into_iter()
                .map(|(kind, label)| {
                    let units: Vec<UnitSummary> = p
                        .units
                        .iter()
                        .filter(|u| u.unit.kind == kind)
                        .cloned()
                        .collect();
                    (!units.is_empty()).then(|| {
                        let n = units.len();
                        let items = units.into_iter().map(unit_item).collect_view();
                        view! {
                            <section class="card" data-group=label>
                                <h2>{label} <small>{format!("{n}个")}</small></h2>
                                <ul class="unit-list">{items}</ul>
                            </section>
                        }
                    })
                })
                .collect_view();
            view! {
                <Title text="责任单位" />
                <PlanFrame header=p.header tab=Tab::Units>
                    <h1>"责任单位"</h1>
                    <p class="lead-in">
                        {format!(
                            "领导小组成员单位{members}个，人大代表将逐一测评。“牵头”“参与”为该单位牵头和参与的任务数（含通过“各区人民政府”等统称参与的任务）。",
                        )}
                    </p>
                    <UnitFilter />
                    {sections}
                    <IslandScripts />
                </PlanFrame>
            }
        },
    )
}
