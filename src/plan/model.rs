//! The data model of a parsed work plan (办理工作方案).
//!
//! The JSON shape of these types is a public interface: field names are snake_case, every
//! `Vec` serializes as an array (never omitted) and every `Option` as `null`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A work plan as read from its official text: everything the evaluation needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedPlan {
    /// The plan's own title, the standalone title line, e.g. "市十四届人大五次会议3号议案办理工作方案".
    pub title: String,
    /// The congress proposal (议案) the plan handles.
    pub proposal: Proposal,
    /// The office that issued the plan, e.g. "武汉市人民政府办公厅".
    pub issuer: Option<String>,
    /// The date written under the issuer (the signing date).
    pub issued_on: Option<NaiveDate>,
    /// When the web page was published, as written after 发布时间, e.g. "2020-05-09 14:40".
    pub published_at: Option<String>,
    /// The prose under 总体要求.
    pub general_requirements: String,
    /// The task groups under 工作任务, in document order.
    pub sections: Vec<Section>,
    /// Every unit the plan names, canonical and de-duplicated, ordered by kind (municipal,
    /// zone, district, collective), then by first appearance in the roster, then in the tasks.
    pub units: Vec<Unit>,
    /// The phases of 进度安排 with their date ranges.
    pub phases: Vec<Phase>,
    /// The items of 有关要求.
    pub requirements: Vec<Requirement>,
    /// The canonical name of the unit that houses the leading group's office, e.g. "市经济和信息化局".
    pub office_unit: Option<String>,
    /// The leading group's roster (组成人员名单), in document order.
    pub roster: Vec<RosterEntry>,
    /// Things the importer inferred or could not read, for the office to review.
    pub warnings: Vec<Warning>,
}

/// The congress proposal (议案) a plan handles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// The congress session that received the proposal, e.g. "市十四届人大五次会议".
    pub session: String,
    /// The proposal's number within the session (the 3 of "3号议案"); 0 when the text gives none.
    pub number: u32,
    /// The proposal's own title, e.g. "关于加快生物医药产业集群建设,打造武汉经济发展新增长极案".
    pub title: String,
}

/// A numbered group of tasks under 工作任务, e.g. "(一)推进规划布局落地,加快新旧动能转换".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The group's number: (一) is 1.
    pub number: u32,
    /// The group's heading without its number.
    pub title: String,
    /// The group's tasks in document order.
    pub tasks: Vec<Task>,
}

/// One numbered task and the units that carry it out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The task's number within its section.
    pub number: u32,
    /// A short title sentence the task opens with ("强化组织领导。…"), if any.
    pub title: Option<String>,
    /// The full normalised text of the task, unit note included (wrapped lines joined).
    pub text: String,
    /// The text without the trailing unit note (a title sentence stays in the body).
    pub body: String,
    /// Lead units (牵头单位), canonical names as the task names them; a collective stays a collective.
    pub lead: Vec<String>,
    /// Responsible units (责任单位), canonical names as the task names them.
    pub responsible: Vec<String>,
    /// Every unit the task binds, fully expanded: each named unit once, each collective once
    /// (via = None) and once per member it stands for (via = the collective).
    pub links: Vec<UnitLink>,
    /// The 1-based source line where the task starts.
    pub line: usize,
}

/// One unit bound to a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitLink {
    /// The canonical unit name.
    pub unit: String,
    /// Whether the unit leads the task or shares responsibility for it.
    pub role: Role,
    /// The collective the unit was reached through (e.g. "各区人民政府"), None when named directly.
    pub via: Option<String>,
    /// A scope note on the mention, e.g. "含开发区管委会" (also carried forward by 下同).
    pub scope: Option<String>,
}

/// How a unit takes part in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 牵头单位: leads the task.
    Lead,
    /// 责任单位: shares responsibility for the task.
    Responsible,
}

/// A unit (department, district government, zone committee or collective) the plan names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// The canonical name.
    pub name: String,
    /// What sort of unit it is.
    pub kind: UnitKind,
    /// Other names the document uses for it: short forms, misprints, names in notes.
    pub aliases: Vec<String>,
    /// True when a 成员 of the leading-group roster stands for it: these are the units deputies rate.
    pub member: bool,
}

/// The sort of a unit, recognised from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A municipal department or agency (市…局, 市…委, 市委…部, …中心).
    Municipal,
    /// A district (or county) people's government (…区人民政府).
    District,
    /// A development-zone management committee (…开发区管委会, …新城管委会).
    Zone,
    /// A collective name standing for several units, e.g. "各区人民政府".
    Collective,
}

/// A phase of 进度安排 with its inclusive date range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    /// The phase's number: (一) is 1.
    pub number: u32,
    /// The phase's name, e.g. "任务部署".
    pub name: String,
    /// The first day of the phase.
    pub start: NaiveDate,
    /// The last day of the phase.
    pub end: NaiveDate,
    /// What the phase does: the text after its heading and dates.
    pub text: String,
}

/// An item of 有关要求.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// The item's number: (一) is 1.
    pub number: u32,
    /// The text before the first 。, e.g. "提高认识,强化组织领导".
    pub title: String,
    /// The item's full normalised text, title sentence included.
    pub text: String,
}

/// One person on the leading group's roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterEntry {
    /// The person's role in the group.
    pub role: RosterRole,
    /// The role as the roster labels it: 组长, 副组长 or 成员.
    pub role_label: String,
    /// The person's name.
    pub name: String,
    /// The position without the unit, e.g. "副局长"; the whole text when no known unit is named.
    pub title: String,
    /// Unit and position as written, e.g. "市经济和信息局副局长".
    pub title_as_written: String,
    /// The canonical name of the person's unit; None where the text names no unit the plan knows.
    pub unit: Option<String>,
}

/// A role in the leading group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RosterRole {
    /// 组长.
    Leader,
    /// 副组长.
    DeputyLeader,
    /// 成员: stands for a member unit.
    Member,
}

/// Something the importer inferred or could not read, for the office to review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// The 1-based source line it concerns, if one.
    pub line: Option<usize>,
    /// A stable snake_case code (see [`warning_codes`]).
    pub code: String,
    /// The warning in plain English.
    pub message: String,
    /// The warning in Simplified Chinese, for the office's screens.
    pub message_zh: String,
}

/// The stable codes of [`Warning::code`].
pub mod warning_codes {
    /// The plan's standalone title line could not be found.
    pub const TITLE_MISSING: &str = "title_missing";
    /// The proposal's session, number or title could not be found.
    pub const PROPOSAL_INCOMPLETE: &str = "proposal_incomplete";
    /// A chapter heading (一、…) the importer does not know; its content was skipped.
    pub const CHAPTER_UNKNOWN: &str = "chapter_unknown";
    /// A line the importer could not place; it was skipped.
    pub const LINE_IGNORED: &str = "line_ignored";
    /// Tasks stood before any (一) group heading; a group was made for them.
    pub const SECTION_IMPLIED: &str = "section_implied";
    /// An item's number repeats an earlier one; it was given the next free number.
    pub const ITEM_RENUMBERED: &str = "item_renumbered";
    /// A task has no (牵头单位/责任单位) note.
    pub const TASK_WITHOUT_UNITS: &str = "task_without_units";
    /// A part of a unit note has no 牵头单位/责任单位 label; its units were read as responsible.
    pub const UNIT_NOTE_UNLABELLED: &str = "unit_note_unlabelled";
    /// Two names differing by a city prefix (武汉/市) were read as one unit.
    pub const UNIT_PREFIX_MATCHED: &str = "unit_prefix_matched";
    /// A zone name without 管委会 was read as the committee the document names elsewhere.
    pub const UNIT_SUFFIX_MATCHED: &str = "unit_suffix_matched";
    /// Two long names differing by one character were read as one unit (a misprint).
    pub const UNIT_MISPRINT_MATCHED: &str = "unit_misprint_matched";
    /// A unit named in the tasks is not a member of the leading-group roster.
    pub const UNIT_NOT_IN_ROSTER: &str = "unit_not_in_roster";
    /// A member unit of the roster has no task.
    pub const MEMBER_WITHOUT_TASKS: &str = "member_without_tasks";
    /// A collective (各…) whose members the importer cannot tell.
    pub const COLLECTIVE_NOT_EXPANDED: &str = "collective_not_expanded";
    /// A phase's start date was assumed (e.g. "4月底之前" starts on the 1st of the month).
    pub const PHASE_START_ASSUMED: &str = "phase_start_assumed";
    /// A phase's year was not written and was taken from the document.
    pub const PHASE_YEAR_ASSUMED: &str = "phase_year_assumed";
    /// A phase's dates could not be read or end before they start; the phase was skipped.
    pub const PHASE_DATES_INVALID: &str = "phase_dates_invalid";
    /// No roster (组成人员名单) was found.
    pub const ROSTER_MISSING: &str = "roster_missing";
    /// A roster line without a role label before it; it was skipped.
    pub const ROSTER_ROLE_MISSING: &str = "roster_role_missing";
    /// A roster member whose unit could not be told from the position.
    pub const ROSTER_UNIT_UNRECOGNISED: &str = "roster_unit_unrecognised";
    /// The unit named as the leading group's office is not one the plan knows.
    pub const OFFICE_UNIT_UNKNOWN: &str = "office_unit_unknown";
}
