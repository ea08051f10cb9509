//! Step 4, the tasks: (一) groups and 1. items, numbered uniquely; lines that start no item
//! continue the previous one. Each task's unit note (the last bracket group opening with
//! 牵头单位/责任单位) is read into mentions: role, name, aliases and scope notes.

use std::collections::BTreeSet;

use crate::plan::model::Role;
use crate::plan::model::warning_codes as code;

use super::ParseError;
use super::brackets::{close_class, matching_close, open_class, split_top};
use super::layout::Chapter;
use super::markers::{Marker, item_marker};
use super::normalise::{chars_of, is_punct, join_text, no_blanks, string_of};
use super::warnings::{Warnings, ignored};
use super::words::org_suffix;

pub(super) struct RawTask {
    number: u32,
    line: usize,
    text: String,
}

pub(super) struct SectionDraft {
    pub(super) number: u32,
    pub(super) title: String,
    pub(super) tasks: Vec<RawTask>,
}

/// Hands out unique item numbers: a repeated number gets the next free one, with a warning.
#[derive(Default)]
pub(super) struct Numbering(BTreeSet<u32>);

impl Numbering {
    pub(super) fn take(
        &mut self,
        n: u32,
        line: usize,
        what: &str,
        what_zh: &str,
        w: &mut Warnings,
    ) -> u32 {
        if self.0.insert(n) {
            return n;
        }
        let next = self
            .0
            .iter()
            .next_back()
            .map(|m| m.saturating_add(1))
            .unwrap_or(n);
        self.0.insert(next);
        w.push(
            Some(line),
            code::ITEM_RENUMBERED,
            format!("The {what} number {n} is used twice; this one was numbered {next}."),
            format!("{what_zh}编号{n}重复，此处改编为{next}。"),
        );
        next
    }
}

pub(super) fn collect_tasks(chapters: &[&Chapter], w: &mut Warnings) -> Vec<SectionDraft> {
    let mut sections: Vec<SectionDraft> = Vec::new();
    let mut section_numbers = Numbering::default();
    let mut task_numbers = Numbering::default();
    for chapter in chapters {
        for line in &chapter.lines {
            match item_marker(&line.text) {
                Some((Marker::ParenCn, n, rest)) => {
                    let number = section_numbers.take(n, line.no, "group", "任务组", w);
                    task_numbers = Numbering::default();
                    sections.push(SectionDraft {
                        number,
                        title: rest.trim_end_matches('。').to_string(),
                        tasks: Vec::new(),
                    });
                }
                Some((Marker::Arabic, n, rest)) => {
                    if sections.is_empty() {
                        w.push(
                            Some(line.no),
                            code::SECTION_IMPLIED,
                            "Tasks stand before any (一) group heading; they were put in a group \
                             numbered 0."
                                .to_string(),
                            "任务前没有(一)类分组标题，已归入编号为0的分组。".to_string(),
                        );
                        section_numbers.0.insert(0);
                        sections.push(SectionDraft {
                            number: 0,
                            title: chapter.title.clone(),
                            tasks: Vec::new(),
                        });
                    }
                    let number = task_numbers.take(n, line.no, "task", "任务", w);
                    if let Some(s) = sections.last_mut() {
                        s.tasks.push(RawTask {
                            number,
                            line: line.no,
                            text: rest,
                        });
                    }
                }
                _ => match sections.last_mut() {
                    Some(s) => match s.tasks.last_mut() {
                        Some(t) => join_text(&mut t.text, &line.text),
                        None => join_text(&mut s.title, &line.text),
                    },
                    None => ignored(line, w),
                },
            }
        }
    }
    sections
}

const LEAD_LABELS: &[&str] = &["牵头单位", "牵头部门"];
const RESP_LABELS: &[&str] = &["责任单位", "责任部门", "配合单位", "参与单位", "协办单位"];

fn label_at(chars: &[char], i: usize) -> Option<(Role, usize)> {
    for (labels, role) in [(LEAD_LABELS, Role::Lead), (RESP_LABELS, Role::Responsible)] {
        for label in labels {
            let l = chars_of(label);
            if chars.get(i..i + l.len()) == Some(&l[..]) {
                return Some((role, l.len()));
            }
        }
    }
    None
}

pub(super) fn has_unit_note_start(text: &str) -> bool {
    find_note_open(&chars_of(text)).is_some()
}

/// The `(` of the last bracket group opening with a unit label.
fn find_note_open(chars: &[char]) -> Option<usize> {
    let mut found = None;
    for (i, c) in chars.iter().enumerate() {
        if *c != '(' {
            continue;
        }
        let mut j = i + 1;
        while chars.get(j) == Some(&' ') {
            j += 1;
        }
        if label_at(chars, j).is_some() {
            found = Some(i);
        }
    }
    found
}

/// A unit as a note writes it, before canonicalisation.
#[derive(Debug, Clone)]
pub(super) struct Mention {
    pub(super) role: Role,
    pub(super) name: String,
    pub(super) aliases: Vec<String>,
    pub(super) scope: Option<String>,
    pub(super) sticky: bool,
    pub(super) line: usize,
}

pub(super) struct TaskDraft {
    pub(super) number: u32,
    pub(super) line: usize,
    pub(super) title: Option<String>,
    pub(super) text: String,
    pub(super) body: String,
    pub(super) mentions: Vec<Mention>,
}

pub(super) fn analyse_task(raw: &RawTask, w: &mut Warnings) -> Result<TaskDraft, ParseError> {
    let chars = chars_of(&raw.text);
    let (body, mentions) = match find_note_open(&chars) {
        None => {
            w.push(
                Some(raw.line),
                code::TASK_WITHOUT_UNITS,
                format!(
                    "Task {} has no (牵头单位/责任单位) note, so no unit is bound to it.",
                    raw.number
                ),
                format!(
                    "第{}项任务没有(牵头单位/责任单位)注明，未关联任何单位。",
                    raw.number
                ),
            );
            (raw.text.trim().to_string(), Vec::new())
        }
        Some(open) => {
            let close = matching_close(&chars, open).ok_or_else(|| {
                ParseError::new(
                    raw.line,
                    format!(
                        "the unit note of task {} has unbalanced brackets (a ( or 〈 is not closed)",
                        raw.number
                    ),
                    format!("第{}项任务的单位说明括号不成对（有“（”或“〈”没有闭合）。", raw.number),
                )
            })?;
            let content = chars.get(open + 1..close).unwrap_or(&[]);
            let before = string_of(chars.get(..open).unwrap_or(&[]));
            let after = string_of(chars.get(close + 1..).unwrap_or(&[]));
            let mut body = before.trim().to_string();
            if after.chars().any(|c| !is_punct(c)) {
                join_text(&mut body, after.trim());
            }
            (body, parse_note(content, raw.line, w))
        }
    };
    Ok(TaskDraft {
        number: raw.number,
        line: raw.line,
        title: task_title(&body),
        text: raw.text.trim().to_string(),
        body,
        mentions,
    })
}

/// A short first sentence (at most 16 characters) with more text after it.
pub(super) fn task_title(body: &str) -> Option<String> {
    let idx = body.find('。')?;
    let sentence = body.get(..idx)?.trim();
    let n = sentence.chars().count();
    if n == 0 || n > 16 {
        return None;
    }
    let after = body.get(idx + '。'.len_utf8()..)?;
    after
        .chars()
        .any(|c| !is_punct(c))
        .then(|| sentence.to_string())
}

/// Reads "牵头单位:…;责任单位:…" into mentions, in the order written.
fn parse_note(content: &[char], line: usize, w: &mut Warnings) -> Vec<Mention> {
    let mut starts: Vec<(usize, Role, usize)> = Vec::new();
    let mut depth = 0usize;
    for (i, &c) in content.iter().enumerate() {
        if depth == 0
            && let Some((role, len)) = label_at(content, i)
        {
            let prev = content
                .get(..i)
                .and_then(|p| p.iter().rev().find(|c| **c != ' '));
            if prev.is_none_or(|p| matches!(p, ';' | ',' | '、' | '。' | ':')) {
                starts.push((i, role, len));
            }
        }
        if open_class(c).is_some() {
            depth += 1;
        } else if close_class(c).is_some() {
            depth = depth.saturating_sub(1);
        }
    }
    let mut segments: Vec<(Role, &[char])> = Vec::new();
    let lead_in = content.get(..starts.first().map(|s| s.0).unwrap_or(content.len()));
    if let Some(lead_in) = lead_in
        && lead_in.iter().any(|c| !is_punct(*c))
    {
        w.push(
            Some(line),
            code::UNIT_NOTE_UNLABELLED,
            format!(
                "Part of a unit note has no 牵头单位/责任单位 label and was read as responsible \
                     units: \"{}\".",
                string_of(lead_in)
            ),
            format!(
                "单位注明中“{}”前没有牵头单位/责任单位字样，已按责任单位处理。",
                string_of(lead_in)
            ),
        );
        segments.push((Role::Responsible, lead_in));
    }
    for (k, (start, role, len)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map(|s| s.0).unwrap_or(content.len());
        if let Some(seg) = content.get(start + len..end) {
            segments.push((*role, seg));
        }
    }
    let mut out = Vec::new();
    for (role, seg) in segments {
        let seg: Vec<char> = seg
            .iter()
            .copied()
            .skip_while(|c| matches!(c, ':' | ' '))
            .collect();
        for group in split_top(&seg, &[',', ';', '。']) {
            let mut items: Vec<(String, Vec<String>)> = split_top(&group, &['、'])
                .iter()
                .map(|item| parse_item(item))
                .filter(|(name, _)| !name.is_empty())
                .collect();
            let shared = items.last().and_then(|(name, _)| org_suffix(name));
            if let Some(suffix) = shared {
                for (name, _) in items.iter_mut() {
                    if org_suffix(name).is_none() {
                        name.push_str(suffix);
                    }
                }
            }
            for (name, notes) in items {
                let mut m = Mention {
                    role,
                    name,
                    aliases: Vec::new(),
                    scope: None,
                    sticky: false,
                    line,
                };
                for note in notes {
                    match classify_note(&note) {
                        Note::Alias(a) => {
                            if a != m.name && !m.aliases.contains(&a) {
                                m.aliases.push(a);
                            }
                        }
                        Note::Scope(text, sticky) => {
                            m.sticky |= sticky;
                            if let Some(text) = text {
                                m.scope = Some(match m.scope.take() {
                                    Some(s) => format!("{s},{text}"),
                                    None => text,
                                });
                            }
                        }
                    }
                }
                out.push(m);
            }
        }
    }
    out
}

/// A unit item: its name outside brackets (blanks removed) and the bracket notes.
pub(super) fn parse_item(chars: &[char]) -> (String, Vec<String>) {
    let mut name = String::new();
    let mut notes = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if open_class(c).is_some()
            && let Some(j) = matching_close(chars, i)
        {
            notes.push(string_of(chars.get(i + 1..j).unwrap_or(&[])));
            i = j + 1;
            continue;
        }
        if !c.is_whitespace() && !matches!(c, ':' | ';' | ',' | '。') {
            name.push(c);
        }
        i += 1;
    }
    (name, notes)
}

pub(super) enum Note {
    /// Another name of the same unit.
    Alias(String),
    /// A scope note (without its 下同) and whether it carries forward.
    Scope(Option<String>, bool),
}

pub(super) fn classify_note(note: &str) -> Note {
    let compact = no_blanks(note);
    let sticky = compact.contains("下同");
    if !sticky
        && !compact.contains('含')
        && !compact.starts_with('各')
        && !compact.contains([',', ';', '、'])
        && org_suffix(&compact).is_some()
    {
        return Note::Alias(compact);
    }
    let parts: Vec<&str> = compact
        .split([',', ';', '、'])
        .map(|p| p.trim_matches(['。', ' ']))
        .filter(|p| !p.is_empty() && !p.contains("下同"))
        .collect();
    let text = (!parts.is_empty()).then(|| parts.join(","));
    Note::Scope(text, sticky)
}

/// True when a scope note widens a district collective to the development-zone committees.
pub(super) fn widens_to_zones(scope: &str) -> bool {
    scope.contains('含')
        && !scope.contains("不含")
        && ["开发区", "管委会", "功能区"]
            .iter()
            .any(|w| scope.contains(w))
}
