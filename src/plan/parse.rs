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

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::model::warning_codes as code;
use super::model::{
    ParsedPlan, Phase, Proposal, Requirement, Role, RosterEntry, RosterRole, Section, Task, Unit,
    UnitKind, UnitLink, Warning,
};

/// Why a text could not be read as a plan at all. Displays as "line N: message".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// The 1-based source line the problem is on (1 when it concerns the whole text).
    pub line: usize,
    /// What is wrong, in plain English.
    pub message: String,
}

impl ParseError {
    fn new(line: usize, message: impl Into<String>) -> Self {
        ParseError {
            line,
            message: message.into(),
        }
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
        return Err(ParseError::new(1, "the document is empty"));
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

// ---------------------------------------------------------------------------------------------
// Warnings

#[derive(Default)]
struct Warnings(Vec<Warning>);

impl Warnings {
    fn push(&mut self, line: Option<usize>, code: &str, message: String, message_zh: String) {
        self.0.push(Warning {
            line,
            code: code.to_string(),
            message,
            message_zh,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Normalisation

#[derive(Debug, Clone)]
struct Line {
    no: usize,
    text: String,
}

fn normalise_char(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{FF61}' => Some('。'),
        '\u{FF64}' => Some('、'),
        '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' => None,
        c if c.is_whitespace() => Some(' '),
        c if c.is_control() => None,
        c => Some(c),
    }
}

/// Splits at `\r\n`, `\r` or `\n`, normalises each character, collapses blanks and trims.
fn normalise_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut no = 1usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\r' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(Line {
                    no,
                    text: tidy(&cur),
                });
                cur.clear();
                no = no.saturating_add(1);
            }
            _ => {
                if let Some(n) = normalise_char(c) {
                    cur.push(n);
                }
            }
        }
    }
    out.push(Line {
        no,
        text: tidy(&cur),
    });
    out
}

fn tidy(s: &str) -> String {
    s.split(' ')
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn chars_of(s: &str) -> Vec<char> {
    s.chars().collect()
}

fn string_of(c: &[char]) -> String {
    c.iter().collect()
}

fn no_blanks(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Appends a wrapped line: Chinese text joins directly, two ASCII words get a space.
fn join_text(acc: &mut String, next: &str) {
    let next = next.trim();
    if next.is_empty() {
        return;
    }
    if let (Some(a), Some(b)) = (acc.chars().last(), next.chars().next())
        && a.is_ascii_alphanumeric()
        && b.is_ascii_alphanumeric()
    {
        acc.push(' ');
    }
    acc.push_str(next);
}

/// Appends a line of prose: a line ending a sentence ends a paragraph.
fn join_paragraph(acc: &mut String, next: &str) {
    if acc.ends_with(['。', '!', '?', ';']) {
        acc.push('\n');
        acc.push_str(next.trim());
    } else {
        join_text(acc, next);
    }
}

fn is_punct(c: char) -> bool {
    matches!(
        c,
        '。' | ',' | '.' | ';' | ':' | '、' | '!' | '?' | '“' | '”' | '"' | '\'' | ' '
    )
}

// ---------------------------------------------------------------------------------------------
// Page furniture and signature

#[derive(Default)]
struct PageInfo {
    published_at: Option<String>,
    publisher: Option<String>,
}

const FOOTER_PREFIXES: &[&str] = &[
    "主办单位",
    "技术支持",
    "客服热线",
    "工作日",
    "节假日",
    "版权所有",
    "网站标识码",
];

const DASHES: &[char] = &['—', '–', '-', '~', '〜', '―', '─', '‐', '‑', '‒', '⁓'];

/// True for a line that is not part of the document; 发布时间/发布单位 values are kept.
fn read_furniture(text: &str, page: &mut PageInfo) -> bool {
    if text.starts_with("发布时间") || text.starts_with("发布单位") {
        if page.published_at.is_none() {
            page.published_at = labelled_value(text, "发布时间", "发布单位");
        }
        if page.publisher.is_none() {
            page.publisher = labelled_value(text, "发布单位", "发布时间");
        }
        return true;
    }
    // Official-document trailers: "(此件公开发布)", "抄送:…", "…2020年4月30日印发", "附件".
    let bare = text.trim_matches(['(', ')', ' ']);
    if bare.starts_with("此件")
        || text.starts_with("抄送:")
        || (text.ends_with("印发")
            && text.contains('年')
            && text.contains('月')
            && !text.contains('。'))
        || strip_attachment_label(text).is_some_and(str::is_empty)
    {
        return true;
    }
    for prefix in FOOTER_PREFIXES {
        if let Some(rest) = text.strip_prefix(prefix)
            && (rest.is_empty() || rest.starts_with([':', '(', ' ']))
        {
            return true;
        }
    }
    is_page_number(text)
}

fn labelled_value(text: &str, label: &str, other: &str) -> Option<String> {
    let start = text.find(label)? + label.len();
    let rest = text.get(start..)?;
    let rest = rest.trim_start_matches([':', ' ']);
    let end = rest.find(other).unwrap_or(rest.len());
    let value = rest.get(..end)?.trim();
    (!value.is_empty()).then(|| value.to_string())
}

fn is_page_number(text: &str) -> bool {
    let core = text.trim_matches(|c: char| DASHES.contains(&c) || c == ' ');
    let core = core
        .strip_prefix('第')
        .and_then(|c| c.strip_suffix('页'))
        .map(str::trim)
        .unwrap_or(core);
    !core.is_empty() && core.len() <= 4 && core.chars().all(|c| c.is_ascii_digit())
}

struct Signature {
    issuer: Option<String>,
    date: Option<NaiveDate>,
}

/// Takes out the first date-only line and the issuer line just above it.
fn take_signature(lines: &mut Vec<Line>) -> Signature {
    let Some(pos) = lines
        .iter()
        .position(|l| parse_date_line(&l.text).is_some())
    else {
        return Signature {
            issuer: None,
            date: None,
        };
    };
    let date = lines.get(pos).and_then(|l| parse_date_line(&l.text));
    lines.remove(pos);
    let mut issuer = None;
    if let Some(prev) = pos.checked_sub(1)
        && lines.get(prev).is_some_and(|l| is_issuer_like(&l.text))
    {
        issuer = Some(lines.remove(prev).text);
    }
    Signature { issuer, date }
}

fn is_issuer_like(text: &str) -> bool {
    !text.contains(['。', ':', ',', '('])
        && text.chars().count() <= 40
        && org_suffix(text).is_some()
        && item_marker(text).is_none()
        && chapter_heading(text).is_none()
}

/// "2020年4月29日" (also with Chinese numerals) as the whole line.
fn parse_date_line(text: &str) -> Option<NaiveDate> {
    let chars = chars_of(&no_blanks(text));
    let mut i = 0;
    let mut fields = Vec::new();
    for unit in ['年', '月', '日'] {
        let (n, next) = read_number(&chars, i, true)?;
        if chars.get(next) != Some(&unit) && !(unit == '日' && chars.get(next) == Some(&'号')) {
            return None;
        }
        fields.push(n);
        i = next + 1;
    }
    if i != chars.len() {
        return None;
    }
    let year = i32::try_from(*fields.first()?).ok()?;
    NaiveDate::from_ymd_opt(year, *fields.get(1)?, *fields.get(2)?)
}

/// The city a "武汉市人民政府办公厅"-like issuer names ("武汉").
fn city_of(issuer: &str) -> Option<String> {
    let chars = chars_of(issuer);
    let idx = chars.iter().position(|c| *c == '市')?;
    (2..=4)
        .contains(&idx)
        .then(|| string_of(chars.get(..idx).unwrap_or(&[])))
}

fn leading_year(text: &str) -> Option<i32> {
    let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() == 4 {
        digits.parse().ok()
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers and item markers

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_cn_numeral(c: char) -> bool {
    cn_digit(c).is_some() || c == '十' || c == '百'
}

/// "十四" → 14, "二〇二〇" → 2020.
fn cn_value(s: &[char]) -> Option<u32> {
    if s.is_empty() || s.len() > 8 {
        return None;
    }
    if !s.iter().any(|c| *c == '十' || *c == '百') {
        let mut v: u32 = 0;
        for c in s {
            v = v.checked_mul(10)?.checked_add(cn_digit(*c)?)?;
        }
        return Some(v);
    }
    let mut total: u32 = 0;
    let mut cur: u32 = 0;
    for c in s {
        match c {
            '十' | '百' => {
                let scale = if *c == '十' { 10 } else { 100 };
                let base = if cur == 0 { 1 } else { cur };
                total = total.checked_add(base.checked_mul(scale)?)?;
                cur = 0;
            }
            _ => cur = cn_digit(*c)?,
        }
    }
    total.checked_add(cur)
}

/// Reads a number (ASCII digits, or Chinese numerals when `cn`) at `i`: (value, index after).
fn read_number(chars: &[char], i: usize, cn: bool) -> Option<(u32, usize)> {
    let first = *chars.get(i)?;
    let mut j = i;
    if first.is_ascii_digit() {
        while chars.get(j).is_some_and(|c| c.is_ascii_digit()) {
            j += 1;
        }
        let digits = string_of(chars.get(i..j)?);
        if digits.len() > 9 {
            return None;
        }
        return Some((digits.parse().ok()?, j));
    }
    if cn && is_cn_numeral(first) {
        while chars.get(j).is_some_and(|c| is_cn_numeral(*c)) {
            j += 1;
        }
        return Some((cn_value(chars.get(i..j)?)?, j));
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// "(一)"
    ParenCn,
    /// "1." or "1、"
    Arabic,
    /// "(1)"
    ParenArabic,
}

/// An item marker at the start of a line: (kind, number, rest of the line).
fn item_marker(text: &str) -> Option<(Marker, u32, String)> {
    let chars = chars_of(text);
    let first = *chars.first()?;
    if first == '(' {
        let cn = chars.get(1).is_some_and(|c| is_cn_numeral(*c));
        let (n, next) = read_number(&chars, 1, cn)?;
        if chars.get(next) != Some(&')') {
            return None;
        }
        let rest = string_of(chars.get(next + 1..).unwrap_or(&[]));
        let kind = if cn {
            Marker::ParenCn
        } else {
            Marker::ParenArabic
        };
        return Some((kind, n, rest.trim().to_string()));
    }
    if first.is_ascii_digit() {
        let (n, next) = read_number(&chars, 0, false)?;
        if next > 3 || !matches!(chars.get(next), Some('.') | Some('、')) {
            return None;
        }
        if chars.get(next + 1).is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
        let rest = string_of(chars.get(next + 1..).unwrap_or(&[]));
        return Some((Marker::Arabic, n, rest.trim().to_string()));
    }
    None
}

/// "一、总体要求" → (1, "总体要求"): a short line without a full stop.
fn chapter_heading(text: &str) -> Option<(u32, String)> {
    let chars = chars_of(text);
    let end = chars.iter().position(|c| !is_cn_numeral(*c))?;
    if end == 0 || chars.get(end) != Some(&'、') {
        return None;
    }
    let n = cn_value(chars.get(..end)?)?;
    let rest = string_of(chars.get(end + 1..).unwrap_or(&[]))
        .trim()
        .to_string();
    if rest.is_empty() || rest.contains('。') || rest.chars().count() > 24 {
        return None;
    }
    Some((n, rest))
}

// ---------------------------------------------------------------------------------------------
// Layout: preamble, chapters, roster

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChapterKind {
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

struct Chapter {
    kind: ChapterKind,
    title: String,
    line: usize,
    lines: Vec<Line>,
}

struct Layout {
    preamble: Vec<Line>,
    chapters: Vec<Chapter>,
    roster: Vec<Line>,
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
fn strip_attachment_label(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("附件")?;
    Some(
        rest.trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches([':', ' ']),
    )
}

fn partition(lines: Vec<Line>) -> Layout {
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

// ---------------------------------------------------------------------------------------------
// Front matter: title and proposal

struct Front {
    title: String,
    proposal: Proposal,
}

fn read_front(preamble: &[Line], chapters: &[Chapter], w: &mut Warnings) -> Front {
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
fn proposal_number(text: &str) -> Option<u32> {
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
fn session_of(text: &str) -> Option<String> {
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

fn find_chars(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay.get(i..i + needle.len()) == Some(needle))
}

// ---------------------------------------------------------------------------------------------
// Tasks

struct RawTask {
    number: u32,
    line: usize,
    text: String,
}

struct SectionDraft {
    number: u32,
    title: String,
    tasks: Vec<RawTask>,
}

/// Hands out unique item numbers: a repeated number gets the next free one, with a warning.
#[derive(Default)]
struct Numbering(BTreeSet<u32>);

impl Numbering {
    fn take(&mut self, n: u32, line: usize, what: &str, what_zh: &str, w: &mut Warnings) -> u32 {
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

fn collect_tasks(chapters: &[&Chapter], w: &mut Warnings) -> Vec<SectionDraft> {
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

fn ignored(line: &Line, w: &mut Warnings) {
    w.push(
        Some(line.no),
        code::LINE_IGNORED,
        format!(
            "This line could not be placed and was skipped: \"{}\".",
            line.text
        ),
        format!("此行无法归入任何条目，未导入：“{}”。", line.text),
    );
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

fn has_unit_note_start(text: &str) -> bool {
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

fn open_class(c: char) -> Option<u8> {
    match c {
        '(' => Some(0),
        '〈' | '<' => Some(1),
        _ => None,
    }
}

fn close_class(c: char) -> Option<u8> {
    match c {
        ')' => Some(0),
        '〉' | '>' => Some(1),
        _ => None,
    }
}

/// The index of the bracket closing the one at `open`; None when the brackets do not balance.
fn matching_close(chars: &[char], open: usize) -> Option<usize> {
    let mut stack: Vec<u8> = Vec::new();
    for (i, &c) in chars.iter().enumerate().skip(open) {
        if let Some(k) = open_class(c) {
            stack.push(k);
        } else if let Some(k) = close_class(c) {
            if stack.pop() != Some(k) {
                return None;
            }
            if stack.is_empty() {
                return Some(i);
            }
        }
    }
    None
}

/// Splits at separators outside brackets.
fn split_top(chars: &[char], seps: &[char]) -> Vec<Vec<char>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut depth = 0usize;
    for &c in chars {
        if open_class(c).is_some() {
            depth += 1;
        } else if close_class(c).is_some() {
            depth = depth.saturating_sub(1);
        }
        if depth == 0 && seps.contains(&c) {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// A unit as a note writes it, before canonicalisation.
#[derive(Debug, Clone)]
struct Mention {
    role: Role,
    name: String,
    aliases: Vec<String>,
    scope: Option<String>,
    sticky: bool,
    line: usize,
}

struct TaskDraft {
    number: u32,
    line: usize,
    title: Option<String>,
    text: String,
    body: String,
    mentions: Vec<Mention>,
}

fn analyse_task(raw: &RawTask, w: &mut Warnings) -> Result<TaskDraft, ParseError> {
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
fn task_title(body: &str) -> Option<String> {
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
fn parse_item(chars: &[char]) -> (String, Vec<String>) {
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

enum Note {
    /// Another name of the same unit.
    Alias(String),
    /// A scope note (without its 下同) and whether it carries forward.
    Scope(Option<String>, bool),
}

fn classify_note(note: &str) -> Note {
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
fn widens_to_zones(scope: &str) -> bool {
    scope.contains('含')
        && !scope.contains("不含")
        && ["开发区", "管委会", "功能区"]
            .iter()
            .any(|w| scope.contains(w))
}

// ---------------------------------------------------------------------------------------------
// Unit names

const ORG_SUFFIXES: &[&str] = &[
    "管理委员会",
    "人民政府",
    "委员会",
    "管委会",
    "办公室",
    "办公厅",
    "政府",
    "中心",
    "公司",
    "集团",
    "支队",
    "大队",
    "局",
    "委",
    "部",
    "厅",
    "办",
    "室",
    "院",
    "会",
    "署",
    "行",
    "所",
    "处",
    "队",
    "站",
    "馆",
    "社",
    "校",
    "联",
    "协",
    "团",
    "关",
    "台",
];

/// The organisation suffix a name ends with (the longest one), e.g. "人民政府" or "局".
fn org_suffix(name: &str) -> Option<&'static str> {
    ORG_SUFFIXES
        .iter()
        .copied()
        .filter(|s| name.ends_with(s))
        .max_by_key(|s| s.len())
}

const ZONE_WORDS: &[&str] = &[
    "开发区",
    "新区",
    "新城",
    "园区",
    "保税区",
    "示范区",
    "试验区",
    "功能区",
    "自贸区",
    "港区",
    "合作区",
    "产业园",
];

/// What sort of unit a name is, from its form.
fn classify(name: &str) -> UnitKind {
    if name.starts_with('各') {
        return UnitKind::Collective;
    }
    let zone_word = ZONE_WORDS.iter().any(|z| name.contains(z));
    let committee = ["管委会", "管理委员会", "管委"]
        .iter()
        .any(|s| name.ends_with(s));
    if zone_word && (committee || ZONE_WORDS.iter().any(|z| name.ends_with(z))) {
        return UnitKind::Zone;
    }
    if ["区人民政府", "县人民政府", "旗人民政府", "区政府", "县政府"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        return UnitKind::District;
    }
    UnitKind::Municipal
}

fn kind_rank(kind: UnitKind) -> u8 {
    match kind {
        UnitKind::Municipal => 0,
        UnitKind::Zone => 1,
        UnitKind::District => 2,
        UnitKind::Collective => 3,
    }
}

/// When two names differ by exactly one inserted, deleted or changed character: the characters
/// involved (one for an insertion, two for a change).
fn one_edit(a: &[char], b: &[char]) -> Option<Vec<char>> {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let i = short
        .iter()
        .zip(long)
        .position(|(x, y)| x != y)
        .unwrap_or(short.len());
    match long.len() - short.len() {
        0 => {
            let same_after = short.get(i + 1..) == long.get(i + 1..);
            match (same_after, short.get(i), long.get(i)) {
                (true, Some(x), Some(y)) => Some(vec![*x, *y]),
                _ => None,
            }
        }
        1 => (short.get(i..) == long.get(i + 1..))
            .then(|| long.get(i).copied().into_iter().collect()),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MatchKind {
    Alias,
    Prefix,
    Suffix,
    Misprint,
}

struct NameRec {
    name: String,
    /// The first line the name is on in the roster / in the tasks.
    roster_line: Option<usize>,
    task_line: Option<usize>,
    /// Written in the roster as a member's unit (or its bracketed alias).
    in_roster: bool,
    member: bool,
    /// Written inside an alias note of another name: never the canonical name if avoidable.
    declared_alias: bool,
    /// The shorter side of a prefix or suffix match: never the canonical name if avoidable.
    short_form: bool,
    /// The unit notes (task order) that list this name, ascending.
    notes: Vec<usize>,
}

#[derive(Default)]
struct Registry {
    names: Vec<NameRec>,
    index: HashMap<String, usize>,
    parent: Vec<usize>,
    edges: Vec<(usize, usize, MatchKind)>,
}

#[derive(Clone, Copy)]
struct UnitLines {
    roster: Option<usize>,
    task: Option<usize>,
}

/// The canonical units and how every written name maps to them.
struct Resolved {
    units: Vec<Unit>,
    canon: HashMap<String, String>,
    kinds: HashMap<String, UnitKind>,
    lines: HashMap<String, UnitLines>,
}

impl Resolved {
    fn lookup(&self, name: &str) -> Option<&String> {
        self.canon.get(name)
    }
}

impl Registry {
    fn add(&mut self, name: &str, line: usize, in_roster: bool, member: bool) -> usize {
        let id = match self.index.get(name) {
            Some(&i) => i,
            None => {
                let i = self.names.len();
                self.names.push(NameRec {
                    name: name.to_string(),
                    roster_line: None,
                    task_line: None,
                    in_roster: false,
                    member: false,
                    declared_alias: false,
                    short_form: false,
                    notes: Vec::new(),
                });
                self.parent.push(i);
                self.index.insert(name.to_string(), i);
                i
            }
        };
        if let Some(rec) = self.names.get_mut(id) {
            rec.in_roster |= in_roster;
            rec.member |= member;
            let slot = if in_roster {
                &mut rec.roster_line
            } else {
                &mut rec.task_line
            };
            if slot.is_none() {
                *slot = Some(line);
            }
        }
        id
    }

    fn listed_in(&mut self, id: usize, note: usize) {
        if let Some(rec) = self.names.get_mut(id)
            && rec.notes.last() != Some(&note)
        {
            rec.notes.push(note);
        }
    }

    /// True when one unit note lists both names: the note means two units.
    fn listed_together(&self, i: usize, j: usize) -> bool {
        let (Some(a), Some(b)) = (self.names.get(i), self.names.get(j)) else {
            return false;
        };
        let (mut x, mut y) = (0, 0);
        while let (Some(p), Some(q)) = (a.notes.get(x), b.notes.get(y)) {
            match p.cmp(q) {
                std::cmp::Ordering::Equal => return true,
                std::cmp::Ordering::Less => x += 1,
                std::cmp::Ordering::Greater => y += 1,
            }
        }
        false
    }

    fn alias(&mut self, primary: usize, alias: &str, line: usize, in_roster: bool, member: bool) {
        let id = self.add(alias, line, in_roster, member);
        if id == primary {
            return;
        }
        if let Some(rec) = self.names.get_mut(id) {
            rec.declared_alias = true;
        }
        self.edges.push((primary, id, MatchKind::Alias));
        self.union(primary, id);
    }

    fn find(&mut self, mut i: usize) -> usize {
        let mut root = i;
        while let Some(&p) = self.parent.get(root) {
            if p == root {
                break;
            }
            root = p;
        }
        while let Some(&p) = self.parent.get(i) {
            if p == root {
                break;
            }
            if let Some(slot) = self.parent.get_mut(i) {
                *slot = root;
            }
            i = p;
        }
        root
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            if let Some(slot) = self.parent.get_mut(hi) {
                *slot = lo;
            }
        }
    }

    fn name(&self, i: usize) -> &str {
        self.names.get(i).map(|r| r.name.as_str()).unwrap_or("")
    }

    fn order_key(&self, i: usize) -> (u8, usize) {
        match self.names.get(i) {
            Some(r) if r.in_roster => (0, i),
            _ => (1, i),
        }
    }

    /// Matches names that stand for the same unit, chooses canonical names and orders the units.
    fn finish(mut self, doc_text: &str, city: Option<&str>, w: &mut Warnings) -> Resolved {
        let n = self.names.len();
        let chars: Vec<Vec<char>> = self.names.iter().map(|r| chars_of(&r.name)).collect();
        let kinds: Vec<UnitKind> = self.names.iter().map(|r| classify(&r.name)).collect();
        // A fuzzy match never joins two groups that both hold a roster name: the roster lists
        // distinct units, even through a third name that resembles both.
        let mut has_roster: Vec<bool> = vec![false; n];
        for i in 0..n {
            let root = self.find(i);
            if self.names.get(i).is_some_and(|r| r.in_roster)
                && let Some(slot) = has_roster.get_mut(root)
            {
                *slot = true;
            }
        }
        // Fuzzy matching is quadratic: a pathological text with thousands of names skips it.
        if n <= 3000 {
            for i in 0..n {
                for j in 0..n {
                    if i == j {
                        continue;
                    }
                    let (Some(a), Some(b)) = (chars.get(i), chars.get(j)) else {
                        continue;
                    };
                    let (Some(ka), Some(kb)) = (kinds.get(i), kinds.get(j)) else {
                        continue;
                    };
                    if *ka == UnitKind::Collective || *kb == UnitKind::Collective {
                        continue;
                    }
                    let (ri, rj) = (self.find(i), self.find(j));
                    let roster_i = has_roster.get(ri).copied().unwrap_or(false);
                    let roster_j = has_roster.get(rj).copied().unwrap_or(false);
                    if ri == rj || (roster_i && roster_j) || self.listed_together(i, j) {
                        continue;
                    }
                    // a is the shorter side for prefix/suffix, i < j for misprints.
                    if let Some(kind) = short_form_of(a, b, city) {
                        if let Some(r) = self.names.get_mut(i) {
                            r.short_form = true;
                        }
                        self.edges.push((i, j, kind));
                    } else if i < j && is_misprint_pair(a, b, *ka, *kb) {
                        self.edges.push((i, j, MatchKind::Misprint));
                    } else {
                        continue;
                    }
                    self.union(i, j);
                    let root = self.find(i);
                    if let Some(slot) = has_roster.get_mut(root) {
                        *slot = roster_i || roster_j;
                    }
                }
            }
        }

        // Groups and their canonical names.
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..n {
            let root = self.find(i);
            groups.entry(root).or_default().push(i);
        }
        let mut units: Vec<(u8, (u8, usize), Unit, UnitLines)> = Vec::new();
        let mut canon: HashMap<String, String> = HashMap::new();
        let mut canon_of_id: HashMap<usize, usize> = HashMap::new();
        for members in groups.values() {
            let preferred: Vec<usize> = members
                .iter()
                .copied()
                .filter(|i| {
                    self.names
                        .get(*i)
                        .is_some_and(|r| !r.declared_alias && !r.short_form)
                })
                .collect();
            let pool = if preferred.is_empty() {
                members.clone()
            } else {
                preferred
            };
            let names: Vec<&str> = members.iter().map(|i| self.name(*i)).collect();
            let count = |i: usize| -> usize {
                if pool.len() < 2 {
                    return 0;
                }
                exclusive_count(doc_text, self.name(i), &names)
            };
            let scored: Vec<(usize, usize, bool)> = pool
                .iter()
                .map(|&i| {
                    let in_roster = self.names.get(i).is_some_and(|r| r.in_roster);
                    (i, count(i), in_roster)
                })
                .collect();
            let Some(&(chosen, _, _)) = scored.iter().max_by(|x, y| {
                x.1.cmp(&y.1)
                    .then(x.2.cmp(&y.2))
                    .then_with(|| self.order_key(y.0).cmp(&self.order_key(x.0)))
            }) else {
                continue;
            };
            let canonical = self.name(chosen).to_string();
            let kind = classify(&canonical);
            let mut ordered: Vec<usize> = members.clone();
            ordered.sort_by_key(|i| self.order_key(*i));
            let first = ordered
                .first()
                .map(|i| self.order_key(*i))
                .unwrap_or((1, 0));
            let aliases: Vec<String> = ordered
                .iter()
                .filter(|i| **i != chosen)
                .map(|i| self.name(*i).to_string())
                .collect();
            let member = members
                .iter()
                .any(|i| self.names.get(*i).is_some_and(|r| r.member));
            let lines = UnitLines {
                roster: ordered
                    .iter()
                    .find_map(|i| self.names.get(*i).and_then(|r| r.roster_line)),
                task: ordered
                    .iter()
                    .find_map(|i| self.names.get(*i).and_then(|r| r.task_line)),
            };
            for i in members {
                canon.insert(self.name(*i).to_string(), canonical.clone());
                canon_of_id.insert(*i, chosen);
            }
            units.push((
                kind_rank(kind),
                first,
                Unit {
                    name: canonical,
                    kind,
                    aliases,
                    member,
                },
                lines,
            ));
        }
        units.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));

        // Tell the office about every inferred match.
        for &(a, b, kind) in &self.edges {
            if kind == MatchKind::Alias {
                continue;
            }
            let canonical = canon.get(self.name(a)).cloned().unwrap_or_default();
            let (other, keep) = if self.name(a) == canonical {
                (b, a)
            } else {
                (a, b)
            };
            let line_of = |i: usize| {
                self.names
                    .get(i)
                    .and_then(|r| r.task_line.or(r.roster_line))
            };
            let (o, k) = (self.name(other), self.name(keep));
            let (lo, lk) = (line_of(other), line_of(keep));
            let at = |l: Option<usize>| l.map(|l| format!(" (line {l})")).unwrap_or_default();
            let at_zh = |l: Option<usize>| l.map(|l| format!("第{l}行的")).unwrap_or_default();
            let (code, en, zh) = match kind {
                MatchKind::Prefix => (
                    code::UNIT_PREFIX_MATCHED,
                    format!(
                        "\"{o}\"{} and \"{k}\"{} differ only by a city prefix and were read as \
                         one unit, \"{canonical}\". Please check.",
                        at(lo),
                        at(lk)
                    ),
                    format!(
                        "{}“{o}”与{}“{k}”仅差地名前缀，已按同一单位“{canonical}”处理，请核对。",
                        at_zh(lo),
                        at_zh(lk)
                    ),
                ),
                MatchKind::Suffix => (
                    code::UNIT_SUFFIX_MATCHED,
                    format!(
                        "\"{o}\"{} was read as the committee \"{k}\"{}, canonical \
                         \"{canonical}\". Please check.",
                        at(lo),
                        at(lk)
                    ),
                    format!(
                        "{}“{o}”已按{}“{k}”处理（规范名称“{canonical}”），请核对。",
                        at_zh(lo),
                        at_zh(lk)
                    ),
                ),
                _ => (
                    code::UNIT_MISPRINT_MATCHED,
                    format!(
                        "\"{o}\"{} differs by one character from \"{k}\"{} and was read as the \
                         same unit, \"{canonical}\", the form the document uses most. Please \
                         check.",
                        at(lo),
                        at(lk)
                    ),
                    format!(
                        "{}“{o}”与{}“{k}”仅差一字，已视为笔误，按文中更常用的“{canonical}”处理，\
                         请核对。",
                        at_zh(lo),
                        at_zh(lk)
                    ),
                ),
            };
            w.push(lo.or(lk), code, en, zh);
        }

        let mut kinds_out = HashMap::new();
        let mut lines_out = HashMap::new();
        for (_, _, unit, lines) in &units {
            kinds_out.insert(unit.name.clone(), unit.kind);
            lines_out.insert(unit.name.clone(), *lines);
        }
        Resolved {
            units: units.into_iter().map(|u| u.2).collect(),
            canon,
            kinds: kinds_out,
            lines: lines_out,
        }
    }
}

/// Some(kind) when `a` is a shorter way of writing `b`: `b` = city prefix + `a` ("长江新城管委会"
/// / "武汉长江新城管委会"), or `b` = zone name `a` + 管委会.
fn short_form_of(a: &[char], b: &[char], city: Option<&str>) -> Option<MatchKind> {
    if a.len() < 4 || b.len() <= a.len() {
        return None;
    }
    let extra = b.len() - a.len();
    if b.get(extra..) == Some(a) {
        let prefix = string_of(b.get(..extra).unwrap_or(&[]));
        let city_prefix = match city {
            Some(c) => prefix == "市" || prefix == c || prefix == format!("{c}市"),
            None => prefix == "市" || (prefix.ends_with('市') && extra <= 4),
        };
        if city_prefix {
            return Some(MatchKind::Prefix);
        }
    }
    if b.get(..a.len()) == Some(a) {
        let a_str = string_of(a);
        let rest = string_of(b.get(a.len()..).unwrap_or(&[]));
        if ZONE_WORDS.iter().any(|z| a_str.ends_with(z))
            && (rest == "管委会" || rest == "管理委员会")
        {
            return Some(MatchKind::Suffix);
        }
    }
    None
}

/// Two long names of the same sort, same suffix, one character apart in their distinctive part.
fn is_misprint_pair(a: &[char], b: &[char], ka: UnitKind, kb: UnitKind) -> bool {
    if ka != kb
        || ka == UnitKind::District
        || a.len() < 6
        || b.len() < 6
        || a.len().abs_diff(b.len()) > 1
    {
        return false;
    }
    let (sa, sb) = (string_of(a), string_of(b));
    let (Some(xa), Some(xb)) = (org_suffix(&sa), org_suffix(&sb)) else {
        return false;
    };
    if xa != xb {
        return false;
    }
    let cut = xa.chars().count();
    let core_a = a.get(..a.len().saturating_sub(cut)).unwrap_or(&[]);
    let core_b = b.get(..b.len().saturating_sub(cut)).unwrap_or(&[]);
    if core_a.len() < 5 || core_b.len() < 5 {
        return false;
    }
    // "第一" / "第三", "1号" / "2号": a different number is a different unit, not a misprint.
    one_edit(core_a, core_b)
        .is_some_and(|diff| !diff.iter().any(|c| c.is_ascii_digit() || is_cn_numeral(*c)))
}

/// How often `name` is written in the text, not counting where it is part of a longer name of
/// the same group.
fn exclusive_count(text: &str, name: &str, group: &[&str]) -> usize {
    if name.is_empty() {
        return 0;
    }
    let mut count = text.matches(name).count();
    for other in group {
        if *other != name && other.contains(name) {
            let inner = other.matches(name).count();
            count = count.saturating_sub(text.matches(*other).count().saturating_mul(inner));
        }
    }
    count
}

// ---------------------------------------------------------------------------------------------
// Links

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

fn build_task(
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

// ---------------------------------------------------------------------------------------------
// Roster

struct RawRoster {
    role: RosterRole,
    label: String,
    name: String,
    written: String,
    line: usize,
    split: Option<PositionSplit>,
}

#[derive(Debug, Clone)]
struct PositionSplit {
    unit: String,
    aliases: Vec<String>,
    title: String,
}

fn roster_label(text: &str) -> Option<(RosterRole, String, String)> {
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

fn parse_roster(lines: &[Line], city: Option<&str>, w: &mut Warnings) -> Vec<RawRoster> {
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
fn split_position(written: &str) -> Option<PositionSplit> {
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

fn resolve_roster_entry(e: &RawRoster, resolved: &Resolved, w: &mut Warnings) -> RosterEntry {
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

// ---------------------------------------------------------------------------------------------
// Phases, requirements, office

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

fn parse_requirements(lines: &[&Line], w: &mut Warnings) -> Vec<Requirement> {
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

fn parse_phases(lines: &[&Line], doc_year: Option<i32>, w: &mut Warnings) -> Vec<Phase> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    Early,
    Mid,
    Late,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Num(u32),
    Year,
    Month,
    Day,
    Span(Span),
    Dash,
    Before,
}

fn tokenize_dates(chars: &[char], cn: bool) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut i = 0;
    let mut seen_number = false;
    while let Some(&c) = chars.get(i) {
        if let Some((n, next)) = read_number(chars, i, cn)
            && next > i
        {
            toks.push(Tok::Num(n));
            seen_number = true;
            i = next;
            continue;
        }
        let two = string_of(chars.get(i..i + 2).unwrap_or(&[]));
        let tok = match c {
            '年' => Some(Tok::Year),
            '月' => Some(Tok::Month),
            '日' | '号' => Some(Tok::Day),
            '初' => Some(Tok::Span(Span::Early)),
            '底' | '末' => Some(Tok::Span(Span::Late)),
            '上' | '中' | '下' if two.ends_with('旬') => {
                i += 1;
                Some(Tok::Span(match c {
                    '上' => Span::Early,
                    '中' => Span::Mid,
                    _ => Span::Late,
                }))
            }
            '中' if toks.last() == Some(&Tok::Month) => Some(Tok::Span(Span::Mid)),
            '至' | '到' => Some(Tok::Dash),
            '前' => Some(Tok::Before),
            c if DASHES.contains(&c) => Some(Tok::Dash),
            '。' | ',' | ';' if seen_number && !cn => break,
            _ => None,
        };
        if let Some(t) = tok
            && !(t == Tok::Dash && toks.last() == Some(&Tok::Dash))
        {
            toks.push(t);
        }
        i += 1;
    }
    toks
}

#[derive(Debug, Default, Clone, Copy)]
struct Part {
    y: Option<u32>,
    m: Option<u32>,
    d: Option<u32>,
    span: Option<Span>,
    bare: Option<u32>,
}

impl Part {
    fn read(toks: &[Tok]) -> Part {
        let mut p = Part::default();
        let mut pending: Option<u32> = None;
        for t in toks {
            match t {
                Tok::Num(n) => {
                    if let Some(prev) = pending.replace(*n) {
                        p.bare = Some(prev);
                    }
                }
                Tok::Year => p.y = pending.take().or(p.y),
                Tok::Month => p.m = pending.take().or(p.m),
                Tok::Day => p.d = pending.take().or(p.d),
                Tok::Span(s) => p.span = Some(*s),
                Tok::Dash | Tok::Before => {}
            }
        }
        if pending.is_some() {
            p.bare = pending;
        }
        p
    }

    fn has_number(&self) -> bool {
        self.y.is_some() || self.m.is_some() || self.d.is_some() || self.bare.is_some()
    }

    /// Gives the bare number the unit `like` has first (year, then month, then day).
    fn place_bare(&mut self, like: &Part, highest: bool) {
        let Some(n) = self.bare.take() else {
            return;
        };
        let order = [like.y.is_some(), like.m.is_some(), like.d.is_some()];
        let pick = if highest {
            order.iter().position(|x| *x)
        } else {
            order.iter().rposition(|x| *x)
        };
        match pick {
            Some(0) => self.y = self.y.or(Some(n)),
            Some(1) => self.m = self.m.or(Some(n)),
            Some(2) => self.d = self.d.or(Some(n)),
            _ => {}
        }
    }
}

struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
    start_assumed: bool,
    year_assumed: bool,
}

fn last_day(y: i32, m: u32) -> Option<u32> {
    let (ny, nm) = if m == 12 {
        (y.checked_add(1)?, 1)
    } else {
        (y, m.checked_add(1)?)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)?
        .pred_opt()
        .map(|d| d.day())
}

fn span_days(span: Option<Span>, y: i32, m: u32) -> Option<(u32, u32)> {
    let last = last_day(y, m)?;
    Some(match span {
        None => (1, last),
        Some(Span::Early) => (1, 10),
        Some(Span::Mid) => (11, 20),
        Some(Span::Late) => (21, last),
    })
}

/// Reads "2020年4月底之前", "2020年5—7月", "2020年5月1日至7月31日" and the like.
fn parse_range(chars: &[char], default_year: Option<i32>, cn: bool) -> Option<DateRange> {
    let toks = tokenize_dates(chars, cn);
    let before = toks.contains(&Tok::Before);
    let dash = toks.iter().position(|t| *t == Tok::Dash).filter(|&i| {
        Part::read(toks.get(..i).unwrap_or(&[])).has_number()
            && Part::read(toks.get(i + 1..).unwrap_or(&[])).has_number()
    });
    let mut year_assumed = false;
    let mut year_or_default = |y: Option<u32>| -> Option<i32> {
        match y {
            Some(y) => i32::try_from(y).ok(),
            None => {
                year_assumed = true;
                default_year
            }
        }
    };
    match dash {
        Some(i) => {
            let mut left = Part::read(toks.get(..i).unwrap_or(&[]));
            let mut right = Part::read(toks.get(i + 1..).unwrap_or(&[]));
            let right_copy = right;
            left.place_bare(&right_copy, true);
            let left_copy = left;
            right.place_bare(&left_copy, false);
            let ys = year_or_default(left.y.or(right.y))?;
            let ms = left
                .m
                .or(if left.y.is_some() { Some(1) } else { None })
                .or(right.m)?;
            let ds = match left.d {
                Some(d) => d,
                None => span_days(left.span, ys, ms)?.0,
            };
            let mut ye = match right.y {
                Some(y) => i32::try_from(y).ok()?,
                None => ys,
            };
            let me = right
                .m
                .or(if right.y.is_some() { Some(12) } else { None })
                .unwrap_or(ms);
            if right.y.is_none() && me < ms {
                ye = ye.checked_add(1)?;
            }
            let de = match right.d {
                Some(d) => d,
                None => span_days(right.span, ye, me)?.1,
            };
            Some(DateRange {
                start: NaiveDate::from_ymd_opt(ys, ms, ds)?,
                end: NaiveDate::from_ymd_opt(ye, me, de)?,
                start_assumed: false,
                year_assumed,
            })
        }
        None => {
            let mut p = Part::read(&toks);
            if p.m.is_none() && p.y.is_some() {
                p.m = p.bare.take();
            }
            let y = year_or_default(p.y)?;
            let (ms, me) = match p.m {
                Some(m) => (m, m),
                None if p.y.is_some() => (1, 12),
                None => return None,
            };
            let (mut ds, mut de) = span_days(p.span, y, ms)?;
            if me != ms {
                de = last_day(y, me)?;
            }
            if let Some(d) = p.d {
                ds = d;
                de = d;
            }
            if before {
                ds = 1;
            }
            Some(DateRange {
                start: NaiveDate::from_ymd_opt(y, ms, ds)?,
                end: NaiveDate::from_ymd_opt(y, me, de)?,
                start_assumed: before,
                year_assumed,
            })
        }
    }
}

/// The unit the leading group's office sits in: "在市经济和信息化局办公" or "办公室设在…".
fn find_office_unit(
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

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
