//! Step 3, the layout: the body is split into the preamble, the chapters (recognised by the
//! keywords of their headings) and the roster, which starts at the "…名单" line or at the
//! first role label.

use super::markers::{chapter_heading, item_marker};
use super::normalise::Line;
use super::roster::roster_label;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ChapterKind {
    General,
    Tasks,
    Phases,
    Requirements,
    Unknown,
}

fn chapter_kind(title: &str) -> ChapterKind {
    let has = |words: &[&str]| words.iter().any(|w| title.contains(w));
    if has(&["总体要求", "指导思想", "总体目标", "工作目标"]) {
        ChapterKind::General
    } else if has(&["任务"]) {
        ChapterKind::Tasks
    } else if has(&["进度", "时间安排", "步骤", "阶段", "进程"]) {
        ChapterKind::Phases
    } else if has(&["要求", "保障", "措施"]) {
        ChapterKind::Requirements
    } else {
        ChapterKind::Unknown
    }
}

pub(super) struct Chapter {
    pub(super) kind: ChapterKind,
    pub(super) title: String,
    pub(super) line: usize,
    pub(super) lines: Vec<Line>,
}

pub(super) struct Layout {
    pub(super) preamble: Vec<Line>,
    pub(super) chapters: Vec<Chapter>,
    pub(super) roster: Vec<Line>,
}

/// "…领导小组组成人员名单" (also after "附件:").
fn is_roster_header(text: &str) -> bool {
    let t = text.trim_end_matches(':');
    let t = strip_attachment_label(t).unwrap_or(t);
    t.ends_with("名单")
        && t.contains("小组")
        && !t.contains('。')
        && t.chars().count() <= 60
        && item_marker(t).is_none()
}

/// The text after "附件", "附件2" or "附件:", if the line starts so.
pub(super) fn strip_attachment_label(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("附件")?;
    Some(
        rest.trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches([':', ' ']),
    )
}

pub(super) fn partition(lines: Vec<Line>) -> Layout {
    let mut layout = Layout {
        preamble: Vec::new(),
        chapters: Vec::new(),
        roster: Vec::new(),
    };
    let mut in_roster = false;
    for line in lines {
        if in_roster {
            layout.roster.push(line);
            continue;
        }
        if is_roster_header(&line.text) {
            in_roster = true;
            continue;
        }
        let in_tasks = layout
            .chapters
            .last()
            .is_some_and(|c| c.kind == ChapterKind::Tasks);
        if !in_tasks && roster_label(&line.text).is_some() {
            in_roster = true;
            layout.roster.push(line);
            continue;
        }
        if let Some((_, title)) = chapter_heading(&line.text) {
            layout.chapters.push(Chapter {
                kind: chapter_kind(&title),
                title,
                line: line.no,
                lines: Vec::new(),
            });
            continue;
        }
        match layout.chapters.last_mut() {
            Some(ch) => ch.lines.push(line),
            None => layout.preamble.push(line),
        }
    }
    layout
}
