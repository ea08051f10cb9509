//! Step 2: page furniture (发布时间/发布单位 lines, whose values are kept, web footers, page
//! numbers, document trailers) is dropped wherever it stands, and the signature (the issuer
//! line and the date line) is taken out.

use chrono::NaiveDate;

use super::layout::strip_attachment_label;
use super::markers::{chapter_heading, item_marker, read_number};
use super::normalise::{Line, chars_of, no_blanks, string_of};
use super::words::org_suffix;

#[derive(Default)]
pub(super) struct PageInfo {
    pub(super) published_at: Option<String>,
    pub(super) publisher: Option<String>,
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

pub(super) const DASHES: &[char] = &['—', '–', '-', '~', '〜', '―', '─', '‐', '‑', '‒', '⁓'];

/// True for a line that is not part of the document; 发布时间/发布单位 values are kept.
pub(super) fn read_furniture(text: &str, page: &mut PageInfo) -> bool {
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

pub(super) struct Signature {
    pub(super) issuer: Option<String>,
    pub(super) date: Option<NaiveDate>,
}

/// Takes out the first date-only line and the issuer line just above it.
pub(super) fn take_signature(lines: &mut Vec<Line>) -> Signature {
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
pub(super) fn parse_date_line(text: &str) -> Option<NaiveDate> {
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
pub(super) fn city_of(issuer: &str) -> Option<String> {
    let chars = chars_of(issuer);
    let idx = chars.iter().position(|c| *c == '市')?;
    (2..=4)
        .contains(&idx)
        .then(|| string_of(chars.get(..idx).unwrap_or(&[])))
}

pub(super) fn leading_year(text: &str) -> Option<i32> {
    let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() == 4 {
        digits.parse().ok()
    } else {
        None
    }
}
