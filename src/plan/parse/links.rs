//! A task's links: its mentions resolved to canonical units, scope notes carried forward (下同),
//! and collectives (各…) expanded to the districts, zones or departments they stand for.

use std::collections::{BTreeSet, HashMap};

use crate::plan::model::warning_codes as code;
use crate::plan::model::{Role, Task, Unit, UnitKind, UnitLink};

use super::tasks::{TaskDraft, widens_to_zones};
use super::units::Resolved;
use super::warnings::Warnings;

/// Which units a collective stands for.
fn collective_members(name: &str, widened: bool, units: &[Unit]) -> Option<Vec<String>> {
    let zones = ["开发区", "功能区", "管委会"]
        .iter()
        .any(|z| name.contains(z));
    let pick = |f: &dyn Fn(&Unit) -> bool| -> Vec<String> {
        units
            .iter()
            .filter(|u| f(u))
            .map(|u| u.name.clone())
            .collect()
    };
    if zones {
        Some(pick(&|u| u.kind == UnitKind::Zone))
    } else if name.contains('区') || name.contains('县') {
        Some(pick(&|u| {
            u.kind == UnitKind::District || (widened && u.kind == UnitKind::Zone)
        }))
    } else if name.contains("成员单位") {
        Some(pick(&|u| u.member && u.kind != UnitKind::Collective))
    } else if name.contains("部门") {
        Some(pick(&|u| u.kind == UnitKind::Municipal))
    } else {
        None
    }
}

pub(super) fn build_task(
    t: TaskDraft,
    resolved: &Resolved,
    sticky: &mut HashMap<String, String>,
    unexpanded: &mut BTreeSet<String>,
    w: &mut Warnings,
) -> Task {
    let mut lead: Vec<String> = Vec::new();
    let mut responsible: Vec<String> = Vec::new();
    let mut resolved_mentions: Vec<(Role, String, Option<String>)> = Vec::new();
    for m in &t.mentions {
        let name = resolved
            .lookup(&m.name)
            .cloned()
            .unwrap_or_else(|| m.name.clone());
        let scope = m.scope.clone().or_else(|| sticky.get(&name).cloned());
        if m.sticky
            && let Some(s) = &m.scope
        {
            sticky.insert(name.clone(), s.clone());
        }
        let list = match m.role {
            Role::Lead => &mut lead,
            Role::Responsible => &mut responsible,
        };
        if !list.contains(&name) {
            list.push(name.clone());
        }
        resolved_mentions.push((m.role, name, scope));
    }
    let direct: BTreeSet<&str> = resolved_mentions
        .iter()
        .map(|(_, n, _)| n.as_str())
        .collect();
    let mut seen: BTreeSet<(String, Role)> = BTreeSet::new();
    let mut expanded: BTreeSet<String> = BTreeSet::new();
    let mut links = Vec::new();
    for (role, name, scope) in &resolved_mentions {
        if !seen.insert((name.clone(), *role)) {
            continue;
        }
        links.push(UnitLink {
            unit: name.clone(),
            role: *role,
            via: None,
            scope: scope.clone(),
        });
        if resolved.kinds.get(name) != Some(&UnitKind::Collective) {
            continue;
        }
        let widened = scope.as_deref().is_some_and(widens_to_zones);
        match collective_members(name, widened, &resolved.units) {
            Some(targets) => {
                for target in targets {
                    if direct.contains(target.as_str()) || expanded.contains(&target) {
                        continue;
                    }
                    expanded.insert(target.clone());
                    links.push(UnitLink {
                        unit: target,
                        role: *role,
                        via: Some(name.clone()),
                        scope: None,
                    });
                }
            }
            None => {
                if unexpanded.insert(name.clone()) {
                    w.push(
                        Some(t.line),
                        code::COLLECTIVE_NOT_EXPANDED,
                        format!(
                            "The collective \"{name}\" does not say which units it stands for; \
                             it is kept as one unit."
                        ),
                        format!("统称“{name}”无法确定包含哪些单位，按一个单位处理。"),
                    );
                }
            }
        }
    }
    Task {
        number: t.number,
        title: t.title,
        text: t.text,
        body: t.body,
        lead,
        responsible,
        links,
        line: t.line,
    }
}
