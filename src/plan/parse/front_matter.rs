//! The front matter: the plan's title, and the proposal it answers (session, number and title),
//! read from the title, the preamble and the chapters.

use crate::plan::model::Proposal;
use crate::plan::model::warning_codes as code;

use super::layout::Chapter;
use super::markers::{is_cn_numeral, read_number};
use super::normalise::{Line, chars_of, string_of};
use super::warnings::Warnings;

pub(super) struct Front {
    pub(super) title: String,
    pub(super) proposal: Proposal,
}

pub(super) fn read_front(preamble: &[Line], chapters: &[Chapter], w: &mut Warnings) -> Front {
    let mut printed_title: Option<String> = None;
    let mut candidates: Vec<&Line> = Vec::new();
    let mut prose: Vec<&Line> = Vec::new();
    for line in preamble {
        let t = &line.text;
        if t.ends_with(':') {
            continue; // the addressee line
        }
        if t.contains("印发") {
            if printed_title.is_none() {
                printed_title = quoted_titles(t).into_iter().next();
            }
            continue;
        }
        if t.contains('。') {
            prose.push(line);
        } else {
            candidates.push(line);
        }
    }
    let title_line = candidates
        .iter()
        .find(|l| l.text.contains("方案"))
        .or_else(|| candidates.first())
        .copied();
    let title = match (title_line, &printed_title) {
        (Some(l), _) => l.text.clone(),
        (None, Some(t)) => t.clone(),
        (None, None) => {
            w.push(
                Some(1),
                code::TITLE_MISSING,
                "The plan's title line could not be found.".to_string(),
                "未找到方案标题行。".to_string(),
            );
            String::new()
        }
    };

    // The proposal: its number and session from the title, its own title from a 《》 quote.
    let mut sources: Vec<String> = vec![title.clone()];
    sources.extend(prose.iter().map(|l| l.text.clone()));
    sources.extend(preamble.iter().map(|l| l.text.clone()));
    sources.extend(
        chapters
            .iter()
            .flat_map(|c| c.lines.iter().map(|l| l.text.clone())),
    );
    let number = sources.iter().find_map(|s| proposal_number(s));
    let session = sources.iter().find_map(|s| session_of(s));
    let mut proposal_title = None;
    for line in prose.iter().chain(candidates.iter()) {
        let titles = quoted_titles(&line.text);
        let pick = titles
            .iter()
            .filter(|q| **q != title && !q.ends_with("方案"))
            .find(|q| q.ends_with('案'))
            .or_else(|| titles.iter().find(|q| **q != title && !q.ends_with("方案")));
        if let Some(p) = pick {
            proposal_title = Some(p.clone());
            break;
        }
    }
    let mut missing = Vec::new();
    if session.is_none() {
        missing.push(("session", "届次"));
    }
    if number.is_none() {
        missing.push(("number", "议案号"));
    }
    if proposal_title.is_none() {
        missing.push(("title", "议案标题"));
    }
    if !missing.is_empty() {
        let en: Vec<&str> = missing.iter().map(|m| m.0).collect();
        let zh: Vec<&str> = missing.iter().map(|m| m.1).collect();
        w.push(
            title_line.map(|l| l.no).or(Some(1)),
            code::PROPOSAL_INCOMPLETE,
            format!(
                "The proposal's {} could not be found in the text.",
                en.join(", ")
            ),
            format!("未能从文中读出议案的{}。", zh.join("、")),
        );
    }
    Front {
        title,
        proposal: Proposal {
            session: session.unwrap_or_default(),
            number: number.unwrap_or(0),
            title: proposal_title.unwrap_or_default(),
        },
    }
}

/// The contents of 《…》 quotes in a line.
fn quoted_titles(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for c in text.chars() {
        match c {
            '《' => cur = Some(String::new()),
            '》' => {
                if let Some(t) = cur.take() {
                    let t = t.trim().to_string();
                    if !t.is_empty() {
                        out.push(t);
                    }
                }
            }
            _ => {
                if let Some(t) = cur.as_mut() {
                    t.push(c);
                }
            }
        }
    }
    out
}

/// The 3 of "3号议案" (also "第三号议案").
pub(super) fn proposal_number(text: &str) -> Option<u32> {
    let chars = chars_of(text);
    let key = chars_of("号议案");
    let pos = find_chars(&chars, &key, 0)?;
    let mut start = pos;
    while start > 0
        && chars
            .get(start - 1)
            .is_some_and(|c| c.is_ascii_digit() || is_cn_numeral(*c))
    {
        start -= 1;
    }
    let digits = chars.get(start..pos)?;
    if digits.is_empty() {
        return None;
    }
    let cn = !digits.iter().all(|c| c.is_ascii_digit());
    let (n, next) = read_number(&chars, start, cn)?;
    (next == pos).then_some(n)
}

const SESSION_CHARS: &str =
    "市省区县州旗国全人民代表大会届次第常务委员一二三四五六七八九十百〇零两0123456789";

/// "市十四届人大五次会议" from any text holding it.
pub(super) fn session_of(text: &str) -> Option<String> {
    let chars = chars_of(text);
    let key = chars_of("会议");
    let mut from = 0;
    while let Some(pos) = find_chars(&chars, &key, from) {
        let mut start = pos;
        while start > 0
            && pos - start < 30
            && chars
                .get(start - 1)
                .is_some_and(|c| SESSION_CHARS.contains(*c))
        {
            start -= 1;
        }
        let head = string_of(chars.get(start..pos).unwrap_or(&[]));
        if head.contains('届') {
            return Some(format!("{head}会议"));
        }
        from = pos + 1;
    }
    None
}

pub(super) fn find_chars(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay.get(i..i + needle.len()) == Some(needle))
}
