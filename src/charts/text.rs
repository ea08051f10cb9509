//! Text estimates and formatting. The SVG carries no font metrics: the browser draws
//! the glyphs, so widths are estimated per char.

/// Estimated advance of `c` in em: Latin and digits ≈ 0.6, CJK, fullwidth forms and
/// general punctuation (e.g. "…" in CJK fonts) ≈ 1.
fn char_em(c: char) -> f64 {
    if (c as u32) < 0x2000 { 0.6 } else { 1.0 }
}

/// Estimated width in px of `s` at font size `px`.
pub(crate) fn width(s: &str, px: f64) -> f64 {
    s.chars().map(char_em).sum::<f64>() * px
}

/// `s` cut to fit `max_w` px, ending in "…" when cut.
pub(crate) fn truncate(s: &str, px: f64, max_w: f64) -> String {
    if width(s, px) <= max_w {
        return s.to_owned();
    }
    let budget = max_w - char_em('…') * px;
    let mut out = String::new();
    let mut w = 0.0;
    for c in s.chars() {
        w += char_em(c) * px;
        if w > budget {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// `s` broken into at most `max_lines` lines of `max_w` px; the last one truncated.
pub(crate) fn wrap(s: &str, px: f64, max_w: f64, max_lines: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest: Vec<char> = s.trim().chars().collect();
    while !rest.is_empty() && lines.len() + 1 < max_lines {
        let mut w = 0.0;
        let mut n = 0;
        while n < rest.len() && w + char_em(rest[n]) * px <= max_w {
            w += char_em(rest[n]) * px;
            n += 1;
        }
        if n == rest.len() {
            break;
        }
        // Prefer breaking after a space so ASCII words stay whole.
        if let Some(sp) = rest[..n].iter().rposition(|c| *c == ' ')
            && sp > 0
        {
            n = sp + 1;
        }
        lines.push(rest[..n].iter().collect::<String>().trim_end().to_owned());
        rest.drain(..n.max(1));
    }
    if !rest.is_empty() {
        let last: String = rest.into_iter().collect();
        lines.push(truncate(last.trim(), px, max_w));
    }
    lines
}

/// Escape for XML text and attribute values (only for what this module writes itself;
/// plotters escapes the text and attributes it writes).
pub(crate) fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// One decimal, rounded as every page rounds (`results::round1`), never "-0.0".
pub(crate) fn fmt1(v: f64) -> String {
    format!("{:.1}", crate::results::round1(v))
}

/// `part` as a percentage of `whole` (0 when `whole` is 0).
pub(crate) fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}
