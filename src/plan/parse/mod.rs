//! The plan importer: the official text of a work plan (办理工作方案) in, a [`ParsedPlan`] out.
//!
//! Pure and total: no I/O, no global state, and no panic on any input. The parser is rule-based
//! (the office receives a new plan in this format every year), never keyed to one document:
//!
//! 1. Normalise: full-width ASCII forms (U+FF01–FF5E) become ASCII, U+3000 and other blanks a
//!    space; `\r\n`, `\r` and `\n` all end a line; lines are trimmed. The model holds this text.
//! 2. Drop page furniture anywhere (发布时间/发布单位 lines, whose values are kept, web footers,
//!    page numbers), and take the signature (issuer line + date line).
//! 3. Split the body at chapter headings (一、…) recognised by keyword (总体要求, 工作任务,
//!    进度安排, 有关要求); the roster starts at the "…名单" line or the first role label.
//! 4. Tasks: (一) groups and 1. items; lines that start no item continue the previous one. The
//!    unit note is the last bracket group opening with 牵头单位/责任单位.
//! 5. Units: a shared suffix completes abbreviated names, 〈〉/() notes are aliases or scope
//!    notes (下同 carries a scope forward), names are merged by alias notes, a city prefix, a
//!    zone's missing 管委会, or a one-character misprint in a long name; collectives (各…) are
//!    expanded to the districts (and zones when 含开发区管委会) the document names.
//!
//! Each step has a file of its own: `normalise`, `furniture`, `layout`, `front_matter`,
//! `tasks`, `units` (the registry), `links`, `roster`, and `phases` (with `dates`). Shared by
//! several steps: `markers` (numbers, item markers, chapter headings), `brackets`, `words` (the
//! word lists of unit names) and `warnings`. This file holds the entry point and runs the steps
//! in order.

mod brackets;
mod dates;
mod front_matter;
mod furniture;
mod layout;
mod links;
mod markers;
mod normalise;
mod phases;
mod roster;
mod tasks;
mod units;
mod warnings;
mod words;

use std::collections::{BTreeSet, HashMap};

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::model::warning_codes as code;
use super::model::{ParsedPlan, RosterEntry, RosterRole, Section, UnitKind};

use front_matter::read_front;
use furniture::{PageInfo, city_of, leading_year, read_furniture, take_signature};
use layout::{Chapter, ChapterKind, partition};
use links::build_task;
use normalise::{Line, join_paragraph, normalise_lines};
use phases::{find_office_unit, parse_phases, parse_requirements};
use roster::{parse_roster, resolve_roster_entry};
use tasks::{SectionDraft, TaskDraft, analyse_task, collect_tasks, has_unit_note_start};
use units::Registry;
use warnings::Warnings;

/// Why a text could not be read as a plan at all. Displays as "line N: message".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// The 1-based source line the problem is on (1 when it concerns the whole text).
    pub line: usize,
    /// What is wrong, in plain English.
    pub message: String,
    /// The same in Chinese, for the import page.
    #[serde(default)]
    pub message_zh: String,
}

impl ParseError {
    fn new(line: usize, message: impl Into<String>, message_zh: impl Into<String>) -> Self {
        ParseError {
            line,
            message: message.into(),
            message_zh: message_zh.into(),
        }
    }
}

impl crate::message::Bilingual for ParseError {
    fn zh(&self) -> String {
        format!("第{}行：{}", self.line, self.message_zh)
    }
}

/// Most tasks a plan may hold. A real work plan has tens (the seed has 14); the limit keeps a
/// pasted text from making the importer's work explode (every task that names a collective
/// such as 各部门 gets a link to each unit it stands for).
pub const MAX_TASKS: usize = 500;

/// Most different unit names (with their other names) a plan may hold; the seed has under 100.
/// Names are compared with one another, so their number is bounded like the tasks'.
pub const MAX_UNIT_NAMES: usize = 500;

/// Reads the official text of a work plan.
///
/// Fails only when the text holds no plan: it is empty, no numbered task is found, a task's
/// unit note has unbalanced brackets, or it holds more than [`MAX_TASKS`] tasks or
/// [`MAX_UNIT_NAMES`] unit names. Everything else the parser had to infer or could not read
/// is reported in [`ParsedPlan::warnings`].
pub fn parse_plan(text: &str) -> Result<ParsedPlan, ParseError> {
    let raw_lines = normalise_lines(text);
    if raw_lines.iter().all(|l| l.text.is_empty()) {
        return Err(ParseError::new(1, "the document is empty", "文本是空的。"));
    }
    let mut w = Warnings::default();

    // Page furniture goes first, wherever it is: a page break inside a task must not end it.
    let mut page = PageInfo::default();
    let mut lines: Vec<Line> = Vec::new();
    for line in raw_lines {
        if line.text.is_empty() || read_furniture(&line.text, &mut page) {
            continue;
        }
        lines.push(line);
    }
    let doc_text = lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let signature = take_signature(&mut lines);
    let layout = partition(lines);

    let issuer = signature.issuer.clone().or_else(|| page.publisher.clone());
    let issued_on = signature.date;
    let city = issuer.as_deref().and_then(city_of);

    let front = read_front(&layout.preamble, &layout.chapters, &mut w);

    // Chapters.
    let mut general = String::new();
    let mut task_chapters: Vec<&Chapter> = Vec::new();
    let mut phase_lines: Vec<&Line> = Vec::new();
    let mut requirement_lines: Vec<&Line> = Vec::new();
    for chapter in &layout.chapters {
        match chapter.kind {
            ChapterKind::General => {
                for line in &chapter.lines {
                    join_paragraph(&mut general, &line.text);
                }
            }
            ChapterKind::Tasks => task_chapters.push(chapter),
            ChapterKind::Phases => phase_lines.extend(chapter.lines.iter()),
            ChapterKind::Requirements => requirement_lines.extend(chapter.lines.iter()),
            ChapterKind::Unknown => {}
        }
    }
    if task_chapters.is_empty() {
        // A tasks chapter under an unusual heading: the one whose lines carry unit notes.
        if let Some(ch) = layout.chapters.iter().find(|c| {
            c.kind == ChapterKind::Unknown && c.lines.iter().any(|l| has_unit_note_start(&l.text))
        }) {
            task_chapters.push(ch);
        }
    }
    for chapter in &layout.chapters {
        let is_tasks = task_chapters.iter().any(|c| std::ptr::eq(*c, chapter));
        if chapter.kind == ChapterKind::Unknown && !is_tasks {
            w.push(
                Some(chapter.line),
                code::CHAPTER_UNKNOWN,
                format!(
                    "The chapter \"{}\" is not one the importer knows; its content was skipped.",
                    chapter.title
                ),
                format!("无法识别的章节“{}”，其内容未导入。", chapter.title),
            );
        }
    }
    let tasks_line = task_chapters.first().map(|c| c.line).unwrap_or(1);
    let raw_sections = collect_tasks(&task_chapters, &mut w);
    if raw_sections.iter().all(|s| s.tasks.is_empty()) {
        return Err(ParseError::new(
            tasks_line,
            "no tasks found: expected numbered tasks (1. …) under the 工作任务 heading",
            "没有找到工作任务：“工作任务”标题下应有编号的任务（1. …）。",
        ));
    }
    let mut drafts: Vec<(SectionDraft, Vec<TaskDraft>)> = Vec::new();
    for section in raw_sections {
        let mut tasks = Vec::new();
        for raw in &section.tasks {
            tasks.push(analyse_task(raw, &mut w)?);
        }
        drafts.push((section, tasks));
    }
    let task_count: usize = drafts.iter().map(|(_, tasks)| tasks.len()).sum();
    if task_count > MAX_TASKS {
        return Err(ParseError::new(
            tasks_line,
            format!("too many tasks: {task_count} (a plan may hold at most {MAX_TASKS})"),
            format!("任务过多：{task_count}项（一份方案最多{MAX_TASKS}项）。"),
        ));
    }

    // Roster, then the unit registry: roster members first, then the units the tasks name.
    let roster_raw = parse_roster(&layout.roster, city.as_deref(), &mut w);
    let mut reg = Registry::default();
    for entry in &roster_raw {
        if entry.role != RosterRole::Member {
            continue;
        }
        if let Some(split) = &entry.split {
            let id = reg.add(&split.unit, entry.line, true, true);
            for alias in &split.aliases {
                reg.alias(id, alias, entry.line, true, true);
            }
        }
    }
    for (note, task) in drafts.iter().flat_map(|(_, tasks)| tasks).enumerate() {
        for m in &task.mentions {
            let id = reg.add(&m.name, m.line, false, false);
            reg.listed_in(id, note);
            for alias in &m.aliases {
                reg.alias(id, alias, m.line, false, false);
            }
        }
    }
    if reg.names.len() > MAX_UNIT_NAMES {
        return Err(ParseError::new(
            tasks_line,
            format!(
                "too many different unit names: {} (a plan may hold at most {MAX_UNIT_NAMES})",
                reg.names.len()
            ),
            format!(
                "单位名称过多：{}个（一份方案最多{MAX_UNIT_NAMES}个）。",
                reg.names.len()
            ),
        ));
    }
    let resolved = reg.finish(&doc_text, city.as_deref(), &mut w);

    // Tasks with their links.
    let mut sticky: HashMap<String, String> = HashMap::new();
    let mut linked: BTreeSet<String> = BTreeSet::new();
    let mut unexpanded: BTreeSet<String> = BTreeSet::new();
    let mut sections = Vec::new();
    for (section, tasks) in drafts {
        let mut out_tasks = Vec::new();
        for t in tasks {
            let task = build_task(t, &resolved, &mut sticky, &mut unexpanded, &mut w);
            for link in &task.links {
                linked.insert(link.unit.clone());
            }
            out_tasks.push(task);
        }
        sections.push(Section {
            number: section.number,
            title: section.title,
            tasks: out_tasks,
        });
    }

    // Roster entries.
    let roster: Vec<RosterEntry> = roster_raw
        .iter()
        .map(|e| resolve_roster_entry(e, &resolved, &mut w))
        .collect();
    if roster_raw.is_empty() {
        w.push(
            None,
            code::ROSTER_MISSING,
            "No leading-group roster (组成人员名单) was found, so no unit is marked as a member."
                .to_string(),
            "未找到领导小组组成人员名单，因此没有单位被标记为成员单位。".to_string(),
        );
    }
    let has_members = resolved.units.iter().any(|u| u.member);
    for unit in &resolved.units {
        if unit.kind == UnitKind::Collective {
            continue;
        }
        let line = resolved.lines.get(&unit.name).copied();
        if unit.member && !linked.contains(&unit.name) {
            w.push(
                line.and_then(|l| l.roster),
                code::MEMBER_WITHOUT_TASKS,
                format!(
                    "The member unit \"{}\" is not bound to any task.",
                    unit.name
                ),
                format!("成员单位“{}”没有承担任何任务。", unit.name),
            );
        }
        if !unit.member && has_members {
            w.push(
                line.and_then(|l| l.task),
                code::UNIT_NOT_IN_ROSTER,
                format!(
                    "\"{}\" is named in the tasks but is not a member of the leading-group roster; \
                     deputies will not rate it.",
                    unit.name
                ),
                format!(
                    "“{}”在任务中出现，但不是领导小组成员单位，代表不对其测评。",
                    unit.name
                ),
            );
        }
    }

    // Phases and requirements.
    let doc_year = issued_on
        .map(|d| d.year())
        .or_else(|| page.published_at.as_deref().and_then(leading_year));
    let phases = parse_phases(&phase_lines, doc_year, &mut w);
    let requirements = parse_requirements(&requirement_lines, &mut w);

    // The office of the leading group.
    let office_unit = find_office_unit(&requirements, &doc_text, &resolved, &mut w);

    w.0.sort_by_key(|x| x.line.unwrap_or(usize::MAX));
    w.0.dedup();
    Ok(ParsedPlan {
        title: front.title,
        proposal: front.proposal,
        issuer,
        issued_on,
        published_at: page.published_at,
        general_requirements: general,
        sections,
        units: resolved.units.clone(),
        phases,
        requirements,
        office_unit,
        roster,
        warnings: w.0,
    })
}

#[cfg(test)]
mod tests;
