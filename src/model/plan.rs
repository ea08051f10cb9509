//! What the plan pages show, as the browser receives it: the plan overview, its tasks, its
//! units and the leading group.

use crate::error::AppError;
use crate::plan::model::{Role, RosterRole, UnitKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The titles every plan page shows in its header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanHeader {
    pub id: i64,
    pub title: String,
    pub proposal_session: String,
    pub proposal_number: i64,
    pub proposal_title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseView {
    pub number: i64,
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementView {
    pub number: i64,
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanOverview {
    pub header: PlanHeader,
    pub issuer: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub general_requirements: String,
    pub phases: Vec<PhaseView>,
    pub requirements: Vec<RequirementView>,
    pub section_count: i64,
    pub task_count: i64,
    pub member_unit_count: i64,
    /// The server's date, so the timeline shows where today falls.
    pub today: NaiveDate,
}

/// A unit as it appears in a list or a link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRef {
    pub id: i64,
    pub name: String,
    pub kind: UnitKind,
}

/// A task as listed: enough to find it and see who carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: i64,
    pub section_number: i64,
    pub number: i64,
    pub title: Option<String>,
    pub body: String,
    pub lead: Vec<UnitRef>,
    pub responsible: Vec<UnitRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionView {
    pub number: i64,
    pub title: String,
    pub tasks: Vec<TaskRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanTasks {
    pub header: PlanHeader,
    pub sections: Vec<SectionView>,
}

/// One link between a task and a unit, with how it came about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskLink {
    pub unit: UnitRef,
    pub role: Role,
    /// The collective (e.g. 各区人民政府) through which the unit is named, if any.
    pub via: Option<String>,
    pub scope: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskDetail {
    pub header: PlanHeader,
    pub section_title: String,
    pub task: TaskRow,
    pub full_text: String,
    pub links: Vec<TaskLink>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitSummary {
    pub unit: UnitRef,
    pub is_member: bool,
    pub aliases: Vec<String>,
    /// Tasks this unit leads.
    pub lead_count: i64,
    /// Tasks this unit shares as a responsible unit (directly or through a collective).
    pub share_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanUnits {
    pub header: PlanHeader,
    pub units: Vec<UnitSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterView {
    pub role: RosterRole,
    pub role_label: String,
    pub name: String,
    pub title: String,
    pub unit: Option<UnitRef>,
}

/// A task seen from one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitTask {
    pub task: TaskRow,
    pub role: Role,
    pub via: Option<String>,
    pub scope: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitDetail {
    pub header: PlanHeader,
    pub summary: UnitSummary,
    pub tasks: Vec<UnitTask>,
    pub roster: Vec<RosterView>,
    /// For a collective: the units it stands for.
    pub members: Vec<UnitRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadingGroup {
    pub header: PlanHeader,
    pub office_unit: Option<UnitRef>,
    pub roster: Vec<RosterView>,
}

/// Reads an optional id argument. Arguments are taken as text and parsed here, so that a
/// malformed one is answered with a 400 and a clear message rather than a generic failure.
pub fn parse_id(name: &str, value: Option<&str>) -> Result<Option<i64>, AppError> {
    match value {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(Some)
            .ok_or_else(|| AppError::BadRequest(format!("参数 {name} 应为正整数。"))),
    }
}

/// Reads the required `id` argument.
pub fn require_id(value: Option<&str>) -> Result<i64, AppError> {
    parse_id("id", value)?.ok_or_else(|| AppError::BadRequest("缺少参数 id。".into()))
}
