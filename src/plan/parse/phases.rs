//! The closing chapters: the phases (进度安排) with their dates, the requirements (有关要求),
//! and the unit the leading group's office sits in.

use chrono::Datelike;

use crate::plan::model::warning_codes as code;
use crate::plan::model::{Phase, Requirement};

use super::brackets::matching_close;
use super::dates::parse_range;
use super::front_matter::find_chars;
use super::markers::{Marker, is_cn_numeral, item_marker};
use super::normalise::{Line, chars_of, join_text, string_of};
use super::tasks::Numbering;
use super::units::Resolved;
use super::warnings::{Warnings, ignored};
use super::words::org_suffix;

struct RawItem {
    number: u32,
    line: usize,
    text: String,
}

/// Numbered items ((一), 1. or (1)) of a chapter; other lines continue the previous item.
/// Only the marker style of the first item starts items: "1." lines inside "(一)" items are
/// part of them.
fn collect_items(lines: &[&Line], what: &str, what_zh: &str, w: &mut Warnings) -> Vec<RawItem> {
    let mut items: Vec<RawItem> = Vec::new();
    let mut numbers = Numbering::default();
    let mut style: Option<Marker> = None;
    for line in lines {
        let marker = item_marker(&line.text)
            .filter(|(kind, _, _)| style.is_none_or(|s| s == *kind) || items.is_empty());
        match marker {
            Some((kind, n, rest)) => {
                style = Some(kind);
                let number = numbers.take(n, line.no, what, what_zh, w);
                items.push(RawItem {
                    number,
                    line: line.no,
                    text: rest,
                });
            }
            None => match items.last_mut() {
                Some(item) => join_text(&mut item.text, &line.text),
                None => ignored(line, w),
            },
        }
    }
    items
}

pub(super) fn parse_requirements(lines: &[&Line], w: &mut Warnings) -> Vec<Requirement> {
    collect_items(lines, "requirement", "要求", w)
        .into_iter()
        .map(|item| {
            let title = item
                .text
                .split('。')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            Requirement {
                number: item.number,
                title,
                text: item.text,
            }
        })
        .collect()
}

pub(super) fn parse_phases(lines: &[&Line], doc_year: Option<i32>, w: &mut Warnings) -> Vec<Phase> {
    let mut phases = Vec::new();
    let mut year = doc_year;
    for item in collect_items(lines, "phase", "阶段", w) {
        let chars = chars_of(&item.text);
        let first_stop = chars.iter().position(|c| *c == '。').unwrap_or(chars.len());
        // The dates: the first bracket group of the heading sentence that holds a month or year.
        let bracket = (0..first_stop.min(200))
            .filter(|&i| chars.get(i) == Some(&'('))
            .find_map(|i| {
                let close = matching_close(&chars, i)?;
                let inner = chars.get(i + 1..close)?;
                let dated = inner.iter().any(|c| *c == '月' || *c == '年')
                    && inner
                        .iter()
                        .any(|c| c.is_ascii_digit() || is_cn_numeral(*c));
                dated.then_some((i, close))
            });
        let (name, dates, text) = match bracket {
            Some((open, close)) => {
                let name = string_of(chars.get(..open).unwrap_or(&[]));
                let dates = chars.get(open + 1..close).unwrap_or(&[]).to_vec();
                let rest = string_of(chars.get(close + 1..).unwrap_or(&[]));
                (name, dates, rest)
            }
            None => {
                let name_end = chars
                    .iter()
                    .position(|c| matches!(c, '。' | ':' | ','))
                    .unwrap_or(chars.len());
                let name = string_of(chars.get(..name_end).unwrap_or(&[]));
                let rest = string_of(chars.get(name_end..).unwrap_or(&[]));
                (name, chars.clone(), rest)
            }
        };
        let name = name.trim().trim_end_matches([':', ',', '。']).to_string();
        let text = text
            .trim()
            .trim_start_matches(['。', ':', ',', ';'])
            .trim()
            .to_string();
        let cn = bracket.is_some();
        match parse_range(&dates, year, cn) {
            Some(range) if range.start <= range.end => {
                if range.start_assumed {
                    w.push(
                        Some(item.line),
                        code::PHASE_START_ASSUMED,
                        format!(
                            "Phase \"{name}\" only says when it ends; it was taken to start on {}.",
                            range.start
                        ),
                        format!(
                            "阶段“{name}”只写明截止时间，开始日期按{}计。",
                            range.start.format("%Y年%-m月%-d日")
                        ),
                    );
                }
                if range.year_assumed {
                    w.push(
                        Some(item.line),
                        code::PHASE_YEAR_ASSUMED,
                        format!(
                            "Phase \"{name}\" gives no year; {} was assumed.",
                            range.start.year()
                        ),
                        format!("阶段“{name}”未写年份，按{}年计。", range.start.year()),
                    );
                }
                year = Some(range.end.year());
                phases.push(Phase {
                    number: item.number,
                    name,
                    start: range.start,
                    end: range.end,
                    text,
                });
            }
            _ => w.push(
                Some(item.line),
                code::PHASE_DATES_INVALID,
                format!(
                    "The dates of phase \"{name}\" could not be read (or end before they start); \
                     the phase was skipped."
                ),
                format!("无法识别阶段“{name}”的起止时间（或结束早于开始），该阶段未导入。"),
            ),
        }
    }
    phases
}

/// The unit the leading group's office sits in: "在市经济和信息化局办公" or "办公室设在…".
pub(super) fn find_office_unit(
    requirements: &[Requirement],
    doc_text: &str,
    resolved: &Resolved,
    w: &mut Warnings,
) -> Option<String> {
    let texts: Vec<&str> = requirements
        .iter()
        .map(|r| r.text.as_str())
        .chain(std::iter::once(doc_text))
        .collect();
    let found = texts.iter().find_map(|t| office_mention(t))?;
    match resolved.lookup(&found) {
        Some(canonical) => Some(canonical.clone()),
        None => {
            w.push(
                None,
                code::OFFICE_UNIT_UNKNOWN,
                format!(
                    "The leading group's office is said to sit in \"{found}\", which is not a unit \
                     the plan names elsewhere."
                ),
                format!("领导小组办公室设在“{found}”，该单位未在方案其他部分出现。"),
            );
            Some(found)
        }
    }
}

fn office_mention(text: &str) -> Option<String> {
    let chars = chars_of(text);
    let stop = |c: &char| matches!(c, ',' | '。' | ';' | '、' | ':' | '(' | ')' | '\n');
    let key = chars_of("办公");
    let mut from = 0;
    while let Some(pos) = find_chars(&chars, &key, from) {
        from = pos + 1;
        if chars
            .get(pos + 2)
            .is_some_and(|c| matches!(c, '室' | '厅' | '楼'))
        {
            continue;
        }
        let window_start = pos.saturating_sub(30);
        let mut k = pos;
        while k > window_start {
            k -= 1;
            let Some(c) = chars.get(k) else { break };
            if stop(c) {
                break;
            }
            if *c == '在' {
                let unit = string_of(chars.get(k + 1..pos).unwrap_or(&[]));
                if org_suffix(&unit).is_some() {
                    return Some(unit);
                }
                break;
            }
        }
    }
    let key = chars_of("设在");
    let pos = find_chars(&chars, &key, 0)?;
    let rest = chars.get(pos + 2..)?;
    let end = rest.iter().position(stop).unwrap_or(rest.len());
    let unit = string_of(rest.get(..end)?);
    org_suffix(&unit).is_some().then_some(unit)
}
