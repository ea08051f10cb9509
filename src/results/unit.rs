//! A member unit's view: its own result, the tasks it leads (牵头) and shares (责任), and the
//! mean combined index of each group.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::combined::ItemResult;
use super::float::{finite, mean};

/// A unit's role on a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskRole {
    /// 牵头单位.
    Lead,
    /// 责任单位.
    Responsible,
}

impl TaskRole {
    /// `牵头单位` or `责任单位`.
    pub fn label(&self) -> &'static str {
        match self {
            TaskRole::Lead => "牵头单位",
            TaskRole::Responsible => "责任单位",
        }
    }
}

/// A task that a unit leads or shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskLink {
    /// The task's item: `t12`.
    pub task: String,
    /// The unit's role on it.
    pub role: TaskRole,
}

impl TaskLink {
    /// A link from its parts.
    pub fn new(task: &str, role: TaskRole) -> TaskLink {
        TaskLink {
            task: task.to_owned(),
            role,
        }
    }
}

/// The simple mean of some tasks' combined indices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanIndex {
    /// Tasks in the group.
    pub tasks: usize,
    /// Tasks with a combined index, in the mean.
    pub counted: usize,
    /// Σ their combined indices.
    pub sum: f64,
    /// `sum` / `counted`; `None` when none has an index.
    pub mean: Option<f64>,
}

/// A member unit's results: its own, and those of the tasks it leads and shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitView {
    /// The unit's item: `u7`.
    pub unit: String,
    /// The unit's own result, if the round has one.
    pub own: Option<ItemResult>,
    /// The tasks it leads (牵头), in the order of the links.
    pub led_tasks: Vec<ItemResult>,
    /// The tasks it shares as a responsible unit (责任), in the order of the links.
    pub shared_tasks: Vec<ItemResult>,
    /// Linked tasks without a result in the round.
    pub missing_tasks: Vec<String>,
    /// Mean combined index of `led_tasks`.
    pub led_mean: MeanIndex,
    /// Mean combined index of `shared_tasks`.
    pub shared_mean: MeanIndex,
}

/// A unit's view. `links` are this unit's (task, role) links; `results` are the round's item
/// results (tasks and units: the unit's own is looked up by `unit`). A task linked twice is
/// listed once; linked both as lead and as responsible, it is listed as led.
pub fn unit_view(unit: &str, links: &[TaskLink], results: &[ItemResult]) -> UnitView {
    let by_id: BTreeMap<&str, &ItemResult> = results.iter().map(|r| (r.item.as_str(), r)).collect();
    let led: BTreeSet<&str> = links
        .iter()
        .filter(|l| l.role == TaskRole::Lead)
        .map(|l| l.task.as_str())
        .collect();
    let mut seen = BTreeSet::new();
    let mut led_tasks = Vec::new();
    let mut shared_tasks = Vec::new();
    let mut missing_tasks = Vec::new();
    for link in links {
        let task = link.task.as_str();
        if !seen.insert(task) {
            continue;
        }
        match by_id.get(task) {
            Some(&result) if led.contains(task) => led_tasks.push(result.clone()),
            Some(&result) => shared_tasks.push(result.clone()),
            None => missing_tasks.push(task.to_owned()),
        }
    }
    UnitView {
        unit: unit.to_owned(),
        own: by_id.get(unit).map(|&r| r.clone()),
        led_mean: mean_index(&led_tasks),
        shared_mean: mean_index(&shared_tasks),
        led_tasks,
        shared_tasks,
        missing_tasks,
    }
}

fn mean_index(tasks: &[ItemResult]) -> MeanIndex {
    let values: Vec<f64> = tasks
        .iter()
        .filter_map(|t| t.combined.value.and_then(finite))
        .collect();
    let sum: f64 = values.iter().sum();
    MeanIndex {
        tasks: tasks.len(),
        counted: values.len(),
        sum: finite(sum).unwrap_or(0.0),
        mean: mean(sum, values.len()),
    }
}
