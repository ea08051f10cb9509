//! Bracket matching, shared by unit notes, roster positions and phase dates: `(` `)` and
//! `〈` `〉` (or `<` `>`) are two kinds that must nest.

pub(super) fn open_class(c: char) -> Option<u8> {
    match c {
        '(' => Some(0),
        '〈' | '<' => Some(1),
        _ => None,
    }
}

pub(super) fn close_class(c: char) -> Option<u8> {
    match c {
        ')' => Some(0),
        '〉' | '>' => Some(1),
        _ => None,
    }
}

/// The index of the bracket closing the one at `open`; None when the brackets do not balance.
pub(super) fn matching_close(chars: &[char], open: usize) -> Option<usize> {
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
pub(super) fn split_top(chars: &[char], seps: &[char]) -> Vec<Vec<char>> {
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
