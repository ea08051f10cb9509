//! The leading-group roster (组成人员名单): role labels (组长, 副组长, 成员), names, and each
//! member's position split into the unit and the title.

use crate::plan::model::warning_codes as code;
use crate::plan::model::{RosterEntry, RosterRole};

use super::brackets::matching_close;
use super::normalise::{Line, chars_of, is_punct, no_blanks, string_of};
use super::units::Resolved;
use super::warnings::{Warnings, ignored};
use super::words::org_suffix;

pub(super) struct RawRoster {
    pub(super) role: RosterRole,
    label: String,
    name: String,
    written: String,
    pub(super) line: usize,
    pub(super) split: Option<PositionSplit>,
}

#[derive(Debug, Clone)]
pub(super) struct PositionSplit {
    pub(super) unit: String,
    pub(super) aliases: Vec<String>,
    pub(super) title: String,
}

pub(super) fn roster_label(text: &str) -> Option<(RosterRole, String, String)> {
    let idx = text.find(':')?;
    let label = no_blanks(text.get(..idx)?);
    let role = match label.as_str() {
        "组长" => RosterRole::Leader,
        "副组长" | "常务副组长" | "执行副组长" => RosterRole::DeputyLeader,
        "成员" | "组员" => RosterRole::Member,
        _ => return None,
    };
    let rest = text.get(idx + 1..)?.trim().to_string();
    Some((role, label, rest))
}

/// "办公室主任:…": a short label this roster does not know.
fn unknown_label(text: &str) -> bool {
    text.split_once(':').is_some_and(|(label, _)| {
        let label = no_blanks(label);
        !label.is_empty() && label.chars().count() <= 6 && !label.contains(['。', ','])
    })
}

pub(super) fn parse_roster(lines: &[Line], city: Option<&str>, w: &mut Warnings) -> Vec<RawRoster> {
    let mut out = Vec::new();
    let mut current: Option<(RosterRole, String)> = None;
    for line in lines {
        let rest = match roster_label(&line.text) {
            Some((role, label, rest)) => {
                current = Some((role, label));
                rest
            }
            None if unknown_label(&line.text) => {
                ignored(line, w);
                continue;
            }
            None => line.text.clone(),
        };
        if rest.is_empty() {
            continue;
        }
        let Some((role, label)) = current.clone() else {
            w.push(
                Some(line.no),
                code::ROSTER_ROLE_MISSING,
                format!(
                    "This roster line has no 组长/副组长/成员 label before it and was skipped: \"{}\".",
                    line.text
                ),
                format!(
                    "名单中此行之前没有组长/副组长/成员字样，未导入：“{}”。",
                    line.text
                ),
            );
            continue;
        };
        let (name, written) = split_person(&rest, city);
        let split = split_position(&written);
        out.push(RawRoster {
            role,
            label,
            name,
            written,
            line: line.no,
            split,
        });
    }
    out
}

/// "胡亚波 市委常委…" → ("胡亚波", "市委常委…"); "张 智 …" (a padded name) → ("张智", "…").
fn split_person(rest: &str, city: Option<&str>) -> (String, String) {
    let tokens: Vec<&str> = rest.split(' ').filter(|t| !t.is_empty()).collect();
    match tokens.as_slice() {
        [] => (String::new(), String::new()),
        [one] => {
            let chars = chars_of(one);
            for len in 2..=4 {
                let tail = string_of(chars.get(len..).unwrap_or(&[]));
                let starts_unit =
                    tail.starts_with('市') || city.is_some_and(|c| tail.starts_with(c));
                if starts_unit {
                    return (string_of(chars.get(..len).unwrap_or(&[])), tail);
                }
            }
            (one.to_string(), String::new())
        }
        [first, second, more @ ..]
            if first.chars().count() == 1 && second.chars().count() <= 2 && !more.is_empty() =>
        {
            (format!("{first}{second}"), more.join(" "))
        }
        [first, more @ ..] => (first.to_string(), more.join(" ")),
    }
}

const TITLE_HEADS: &[&str] = &[
    "长",
    "主任",
    "书记",
    "巡视员",
    "调研员",
    "委员",
    "成员",
    "专员",
    "干部",
    "师",
    "主席",
    "督学",
    "总监",
    "经理",
    "助理",
    "秘书",
    "参事",
    "负责人",
    "常委",
    "联络员",
    "督察",
];

const NOT_IN_UNIT: &[&str] = &[
    "副",
    "局长",
    "部长",
    "主任",
    "区长",
    "市长",
    "书记",
    "巡视员",
    "调研员",
    "兼",
];

/// "副局长", "二级巡视员", "副主任(常务副区长)": a position, not a unit.
fn is_position(text: &str) -> bool {
    let chars = chars_of(text);
    if chars.len() > 60 {
        return false;
    }
    let mut end = chars.len();
    // Trailing bracket groups are part of the position: "副主任(常务副区长)".
    while end > 0 && chars.get(end - 1) == Some(&')') {
        let Some(open) = (0..end - 1).rev().find(|&i| chars.get(i) == Some(&'(')) else {
            break;
        };
        end = open;
    }
    let core = string_of(chars.get(..end).unwrap_or(&[]));
    core.chars().count() >= 2
        && core.chars().count() <= 20
        && TITLE_HEADS.iter().any(|h| core.ends_with(h))
}

/// Splits "市经济和信息局副局长" into the unit "市经济和信息局" and the position "副局长"; a
/// bracketed unit name right after the unit is its alias. The longest unit that leaves a
/// position is taken.
pub(super) fn split_position(written: &str) -> Option<PositionSplit> {
    split_position_with(written, true)
}

/// `whole`: also reject positions that go on to name another unit ("常委、市人民政府副市长").
fn split_position_with(written: &str, whole: bool) -> Option<PositionSplit> {
    let chars = chars_of(&no_blanks(written));
    // Positions are short; a very long "position" is not one (and would be slow to try).
    if chars.len() > 120 {
        return None;
    }
    let mut depth_before = Vec::with_capacity(chars.len() + 1);
    let mut depth = 0usize;
    for &c in &chars {
        depth_before.push(depth);
        if c == '(' {
            depth += 1;
        } else if c == ')' {
            depth = depth.saturating_sub(1);
        }
    }
    depth_before.push(depth);
    for cut in (2..=chars.len()).rev() {
        if depth_before.get(cut) != Some(&0) {
            continue;
        }
        let unit = string_of(chars.get(..cut)?);
        if org_suffix(&unit).is_none()
            || unit.contains(['、', '(', ')'])
            || NOT_IN_UNIT.iter().any(|x| unit.contains(x))
        {
            continue;
        }
        let mut rest: Vec<char> = chars.get(cut..)?.to_vec();
        let mut aliases = Vec::new();
        while rest.first() == Some(&'(') {
            let Some(close) = matching_close(&rest, 0) else {
                break;
            };
            let inner = string_of(rest.get(1..close).unwrap_or(&[]));
            if org_suffix(&inner).is_none() || inner.contains(['、', ',', '含']) {
                break;
            }
            aliases.push(inner);
            rest = rest.get(close + 1..).unwrap_or(&[]).to_vec();
        }
        let title = string_of(&rest);
        let names_another_unit = whole
            && title.split('、').skip(1).any(|part| {
                split_position_with(part, false).is_some_and(|s| s.unit.chars().count() >= 3)
            });
        if title.is_empty()
            || (is_position(&title)
                && !title.starts_with(|c: char| is_punct(c))
                && !names_another_unit)
        {
            return Some(PositionSplit {
                unit,
                aliases,
                title,
            });
        }
    }
    None
}

pub(super) fn resolve_roster_entry(
    e: &RawRoster,
    resolved: &Resolved,
    w: &mut Warnings,
) -> RosterEntry {
    let known = e.split.as_ref().and_then(|s| {
        resolved
            .lookup(&s.unit)
            .map(|u| (u.clone(), s.title.clone()))
    });
    let (unit, title) = match known {
        Some((unit, title)) => (Some(unit), title),
        None => (None, e.written.clone()),
    };
    if e.role == RosterRole::Member && unit.is_none() {
        w.push(
            Some(e.line),
            code::ROSTER_UNIT_UNRECOGNISED,
            format!(
                "The unit of roster member {} could not be told from \"{}\"; no member unit was \
                 recorded for this line.",
                e.name, e.written
            ),
            format!(
                "无法从“{}”中识别成员{}所在单位，此行未记录成员单位。",
                e.written, e.name
            ),
        );
    }
    RosterEntry {
        role: e.role,
        role_label: e.label.clone(),
        name: e.name.clone(),
        title,
        title_as_written: e.written.clone(),
        unit,
    }
}
