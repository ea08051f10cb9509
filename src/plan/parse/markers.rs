//! Numbers, in ASCII digits or Chinese numerals (十四, 二〇二〇), and the item markers and
//! chapter headings written with them: (一), 1. or 1、, (1), and 一、.

use super::normalise::{chars_of, string_of};

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

pub(super) fn is_cn_numeral(c: char) -> bool {
    cn_digit(c).is_some() || c == '十' || c == '百'
}

/// "十四" → 14, "二〇二〇" → 2020.
pub(super) fn cn_value(s: &[char]) -> Option<u32> {
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
pub(super) fn read_number(chars: &[char], i: usize, cn: bool) -> Option<(u32, usize)> {
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
pub(super) enum Marker {
    /// "(一)"
    ParenCn,
    /// "1." or "1、"
    Arabic,
    /// "(1)"
    ParenArabic,
}

/// An item marker at the start of a line: (kind, number, rest of the line).
pub(super) fn item_marker(text: &str) -> Option<(Marker, u32, String)> {
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
pub(super) fn chapter_heading(text: &str) -> Option<(u32, String)> {
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
